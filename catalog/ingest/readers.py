"""Readers for the files schools send: MARC21 (ISO 2709, MARC-8 or UTF-8), MARCXML, CSV (Silang and SLiMS).

Each reader yields `Entry` objects, one per record, numbered from 1 in file order. A record that cannot be
read becomes an Entry with `error` set, so the import reports it and goes on with the rest. A problem with
the whole file (empty, unknown format, malformed XML, CSV without a title column) raises `FileRejected`
before anything is written.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import logging
import marshal
import multiprocessing
import os
import re
import threading
import warnings
from collections import deque, namedtuple
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

import pymarc
from django.utils import translation
from django.utils.translation import gettext as _

from ..choices import MaterialType, SourceFormat
from ..matching import FEATURE_INPUTS, Features, block_key_of
from ..matching import features as column_features
from ..normalize import clean_issn, first_year, isbn13, page_count, strip_punct
from . import iso2709, validate
from .bibdata import RECORD_COLUMNS, TAGS_READ, BibData, ItemData, from_marc
from .pgcopy import array_text, copy_row, json_text

RECORD_TERMINATOR = b"\x1d"
# Parsed pieces waiting for the writer, per parse worker: two, so that workers running at a lower priority than the
# writer (settings.CATALOG_IMPORT_HELPER_NICE) still have a piece ready whenever it asks.
PIECES_AHEAD = 2
MARCXML_NS = "http://www.loc.gov/MARC21/slim"


class FileRejected(Exception):
    """The whole file cannot be imported; nothing was written."""


@dataclass
class Entry:
    number: int
    bib: BibData | None = None
    raw: bytes = b""
    error: str = ""
    # Filled by `prepare` for the importer (in the parse workers when there are some).
    match_key: str = ""  # the blocking key (catalog.matching.block_key), kept in Record.match_key
    features: Features | None = None  # what deduplication compares (catalog.matching)
    record_copy: str = ""  # the COPY text of the record's columns (RECORD_COLUMNS)
    vector_input: str = ""  # what the search vector and suggestion words are made of (vector_input_text)
    # What was repaired to read or write the record (shown in the report with the record's number).
    warnings: list[str] = field(default_factory=list)

    def full_bib(self) -> BibData:
        """The whole bibliographic data, re-read from the MARC record when only the importer's part of it came
        back from a parse worker (needed by a re-import that changed a record: rare)."""
        if isinstance(self.bib, ImportBib):
            # Repaired as the worker repaired it (its warnings are in the report already).
            return prepare(marc21_entry(self.number, self.raw.removesuffix(RECORD_TERMINATOR))).bib
        return self.bib


class ImportBib:
    """What the importer reads of a parsed MARC record once `prepare` has made its COPY text: deduplication (ISBNs,
    material type, year, pages), the local id, ISBN warnings and the copies.

    Parse workers send back this part only (`_pack`): the whole BibData cost the importing process ≈ 40 µs a
    record to unpickle, more than Postgres spends writing it."""

    __slots__ = ("local_id", "material_type", "isbns", "bad_isbns", "year", "pages", "items")

    def __init__(self, local_id, material_type, isbns, bad_isbns, year, pages, items):
        self.local_id = local_id
        self.material_type = material_type
        self.isbns = isbns
        self.bad_isbns = bad_isbns
        self.year = year
        self.pages = pages
        self.items = items


# A copy as a parse worker sends it back: what the importer reads of it (its barcode, its status for the record's
# holdings summary, and the COPY text made by `prepare`).
ImportItem = namedtuple("ImportItem", ["barcode", "status", "copy_text", "generated_from"])


def prepare(entry: Entry) -> Entry:
    """Dedup keys and the COPY text of the record's columns, computed once, where the parsing happens."""
    bib = entry.bib
    if bib is None:
        return entry
    fields = bib.record_fields()  # in RECORD_COLUMNS order (tested), lengths cut as the columns hold them
    record_copy = record_copy_text(fields)
    notes = validate.check(bib, record_copy)
    if notes:
        entry.warnings.extend(notes)
        fields = bib.record_fields()
        record_copy = record_copy_text(fields)
    entry.vector_input = vector_input_text(fields)
    entry.record_copy = record_copy
    # Deduplication's blocking key and features (catalog.matching), of the record's columns as written: what a later
    # import computes from the row (or reads from Record.match_features) is the same.
    entry.features = column_features(**{name: fields[name] for name in FEATURE_INPUTS})
    entry.match_key = block_key_of(entry.features.full_title)[: validate.MATCH_KEY_LENGTH]
    for item in bib.items:
        item.copy_text = item_copy_text(item)
    return entry


