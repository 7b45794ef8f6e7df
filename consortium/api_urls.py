"""Everything under /api/v1/: each app registers its own router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

app_name = "api"

urlpatterns = [
    path("", include("consortium.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("loans.api.urls")),
    path("", include("agreements.api.urls")),
    path("", include("acquisitions.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
