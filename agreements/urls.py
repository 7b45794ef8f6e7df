from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.AgreementListView.as_view(), name="agreement_list"),
    path("new/", views.AgreementEditView.as_view(), name="agreement_create"),
    path("network/", views.NetworkView.as_view(), name="network"),
    path("<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("<int:pk>/edit/", views.AgreementEditView.as_view(), name="agreement_edit"),
    path("<int:pk>/compare/", views.AgreementCompareView.as_view(), name="agreement_compare"),
    path("<int:pk>/pdf/", views.AgreementPdfView.as_view(), name="agreement_pdf"),
    path("<int:pk>/<slug:action>/", views.AgreementActionView.as_view(), name="agreement_action"),
]
