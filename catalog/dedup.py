"""Deduplication of the whole catalog, again: after the rules in catalog.matching change, or to catch up on
records that came in before them. A dry run reports what it would merge and queue; a real run does it through
the same services a coordinator uses (every merge audited and reversible with record_split).

A plain service (`dedup_catalog`) behind a management command (`manage.py dedup_catalog`), so the job worker can
run it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from consortium import policy

from . import matching
from .choices import ReviewStatus
from .models import DistinctPair, MatchReview, Record, SourceRecord
from .selectors import computed_features, kept_features
from .services import record_merge

CHUNK = 5000


@dataclass
class DedupReport:
    records: int = 0
    rekeyed: int = 0
    features_kept: int = 0  # records whose features were computed and kept (none, or of another version)
    compared: int = 0
    # (kept record, merged record, score, reasons) and (record, candidate, score, reasons, differing features)
    merges: list[tuple[int, int, float, str]] = field(default_factory=list)
    reviews: list[tuple[int, int, float, str, list[str]]] = field(default_factory=list)
    dry_run: bool = True

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def dedup_catalog(*, by=None, dry_run: bool = True, progress: Callable[[str, int], None] | None = None) -> DedupReport:
    """Compare every record with the older records of its blocking key and of its ISBNs; merge the pairs above
    the merge threshold into the older record, queue those between the thresholds for review.

    Pairs a coordinator kept apart (DistinctPair) and pairs already in the queue are left alone. `by`: the
    coordinator in whose name merges are made (required unless `dry_run`). Every record's features are brought up
    to date first, a dry run too (they are what imports read, not part of the catalog's data)."""
    if not dry_run:
        policy.ensure(policy.can_curate_catalog(by), _("Only a coordinator may merge records."))
    report = DedupReport(dry_run=dry_run)
    report.features_kept = keep_missing_features()
    keys = _rekey(report, dry_run=dry_run)
    groups: list[list[int]] = []
    by_key: dict[str, list[int]] = {}
    for record_id, key in keys:
        if key:
            by_key.setdefault(key, []).append(record_id)
    groups += [ids[: matching.BLOCK_LIMIT] for ids in by_key.values() if len(ids) > 1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(id ORDER BY id) FROM catalog_record, unnest(isbns) AS isbn GROUP BY isbn"
            " HAVING count(*) > 1"
        )
        groups += [ids[: matching.BLOCK_LIMIT] for (ids,) in cursor.fetchall()]
    del by_key, keys
    # Each record against the older records of its groups.
    earlier: dict[int, set[int]] = {}
    for ids in groups:
        ordered = sorted(set(ids))
        for index, record_id in enumerate(ordered[1:], start=1):
            earlier.setdefault(record_id, set()).update(ordered[:index])
    wanted = set(earlier) | {other for others in earlier.values() for other in others}
    found = _features(wanted)
    kept_apart = _pairs(DistinctPair.objects.filter(low_id__in=wanted).values_list("low_id", "high_id"))
    queued = _pairs(
        MatchReview.objects.filter(status=ReviewStatus.OPEN, record_id__in=wanted).values_list(
            "record_id", "candidate_id"
        )
    )
    survivor: dict[int, int] = {}  # merged record -> the record it went into

    def final(record_id: int) -> int:
        while record_id in survivor:
            record_id = survivor[record_id]
        return record_id

    for done, record_id in enumerate(sorted(earlier), start=1):
        if progress and done % 1000 == 0:
            progress("compare", done)
        candidates = [
            (other, found[other])
            for other in sorted(earlier[record_id])
            if other in found and (min(other, record_id), max(other, record_id)) not in kept_apart
        ]
        report.compared += len(candidates)
        best, verdict = matching.best_match(found[record_id], candidates)
        if verdict is None or best is None:
            continue
        keep = final(best)
        if keep == record_id:
            continue
        pair = (min(keep, record_id), max(keep, record_id))
        if verdict.decision == matching.MERGE:
            survivor[record_id] = keep
            report.merges.append((keep, record_id, verdict.score, matching.explain(verdict)))
        elif pair not in queued:
            queued.add(pair)
            report.reviews.append((record_id, keep, verdict.score, matching.explain(verdict), verdict.differing))
    if not dry_run:
        _apply(report, by=by)
    return report


def _apply(report: DedupReport, *, by) -> None:
    """Merges through record_merge (audited, reversible), each in its own transaction; then the review entries."""
    for keep_id, merge_id, _score, _reasons in report.merges:
        with transaction.atomic():
            keep = Record.objects.filter(pk=keep_id).first()
            merge = Record.objects.filter(pk=merge_id).first()
            if keep is None or merge is None:
                continue  # changed since the comparison
            record_merge(keep=keep, merge=merge, by=by)
    sources = dict(
        SourceRecord.objects.filter(record_id__in=[record for record, *_rest in report.reviews])
        .values("record_id")
        .annotate(first=Min("id"))
        .values_list("record_id", "first")
    )
    rows = []
    for record_id, candidate_id, score, reasons, differing in report.reviews:
        if record_id not in sources:
            continue  # a record typed in by hand, with no school's source to attach the entry to
        rows.append(
            MatchReview(
                source_id=sources[record_id],
                record_id=record_id,
                candidate_id=candidate_id,
                score=score,
                reason=reasons,
                differing=differing,
            )
        )
    # A record of a review may have been merged away by this run meanwhile.
    ids = {row.record_id for row in rows} | {row.candidate_id for row in rows}
    existing = set(Record.objects.filter(pk__in=ids).values_list("pk", flat=True))
    MatchReview.objects.bulk_create([row for row in rows if row.record_id in existing and row.candidate_id in existing])


def _rekey(report: DedupReport, *, dry_run: bool) -> list[tuple[int, str]]:
    """Every record's blocking key as catalog.matching computes it now, written where it changed (not in a dry
    run). The (id, key) pairs, in id order."""
    keys: list[tuple[int, str]] = []
    last = 0
    while True:
        rows = list(
            Record.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "title", "subtitle", "match_key")[:CHUNK]
        )
        if not rows:
            return keys
        last = rows[-1][0]
        changed = []
        for pk, title, subtitle, stored in rows:
            key = matching.block_key(title, subtitle)
            keys.append((pk, key))
            if key != stored:
                changed.append((pk, key))
        report.records += len(rows)
        report.rekeyed += len(changed)
        if changed and not dry_run:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE catalog_record r SET match_key = k.key FROM unnest(%s::bigint[], %s::text[]) AS k(id, key)"
                    " WHERE r.id = k.id",
                    [[pk for pk, _key in changed], [key for _pk, key in changed]],
                )


