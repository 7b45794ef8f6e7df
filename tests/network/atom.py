"""A checker of the Atom Syndication Format's rules (RFC 4287, section 4) that a feed must follow; no network."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _one(element, name: str, where: str, problems: list[str]):
    found = element.findall(ATOM + name)
    if len(found) != 1:
        problems.append(f"{where} must have exactly one atom:{name} (has {len(found)})")
        return None
    return found[0]


def _iri(value: str | None) -> bool:
    return bool(value) and bool(urlsplit(value).scheme)


def _date(element, where: str, problems: list[str]) -> None:
    if element is not None and not RFC3339.match((element.text or "").strip()):
        problems.append(f"{where}: {element.text!r} is not an RFC 3339 date-time")


def _people(element, where: str, problems: list[str]) -> None:
    for person in element.findall(ATOM + "author") + element.findall(ATOM + "contributor"):
        if len(person.findall(ATOM + "name")) != 1:
            problems.append(f"{where}: a person construct needs exactly one atom:name")


def _links(element, where: str, problems: list[str]) -> None:
    seen = set()
    for link in element.findall(ATOM + "link"):
        if not link.get("href"):
            problems.append(f"{where}: atom:link without href")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in seen:
                problems.append(f"{where}: two alternate links with the same type and hreflang")
            seen.add(key)


def atom_problems(data: bytes) -> list[str]:
    """Every RFC 4287 rule the document breaks (empty: a valid Atom feed)."""
    problems: list[str] = []
    try:
        feed = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    if feed.tag != ATOM + "feed":
        return [f"root element is {feed.tag}, not atom:feed"]
    feed_id = _one(feed, "id", "feed", problems)
    if feed_id is not None and not _iri(feed_id.text):
        problems.append("feed atom:id is not an absolute IRI")
    _one(feed, "title", "feed", problems)
    _date(_one(feed, "updated", "feed", problems), "feed updated", problems)
    _people(feed, "feed", problems)
    _links(feed, "feed", problems)
    feed_has_author = bool(feed.findall(ATOM + "author"))
    ids = set()
    for number, entry in enumerate(feed.findall(ATOM + "entry"), start=1):
        where = f"entry {number}"
        entry_id = _one(entry, "id", where, problems)
        if entry_id is not None:
            if not _iri(entry_id.text):
                problems.append(f"{where}: atom:id is not an absolute IRI")
            if entry_id.text in ids:
                problems.append(f"{where}: atom:id repeats another entry's")
            ids.add(entry_id.text)
        _one(entry, "title", where, problems)
        _date(_one(entry, "updated", where, problems), f"{where} updated", problems)
        for published in entry.findall(ATOM + "published"):
            _date(published, f"{where} published", problems)
        _people(entry, where, problems)
        _links(entry, where, problems)
        if not feed_has_author and not entry.findall(ATOM + "author"):
            problems.append(f"{where}: no atom:author and the feed has none")
        has_alternate = any(link.get("rel", "alternate") == "alternate" for link in entry.findall(ATOM + "link"))
        if not entry.findall(ATOM + "content") and not has_alternate:
            problems.append(f"{where}: needs atom:content or an alternate link")
        if len(entry.findall(ATOM + "summary")) > 1:
            problems.append(f"{where}: more than one atom:summary")
    return problems
