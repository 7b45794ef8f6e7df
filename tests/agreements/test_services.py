from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from agreements import services
from agreements.choices import Status
from agreements.models import Agreement, AgreementVersion, Reminder, Signature
from agreements.selectors import ill_terms, version_changes
from tests.factories import LibraryFactory, make_librarian

pytestmark = pytest.mark.django_db

COMPLETE = dict(
    objectives="Berbagi koleksi",
    scope_collections="Koleksi umum",
    scope_material_types="Buku tercetak",
    scope_people="Siswa dan guru",
    relationship="Koordinator mengoordinasikan",
    methods_equipment="Kurir dua kali seminggu",
    technology="Silang",
    shipping_paid_by="Peminjam",
    loan_days=21,
)


@pytest.fixture
def draft(coordinator, school, other_school):
    return services.agreement_save(
        by=coordinator,
        number="PKS/001",
        title="Pinjam antarperpustakaan",
        forms=["ill"],
        start_on=timezone.localdate(),
        end_on=timezone.localdate() + timedelta(days=365),
        parties=[
            {"library": school, "representative": "Rosmawati"},
            {"library": other_school, "representative": "Lamhot"},
        ],
        responsibilities=[],
        **COMPLETE,
    )


def add_duty(agreement, coordinator):
    party = agreement.parties.first()
    return services.agreement_save(
        by=coordinator, agreement=agreement, responsibilities=[{"party": party, "form": "ill", "task": "Kurir"}]
    )


def test_whole_lifecycle(draft, coordinator, librarian, outsider, school, other_school):
    assert draft.status == Status.DRAFT and draft.versions.count() == 1
    draft = add_duty(draft, coordinator)
    assert draft.version == 2
    draft = services.agreement_send_for_review(agreement=draft, by=coordinator)
    services.agreement_comment(agreement=draft, by=librarian, text="Setuju, tambahkan jadwal kurir.")
    draft = services.agreement_request_signatures(agreement=draft, by=coordinator)
    assert draft.status == Status.SIGNING
    assert ill_terms(lender=school, borrower=other_school) is None  # not in force until everyone signed
    services.agreement_sign(agreement=draft, party=draft.parties.get(library=school), by=librarian, read_version=2)
    draft.refresh_from_db()
    assert draft.status == Status.SIGNING
    services.agreement_sign(agreement=draft, party=draft.parties.get(library=other_school), by=outsider, read_version=2)
    draft.refresh_from_db()
    assert draft.status == Status.ACTIVE
    terms = ill_terms(lender=school, borrower=other_school)
    assert terms.loan_days == 21 and terms.agreement == draft
    draft = services.agreement_terminate(agreement=draft, by=coordinator, reason="Sekolah bergabung ke jaringan lain")
    assert draft.status == Status.TERMINATED
    assert ill_terms(lender=school, borrower=other_school) is None


def test_versions_and_comparison(draft, coordinator):
    services.agreement_save(by=coordinator, agreement=draft, objectives="Berbagi koleksi dan keahlian")
    old, new = AgreementVersion.objects.filter(agreement=draft).order_by("number")
    changes = version_changes(old.snapshot, new.snapshot)
    assert [c.field for c in changes] == ["objectives"]


def test_completeness_check_lists_what_is_missing(coordinator, school, other_school):
    agreement = services.agreement_save(
        by=coordinator,
        number="PKS/002",
        title="Kosong",
        forms=["ill"],
        parties=[{"library": school}],
        responsibilities=[],
    )
    missing = {item.key for item in services.completeness(agreement)}
    assert {"objectives", "scope", "parties", "start_on", "division", "technology"} <= missing
    with pytest.raises(ValidationError, match="1. objectives"):
        services.agreement_request_signatures(agreement=agreement, by=coordinator)


