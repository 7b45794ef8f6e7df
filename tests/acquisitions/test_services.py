"""Every rule of cooperative buying, exchange and donations, through the services the pages and the API call."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from acquisitions import selectors, services
from acquisitions.choices import DonationItemStatus, OfferStatus, OrderStatus, ProposalStatus, WantStatus
from acquisitions.models import (
    CollectingResponsibility,
    Donation,
    Donor,
    HoldingTransfer,
    Offer,
    Pledge,
    Proposal,
    Want,
)
from catalog.models import Holding, Record
from loans.models import IllRequest
from tests.factories import LibraryFactory, make_student

from .conftest import copies, make_record

pytestmark = pytest.mark.django_db

ISBN = "9786230000010"


def today():
    return timezone.localdate()


@pytest.fixture
def buying_round(coordinator, school, third_school):
    return services.round_create(
        by=coordinator,
        name="Pengadaan bersama 2026/2",
        starts_on=today() - timedelta(days=5),
        ends_on=today() + timedelta(days=30),
        shared_budget=Decimal("500000"),
        budgets={school: Decimal("300000"), third_school: Decimal("200000")},
    )


# --- proposals --------------------------------------------------------------------------------------------


def test_student_proposal_waits_for_her_librarian(student, librarian, school):
    proposal = services.proposal_create(by=student, title="Filosofi Teras", author="Henry Manampiring")
    assert (proposal.library, proposal.status, proposal.proposer_kind) == (school, ProposalStatus.WAITING, "student")
    proposal = services.proposal_forward(proposal=proposal, by=librarian)
    assert proposal.status == ProposalStatus.OPEN


def test_outsider_cannot_forward_a_proposal(student, outsider):
    proposal = services.proposal_create(by=student, title="Filosofi Teras")
    with pytest.raises(PermissionDenied):
        services.proposal_forward(proposal=proposal, by=outsider)


def test_proposal_finds_the_title_in_the_network_by_isbn(librarian, school, third_school):
    record = make_record("Laut Bercerita", isbns=[ISBN])
    copies(record, third_school)
    proposal = services.proposal_create(by=librarian, title="Laut bercerita", isbn="978-623-00-0001-0")
    assert proposal.record == record and proposal.isbn == ISBN
    matches = selectors.network_matches(isbn=ISBN, city=school.city)
    assert [m.record for m in matches] == [record]
    assert matches[0].same_city == [third_school]  # suggest borrowing it by interlibrary loan instead


def test_proposal_finds_the_title_as_an_import_would(librarian):
    """By the catalog's blocking key and scored comparison: the same edition, not a look-alike."""
    from catalog.matching import block_key

    record = make_record("Laskar Pelangi", year=2005, author="Andrea Hirata")
    record.match_key = block_key("Laskar Pelangi")
    record.save()
    other = make_record("Laskar Pelangi", year=2005, author="Andrea Hirata")
    other.match_key, other.isbns = block_key("Laskar Pelangi"), [ISBN]
    other.save()
    proposal = services.proposal_create(by=librarian, title="Laskar pelangi!", author="Andrea Hirata", year=2005)
    assert proposal.record == record
    # Another grade of a textbook is another edition, though the blocking key is the same.
    from catalog.selectors import same_edition

    grade = make_record("Matematika kelas X", author="Tim Penyusun")
    grade.match_key = block_key("Matematika kelas X")
    grade.save()
    assert same_edition(title="Matematika kelas X", author="Tim Penyusun", year=2020) == [grade]
    assert same_edition(title="Matematika kelas XI", author="Tim Penyusun", year=2020) == []


def test_proposal_with_a_bad_isbn_is_refused(librarian):
    with pytest.raises(ValidationError) as info:
        services.proposal_create(by=librarian, title="X", isbn="12345")
    assert "isbn" in info.value.message_dict
    assert not Proposal.objects.exists()


def test_unfilled_request_becomes_a_proposal_once(librarian, school):
    record = make_record("Sejarah Deli", isbns=[ISBN])
    ill = IllRequest.objects.create(requester=school, record=record, state="unfilled")
    proposal = services.proposal_from_unfilled(ill_request=ill, by=librarian)
    assert (proposal.title, proposal.isbn, proposal.record, proposal.ill_request) == ("Sejarah Deli", ISBN, record, ill)
    with pytest.raises(ValidationError, match="already been proposed"):
        services.proposal_from_unfilled(ill_request=ill, by=librarian)


