from rest_framework.routers import DefaultRouter

from .views import IllRequestViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("ill-requests", IllRequestViewSet, basename="ill-request")

urlpatterns = router.urls
