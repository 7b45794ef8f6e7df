"""Interop benchmark: SRU searchRetrieve and OAI-PMH ListRecords throughput (records of MARCXML served per second),
and a full OAI-PMH harvest of one library timed against export_records of the same library (same run, same data).

    DEBUG=1 .venv/bin/python bench/interop_bench.py --records 20000

Builds its own database (silang_bench_interop, dropped and re-created): one library's generated MARC file
(bench/import_bench.py's generator, 1-5 copies per record in 852) imported through the import pipeline. Requests
go to the views in this process (Django's RequestFactory: no HTTP server, no network), so the figures are the
server's own work: query, MARC writing (catalog.exporting.marc_for), XML serialisation.

    DEBUG=1 .venv/bin/python bench/interop_bench.py --catalog silang_bench_search

runs instead against an existing catalog (read only: nothing is built or written): SRU searchRetrieve of
bench/search_queries.json's common, medium and rare words and of ISBNs (several pages each, 50 MARCXML records a
response), OAI-PMH ListRecords over --pages pages of the whole repository and of the largest library's set, and
export_records of the whole catalog for as many records as the repository's run harvested (the same-run reference).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DEBUG", "1")

import import_bench  # noqa: E402

import_bench.BENCH_DB = "silang_bench_interop"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
SRU_WORDS = ["sejarah", "indonesia", "cerita rakyat", "matematika", "science", "novel", "kamus", "budaya", "guide"]


def ms(times: list[float], q: float = 0.5) -> str:
    return f"{sorted(times)[min(len(times) - 1, int(q * len(times)))] * 1000:.0f}"


def harvest(rf, params: dict, max_pages: int | None = None) -> tuple[int, int, int, list[float]]:
    """ListRecords from `params` through the resumption tokens: (records, pages, bytes, page times)."""
    from lxml import etree

    from interop import oai

    records = size = 0
    page_times: list[float] = []
    while max_pages is None or len(page_times) < max_pages:
        t0 = time.perf_counter()
        response = oai.oai(rf.get("/oai", params, HTTP_HOST="localhost"))
        page_times.append(time.perf_counter() - t0)
        size += len(response.content)
        root = etree.fromstring(response.content)
        records += len(root.findall(f".//{OAI}record"))
        token = root.findtext(f".//{OAI}resumptionToken")
        if not token:
            break
        params = {"verb": "ListRecords", "resumptionToken": token}
    return records, len(page_times), size, page_times


def sru_search(rf, query: str, pages: int) -> tuple[int, list[float]]:
    """searchRetrieve of `query`, 50 MARCXML records a response, up to `pages` pages: (records, request times)."""
    from interop import sru

    served, times = 0, []
    for page in range(pages):
        params = {"version": "1.2", "operation": "searchRetrieve", "query": query, "maximumRecords": "50"}
        t0 = time.perf_counter()
        response = sru.sru(rf.get("/sru", {**params, "startRecord": str(1 + 50 * page)}, HTTP_HOST="localhost"))
        times.append(time.perf_counter() - t0)
        served += response.content.count(b"<srw:recordPosition>")
        if b"nextRecordPosition" not in response.content:
            break
    return served, times


def catalog_run(name: str, max_pages: int) -> None:
    """SRU and OAI-PMH throughput on an existing catalog (read only)."""
    from consortium.embedded_db import ensure_running

    import_bench._setup_django((import_bench.SERVER_URL or ensure_running()).replace("/silang?", f"/{name}?"))
    from django.conf import settings
    from django.db import connection
    from django.test import RequestFactory

    from catalog.exporting import export_marcxml
    from catalog.models import Record
    from catalog.normalize import isbn13
    from consortium.models import Library

    rf = RequestFactory()
    settings.INTEROP_OAI_PAGE_SIZE = 100
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT library_id, count(DISTINCT record_id) FROM catalog_holding GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        library_id, held = cursor.fetchone()
        # ISBNs spread over the catalog (valid ones only: the others are not searched), 50 to a query.
        cursor.execute("SELECT isbns[1] FROM catalog_record WHERE cardinality(isbns) > 0 AND id % 500 = 7 ORDER BY id")
        isbns = [isbn for (isbn,) in cursor.fetchall() if isbn13(isbn) == isbn][:150]
    library = Library.objects.get(pk=library_id)
    print(f"{name}: {Record.objects.count():,} records; largest library {library.code}, {held:,} records")

    words = json.loads((ROOT / "bench" / "search_queries.json").read_text())
    kinds = {}
    for entry in words:
        if entry["kind"] in ("common", "medium", "rare") and len(kinds.setdefault(entry["kind"], [])) < 5:
            kinds[entry["kind"]].append(f'cql.serverChoice all "{entry["q"]}"')
    kinds["isbn (50 a query)"] = [f'bath.isbn any "{" ".join(isbns[i : i + 50])}"' for i in range(0, len(isbns), 50)]
    rows = []
    for kind, queries in kinds.items():
        served, times = 0, []
        for query in queries:
            n, t = sru_search(rf, query, 1 if kind.startswith("isbn") else 3)
            served, times = served + n, times + t
        rows.append((f"SRU searchRetrieve, {kind} ({len(queries)} queries)", served, times, ""))

    scopes = [(f"set library:{library.code}", {"set": f"library:{library.code}"}), ("whole repository", {})]
    for label, extra in scopes:
        params = {"verb": "ListRecords", "metadataPrefix": "marc21", **extra}
        records, pages, size, times = harvest(rf, params, max_pages)
        rows.append(
            (f"OAI-PMH ListRecords marc21, {label}", records, times, f"{pages} pages of 100, {size / 2**20:.1f} MB")
        )

    # Reference: export_records of the whole catalog (the bench catalog's schools have no MARC of their own to
    # export), the same first records, in the same id order, as the whole repository's run.
    started = time.perf_counter()
    exported = sum(len(chunk) for chunk in itertools.islice(export_marcxml(None), records + 1))
    seconds = time.perf_counter() - started
    rows.append(
        (
            f"export_records, whole catalog (MARCXML, reference), first {records} records",
            records,
            [seconds],
            f"{exported / 2**20:.1f} MB; the whole repository's run {sum(times) / seconds:.2f}x the export",
        )
    )

    print()
    print("| measure | requests | records | seconds | records/s | median ms | p95 ms | notes |")
    print("|---|---|---|---|---|---|---|---|")
    for label, served, times, notes in rows:
        total = sum(times)
        print(
            f"| {label} | {len(times)} | {served:,} | {total:.2f} | {served / total:,.0f} | {ms(times)} | "
            f"{ms(times, 0.95)} | {notes} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--page", type=int, default=100, help="OAI-PMH records per response")
    parser.add_argument("--catalog", help="run against this existing catalog database instead (read only)")
    parser.add_argument("--pages", type=int, default=50, help="--catalog: OAI-PMH pages a run")
    args = parser.parse_args()
    if args.catalog:
        catalog_run(args.catalog, args.pages)
        return

    url = import_bench.prepare_database()
    import_bench._setup_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import RequestFactory

    from catalog.exporting import export_marcxml
    from catalog.ingest import import_bytes
    from consortium.models import Library
    from interop import sru

    call_command("migrate", verbosity=0)
    library = Library.objects.create(
        name="SMA Bench",
        code="BENCH",
        npsn="19999999",
        level="sma",
        city="Medan",
        province="Sumatera Utara",
        status="active",
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.mrc"
        import_bench.generate_marc(path, args.records)
        data = path.read_bytes()
    started = time.perf_counter()
    report = import_bytes(library=library, data=data)
    print(f"imported {report.records_read} records ({report.created} new) in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    rf = RequestFactory()

    # Reference: export_records of the same library (MARCXML, the catalog's own export).
    started = time.perf_counter()
    exported = sum(len(chunk) for chunk in export_marcxml(library))
    export_seconds = time.perf_counter() - started

    # Full OAI-PMH harvest of the library's set, through resumption tokens.
    settings.INTEROP_OAI_PAGE_SIZE = args.page
    params = {"verb": "ListRecords", "metadataPrefix": "marc21", "set": f"library:{library.code}"}
    started = time.perf_counter()
    harvested, pages, size, page_times = harvest(rf, params)
    harvest_seconds = time.perf_counter() - started

    # SRU searchRetrieve, 50 MARCXML records a response.
    served = 0
    sru_times = []
    for repeat in range(3):
        for word in SRU_WORDS:
            query = f'cql.serverChoice all "{word}"'
            t0 = time.perf_counter()
            response = sru.sru(
                rf.get(
                    "/sru",
                    {
                        "version": "1.2",
                        "operation": "searchRetrieve",
                        "query": query,
                        "maximumRecords": "50",
                        "startRecord": str(1 + 50 * repeat),
                    },
                    HTTP_HOST="localhost",
                )
            )
            sru_times.append(time.perf_counter() - t0)
            served += response.content.count(b"<srw:recordPosition>")
    sru_seconds = sum(sru_times)

    print()
    print("| measure | records | seconds | records/s | notes |")
    print("|---|---|---|---|---|")
    print(
        f"| export_records (MARCXML, reference) | {args.records} | {export_seconds:.2f} | "
        f"{args.records / export_seconds:,.0f} | {exported / 2**20:.1f} MB |"
    )
    print(
        f"| OAI-PMH full harvest (ListRecords marc21, set library:BENCH) | {harvested} | {harvest_seconds:.2f} | "
        f"{harvested / harvest_seconds:,.0f} | {pages} pages of {args.page}, median page "
        f"{statistics.median(page_times) * 1000:.0f} ms, {size / 2**20:.1f} MB; "
        f"{harvest_seconds / export_seconds:.2f}x the export |"
    )
    print(
        f"| SRU searchRetrieve (marcxml, 50 a page) | {served} | {sru_seconds:.2f} | {served / sru_seconds:,.0f} | "
        f"{len(sru_times)} requests, median {statistics.median(sru_times) * 1000:.0f} ms |"
    )


if __name__ == "__main__":
    main()