def test_only_unfilled_requests_become_proposals(librarian, school):
    ill = IllRequest.objects.create(requester=school, record=make_record("X"), state="sent")
    with pytest.raises(ValidationError, match="Only an unfilled request"):
        services.proposal_from_unfilled(ill_request=ill, by=librarian)


# --- buying rounds ----------------------------------------------------------------------------------------------


def test_only_coordinators_open_rounds(librarian):
    with pytest.raises(PermissionDenied):
        services.round_create(by=librarian, name="R", starts_on=today(), ends_on=today())


def test_shared_budget_comes_from_the_agreements_contributions(coordinator, coop_agreement, school, third_school):
    agreement = coop_agreement(school, third_school, yearly_contribution=Decimal("750000"))
    round_ = services.round_create(
        by=coordinator, name="R", starts_on=today(), ends_on=today() + timedelta(days=9), agreement=agreement
    )
    assert round_.shared_budget == Decimal("1500000")


def test_round_cannot_end_before_it_starts(coordinator):
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.round_create(by=coordinator, name="R", starts_on=today(), ends_on=today() - timedelta(days=1))


def test_negative_budget_is_refused(coordinator, buying_round, school):
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.round_set_budget(round_=buying_round, library=school, amount=Decimal("-1"), by=coordinator)


def test_pledge_within_budget(librarian, buying_round, school):
    pledge = services.pledge_create(
        by=librarian, round_=buying_round, title="Fisika Dasar", isbn=ISBN, unit_price=Decimal("100000"), quantity=2
    )
    assert (pledge.library, pledge.total, pledge.status) == (school, Decimal("200000"), OrderStatus.PROPOSED)


def test_pledging_a_title_twice_in_one_round_is_refused(librarian, buying_round):
    services.pledge_create(by=librarian, round_=buying_round, title="Fisika Dasar", isbn=ISBN, unit_price=Decimal("1"))
    with pytest.raises(ValidationError, match="already pledged this title"):
        services.pledge_create(by=librarian, round_=buying_round, title="Other", isbn=ISBN, unit_price=Decimal("1"))
    assert Pledge.objects.count() == 1


def test_another_schools_title_needs_a_reason(librarian, third_librarian, buying_round):
    services.pledge_create(by=librarian, round_=buying_round, title="Fisika Dasar", isbn=ISBN, unit_price=Decimal("1"))
    with pytest.raises(ValidationError) as info:
        services.pledge_create(
            by=third_librarian, round_=buying_round, title="Fisika", isbn=ISBN, unit_price=Decimal("1")
        )
    assert "SMA Negeri 1 Medan already pledged" in info.value.message_dict["duplicate_reason"][0]
    second = services.pledge_create(
        by=third_librarian,
        round_=buying_round,
        title="Fisika",
        isbn=ISBN,
        unit_price=Decimal("1"),
        duplicate_reason="Dipakai 300 siswa kelas X",
    )
    assert second.duplicate_reason


def test_budget_overrun_is_refused_and_nothing_is_written(librarian, buying_round):
    services.pledge_create(by=librarian, round_=buying_round, title="A", unit_price=Decimal("250000"))
    with pytest.raises(ValidationError, match="exceeds your school's budget: Rp50.000 left, Rp60.000 asked"):
        services.pledge_create(by=librarian, round_=buying_round, title="B", unit_price=Decimal("30000"), quantity=2)
    assert Pledge.objects.count() == 1


def test_shared_budget_overrun_is_refused(librarian, buying_round):
    with pytest.raises(ValidationError, match="exceeds the shared budget"):
        services.pledge_create(
            by=librarian, round_=buying_round, title="A", unit_price=Decimal("500001"), funding="shared"
        )


def test_school_without_budget_cannot_pledge_its_own_money(outsider, buying_round):
    with pytest.raises(ValidationError, match="no budget"):
        services.pledge_create(by=outsider, round_=buying_round, title="A", unit_price=Decimal("1"))


