import pytest
from django.core.management import call_command

from acquisitions import demo
from acquisitions.analysis import latest_run
from acquisitions.models import BuyingRound, Donation, Offer, Pledge, Proposal, Want

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_a_round_in_progress_offers_wants_donations_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    round_ = BuyingRound.objects.get(name=demo.ROUND_NAME)
    assert round_.status == "open" and round_.shared_budget > 0
    assert {"proposed", "agreed", "ordered", "received", "cancelled"} <= set(
        Pledge.objects.values_list("status", flat=True)
    )
    assert Pledge.objects.exclude(responsibility_warning="").exists()
    assert Proposal.objects.filter(status="waiting").exists()
    assert {"open", "claimed", "transferred"} <= set(Offer.objects.values_list("status", flat=True))
    assert Want.objects.count() >= 3
    assert Donation.objects.filter(kind="money").exists() and Donation.objects.filter(kind="items").exists()
    assert latest_run().records > 0
    counts = [m.objects.count() for m in (BuyingRound, Pledge, Proposal, Offer, Want, Donation)]
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert [m.objects.count() for m in (BuyingRound, Pledge, Proposal, Offer, Want, Donation)] == counts
    demo.remove()
    assert not BuyingRound.objects.filter(name=demo.ROUND_NAME).exists()
