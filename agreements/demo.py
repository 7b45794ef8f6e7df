"""Demo agreements: an active interlibrary-loan agreement among most demo schools, a draft under review, and
one that expired.

Parties are demo schools only, and every agreement made here is marked as demo data (consortium/demo_registry.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from consortium import demo_registry

from .choices import Form, PartyRole, Status
from .models import Agreement, Party, Responsibility, Signature
from .services import _save_version

ILL_TEXT = {
    "objectives": "Memperluas akses siswa ke koleksi seluruh perpustakaan sekolah anggota di Kota Medan, sehingga "
    "buku yang tidak dimiliki satu sekolah dapat dipinjam dari sekolah lain.",
    "scope_collections": "Koleksi umum, fiksi, dan buku pelajaran; tidak termasuk koleksi referensi dan muatan lokal "
    "langka.",
    "scope_material_types": "Buku tercetak dan bahan audio-visual.",
    "scope_services": "Pinjam antarperpustakaan, salinan halaman (penyampaian dokumen), layanan rujukan.",
    "scope_people": "Siswa terdaftar dan guru di sekolah anggota.",
    "relationship": "Koordinator konsorsium mengoordinasikan; pustakawan kepala tiap sekolah melapor setiap "
    "semester kepada koordinator.",
    "renewal": "Diperpanjang otomatis satu tahun kecuali salah satu pihak memberi tahu 30 hari sebelumnya.",
    "shipping_paid_by": "Perpustakaan peminjam menanggung ongkos kirim pulang-pergi.",
    "cost_sharing": "Biaya sistem Silang dibagi rata antaranggota.",
    "lost_item_compensation": "Buku yang hilang diganti dengan judul yang sama atau senilai harga buku.",
    "methods_equipment": "Permintaan melalui Silang; pengiriman dengan kurir sekolah setiap Selasa dan Kamis; "
    "slip pengiriman dicetak dari Silang.",
    "technology": "Silang (katalog induk dan pinjam antarperpustakaan), surel, pemindai dokumen.",
}


DEMO_NUMBERS = ["PKS/KPSM/001/2026", "PKS/KPSM/002/2026", "PKS/KPSM/009/2024"]


@transaction.atomic
def seed(stdout=None) -> None:
    if demo_registry.demo_only(Agreement.objects.all()).exists():
        return
    coordinator = demo_registry.demo_user("koordinator")
    members = list(demo_registry.demo_libraries().filter(status="active").order_by("code"))
    if coordinator is None or len(members) < 3:
        return
    if Agreement.objects.filter(number__in=DEMO_NUMBERS).exists():
        if stdout is not None:
            stdout.write("  agreements: a real agreement has one of the demo's numbers; demo agreements skipped.")
        return
    today = timezone.localdate()
    ill = Agreement.objects.create(
        number="PKS/KPSM/001/2026",
        title="Perjanjian Kerja Sama Pinjam Antarperpustakaan Sekolah Kota Medan",
        forms=[Form.ILL, Form.INFORMATION, Form.UNION_CATALOG],
        start_on=date(today.year, 1, 2),
        end_on=today + timedelta(days=45),
        notice_days=30,
        fee_per_loan=Decimal("0"),
        fee_per_page=Decimal("200"),
        yearly_contribution=Decimal("250000"),
        loan_days=14,
        items_per_student=2,
        renewals_allowed=1,
        status=Status.ACTIVE,
        created_by=coordinator,
        **ILL_TEXT,
    )
    parties = [
        Party.objects.create(
            agreement=ill, library=library, representative=library.head_librarian, position="Kepala Perpustakaan"
        )
        for library in members[:-1]
    ]
    Party.objects.create(
        agreement=ill,
        institution="Dinas Pendidikan Kota Medan",
        kind="education_office",
        role=PartyRole.WITNESS,
        representative="Kepala Bidang Pembinaan",
        position="Saksi",
    )
    Responsibility.objects.create(
        agreement=ill, party=parties[0], form=Form.ILL, task="Mengoordinasikan jadwal kurir antar-sekolah"
    )
    Responsibility.objects.create(
        agreement=ill, party=parties[1], form=Form.INFORMATION, task="Menjalankan layanan penyampaian dokumen"
    )
    Responsibility.objects.create(
        agreement=ill,
        party=parties[2],
        form=Form.UNION_CATALOG,
        task="Memeriksa antrean kemungkinan duplikat setiap bulan",
    )
    _save_version(ill, coordinator)
    for party in parties:
        signer = demo_registry.demo_users().filter(memberships__library=party.library).first() or coordinator
        Signature.objects.create(agreement=ill, party=party, version=1, signed_by=signer)

    draft = Agreement.objects.create(
        number="PKS/KPSM/002/2026",
        title="Pengadaan Bersama Buku Sains SMA",
        forms=[Form.ACQUISITION],
        start_on=today + timedelta(days=30),
        status=Status.REVIEW,
        created_by=coordinator,
        objectives="Menghindari pembelian ganda buku sains dan membagi pengadaan menurut kelas DDC.",
        scope_collections="DDC 500–599 untuk SMA/MA.",
        relationship="SMA Negeri 1 Medan mengoordinasikan.",
        methods_equipment="Daftar pesanan bersama di Silang.",
        technology="Silang",
        cost_sharing="Dana BOS masing-masing.",
    )
    sma = [m for m in members if m.level == "sma"][:3]
    draft_parties = [
        Party.objects.create(
            agreement=draft, library=m, representative=m.head_librarian, position="Kepala Perpustakaan"
        )
        for m in sma
    ]
    if len(draft_parties) >= 2:
        Responsibility.objects.create(
            agreement=draft, party=draft_parties[0], form=Form.ACQUISITION, task="Membeli dan mengatalog DDC 500–549"
        )
        Responsibility.objects.create(
            agreement=draft, party=draft_parties[1], form=Form.ACQUISITION, task="Membeli dan mengatalog DDC 550–599"
        )
    _save_version(draft, coordinator)

    old = Agreement.objects.create(
        number="PKS/KPSM/009/2024",
        title="Perjanjian Rintisan Pinjam Antarperpustakaan 2024",
        forms=[Form.ILL],
        start_on=date(today.year - 2, 7, 1),
        end_on=date(today.year - 1, 6, 30),
        status=Status.EXPIRED,
        loan_days=7,
        created_by=coordinator,
        **ILL_TEXT,
    )
    for library in members[:3]:
        Party.objects.create(
            agreement=old, library=library, representative=library.head_librarian, position="Kepala Perpustakaan"
        )
    _save_version(old, coordinator)
    demo_registry.mark([ill, draft, old])
    if stdout is not None:
        stdout.write("  3 cooperation agreements (active, in review, expired)")


def _demo_world() -> Q:
    """Agreements of the demo: made by the seeder, or drafted by a demo person among demo schools only."""
    libraries = demo_registry.demo_libraries().values("pk")
    played = (
        Q(created_by__in=demo_registry.demo_users().values("pk"))
        & Q(pk__in=Party.objects.filter(library__in=libraries).values("agreement_id"))
        & ~Q(pk__in=Party.objects.exclude(library=None).exclude(library__in=libraries).values("agreement_id"))
    )
    return Q(pk__in=demo_registry.demo_ids(Agreement)) | played


@transaction.atomic
def remove(stdout=None) -> None:
    """Delete the demo agreements (parties, versions, signatures go with them)."""
    _, deleted = Agreement.objects.filter(_demo_world()).delete()
    demo_registry.unmark(Agreement)
    if stdout is not None:
        stdout.write(f"  {deleted.get('agreements.Agreement', 0)} demo agreements removed")


def real_data() -> list[str]:
    kept = Agreement.objects.exclude(_demo_world()).count()
    return [demo_registry.phrase(kept, "agreement", "agreements")] if kept else []