def test_negative_price_is_refused(librarian, buying_round):
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.pledge_create(by=librarian, round_=buying_round, title="A", unit_price=Decimal("-5"))


def test_closed_round_takes_no_pledges(librarian, coordinator, buying_round):
    services.round_close(round_=buying_round, by=coordinator)
    with pytest.raises(ValidationError, match="closed"):
        services.pledge_create(by=librarian, round_=buying_round, title="A", unit_price=Decimal("1"))


def test_purchase_in_another_schools_responsibility_is_flagged(
    librarian, buying_round, coop_agreement, school, third_school
):
    agreement = coop_agreement(school, third_school)
    CollectingResponsibility.objects.create(
        agreement=agreement, library=third_school, label="Sains", ddc_from=500, ddc_to=599.999
    )
    flagged = services.pledge_create(
        by=librarian, round_=buying_round, title="Kimia", ddc="540", unit_price=Decimal("1")
    )
    plain = services.pledge_create(
        by=librarian, round_=buying_round, title="Novel", ddc="899.221", unit_price=Decimal("1")
    )
    assert "SMA Negeri 2 Medan is responsible for Sains" in flagged.responsibility_warning
    assert plain.responsibility_warning == ""


def test_a_round_from_proposal_to_received_copy(student, librarian, coordinator, buying_round, school):
    proposal = services.proposal_create(by=student, title="Bumi", author="Tere Liye", isbn=ISBN, ddc="899.221")
    proposal = services.proposal_forward(proposal=proposal, by=librarian)
    pledge = services.pledge_create(
        by=librarian, round_=buying_round, proposal=proposal, unit_price=Decimal("90000"), quantity=2
    )
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PLEDGED
    with pytest.raises(PermissionDenied):
        services.pledge_set_status(pledge=pledge, status=OrderStatus.AGREED, by=librarian)
    pledge = services.pledge_set_status(pledge=pledge, status=OrderStatus.AGREED, by=coordinator)
    with pytest.raises(ValidationError, match="Only ordered copies"):
        services.pledge_receive(pledge=pledge, by=librarian)
    pledge = services.pledge_set_status(pledge=pledge, status=OrderStatus.ORDERED, by=librarian)
    pledge = services.pledge_receive(pledge=pledge, by=librarian, barcodes=["B-1", "B-2"])
    assert pledge.status == OrderStatus.RECEIVED
    record = Record.objects.get(isbns__contains=[ISBN])
    held = Holding.objects.filter(record=record, library=school)
    assert sorted(held.values_list("barcode", flat=True)) == ["B-1", "B-2"]
    assert set(held.values_list("acquisition", flat=True)) == {"purchase"}
    spending = selectors.spending_rows(buying_round)
    row = spending["schools"][0]
    assert (row["library"], row["pledged"], row["received"], row["left"]) == (
        school,
        Decimal("180000"),
        Decimal("180000"),
        Decimal("120000"),
    )
    assert spending["subjects"] == [{"klass": "800", "titles": 1, "copies": 2, "amount": Decimal("180000")}]


def test_receiving_with_a_barcode_in_use_writes_nothing(librarian, coordinator, buying_round, school):
    copies(make_record("Old"), school, 1, prefix="USED")
    pledge = services.pledge_create(
        by=librarian, round_=buying_round, title="New book", unit_price=Decimal("1"), quantity=2
    )
    services.pledge_set_status(pledge=pledge, status=OrderStatus.AGREED, by=coordinator)
    services.pledge_set_status(pledge=pledge, status=OrderStatus.ORDERED, by=librarian)
    with pytest.raises(ValidationError, match="already used"):
        services.pledge_receive(pledge=pledge, by=librarian, barcodes=["NEW-1", "USED-1"])
    assert not Holding.objects.filter(barcode="NEW-1").exists()
    assert Pledge.objects.get(pk=pledge.pk).status == OrderStatus.ORDERED


