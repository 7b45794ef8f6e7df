"""Every write of collection cooperation that has a rule: proposals, buying rounds and pledges, exchange offers,
claims and transfers, donations. Each asks consortium.policy who may act, and runs in one transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.choices import Acquisition, HoldingStatus
from catalog.matching import block_key
from catalog.models import Holding, Record
from catalog.normalize import isbn13
from catalog.selectors import same_edition
from consortium import policy
from consortium.models import Library
from loans.choices import State
from loans.models import IllRequest

from . import selectors
from .choices import (
    LIVE_ORDER,
    DonationItemStatus,
    DonationKind,
    DonorKind,
    Funding,
    OfferStatus,
    OrderStatus,
    ProposalStatus,
    ProposerKind,
    RoundStatus,
    TransferKind,
    WantStatus,
)
from .models import (
    BuyingRound,
    CollectingResponsibility,
    CurriculumSubject,
    Donation,
    DonationItem,
    Donor,
    Enrolment,
    HoldingTransfer,
    Offer,
    Pledge,
    Proposal,
    RoundBudget,
    Want,
)


def _rp(value) -> str:
    """Rupiah the Indonesian way, whatever the language: 1.500.000."""
    return f"{value:,.0f}".replace(",", ".")


OUT_OF_HOUSE = (HoldingStatus.ON_LOAN, HoldingStatus.LENT_OUT, HoldingStatus.IN_TRANSIT)


def _clean_isbn(isbn: str, field: str = "isbn") -> str:
    if not isbn or not isbn.strip():
        return ""
    value = isbn13(isbn)
    if value is None:
        raise ValidationError({field: _("This is not a valid ISBN.")})
    return value


def _one_library(by, library: Library | None) -> Library:
    """The school an actor acts for: the one given, or their only school."""
    if library is not None:
        return library
    if policy.is_api_key(by):
        return Library.objects.get(pk=by.library_id)
    staff = policy.staff_library_ids(by)
    if len(staff) != 1:
        raise ValidationError({"library": _("Say which school this is for.")})
    return Library.objects.get(pk=next(iter(staff)))


def _record_for(
    *, title: str, author: str = "", isbn: str = "", publisher: str = "", year=None, ddc: str = ""
) -> Record:
    """The union catalog's record of this title, found by ISBN or match key, or made now."""
    same = same_edition(title=title, author=author, isbn=isbn, publisher=publisher, year=year, limit=1)
    if same:
        return same[0]
    record = Record(
        title=title,
        authors=[{"name": author, "role": "author"}] if author else [],
        isbns=[isbn] if isbn else [],
        publisher=publisher,
        year=year,
        ddc=ddc,
        match_key=block_key(title),  # found by the next import of this edition, as an imported record would be
    )
    record.full_clean()
    record.save()
    return record


def _new_holding(*, record: Record, library: Library, barcode: str, acquisition: str) -> Holding:
    if Holding.objects.filter(library=library, barcode=barcode).exists():
        raise ValidationError({"barcodes": _("Barcode %(code)s is already used in this library.") % {"code": barcode}})
    holding = Holding(record=record, library=library, barcode=barcode, acquisition=acquisition)
    holding.full_clean()
    holding.save()
    return holding


