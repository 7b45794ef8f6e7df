"""A coordinator drafts an agreement between two schools, sends it for signature, both sign, the PDF holds it all."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_coordinator, make_librarian

pytestmark = pytest.mark.django_db(transaction=True)


def test_draft_sign_and_download(page):
    LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan", npsn="10210872")
    LibraryFactory(code="SMPN7MDN", name="SMP Negeri 7 Medan", npsn="10210607")
    make_coordinator(username="koordinator")
    make_librarian(LibraryFactory(code="SMAN1MDN"), username="rosmawati", first_name="Rosmawati")
    make_librarian(LibraryFactory(code="SMPN7MDN"), username="lamhot", first_name="Lamhot")

    login(page, "koordinator")
    page.goto("/agreements/new/?template=ill")
    page.fill("#id_number", "PKS/UJI/001")
    page.fill("#id_start_on", "2026-12-01")
    page.fill("#id_scope_collections", "Koleksi umum")
    page.fill("#id_scope_material_types", "Buku tercetak")
    page.fill("#id_scope_people", "Siswa dan guru")
    page.fill("#id_renewal", "Diperpanjang otomatis setiap tahun")
    page.select_option("#id_parties-0-library", "SMAN1MDN")
    page.fill("#id_parties-0-representative", "Rosmawati")
    page.select_option("#id_parties-1-library", "SMPN7MDN")
    page.fill("#id_parties-1-representative", "Lamhot")
    page.get_by_role("button", name="Simpan konsep").click()
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Konsep")

    page.get_by_role("link", name="Ubah", exact=True).click()
    page.select_option("#id_duties-0-party", label="SMA Negeri 1 Medan")
    page.select_option("#id_duties-0-form", "ill")
    page.fill("#id_duties-0-task", "Mengatur kurir antarsekolah")
    page.get_by_role("button", name="Simpan konsep").click()
    page.get_by_test_id("request-signatures").click()
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Menunggu tanda tangan")
    url = page.url

    for username in ("rosmawati", "lamhot"):
        page.context.clear_cookies()
        login(page, username)
        page.goto(url)
        page.locator("input[data-testid^='confirm-']").first.check()
        page.locator("button[data-testid^='sign-']").first.click()
    # an agreement in force reads "Berlaku" (a member is "Aktif")
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Berlaku")
    expect(page.get_by_test_id("signed")).to_have_count(2)

    with page.expect_download() as download:
        page.get_by_test_id("pdf").click()
    data = open(download.value.path(), "rb").read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "SMA Negeri 1 Medan" in text and "SMP Negeri 7 Medan" in text
    assert "Pasal 1" in text and "Pembagian tugas" in text
    assert text.count("Ditandatangani secara elektronik") == 2


def test_version_comparison_reads_like_a_document(page):
    from datetime import date

    from agreements import services

    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    other = LibraryFactory(code="SMPN7MDN", name="SMP Negeri 7 Medan")
    coordinator = make_coordinator(username="koordinator")
    agreement = services.agreement_save(
        by=coordinator,
        number="PKS/UJI/002",
        title="Pinjam antarperpustakaan",
        forms=["ill"],
        start_on=date(2026, 12, 16),
        fee_per_loan=1500000,
        objectives="Berbagi koleksi sekolah.",
        parties=[{"library": school, "representative": "Rosmawati"}],
        responsibilities=[],
    )
    services.agreement_save(
        by=coordinator,
        agreement=agreement,
        fee_per_loan=2000000,
        objectives="Berbagi koleksi dan buku sekolah.",
        parties=[
            {"id": agreement.parties.get().pk, "library": school, "representative": "Rosmawati"},
            {"library": other},
        ],
    )

    login(page, "koordinator")
    page.goto(agreement.get_absolute_url())
    page.get_by_role("link", name="Bandingkan versi").click()
    fee = page.locator("[data-field=fee_per_loan]")
    expect(fee.get_by_role("heading")).to_have_text("Biaya per pinjaman (Rp)")
    expect(fee.locator("del")).to_have_text("Rp 1.500.000")
    expect(fee.locator("ins")).to_have_text("Rp 2.000.000")
    expect(page.locator("[data-field=objectives] ins")).to_have_text("dan buku ")
    expect(page.locator("[data-field=parties] li.line-added")).to_have_text("Ditambahkan: SMP Negeri 7 Medan — Pihak")
    expect(page.locator("[data-field=start_on]")).to_have_count(0)  # unchanged, not shown
