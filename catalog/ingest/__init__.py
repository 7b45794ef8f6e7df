"""The catalog's ingest pipeline: files and pushes become records, sources and holdings.

Boundary: callers use `import_bytes` / `import_file` and read the `ImportReport`; nothing outside this package
knows how records are read or written.

- readers.py: one reader per format (MARC21, MARCXML, CSV), registered in READERS; each yields `Entry` objects
  holding the same plain record data (bibdata.BibData), or a reason the record could not be read.
- validate.py: values checked against what the database accepts, before anything is written.
- matching.py: deduplication decisions as pure functions (no database).
- pipeline.py: the writer (COPY work, batches, retries) and the report.
"""

__all__ = [
    "FileRejected",
    "ImportReport",
    "count_records_and_copies",
    "import_bytes",
    "import_file",
    "no_copies_message",
    "read_source",
]


def __getattr__(name: str):
    # Lazily: parse workers started by a forkserver import the readers before Django is set up, and must not
    # pull in the models through this package.
    if name in ("FileRejected", "count_records_and_copies", "read_source"):
        from . import readers

        return getattr(readers, name)
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
