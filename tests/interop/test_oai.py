"""OAI-PMH provider at /oai: verbs, formats, sets, from/until, resumption tokens, deleted records; every response
validated against OAI-PMH.xsd (with MARC21slim.xsd and oai_dc)."""

import datetime as dt

import pytest
from django.utils import timezone
from lxml import etree

from catalog.models import Holding, Record
from catalog.services import holding_withdraw, record_merge, record_split
from interop.models import Tombstone

pytestmark = pytest.mark.django_db

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {"o": OAI, "marc": "http://www.loc.gov/MARC21/slim", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture
def harvest(client, oai_schema):
    def get(**params):
        response = client.get("/oai", params)
        assert response.status_code == 200
        oai_schema.validate(response.content.decode())
        return etree.fromstring(response.content)

    return get


def error_code(root):
    error = root.find("o:error", NS)
    return error.get("code") if error is not None else None


def identifiers(root):
    return [el.text for el in root.iterfind(".//o:header/o:identifier", NS)]


def test_identify(harvest):
    root = harvest(verb="Identify")
    assert root.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "persistent"
    assert root.findtext("o:Identify/o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"


def test_list_metadata_formats_and_sets(harvest, catalog_records):
    root = harvest(verb="ListMetadataFormats")
    assert [el.text for el in root.iterfind(".//o:metadataPrefix", NS)] == ["oai_dc", "marc21"]
    root = harvest(verb="ListSets")
    specs = [el.text for el in root.iterfind(".//o:setSpec", NS)]
    assert "library:SMAN1MDN" in specs and "library:SMPN7MDN" in specs and "ddc:800" in specs


def test_list_records_marc21_has_852_and_sets(harvest, catalog_records):
    root = harvest(verb="ListRecords", metadataPrefix="marc21")
    records = root.findall(".//o:record", NS)
    assert len(records) == 8
    first = records[0]
    assert first.findall(".//marc:datafield[@tag='852']", NS)
    specs = [el.text for el in first.iterfind("o:header/o:setSpec", NS)]
    assert "library:SMAN1MDN" in specs and "ddc:800" in specs


def test_list_records_oai_dc(harvest, catalog_records):
    root = harvest(verb="ListRecords", metadataPrefix="oai_dc", set="ddc:500")
    assert sorted(el.text for el in root.iterfind(".//dc:title", NS)) == [
        "Biologi Sel",
        "Fisika Dasar",
        "Matematika untuk SMA Kelas X",
    ]


def test_library_set(harvest, catalog_records):
    root = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc", set="library:SMPN7MDN")
    assert len(identifiers(root)) == 4


def test_get_record_and_unknown_identifier(harvest, catalog_records):
    record = Record.objects.get(title="Bumi Manusia")
    root = harvest(verb="GetRecord", identifier=f"oai:silang.local:{record.pk}", metadataPrefix="marc21")
    assert root.findtext(".//marc:datafield[@tag='245']/marc:subfield[@code='a']", namespaces=NS) == "Bumi Manusia"
    assert (
        error_code(harvest(verb="GetRecord", identifier="oai:silang.local:999999", metadataPrefix="marc21"))
        == "idDoesNotExist"
    )
    assert (
        error_code(harvest(verb="GetRecord", identifier=f"oai:silang.local:{record.pk}", metadataPrefix="mods"))
        == "cannotDisseminateFormat"
    )


def test_resumption_tokens_walk_every_record(harvest, catalog_records, settings):
    settings.INTEROP_OAI_PAGE_SIZE = 3
    root = harvest(verb="ListIdentifiers", metadataPrefix="marc21")
    seen = identifiers(root)
    pages = 1
    while True:
        token = root.find(".//o:resumptionToken", NS)
        if token is None or not token.text:
            break
        # An edit in the middle of the harvest shifts nothing: the token walks record ids.
        Record.objects.filter(title="Fisika Dasar").update(updated_at=timezone.now())
        root = harvest(verb="ListIdentifiers", resumptionToken=token.text)
        seen += identifiers(root)
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 8


@pytest.mark.parametrize(
    "params,code",
    [
        ({}, "badVerb"),
        ({"verb": "Explode"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21", "bogus": "1"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21", "from": "yesterday"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "marc21", "from": "2020-01-01", "until": "2030-01-01T00:00:00Z"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "xml"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21", "set": "library:NOPE"}, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "marc21"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21", "from": "2999-01-01"}, "noRecordsMatch"),
    ],
)
def test_errors(harvest, catalog_records, params, code):
    assert error_code(harvest(**params)) == code


def test_verb_given_twice_is_bad_verb(client, oai_schema):
    response = client.get("/oai?verb=Identify&verb=Identify")
    oai_schema.validate(response.content.decode())
    assert error_code(etree.fromstring(response.content)) == "badVerb"


def test_from_uses_the_change_time_including_holdings(harvest, catalog_records):
    Record.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))
    Holding.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))
    since = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert error_code(harvest(verb="ListIdentifiers", metadataPrefix="marc21", **{"from": since})) == "noRecordsMatch"
    holding = Holding.objects.filter(record__title="Fisika Dasar").first()
    holding.call_number = "530 HAL f (baru)"
    holding.save()
    root = harvest(verb="ListIdentifiers", metadataPrefix="marc21", **{"from": since})
    assert identifiers(root) == [f"oai:silang.local:{holding.record_id}"]
    root = harvest(verb="ListIdentifiers", metadataPrefix="marc21", until=since)
    assert len(identifiers(root)) == 7


