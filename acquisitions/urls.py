from django.urls import path

from . import views

app_name = "acquisitions"

urlpatterns = [
    path("", views.AnalysisView.as_view(), name="analysis"),
    path("schools/<slug:code>/", views.SchoolAnalysisView.as_view(), name="analysis_school"),
    path("overlap/", views.OverlapView.as_view(), name="overlap"),
    path("gaps/", views.GapView.as_view(), name="gaps"),
    path("setup/", views.SetupView.as_view(), name="setup"),
    path("recompute/", views.AnalysisRecomputeView.as_view(), name="analysis_recompute"),
    path("proposals/", views.ProposalListView.as_view(), name="proposal_list"),
    path("proposals/new/", views.ProposalCreateView.as_view(), name="proposal_create"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("proposals/<int:pk>/<slug:action>/", views.ProposalActionView.as_view(), name="proposal_action"),
    path("unfilled/<int:pk>/propose/", views.ProposalFromUnfilledView.as_view(), name="proposal_from_unfilled"),
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/budget/", views.RoundBudgetView.as_view(), name="round_budget"),
    path("rounds/<int:pk>/close/", views.RoundCloseView.as_view(), name="round_close"),
    path("pledges/<int:pk>/<slug:status>/", views.PledgeActionView.as_view(), name="pledge_action"),
    path("exchange/", views.ExchangeView.as_view(), name="exchange"),
    path("exchange/offer/", views.OfferCreateView.as_view(), name="offer_create"),
    path("exchange/offers/<int:pk>/", views.OfferDetailView.as_view(), name="offer_detail"),
    path("exchange/offers/<int:pk>/<slug:action>/", views.OfferActionView.as_view(), name="offer_action"),
    path("exchange/want/", views.WantCreateView.as_view(), name="want_create"),
    path("exchange/wants/<int:pk>/cancel/", views.WantCancelView.as_view(), name="want_cancel"),
    path("exchange/give-away/", views.GiveAwayView.as_view(), name="give_away"),
    path("donations/", views.DonationListView.as_view(), name="donation_list"),
    path("donations/donors/<int:pk>/", views.DonorDetailView.as_view(), name="donor_detail"),
    path("donations/donors/<int:pk>/letter/", views.DonorLetterView.as_view(), name="donor_letter"),
    path(
        "donations/items/<int:pk>/<slug:action>/", views.DonationItemActionView.as_view(), name="donation_item_action"
    ),
]
