"""SLiMS union-catalog push (UCS): SLiMS 9 POSTs a school's records as raw JSON to <server>/ucs.php
(/ucpoll.php before server version 3) and deletes to the same address (/uc-ops.php before 3).

Body: {"node_info": {"id", "password", ...the school's UCS settings}, "node_data": {"<biblio_id>": {biblio columns,
"authors": [...], "subjects": [...]}}} with at most 50 records, or node_data {"operation": "delete", "biblio": "1,2"}.
The node (interop.SlimsNode) is the holding library; each record is keyed by (library, biblio_id) through the import
pipeline's (library, local id), so a re-push updates and a delete removes that school's holding only. SLiMS sends no
copies: each title gives the school one stand-in holding "held, copies unknown" (Holding.copies_unknown), dropped
once an import or an OPAC harvest brings the real copies (drop_stand_ins).

SLiMS shows the reply's `message` to the librarian: JSON {"status", "message"} in Indonesian, always with HTTP 200
(SLiMS reads the body of the answer whatever it is). A refused push writes nothing."""

from __future__ import annotations

import csv
import hmac
import io
import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.db.models import ProtectedError
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from catalog.choices import TombstoneReason
from catalog.models import Holding, Record, SourceRecord
from catalog.services import tombstone_write
from consortium.choices import MembershipStatus

from . import ingest_bridge
from .models import SlimsNode, Tombstone

log = logging.getLogger(__name__)

MAX_RECORDS = 50
MAX_BODY_BYTES = 2 * 1024 * 1024  # 50 records of SLiMS columns are a few tens of kB
MAX_FIELD_CHARS = 4000
MAX_TITLE_CHARS = 2000
STAND_IN_PREFIX = "ucs:"
# biblio columns SLiMS sends (ucs_upload.php) -> the import pipeline's SLiMS CSV columns (catalog.ingest.readers).
COLUMNS = [
    "biblio_id",
    "title",
    "gmd_name",
    "edition",
    "isbn_issn",
    "publisher_name",
    "publish_year",
    "collation",
    "series_title",
    "call_number",
    "language_name",
    "language_id",
    "place_name",
    "classification",
    "notes",
    "authors",
    "topics",
    "item_code",
]


