import functools
import io
from pathlib import Path

import pymarc
import pytest

from catalog.ingest.bibdata import to_marc
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


@functools.cache
def load_sru2_schema():
    import xmlschema

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
    return xmlschema.XMLSchema(str(STANDARDS / "sru-2.0-sruResponse.xsd"), locations=locations, allow="local")


@functools.cache
def load_marc_schema():
    import xmlschema

    return xmlschema.XMLSchema(str(STANDARDS / "MARC21slim.xsd"), allow="local")


@functools.cache
def load_oai_schema():
    import xmlschema

    return xmlschema.XMLSchema(
        str(STANDARDS / "OAI-PMH.xsd"),
        locations=[
            ("http://www.loc.gov/MARC21/slim", str(STANDARDS / "MARC21slim.xsd")),
            ("http://www.openarchives.org/OAI/2.0/oai_dc/", str(Path(__file__).parent / "schemas/oai_dc.xsd")),
        ],
        allow="local",
    )


def _standards_or_skip():
    pytest.importorskip("xmlschema")
    if not (STANDARDS / "OAI-PMH.xsd").exists():
        pytest.skip("../shared/data/standards is absent")


@pytest.fixture
def sru2_schema():
    _standards_or_skip()
    return load_sru2_schema()


@pytest.fixture
def marc_schema():
    _standards_or_skip()
    return load_marc_schema()


@pytest.fixture
def oai_schema():
    _standards_or_skip()
    return load_oai_schema()


@pytest.fixture(autouse=True)
def every_protocol_response_validates(monkeypatch):
    """Every SRU and OAI-PMH response made during an interop test (by the test client, Sickle, yaz-client or
    simple2zoom against the live server) is validated against the published schemas once the test is over:
    OAI-PMH.xsd (with MARC21slim.xsd and oai_dc), SRU 2.0's sruResponse.xsd; SRU 1.1/1.2 (no schema in
    ../shared/data/standards) and SLiMS's bare MARCXML collection: their MARC records against MARC21slim.xsd."""
    from lxml import etree

    from interop import oai, sru

    bodies = []
    original_sru, original_oai = sru._xml_response, oai._respond

    def sru_response(root):
        response = original_sru(root)
        bodies.append(("sru", response.content))
        return response

    def oai_response(root):
        response = original_oai(root)
        bodies.append(("oai", response.content))
        return response

    monkeypatch.setattr(sru, "_xml_response", sru_response)
    monkeypatch.setattr(oai, "_respond", oai_response)
    yield
    if not bodies or not (STANDARDS / "OAI-PMH.xsd").exists():
        return
    pytest.importorskip("xmlschema")
    for kind, body in bodies:
        text = body.decode()
        if kind == "oai":
            load_oai_schema().validate(text)
            continue
        root = etree.fromstring(body)
        if root.tag.startswith("{http://docs.oasis-open.org/ns/search-ws/sruResponse}"):
            load_sru2_schema().validate(text)
        elif root.tag == "{http://www.loc.gov/MARC21/slim}collection":
            load_marc_schema().validate(text)
        else:
            marc_schema = load_marc_schema()
            assert root.tag.startswith("{http://www.loc.gov/zing/srw/}"), root.tag
            for record in root.iter("{http://www.loc.gov/MARC21/slim}record"):
                marc_schema.validate(etree.tostring(record).decode())
