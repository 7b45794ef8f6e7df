"""The ten most used pages at phone width (390 x 844) and at a desktop width (1280 x 800), in Indonesian and in
English, each as the person who uses it: none scrolls sideways."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.ingest import import_bytes
from catalog.models import MatchReview, Record
from loans import services
from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_coordinator, make_librarian, make_student

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LONG = "Sejarah Perkembangan Perpustakaan Sekolah di Sumatera Utara dari Masa ke Masa: Sebuah Tinjauan"
HEADER = b"title,authors,publisher,year,call_number,shelf_location,barcode\n"


@pytest.fixture
def network(ill_agreement):
    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    lender = LibraryFactory(code="SMAN2MDN", name="Sekolah Menengah Atas Negeri 2 Medan Sunggal")
    agreement = ill_agreement(school, lender, loan_days=14)
    make_student(school, username="putri")
    make_librarian(school, username="rosmawati")
    make_librarian(lender, username="hendra")
    make_coordinator(username="koordinator")
    # The same long titles at both schools, a year apart: possible duplicates for the coordinator.
    for library, year, shelf in ((school, 2005, "Rak Referensi Lantai Dua"), (lender, 2006, "Rak Sejarah Lokal")):
        rows = "".join(
            f"{LONG} {n},Rosmawati Siregar,Bentang Pustaka,{year},027.8 SIR s,{shelf},{library.code}-KOLEKSI-{n:06d}\n"
            for n in range(3)
        )
        import_bytes(library=library, data=HEADER + rows.encode(), filename=f"{library.code}.csv")
    assert MatchReview.objects.filter(status="open").exists()
    users = {u.username: u for u in get_user_model().objects.all()}
    for record in Record.objects.filter(holdings__library=lender).distinct():
        request = services.ill_request_create(by=users["putri"], record=record)
        request = services.ill_request_approve(request=request, by=users["rosmawati"])
        services.ill_request_will_supply(request=request, by=users["hendra"])
    return agreement, Record.objects.filter(holdings__library=school).first()


@pytest.fixture(
    params=[("id", PHONE), ("en", PHONE), ("id", DESKTOP), ("en", DESKTOP)],
    ids=["phone-id", "phone-en", "desktop-id", "desktop-en"],
)
def phone(request, browser, live_server):
    """A page at the width and in the language of the pass: English through the language switch (a cookie),
    as a reader would, since pages ignore Accept-Language."""
    language, viewport = request.param
    context = browser.new_context(viewport=viewport, locale="id-ID", base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.expected_language = language  # checked on every page of the pass: the cookie outlives the login
    if language == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    yield page
    context.close()


# Tables are `display: block; overflow-x: auto`: one too wide scrolls inside itself, the page does not.
SCROLLING_TABLES_JS = """
() => Array.from(document.querySelectorAll('main table'))
  .filter(t => t.offsetParent !== null && t.scrollWidth > t.clientWidth + 1)
  .map(t => (t.dataset.testid || t.className) + ' ' + t.scrollWidth)
"""


def overflowing(page, urls) -> list[tuple[str, object]]:
    """The pages among `urls` wider than the phone (with their width) or with a table scrolling sideways."""
    wide = []
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator("main#main")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", page.expected_language)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.viewport_size["width"]:
            wide.append((url, width))
        tables = page.evaluate(SCROLLING_TABLES_JS)
        if tables:
            wide.append((url, tables))
    return wide


def test_reader_pages_fit_a_phone(phone, network):
    _, record = network
    urls = ["/", "/catalog/?q=sejarah+perpustakaan", record.get_absolute_url(), "/libraries/"]
    assert overflowing(phone, urls) == []
    login(phone, "putri")
    assert overflowing(phone, urls) == []


def test_librarian_pages_fit_a_phone(phone, network):
    login(phone, "rosmawati")
    urls = [
        "/catalog/libraries/SMAN1MDN/holdings/",
        "/catalog/libraries/SMAN1MDN/imports/",
        "/ill/",
        "/ill/desk/SMAN1MDN/",
        "/ill/statistics/",
    ]
    assert overflowing(phone, urls) == []


def test_lending_librarian_pages_fit_a_phone(phone, network):
    login(phone, "hendra")
    urls = ["/ill/", "/ill/desk/SMAN2MDN/", "/ill/desk/SMAN2MDN/pick-list/"]
    assert overflowing(phone, urls) == []
    expect(phone.get_by_test_id("picks").locator("tbody tr")).to_have_count(3)


def test_coordinator_pages_fit_a_phone(phone, network):
    agreement, _ = network
    login(phone, "koordinator")
    urls = ["/agreements/", f"/agreements/{agreement.pk}/", "/catalog/duplicates/", "/ill/statistics/", "/libraries/"]
    assert overflowing(phone, urls) == []