def test_merged_record_stays_deleted(harvest, catalog_records, coordinator):
    keep = Record.objects.get(title="Laskar Pelangi")
    merge = Record.objects.get(title="Bumi Manusia")
    since = (timezone.now() - dt.timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    record_merge(keep=keep, merge=merge, by=coordinator)
    assert Tombstone.objects.filter(record_id=merge.pk).exists()
    root = harvest(verb="GetRecord", identifier=f"oai:silang.local:{merge.pk}", metadataPrefix="oai_dc")
    assert root.find(".//o:header", NS).get("status") == "deleted"
    assert root.find(".//o:metadata", NS) is None
    root = harvest(verb="ListRecords", metadataPrefix="marc21", **{"from": since})
    headers = {h.findtext("o:identifier", namespaces=NS): h.get("status") for h in root.iterfind(".//o:header", NS)}
    assert headers[f"oai:silang.local:{merge.pk}"] == "deleted"
    assert headers[f"oai:silang.local:{keep.pk}"] is None


def test_record_whose_copies_are_all_withdrawn_is_deleted(harvest, catalog_records, librarian, school):
    record = Record.objects.get(title="Atlas Indonesia dan Dunia")
    for holding in record.holdings.filter(library=school):
        holding_withdraw(holding=holding, by=librarian)
    root = harvest(verb="GetRecord", identifier=f"oai:silang.local:{record.pk}", metadataPrefix="marc21")
    assert root.find(".//o:header", NS).get("status") == "deleted"
    root = harvest(verb="ListIdentifiers", metadataPrefix="marc21", set="library:SMAN1MDN")
    statuses = {h.findtext("o:identifier", namespaces=NS): h.get("status") for h in root.iterfind(".//o:header", NS)}
    assert statuses[f"oai:silang.local:{record.pk}"] == "deleted"


def test_record_restored_by_a_split_is_live_again(harvest, catalog_records, coordinator):
    keep = Record.objects.get(title="Laskar Pelangi")
    merge = Record.objects.get(title="Bumi Manusia")
    old_id, moved = merge.pk, list(merge.sources.values_list("pk", flat=True))
    record_merge(keep=keep, merge=merge, by=coordinator)
    restored = record_split(record=keep, sources=list(keep.sources.filter(pk__in=moved)), by=coordinator)
    assert restored.pk == old_id
    root = harvest(verb="GetRecord", identifier=f"oai:silang.local:{old_id}", metadataPrefix="oai_dc")
    assert root.find(".//o:header", NS).get("status") is None
    root = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert identifiers(root).count(f"oai:silang.local:{old_id}") == 1
