"""Duplicate detection for the union catalog: pure functions, no database.

One record per edition, never two editions in one. An import (any path: files, API, SLiMS pushes) and the
re-run over the whole catalog (`catalog.dedup`) ask the same two questions of this module:

* `block_key(...)`: which earlier records are worth comparing with this one? Records whose folded title
  (245 $a with $b, leading article dropped) starts with the same words. It is stored in `Record.match_key`
  (indexed), so candidates are one index probe away.
* `compare(a, b)`: given the `Features` of two records, a `Verdict`: a score between 0 and 1, the
  decision (merge / review / distinct against the two thresholds) and the reasons, each a feature with
  the weight it added, so a coordinator sees why a pair was proposed.

What keeps two editions apart (hard blocks, whatever else agrees): different material types; ISBNs on
both sides with none in common; different volume, part or grade designations ("kelas X" / "kelas XI",
"jilid 2", "volume II", 245 $n); titles that differ in a word that is not a spelling slip (245 $p places,
$b-only differences); different edition numbers ("2nd ed." / "Ed. ke-3"); years too far apart.

The weights were set by hand on the even-numbered pairs of the CDLib goldfinch benchmark
(bench/dedup_bench.py) and are explained next to each feature in `compare`.
"""

from __future__ import annotations

import marshal
import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

# --- text folding -------------------------------------------------------------------------------------------

# Letters that Unicode does not decompose into a base letter and an accent: folded by hand.
_LETTERS = str.maketrans(
    {
        "ı": "i",  # Turkish dotless i (adıvar = adivar)
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "Ð": "d",
        "ʹ": "",  # MARC-8 soft sign (romanised Cyrillic): T͡Sentralʹnyĭ
        "ʺ": "",
        "ʻ": "",
        "ʼ": "",
        "’": "",
        "'": "",
        "&": " and ",
    }
)
_NON_WORD = re.compile(r"[^\w]+")
# Old Indonesian spellings (before EYD, 1972) and their current forms. Only digraphs whose old and new forms
# cannot be two different words of today's spelling: "oe" → "u" (Soekarno), "dj" → "j" (Djakarta), "tj" → "c"
# (Tjerita), "nj" → "ny" (Njonja), "sj" → "sy" (Sjair). Not "j" → "y" (saja / saya are both words) nor
# "ch" → "kh". Folded on both sides of a comparison, so English words with these letters stay comparable.
_OLD_SPELLING = re.compile(r"oe|dj|tj|nj|sj")
_NEW_SPELLING = {"oe": "u", "dj": "j", "tj": "c", "nj": "ny", "sj": "sy"}


def fold(text: str) -> str:
    """Case, accents and punctuation folded, and the letters Unicode keeps apart (ı ß ø æ ...): words
    separated by single spaces. 'Adıvar', 'ADIVAR' and 'Adivar!' give 'adivar'."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    elif "&" in text or "'" in text:
        text = text.translate(_LETTERS)
    return " ".join(_NON_WORD.sub(" ", text.casefold()).replace("_", " ").split())


def spelling(word: str) -> str:
    """A folded word in today's Indonesian spelling: 'tjerita' → 'cerita', 'soekarno' → 'sukarno'."""
    if "j" in word or "oe" in word:
        return _OLD_SPELLING.sub(lambda m: _NEW_SPELLING[m.group(0)], word)
    return word


def words(text: str) -> list[str]:
    return [spelling(word) for word in fold(text).split()]


# --- numbers: roman numerals, ordinal words ------------------------------------------------------------------

_ROMAN = re.compile(r"^(?=[mdclxvi]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_NUMBER_WORDS = {
    # English, Indonesian (kesatu, pertama ...), a few Dutch/French/German ordinals seen in older records.
    **dict.fromkeys(["one", "first", "satu", "kesatu", "pertama", "premier", "premiere", "erste", "eerste"], 1),
    **dict.fromkeys(["two", "second", "dua", "kedua", "deuxieme", "zweite", "tweede"], 2),
    **dict.fromkeys(["three", "third", "tiga", "ketiga", "troisieme", "dritte", "derde"], 3),
    **dict.fromkeys(["four", "fourth", "empat", "keempat"], 4),
    **dict.fromkeys(["five", "fifth", "lima", "kelima"], 5),
    **dict.fromkeys(["six", "sixth", "enam", "keenam"], 6),
    **dict.fromkeys(["seven", "seventh", "tujuh", "ketujuh"], 7),
    **dict.fromkeys(["eight", "eighth", "delapan", "kedelapan"], 8),
    **dict.fromkeys(["nine", "ninth", "sembilan", "kesembilan"], 9),
    **dict.fromkeys(["ten", "tenth", "sepuluh", "kesepuluh"], 10),
    **dict.fromkeys(["eleven", "eleventh", "sebelas", "kesebelas"], 11),
    **dict.fromkeys(["twelve", "twelfth", "duabelas", "keduabelas"], 12),
}
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|d|e|er|eme|de|ste)?$")


