from rest_framework.routers import DefaultRouter

from .views import AgreementViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("agreements", AgreementViewSet, basename="agreement")

urlpatterns = router.urls