# --- purchase proposals ------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    by,
    title: str,
    library: Library | None = None,
    proposer_kind: str | None = None,
    author: str = "",
    isbn: str = "",
    publisher: str = "",
    year: int | None = None,
    ddc: str = "",
    reason: str = "",
    ill_request: IllRequest | None = None,
) -> Proposal:
    """A student's proposal waits for her librarian; staff proposals (their own or a teacher's) are open at once."""
    policy.ensure(policy.can_propose_purchase(by), _("You cannot propose purchases."))
    if not title.strip():
        raise ValidationError({"title": _("Give the title.")})
    isbn = _clean_isbn(isbn)
    if policy.is_student(by):
        library = Library.objects.get(pk=policy.school_id_of(by))
        proposer_kind, status = ProposerKind.STUDENT, ProposalStatus.WAITING
    else:
        library = _one_library(by, library)
        policy.ensure_can_write_for(by, library)
        proposer_kind = proposer_kind or ProposerKind.LIBRARIAN
        status = ProposalStatus.OPEN
    matches = selectors.network_matches(isbn=isbn, title=title, author=author, year=year, publisher=publisher)
    proposal = Proposal(
        library=library,
        proposed_by=policy.person(by),
        proposer_kind=proposer_kind,
        title=title.strip(),
        author=author,
        isbn=isbn,
        publisher=publisher,
        year=year,
        ddc=ddc,
        reason=reason,
        record=matches[0].record if matches else None,
        ill_request=ill_request,
        status=status,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_forward(*, proposal: Proposal, by) -> Proposal:
    """The librarian takes a student's proposal up for the school."""
    policy.ensure_can_write_for(by, proposal.library_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.WAITING:
        raise ValidationError(_("Only a proposal waiting for the librarian can be forwarded."))
    proposal.status = ProposalStatus.OPEN
    proposal.forwarded_by = policy.person(by)
    proposal.save(update_fields=["status", "forwarded_by"])
    return proposal


@transaction.atomic
def proposal_decline(*, proposal: Proposal, by) -> Proposal:
    policy.ensure_can_write_for(by, proposal.library_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in (ProposalStatus.WAITING, ProposalStatus.OPEN):
        raise ValidationError(_("This proposal is already in a buying round or declined."))
    proposal.status = ProposalStatus.DECLINED
    proposal.save(update_fields=["status"])
    return proposal


@transaction.atomic
def proposal_from_unfilled(*, ill_request: IllRequest, by) -> Proposal:
    """An interlibrary-loan request nobody could fill becomes a purchase proposal of the requesting school."""
    policy.ensure_can_write_for(by, ill_request.requester_id)
    if ill_request.state != State.UNFILLED or ill_request.record_id is None:
        raise ValidationError(_("Only an unfilled request for a title can become a purchase proposal."))
    if Proposal.objects.filter(ill_request=ill_request).exists():
        raise ValidationError(_("This request has already been proposed for purchase."))
    record = ill_request.record
    return proposal_create(
        by=by,
        library=ill_request.requester,
        title=record.title,
        author=record.first_author,
        isbn=(record.isbns or [""])[0],
        publisher=record.publisher,
        year=record.year,
        ddc=record.ddc,
        reason=_("Asked for by interlibrary loan; no member school could lend it."),
        ill_request=ill_request,
    )


# --- buying rounds -------------------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    by,
    name: str,
    starts_on: date,
    ends_on: date,
    agreement=None,
    shared_budget: Decimal | None = None,
    budgets: dict[Library, Decimal] | None = None,
) -> BuyingRound:
    """Open a round. Without a shared budget given, it is the agreement's yearly contribution times its member
    parties."""
    policy.ensure(policy.can_manage_buying_rounds(by), _("Only a coordinator opens buying rounds."))
    if shared_budget is None:
        shared_budget = Decimal("0")
        if agreement is not None and agreement.yearly_contribution:
            members = agreement.parties.exclude(library=None).count()
            shared_budget = agreement.yearly_contribution * members
    round_ = BuyingRound(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        agreement=agreement,
        shared_budget=shared_budget,
        created_by=policy.person(by),
    )
    round_.full_clean()
    round_.save()
    for library, amount in (budgets or {}).items():
        round_set_budget(round_=round_, library=library, amount=amount, by=by)
    return round_


@transaction.atomic
def round_set_budget(*, round_: BuyingRound, library: Library, amount: Decimal, by) -> RoundBudget:
    policy.ensure(policy.can_manage_buying_rounds(by), _("Only a coordinator sets budgets."))
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("A budget cannot be negative.")})
    round_ = BuyingRound.objects.select_for_update().get(pk=round_.pk)
    committed = selectors.spent(round_, library=library)
    if amount < committed:
        raise ValidationError(
            {"amount": _("The school has already pledged Rp%(spent)s in this round.") % {"spent": _rp(committed)}}
        )
    budget, _created = RoundBudget.objects.update_or_create(round=round_, library=library, defaults={"amount": amount})
    return budget


@transaction.atomic
def round_close(*, round_: BuyingRound, by) -> BuyingRound:
    policy.ensure(policy.can_manage_buying_rounds(by), _("Only a coordinator closes buying rounds."))
    round_ = BuyingRound.objects.select_for_update().get(pk=round_.pk)
    round_.status = RoundStatus.CLOSED
    round_.save(update_fields=["status"])
    return round_


