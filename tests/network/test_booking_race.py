"""Two requests for the same slot at the same instant, in two threads with two database connections: exactly one
booking is made, the other gets the clear message."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from network import services
from network.models import Booking

from .conftest import at


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", range(3))
def test_two_simultaneous_bookings_exactly_one_wins(room, other_school, outsider, school, librarian, monday, run):
    barrier = threading.Barrier(2)
    results: list[object] = []

    def attempt(library, user):
        translation.activate("en")  # each thread has its own active language
        try:
            barrier.wait(timeout=10)
            results.append(
                services.booking_create(
                    facility=room,
                    library=library,
                    by=user,
                    starts_at=at(monday, 9),
                    ends_at=at(monday, 11),
                    purpose="Rapat",
                )
            )
        except ValidationError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(other_school, outsider)),
        threading.Thread(target=attempt, args=(school, librarian)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    wins = [r for r in results if isinstance(r, Booking)]
    losses = [r for r in results if isinstance(r, ValidationError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "already booked" in " ".join(losses[0].messages)
    assert Booking.objects.count() == 1
