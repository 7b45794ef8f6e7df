"""The member directory in a real browser: open, filter, switch language (works without JavaScript)."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import LibraryFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def libraries(db):
    LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan", level="sma", npsn="10210872")
    LibraryFactory(code="SMPN7MDN", name="SMP Negeri 7 Medan", level="smp", npsn="10210607")
    LibraryFactory(
        code="SDN060843", name="SD Negeri 060843 Medan", level="sd", npsn="10210355", services=["reading_room"]
    )


def test_directory_filter_and_language_switch(phone_page, libraries):
    page = phone_page
    page.goto("/libraries/")
    expect(page.locator("h1")).to_have_text("Perpustakaan anggota")
    expect(page.locator(".library-card")).to_have_count(3)

    page.get_by_label("SMP/MTs").check()
    page.get_by_role("button", name="Terapkan filter").click()
    expect(page).to_have_url(re.compile(r"level=smp"))
    expect(page.locator(".library-card")).to_have_count(1)
    expect(page.locator(".library-card h3")).to_have_text("SMP Negeri 7 Medan")

    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Member libraries")
    expect(page).to_have_url(re.compile(r"level=smp"))  # the filter survives the switch
    expect(page.locator(".library-card")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("h1")).to_have_text("Perpustakaan anggota")


def test_directory_works_without_javascript(browser, live_server, libraries):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/libraries/?q=negeri+1")
    expect(page.locator(".library-card")).to_have_count(1)
    page.get_by_role("link", name="SMA Negeri 1 Medan").click()
    expect(page.locator("h1")).to_have_text("SMA Negeri 1 Medan")
    context.close()


def test_library_fits_a_phone_screen(phone_page, libraries):
    phone_page.goto("/libraries/")
    scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360


def test_pages_have_landmarks_labels_and_fit_a_phone(phone_page, libraries, django_user_model):
    from tests.browser.conftest import assert_accessible_basics, login
    from tests.factories import make_coordinator

    make_coordinator(username="koordinator")
    for path in ["/", "/libraries/", "/libraries/SMAN1MDN/", "/accounts/login/", "/accounts/password_reset/"]:
        phone_page.goto(path)
        assert_accessible_basics(phone_page)
    login(phone_page, "koordinator")
    for path in ["/libraries/SMAN1MDN/edit/", "/libraries/new/", "/libraries/SMAN1MDN/people/"]:
        phone_page.goto(path)
        assert_accessible_basics(phone_page)


def test_keyboard_focus_is_visible_and_skip_link_works(page, libraries):
    page.goto("/libraries/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
