"""Reads that join the network app with agreements, catalog and loans."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from catalog.models import Holding, Record
from consortium.models import Library

from .choices import BookingStatus
from .models import Booking, Facility


def facilities_agreement(*, facility: Facility, library: Library | int, first_day: date, last_day: date):
    """The active agreement covering shared facilities under which `library` may use `facility` from `first_day` to
    `last_day` (both libraries are parties; the facility's own agreement when it names one)."""
    from agreements.choices import Form, Status
    from agreements.models import Agreement

    library_id = library if isinstance(library, int) else library.pk
    agreements = (
        Agreement.objects.filter(status=Status.ACTIVE, forms__contains=[Form.FACILITIES], start_on__lte=first_day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=last_day))
        .filter(parties__library_id=facility.library_id)
        .filter(parties__library_id=library_id)
    )
    if facility.agreement_id:
        agreements = agreements.filter(pk=facility.agreement_id)
    return agreements.order_by("-start_on").first()


def facilities_agreement_ending(*, facility: Facility, library: Library | int, on: date):
    """An agreement that covers the pair today but ends before `on` (to say so instead of a vaguer message)."""
    from agreements.choices import Form, Status
    from agreements.models import Agreement

    library_id = library if isinstance(library, int) else library.pk
    agreements = Agreement.objects.filter(
        status=Status.ACTIVE,
        forms__contains=[Form.FACILITIES],
        end_on__lt=on,
        parties__library_id=facility.library_id,
    ).filter(parties__library_id=library_id)
    if facility.agreement_id:
        agreements = agreements.filter(pk=facility.agreement_id)
    return agreements.order_by("-end_on").first()


def calendar_days(bookings, *, first_day: date, days: int = 7) -> list[tuple[date, list[Booking]]]:
    """Bookings grouped by local day for a week-style calendar (days without bookings included)."""
    by_day: dict[date, list[Booking]] = defaultdict(list)
    for booking in bookings:
        by_day[timezone.localtime(booking.period.lower).date()].append(booking)
    return [(first_day + timedelta(days=n), by_day.get(first_day + timedelta(days=n), [])) for n in range(days)]


def week_range(first_day: date, days: int = 7) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first_day, datetime.min.time()), tz)
    return start, start + timedelta(days=days)


def usage_by_agreement(bookings) -> list[dict]:
    """Approved bookings per agreement, facility and booking school: how many and how many hours."""
    rows: dict[tuple, dict] = {}
    for booking in bookings.filter(status=BookingStatus.APPROVED).select_related(
        "facility__library", "library", "agreement"
    ):
        key = (booking.agreement_id, booking.facility_id, booking.library_id)
        row = rows.setdefault(
            key,
            {
                "agreement": booking.agreement,
                "facility": booking.facility,
                "library": booking.library,
                "bookings": 0,
                "hours": 0.0,
            },
        )
        row["bookings"] += 1
        row["hours"] += booking.hours
    return sorted(
        rows.values(),
        key=lambda r: (r["agreement"].number if r["agreement"] else "", r["facility"].name, r["library"].name),
    )


# --- shared search tools -------------------------------------------------------------------------------------


def new_acquisitions(*, library: Library | None = None, days: int = 30, today: date | None = None, limit: int = 500):
    """Titles whose copies were added in the last `days` days (at one school or anywhere), newest first.

    Returns (record, date added, [library codes]) tuples."""
    today = today or timezone.localdate()
    holdings = Holding.objects.filter(date_added__gt=today - timedelta(days=days), date_added__lte=today).exclude(
        status="withdrawn"
    )
    if library is not None:
        holdings = holdings.filter(library=library)
    latest: dict[int, date] = {}
    where: dict[int, set[str]] = defaultdict(set)
    for record_id, added, code in holdings.values_list("record_id", "date_added", "library__code").order_by(
        "-date_added"
    )[: limit * 5]:
        latest[record_id] = max(latest.get(record_id, added), added)
        where[record_id].add(code)
    records = Record.objects.in_bulk(list(latest))
    ordered = sorted(latest, key=lambda rid: (latest[rid], rid), reverse=True)[:limit]
    return [(records[rid], latest[rid], sorted(where[rid])) for rid in ordered if rid in records]


def availability(records, *, school_id: int | None = None) -> dict[int, dict]:
    """For each record: the member schools that hold it and those with a copy on the shelf now."""
    library_ids = set()
    for record in records:
        library_ids.update(record.holding_library_ids or [])
    names = {lib.pk: lib for lib in Library.objects.filter(pk__in=library_ids)}
    result = {}
    for record in records:
        available = [names[i] for i in (record.available_library_ids or []) if i in names]
        held = [names[i] for i in (record.holding_library_ids or []) if i in names]
        result[record.pk] = {
            "held_by": held,
            "available_at": available,
            "at_my_school": school_id in (record.available_library_ids or []) if school_id else False,
        }
    return result


# --- the principal's report ---------------------------------------------------------------------------------


def cooperation_report(*, library: Library, year: int) -> dict:
    """One year of the school library's cooperation, counted for the principal (no reader is named)."""
    from agreements.choices import Status
    from agreements.models import Agreement
    from loans.models import IllRequest

    from .models import Answer, Event, Partner, ReadingList, Registration

    donations = Holding.objects.filter(
        library=library, date_added__year=year, acquisition__startswith="donation"
    ).count()
    approved = Booking.objects.filter(status=BookingStatus.APPROVED, period__startswith__year=year)
    given_bookings = list(approved.filter(facility__library=library).exclude(library=library))
    received_bookings = list(approved.filter(library=library).exclude(facility__library=library))
    partners = Partner.objects.filter(library=library)
    return {
        "loans_given": IllRequest.objects.filter(lender=library, shipped_at__year=year).count(),
        "loans_received": IllRequest.objects.filter(requester=library, shipped_at__year=year).count(),
        "requests_made": IllRequest.objects.filter(requester=library, created_at__year=year).count(),
        "agreements": list(
            Agreement.objects.filter(parties__library=library, status=Status.ACTIVE).distinct().order_by("number")
        ),
        "donations": donations,
        "partners": partners.count(),
        "partner_books": sum(partners.values_list("books_donated", flat=True)),
        "events_hosted": Event.objects.filter(organiser=library, starts_at__year=year).count(),
        "staff_attended": Registration.objects.filter(
            library=library, attended=True, event__starts_at__year=year
        ).count(),
        "answers_given": Answer.objects.filter(library=library, created_at__year=year).count(),
        "bookings_given": len(given_bookings),
        "hours_given": sum(b.hours for b in given_bookings),
        "bookings_received": len(received_bookings),
        "hours_received": sum(b.hours for b in received_bookings),
        "reading_lists": ReadingList.objects.filter(library=library, created_at__year=year).count(),
    }
