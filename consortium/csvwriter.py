"""The one CSV writer of the project: every CSV Silang writes (catalog export, statistics, analyses) goes
through it, so no cell can run as a formula when a librarian opens the file in a spreadsheet.

The OWASP rule (CSV injection): a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
prefixed with a single quote, which spreadsheets show as text. Numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet must read it: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer with every cell passed through safe_cell()."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs) -> SafeWriter:
    return SafeWriter(file, **kwargs)


def line(values: Iterable) -> str:
    """One CSV line (with its line ending) as text, for streamed exports."""
    buffer = io.StringIO()
    SafeWriter(buffer).writerow(values)
    return buffer.getvalue()
