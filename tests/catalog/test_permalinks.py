"""Permanent links survive merges and splits: 301 to the record that absorbed a merged one, 410 for a withdrawn one."""

import pytest
from django.urls import reverse

from catalog import services
from catalog.choices import TombstoneReason
from catalog.ingest import import_bytes
from catalog.models import CatalogAudit, Holding, Record, RecordTombstone, SourceRecord

pytestmark = pytest.mark.django_db


def _delete(record):
    Holding.objects.filter(record=record).delete()
    record.delete()


def _import(library, local_id, title, year, barcode):
    data = f"local_id,title,authors,year,barcode\n{local_id},{title},Andrea Hirata,{year},{barcode}\n"
    import_bytes(library=library, data=data.encode(), filename=f"{local_id}.csv")
    return Record.objects.get(title=title)


@pytest.fixture
def keep(school):
    return _import(school, "A1", "Laskar Pelangi", 2005, "B1")


@pytest.fixture
def merged(other_school):
    return _import(other_school, "X1", "Laskar Pelangi (ed. revisi)", 2008, "C1")


def test_merged_record_page_redirects_to_the_keeper(client, keep, merged, coordinator):
    services.record_merge(keep=keep, merge=merged, by=coordinator)
    response = client.get(reverse("catalog:record_detail", args=[merged.pk]) + "?lang=en")
    assert response.status_code == 301
    assert response["Location"] == reverse("catalog:record_detail", args=[keep.pk]) + "?lang=en"


def test_merged_record_export_redirects_to_the_keepers_export(client, keep, merged, coordinator):
    services.record_merge(keep=keep, merge=merged, by=coordinator)
    response = client.get(reverse("catalog:record_export", args=[merged.pk, "ris"]))
    assert response.status_code == 301
    assert response["Location"] == reverse("catalog:record_export", args=[keep.pk, "ris"])


def test_merged_record_api_redirects_to_the_keepers_api_url(api_client, keep, merged, coordinator):
    services.record_merge(keep=keep, merge=merged, by=coordinator)
    response = api_client.get(reverse("api:record-detail", args=[merged.pk]))
    assert response.status_code == 301
    assert response["Location"] == reverse("api:record-detail", args=[keep.pk])
    assert api_client.get(response["Location"]).json()["id"] == keep.pk


def test_chain_of_merges_resolves_in_one_hop(client, keep, merged, school, coordinator):
    third = _import(school, "A2", "Laskar Pelangi (cetakan ke-3)", 2010, "B2")
    services.record_merge(keep=merged, merge=third, by=coordinator)
    services.record_merge(keep=keep, merge=merged, by=coordinator)
    for gone in (third, merged):
        response = client.get(reverse("catalog:record_detail", args=[gone.pk]))
        assert response.status_code == 301
        assert response["Location"] == reverse("catalog:record_detail", args=[keep.pk])
    assert set(RecordTombstone.objects.values_list("merged_into", flat=True)) == {keep.pk}


def test_merge_audit_names_both_records(keep, merged, coordinator):
    services.record_merge(keep=keep, merge=merged, by=coordinator)
    assert CatalogAudit.objects.get(action="merge").record_ids == [keep.pk, merged.pk]


def test_withdrawn_record_page_answers_410_in_indonesian(client, keep):
    record_id = keep.pk
    _delete(keep)
    services.tombstone_write(record_ids=[record_id], reason=TombstoneReason.WITHDRAWN)
    response = client.get(reverse("catalog:record_detail", args=[record_id]), HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 410
    assert f"Cantuman {record_id} ditarik dari katalog induk pada" in response.content.decode()
    assert "Cantuman tidak ada lagi di katalog" in response.content.decode()


def test_withdrawn_record_api_answers_410_json(api_client, keep):
    record_id = keep.pk
    _delete(keep)
    services.tombstone_write(record_ids=[record_id], reason=TombstoneReason.DELETED)
    response = api_client.get(reverse("api:record-detail", args=[record_id]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert response.json()["detail"].startswith(f"Record {record_id} was removed from the union catalog on")


def test_record_a_school_removes_answers_410(client, school, keep):
    from interop.ucs import remove_library_records

    record_id = keep.pk
    assert remove_library_records(school, ["A1"])[0] == 1
    assert RecordTombstone.objects.get(record_id=record_id).reason == TombstoneReason.WITHDRAWN
    assert client.get(reverse("catalog:record_detail", args=[record_id])).status_code == 410


def test_unknown_id_is_404(client, api_client, keep):
    unknown = keep.pk + 1000
    assert client.get(reverse("catalog:record_detail", args=[unknown])).status_code == 404
    assert client.get(reverse("catalog:record_export", args=[unknown, "ris"])).status_code == 404
    assert api_client.get(reverse("api:record-detail", args=[unknown])).status_code == 404


def test_unknown_export_format_of_a_live_record_is_still_404(client, keep):
    assert client.get(reverse("catalog:record_export", args=[keep.pk, "docx"])).status_code == 404


def test_split_after_merge_restores_the_original_id(client, keep, merged, other_school, coordinator):
    old_id = merged.pk
    services.record_merge(keep=keep, merge=merged, by=coordinator)
    source = SourceRecord.objects.get(library=other_school)
    restored = services.record_split(record=keep, sources=[source], by=coordinator)
    assert restored.pk == old_id and restored.title == "Laskar Pelangi (ed. revisi)"
    assert list(restored.holdings.values_list("barcode", flat=True)) == ["C1"]
    assert not RecordTombstone.objects.filter(record_id=old_id).exists()
    assert client.get(reverse("catalog:record_detail", args=[old_id])).status_code == 200
    audit = CatalogAudit.objects.get(action="split")
    assert audit.record_ids == [keep.pk, old_id] and audit.details["restored"] is True


def test_split_without_a_merge_gets_a_new_id(keep, school, coordinator):
    _import(school, "A2", "Laskar Pelangi", 2005, "B2")  # same edition: joins `keep`
    keep.refresh_from_db()
    assert keep.sources.count() == 2
    new = services.record_split(record=keep, sources=[keep.sources.order_by("pk").last()], by=coordinator)
    assert new.pk > keep.pk
    audit = CatalogAudit.objects.get(action="split")
    assert audit.record_ids == [keep.pk, new.pk] and audit.details["restored"] is False