def roman(word: str) -> int | None:
    """The value of a roman numeral ('xi' → 11), or None."""
    if not word or not _ROMAN.match(word):
        return None
    total = 0
    for letter, following in zip(word, [*word[1:], ""], strict=True):
        value = _ROMAN_VALUES[letter]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def number(word: str, *, romans: bool = True) -> int | None:
    """'2', '2nd', 'II', 'kedua', 'second' → 2; None for anything else."""
    match = _ORDINAL.match(word)
    if match:
        return int(match.group(1))
    if word.startswith("ke") and word[2:].isdigit():  # ke-2, folded to "ke 2" or "ke2"
        return int(word[2:])
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    return roman(word) if romans else None


# --- designations: volume, part, grade ---------------------------------------------------------------------

# Words that introduce a volume, part or grade: what follows them (a number, a roman numeral, a number word)
# tells two volumes of one work apart. Folded forms; abbreviations without their dot.
DESIGNATION_WORDS = {
    **dict.fromkeys(["kelas", "kls", "grade", "class", "tingkat", "klas"], "grade"),
    **dict.fromkeys(["semester", "smt"], "semester"),
    **dict.fromkeys(["jilid", "jld", "volume", "vol", "vols", "v", "tome", "tomo", "band", "bd", "deel", "dl"], "vol"),
    **dict.fromkeys(["bagian", "bag", "part", "pt", "partie", "teil", "parte"], "part"),
    **dict.fromkeys(["buku", "book", "bk", "livre", "boek", "libro"], "book"),
    **dict.fromkeys(["no", "nomor", "number", "nr", "heft", "issue", "fasc", "fascicle", "seri"], "no"),
}


def designations(text_words: list[str]) -> frozenset[tuple[str, int]]:
    """('vol', 2), ('grade', 10) ...: the volume, part and grade designations among the words of a title.

    'Matematika untuk SMA kelas X' → {('grade', 10)}; 'Sejarah jilid 2' → {('vol', 2)}."""
    found = set()
    for index, word in enumerate(text_words[:-1]):
        kind = DESIGNATION_WORDS.get(word)
        if kind is None:
            continue
        value = number(text_words[index + 1])
        if value is not None:
            found.add((kind, value))
    return frozenset(found)


# --- pages ------------------------------------------------------------------------------------------------

# What 300 $a/$b/$c count besides pages: sizes, plates, maps, preliminary leaves, volumes. Removed before the
# largest remaining number is taken as the page count.
_NOT_PAGES = re.compile(
    r"\d+\s*(?:x\s*\d+\s*)?(?:cm|mm|in)\b"  # 22 cm, 28 x 22 cm
    r"|\[?\d+\]?\s*(?:p\.?\s*l\b|ℓ|l\.|leaf|leaves|lvs)(?:\s*of\s*plates)?"  # 3 p. l., 2 l., [12] leaves of plates
    r"|\[?\d+\]?\s*(?:v|vol|vols|volumes?|jil|jilid|maps?|plates?|pl|ports?|facsims?|charts?|tables?|figs?|"
    r"illus?|diagrs?|col|folded|fold|sheets?|parts?|pts?)\b",
    re.IGNORECASE,
)
_OCR_ONE = re.compile(r"(?<=\d)[lI](?=\s*p\b)")  # "30l p." is 301 p.
_INTEGER = re.compile(r"\d+")
_PAGE_WORD = re.compile(r"\d[\]lI]?\s*\]?\s*(?:p|pp|pages?|hlm|halaman|h|leaves|s|str|blz)\b", re.IGNORECASE)


