"""API authentication by a runner's hashed, revocable token (accounts.models.ApiToken)."""

from rest_framework import authentication, exceptions

from . import services
from .middleware import activate_for


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <secret>`. The secret is looked up by its SHA-256; a revoked token, or one
    issued before the runner's password last changed, is refused. Listed first in the API settings, so an
    anonymous call is answered 401 with `WWW-Authenticate: Token`."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send one token: `Authorization: Token <token>`.")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = services.token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        activate_for(token.user)  # the time-zone middleware ran before DRF knew who this is
        return (token.user, token)

    def authenticate_header(self, request):
        return self.keyword
