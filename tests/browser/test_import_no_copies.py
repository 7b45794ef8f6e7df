"""A file whose records bring no copies: the upload page asks first, and one copy per record can be added."""

import re

import pymarc
import pytest
from playwright.sync_api import expect

from catalog.models import Holding, ImportJob, Record
from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_librarian

pytestmark = pytest.mark.django_db(transaction=True)

CSV_WITHOUT_COPIES = b"local_id,title,year\nA1,Laskar Pelangi,2005\nA2,Bumi Manusia,1980\n"


def marc_without_holdings(count: int) -> bytes:
    """Records with a control number and a title, and no 852/949/952."""
    out = b""
    for n in range(1, count + 1):
        record = pymarc.Record(force_utf8=True)
        record.add_field(pymarc.Field(tag="001", data=f"m{n}"))
        record.add_field(
            pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", f"Buku pelajaran {n}")])
        )
        out += record.as_marc()
    return out


@pytest.fixture
def school():
    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan", npsn="10210872")
    make_librarian(school, username="rosmawati")
    return school


def upload(page, path):
    login(page, "rosmawati")
    page.goto("/catalog/libraries/SMAN1MDN/imports/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Unggah dan impor").click()
    page.wait_for_load_state()


def test_adding_one_copy_per_record_runs_the_import_and_the_report_says_so(page, school, worker, tmp_path):
    path = tmp_path / "katalog.mrc"
    path.write_bytes(marc_without_holdings(3))
    upload(page, path)

    # Before anything runs: the count, the consequence, and the two choices.
    notice = page.get_by_test_id("import-no-copies")
    expect(notice).to_contain_text("3 cantuman, 0 eksemplar: sekolah Anda tidak akan tampil sebagai pemilik")
    expect(notice).to_contain_text("katalog.mrc")
    expect(notice.get_by_role("button", name="Tambahkan satu eksemplar per cantuman")).to_be_visible()
    expect(notice.get_by_role("button", name="Berhenti")).to_be_visible()
    assert not Record.objects.exists() and not Holding.objects.exists()

    notice.get_by_role("button", name="Tambahkan satu eksemplar per cantuman").click()
    expect(page).to_have_url(re.compile(r"/catalog/imports/\d+/"))
    expect(page.get_by_test_id("import-status")).to_have_text("Selesai", timeout=60000)
    report = page.get_by_test_id("import-report")
    added = report.locator("tr").filter(has_text="Eksemplar ditambahkan oleh Silang, satu untuk tiap cantuman")
    expect(added.locator("td")).to_have_text("3")
    expect(report.locator("tr:has(th:text-is('Eksemplar')) td")).to_have_text("3")
    # The report no longer warns: the school owns a copy of each record.
    expect(page.get_by_test_id("import-no-copies")).to_have_count(0)
    assert Holding.objects.filter(library=school, barcode_generated=True).count() == 3


def test_stop_imports_nothing(page, school, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_bytes(CSV_WITHOUT_COPIES)
    upload(page, path)
    notice = page.get_by_test_id("import-no-copies")
    expect(notice).to_contain_text("2 cantuman, 0 eksemplar")
    notice.get_by_role("button", name="Berhenti").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("import-no-copies")).to_have_count(0)
    expect(page.locator("main table")).not_to_contain_text("katalog.csv")
    assert not ImportJob.objects.exists() and not Record.objects.exists()
