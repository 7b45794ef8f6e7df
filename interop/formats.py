"""The union catalog's records in the formats partners read: MARCXML (the catalog's own MARC writing,
catalog.exporting.marc_for through interop.ingest_bridge, with holdings in 852), MODS (LC's and SLiMS's dialect)
and Dublin Core."""

from __future__ import annotations

import pymarc
from django.conf import settings
from lxml import etree

from catalog.models import Holding, Record

from . import ingest_bridge

MARC_NS = "http://www.loc.gov/MARC21/slim"
MODS_NS = "http://www.loc.gov/mods/v3"
SLIMS_NS = "http://slims.web.id"
DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
SRW_DC_NS = "info:srw/schema/1/dc-schema"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

COPIES_UNKNOWN_MARK = "held, copies unknown"


def load_records(ids: list[int]) -> dict[int, Record]:
    """Records by id with what the writers read (sources, holdings that are not withdrawn, their libraries)."""
    if not ids:
        return {}
    return {record.pk: record for record in ingest_bridge.records_for_export(None).filter(pk__in=ids)}


def marc(record: Record) -> pymarc.Record:
    """The record as MARC with one 852 per copy (catalog.exporting); a "copies unknown" stand-in holding (SLiMS
    push) keeps its library and call number but shows no barcode."""
    result = ingest_bridge.marc_for(record)
    unknown = {h.barcode for h in record.holdings.all() if h.copies_unknown}
    if unknown:
        for field in result.get_fields("852"):
            if field.get("p") in unknown:
                field.delete_subfield("p")
                field.delete_subfield("z")
                field.add_subfield("z", COPIES_UNKNOWN_MARK)
    # The union catalog's own id, so a client can come back for this record (SRU rec.id, OAI identifier).
    result.remove_fields("035")
    result.add_ordered_field(
        pymarc.Field(tag="035", indicators=[" ", " "], subfields=[pymarc.Subfield("a", f"(SILANG){record.pk}")])
    )
    return result


def marcxml_element(record: Record) -> etree._Element:
    data = pymarc.record_to_xml(marc(record), namespace=True)
    return etree.fromstring(data, XML_PARSER)


