"""Search, record page, browse."""

from django.urls import path

from .views import records

urlpatterns: list = [
    path("", records.SearchView.as_view(), name="search"),
    path("records/<int:pk>/", records.RecordDetailView.as_view(), name="record_detail"),
    path("records/<int:pk>/export/<str:fmt>/", records.RecordExportView.as_view(), name="record_export"),
    path("browse/", records.BrowseView.as_view(), name="browse"),
    path("browse/<slug:code>/", records.BrowseLibraryView.as_view(), name="browse_library"),
]
