import io
from pathlib import Path

import pymarc
import pytest

from catalog.bibdata import to_marc
from interop import ingest_bridge

STANDARDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "standards"
SHARED = STANDARDS.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

BOOKS = [
    ("Laskar Pelangi", "Andrea Hirata", 2005, "Bentang Pustaka", "9789793062792", "899.221 3", ["Novel", "Pendidikan"]),
    ("Bumi Manusia", "Pramoedya Ananta Toer", 1980, "Hasta Mitra", "9789799731234", "899.221 3", ["Sejarah", "Novel"]),
    ("Sejarah Indonesia Modern", "M. C. Ricklefs", 2008, "Serambi", "9789790241787", "959.8", ["Sejarah Indonesia"]),
    ("Matematika untuk SMA Kelas X", "Sukino", 2013, "Erlangga", "9789790990395", "510", ["Matematika"]),
    ("Fisika Dasar", "Halliday", 2010, "Erlangga", "9789790330658", "530", ["Fisika"]),
    ("Biologi Sel", "Campbell", 2012, "Erlangga", "9789790333567", "571.6", ["Biologi"]),
    (
        "Kamus Besar Bahasa Indonesia",
        "Tim Penyusun",
        2008,
        "Balai Pustaka",
        "9789794071823",
        "499.221 3",
        ["Bahasa Indonesia"],
    ),
    ("Atlas Indonesia dan Dunia", "Tim Geografi", 2015, "Gramedia", "9786020312347", "912", ["Geografi"]),
]


def marcxml(library_code: str, books, *, extra_copies: int = 0, start: int = 1) -> bytes:
    """A MARCXML file as a school's system would export it: 001 its own id, copies in 852."""
    buffer = io.BytesIO()
    writer = pymarc.XMLWriter(buffer)
    for number, (title, author, year, publisher, isbn, ddc, subjects) in enumerate(books, start=start):
        record = to_marc(
            {
                "title": title,
                "authors": [{"name": author, "role": "author"}],
                "year": year,
                "publisher": publisher,
                "place": "Jakarta",
                "isbns": [isbn],
                "ddc": ddc,
                "subjects": subjects,
                "language": "ind",
            }
        )
        record.add_ordered_field(pymarc.Field(tag="001", data=f"{library_code}-{number}"))
        for copy in range(1 + extra_copies):
            record.add_field(
                pymarc.Field(
                    tag="852",
                    indicators=[" ", " "],
                    subfields=[
                        pymarc.Subfield("h", f"{ddc} {author[:3].upper()} {title[0].lower()}"),
                        pymarc.Subfield("p", f"{library_code}-{number:04d}-{copy}"),
                    ],
                )
            )
        writer.write(record)
    writer.close(close_fh=False)
    return buffer.getvalue()


@pytest.fixture
def catalog_records(school, other_school):
    """The eight books at SMAN1MDN, the first four also at SMPN7MDN (joined by ISBN)."""
    report = ingest_bridge.import_marcxml(library=school, data=marcxml(school.code, BOOKS))
    assert report.created == len(BOOKS), report
    report = ingest_bridge.import_marcxml(library=other_school, data=marcxml(other_school.code, BOOKS[:4]))
    assert report.joined == 4, report
    return report


@pytest.fixture(scope="session")
def sru2_schema():
    xmlschema = pytest.importorskip("xmlschema")
    if not (STANDARDS / "sru-2.0-sruResponse.xsd").exists():
        pytest.skip("../shared/data/standards is absent")
    locations = [
        ("http://docs.oasis-open.org/ns/search-ws/diagnostic", str(STANDARDS / "sru-2.0-diagnostic.xsd")),
        ("http://docs.oasis-open.org/ns/search-ws/facetedResults", str(STANDARDS / "sru-2.0-facetedResults.xsd")),
        (
            "http://docs.oasis-open.org/ns/search-ws/searchResultAnalysis",
            str(STANDARDS / "sru-2.0-searchResultAnalysis.xsd"),
        ),
        ("http://docs.oasis-open.org/ns/search-ws/xcql", str(STANDARDS / "sru-2.0-xcql.xsd")),
        ("http://docs.oasis-open.org/ns/search-ws/scan", str(STANDARDS / "sru-2.0-scan.xsd")),
        ("http://www.loc.gov/MARC21/slim", str(STANDARDS / "MARC21slim.xsd")),
    ]
    return xmlschema.XMLSchema(
        str(STANDARDS / "sru-2.0-sruResponse.xsd"), locations=locations, allow="local", build=True
    )


@pytest.fixture(scope="session")
def marc_schema():
    xmlschema = pytest.importorskip("xmlschema")
    if not (STANDARDS / "MARC21slim.xsd").exists():
        pytest.skip("../shared/data/standards is absent")
    return xmlschema.XMLSchema(str(STANDARDS / "MARC21slim.xsd"), allow="local")


@pytest.fixture(scope="session")
def oai_schema():
    xmlschema = pytest.importorskip("xmlschema")
    if not (STANDARDS / "OAI-PMH.xsd").exists():
        pytest.skip("../shared/data/standards is absent")
    return xmlschema.XMLSchema(
        str(STANDARDS / "OAI-PMH.xsd"),
        locations=[
            ("http://www.loc.gov/MARC21/slim", str(STANDARDS / "MARC21slim.xsd")),
            ("http://www.openarchives.org/OAI/2.0/oai_dc/", str(Path(__file__).parent / "schemas/oai_dc.xsd")),
        ],
        allow="local",
    )
