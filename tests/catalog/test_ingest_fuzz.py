"""Fuzzing the import with the real files of ../shared/data: whatever is done to a file, no exception escapes,
every record is imported or reported, the counts add up, and the library's other holdings are untouched."""

import hashlib
import random

import pytest

from catalog.ingest import import_bytes
from catalog.models import Holding, SourceRecord
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db

MARC_FILES = ["evergreen_lul_fre_100.mrc", "evergreen_oss.marc", "evergreen_nepali.marc", "evergreen_FSL.marc"]
XML_FILES = ["evergreen_badisbns.xml", "evergreen_serials_marc21.xml"]
CSV_FILES = ["slims_sample_biblio.csv"]


def truncations(data: bytes, rng: random.Random):
    for fraction in (0.13, 0.5, 0.87):
        yield f"truncated at {fraction}", data[: int(len(data) * fraction)]


def flipped_bytes(data: bytes, rng: random.Random):
    for round_ in range(3):
        damaged = bytearray(data)
        for _ in range(max(1, len(data) // 2000)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        yield f"bytes flipped ({round_})", bytes(damaged)


def records_of(data: bytes) -> list[bytes]:
    return [body + b"\x1d" for body in data.split(b"\x1d") if body.strip()]


def marc_damage(data: bytes, rng: random.Random):
    records = records_of(data)
    picks = rng.sample(range(len(records)), min(5, len(records)))

    def with_each(change):
        changed = list(records)
        for index in picks:
            changed[index] = change(changed[index])
        return b"".join(changed)

    def directory_lengths(record: bytes) -> bytes:
        damaged = bytearray(record)
        damaged[24 + 3 : 24 + 7] = b"9%03d" % rng.randrange(1000)  # the first entry's field length
        return bytes(damaged)

    def directory_non_ascii(record: bytes) -> bytes:
        damaged = bytearray(record)
        damaged[30] = 0xE9
        return bytes(damaged)

    def huge_field(record: bytes) -> bytes:
        # A 245 longer than a directory entry can say (over 9,999 bytes), the record longer than 99,999.
        return record[:-2] + b"\x1fa" + b"panjang " * 14000 + b"\x1e\x1d"

    def out_of_range(record: bytes) -> bytes:
        return record.replace(b"\x1fa", b"\x1fa99999999999 p. ", 1)

    def nul(record: bytes) -> bytes:
        return record.replace(b"\x1fa", b"\x1fa\x00", 1)

    def invalid_utf8(record: bytes) -> bytes:
        return record.replace(b"\x1fa", b"\x1fa\xff\xfe", 1)

    def cut_escape(record: bytes) -> bytes:
        return record.replace(b"\x1fa", b"\x1fa\x1b$", 1)

    def leader_letters(record: bytes) -> bytes:
        return b"abcde" + record[5:]

    for name, change in [
        ("directory lengths corrupted", directory_lengths),
        ("directory not ASCII", directory_non_ascii),
        ("fields longer than allowed", huge_field),
        ("out-of-range numbers", out_of_range),
        ("NUL bytes", nul),
        ("invalid UTF-8", invalid_utf8),
        ("MARC-8 escapes cut short", cut_escape),
        ("leader without a length", leader_letters),
    ]:
        yield name, with_each(change)


def csv_damage(data: bytes, rng: random.Random):
    lines = data.split(b"\n")
    yield "a 1 MB line", b"\n".join(lines[:3] + [lines[3] + b"x" * 1_000_000] + lines[4:])
    yield "NUL bytes", data.replace(b",", b",\x00", 5)
    yield "invalid UTF-8", data.replace(b"a", b"\xff", 3)
    yield "a 1 MB first line", b"title" + b"y" * 1_000_000 + b"\n" + data


def xml_damage(data: bytes, rng: random.Random):
    yield "control characters", data.replace(b'<subfield code="a">', b'<subfield code="a">\x1b', 5)
    yield "NUL character reference", data.replace(b'<subfield code="a">', b'<subfield code="a">&#0;', 3)


def digest(library) -> str:
    rows = (
        Holding.objects.filter(library=library)
        .order_by("barcode")
        .values_list("barcode", "record_id", "call_number", "status", "version")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def check(school, other_school, name, data, filename, before):
    report = import_bytes(library=school, data=data, filename=filename)  # nothing may escape
    if report.rejected:
        assert report.records_read == 0, name
    else:
        accounted = report.created + report.joined + report.updated + report.unchanged + len(report.skipped)
        assert report.records_read == accounted, (name, report.as_dict())
        for skipped in report.skipped:
            assert skipped["reason"], name
    assert digest(other_school) == before, name  # the other library's holdings are untouched
    # Nothing is written that the report does not account for.
    Holding.objects.filter(library=school).delete()
    SourceRecord.objects.filter(library=school).delete()


def _prepared(other_school, name):
    import_bytes(library=other_school, data=shared_file(name).read_bytes(), filename=name)
    return digest(other_school)


@pytest.mark.parametrize("name", MARC_FILES)
def test_fuzzed_marc_files(name, school, other_school):
    data = shared_file(name).read_bytes()
    before = _prepared(other_school, name)
    rng = random.Random(name)
    for generator in (truncations, flipped_bytes, marc_damage):
        for label, damaged in generator(data, rng):
            check(school, other_school, f"{name}: {label}", damaged, name, before)


@pytest.mark.parametrize("name", XML_FILES)
def test_fuzzed_marcxml_files(name, school, other_school):
    data = shared_file(name).read_bytes()
    before = _prepared(other_school, name)
    rng = random.Random(name)
    for generator in (truncations, flipped_bytes, xml_damage):
        for label, damaged in generator(data, rng):
            check(school, other_school, f"{name}: {label}", damaged, name, before)


@pytest.mark.parametrize("name", CSV_FILES)
def test_fuzzed_csv_files(name, school, other_school):
    data = shared_file(name).read_bytes()
    before = _prepared(other_school, name)
    rng = random.Random(name)
    for generator in (truncations, flipped_bytes, csv_damage):
        for label, damaged in generator(data, rng):
            check(school, other_school, f"{name}: {label}", damaged, name, before)
