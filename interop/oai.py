"""OAI-PMH 2.0 provider at /oai: every verb, oai_dc and marc21 (holdings in 852), sets per member library
(library:CODE) and per DDC hundred (ddc:300), from/until on the record's change time (a holding change changes
it), signed resumption tokens that walk the record ids (so concurrent edits shift nothing), and persistent
deleted records: a merged or deleted record (interop_tombstone) or one whose copies are all withdrawn."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from consortium.models import Library

from . import formats

log = logging.getLogger(__name__)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = formats.XSI_NS
METADATA_FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", formats.OAI_DC_NS),
    "marc21": ("http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", formats.MARC_NS),
}
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
TOKEN_SALT = "interop.oai.resumption"
TOKEN_MAX_AGE = 7 * 24 * 3600
DDC_SETS = {str(d): f"{d}00" for d in range(10)}


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_datestamp(value: str) -> tuple[dt.datetime, str]:
    """(moment, granularity) of a from/until argument; day or second granularity, UTC."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC), "day"
        except ValueError:
            pass
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value):
        try:
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC), "second"
        except ValueError:
            pass
    raise OAIError("badArgument", f"'{value[:40]}' is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)")


def identifier_for(record_id: int) -> str:
    return f"oai:{settings.INTEROP_OAI_NAMESPACE}:{record_id}"


def record_id_of(identifier: str) -> int | None:
    prefix = f"oai:{settings.INTEROP_OAI_NAMESPACE}:"
    if identifier.startswith(prefix) and identifier[len(prefix) :].isdigit():
        value = int(identifier[len(prefix) :])
        return value if value < 2**62 else None
    return None


def _libraries() -> list[Library]:
    return list(Library.objects.visible_to(AnonymousUser()).order_by("code"))


@dataclass
class Item:
    record_id: int
    datestamp: dt.datetime
    deleted: bool
    set_specs: list[str]


@dataclass
class Query:
    prefix: str
    set_spec: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive bound
    after: int = 0
    cursor: int = 0


def _set_condition(set_spec: str, libraries: dict[str, Library]) -> tuple[str, list, str, list]:
    """SQL for the set: on live records (r) and on tombstones (t)."""
    if not set_spec:
        return "TRUE", [], "TRUE", []
    kind, _, value = set_spec.partition(":")
    if kind == "library" and value in libraries:
        library_id = libraries[value].pk
        return (
            "EXISTS (SELECT 1 FROM catalog_holding h WHERE h.record_id = r.id AND h.library_id = %s)",
            [library_id],
            "%s = ANY(t.library_ids)",
            [library_id],
        )
    if kind == "ddc" and value in DDC_SETS.values():
        pattern = f"^{value[0]}"
        return "r.ddc ~ %s", [pattern], "t.ddc ~ %s", [pattern]
    raise OAIError("badArgument", f"There is no set '{set_spec[:60]}' (ListSets lists them)")