def record_copy_text(fields: dict) -> str:
    """The record's columns (BibData.record_fields, in RECORD_COLUMNS order) as a COPY text row."""
    # A list of the values, converted where the column is not text; the caller's dict stays as the columns hold
    # them (vector input, features).
    values = list(fields.values())
    for index, convert in _RECORD_CONVERSIONS:
        if values[index] is not None:
            values[index] = convert(values[index])
    return copy_row(values)


# The record's columns (RECORD_COLUMNS order) that record_copy_text converts, and how.
_RECORD_CONVERSIONS = tuple(
    (RECORD_COLUMNS.index(name), convert)
    for name, convert in (("authors", json_text), ("isbns", array_text), ("subjects", array_text), ("year", str),
                          ("pages", str))
)  # fmt: skip


def vector_input_text(fields: dict) -> str:
    """The columns the search vector and the suggestion words are made of (catalog_record_tsv_named,
    catalog_record_word_list_named), the authors already as the names that catalog_author_names reads out of the
    JSON, as a COPY text row for the import's second session (pipeline._VectorSession). `fields`: the values as the
    record's columns hold them (BibData.record_fields)."""
    names = [author.get("name") or "" for author in fields["authors"] if isinstance(author, dict)]
    return copy_row(
        [
            fields["title"], fields["subtitle"], fields["responsibility"], " ".join(names) if names else None,
            array_text(fields["subjects"]), fields["series"], fields["summary"], fields["publisher"],
        ]
    )  # fmt: skip


def item_copy_text(item: ItemData) -> str:
    """barcode, call number, shelf location, copy number, status, ILL: the copy's part of a holdings COPY row."""
    copy_number = None if item.copy_number is None else str(item.copy_number)
    ill = "t" if item.ill_allowed else "f"
    barcode, call_number, shelf = item.barcode[:64], item.call_number[:100], item.shelf_location[:100]
    text = barcode + call_number + shelf
    if copy_number is None or "\\" in text or not text.isprintable():  # copy_row writes \N and escapes
        return copy_row([barcode, call_number, shelf, copy_number, item.status, ill])
    # The status is one of ours, the number digits: nothing else to escape (a record's copies: ≈ 1.5 µs less).
    return f"{barcode}\t{call_number}\t{shelf}\t{copy_number}\t{item.status}\t{ill}"


def sniff_format(head: bytes, filename: str = "") -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise FileRejected(_("The file is empty."))
    if text.startswith(b"<"):
        return SourceFormat.MARCXML
    if re.match(rb"^\d{5}[a-z ][a-z ]", text[:8]) and len(text) >= 24:
        return SourceFormat.MARC21
    if filename.lower().endswith((".mrc", ".marc", ".iso", ".dat")):
        return SourceFormat.MARC21
    if filename.lower().endswith(".xml"):
        return SourceFormat.MARCXML
    return SourceFormat.CSV


def precheck(head: bytes, filename: str = "", fmt: str | None = None) -> str:
    """What is wrong with a file whose first bytes are `head`, found before it is queued (empty if nothing yet):
    the page and the API answer such files at once instead of with a failed job."""
    try:
        fmt = fmt or sniff_format(head, filename)
        if fmt == SourceFormat.MARC21:
            split_marc21(head)
        elif fmt == SourceFormat.CSV:
            text = _decode_csv(head[: head.rfind(b"\n") + 1] or head)
            first = text.splitlines()[0] if text.splitlines() else ""
            columns = {part.strip().strip('"').lower() for part in re.split(r"[,;\t]", first)}
            if "title" not in columns:
                raise FileRejected(
                    _("The CSV file has no 'title' column. Expected columns: %(columns)s.")
                    % {"columns": ", ".join(SILANG_COLUMNS)}
                )
    except FileRejected as exc:
        return str(exc)
    return ""


