"""Index freshness: triggers keep search_vector, the holdings summary and the word list current without a reindex."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from catalog.models import Holding, Record
from tests.factories import LibraryFactory

from .test_search import ids, make_record, run

pytestmark = pytest.mark.django_db


def test_new_record_is_found_at_once():
    record = make_record("Atlas geografi")
    assert ids(run("atlas")) == [record.pk]


def test_edit_is_found_at_once_and_old_words_are_gone():
    record = make_record("Atlas geografi")
    record.title = "Kamus biologi"
    record.save()
    assert ids(run("kamus")) == [record.pk]
    assert ids(run("atlas")) == []


def test_queryset_update_is_indexed_too():
    record = make_record("Atlas geografi")
    Record.objects.filter(pk=record.pk).update(subjects=["Vulkanologi"])
    assert ids(run("vulkanologi")) == [record.pk]


def test_edited_word_joins_the_suggestion_list():
    record = make_record("Atlas")
    record.title = "Paleontologi"
    record.save()
    assert run("paleontologo").suggestion == "paleontologi"


def test_status_change_updates_availability():
    library = LibraryFactory()
    record = make_record("Atlas geografi", holdings=[library])
    assert ids(run("atlas", available="1")) == [record.pk]
    Holding.objects.filter(record=record).update(status="on_loan", due_on=datetime.date(2026, 12, 1))
    assert ids(run("atlas", available="1")) == []
    holding = Holding.objects.get(record=record)
    holding.status = "available"
    holding.save()
    assert ids(run("atlas", available="1")) == [record.pk]


def test_stale_model_instance_cannot_erase_the_holdings_summary():
    library = LibraryFactory()
    record = Record.objects.create(title="Atlas geografi")
    Holding.objects.create(record=record, library=library, barcode="X1")
    record.title = "Atlas dunia"
    record.save()  # the instance still holds holding_library_ids = []
    record.refresh_from_db()
    assert record.holding_library_ids == [library.pk] and record.available_library_ids == [library.pk]


def test_merge_moves_holdings_and_the_index_follows():
    a, b = LibraryFactory(), LibraryFactory()
    keep = make_record("Bumi manusia", holdings=[a])
    duplicate = make_record("Bumi Manusia (duplikat)", holdings=[b])
    # What a merge does: the duplicate's copies move to the surviving record, the duplicate goes.
    Holding.objects.filter(record=duplicate).update(record=keep)
    duplicate.delete()
    keep.refresh_from_db()
    assert sorted(keep.holding_library_ids) == sorted([a.pk, b.pk])
    result = run("bumi manusia", library=[b.pk])
    assert ids(result) == [keep.pk]
    assert result.hits[0].held_count == 2


def test_withdrawn_and_deleted_copies_leave_the_summary():
    a, b = LibraryFactory(), LibraryFactory()
    record = make_record("Atlas", holdings=[a, b])
    Holding.objects.filter(record=record, library=a).update(status="withdrawn")
    Holding.objects.filter(record=record, library=b).delete()
    record.refresh_from_db()
    assert record.holding_library_ids == [] and record.available_library_ids == []


def test_bulk_insert_refreshes_each_record_once():
    library = LibraryFactory()
    records = Record.objects.bulk_create([Record(title=f"Buku massal {n}") for n in range(200)])
    Holding.objects.bulk_create(
        [Holding(record=r, library=library, barcode=f"M{n}") for n, r in enumerate(records) for _ in range(1)]
    )
    assert Record.objects.filter(holding_library_ids__contains=[library.pk]).count() == 200
    assert run("massal").count == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT ndoc FROM catalog_search_word WHERE word = 'massal'")
        assert cursor.fetchone()[0] >= 200


def test_search_vector_weights_title_authors_subjects():
    record = make_record("Judul", authors=["Pengarang"], subjects=["Subjek"], summary="Ringkasan")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM catalog_record WHERE id = %s", [record.pk])
        vector = cursor.fetchone()[0]
    assert "'judul':1A" in vector and "B" in vector.split("'pengarang':")[1][:6]
    assert "C" in vector.split("'subjek':")[1][:6] and "'ringkasan':" in vector


def test_imported_records_and_copies_are_searchable_at_once(school):
    from catalog.ingest import import_bytes

    csv = (
        "local_id,title,authors,publisher,year,barcode\n"
        "A1,Laskar Pelangi,Andrea Hirata,Bentang Pustaka,2005,B1\n"
        "A2,Sang Pemimpi,Andrea Hirata,Bentang Pustaka,2006,B2\n"
    )
    import_bytes(library=school, data=csv.encode(), filename="a.csv")
    result = run("andrea hirata", available="1", library=[school.pk])
    assert sorted(hit.record.title for hit in result.hits) == ["Laskar Pelangi", "Sang Pemimpi"]


def test_merge_service_keeps_the_index_fresh(school, other_school, coordinator):
    from catalog.services import record_merge

    keep = make_record("Bumi manusia", holdings=[school])
    duplicate = make_record("Bumi manusia", subjects=["Sastra Indonesia"], holdings=[(other_school, "on_loan")])
    record_merge(keep=keep, merge=duplicate, by=coordinator)
    result = run("bumi manusia")
    assert ids(result) == [keep.pk]
    assert [lib.pk for lib in result.hits[0].held_by] == sorted(
        [school.pk, other_school.pk], key=lambda pk: {school.pk: school.name, other_school.pk: other_school.name}[pk]
    )
    assert ids(run("sastra", library=[other_school.pk])) == [keep.pk]


def test_inserted_copies_update_the_summary_only_where_they_change_it():
    """The insert trigger checks the new copies, grouped per record, against the record's summary (migration
    0010): a copy on the shelf, a newer copy and another school's copy each change it; a withdrawn one does not."""
    a, b = LibraryFactory(), LibraryFactory()
    record = Record.objects.create(title="Kamus besar")
    Holding.objects.create(
        record=record, library=a, barcode="K1", status="on_loan", date_added=datetime.date(2024, 1, 5)
    )
    record.refresh_from_db()
    assert (record.holding_library_ids, record.available_library_ids) == ([a.pk], [])
    Holding.objects.bulk_create(
        [
            Holding(record=record, library=a, barcode="K2", status="available", date_added=datetime.date(2024, 1, 1)),
            Holding(record=record, library=b, barcode="K3", status="withdrawn", date_added=datetime.date(2025, 1, 1)),
        ]
    )
    record.refresh_from_db()
    assert (record.holding_library_ids, record.available_library_ids) == ([a.pk], [a.pk])
    assert record.last_added == datetime.date(2024, 1, 5)
    Holding.objects.create(
        record=record, library=b, barcode="K4", status="missing", date_added=datetime.date(2025, 3, 1)
    )
    record.refresh_from_db()
    assert sorted(record.holding_library_ids) == sorted([a.pk, b.pk]) and record.available_library_ids == [a.pk]
    assert record.last_added == datetime.date(2025, 3, 1)


def test_a_bulk_insert_of_copies_updates_the_summary_in_one_pass():
    """More than 20,000 copies in one statement are checked with one join over the catalog (migration 0013)."""
    a, b = LibraryFactory(), LibraryFactory()
    records = Record.objects.bulk_create([Record(title=f"Buku paket {n}") for n in range(10)])
    Holding.objects.create(record=records[0], library=a, barcode="P0", status="on_loan")
    copies = [
        Holding(record=records[n % 10], library=b if (n // 10) % 2 else a, barcode=f"P{n + 1}", status="available")
        for n in range(20_001)
    ]
    copies[-1].date_added = datetime.date(2031, 1, 1)
    Holding.objects.bulk_create(copies)
    by_id = {r.pk: r for r in Record.objects.filter(pk__in=[r.pk for r in records])}
    assert all(sorted(r.available_library_ids) == sorted([a.pk, b.pk]) for r in by_id.values())
    assert by_id[copies[-1].record_id].last_added == datetime.date(2031, 1, 1)
