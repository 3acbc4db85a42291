import json

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache
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


def static_text(name):
    """A static file's text: the collected copy in production, the source in development and tests."""
    path = finders.find(name)
    if path is None and staticfiles_storage.exists(name):
        path = staticfiles_storage.path(name)
    if path is None:
        raise Http404(name)
    with open(path, encoding="utf-8") as f:
        return f.read()


@cache_control(no_cache=True, max_age=0)
@require_safe
def service_worker(request):
    """The service worker, served from the site's root so its scope is the whole site.

    Its list of files to keep offline names them as the pages do (hashed names in production), so the
    worker's own text changes, and browsers install the new one, whenever a cached file changes.
    """
    shell = [
        static(name)
        for name in (
            "bootstrap/css/bootstrap.min.css",
            "css/legwork.css",
            "js/theme.js",
            "js/legwork.js",
            "js/gym.js",
            "django_htmx/htmx-2.min.js",
            "img/favicon.svg",
            "img/icon-192.png",
        )
    ]
    pages = [reverse("logbook:today"), reverse("logbook:create")]
    body = static_text("js/sw.js").replace('"__SHELL__"', json.dumps(shell)).replace('"__PAGES__"', json.dumps(pages))
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@cache_control(max_age=86400)
@require_safe
def manifest(request):
    """The web app manifest: Legwork installs to a phone's home screen and opens on Today."""
    return JsonResponse(
        {
            "name": "Legwork",
            "short_name": "Legwork",
            "description": "Leg strength for runners: follow a block and log your sets as you train.",
            "start_url": reverse("logbook:today"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b6e4f",
            "icons": [
                {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            ],
        },
        content_type="application/manifest+json",
    )


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
