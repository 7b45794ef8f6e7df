"""What other apps ask of agreements (the interlibrary-loan app calls `ill_terms` before routing a request), and
the readable comparison of two versions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

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


# --- Comparing two versions -------------------------------------------------------------------------------------

MONEY_FIELDS = {"fee_per_loan", "fee_per_page", "yearly_contribution"}
DATE_FIELDS = {"start_on", "end_on"}
# Long texts (models.LONG_TEXT_FIELDS) are compared word by word; short ones (number, title, who pays shipping)
# read best as old -> new.
EMPTY = "—"


@dataclass(frozen=True)
class Line:
    """One line of a list (a party, a duty, a form of cooperation): kept, added or removed."""

    text: str
    status: str  # "same", "added" or "removed"


@dataclass(frozen=True)
class Change:
    """One changed field of an agreement, ready to read: `before`/`after` for single values, `lines` for lists,
    `diff` (safe HTML with <ins>/<del>) for long texts."""

    field: str
    label: str
    before: str = ""
    after: str = ""
    lines: tuple[Line, ...] = ()
    diff: str = ""


def format_money(value) -> str:
    """'Rp 1.500.000' in Indonesian, 'Rp 1,500,000' in English (the active language's separators)."""
    return f"Rp {number_format(Decimal(str(value)), decimal_pos=0, use_l10n=True, force_grouping=True)}"


def _format_value(name: str, value) -> str:
    if value is None or value == "":
        return EMPTY
    if name in MONEY_FIELDS:
        return format_money(value)
    if name in DATE_FIELDS:
        return date_format(date.fromisoformat(value), "j F Y")
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def _choice_label(choices, value: str) -> str:
    # A value no longer among the choices is still shown, as stored.
    return str(choices(value).label) if value in choices.values else value


def _party_line(party: dict) -> str:
    from .choices import PartyRole

    text = f"{party['name']} — {_choice_label(PartyRole, party.get('role', ''))}"
    if party.get("representative"):
        text += f", {_('represented by')} {party['representative']}"
        if party.get("position"):
            text += f" ({party['position']})"
    return text


def _duty_line(duty: dict) -> str:
    from .choices import Form

    return f"{duty['party']}: {duty['task']} ({_choice_label(Form, duty.get('form', ''))})"


def _line_diff(before: list[str], after: list[str]) -> tuple[Line, ...]:
    """Both lists in the newer order, removed lines where they stood; unchanged lines stay for context."""
    lines = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines += [Line(text, "same") for text in after[b1:b2]]
            continue
        lines += [Line(text, "removed") for text in before[a1:a2]]
        lines += [Line(text, "added") for text in after[b1:b2]]
    return tuple(lines)


def _word_diff(before: str, after: str) -> str:
    """The newer text with deleted words in <del> and inserted ones in <ins>; everything escaped."""
    # Whitespace is kept as its own token so line breaks survive and the text reads as written.
    old, new = re.split(r"(\s+)", before or ""), re.split(r"(\s+)", after or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old[a1:a2]), "".join(new[b1:b2])
        if op == "equal":
            parts.append(escape(added))
            continue
        if removed.strip():
            parts.append(f"<del>{escape(removed)}</del>")
        if added.strip():
            parts.append(f"<ins>{escape(added)}</ins>")
        elif added:
            parts.append(escape(added))  # the whitespace between kept words
    return mark_safe("".join(parts))


def version_changes(old: dict, new: dict) -> list[Change]:
    """What changed between two version snapshots, in the order of the agreement's form, for people to read.

    Pure: reads only the two snapshots and the active language, so it is tested without a database.
    """
    from .choices import Form
    from .models import CONTENT_FIELDS, LONG_TEXT_FIELDS, Agreement

    changes = []
    for name in CONTENT_FIELDS:
        before, after = old.get(name), new.get(name)
        if before == after or (before in (None, "", []) and after in (None, "", [])):
            continue
        label = capfirst(str(Agreement._meta.get_field(name).verbose_name))
        if name == "forms":
            lines = _line_diff(
                [_choice_label(Form, f) for f in before or []], [_choice_label(Form, f) for f in after or []]
            )
            changes.append(Change(field=name, label=label, lines=lines))
        elif name in LONG_TEXT_FIELDS:
            changes.append(
                Change(
                    field=name,
                    label=label,
                    before=_format_value(name, before),
                    after=_format_value(name, after),
                    diff=_word_diff(before, after),
                )
            )
        else:
            changes.append(
                Change(field=name, label=label, before=_format_value(name, before), after=_format_value(name, after))
            )
    for name, label, line in (
        ("parties", _("Parties"), _party_line),
        ("responsibilities", _("Division of work"), _duty_line),
    ):
        lines = _line_diff([line(item) for item in old.get(name) or []], [line(item) for item in new.get(name) or []])
        if any(item.status != "same" for item in lines):
            changes.append(Change(field=name, label=str(label), lines=lines))
    return changes
