"""Import benchmark: a generated MARC file of N records (default 100,000), imported end to end, against
two references measured in the same run on the same data:

  parse   pymarc reading the file and extracting the catalog's fields (ingest.bibdata.from_marc): the parse limit
          (also printed, for comparison: the importer's lean reader, catalog.ingest.iso2709, with the same extraction)
  copy    a raw Postgres COPY of the same rows (records and holdings) into tables of the same shape: the write limit
  import  catalog.ingest.pipeline.import_bytes: parse, deduplicate (ISBN and match key), write records, sources,
          holdings, with the search-index triggers firing: the real thing

    DEBUG=1 .venv/bin/python bench/import_bench.py --records 100000

Runs in its own database (silang_bench_import, dropped and re-created) on the same server as the project; each
measurement runs in a fresh process of its own, one after the other.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
BENCH_DB = "silang_bench_import"
SERVER_URL = os.environ.get("DATABASE_URL")  # the project's database; the bench's own is made beside it

WORDS_ID = (
    "buku sejarah cerita rakyat indonesia bahasa pelajaran sekolah ilmu pengetahuan alam sosial matematika "
    "fisika kimia biologi ekonomi geografi budaya seni musik kota desa pulau laut gunung sungai hutan hewan "
    "kesehatan teknologi komputer perpustakaan kamus atlas pahlawan kemerdekaan batak medan sumatera pelangi "
    "matahari bulan novel puisi dongeng legenda petualangan remaja panduan praktis lengkap dasar"
).split()
WORDS_EN = (
    "history science world guide introduction modern english grammar reading writing mathematics physics "
    "chemistry biology geography computer programming story stories children young adult novel poetry tales "
    "adventure mystery school library practical complete basic handbook dictionary atlas ocean forest"
).split()
SURNAMES = (
    "Siregar Nasution Lubis Harahap Sinaga Simanjuntak Tarigan Ginting Sembiring Hasibuan Batubara Purba "
    "Saragih Damanik Manurung Panjaitan Pohan Tambunan Santoso Wijaya Hidayat Smith Jones Brown Taylor".split()
)
GIVEN = "Andi Budi Citra Dewi Eko Fitri Gita Hendra Indah Joko Kartika Lestari Maria Nur Putri Rudi Sari".split()
PUBLISHERS = [
    "Gramedia Pustaka Utama",
    "Erlangga",
    "Balai Pustaka",
    "Mizan",
    "Penerbit Andi",
    "Kanisius",
    "Oxford University Press",
    "Penguin",
    "Yudhistira",
    "Intan Pariwara",
]


def generate_marc(path: Path, count: int, seed: int = 1, isbn_prefix: str = "978602") -> None:
    """`isbn_prefix`: six digits; another prefix gives a file whose records share no ISBN with this one's."""
    import pymarc
    from stdnum import ean

    rng = random.Random(seed)
    titles: list[tuple] = []
    with path.open("wb") as out:
        for n in range(count):
            if titles and rng.random() < 0.1:
                title, author, year, publisher, isbn = rng.choice(titles)  # another school's copy: dedup joins it
            else:
                words = WORDS_EN if rng.random() < 0.3 else WORDS_ID
                title = " ".join(rng.choice(words) for _ in range(rng.randint(2, 6))).capitalize()
                author = f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}"
                year = rng.randint(1970, 2025)
                publisher = rng.choice(PUBLISHERS)
                body = f"{isbn_prefix}{n:06d}"
                isbn = body + ean.calc_check_digit(body) if rng.random() < 0.7 else ""
                titles.append((title, author, year, publisher, isbn))
            record = pymarc.Record(force_utf8=True)
            record.leader = pymarc.Leader("00000nam a2200000 a 4500")
            record.add_field(pymarc.Field(tag="001", data=f"B{n:07d}"))
            record.add_field(pymarc.Field(tag="008", data=f"260101s{year}    io            000 0 ind d"))
            if isbn:
                record.add_field(pymarc.Field(tag="020", indicators=[" ", " "], subfields=[pymarc.Subfield("a", isbn)]))
            record.add_field(pymarc.Field(tag="100", indicators=["1", " "], subfields=[pymarc.Subfield("a", author)]))
            record.add_field(
                pymarc.Field(
                    tag="245",
                    indicators=["1", "0"],
                    subfields=[pymarc.Subfield("a", title + " /"), pymarc.Subfield("c", author)],
                )
            )
            record.add_field(
                pymarc.Field(
                    tag="264",
                    indicators=[" ", "1"],
                    subfields=[
                        pymarc.Subfield("a", "Jakarta :"),
                        pymarc.Subfield("b", publisher + ","),
                        pymarc.Subfield("c", str(year)),
                    ],
                )
            )
            record.add_field(
                pymarc.Field(
                    tag="300", indicators=[" ", " "], subfields=[pymarc.Subfield("a", f"{rng.randint(40, 600)} hlm. ;")]
                )
            )
            record.add_field(
                pymarc.Field(
                    tag="650",
                    indicators=[" ", "4"],
                    subfields=[pymarc.Subfield("a", rng.choice(WORDS_ID).capitalize())],
                )
            )
            for copy in range(rng.randint(1, 5)):
                record.add_field(
                    pymarc.Field(
                        tag="852",
                        indicators=[" ", " "],
                        subfields=[
                            pymarc.Subfield("c", "Rak Umum"),
                            pymarc.Subfield("h", f"{rng.randint(0, 999):03d}"),
                            pymarc.Subfield("p", f"BC{n:07d}{copy}"),
                            pymarc.Subfield("t", str(copy + 1)),
                        ],
                    )
                )
            out.write(record.as_marc())


