"""Every call interop makes into the catalog's import and export modules, in one place.

- Imports run through catalog.ingest.import_bytes (reading, deduplication, the (library, local id) key of
  re-imports, the report), exactly as an uploaded file does.
- MARC is written by the catalog's own functions: catalog.exporting.marc_for (a record with its holdings in 852,
  used by export, SRU, OAI-PMH) and catalog.ingest.bibdata.to_marc (a MARC record from catalog columns, used for what a
  SLiMS OPAC sends as Dublin Core or MODS). No second MARC writer lives in interop.
"""

from __future__ import annotations

from collections.abc import Callable

from catalog.exporting import marc_for, records_for_export
from catalog.ingest.bibdata import to_marc as marc_from_columns
from catalog.ingest.pipeline import ImportReport, import_bytes
from consortium.models import Library

__all__ = ["ImportReport", "import_csv", "import_marcxml", "marc_for", "marc_from_columns", "records_for_export"]


def import_csv(*, library: Library, data: bytes, filename: str = "slims.csv") -> ImportReport:
    """A CSV in SLiMS's biblio-table columns (biblio_id is the library's own id of each record)."""
    return import_bytes(library=library, data=data, filename=filename, fmt="csv")


def import_marcxml(
    *, library: Library, data: bytes, filename: str = "harvest.xml", progress: Callable | None = None
) -> ImportReport:
    """A MARCXML collection (001 is the library's own id; copies in 852)."""
    return import_bytes(library=library, data=data, filename=filename, fmt="marcxml", progress=progress)
