import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NPSN_RE = re.compile(r"^\d{8}$")
NISN_RE = re.compile(r"^\d{10}$")


def validate_npsn(value: str) -> None:
    """NPSN: the 8-digit national school number issued by Kemendikbud."""
    if not NPSN_RE.match(value or ""):
        raise ValidationError(_("NPSN must be exactly 8 digits."), code="npsn_format")
    if value == "00000000":
        raise ValidationError(_("00000000 is not a valid NPSN."), code="npsn_zero")


def validate_nisn(value: str) -> None:
    """NISN: the 10-digit national student number."""
    if not NISN_RE.match(value or ""):
        raise ValidationError(_("NISN must be exactly 10 digits."), code="nisn_format")