def count_records_and_copies(data: bytes, filename: str = "", fmt: str | None = None) -> tuple[int, int]:
    """The readable records of a file and the copies they bring (holdings fields, barcode rows), read by the
    importer's own readers without writing anything: the upload page asks before importing records without a
    copy. Raises FileRejected as the import would."""
    records = copies = 0
    for entry in read_entries(data, fmt or sniff_format(data[:4096], filename)):
        if entry.bib is not None:
            records += 1
            copies += len(entry.bib.items)
    return records, copies


def read_entries(data: bytes, fmt: str) -> Iterator[Entry]:
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    if fmt == SourceFormat.MARC21:
        return read_marc21(data)
    if fmt == SourceFormat.MARCXML:
        return read_marcxml(data)
    if fmt == SourceFormat.CSV:
        return read_csv(data)
    raise FileRejected(_("Unknown file format %(format)s.") % {"format": fmt})


def read_source(data: bytes, fmt: str) -> Entry | None:
    """A stored source record (SourceRecord.data) read back by the reader that imported it, prepared as the import
    prepares it (validated, with its blocking key); None when it cannot be read."""
    data = bytes(data or b"")
    try:
        if fmt == SourceFormat.MARC21:
            entry = marc21_entry(1, data.removesuffix(RECORD_TERMINATOR))
        elif fmt == SourceFormat.MARCXML:
            entry = next(read_marcxml(data), None)
        elif fmt == SourceFormat.CSV:
            entry = _csv_source_entry(data)
        else:
            return None
    except (FileRejected, ValueError, TypeError):  # json and csv problems are ValueErrors
        return None
    if entry is None or entry.bib is None:
        return None
    return prepare(entry)


def _csv_source_entry(data: bytes) -> Entry:
    """The CSV rows of one record as read_csv kept them (one JSON object a line, the columns lower-cased)."""
    rows = [json.loads(line) for line in data.decode("utf-8").split("\n") if line.strip()]
    # The file's columns told SLiMS from Silang; every row of the file has them all.
    read_row = _slims_row if SLIMS_EXPORT_MARKERS & rows[0].keys() else _silang_row
    _key, bib = read_row(rows[0], 2)
    for number, row in enumerate(rows[1:], start=3):
        bib.items.extend(read_row(row, number)[1].items)
    return Entry(1, bib=bib, raw=data)


# --- MARC21 (ISO 2709) -----------------------------------------------------------------------


def _decode_marc(chunk: bytes) -> pymarc.Record:
    """Decode one ISO 2709 record, choosing UTF-8 or MARC-8 by leader/09 and by what the bytes are.

    Some exports mark UTF-8 records as MARC-8 (blank leader/09): bytes that are valid UTF-8 with
    non-ASCII characters are read as UTF-8, since MARC-8 text is almost never valid UTF-8.
    """
    declared_utf8 = chunk[9:10] == b"a"
    looks_utf8 = False
    if not declared_utf8 and not chunk.isascii():
        try:
            chunk.decode("utf-8")
            looks_utf8 = True
        except UnicodeDecodeError:
            pass
    return pymarc.Record(
        data=chunk,
        to_unicode=True,
        force_utf8=declared_utf8 or looks_utf8,
        utf8_handling="strict",
        hide_utf8_warnings=True,
    )


def read_marc21(data: bytes, *, lean: bool = True) -> Iterator[Entry]:
    for number, body in enumerate(split_marc21(data), start=1):
        yield marc21_entry(number, body, lean=lean)


def split_marc21(data: bytes) -> list[bytes]:
    """The file cut at record terminators (the bodies, without the terminator)."""
    if not re.match(rb"^\s*\d{5}", data[:16]):
        raise FileRejected(_("This is not a MARC21 (ISO 2709) file: it does not start with a record length."))
    chunks = data.lstrip().split(RECORD_TERMINATOR)
    if chunks and not chunks[-1].strip():
        chunks.pop()
    return chunks