def test_received_pledge_cannot_be_cancelled(librarian, coordinator, buying_round):
    pledge = services.pledge_create(by=librarian, round_=buying_round, title="A", unit_price=Decimal("1"))
    services.pledge_set_status(pledge=pledge, status=OrderStatus.AGREED, by=coordinator)
    services.pledge_set_status(pledge=pledge, status=OrderStatus.ORDERED, by=librarian)
    services.pledge_receive(pledge=pledge, by=librarian)
    with pytest.raises(ValidationError, match="cannot become cancelled"):
        services.pledge_set_status(pledge=pledge, status=OrderStatus.CANCELLED, by=librarian)


def test_cancelled_pledge_frees_budget_and_title(librarian, buying_round):
    pledge = services.pledge_create(
        by=librarian, round_=buying_round, title="A", isbn=ISBN, unit_price=Decimal("300000")
    )
    services.pledge_set_status(pledge=pledge, status=OrderStatus.CANCELLED, by=librarian)
    again = services.pledge_create(
        by=librarian, round_=buying_round, title="A", isbn=ISBN, unit_price=Decimal("300000")
    )
    assert again.status == OrderStatus.PROPOSED


# --- exchange ----------------------------------------------------------------------------------------------------


@pytest.fixture
def offered(librarian, school):
    """A surplus textbook copy offered by SMA Negeri 1 Medan; a second copy stays there."""
    record = make_record("Matematika untuk SMA/MA Kelas X", isbns=[ISBN], ddc="510")
    first, _second = copies(record, school, 2)
    return services.offer_create(by=librarian, holding=first, reason="curriculum")


def test_offer_matches_wants(offered, third_librarian, outsider):
    by_title = services.want_create(by=third_librarian, title="matematika")
    by_grade = services.want_create(by=outsider, grade="X")
    other = services.want_create(by=outsider, ddc_prefix="9")
    assert set(selectors.wants_for_offer(offered)) == {by_title, by_grade}
    assert list(selectors.offers_for_want(by_grade)) == [offered]
    assert list(selectors.offers_for_want(other)) == []


def test_want_must_say_what(third_librarian):
    with pytest.raises(ValidationError, match="Say what you want"):
        services.want_create(by=third_librarian)


def test_claim_and_transfer_keeps_provenance(offered, third_librarian, librarian, third_school, school, coop_agreement):
    agreement = coop_agreement(school, third_school)
    want = services.want_create(by=third_librarian, isbn=ISBN)
    offer = services.offer_claim(offer=offered, by=third_librarian)
    assert (offer.status, offer.claimed_by) == (OfferStatus.CLAIMED, third_school)
    transfer = services.offer_transfer(offer=offer, by=librarian)
    holding = Holding.objects.get(pk=offered.holding_id)
    assert (holding.library, holding.acquisition, holding.status) == (third_school, "exchange", "available")
    assert (transfer.from_library, transfer.to_library, transfer.agreement, transfer.kind) == (
        school,
        third_school,
        agreement,
        "exchange",
    )
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.TRANSFERRED
    assert Want.objects.get(pk=want.pk).status == WantStatus.FILLED
    assert list(holding.transfers.all()) == [transfer]


def test_school_cannot_claim_its_own_offer(offered, librarian):
    with pytest.raises(ValidationError, match="own offer"):
        services.offer_claim(offer=offered, by=librarian)


def test_claim_before_the_embargo_is_refused(librarian, school, third_librarian):
    holding = copies(make_record("X"), school, 1)[0]
    offer = services.offer_create(by=librarian, holding=holding, embargo_until=today() + timedelta(days=3))
    with pytest.raises(ValidationError, match="Claims open on"):
        services.offer_claim(offer=offer, by=third_librarian)
    assert services.offer_claim(offer=offer, by=third_librarian, today=today() + timedelta(days=3)).status == "claimed"


def test_claiming_a_taken_offer_is_refused(offered, third_librarian, outsider):
    services.offer_claim(offer=offered, by=third_librarian)
    with pytest.raises(ValidationError, match="already been taken"):
        services.offer_claim(offer=offered, by=outsider)


def test_a_copy_is_offered_once(offered, librarian):
    with pytest.raises(ValidationError, match="already on offer"):
        services.offer_create(by=librarian, holding=offered.holding)