# "136 hlm", "200 p. ;": nothing for _NOT_PAGES or _OCR_ONE to find, the one number is the count.
_PLAIN_PAGES = re.compile(r"\s*(\d+)\s*(?:p|pp|pages?|hlm|halaman|h)[\s/:;,=.]*", re.IGNORECASE)


def page_count(physical: str) -> int | None:
    """The number of pages of a 300 field: the largest page number, roman prefaces, unnumbered pages,
    preliminary leaves, plates and sizes aside. '3 p. l., [v]-viii, 351 p.' → 351; 'xii, 193 p.' → 193;
    '[11]-200 p.' → 200; 'xix, 311, [1] p. 16 cm' → 311; '1 v.' → None."""
    plain = _PLAIN_PAGES.fullmatch(physical) if physical else None
    if plain:
        value = int(plain.group(1))
        return value if 0 < value < 100000 else None
    if not physical or not _PAGE_WORD.search(physical):
        return None  # "1 sound disc (60 min.)", "1 v.": no pages counted
    text = _NOT_PAGES.sub(" ", _OCR_ONE.sub("1", physical))
    found = [int(n) for n in _INTEGER.findall(text) if 0 < int(n) < 100000]
    return max(found) if found else None


_VOLUMES = re.compile(r"(\d+)\s*(?:v\b|vol\b|vols\b|volumes\b|jil\b|jilid\b)", re.IGNORECASE)


def volume_count(physical: str) -> int | None:
    match = _VOLUMES.search(physical or "")
    return int(match.group(1)) if match else None


# --- editions ---------------------------------------------------------------------------------------------

_EDITION_WORDS = re.compile(r"\b(?:ed|edn|edition|edisi|editie|auflage|aufl|uitgave|druk|edicion|edizione|cetakan)\b")
_PRINTING = re.compile(r"\b(?:cet|cetakan|printing|impression|reprint|druk|tirage|print)\b")
_REVISED = re.compile(r"\b(?:rev|revised|revisi|enl|enlarged|new|baru|augm|expanded|updated)\b")


def edition_key(statement: str) -> str:
    """A comparable form of a 250 $a: '2nd ed.', 'Ed. ke-2', 'Edisi kedua', 'Second edition' → '2';
    'Rev. ed.' → 'rev'; a printing ('Cet. 3', '3rd printing') → '' (a printing is not an edition);
    no statement, or '1st ed.' → '' (a first edition is what records without a statement describe)."""
    folded = " ".join(words(statement))
    if not folded:
        return ""
    if _PRINTING.search(folded) and not re.search(r"\b(?:ed|edition|edisi)\b", folded):
        return ""
    for word in folded.split()[:4]:  # the edition's number comes first ("3d ed., rev., with 37 new plates")
        if word in ("ed", "edn", "edition", "edisi", "cet", "cetakan", "ke"):
            continue
        value = number(word, romans=False)
        if value is not None:
            if value < 100:  # "ed. 1998" is a year, not a number
                return "" if value == 1 else str(value)
            break
    if _REVISED.search(folded):
        return "rev"
    return ""


# --- publishers -------------------------------------------------------------------------------------------

# Words that do not tell one publisher from another: "Published by the Century Co." = "The Century co.";
# "PT Gramedia Pustaka Utama" = "Gramedia Pustaka Utama"; "Harper & Bros." = "Harper and brothers".
_PUBLISHER_NOISE = frozenset(
    "the published publisher publishers publishing pub pubs printed printer printers print by for and at "
    "co company cos corp corporation inc incorporated ltd limited llc plc gmbh ag sa nv bv "
    "penerbit diterbitkan oleh pt cv tbk ud yayasan firma fa percetakan "
    "press verlag editions editeur editora editorial uitgeverij uitgevers son sons bros brothers "
    "house books book".split()
)


@lru_cache(maxsize=1 << 12)
def publisher_words(publisher: str) -> tuple[str, ...]:
    return tuple(word for word in words(publisher) if word not in _PUBLISHER_NOISE and not word.isdigit())


# --- authors ----------------------------------------------------------------------------------------------

_DATES = re.compile(r"\b(?:b|d|fl|ca|approximately)?\.?\s*\d{3,4}\??-?(?:\d{3,4})?\??")


