"""Deduplication benchmark on the CDLib goldfinch pairs (issue 14).

The goldfinch test set (cdlib/marc-ai, ../shared/data/cdlib_goldfinch_test.json.zip and _labels.csv) holds 10,208
labelled pairs of HathiTrust records (18,980 distinct records). School A imports the first record of every pair,
school B the second, each as one MARC21 file through the normal import path (catalog.ingest.import_bytes);
then, per labelled pair:

  automatic merge   both records ended on one catalog record
  review            the two records are an open entry of the review queue (either way round)

and precision, recall and F1 are printed for automatic merges and for merges plus review, separately for the
pairs on even line numbers of the labels file (the half the weights in catalog.matching were tuned on) and on odd
ones. The HathiTrust cluster id (field CID) is removed before import; it only serves to count merges between
records of different clusters outside the labelled pairs.

    DEBUG=1 .venv/bin/python bench/dedup_bench.py            # figures in bench/README.md

Runs in its own database (silang_bench_dedup, dropped and re-created) on the project's server. Reference of the
same run: the parse limit (catalog.ingest.readers reading and extracting the same records), to set the import's time
against.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
DATA = ROOT.parent / "shared" / "data"
BENCH_DB = "silang_bench_dedup"


def load(data_dir: Path):
    """(records by id as pymarc Records without CID, cluster id by record id, labelled pairs in file order)."""
    import pymarc

    records, clusters = {}, {}
    with zipfile.ZipFile(data_dir / "cdlib_goldfinch_test.json.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith(".json"))
        with archive.open(name) as handle:
            for line in io.TextIOWrapper(handle, encoding="utf-8"):
                if not line.strip():
                    continue
                data = json.loads(line)
                fields = []
                for field in data["fields"]:
                    (tag, value), *_ = field.items()
                    if tag == "CID":
                        clusters_value = value["subfields"][0]["a"]
                        continue
                    fields.append(field)
                data["fields"] = fields
                record = pymarc.parse_json_to_array(json.dumps([data]))[0]
                rid = record["001"].data
                records[rid] = record
                clusters[rid] = clusters_value
    with open(data_dir / "cdlib_goldfinch_test_labels.csv", newline="") as handle:
        pairs = [(row["id1"], row["id2"], row["label"] == "1") for row in csv.DictReader(handle)]
    return records, clusters, pairs


def marc_file(records) -> bytes:
    out = io.BytesIO()
    for record in records:
        record.force_utf8 = True
        record.leader = record.leader[:9] + "a" + record.leader[10:]  # the JSON is UTF-8
        out.write(record.as_marc())
    return out.getvalue()


def prepare_database() -> str:
    import psycopg2

    from consortium.embedded_db import ensure_running

    url = os.environ.get("DATABASE_URL") or ensure_running()
    admin = psycopg2.connect(url.replace("/silang?", "/postgres?"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()
    return url.replace("/silang?", f"/{BENCH_DB}?")


def scores(outcomes: list[tuple[bool, bool]]) -> dict:
    """Precision, recall and F1 of (label, predicted) pairs."""
    tp = sum(1 for label, predicted in outcomes if label and predicted)
    fp = sum(1 for label, predicted in outcomes if not label and predicted)
    fn = sum(1 for label, predicted in outcomes if label and not predicted)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--pairs", type=int, default=0, help="only the first N pairs (a quick run); 0 = all")
    args = parser.parse_args()
    if not (args.data / "cdlib_goldfinch_test.json.zip").exists():
        sys.exit(f"{args.data}/cdlib_goldfinch_test.json.zip not found")

    records, clusters, pairs = load(args.data)
    if args.pairs:
        pairs = pairs[: args.pairs]
    first = list(dict.fromkeys(id1 for id1, _id2, _label in pairs))
    second = list(dict.fromkeys(id2 for _id1, id2, _label in pairs))
    file_a, file_b = marc_file(records[i] for i in first), marc_file(records[i] for i in second)

    os.environ["DATABASE_URL"] = prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from catalog.choices import ReviewStatus
    from catalog.ingest import import_bytes
    from catalog.ingest.readers import read_entries
    from catalog.models import MatchReview, Record, SourceRecord
    from consortium.models import Library

    call_command("migrate", verbosity=0)
    schools = [
        Library.objects.create(code=code, name=f"Bench school {code}", npsn=npsn, level="sma", city="Kota Medan",
                               province="Sumatera Utara", status="active")
        for code, npsn in (("GFA", "19999991"), ("GFB", "19999992"))
    ]  # fmt: skip

    # Same-run reference: the parse limit of the same records.
    started = time.monotonic()
    for data in (file_a, file_b):
        for _entry in read_entries(data, "marc21"):
            pass  # each record read and its fields extracted, then dropped
    parse_seconds = time.monotonic() - started

    translation.activate("en")
    reports = []
    started = time.monotonic()
    for school, data in zip(schools, (file_a, file_b), strict=True):
        reports.append(import_bytes(library=school, data=data, filename=f"goldfinch-{school.code}.mrc"))
    import_seconds = time.monotonic() - started

    record_of = [
        dict(SourceRecord.objects.filter(library=school).values_list("local_id", "record_id")) for school in schools
    ]
    open_reviews = set()
    for record_id, candidate_id in MatchReview.objects.filter(status=ReviewStatus.OPEN).values_list(
        "record_id", "candidate_id"
    ):
        open_reviews.add((record_id, candidate_id))
        open_reviews.add((candidate_id, record_id))

    halves = {"even lines (tuned on)": [], "odd lines (held out)": [], "all": []}
    for index, (id1, id2, label) in enumerate(pairs):
        a, b = record_of[0].get(id1), record_of[1].get(id2)
        merged = a is not None and a == b
        reviewed = (a, b) in open_reviews
        line = index + 2  # line 1 is the header
        for name in ("even lines (tuned on)" if line % 2 == 0 else "odd lines (held out)", "all"):
            halves[name].append((label, merged, reviewed))

    # Merges outside the labelled pairs: catalog records whose sources come from different HathiTrust clusters.
    by_record: dict[int, set[str]] = {}
    for ids in record_of:
        for local_id, record_id in ids.items():
            by_record.setdefault(record_id, set()).add(clusters.get(local_id, local_id))
    mixed = sum(1 for found in by_record.values() if len(found) > 1)

    reviews = MatchReview.objects.filter(status=ReviewStatus.OPEN).count()
    distinct_records = len(set(first) | set(second))
    result = {
        "pairs": len(pairs),
        "distinct goldfinch records": distinct_records,
        "records imported": sum(r.records_read for r in reports),
        "catalog records after": Record.objects.count(),
        "review entries": reviews,
        "review entries per record": round(reviews / distinct_records, 4),
        "catalog records holding records of several HathiTrust clusters": mixed,
        "import seconds (both files)": round(import_seconds, 2),
        "parse limit seconds (same records: catalog.ingest.readers, no dedup, no writes)": round(parse_seconds, 2),
        "import rate / parse rate": round(parse_seconds / import_seconds, 3),
    }
    for name, outcomes in halves.items():
        result[name] = {
            "automatic merges": scores([(label, merged) for label, merged, _reviewed in outcomes]),
            "merges + review": scores([(label, merged or reviewed) for label, merged, reviewed in outcomes]),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
