"""Import a library's file into the union catalog: read, deduplicate, write records, sources and holdings.

Work is done in batches, each in its own transaction: a record is written whole (record, source, holdings)
or not at all, and progress is visible between batches. Problems with the whole file are found before the
first write, so a rejected file leaves the library's holdings untouched.

Speed (bench/README.md): MARC records are parsed by worker processes while this process writes earlier
batches; records and sources are written with COPY under ids taken from their sequences, holdings through a
COPY into a temporary table and one upsert; new records carry their holdings summary from the start, so the
holdings trigger has nothing to rewrite.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import random
import struct
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.signals import import_finished
from consortium.jobs import lock_key
from consortium.models import Library

from .. import matching
from ..choices import HoldingStatus, SourceFormat
from ..models import Holding, MatchReview, Record, SourceRecord
from ..selectors import computed_features
from .bibdata import RECORD_COLUMNS
from .pgcopy import copy_value
from .readers import (
    Entry,
    FileRejected,
    ImportItem,
    ItemData,
    cyclic_gc_paused,
    item_copy_text,
    prepare,
    read_entries,
    read_marc21_batches,
    sniff_format,
    split_marc21,
)
from .validate import clean_text

BATCH_SIZE = 2000
# Where the copy added to a record without any (`one_copy_per_record`) is said to come from, in its barcode.
ONE_COPY_POSITION = "copy-1"
# A batch that meets a deadlock or serialization failure is tried this many times before it is split.
BATCH_ATTEMPTS = 4
# COPY data goes to Postgres in pieces of this size (psycopg2's default, 8 kB, meant ≈ 30,000 round trips through the
# driver for 100,000 records).
COPY_CHUNK = 1 << 20
# Files with fewer records are parsed in this process: starting workers would cost more than it saves.
PARALLEL_MIN_RECORDS = getattr(settings, "CATALOG_IMPORT_PARALLEL_MIN_RECORDS", 4 * BATCH_SIZE)


@dataclass
class ImportReport:
    format: str = ""
    records_read: int = 0
    created: int = 0
    joined: int = 0
    updated: int = 0
    unchanged: int = 0
    to_review: int = 0
    holdings_added: int = 0
    holdings_updated: int = 0
    holdings_unchanged: int = 0
    # Copies whose holdings field had no barcode: kept with a barcode made by Silang (Holding.barcode_generated).
    generated_barcodes: int = 0
    # Copies in the import (those the file brought, with those added by `one_copy_per_record`), and of those the
    # added ones; `no_copies`: the warning when records came without a single copy (no_copies_message).
    copies: int = 0
    copies_added_per_record: int = 0
    no_copies: str = ""
    skipped: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    rejected: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def import_file(
    *,
    library: Library,
    path: str | Path,
    fmt: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    one_copy_per_record: bool = False,
) -> ImportReport:
    path = Path(path)
    size = path.stat().st_size
    if size > settings.CATALOG_UPLOAD_MAX_BYTES:
        return ImportReport(rejected=too_big(size))
    return import_bytes(
        library=library,
        data=path.read_bytes(),
        filename=path.name,
        fmt=fmt,
        progress=progress,
        one_copy_per_record=one_copy_per_record,
    )


def import_bytes(
    *,
    library: Library,
    data: bytes,
    filename: str = "",
    fmt: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    one_copy_per_record: bool = False,
) -> ImportReport:
    """Imports of one library run one at a time, whatever started them (worker, command, demo seeding): a
    second one waits here for the first to finish.

    `one_copy_per_record`: a record that brings no copy gets one, with a barcode made by Silang (as for a holdings
    field without a barcode), so that the school appears as holding it."""
    with cyclic_gc_paused(), library_import_lock(library):
        return _import_bytes(
            library=library,
            data=data,
            filename=filename,
            fmt=fmt,
            progress=progress,
            one_copy_per_record=one_copy_per_record,
        )


@contextmanager
def library_import_lock(library: Library):
    """Held by an import of the library (session-level, so re-entrant: a job holds it while it waits its turn
    and its import takes it again)."""
    key = lock_key("catalog-import-library")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [key, library.pk])
    try:
        yield
    finally:
        with suppress(Exception):  # the connection may be gone, and the lock with it
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [key, library.pk])


def too_big(size: int) -> str:
    limit = settings.CATALOG_UPLOAD_MAX_BYTES
    return _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def no_copies_message(records: int) -> str:
    """What the upload page and the report say of records that come without a single copy."""
    return ngettext(
        "%(records)s record, 0 copies: your school will not appear as holding it.",
        "%(records)s records, 0 copies: your school will not appear as holding them.",
        records,
    ) % {"records": records}


def _import_bytes(*, library, data, filename, fmt, progress, one_copy_per_record=False) -> ImportReport:
    started = time.monotonic()
    report = ImportReport()
    if len(data) > settings.CATALOG_UPLOAD_MAX_BYTES:
        report.rejected = too_big(len(data))
        return report
    try:
        report.format = fmt or sniff_format(data[:4096], filename)
        if report.format == SourceFormat.MARC21:
            bodies = split_marc21(data)
            total = len(bodies)
            workers = _parse_workers() if total >= PARALLEL_MIN_RECORDS else 0
            batches = read_marc21_batches(bodies, BATCH_SIZE, workers)
        else:
            entries = [prepare(entry) for entry in read_entries(data, report.format)]
            total = len(entries)
            batches = (entries[start : start + BATCH_SIZE] for start in range(0, total, BATCH_SIZE))
    except FileRejected as exc:
        report.rejected = str(exc)
        return report
    importer = _Importer(library, report, one_copy_per_record=one_copy_per_record)
    done = 0
    with _VectorSession.for_import(total) as vectors:
        # One batch ahead: the second session computes batch N+1's search vectors while batch N is written.
        ahead: tuple | None = None
        for batch in chain(batches, [None]):
            if batch is not None:
                batch = (batch, vectors.submit(batch))
            if ahead is not None:
                importer.run_batch(ahead[0], vectors=ahead[1])
                done += len(ahead[0])
                if progress:
                    progress(done, total)
            ahead = batch
    if report.records_read > len(report.skipped) and not report.copies:
        report.no_copies = no_copies_message(report.records_read - len(report.skipped))
    report.seconds = round(time.monotonic() - started, 3)
    import_finished.send(sender=Library, library=library, report=report)
    return report


def _parse_workers() -> int:
    configured = getattr(settings, "CATALOG_IMPORT_PARSE_WORKERS", None)
    if configured is not None:
        return int(configured)
    # As many as cores, up to 4: this process mostly waits for Postgres, and the workers finish parsing early and
    # leave the cores to the writers. On 2 cores 2 workers beat 1 by 10-12 % (bench/README.md).
    return max(1, min(4, os.cpu_count() or 2))


class _Importer:
    def __init__(self, library: Library, report: ImportReport, *, one_copy_per_record: bool = False):
        self.library = library
        self.report = report
        self.one_copy_per_record = one_copy_per_record
        self.seen_barcodes: dict[str, int] = {}
        self.seen_local_ids: dict[str, int] = {}
        # Records created by this import, so duplicates inside one file join each other too.
        self.by_isbn: dict[str, list[tuple[int, matching.Features]]] = {}
        # Those records and the catalog's that share their blocking key, by key; `catalog_blocked`: the catalog's
        # among them (key, id), forgotten with the look-ups that found them.
        self.blocks: dict[str, matching.Block] = {}
        self.catalog_blocked: list[tuple[str, int]] = []
        # Features of the catalog's records compared during this import, by record id (each computed once).
        self.known_features: dict[int, matching.Features] = {}
        # ISBNs and blocking keys this import has looked up in the catalog, with the record ids found (for a key,
        # those whose description was not needed yet): asked once per import, not once per batch, while nobody
        # else creates records (`last_record_id`, the record sequence as this import's last batch left it).
        # Re-asking every batch fetched a crowded key's whole block again each time, this import's own records
        # included: the look-ups grew with the square of the file.
        self.probed_isbns: dict[str, list[int]] = {}
        self.probed_keys: dict[str, list[int]] = {}
        self.last_record_id: int | None = None
        self.fast = _fast_writes_allowed()
        self.vectors: dict[int, tuple[str, str]] = {}
        # The library's barcodes before this import: new ones are written with COPY, known ones upserted.
        self.known_barcodes: set[str] = set()
        if self.fast:
            self.known_barcodes = set(Holding.objects.filter(library=library).values_list("barcode", flat=True))
        self.had_sources = SourceRecord.objects.filter(library=library).exists()

    # Messages quote the file (an invalid ISBN, a leader's length): without its control characters, which the job's
    # report (jsonb refuses a NUL) and the pages could not hold.
    def skip(self, number: int, reason: str, local_id: str = "") -> None:
        self.report.skipped.append({"record": number, "local_id": clean_text(local_id), "reason": clean_text(reason)})

    def warn(self, number: int, message: str) -> None:
        self.report.warnings.append({"record": number, "message": clean_text(message)})

    # --- per batch ---------------------------------------------------------------------------

    def run_batch(self, entries: list[Entry], *, vectors: Future | None = None) -> None:
        """`vectors`: the search vectors and suggestion words of the batch's records by entry number, computed
        meanwhile by a second session (_VectorSession); without them, or when that failed, the triggers do."""
        self.vectors = _VectorSession.result(vectors)
        self.report.records_read += len(entries)
        good: list[Entry] = []
        # Barcodes: nearly always new to this file, which one look at the whole batch tells.
        codes: dict[str, int] = {}
        copies = 0
        # One pass over the batch (an import's hottest loop after the parse): reported, named, counted.
        for entry in entries:
            if entry.error:
                self.skip(entry.number, entry.error)
            for note in entry.warnings:
                self.warn(entry.number, note)
            if entry.error:
                continue
            good.append(entry)
            bib = entry.bib
            bib.local_id = self.effective_local_id(entry)
            if self.one_copy_per_record and not bib.items:
                # Named below like the copy of a holdings field without a barcode: the same at every re-import.
                bib.items = [ItemData(barcode="", generated_from=ONE_COPY_POSITION)]
                self.report.copies_added_per_record += 1
            copies += len(bib.items)
            number = entry.number
            for item in bib.items:
                if item.generated_from:
                    break
                codes[item.barcode] = number
            else:
                continue
            # A holdings field without a barcode: its copy is named first (name_unnamed_copies).
            bib.items = self.name_unnamed_copies(entry)
            for item in bib.items:
                codes[item.barcode] = number
        self.report.copies += copies
        clean = len(codes) == copies and self.seen_barcodes.keys().isdisjoint(codes)
        if clean:
            self.seen_barcodes.update(codes)
        for entry in good:
            bib = entry.bib
            for bad in bib.bad_isbns:
                self.warn(entry.number, _("ISBN %(isbn)s is not valid and was left out.") % {"isbn": bad})
            if not clean:
                bib.items = self.first_copies(entry)
        if not good:
            return
        self.write_with_retries(good)

    def write_with_retries(self, entries: list[Entry]) -> None:
        """The batch in one transaction, the fast way first; then the careful way; a deadlock or serialization
        failure (another import touching the same shared records) is retried; a batch the database still refuses
        is written record by record, so that only the record it refuses is reported and skipped."""
        if self.fast:
            try:
                self.write_batch(entries, fast=True)
                return
            except (_Retry, DatabaseError, psycopg2.Error):  # COPY's errors come unwrapped
                pass  # rolled back whole; written again the careful way below
        refused = ""
        for attempt in range(BATCH_ATTEMPTS):
            try:
                self.write_batch(entries, fast=False)
                return
            except (DatabaseError, psycopg2.Error) as exc:
                if _is_transient(exc) and attempt + 1 < BATCH_ATTEMPTS:
                    time.sleep(0.05 * (attempt + 1) * (1 + random.random()))
                    continue
                if _connection_lost(exc):
                    raise
                refused = _short_error(exc)
                break
        if len(entries) == 1:
            entry = entries[0]
            self.skip(
                entry.number,
                _("record %(n)s: the database refused it (%(problem)s).") % {"n": entry.number, "problem": refused},
                entry.bib.local_id,
            )
            return
        for entry in entries:
            self.write_with_retries([entry])

    def name_unnamed_copies(self, entry: Entry) -> list:
        """Copies from holdings fields without a barcode get one made from the library's code, the record's id in
        the library and the field's place in the record: the same at every re-import of the record."""
        items = []
        for item in entry.bib.items:
            if item.generated_from:
                barcode = generated_barcode(self.library.code, entry.bib.local_id, item.generated_from)
                if isinstance(item, ImportItem):
                    item = item._replace(barcode=barcode, copy_text=copy_value(barcode) + item.copy_text)
                else:
                    item.barcode = barcode
                    item.copy_text = copy_value(barcode) + item.copy_text if item.copy_text else ""
                self.report.generated_barcodes += 1
            items.append(item)
        return items

    def first_copies(self, entry: Entry) -> list:
        """The record's copies whose barcode this file has not used before; the others are reported."""
        items = []
        for item in entry.bib.items:
            first = self.seen_barcodes.get(item.barcode)
            if first is not None:
                self.warn(
                    entry.number,
                    _(
                        "barcode %(barcode)s is used twice in this file (first in record "
                        "%(first)s); this copy was skipped."
                    )
                    % {"barcode": item.barcode, "first": first},
                )
                continue
            self.seen_barcodes[item.barcode] = entry.number
            items.append(item)
        return items

    def write_batch(self, entries: list[Entry], *, fast: bool) -> None:
        """One transaction for the batch; the importer's own state changes only once it has committed."""
        self.tally: Counter = Counter()
        self.batch_isbn: dict[str, list[tuple[int, matching.Features]]] = {}
        self.batch_blocked: list[tuple[str, int]] = []  # records added to `blocks` by this batch, undone if it fails
        self.batch_probed_isbns: dict[str, list[int]] = {}
        self.batch_probed_keys: dict[str, list[int]] = {}
        self.batch_last_record_id: int | None = None
        try:
            with transaction.atomic():
                # Not waiting for the WAL flush at each commit is the usual bulk-load setting: a crash can lose
                # the last batches, never half of one.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                self.write(entries, fast=fast)
        except BaseException:
            # A batch sent back may have met a record merged away meanwhile: the next attempt asks the catalog again.
            self.forget_probes(found_too=True)
            for key, record_id in self.batch_blocked:
                self.blocks[key].discard(record_id)
            raise
        self.probed_isbns.update(self.batch_probed_isbns)
        self.probed_keys.update(self.batch_probed_keys)
        self.last_record_id = self.batch_last_record_id
        for name, value in self.tally.items():
            setattr(self.report, name, getattr(self.report, name) + value)
        for isbn, hits in self.batch_isbn.items():
            self.by_isbn.setdefault(isbn, []).extend(hits)

    def forget_probes(self, *, found_too: bool = False) -> None:
        """Ask the catalog again; `found_too`: and forget the records found (one may have been merged away)."""
        self.probed_isbns.clear()
        self.probed_keys.clear()
        self.last_record_id = None
        if found_too:
            for key, record_id in self.catalog_blocked:
                self.blocks[key].discard(record_id)
            self.catalog_blocked = []

    def effective_local_id(self, entry: Entry) -> str:
        """The library's own id for the record, so a re-import finds it again.

        Records without one (no 001, no biblio_id) get an id derived from their match key and ISBNs;
        an id seen twice in one file gets a suffix rather than overwriting the first record.
        """
        bib = entry.bib
        local_id = bib.local_id.strip()[:90]
        if not local_id:
            found = entry.features
            basis = "|".join([" ".join(found.full_title), " ".join(found.authors), str(found.year or "")])
            basis += "|" + " ".join(found.publisher)
            local_id = "key:" + hashlib.sha1((basis + ",".join(bib.isbns)).encode()).hexdigest()[:24]
        if local_id in self.seen_local_ids:
            self.seen_local_ids[local_id] += 1
            self.warn(entry.number, _("the record id %(id)s is used twice in this file.") % {"id": local_id})
            local_id = f"{local_id}#{self.seen_local_ids[local_id]}"
        self.seen_local_ids.setdefault(local_id, 1)
        return local_id

    def write(self, entries: list[Entry], *, fast: bool) -> None:
        library = self.library
        # One date for the batch: the new records' summaries (last added) and their copies' date added agree.
        self.today = timezone.localdate().isoformat()
        # Finding a batch's matches and creating its new records is one step among concurrent imports: two imports
        # bringing the same new ISBN at the same instant would otherwise each find nothing and each create the
        # record. The lock is held to the batch's commit; reading, parsing and the search vectors still run in
        # parallel (bench/README.md, "Imports at the same time").
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [lock_key("catalog-record-create")])
        last_id = _last_id("catalog_record")
        if last_id != self.last_record_id:
            # Records were created since this import's last batch (another import under the same lock, the
            # catalog form, a split): what the catalog holds is asked again. Records re-keyed by an edit or a
            # deduplication re-run meanwhile are not noticed: they meet this import's records at the next re-run.
            self.forget_probes()
        local_ids = [e.bib.local_id for e in entries if e.bib.local_id]
        # A library's first import has no earlier sources to find, and ids repeated in the file are made unique
        # (effective_local_id). An import of the same library running meanwhile could still add one: the fast
        # COPY of the sources then clashes, and the careful way looks them up.
        existing_sources = (
            {}
            if fast and not self.had_sources
            else {
                source.local_id: source
                for source in SourceRecord.objects.raw(
                    # One probe of the partial unique index on (library, local id) per id (`local_id <> ''` lets it
                    # answer): a plain `= ANY(...)` was planned as a scan of the library's sources per batch, 0.9 s a
                    # batch at 100,000 sources, in a catalog whose statistics are not yet gathered.
                    "SELECT s.id, s.record_id, s.local_id, s.data FROM unnest(%s::text[]) AS wanted(local_id),"
                    " LATERAL (SELECT id, record_id, local_id, data FROM catalog_sourcerecord"
                    " WHERE library_id = %s AND local_id <> '' AND local_id = wanted.local_id OFFSET 0) AS s",
                    [local_ids, library.pk],
                )
            }
        )
        # --- dedup candidates (catalog.matching decides) ---
        isbn_hits = self.candidates(entries)
        # --- end of dedup candidates ---

        holdings_for: list[tuple[int, Entry, int]] = []  # (record id, entry, source id)
        pending: list[tuple[Entry, int]] = []  # new sources and the record they belong to
        new_records: list[tuple[Entry, int]] = []
        to_review: dict[int, tuple[int, matching.Verdict]] = {}  # entry number: (earlier record, verdict)
        statuses: dict[int, set[str]] = {}  # the statuses of the copies each new record gets in this batch
        record_ids = _next_ids("catalog_record", sum(1 for e in entries if e.bib.local_id not in existing_sources))
        if not record_ids:
            self.batch_last_record_id = last_id
        elif record_ids[0] == last_id + 1 and record_ids[-1] == last_id + len(record_ids):
            self.batch_last_record_id = record_ids[-1]  # nobody else took an id in between
        new_ids = iter(record_ids)
        for entry in entries:
            bib = entry.bib
            source = existing_sources.get(bib.local_id) if bib.local_id else None
            if source is not None:
                record_id = self.update_existing(entry, source)
                holdings_for.append((record_id, entry, source.pk))
                continue
            record_id, verdict = self.find_match(entry, isbn_hits)
            if verdict is not None and verdict.decision != matching.MERGE:
                to_review[entry.number] = (record_id, verdict)
                record_id = None
            if record_id is None:
                record_id = next(new_ids)
                new_records.append((entry, record_id))
                statuses[record_id] = {item.status for item in bib.items}
                self.remember(entry, record_id)
                self.tally["created"] += 1
            else:
                if record_id in statuses:  # a record created by this batch: the joining copies count in its summary
                    statuses[record_id].update(item.status for item in bib.items)
                self.tally["joined"] += 1
            pending.append((entry, record_id))
        source_ids = _next_ids("catalog_sourcerecord", len(pending))
        if fast:
            self.lock_references(
                record_ids={record_id for record_id, _entry, _source in holdings_for}
                | {record_id for _entry, record_id in pending},
                new_record_ids={record_id for _entry, record_id in new_records},
                source_ids={source.pk for source in existing_sources.values()},
            )
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        self.copy_records(new_records, statuses)
        self.copy_sources(pending, source_ids)
        source_of = {}
        for (entry, record_id), source_id in zip(pending, source_ids, strict=True):
            holdings_for.append((record_id, entry, source_id))
            source_of[entry.number] = source_id
        self.write_holdings(holdings_for, fast=fast, new_record_ids={record_id for _entry, record_id in new_records})
        if fast:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
        self.queue_reviews(
            [
                (record_id, source_of[entry.number], *to_review[entry.number])
                for entry, record_id in new_records
                if entry.number in to_review
            ]
        )

    def copy_sources(self, pending: list[tuple[Entry, int]], source_ids: list[int]) -> None:
        """The batch's source records, in COPY's binary format: the raw MARC goes as it is, where the text format
        needed it in hex (twice its size, to be scanned and decoded again by the server)."""
        now = _postgres_microseconds(timezone.now())
        fmt = self.report.format.encode()
        head = struct.Struct("!hiqiqiq")  # 9 columns; id, record id, library id
        tail = struct.Struct("!iqiqiq")  # original record id, received at, updated at
        size = struct.Struct("!i")
        library_id = self.library.pk
        out = io.BytesIO()
        out.write(b"PGCOPY\n\xff\r\n\x00" + bytes(8))  # signature, flags, no header extension
        for (entry, record_id), source_id in zip(pending, source_ids, strict=True):
            local_id = entry.bib.local_id.encode()  # clean: validate.check removes control characters and surrogates
            out.write(head.pack(9, 8, source_id, 8, record_id, 8, library_id))
            out.write(size.pack(len(fmt)) + fmt + size.pack(len(local_id)) + local_id)
            out.write(size.pack(len(entry.raw)) + entry.raw)
            out.write(tail.pack(8, record_id, 8, now, 8, now))
        out.write(b"\xff\xff")  # end of data
        out.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                "COPY catalog_sourcerecord (id, record_id, library_id, format, local_id, data, original_record_id,"
                " received_at, updated_at) FROM STDIN WITH (FORMAT binary)",
                out,
                COPY_CHUNK,
            )

    def lock_references(self, *, record_ids: set[int], new_record_ids: set[int], source_ids: set[int]) -> None:
        """Before writing with the per-row foreign-key checks off (`session_replication_role = replica`):
        the rows the batch points to are checked and locked against deletion here, set-based, which is what
        those checks would have done one row at a time. A record merged away meanwhile sends the batch back."""
        existing = sorted(record_ids - new_record_ids)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM consortium_library WHERE id = %s FOR KEY SHARE", [self.library.pk])
            if cursor.fetchone() is None:
                raise _Retry
            if existing:
                cursor.execute(
                    "SELECT count(*) FROM"
                    " (SELECT id FROM catalog_record WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE) s",
                    [existing],
                )
                if cursor.fetchone()[0] != len(existing):
                    raise _Retry
            if source_ids:
                cursor.execute(
                    "SELECT count(*) FROM (SELECT id FROM catalog_sourcerecord WHERE id = ANY(%s) FOR KEY SHARE) s",
                    [sorted(source_ids)],
                )
                if cursor.fetchone()[0] != len(source_ids):
                    raise _Retry

    def copy_records(self, new_records: list[tuple[Entry, int]], statuses: dict[int, set[str]]) -> None:
        """New records with their holdings summary already filled in: the holdings written next match it, so
        the summary trigger does not have to rewrite (and re-index) every new record. `statuses`: by new record, the
        statuses of all its copies in the batch (those of duplicates in the file that joined it included)."""
        if not new_records:
            return
        vectors = self.vectors
        given = all(entry.number in vectors for entry, _record_id in new_records)
        library = str(self.library.pk)
        held_tail = "\t".join(["{" + library + "}", "{" + library + "}", self.today])
        unavailable_tail = "\t".join(["{" + library + "}", "{}", self.today])
        empty_tail = "{}\t{}\t\\N"
        buffer = io.StringIO()
        word_lists = []
        for entry, record_id in new_records:
            held = statuses[record_id]
            if HoldingStatus.AVAILABLE in held:
                tail = held_tail
            elif held - {HoldingStatus.WITHDRAWN}:
                tail = unavailable_tail
            else:
                tail = empty_tail
            key = copy_value(entry.match_key)
            if given:
                vector, words = vectors[entry.number]
                word_lists.append(words)
            else:
                vector = "\\N"
            buffer.write(f"{entry.record_copy}\t{record_id}\t{key}\t{tail}\t{vector}\n")
        buffer.seek(0)
        # created_at and updated_at: the database's default, the statement's time (parsing them cost the writer more).
        columns = ", ".join(
            [*RECORD_COLUMNS, "id", "match_key", "holding_library_ids", "available_library_ids", "last_added"]
            + ["search_vector"]
        )
        with connection.cursor() as cursor:
            if given:
                # The triggers keep the given vectors and leave the words to us (migration 0009).
                cursor.execute("SET LOCAL silang.search_vectors_given = on; SET LOCAL silang.search_words_given = on")
            cursor.copy_expert(f"COPY catalog_record ({columns}) FROM STDIN", buffer, COPY_CHUNK)
            if given:
                cursor.execute("SET LOCAL silang.search_vectors_given = off; SET LOCAL silang.search_words_given = off")
                # As the word trigger does: sorted, so that concurrent imports lock shared words in the same order.
                ordered = sorted(_suggestion_word_counts(word_lists).items())
                cursor.execute(
                    "INSERT INTO catalog_search_word AS sw (word, ndoc)"
                    " SELECT * FROM unnest(%s::text[], %s::int[])"
                    " ON CONFLICT (word) DO UPDATE SET ndoc = sw.ndoc + excluded.ndoc",
                    [[word for word, _n in ordered], [n for _word, n in ordered]],
                )

    # --- deduplication: candidates from the catalog and this import, decided by catalog.matching ----------------

    def candidates(self, entries: list[Entry]) -> dict[str, list[tuple[int, matching.Features]]]:
        """The catalog's records sharing an ISBN with the batch's records, with their features ({isbn: [(id,
        features)]}); those sharing a blocking key go to the key's block (self.blocks).

        Ids first (with the features kept with the record, when kept), then the descriptions of the records whose
        features this import does not know yet: in a crowded block most candidates are the import's own earlier
        records, and fetching their rows again (up to matching.BLOCK_LIMIT a key, every batch) cost more than
        comparing them."""
        wanted_isbns = {isbn for e in entries for isbn in e.bib.isbns}
        wanted_keys = {e.match_key for e in entries if e.match_key}
        # Asked before in this import (and still true: write() checks): the ids found then (for a key, those not yet
        # described: the others are in the key's block).
        by_isbn = [(rid, isbn) for isbn in wanted_isbns & self.probed_isbns.keys() for rid in self.probed_isbns[isbn]]
        by_key = [(rid, key) for key in wanted_keys & self.probed_keys.keys() for rid in self.probed_keys[key]]
        # Not `wanted - probed.keys()`: a set minus a dict's keys walks every key of the dict (the import's every ISBN,
        # each batch), where looking up the batch's own is enough.
        isbns = sorted(isbn for isbn in wanted_isbns if isbn not in self.probed_isbns)
        keys = sorted(key for key in wanted_keys if key not in self.probed_keys)
        known = self.known_features
        unpack = matching.unpack

        def read_back(record_id: int, kept) -> None:
            # Both probes bring the features kept with the record (the rows are read anyway): a crowded block's
            # records, or an ISBN's, are then not fetched a second time.
            if record_id not in known and kept is not None and (described := unpack(kept)) is not None:
                known[record_id] = described

        with connection.cursor() as cursor:
            if isbns:
                # One GIN probe per ISBN: a single `isbns && <the batch's ISBNs>` is planned as a scan of the
                # whole catalog once the batch has a few hundred ISBNs.
                cursor.execute(
                    "SELECT r.id, wanted.isbn, r.match_features FROM unnest(%s::varchar(13)[]) AS wanted(isbn),"
                    " LATERAL (SELECT id, match_features FROM catalog_record WHERE isbns @> ARRAY[wanted.isbn]"
                    " OFFSET 0) AS r",
                    [isbns],
                )
                self.batch_probed_isbns.update((isbn, []) for isbn in isbns)
                for rid, isbn, kept in cursor.fetchall():
                    by_isbn.append((rid, isbn))
                    self.batch_probed_isbns[isbn].append(rid)
                    read_back(rid, kept)
            if keys:
                # One probe of the match_key index per blocking key; the oldest records of a crowded key only.
                cursor.execute(
                    "SELECT r.id, wanted.key, r.match_features FROM unnest(%s::text[]) AS wanted(key),"
                    # The key's records are fetched by the match_key index first (the inner OFFSET 0), then ordered:
                    # planned together, `ORDER BY id LIMIT` chose a walk of the primary key that read the whole
                    # catalog for a key with no record (1M records: minutes a batch).
                    " LATERAL (SELECT id, match_features FROM (SELECT id, match_features FROM catalog_record"
                    f" WHERE match_key = wanted.key OFFSET 0) AS k ORDER BY id LIMIT {matching.BLOCK_LIMIT}) AS r",
                    [keys],
                )
                self.batch_probed_keys.update((key, []) for key in keys)
                for rid, key, kept in cursor.fetchall():
                    by_key.append((rid, key))
                    self.batch_probed_keys[key].append(rid)
                    read_back(rid, kept)
        probed = by_key  # before the ISBN filter below: what it leaves out may be wanted by a later batch
        # Not described yet: no features kept (catalog.tasks.keep_match_features keeps them nightly), or found by an
        # earlier batch and left waiting then.
        unknown = sorted({rid for rid, _ in chain(by_isbn, by_key) if rid not in known})  # not `- known.keys()`
        if unknown and by_key:
            # A block's record with other ISBNs than every record of the batch under that key is never a match
            # (compare's first verdict): its features are not computed.
            key_isbns: dict[str, set[str] | None] = {}
            for e in entries:
                if e.match_key:
                    so_far = key_isbns.get(e.match_key, set())
                    no_isbn = so_far is None or not e.bib.isbns
                    key_isbns[e.match_key] = None if no_isbn else so_far | set(e.bib.isbns)
            with connection.cursor() as cursor:
                cursor.execute("SELECT id, isbns FROM catalog_record WHERE id = ANY(%s)", [unknown])
                isbns_of = dict(cursor.fetchall())
            by_key = [
                (rid, key)
                for rid, key in by_key
                if rid in known
                or (wanted := key_isbns.get(key)) is None
                or not isbns_of.get(rid)
                or not wanted.isdisjoint(isbns_of[rid])
            ]
            wanted_ids = {rid for rid, _ in chain(by_isbn, by_key)}
            unknown = [rid for rid in unknown if rid in wanted_ids]
        if unknown:
            known.update(computed_features(unknown))
        isbn_hits: dict[str, list[tuple[int, matching.Features]]] = {}
        for record_id, isbn in by_isbn:
            if record_id in known:  # a record deleted between the two queries is simply not a candidate
                isbn_hits.setdefault(isbn, []).append((record_id, known[record_id]))
        # The block's catalog records join this import's own in its index (matching.Block); those not described
        # yet wait for a batch that needs them.
        waiting: dict[str, list[int]] = {}
        for record_id, key in probed:
            if record_id not in known:
                waiting.setdefault(key, []).append(record_id)
            elif self.blocks.setdefault(key, matching.Block()).add(record_id, known[record_id]):
                self.catalog_blocked.append((key, record_id))
        for key in wanted_keys:
            if key in self.probed_keys or key in self.batch_probed_keys:
                self.batch_probed_keys[key] = waiting.get(key, [])
        return isbn_hits

    def remember(self, entry: Entry, record_id: int) -> None:
        """A record created by this import, found by the next records of the file like a catalog record."""
        hit = (record_id, entry.features)
        # Later batches meet it again among the catalog's candidates: its features are already known.
        self.known_features[record_id] = entry.features
        for isbn in entry.bib.isbns:
            self.batch_isbn.setdefault(isbn, []).append(hit)
        if entry.match_key:
            self.blocks.setdefault(entry.match_key, matching.Block()).add(record_id, entry.features)
            self.batch_blocked.append((entry.match_key, record_id))

    def find_match(self, entry: Entry, isbn_hits) -> tuple[int | None, matching.Verdict | None]:
        """The earlier record most likely to be this record's edition, and the verdict (merge or review);
        (None, None) when no candidate comes close. Candidates: records sharing an ISBN or the blocking key."""
        seen: dict[int, matching.Features] = {}
        for isbn in entry.bib.isbns:
            for hits in (isbn_hits.get(isbn), self.by_isbn.get(isbn), self.batch_isbn.get(isbn)):
                if hits:
                    seen.update(hits)
        features = entry.features
        key = entry.match_key
        # In the block, only records that may share this record's main heading (a second pass of blocking: a crowded
        # block, "Bahasa Indonesia ...", is compared in proportion to its editions, not its size).
        block = self.blocks.get(key)
        isbns = features.isbns
        for cid, found in block.candidates(features) if block is not None else ():
            # Another ISBN and none shared is compare()'s first verdict (distinct): left out before scoring.
            if cid not in seen and (not isbns or not found.isbns or found.isbns & isbns):
                seen[cid] = found
        if not seen:
            return None, None
        return matching.best_match(features, list(seen.items()))

    def queue_reviews(self, reviews: list[tuple[int, int, int, matching.Verdict]]) -> None:
        """New records that may be the edition of an earlier record (the score between the two thresholds):
        kept apart for now and queued for a coordinator with the reasons, never merged silently.
        `reviews`: (new record, its source, the earlier record, the verdict)."""
        rows = [
            MatchReview(
                source_id=source_id,
                record_id=record_id,
                candidate_id=candidate_id,
                score=verdict.score,
                reason=matching.explain(verdict),
                differing=verdict.differing,
            )
            for record_id, source_id, candidate_id, verdict in reviews
        ]
        MatchReview.objects.bulk_create(rows)
        self.tally["to_review"] += len(rows)

    def update_existing(self, entry: Entry, source: SourceRecord) -> int:
        """A re-import of a record this library sent before: update what changed."""
        if bytes(source.data) == entry.raw:
            self.tally["unchanged"] += 1
            return source.record_id
        SourceRecord.objects.filter(pk=source.pk).update(
            data=entry.raw, format=self.report.format, updated_at=timezone.now()
        )
        # The shared record follows the source only when no other library contributed to it.
        if not SourceRecord.objects.filter(record_id=source.record_id).exclude(pk=source.pk).exists():
            Record.objects.filter(pk=source.record_id).update(
                match_key=entry.match_key,
                updated_at=timezone.now(),
                **entry.full_bib().record_fields(),
            )
        self.tally["updated"] += 1
        return source.record_id

    def write_holdings(self, rows: list[tuple[int, Entry, int]], *, fast: bool, new_record_ids: set[int]) -> None:
        """`new_record_ids`: the batch's new records, written with the summary their copies give (copy_records)."""
        head = f"\t{self.library.pk}\t"
        tail = f"\tpurchase\t{self.today}\t"
        fresh, known = io.StringIO(), io.StringIO()
        fresh_count = known_count = 0
        others: dict[int, set[str]] = {}  # the statuses of the fresh copies of records that are not new in the batch
        # The library's barcodes before this import; those of earlier batches cannot come again (one barcode, one
        # copy per file: run_batch).
        known_barcodes = self.known_barcodes
        for record_id, entry, source_id in rows:
            for item in entry.bib.items:
                generated = "t" if item.generated_from else "f"
                line = f"{record_id}{head}{item.copy_text or item_copy_text(item)}{tail}{source_id}\t1\t{generated}\n"
                if fast and not (known_barcodes and item.barcode[:64] in known_barcodes):
                    # A barcode the library did not have: a plain insert (a clash with a copy added meanwhile
                    # raises, and the batch is written again through the upsert).
                    fresh.write(line)
                    fresh_count += 1
                    if record_id not in new_record_ids:
                        others.setdefault(record_id, set()).add(item.status)
                else:
                    known.write(line)
                    known_count += 1
        columns = ", ".join(_HOLDING_COLUMNS)
        if fresh_count:
            fresh.seek(0)
            with connection.cursor() as cursor:
                # The insert trigger would check every copy against its record's summary (a fifth of this COPY's
                # time): the new records' summaries are right already, and the others are refreshed here.
                cursor.execute("SET LOCAL silang.holding_summaries_given = on")
                cursor.copy_expert(f"COPY catalog_holding ({columns}) FROM STDIN", fresh, COPY_CHUNK)
                cursor.execute("SET LOCAL silang.holding_summaries_given = off")
                if others:
                    self.refresh_summaries(cursor, others)
            self.tally["holdings_added"] += fresh_count
        if known_count:
            known.seek(0)
            self.upsert_holdings(known, known_count)

    def refresh_summaries(self, cursor, others: dict[int, set[str]]) -> None:
        """The holdings summary of records that got copies in the batch without being new in it (another school's
        record, a duplicate within the file), refreshed where the copies change it, as the insert trigger decides
        (catalog_summaries_changed): a record that already lists the library as holding (and lending) it, with a
        copy added today, is not locked and aggregated again (the 100,000-record benchmark file, whose 7,544
        duplicates join its own records: 0.24 s of refreshing down to 0.10 s)."""
        ids, statuses = [], []
        for record_id, record_statuses in others.items():
            for status in record_statuses:
                ids.append(record_id)
                statuses.append(str(status))
        cursor.execute(
            "SELECT catalog_refresh_holding_summary(catalog_summaries_changed(%s::bigint[], %s::bigint[], %s::text[],"
            " %s::date[]))",
            [ids, [self.library.pk] * len(ids), statuses, [self.today] * len(ids)],
        )

    def upsert_holdings(self, buffer: io.StringIO, count: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS silang_import_holding ON COMMIT DELETE ROWS AS"
                f" SELECT {', '.join(_HOLDING_COLUMNS)} FROM catalog_holding WITH NO DATA"
            )
            # Emptied here too: inside an outer transaction (tests, the API) nothing commits between batches.
            cursor.execute("TRUNCATE silang_import_holding")
            cursor.copy_expert(
                f"COPY silang_import_holding ({', '.join(_HOLDING_COLUMNS)}) FROM STDIN", buffer, COPY_CHUNK
            )
            # Keyed by (library, barcode): a re-import changes nothing, a changed row updates only what differs.
            # Circulation status is Silang's own and is never overwritten by an import.
            cursor.execute(
                f"""
                INSERT INTO catalog_holding ({", ".join(_HOLDING_COLUMNS)}, updated_at)
                SELECT {", ".join(_HOLDING_COLUMNS)}, statement_timestamp() FROM silang_import_holding ORDER BY barcode
                ON CONFLICT (library_id, barcode) DO UPDATE SET
                    record_id = EXCLUDED.record_id, call_number = EXCLUDED.call_number,
                    shelf_location = EXCLUDED.shelf_location, copy_number = EXCLUDED.copy_number,
                    ill_allowed = EXCLUDED.ill_allowed, source_id = EXCLUDED.source_id,
                    version = catalog_holding.version + 1, updated_at = EXCLUDED.updated_at
                WHERE (catalog_holding.record_id, catalog_holding.call_number, catalog_holding.shelf_location,
                       catalog_holding.copy_number, catalog_holding.ill_allowed)
                      IS DISTINCT FROM
                      (EXCLUDED.record_id, EXCLUDED.call_number, EXCLUDED.shelf_location, EXCLUDED.copy_number,
                       EXCLUDED.ill_allowed)
                RETURNING (xmax = 0)
                """
            )
            results = cursor.fetchall()
        inserted = sum(1 for (was_insert,) in results if was_insert)
        self.tally["holdings_added"] += inserted
        self.tally["holdings_updated"] += len(results) - inserted
        self.tally["holdings_unchanged"] += count - len(results)


