"""References to a record for readers' own writing: APA 7th edition and BibTeX.

Pure functions over a Record (or anything with its fields): no queries, no request. The record page shows
`apa(record).html`; the per-record export offers `bibtex(record)` next to RIS.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .normalize import strip_punct

# Catalogued "Hirata, Andrea, 1967-" or "Toer, Pramoedya Ananta (1925-2006)": the dates are not part of the name.
NAME_DATES = re.compile(r",?\s*\(?\d{3,4}\??\s*-\s*(\d{3,4}\??)?\)?\.?$")
# Headings carry no flag for corporate bodies (MARC 110/710 are read as role "author"), so a name with one of
# these words, or with a digit ("SMA Negeri 1 Medan"), is cited whole rather than cut into initials.
CORPORATE_WORDS = frozenset(
    """kementerian departemen direktorat dinas badan lembaga pusat yayasan universitas institut sekolah
    perpustakaan balai ikatan persatuan perhimpunan asosiasi komisi dewan majelis panitia pemerintah kantor biro
    akademi politeknik museum kabupaten provinsi republik bank organisasi perusahaan penerbit redaksi sma smp smk
    sd mts madrasah pesantren unesco unicef ministry department association society institute university committee
    council organization organisation agency foundation government bureau commission board centre center library
    school college press inc ltd corporation company""".split()
)
CORPORATE_PHRASES = ("tim penyusun", "tim penulis", "tim redaksi", "tim editor", "tim pengembang")
PUBLISHER_PREFIX = re.compile(r"^(PT|CV)\.?\s+", re.IGNORECASE)
PUBLISHER_SUFFIX = re.compile(r",?\s+(Tbk|Inc|Ltd)\.?$", re.IGNORECASE)
# Indonesian "cetakan" is a printing, not an edition: APA does not cite printings.
PRINTING = re.compile(r"^\s*(cet(akan)?|printing|reprint)\b", re.IGNORECASE)
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "pertama": 1, "kedua": 2, "ketiga": 3, "keempat": 4, "kelima": 5, "keenam": 6,
    "ketujuh": 7, "kedelapan": 8, "kesembilan": 9, "kesepuluh": 10,
}  # fmt: skip
INDONESIAN_EDITION = re.compile(r"\b(edisi|ed)\b\.?", re.IGNORECASE)
BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


@dataclass(frozen=True)
class Reference:
    """A reference as runs of text, some italic; `text` for plain text, `html` with <em> and escaped data."""

    parts: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "".join(run for run, _italic in self.parts)

    @property
    def html(self) -> SafeString:
        return mark_safe("".join(f"<em>{escape(run)}</em>" if italic else escape(run) for run, italic in self.parts))

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Name:
    """One contributor: a person split into surname and given names, or a corporate body kept whole."""

    surname: str
    given: str = ""
    corporate: bool = False

    @property
    def apa(self) -> str:
        if self.corporate or not self.given:
            return self.surname
        return f"{self.surname}, {initials(self.given)}"

    @property
    def inverted(self) -> str:
        return self.surname if self.corporate or not self.given else f"{self.surname}, {self.given}"


def is_corporate(name: str) -> bool:
    folded = name.casefold()
    words = set(re.findall(r"\w+", folded))
    return bool(words & CORPORATE_WORDS) or any(ch.isdigit() for ch in name) or folded.startswith(CORPORATE_PHRASES)


def parse_name(heading: str) -> Name:
    """'Hirata, Andrea', 'Andrea Hirata' and 'Hirata, Andrea, 1967-' are one person; 'Soekarno' has no given name."""
    heading = NAME_DATES.sub("", " ".join(heading.split())).strip().rstrip(",;:/ ")
    if is_corporate(heading):
        return Name(strip_punct(heading), corporate=True)
    if "," in heading:
        surname, given = (part.strip() for part in heading.split(",", 1))
        return Name(surname, given.rstrip(","))
    words = heading.split()
    if len(words) == 1:
        return Name(heading.rstrip("."))
    return Name(words[-1].rstrip("."), " ".join(words[:-1]))


def initials(given: str) -> str:
    """'Pramoedya Ananta' -> 'P. A.'; 'Jean-Paul' -> 'J.-P.'; 'A.' and 'Moh.' -> 'A.' and 'M.'."""
    out = []
    for word in given.replace(".", ". ").split():
        parts = [part for part in word.split("-") if any(ch.isalpha() for ch in part)]
        if parts:
            out.append("-".join(next(ch for ch in part if ch.isalpha()).upper() + "." for part in parts))
    return " ".join(out)


def contributors(record) -> tuple[list[Name], bool]:
    """The authors in catalogue order or, for an edited book without authors, its editors (second value True)."""
    people = [a for a in record.authors or [] if isinstance(a, dict) and (a.get("name") or "").strip()]
    authors = [a["name"] for a in people if (a.get("role") or "author") == "author"]
    if authors:
        return [parse_name(name) for name in authors], False
    return [parse_name(a["name"]) for a in people if a.get("role") == "editor"], True


def apa_names(names: list[Name]) -> str:
    """APA's list: 'A, & B'; up to 20 with '&' before the last; beyond 20 the first 19, an ellipsis, the last."""
    cited = [name.apa for name in names]
    if len(cited) == 1:
        return cited[0]
    if len(cited) > 20:
        return ", ".join(cited[:19]) + ", . . . " + cited[-1]
    return ", ".join(cited[:-1]) + ", & " + cited[-1]


