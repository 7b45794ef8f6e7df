"""Browser tests: Playwright driving Debian's chromium (/usr/bin/chromium) against live_server."""

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (fixtures, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (.ci/run does this).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A page at phone width (360x740), Indonesian first."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID", base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", base_url=live_server.url, accept_downloads=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def login(page, username: str, password: str = "pw-for-tests-123") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


UNLABELLED_FIELDS_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 80))
"""


def assert_accessible_basics(page) -> None:
    """Landmarks, a single h1, a label for every field, a lang attribute, and no sideways scrolling."""
    assert page.locator("header").count() >= 1
    assert page.locator("nav").count() >= 1
    assert page.locator("main#main").count() == 1
    assert page.locator("footer").count() >= 1
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") in {"id", "en"}
    assert page.evaluate(UNLABELLED_FIELDS_JS) == []
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def ship_a_book(ill_agreement):
    """Bumi Manusia asked for by a student of SMA Negeri 1 Medan and shipped by SMA Negeri 2 Medan from the copy
    `barcode`, due in `days`: the request as the lender left it (the borrower's librarian is "rosmawati")."""
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import Holding, Record
    from loans import services
    from tests.factories import LibraryFactory, make_librarian, make_student

    def ship(*, barcode: str = "SMAN2-0001", days: int = 14):
        borrower = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
        lender = LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan")
        ill_agreement(borrower, lender, loan_days=14)
        student = make_student(borrower, username="putri")
        ours = make_librarian(borrower, username="rosmawati")
        theirs = make_librarian(lender, username="hendra")
        record = Record.objects.create(
            title="Bumi Manusia", authors=[{"name": "Pramoedya Ananta Toer", "role": "author"}]
        )
        Holding.objects.create(record=record, library=lender, barcode=barcode, call_number="899.221 TOE b")
        request = services.ill_request_create(by=student, record=record)
        request = services.ill_request_approve(request=request, by=ours)
        request = services.ill_request_will_supply(request=request, by=theirs)
        return services.ill_request_ship(request=request, by=theirs, due_on=timezone.localdate() + timedelta(days=days))

    return ship