class _VectorSession:
    """A second Postgres session that computes the search vectors of the batches still to be written, with the
    very function the insert trigger uses (catalog_record_tsv): the vectors are a third of the writing
    session's work, and this way a second core does them while the previous batch is written.

    Only the batch's own rows travel through it (a temporary table), never catalog data, so it needs no
    transaction of the import's. Anything going wrong here only means the trigger computes the vectors."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="silang-vectors")
        self.params = connection.get_connection_params()  # this thread's settings (a test database, say)
        self.conn = None

    @classmethod
    @contextmanager
    def for_import(cls, total: int):
        if total < PARALLEL_MIN_RECORDS or not getattr(settings, "CATALOG_IMPORT_VECTOR_SESSION", True):
            yield _NoVectors()
            return
        session = cls()
        try:
            yield session
        finally:
            session.pool.shutdown(wait=True, cancel_futures=True)
            if session.conn is not None:
                session.conn.close()

    def submit(self, entries: list[Entry]) -> Future:
        return self.pool.submit(self._vectors, [(e.number, e.vector_input) for e in entries if e.vector_input])

    @staticmethod
    def result(future: Future | None) -> dict[int, tuple[str, str]]:
        if future is None:
            return {}
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - whatever it was, the trigger computes the vectors instead
            return {}

    def _lower_priority(self, cursor) -> None:
        """This session's server process runs at the import helpers' priority (settings.CATALOG_IMPORT_HELPER_NICE),
        like the parse workers: it works a batch ahead of the writer. Only a server on this machine (reached through
        its socket directory) is ours to renice; the process ends with the session."""
        nice = getattr(settings, "CATALOG_IMPORT_HELPER_NICE", 0)
        host = self.params.get("host") or ""
        if not nice or (host and not host.startswith("/")):
            return
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        with suppress(OSError):  # another user's server: left as it is
            os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + nice)

    def _vectors(self, rows: list[tuple[int, str]]) -> dict[int, tuple[str, str]]:
        if not rows:
            return {}
        if self.conn is None:
            self.conn = psycopg2.connect(**self.params)
            with self.conn.cursor() as cursor:
                self._lower_priority(cursor)
                cursor.execute("SET synchronous_commit = off")  # it commits only its temporary rows' removal
                cursor.execute(
                    "CREATE TEMP TABLE silang_vector_input (n int, title text, subtitle text, responsibility text,"
                    " author_names text, subjects varchar[], series text, summary text, publisher text)"
                    " ON COMMIT DELETE ROWS"
                )
            self.conn.commit()
        rows_in = io.StringIO("".join(f"{number}\t{line}\n" for number, line in rows))
        try:
            with self.conn.cursor() as cursor:
                cursor.copy_expert("COPY silang_vector_input FROM STDIN", rows_in, COPY_CHUNK)
                # What catalog_record_tsv and catalog_record_word_list do, the authors' names joined by the parse
                # workers as catalog_author_names joins them (readers.vector_input_text): that function is not
                # inlined, and ran an executor of its own per record. Read back with one fetch, not COPY TO: psycopg2
                # hands every row of a COPY TO to Python, taking the GIL once a row, which the writer's thread (the
                # import's critical path) then had to win back each time. The words are letters and digits only,
                # space-separated.
                cursor.execute(
                    "SELECT n, catalog_record_tsv_named(title, subtitle, responsibility, author_names, subjects,"
                    " series, summary, publisher)::text, array_to_string(catalog_record_word_list_named(title,"
                    " subtitle, author_names, subjects, series), ' ') FROM silang_vector_input"
                )
                found = cursor.fetchall()
            # Committed, so that ON COMMIT DELETE ROWS empties the table. Rolled back, the batch's rows stayed behind
            # as dead rows that every later batch scanned again (a temporary table is never vacuumed): 14.7 MB after
            # 50 batches of 2,000, each batch's vectors 7 % slower by then, and growing with the file.
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise
        # The vectors as the writing session's COPY reads them.
        return {number: (copy_value(vector), words) for number, vector, words in found}


def _suggestion_word_counts(word_lists: list[str]) -> dict[str, int]:
    """Per suggestion word, how many of the records have it: catalog_record_words' filter (migration 0009: 3 to
    40 characters, not a number, once a record) over each record's word list, space-separated as the second
    session sends it. Counted for the whole batch at once, in C, and filtered once per distinct word."""
    counts = Counter(chain.from_iterable(set(words.split(" ")) for words in word_lists))
    return {word: n for word, n in counts.items() if 3 <= len(word) <= 40 and not (word.isdigit() and word.isascii())}


class _NoVectors:
    def submit(self, entries: list[Entry]) -> None:
        return None


_HOLDING_COLUMNS = (
    "record_id",
    "library_id",
    "barcode",
    "call_number",
    "shelf_location",
    "copy_number",
    "status",
    "ill_allowed",
    "acquisition",
    "date_added",
    "source_id",
    "version",
    "barcode_generated",
)  # updated_at: the database's default (the statement's time), not parsed from every row


# Dedup lookups probe the index once per wanted value. OFFSET 0 keeps the subquery a parameterised probe:
# joined plainly, a catalog growing during a long import (statistics not yet refreshed) was planned as a scan.
_PROBE = "LATERAL (SELECT * FROM catalog_record WHERE {condition} OFFSET 0) AS r"


class _Retry(Exception):
    """The batch could not take its fast path; it is rolled back and written again the careful way."""


def _fast_writes_allowed() -> bool:
    """Whether imports may switch off the per-row foreign-key checks for their own writes
    (`session_replication_role`, which needs a superuser or a grant; the embedded server has it)."""
    if not getattr(settings, "CATALOG_IMPORT_FAST_WRITES", True):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        return bool(cursor.fetchone()[0])


_POSTGRES_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _postgres_microseconds(moment: datetime.datetime) -> int:
    """A timestamptz as COPY's binary format has it: microseconds since 2000-01-01 UTC."""
    delta = moment - _POSTGRES_EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _next_ids(table: str, count: int) -> list[int]:
    """Ids from the table's own sequence, so rows can be written with COPY and referred to at once."""
    if not count:
        return []
    with connection.cursor() as cursor:
        # The sequence as a constant (a literal cast to regclass is resolved once, when the query is planned):
        # pg_get_serial_sequence() per row looked the sequence up again for every id, ten times the cost.
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequence(cursor, table), count])
        return [row[0] for row in cursor.fetchall()]


