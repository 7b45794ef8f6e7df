"""Reads that join loans with the catalog and the agreements: the checks a request must pass before it is made,
shared by the request page (a notice instead of the form) and ill_request_create (a refusal)."""

from __future__ import annotations

from django.db.models import QuerySet

from agreements.selectors import student_item_limit
from catalog.choices import HoldingStatus
from catalog.models import Holding, Record
from consortium import policy
from consortium.models import Library

from .choices import FINAL, Service
from .models import IllRequest


def default_requester(by) -> Library | None:
    """The library that asks for `by`: a student's or teacher's school, or a librarian's one library."""
    if policy.is_student(by) or policy.is_teacher(by):
        school_id = policy.school_id_of(by)
        return Library.objects.filter(pk=school_id).first() if school_id else None
    staff = policy.staff_library_ids(by)
    return Library.objects.filter(pk=next(iter(staff))).first() if len(staff) == 1 else None


def own_shelf_copies(*, record: Record, library: Library | int) -> QuerySet[Holding]:
    """Copies of `record` on the shelf at the requesting library: a loan of it is borrowed there, not through ILL."""
    return Holding.objects.filter(record=record, library=library, status=HoldingStatus.AVAILABLE).order_by(
        "copy_number", "barcode"
    )


def running_loans(*, reader) -> QuerySet[IllRequest]:
    """A reader's loans not yet finished: what the agreement's items-per-student limit counts."""
    return IllRequest.objects.filter(reader=reader, service=Service.LOAN).exclude(state__in=FINAL)


def reached_loan_limit(*, reader, library: Library) -> int | None:
    """The items-per-student limit when `reader`, a student of `library`, has reached it; None otherwise."""
    if reader is None or not policy.is_student(reader):
        return None
    limit = student_item_limit(library=library)
    if limit is not None and running_loans(reader=reader).count() >= limit:
        return limit
    return None
