from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from programs.models import Program


@require_safe
def home(request):
    """What Legwork is, with the way into the library and the programs."""
    return render(request, "home.html", {"programs": Program.objects.order_by("name")})


@never_cache
@require_safe
def healthz(request):
    """Liveness and database check for load balancers: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def api_aware(status, message, default_view):
    """An error handler: JSON `{"detail": …}` under /api/ (what API clients parse), Django's page elsewhere."""

    def handler(request, exception=None, **kwargs):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        if exception is None:
            return default_view(request, **kwargs)
        return default_view(request, exception, **kwargs)

    handler.__doc__ = f"The {status} answer: JSON under /api/, the site's page elsewhere."
    return handler


not_found = api_aware(404, "Not found.", defaults.page_not_found)
bad_request = api_aware(400, "Bad request.", defaults.bad_request)
