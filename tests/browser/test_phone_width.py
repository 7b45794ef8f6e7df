"""At phone width (390 px) the wide tables become stacked cards and the signed-in header folds behind "Menu"."""

import pytest
from playwright.sync_api import expect

from catalog.models import Holding, Record
from loans.services import ill_request_create
from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_librarian

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
NAV_LINKS = ["Katalog", "Perpustakaan", "Pinjam antarperpustakaan"]

# Each visible labelled cell as [what its ::before shows, its column heading].
CELL_LABELS_JS = """
(selector) => Array.from(document.querySelectorAll(selector + ' td[data-label]'))
  .filter(td => td.offsetParent !== null)
  .map(td => [getComputedStyle(td, '::before').content,
              td.closest('table').tHead.rows[0].cells[td.cellIndex].textContent.trim()])
"""


@pytest.fixture
def holdings_and_request(ill_agreement):
    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    lender = LibraryFactory(code="SMAN2MDN", name="Sekolah Menengah Atas Negeri 2 Medan Sunggal")
    ill_agreement(school, lender, loan_days=14)
    librarian = make_librarian(school, username="rosmawati")
    long_title = "Sejarah Perkembangan Perpustakaan Sekolah di Sumatera Utara dari Masa ke Masa: Sebuah Tinjauan"
    ours = Record.objects.create(title=long_title, authors=[{"name": "Rosmawati Siregar", "role": "author"}])
    for n in range(3):
        Holding.objects.create(
            record=ours, library=school, barcode=f"SMAN1MDN-PERPUS-{n:06d}", call_number="027.8 SIR s"
        )
    theirs = Record.objects.create(title=long_title + " (Jilid Kedua)", authors=[{"name": "Hendra", "role": "author"}])
    Holding.objects.create(record=theirs, library=lender, barcode="SMAN2MDN-0001", call_number="027.8 HEN s")
    ill_request_create(by=librarian, record=theirs)
    return ours


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="id-ID", base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_tables_are_stacked_cards_at_phone_width(phone, holdings_and_request):
    page = phone
    login(page, "rosmawati")
    record = holdings_and_request
    for url, selector, columns in (
        ("/catalog/libraries/SMAN1MDN/holdings/", "main table.table-cards", 4),
        ("/ill/", "main table.table-cards", 6),
        (f"/catalog/records/{record.pk}/", "table.holdings", 4),
    ):
        page.goto(url)
        expect(page.locator(selector).first).to_be_visible()
        assert_no_sideways_scroll(page)
        shown = page.evaluate(CELL_LABELS_JS, selector)
        # Every cell of a row shows its column's heading (getComputedStyle quotes the generated content).
        assert len({heading for _, heading in shown}) == columns, (url, shown)
        assert all(before == f'"{heading}"' for before, heading in shown), (url, shown)
        # A card: the cells are stacked blocks, the column headings are out of sight.
        assert page.locator(f"{selector} td").first.evaluate("td => getComputedStyle(td).display") == "block"
        assert not page.locator(f"{selector} thead").first.evaluate("el => el.getBoundingClientRect().height > 1")


def test_header_folds_behind_menu_at_phone_width(phone, holdings_and_request):
    page = phone
    login(page, "rosmawati")
    page.goto("/catalog/libraries/SMAN1MDN/holdings/")
    summary = page.locator("header details.nav-menu > summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_text("Menu")
    nav = page.locator("header nav.main-nav")
    for name in NAV_LINKS:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_hidden()
    expect(page.get_by_role("button", name="Keluar")).to_be_hidden()
    assert_no_sideways_scroll(page)
    summary.click()
    for name in NAV_LINKS:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_test_id("notices")).to_be_visible()
    assert_no_sideways_scroll(page)
    nav.get_by_role("link", name="Pinjam antarperpustakaan", exact=True).click()
    expect(page.locator("h1")).to_have_text("Pinjam antarperpustakaan")


def test_header_shows_the_links_without_a_menu_at_desktop_width(page, holdings_and_request):
    login(page, "rosmawati")
    page.goto("/catalog/libraries/SMAN1MDN/holdings/")
    expect(page.locator("header details.nav-menu > summary")).to_be_hidden()
    assert page.locator("header details.nav-menu").get_attribute("open") is None
    nav = page.locator("header nav.main-nav")
    for name in NAV_LINKS:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    # On a desktop the tables stay tables.
    cell = page.locator("main table.table-cards td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"
    nav.get_by_role("link", name="Pinjam antarperpustakaan", exact=True).click()
    expect(page.locator("h1")).to_have_text("Pinjam antarperpustakaan")
