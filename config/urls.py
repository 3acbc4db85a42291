from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import obtain_token, running_week

from . import api, schema, views  # noqa: F401 (schema registers the token scheme)

api_patterns = [
    path("", include(api.build_router().urls)),
    path("auth/token/", obtain_token, name="token"),
    path("running-week/", running_week, name="running-week"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("exercises/", include("exercises.urls")),
    path("", include("programs.urls")),
    path("", include("logbook.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_patterns, "api"))),
]

handler404 = views.not_found
handler400 = views.bad_request
