"""The desk in the browser: ticking parcels and shipping them together, with JavaScript off."""

import pytest
from playwright.sync_api import expect

from catalog.models import Holding, Record
from loans import services
from loans.choices import State
from loans.models import IllRequest
from tests.browser.conftest import assert_accessible_basics, login
from tests.factories import LibraryFactory, make_librarian

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def promised(ill_agreement):
    """Three requests SMA Negeri 2 has promised to SMA Negeri 1, each for a copy on a different shelf."""
    borrower = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan", npsn="10210872")
    lender = LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan", npsn="10210873")
    ill_agreement(borrower, lender, loan_days=14)
    asking, lending = make_librarian(borrower, username="rosmawati"), make_librarian(lender, username="hendra")
    requests = []
    for n, shelf in enumerate(["Rak C", "Rak A", "Rak B"]):
        record = Record.objects.create(title=f"Buku {n}")
        Holding.objects.create(record=record, library=lender, barcode=f"SMAN2-{n}", shelf_location=shelf)
        ill = services.ill_request_create(by=asking, record=record)
        requests.append(services.ill_request_will_supply(request=ill, by=lending))
    return requests


@pytest.fixture
def page_without_js(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def test_ship_two_ticked_parcels_at_once_without_javascript(page_without_js, promised):
    page = page_without_js
    login(page, "hendra")
    page.goto("/ill/desk/SMAN2MDN/")
    assert_accessible_basics(page)
    form = page.get_by_test_id("bulk-ship")
    form.get_by_label(f"Centang permintaan #{promised[0].pk}").check()
    form.get_by_label(f"Centang permintaan #{promised[2].pk}").check()
    form.get_by_role("button", name="Kirim permintaan yang dicentang").click()
    page.wait_for_load_state()
    done = page.locator(".messages")
    expect(done).to_contain_text("Selesai untuk 2 permintaan")  # in the desk's order, newest first
    expect(done).to_contain_text(f"#{promised[2].pk}, #{promised[0].pk}.")
    states = [IllRequest.objects.get(pk=r.pk).state for r in promised]
    assert states == [State.SHIPPED, State.WILL_SUPPLY, State.SHIPPED]
    # the one left to ship is on the pick list; the page prints without the site's header and buttons
    page.get_by_test_id("pick-list").click()
    expect(page.get_by_test_id("picks").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("picks")).to_contain_text("SMAN2-1")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Cetak daftar ambil")).to_be_hidden()


def test_statistics_charts_fit_a_phone(phone_page, promised):
    login(phone_page, "rosmawati")
    phone_page.goto("/ill/statistics/?period=year")
    charts = phone_page.get_by_test_id("charts").locator("svg[role=img]")
    expect(charts).to_have_count(3)
    assert charts.first.bounding_box()["width"] > 250
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