@transaction.atomic
def pledge_create(
    *,
    by,
    round_: BuyingRound,
    unit_price: Decimal,
    title: str = "",
    library: Library | None = None,
    quantity: int = 1,
    author: str = "",
    isbn: str = "",
    publisher: str = "",
    year: int | None = None,
    ddc: str = "",
    funding: str = Funding.SCHOOL,
    proposal: Proposal | None = None,
    duplicate_reason: str = "",
) -> Pledge:
    """A school promises to buy a title in a round. Refused: the same title twice by one school, another
    school's title without a reason, and anything beyond the budget it is paid from."""
    library = _one_library(by, library if proposal is None else proposal.library)
    policy.ensure_can_write_for(by, library)
    if proposal is not None:
        title, author, isbn = proposal.title, proposal.author, proposal.isbn
        publisher, year, ddc = proposal.publisher, proposal.year, proposal.ddc
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError(_("Only an open proposal can be pledged."))
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the title.")})
    if unit_price is None or unit_price < 0:
        raise ValidationError({"unit_price": _("The price cannot be negative.")})
    if quantity is None or quantity < 1:
        raise ValidationError({"quantity": _("Buy at least one copy.")})
    isbn = _clean_isbn(isbn)
    # The round's row lock serialises pledges of one round: two desks cannot both fit into the last of a budget,
    # nor both pledge the same title unseen by each other.
    round_ = BuyingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("This buying round is closed."))
    key = selectors.title_key(isbn=isbn, title=title, author=author, year=year, publisher=publisher)
    live = Pledge.objects.filter(round=round_, title_key=key, status__in=LIVE_ORDER).select_related("library")
    if live.filter(library=library).exists():
        raise ValidationError(_("Your school has already pledged this title in this round."))
    others = [p.library.name for p in live]
    if others and not duplicate_reason.strip():
        raise ValidationError(
            {
                "duplicate_reason": _(
                    "%(schools)s already pledged this title in this round: say why it is bought again."
                )
                % {"schools": ", ".join(others)}
            }
        )
    total = unit_price * quantity
    if funding == Funding.SHARED:
        left = round_.shared_budget - selectors.spent(round_, funding=Funding.SHARED)
        if total > left:
            raise ValidationError(
                _("This exceeds the shared budget: Rp%(left)s left, Rp%(total)s asked.")
                % {"left": _rp(left), "total": _rp(total)}
            )
    else:
        budget = RoundBudget.objects.filter(round=round_, library=library).first()
        if budget is None:
            raise ValidationError(_("Your school has no budget in this round."))
        left = budget.amount - selectors.spent(round_, library=library)
        if total > left:
            raise ValidationError(
                _("This exceeds your school's budget: Rp%(left)s left, Rp%(total)s asked.")
                % {"left": _rp(left), "total": _rp(total)}
            )
    duty = selectors.responsibility_elsewhere(ddc=ddc, library=library)
    warning = ""
    if duty is not None:
        warning = _("%(school)s is responsible for %(area)s under %(agreement)s.") % {
            "school": duty.library.name,
            "area": duty.label,
            "agreement": duty.agreement.number,
        }
    matches = selectors.network_matches(isbn=isbn, title=title, author=author, year=year, publisher=publisher)
    pledge = Pledge(
        round=round_,
        library=library,
        proposal=proposal,
        record=matches[0].record if matches else None,
        title=title.strip(),
        author=author,
        isbn=isbn,
        publisher=publisher,
        year=year,
        ddc=ddc,
        title_key=key,
        quantity=quantity,
        unit_price=unit_price,
        funding=funding,
        duplicate_reason=duplicate_reason,
        responsibility_warning=warning[:300],
        created_by=policy.person(by),
    )
    pledge.full_clean()
    pledge.save()
    if proposal is not None:
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.PLEDGED)
    return pledge


# Which status may follow which, and who moves it: the round's coordinator agrees the shared list; the school
# orders; either may cancel until the copies are in.
PLEDGE_NEXT = {
    OrderStatus.AGREED: ([OrderStatus.PROPOSED], "coordinator"),
    OrderStatus.ORDERED: ([OrderStatus.AGREED], "school"),
    OrderStatus.CANCELLED: ([OrderStatus.PROPOSED, OrderStatus.AGREED, OrderStatus.ORDERED], "either"),
}


