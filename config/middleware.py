"""Request limits checked before any view, and response headers that Django's SecurityMiddleware does not set."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Add a same-origin-only Content-Security-Policy and a permissions policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Every response, the API docs included: Swagger UI's init script is served from our own
        # origin (SpectacularSwaggerSplitView), so nothing needs an inline-script exception.
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RequestLimitsMiddleware:
    """Refuse what no view should see, before anything reads the body.

    - A body over LEGWORK_MAX_REQUEST_BYTES by its Content-Length: 413 (the proxy and gunicorn cap it too,
      docs/deploy.md; Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds what is read into memory).
    - A NUL in the path: 404 (no URL has one; PostgreSQL cannot even compare a string holding one).
    - A NUL in the query string: 400 (filters look their values up in the database). In a form field a
      NUL is the field's own message (Django's CharField refuses one), so the form is shown again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.LEGWORK_MAX_REQUEST_BYTES
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            too_big = int(length) > limit
        except ValueError:
            return refuse(request, 400, "The Content-Length header is not a number.")
        if too_big:
            return refuse(request, 413, f"A request body is at most {limit // (1024 * 1024)} MB.")
        if "\x00" in request.path_info:
            return refuse(request, 404, "Not found.")
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return refuse(request, 400, "A query parameter holds a NUL character.")
        return self.get_response(request)


def refuse(request, status, message):
    """A short answer in the shape the caller expects: JSON under /api/, text elsewhere."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=status)
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    if status == 413:
        response["Connection"] = "close"  # the unread body must not be taken for the next request
    return response
