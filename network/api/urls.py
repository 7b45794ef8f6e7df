from rest_framework.routers import DefaultRouter

from .views import (
    AcquisitionViewSet,
    BookingViewSet,
    EventViewSet,
    FacilityViewSet,
    QuestionViewSet,
    ReadingListViewSet,
    SubscriptionViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("facilities", FacilityViewSet, basename="facility")
router.register("facility-bookings", BookingViewSet, basename="facility-booking")
router.register("events", EventViewSet, basename="event")
router.register("questions", QuestionViewSet, basename="question")
router.register("reading-lists", ReadingListViewSet, basename="reading-list")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("new-acquisitions", AcquisitionViewSet, basename="new-acquisition")

urlpatterns = router.urls
