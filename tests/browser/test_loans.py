"""A whole interlibrary loan in the browser, and a copy delivered as a PDF."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Holding, Record
from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_librarian, make_student

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def network(ill_agreement):
    borrower = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan", npsn="10210872")
    lender = LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan", npsn="10210873")
    ill_agreement(borrower, lender, loan_days=14)
    make_student(borrower, username="putri")
    make_librarian(borrower, username="rosmawati")
    make_librarian(lender, username="hendra")
    record = Record.objects.create(title="Bumi Manusia", authors=[{"name": "Pramoedya Ananta Toer", "role": "author"}])
    Holding.objects.create(record=record, library=lender, barcode="SMAN2-0001", call_number="899.221 TOE b")
    return record


def act(page, action):
    page.locator(f"button[data-action='{action}']").click()
    page.wait_for_load_state()


def as_user(page, username, url):
    page.context.clear_cookies()
    login(page, username)
    page.goto(url)


def test_a_whole_loan(page, network):
    record = network
    login(page, "putri")
    page.goto(f"/catalog/records/{record.pk}/")
    page.get_by_test_id("request-this").click()
    page.get_by_role("button", name="Kirim permintaan").click()
    expect(page).to_have_url(re.compile(r"/ill/requests/\d+/"))
    url = page.url
    state = page.get_by_test_id("ill-state")
    expect(state).to_contain_text("Menunggu persetujuan")

    as_user(page, "rosmawati", url)
    act(page, "approve")
    expect(state).to_contain_text("Dikirim ke pemberi pinjaman")

    as_user(page, "hendra", url)
    act(page, "will_supply")
    act(page, "ship")
    expect(state).to_contain_text("Dikirim")
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.get_by_role("link", name="Cetak slip pengiriman").click()
    expect(page.locator("body")).to_contain_text("SMAN2-0001")
    # both barcodes are drawn (bars have width), the print button is wired by print.js, and nothing was refused
    expect(page.locator("svg.barcode-svg")).to_have_count(2)
    assert page.locator("svg.barcode-svg").first.bounding_box()["width"] > 100
    expect(page.get_by_role("button", name="Cetak slip")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_test_id("print-slips")).to_be_hidden()
    assert page.locator(".slip").evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    page.emulate_media(media="screen")
    assert refused == []
    page.goto(url)

    as_user(page, "rosmawati", url)
    act(page, "receive")
    act(page, "hand_out")
    expect(state).to_contain_text("Dipinjam pembaca")
    act(page, "reader_return")
    act(page, "ship_back")

    as_user(page, "hendra", url)
    act(page, "check_in")
    expect(state).to_contain_text("Selesai")
    assert Holding.objects.get(barcode="SMAN2-0001").status == "available"


def test_a_copy_delivered_as_pdf(page, network, tmp_path):
    record = network
    login(page, "putri")
    page.goto(f"/ill/new/?record={record.pk}")
    page.get_by_label("Salinan atau pindaian halaman").check()
    page.get_by_label("Halaman atau bab (untuk salinan)").fill("Bab 1, hlm. 1-20")
    page.get_by_role("button", name="Kirim permintaan").click()
    url = page.url
    as_user(page, "rosmawati", url)
    act(page, "approve")
    as_user(page, "hendra", url)
    act(page, "will_supply")
    pdf = tmp_path / "bab1.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("input[type=file]", str(pdf))
    act(page, "deliver")
    as_user(page, "putri", url)
    expect(page.get_by_test_id("ill-state")).to_contain_text("Terkirim")
    with page.expect_download() as download:
        page.get_by_test_id("attachment").click()
    assert open(download.value.path(), "rb").read().startswith(b"%PDF")
    act(page, "complete")
    expect(page.get_by_test_id("ill-state")).to_contain_text("Selesai")
