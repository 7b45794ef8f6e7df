"""Permanent links of records that left the catalog: a merged record's link leads to the record that absorbed it
(301), a withdrawn or deleted record's link answers 410 Gone. Read by the record page, its export and the API."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from .choices import TombstoneReason
from .models import RecordTombstone


def former_record(pk: int) -> RecordTombstone | None:
    """The tombstone of a record id that is no longer in the catalog, or None (never a catalog record). A live id has
    none: a split that brings a record back under its id deletes its tombstone."""
    return RecordTombstone.objects.filter(record_id=pk).first()


def gone_message(tombstone: RecordTombstone) -> str:
    """What happened to the record, and when, for the 410 page and the API."""
    if tombstone.reason == TombstoneReason.WITHDRAWN:
        message = _("Record %(id)s was withdrawn from the union catalog on %(date)s.")
    else:
        message = _("Record %(id)s was removed from the union catalog on %(date)s.")
    return message % {"id": tombstone.record_id, "date": formats.date_format(tombstone.at, "DATE_FORMAT")}


def with_query(url: str, request) -> str:
    """The redirect keeps the query string (a `?lang=`, a campaign tag) of the old link."""
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url
