"""Two schools claim the same offer at the same instant: exactly one wins, the other is told it is taken."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from acquisitions import services
from acquisitions.choices import OfferStatus
from acquisitions.models import Offer
from tests.factories import LibraryFactory, make_librarian

from .conftest import copies, make_record

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_schools_claim_at_once_exactly_one_wins(school, librarian, monkeypatch):
    offer = services.offer_create(by=librarian, holding=copies(make_record("Kimia Kelas XI"), school, 1)[0])
    claimants = [
        make_librarian(LibraryFactory(code=f"RACE{i}", name=f"Sekolah {i}", npsn=f"1099000{i}"), username=f"race{i}")
        for i in (1, 2)
    ]
    barrier = threading.Barrier(2)
    # Widen the window between a claim's check and its write (the claim stamps the time in between), so that
    # without the row lock both claims would pass the check.
    real_now = timezone.now

    def slow_now():
        time.sleep(0.2)
        return real_now()

    monkeypatch.setattr(services.timezone, "now", slow_now)
    outcomes: dict[str, str] = {}

    def claim(user):
        try:
            barrier.wait(timeout=10)  # both threads reach the claim together
            services.offer_claim(offer=offer, by=user)
            outcomes[user.username] = "won"
        except ValidationError as exc:
            outcomes[user.username] = exc.code or "refused"
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=claim, args=(user,)) for user in claimants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["taken", "won"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    offer = Offer.objects.get(pk=offer.pk)
    assert offer.status == OfferStatus.CLAIMED
    assert offer.claimed_by.memberships.get().user.username == winner
