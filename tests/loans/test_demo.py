import pytest
from django.core.management import call_command

from loans.models import IllRequest

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_requests_in_many_states_and_is_idempotent(mailoutbox):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    states = set(IllRequest.objects.values_list("state", flat=True))
    assert {
        "awaiting_approval",
        "sent",
        "conditional",
        "will_supply",
        "shipped",
        "received",
        "on_loan",
        "returned_by_reader",
        "shipped_back",
        "completed",
        "cancelled",
        "delivered",
        "answered",
    } <= states
    assert IllRequest.objects.filter(is_overdue=True).exists()
    count = IllRequest.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert IllRequest.objects.count() == count
    assert mailoutbox == []
