"""The life of an agreement: draft, review, signatures, active, expired or terminated, with versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consortium import policy
from consortium.models import ConsortiumSettings

from .choices import Factor, Form, PartyRole, Status
from .models import CONTENT_FIELDS, Agreement, AgreementVersion, Comment, Party, Reminder, Responsibility, Signature
from .selectors import version_changes

EDITABLE = [Status.DRAFT, Status.REVIEW]
REMINDER_DAYS = (60, 30, 7)

NUMBER_TAKEN = gettext_lazy("Another agreement already has this number.")
DUTY_PARTY_GONE = gettext_lazy("This duty's party is no longer among the parties: choose another one.")

# What must be written down before anyone signs: every planning factor has at least one check here.
ESSENTIALS = [
    ("objectives", Factor.OBJECTIVES, gettext_lazy("objectives")),
    ("scope", Factor.SCOPE, gettext_lazy("collections or services covered")),
    ("scope_material_types", Factor.SCOPE, gettext_lazy("material types covered")),
    ("scope_people", Factor.SCOPE, gettext_lazy("students and staff covered")),
    ("parties", Factor.PARTIES, gettext_lazy("at least two signing parties")),
    ("start_on", Factor.PERIOD, gettext_lazy("start date")),
    ("end_or_renewal", Factor.PERIOD, gettext_lazy("end date or renewal rule")),
    ("relationship", Factor.RELATIONSHIP, gettext_lazy("relationship between the partners")),
    ("division", Factor.DIVISION, gettext_lazy("division of work")),
    ("methods_equipment", Factor.METHODS, gettext_lazy("working methods and equipment")),
    ("costs", Factor.COSTS, gettext_lazy("who pays the costs")),
    ("technology", Factor.TECHNOLOGY, gettext_lazy("technology used")),
]


@dataclass(frozen=True)
class Essential:
    key: str
    factor: Factor
    label: str
    done: bool

    def __str__(self) -> str:
        return f"{self.factor.value}. {self.label}"


def snapshot(agreement: Agreement) -> dict:
    """The whole content as plain JSON: what a version freezes and what comparison reads."""
    data = {}
    for name in CONTENT_FIELDS:
        value = getattr(agreement, name)
        data[name] = (
            value.isoformat()
            if isinstance(value, date)
            else (str(value) if value is not None and not isinstance(value, (str, int, list)) else value)
        )
    data["parties"] = [
        {
            "name": str(p),
            "library": p.library.code if p.library_id else None,
            "kind": p.kind,
            "role": p.role,
            "representative": p.representative,
            "position": p.position,
        }
        for p in agreement.parties.select_related("library")
    ]
    data["responsibilities"] = [
        {"party": str(r.party), "form": r.form, "task": r.task}
        for r in agreement.responsibilities.select_related("party__library")
    ]
    return data


def _save_version(agreement: Agreement, by) -> AgreementVersion:
    return AgreementVersion.objects.create(
        agreement=agreement, number=agreement.version, snapshot=snapshot(agreement), created_by=policy.person(by)
    )


def _filled(*values) -> bool:
    return any(value.strip() if isinstance(value, str) else value is not None for value in values)


def checklist(agreement: Agreement | None) -> list[Essential]:
    """Every essential with whether it is written down; None (a draft not saved yet) has nothing yet."""
    if agreement is None:
        return [Essential(key, factor, str(label), False) for key, factor, label in ESSENTIALS]
    a = agreement
    checks = {
        "objectives": _filled(a.objectives),
        "scope": _filled(a.scope_collections, a.scope_services),
        "scope_material_types": _filled(a.scope_material_types),
        "scope_people": _filled(a.scope_people),
        "parties": a.parties.filter(role__in=[PartyRole.PARTY, PartyRole.COORDINATOR]).count() >= 2,
        "start_on": a.start_on is not None,
        "end_or_renewal": _filled(a.end_on, a.renewal),
        "relationship": _filled(a.relationship),
        "division": a.responsibilities.exists(),
        "methods_equipment": _filled(a.methods_equipment),
        "costs": _filled(
            a.fee_per_loan,
            a.fee_per_page,
            a.shipping_paid_by,
            a.yearly_contribution,
            a.cost_sharing,
            a.lost_item_compensation,
        ),
        "technology": _filled(a.technology),
    }
    return [Essential(key, factor, str(label), checks[key]) for key, factor, label in ESSENTIALS]


def completeness(agreement: Agreement | None) -> list[Essential]:
    """The essentials still missing, in factor order; signing waits until this list is empty."""
    return [item for item in checklist(agreement) if not item.done]


def agreement_next_number(*, year: int) -> str:
    """The consortium's next free number in `year`, e.g. PKS/SILANG/2026/007 (PKS: perjanjian kerja sama).

    Only a suggestion when read outside agreement_save: there it is drawn under a lock.
    """
    start = f"{ConsortiumSettings.load().agreement_number_prefix.strip('/')}/{year}/"
    taken = Agreement.objects.filter(number__startswith=start).values_list("number", flat=True)
    sequences = [int(number[len(start) :]) for number in taken if number[len(start) :].isdigit()]
    return f"{start}{max(sequences, default=0) + 1:03d}"


def division_warnings(agreement: Agreement) -> list[str]:
    """Two parties holding the same task, and forms of cooperation in scope that nobody is responsible for."""
    warnings = []
    holders: dict[tuple, set] = {}
    for item in agreement.responsibilities.select_related("party__library"):
        holders.setdefault((item.form, item.task.strip().casefold()), set()).add(str(item.party))
    for (_form, task), parties in holders.items():
        if len(parties) > 1:
            warnings.append(
                _("“%(task)s” is held by %(parties)s: the work would be done twice.")
                % {"task": task, "parties": ", ".join(sorted(parties))}
            )
    covered = {form for form, _task in holders}
    for form in agreement.forms:
        if form not in covered:
            warnings.append(_("Nobody is responsible for %(form)s.") % {"form": Form(form).label})
    return warnings


def _ensure_coordinator(by) -> None:
    policy.ensure(policy.can_edit_agreements(by), _("Only a coordinator drafts and manages agreements."))


def _check_parties(parties: list[dict]) -> None:
    seen_libraries, seen_institutions = set(), set()
    for party in parties:
        library, institution = party.get("library"), (party.get("institution") or "").strip()
        if library is None and not institution:
            raise ValidationError({"parties": _("Each party is a member library or a named institution.")})
        key = library.pk if library is not None else institution.casefold()
        seen = seen_libraries if library is not None else seen_institutions
        if key in seen:
            raise ValidationError({"parties": _("%(party)s is a party twice.") % {"party": library or institution}})
        seen.add(key)


@transaction.atomic
def agreement_save(
    *,
    by,
    agreement: Agreement | None = None,
    parties: list[dict] | None = None,
    responsibilities: list[dict] | None = None,
    **fields,
) -> Agreement:
    """Create a draft or edit one; every save of a draft or a draft in review is a new version."""
    _ensure_coordinator(by)
    if agreement is None:
        agreement = Agreement(created_by=policy.person(by), status=Status.DRAFT, version=1)
        if not (fields.get("number") or "").strip():
            # Drawing the next number: the settings row is the lock, so two drafts saved at once get two numbers.
            ConsortiumSettings.objects.select_for_update().get(pk=ConsortiumSettings.load().pk)
            start_on = fields.get("start_on") or timezone.localdate()
            start_on = date.fromisoformat(start_on) if isinstance(start_on, str) else start_on
            fields["number"] = agreement_next_number(year=start_on.year)
    else:
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.status not in EDITABLE:
            raise ValidationError(
                _("A version sent for signature or signed is frozen: start an amendment to change it.")
            )
        agreement.version += 1
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.full_clean()
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError as exc:
        # A number typed by hand and taken by another coordinator between the check and the save.
        if "number" not in str(exc):
            raise
        raise ValidationError({"number": NUMBER_TAKEN}) from exc
    # Duties name their party by a reference from the editor (a library code, or a row for an institution),
    # resolved here once the parties are saved, so that a new agreement gets its duties in the same save.
    references: dict[str, Party] = {}
    if parties is not None:
        _check_parties(parties)
        keep = []
        for data in parties:
            party_id, reference = data.pop("id", None), data.pop("reference", None)
            party = agreement.parties.filter(pk=party_id).first() if party_id else None
            party = party or Party(agreement=agreement)
            for name, value in data.items():
                setattr(party, name, value)
            if party.library_id:
                party.kind = "member"
            party.full_clean()
            party.save()
            keep.append(party.pk)
            if reference:
                references[reference] = party
        agreement.parties.exclude(pk__in=keep).delete()
    if responsibilities is not None:
        agreement.responsibilities.all().delete()
        for data in responsibilities:
            party = data.get("party")
            if party is None:
                raise ValidationError({"responsibilities": _("Each responsibility needs a party.")})
            if isinstance(party, str):
                if party not in references:
                    raise ValidationError({"responsibilities": DUTY_PARTY_GONE})
                party = references[party]
            item = Responsibility(agreement=agreement, **(data | {"party": party}))
            item.full_clean()
            item.save()
    _save_version(agreement, by)
    return agreement


@transaction.atomic
def agreement_send_for_review(*, agreement: Agreement, by) -> Agreement:
    _ensure_coordinator(by)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Status.DRAFT:
        raise ValidationError(_("Only a draft is sent for review."))
    agreement.status = Status.REVIEW
    agreement.save()
    return agreement


@transaction.atomic
def agreement_comment(*, agreement: Agreement, by, text: str) -> Comment:
    policy.ensure(policy.can_comment_agreement(by, agreement), _("Only the parties comment on an agreement."))
    if agreement.status not in (Status.REVIEW, Status.DRAFT, Status.SIGNING):
        raise ValidationError(_("Comments are taken while the agreement is drafted and reviewed."))
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    return Comment.objects.create(agreement=agreement, author=policy.person(by), version=agreement.version, text=text)


@transaction.atomic
def agreement_request_signatures(*, agreement: Agreement, by) -> Agreement:
    _ensure_coordinator(by)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status not in EDITABLE:
        raise ValidationError(_("Only a draft or an agreement in review goes out for signature."))
    missing = completeness(agreement)
    if missing:
        raise ValidationError(
            _("Before signing, fill in: %(missing)s.") % {"missing": ", ".join(str(item) for item in missing)}
        )
    agreement.status = Status.SIGNING
    agreement.save()
    return agreement


def signing_parties(agreement: Agreement):
    return agreement.parties.filter(role__in=[PartyRole.PARTY, PartyRole.COORDINATOR])


@transaction.atomic
def agreement_sign(*, agreement: Agreement, party: Party, by, read_version: int, paper=None) -> Signature:
    """A party's representative signs the version they read; a changed version is refused with the difference."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if party.agreement_id != agreement.pk:
        raise ValidationError(_("This party is not part of this agreement."))
    if party.library_id:
        policy.ensure(
            policy.is_librarian_of(by, party.library_id) and not policy.is_api_key(by),
            _("Only a librarian of %(party)s signs for it.") % {"party": party},
        )
    else:
        policy.ensure(policy.can_edit_agreements(by), _("A coordinator signs for an outside institution."))
        if paper is None:
            raise ValidationError({"paper": _("Upload the paper signed by the institution's representative.")})
    if agreement.status != Status.SIGNING:
        raise ValidationError(_("This agreement is not awaiting signatures."))
    if read_version != agreement.version:
        old = AgreementVersion.objects.filter(agreement=agreement, number=read_version).first()
        new = AgreementVersion.objects.get(agreement=agreement, number=agreement.version)
        changes = version_changes(old.snapshot if old else {}, new.snapshot)
        fields = ", ".join(change.label for change in changes) or "?"
        raise ValidationError(
            _(
                "The agreement changed since you read it (version %(read)s, now %(now)s; changed: "
                "%(fields)s). Read it again before signing."
            )
            % {"read": read_version, "now": agreement.version, "fields": fields},
            code="stale",
        )
    if Signature.objects.filter(party=party, version=agreement.version).exists():
        raise ValidationError(_("%(party)s has already signed this version.") % {"party": party})
    signature = Signature(agreement=agreement, party=party, version=agreement.version, signed_by=by)
    if paper is not None:
        signature.paper.save(paper.name, paper, save=False)
    signature.save()
    signed = set(
        Signature.objects.filter(agreement=agreement, version=agreement.version).values_list("party_id", flat=True)
    )
    if set(signing_parties(agreement).values_list("pk", flat=True)) <= signed:
        agreement.status = Status.ACTIVE
        agreement.save()
    return signature


