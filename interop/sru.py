"""SRU 1.1, 1.2 and 2.0 at /sru: explain and searchRetrieve (CQL), records as MARCXML with 852 holdings, MODS or
Dublin Core. Every error is an SRU diagnostic in an SRU response (HTTP 200, as SRU clients expect), never an HTML
page or a 500. SLiMS's MARC SRU client (title= / author= and xmlformat=marc21) gets a bare MARCXML collection."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from . import cql, formats, query

log = logging.getLogger(__name__)

SRW_NS = "http://www.loc.gov/zing/srw/"
SRW_DIAG_NS = "http://www.loc.gov/zing/srw/diagnostic/"
SRU2_NS = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
SRU2_DIAG_NS = "http://docs.oasis-open.org/ns/search-ws/diagnostic"
ZEEREX_NS = "http://explain.z3950.org/dtd/2.0/"
VERSIONS = ("1.1", "1.2", "2.0")
DEFAULT_VERSION = "1.2"
DEFAULT_MAXIMUM_RECORDS = 10

# Diagnostics (info:srw/diagnostic/1/N).
GENERAL_ERROR = 1
UNSUPPORTED_OPERATION = 4
UNSUPPORTED_VERSION = 5
UNSUPPORTED_PARAMETER_VALUE = 6
MANDATORY_PARAMETER_MISSING = 7
UNSUPPORTED_PARAMETER = 8
FIRST_RECORD_OUT_OF_RANGE = 61
UNKNOWN_SCHEMA = 66
UNSUPPORTED_PACKING = 71

SCHEMAS = {
    "marcxml": ("marcxml", "info:srw/schema/1/marcxml-v1.1"),
    "marc21": ("marcxml", "info:srw/schema/1/marcxml-v1.1"),
    "marc": ("marcxml", "info:srw/schema/1/marcxml-v1.1"),
    "info:srw/schema/1/marcxml-v1.1": ("marcxml", "info:srw/schema/1/marcxml-v1.1"),
    "info:srw/schema/1/marcxml-v1.1-light": ("marcxml", "info:srw/schema/1/marcxml-v1.1"),
    formats.MARC_NS: ("marcxml", "info:srw/schema/1/marcxml-v1.1"),
    "mods": ("mods", "info:srw/schema/1/mods-v3.3"),
    "info:srw/schema/1/mods-v3.3": ("mods", "info:srw/schema/1/mods-v3.3"),
    "info:srw/schema/1/mods-v3.4": ("mods", "info:srw/schema/1/mods-v3.3"),
    formats.MODS_NS: ("mods", "info:srw/schema/1/mods-v3.3"),
    "dc": ("dc", "info:srw/schema/1/dc-v1.1"),
    "info:srw/schema/1/dc-v1.1": ("dc", "info:srw/schema/1/dc-v1.1"),
    "info:srw/schema/1/dc-schema": ("dc", "info:srw/schema/1/dc-v1.1"),
}
# Parameters SRU defines (others are refused with diagnostic 8, as the standard asks, except x- extensions and
# the names SLiMS's client and browsers add).
KNOWN_PARAMETERS = {
    "operation",
    "version",
    "query",
    "querytype",
    "startrecord",
    "maximumrecords",
    "recordpacking",
    "recordxmlescaping",
    "recordschema",
    "resultsetttl",
    "sortkeys",
    "stylesheet",
    "extrarequestdata",
    "scanclause",
    "responseposition",
    "maximumterms",
    "httpaccept",
    "recordxpath",
    "renderedby",
    # SLiMS's MARC SRU client (Perpusnas style)
    "title",
    "author",
    "isbn",
    "keywords",
    "xmlformat",
}


@dataclass
class Diagnostic:
    code: int
    details: str = ""
    message: str = ""


@dataclass
class Request:
    version: str
    params: dict
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def v2(self) -> bool:
        return self.version == "2.0"

    @property
    def ns(self) -> str:
        return SRU2_NS if self.v2 else SRW_NS

    @property
    def diag_ns(self) -> str:
        return SRU2_DIAG_NS if self.v2 else SRW_DIAG_NS


def _el(parent, ns, tag, text=None):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = str(text)
    return element


def _diagnostics(parent, req: Request, diagnostics: list[Diagnostic]) -> None:
    if not diagnostics:
        return
    container = _el(parent, req.ns, "diagnostics")
    for diagnostic in diagnostics:
        element = etree.SubElement(container, f"{{{req.diag_ns}}}diagnostic", nsmap={"diag": req.diag_ns})
        _el(element, req.diag_ns, "uri", f"info:srw/diagnostic/1/{diagnostic.code}")
        if diagnostic.details:
            _el(element, req.diag_ns, "details", diagnostic.details)
        if diagnostic.message:
            _el(element, req.diag_ns, "message", diagnostic.message)


def _xml_response(root) -> HttpResponse:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _root(req: Request, name: str):
    prefix = "sru" if req.v2 else "srw"
    root = etree.Element(f"{{{req.ns}}}{name}", nsmap={prefix: req.ns})
    _el(root, req.ns, "version", req.version)
    return root


# --- explain -------------------------------------------------------------------------------------------


def _explain_record(request) -> etree._Element:
    host = request.get_host()
    hostname, _, port = host.partition(":")
    explain = etree.Element(f"{{{ZEEREX_NS}}}explain", nsmap={None: ZEEREX_NS})
    server = etree.SubElement(
        explain, f"{{{ZEEREX_NS}}}serverInfo", protocol="SRU", version="1.2", transport=request.scheme
    )
    _el(server, ZEEREX_NS, "host", hostname)
    _el(server, ZEEREX_NS, "port", port or ("443" if request.is_secure() else "80"))
    _el(server, ZEEREX_NS, "database", request.path.strip("/") or "sru")
    database = _el(explain, ZEEREX_NS, "databaseInfo")
    etree.SubElement(database, f"{{{ZEEREX_NS}}}title", lang="id", primary="true").text = "Katalog induk Silang"
    etree.SubElement(database, f"{{{ZEEREX_NS}}}title", lang="en").text = "Silang union catalog"
    etree.SubElement(database, f"{{{ZEEREX_NS}}}description", lang="en").text = (
        "Union catalog of the member school libraries; holdings in MARC 852 ($a library code, $b name, $h call "
        "number, $p barcode, $z status)."
    )
    index_info = _el(explain, ZEEREX_NS, "indexInfo")
    for name, identifier in (
        ("cql", "info:srw/cql-context-set/1/cql-v1.2"),
        ("dc", "info:srw/cql-context-set/1/dc-v1.1"),
        ("bath", "http://zing.z3950.org/cql/bath/2.0/"),
        ("rec", "info:srw/cql-context-set/2/rec-1.1"),
    ):
        etree.SubElement(index_info, f"{{{ZEEREX_NS}}}set", name=name, identifier=identifier)
    for set_name, index_name, title in query.EXPLAINED_INDEXES + [("rec", "id", "Nomor rekaman Silang / record id")]:
        index = etree.SubElement(index_info, f"{{{ZEEREX_NS}}}index", search="true", scan="false", sort="false")
        _el(index, ZEEREX_NS, "title", title)
        mapping = _el(index, ZEEREX_NS, "map")
        etree.SubElement(mapping, f"{{{ZEEREX_NS}}}name", set=set_name).text = index_name
    schema_info = _el(explain, ZEEREX_NS, "schemaInfo")
    for name, identifier, title in (
        ("marcxml", "info:srw/schema/1/marcxml-v1.1", "MARCXML (holdings in 852)"),
        ("mods", "info:srw/schema/1/mods-v3.3", "MODS 3.3"),
        ("dc", "info:srw/schema/1/dc-v1.1", "Dublin Core"),
    ):
        schema = etree.SubElement(
            schema_info, f"{{{ZEEREX_NS}}}schema", identifier=identifier, name=name, sort="false", retrieve="true"
        )
        _el(schema, ZEEREX_NS, "title", title)
    config = _el(explain, ZEEREX_NS, "configInfo")
    etree.SubElement(config, f"{{{ZEEREX_NS}}}default", type="numberOfRecords").text = str(DEFAULT_MAXIMUM_RECORDS)
    etree.SubElement(config, f"{{{ZEEREX_NS}}}default", type="retrieveSchema").text = "marcxml"
    etree.SubElement(config, f"{{{ZEEREX_NS}}}setting", type="maximumRecords").text = str(
        settings.INTEROP_SRU_MAX_RECORDS
    )
    etree.SubElement(config, f"{{{ZEEREX_NS}}}supports", type="relation").text = "= == any all adj exact"
    etree.SubElement(config, f"{{{ZEEREX_NS}}}supports", type="booleanOperator").text = "and or not"
    return explain


def explain_response(request, req: Request) -> HttpResponse:
    root = _root(req, "explainResponse")
    record = _el(root, req.ns, "record")
    _el(record, req.ns, "recordSchema", "http://explain.z3950.org/dtd/2.0/")
    if req.v2:
        _el(record, req.ns, "recordXMLEscaping", "xml")
    else:
        _el(record, req.ns, "recordPacking", "xml")
    data = _el(record, req.ns, "recordData")
    data.append(_explain_record(request))
    _diagnostics(root, req, req.diagnostics)
    return _xml_response(root)


# --- searchRetrieve ------------------------------------------------------------------------------------


def _positive_int(req: Request, name: str, default: int, *, minimum: int) -> int | None:
    raw = req.params.get(name.lower(), "")
    if raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum:
        req.diagnostics.append(
            Diagnostic(UNSUPPORTED_PARAMETER_VALUE, name, f"{name} must be a whole number ≥ {minimum}")
        )
        return None
    return value


def _record_data(record, schema: str) -> etree._Element:
    if schema == "marcxml":
        return formats.marcxml_element(record)
    if schema == "mods":
        mods = formats.mods_element(record)
        return mods
    return formats.dc_element(record, oai=False)


def _search(req: Request):
    """(tree, count, ids, schema, start) or None with req.diagnostics filled."""
    p = req.params
    tree = None
    if p.get("query", "").strip():
        try:
            tree = cql.parse(p["query"])
        except cql.CQLError as exc:
            req.diagnostics.append(Diagnostic(exc.code, exc.details, str(exc)))
            return None
    else:
        tree = query.simple_query(
            title=p.get("title", ""),
            author=p.get("author", ""),
            isbn=p.get("isbn", ""),
            any_words=p.get("keywords", ""),
        )
        if tree is None:
            req.diagnostics.append(Diagnostic(MANDATORY_PARAMETER_MISSING, "query", "The query parameter is missing"))
            return None
    schema_name = p.get("recordschema", "").strip() or "marcxml"
    if schema_name.lower() in SCHEMAS:
        schema_name = schema_name.lower()
    if schema_name not in SCHEMAS:
        req.diagnostics.append(
            Diagnostic(UNKNOWN_SCHEMA, schema_name, "Unknown record schema; use marcxml, mods or dc")
        )
        return None
    start = _positive_int(req, "startRecord", 1, minimum=1)
    maximum = _positive_int(req, "maximumRecords", DEFAULT_MAXIMUM_RECORDS, minimum=0)
    if start is None or maximum is None:
        return None
    limit = settings.INTEROP_SRU_MAX_RECORDS
    if maximum > limit:
        # Served, but capped; the non-fatal diagnostic says why fewer records came back.
        req.diagnostics.append(
            Diagnostic(UNSUPPORTED_PARAMETER_VALUE, "maximumRecords", f"At most {limit} records per response")
        )
        maximum = limit
    try:
        compiled = query.compile_query(tree)
    except cql.CQLError as exc:
        req.diagnostics.append(Diagnostic(exc.code, exc.details, str(exc)))
        return None
    if start > 2**31:
        req.diagnostics.append(Diagnostic(FIRST_RECORD_OUT_OF_RANGE, str(start), "startRecord is beyond the results"))
        return None
    count, ids = query.run(compiled, offset=start - 1, limit=maximum)
    if count and start > count:
        req.diagnostics.append(Diagnostic(FIRST_RECORD_OUT_OF_RANGE, str(start), "startRecord is beyond the results"))
        return None
    return tree, count, ids, SCHEMAS[schema_name], start


def _packing(req: Request) -> str | None:
    name = "recordxmlescaping" if req.v2 else "recordpacking"
    value = (req.params.get(name) or "xml").strip().lower()
    if value not in ("xml", "string"):
        req.diagnostics.append(Diagnostic(UNSUPPORTED_PACKING, value, "Record packing must be xml or string"))
        return None
    return value


def search_response(request, req: Request) -> HttpResponse:
    root = _root(req, "searchRetrieveResponse")
    packing = _packing(req)
    found = _search(req) if packing else None
    if found is None:
        _el(root, req.ns, "numberOfRecords", 0)
        _diagnostics(root, req, req.diagnostics)
        return _xml_response(root)
    _tree, count, ids, (schema, schema_id), start = found
    _el(root, req.ns, "numberOfRecords", count)
    records = formats.load_records(ids)
    if ids:
        container = _el(root, req.ns, "records")
        for position, rid in enumerate(ids, start=start):
            record = records.get(rid)
            if record is None:
                continue  # deleted since the count
            element = _el(container, req.ns, "record")
            _el(element, req.ns, "recordSchema", schema_id)
            if req.v2:
                _el(element, req.ns, "recordXMLEscaping", packing)
            else:
                _el(element, req.ns, "recordPacking", packing)
            data = _el(element, req.ns, "recordData")
            payload = _record_data(record, schema)
            if packing == "string":
                data.text = etree.tostring(payload, encoding="unicode")
            else:
                data.append(payload)
            _el(element, req.ns, "recordPosition", position)
    if start + len(ids) <= count and ids:
        _el(root, req.ns, "nextRecordPosition", start + len(ids))
    echo = _el(root, req.ns, "echoedSearchRetrieveRequest")
    _el(echo, req.ns, "version", req.version)
    if req.params.get("query"):
        _el(echo, req.ns, "query", req.params["query"])
    _el(echo, req.ns, "startRecord", start)
    if req.params.get("maximumrecords", "").strip().isdigit():
        _el(echo, req.ns, "maximumRecords", int(req.params["maximumrecords"]))
    if req.v2:
        _el(echo, req.ns, "recordXMLEscaping", packing)
    else:
        _el(echo, req.ns, "recordPacking", packing)
    _el(echo, req.ns, "recordSchema", schema_id)
    _diagnostics(root, req, req.diagnostics)
    return _xml_response(root)


def bare_marc_collection(req: Request) -> HttpResponse:
    """SLiMS's MARC SRU client (lib/marc/XMLParser.inc.php) reads a plain MARCXML collection."""
    req.params["recordschema"] = "marcxml"
    root = etree.Element(f"{{{formats.MARC_NS}}}collection", nsmap={None: formats.MARC_NS})
    found = _search(req)
    if found is None:
        for diagnostic in req.diagnostics:
            root.append(etree.Comment(f" info:srw/diagnostic/1/{diagnostic.code} {diagnostic.details} "))
        return _xml_response(root)
    _tree, _count, ids, _schema, _start = found
    records = formats.load_records(ids)
    for rid in ids:
        if rid in records:
            root.append(formats.marcxml_element(records[rid]))
    return _xml_response(root)


