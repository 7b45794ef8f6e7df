"""The importer's lean ISO 2709 reader must read every record exactly as pymarc does, or leave it to pymarc."""

import pymarc
import pytest

from catalog.ingest import iso2709
from catalog.ingest.bibdata import TAGS_READ, from_marc
from catalog.ingest.readers import marc21_entry, split_marc21

MARC_FILES = [
    "evergreen_jazz_1k.mrc",  # MARC-8, mostly plain ASCII
    "evergreen_lul_fre_100.mrc",  # MARC-8 French
    "evergreen_FSL.marc",
    "evergreen_nepali.marc",  # UTF-8, Devanagari
    "evergreen_oss.marc",
]


def entries(data: bytes, *, lean: bool):
    return [marc21_entry(number, body, lean=lean) for number, body in enumerate(split_marc21(data), start=1)]


@pytest.mark.parametrize("name", MARC_FILES)
def test_lean_reader_gives_the_same_entries_as_pymarc(name, data_file):
    data = data_file(name).read_bytes()
    assert entries(data, lean=True) == entries(data, lean=False)


def test_lean_reader_takes_utf8_and_plain_ascii_records_and_leaves_marc8_to_pymarc(data_file):
    def lean_share(name):
        bodies = split_marc21(data_file(name).read_bytes())
        taken = 0
        for body in bodies:
            try:
                iso2709.read(body + b"\x1d", TAGS_READ)
                taken += 1
            except iso2709.NotLean:
                pass
        return taken, len(bodies)

    assert lean_share("evergreen_nepali.marc") == (96, 96)  # declared UTF-8
    taken, total = lean_share("evergreen_jazz_1k.mrc")
    assert 800 < taken < total  # plain ASCII ones; those with MARC-8 letters or escapes go to pymarc


def one_record(**changes) -> bytes:
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 a 4500")
    record.add_field(pymarc.Field(tag="001", data="X1"))
    record.add_field(
        pymarc.Field(tag="245", indicators=["1", "0"], subfields=[pymarc.Subfield("a", changes.get("title", "Judul"))])
    )
    record.add_field(
        pymarc.Field(tag="500", indicators=[" ", " "], subfields=[pymarc.Subfield("a", changes.get("note", "Catatan"))])
    )
    record.add_field(
        pymarc.Field(
            tag="852", indicators=[" ", " "], subfields=[pymarc.Subfield("p", "B1"), pymarc.Subfield("c", "R")]
        )
    )
    return record.as_marc()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw.replace(b"Catatan", b"Catat\xff\xfe"), id="invalid UTF-8 in a field not read"),
        pytest.param(lambda raw: raw.replace(b"Judul", b"Jud\xc3l"), id="invalid UTF-8 in the title"),
        pytest.param(lambda raw: raw[:30] + b"x" + raw[31:], id="a letter in the directory"),
        pytest.param(lambda raw: raw[:12] + b"00099" + raw[17:], id="base address off"),
        pytest.param(lambda raw: raw.replace(b"\x1fpB1", b"\x1f\xc3\xa9B1"), id="non-ASCII subfield code"),
        pytest.param(lambda raw: raw.replace(b"Judul", b"Ju\x1bdul")[:9] + b" " + raw[10:], id="MARC-8 escape"),
        pytest.param(lambda raw: raw[:9] + b" " + raw[10:].replace(b"Judul", b"Ju\x07ul"), id="control character"),
    ],
)
def test_damaged_records_read_as_pymarc_reads_them(damage):
    body = damage(one_record()).removesuffix(b"\x1d")
    assert marc21_entry(1, body) == marc21_entry(1, body, lean=False)


def test_damaged_directory_is_left_to_pymarc():
    raw = one_record()
    with pytest.raises(iso2709.NotLean):
        iso2709.read(raw[:30] + b"x" + raw[31:], TAGS_READ)
    lean = iso2709.read(raw, TAGS_READ)
    assert lean.get("245").get("a") == "Judul" and lean.get("500") is None  # not a tag the catalog reads


def test_from_marc_reads_only_the_tags_the_lean_reader_decodes(data_file):
    asked = set()

    class Watching(pymarc.Record):
        def get_fields(self, *tags):
            asked.update(tags)
            return super().get_fields(*tags)

        def get(self, tag, default=None):
            asked.add(tag)
            return super().get(tag, default)

    for name in ("evergreen_jazz_1k.mrc", "evergreen_nepali.marc", "evergreen_FSL.marc"):
        for body in split_marc21(data_file(name).read_bytes()):
            try:
                from_marc(Watching(data=body + b"\x1d", to_unicode=True, force_utf8=True, utf8_handling="replace"))
            except (ValueError, UnicodeDecodeError):
                pass
    assert asked and asked <= TAGS_READ
