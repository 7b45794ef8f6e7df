"""Collection cooperation in the browser: a buying round from proposal to received copy, an offer claimed and
transferred, and the analysis pages at phone width in both languages."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from acquisitions import services
from acquisitions.analysis import analysis_compute
from catalog.models import Holding, Record
from tests.browser.conftest import assert_accessible_basics, login
from tests.factories import LibraryFactory, make_coordinator, make_librarian, make_student

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network():
    sman1 = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan", npsn="10210872")
    sman2 = LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan", npsn="10210873")
    coordinator = make_coordinator(username="koordinator")
    rosmawati = make_librarian(sman1, username="rosmawati")
    make_librarian(sman2, username="hendra")
    make_student(sman1, username="dimas")
    services.round_create(
        by=coordinator,
        name="Pengadaan Bersama 2026",
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=30),
        shared_budget=Decimal("1000000"),
        budgets={sman1: Decimal("500000"), sman2: Decimal("500000")},
    )
    record = Record.objects.create(title="Matematika untuk SMA/MA Kelas X", ddc="510", year=2022)
    for n in (1, 2):
        Holding.objects.create(record=record, library=sman1, barcode=f"S1-{n}")
    Holding.objects.create(record=record, library=sman2, barcode="S2-1")
    return {"sman1": sman1, "sman2": sman2, "rosmawati": rosmawati}


def as_user(page, username, url):
    page.context.clear_cookies()
    login(page, username)
    page.goto(url)


def act(page, action):
    page.locator(f"button[data-action='{action}']").first.click()
    page.wait_for_load_state()


def test_a_round_from_proposal_to_received_copy(page, network):
    login(page, "dimas")
    page.goto("/collections/proposals/new/")
    page.get_by_label("Judul").fill("Bumi")
    page.get_by_label("Pengarang").fill("Tere Liye")
    page.get_by_label("Kelas DDC").fill("899.221")
    page.get_by_role("button", name="Simpan usulan").click()
    expect(page).to_have_url(re.compile(r"/collections/proposals/\d+/"))
    proposal_url = page.url
    expect(page.get_by_test_id("proposal-status")).to_contain_text("Menunggu pustakawan")
    expect(page.get_by_test_id("network-matches")).to_contain_text("Tidak ada sekolah anggota")

    as_user(page, "rosmawati", proposal_url)
    act(page, "forward")
    expect(page.get_by_test_id("proposal-status")).to_contain_text("Terbuka")
    page.get_by_label("Putaran pengadaan").select_option(label="Pengadaan Bersama 2026")
    page.locator("#id_quantity").fill("2")
    page.get_by_label("Harga per eksemplar (Rp)").fill("95000")
    act(page, "pledge")
    expect(page).to_have_url(re.compile(r"/collections/rounds/\d+/"))
    round_url = page.url
    expect(page.get_by_test_id("pledges")).to_contain_text("Bumi")
    expect(page.get_by_test_id("pledge-status").first).to_contain_text("Diusulkan")

    as_user(page, "koordinator", round_url)
    act(page, "agree")
    expect(page.get_by_test_id("pledge-status").first).to_contain_text("Disepakati")

    as_user(page, "rosmawati", round_url)
    act(page, "order")
    expect(page.get_by_test_id("pledge-status").first).to_contain_text("Dipesan")
    page.get_by_label("Barkode eksemplar yang diterima").fill("BELI-1\nBELI-2")
    act(page, "receive")
    expect(page.get_by_test_id("pledge-status").first).to_contain_text("Diterima")
    expect(page.get_by_test_id("pledges")).to_contain_text("BELI-1")
    copies = Holding.objects.filter(library=network["sman1"], barcode__in=["BELI-1", "BELI-2"])
    assert copies.count() == 2 and copies.first().record.title == "Bumi"
    expect(page.get_by_test_id("spending")).to_contain_text("190.000")


def test_an_offer_claimed_and_transferred(page, network):
    login(page, "rosmawati")
    page.goto("/collections/exchange/offer/")
    page.get_by_label("Barkode eksemplar").fill("S1-2")
    page.get_by_label("Alasan").select_option("curriculum")
    page.get_by_role("button", name="Tawarkan").click()
    expect(page).to_have_url(re.compile(r"/collections/exchange/offers/\d+/"))
    offer_url = page.url
    expect(page.get_by_test_id("offer-status")).to_contain_text("Terbuka")

    as_user(page, "hendra", "/collections/exchange/")
    page.get_by_test_id("offers").get_by_role("link", name=re.compile("Matematika")).click()
    act(page, "claim")
    expect(page.get_by_test_id("offer-status")).to_contain_text("Diklaim")
    expect(page.get_by_test_id("offer-status")).to_contain_text("SMA Negeri 2 Medan")

    as_user(page, "rosmawati", offer_url)
    page.get_by_label("Barkode di sekolah penerima").fill("S2-99")
    act(page, "transfer")
    expect(page.get_by_test_id("offer-status")).to_contain_text("Dipindahkan")
    expect(page.get_by_test_id("provenance")).to_contain_text("SMA Negeri 1 Medan → SMA Negeri 2 Medan")
    holding = Holding.objects.get(barcode="S2-99")
    assert holding.library == network["sman2"] and holding.transfers.count() == 1


@pytest.mark.parametrize("language", ["id", "en"])
def test_overlap_and_gap_pages_at_phone_width(phone_page, network, language):
    analysis_compute()
    page = phone_page
    login(page, "rosmawati")
    if language == "en":
        page.goto("/collections/")
        page.get_by_test_id("lang-en").click()
        page.wait_for_load_state()
    for url, heading in (
        ("/collections/", {"id": "Koleksi sekolah-sekolah", "en": "Collections of the schools"}),
        ("/collections/overlap/", {"id": "Tumpang tindih antarsekolah", "en": "Overlap between schools"}),
        ("/collections/gaps/", {"id": "Kesenjangan koleksi jaringan", "en": "Gaps in the network's collection"}),
    ):
        page.goto(url)
        expect(page.locator("h1")).to_have_text(heading[language])
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("svg.chart").count() >= 1
        expect(page.get_by_test_id("freshness")).to_be_visible()
        assert_accessible_basics(page)