def marc21_entry(number: int, body: bytes, *, lean: bool = True) -> Entry:
    """The record read by the lean reader when it can (catalog.ingest.iso2709), else by pymarc, else by the
    tolerant reader (iso2709.read_tolerant), which says what it repaired; a record none of them can read is
    reported with the reason. `lean=False` skips the lean reader (the benchmark's pymarc reference, and the
    tests that compare the two)."""
    chunk = body.lstrip(b"\r\n") + RECORD_TERMINATOR
    declared = chunk[:5]
    length_ok = declared.isdigit() and int(declared) == len(chunk)
    if length_ok:
        if lean:
            try:
                return _entry_from_marc(number, iso2709.read(chunk, TAGS_READ), chunk)
            except Exception:  # noqa: BLE001 - NotLean, or anything unusual: the careful path reads it
                pass
        try:
            with _pymarc_quiet():
                record = _decode_marc(chunk)
        except Exception:  # noqa: BLE001 - pymarc raises many kinds for broken records; the tolerant reader tries
            pass
        else:
            return _entry_from_marc(number, record, chunk)
    try:
        record, notes = iso2709.read_tolerant(chunk)
    except iso2709.Unreadable as exc:
        if declared.isdigit() and int(declared) > len(chunk):
            reason = _("truncated (leader says %(declared)s bytes, found %(found)s)") % {
                "declared": int(declared),
                "found": len(chunk),
            }
        elif str(exc) == "truncated":
            reason = _("truncated (%(found)s bytes)") % {"found": len(chunk)}
        else:
            reason = _("corrupt: the directory does not match the fields")
        return Entry(number, raw=chunk, error=_("record %(n)s: %(reason)s.") % {"n": number, "reason": reason})
    entry = _entry_from_marc(number, record, chunk)
    if not length_ok:
        entry.warnings.append(
            _(
                "the leader's record length (%(declared)s) is not the record's %(found)s bytes; read between the "
                "record terminators."
            )
            % {"declared": declared.decode("ascii", "replace"), "found": len(chunk)}
        )
    for note in notes:
        kind, _sep, count = note.partition(":")
        if kind == "marc8-under-utf8":
            entry.warnings.append(_("the leader says UTF-8 but the text is MARC-8; it was read as MARC-8."))
        elif kind == "replaced":
            entry.warnings.append(_("%(count)s invalid characters were replaced by the sign �.") % {"count": count})
        elif kind == "leader":
            entry.warnings.append(_("the leader held characters that are not allowed there; they became spaces."))
        elif kind == "controls":
            entry.warnings.append(_("%(count)s control characters were removed.") % {"count": count})
    return entry


@contextmanager
def _pymarc_quiet():
    """pymarc reports some repairs on stderr, as warnings or in its log: the import's report says what matters."""
    logger = logging.getLogger("pymarc")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _worker_setup() -> None:
    import django

    django.setup()
    helper_priority()


