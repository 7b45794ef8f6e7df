"""Harvest a member library's own OPAC into the union catalog: SLiMS (OAI-PMH oai_dc at oai.php, plus each record's
MODS detail, index.php?p=show_detail&inXML=true&id=N, for the call number and the copies) and INLISLite 3.3
(OAI-PMH marc21). Incremental (from= the last harvest's responseDate), through resumption tokens, with deleted
records; records go through the catalog's import pipeline (interop.ingest_bridge) keyed by the OPAC's own id, the
same key as SLiMS's union-catalog push, so a harvest refines what a push announced.

A plain service function (harvest_run) plus `manage.py harvest_opac`: the job worker calls either. Whatever the
OPAC answers (HTML, a timeout, a resumption token that loops, broken XML), the harvest ends with a report line,
never an exception, and pages already imported stay imported (each page is its own import)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import urljoin

import pymarc
import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from . import ingest_bridge
from .choices import HarvestSchedule, HarvestStatus, OpacKind
from .formats import MARC_NS, MODS_NS, XML_PARSER
from .models import HarvestRun, OpacSource
from .ucs import drop_stand_ins, remove_library_records

log = logging.getLogger(__name__)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
DC_NS = "http://purl.org/dc/elements/1.1/"
NS = {"o": OAI_NS, "dc": DC_NS, "marc": MARC_NS, "m": MODS_NS}
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
USER_AGENT = "Silang union catalog harvester (OAI-PMH)"


class HarvestFailed(Exception):
    """The harvest cannot go on; the message is the report line."""


def oai_url(source: OpacSource) -> str:
    """SLiMS publishes OAI-PMH at <OPAC>/oai.php; an address that already names the OAI endpoint is kept."""
    base = source.base_url.strip()
    path = base.split("?")[0].rstrip("/")
    if path.endswith((".php", "/oai", "/oai2")):
        return path
    if source.kind == OpacKind.SLIMS:
        return urljoin(path + "/", "oai.php")
    return urljoin(path + "/", "oai")


def _opac_root(source: OpacSource) -> str:
    path = source.base_url.split("?")[0]
    path = re.sub(r"/(oai\.php|oai2?|index\.php)$", "", path.rstrip("/"))
    return path + "/"


class Client:
    def __init__(self):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def get(self, url: str, params: dict) -> bytes:
        try:
            response = self.session.get(url, params=params, timeout=settings.INTEROP_HARVEST_TIMEOUT, stream=True)
            response.raise_for_status()
            chunks, size = [], 0
            for chunk in response.iter_content(65536):
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise HarvestFailed(
                        _("The OPAC's answer is larger than %(mb)s MB.") % {"mb": MAX_RESPONSE_BYTES // 2**20}
                    )
                chunks.append(chunk)
            return b"".join(chunks)
        except requests.Timeout as exc:
            raise HarvestFailed(
                _("The OPAC did not answer within %(s)s seconds (%(url)s).")
                % {"s": settings.INTEROP_HARVEST_TIMEOUT, "url": url}
            ) from exc
        except requests.RequestException as exc:
            raise HarvestFailed(
                _("The OPAC cannot be reached (%(url)s): %(error)s") % {"url": url, "error": exc}
            ) from exc


def _oai(client: Client, url: str, params: dict) -> etree._Element:
    body = client.get(url, params)
    try:
        root = etree.fromstring(body, XML_PARSER)
    except etree.XMLSyntaxError as exc:
        looks_html = body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html"))
        if looks_html:
            raise HarvestFailed(
                _("The OPAC answered with a web page, not OAI-PMH (%(url)s): check the OPAC address.") % {"url": url}
            ) from exc
        raise HarvestFailed(_("The OPAC's answer is not well-formed XML: %(error)s") % {"error": exc}) from exc
    if etree.QName(root).localname.lower() == "html":
        raise HarvestFailed(
            _("The OPAC answered with a web page, not OAI-PMH (%(url)s): check the OPAC address.") % {"url": url}
        )
    if root.tag != f"{{{OAI_NS}}}OAI-PMH":
        raise HarvestFailed(_("The OPAC answered with something other than OAI-PMH (%(url)s).") % {"url": url})
    return root


def _local_id(identifier: str) -> str:
    """The OPAC's own record id: the last part of its OAI identifier (oai:slims/123, oai:inlislite:123)."""
    match = re.search(r"([^:/]+)$", identifier.strip())
    return match.group(1)[:90] if match else identifier.strip()[:90]