def _page(query: Query, size: int, libraries: dict[str, Library]) -> tuple[list[Item], bool]:
    """One page of items after `query.after`, in id order, and whether more follow."""
    live_sql, live_args, dead_sql, dead_args = _set_condition(query.set_spec, libraries)
    stamp = "GREATEST(r.updated_at, (SELECT max(h.updated_at) FROM catalog_holding h WHERE h.record_id = r.id))"
    window, window_args = [], []
    if query.since is not None:
        window.append("ds >= %s")
        window_args.append(query.since)
    if query.until is not None:
        window.append("ds < %s")
        window_args.append(query.until)
    window_sql = " AND ".join(window) or "TRUE"
    with connection.cursor() as cursor:
        if query.since is not None:
            # Only records or copies changed since `from`: found through their change times, not by walking ids.
            cursor.execute(
                "WITH cand AS (SELECT id FROM catalog_record WHERE updated_at >= %s AND id > %s"
                " UNION SELECT record_id FROM catalog_holding WHERE updated_at >= %s AND record_id > %s)"
                f" SELECT id, ds FROM (SELECT r.id, {stamp} AS ds FROM cand JOIN catalog_record r ON r.id = cand.id"
                f" WHERE {live_sql}) s WHERE {window_sql} ORDER BY id LIMIT %s",
                [query.since, query.after, query.since, query.after, *live_args, *window_args, size + 1],
            )
        else:
            # Without `until`, the page's ids first, then their datestamps: else the planner may probe the datestamp
            # of every record in the set before sorting (1.2 s a page of a 42,000-record library on the 1M catalog).
            page_limit, page_args = ("", []) if query.until is not None else (" LIMIT %s", [size + 1])
            cursor.execute(
                f"SELECT id, ds FROM (SELECT r.id, {stamp} AS ds FROM (SELECT r.id, r.updated_at FROM catalog_record r"
                f" WHERE r.id > %s AND {live_sql} ORDER BY r.id{page_limit}) r) s"
                f" WHERE {window_sql} ORDER BY id LIMIT %s",
                [query.after, *live_args, *page_args, *window_args, size + 1],
            )
        live = cursor.fetchall()
        window_dead = window_sql.replace("ds", "t.deleted_at")
        # A split that undoes a merge brings the merged record back under its old id: live again, not deleted.
        cursor.execute(
            f"SELECT t.record_id, t.deleted_at, t.ddc, t.library_ids FROM interop_tombstone t"
            f" WHERE t.record_id > %s AND {dead_sql} AND {window_dead}"
            f" AND NOT EXISTS (SELECT 1 FROM catalog_record r WHERE r.id = t.record_id)"
            f" ORDER BY t.record_id LIMIT %s",
            [query.after, *dead_args, *window_args, size + 1],
        )
        dead = cursor.fetchall()
    merged = sorted([(rid, ds, None) for rid, ds in live] + [(rid, ds, (ddc, libs)) for rid, ds, ddc, libs in dead])
    more = len(merged) > size
    merged = merged[:size]
    return _items(merged, query.set_spec, libraries), more


def _items(rows, set_spec: str, libraries: dict[str, Library]) -> list[Item]:
    codes = {library.pk: library.code for library in libraries.values()}
    live_ids = [rid for rid, _ds, dead in rows if dead is None]
    holding_state: dict[int, dict[int, bool]] = {}
    ddc_of: dict[int, str] = {}
    if live_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT record_id, library_id, bool_and(status = 'withdrawn') FROM catalog_holding"
                " WHERE record_id = ANY(%s) GROUP BY 1, 2",
                [live_ids],
            )
            for rid, library_id, withdrawn in cursor.fetchall():
                holding_state.setdefault(rid, {})[library_id] = withdrawn
            cursor.execute("SELECT id, ddc FROM catalog_record WHERE id = ANY(%s)", [live_ids])
            ddc_of = dict(cursor.fetchall())
    set_library = libraries[set_spec.partition(":")[2]].pk if set_spec.startswith("library:") else None
    items = []
    for rid, ds, dead in rows:
        if dead is not None:
            ddc, library_ids = dead
            deleted = True
        else:
            ddc, library_ids = ddc_of.get(rid, ""), list(holding_state.get(rid, {}))
            state = holding_state.get(rid, {})
            if set_library is not None:
                deleted = state.get(set_library, False)  # this library withdrew all its copies
            else:
                deleted = bool(state) and all(state.values())
        specs = [f"library:{codes[lib]}" for lib in sorted(library_ids, key=lambda i: codes.get(i, "")) if lib in codes]
        if ddc and ddc[0].isdigit():
            specs.append(f"ddc:{DDC_SETS[ddc[0]]}")
        items.append(Item(rid, ds, deleted, specs))
    return items


# --- XML -------------------------------------------------------------------------------------------------


