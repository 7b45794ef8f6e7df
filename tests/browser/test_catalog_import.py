"""A librarian uploads a MARC file in the browser, watches the progress page and reads the report."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_librarian
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_librarian_uploads_and_reads_the_report(page, worker):
    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan", npsn="10210872")
    make_librarian(school, username="rosmawati")
    login(page, "rosmawati")
    page.goto("/libraries/SMAN1MDN/")
    page.get_by_role("link", name="Impor cantuman").click()
    page.set_input_files("input[type=file]", str(shared_file("evergreen_jazz_1k.mrc")))
    page.get_by_role("button", name="Unggah dan impor").click()
    expect(page).to_have_url(re.compile(r"/catalog/imports/\d+/"))
    # The page refreshes itself until the job is done (no JavaScript needed).
    expect(page.get_by_test_id("import-status")).to_have_text("Selesai", timeout=90000)
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("1000")
    expect(report).to_contain_text("1238")
    page.get_by_role("link", name="Impor cantuman").first.click()
    expect(page.locator("table")).to_contain_text("evergreen_jazz_1k.mrc")