def sentence_start(text: str) -> str:
    """Upper-case the first letter when the first word is all lower case ('iPhone' stays as it is)."""
    first = text.split(" ", 1)[0]
    return text[:1].upper() + text[1:] if first.islower() and first[:1].isalpha() else text


def full_title(record) -> str:
    """Title and subtitle as catalogued, without the ISBD punctuation that closed them (' /', ' :')."""
    title = sentence_start(strip_punct(record.title or ""))
    subtitle = strip_punct(record.subtitle or "")
    return f"{title}: {sentence_start(subtitle)}" if subtitle else title


def edition_number(statement: str) -> int | None:
    match = re.search(r"\d+", statement)
    if match:
        return int(match.group())
    words = re.findall(r"\w+", statement.casefold())
    return next((ORDINAL_WORDS[word] for word in words if word in ORDINAL_WORDS), None)


def edition(statement: str) -> str:
    """The edition as APA cites it ('2nd ed.', 'Edisi ke-2', 'Rev. ed.'), or '' for a first edition or a printing."""
    statement = strip_punct(statement or "")
    if not statement or PRINTING.match(statement):
        return ""
    number = edition_number(statement)
    if number == 1:
        return ""
    english = bool(re.search(r"\b(edition|\d+(st|nd|rd|th)|first|second|third|rev)", statement, re.IGNORECASE))
    if number and english:
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix} ed."
    if number and INDONESIAN_EDITION.search(statement):
        return f"Edisi ke-{number}"
    if re.fullmatch(r"rev(ised)?\.?( ed(ition)?\.?)?", statement, re.IGNORECASE):
        return "Rev. ed."
    return statement


def publisher(name: str) -> str:
    """The publisher as printed, without 'PT'/'CV' before it or 'Tbk'/'Inc.'/'Ltd.' after it."""
    name = strip_punct(name or "")
    return strip_punct(PUBLISHER_SUFFIX.sub("", PUBLISHER_PREFIX.sub("", name)))


def _close(text: str) -> str:
    """End an element with a period unless it already ends with one (an initial), '?' or '!'."""
    return text if text.endswith((".", "?", "!")) else text + "."


def apa(record) -> Reference:
    """APA 7th edition reference for a book: Hirata, A. (2005). *Laskar pelangi*. Bentang Pustaka."""
    names, edited = contributors(record)
    title = full_title(record)
    ed = edition(record.edition)
    title_parts: list[tuple[str, bool]] = [(title, True)]
    if ed:
        title_parts.append((f" ({ed}).", False))
    elif not title.endswith(("?", "!")):
        title_parts.append((".", False))
    date = f"({record.year})." if record.year else "(n.d.)."
    parts: list[tuple[str, bool]] = []
    if names:
        who = apa_names(names)
        if edited:
            who += " (Eds.)" if len(names) > 1 else " (Ed.)"
        parts += [(_close(who) + " " + date + " ", False), *title_parts]
    else:
        # No author: the title takes the author's place, before the date.
        parts += [*title_parts, (" " + date, False)]
    press = publisher(record.publisher)
    # A corporate author that is also the publisher is not named twice.
    if press and not (len(names) == 1 and names[0].corporate and press.casefold() == names[0].surname.casefold()):
        parts.append((" " + _close(press), False))
    return Reference(tuple(parts))


def bibtex_escape(value: str) -> str:
    value = " ".join(str(value).split())  # one line: no newlines inside a field
    return "".join(BIBTEX_SPECIAL.get(ch, ch) for ch in value)


def ascii_word(text: str) -> str:
    """'Ğüneş' -> 'gunes': letters and digits only, accents folded, for citation keys."""
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold())


def bibtex_key(record, names: list[Name]) -> str:
    """hirata2005laskar: the first author's surname, the year and the title's first word, ASCII only."""
    title_word = next((word for word in map(ascii_word, (record.title or "").split()) if word), "")
    who = ""
    if names:
        # A person's whole surname ("van Gogh" -> "vangogh"); a corporate body's first word.
        words = [names[0].surname] if not names[0].corporate else names[0].surname.split()
        who = next((word for word in map(ascii_word, words) if word), "")
    key = f"{who}{record.year or ''}{title_word}" if who else f"{title_word}{record.year or ''}"
    return key or f"record{record.pk}"


def bibtex(record) -> str:
    """The record as one BibTeX entry (@book, @misc for other materials); values escaped for BibTeX."""
    names, edited = contributors(record)
    kind = "book" if record.material_type in ("book", "ebook") else "misc"
    people = " and ".join(
        # Double braces keep BibTeX from reading a corporate body as given names and a surname.
        f"{{{bibtex_escape(name.inverted)}}}" if name.corporate else bibtex_escape(name.inverted)
        for name in names
    )
    fields = [
        ("editor" if edited else "author", people),
        ("title", bibtex_escape(full_title(record))),
        ("publisher", bibtex_escape(publisher(record.publisher))),
        ("address", bibtex_escape(strip_punct(record.place or ""))),
        ("year", str(record.year or "")),
        ("edition", bibtex_escape(edition(record.edition))),
        ("isbn", bibtex_escape(", ".join(record.isbns or []))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{bibtex_key(record, names)},\n{body}\n}}\n"
