"""Permanent links of records that left the catalog: a merged record's link leads to the record that absorbed it
(301), a withdrawn or deleted record's link answers 410 Gone. Read by the record page, its export and the API."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from .choices import TombstoneReason
from .models import Record, RecordTombstone


def former_record(pk: int) -> RecordTombstone | None:
    """The tombstone of a record id that is no longer in the catalog, or None (the id is live or never existed)."""
    if Record.objects.filter(pk=pk).exists():
        return None
    return RecordTombstone.objects.filter(record_id=pk).first()


def gone_message(tombstone: RecordTombstone) -> str:
    """What happened to the record, and when, for the 410 page and the API."""
    when = formats.date_format(tombstone.at, "DATE_FORMAT")
    if tombstone.reason == TombstoneReason.WITHDRAWN:
        return _("Record %(id)s was withdrawn from the union catalog on %(date)s.") % {
            "id": tombstone.record_id,
            "date": when,
        }
    return _("Record %(id)s was removed from the union catalog on %(date)s.") % {
        "id": tombstone.record_id,
        "date": when,
    }


def with_query(url: str, request) -> str:
    """The redirect keeps the query string (a `?lang=`, a campaign tag) of the old link."""
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url
