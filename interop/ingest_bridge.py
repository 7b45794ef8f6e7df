"""Every call interop makes into the catalog's import pipeline, in one place: the pipeline is being moved into
a `catalog/ingest/` package, and these are the lines to repoint then.

Imports run through catalog.importing.import_bytes (reading, deduplication, the (library, local id) key of
re-imports, the report), exactly as an uploaded file does."""

from __future__ import annotations

from collections.abc import Callable

from catalog.importing import ImportReport, import_bytes
from catalog.readers import FileRejected, read_entries, sniff_format
from consortium.models import Library

__all__ = ["FileRejected", "ImportReport", "import_csv", "import_marcxml", "count_marcxml_records", "sniff_format"]


def import_csv(*, library: Library, data: bytes, filename: str = "slims.csv") -> ImportReport:
    """A CSV in SLiMS's biblio-table columns (biblio_id is the library's own id of each record)."""
    return import_bytes(library=library, data=data, filename=filename, fmt="csv")


def import_marcxml(
    *, library: Library, data: bytes, filename: str = "harvest.xml", progress: Callable | None = None
) -> ImportReport:
    """A MARCXML collection (001 is the library's own id; copies in 852)."""
    return import_bytes(library=library, data=data, filename=filename, fmt="marcxml", progress=progress)


def count_marcxml_records(data: bytes) -> int:
    return sum(1 for _entry in read_entries(data, "marcxml"))
