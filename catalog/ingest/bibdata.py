"""The catalog's own view of a bibliographic record, read from MARC or CSV and written back to MARC."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pymarc
from django.utils.translation import gettext as _

from ..choices import ContributorRole, MaterialType
from ..normalize import clean_issn, first_year, isbn13, page_count, strip_punct
from .iso2709 import LeanRecord

ACCESSION = re.compile(r"accession\s*(?:no\.?|number)?\s*:?\s*(\S+)", re.IGNORECASE)

ROLE_WORDS = {
    "ed": ContributorRole.EDITOR,
    "editor": ContributorRole.EDITOR,
    "penyunting": ContributorRole.EDITOR,
    "trans": ContributorRole.TRANSLATOR,
    "translator": ContributorRole.TRANSLATOR,
    "penerjemah": ContributorRole.TRANSLATOR,
    "ill": ContributorRole.ILLUSTRATOR,
    "illustrator": ContributorRole.ILLUSTRATOR,
    "ilustrator": ContributorRole.ILLUSTRATOR,
    "author": ContributorRole.AUTHOR,
    "pengarang": ContributorRole.AUTHOR,
    "penulis": ContributorRole.AUTHOR,
}


@dataclass
class ItemData:
    """A copy as found in the incoming record (MARC 852/949/952 or a CSV row)."""

    barcode: str
    call_number: str = ""
    shelf_location: str = ""
    copy_number: int | None = None
    ill_allowed: bool = True
    status: str = "available"
    copy_text: str = ""  # filled by readers.prepare for the importer
    # A holdings field without a barcode: where it was ("852-2": the second 852), from which the importer makes a
    # barcode of its own, stable across re-imports (pipeline.generated_barcode). Empty when the barcode was given.
    generated_from: str = ""


# catalog.Record columns filled from incoming records, in the order importers write them.
RECORD_COLUMNS = (
    "title",
    "subtitle",
    "responsibility",
    "authors",
    "publisher",
    "place",
    "year",
    "edition",
    "isbns",
    "issn",
    "language",
    "material_type",
    "subjects",
    "ddc",
    "series",
    "physical_description",
    "pages",
    "summary",
)


@dataclass
class BibData:
    title: str
    subtitle: str = ""
    responsibility: str = ""
    authors: list[dict] = field(default_factory=list)
    publisher: str = ""
    place: str = ""
    year: int | None = None
    edition: str = ""
    isbns: list[str] = field(default_factory=list)
    bad_isbns: list[str] = field(default_factory=list)
    issn: str = ""
    language: str = ""
    material_type: str = MaterialType.BOOK
    subjects: list[str] = field(default_factory=list)
    ddc: str = ""
    series: str = ""
    physical_description: str = ""
    pages: int | None = None
    summary: str = ""
    local_id: str = ""
    items: list[ItemData] = field(default_factory=list)

    @property
    def first_author(self) -> str:
        return self.authors[0]["name"] if self.authors else ""

    def record_fields(self) -> dict:
        """Column values for catalog.Record."""
        return {
            "title": self.title[:2000],
            "subtitle": self.subtitle,
            "responsibility": self.responsibility,
            "authors": self.authors,
            "publisher": self.publisher[:255],
            "place": self.place[:255],
            "year": self.year,
            "edition": self.edition[:255],
            "isbns": self.isbns,
            "issn": self.issn,
            "language": self.language[:3],
            "material_type": self.material_type,
            "subjects": [s[:255] for s in self.subjects],
            "ddc": self.ddc[:32],
            "series": self.series[:255],
            "physical_description": self.physical_description[:255],
            "pages": self.pages,
            "summary": self.summary,
        }


def _role(text: str) -> str:
    word = re.sub(r"[^a-z]", "", (text or "").lower())
    for key, role in ROLE_WORDS.items():
        if word.startswith(key):
            return role
    return ContributorRole.OTHER if word else ContributorRole.AUTHOR


def _material_type(leader: str, f008: str) -> str:
    kind = leader[6:7] if len(leader) > 7 else "a"
    level = leader[7:8] if len(leader) > 7 else "m"
    if kind in "at":
        if level in "sb":
            return MaterialType.SERIAL
        if len(f008) > 23 and f008[23] in "oqs":
            return MaterialType.EBOOK
        return MaterialType.BOOK
    if kind in "gijkor":
        return MaterialType.AUDIOVISUAL
    if kind in "ef":
        return MaterialType.MAP
    if kind == "m":
        return MaterialType.EBOOK
    return MaterialType.OTHER


def _first(record: pymarc.Record, tags: tuple[str, ...], code: str) -> str:
    for tag in tags:
        for fld in record.get_fields(tag):
            values = fld.get_subfields(code)
            if values:
                return values[0].strip()
    return ""


def _items(record: pymarc.Record) -> list[ItemData]:
    """The copies in 852 (MARC holdings), 952 (Koha) and 949 (Evergreen, Sirsi). A field without a barcode is still a
    copy the school holds: it comes back with `generated_from` set instead of a barcode."""
    items: list[ItemData] = []
    for position, fld in enumerate(record.get_fields("852"), start=1):
        # $p is the barcode; some systems only give an accession number in a note ($x "Accession no.: 4900").
        barcode = (fld.get("p") or "").strip() or ACCESSION.search(fld.get("x") or "")
        barcode = barcode.group(1) if isinstance(barcode, re.Match) else (barcode or "")
        call = " ".join(v for v in (fld.get("h"), fld.get("i")) if v).strip()
        copy = fld.get("t")
        items.append(
            ItemData(
                barcode=barcode,
                call_number=call,
                shelf_location=(fld.get("c") or "").strip(),
                copy_number=_copy_number(copy),
                generated_from="" if barcode else f"852-{position}",
            )
        )
    for position, fld in enumerate(record.get_fields("952"), start=1):  # Koha
        barcode = (fld.get("p") or "").strip()
        copy = fld.get("t")
        lost_or_withdrawn = (fld.get("1") or "0") not in ("", "0") or (fld.get("0") or "0") not in ("", "0")
        items.append(
            ItemData(
                barcode=barcode,
                call_number=(fld.get("o") or "").strip(),
                shelf_location=(fld.get("c") or "").strip(),
                copy_number=_copy_number(copy),
                ill_allowed=(fld.get("7") or "0") in ("", "0"),
                status="missing" if lost_or_withdrawn else "available",
                generated_from="" if barcode else f"952-{position}",
            )
        )
    for position, fld in enumerate(record.get_fields("949"), start=1):  # Evergreen / Sirsi exports
        barcode = (fld.get("i") or fld.get("p") or "").strip()
        items.append(
            ItemData(
                barcode=barcode,
                call_number=(fld.get("a") or "").strip(),
                shelf_location=(fld.get("l") or "").strip(),
                generated_from="" if barcode else f"949-{position}",
            )
        )
    return items


def _copy_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


# Every tag from_marc reads (tested): the lean reader (catalog.ingest.iso2709) decodes only these.
TAGS_READ = frozenset(
    "001 008 020 022 041 082 100 110 111 245 250 260 264 300 440 490 520 600 610 650 651 655 700 710 711 830 "
    "200 852 949 952".split()
)


def from_marc(record: pymarc.Record | LeanRecord) -> BibData:
    """Read the fields the union catalog uses; raises ValueError when there is no title.

    `record` is a pymarc Record or the lean reader's record, which answers the same calls."""
    f008 = record.get("008").data if record.get("008") else ""
    leader = str(record.leader)
    title = strip_punct(_first(record, ("245",), "a"))
    # The number and name of a part (245 $n, $p) belong to the title: "Census of population. Vol. 2, Alabama"
    # and "..., Arizona" are two records, and deduplication reads them (catalog.matching).
    parts = [strip_punct(v) for v in (record.get("245").get_subfields("n", "p") if record.get("245") else ())]
    if title and any(parts):
        title = ". ".join([title, *(part for part in parts if part)])
    if not title:
        if not record.get_fields("245") and _first(record, ("200",), "a"):
            raise ValueError(
                _("a UNIMARC record (title in 200 $a): UNIMARC is not read; export the records as MARC 21")
            )
        raise ValueError(_("no title (245 $a)"))
    authors = []
    for tag in ("100", "110", "111", "700", "710", "711"):
        for fld in record.get_fields(tag):
            name = strip_punct(fld.get("a") or "")
            if name:
                authors.append(
                    {
                        "name": name,
                        "role": _role(fld.get("e") or fld.get("4") or "")
                        if tag not in ("100", "110", "111") or fld.get("e")
                        else ContributorRole.AUTHOR,
                    }
                )
    isbns, bad = [], []
    for fld in record.get_fields("020"):
        for raw in fld.get_subfields("a"):
            value = isbn13(raw)
            if value and value not in isbns:
                isbns.append(value)
            elif not value:
                bad.append(raw)
    year = first_year(_first(record, ("264", "260"), "c")) or (first_year(f008[7:11]) if len(f008) > 11 else None)
    language = (f008[35:38].strip() if len(f008) > 37 else "") or _first(record, ("041",), "a")[:3]
    subjects = []
    for tag in ("650", "651", "600", "610", "655"):
        for fld in record.get_fields(tag):
            parts = [strip_punct(v) for v in fld.get_subfields("a", "x", "y", "z") if v.strip()]
            if parts:
                subject = " -- ".join(parts)
                if subject not in subjects:
                    subjects.append(subject)
    physical = " ".join(
        v.strip() for v in (record.get("300").get_subfields("a", "b", "c") if record.get("300") else [])
    )
    series = strip_punct(_first(record, ("490", "830", "440"), "a"))
    return BibData(
        title=title,
        subtitle=strip_punct(_first(record, ("245",), "b")),
        responsibility=strip_punct(_first(record, ("245",), "c")),
        authors=authors,
        publisher=strip_punct(_first(record, ("264", "260"), "b")),
        place=strip_punct(_first(record, ("264", "260"), "a")),
        year=year,
        edition=strip_punct(_first(record, ("250",), "a")),
        isbns=isbns,
        bad_isbns=bad,
        issn=clean_issn(_first(record, ("022",), "a")),
        language=language.lower() if language.isalpha() else "",
        material_type=_material_type(leader, f008),
        subjects=subjects,
        ddc=_first(record, ("082",), "a").replace("/", ""),
        series=series,
        physical_description=strip_punct(physical),
        pages=page_count(physical),
        summary=_first(record, ("520",), "a"),
        local_id=(record.get("001").data.strip() if record.get("001") else ""),
        items=_items(record),
    )