@transaction.atomic
def pledge_set_status(*, pledge: Pledge, status: str, by) -> Pledge:
    if status == OrderStatus.RECEIVED:
        return pledge_receive(pledge=pledge, by=by)
    if status not in PLEDGE_NEXT:
        raise ValidationError({"status": _("Unknown order status.")})
    allowed_from, who = PLEDGE_NEXT[status]
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if who == "coordinator":
        policy.ensure(policy.can_manage_buying_rounds(by), _("Only a coordinator agrees the round's list."))
    elif who == "school":
        policy.ensure_can_write_for(by, pledge.library_id)
    elif not policy.can_manage_buying_rounds(by):
        policy.ensure_can_write_for(by, pledge.library_id)
    if pledge.status not in allowed_from:
        raise ValidationError(
            _("A pledge that is %(now)s cannot become %(next)s.")
            % {"now": pledge.get_status_display().lower(), "next": OrderStatus(status).label.lower()}
        )
    pledge.status = status
    pledge.save(update_fields=["status", "updated_at"])
    if status == OrderStatus.CANCELLED and pledge.proposal_id:
        Proposal.objects.filter(pk=pledge.proposal_id).update(status=ProposalStatus.OPEN)
    return pledge


@transaction.atomic
def pledge_receive(*, pledge: Pledge, by, barcodes: list[str] | None = None) -> Pledge:
    """The ordered copies arrived: they become holdings of the receiving school (the record is made if the
    union catalog does not have the title yet)."""
    policy.ensure_can_write_for(by, pledge.library_id)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.status != OrderStatus.ORDERED:
        raise ValidationError(_("Only ordered copies can be received."))
    barcodes = [code.strip() for code in (barcodes or []) if code and code.strip()]
    if barcodes and len(barcodes) != pledge.quantity:
        raise ValidationError({"barcodes": _("Give one barcode per copy (%(n)s copies).") % {"n": pledge.quantity}})
    if len(set(barcodes)) != len(barcodes):
        raise ValidationError({"barcodes": _("The same barcode is given twice.")})
    barcodes = barcodes or [f"B{pledge.round_id}-{pledge.pk}-{n}" for n in range(1, pledge.quantity + 1)]
    record = pledge.record or _record_for(
        title=pledge.title,
        author=pledge.author,
        isbn=pledge.isbn,
        publisher=pledge.publisher,
        year=pledge.year,
        ddc=pledge.ddc,
    )
    library = pledge.library
    holdings = [
        _new_holding(record=record, library=library, barcode=code, acquisition=Acquisition.PURCHASE)
        for code in barcodes
    ]
    pledge.record = record
    pledge.status = OrderStatus.RECEIVED
    pledge.save(update_fields=["record", "status", "updated_at"])
    pledge.holdings.add(*holdings)
    return pledge


# --- exchange and redistribution ---------------------------------------------------------------------------


@transaction.atomic
def offer_create(
    *, by, holding: Holding, reason: str = "surplus", note: str = "", embargo_until: date | None = None
) -> Offer:
    policy.ensure_can_write_for(by, holding.library_id)
    holding = Holding.objects.select_for_update().get(pk=holding.pk)
    if Offer.objects.filter(holding=holding, status__in=[OfferStatus.OPEN, OfferStatus.CLAIMED]).exists():
        raise ValidationError(_("This copy is already on offer."))
    offer = Offer(
        library_id=holding.library_id,
        holding=holding,
        record_id=holding.record_id,
        reason=reason,
        note=note,
        embargo_until=embargo_until,
        created_by=policy.person(by),
    )
    offer.full_clean()
    offer.save()
    return offer


@transaction.atomic
def offer_cancel(*, offer: Offer, by) -> Offer:
    policy.ensure_can_write_for(by, offer.library_id)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status not in (OfferStatus.OPEN, OfferStatus.CLAIMED):
        raise ValidationError(_("This offer is already closed."))
    offer.status = OfferStatus.CANCELLED
    offer.save(update_fields=["status"])
    return offer


