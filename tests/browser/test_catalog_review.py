"""A coordinator compares possible duplicates side by side, merges one pair, keeps the other apart."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalog.ingest import import_bytes
from catalog.models import MatchReview, Record
from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_coordinator

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = b"title,authors,publisher,year,physical_description,barcode\n"


@pytest.fixture
def two_imports():
    """Two schools' files: the same title a year apart, and the same title with another publisher."""
    school = LibraryFactory(name="SMA Negeri 1 Medan", code="SMAN1MDN")
    other = LibraryFactory(name="SMP Negeri 7 Medan", code="SMPN7MDN")
    make_coordinator(username="koordinator")
    import_bytes(
        library=school,
        data=HEADER
        + b"Laskar Pelangi,Andrea Hirata,Bentang,2005,,B1\nBumi Manusia,Pramoedya Ananta Toer,Hasta Mitra,1980,,B2\n",
        filename="sman1.csv",
    )
    import_bytes(
        library=other,
        data=HEADER
        + b"Laskar pelangi,Andrea Hirata,Bentang,2006,,C1\n"
        + b"Bumi manusia,Pramoedya Ananta Toer,Lentera Dipantara,1980,,C2\n",
        filename="smpn7.csv",
    )
    assert MatchReview.objects.filter(status="open").count() == 2


def entry(page, text):
    return page.locator("li.review-entry").filter(has_text=text)


def test_coordinator_compares_and_decides_each_pair(page, two_imports):
    login(page, "koordinator")
    page.goto(reverse("catalog:review_list"))
    expect(page.locator("h1")).to_have_text("Kemungkinan duplikat")
    expect(page.locator("li.review-entry")).to_have_count(2)

    laskar = entry(page, "2006")
    compare = laskar.locator("table.review-compare")
    expect(compare.locator("thead")).to_contain_text("Cantuman baru")
    expect(compare.locator("thead")).to_contain_text("Cantuman sebelumnya")
    # The two records side by side: only the year differs, and it is marked.
    year = compare.locator("tr.differs")
    expect(year).to_have_count(1)
    expect(year.locator("th")).to_contain_text("Tahun")
    expect(year.locator("th .differs-mark")).to_be_visible()
    expect(year.locator("td")).to_have_text(["2006", "2005"])
    title_row = compare.locator("tbody tr").filter(has_text="Laskar")
    expect(title_row).not_to_have_class("differs")

    bumi = entry(page, "Lentera Dipantara")
    expect(bumi.locator("tr.differs")).to_contain_text("Hasta Mitra")

    # Merging asks for the tick that confirms the comparison; with it, the pair leaves the list, one record remains.
    laskar.get_by_role("button", name="Edisi sama: gabungkan").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Centang kotak yang menyatakan Anda sudah membandingkan")).to_be_visible()
    expect(page.locator("li.review-entry")).to_have_count(2)
    laskar = entry(page, "Laskar")
    laskar.get_by_label("Saya sudah membandingkan kedua cantuman: keduanya satu edisi").check()
    laskar.get_by_role("button", name="Edisi sama: gabungkan").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Keputusan disimpan.")).to_be_visible()
    expect(page.locator("li.review-entry")).to_have_count(1)
    expect(entry(page, "Laskar")).to_have_count(0)
    assert Record.objects.filter(title__iexact="Laskar Pelangi").count() == 1

    # Keep the Bumi Manusia pair apart: the list is empty, both records stay.
    entry(page, "Lentera Dipantara").get_by_role("button", name="Berbeda: pisahkan").click()
    page.wait_for_load_state()
    expect(page.locator("li.review-entry")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Tidak ada yang perlu diperiksa.")
    assert Record.objects.filter(title__iexact="Bumi Manusia").count() == 2