def _el(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, f"{{{OAI_NS}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = str(text)
    return element


def _envelope(request, args: dict | None):
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    _el(root, "responseDate", _utc(timezone.now()))
    _el(root, "request", _base_url(request), **(args or {}))
    return root


def _base_url(request) -> str:
    base = settings.SILANG_PUBLIC_URL.rstrip("/")
    return (base + request.path) if base else request.build_absolute_uri(request.path)


def _respond(root) -> HttpResponse:
    return HttpResponse(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8"), content_type="text/xml; charset=utf-8"
    )


def _header(parent, item: Item):
    header = _el(parent, "header", status="deleted" if item.deleted else None)
    _el(header, "identifier", identifier_for(item.record_id))
    _el(header, "datestamp", _utc(item.datestamp))
    for spec in item.set_specs:
        _el(header, "setSpec", spec)
    return header


def _metadata(parent, record, prefix: str) -> None:
    metadata = _el(parent, "metadata")
    if prefix == "marc21":
        metadata.append(formats.marcxml_element(record))
    else:
        metadata.append(formats.dc_element(record, oai=True))


# --- verbs ---------------------------------------------------------------------------------------------


def identify(request, root, args):
    element = _el(root, "Identify")
    _el(element, "repositoryName", "Silang: katalog induk perpustakaan sekolah")
    _el(element, "baseURL", _base_url(request))
    _el(element, "protocolVersion", "2.0")
    _el(
        element,
        "adminEmail",
        settings.INTEROP_OAI_ADMIN_EMAIL or settings.DEFAULT_FROM_EMAIL.split("<")[-1].strip("> "),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT least((SELECT min(updated_at) FROM catalog_record),"
            " (SELECT min(deleted_at) FROM interop_tombstone))"
        )
        earliest = cursor.fetchone()[0] or timezone.now()
    _el(element, "earliestDatestamp", _utc(earliest))
    _el(element, "deletedRecord", "persistent")
    _el(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")


def list_metadata_formats(request, root, args):
    if "identifier" in args:
        rid = record_id_of(args["identifier"])
        if rid is None or not _exists(rid):
            raise OAIError("idDoesNotExist", "No record has this identifier")
    element = _el(root, "ListMetadataFormats")
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        fmt = _el(element, "metadataFormat")
        _el(fmt, "metadataPrefix", prefix)
        _el(fmt, "schema", schema)
        _el(fmt, "metadataNamespace", namespace)


def _exists(rid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM catalog_record WHERE id = %s)"
            " OR EXISTS (SELECT 1 FROM interop_tombstone WHERE record_id = %s)",
            [rid, rid],
        )
        return cursor.fetchone()[0]


def list_sets(request, root, args):
    if "resumptionToken" in args:
        raise OAIError("badResumptionToken", "ListSets is answered in one response; this token is not ours")
    element = _el(root, "ListSets")
    for library in _libraries():
        entry = _el(element, "set")
        _el(entry, "setSpec", f"library:{library.code}")
        _el(entry, "setName", library.name)
    from catalog.search import DDC_CLASSES

    for digit, hundred in DDC_SETS.items():
        entry = _el(element, "set")
        _el(entry, "setSpec", f"ddc:{hundred}")
        _el(entry, "setName", f"DDC {DDC_CLASSES[digit]}")


def get_record(request, root, args):
    prefix = args["metadataPrefix"]
    if prefix not in METADATA_FORMATS:
        raise OAIError("cannotDisseminateFormat", f"Formats: {', '.join(METADATA_FORMATS)}")
    rid = record_id_of(args["identifier"])
    if rid is None or not _exists(rid):
        raise OAIError("idDoesNotExist", "No record has this identifier")
    libraries = {library.code: library for library in _libraries()}
    items, _more = _page(Query(prefix=prefix, after=rid - 1), 1, libraries)
    item = items[0]
    element = _el(root, "GetRecord")
    record_el = _el(element, "record")
    _header(record_el, item)
    if not item.deleted:
        record = formats.load_records([rid]).get(rid)
        if record is not None:
            _metadata(record_el, record, prefix)


def _query_from(args) -> Query:
    if "resumptionToken" in args:
        try:
            data = signing.loads(args["resumptionToken"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
            query = Query(
                prefix=data["m"],
                set_spec=data["s"],
                since=dt.datetime.fromisoformat(data["f"]) if data["f"] else None,
                until=dt.datetime.fromisoformat(data["u"]) if data["u"] else None,
                after=int(data["a"]),
                cursor=int(data["c"]),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise OAIError("badResumptionToken", "This resumption token is not valid (or has expired)") from exc
        return query
    prefix = args["metadataPrefix"]
    if prefix not in METADATA_FORMATS:
        raise OAIError("cannotDisseminateFormat", f"Formats: {', '.join(METADATA_FORMATS)}")
    since = until = None
    granularities = set()
    if "from" in args:
        since, granularity = _parse_datestamp(args["from"])
        granularities.add(granularity)
    if "until" in args:
        moment, granularity = _parse_datestamp(args["until"])
        granularities.add(granularity)
        until = moment + (dt.timedelta(days=1) if granularity == "day" else dt.timedelta(seconds=1))
    if len(granularities) > 1:
        raise OAIError("badArgument", "from and until must have the same granularity")
    if since is not None and until is not None and until <= since:
        raise OAIError("noRecordsMatch", "until is before from")
    return Query(prefix=prefix, set_spec=args.get("set", ""), since=since, until=until)


def _token(query: Query, last_id: int, cursor: int) -> str:
    return signing.dumps(
        {
            "m": query.prefix,
            "s": query.set_spec,
            "f": query.since.isoformat() if query.since else "",
            "u": query.until.isoformat() if query.until else "",
            "a": last_id,
            "c": cursor,
        },
        salt=TOKEN_SALT,
        compress=True,
    )


def list_items(request, root, args, *, with_records: bool):
    query = _query_from(args)
    libraries = {library.code: library for library in _libraries()}
    size = settings.INTEROP_OAI_PAGE_SIZE
    items, more = _page(query, size, libraries)
    if not items:
        raise OAIError("noRecordsMatch", "No record matches these arguments")
    element = _el(root, "ListRecords" if with_records else "ListIdentifiers")
    records = formats.load_records([i.record_id for i in items if not i.deleted]) if with_records else {}
    for item in items:
        if with_records:
            record_el = _el(element, "record")
            _header(record_el, item)
            record = records.get(item.record_id)
            if not item.deleted and record is not None:
                _metadata(record_el, record, query.prefix)
        else:
            _header(element, item)
    if more:
        _el(
            element,
            "resumptionToken",
            _token(query, items[-1].record_id, query.cursor + len(items)),
            cursor=str(query.cursor),
            expirationDate=_utc(timezone.now() + dt.timedelta(seconds=TOKEN_MAX_AGE)),
        )
    elif "resumptionToken" in args:
        _el(element, "resumptionToken", None, cursor=str(query.cursor))  # the list is complete


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": lambda request, root, args: list_items(request, root, args, with_records=False),
    "ListRecords": lambda request, root, args: list_items(request, root, args, with_records=True),
}


def _arguments(request) -> tuple[str, dict]:
    data = request.GET if request.method == "GET" else request.POST
    for key in data:
        if len(data.getlist(key)) > 1:
            raise OAIError("badVerb" if key == "verb" else "badArgument", f"The argument {key[:30]} is repeated")
    verb = data.get("verb", "")
    if verb not in VERBS:
        raise OAIError("badVerb", "Missing or unknown verb" if not verb else f"Unknown verb {verb[:30]}")
    args = {key: data[key] for key in data if key != "verb"}
    required, optional = VERBS[verb]
    if "resumptionToken" in args and verb in ("ListIdentifiers", "ListRecords", "ListSets"):
        if len(args) > 1:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument")
        return verb, args
    unknown = set(args) - required - optional
    if unknown:
        raise OAIError("badArgument", f"Illegal argument {sorted(unknown)[0][:30]}")
    missing = required - set(args)
    if missing:
        raise OAIError("badArgument", f"Missing argument {sorted(missing)[0]}")
    return verb, args


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def oai(request):
    try:
        try:
            verb, args = _arguments(request)
        except OAIError as exc:
            root = _envelope(request, None)  # badVerb / badArgument: the request element has no attributes
            _el(root, "error", exc.message, code=exc.code)
            return _respond(root)
        root = _envelope(request, {"verb": verb, **args})
        try:
            HANDLERS[verb](request, root, args)
        except OAIError as exc:
            for child in list(root)[2:]:
                root.remove(child)
            if exc.code in ("badArgument", "badVerb"):
                # The protocol: with these two errors the request element carries the base URL only.
                request_el = root.find(f"{{{OAI_NS}}}request")
                for name in list(request_el.attrib):
                    del request_el.attrib[name]
            _el(root, "error", exc.message, code=exc.code)
        return _respond(root)
    except Exception:  # a harvester must get OAI-PMH, whatever went wrong here
        log.exception("OAI-PMH request failed")
        root = _envelope(request, None)
        _el(root, "error", "Internal error; please retry later", code="badArgument")
        return HttpResponse(
            etree.tostring(root, xml_declaration=True, encoding="UTF-8"),
            status=503,
            content_type="text/xml; charset=utf-8",
        )
