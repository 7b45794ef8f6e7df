"""Imports at the same time: none deadlocks, none fails, nothing is doubled (issue: imports at the same time)."""

import threading
import time

import pytest
from django.db import connection

from catalog.ingest import import_bytes
from catalog.models import Holding, Record, SourceRecord
from tests.factories import LibraryFactory

pytestmark = pytest.mark.django_db(transaction=True)
TITLES = 600


def isbn13(body: str) -> str:
    digits = [int(d) for d in body]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return body + str(check)


def csv_file(code: str, numbers: range, round_: int) -> bytes:
    rows = ["local_id,title,authors,year,isbn,barcode"]
    for n in numbers:
        isbn = isbn13(f"978602{round_:02d}{n:04d}")
        rows.append(f"{code}-{n},Buku pelajaran {round_}-{n},Penulis {n},2020,{isbn},{code}-B{n}")
    return ("\n".join(rows) + "\n").encode()


def deadlocks() -> int:
    time.sleep(1.5)  # other sessions' statistics reach the shared counters within a second
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_four_imports_at_once_five_times():
    before = deadlocks()
    for round_ in range(5):
        a, b, c = (LibraryFactory(code=f"R{round_}{name}") for name in "ABC")
        jobs = [
            (a, csv_file(a.code, range(0, 400), round_)),  # two imports for one library, overlapping
            (a, csv_file(a.code, range(200, TITLES), round_)),
            (b, csv_file(b.code, range(100, 500), round_)),  # and two other libraries with the same books
            (c, csv_file(c.code, range(0, TITLES), round_)),
        ]
        reports, errors = [None] * 4, []
        start = threading.Barrier(4)

        def run(index, library, data, start=start, reports=reports, errors=errors):
            try:
                start.wait()
                reports[index] = import_bytes(library=library, data=data, filename=f"{index}.csv")
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(i, lib, data)) for i, (lib, data) in enumerate(jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert not errors, errors
        for report in reports:
            assert report.rejected == "" and report.skipped == []
            assert report.records_read == report.created + report.joined + report.updated + report.unchanged
        # One record per book, whoever created it first; every school's copies under it.
        records = Record.objects.filter(title__startswith=f"Buku pelajaran {round_}-")
        assert records.count() == TITLES
        assert sum(r.created for r in reports) == TITLES
        assert len({isbn for isbns in records.values_list("isbns", flat=True) for isbn in isbns}) == TITLES
        assert SourceRecord.objects.filter(library=a).count() == TITLES
        assert Holding.objects.filter(library=a).count() == TITLES
        assert Holding.objects.filter(library=b).count() == 400
        assert Holding.objects.filter(library=c).count() == TITLES
        shared = records.get(title=f"Buku pelajaran {round_}-300")
        assert sorted(shared.holding_library_ids) == sorted([a.pk, b.pk, c.pk])
    assert deadlocks() == before


def test_a_second_import_of_the_same_library_waits_queued_for_the_first(school):
    import psycopg2
    from django.core.files.base import ContentFile

    from catalog import jobs
    from consortium.jobs import lock_key

    # An import of the school is running (it holds the school's import lock, in a session of its own).
    running = psycopg2.connect(**connection.get_connection_params())
    with running.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [lock_key("catalog-import-library"), school.pk])
    job = jobs.import_job_create(
        library=school, upload=ContentFile(b"title,barcode\nBuku A,B1\n", name="a.csv"), name="a.csv", run_here=True
    )
    thread = threading.Thread(target=lambda: (jobs.run_import_job(job.pk), connection.close()))
    thread.start()
    time.sleep(1.5)
    job.refresh_from_db()
    assert job.status == "queued"  # waiting its turn, and saying so
    running.close()  # the first import ends
    thread.join(timeout=60)
    job.refresh_from_db()
    assert job.status == "done" and job.report["created"] == 1


def test_the_features_task_skips_records_someone_holds_and_keeps_them_next_time():
    """The nightly features task never waits for an import or an edit: a record locked by another session is left
    for the next run, the others are kept."""
    import psycopg2
    from django.conf import settings

    from catalog.selectors import kept_features
    from catalog.tasks import keep_match_features

    school = LibraryFactory(code="SMAN1MDN")
    import_bytes(library=school, data=csv_file("A", range(3), 1), filename="a.csv")
    held, *others = Record.objects.order_by("pk").values_list("pk", flat=True)
    db = settings.DATABASES["default"]
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or None
    )
    try:
        with other.cursor() as cursor:  # an edit in progress in another session (its transaction stays open)
            cursor.execute("UPDATE catalog_record SET summary = 'sedang disunting' WHERE id = %s", [held])
            started = time.perf_counter()
            assert keep_match_features.call() == len(others)
            assert time.perf_counter() - started < 5
        assert kept_features([held, *others])[1] == [held]
    finally:
        other.rollback()
        other.close()
    assert keep_match_features.call() == 1
    assert kept_features([held, *others])[1] == []