def helper_priority() -> None:
    """Run this process (a parse worker) below the importing process: that process writes every record and the
    workers are ahead of it, so when both want a core the writer should have it at once. On Linux the workers are
    SCHED_IDLE: they run only on a core nothing else wants (with nice 10, the writer and its Postgres session
    waited 3.3 s in the run queue during a 13 s import; as SCHED_IDLE 2.3 s). Elsewhere their nice value is
    raised."""
    from django.conf import settings

    nice = getattr(settings, "CATALOG_IMPORT_HELPER_NICE", 0)
    if not nice:
        return
    with contextlib.suppress(OSError, AttributeError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return
    with contextlib.suppress(OSError):
        os.nice(nice)


@contextmanager
def cyclic_gc_paused():
    """Python's cyclic garbage collector off for a bulk job, back on (if it was) afterwards.

    An import makes and drops millions of small objects, none of them in reference cycles (reference counting
    frees them); the collector would still rescan every live object again and again: measured, 60 % of the
    importing process's own CPU time and 20 % of a parse worker's (bench/README.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_marc21_piece(first_number: int, bodies: list[bytes], language: str) -> list[tuple]:
    """Run in a worker process: entries for consecutive records, in the importing user's language, packed as
    plain tuples (`_unpack` rebuilds them): pickling thirty small objects a record cost a worker ≈ 7 µs."""
    with translation.override(language), cyclic_gc_paused():
        return [_pack(prepare(marc21_entry(first_number + offset, body))) for offset, body in enumerate(bodies)]


# The file's records, set in the importing process just before it forks its parse workers: a forked worker reads
# its piece from the memory it inherited instead of having it pickled through a pipe (43 MB for 100,000
# records, which the importing process's threads spent ≈ 4 µs a record sending).
_forked_bodies: list[bytes] = []


def _parse_forked_piece(start: int, end: int, language: str) -> bytes | list[tuple]:
    return _marshalled(_parse_marc21_piece(start + 1, _forked_bodies[start:end], language))


def _parse_sent_piece(first_number: int, bodies: list[bytes], language: str) -> bytes | list[tuple]:
    return _marshalled(_parse_marc21_piece(first_number, bodies, language))


def _marshalled(packed: list[tuple]) -> bytes | list[tuple]:
    """A worker's piece as marshal bytes: plain tuples, strings and numbers, which marshal writes 2.5 times faster
    than pickle (3.3 against 8.3 µs a record) and reads back as fast. A value marshal does not take (a subclass of
    str, say) sends the piece as it is, pickled."""
    try:
        return marshal.dumps(packed)
    except ValueError:
        return packed


def _unmarshalled(result: bytes | list[tuple]) -> list[tuple]:
    return marshal.loads(result) if isinstance(result, bytes) else result


def _pack(entry: Entry) -> tuple:
    """What the importer reads of an entry, as plain values (an enum member is unpickled by a call to its class).
    Not the raw record, which the importer has already (`_unpack`)."""
    bib = entry.bib
    if bib is None:
        return (entry.number, entry.raw, entry.error)
    items = [(item.barcode, item.status, item.copy_text, item.generated_from) for item in bib.items]
    return (
        entry.number, entry.error, entry.match_key, tuple(entry.features), entry.record_copy, entry.vector_input,
        bib.local_id, str(bib.material_type), bib.isbns, bib.bad_isbns, bib.year, bib.pages, items,
        entry.warnings,
    )  # fmt: skip


def _unpack(packed: tuple, bodies: list[bytes]) -> Entry:
    """`bodies`: the file's records, as given to read_marc21_batches."""
    if len(packed) == 3:
        return Entry(packed[0], raw=packed[1], error=packed[2])
    (
        number, error, key, features, record_copy, vector_input,
        local_id, material, isbns, bad, year, pages, items, notes,
    ) = packed  # fmt: skip
    bib = ImportBib(local_id, material, isbns, bad, year, pages, list(map(ImportItem._make, items)))
    raw = bodies[number - 1].lstrip(b"\r\n") + RECORD_TERMINATOR  # the bytes marc21_entry read
    return Entry(number, bib, raw, error, key, Features._make(features), record_copy, vector_input, notes)


def _piece_bounds(total: int, size: int, smallest: int = 250) -> Iterator[tuple[int, int]]:
    """Pieces of up to `size` records: a quarter and a half of that first, then `size`, halving towards the end of
    the file. Nothing is written until the first piece is parsed, and once the workers have parsed the last piece
    only the writer has work left: small pieces at both ends keep those waits short."""
    smallest = min(smallest, size)
    start = 0
    ramp = max(smallest, size // 4)
    while start < total:
        remaining = total - start
        step = size if remaining >= 2 * size else max(smallest, (remaining + 1) // 2)
        step = min(step, ramp)
        if remaining - step < smallest and remaining <= size:
            step = remaining  # no crumb of a piece at the very end
        yield start, min(total, start + step)
        start += step
        ramp = min(size, ramp * 2)


def read_marc21_batches(bodies: list[bytes], batch_size: int, workers: int) -> Iterator[list[Entry]]:
    """Entries of `split_marc21` bodies in file order, `batch_size` at a time (fewer at both ends), parsed by
    `workers` processes ahead of the caller.

    Parsing is most of an import's Python work: in worker processes it runs on the other cores while the
    caller writes the previous batches to Postgres.
    """
    bounds = list(_piece_bounds(len(bodies), batch_size))
    language = translation.get_language() or "id"
    if workers < 1 or len(bounds) < 2:
        for start, end in bounds:
            yield [_unpack(packed, bodies) for packed in _parse_marc21_piece(start + 1, bodies[start:end], language)]
        return
    # fork: the workers start at once with everything imported, and the file's records in their memory; they only
    # parse and never use the database. Forking while other threads run (an upload handled in a web server's
    # thread) could copy a lock held by one of them into the worker, so then the workers come from a fresh
    # forkserver process instead, and each piece is sent to them.
    global _forked_bodies
    forked = threading.active_count() == 1
    if forked:
        context, initializer = multiprocessing.get_context("fork"), helper_priority
        _forked_bodies = bodies
    else:
        context, initializer = multiprocessing.get_context("forkserver"), _worker_setup

    def submit(start: int, end: int) -> Future:
        if forked:
            parsed = pool.submit(_parse_forked_piece, start, end, language)
        else:
            parsed = pool.submit(_parse_sent_piece, start + 1, bodies[start:end], language)
        # Read back and made into entries by the pool's own thread as the piece arrives (where the pool unpickled it),
        # not by the writer, whose thread is the import's critical path: that thread mostly runs while the writer
        # waits for Postgres.
        piece: Future = Future()

        def read_back(done: Future) -> None:
            try:
                piece.set_result([_unpack(entry, bodies) for entry in _unmarshalled(done.result())])
            except BaseException as exc:  # noqa: BLE001 - the worker's failure, or a cancelled piece: the writer's
                piece.set_exception(exc)

        parsed.add_done_callback(read_back)
        return piece

    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer) as pool:
            # A few batches ahead of the writer, not the whole file: parsed batches wait in this process's memory,
            # and an import that stops early waits only for those.
            waiting = iter(bounds)
            ahead = deque(submit(*piece) for piece in islice(waiting, PIECES_AHEAD * workers))
            # The workers are forked by the first submit and have their copy of the records now.
            if forked:
                _forked_bodies = []
            while ahead:
                entries = ahead.popleft().result()
                for piece in islice(waiting, 1):
                    ahead.append(submit(*piece))
                yield entries
    finally:
        _forked_bodies = []


def _entry_from_marc(number: int, record: pymarc.Record | iso2709.LeanRecord, raw: bytes) -> Entry:
    try:
        return Entry(number, bib=from_marc(record), raw=raw)
    except ValueError as exc:
        return Entry(number, raw=raw, error=_("record %(n)s: %(problem)s.") % {"n": number, "problem": exc})


# --- MARCXML ------------------------------------------------------------------------------


def read_marcxml(data: bytes) -> Iterator[Entry]:
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"<collection" not in text[:2000]:
        # Bare <record> elements (no collection, sometimes no namespace): wrap them so they parse.
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", text)
        text = b'<collection xmlns="' + MARCXML_NS.encode() + b'">' + body + b"</collection>"
    if b"datafield" not in text and b"controlfield" not in text:
        if b"purl.org/dc/elements" in text[:20000] or b"oai_dc" in text[:20000]:
            raise FileRejected(
                _(
                    "This is a Dublin Core (oai_dc) file, not MARCXML: its records have no MARC fields. Export "
                    "the records as MARC 21 or MARCXML."
                )
            )
        raise FileRejected(_("No MARCXML records were found in the file (no datafield or controlfield)."))
    if b"xmlns" not in text[:2000]:
        text = text.replace(b"<collection", b'<collection xmlns="' + MARCXML_NS.encode() + b'"', 1)
    try:
        with _pymarc_quiet():
            records = pymarc.parse_xml_to_array(io.BytesIO(text), strict=False)
    except Exception as exc:  # xml.sax.SAXParseException and friends
        line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else "?"
        problem = exc.getMessage() if hasattr(exc, "getMessage") else str(exc)
        raise FileRejected(
            _("The XML is not well-formed (line %(line)s): %(problem)s") % {"line": line, "problem": problem}
        ) from exc
    if not records:
        raise FileRejected(_("No MARCXML records were found in the file."))
    for number, record in enumerate(records, start=1):
        if record is None:
            yield Entry(number, error=_("record %(n)s: unreadable.") % {"n": number})
            continue
        yield _entry_from_marc(number, record, pymarc.record_to_xml(record, namespace=True))


# --- CSV --------------------------------------------------------------------------------------

SILANG_COLUMNS = [
    "local_id",
    "title",
    "subtitle",
    "authors",
    "publisher",
    "place",
    "year",
    "edition",
    "isbn",
    "issn",
    "language",
    "material_type",
    "subjects",
    "ddc",
    "series",
    "physical_description",
    "summary",
    "barcode",
    "call_number",
    "shelf_location",
    "copy_number",
    "ill_allowed",
]
# SLiMS 9 bibliography export (Bibliografi > Ekspor) and the SLiMS `biblio` table.
SLIMS_EXPORT_MARKERS = {"isbn_issn", "publish_year"}
LANGUAGE_NAMES = {
    "indonesia": "ind",
    "bahasa indonesia": "ind",
    "english": "eng",
    "inggris": "eng",
    "en": "eng",
    "id": "ind",
    "arab": "ara",
    "arabic": "ara",
    "jawa": "jav",
    "sunda": "sun",
    "batak": "btk",
}
ANGLE_LIST = re.compile(r"<([^<>]+)>")


def _split(value: str) -> list[str]:
    value = value or ""
    if "<" in value and ">" in value:
        return [part.strip() for part in ANGLE_LIST.findall(value) if part.strip()]
    return [part.strip() for part in re.split(r"\s*[;|]\s*", value) if part.strip()]


def _language(value: str) -> str:
    value = (value or "").strip().lower()
    if len(value) == 3 and value.isalpha():
        return value
    return LANGUAGE_NAMES.get(value, "")


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected(_("The CSV file is neither UTF-8 nor Windows-1252 text."))


def read_csv(data: bytes) -> Iterator[Entry]:
    text = _decode_csv(data)
    nul_rows = set()
    if "\x00" in text:
        # Python's csv module stops at a NUL: the rows that had one are read without it and say so.
        nul_rows = {number for number, line in enumerate(text.split("\n"), start=1) if "\x00" in line}
        text = text.replace("\x00", "")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # A cell may be as long as the file (the upload limit bounds it), not only csv's default 131,072 characters.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise FileRejected(_("The CSV file's first line cannot be read: %(problem)s") % {"problem": exc}) from exc
    columns = {(name or "").strip().lower() for name in fieldnames}
    if "title" not in columns:
        raise FileRejected(
            _("The CSV file has no 'title' column. Expected columns: %(columns)s.")
            % {"columns": ", ".join(SILANG_COLUMNS)}
        )
    slims = bool(SLIMS_EXPORT_MARKERS & columns)
    grouped: dict[str, Entry] = {}
    order: list[str] = []
    try:
        for row_number, raw_row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw_row.items() if k is not None}
            try:
                key, bib = (_slims_row if slims else _silang_row)(row, row_number)
            except ValueError as exc:
                entry = Entry(
                    row_number,
                    raw=json.dumps(row).encode(),
                    error=_("row %(n)s: %(problem)s") % {"n": row_number, "problem": exc},
                )
                grouped[f"error:{row_number}"] = entry
                order.append(f"error:{row_number}")
                continue
            if key in grouped and grouped[key].bib is not None:
                # Another copy of a record already read: one Silang CSV row per copy.
                grouped[key].bib.items.extend(bib.items)
                grouped[key].raw += b"\n" + json.dumps(row, ensure_ascii=False).encode()
            else:
                grouped[key] = Entry(row_number, bib=bib, raw=json.dumps(row, ensure_ascii=False).encode())
                order.append(key)
            if nul_rows and reader.line_num in nul_rows:
                grouped[key].warnings.append(_("row %(n)s: NUL bytes were removed.") % {"n": row_number})
    except csv.Error as exc:
        raise FileRejected(
            _("The CSV file cannot be read (line %(line)s): %(problem)s") % {"line": reader.line_num, "problem": exc}
        ) from exc
    for key in order:
        entry = grouped[key]
        if entry.bib is not None:
            # Copies without a barcode are numbered within their record, so the made-up barcode stays the same
            # when rows are added elsewhere in the file.
            unnamed = (item for item in entry.bib.items if item.generated_from)
            for position, item in enumerate(unnamed, start=1):
                item.generated_from = f"csv-{position}"
        yield entry


def _isbns(value: str, bib: BibData) -> None:
    for raw in _split(value):
        normalised = isbn13(raw)
        if normalised:
            if normalised not in bib.isbns:
                bib.isbns.append(normalised)
        elif not clean_issn(raw):
            bib.bad_isbns.append(raw)
        else:
            bib.issn = clean_issn(raw)


def _silang_row(row: dict, number: int) -> tuple[str, BibData]:
    title = row.get("title", "")
    if not title:
        raise ValueError(_("no title"))
    authors = []
    for part in _split(row.get("authors", "")):
        match = re.match(r"^(.*?)\s*\((\w+)\)$", part)
        authors.append(
            {"name": match.group(1), "role": match.group(2).lower()} if match else {"name": part, "role": "author"}
        )
    year = row.get("year", "")
    if year and not first_year(year):
        raise ValueError(_("the year %(year)s is not a year") % {"year": year})
    material = row.get("material_type", "") or MaterialType.BOOK
    if material not in MaterialType.values:
        raise ValueError(_("unknown material type %(value)s") % {"value": material})
    bib = BibData(
        title=title,
        subtitle=row.get("subtitle", ""),
        authors=authors,
        publisher=row.get("publisher", ""),
        place=row.get("place", ""),
        year=first_year(year),
        edition=row.get("edition", ""),
        issn=clean_issn(row.get("issn", "")),
        language=_language(row.get("language", "")),
        material_type=material,
        subjects=_split(row.get("subjects", "")),
        ddc=row.get("ddc", ""),
        series=row.get("series", ""),
        physical_description=row.get("physical_description", ""),
        pages=page_count(row.get("physical_description", "")),
        summary=row.get("summary", ""),
        local_id=row.get("local_id", ""),
    )
    _isbns(row.get("isbn", ""), bib)
    if row.get("barcode") or row.get("call_number") or row.get("shelf_location"):
        copy = row.get("copy_number", "")
        bib.items.append(
            ItemData(
                barcode=row.get("barcode", ""),
                generated_from="" if row.get("barcode") else f"row-{number}",
                call_number=row.get("call_number", ""),
                shelf_location=row.get("shelf_location", ""),
                copy_number=int(copy) if copy.isdigit() and len(copy) < 10 else None,
                ill_allowed=row.get("ill_allowed", "1").lower() not in {"0", "no", "false", "tidak", "n"},
            )
        )
    # Rows without an id are copies of one record when title, subtitle, ISBNs, year, edition and type agree.
    key = bib.local_id or f"{title}|{bib.subtitle}|{','.join(bib.isbns)}|{bib.year}|{bib.edition}|{bib.material_type}"
    return key, bib


def _slims_row(row: dict, number: int) -> tuple[str, BibData]:
    title = strip_punct(row.get("title", ""))
    if not title:
        raise ValueError(_("no title"))
    collation = row.get("collation", "")
    bib = BibData(
        title=title,
        edition=row.get("edition", ""),
        publisher=row.get("publisher_name", ""),
        place=row.get("place_name", ""),
        year=first_year(row.get("publish_year", "")),
        language=_language(row.get("language_name", "") or row.get("language_id", "")),
        subjects=_split(row.get("topics", "")),
        ddc=row.get("classification", "").split()[0] if row.get("classification", "").split() else "",
        series=row.get("series_title", ""),
        physical_description=collation,
        pages=page_count(collation),
        summary=row.get("notes", ""),
        responsibility=row.get("sor", ""),
        authors=[{"name": name, "role": "author"} for name in _split(row.get("authors", ""))],
        local_id=row.get("biblio_id", ""),
    )
    gmd = row.get("gmd_name", "").lower()
    if any(word in gmd for word in ("video", "audio", "sound", "film", "cd", "dvd")):
        bib.material_type = MaterialType.AUDIOVISUAL
    elif "map" in gmd or "peta" in gmd:
        bib.material_type = MaterialType.MAP
    elif "electronic" in gmd or "elektronik" in gmd:
        bib.material_type = MaterialType.EBOOK
    _isbns(row.get("isbn_issn", ""), bib)
    for code in _split(row.get("item_code", "")):
        bib.items.append(ItemData(barcode=code, call_number=row.get("call_number", "")))
    # Rows without an id are copies of one record when title, ISBNs, year, edition and type agree.
    key = bib.local_id or f"{title}|{','.join(bib.isbns)}|{bib.year}|{bib.edition}|{bib.material_type}"
    return key, bib
