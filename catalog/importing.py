"""Import a library's file into the union catalog: read, deduplicate, write records, sources and holdings.

Work is done in batches, each in its own transaction: a record is written whole (record, source, holdings)
or not at all, and progress is visible between batches. Problems with the whole file are found before the
first write, so a rejected file leaves the library's holdings untouched.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from consortium.models import Library

from .bibdata import BibData
from .models import MatchReview, Record, SourceRecord
from .normalize import loose_key, match_key
from .readers import Entry, FileRejected, read_entries, sniff_format

BATCH_SIZE = 500
MAX_IMPORT_BYTES = getattr(settings, "CATALOG_IMPORT_MAX_BYTES", 250 * 1024 * 1024)


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
) -> ImportReport:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        report = ImportReport(
            rejected=_("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": size // 2**20, "limit": MAX_IMPORT_BYTES // 2**20}
        )
        return report
    return import_bytes(library=library, data=path.read_bytes(), filename=path.name, fmt=fmt, progress=progress)


def import_bytes(
    *,
    library: Library,
    data: bytes,
    filename: str = "",
    fmt: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    started = time.monotonic()
    report = ImportReport()
    try:
        report.format = fmt or sniff_format(data[:4096], filename)
        entries = list(read_entries(data, report.format))
    except FileRejected as exc:
        report.rejected = str(exc)
        return report
    total = len(entries)
    importer = _Importer(library, report)
    for start in range(0, total, BATCH_SIZE):
        importer.run_batch(entries[start : start + BATCH_SIZE])
        if progress:
            progress(min(start + BATCH_SIZE, total), total)
    report.seconds = round(time.monotonic() - started, 3)
    return report


class _Importer:
    def __init__(self, library: Library, report: ImportReport):
        self.library = library
        self.report = report
        self.seen_barcodes: dict[str, int] = {}
        self.seen_local_ids: dict[str, int] = {}
        # Records created by this import, so duplicates inside one file join each other too.
        self.by_isbn: dict[str, tuple[int, str]] = {}
        self.by_key: dict[str, tuple[int, str, int | None]] = {}

    def skip(self, number: int, reason: str, local_id: str = "") -> None:
        self.report.skipped.append({"record": number, "local_id": local_id, "reason": reason})

    def warn(self, number: int, message: str) -> None:
        self.report.warnings.append({"record": number, "message": message})

    # --- per batch ---------------------------------------------------------------------------

    def run_batch(self, entries: list[Entry]) -> None:
        good: list[Entry] = []
        for entry in entries:
            self.report.records_read += 1
            if entry.error:
                self.skip(entry.number, entry.error)
                continue
            bib = entry.bib
            for bad in bib.bad_isbns:
                self.warn(entry.number, _("ISBN %(isbn)s is not valid and was left out.") % {"isbn": bad})
            items = []
            for item in bib.items:
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
            bib.items = items
            bib.local_id = self.effective_local_id(entry)
            good.append(entry)
        if good:
            with transaction.atomic():
                self.write(good)

    def effective_local_id(self, entry: Entry) -> str:
        """The library's own id for the record, so a re-import finds it again.

        Records without one (no 001, no biblio_id) get an id derived from their match key and ISBNs;
        an id seen twice in one file gets a suffix rather than overwriting the first record.
        """
        bib = entry.bib
        local_id = bib.local_id.strip()[:90]
        if not local_id:
            basis = match_key(title=bib.title, first_author=bib.first_author, year=bib.year, publisher=bib.publisher)
            local_id = "key:" + hashlib.sha1((basis + ",".join(bib.isbns)).encode()).hexdigest()[:24]
        if local_id in self.seen_local_ids:
            self.seen_local_ids[local_id] += 1
            self.warn(entry.number, _("the record id %(id)s is used twice in this file.") % {"id": local_id})
            local_id = f"{local_id}#{self.seen_local_ids[local_id]}"
        self.seen_local_ids.setdefault(local_id, 1)
        return local_id

    def write(self, entries: list[Entry]) -> None:
        library = self.library
        local_ids = [e.bib.local_id for e in entries if e.bib.local_id]
        existing_sources = {
            source.local_id: source for source in SourceRecord.objects.filter(library=library, local_id__in=local_ids)
        }
        isbns = sorted({isbn for e in entries for isbn in e.bib.isbns})
        keys = {
            e.number: match_key(
                title=e.bib.title, first_author=e.bib.first_author, year=e.bib.year, publisher=e.bib.publisher
            )
            for e in entries
        }
        isbn_hits: dict[str, list[tuple[int, str, int | None]]] = {}
        if isbns:
            for rid, rec_isbns, mtype, pages in Record.objects.filter(isbns__overlap=isbns).values_list(
                "id", "isbns", "material_type", "pages"
            ):
                for isbn in rec_isbns:
                    isbn_hits.setdefault(isbn, []).append((rid, mtype, pages))
        key_hits: dict[str, list[tuple[int, str, int | None]]] = {}
        for rid, key, mtype, pages in Record.objects.filter(match_key__in=set(keys.values())).values_list(
            "id", "match_key", "material_type", "pages"
        ):
            key_hits.setdefault(key, []).append((rid, mtype, pages))

        holdings_for: list[tuple[int, Entry, int]] = []  # (record id, entry, source id)
        pending: list[tuple[Entry, int | Record]] = []  # new sources: the record is an id or a Record to create
        new_records: list[tuple[Entry, Record]] = []
        for entry in entries:
            bib = entry.bib
            source = existing_sources.get(bib.local_id) if bib.local_id else None
            if source is not None:
                record_id = self.update_existing(entry, source)
                holdings_for.append((record_id, entry, source.pk))
                continue
            ref = self.find_match(bib, keys[entry.number], isbn_hits, key_hits)
            if ref is None:
                ref = Record(match_key=keys[entry.number], **bib.record_fields())
                new_records.append((entry, ref))
                self.remember(bib, keys[entry.number], ref)
                self.report.created += 1
            else:
                self.report.joined += 1
            pending.append((entry, ref))
        # Set-based writes: one INSERT for the batch's new records, one for their sources.
        Record.objects.bulk_create([record for _, record in new_records], batch_size=BATCH_SIZE)
        sources = SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    record_id=_pk(ref),
                    library=library,
                    format=self.report.format,
                    local_id=entry.bib.local_id,
                    data=entry.raw,
                    original_record_id=_pk(ref),
                )
                for entry, ref in pending
            ],
            batch_size=BATCH_SIZE,
        )
        source_of = {}
        for (entry, ref), source in zip(pending, sources, strict=True):
            holdings_for.append((_pk(ref), entry, source.pk))
            source_of[entry.number] = source
        self.queue_reviews([(entry, record, source_of[entry.number]) for entry, record in new_records])
        self.upsert_holdings(holdings_for)

    def remember(self, bib: BibData, key: str, record: Record) -> None:
        for isbn in bib.isbns:
            self.by_isbn.setdefault(isbn, (record, bib.material_type))
        self.by_key.setdefault(key, (record, bib.material_type, bib.pages))

    def find_match(self, bib: BibData, key: str, isbn_hits, key_hits) -> int | Record | None:
        """ISBN first, then the match key; never across material types or clearly different page counts."""
        for isbn in bib.isbns:
            for rid, mtype, _pages in isbn_hits.get(isbn, []):
                if mtype == bib.material_type:
                    return rid
            hit = self.by_isbn.get(isbn)
            if hit and hit[1] == bib.material_type:
                return hit[0]
        if bib.isbns and any(isbn in isbn_hits or isbn in self.by_isbn for isbn in bib.isbns):
            return None  # same ISBN, different material type: a DVD is not the book
        candidates = list(key_hits.get(key, []))
        if key in self.by_key:
            candidates.append(self.by_key[key])
        for rid, mtype, pages in candidates:
            if mtype == bib.material_type and _pages_compatible(pages, bib.pages):
                return rid
        return None

    def queue_reviews(self, created: list[tuple[Entry, Record, SourceRecord]]) -> None:
        """New records with the title and author of an earlier record of the same type, whose year or publisher
        differ a little: kept apart for now and queued for a coordinator, never merged silently."""
        loose = {
            entry.number: loose_key(title=entry.bib.title, first_author=entry.bib.first_author)
            for entry, _record, _source in created
        }
        prefixes = {value for value in loose.values() if value.split("|")[0]}
        if not prefixes:
            return
        condition = Q()
        for prefix in prefixes:
            condition |= Q(match_key__startswith=prefix + "|")
        groups: dict[str, list[tuple]] = {}
        for row in Record.objects.filter(condition).values_list("id", "match_key", "material_type", "year", "pages"):
            groups.setdefault(row[1].rsplit("|", 2)[0], []).append(row)
        reviews = []
        for entry, record, source in created:
            bib = entry.bib
            for rid, _key, mtype, year, pages in groups.get(loose[entry.number], []):
                if rid >= record.pk or mtype != bib.material_type:
                    continue  # only earlier records, and never across material types
                if year and bib.year and abs(year - bib.year) > 1:
                    continue  # clearly a different edition
                if not _pages_compatible(pages, bib.pages):
                    continue
                reviews.append(
                    MatchReview(
                        source=source,
                        record=record,
                        candidate_id=rid,
                        score=0.5,
                        reason=_("Same title and author; the year or publisher differs."),
                    )
                )
                break
        MatchReview.objects.bulk_create(reviews)
        self.report.to_review += len(reviews)

    def update_existing(self, entry: Entry, source: SourceRecord) -> int:
        """A re-import of a record this library sent before: update what changed."""
        if bytes(source.data) == entry.raw:
            self.report.unchanged += 1
            return source.record_id
        SourceRecord.objects.filter(pk=source.pk).update(
            data=entry.raw, format=self.report.format, updated_at=timezone.now()
        )
        # The shared record follows the source only when no other library contributed to it.
        if not SourceRecord.objects.filter(record_id=source.record_id).exclude(pk=source.pk).exists():
            bib = entry.bib
            Record.objects.filter(pk=source.record_id).update(
                match_key=match_key(
                    title=bib.title, first_author=bib.first_author, year=bib.year, publisher=bib.publisher
                ),
                updated_at=timezone.now(),
                **bib.record_fields(),
            )
        self.report.updated += 1
        return source.record_id

    def upsert_holdings(self, rows: list[tuple[int, Entry, int]]) -> None:
        values = []
        today = timezone.localdate()
        now = timezone.now()
        for record_id, entry, source_id in rows:
            for item in entry.bib.items:
                values.append(
                    (
                        record_id,
                        self.library.pk,
                        item.barcode[:64],
                        item.call_number[:100],
                        item.shelf_location[:100],
                        item.copy_number,
                        item.status,
                        item.ill_allowed,
                        "purchase",
                        today,
                        source_id,
                        1,
                        now,
                    )
                )
        if not values:
            return
        # Keyed by (library, barcode): a re-import changes nothing, a changed row updates only what differs.
        # Circulation status is Silang's own and is never overwritten by an import.
        sql = """
            INSERT INTO catalog_holding (record_id, library_id, barcode, call_number, shelf_location, copy_number,
                                         status, ill_allowed, acquisition, date_added, source_id, version, updated_at)
            VALUES %s
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
        with connection.cursor() as cursor:
            results = execute_values(cursor, sql, values, page_size=1000, fetch=True)
        inserted = sum(1 for (was_insert,) in results if was_insert)
        self.report.holdings_added += inserted
        self.report.holdings_updated += len(results) - inserted
        self.report.holdings_unchanged += len(values) - len(results)


def _pk(ref: int | Record) -> int:
    return ref.pk if isinstance(ref, Record) else ref


def _pages_compatible(a: int | None, b: int | None) -> bool:
    if not a or not b:
        return True
    return abs(a - b) <= max(10, 0.1 * max(a, b))
