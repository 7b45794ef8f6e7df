"""Everything under /api/v1/: each app registers its own router."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from consortium.api.schema import CachedSpectacularAPIView

app_name = "api"

urlpatterns = [
    path("", include("consortium.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("loans.api.urls")),
    path("", include("agreements.api.urls")),
    path("", include("network.api.urls")),
    path("", include("acquisitions.api.urls")),
    path("schema/", CachedSpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script as a file: no inline script (Content-Security-Policy).
    # Swagger UI and ReDoc set inline styles (never inline scripts): allowed on these two pages only.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path(
        "redoc/",
        # ReDoc also searches in a worker it builds from a blob: URL.
        csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
]