def _features(ids: set[int]) -> dict[int, matching.Features]:
    found = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        kept, missing = kept_features(ordered[start : start + CHUNK])
        found.update(kept)
        found.update(computed_features(missing) if missing else {})  # changed since keep_missing_features
    return found


def keep_missing_features() -> int:
    """Compute and keep the features of every record without them (new since the last run, changed since, or kept
    by another version of catalog.matching.features): how many. Run daily by the worker and by every re-run; until
    then imports compute what they need."""
    count, last = 0, 0
    while ids := list(Record.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
        last = ids[-1]
        _kept, missing = kept_features(ids)
        if not missing:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            # Locked before their columns are read, so that an edit cannot slip in between and leave features of
            # the old text kept. Records an import or an edit holds right now are skipped (kept on the next run):
            # the task never waits for, nor deadlocks with, the work people are doing.
            cursor.execute("SELECT id FROM catalog_record WHERE id = ANY(%s) FOR NO KEY UPDATE SKIP LOCKED", [missing])
            locked = [record_id for (record_id,) in cursor.fetchall()]
            if locked:
                keep_features(computed_features(locked))
        count += len(locked)
    return count


def keep_features(computed: dict[int, matching.Features]) -> None:
    """Store computed features with their records (Record.match_features)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_record AS r SET match_features = k.packed"
            " FROM unnest(%s::bigint[], %s::bytea[]) AS k(id, packed) WHERE r.id = k.id",
            [list(computed), [matching.pack(found) for found in computed.values()]],
        )


def _pairs(rows) -> set[tuple[int, int]]:
    return {(min(a, b), max(a, b)) for a, b in rows}
