"""Holdings, import, export, deduplication."""

from django.urls import path

from .views import manage

urlpatterns: list = [
    path("libraries/<slug:code>/holdings/", manage.HoldingListView.as_view(), name="holding_list"),
    path("records/<int:pk>/holdings/<slug:code>/add/", manage.HoldingCreateView.as_view(), name="holding_create"),
    path("holdings/<int:pk>/edit/", manage.HoldingEditView.as_view(), name="holding_edit"),
    path("libraries/<slug:code>/imports/", manage.ImportListView.as_view(), name="import_list"),
    path("imports/<int:pk>/", manage.ImportDetailView.as_view(), name="import_detail"),
    path("export/", manage.ExportView.as_view(), name="export"),
    path("exports/<int:pk>/", manage.ExportDetailView.as_view(), name="export_detail"),
    path("exports/<int:pk>/download/", manage.ExportDownloadView.as_view(), name="export_download"),
    path("duplicates/", manage.ReviewListView.as_view(), name="review_list"),
    path("duplicates/<int:pk>/decide/", manage.ReviewDecideView.as_view(), name="review_decide"),
    path("duplicates/decide/", manage.ReviewBulkDecideView.as_view(), name="review_decide_many"),
    path("records/<int:pk>/curate/", manage.RecordCurateView.as_view(), name="record_curate"),
    path("records/<int:keep>/merge/<int:merge>/", manage.RecordMergeView.as_view(), name="record_merge"),
]