def test_division_of_work_warnings(draft, coordinator):
    first, second = draft.parties.all()
    draft = services.agreement_save(
        by=coordinator,
        agreement=draft,
        forms=["ill", "acquisition"],
        responsibilities=[
            {"party": first, "form": "ill", "task": "Kurir"},
            {"party": second, "form": "ill", "task": "kurir"},
        ],
    )
    warnings = services.division_warnings(draft)
    assert any("kurir" in w.lower() for w in warnings)  # held twice
    assert any("acquisition" in w.lower() or "pengadaan" in w.lower() for w in warnings)  # nobody on acquisition


def test_signing_rules(draft, coordinator, librarian, outsider, school, other_school):
    add_duty(draft, coordinator)
    draft.refresh_from_db()
    services.agreement_request_signatures(agreement=draft, by=coordinator)
    with pytest.raises(PermissionDenied):  # a non-party (or the other party's librarian) cannot sign for school
        services.agreement_sign(
            agreement=draft, party=draft.parties.get(library=school), by=outsider, read_version=draft.version
        )
    stranger = make_librarian(LibraryFactory(code="X9", npsn="10299993"), username="stranger")
    with pytest.raises(PermissionDenied):
        services.agreement_sign(
            agreement=draft, party=draft.parties.get(library=school), by=stranger, read_version=draft.version
        )
    services.agreement_sign(
        agreement=draft, party=draft.parties.get(library=school), by=librarian, read_version=draft.version
    )
    with pytest.raises(ValidationError):  # twice
        services.agreement_sign(
            agreement=draft, party=draft.parties.get(library=school), by=librarian, read_version=draft.version
        )


def test_signing_a_changed_version_is_refused_with_the_difference(draft, coordinator, librarian, school):
    add_duty(draft, coordinator)
    draft.refresh_from_db()
    read = draft.version
    services.agreement_request_signatures(agreement=draft, by=coordinator)
    services.agreement_amend(agreement=draft, by=coordinator)
    services.agreement_save(by=coordinator, agreement=draft, loan_days=7)
    draft.refresh_from_db()
    services.agreement_request_signatures(agreement=draft, by=coordinator)
    with pytest.raises(ValidationError, match=r"Loan period \(days\)"):  # the label, not the attribute
        services.agreement_sign(
            agreement=draft, party=draft.parties.get(library=school), by=librarian, read_version=read
        )
    assert not Signature.objects.exists()


def test_outside_institution_signed_by_coordinator_with_paper(draft, coordinator):
    services.agreement_save(
        by=coordinator,
        agreement=draft,
        parties=[
            *[{"id": p.pk, "library": p.library} for p in draft.parties.all()],
            {"institution": "Dinas Pendidikan Kota Medan", "kind": "education_office", "representative": "Kabid"},
        ],
    )
    add_duty(draft, coordinator)
    draft.refresh_from_db()
    services.agreement_request_signatures(agreement=draft, by=coordinator)
    office = draft.parties.get(library=None)
    with pytest.raises(ValidationError):
        services.agreement_sign(agreement=draft, party=office, by=coordinator, read_version=draft.version)
    paper = SimpleUploadedFile("ttd.pdf", b"%PDF-1.4 signed")
    services.agreement_sign(agreement=draft, party=office, by=coordinator, read_version=draft.version, paper=paper)
    assert Signature.objects.get(party=office).paper.name.endswith(".pdf")


def test_editing_a_signed_version_is_refused(draft, coordinator, librarian, outsider, school, other_school):
    add_duty(draft, coordinator)
    draft.refresh_from_db()
    services.agreement_request_signatures(agreement=draft, by=coordinator)
    with pytest.raises(ValidationError, match="frozen"):
        services.agreement_save(by=coordinator, agreement=draft, title="Diubah")
    assert Agreement.objects.get(pk=draft.pk).title == "Pinjam antarperpustakaan"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"start_on": timezone.localdate(), "end_on": timezone.localdate() - timedelta(days=1)}, "__all__"),
    ],
)
def test_end_before_start_is_refused(coordinator, changes, field):
    with pytest.raises(ValidationError):
        services.agreement_save(by=coordinator, number="PKS/9", title="x", **changes)
    assert not Agreement.objects.exists()


