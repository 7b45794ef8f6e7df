"""Imports into a grown catalog, alone and eight at once.

    DEBUG=1 .venv/bin/python bench/search_bench.py generate --db silang_bench_search --records 1000000   # once
    DEBUG=1 .venv/bin/python bench/concurrent_bench.py [--records 20000] [--libraries 8] [--db NAME] [--crowd N] \
        [--repeat N]

Measures, in one run, on the same generated MARC file (bench/import_bench.py's generator; 1-5 copies each):

  empty     the file imported into a freshly migrated, empty database (the reference)
  grown     the same file imported, by a new library, into the 1M-record catalog (silang_bench_search):
            imports must not slow down as the consortium grows (target: >= 90 % of the empty rate)
  at once   --libraries new libraries each importing that file into the 1M catalog, all started together:
            total throughput, the slowest import, and whether every import finished with its counts adding up
            and no record doubled

Every import runs in a process of its own, as a worker's would. What a run adds to the grown catalog (its
libraries' copies and sources, the records it created) is removed afterwards, so every run starts from the same
catalog. `--crowd N` first adds, once, N records of the import generator's own small vocabulary (five libraries,
seeds of their own, kept between runs), then runs the nightly task that keeps every record's deduplication
features: a catalog whose blocking keys the file's records share with ~20 earlier records each, as a consortium
whose schools all hold the same textbook series would have. Figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
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
        cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM catalog_record")
        return cursor.fetchone()


def forget(url: str, codes: list[str], after: int) -> None:
    """Remove what the run's libraries added: their copies, sources, jobs and review entries, the records created
    after record id `after`, and the libraries."""
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("CREATE TEMP TABLE gone AS SELECT id FROM consortium_library WHERE code = ANY(%s)", [codes])
        for sql in (
            "DELETE FROM catalog_matchreview WHERE record_id > %(after)s OR candidate_id > %(after)s"
            " OR source_id IN (SELECT id FROM catalog_sourcerecord WHERE library_id IN (SELECT id FROM gone))",
            "DELETE FROM catalog_distinctpair WHERE low_id > %(after)s OR high_id > %(after)s",
            "DELETE FROM catalog_recordtombstone WHERE merged_into_id > %(after)s",
            "DELETE FROM catalog_holding WHERE library_id IN (SELECT id FROM gone)",
            "DELETE FROM catalog_sourcerecord WHERE library_id IN (SELECT id FROM gone)",
            "DELETE FROM catalog_importjob WHERE library_id IN (SELECT id FROM gone)",
            "DELETE FROM catalog_record WHERE id > %(after)s",
            "DELETE FROM consortium_library WHERE id IN (SELECT id FROM gone)",
        ):
            cursor.execute(sql, {"after": after})
    conn = psycopg2.connect(url)
    conn.autocommit = True
    conn.cursor().execute("VACUUM ANALYZE catalog_record, catalog_holding, catalog_sourcerecord")
    conn.close()


def crowd(url: str, records: int) -> None:
    """Once per catalog: `records` records of the import generator's vocabulary, in five libraries (CROWD1-5)."""
    import import_bench
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM consortium_library WHERE code LIKE 'CROWD%%'")
        if cursor.fetchone()[0]:
            return
    for n in range(1, 6):
        path = ROOT / "bench" / "out" / f"crowd_{n}.mrc"
        # ISBNs 978605-978609: never the run's file's (9786xx, xx >= 10)
        import_bench.generate_marc(path, records // 5, seed=1000 + n, isbn_prefix=f"97860{n + 4}")
        result(spawn(url, f"CROWD{n}", path))
        path.unlink()
    # The catalog as it is the next day: the nightly task has kept every record's deduplication features.
    keep = "import django; django.setup(); from catalog.dedup import keep_missing_features; keep_missing_features()"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "consortium.settings"}
    subprocess.run([sys.executable, "-c", keep], cwd=ROOT, env=env, check=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        one_import(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--libraries", type=int, default=8)
    parser.add_argument("--db", default=GROWN_DB, help="the grown catalog (search_bench.py generate)")
    parser.add_argument("--crowd", type=int, default=0, help="records of the generator's vocabulary added first")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each alone import, alternating; medians")
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

    # The grown catalog is migrated by `search_bench.py generate` (and `manage.py migrate` with its URL).
    grown = _url(args.db)
    if args.crowd:
        crowd(grown, args.crowd)
    before, last_id = count_records(grown)
    alone = [f"G{stamp}{n}" for n in range(args.repeat)]
    codes = [*alone, *(f"C{stamp}{n}" for n in range(args.libraries))]
    empties, growns = [], []
    try:
        # Alternating, so that a slower minute of the machine falls on both: the reference in an empty, freshly
        # migrated database, then the grown catalog (each run but the last removed again: every run creates the
        # file's records there, and the imports at once below meet them).
        for run, code in enumerate(alone):
            empty = import_bench.prepare_database()
            subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True,
                           env={**os.environ, "DATABASE_URL": empty, "DEBUG": "1"})  # fmt: skip
            empties.append(result(spawn(empty, "EMPTY", path)))
            growns.append(result(spawn(grown, code, path)))
            if run < len(alone) - 1:
                forget(grown, [code], last_id)
        if args.repeat > 1:
            print("empty runs:", ", ".join(f"{r['seconds']:.2f} s" for r in empties))
            print("grown runs:", ", ".join(f"{r['seconds']:.2f} s" for r in growns))
        run_at_once(args, grown, codes[len(alone) :], path, _median(empties), _median(growns), before)
    finally:
        forget(grown, codes, last_id)
        path.unlink()


def _median(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def run_at_once(args, grown: str, codes: list[str], path: Path, alone_empty: dict, alone_grown: dict, before: int):
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
    processes = [spawn(grown, code, path) for code in codes]
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


if __name__ == "__main__":
    main()
