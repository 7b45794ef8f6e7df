"""Harvesting SLiMS and INLISLite OPACs from recorded responses served by a local HTTP server."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Holding, Record, SourceRecord
from interop.choices import HarvestStatus, OpacKind
from interop.harvest import harvest_run
from interop.models import HarvestRun, OpacSource

from .conftest import SHARED
from .opac_server import OpacHandler, opac_fixture  # noqa: F401 (the opac fixture)

pytestmark = pytest.mark.django_db


def run_for(library, base_url, kind=OpacKind.SLIMS):
    source, _ = OpacSource.objects.update_or_create(library=library, defaults={"base_url": base_url, "kind": kind})
    return harvest_run(HarvestRun.objects.create(source=source).pk)


def test_slims_harvest_imports_records_with_copies_then_incrementally(opac, school):
    run = run_for(school, f"{opac}/slims/")
    assert run.status == HarvestStatus.DONE, run.report
    assert run.report["pages"] == 2 and run.report["records_seen"] == 3
    assert run.report["created"] == 3 and run.report["holdings_added"] == 6
    php = Record.objects.get(title="PHP 5 for dummies")
    assert sorted(php.holdings.values_list("barcode", flat=True)) == ["B00001", "B00002"]
    assert php.holdings.first().call_number == "005.13/3-22 Jan p"
    assert php.ddc.startswith("005.13") and "Programming" in php.subjects
    assert SourceRecord.objects.get(library=school, local_id="1").record == php
    source = OpacSource.objects.get(library=school)
    assert source.last_datestamp == "2026-11-30T08:00:01Z"
    # Next time: from= the last harvest; record 3 was deleted in the OPAC.
    run = run_for(school, f"{opac}/slims/")
    assert run.status == HarvestStatus.DONE, run.report
    assert (
        "/slims/oai.php",
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-11-30T08:00:01Z"},
    ) in OpacHandler.requests
    assert run.report["deleted"] == 1 and run.report["unchanged"] == 1
    assert not Record.objects.filter(title="The Definitive Guide to MySQL 5").exists()
    assert Holding.objects.filter(library=school).count() == 3


def test_harvest_refines_a_slims_push(opac, client, school):
    sample = SHARED / "slims_ucs_push_sample.json"
    if not sample.exists():
        pytest.skip("../shared/data/slims_ucs_push_sample.json is absent")
    from interop.services import slims_node_create

    node, password = slims_node_create(library=school)
    body = json.loads(sample.read_text())
    body["node_info"].update(id=node.node_id, password=password)
    assert client.post("/ucs.php", json.dumps(body), content_type="text/json").json()["status"] == "SUCCESS"
    records_before = Record.objects.count()
    assert Holding.objects.filter(library=school, copies_unknown=True).count() == len(body["node_data"])
    run = run_for(school, f"{opac}/slims/")
    assert run.status == HarvestStatus.DONE, run.report
    assert run.report["updated"] == 3 and run.report["created"] == 0
    assert Record.objects.count() == records_before
    php = Record.objects.get(isbns__contains=["9780764541667"])
    assert sorted(php.holdings.values_list("barcode", flat=True)) == ["B00001", "B00002"]  # stand-in replaced
    assert Holding.objects.filter(library=school, copies_unknown=True).count() == len(body["node_data"]) - 3


def test_inlislite_harvest_marc21(opac, other_school):
    run = run_for(other_school, f"{opac}/inlis/oai", kind=OpacKind.INLISLITE)
    assert run.status == HarvestStatus.DONE, run.report
    assert run.report["created"] == 3 and run.report["holdings_added"] == 4
    assert run.report["deleted"] == 0
    record = Record.objects.get(title="Siti Nurbaya")
    assert sorted(record.holdings.values_list("barcode", flat=True)) == ["INL-0001", "INL-0002"]
    assert SourceRecord.objects.filter(library=other_school, local_id="11").exists()
    assert OpacSource.objects.get(library=other_school).last_datestamp == "2026-11-30"


def test_html_answer_fails_with_a_report_line(opac, school):
    run = run_for(school, f"{opac}/html/")
    assert run.status == HarvestStatus.FAILED
    assert "halaman web" in run.report["lines"][0]
    assert Record.objects.count() == 0


def test_looping_token_stops(opac, school):
    run = run_for(school, f"{opac}/loop/")
    assert run.status == HarvestStatus.DONE
    assert any("resumption token" in line for line in run.report["lines"])
    assert run.report["pages"] == 2


def test_timeout_fails_with_a_report_line(opac, school, settings):
    settings.INTEROP_HARVEST_TIMEOUT = 0.5
    run = run_for(school, f"{opac}/slow/")
    assert run.status == HarvestStatus.FAILED
    assert "tidak menjawab" in run.report["lines"][0]


def test_unreachable_opac(school):
    run = run_for(school, "http://127.0.0.1:9/")
    assert run.status == HarvestStatus.FAILED and run.report["lines"]


def test_command(opac, school):
    OpacSource.objects.create(library=school, base_url=f"{opac}/slims/", kind=OpacKind.SLIMS)
    out = StringIO()
    call_command("harvest_opac", "--library", school.code, stdout=out)
    assert "3 records read" in out.getvalue()
    out = StringIO()
    call_command("harvest_opac", "--due", stdout=out)
