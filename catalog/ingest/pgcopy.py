"""Rows written with Postgres COPY (text format): the fast path for imports and bulk loads.

COPY still fires the tables' triggers, so the search index and the holdings summary stay right.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterable, Sequence

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
json_text = json.JSONEncoder(ensure_ascii=False).encode


def _array_item(value) -> str:
    if value is None:
        return "NULL"
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def array_text(values) -> str:
    """A Postgres array literal (before COPY escaping)."""
    if not values:
        return "{}"
    if all(type(item) is str for item in values):
        # The common case, a few plain strings: quoted in one join when none holds a quote or a backslash.
        joined = '","'.join(values)
        if "\\" not in joined and '"' not in joined:
            return '{"' + joined + '"}'
    return "{" + ",".join(_array_item(item) for item in values) + "}"


def copy_row(values: list[str | None]) -> str:
    """A COPY text row of text columns (None for NULL)."""
    row = "\t".join(["\\N" if value is None else value for value in values])
    # Most rows have nothing to escape, which four scans of the row tell: translating it costs ≈ 15 ns a character
    # (a record's row: 4 µs), in an import's hottest loop. Each \N brings one backslash.
    if (
        row.count("\t") == len(values) - 1
        and row.count("\\") == values.count(None)
        and "\n" not in row
        and "\r" not in row
    ):
        return row
    return "\t".join(["\\N" if value is None else value.translate(COPY_ESCAPES) for value in values])


def copy_value(value) -> str:
    """One column of a COPY text row. Python lists become Postgres arrays; use `Json` for json columns."""
    if type(value) is str:  # most columns, first
        if "\\" not in value and value.isprintable():
            return value  # no tab, newline or backslash: nothing to escape (translate is ≈ 7 times slower)
        return value.translate(COPY_ESCAPES)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES)
    if isinstance(value, Json):
        return json_text(value.value).translate(COPY_ESCAPES)
    if isinstance(value, list | tuple):
        return array_text(value).translate(COPY_ESCAPES)
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\\\x" + bytes(value).hex()
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot COPY a {type(value).__name__}")


class Json:
    """Marks a value for a json/jsonb column (a list would otherwise become an array)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def copy_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY rows into table(columns); returns the number of rows written."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(copy_value(value) for value in row))
        buffer.write("\n")
        count += 1
    if count:
        buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count