@lru_cache(maxsize=1 << 14)  # the same headings recur across a catalog
def author_words(name: str) -> tuple[str, ...]:
    """The words of a heading that identify it, dates and initials aside: 'Sondley, F. A. (Forster
    Alexander), 1857-1931' and 'Sondley, Forster Alexander, 1857-' both → ('sondley', ...)."""
    if any(ch.isdigit() for ch in name or ""):
        name = _DATES.sub(" ", name)
    return tuple(word for word in words(name) if len(word) > 1 and not word.isdigit())


def author_key(name: str) -> str:
    """The surname-ish word: 'Hirata, Andrea' and 'Andrea Hirata' both give 'hirata'; a corporate heading
    'Massachusetts. Dept. of Public Works' gives 'massachusetts'."""
    if "," in name:
        head = name.split(",")[0]
        found = author_words(head)
        return found[-1] if found else ""
    found = author_words(name)
    if not found:
        return ""
    return found[0] if "." in name.rstrip(".") and len(found) > 2 else found[-1]


# --- titles -----------------------------------------------------------------------------------------------

ARTICLES = frozenset(
    "the a an le la les l un une der die das ein eine el los las lo il gli i de het een".split()
)  # leading articles only ("i" and "de" as Italian and Dutch articles)
BLOCK_WORDS = 2
# A blocking key shared by more records than this ("Laporan tahunan ..."): the oldest are compared (import, re-run).
BLOCK_LIMIT = 200


def title_words(title: str, subtitle: str = "") -> list[str]:
    """The folded words of the whole title (245 $a, $n, $p and $b, whatever the split), leading article dropped."""
    return _title_words(words(f"{title} {subtitle}" if subtitle else title))


def _title_words(found: list[str]) -> list[str]:
    """title_words of already folded words (words(a + " " + b) is words(a) + words(b))."""
    if len(found) > 1 and found[0] in ARTICLES:
        found = found[1:]
    # The number after a designation word in one form: "kelas X" = "kelas 10", "jilid dua" = "jilid 2".
    for index, word in enumerate(found[:-1]):
        if word in DESIGNATION_WORDS:
            value = number(found[index + 1])
            if value is not None:
                found[index + 1] = str(value)
    return found


def block_key(title: str, subtitle: str = "") -> str:
    """The blocking key: the first two words of the folded whole title that are not articles, prepositions or
    conjunctions. Records are compared only with records of the same key (and records sharing an ISBN).

    Two such words, rather than the first three words, found 5,000 of goldfinch's 5,103 duplicates (4,925)
    with fewer comparisons (10,268 pairs, 18,130): "History of the ..." no longer makes one crowded block."""
    return block_key_of(title_words(title, subtitle))


def block_key_of(full_title: list[str] | tuple[str, ...]) -> str:
    """The blocking key of a title's words (title_words, Features.full_title)."""
    significant = [word for word in full_title if word not in TITLE_NOISE] or full_title
    return " ".join(significant[:BLOCK_WORDS])[:150]


# --- features ---------------------------------------------------------------------------------------------


class Features(NamedTuple):
    """What `compare` reads of one record, computed once (in the parse workers during an import)."""

    material_type: str
    title: tuple[str, ...]  # words of $a (+ $n $p), leading article dropped
    full_title: tuple[str, ...]  # words of $a + $b
    has_subtitle: bool
    designations: frozenset
    isbns: frozenset
    authors: tuple[str, ...]  # author keys, in order (first = main entry)
    names: frozenset  # every word of every heading and of the statement of responsibility
    publisher: tuple[str, ...]
    year: int | None
    pages: int | None
    volumes: int | None
    edition: str


def features(
    *,
    title: str,
    subtitle: str = "",
    authors: list[dict] | None = None,
    responsibility: str = "",
    publisher: str = "",
    year: int | None = None,
    edition: str = "",
    isbns: list[str] | tuple = (),
    pages: int | None = None,
    physical_description: str = "",
    material_type: str = "book",
) -> Features:
    """Features of a record, from the catalog's columns (Record, BibData: the same names)."""
    folded_title = words(title)
    title_only = _title_words(list(folded_title))
    full = _title_words(folded_title + words(subtitle)) if subtitle else title_only
    names: set[str] = set()
    keys = []
    for author in authors or ():
        name = author["name"] if isinstance(author, dict) else str(author)
        names.update(author_words(name))
        key = author_key(name)
        if key:
            keys.append(key)
    names.update(author_words(responsibility))
    title_tuple = tuple(title_only)
    # In field order, positionally: keywords cost a parse worker ≈ 1 µs a record.
    return Features(
        str(material_type),
        title_tuple,
        tuple(full) if subtitle else title_tuple,  # full_title; one object: packed once (pack)
        len(full) > len(title_only),  # has_subtitle
        designations(full),
        frozenset(isbns),
        tuple(keys),  # authors
        frozenset(names),
        publisher_words(publisher),
        year,
        page_count(physical_description) or pages,
        volume_count(physical_description),
        edition_key(edition),
    )