def _sub(parent, ns: str, tag: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def _holdings_by_library(record: Record) -> list[tuple[object, list[Holding]]]:
    groups: dict[int, tuple[object, list[Holding]]] = {}
    for holding in record.holdings.all():
        groups.setdefault(holding.library_id, (holding.library, []))[1].append(holding)
    return list(groups.values())


def mods_element(record: Record, *, slims: bool = False, parent=None) -> etree._Element:
    """MODS 3 of the record. slims=True: the dialect SLiMS writes and its P2P parser reads
    (lib/modsxmlsenayan.inc.php): role texts "Primary Author"/"Additional Author", copies as
    numerationAndChronology type="1", the call number in location/shelfLocator."""
    nsmap = {None: MODS_NS, "slims": SLIMS_NS} if slims else {None: MODS_NS}
    if parent is None:
        mods = etree.Element(f"{{{MODS_NS}}}mods", nsmap=nsmap)
    else:
        mods = etree.SubElement(parent, f"{{{MODS_NS}}}mods")
    mods.set("version", "3.3")
    if slims:
        mods.set("ID", str(record.pk))
    title_info = _sub(mods, MODS_NS, "titleInfo")
    _sub(title_info, MODS_NS, "title", record.title)
    if record.subtitle:
        _sub(title_info, MODS_NS, "subTitle", record.subtitle)
    for index, author in enumerate(record.authors):
        name = _sub(mods, MODS_NS, "name", type_="personal")
        _sub(name, MODS_NS, "namePart", author.get("name", ""))
        role = _sub(name, MODS_NS, "role")
        if slims:
            _sub(role, MODS_NS, "roleTerm", "Primary Author" if index == 0 else "Additional Author", type_="text")
        else:
            _sub(role, MODS_NS, "roleTerm", author.get("role") or "author", type_="text")
    _sub(mods, MODS_NS, "typeOfResource", "text")
    origin = _sub(mods, MODS_NS, "originInfo")
    if record.place:
        place = _sub(origin, MODS_NS, "place")
        _sub(place, MODS_NS, "placeTerm", record.place, type_="text")
    if record.publisher:
        _sub(origin, MODS_NS, "publisher", record.publisher)
    if record.year:
        _sub(origin, MODS_NS, "dateIssued", str(record.year))
    if record.edition:
        _sub(origin, MODS_NS, "edition", record.edition)
    if record.language:
        language = _sub(mods, MODS_NS, "language")
        _sub(language, MODS_NS, "languageTerm", record.language, type_="code", authority="iso639-2b")
    if record.physical_description:
        physical = _sub(mods, MODS_NS, "physicalDescription")
        if slims:
            _sub(physical, MODS_NS, "form", "Text", authority="gmd")
        _sub(physical, MODS_NS, "extent", record.physical_description)
    if record.series:
        related = _sub(mods, MODS_NS, "relatedItem", type_="series")
        _sub(_sub(related, MODS_NS, "titleInfo"), MODS_NS, "title", record.series)
    if record.summary:
        _sub(mods, MODS_NS, "note" if slims else "abstract", record.summary)
    for subject in record.subjects:
        _sub(_sub(mods, MODS_NS, "subject"), MODS_NS, "topic", subject)
    if record.ddc:
        _sub(mods, MODS_NS, "classification", record.ddc, authority="ddc")
    for isbn in record.isbns:
        _sub(mods, MODS_NS, "identifier", isbn, type_="isbn")
    if record.issn:
        _sub(mods, MODS_NS, "identifier", record.issn, type_="issn")
    for library, holdings in _holdings_by_library(record):
        location = _sub(mods, MODS_NS, "location")
        _sub(location, MODS_NS, "physicalLocation", library.name)
        call_numbers = [h.call_number for h in holdings if h.call_number]
        if call_numbers:
            _sub(location, MODS_NS, "shelfLocator", call_numbers[0])
        simple = _sub(location, MODS_NS, "holdingSimple")
        for holding in holdings:
            copy = _sub(simple, MODS_NS, "copyInformation")
            if slims:
                if not holding.copies_unknown:
                    _sub(copy, MODS_NS, "numerationAndChronology", holding.barcode, type_="1")
                _sub(copy, MODS_NS, "sublocation", holding.shelf_location or library.name)
            else:
                _sub(copy, MODS_NS, "subLocation", holding.shelf_location or library.code)
            if holding.call_number:
                _sub(copy, MODS_NS, "shelfLocator", holding.call_number)
            if not slims:
                _sub(
                    copy,
                    MODS_NS,
                    "note",
                    COPIES_UNKNOWN_MARK
                    if holding.copies_unknown
                    else f"{holding.barcode}: {holding.get_status_display()}",
                )
    info = _sub(mods, MODS_NS, "recordInfo")
    _sub(info, MODS_NS, "recordIdentifier", str(record.pk))
    _sub(info, MODS_NS, "recordCreationDate", record.created_at.strftime("%Y-%m-%d %H:%M:%S"), encoding="w3cdtf")
    _sub(info, MODS_NS, "recordChangeDate", record.updated_at.strftime("%Y-%m-%d %H:%M:%S"), encoding="w3cdtf")
    _sub(info, MODS_NS, "recordOrigin", "Silang")
    return mods


def dc_element(record: Record, *, oai: bool = True) -> etree._Element:
    """Simple Dublin Core: oai_dc:dc for OAI-PMH, srw_dc:dc for SRU."""
    if oai:
        root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
        root.set(
            f"{{{XSI_NS}}}schemaLocation",
            f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        )
    else:
        root = etree.Element(f"{{{SRW_DC_NS}}}dc", nsmap={"srw_dc": SRW_DC_NS, "dc": DC_NS})
    title = str(record)
    _sub(root, DC_NS, "title", title)
    for author in record.authors:
        _sub(root, DC_NS, "creator", author.get("name", ""))
    for subject in record.subjects:
        _sub(root, DC_NS, "subject", subject)
    if record.ddc:
        _sub(root, DC_NS, "subject", f"DDC {record.ddc}")
    if record.summary:
        _sub(root, DC_NS, "description", record.summary)
    if record.publisher:
        _sub(root, DC_NS, "publisher", record.publisher)
    if record.year:
        _sub(root, DC_NS, "date", str(record.year))
    _sub(root, DC_NS, "type", "Text")
    if record.physical_description:
        _sub(root, DC_NS, "format", record.physical_description)
    for isbn in record.isbns:
        _sub(root, DC_NS, "identifier", f"urn:isbn:{isbn}")
    if record.issn:
        _sub(root, DC_NS, "identifier", f"urn:issn:{record.issn}")
    base = settings.SILANG_PUBLIC_URL.rstrip("/")
    if base:
        _sub(root, DC_NS, "identifier", base + record.get_absolute_url())
    if record.language:
        _sub(root, DC_NS, "language", record.language)
    for library, _holdings in _holdings_by_library(record):
        _sub(root, DC_NS, "relation", f"{library.name} ({library.code})")
    return root
