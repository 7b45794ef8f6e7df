"""Values checked against what the database accepts, before any of them reaches COPY.

A value Postgres would refuse fails the whole COPY of a batch; here it is repaired or left out, and the record's
warnings say so. The limits are the columns' own (catalog.models): smallint year, integer pages, smallint copy
number, varchar lengths; text may not hold NUL, and (for XML export) holds no other control characters.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Control characters other than tab, newline and carriage return (COPY escapes those), and lone surrogates
# (which cannot be encoded as UTF-8).
BAD_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
SMALLINT_MAX = 32767
INTEGER_MAX = 2**31 - 1
MATCH_KEY_LENGTH = 400
LOCAL_ID_LENGTH = 90

_TEXT_ATTRIBUTES = (
    "title", "subtitle", "responsibility", "publisher", "place", "edition", "issn", "language", "ddc", "series",
    "physical_description", "summary", "local_id",
)  # fmt: skip
_ITEM_TEXT = ("barcode", "call_number", "shelf_location")


def clean_text(value: str) -> str:
    return BAD_CHARACTERS.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", value)


def check(bib, copy_text: str) -> list[str]:
    """Repair `bib` (a readers BibData) in place; returns warnings. `copy_text`: the record's COPY row as made
    from bib, searched once for characters to remove (the common case: nothing found, one regex scan)."""
    notes: list[str] = []
    if bib.year is not None and not (0 < bib.year <= SMALLINT_MAX):
        notes.append(_("the year %(value)s is out of range and was left out.") % {"value": bib.year})
        bib.year = None
    if bib.pages is not None and not (0 <= bib.pages <= INTEGER_MAX):
        notes.append(_("the page count %(value)s is out of range and was left out.") % {"value": bib.pages})
        bib.pages = None
    for item in bib.items:
        if item.copy_number is not None and not (0 <= item.copy_number <= SMALLINT_MAX):
            notes.append(
                _("copy %(barcode)s: the copy number %(value)s is out of range and was left out.")
                % {"barcode": item.barcode, "value": item.copy_number}
            )
            item.copy_number = None
    # The record's id in the library (001) is not in its row: looked at on its own.
    # One scan of the record's text that is not in its row (its id, its copies' text, its authors' names, which the
    # row holds as JSON, their control characters escaped).
    outside = [bib.local_id]
    for item in bib.items:
        outside += (item.barcode, item.call_number, item.shelf_location)
    outside += (author.get("name", "") for author in bib.authors)
    if BAD_CHARACTERS.search(copy_text) is not None or BAD_CHARACTERS.search("\t".join(outside)) is not None:
        removed = 0
        for name in _TEXT_ATTRIBUTES:
            value = getattr(bib, name)
            cleaned = clean_text(value)
            removed += len(value) - len(cleaned) + cleaned.count("\ufffd") - value.count("\ufffd")
            setattr(bib, name, cleaned)
        bib.subjects = [clean_text(subject) for subject in bib.subjects]
        for author in bib.authors:
            author["name"] = clean_text(author.get("name", ""))
        for item in bib.items:
            for name in _ITEM_TEXT:
                setattr(item, name, clean_text(getattr(item, name)))
        notes.append(_("control characters or NUL bytes were removed from the record's text."))
    return notes
