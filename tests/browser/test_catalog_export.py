"""A whole-catalog export started from the page is built by the worker and downloaded complete."""

import io

import pymarc
import pytest
from playwright.sync_api import expect

from catalog.ingest import import_bytes
from catalog.models import Record
from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_librarian
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db(transaction=True)


def _export(page, fmt: str):
    page.goto("/catalog/export/")
    page.select_option("#ex-lib", "")  # the whole union catalog
    page.check(f"input[name=format][value={fmt}]")
    page.click("main form button[type=submit]")
    # The job page refreshes itself until the file is ready.
    expect(page.get_by_test_id("export-download")).to_be_visible(timeout=120000)
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    return download.value.path().read_bytes()


def test_whole_catalog_export_from_the_page_downloads_complete(page, worker):
    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    other = LibraryFactory(code="SMPN7MDN", name="SMP Negeri 7 Medan")
    import_bytes(library=school, data=shared_file("evergreen_jazz_1k.mrc").read_bytes(), filename="jazz.mrc")
    import_bytes(library=other, data=shared_file("evergreen_lul_fre_100.mrc").read_bytes(), filename="fre.mrc")
    total = Record.objects.count()
    assert total > 1000
    make_librarian(school, username="rosmawati")
    login(page, "rosmawati")

    marc = _export(page, "marc")
    records = [r for r in pymarc.MARCReader(io.BytesIO(marc), to_unicode=True, force_utf8=True) if r is not None]
    assert len(records) == total

    xml = _export(page, "marcxml")
    assert xml.rstrip().endswith(b"</collection>")
    assert len(pymarc.parse_xml_to_array(io.BytesIO(xml))) == total
