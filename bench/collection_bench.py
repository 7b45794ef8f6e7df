"""Collection analysis benchmark (issue 19): the overlap and gap figures on a big synthetic catalog.

    # build a catalog (records, 1-5 copies each at 500 schools of uneven size; search_bench's generator)
    DEBUG=1 .venv/bin/python bench/collection_bench.py generate --db silang_bench_acq --records 200000
    # compute the figures and time the pages that read them
    DEBUG=1 .venv/bin/python bench/collection_bench.py run --db silang_bench_acq --repeat 3

Measured:
  reference   SELECT count(*) FROM (SELECT DISTINCT record_id, library_id FROM catalog_holding): the least any
              overlap computation must read, timed in the same run (the machine's speed drifts)
  compute     acquisitions.analysis.analysis_compute(): per school x class figures, every pair of schools,
              gap and responsibility figures, in one transaction (the nightly job)
  pages       whole requests through Django, in-process, as a coordinator, after the compute: the school table
              (whole collection and one DDC tens class), the overlap heat map (30 schools drawn), the gap page,
              one school's page, and the overlap CSV of every pair
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings")
os.environ.setdefault("DEBUG", "1")


def generate(args) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "search_bench.py"),
            "generate",
            "--db",
            args.db,
            "--records",
            str(args.records),
            "--libraries",
            str(args.libraries),
        ],
        check=True,
    )


def _use_db(name: str) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from search_bench import _db_url

    os.environ["DATABASE_URL"] = _db_url(name)


def _prepare() -> None:
    """Curriculum subjects, enrolments and a collecting duty, as a real network would have (idempotent)."""
    from acquisitions.models import CollectingResponsibility, CurriculumSubject, Enrolment
    from agreements.models import Agreement, Party
    from consortium.models import Library

    for name, prefix in (
        ("Matematika", "51"),
        ("Fisika", "53"),
        ("Biologi", "57"),
        ("Sejarah", "959"),
        ("Ekonomi", "33"),
    ):
        CurriculumSubject.objects.get_or_create(name=name, level="sma", defaults={"ddc_prefix": prefix})
    for library in Library.objects.filter(enrolment__isnull=True).order_by("pk"):
        Enrolment.objects.create(library=library, students=300 + library.pk % 900)
    agreement, created = Agreement.objects.get_or_create(
        number="BENCH/001",
        defaults={"title": "Bench", "forms": ["acquisition"], "status": "active", "start_on": "2020-01-01"},
    )
    if created:
        first, second = Library.objects.order_by("pk")[:2]
        for library in (first, second):
            Party.objects.create(agreement=agreement, library=library)
        CollectingResponsibility.objects.create(
            agreement=agreement, library=first, label="Sains", ddc_from=500, ddc_to=599.999
        )
        CollectingResponsibility.objects.create(
            agreement=agreement, library=second, label="Sejarah", ddc_from=900, ddc_to=999.999
        )


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def run(args) -> None:
    _use_db(args.db)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from acquisitions.analysis import analysis_compute
    from consortium.models import Library, Profile

    setup_test_environment()
    _prepare()
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM catalog_record), (SELECT count(*) FROM catalog_holding)")
        records, holdings = cursor.fetchone()
    libraries = Library.objects.filter(status="active").count()
    print(f"catalog: {records:,} records, {holdings:,} holdings, {libraries} schools")

    def reference():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM (SELECT DISTINCT record_id, library_id FROM catalog_holding) x")
            cursor.fetchone()

    user, _created = get_user_model().objects.get_or_create(username="bench_coordinator")
    Profile.objects.update_or_create(user=user, defaults={"role": "coordinator"})
    client = Client()
    client.force_login(user)
    school = Library.objects.order_by("pk").first()
    pages = {
        "schools (whole collection)": "/collections/",
        "schools (DDC tens 51)": "/collections/?scheme=t&klass=51",
        "overlap heat map (30 drawn)": "/collections/overlap/",
        "gaps": "/collections/gaps/",
        f"one school ({school.code})": f"/collections/schools/{school.code}/",
        "overlap CSV (every pair)": "/collections/overlap/?format=csv",
    }
    results: dict[str, list[float]] = {"reference": [], "compute": [], **{name: [] for name in pages}}
    run_row = None
    for round_no in range(args.repeat):
        results["reference"].append(_timed(reference))
        start = time.perf_counter()
        run_row = analysis_compute()
        results["compute"].append(time.perf_counter() - start)
        for name, url in pages.items():
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            results[name].append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            if round_no == 0 and name.startswith("overlap CSV"):
                lines = body.count(b"\n") - 1
                print(f"  overlap CSV: {lines:,} pairs, {len(body) / 1e6:.1f} MB")
        print(f"  pass {round_no + 1}: compute {results['compute'][-1]:.2f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM acquisitions_schoolpairstat WHERE run_id = %s", [run_row.pk])
        pairs = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM acquisitions_schoolclassstat WHERE run_id = %s", [run_row.pk])
        class_rows = cursor.fetchone()[0]
    print(f"figures kept: {pairs:,} school pairs, {class_rows:,} school x class rows")
    print("\n| measure | median | runs |\n|---|---|---|")
    for name, values in results.items():
        runs = ", ".join(f"{v:.3f}" for v in values)
        print(f"| {name} | {statistics.median(values):.3f} s | {runs} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--db", default="silang_bench_acq")
    gen.add_argument("--records", type=int, default=1_000_000)
    gen.add_argument("--libraries", type=int, default=500)
    runp = sub.add_parser("run")
    runp.add_argument("--db", default="silang_bench_acq")
    runp.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    {"generate": generate, "run": run}[args.command](args)


if __name__ == "__main__":
    main()
