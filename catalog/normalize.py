"""Normalisation used by import, deduplication and search: ISBNs, folded text, match keys."""

from __future__ import annotations

import re
import unicodedata

from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import ValidationError as StdnumError

# The largest page number of a physical description, roman prefaces aside: one rule for the column and for dedup.
from .matching import page_count  # noqa: F401

ISBN_CANDIDATE = re.compile(r"[0-9][0-9\- ]{8,16}[0-9Xx]")
NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")
TRAILING_PUNCT = re.compile(r"[\s/:;,=.]+$")


def isbn13(value: str) -> str | None:
    """The ISBN-13 form of the first ISBN in `value` ('0764541668 (pbk.)' -> '9780764541667'), or None."""
    if not value:
        return None
    match = ISBN_CANDIDATE.search(value)
    if not match:
        return None
    found = match.group(0)
    if len(found) == 13 and found.isdigit() and found[:3] in ("978", "979"):
        # Most ISBNs of a file are plain ISBN-13s: the check digit alone decides (stdnum's way costs an import
        # ≈ 10 µs an ISBN).
        odd, even = found[0:12:2], found[1:12:2]
        total = sum(map(int, odd)) + 3 * sum(map(int, even))
        return found if (10 - total % 10) % 10 == int(found[12]) else None
    try:
        return stdnum_isbn.to_isbn13(stdnum_isbn.validate(found))
    except StdnumError:
        return None


def clean_issn(value: str) -> str:
    try:
        return stdnum_issn.format(stdnum_issn.validate(value.split()[0])) if value.strip() else ""
    except (StdnumError, IndexError):
        return ""


def fold(text: str) -> str:
    """Accents, punctuation and case folded: 'Laskar Pelangi!' and 'laskar pélangi' give the same."""
    if not text:
        return ""
    if text.isascii():  # most titles: nothing to decompose (and the per-letter loop is an import's hot spot)
        stripped = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(NON_WORD.sub(" ", stripped.casefold()).split())


def strip_punct(text: str) -> str:
    return TRAILING_PUNCT.sub("", (text or "").strip())


def first_year(text: str) -> int | None:
    match = YEAR.search(text or "")
    return int(match.group(1)) if match else None


def author_key(name: str) -> str:
    """The surname-ish part: 'Hirata, Andrea' and 'Andrea Hirata' both give 'hirata'."""
    folded = fold(name.split(",")[0] if "," in name else (name.split()[-1] if name.split() else ""))
    return folded


def match_key(*, title: str, first_author: str, year: int | None, publisher: str) -> str:
    return "|".join([fold(title)[:150], author_key(first_author or ""), str(year or ""), fold(publisher)[:60]])


def loose_key_of(key: str) -> str:
    """Title and author only, taken from a match key as SQL's catalog_loose_key() does: a candidate for the
    review queue, never a silent merge."""
    return "|".join(key.split("|", 2)[:2])
