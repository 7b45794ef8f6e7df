from django.urls import path

from . import feeds, views

app_name = "network"

urlpatterns = [
    path("", views.NetworkHomeView.as_view(), name="home"),
    # shared facilities
    path("facilities/", views.FacilityListView.as_view(), name="facility_list"),
    path("facilities/new/", views.FacilityEditView.as_view(), name="facility_create"),
    path("facilities/<int:pk>/", views.FacilityDetailView.as_view(), name="facility_detail"),
    path("facilities/<int:pk>/edit/", views.FacilityEditView.as_view(), name="facility_edit"),
    path("bookings/", views.BookingListView.as_view(), name="booking_list"),
    path("bookings/<int:pk>/", views.BookingDetailView.as_view(), name="booking_detail"),
    path("bookings/<int:pk>/<slug:action>/", views.BookingActionView.as_view(), name="booking_action"),
    path("schools/<slug:code>/calendar/", views.SchoolCalendarView.as_view(), name="school_calendar"),
    path("usage/", views.UsageView.as_view(), name="usage"),
    # librarians' network
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/new/", views.EventEditView.as_view(), name="event_create"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>/edit/", views.EventEditView.as_view(), name="event_edit"),
    path("events/<int:pk>/certificate/<int:user_id>/", views.CertificateView.as_view(), name="event_certificate"),
    path("events/<int:pk>/<slug:action>/", views.EventActionView.as_view(), name="event_action"),
    path("guidelines/", views.GuidelineListView.as_view(), name="guideline_list"),
    path("guidelines/<int:pk>/", views.GuidelineDetailView.as_view(), name="guideline_detail"),
    path("guidelines/<int:pk>/v<int:number>/", views.GuidelineFileView.as_view(), name="guideline_file"),
    path("experts/", views.ExpertiseListView.as_view(), name="expertise_list"),
    path("questions/", views.QuestionListView.as_view(), name="question_list"),
    path("questions/<int:pk>/", views.QuestionDetailView.as_view(), name="question_detail"),
    # shared search tools
    path("acquisitions/", views.AcquisitionsView.as_view(), name="acquisitions"),
    path("acquisitions/csv/", views.AcquisitionsView.as_view(), {"as_csv": True}, name="acquisitions_csv"),
    path("acquisitions/atom/", feeds.AcquisitionsFeed(), name="acquisitions_feed"),
    path("subscriptions/", views.SubscriptionListView.as_view(), name="subscription_list"),
    path("subscriptions/csv/", views.SubscriptionListView.as_view(), {"as_csv": True}, name="subscription_csv"),
    path("subscriptions/atom/", feeds.SubscriptionsFeed(), name="subscription_feed"),
    path("subscriptions/new/", views.SubscriptionEditView.as_view(), name="subscription_create"),
    path("subscriptions/<int:pk>/edit/", views.SubscriptionEditView.as_view(), name="subscription_edit"),
    path("reading-lists/", views.ReadingListListView.as_view(), name="readinglist_list"),
    path("reading-lists/new/", views.ReadingListCreateView.as_view(), name="readinglist_create"),
    path("reading-lists/<int:pk>/", views.ReadingListDetailView.as_view(), name="readinglist_detail"),
    path("reading-lists/<int:pk>/items/", views.ReadingListItemsView.as_view(), name="readinglist_items"),
    path("reading-lists/<int:pk>/request/", views.ReadingListRequestView.as_view(), name="readinglist_request"),
    path("reading-lists/<int:pk>/csv/", views.ReadingListCsvView.as_view(), name="readinglist_csv"),
    path("reading-lists/<int:pk>/atom/", feeds.ReadingListFeed(), name="readinglist_feed"),
    # school partners
    path("schools/<slug:code>/partners/", views.PartnerListView.as_view(), name="partner_list"),
    path("schools/<slug:code>/report/", views.CooperationReportView.as_view(), name="report"),
]