class Refused(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _reply(status: str, message: str, **extra) -> JsonResponse:
    return JsonResponse({"status": status, "message": message, **extra}, json_dumps_params={"ensure_ascii": False})


def stand_in_barcode(biblio_id: str) -> str:
    return f"{STAND_IN_PREFIX}{biblio_id}"[:64]


# --- checks ---------------------------------------------------------------------------------------------


def _authenticate(node_info) -> SlimsNode:
    if not isinstance(node_info, dict):
        raise Refused("INVALID_REQUEST", _("The push has no node_info: check the UCS settings in SLiMS."))
    node_id = node_info.get("id")
    password = node_info.get("password")
    if not isinstance(node_id, str) or not node_id.strip() or not isinstance(password, str):
        raise Refused("AUTH_ERROR", _("The node ID or password is empty: fill them in SLiMS's UCS settings."))
    node = SlimsNode.objects.select_related("library").filter(node_id=node_id.strip()).first()
    if node is None:
        raise Refused(
            "AUTH_ERROR",
            _("Node %(id)s is not registered in Silang. Create a SLiMS node on your library's page.")
            % {"id": node_id.strip()[:40]},
        )
    if not node.is_active:
        raise Refused(
            "AUTH_ERROR",
            _("Node %(id)s has been revoked. Create a new one on your library's page.") % {"id": node.node_id},
        )
    if not hmac.compare_digest(node.password_hash, SlimsNode.hash(password)):
        raise Refused("AUTH_ERROR", _("Wrong password for node %(id)s.") % {"id": node.node_id})
    if node.library.status != MembershipStatus.ACTIVE:
        raise Refused(
            "LIBRARY_INACTIVE",
            _("%(library)s is not an active member (%(status)s): the union catalog does not take its records now.")
            % {"library": node.library.name, "status": node.library.get_status_display()},
        )
    return node


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError
    return value.replace("\x00", "").strip()


def _names(entries, biblio_id: str) -> str:
    if entries in (None, ""):
        return ""
    if not isinstance(entries, list):
        raise Refused("INVALID_DATA", _("Record %(id)s: authors and subjects must be lists.") % {"id": biblio_id})
    names = []
    for entry in entries[:100]:
        name = entry.get("name") if isinstance(entry, dict) else entry
        try:
            name = _text(name)
        except ValueError:
            raise Refused(
                "INVALID_DATA", _("Record %(id)s: an author or subject is not text.") % {"id": biblio_id}
            ) from None
        if len(name) > 255:
            raise Refused("INVALID_DATA", _("Record %(id)s: an author or subject is too long.") % {"id": biblio_id})
        name = name.replace("<", "").replace(">", "")
        if name:
            names.append(f"<{name}>")
    return "".join(names)


def _rows(node_data: dict) -> list[dict]:
    """The push's records as SLiMS CSV rows; raises Refused for anything that cannot be taken as a whole."""
    rows = []
    for key, data in node_data.items():
        biblio_id = str(key).strip()[:90]
        if not isinstance(data, dict):
            raise Refused("INVALID_DATA", _("Record %(id)s is not a SLiMS biblio record.") % {"id": biblio_id[:40]})
        declared = data.get("biblio_id")
        if declared not in (None, "") and str(declared).strip() != biblio_id:
            raise Refused(
                "INVALID_DATA",
                _("Record %(id)s carries another biblio_id (%(other)s).")
                % {"id": biblio_id, "other": str(declared)[:40]},
            )
        if not biblio_id:
            raise Refused("INVALID_DATA", _("A record has no biblio_id."))
        row = {"biblio_id": biblio_id}
        for column in COLUMNS[1:15]:
            try:
                value = _text(data.get(column))
            except ValueError:
                raise Refused(
                    "INVALID_DATA", _("Record %(id)s: %(field)s is not text.") % {"id": biblio_id, "field": column}
                ) from None
            limit = MAX_TITLE_CHARS if column == "title" else MAX_FIELD_CHARS
            if len(value) > limit:
                raise Refused(
                    "INVALID_DATA",
                    _("Record %(id)s: %(field)s is %(n)s characters long; the limit is %(limit)s.")
                    % {"id": biblio_id, "field": column, "n": len(value), "limit": limit},
                )
            row[column] = value
        row["authors"] = _names(data.get("authors"), biblio_id)
        row["topics"] = _names(data.get("subjects"), biblio_id)
        row["item_code"] = stand_in_barcode(biblio_id)
        rows.append(row)
    return rows


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


# --- writes ---------------------------------------------------------------------------------------------


def drop_stand_ins(library_id: int) -> int:
    """Stand-in holdings ("held, copies unknown") of records for which the library now has real copies."""
    stand_ins = Holding.objects.filter(library_id=library_id, copies_unknown=True)
    if not stand_ins.exists():
        return 0  # most schools have none: no look at their copies (0.4 s after a 100,000-record import)
    real = Holding.objects.filter(library_id=library_id, copies_unknown=False).values("record_id")
    deleted, _rows = stand_ins.filter(record_id__in=real).delete()
    return deleted


def remove_library_records(library, ids: list[str]) -> tuple[int, list[str], list[str]]:
    """Take the library's records with these local ids (SLiMS biblio_id) out of the union catalog: its source
    records and its copies of them; a record nobody else has leaves the catalog (and OAI-PMH answers it as
    deleted). Returns (removed, unknown ids, ids kept because a copy is on interlibrary loan)."""
    removed, unknown, kept = 0, [], []
    now = timezone.now()
    for biblio_id in ids:
        source = SourceRecord.objects.filter(library=library, local_id=biblio_id).select_for_update().first()
        if source is None:
            unknown.append(biblio_id)
            continue
        record_id = source.record_id
        holdings = Holding.objects.filter(library=library, record_id=record_id).filter(
            source=source
        ) | Holding.objects.filter(library=library, record_id=record_id, copies_unknown=True)
        try:
            with transaction.atomic():
                holdings.delete()
                source.delete()
        except ProtectedError:
            kept.append(biblio_id)  # a copy out on interlibrary loan: it stays until it is back
            continue
        removed += 1
        if (
            not Holding.objects.filter(record_id=record_id).exists()
            and not SourceRecord.objects.filter(record_id=record_id).exists()
        ):
            # Nobody has the record any more: it leaves the catalog, and OAI-PMH answers it as deleted from the
            # library's set too (the tombstone keeps the library, which the trigger alone would not see).
            Tombstone.objects.update_or_create(
                record_id=record_id, defaults={"library_ids": [library.pk], "deleted_at": now}
            )
            Record.objects.filter(pk=record_id).delete()
            # Its page and API link answer 410 Gone from now on, not a bare 404.
            tombstone_write(record_ids=[record_id], reason=TombstoneReason.WITHDRAWN)
        else:
            Record.objects.filter(pk=record_id).update(updated_at=now)
    return removed, unknown, kept


def _push(node: SlimsNode, node_data: dict) -> JsonResponse:
    if not node_data:
        raise Refused("NO_DATA", _("The push has no records."))
    if len(node_data) > MAX_RECORDS:
        raise Refused(
            "TOO_MANY_RECORDS",
            _("The push has %(n)s records; at most %(max)s are taken at once. Nothing was saved.")
            % {"n": len(node_data), "max": MAX_RECORDS},
        )
    rows = _rows(node_data)
    library = node.library
    report = ingest_bridge.import_csv(library=library, data=_csv(rows), filename="slims-ucs.csv")
    if report.rejected:
        raise Refused("INVALID_DATA", report.rejected)
    barcodes = [row["item_code"] for row in rows]
    Holding.objects.filter(library=library, barcode__in=barcodes, copies_unknown=False).update(
        copies_unknown=True, ill_allowed=False
    )
    drop_stand_ins(library.pk)
    added = report.created + report.joined
    skipped = [f"{s.get('local_id') or s['record']}: {s['reason']}" for s in report.skipped]
    message = _("%(library)s: %(added)s added, %(updated)s updated, %(unchanged)s unchanged, %(skipped)s skipped.") % {
        "library": library.name,
        "added": added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": len(skipped),
    }
    if skipped:
        message += " " + _("Skipped: %(list)s.") % {"list": "; ".join(skipped[:10])}
    return _reply(
        "SUCCESS" if not skipped else "PARTIAL",
        message,
        added=added,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=skipped,
    )


def _delete(node: SlimsNode, node_data: dict) -> JsonResponse:
    raw = node_data.get("biblio")
    if isinstance(raw, list):
        ids = [str(v).strip() for v in raw]
    elif isinstance(raw, (str, int)):
        ids = [part.strip() for part in str(raw).split(",")]
    else:
        raise Refused("INVALID_REQUEST", _('A delete needs the biblio ids, e.g. "biblio": "1,2".'))
    ids = [i[:90] for i in ids if i]
    if not ids:
        raise Refused("INVALID_REQUEST", _('A delete needs the biblio ids, e.g. "biblio": "1,2".'))
    if len(ids) > MAX_RECORDS:
        raise Refused(
            "TOO_MANY_RECORDS",
            _("The delete names %(n)s records; at most %(max)s are taken at once. Nothing was deleted.")
            % {"n": len(ids), "max": MAX_RECORDS},
        )
    library = node.library
    removed, unknown, kept = remove_library_records(library, ids)
    message = ngettext(
        "%(library)s: %(n)s record removed from the union catalog.",
        "%(library)s: %(n)s records removed from the union catalog.",
        removed,
    ) % {"library": library.name, "n": removed}
    if unknown:
        message += " " + _("Not in the union catalog: %(list)s.") % {"list": ", ".join(unknown[:20])}
    if kept:
        message += " " + _("Kept because a copy is on interlibrary loan: %(list)s.") % {"list": ", ".join(kept[:20])}
    return _reply("SUCCESS", message, removed=removed, unknown=unknown, kept=kept)


@csrf_exempt
def ucs(request):
    """/ucs.php, /ucpoll.php (pushes of servers below version 3) and /uc-ops.php (their deletes)."""
    with translation.override("id"):
        if request.method != "POST":
            return _reply("INVALID_REQUEST", _("Send the records with POST, as SLiMS does."))
        try:
            try:
                body = request.body
            except RequestDataTooBig:
                raise Refused(
                    "TOO_LARGE",
                    _("The push is larger than %(mb)s MB. Nothing was saved.") % {"mb": MAX_BODY_BYTES // 2**20},
                ) from None
            if len(body) > MAX_BODY_BYTES:
                raise Refused(
                    "TOO_LARGE",
                    _("The push is larger than %(mb)s MB. Nothing was saved.") % {"mb": MAX_BODY_BYTES // 2**20},
                )
            try:
                payload = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise Refused("INVALID_JSON", _("The push is not valid JSON. Nothing was saved.")) from None
            if not isinstance(payload, dict):
                raise Refused("INVALID_JSON", _("The push is not a JSON object. Nothing was saved."))
            node_data = payload.get("node_data")
            if not isinstance(node_data, dict):
                raise Refused("INVALID_REQUEST", _("The push has no node_data. Nothing was saved."))
            with transaction.atomic():
                # One push of a node at a time: a second one waits for the first to finish.
                node = _authenticate(payload.get("node_info"))
                node = SlimsNode.objects.select_for_update().select_related("library").get(pk=node.pk)
                if node_data.get("operation") == "delete":
                    response = _delete(node, node_data)
                else:
                    response = _push(node, node_data)
                SlimsNode.objects.filter(pk=node.pk).update(last_push_at=timezone.now())
                return response
        except Refused as exc:
            return _reply(exc.status, exc.message)
        except Exception:  # SLiMS must get an answer it can show, whatever went wrong here
            log.exception("SLiMS UCS push failed")
            return _reply(
                "SERVER_ERROR", _("The union catalog could not take the push now. Nothing was saved; try again later.")
            )