def test_a_party_twice_and_a_duty_without_party_are_refused(coordinator, school):
    with pytest.raises(ValidationError):
        services.agreement_save(
            by=coordinator, number="PKS/8", title="x", parties=[{"library": school}, {"library": school}]
        )
    with pytest.raises(ValidationError):
        services.agreement_save(
            by=coordinator,
            number="PKS/7",
            title="x",
            parties=[{"library": school}],
            responsibilities=[{"party": None, "form": "ill", "task": "x"}],
        )
    assert not Agreement.objects.exists()


def test_only_coordinators_draft(librarian):
    with pytest.raises(PermissionDenied):
        services.agreement_save(by=librarian, number="PKS/6", title="x")


def test_expired_agreement_ends_enforcement(ill_agreement, school, other_school):
    today = timezone.localdate()
    ill_agreement(school, other_school, start_on=today - timedelta(days=400), end_on=today - timedelta(days=1))
    assert ill_terms(lender=school, borrower=other_school) is None
    assert ill_terms(lender=school, borrower=other_school, on=today - timedelta(days=10)) is not None


def test_running_loan_finishes_after_the_agreement_ends(ill_agreement, school, other_school, librarian, outsider):
    from catalog.models import Holding, Record
    from loans import services as ill

    agreement = ill_agreement(school, other_school)
    record = Record.objects.create(title="Buku")
    Holding.objects.create(record=record, library=other_school, barcode="H1")
    request = ill.ill_request_create(by=librarian, record=record)
    ill.ill_request_will_supply(request=request, by=outsider)
    request = ill.ill_request_ship(request=request, by=outsider)
    Agreement.objects.filter(pk=agreement.pk).update(status=Status.EXPIRED)
    request = ill.ill_request_receive(request=request, by=librarian)  # the running loan goes on
    ill.ill_request_ship_back(request=request, by=librarian)
    assert ill.ill_request_check_in(request=request, by=outsider).state == "completed"
    Record.objects.filter(pk=record.pk)
    new = ill.ill_request_create(by=librarian, record=record)  # a new one finds no lender
    assert new.state == "unfilled"


def test_reminders_are_sent_once_each(ill_agreement, school, other_school, coordinator, mailoutbox):
    today = timezone.localdate()
    agreement = ill_agreement(school, other_school, end_on=today + timedelta(days=59))
    call_command("send_agreement_reminders", stdout=open("/dev/null", "w"))
    call_command("send_agreement_reminders", stdout=open("/dev/null", "w"))
    assert list(Reminder.objects.values_list("days_before", flat=True)) == [60]
    assert len(mailoutbox) == 1
    Agreement.objects.filter(pk=agreement.pk).update(end_on=today + timedelta(days=6))
    services.expire_and_remind()
    services.expire_and_remind()
    assert sorted(Reminder.objects.values_list("days_before", flat=True)) == [7, 60]


def test_no_agreement_no_interlibrary_loan(school, other_school, librarian):
    from catalog.models import Holding, Record
    from loans import services as ill

    assert ill_terms(lender=other_school, borrower=school) is None
    record = Record.objects.create(title="Tanpa perjanjian")
    Holding.objects.create(record=record, library=other_school, barcode="N1")
    request = ill.ill_request_create(by=librarian, record=record)
    assert request.state == "unfilled" and request.lender is None


def test_agreement_not_covering_ill_does_not_enable_it(ill_agreement, school, other_school):
    agreement = ill_agreement(school, other_school)
    Agreement.objects.filter(pk=agreement.pk).update(forms=["acquisition"])
    assert ill_terms(lender=school, borrower=other_school) is None
