"""Interlibrary-loan figures: requests, fill rate, turnaround, lent versus borrowed, most requested titles."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Aggregate, Avg, Count, DurationField, ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Extract, TruncMonth, TruncWeek
from django.utils import timezone

from consortium.models import Library

from .choices import State
from .models import IllRequest

FILLED = [
    State.SHIPPED,
    State.RECEIVED,
    State.ON_LOAN,
    State.RETURNED_BY_READER,
    State.SHIPPED_BACK,
    State.DELIVERED,
    State.ANSWERED,
    State.COMPLETED,
    State.LOST,
    State.DAMAGED,
]


# A request counts as filled once a copy left the lender or the copy or answer was delivered.
FILLED_Q = Q(state__in=FILLED) | Q(shipped_at__isnull=False)
# Periods up to about a quarter are drawn week by week; longer ones month by month.
WEEKLY_UP_TO_DAYS = 92


class Median(Aggregate):
    """Postgres' percentile_cont(0.5): one slow request does not move the figure as it moves an average."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _made_between(requests, start: date | None, end: date | None):
    if start is not None:
        requests = requests.filter(created_at__date__gte=start)
    if end is not None:
        requests = requests.filter(created_at__date__lte=end)
    return requests


def compute(*, library_ids: set[int] | None = None, start: date | None = None, end: date | None = None) -> dict:
    """`start`, `end`: the first and last day on which the counted requests were made (None: open)."""
    requests = _made_between(IllRequest.objects.all(), start, end)
    shipped = requests.filter(shipped_at__isnull=False)
    if library_ids is not None:
        requests = requests.filter(Q(requester_id__in=library_ids) | Q(lender_id__in=library_ids))
    total = requests.count()
    decided = requests.exclude(state__in=[State.AWAITING_APPROVAL, State.SENT, State.CONDITIONAL, State.CANCELLED])
    filled = requests.filter(FILLED_Q).count()
    turnaround = requests.aggregate(
        to_shipped=Avg(F("shipped_at") - F("created_at"), filter=Q(shipped_at__isnull=False)),
        to_received=Avg(F("received_at") - F("created_at"), filter=Q(received_at__isnull=False)),
    )
    per_library = []
    libraries = Library.objects.filter(pk__in=library_ids) if library_ids is not None else Library.objects.all()
    lent = dict(shipped.values_list("lender_id").annotate(n=Count("id")))
    borrowed = dict(shipped.values_list("requester_id").annotate(n=Count("id")))
    for library in libraries.order_by("name"):
        per_library.append(
            {"library": library, "lent": lent.get(library.pk, 0), "borrowed": borrowed.get(library.pk, 0)}
        )
    top = max([1] + [max(row["lent"], row["borrowed"]) for row in per_library])
    for row in per_library:
        row["lent_pct"], row["borrowed_pct"] = 100 * row["lent"] // top, 100 * row["borrowed"] // top
    most_requested = (
        requests.filter(record__isnull=False)
        .values("record_id", "record__title")
        .annotate(n=Count("id"))
        .order_by("-n", "record__title")[:10]
    )
    monthly: dict[tuple, dict] = defaultdict(lambda: {"requested": 0, "filled": 0, "lent": 0, "borrowed": 0})
    rows = requests.annotate(month=TruncMonth("created_at")).values(
        "month", "requester__code", "lender__code", "shipped_at"
    )
    for row in rows:
        month = row["month"].strftime("%Y-%m")
        borrower = monthly[(month, row["requester__code"])]
        borrower["requested"] += 1
        if row["shipped_at"]:
            borrower["filled"] += 1
            borrower["borrowed"] += 1
            if row["lender__code"]:
                monthly[(month, row["lender__code"])]["lent"] += 1
    return {
        "total": total,
        "filled": filled,
        "decided": decided.count(),
        "fill_rate": round(100 * filled / total) if total else None,
        "days_to_shipped": _days(turnaround["to_shipped"]),
        "days_to_received": _days(turnaround["to_received"]),
        "per_library": per_library,
        "most_requested": list(most_requested),
        "monthly": [{"month": month, "library": code, **values} for (month, code), values in sorted(monthly.items())],
    }


def over_time(
    *,
    library_ids: set[int] | None = None,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> dict:
    """Requests, fill rate (%) and median days from request to received, per week or month of the period.

    Aggregates only, counted like `compute`; a week or month without requests is still listed, with no rate.
    """
    today = today or timezone.localdate()
    weekly = start is not None and ((end or today) - start).days <= WEEKLY_UP_TO_DAYS
    requests = _made_between(IllRequest.objects.all(), start, end)
    if library_ids is not None:
        requests = requests.filter(Q(requester_id__in=library_ids) | Q(lender_id__in=library_ids))
    waited = ExpressionWrapper(F("received_at") - F("created_at"), output_field=DurationField())
    rows = (
        requests.annotate(bucket=(TruncWeek if weekly else TruncMonth)("created_at"))
        .values("bucket")
        .annotate(
            n=Count("id"),
            filled=Count("id", filter=FILLED_Q),
            # percentile_cont skips the NULLs of requests not received (yet, or copies and answers).
            median=Median(Extract(waited, "epoch")),
        )
        .order_by("bucket")
    )
    found = {timezone.localtime(row["bucket"]).date(): row for row in rows}
    if not found and start is None:
        return {"weekly": weekly, "rows": []}
    first = _bucket_start(start or min(found), weekly)
    last = _bucket_start(end or today, weekly)
    if found:
        first, last = min(first, min(found)), max(last, max(found))
    result, day = [], first
    while day <= last:
        row = found.get(day)
        n = row["n"] if row else 0
        result.append(
            {
                "start": day,
                "requests": n,
                "fill_rate": round(100 * row["filled"] / n) if n else None,
                "median_days": round(row["median"] / 86400, 1) if row and row["median"] is not None else None,
            }
        )
        day = day + timedelta(days=7) if weekly else (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return {"weekly": weekly, "rows": result}


def _bucket_start(day: date, weekly: bool) -> date:
    return day - timedelta(days=day.weekday()) if weekly else day.replace(day=1)


def _days(delta) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 86400, 1)  # a same-day turnaround is 0
