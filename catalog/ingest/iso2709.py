"""A lean reader of well-formed ISO 2709 records, for the importer's hot path.

pymarc makes a Field object for every field of a record, a Subfield tuple for every subfield, decodes each
subfield on its own and finds a tag by scanning all fields. An import reads about thirty tags
(`bibdata.TAGS_READ`) of records that are nearly always well-formed UTF-8 or plain ASCII: this reader
decodes only those fields, once each, and indexes them by tag — under half of pymarc's time (bench/README.md).

It only reads what it is sure to read exactly as pymarc does. MARC-8 text, escape sequences or control
characters (which pymarc's MARC-8 conversion drops), invalid UTF-8 anywhere in the record, a directory whose
fields are not contiguous and in order, odd indicators or subfield codes: each raises `NotLean`, and the
caller reads that record with pymarc (readers.marc21_entry). Tests compare both readers, record by record,
on every sample file.
"""

from __future__ import annotations

import re

LEADER_LENGTH = 24
ENTRY_LENGTH = 12
FIELD_TERMINATOR = 0x1E
# Bytes that pymarc's MARC-8 conversion drops or changes (ESC starts a character-set switch).
MARC8_SPECIAL = re.compile(rb"[\x00-\x1c\x7f]")
DIRECTORY_ENTRY = re.compile(r"(...)(\d{4})(\d{5})", re.DOTALL)


class NotLean(Exception):
    """This record needs pymarc."""


class ControlField:
    __slots__ = ("tag", "data")

    def __init__(self, tag: str, data: str):
        self.tag = tag
        self.data = data


class DataField:
    """Subfields as (code, value) pairs in field order; `get` and `get_subfields` behave as pymarc's."""

    __slots__ = ("tag", "subfields")

    def __init__(self, tag: str, subfields: list[tuple[str, str]]):
        self.tag = tag
        self.subfields = subfields

    def get(self, code: str, default=None):
        for sub_code, value in self.subfields:
            if sub_code == code:
                return value
        return default

    def get_subfields(self, *codes: str) -> list[str]:
        return [value for sub_code, value in self.subfields if sub_code in codes]


class LeanRecord:
    __slots__ = ("leader", "fields")

    def __init__(self, leader: str, fields: dict[str, list]):
        self.leader = leader
        self.fields = fields

    def get_fields(self, tag: str) -> list | tuple:
        return self.fields.get(tag, ())

    def get(self, tag: str):
        found = self.fields.get(tag)
        return found[0] if found else None


def read(chunk: bytes, tags: frozenset[str]) -> LeanRecord:
    """The fields with `tags` of one record (`chunk` ends with the record terminator); raises NotLean."""
    if len(chunk) <= LEADER_LENGTH or not chunk[:LEADER_LENGTH].isascii():
        raise NotLean
    if chunk.isascii():
        # ASCII text reads the same in UTF-8 and MARC-8, except for the bytes MARC-8 gives a meaning of its own.
        if chunk[9] != 0x61 and MARC8_SPECIAL.search(chunk):
            raise NotLean
        encoding = "ascii"
    else:
        # UTF-8 when declared (leader/09 "a") or when the bytes are valid UTF-8 (readers._decode_marc does the
        # same); the whole record must decode, as pymarc decodes every field.
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError:
            raise NotLean from None
        encoding = "utf-8"
    try:
        base = int(chunk[12:17])
    except ValueError:
        raise NotLean from None
    if not LEADER_LENGTH < base < len(chunk) or chunk[base - 1] != FIELD_TERMINATOR:
        raise NotLean
    directory = chunk[LEADER_LENGTH : base - 1].decode("ascii")
    entries = DIRECTORY_ENTRY.findall(directory)
    if not entries or len(entries) * ENTRY_LENGTH != len(directory):
        raise NotLean
    # The fields, cut at their terminators, must be exactly where the directory says: back to back, in
    # directory order, each as long as its entry. Then every field starts and ends next to an ASCII
    # terminator and decodes as the whole record did.
    data = chunk[base:-1].split(b"\x1e")
    if data.pop() != b"" or len(data) != len(entries):
        raise NotLean
    ascii_record = encoding == "ascii"
    fields: dict[str, list] = {}
    offset = 0
    for (tag, length, start), field in zip(entries, data, strict=True):
        if int(start) != offset or int(length) != len(field) + 1:
            raise NotLean
        offset += len(field) + 1
        if tag not in tags:
            if not ascii_record and not (tag < "010" and tag.isdigit()) and not field.split(b"\x1f", 1)[0].isascii():
                raise NotLean  # pymarc fails on non-ASCII indicators
            continue
        if tag < "010" and tag.isdigit():
            value = ControlField(tag, field.decode(encoding))
        else:
            parts = field.decode(encoding).split("\x1f")
            if not ascii_record and not (parts[0].isascii() and all(part[:1].isascii() for part in parts)):
                raise NotLean  # non-ASCII indicators (pymarc fails) or subfield codes (pymarc repairs them)
            value = DataField(tag, [(part[0], part[1:]) for part in parts[1:] if part])
        found = fields.get(tag)
        if found is None:
            fields[tag] = [value]
        else:
            found.append(value)
    return LeanRecord(chunk[:LEADER_LENGTH].decode("ascii"), fields)


