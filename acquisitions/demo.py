"""Demo collection cooperation: enrolments, curriculum subjects, collecting duties, a buying round in progress,
offers and wants, donations, and freshly computed analysis figures. Idempotent: every object is looked up by
its demo name first; it touches only the demo schools and objects it made itself."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catalog.models import Holding
from consortium import demo_registry
from consortium.demo import SCHOOLS
from consortium.models import Library

from . import services
from .analysis import analysis_compute
from .choices import OrderStatus
from .models import (
    AnalysisRun,
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
    Want,
)

ROUND_NAME = "Pengadaan Bersama Semester Genap 2026/2027 (demo)"
DEMO_CODES = [row[0] for row in SCHOOLS]
ENROLMENT = {
    "SMAN1MDN": 1180,
    "SMAN2MDN": 1050,
    "SMAN4MDN": 990,
    "MAN2MDN": 1240,
    "SMKN1MDN": 1420,
    "SMPN1MDN": 960,
    "SMPN7MDN": 870,
    "MTSN2MDN": 780,
    "SDN060843": 410,
    "SDMETH1": 520,
}
DUTIES = [
    ("SMAN1MDN", "Sains (500–599)", Decimal("500"), Decimal("599.999")),
    ("SMAN2MDN", "Sejarah lokal Sumatra Utara (959.81)", Decimal("959.81"), Decimal("959.819")),
    ("MAN2MDN", "Agama (200–299)", Decimal("200"), Decimal("299.999")),
    ("SMKN1MDN", "Teknologi (600–699)", Decimal("600"), Decimal("699.999")),
]
PLEDGES = [
    # school, title, author, ddc, copies, price, funding, final status
    ("SMAN1MDN", "Biologi Molekuler untuk SMA", "Siti Rahmawati", "572.8", 3, 95000, "school", OrderStatus.RECEIVED),
    ("SMAN1MDN", "Laut Bercerita", "Leila S. Chudori", "899.2213", 2, 110000, "school", OrderStatus.ORDERED),
    ("SMAN2MDN", "Sejarah Kesultanan Deli", "Tengku Luckman Sinar", "959.81", 2, 150000, "shared", OrderStatus.AGREED),
    ("SMAN2MDN", "Kimia Hijau", "Budi Santoso", "540", 1, 120000, "school", OrderStatus.PROPOSED),  # SMAN1's duty
    ("SMAN4MDN", "Filosofi Teras", "Henry Manampiring", "188", 2, 98000, "school", OrderStatus.PROPOSED),
    ("MAN2MDN", "Atlas Sejarah Islam", "Tim Penyusun", "297.09", 1, 250000, "shared", OrderStatus.PROPOSED),
    ("SMKN1MDN", "Dasar Kelistrikan Otomotif", "Teguh Wibowo", "629.254", 4, 85000, "school", OrderStatus.CANCELLED),
]
DONORS = [
    # school, name, kind, contact, gifts
    (
        "SMAN1MDN",
        "Ibu Sri Rahayu Lubis (demo)",
        "parent",
        "sri.rahayu@example.org",
        [("items", None, ["Cerita Rakyat Batak", "Laskar Pelangi", "Ensiklopedia Sains untuk Pelajar"])],
    ),
    ("SMAN1MDN", "Ikatan Alumni SMA Negeri 1 Medan (demo)", "alumnus", "alumni@example.org", [("money", 2500000, [])]),
    ("SMAN2MDN", "PT Perkebunan Nusantara (demo)", "partner", "csr@example.org", [("money", 5000000, [])]),
    ("SMPN1MDN", "Rizky Damanik (demo)", "student", "", [("items", None, ["Si Kancil", "Atlas Indonesia dan Dunia"])]),
]


def _librarian(code: str):
    # Demo people and schools only (consortium.demo_registry): a real account is never used.
    return demo_registry.demo_users().filter(memberships__library__code=code, memberships__role="librarian").first()


def _coordinator():
    return demo_registry.demo_user("koordinator")


def _offerable(library: Library, used: set[int], *, title_contains: str = "Kelas") -> Holding | None:
    """An available textbook copy of a title the school holds at least twice (never its last copy)."""
    for holding in (
        Holding.objects.filter(library=library, status="available", record__title__contains=title_contains)
        .exclude(pk__in=used)
        .select_related("record")
        .order_by("record__title", "pk")[:400]
    ):
        if Holding.objects.filter(record=holding.record, library=library).count() > 2:
            return holding
    return None


@transaction.atomic
def seed(stdout=None) -> None:
    coordinator = _coordinator()
    libraries = {lib.code: lib for lib in demo_registry.demo_libraries().filter(code__in=DEMO_CODES)}
    if (
        coordinator is None
        or "SMAN1MDN" not in libraries
        or not Holding.objects.filter(library__in=libraries.values()).exists()
    ):
        return
    for code, students in ENROLMENT.items():
        if code in libraries:
            Enrolment.objects.get_or_create(library=libraries[code], defaults={"students": students})
    from catalog.demo import DDC_FOR, SUBJECTS_BY_LEVEL

    for level, subjects in SUBJECTS_BY_LEVEL.items():
        for subject in subjects:
            CurriculumSubject.objects.get_or_create(
                name=subject, level=level, defaults={"ddc_prefix": DDC_FOR.get(subject, "370")}
            )
    from agreements.models import Agreement

    agreement = demo_registry.demo_only(Agreement.objects.filter(number="PKS/KPSM/001/2026")).first()
    if agreement is not None:
        for code, label, low, high in DUTIES:
            if code in libraries:
                CollectingResponsibility.objects.get_or_create(
                    agreement=agreement,
                    library=libraries[code],
                    label=label,
                    defaults={"ddc_from": low, "ddc_to": high},
                )
    if not BuyingRound.objects.filter(name=ROUND_NAME).exists():
        _seed_round(coordinator, libraries, agreement)
    if not Offer.objects.filter(library__code__in=DEMO_CODES).exists():
        _seed_exchange(libraries)
    if not Donor.objects.filter(name__endswith="(demo)").exists():
        _seed_donations(libraries)
    run = analysis_compute()
    if stdout is not None:
        stdout.write(
            f"  Collection cooperation: a buying round in progress, {Offer.objects.count()} offers, "
            f"{Want.objects.count()} wants, {Donation.objects.count()} donations; analysis of {run.records} titles"
        )


def _seed_round(coordinator, libraries, agreement) -> None:
    today = timezone.localdate()
    round_ = services.round_create(
        by=coordinator,
        name=ROUND_NAME,
        starts_on=today - timedelta(days=12),
        ends_on=today + timedelta(days=45),
        agreement=agreement,
        # The agreement's contributions when it has them; a fixed demo amount otherwise (the shared pledges need it).
        shared_budget=None if agreement is not None and agreement.yearly_contribution else Decimal("3000000"),
        budgets={lib: Decimal("1500000") for code, lib in libraries.items() if lib.is_active and code in ENROLMENT},
    )
    for code, title, author, ddc, quantity, price, funding, final in PLEDGES:
        librarian = _librarian(code)
        if librarian is None:
            continue
        pledge = services.pledge_create(
            by=librarian,
            round_=round_,
            library=libraries[code],
            title=title,
            author=author,
            ddc=ddc,
            year=today.year,
            quantity=quantity,
            unit_price=Decimal(price),
            funding=funding,
        )
        if final == OrderStatus.CANCELLED:
            services.pledge_set_status(pledge=pledge, status=OrderStatus.CANCELLED, by=librarian)
            continue
        if final in (OrderStatus.AGREED, OrderStatus.ORDERED, OrderStatus.RECEIVED):
            services.pledge_set_status(pledge=pledge, status=OrderStatus.AGREED, by=coordinator)
        if final in (OrderStatus.ORDERED, OrderStatus.RECEIVED):
            services.pledge_set_status(pledge=pledge, status=OrderStatus.ORDERED, by=librarian)
        if final == OrderStatus.RECEIVED:
            services.pledge_receive(pledge=pledge, by=librarian)
    # A second school buys a title again, with its reason.
    services.pledge_create(
        by=_librarian("SMAN4MDN"),
        round_=round_,
        library=libraries["SMAN4MDN"],
        title="Laut Bercerita",
        author="Leila S. Chudori",
        ddc="899.2213",
        year=today.year,
        unit_price=Decimal("110000"),
        duplicate_reason="Bacaan wajib kelas XII di sekolah kami (36 siswa per kelas).",
    )
    putri = demo_registry.demo_user("putri")
    if putri is not None:
        services.proposal_create(
            by=putri, title="Bumi", author="Tere Liye", year=2014, reason="Banyak teman ingin membacanya."
        )
    rosmawati = _librarian("SMAN1MDN")
    services.proposal_create(
        by=rosmawati,
        proposer_kind="teacher",
        title="Fisika Kuantum untuk Pemula",
        author="Agus Salim Lubis",
        ddc="530.12",
        reason="Diusulkan guru fisika untuk pengayaan kelas XII.",
    )
    services.proposal_create(by=rosmawati, title="Laskar Pelangi", author="Andrea Hirata", year=2005)


def _seed_exchange(libraries) -> None:
    sman1, sman4 = libraries["SMAN1MDN"], libraries.get("SMAN4MDN")
    rosmawati, nurhasanah = _librarian("SMAN1MDN"), _librarian("SMAN4MDN")
    used: set[int] = set()
    today = timezone.localdate()
    offers = []
    for reason, embargo in (("curriculum", None), ("curriculum", None), ("surplus", today + timedelta(days=5))):
        holding = _offerable(sman1, used)
        if holding is None:
            break
        used.add(holding.pk)
        offers.append(
            services.offer_create(
                by=rosmawati,
                holding=holding,
                reason=reason,
                embargo_until=embargo,
                note="Eksemplar berlebih setelah pergantian kurikulum." if reason == "curriculum" else "",
            )
        )
    smp = libraries.get("SMPN1MDN")
    if smp is not None:
        holding = _offerable(smp, set())
        if holding is not None:
            offers.append(services.offer_create(by=_librarian("SMPN1MDN"), holding=holding, reason="surplus"))
    if nurhasanah is not None and sman4 is not None and offers:
        services.offer_claim(offer=offers[0], by=nurhasanah)
        if len(offers) > 1:
            services.offer_claim(offer=offers[1], by=nurhasanah)
            services.offer_transfer(offer=offers[1], by=rosmawati, new_barcode=f"TKR-{offers[1].holding_id}")
        services.want_create(by=nurhasanah, title="Fisika", grade="XI", note="Untuk dua rombel tambahan.")
    lamhot = _librarian("SMPN7MDN")
    if lamhot is not None:
        services.want_create(by=lamhot, ddc_prefix="59", note="Buku fauna Sumatra untuk proyek IPA.")
        services.want_create(by=lamhot, grade="VIII")
    fauzi = _librarian("MAN2MDN")
    if fauzi is not None:
        services.want_create(by=fauzi, library=libraries["MAN2MDN"], title="Kamus", note="Kamus untuk ruang baca.")


def _seed_donations(libraries) -> None:
    today = timezone.localdate()
    for code, name, kind, email, gifts in DONORS:
        librarian = _librarian(code)
        if librarian is None or code not in libraries:
            continue
        donor = services.donor_create(by=librarian, library=libraries[code], name=name, kind=kind, email=email)
        for index, (gift_kind, amount, titles) in enumerate(gifts):
            donation = services.donation_create(
                by=librarian,
                donor=donor,
                kind=gift_kind,
                amount=Decimal(amount) if amount else None,
                received_on=today - timedelta(days=20 + index * 7),
                description="Sumbangan untuk pojok baca." if gift_kind == "money" else "",
                items=[{"title": title} for title in titles],
            )
            items = list(donation.items.all())
            if items:
                # One kept, the rest left to decide (and to route) on the page.
                services.donation_item_keep(item=items[0], by=librarian, barcode=f"HBH-{donation.pk}-{items[0].pk}")


@transaction.atomic
def remove(stdout=None) -> None:
    """Take the demo's collection-cooperation objects out again (holdings it created are withdrawn, not deleted,
    so their provenance stays)."""
    demo_libraries = demo_registry.demo_libraries()
    AnalysisRun.objects.all().delete()
    rounds = BuyingRound.objects.filter(name=ROUND_NAME)
    Pledge.objects.filter(round__in=rounds).delete()
    rounds.delete()
    Proposal.objects.filter(library__in=demo_libraries).delete()
    Want.objects.filter(library__in=demo_libraries).delete()
    donors = Donor.objects.filter(name__endswith="(demo)", library__in=demo_libraries)
    DonationItem.objects.filter(donation__donor__in=donors).delete()
    Donation.objects.filter(donor__in=donors).delete()
    donors.delete()
    offers = Offer.objects.filter(library__in=demo_libraries)
    HoldingTransfer.objects.filter(offer__in=offers).delete()
    offers.delete()
    CollectingResponsibility.objects.filter(library__in=demo_libraries).delete()
