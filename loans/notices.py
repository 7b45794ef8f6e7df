"""Notices kept as data: the message's English text (its msgid) and its values, put into words when the notice
is read, in the reader's language and with dates written the way that language writes them. A notice written
while a librarian used English reads in Indonesian for a student whose page is in Indonesian."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext


def values(**found) -> dict:
    """A notice's values as JSON: dates and times kept as such (written out when read), the rest as text."""
    kept = {}
    for name, value in found.items():
        if isinstance(value, dt.datetime):
            kept[name] = {"datetime": value.isoformat()}
        elif isinstance(value, dt.date):
            kept[name] = {"date": value.isoformat()}
        else:
            kept[name] = "" if value is None else str(value)
    return kept


def render(template: str, params: dict) -> str:
    """The notice in the active language. A template the catalogue of translations does not know (a notice from
    an older version) still reads, in English."""
    written = {}
    for name, value in (params or {}).items():
        if isinstance(value, dict) and "date" in value:
            written[name] = date_format(dt.date.fromisoformat(value["date"]), "j F Y")
        elif isinstance(value, dict) and "datetime" in value:
            moment = timezone.localtime(dt.datetime.fromisoformat(value["datetime"]))
            written[name] = date_format(moment, "j F Y, H:i")
        else:
            written[name] = value
    try:
        return gettext(template) % written
    except (KeyError, ValueError, TypeError):  # a translation naming other values: the English text
        try:
            return template % written
        except (KeyError, ValueError, TypeError):
            return template
