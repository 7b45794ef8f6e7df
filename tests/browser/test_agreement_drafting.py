"""A coordinator drafts an agreement between three schools factor by factor, adding the third party's row and the
duties of the parties just typed on the page (nothing saved yet), until the checklist of planning factors is empty."""

import re

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement
from tests.browser.conftest import assert_accessible_basics, login
from tests.factories import LibraryFactory, make_coordinator

pytestmark = pytest.mark.django_db(transaction=True)


def test_draft_three_parties_until_complete(page):
    LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    LibraryFactory(code="SMPN7MDN", name="SMP Negeri 7 Medan")
    LibraryFactory(code="SMAN2BNJ", name="SMA Negeri 2 Binjai")
    LibraryFactory(code="SMAN3BNJ", name="SMA Negeri 3 Binjai")
    make_coordinator(username="koordinator")

    login(page, "koordinator")
    page.goto("/agreements/new/")
    assert_accessible_basics(page)
    expect(page.locator("fieldset.factor > legend")).to_have_count(9)
    expect(page.locator("#id_number")).to_have_value("PKS/SILANG/2026/001")
    expect(page.get_by_test_id("missing")).to_have_count(12)

    page.fill("#id_title", "Pinjam antarperpustakaan tiga sekolah")
    # 1. why and what for
    page.fill("#id_objectives", "Setiap siswa dapat memakai koleksi ketiga sekolah.")
    page.check("input[name=forms][value=ill]")
    # 2. scope
    page.fill("#id_scope_collections", "Koleksi umum dan referensi")
    page.fill("#id_scope_material_types", "Buku tercetak dan audio-visual")
    page.fill("#id_scope_people", "Siswa terdaftar dan guru")
    # 3. the parties: two rows are there, the third is added on the page
    page.select_option("#id_parties-0-library", "SMAN1MDN")
    page.fill("#id_parties-0-representative", "Rosmawati")
    page.select_option("#id_parties-1-library", "SMPN7MDN")
    expect(page.locator("#id_parties-2-library")).to_have_count(0)
    page.get_by_role("button", name="Tambah pihak").click()
    page.select_option("#id_parties-2-library", "SMAN2BNJ")
    page.fill("#id_parties-2-representative", "Butet")
    assert not Agreement.objects.exists()
    expect(page.locator("#id_parties-0-representative")).to_have_value("Rosmawati")
    # 4. start and end
    page.fill("#id_start_on", "2026-12-01")
    page.fill("#id_end_on", "2027-11-30")
    # 5, 7, 8, 9
    page.fill("#id_relationship", "Koordinator konsorsium mengoordinasikan.")
    page.fill("#id_methods_equipment", "Kurir dua kali seminggu.")
    page.fill("#id_shipping_paid_by", "Perpustakaan peminjam")
    page.fill("#id_technology", "Silang")
    # 6. the duties, before anything is saved: their parties are the ones typed above, the added one too.
    page.select_option("#id_duties-0-party", label="SMA Negeri 1 Medan")
    page.select_option("#id_duties-0-form", "ill")
    page.fill("#id_duties-0-task", "Mengatur kurir antarsekolah")
    page.get_by_role("button", name="Tambah tugas").click()
    expect(page.locator("[data-rows=duties] .party-row")).to_have_count(3)
    page.select_option("#id_duties-1-party", label="SMA Negeri 2 Binjai")
    page.select_option("#id_duties-1-form", "ill")
    page.fill("#id_duties-1-task", "Memindai halaman untuk salinan")
    page.get_by_role("button", name="Simpan konsep").click()
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Konsep")
    agreement = Agreement.objects.get()
    assert agreement.number == "PKS/SILANG/2026/001" and agreement.parties.count() == 3
    assert sorted((r.party.library.code, r.task) for r in agreement.responsibilities.all()) == [
        ("SMAN1MDN", "Mengatur kurir antarsekolah"),
        ("SMAN2BNJ", "Memindai halaman untuk salinan"),
    ]

    # Editing keeps the duties on their parties, also when a party's row gets another school.
    page.get_by_role("link", name="Ubah", exact=True).click()
    expect(page.locator("#id_duties-1-party option:checked")).to_have_text("SMA Negeri 2 Binjai")
    page.select_option("#id_parties-2-library", "SMAN3BNJ")
    expect(page.locator("#id_duties-1-party option:checked")).to_have_text("SMA Negeri 3 Binjai")
    page.get_by_role("button", name="Simpan konsep").click()
    expect(page).to_have_url(re.compile(rf"/agreements/{agreement.pk}/$"))
    assert agreement.responsibilities.count() == 2 and agreement.versions.count() == 2
    assert sorted((r.party.library.code, r.task) for r in agreement.responsibilities.all()) == [
        ("SMAN1MDN", "Mengatur kurir antarsekolah"),
        ("SMAN3BNJ", "Memindai halaman untuk salinan"),
    ]

    expect(page.get_by_test_id("missing")).to_have_count(0)
    expect(page.get_by_test_id("complete")).to_be_visible()
    page.get_by_test_id("request-signatures").click()
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Menunggu tanda tangan")