def _request_from(request) -> Request:
    data = request.GET if request.method == "GET" else request.POST
    params = {}
    for key in data:
        params[key.lower()] = data.get(key, "")
    version = params.get("version", "").strip() or DEFAULT_VERSION
    req = Request(version=version, params=params)
    if version not in VERSIONS:
        try:
            newer = float(version) >= 2
        except ValueError:
            newer = False
        req.version = "2.0" if newer else DEFAULT_VERSION
        req.diagnostics.append(Diagnostic(UNSUPPORTED_VERSION, "2.0", f"Version {version[:20]} is not supported"))
    return req


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def sru(request):
    req = None
    try:
        req = _request_from(request)
        if req.params.get("xmlformat", "").lower() == "marc21":
            return bare_marc_collection(req)
        if any(d.code == UNSUPPORTED_VERSION for d in req.diagnostics):
            if not req.params.get("query"):
                return explain_response(request, req)
            root = _root(req, "searchRetrieveResponse")
            _el(root, req.ns, "numberOfRecords", 0)
            _diagnostics(root, req, req.diagnostics)
            return _xml_response(root)
        operation = req.params.get("operation", "").strip()
        has_query = bool(req.params.get("query") or req.params.get("title") or req.params.get("author"))
        if not operation:
            # SRU 2.0 dropped the operation parameter: a query means searchRetrieve.
            operation = "searchRetrieve" if has_query else "explain"
        unknown = [name for name in req.params if name not in KNOWN_PARAMETERS and not name.startswith("x-")]
        if unknown:
            req.diagnostics.append(Diagnostic(UNSUPPORTED_PARAMETER, unknown[0], "Unsupported parameter"))
            root = _root(req, "searchRetrieveResponse" if operation == "searchRetrieve" else "explainResponse")
            if operation == "searchRetrieve":
                _el(root, req.ns, "numberOfRecords", 0)
                _diagnostics(root, req, req.diagnostics)
                return _xml_response(root)
            return explain_response(request, req)
        if operation == "explain":
            return explain_response(request, req)
        if operation == "searchRetrieve":
            return search_response(request, req)
        req.diagnostics.append(Diagnostic(UNSUPPORTED_OPERATION, operation[:40], "Supported: explain, searchRetrieve"))
        root = _root(req, "searchRetrieveResponse")
        _el(root, req.ns, "numberOfRecords", 0)
        _diagnostics(root, req, req.diagnostics)
        return _xml_response(root)
    except Exception:  # an SRU client must get a diagnostic, whatever went wrong here
        log.exception("SRU request failed")
        req = req or Request(version=DEFAULT_VERSION, params={})
        root = _root(req, "searchRetrieveResponse")
        _el(root, req.ns, "numberOfRecords", 0)
        _diagnostics(root, req, [Diagnostic(GENERAL_ERROR, "", "General system error")])
        return _xml_response(root)