@transaction.atomic
def offer_claim(*, offer: Offer, by, library: Library | None = None, today: date | None = None) -> Offer:
    """First come, first served after the embargo: the offer's row lock makes a second claim wait for the
    first and then see it taken, so two schools pressing at the same instant get exactly one winner."""
    library = _one_library(by, library)
    policy.ensure_can_write_for(by, library)
    today = today or timezone.localdate()
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.library_id == library.pk:
        raise ValidationError(_("A school cannot claim its own offer."))
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(_("This offer has already been taken by another school."), code="taken")
    if offer.embargo_until and today < offer.embargo_until:
        raise ValidationError(
            _("Claims open on %(date)s.") % {"date": offer.embargo_until.strftime("%d-%m-%Y")}, code="embargo"
        )
    offer.status = OfferStatus.CLAIMED
    offer.claimed_by = library
    offer.claimed_by_user = policy.person(by)
    offer.claimed_at = timezone.now()
    offer.save(update_fields=["status", "claimed_by", "claimed_by_user", "claimed_at"])
    return offer


@transaction.atomic
def offer_transfer(*, offer: Offer, by, new_barcode: str = "") -> HoldingTransfer:
    """Hand the claimed copy over: the holding moves to the receiving school, its provenance is kept."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if not (policy.can_manage_buying_rounds(by) or policy.is_librarian_of(by, offer.library_id)):
        policy.ensure_can_write_for(by, offer.claimed_by_id or offer.library_id)
    if offer.status != OfferStatus.CLAIMED:
        raise ValidationError(_("Only a claimed offer can be transferred."))
    holding = Holding.objects.select_for_update().get(pk=offer.holding_id)
    if holding.status in OUT_OF_HOUSE:
        raise ValidationError(_("This copy is on loan or in transit: transfer it when it is back on the shelf."))
    receiver = offer.claimed_by
    barcode = (new_barcode or holding.barcode).strip()
    if Holding.objects.filter(library=receiver, barcode=barcode).exists():
        raise ValidationError(
            {
                "new_barcode": _("Barcode %(code)s is already used at %(school)s: give a new one.")
                % {"code": barcode, "school": receiver.name}
            }
        )
    transfer = HoldingTransfer.objects.create(
        holding=holding,
        kind=TransferKind.EXCHANGE,
        from_library_id=holding.library_id,
        to_library=receiver,
        agreement=selectors.agreement_for_exchange(a=offer.library, b=receiver),
        offer=offer,
        old_barcode=holding.barcode,
        new_barcode=barcode,
        by=policy.person(by),
    )
    holding.library = receiver
    holding.barcode = barcode
    holding.status = HoldingStatus.AVAILABLE
    holding.acquisition = Acquisition.EXCHANGE
    holding.date_added = timezone.localdate()
    holding.version += 1
    holding.save()
    offer.status = OfferStatus.TRANSFERRED
    offer.save(update_fields=["status"])
    # The receiving school's want for this title is met.
    for want in selectors.wants_for_offer(offer):
        if want.library_id == receiver.pk:
            Want.objects.filter(pk=want.pk).update(status=WantStatus.FILLED)
    return transfer


@transaction.atomic
def holding_give_away(
    *, holding: Holding, by, recipient: str = "", reason: str = "", last_copy_reason: str = ""
) -> HoldingTransfer:
    """Withdraw a copy for good (discarded, or given to someone outside the network). The network's last copy of
    a title goes only with a reason for it."""
    policy.ensure_can_write_for(by, holding.library_id)
    holding = Holding.objects.select_for_update().get(pk=holding.pk)
    if holding.status in OUT_OF_HOUSE:
        raise ValidationError(_("This copy is on loan or in transit."))
    if holding.status == HoldingStatus.WITHDRAWN:
        raise ValidationError(_("This copy is already withdrawn."))
    if Offer.objects.filter(holding=holding, status=OfferStatus.CLAIMED).exists():
        raise ValidationError(_("Another school has claimed this copy."))
    last = selectors.is_last_copy(holding)
    if last and not last_copy_reason.strip():
        raise ValidationError(
            {"last_copy_reason": _("This is the last copy of this title in the network. Say why it still goes.")},
            code="last_copy",
        )
    Offer.objects.filter(holding=holding, status=OfferStatus.OPEN).update(status=OfferStatus.CANCELLED)
    transfer = HoldingTransfer.objects.create(
        holding=holding,
        kind=TransferKind.OUTSIDE if recipient.strip() else TransferKind.DISCARDED,
        from_library_id=holding.library_id,
        recipient=recipient.strip(),
        old_barcode=holding.barcode,
        reason="\n".join(part for part in (reason.strip(), last_copy_reason.strip()) if part),
        last_copy=last,
        by=policy.person(by),
    )
    holding.status = HoldingStatus.WITHDRAWN
    holding.version += 1
    holding.save(update_fields=["status", "version", "updated_at"])
    return transfer


@transaction.atomic
def want_create(
    *,
    by,
    library: Library | None = None,
    record: Record | None = None,
    isbn: str = "",
    title: str = "",
    ddc_prefix: str = "",
    grade: str = "",
    note: str = "",
) -> Want:
    library = _one_library(by, library)
    policy.ensure_can_write_for(by, library)
    want = Want(
        library=library,
        record=record,
        isbn=_clean_isbn(isbn),
        title=title.strip(),
        ddc_prefix=ddc_prefix.strip(),
        grade=grade.strip(),
        note=note,
        created_by=policy.person(by),
    )
    want.full_clean()
    want.save()
    return want


@transaction.atomic
def want_cancel(*, want: Want, by) -> Want:
    policy.ensure_can_write_for(by, want.library_id)
    if want.status != WantStatus.OPEN:
        raise ValidationError(_("This want is already closed."))
    want.status = WantStatus.CANCELLED
    want.save(update_fields=["status"])
    return want


# --- donations --------------------------------------------------------------------------------------------


@transaction.atomic
def donor_create(
    *, by, name: str, kind: str, library: Library | None = None, email: str = "", phone: str = "", address: str = ""
) -> Donor:
    library = _one_library(by, library)
    policy.ensure_can_write_for(by, library)
    donor = Donor(library=library, name=name.strip(), kind=kind, email=email, phone=phone, address=address)
    donor.full_clean()
    donor.save()
    return donor


@transaction.atomic
def donation_create(
    *,
    by,
    donor: Donor,
    kind: str,
    amount: Decimal | None = None,
    description: str = "",
    received_on: date | None = None,
    items: list[dict] | None = None,
) -> Donation:
    """Record a gift to the donor's school; donated titles are listed, each decided later (kept or routed)."""
    policy.ensure_can_write_for(by, donor.library_id)
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    if kind == DonationKind.MONEY and not amount:
        raise ValidationError({"amount": _("A gift of money needs an amount above zero.")})
    items = items or []
    if kind == DonationKind.ITEMS and not items and not description.strip():
        raise ValidationError({"items": _("List the donated items or describe them.")})
    donation = Donation(
        donor=donor,
        library_id=donor.library_id,
        kind=kind,
        amount=amount,
        description=description,
        received_on=received_on or timezone.localdate(),
        created_by=policy.person(by),
    )
    donation.full_clean()
    donation.save()
    for number, data in enumerate(items, start=1):
        title = (data.get("title") or "").strip()
        if not title:
            raise ValidationError({"items": _("Item %(n)s has no title.") % {"n": number}})
        isbn = _clean_isbn(data.get("isbn", ""), field="items")
        matches = selectors.network_matches(
            isbn=isbn, title=title, author=data.get("author", ""), year=data.get("year")
        )
        item = DonationItem(
            donation=donation,
            title=title,
            author=data.get("author", ""),
            isbn=isbn,
            year=data.get("year"),
            record=matches[0].record if matches else None,
        )
        item.full_clean()
        item.save()
    return donation


