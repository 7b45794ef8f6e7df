from rest_framework.routers import DefaultRouter

from .views import LibraryViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("libraries", LibraryViewSet, basename="library")

urlpatterns = router.urls