def prepare_database() -> str:
    import psycopg2

    from consortium.embedded_db import ensure_running

    url = SERVER_URL or ensure_running()
    admin = psycopg2.connect(url.replace("/silang?", "/postgres?"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()
    return url.replace("/silang?", f"/{BENCH_DB}?")


def _setup_django(url: str):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings")
    import django

    django.setup()


def measure_parse(data: bytes, *, lean: bool) -> dict:
    """The parse limit: pymarc reads every record and the catalog's fields are extracted (ingest.bibdata.from_marc).
    Streamed, the records dropped as they come: keeping them all in a list makes Python's garbage collector rescan
    them over and over (measured 11,000 instead of 13,200 records/s), which would flatter the import's share.
    `lean`: the same with the importer's own lean reader (catalog.ingest.iso2709), for comparison, not a target."""
    from catalog.ingest.readers import read_marc21

    started = time.perf_counter()
    parsed = sum(1 for _entry in read_marc21(data, lean=lean))
    return {"records": parsed, "seconds": time.perf_counter() - started}


def measure_copy(data: bytes, library_id: int) -> dict:
    """The write limit: raw COPY of the same rows into tables shaped like ours, no triggers or indexes."""
    from django.db import connection

    from catalog.ingest.readers import read_marc21
    from catalog.normalize import match_key

    records_tsv, holdings_tsv = io.StringIO(), io.StringIO()

    def clean(value) -> str:
        return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    count = 0
    for number, entry in enumerate(read_marc21(data), start=1):
        bib = entry.bib
        count += 1
        key = match_key(title=bib.title, first_author=bib.first_author, year=bib.year, publisher=bib.publisher)
        isbns = "{" + ",".join(bib.isbns) + "}"
        fields = [str(number), clean(bib.title), clean(json.dumps(bib.authors)), clean(bib.publisher)]
        fields += [str(bib.year or "\\N"), isbns, clean(key)]
        records_tsv.write("\t".join(fields) + "\n")
        for item in bib.items:
            fields = [str(number), str(library_id), clean(item.barcode), clean(item.call_number)]
            holdings_tsv.write("\t".join([*fields, clean(item.shelf_location)]) + "\n")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE copy_record (id bigint, title text, authors jsonb, publisher text, year int, "
            "isbns varchar(13)[], match_key text)"
        )
        cursor.execute(
            "CREATE TABLE copy_holding (record_id bigint, library_id bigint, barcode text, "
            "call_number text, shelf_location text)"
        )
        records_tsv.seek(0)
        holdings_tsv.seek(0)
        started = time.perf_counter()
        cursor.copy_expert("COPY copy_record FROM STDIN", records_tsv)
        cursor.copy_expert("COPY copy_holding FROM STDIN", holdings_tsv)
        seconds = time.perf_counter() - started
        # Not the import's rows: dropped, or autovacuum picks the fresh tables up in the middle of the import.
        cursor.execute("DROP TABLE copy_record, copy_holding")
    return {"records": count, "seconds": seconds}


def measure_import(data: bytes, library_id: int, filename: str) -> dict:
    from django.db import connection

    from catalog.ingest import import_bytes
    from consortium.models import Library

    library = Library.objects.get(pk=library_id)
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")  # from a quiet server: the references' writes flushed
    started = time.perf_counter()
    report = import_bytes(library=library, data=data, filename=filename)
    seconds = time.perf_counter() - started
    fields = ("records_read", "holdings_added", "created", "joined", "to_review")
    return {"seconds": seconds, **{name: getattr(report, name) for name in fields}, "skipped": len(report.skipped)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs; each figure is their median")
    parser.add_argument("--step", choices=["parse", "lean", "copy", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--library", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    marc_path = ROOT / "bench" / "out" / f"bench_{args.records}.mrc"
    if args.step:
        # One measurement in a process of its own, as a real import runs: none inherits another's leftovers
        # (a heap grown by the references made the import 8 % slower when all ran in one process).
        _setup_django(args.database_url)
        data = marc_path.read_bytes()
        if args.step in ("parse", "lean"):
            result = measure_parse(data, lean=args.step == "lean")
        elif args.step == "copy":
            result = measure_copy(data, args.library)
        else:
            result = measure_import(data, args.library, marc_path.name)
        print(json.dumps(result))
        return

    marc_path.parent.mkdir(exist_ok=True)
    if not marc_path.exists():
        started = time.perf_counter()
        generate_marc(marc_path, args.records)
        print(
            f"generated {marc_path.name} ({marc_path.stat().st_size / 2**20:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s"
        )
    runs = []
    for _ in range(args.repeat):
        runs.append(measure_all(args.records))
    # Each figure is the median of the runs, reference and import alike: this machine's speed drifts by a few
    # per cent from one minute to the next.
    parse, lean, copy, imported = (
        sorted((run[step] for run in runs), key=lambda result: result["seconds"])[(len(runs) - 1) // 2]
        for step in ("parse", "lean", "copy", "import")
    )
    parse_rate = parse["records"] / parse["seconds"]
    lean_rate = lean["records"] / lean["seconds"]
    copy_rate = copy["records"] / copy["seconds"]
    import_rate = imported["records_read"] / imported["seconds"]

    print(f"records            {parse['records']:>10,}")
    print(f"holdings           {imported['holdings_added']:>10,}")
    print(f"parse limit        {parse_rate:>10,.0f} records/s  ({parse['seconds']:.2f} s)")
    print(f"lean reader        {lean_rate:>10,.0f} records/s  ({lean['seconds']:.2f} s, same extraction)")
    print(f"write limit (COPY) {copy_rate:>10,.0f} records/s  ({copy['seconds']:.2f} s)")
    print(
        f"import end to end  {import_rate:>10,.0f} records/s  ({imported['seconds']:.2f} s): "
        f"{100 * import_rate / parse_rate:.0f}% of the parse rate, "
        f"{imported['seconds'] / copy['seconds']:.1f}x the COPY time"
    )
    print(
        f"created {imported['created']:,}, joined {imported['joined']:,}, to review {imported['to_review']:,}, "
        f"skipped {imported['skipped']}"
    )
    if args.repeat > 1:
        for step in ("parse", "import"):
            print(f"{step} runs: " + ", ".join(f"{run[step]['seconds']:.2f} s" for run in runs))


def measure_all(records: int) -> dict:
    """One run: a fresh database, then each measurement in a process of its own."""
    url = prepare_database()
    _setup_django(url)
    from django.core.management import call_command
    from django.db import connections

    from consortium.models import Library

    call_command("migrate", verbosity=0)
    library = Library.objects.create(
        code="BENCH",
        name="Bench School",
        npsn="19999999",
        level="sma",
        city="Kota Medan",
        province="Sumatera Utara",
        status="active",
    )
    connections.close_all()  # the next run drops this database

    def run(step: str) -> dict:
        command = [sys.executable, __file__, "--records", str(records), "--step", step]
        command += ["--database-url", url, "--library", str(library.pk)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    return {step: run(step) for step in ("parse", "lean", "copy", "import")}


if __name__ == "__main__":
    main()