# The record's columns `features` reads (its keyword arguments), for reads of the catalog.
FEATURE_INPUTS = (
    "title", "subtitle", "authors", "responsibility", "publisher", "year", "edition", "isbns", "pages",
    "physical_description", "material_type",
)  # fmt: skip
# Bumped whenever `features` reads a record differently: stored features of another version are recomputed.
FEATURES_VERSION = 1
_PACKED_LENGTH = len(Features._fields) + 1


def pack(found: Features) -> bytes:
    """The features as kept with the record (Record.match_features), so that imports read them back instead of
    computing them again from the record's columns."""
    return marshal.dumps((FEATURES_VERSION, *found))


def unpack(stored) -> Features | None:
    """Features kept by `pack`; None when there are none, or of another version, or unreadable: compute them."""
    if stored is None:
        return None
    try:
        values = marshal.loads(stored)
    except (EOFError, ValueError, TypeError):
        return None
    if type(values) is not tuple or len(values) != _PACKED_LENGTH or values[0] != FEATURES_VERSION:
        return None
    return Features._make(values[1:])


def features_of(bib) -> Features:
    """Features of anything with the catalog's column names as attributes (BibData, Record)."""
    return features(**{name: getattr(bib, name) for name in FEATURE_INPUTS})


# --- comparison ---------------------------------------------------------------------------------------------

MERGE = "merge"
REVIEW = "review"
DISTINCT = "distinct"

# Decision thresholds on the score (0..1): tuned on the even-numbered goldfinch pairs (bench/README.md).
MERGE_AT = 0.75
REVIEW_AT = 0.50
YEAR_TOLERANCE = 2  # a reprint a year or two later, with everything else the same, is the same edition


class Reason(NamedTuple):
    feature: str  # a key of FEATURE_LABELS
    weight: float  # what it added to (or took from) the score
    detail: str = ""  # the differing values, for the review page


class Verdict(NamedTuple):
    score: float
    decision: str  # MERGE, REVIEW or DISTINCT
    reasons: tuple[Reason, ...]
    blocked: str = ""  # the hard block that decided DISTINCT, if one did

    @property
    def differing(self) -> list[str]:
        """The features that spoke against the pair: the fields to mark on the review page."""
        return [reason.feature for reason in self.reasons if reason.weight < 0 or reason.feature == self.blocked]


# Feature names as shown to coordinators (translated where shown).
FEATURE_LABELS = {
    "identical": "identical description",
    "material_type": "material type",
    "isbn": "ISBN",
    "designation": "volume, part or grade",
    "title": "title",
    "subtitle": "subtitle",
    "author": "author",
    "publisher": "publisher",
    "year": "year",
    "pages": "pages",
    "edition": "edition",
    "volumes": "number of volumes",
}


def _distinct(feature: str, detail: str, reasons: list[Reason]) -> Verdict:
    reasons.append(Reason(feature, -1.0, detail))
    return Verdict(0.0, DISTINCT, tuple(reasons), feature)


@lru_cache(maxsize=1 << 16)  # the same pairs of words come back across an import's comparisons
def _similar_word(a: str, b: str) -> bool:
    """A spelling slip, not another word: 'mccelland' / 'mcclelland', 'labour' / 'labor'. Numbers must be equal."""
    if a.isdigit() or b.isdigit() or roman(a) or roman(b):
        return False
    if len(a) < 4 or len(b) < 4:
        return a[:1] == b[:1] and len(a) == len(b) == 3 and sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    if 2 * min(len(a), len(b)) < 0.8 * (len(a) + len(b)):
        return False  # the lengths alone keep the ratio below 0.8
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


# Words whose presence or absence in one transcription of a title says nothing about the edition.
TITLE_NOISE = frozenset(
    "the a an and of in on for to or by with at from its de la le les et du des der die das und von "
    "dan di ke dari untuk yang dengan pada dalam atau".split()
)