DONOR_ACQUISITION = {
    DonorKind.PARENT: Acquisition.DONATION_PARENT,
    DonorKind.STUDENT: Acquisition.DONATION_STUDENT,
    DonorKind.TEACHER: Acquisition.DONATION_TEACHER,
    DonorKind.ALUMNUS: Acquisition.GRANT,
    DonorKind.PARTNER: Acquisition.GRANT,
}


def _item_record(item: DonationItem) -> Record:
    return item.record or _record_for(title=item.title, author=item.author, isbn=item.isbn, year=item.year)


@transaction.atomic
def donation_item_keep(*, item: DonationItem, by, barcode: str = "") -> DonationItem:
    """The receiving school keeps the donated copy: it becomes one of its holdings."""
    item = DonationItem.objects.select_for_update().select_related("donation__donor").get(pk=item.pk)
    donation = item.donation
    policy.ensure_can_write_for(by, donation.library_id)
    if item.status != DonationItemStatus.PENDING:
        raise ValidationError(_("This item has already been dealt with."))
    record = _item_record(item)
    item.holding = _new_holding(
        record=record,
        library=donation.library,
        barcode=barcode.strip() or f"H{donation.pk}-{item.pk}",
        acquisition=DONOR_ACQUISITION[donation.donor.kind],
    )
    item.record, item.status = record, DonationItemStatus.ADDED
    item.save()
    return item


