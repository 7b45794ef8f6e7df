"""SLiMS P2P copy cataloguing against /slims/: search (resultXML) and detail (inXML) in SLiMS's MODS dialect,
read here the way lib/modsxmlsenayan.inc.php reads them."""

import pytest
from lxml import etree

from catalog.models import Record

pytestmark = pytest.mark.django_db

MODS = "http://www.loc.gov/mods/v3"
SLIMS = "http://slims.web.id"
NS = {"m": MODS, "s": SLIMS}


def parse_like_slims(content: bytes) -> dict:
    """What modsXMLsenayan() extracts: result info, then per record title, authors, ISBN, call number, subjects."""
    xml = etree.fromstring(content)
    assert xml.tag == f"{{{MODS}}}modsCollection"
    info = xml.find("s:resultInfo", NS)
    out = {
        "result_num": int(info.findtext("s:modsResultNum", namespaces=NS)) if info is not None else None,
        "records": [],
    }
    for record in xml.findall("m:mods", NS):
        out["records"].append(
            {
                "id": record.get("ID"),
                "title": record.findtext("m:titleInfo/m:title", namespaces=NS),
                "authors": [
                    (n.findtext("m:namePart", namespaces=NS), n.findtext("m:role/m:roleTerm", namespaces=NS))
                    for n in record.findall("m:name", NS)
                ],
                "isbn": record.findtext("m:identifier[@type='isbn']", namespaces=NS),
                "call_number": record.findtext("m:location/m:shelfLocator", namespaces=NS),
                "subjects": [s.findtext("m:topic", namespaces=NS) for s in record.findall("m:subject", NS)],
                "copies": [c.text for c in record.iterfind(".//m:copyInformation/m:numerationAndChronology", NS)],
                "classification": record.findtext("m:classification", namespaces=NS),
            }
        )
    return out


def test_search_then_detail_in_two_clicks(client, catalog_records):
    response = client.get(
        "/slims/index.php", {"resultXML": "true", "search": "Search", "page": "1", "keywords": "laskar pelangi"}
    )
    assert response.status_code == 200
    found = parse_like_slims(response.content)
    assert found["result_num"] == 1
    record = found["records"][0]
    assert record["title"] == "Laskar Pelangi"
    assert record["authors"] == [("Andrea Hirata", "Primary Author")]
    response = client.get("/slims//index.php", {"p": "show_detail", "inXML": "true", "id": record["id"]})
    detail = parse_like_slims(response.content)["records"][0]
    assert detail["call_number"].startswith("899.221 3")
    assert detail["subjects"] == ["Novel", "Pendidikan"]
    assert detail["isbn"] == "9789793062792"
    assert detail["classification"] == "899.221 3"
    assert len(detail["copies"]) == 2


def test_field_search_and_paging(client, catalog_records):
    response = client.get("/slims/index.php", {"resultXML": "true", "title": "fisika", "search": "Search"})
    assert [r["title"] for r in parse_like_slims(response.content)["records"]] == ["Fisika Dasar"]
    response = client.get("/slims/index.php", {"resultXML": "true", "keywords": "erlangga", "page": "99"})
    found = parse_like_slims(response.content)
    assert found["result_num"] == 3 and found["records"] == []


def test_unknown_detail_and_odd_input(client, catalog_records):
    assert (
        parse_like_slims(client.get("/slims/index.php", {"p": "show_detail", "inXML": "true", "id": "999999"}).content)[
            "records"
        ]
        == []
    )
    assert (
        parse_like_slims(
            client.get("/slims/index.php", {"p": "show_detail", "inXML": "true", "id": "x" * 5000}).content
        )["records"]
        == []
    )
    assert (
        parse_like_slims(client.get("/slims/index.php", {"resultXML": "true", "keywords": "", "page": "abc"}).content)[
            "result_num"
        ]
        == 0
    )
    record = Record.objects.first()
    assert client.get("/slims/index.php", {"p": "show_detail", "id": record.pk}).status_code == 302
