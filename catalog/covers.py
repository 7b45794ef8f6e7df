"""A record's cover: an image its source records point to (MARC 856, a SLiMS image), else a placeholder.

The placeholder is drawn by the page itself (title on a colour of the record's DDC class): no external service.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

from .models import Record

IMAGE_URL = re.compile(r"^https?://\S+\.(?:jpe?g|png|gif|webp)(?:\?\S*)?$", re.IGNORECASE)
COVER_WORDS = re.compile(r"cover|sampul|thumbnail|image", re.IGNORECASE)
# One colour per DDC class (0-9) and one for records without a class; dark enough for white text (WCAG AA).
CLASS_COLOURS = {
    "0": "#37474f",
    "1": "#6a1b9a",
    "2": "#8d4a00",
    "3": "#1565c0",
    "4": "#ad1457",
    "5": "#2e7d32",
    "6": "#00695c",
    "7": "#c62828",
    "8": "#4527a0",
    "9": "#5d4037",
    "": "#455a64",
}
MAX_SOURCES = 5


@dataclass(frozen=True)
class Cover:
    url: str  # "" for the placeholder
    colour: str
    initials: str
    ddc_class: str = "x"  # the placeholder's colour as a CSS class (cover-ddc-<class>): no inline style (CSP)


def _marc_cover(fields) -> str:
    for field in fields:
        urls = field.get_subfields("u")
        notes = " ".join(field.get_subfields("3", "y", "z"))
        for url in urls:
            if IMAGE_URL.match(url) or (url.startswith(("http://", "https://")) and COVER_WORDS.search(notes)):
                return url
    return ""


def _source_cover(source) -> str:
    data = bytes(source.data or b"")
    try:
        if source.format == "marc21":
            from pymarc import MARCReader

            for marc in MARCReader(io.BytesIO(data), to_unicode=True, force_utf8=True):
                return _marc_cover(marc.get_fields("856")) if marc else ""
        elif source.format == "marcxml":
            from pymarc import parse_xml_to_array

            for marc in parse_xml_to_array(io.BytesIO(data)):
                return _marc_cover(marc.get_fields("856"))
        elif source.format == "csv":
            row = json.loads(data.decode("utf-8"))
            image = str(row.get("image") or "").strip() if isinstance(row, dict) else ""
            if IMAGE_URL.match(image):
                return image
            website = (source.library.website or "").rstrip("/")
            if image and website and re.fullmatch(r"[\w.\- ]+\.(?:jpe?g|png|gif|webp)", image, re.IGNORECASE):
                return f"{website}/images/docs/{image}"  # where SLiMS keeps its cover images
    except Exception:  # noqa: BLE001 (a damaged source record only means no cover)
        return ""
    return ""


def record_cover(record: Record) -> Cover:
    """The first cover image of the record's source records, or the placeholder's colour and letters."""
    url = ""
    for source in record.sources.select_related("library").order_by("id")[:MAX_SOURCES]:
        url = _source_cover(source)
        if url:
            break
    words = [w for w in re.findall(r"\w+", record.title or "") if w]
    return Cover(
        url=url,
        colour=CLASS_COLOURS.get((record.ddc or "")[:1] if (record.ddc or "")[:1].isdigit() else "", "#455a64"),
        initials="".join(w[0] for w in words[:2]).upper(),
        ddc_class=(record.ddc or "")[:1] if (record.ddc or "")[:1].isdigit() else "x",
    )