# --- records --------------------------------------------------------------------------------------------


def _marc_from_columns(data: dict, local_id: str, copies: list[dict]) -> pymarc.Record:
    record = ingest_bridge.marc_from_columns(data)  # the catalog's own writer from columns
    record.add_ordered_field(pymarc.Field(tag="001", data=local_id))
    for copy in copies:
        subfields = []
        if copy.get("shelf"):
            subfields.append(pymarc.Subfield("c", copy["shelf"]))
        if copy.get("call_number"):
            subfields.append(pymarc.Subfield("h", copy["call_number"]))
        subfields.append(pymarc.Subfield("p", copy["barcode"]))
        record.add_field(pymarc.Field(tag="852", indicators=[" ", " "], subfields=subfields))
    return record


def _year(text: str) -> int | None:
    match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", text or "")
    return int(match.group(1)) if match else None


def _from_dc(metadata: etree._Element) -> dict:
    def values(name):
        return [el.text.strip() for el in metadata.iter(f"{{{DC_NS}}}{name}") if el.text and el.text.strip()]

    identifiers = values("identifier")
    return {
        "title": (values("title") or [""])[0],
        "authors": [{"name": name, "role": "author"} for name in values("creator")],
        "subjects": values("subject"),
        "publisher": (values("publisher") or [""])[0],
        "year": _year(" ".join(values("date"))),
        "isbns": [re.sub(r"^(urn:)?isbn:?", "", i, flags=re.I) for i in identifiers if re.search(r"\d{9}[\dXx]", i)],
        "language": (values("language") or [""])[0][:3] if len((values("language") or [""])[0]) == 3 else "",
        "summary": " ".join(values("description")),
    }


def _from_slims_mods(mods: etree._Element) -> tuple[dict, list[dict]]:
    """SLiMS's MODS detail (show_detail&inXML): columns and the copies (holdingSimple/copyInformation)."""

    def text(path):
        return (mods.findtext(path, namespaces=NS) or "").strip()

    title = text("m:titleInfo/m:title")
    subtitle = text("m:titleInfo/m:subTitle")
    call_number = text("m:location/m:shelfLocator")
    copies = []
    for info in mods.iterfind("m:location/m:holdingSimple/m:copyInformation", NS):
        barcode = (info.findtext("m:numerationAndChronology", namespaces=NS) or "").strip()
        if barcode:
            copies.append(
                {
                    "barcode": barcode[:64],
                    "call_number": (info.findtext("m:shelfLocator", namespaces=NS) or call_number).strip(),
                    "shelf": (info.findtext("m:sublocation", namespaces=NS) or "").strip(),
                }
            )
    languages = [el.text.strip() for el in mods.iterfind("m:language/m:languageTerm[@type='code']", NS) if el.text]
    language = languages[0] if languages else ""
    language = {"en": "eng", "id": "ind", "ar": "ara"}.get(language, language if len(language) == 3 else "")
    classification = text("m:classification")
    data = {
        "title": title.rstrip(" :/"),
        "subtitle": subtitle,
        "authors": [
            {"name": (n.findtext("m:namePart", namespaces=NS) or "").strip(), "role": "author"}
            for n in mods.iterfind("m:name", NS)
            if (n.findtext("m:namePart", namespaces=NS) or "").strip()
        ],
        "publisher": text("m:originInfo/m:publisher"),
        "place": text("m:originInfo/m:place/m:placeTerm"),
        "year": _year(text("m:originInfo/m:dateIssued")),
        "edition": text("m:originInfo/m:edition"),
        "isbns": [i for i in [text("m:identifier[@type='isbn']")] if i],
        "language": language,
        "subjects": [
            (s[0].text or "").strip() for s in mods.iterfind("m:subject", NS) if len(s) and (s[0].text or "").strip()
        ],
        "ddc": classification.split()[0] if classification.split() else "",
        "series": text("m:relatedItem[@type='series']/m:titleInfo/m:title"),
        "physical_description": text("m:physicalDescription/m:extent"),
        "summary": text("m:note"),
    }
    return data, copies


