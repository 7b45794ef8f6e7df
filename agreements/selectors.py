"""What other apps ask of agreements. The interlibrary-loan app calls `ill_terms` before routing a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from consortium.models import ConsortiumSettings, Library


@dataclass(frozen=True)
class IllTerms:
    """The interlibrary-loan terms that bind a lender and a borrower."""

    loan_days: int
    max_items_per_student: int | None = None
    renewals_allowed: int = 1
    fee_per_loan: Decimal = Decimal("0")
    fee_per_page: Decimal = Decimal("0")
    agreement: object | None = None  # the Agreement, once the agreements app has them


def ill_terms(*, lender: Library, borrower: Library, on: date | None = None) -> IllTerms | None:
    """Terms under which `lender` may lend to `borrower` on `on`; None when no agreement allows it.

    Placeholder until agreements exist: every pair may lend on the consortium's default terms.
    """
    settings = ConsortiumSettings.load()
    return IllTerms(loan_days=settings.default_loan_days)
