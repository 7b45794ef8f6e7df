"""Filter fields shared by every filterset (pages and API alike)."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

# Real time zones lie within UTC-12 and UTC+14; Postgres refuses offsets beyond about 16 hours (a 500).
MAX_OFFSET = timedelta(hours=14)


class BoundedIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except OverflowError as exc:
            raise forms.ValidationError(_("Enter a valid date/time."), code="invalid") from exc
        offset = parsed.utcoffset() if parsed is not None else None
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise forms.ValidationError(_("Enter a valid date/time."), code="invalid")
        return parsed


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time with a real time-zone offset (else a 400 with a field message)."""

    field_class = BoundedIsoDateTimeField
