"""The OpenAPI schema: every operation documents the errors it can answer, and how the token works."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

FREE_OBJECT = {"type": "object", "additionalProperties": True}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}


def error(description, schema=DETAIL):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": error(
        "The request was refused as it stands: a field breaks a rule (the body names it, "
        "`{field: [message]}`), the JSON is malformed or nested too deep, or a value holds a NUL or a lone "
        "surrogate.",
        FREE_OBJECT,
    ),
    "401": error("No valid credentials: send `Authorization: Token <token>` (see WWW-Authenticate)."),
    "403": error("Signed in, but not allowed: a session-authenticated write without its CSRF token."),
    "404": error("No such object among yours, or no such page of results."),
    "412": error(
        "`If-Match` names a version other than the current one; the body holds the current session.", FREE_OBJECT
    ),
    "429": error("Too many requests, or too many failed log-ins from this address; retry later."),
}


class ErrorDocumentingSchema(AutoSchema):
    """drf-spectacular's schema plus the error answers each operation can give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400"]
        if self.view.get_authenticators():  # a bad token is a 401 even where none is needed
            codes.append("401")
        if self.view.get_permissions() and not self._is_public():
            codes.append("403")
        if self._is_list_view() or "{" in self.path or self.method != "GET":
            codes.append("404")
        if self.method in ("PUT", "PATCH") and getattr(self.view, "versioned", False):
            codes.append("412")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        for code in codes:
            responses.setdefault(code, ERRORS[code])
        return responses

    def _is_public(self):
        from rest_framework.permissions import AllowAny

        return all(isinstance(p, AllowAny) for p in self.view.get_permissions())


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`: get one from POST /api/v1/auth/token/ or the settings page. "
            "A password change or reset revokes every token.",
        }
