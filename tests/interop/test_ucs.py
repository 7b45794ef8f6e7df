"""SLiMS union-catalog push at /ucs.php (and /ucpoll.php, /uc-ops.php) with the SLiMS sample body."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Holding, Record, SourceRecord
from interop.models import SlimsNode, Tombstone
from interop.services import slims_node_create

from .conftest import SHARED

pytestmark = pytest.mark.django_db

SAMPLE = SHARED / "slims_ucs_push_sample.json"


@pytest.fixture
def sample():
    if not SAMPLE.exists():
        pytest.skip("../shared/data/slims_ucs_push_sample.json is absent")
    return json.loads(SAMPLE.read_text())


@pytest.fixture
def node(school):
    node, password = slims_node_create(library=school, name="OPAC")
    return node, password


def push(client, body, path="/ucs.php"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    response = client.post(path, data=data, content_type="text/json")
    assert response.status_code == 200
    return response.json()


def signed(sample, node, password):
    body = copy.deepcopy(sample)
    body["node_info"]["id"] = node.node_id
    body["node_info"]["password"] = password
    return body


def counts(library):
    return (
        SourceRecord.objects.filter(library=library).count(),
        Holding.objects.filter(library=library).count(),
        Record.objects.count(),
    )


def test_slims_node_command_prints_id_and_password_once(school):
    out = StringIO()
    call_command("slims_node", "--library", school.code, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("id: ") and lines[1].startswith("password: ") and len(lines) == 2
    node = SlimsNode.objects.get(node_id=lines[0][4:])
    assert node.library == school
    assert node.password_hash == SlimsNode.hash(lines[1][10:])
    assert lines[1][10:] not in node.password_hash


def test_sample_push_creates_the_records_for_its_node(client, sample, node, school):
    body = signed(sample, *node)
    reply = push(client, body)
    assert reply["status"] == "SUCCESS", reply
    n = len(sample["node_data"])
    assert reply["added"] == n
    assert "ditambahkan" in reply["message"]  # Indonesian
    assert SourceRecord.objects.filter(library=school).count() == n
    holdings = Holding.objects.filter(library=school)
    assert holdings.count() == n
    assert all(h.copies_unknown and not h.ill_allowed for h in holdings)
    php = Record.objects.get(title__icontains="PHP 5 for dummies")
    assert php.authors[0]["name"] == "Valade, Janet"
    assert "Programming" in php.subjects
    assert php.holdings.get().call_number == "005.13/3-22 Jan p"
    source = SourceRecord.objects.get(library=school, local_id="1")
    assert source.record == php


def test_repush_changes_nothing_and_changed_record_updates(client, sample, node, school):
    body = signed(sample, *node)
    push(client, body)
    before = counts(school)
    stamps = dict(Record.objects.values_list("id", "updated_at"))
    reply = push(client, body, "/ucpoll.php")
    assert reply["status"] == "SUCCESS"
    assert reply["added"] == 0 and reply["updated"] == 0 and reply["unchanged"] == len(sample["node_data"])
    assert counts(school) == before
    assert dict(Record.objects.values_list("id", "updated_at")) == stamps
    body["node_data"]["1"]["edition"] = "Second edition"
    reply = push(client, body)
    assert reply["updated"] == 1
    assert Record.objects.get(title__icontains="PHP 5 for dummies").edition == "Second edition"


def test_delete_removes_only_that_schools_holding(client, sample, node, school, other_school):
    push(client, signed(sample, *node))
    other_node, other_password = slims_node_create(library=other_school)
    push(client, signed(sample, other_node, other_password))
    php = Record.objects.get(title__icontains="PHP 5 for dummies")
    assert php.holdings.count() == 2  # joined by ISBN: one record, two schools
    reply = push(
        client,
        {
            "node_info": {"id": node[0].node_id, "password": node[1]},
            "node_data": {"operation": "delete", "biblio": "1,999"},
        },
        "/uc-ops.php",
    )
    assert reply["status"] == "SUCCESS" and reply["removed"] == 1 and reply["unknown"] == ["999"]
    php.refresh_from_db()
    assert [h.library for h in php.holdings.all()] == [other_school]
    assert not SourceRecord.objects.filter(library=school, local_id="1").exists()
    # The other school deletes too: the record leaves the catalog and stays deleted for OAI-PMH.
    push(
        client,
        {
            "node_info": {"id": other_node.node_id, "password": other_password},
            "node_data": {"operation": "delete", "biblio": "1"},
        },
    )
    assert not Record.objects.filter(pk=php.pk).exists()
    assert set(Tombstone.objects.get(record_id=php.pk).library_ids) == {other_school.pk}


@pytest.mark.parametrize(
    "mutate,status",
    [
        (lambda b: b["node_info"].update(password="wrong"), "AUTH_ERROR"),
        (lambda b: b["node_info"].update(id="NOPE-123"), "AUTH_ERROR"),
        (
            lambda b: b["node_data"].update(
                {str(i): dict(b["node_data"]["1"], biblio_id=str(i)) for i in range(100, 151)}
            ),
            "TOO_MANY_RECORDS",
        ),
        (lambda b: b["node_data"]["2"].update(title="x" * (10 * 1024 * 1024)), "TOO_LARGE"),
        (lambda b: b["node_data"]["2"].update(title="x" * 3000), "INVALID_DATA"),
        (lambda b: b["node_data"]["2"].update(authors="not a list"), "INVALID_DATA"),
        (lambda b: b["node_data"].update({"9": "not a record"}), "INVALID_DATA"),
        (lambda b: b.pop("node_data"), "INVALID_REQUEST"),
    ],
)
def test_bad_pushes_are_refused_with_nothing_written(client, sample, node, school, mutate, status):
    body = signed(sample, *node)
    mutate(body)
    before = counts(school)
    reply = push(client, body)
    assert reply["status"] == status, reply
    assert reply["message"]
    assert counts(school) == before == (0, 0, 0)


def test_malformed_json_and_get(client, node, school):
    assert push(client, b"{not json")["status"] == "INVALID_JSON"
    assert push(client, b"[1, 2]")["status"] == "INVALID_JSON"
    assert client.get("/ucs.php").json()["status"] == "INVALID_REQUEST"


def test_suspended_library_and_revoked_node(client, sample, node, school, librarian):
    from interop.services import slims_node_revoke

    school.status = "suspended"
    school.save()
    assert push(client, signed(sample, *node))["status"] == "LIBRARY_INACTIVE"
    school.status = "active"
    school.save()
    slims_node_revoke(node=node[0], by=librarian)
    assert push(client, signed(sample, *node))["status"] == "AUTH_ERROR"
    assert counts(school) == (0, 0, 0)


def test_stand_in_is_dropped_when_real_copies_arrive(client, sample, node, school):
    from interop.ucs import drop_stand_ins

    push(client, signed(sample, *node))
    php = Record.objects.get(title__icontains="PHP 5 for dummies")
    Holding.objects.create(record=php, library=school, barcode="B0001", call_number="005.13 VAL p")
    assert drop_stand_ins(school.pk) == 1
    assert [h.barcode for h in php.holdings.all()] == ["B0001"]