def _slims_detail(client: Client, source: OpacSource, local_id: str) -> tuple[dict, list[dict]] | None:
    url = urljoin(_opac_root(source), "index.php")
    try:
        body = client.get(url, {"p": "show_detail", "inXML": "true", "id": local_id})
        root = etree.fromstring(body, XML_PARSER)
    except (HarvestFailed, etree.XMLSyntaxError):
        return None
    mods = root if root.tag == f"{{{MODS_NS}}}mods" else root.find("m:mods", NS)
    if mods is None:
        return None
    return _from_slims_mods(mods)


# --- the harvest --------------------------------------------------------------------------------------------


class Harvest:
    def __init__(self, run: HarvestRun):
        self.run = run
        self.source = run.source
        self.library = run.source.library
        self.client = Client()
        self.url = oai_url(self.source)
        self.prefix = "marc21" if self.source.kind == OpacKind.INLISLITE else "oai_dc"
        self.totals = {
            "pages": 0,
            "records_seen": 0,
            "deleted": 0,
            "created": 0,
            "joined": 0,
            "updated": 0,
            "unchanged": 0,
            "holdings_added": 0,
            "holdings_updated": 0,
            "without_copies": 0,
        }
        self.lines: list[str] = []
        self.skipped: list[dict] = []

    def granularity_day(self) -> bool:
        root = _oai(self.client, self.url, {"verb": "Identify"})
        error = root.find("o:error", NS)
        if error is not None:
            raise HarvestFailed(
                _("The OPAC refused Identify: %(error)s") % {"error": (error.text or error.get("code"))}
            )
        return (root.findtext("o:Identify/o:granularity", namespaces=NS) or "").strip() == "YYYY-MM-DD"

    def run_all(self) -> str:
        """Harvest every page; returns the datestamp the next harvest starts from."""
        day = self.granularity_day()
        params = {"verb": "ListRecords", "metadataPrefix": self.prefix}
        if self.source.last_datestamp:
            params["from"] = self.source.last_datestamp[:10] if day else self.source.last_datestamp
        seen_tokens: set[str] = set()
        next_from = ""
        for _page in range(settings.INTEROP_HARVEST_MAX_PAGES):
            root = _oai(self.client, self.url, params)
            if not next_from:
                next_from = (root.findtext("o:responseDate", namespaces=NS) or "").strip()
            error = root.find("o:error", NS)
            if error is not None:
                if error.get("code") == "noRecordsMatch":
                    break
                raise HarvestFailed(
                    _("The OPAC answered with the error %(code)s: %(message)s")
                    % {"code": error.get("code"), "message": (error.text or "").strip()}
                )
            self.totals["pages"] += 1
            self.page(root)
            token = (root.findtext("o:ListRecords/o:resumptionToken", namespaces=NS) or "").strip()
            if not token:
                break
            if token in seen_tokens:
                self.lines.append(
                    _("The OPAC handed back a resumption token it had already given; the harvest stopped there.")
                )
                break
            seen_tokens.add(token)
            params = {"verb": "ListRecords", "resumptionToken": token}
        else:
            self.lines.append(
                _("The harvest stopped after %(n)s pages (the limit); the next harvest goes on from there.")
                % {"n": settings.INTEROP_HARVEST_MAX_PAGES}
            )
            next_from = ""  # keep the old starting point: the rest was not read
        if day and next_from:
            next_from = next_from[:10]
        return next_from

    def page(self, root: etree._Element) -> None:
        records, deleted = [], []
        for element in root.iterfind("o:ListRecords/o:record", NS):
            header = element.find("o:header", NS)
            local_id = _local_id(header.findtext("o:identifier", default="", namespaces=NS))
            self.totals["records_seen"] += 1
            if header.get("status") == "deleted":
                deleted.append(local_id)
                continue
            marc = self.marc_of(element, local_id)
            if marc is not None:
                records.append(marc)
        with transaction.atomic():
            if records:
                buffer = [
                    b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">'
                ]
                for marc in records:
                    buffer.append(pymarc.record_to_xml(marc, namespace=False))
                buffer.append(b"</collection>")
                report = ingest_bridge.import_marcxml(
                    library=self.library, data=b"\n".join(buffer), filename="harvest.xml"
                )
                if report.rejected:
                    self.lines.append(report.rejected)
                for name in ("created", "joined", "updated", "unchanged", "holdings_added", "holdings_updated"):
                    self.totals[name] += getattr(report, name)
                self.skipped.extend(report.skipped)
            if deleted:
                removed, _unknown, kept = remove_library_records(self.library, deleted)
                self.totals["deleted"] += removed
                if kept:
                    self.lines.append(
                        _("Kept because a copy is on interlibrary loan: %(list)s.") % {"list": ", ".join(kept[:20])}
                    )
            drop_stand_ins(self.library.pk)
        HarvestRun.objects.filter(pk=self.run.pk).update(processed=self.totals["records_seen"])

    def marc_of(self, element: etree._Element, local_id: str) -> pymarc.Record | None:
        metadata = element.find("o:metadata", NS)
        if metadata is None or not len(metadata):
            self.skipped.append({"record": local_id, "local_id": local_id, "reason": _("no metadata")})
            return None
        payload = metadata[0]
        if payload.tag == f"{{{MARC_NS}}}record":
            records = pymarc.parse_xml_to_array(_as_file(etree.tostring(payload)), strict=False)
            if not records or records[0] is None:
                self.skipped.append({"record": local_id, "local_id": local_id, "reason": _("unreadable MARCXML")})
                return None
            marc = records[0]
            marc.remove_fields("001")
            marc.add_ordered_field(pymarc.Field(tag="001", data=local_id))
            if not any(marc.get_fields(tag) for tag in ("852", "949", "952")):
                self.totals["without_copies"] += 1
            return marc
        # oai_dc: SLiMS's detail page has what Dublin Core lacks (call number, classification, the copies).
        detail = _slims_detail(self.client, self.source, local_id) if self.source.kind == OpacKind.SLIMS else None
        if detail is not None:
            data, copies = detail
        else:
            data, copies = _from_dc(payload), []
        if not data.get("title"):
            self.skipped.append({"record": local_id, "local_id": local_id, "reason": _("no title")})
            return None
        if not copies:
            self.totals["without_copies"] += 1
        return _marc_from_columns(data, local_id, copies)


