from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("purchase-proposals", views.ProposalViewSet, basename="purchase-proposal")
router.register("buying-rounds", views.BuyingRoundViewSet, basename="buying-round")
router.register("pledges", views.PledgeViewSet, basename="pledge")
router.register("exchange-offers", views.OfferViewSet, basename="exchange-offer")
router.register("exchange-wants", views.WantViewSet, basename="exchange-want")
router.register("donors", views.DonorViewSet, basename="donor")
router.register("donations", views.DonationViewSet, basename="donation")
router.register("donation-items", views.DonationItemViewSet, basename="donation-item")
router.register("collection-analysis", views.CollectionAnalysisViewSet, basename="collection-analysis")

urlpatterns = router.urls
