"""What other apps ask of agreements. The interlibrary-loan app calls `ill_terms` before routing a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from consortium.models import ConsortiumSettings, Library


@dataclass(frozen=True)
class IllTerms:
    """The interlibrary-loan terms that bind a lender and a borrower."""

    loan_days: int
    max_items_per_student: int | None = None
    renewals_allowed: int = 1
    fee_per_loan: Decimal = Decimal("0")
    fee_per_page: Decimal = Decimal("0")
    agreement: object | None = None


def ill_agreement_between(*, lender: Library, borrower: Library, on: date | None = None):
    """The active agreement covering interlibrary loan that both libraries are parties of on `on`."""
    from .choices import Form, PartyRole, Status
    from .models import Agreement

    on = on or timezone.localdate()
    return (
        Agreement.objects.filter(status=Status.ACTIVE, forms__contains=[Form.ILL], start_on__lte=on)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=on))
        .filter(parties__library=lender, parties__role__in=[PartyRole.PARTY, PartyRole.COORDINATOR])
        .filter(parties__library=borrower)
        .order_by("-start_on")
        .first()
    )


def ill_terms(*, lender: Library, borrower: Library, on: date | None = None) -> IllTerms | None:
    """Terms under which `lender` may lend to `borrower` on `on`; None when no active agreement allows it.

    Loan period, limits and fees come from the agreement; the consortium's defaults fill what it leaves open.
    """
    agreement = ill_agreement_between(lender=lender, borrower=borrower, on=on)
    if agreement is None:
        return None
    defaults = ConsortiumSettings.load()
    return IllTerms(
        loan_days=agreement.loan_days or defaults.default_loan_days,
        max_items_per_student=agreement.items_per_student,
        renewals_allowed=agreement.renewals_allowed if agreement.renewals_allowed is not None else 1,
        fee_per_loan=agreement.fee_per_loan or Decimal("0"),
        fee_per_page=agreement.fee_per_page or Decimal("0"),
        agreement=agreement,
    )


def student_item_limit(*, library: Library, on: date | None = None) -> int | None:
    """The most items a student of `library` may have out at once under its active ILL agreements (strictest)."""
    from .choices import Form, Status
    from .models import Agreement

    on = on or timezone.localdate()
    limits = (
        Agreement.objects.filter(
            status=Status.ACTIVE,
            forms__contains=[Form.ILL],
            start_on__lte=on,
            parties__library=library,
            items_per_student__isnull=False,
        )
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=on))
        .values_list("items_per_student", flat=True)
    )
    return min(limits, default=None)


def information_partner_ids(library_ids, on: date | None = None) -> set[int]:
    """Libraries that share an active agreement covering information services (reference questions, document
    delivery) with any of `library_ids`, as party or coordinator; the libraries themselves excluded."""
    from .choices import Form, PartyRole, Status
    from .models import Party

    if isinstance(library_ids, int):
        library_ids = {library_ids}
    library_ids = set(library_ids)
    if not library_ids:
        return set()
    on = on or timezone.localdate()
    agreements = (
        Party.objects.filter(
            library_id__in=library_ids,
            agreement__status=Status.ACTIVE,
            agreement__forms__contains=[Form.INFORMATION],
            agreement__start_on__lte=on,
        )
        .filter(Q(agreement__end_on__isnull=True) | Q(agreement__end_on__gte=on))
        .values("agreement_id")
    )
    partners = Party.objects.filter(
        agreement_id__in=agreements,
        library__isnull=False,
        role__in=[PartyRole.PARTY, PartyRole.COORDINATOR],
    ).values_list("library_id", flat=True)
    return set(partners) - library_ids
