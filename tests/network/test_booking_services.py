"""Shared facilities: booking rules, the owner's decision, and the database guarantee against double bookings."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from loans.models import Notification
from network import services
from network.choices import BookingStatus
from network.models import Booking

from .conftest import at, next_monday

pytestmark = pytest.mark.django_db


def book(facility, library, by, day, start=9, end=11, **kwargs):
    return services.booking_create(
        facility=facility,
        library=library,
        by=by,
        starts_at=at(day, start),
        ends_at=at(day, end),
        purpose="Kelas",
        **kwargs,
    )


def test_member_books_a_slot_and_the_owner_is_told(room, other_school, outsider, librarian, monday):
    booking = book(room, other_school, outsider, monday)
    assert booking.status == BookingStatus.PENDING
    assert booking.agreement.number == "PKS/FAS/001"
    assert Notification.objects.filter(user=librarian, kind="booking").exists()


def test_overlapping_booking_is_refused(room, other_school, outsider, school, librarian, monday):
    book(room, other_school, outsider, monday, 9, 11)
    with pytest.raises(ValidationError, match="already booked"):
        book(room, school, librarian, monday, 10, 12)
    assert Booking.objects.count() == 1


def test_adjacent_slots_do_not_clash(room, other_school, outsider, monday):
    book(room, other_school, outsider, monday, 9, 11)
    book(room, other_school, outsider, monday, 11, 13)
    assert Booking.objects.count() == 2


def test_declined_or_cancelled_booking_frees_the_slot(room, other_school, outsider, librarian, monday):
    first = book(room, other_school, outsider, monday)
    services.booking_decline(booking=first, by=librarian, note="Ada ujian")
    again = book(room, other_school, outsider, monday)
    services.booking_cancel(booking=again, by=outsider)
    book(room, other_school, outsider, monday)
    assert Booking.objects.filter(status=BookingStatus.PENDING).count() == 1


def test_licence_seats_fill_up_then_refuse(licence, other_school, outsider, monday):
    first = book(licence, other_school, outsider, monday)
    second = book(licence, other_school, outsider, monday)
    assert {first.seat, second.seat} == {1, 2}
    with pytest.raises(ValidationError, match="already booked"):
        book(licence, other_school, outsider, monday)


def test_database_refuses_overlap_even_without_the_service(room, other_school, monday):
    """The exclusion constraint itself, not only the Python check."""
    period = DateTimeTZRange(at(monday, 9), at(monday, 11))
    Booking.objects.create(facility=room, library=other_school, period=period, purpose="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            facility=room, library=other_school, period=DateTimeTZRange(at(monday, 10), at(monday, 12)), purpose="b"
        )


@pytest.mark.parametrize(
    "start,end,message",
    [
        (6, 8, "opening hours"),
        (14, 16, "opening hours"),
        (8, 13, "at most 4 hours"),
        (11, 9, "end after it starts"),
    ],
)
def test_booking_outside_hours_is_refused(room, other_school, outsider, monday, start, end, message):
    with pytest.raises(ValidationError, match=message):
        book(room, other_school, outsider, monday, start, end)
    assert not Booking.objects.exists()


def test_booking_on_a_closed_day_is_refused(room, other_school, outsider, monday):
    with pytest.raises(ValidationError, match="closed on that day"):
        book(room, other_school, outsider, monday + timedelta(days=6))  # Sunday


def test_booking_in_the_past_is_refused(room, other_school, outsider, monday):
    with pytest.raises(ValidationError, match="already passed"):
        book(room, other_school, outsider, monday - timedelta(days=14))


def test_booking_after_the_agreement_ends_is_refused(room, other_school, outsider):
    late = next_monday(weeks=10)  # the agreement ends in 60 days
    with pytest.raises(ValidationError, match="PKS/FAS/001.*ends on"):
        book(room, other_school, outsider, late)
    assert not Booking.objects.exists()


def test_school_without_agreement_cannot_book(room, outsider, monday):
    from tests.factories import LibraryFactory, make_librarian

    stranger_school = LibraryFactory(code="SDX", npsn="10299999")
    stranger = make_librarian(stranger_school, username="stranger")
    with pytest.raises(ValidationError, match="No active agreement"):
        book(room, stranger_school, stranger, monday)


def test_owner_books_its_own_room_without_agreement(room, school, librarian, monday):
    booking = book(room, school, librarian, monday)
    assert booking.agreement is None


def test_only_own_librarians_book_for_a_school(room, school, outsider, student, monday):
    with pytest.raises(PermissionDenied):
        book(room, school, outsider, monday)
    with pytest.raises(PermissionDenied):
        book(room, school, student, monday)


def test_owner_approves_and_booker_is_mailed(room, other_school, outsider, librarian, monday):
    booking = book(room, other_school, outsider, monday)
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):
        services.booking_approve(booking=booking, by=outsider)
    approved = services.booking_approve(booking=booking, by=librarian)
    assert approved.status == BookingStatus.APPROVED and approved.decided_by == librarian
    assert Notification.objects.filter(user=outsider, kind="booking_approved").exists()
    with pytest.raises(ValidationError):
        services.booking_decline(booking=booking, by=librarian)


def test_missing_purpose_is_a_field_error(room, other_school, outsider, monday):
    with pytest.raises(ValidationError) as info:
        services.booking_create(
            facility=room,
            library=other_school,
            by=outsider,
            starts_at=at(monday, 9),
            ends_at=at(monday, 10),
            purpose=" ",
        )
    assert "purpose" in info.value.message_dict
