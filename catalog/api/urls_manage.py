"""/api/v1/records/ and /api/v1/holdings/ (with upsert and bulk import)."""

from rest_framework.routers import DefaultRouter

from .views import HoldingViewSet, ImportJobViewSet, RecordViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("records", RecordViewSet, basename="record")
router.register("holdings", HoldingViewSet, basename="holding")
router.register("import-jobs", ImportJobViewSet, basename="import-job")

urlpatterns = router.urls
