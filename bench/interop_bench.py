"""Interop benchmark: SRU searchRetrieve and OAI-PMH ListRecords throughput (records of MARCXML served per second),
and a full OAI-PMH harvest of one library timed against export_records of the same library (same run, same data).

    DEBUG=1 .venv/bin/python bench/interop_bench.py --records 20000

Builds its own database (silang_bench_interop, dropped and re-created): one library's generated MARC file
(bench/import_bench.py's generator, 1-5 copies per record in 852) imported through the import pipeline. Requests
go to the views in this process (Django's RequestFactory: no HTTP server, no network), so the figures are the
server's own work: query, MARC writing (catalog.exporting.marc_for), XML serialisation.
"""

from __future__ import annotations

import argparse
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
SRU_WORDS = ["sejarah", "indonesia", "cerita rakyat", "matematika", "science", "novel", "kamus", "budaya", "guide"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--page", type=int, default=100, help="OAI-PMH records per response")
    args = parser.parse_args()

    url = import_bench.prepare_database()
    import_bench._setup_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import RequestFactory
    from lxml import etree

    from catalog.exporting import export_marcxml
    from catalog.ingest import import_bytes
    from consortium.models import Library
    from interop import oai, sru

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
    harvested = pages = 0
    size = 0
    page_times = []
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        response = oai.oai(rf.get("/oai", params, HTTP_HOST="localhost"))
        page_times.append(time.perf_counter() - t0)
        size += len(response.content)
        root = etree.fromstring(response.content)
        harvested += len(root.findall(".//{http://www.openarchives.org/OAI/2.0/}record"))
        pages += 1
        token = root.findtext(".//{http://www.openarchives.org/OAI/2.0/}resumptionToken")
        if not token:
            break
        params = {"verb": "ListRecords", "resumptionToken": token}
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
