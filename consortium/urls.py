"""Project URLs: pages, accounts, the API, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .errors import api_aware_404, api_aware_500

consortium_patterns = (
    [
        path("", views.LibraryListView.as_view(), name="library_list"),
        path("new/", views.LibraryCreateView.as_view(), name="library_create"),
        path("<slug:code>/", views.LibraryDetailView.as_view(), name="library_detail"),
        path("<slug:code>/edit/", views.LibraryUpdateView.as_view(), name="library_edit"),
        path("<slug:code>/people/", views.PeopleView.as_view(), name="people"),
        path("<slug:code>/people/staff/<int:pk>/remove/", views.StaffRemoveView.as_view(), name="staff_remove"),
        path("<slug:code>/api-keys/", views.ApiKeyListView.as_view(), name="apikey_list"),
        path("<slug:code>/api-keys/<int:pk>/revoke/", views.ApiKeyRevokeView.as_view(), name="apikey_revoke"),
    ],
    "consortium",
)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("libraries/", include(consortium_patterns)),
    path("settings/", views.ConsortiumSettingsView.as_view(), name="consortium_settings"),
    path("catalog/", include("catalog.urls")),
    path("ill/", include("loans.urls")),
    path("agreements/", include("agreements.urls")),
    path("", include("interop.urls")),
    path("network/", include("network.urls")),
    path("collections/", include("acquisitions.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("consortium.api_urls")),
    path("admin/", admin.site.urls),
    # Uploaded files: only through the policy (consortium/files.py); nothing under MEDIA_ROOT has a URL.
    path("files/<path:name>", views.UploadedFileView.as_view(), name="uploaded_file"),
]

handler404 = api_aware_404
handler500 = api_aware_500