def test_transferring_a_copy_on_loan_is_refused_and_nothing_changes(offered, third_librarian, librarian, school):
    services.offer_claim(offer=offered, by=third_librarian)
    Holding.objects.filter(pk=offered.holding_id).update(status="lent_out")
    with pytest.raises(ValidationError, match="on loan or in transit"):
        services.offer_transfer(offer=offered, by=librarian)
    assert Holding.objects.get(pk=offered.holding_id).library == school
    assert not HoldingTransfer.objects.exists()
    assert Offer.objects.get(pk=offered.pk).status == OfferStatus.CLAIMED


def test_transfer_with_a_clashing_barcode_needs_a_new_one(offered, third_librarian, librarian, third_school):
    services.offer_claim(offer=offered, by=third_librarian)
    copies(make_record("Y"), third_school, 1, prefix=offered.holding.barcode.rsplit("-", 1)[0])
    Holding.objects.filter(library=third_school).update(barcode=offered.holding.barcode)
    with pytest.raises(ValidationError, match="give a new one"):
        services.offer_transfer(offer=offered, by=librarian)
    services.offer_transfer(offer=offered, by=librarian, new_barcode="T-1")
    assert Holding.objects.get(pk=offered.holding_id).barcode == "T-1"


def test_outsider_cannot_transfer(offered, third_librarian, outsider):
    services.offer_claim(offer=offered, by=third_librarian)
    with pytest.raises(PermissionDenied):
        services.offer_transfer(offer=offered, by=outsider)


def test_last_copy_goes_outside_only_with_a_reason(librarian, school, third_school):
    record = make_record("Naskah Melayu Deli")
    last = copies(record, school, 1)[0]
    copies(record, third_school, 1, status="withdrawn")
    with pytest.raises(ValidationError) as info:
        services.holding_give_away(holding=last, by=librarian, recipient="Museum Sumatera Utara")
    assert "last copy" in info.value.message_dict["last_copy_reason"][0]
    assert Holding.objects.get(pk=last.pk).status == "available"
    transfer = services.holding_give_away(
        holding=last, by=librarian, recipient="Museum Sumatera Utara", last_copy_reason="Rusak; museum merawatnya"
    )
    assert (transfer.kind, transfer.last_copy, transfer.holding.status) == ("outside", True, "withdrawn")


def test_a_copy_that_is_not_the_last_goes_without_warning(librarian, school, third_school):
    record = make_record("Kamus")
    mine = copies(record, school, 1)[0]
    copies(record, third_school, 1)
    transfer = services.holding_give_away(holding=mine, by=librarian, reason="Rusak")
    assert (transfer.kind, transfer.last_copy) == ("discarded", False)


# --- donations ---------------------------------------------------------------------------------------------------


@pytest.fixture
def donor(librarian, school):
    return services.donor_create(by=librarian, name="Ibu Sri Rahayu", kind="parent", email="sri@example.org")


def test_donation_with_negative_amount_is_refused(librarian, donor):
    with pytest.raises(ValidationError) as info:
        services.donation_create(by=librarian, donor=donor, kind="money", amount=Decimal("-1000"))
    assert "amount" in info.value.message_dict
    assert not Donation.objects.exists()


def test_money_donation_needs_an_amount(librarian, donor):
    with pytest.raises(ValidationError, match="above zero"):
        services.donation_create(by=librarian, donor=donor, kind="money")


def test_item_without_title_writes_nothing(librarian, donor):
    with pytest.raises(ValidationError, match="Item 2 has no title"):
        services.donation_create(by=librarian, donor=donor, kind="items", items=[{"title": "A"}, {"title": ""}])
    assert not Donation.objects.exists()


def test_donated_copy_kept(librarian, donor, school):
    donation = services.donation_create(
        by=librarian, donor=donor, kind="items", items=[{"title": "Cerita Rakyat Batak"}]
    )
    item = services.donation_item_keep(item=donation.items.get(), by=librarian, barcode="D-1")
    assert (item.status, item.holding.library, item.holding.acquisition) == (
        DonationItemStatus.ADDED,
        school,
        "donation_parent",
    )