def _as_file(data: bytes):
    import io

    return io.BytesIO(data)


def harvest_run(run_id: int) -> HarvestRun:
    """Carry out a queued harvest; its report is kept on the run (the library page shows it)."""
    # Report lines are kept as text: in the consortium's language, whoever (or whatever) runs the harvest.
    with translation.override(settings.LANGUAGE_CODE):
        return _harvest_run(run_id)


def _harvest_run(run_id: int) -> HarvestRun:
    run = HarvestRun.objects.select_related("source__library").get(pk=run_id)
    HarvestRun.objects.filter(pk=run.pk).update(status=HarvestStatus.RUNNING, started_at=timezone.now())
    harvest = Harvest(run)
    status = HarvestStatus.DONE
    next_from = ""
    try:
        next_from = harvest.run_all()
    except HarvestFailed as exc:
        harvest.lines.append(str(exc))
        status = HarvestStatus.FAILED
    except Exception as exc:  # the library page must say what happened, whatever it was
        log.exception("harvest %s failed", run.pk)
        harvest.lines.append(_("The harvest stopped: %(error)s") % {"error": f"{exc.__class__.__name__}: {exc}"})
        status = HarvestStatus.FAILED
    report = {**harvest.totals, "lines": harvest.lines, "skipped": harvest.skipped[:500], "url": harvest.url}
    HarvestRun.objects.filter(pk=run.pk).update(
        status=status, report=report, finished_at=timezone.now(), processed=harvest.totals["records_seen"]
    )
    updates = {"last_harvest_at": timezone.now()}
    if status == HarvestStatus.DONE and next_from:
        updates["last_datestamp"] = next_from
    OpacSource.objects.filter(pk=run.source_id).update(**updates)
    run.refresh_from_db()
    return run


def harvests_due(now: dt.datetime | None = None) -> list[HarvestRun]:
    """Queue a harvest for every OPAC whose schedule says it is time (for cron or the job worker)."""
    now = now or timezone.now()
    periods = {HarvestSchedule.DAILY: dt.timedelta(days=1), HarvestSchedule.WEEKLY: dt.timedelta(days=7)}
    runs = []
    for source in OpacSource.objects.select_related("library").exclude(schedule=HarvestSchedule.MANUAL):
        if source.last_harvest_at is None or now - source.last_harvest_at >= periods[source.schedule] - dt.timedelta(
            minutes=5
        ):
            with transaction.atomic():
                OpacSource.objects.select_for_update().filter(pk=source.pk).first()  # beside harvest_queue
                if not source.runs.filter(status__in=[HarvestStatus.QUEUED, HarvestStatus.RUNNING]).exists():
                    runs.append(HarvestRun.objects.create(source=source))
    return runs