def to_marc(data: dict, *, leader_type: str = "a") -> pymarc.Record:
    """A MARC21 record built from catalog columns (for records that arrived as CSV or by hand)."""
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader(f"00000n{leader_type}m a2200000 a 4500")
    year = str(data.get("year") or "    ")
    lang = (data.get("language") or "und").ljust(3)[:3]
    record.add_field(pymarc.Field(tag="008", data=f"000000s{year}    xx            000 0 {lang} d"))
    for value in data.get("isbns") or []:
        record.add_field(pymarc.Field(tag="020", indicators=[" ", " "], subfields=[pymarc.Subfield("a", value)]))
    if data.get("ddc"):
        record.add_field(pymarc.Field(tag="082", indicators=["0", "4"], subfields=[pymarc.Subfield("a", data["ddc"])]))
    authors = data.get("authors") or []
    for index, author in enumerate(authors):
        subfields = [pymarc.Subfield("a", author["name"])]
        if author.get("role") and author["role"] != ContributorRole.AUTHOR:
            subfields.append(pymarc.Subfield("e", author["role"]))
        record.add_field(pymarc.Field(tag="100" if index == 0 else "700", indicators=["1", " "], subfields=subfields))
    title = [pymarc.Subfield("a", data["title"])]
    if data.get("subtitle"):
        title.append(pymarc.Subfield("b", data["subtitle"]))
    if data.get("responsibility"):
        title.append(pymarc.Subfield("c", data["responsibility"]))
    record.add_field(pymarc.Field(tag="245", indicators=["1" if authors else "0", "0"], subfields=title))
    if data.get("edition"):
        record.add_field(
            pymarc.Field(tag="250", indicators=[" ", " "], subfields=[pymarc.Subfield("a", data["edition"])])
        )
    publication = [
        pymarc.Subfield(code, data[key]) for code, key in (("a", "place"), ("b", "publisher")) if data.get(key)
    ]
    if data.get("year"):
        publication.append(pymarc.Subfield("c", str(data["year"])))
    if publication:
        record.add_field(pymarc.Field(tag="264", indicators=[" ", "1"], subfields=publication))
    if data.get("physical_description"):
        record.add_field(
            pymarc.Field(
                tag="300", indicators=[" ", " "], subfields=[pymarc.Subfield("a", data["physical_description"])]
            )
        )
    if data.get("series"):
        record.add_field(
            pymarc.Field(tag="490", indicators=["0", " "], subfields=[pymarc.Subfield("a", data["series"])])
        )
    if data.get("summary"):
        record.add_field(
            pymarc.Field(tag="520", indicators=[" ", " "], subfields=[pymarc.Subfield("a", data["summary"])])
        )
    for subject in data.get("subjects") or []:
        record.add_field(pymarc.Field(tag="650", indicators=[" ", "4"], subfields=[pymarc.Subfield("a", subject)]))
    return record