def _word_diff(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Words of `a` not in `b` and of `b` not in `a` (as multisets, order ignored)."""
    rest = list(b)
    only_a = []
    for word in a:
        if word in rest:
            rest.remove(word)
        else:
            only_a.append(word)
    return only_a, rest


def _slips_only(only_a: list[str], only_b: list[str]) -> bool:
    """Whether the differing words pair up as spelling slips, or are the same letters split differently
    ('rockfoundations' / 'rock foundations')."""
    if "".join(only_a) == "".join(only_b) and only_a:
        return True
    if len(only_a) != len(only_b):
        return False
    rest = list(only_b)
    for word in only_a:
        match = next((other for other in rest if _similar_word(word, other)), None)
        if match is None:
            return False
        rest.remove(match)
    return True


def _at_end(title: tuple[str, ...], extra: list[str]) -> bool:
    """Whether the words `extra` are the end of `title` (a subtitle, a part name: what $b and $p add)."""
    return bool(extra) and sorted(title[len(title) - len(extra) :]) == sorted(extra)


def title_agreement(a: Features, b: Features) -> tuple[str, str]:
    """How the titles agree, and the differing words:

    'same': the same words (order, articles, 'and'/'&', the author's name in one title aside);
    'slips': the differing words are spelling slips;
    'subtitle_missing': one record lacks the other's subtitle, or one title is the start of the other;
    'inserted': one title has words the other lacks in its middle;
    'near': a word or two replaced in the middle, the rest the same (a variant transcription);
    'different': the ends differ (another part, another subtitle) or too many words differ."""
    if a.full_title == b.full_title:
        return "same", ""
    only_a, only_b = _word_diff(a.full_title, b.full_title)
    only_a = [word for word in only_a if word not in TITLE_NOISE and word not in b.names]
    only_b = [word for word in only_b if word not in TITLE_NOISE and word not in a.names]
    detail = f"{' '.join(only_a) or '-'} / {' '.join(only_b) or '-'}"
    if not only_a and not only_b:
        return "same", ""
    if _slips_only(only_a, only_b):
        return "slips", detail
    if not only_a or not only_b:
        longer, extra = (b, only_b) if only_b else (a, only_a)
        shorter = a if only_b else b
        if not shorter.has_subtitle or _at_end(longer.full_title, extra):
            # A cataloguer's omission of the subtitle, or a title cut short.
            return "subtitle_missing", detail
        return "inserted", detail
    if _at_end(a.full_title, only_a) and _at_end(b.full_title, only_b):
        return "different", detail  # same start, other end: 245 $p, $b, "(preliminary)" / "(final)"
    size = max(len(a.full_title), len(b.full_title))
    if len(only_a) + len(only_b) <= max(2, size // 4) and not any(w.isdigit() for w in only_a + only_b):
        return "near", detail
    return "different", detail


def _authors_agree(a: Features, b: Features) -> str:
    """'same' (main entries agree), 'found' (one's heading appears in the other's names or title), 'none'
    (one side has no heading), 'different'."""
    if not a.authors or not b.authors:
        one, other = (a, b) if a.authors else (b, a)
        if not one.authors:
            return "none"
        # A heading on one side only: found in the other's statement of responsibility?
        return "found" if one.authors[0] in other.names else "none"
    if a.authors[0] == b.authors[0]:
        return "same"
    if set(a.authors) & set(b.authors):
        return "found"  # main entry on one side is an added entry on the other (editor, corporate body)
    if a.authors[0] in b.names or b.authors[0] in a.names:
        return "found"
    for x in a.authors[:1]:
        for y in b.authors[:1]:
            if _similar_word(x, y):
                return "found"
    return "different"


def may_share_heading(a: Features, b: Features) -> bool:
    """A second blocking pass: False only when both records have a main heading and nothing ties them (no shared
    ISBN, not the same whole title, neither heading among the other's names, not a spelling slip of each other).
    Such a pair can at best reach review (the author's -0.25), and on goldfinch's pairs leaving them out cost 4 true
    pairs of 5,103 in review and none merged automatically."""
    if not a.authors or not b.authors or a.isbns & b.isbns or a.full_title == b.full_title:
        return True
    return _authors_agree(a, b) != "different"


class Block:
    """The records of one blocking key, indexed by what may tie them to a newcomer's heading, so that a record meets
    the records `may_share_heading` lets through without a look at every record of a crowded block."""

    def __init__(self):
        self.features: dict[int, Features] = {}
        self.unheaded: list[int] = []
        self.by_name: dict[str, list[int]] = {}  # every author key and name word of the record
        self.by_main: dict[str, list[int]] = {}  # the main heading's key
        self.by_title: dict[tuple[str, ...], list[int]] = {}
        self.slips: dict[str, list[str]] = {}  # a heading: the block's headings that are spelling slips of it

    def add(self, record_id: int, found: Features) -> bool:
        """Whether the record was new to the block."""
        if record_id in self.features:
            return False
        self.features[record_id] = found
        if not found.authors:
            self.unheaded.append(record_id)
            return True
        for word in found.names.union(found.authors):
            self.by_name.setdefault(word, []).append(record_id)
        main = found.authors[0]
        if main not in self.by_main:
            self.by_main[main] = []
            for heading, similar in self.slips.items():
                if _similar_word(heading, main):
                    similar.append(main)
        self.by_main[main].append(record_id)
        self.by_title.setdefault(found.full_title, []).append(record_id)
        return True

    def discard(self, record_id: int) -> None:
        """Undo `add` (a batch rolled back): the record's index entries are skipped from now on."""
        self.features.pop(record_id, None)

    def candidates(self, incoming: Features) -> list[tuple[int, Features]]:
        """The records of the block that may share the incoming record's heading (those sharing one of its ISBNs
        are found by the ISBN, not here)."""
        if not incoming.authors:
            return list(self.features.items())
        ids = set(self.unheaded)
        by_name, by_main = self.by_name, self.by_main
        for word in incoming.authors:  # the same heading, or this record's heading among the other's names
            ids.update(by_name.get(word, ()))
        for word in incoming.names:  # the other's heading among this record's names
            ids.update(by_main.get(word, ()))
        ids.update(self.by_title.get(incoming.full_title, ()))
        main = incoming.authors[0]
        similar = self.slips.get(main)
        if similar is None:
            similar = self.slips[main] = [heading for heading in by_main if _similar_word(main, heading)]
        for heading in similar:
            ids.update(by_main[heading])
        features = self.features
        # The look-ups above find a few more than may_share_heading would let through (an added entry of this
        # record among the other's names): the same test decides, so that the index changes no verdict.
        found = [(rid, features[rid]) for rid in sorted(ids) if rid in features]
        return [(rid, other) for rid, other in found if may_share_heading(incoming, other)]


def _publishers_agree(a: Features, b: Features) -> str:
    if not a.publisher or not b.publisher:
        return "none"
    if a.publisher == b.publisher:
        return "same"
    set_a, set_b = set(a.publisher), set(b.publisher)
    if set_a <= set_b or set_b <= set_a or a.publisher[0] == b.publisher[0]:
        return "same"
    if set_a & set_b or any(_similar_word(x, y) for x in a.publisher[:2] for y in b.publisher[:2]):
        return "similar"
    return "different"


def _pages_agree(a: int | None, b: int | None) -> str:
    if not a or not b:
        return "none"
    if a == b:
        return "same"
    if abs(a - b) <= max(4, 0.03 * max(a, b)):
        return "close"  # counted with or without the last blank or index pages
    if abs(a - b) <= max(10, 0.1 * max(a, b)):
        return "near"
    return "different"


def compare(a: Features, b: Features) -> Verdict:
    """Whether two records describe the same edition: a score, a decision and its reasons."""
    reasons: list[Reason] = []
    # Two ISBNs and none shared: the commonest verdict among a block's candidates, so decided first.
    shared_isbn = bool(a.isbns & b.isbns)
    if not shared_isbn and a.isbns and b.isbns:
        return _distinct("isbn", f"{', '.join(sorted(a.isbns))} / {', '.join(sorted(b.isbns))}", reasons)
    if a == b and a.full_title:
        # The same description, however sparse (a title and a year from a SLiMS table): the same record sent twice.
        return Verdict(1.0, MERGE, (Reason("identical", 1.0),))
    # Hard blocks: what two records of one edition cannot differ in.
    if a.material_type != b.material_type:
        return _distinct("material_type", f"{a.material_type} / {b.material_type}", reasons)
    if a.designations and b.designations and a.designations != b.designations:
        # Two volumes, parts or grades of one work; a set ISBN shared by the volumes does not make them one.
        return _distinct("designation", f"{_designation_text(a.designations)} / {_designation_text(b.designations)}",
                         reasons)  # fmt: skip
    if a.edition != b.edition and a.edition and b.edition:
        return _distinct("edition", f"{a.edition} / {b.edition}", reasons)
    agreement, detail = title_agreement(a, b)
    if agreement == "different" and not shared_isbn:
        # A word of the title that is not a slip: another part ($p), another subtitle ($b), another work.
        return _distinct("title", detail, reasons)

    # Evidence, each weight explained. The score starts at 0 and is clamped to 0..1.
    score = 0.0

    def add(feature: str, weight: float, detail: str = "") -> None:
        nonlocal score
        score += weight
        reasons.append(Reason(feature, weight, detail))

    if shared_isbn:
        add("isbn", 0.50)  # the publisher's own identifier of the edition: with a title that agrees, a merge
    # The title is the basis of every match; a title with a word replaced or inserted is only a hint.
    add("title", TITLE_WEIGHTS[agreement], detail)
    if a.designations != b.designations:
        # One record names a volume the other does not: perhaps the whole set, perhaps the same volume.
        add("designation", -0.25, f"{_designation_text(a.designations)} / {_designation_text(b.designations)}")
    authors = _authors_agree(a, b)
    if authors == "same":
        add("author", 0.15)
    elif authors == "found":
        add("author", 0.10)
    elif authors == "different":
        add("author", -0.25, f"{a.authors[0]} / {b.authors[0]}")
    publishers = _publishers_agree(a, b)
    if publishers == "same":
        add("publisher", 0.15)
    elif publishers == "similar":
        add("publisher", 0.05)
    elif publishers == "different":
        add("publisher", -0.15, f"{' '.join(a.publisher)} / {' '.join(b.publisher)}")
    if a.year and b.year:
        gap = abs(a.year - b.year)
        if gap == 0:
            add("year", 0.15)
        else:
            # Within the reprint tolerance a year or two is a printing; further apart, a later issue that only
            # everything else agreeing can still bring to review.
            add("year", -0.10 if gap <= YEAR_TOLERANCE else -0.30 if gap <= 10 else -0.45, f"{a.year} / {b.year}")
    pages = _pages_agree(a.pages, b.pages)
    if pages == "same":
        add("pages", 0.12)
    elif pages == "close":
        add("pages", 0.08)
    elif pages == "near":
        add("pages", -0.05, f"{a.pages} / {b.pages}")
    elif pages == "different":
        add("pages", -0.30, f"{a.pages} / {b.pages}")
    if a.volumes and b.volumes and a.volumes != b.volumes:
        add("volumes", -0.20, f"{a.volumes} / {b.volumes}")
    if a.edition != b.edition:
        add("edition", -0.10, f"{a.edition or '-'} / {b.edition or '-'}")  # "Rev. ed." and no statement
    score = max(0.0, min(1.0, round(score, 3)))
    decision = MERGE if score >= MERGE_AT else REVIEW if score >= REVIEW_AT else DISTINCT
    return Verdict(score, decision, tuple(reasons))


TITLE_WEIGHTS = {
    "different": 0.0,
    "same": 0.45,
    "slips": 0.35,
    "subtitle_missing": 0.35,
    "inserted": 0.25,
    "near": 0.25,
}


def _designation_text(found: frozenset) -> str:
    return ", ".join(f"{kind} {value}" for kind, value in sorted(found)) or "-"


def best_match(incoming: Features, candidates: list[tuple[int, Features]]) -> tuple[int | None, Verdict | None]:
    """The candidate most likely to be the same edition (by score), and its verdict; (None, None) if none."""
    best_id, best = None, None
    for candidate_id, candidate in candidates:
        verdict = compare(incoming, candidate)
        if verdict.decision == DISTINCT:
            continue
        if best is None or verdict.score > best.score:
            best_id, best = candidate_id, verdict
    return best_id, best


def explain(verdict: Verdict) -> str:
    """The reasons as one line, for reports and the review queue: "title +0.45, year -0.10 (1998 / 1999)"."""
    parts = []
    for reason in verdict.reasons:
        text = f"{reason.feature} {reason.weight:+.2f}"
        if reason.detail and reason.weight < 0:
            text += f" ({reason.detail})"
        parts.append(text)
    return ", ".join(parts)
