from django.urls import path

from . import views

app_name = "loans"

urlpatterns = [
    path("", views.RequestListView.as_view(), name="request_list"),
    path("new/", views.RequestCreateView.as_view(), name="request_create"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/file/", views.RequestAttachmentView.as_view(), name="request_attachment"),
    path("requests/slips/", views.TransitSlipListView.as_view(), name="transit_slip_list"),
    path("requests/<int:pk>/slip/", views.TransitSlipView.as_view(), name="transit_slip"),
    path("requests/<int:pk>/<slug:action>/", views.RequestTransitionView.as_view(), name="request_transition"),
    path("desk/<slug:code>/", views.DeskView.as_view(), name="desk"),
    path("desk/<slug:code>/pick-list/", views.PickListView.as_view(), name="pick_list"),
    path("desk/<slug:code>/bulk/<slug:action>/", views.DeskBulkView.as_view(), name="desk_bulk"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("statistics/", views.StatisticsView.as_view(), name="stats"),
]