@transaction.atomic
def donation_item_route(*, item: DonationItem, to_library: Library, by, barcode: str = "") -> DonationItem:
    """A donated copy the school does not need goes to a school whose gap list has it, with its provenance."""
    item = DonationItem.objects.select_for_update().select_related("donation__donor").get(pk=item.pk)
    donation = item.donation
    policy.ensure_can_write_for(by, donation.library_id)
    if item.status != DonationItemStatus.PENDING:
        raise ValidationError(_("This item has already been dealt with."))
    if to_library.pk == donation.library_id:
        raise ValidationError({"to_library": _("Route it to another school.")})
    if not to_library.is_active:
        raise ValidationError({"to_library": _("That school is not an active member.")})
    record = _item_record(item)
    code = barcode.strip() or f"H{donation.pk}-{item.pk}"
    holding = _new_holding(
        record=record, library=to_library, barcode=code, acquisition=DONOR_ACQUISITION[donation.donor.kind]
    )
    HoldingTransfer.objects.create(
        holding=holding,
        kind=TransferKind.DONATION,
        from_library_id=donation.library_id,
        to_library=to_library,
        agreement=selectors.agreement_for_exchange(a=donation.library, b=to_library),
        old_barcode=code,
        new_barcode=code,
        reason=_("Donated by %(kind)s, routed from %(school)s.")
        % {"kind": donation.donor.get_kind_display().lower(), "school": donation.library.name},
        by=policy.person(by),
    )
    item.record, item.holding, item.routed_to, item.status = record, holding, to_library, DonationItemStatus.ROUTED
    item.save()
    return item


@transaction.atomic
def donation_item_decline(*, item: DonationItem, by) -> DonationItem:
    item = DonationItem.objects.select_for_update().select_related("donation").get(pk=item.pk)
    policy.ensure_can_write_for(by, item.donation.library_id)
    if item.status != DonationItemStatus.PENDING:
        raise ValidationError(_("This item has already been dealt with."))
    item.status = DonationItemStatus.DECLINED
    item.save(update_fields=["status"])
    return item


def ensure_can_see_donor(by, donor: Donor) -> None:
    if not policy.can_see_donors_of(by, donor.library_id):
        raise PermissionDenied


# --- set-up data of the analysis -------------------------------------------------------------------------------


@transaction.atomic
def enrolment_set(*, by, library: Library, students: int) -> Enrolment:
    """A school records how many students it has (its librarians, or a coordinator)."""
    policy.ensure_can_write_for(by, library)
    if students is None or students < 0:
        raise ValidationError({"students": _("The number of students cannot be negative.")})
    enrolment, _created = Enrolment.objects.update_or_create(
        library=library, defaults={"students": students, "counted_on": timezone.localdate()}
    )
    return enrolment


@transaction.atomic
def responsibility_create(*, by, agreement, library: Library, label: str, ddc_from, ddc_to) -> CollectingResponsibility:
    """An agreement's division of work gives a school a subject area to build depth in (coordinators)."""
    policy.ensure(policy.can_edit_agreements(by), _("Only a coordinator divides collecting responsibilities."))
    if not agreement.parties.filter(library=library).exists():
        raise ValidationError({"library": _("The school is not a party to this agreement.")})
    duty = CollectingResponsibility(agreement=agreement, library=library, label=label, ddc_from=ddc_from, ddc_to=ddc_to)
    duty.full_clean()
    overlapping = CollectingResponsibility.objects.filter(
        agreement=agreement, ddc_from__lte=ddc_to, ddc_to__gte=ddc_from
    ).exclude(library=library)
    if overlapping.exists():
        other = overlapping.select_related("library").first()
        raise ValidationError(
            {
                "ddc_from": _("This range overlaps %(school)s's %(area)s.")
                % {"school": other.library.name, "area": other.label}
            }
        )
    duty.save()
    return duty


@transaction.atomic
def curriculum_subject_create(*, by, name: str, level: str, ddc_prefix: str) -> CurriculumSubject:
    policy.ensure(policy.can_run_collection_analysis(by), _("Only a coordinator edits the curriculum subjects."))
    subject = CurriculumSubject(name=name.strip(), level=level, ddc_prefix=ddc_prefix.strip())
    subject.full_clean()
    subject.save()
    return subject
