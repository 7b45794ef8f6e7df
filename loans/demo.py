"""Demo interlibrary-loan traffic: requests in every state, so the desks and the statistics are alive.

Requests are made by demo people between demo schools only, and each is marked as demo data
(consortium/demo_registry.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import Holding, Record
from consortium import demo_registry
from consortium.models import Library

from . import services
from .choices import State
from .models import IllRequest

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _lender_librarian(request):
    return (
        demo_registry.demo_users()
        .filter(memberships__library_id=request.lender_id, memberships__role="librarian")
        .first()
    )


def _wanted(requester: Library, skip: set[int]) -> Record | None:
    """A title the school does not hold and another demo school can lend (plain id sets: quick on a fresh database)."""
    demo_ids = set(demo_registry.demo_libraries().values_list("pk", flat=True))
    own = set(Holding.objects.filter(library=requester).values_list("record_id", flat=True))
    lendable = (
        Holding.objects.filter(status="available", ill_allowed=True, library__status="active", library__in=demo_ids)
        .exclude(library=requester)
        .order_by("record_id")
        .values_list("record_id", flat=True)
        .distinct()
    )
    for record_id in lendable.iterator(chunk_size=2000):
        if record_id not in own and record_id not in skip:
            record = Record.objects.get(pk=record_id)
            lenders = services.lending_list(record=record, requester=requester)  # someone bound to lend it to us
            if lenders and set(lenders) <= demo_ids:
                return record
    return None


def seed(stdout=None) -> None:
    if demo_registry.demo_only(IllRequest.objects.all()).exists():
        return
    if not Holding.objects.filter(library__in=demo_registry.demo_libraries()).exists():
        return
    putri, dimas = demo_registry.demo_user("putri"), demo_registry.demo_user("dimas")
    hendra, rosmawati = demo_registry.demo_user("hendra"), demo_registry.demo_user("rosmawati")
    if None in (putri, dimas, hendra, rosmawati):
        return  # a real account holds one of these logins (consortium.demo said so)
    used: set[int] = set()

    counts: dict[int, int] = {}

    def new(reader, librarian, steps, **kwargs):
        school = librarian.memberships.first().library
        # Students keep within the agreement's items-per-student limit; the rest are the library's own requests.
        if reader is not None and counts.get(reader.pk, 0) >= 2:
            reader = None
        record = _wanted(school, used)
        if record is None:
            return None
        used.add(record.pk)
        if reader is not None:
            counts[reader.pk] = counts.get(reader.pk, 0) + 1
            request = services.ill_request_create(by=reader, record=record, **kwargs)
        else:
            request = services.ill_request_create(by=librarian, record=record, **kwargs)
            steps = [step for step in steps if step != "approve"]
        demo_registry.mark([request])
        for step in steps:
            if request.state in (State.UNFILLED, State.CANCELLED):
                break
            lender = _lender_librarian(request)
            if step == "approve":
                request = services.ill_request_approve(request=request, by=librarian)
            elif step in ("will_supply", "ship", "check_in", "recall"):
                request = getattr(services, f"ill_request_{step}")(request=request, by=lender)
            elif step == "condition":
                request = services.ill_request_set_condition(
                    request=request, by=lender, condition="Hanya dibaca di perpustakaan"
                )
            elif step == "deliver":
                request = services.ill_request_deliver(
                    request=request, by=lender, attachment=ContentFile(TINY_PDF, name="halaman.pdf")
                )
            else:
                request = getattr(services, f"ill_request_{step}")(request=request, by=librarian)
        return request

    full = ["approve", "will_supply", "ship", "receive", "hand_out", "reader_return", "ship_back", "check_in"]
    plans = [
        (putri, hendra, []),  # awaiting approval
        (dimas, rosmawati, ["approve"]),  # sent: incoming at the lender
        (putri, hendra, ["approve", "condition"]),  # conditional
        (putri, hendra, ["approve", "will_supply"]),  # will supply
        (dimas, rosmawati, full[:3]),  # shipped
        (putri, hendra, full[:4]),  # received
        (putri, hendra, full[:5]),  # on loan
        (dimas, rosmawati, full[:6]),  # returned by the reader
        (putri, hendra, full[:7]),  # shipped back
        (putri, hendra, full),  # completed
        (dimas, rosmawati, full),
        (putri, hendra, full),
        (putri, hendra, ["approve", "cancel"]),  # cancelled
        (dimas, rosmawati, full[:5] + ["recall"]),  # recalled
    ]
    made = [new(reader, librarian, steps) for reader, librarian, steps in plans]
    copy = new(putri, hendra, ["approve", "will_supply", "deliver"], service="copy", pages="Bab 3, hlm. 41-60")
    question = services.ill_request_create(
        by=rosmawati, service="reference", question="Adakah buku tentang sejarah Kesultanan Deli untuk siswa SMA?"
    )
    demo_registry.mark([question])
    if question.state == State.SENT:  # sent to the network: a school under the information-services agreement
        services.ill_request_deliver(
            request=question, by=hendra, answer="Lihat 'Sejarah Kota Medan' di rak 959.81, dan koleksi lokal kami."
        )
    # An overdue loan: shipped a month ago.
    late = new(putri, hendra, full[:5])
    if late is not None:
        # Flagged here rather than by services.mark_overdue(), which would also act on real requests.
        IllRequest.objects.filter(pk=late.pk).update(
            due_on=timezone.localdate() - timedelta(days=5),
            created_at=timezone.now() - timedelta(days=30),
            is_overdue=True,
        )
    if stdout is not None:
        count = len([m for m in made if m]) + 2 + (1 if copy else 0)
        stdout.write(f"  {count} interlibrary-loan requests in every state")


def _demo_world() -> Q:
    """Requests of the demo: made by the seeder, or made by a demo school and lent by a demo school (or nobody)."""
    libraries = demo_registry.demo_libraries().values("pk")
    played = Q(requester__in=libraries) & (Q(lender__isnull=True) | Q(lender__in=libraries))
    return Q(pk__in=demo_registry.demo_ids(IllRequest)) | played


@transaction.atomic
def remove(stdout=None) -> None:
    """Delete the demo requests (their events and notifications go with them) and their delivered files."""
    requests = IllRequest.objects.filter(_demo_world())
    files = [request.attachment for request in requests.exclude(attachment="")]
    _, deleted = requests.delete()
    for file in files:
        transaction.on_commit(lambda file=file: file.storage.delete(file.name))
    demo_registry.unmark(IllRequest)
    if stdout is not None:
        stdout.write(f"  {deleted.get('loans.IllRequest', 0)} demo interlibrary-loan requests removed")


def real_data() -> list[str]:
    kept = IllRequest.objects.exclude(_demo_world()).count()
    return [demo_registry.phrase(kept, "interlibrary-loan request", "interlibrary-loan requests")] if kept else []
