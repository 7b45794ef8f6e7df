"""Imports into a grown catalog, alone and eight at once.

    DEBUG=1 .venv/bin/python bench/search_bench.py generate --db silang_bench_search --records 1000000   # once
    DEBUG=1 .venv/bin/python bench/concurrent_bench.py [--records 20000] [--libraries 8]

Measures, in one run, on the same generated MARC file (bench/import_bench.py's generator; 1-5 copies each):

  empty     the file imported into a freshly migrated, empty database (the reference)
  grown     the same file imported, by a new library, into the 1M-record catalog (silang_bench_search):
            imports must not slow down as the consortium grows (target: >= 90 % of the empty rate)
  at once   --libraries new libraries each importing that file into the 1M catalog, all started together:
            total throughput, the slowest import, and whether every import finished with its counts adding up
            and no record doubled

Every import runs in a process of its own, as a worker's would. Figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

GROWN_DB = "silang_bench_search"


def _url(name: str) -> str:
    from consortium.embedded_db import ensure_running

    return ensure_running().replace("/silang?", f"/{name}?")


def one_import(url: str, code: str, path: str) -> None:
    """In a child process: create the library, import the file, print the report and the seconds."""
    import os
    import zlib

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings")
    import django

    django.setup()
    from catalog.ingest import import_bytes
    from consortium.models import Library

    library, _ = Library.objects.get_or_create(
        code=code,
        defaults=dict(
            name=f"Bench {code}",
            npsn=f"{zlib.crc32(code.encode()) % 10**8:08d}",
            level="sma",
            city="Kota Medan",
            province="Sumatera Utara",
            status="active",
        ),  # fmt: skip
    )
    data = Path(path).read_bytes()
    started = time.perf_counter()
    report = import_bytes(library=library, data=data, filename=Path(path).name)
    seconds = time.perf_counter() - started
    counted = report.created + report.joined + report.updated + report.unchanged + len(report.skipped)
    print(json.dumps({"seconds": seconds, "report": report.as_dict() | {"skipped": len(report.skipped)},
                      "adds_up": counted == report.records_read}))  # fmt: skip


def spawn(url: str, code: str, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, "--child", url, code, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )


def result(process: subprocess.Popen) -> dict:
    out, _ = process.communicate()
    assert process.returncode == 0, out
    return json.loads(out.strip().splitlines()[-1])


def count_records(url: str) -> tuple[int, int]:
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT match_key) FROM catalog_record")
        return cursor.fetchone()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        one_import(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--libraries", type=int, default=8)
    args = parser.parse_args()

    import import_bench

    # A file new to the grown catalog on every run (its own titles and ISBNs): in the empty database and in the
    # 1M catalog alike, the import then creates its records. With a file imported there before, the grown run
    # would join every record instead (other work: the copies update existing records' summaries), and the two
    # rates would not measure the same thing.
    stamp = time.strftime("%H%M%S")
    seed = int(time.time())
    path = ROOT / "bench" / "out" / f"bench_{args.records}_{seed}.mrc"
    path.parent.mkdir(exist_ok=True)
    prefix = f"9786{seed % 90 + 10:02d}"  # never 978602, the default file's
    import_bench.generate_marc(path, args.records, seed=seed, isbn_prefix=prefix)

    # The reference: an empty, freshly migrated database.
    empty = import_bench.prepare_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True,
                   env={**__import__("os").environ, "DATABASE_URL": empty, "DEBUG": "1"})  # fmt: skip
    alone_empty = result(spawn(empty, "EMPTY", path))
    # The grown catalog is migrated by `search_bench.py generate` (and `manage.py migrate` with its URL).
    grown = _url(GROWN_DB)
    before, _keys = count_records(grown)
    alone_grown = result(spawn(grown, f"G{stamp}", path))
    records = alone_empty["report"]["records_read"]
    rate_empty = records / alone_empty["seconds"]
    rate_grown = records / alone_grown["seconds"]
    print(f"catalog before     {before:>10,} records")
    print(f"file               {records:>10,} records, {alone_empty['report']['holdings_added']:,} copies")
    print(f"empty database     {rate_empty:>10,.0f} records/s ({alone_empty['seconds']:.2f} s)")
    print(f"1M catalog         {rate_grown:>10,.0f} records/s ({alone_grown['seconds']:.2f} s): "
          f"{100 * rate_grown / rate_empty:.0f}% of the empty rate")  # fmt: skip

    after_alone, _ = count_records(grown)
    started = time.perf_counter()
    processes = [spawn(grown, f"C{stamp}{n}", path) for n in range(args.libraries)]
    results = [result(process) for process in processes]
    wall = time.perf_counter() - started
    after, _ = count_records(grown)
    slowest = max(r["seconds"] for r in results)
    fastest = min(r["seconds"] for r in results)
    total = sum(r["report"]["records_read"] for r in results)
    print(f"{args.libraries} at once          {total / wall:>10,.0f} records/s in total ({total:,} records in "
          f"{wall:.1f} s); slowest import {slowest:.1f} s, fastest {fastest:.1f} s")  # fmt: skip
    print(f"all finished       {all(r['report']['rejected'] == '' for r in results)}; counts add up: "
          f"{all(r['adds_up'] for r in results)}; records created by them: {after - after_alone} "
          f"(the file's own new records were already there: 0 expected)")  # fmt: skip
    path.unlink()


if __name__ == "__main__":
    main()