def test_unneeded_donated_copy_routed_to_a_school_with_the_gap(librarian, donor, school, third_school, outsider):
    record = make_record("Sejarah Deli", isbns=[ISBN])
    copies(record, school, 1)  # the receiving school has it already
    IllRequest.objects.create(requester=third_school, record=record, state="unfilled")
    donation = services.donation_create(
        by=librarian, donor=donor, kind="items", items=[{"title": "Sejarah Deli", "isbn": ISBN}]
    )
    item = donation.items.get()
    assert item.record == record
    assert selectors.donation_route_targets(record=record, isbn=ISBN, title=item.title, exclude=school) == [
        third_school
    ]
    item = services.donation_item_route(item=item, to_library=third_school, by=librarian)
    assert (item.status, item.holding.library, item.routed_to) == (
        DonationItemStatus.ROUTED,
        third_school,
        third_school,
    )
    transfer = item.holding.transfers.get()
    assert (transfer.kind, transfer.from_library, transfer.to_library) == ("donation", school, third_school)
    with pytest.raises(ValidationError, match="already been dealt with"):
        services.donation_item_route(item=item, to_library=third_school, by=librarian)


def test_other_schools_cannot_record_gifts_for_us(outsider, donor):
    with pytest.raises(PermissionDenied):
        services.donation_create(by=outsider, donor=donor, kind="money", amount=Decimal("5"))


def test_donors_are_private_to_their_school_and_coordinators(donor, librarian, outsider, coordinator, student):
    assert list(Donor.objects.visible_to(librarian)) == [donor]
    assert list(Donor.objects.visible_to(coordinator)) == [donor]
    assert list(Donor.objects.visible_to(outsider)) == []
    assert list(Donor.objects.visible_to(student)) == []


def test_donation_totals_for_everyone_name_no_donor(librarian, donor, school):
    services.donation_create(by=librarian, donor=donor, kind="money", amount=Decimal("250000"))
    services.donation_create(by=librarian, donor=donor, kind="items", items=[{"title": "A"}, {"title": "B"}])
    assert selectors.donation_totals() == [{"library": school, "donations": 2, "items": 2, "money": Decimal("250000")}]


def test_student_sees_only_her_own_proposals(student, school):
    other = make_student(school, username="lain")
    mine = services.proposal_create(by=student, title="A")
    services.proposal_create(by=other, title="B")
    assert list(Proposal.objects.visible_to(student)) == [mine]


def test_exchange_board_is_for_members(offered, librarian, student):
    assert list(Offer.objects.visible_to(librarian)) == [offered]
    assert list(Offer.objects.visible_to(student)) == []
    LibraryFactory()  # an unrelated school changes nothing


# --- set-up data -------------------------------------------------------------------------------------------------


def test_school_records_its_enrolment(librarian, school, outsider):
    assert services.enrolment_set(by=librarian, library=school, students=900).students == 900
    assert services.enrolment_set(by=librarian, library=school, students=950).students == 950
    with pytest.raises(PermissionDenied):
        services.enrolment_set(by=outsider, library=school, students=1)
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.enrolment_set(by=librarian, library=school, students=-1)


def test_responsibilities_are_divided_by_coordinators_among_parties(
    coordinator, librarian, coop_agreement, school, third_school, other_school
):
    agreement = coop_agreement(school, third_school)
    with pytest.raises(PermissionDenied):
        services.responsibility_create(
            by=librarian, agreement=agreement, library=school, label="S", ddc_from=500, ddc_to=599
        )
    duty = services.responsibility_create(
        by=coordinator, agreement=agreement, library=school, label="Sains", ddc_from=500, ddc_to=599.999
    )
    assert duty.pk
    with pytest.raises(ValidationError, match="not a party"):
        services.responsibility_create(
            by=coordinator, agreement=agreement, library=other_school, label="X", ddc_from=100, ddc_to=199
        )
    with pytest.raises(ValidationError, match="overlaps SMA Negeri 1 Medan's Sains"):
        services.responsibility_create(
            by=coordinator, agreement=agreement, library=third_school, label="Kimia", ddc_from=540, ddc_to=549
        )
    with pytest.raises(ValidationError, match="lower to a higher"):
        services.responsibility_create(
            by=coordinator, agreement=agreement, library=third_school, label="X", ddc_from=300, ddc_to=200
        )
