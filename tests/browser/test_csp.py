"""The pages satisfy the Content-Security-Policy: Chromium reports no violation on the main pages."""

import pytest

from tests.factories import make_librarian

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/", "/catalog/", "/catalog/browse/", "/libraries/", "/accounts/login/", "/api/v1/docs/", "/api/v1/redoc/"]
SIGNED_IN = ["/ill/", "/agreements/", "/agreements/network/", "/ill/statistics/", "/ill/notifications/"]


# ReDoc asks Google for its font and its CDN for a logo; the policy refuses both (no third-party requests).
EXPECTED = ("fonts.googleapis.com", "cdn.redoc.ly")


def _violations(page, urls):
    found = []

    def note(message):
        if "Content Security Policy" in message.text and not any(e in message.text for e in EXPECTED):
            found.append(f"{page.url}: {message.text}")

    page.on("console", note)
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        csp = page.evaluate("() => document.readyState")
        assert csp == "complete"
    return found


def test_pages_raise_no_csp_violation(page, live_server):
    from tests.factories import LibraryFactory

    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    make_librarian(school, username="rosmawati")
    assert _violations(page, PAGES) == []
    login(page, "rosmawati")
    assert _violations(page, SIGNED_IN) == []