@transaction.atomic
def agreement_amend(*, agreement: Agreement, by) -> Agreement:
    """An amendment is a new version: back to draft, to be signed again by every party."""
    _ensure_coordinator(by)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status not in (Status.ACTIVE, Status.SIGNING):
        raise ValidationError(_("Only an agreement out for signature or in force is amended."))
    agreement.status = Status.DRAFT
    agreement.save()
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, by, reason: str) -> Agreement:
    _ensure_coordinator(by)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Status.ACTIVE:
        raise ValidationError(_("Only an agreement in force is terminated."))
    if not reason.strip():
        raise ValidationError({"termination_reason": _("Give the reason for terminating it.")})
    agreement.status, agreement.termination_reason = Status.TERMINATED, reason
    agreement.end_on = min(agreement.end_on or timezone.localdate(), timezone.localdate())
    agreement.save()
    return agreement


def expire_and_remind(*, today: date | None = None) -> tuple[int, int]:
    """Daily: agreements past their end expire; coordinators are reminded 60, 30 and 7 days before the end,
    once each (a unique row per reminder makes a second run send nothing)."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    expired = Agreement.objects.filter(status=Status.ACTIVE, end_on__lt=today).update(status=Status.EXPIRED)
    coordinators = get_user_model().objects.filter(profile__role__in=["coordinator", "administrator"])
    emails = [user.email for user in coordinators if user.email]
    sent = 0
    for agreement in Agreement.objects.filter(status=Status.ACTIVE, end_on__isnull=False):
        days_left = (agreement.end_on - today).days
        for days in sorted(REMINDER_DAYS):
            if days_left <= days:
                with transaction.atomic():
                    _reminder, created = Reminder.objects.get_or_create(agreement=agreement, days_before=days)
                if created:
                    sent += 1
                    if emails:
                        send_mail(
                            _("Agreement %(number)s ends on %(date)s")
                            % {"number": agreement.number, "date": agreement.end_on},
                            _("The agreement “%(title)s” ends in %(days)s days. Renew it or let it end.")
                            % {"title": agreement.title, "days": days_left},
                            None,
                            emails,
                            fail_silently=True,
                        )
                break  # one reminder per run: the nearest threshold passed
    return expired, sent


def ending_soon(today: date | None = None, days: int = 60):
    today = today or timezone.localdate()
    return Agreement.objects.filter(
        status=Status.ACTIVE, end_on__isnull=False, end_on__lte=today + timedelta(days=days)
    )
