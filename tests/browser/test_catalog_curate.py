"""A coordinator merges two editions found by searching, then splits them apart again (without JavaScript)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalog.ingest import import_bytes
from catalog.models import Record
from tests.factories import BENTANG, GRAMEDIA, LibraryFactory, make_coordinator

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_merge_found_by_search_then_split_restores_both_records(browser, live_server):
    school = LibraryFactory(name="SMA Negeri 1 Medan", code="SMAN1MDN")
    other = LibraryFactory(name="SMP Negeri 7 Medan", code="SMPN7MDN")
    make_coordinator(username="koordinator")
    import_bytes(library=school, data=BENTANG, filename="a.mrc")
    import_bytes(library=other, data=GRAMEDIA, filename="b.mrc")
    bentang = Record.objects.get(sources__library=school)
    gramedia = Record.objects.get(sources__library=other)
    columns = {r.pk: (r.publisher, r.isbns, r.year, r.match_key) for r in (bentang, gramedia)}

    context = browser.new_context(java_script_enabled=False, locale="id-ID", base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    login(page, "koordinator")
    page.goto(reverse("catalog:record_curate", args=[bentang.pk]))
    page.fill("#id_q", "laskar pelangi")
    page.click("form[role=search] button[type=submit]")
    candidates = page.locator(".merge-candidates li")
    expect(candidates).to_have_count(1)
    expect(candidates.first).to_contain_text("Gramedia")
    expect(candidates.first).to_contain_text("SMP Negeri 7 Medan")

    # Merge the Gramedia record into this one: a confirmation shows both first.
    candidates.first.get_by_role("link", name="Gabungkan cantuman ini ke sini").click()
    expect(page.locator("h1")).to_have_text("Gabungkan cantuman?")
    expect(page.locator(".review-compare")).to_contain_text("Bentang Pustaka")
    expect(page.locator(".review-compare")).to_contain_text("Gramedia")
    assert Record.objects.count() == 2
    page.get_by_role("button", name="Gabungkan", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith(bentang.get_absolute_url())
    assert list(Record.objects.values_list("pk", flat=True)) == [bentang.pk]

    # The merged record's old address leads to the record it joined.
    moved = page.request.get(gramedia.get_absolute_url(), max_redirects=0)
    assert moved.status == 301 and moved.headers["location"].endswith(bentang.get_absolute_url())

    # Split the Gramedia school's record out again: both records are as their own sources made them.
    page.goto(reverse("catalog:record_curate", args=[bentang.pk]))
    page.get_by_label("SMP Negeri 7 Medan", exact=False).check()
    page.click("button[name=split]")
    page.wait_for_load_state()
    assert page.url.endswith(gramedia.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Gramedia")
    for record in Record.objects.all():
        assert (record.publisher, record.isbns, record.year, record.match_key) == columns[record.pk]
    assert page.request.get(gramedia.get_absolute_url(), max_redirects=0).status == 200
    context.close()