# --- the careful reader of last resort -----------------------------------------------------------

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class Unreadable(Exception):
    """The record cannot be read at all; the message says why."""


def read_tolerant(chunk: bytes) -> tuple[LeanRecord, list[str]]:
    """Read a record pymarc refuses: what is intact between the terminators is kept, and what had to be repaired
    is said in the returned warnings (in English; the caller translates the kinds it knows).

    - the directory gives the tags; the fields are cut at field terminators when the offsets do not fit (a leader
      and directory that count characters instead of bytes, as Internet Archive's files do);
    - text is UTF-8 when declared or when it decodes, else MARC-8; a byte that is neither becomes U+FFFD;
    - MARC-8 declared UTF-8 is read as MARC-8; control characters (a MARC-8 escape cut short) are removed.
    Raises Unreadable when there is no leader, no directory, or the fields do not match the directory."""
    from pymarc.marc8 import MARC8ToUnicode

    notes: list[str] = []
    if len(chunk) < LEADER_LENGTH + 2:
        raise Unreadable("truncated")
    leader_bytes = chunk[:LEADER_LENGTH]
    leader = leader_bytes.decode("ascii", "replace").replace("\ufffd", " ")
    leader = CONTROL_CHARACTERS.sub(" ", leader)
    if not leader_bytes.isascii() or CONTROL_CHARACTERS.search(leader_bytes.decode("latin-1")):
        notes.append("leader")
    directory_end = chunk.find(b"\x1e", LEADER_LENGTH)
    if directory_end < 0:
        raise Unreadable("no directory")
    directory = chunk[LEADER_LENGTH:directory_end]
    if len(directory) % ENTRY_LENGTH or not directory:
        raise Unreadable("directory")
    entries = [directory[i : i + ENTRY_LENGTH] for i in range(0, len(directory), ENTRY_LENGTH)]
    body = chunk[directory_end + 1 :].removesuffix(b"\x1d")
    pieces = body.split(b"\x1e")
    if pieces and pieces[-1] == b"":
        pieces.pop()
    if len(pieces) != len(entries):
        raise Unreadable("directory")
    tags = []
    for entry in entries:
        tag = entry[:3].decode("ascii", "replace")
        if not tag.isalnum():
            raise Unreadable("directory")
        tags.append(tag)
    declared_utf8 = leader[9:10] == "a"
    try:
        body.decode("utf-8")
        valid_utf8 = True
    except UnicodeDecodeError:
        valid_utf8 = False
    if declared_utf8 and not valid_utf8 and _looks_marc8(body):
        notes.append("marc8-under-utf8")
        encoding = "marc-8"
    elif declared_utf8 or (valid_utf8 and not body.isascii()):
        encoding = "utf-8"
    else:
        encoding = "marc-8"
    replaced = 0
    controls = 0

    def text(raw: bytes) -> str:
        nonlocal replaced, controls
        if encoding == "utf-8":
            value = raw.decode("utf-8", "replace")
            replaced += value.count("\ufffd")
        else:
            try:
                value = MARC8ToUnicode(quiet=True).translate(raw)
            except Exception:  # noqa: BLE001 - a broken escape; the bytes are read as Latin-1 instead
                value = raw.decode("latin-1")
                replaced += 1
        cleaned = CONTROL_CHARACTERS.sub("", value)
        controls += len(value) - len(cleaned)
        return cleaned

    fields: dict[str, list] = {}
    for tag, raw in zip(tags, pieces, strict=True):
        if tag < "010" and tag.isdigit():
            value = ControlField(tag, text(raw))
        else:
            parts = raw.split(b"\x1f")
            subfields = []
            for part in parts[1:]:
                if not part:
                    continue
                code = chr(part[0]) if part[0] < 0x80 and chr(part[0]).isalnum() else "?"
                subfields.append((code, text(part[1:])))
            value = DataField(tag, subfields)
        fields.setdefault(tag, []).append(value)
    if replaced:
        notes.append(f"replaced:{replaced}")
    if controls:
        notes.append(f"controls:{controls}")
    return LeanRecord(leader, fields), notes


def _looks_marc8(data: bytes) -> bool:
    """MARC-8 text: escape sequences, or ANSEL combining marks (0xE0-0xFE) before a letter."""
    return b"\x1b" in data or re.search(rb"[\xe0-\xfe][A-Za-z]", data) is not None
