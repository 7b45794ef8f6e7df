"""schema.org JSON-LD on record pages: Book with one Offer per copy (school, availability, call number)."""

import json
import re

import pytest

from catalog.models import Holding, Record
from interop.jsonld import as_script

pytestmark = pytest.mark.django_db


def jsonld(response):
    match = re.search(rb'<script type="application/ld\+json">(.*?)</script>', response.content, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_record_page_has_book_with_offers(client, catalog_records, librarian, school):
    record = Record.objects.get(title="Laskar Pelangi")
    holding = record.holdings.filter(library=school).first()
    holding.status = "on_loan"
    holding.save()
    data = jsonld(client.get(record.get_absolute_url()))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Book"
    assert data["name"] == "Laskar Pelangi" and data["isbn"] == "9789793062792"
    assert data["author"] == [{"@type": "Person", "name": "Andrea Hirata"}]
    offers = {o["offeredBy"]["name"]: o for o in data["offers"]}
    assert set(offers) == {"SMA Negeri 1 Medan", "SMP Negeri 7 Medan"}
    assert offers["SMA Negeri 1 Medan"]["availability"] == "https://schema.org/OutOfStock"
    assert offers["SMP Negeri 7 Medan"]["availability"] == "https://schema.org/InStock"
    assert offers["SMP Negeri 7 Medan"]["sku"].startswith("899.221 3")
    assert offers["SMA Negeri 1 Medan"]["offeredBy"]["@type"] == "Library"


def test_script_cannot_be_closed_by_data():
    text = as_script({"name": "</script><script>alert(1)</script> & co"})
    assert "</script>" not in text and json.loads(text)["name"].startswith("</script>")


def test_withdrawn_copies_are_not_offered(client, catalog_records, school):
    record = Record.objects.get(title="Fisika Dasar")
    Holding.objects.filter(record=record).update(status="withdrawn")
    assert "offers" not in jsonld(client.get(record.get_absolute_url()))
