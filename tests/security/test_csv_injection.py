"""Every CSV Silang writes goes through consortium.csvwriter, which neutralises formula cells (OWASP)."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from catalog.models import Holding, Record
from consortium import csvwriter

ROOT = Path(__file__).resolve().parents[2]
FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\tTAB", "\rCR", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_are_quoted(value):
    assert csvwriter.safe_cell(value) == "'" + value
    row = next(csv.reader(io.StringIO(csvwriter.line(["ok", value, 5, -3]))))
    assert row == ["ok", "'" + value, "5", "-3"]


def test_harmless_text_and_numbers_are_kept():
    assert csvwriter.safe_cell("Bumi Manusia") == "Bumi Manusia"
    assert csvwriter.safe_cell(-4) == -4
    assert csvwriter.safe_cell("") == ""


def test_no_module_writes_csv_by_itself():
    """csv.writer/DictWriter appear only in the one writer (catalog/demo.py writes an import fixture file)."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "var/", "tests/", "bench/")) or "/migrations/" in relative:
            continue
        # catalog/demo.py and interop/ucs.py write CSV that the importer reads, never a file for people.
        if relative in ("consortium/csvwriter.py", "catalog/demo.py", "interop/ucs.py"):
            continue
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(relative)
    assert offenders == []


@pytest.mark.django_db
def test_catalog_export_neutralises_formulas(client, school):
    record = Record.objects.create(title='=HYPERLINK("http://evil","klik")', publisher="+62 Penerbit", summary="@x")
    Holding.objects.create(record=record, library=school, barcode="-1", call_number="=cmd|' /C calc'!A0")
    from catalog.exporting import export_csv

    text = b"".join(export_csv(None)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    for row in rows:
        for value in row.values():
            assert not (value or "").startswith(("=", "+", "-", "@", "\t", "\r")), row
    mine = [row for row in rows if row["barcode"] == "'-1"]
    assert mine and mine[0]["title"].startswith("'=HYPERLINK")


@pytest.mark.django_db
def test_statistics_csv_neutralises_formulas(client, coordinator, other_school):
    other_school.name = "=1+1 Sekolah"
    other_school.save(update_fields=["name"])
    client.force_login(coordinator)
    response = client.get(reverse("loans:stats") + "?format=csv")
    assert response.status_code == 200
    for row in csv.reader(io.StringIO(response.content.decode())):
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
