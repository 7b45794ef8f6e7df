"""Interlibrary-loan figures: requests, fill rate, turnaround, lent versus borrowed, most requested titles."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth

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


def compute(*, library_ids: set[int] | None = None, start: date | None = None, end: date | None = None) -> dict:
    """`start`, `end`: the first and last day on which the counted requests were made (None: open)."""
    requests = IllRequest.objects.all()
    if start is not None:
        requests = requests.filter(created_at__date__gte=start)
    if end is not None:
        requests = requests.filter(created_at__date__lte=end)
    shipped = requests.filter(shipped_at__isnull=False)
    if library_ids is not None:
        requests = requests.filter(Q(requester_id__in=library_ids) | Q(lender_id__in=library_ids))
    total = requests.count()
    decided = requests.exclude(state__in=[State.AWAITING_APPROVAL, State.SENT, State.CONDITIONAL, State.CANCELLED])
    filled = requests.filter(Q(state__in=FILLED) | Q(shipped_at__isnull=False)).count()
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


def _days(delta) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 86400, 1)  # a same-day turnaround is 0
