"""A student on a phone: search, tick two filters, open a record, see which school has it on the shelf."""

import pytest

from catalog.models import Holding, Record
from tests.factories import LibraryFactory, make_student

from .conftest import assert_accessible_basics, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_student_searches_filters_and_opens_a_record_on_a_phone(phone_page):
    medan1 = LibraryFactory(name="SMA Negeri 1 Medan", code="SMAN1MDN", npsn="10210872")
    medan2 = LibraryFactory(
        name="SMA Negeri 2 Medan",
        code="SMAN2MDN",
        address="Jl. Brigjend Katamso No. 2",
        opening_hours="Senin–Sabtu 07.00–14.00",
    )
    make_student(medan1, username="dimas")
    wanted = Record.objects.create(
        title="Sejarah Indonesia Modern",
        authors=[{"name": "M. C. Ricklefs"}],
        language="ind",
        year=2008,
        subjects=["Sejarah"],
    )
    Holding.objects.create(
        record=wanted, library=medan2, barcode="S0001", call_number="959.8 RIC", shelf_location="Rak Sejarah"
    )
    Holding.objects.create(record=wanted, library=medan1, barcode="S0002", status="on_loan", due_on="2026-12-05")
    english = Record.objects.create(title="A History of Modern Indonesia", language="eng", year=2005)
    Holding.objects.create(record=english, library=medan2, barcode="S0003")
    lent = Record.objects.create(title="Sejarah kota Medan", language="ind", year=2010)
    Holding.objects.create(record=lent, library=medan1, barcode="S0004", status="on_loan")

    page = phone_page
    login(page, "dimas")
    page.goto("/catalog/")
    assert_accessible_basics(page)
    page.fill("#id_q", "indonesia modern")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    results = page.locator("[data-testid=results] .hit")
    assert results.count() == 2
    assert_accessible_basics(page)

    # Two filters: Indonesian, available now.
    page.check("fieldset[data-facet=lang] input[value=ind]")
    page.check("#filters input[name=available]")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    assert "lang=ind" in page.url and "available=1" in page.url
    assert results.count() == 1
    assert "SMA Negeri 2 Medan" in results.first.inner_text()
    assert_accessible_basics(page)

    results.first.locator("h3 a").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Sejarah Indonesia Modern")
    holdings = page.locator(".school-holdings")
    assert holdings.count() == 2
    # The student's own school comes first, with its copy out and the due date.
    assert "SMA Negeri 1 Medan" in holdings.nth(0).inner_text()
    assert "2026" in holdings.nth(0).inner_text()
    # One line answers "where can I get it"; the other school is folded until the student opens it.
    assert "1 dari 2 sekolah" in page.locator("[data-testid=availability]").inner_text()
    assert not holdings.nth(1).locator("table").is_visible()
    holdings.nth(1).locator("summary").click()
    other = holdings.nth(1).inner_text()
    assert "959.8 RIC" in other and "Rak Sejarah" in other and "Katamso" in other and "07.00" in other
    assert_accessible_basics(page)


def test_student_with_no_result_asks_the_network_on_a_phone(phone_page):
    """A search that finds nothing is no dead end: which word matched nothing, then an information request."""
    school = LibraryFactory(name="SMA Negeri 3 Medan", code="SMAN3MDN")
    make_student(school, username="sinta")
    held = Record.objects.create(title="Fisika untuk SMA/MA Kelas X", language="ind", year=2016)
    Holding.objects.create(record=held, library=school, barcode="F0001")

    page = phone_page
    login(page, "sinta")
    page.goto("/catalog/")
    page.fill("#id_q", "fisika kuantumxyz")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    box = page.locator("[data-testid=no-results]")
    assert box.is_visible()
    assert "kuantumxyz" in page.locator("[data-testid=unmatched-words]").inner_text()
    assert page.locator("[data-testid=any-words]").is_visible()
    assert_accessible_basics(page)

    page.click("[data-testid=ask-network]")
    page.wait_for_load_state()
    assert "/ill/new/" in page.url
    assert page.locator("textarea[name=question]").input_value() == "fisika kuantumxyz"
    assert page.locator("input[name=service][value=reference]").is_checked()
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert "/ill/requests/" in page.url
    assert "fisika kuantumxyz" in page.inner_text("main")