def _last_id(table: str) -> int:
    """The last id the table's sequence gave anyone (0 before the first)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sequence_last_value(%s::regclass)", [_sequence(cursor, table)])
        return cursor.fetchone()[0] or 0


def _sequence(cursor, table: str) -> str:
    if table not in _sequences:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        _sequences[table] = cursor.fetchone()[0]
    return _sequences[table]


_sequences: dict[str, str] = {}


def generated_barcode(library_code: str, local_id: str, position: str) -> str:
    barcode = f"{library_code}-{local_id}-{position}"
    if len(barcode) <= 64:
        return barcode
    digest = hashlib.sha1(f"{local_id}-{position}".encode()).hexdigest()[:24]
    return f"{library_code[:30]}-{digest}-{position}"[:64]


def _is_transient(exc: BaseException) -> bool:
    cause = exc.__cause__ if isinstance(exc, DatabaseError) and exc.__cause__ else exc
    return isinstance(cause, psycopg2.errors.DeadlockDetected | psycopg2.errors.SerializationFailure)


def _connection_lost(exc: BaseException) -> bool:
    """The server went away: the job stops and says so, rather than reporting every record as refused."""
    cause = exc.__cause__ if isinstance(exc, DatabaseError) and exc.__cause__ else exc
    return isinstance(cause, psycopg2.OperationalError | psycopg2.InterfaceError) and not _is_transient(exc)


def _short_error(exc: BaseException) -> str:
    cause = exc.__cause__ if isinstance(exc, DatabaseError) and exc.__cause__ else exc
    return (str(cause).strip().splitlines() or [cause.__class__.__name__])[0][:200]
