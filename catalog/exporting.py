"""Export one library's records or the whole union catalog as MARC21, MARCXML or CSV (holdings in 852)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pymarc
from django.db.models import Prefetch

from consortium.models import Library

from .choices import SourceFormat
from .ingest.bibdata import to_marc
from .ingest.readers import SILANG_COLUMNS, _decode_marc
from .models import Holding, Record, SourceRecord

FORMATS = {"marc": "application/marc", "marcxml": "application/marcxml+xml", "csv": "text/csv"}
EXTENSIONS = {"marc": "mrc", "marcxml": "xml", "csv": "csv"}
LOCAL_ITEM_TAGS = ("852", "949", "952")
# Characters XML 1.0 does not allow (control characters other than tab, newline, carriage return; surrogates;
# U+FFFE and U+FFFF). ISO 2709 and CSV exports get the same text, so all three say the same thing.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class ExportTally:
    records: int = 0
    characters_replaced: int = 0
    records_with_replacements: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def xml_safe(marc: pymarc.Record) -> int:
    """Replace, in place, what XML 1.0 cannot carry: by a space in the leader and 008 (fixed positions), by U+FFFD
    in text. Returns how many characters were replaced."""
    replaced = 0

    def fix(value: str, by: str) -> str:
        nonlocal replaced
        fixed, count = NOT_XML.subn(by, value)
        replaced += count
        return fixed

    leader = str(marc.leader)
    if NOT_XML.search(leader):
        marc.leader = pymarc.Leader(fix(leader, " "))
    for field in marc.fields:
        if field.is_control_field():
            if field.data and NOT_XML.search(field.data):
                field.data = fix(field.data, " ")
            continue
        if any(NOT_XML.search(sub.value or "") for sub in field.subfields):
            field.subfields = [pymarc.Subfield(sub.code, fix(sub.value or "", "\ufffd")) for sub in field.subfields]
    return replaced


def records_for_export(library: Library | None):
    records = Record.objects.order_by("pk")
    holdings = (
        Holding.objects.select_related("library").exclude(status="withdrawn").order_by("library__code", "barcode")
    )
    sources = SourceRecord.objects.order_by("pk")
    if library is not None:
        records = records.filter(sources__library=library).distinct()
        holdings = holdings.filter(library=library)
        sources = sources.filter(library=library)
    return records.prefetch_related(Prefetch("holdings", queryset=holdings), Prefetch("sources", queryset=sources))


def marc_for(record: Record) -> pymarc.Record:
    """The record as a school sent it (its first MARC source), else built from the catalog's columns,
    with the holdings as 852 fields in place of any local item fields."""
    marc = None
    for source in record.sources.all():
        data = bytes(source.data)
        try:
            if source.format == SourceFormat.MARC21:
                marc = _decode_marc(data)
            elif source.format == SourceFormat.MARCXML:
                marc = pymarc.parse_xml_to_array(io.BytesIO(data), strict=False)[0]
        except Exception:  # a source we can no longer read falls back to the catalog's columns
            marc = None
        if marc is not None:
            break
    if marc is None:
        marc = to_marc(
            {
                field: getattr(record, field)
                for field in (
                    "title",
                    "subtitle",
                    "responsibility",
                    "authors",
                    "publisher",
                    "place",
                    "year",
                    "edition",
                    "isbns",
                    "language",
                    "subjects",
                    "ddc",
                    "series",
                    "physical_description",
                    "summary",
                )
            }
        )
    marc.remove_fields(*LOCAL_ITEM_TAGS)
    leader = list(str(marc.leader))
    leader[9] = "a"  # we always write UTF-8
    marc.leader = pymarc.Leader("".join(leader))
    marc.force_utf8 = True
    for holding in record.holdings.all():
        subfields = [pymarc.Subfield("a", holding.library.code), pymarc.Subfield("b", holding.library.name)]
        if holding.shelf_location:
            subfields.append(pymarc.Subfield("c", holding.shelf_location))
        if holding.call_number:
            subfields.append(pymarc.Subfield("h", holding.call_number))
        subfields.append(pymarc.Subfield("p", holding.barcode))
        if holding.copy_number:
            subfields.append(pymarc.Subfield("t", str(holding.copy_number)))
        subfields.append(pymarc.Subfield("z", holding.get_status_display()))
        marc.add_field(pymarc.Field(tag="852", indicators=[" ", " "], subfields=subfields))
    return marc


def library_sources(library: Library):
    """A library's export gives back each record it sent, in the order received, with its own copies."""
    holdings = Holding.objects.select_related("library").exclude(status="withdrawn").order_by("barcode")
    return (
        SourceRecord.objects.filter(library=library)
        .select_related("record")
        .order_by("pk")
        .prefetch_related(Prefetch("holdings", queryset=holdings))
    )


class _SourceView:
    """Looks like a Record to marc_for(), with just one source and that source's holdings."""

    def __init__(self, source: SourceRecord):
        self._source = source
        self.record = source.record

    def __getattr__(self, name):
        return getattr(self.record, name)

    @property
    def sources(self):
        return _Listing([self._source])

    @property
    def holdings(self):
        return self._source.holdings


class _Listing(list):
    def all(self):
        return self


def marc_records(library: Library | None, tally: ExportTally | None = None) -> Iterator[pymarc.Record]:
    tally = tally if tally is not None else ExportTally()
    if library is None:
        found = (marc_for(record) for record in records_for_export(None).iterator(chunk_size=500))
    else:
        found = (marc_for(_SourceView(source)) for source in library_sources(library).iterator(chunk_size=500))
    for marc in found:
        replaced = xml_safe(marc)
        if replaced:
            tally.characters_replaced += replaced
            tally.records_with_replacements += 1
        tally.records += 1
        yield marc


def export_marc(library: Library | None, tally: ExportTally | None = None) -> Iterator[bytes]:
    for marc in marc_records(library, tally):
        yield marc.as_marc()


def export_marcxml(library: Library | None, tally: ExportTally | None = None) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n'
    for marc in marc_records(library, tally):
        yield pymarc.record_to_xml(marc, namespace=False) + b"\n"
    yield b"</collection>\n"


CSV_COLUMNS = SILANG_COLUMNS + ["library", "status"]


def _csv_line(values: list) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue().encode()


def export_csv(library: Library | None, tally: ExportTally | None = None) -> Iterator[bytes]:
    tally = tally if tally is not None else ExportTally()
    yield b"\xef\xbb\xbf" + _csv_line(CSV_COLUMNS)  # BOM: spreadsheets then open it as UTF-8
    for record in records_for_export(library).iterator(chunk_size=500):
        tally.records += 1
        base = [
            record.pk,
            record.title,
            record.subtitle,
            "; ".join(f"{a['name']} ({a.get('role', 'author')})" for a in record.authors),
            record.publisher,
            record.place,
            record.year or "",
            record.edition,
            "; ".join(record.isbns),
            record.issn,
            record.language,
            record.material_type,
            "; ".join(record.subjects),
            record.ddc,
            record.series,
            record.physical_description,
            record.summary,
        ]
        holdings = list(record.holdings.all()) or [None]
        for holding in holdings:
            if holding is None:
                yield _csv_line(base + ["", "", "", "", "", "", ""])
            else:
                yield _csv_line(
                    base
                    + [
                        holding.barcode,
                        holding.call_number,
                        holding.shelf_location,
                        holding.copy_number or "",
                        "1" if holding.ill_allowed else "0",
                        holding.library.code,
                        holding.status,
                    ]
                )


EXPORTERS = {"marc": export_marc, "marcxml": export_marcxml, "csv": export_csv}
