"""Reads of the catalog that other apps share."""

from __future__ import annotations

import json

from django.db import connection
from django.db.models import Q

from . import matching
from .models import Record
from .normalize import isbn13


def same_edition(
    *, title: str, author: str = "", isbn: str = "", publisher: str = "", year: int | None = None, limit: int = 5
) -> list[Record]:
    """The catalog's records that deduplication would merge with a title described by hand (a purchase proposal,
    a pledge, a donated book), best first: the records sharing its ISBN or its blocking key, decided by
    catalog.matching as an import would decide."""
    isbn = (isbn13(isbn) or "") if isbn else ""
    wanted = matching.features(
        title=title,
        authors=[{"name": author}] if author else [],
        publisher=publisher,
        year=year,
        isbns=[isbn] if isbn else [],
    )
    key = matching.block_key_of(wanted.full_title)
    found = Q(match_key=key) if key else Q(pk__in=[])
    if isbn:
        found |= Q(isbns__contains=[isbn])
    scored = []
    for record in Record.objects.filter(found).order_by("pk")[: matching.BLOCK_LIMIT]:
        verdict = matching.compare(wanted, matching.features_of(record))
        if verdict.decision == matching.MERGE:
            scored.append((verdict.score, record))
    scored.sort(key=lambda pair: (-pair[0], pair[1].pk))
    return [record for _score, record in scored[:limit]]


def kept_features(ids: list[int]) -> tuple[dict[int, matching.Features], list[int]]:
    """The deduplication features kept with these records (Record.match_features), and the ids of the records
    without: not kept yet (catalog.tasks.keep_match_features), changed since, or kept by another version."""
    found, missing = {}, []
    unpack = matching.unpack
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, match_features FROM catalog_record WHERE id = ANY(%s)", [ids])
        for record_id, kept in cursor.fetchall():
            features = unpack(kept)
            if features is None:
                missing.append(record_id)
            else:
                found[record_id] = features
    return found, missing


def computed_features(ids: list[int]) -> dict[int, matching.Features]:
    """The deduplication features of these records, computed from their columns."""
    names = matching.FEATURE_INPUTS
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(names)} FROM catalog_record WHERE id = ANY(%s)", [ids])
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        columns = dict(zip(names, row[1:], strict=True))
        if isinstance(columns["authors"], str):  # jsonb comes as text through Django's connection
            columns["authors"] = json.loads(columns["authors"])
        found[row[0]] = matching.features(**columns)
    return found
