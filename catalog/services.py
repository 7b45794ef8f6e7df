"""Writes on the union catalog that have rules: holdings, merges and splits, duplicate reviews."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consortium import policy
from consortium.models import Library

from .choices import HoldingStatus, ReviewStatus, TombstoneReason
from .ingest import read_source
from .ingest.bibdata import RECORD_COLUMNS
from .models import CatalogAudit, DistinctPair, Holding, MatchReview, Record, RecordTombstone, SourceRecord

STALE_VERSION = _("Someone else changed this copy since you opened it. Reload the page to see their change.")
HOLDING_FIELDS = (
    "barcode",
    "call_number",
    "shelf_location",
    "copy_number",
    "status",
    "ill_allowed",
    "acquisition",
    "date_added",
)
# What the audit keeps of a merged record: enough to bring it back when its sources cannot be read again.
SNAPSHOT_FIELDS = (*RECORD_COLUMNS, "match_key")


def _audit(action: str, *, by, record_ids: list[int], **details) -> None:
    CatalogAudit.objects.create(action=action, actor=policy.person(by), record_ids=record_ids, details=details)


@transaction.atomic
def holding_create(*, record: Record, library: Library, by, **fields) -> Holding:
    policy.ensure_can_write_for(by, library)
    holding = Holding(record=record, library=library, **fields)
    holding.full_clean()
    holding.save()
    return holding


@transaction.atomic
def holding_update(*, holding: Holding, by, version: int | None = None, **fields) -> Holding:
    """Change a copy; `version` is the one the editor saw, so two desks cannot overwrite each other."""
    policy.ensure_can_write_for(by, holding.library_id)
    current = Holding.objects.select_for_update().get(pk=holding.pk)
    if version is not None and version != current.version:
        raise ValidationError(STALE_VERSION, code="stale")
    if "status" in fields and fields["status"] != current.status:
        loan = loan_holding(current)
        if loan is not None:
            raise ValidationError(
                {
                    "status": _(
                        "Interlibrary loan request %(number)s holds this copy: its status follows that request "
                        "until the copy is back."
                    )
                    % {"number": loan.pk}
                },
                code="held_by_loan",
            )
    changed = False
    for name, value in fields.items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed = True
    if changed:
        current.version += 1
        current.full_clean()
        current.save()
    return current


def loan_holding(holding: Holding):
    """The interlibrary loan request that has this copy out or reserved (its status is the loan's), or None."""
    from loans.choices import HOLDS_COPY
    from loans.models import IllRequest

    return IllRequest.objects.filter(holding=holding, state__in=HOLDS_COPY).order_by("-pk").first()


@transaction.atomic
def holding_withdraw(*, holding: Holding, by, version: int | None = None) -> Holding:
    current = Holding.objects.select_for_update().get(pk=holding.pk)
    if current.status in (HoldingStatus.LENT_OUT, HoldingStatus.IN_TRANSIT, HoldingStatus.ON_LOAN):
        raise ValidationError(_("A copy that is out on loan or in transit cannot be withdrawn."))
    return holding_update(holding=current, by=by, version=version, status=HoldingStatus.WITHDRAWN)


@transaction.atomic
def record_merge(*, keep: Record, merge: Record, by) -> Record:
    """Fold `merge` into `keep`: holdings and source records move; undo with record_split."""
    policy.ensure(policy.can_curate_catalog(by), _("Only a coordinator may merge records."))
    if keep.pk == merge.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    keep, merge = (Record.objects.select_for_update().get(pk=pk) for pk in (keep.pk, merge.pk))
    if keep.material_type != merge.material_type:
        raise ValidationError(_("Records of different material types are different editions: they are not merged."))
    moved_sources = list(merge.sources.values_list("pk", flat=True))
    moved_holdings = list(merge.holdings.values_list("pk", flat=True))
    Holding.objects.filter(record=merge).update(record=keep, updated_at=timezone.now())
    SourceRecord.objects.filter(record=merge).update(record=keep)
    MatchReview.objects.filter(status=ReviewStatus.OPEN).filter(record=merge).update(
        status=ReviewStatus.MERGED, decided_by=policy.person(by), decided_at=timezone.now()
    )
    # Fields the kept record lacks are filled from the merged one, so nothing a school sent is lost; a split
    # reads each record's fields from its own sources again.
    for name in RECORD_COLUMNS:
        if name in ("isbns", "subjects"):
            setattr(keep, name, list(dict.fromkeys([*getattr(keep, name), *getattr(merge, name)])))
        elif not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
    keep.save()
    snapshot = {field: getattr(merge, field) for field in SNAPSHOT_FIELDS}
    merged_id = merge.pk  # delete() sets merge.pk to None
    # Links to records merged into the merged one before now lead to `keep` in one hop (re-pointed before the
    # delete, whose SET_NULL would otherwise turn them into 410s).
    RecordTombstone.objects.filter(merged_into_id=merged_id).update(merged_into=keep)
    merge.delete()
    tombstone_write(record_ids=[merged_id], reason=TombstoneReason.MERGED, merged_into=keep, by=by)
    _audit(
        "merge",
        by=by,
        record_ids=[keep.pk, merged_id],
        merged_id=merged_id,
        merged_record=snapshot,
        sources=moved_sources,
        holdings=moved_holdings,
    )
    return keep


@transaction.atomic
def record_split(*, record: Record, sources: list[SourceRecord], by) -> Record:
    """Take some schools' source records (and their copies) out of `record` into a record of their own.

    Both records are read again from the sources they keep, so the split undoes what a merge added to the kept
    record (another edition's publisher and ISBNs), and later imports join the right one."""
    policy.ensure(policy.can_curate_catalog(by), _("Only a coordinator may split records."))
    record = Record.objects.select_for_update().get(pk=record.pk)
    source_ids = [s.pk for s in sources]
    if not source_ids or any(s.record_id != record.pk for s in sources):
        raise ValidationError(_("Choose source records that belong to this record."))
    if len(source_ids) >= record.sources.count():
        raise ValidationError(_("At least one source record must stay with the original record."))
    # The last merge that moved these sources knows the merged record's id (and, for sources that cannot be read
    # again, what it looked like).
    snapshot = restored_id = None
    for entry in CatalogAudit.objects.filter(action="merge", record_ids__contains=[record.pk]):
        if set(source_ids) <= set(entry.details.get("sources", [])):
            snapshot = entry.details.get("merged_record")
            restored_id = entry.details.get("merged_id")
            break
    # The merged record comes back under its own id (its permanent link works again) while its tombstone still
    # points here; a second split of the same merge, or one of a merge audited without the id, gets a new id.
    tombstone = None
    if restored_id is not None:
        tombstone = (
            RecordTombstone.objects.select_for_update()
            .filter(record_id=restored_id, merged_into=record)
            .exclude(record_id__in=Record.objects.values("pk"))
            .first()
        )
    new_id = tombstone.record_id if tombstone is not None else None
    moving = list(SourceRecord.objects.filter(pk__in=source_ids))
    staying = list(record.sources.exclude(pk__in=source_ids))
    fields = (
        fields_from_sources(new_id, moving) or snapshot or {field: getattr(record, field) for field in SNAPSHOT_FIELDS}
    )
    if tombstone is not None:
        new = Record.objects.create(pk=new_id, **fields)
        tombstone.delete()
    else:
        new = Record.objects.create(**fields)
    SourceRecord.objects.filter(pk__in=source_ids).update(record=new)
    moved = Holding.objects.filter(record=record, source_id__in=source_ids)
    holding_ids = list(moved.values_list("pk", flat=True))
    moved.update(record=new, updated_at=timezone.now())
    # A record none of whose sources can be read (made by hand, then merged) keeps what it has.
    remaining = fields_from_sources(record.pk, staying)
    if remaining:
        for name, value in remaining.items():
            setattr(record, name, value)
        record.full_clean()
        record.save()  # the search trigger recomputes the vector when the text changed
    _audit(
        "split",
        by=by,
        record_ids=[record.pk, new.pk],
        record=record.pk,
        split_off=new.pk,
        sources=source_ids,
        holdings=holding_ids,
        restored=tombstone is not None,
        reread=remaining is not None,
    )
    # Split apart by a coordinator: a re-run of deduplication must not merge them again.
    keep_apart(record.pk, new.pk, by=by)
    return new


def fields_from_sources(record_id: int | None, sources: list[SourceRecord]) -> dict | None:
    """A record's columns and blocking key as the import made them from its sources: from the source that created
    the record (first attached to it), else from the earliest one; None when no source can be read."""

    def created_it_first(source):
        return (record_id is None or source.original_record_id != record_id, source.received_at, source.pk)

    ordered = sorted(sources, key=created_it_first)
    for source in ordered:
        entry = read_source(source.data, source.format)
        if entry is not None:
            return {**entry.bib.record_fields(), "match_key": entry.match_key}
    return None


def tombstone_write(*, record_ids: list[int], reason: str, merged_into: Record | None = None, by=None) -> None:
    """Remember what became of records that left the catalog: their links answer 301 (merged) or 410."""
    for record_id in record_ids:
        RecordTombstone.objects.update_or_create(
            record_id=record_id,
            defaults={
                "merged_into": merged_into,
                "reason": reason,
                "at": timezone.now(),
                "by": policy.person(by),
            },
        )


def keep_apart(one: int, other: int, *, by) -> None:
    """Remember that two records are different editions: deduplication never proposes them again."""
    low, high = sorted((one, other))
    DistinctPair.objects.get_or_create(low_id=low, high_id=high, defaults={"decided_by": policy.person(by)})


@transaction.atomic
def review_decide(*, review: MatchReview, merge: bool, by) -> MatchReview:
    policy.ensure(policy.can_curate_catalog(by), _("Only a coordinator may decide about possible duplicates."))
    review = MatchReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise ValidationError(_("This possible duplicate was already decided."))
    if merge:
        record_merge(keep=review.candidate, merge=review.record, by=by)
        review.status = ReviewStatus.MERGED
    else:
        review.status = ReviewStatus.KEPT_APART
        keep_apart(review.record_id, review.candidate_id, by=by)
        _audit("kept_apart", by=by, record_ids=[review.record_id, review.candidate_id])
    review.decided_by = policy.person(by)
    review.decided_at = timezone.now()
    if merge:
        # The merged record is gone; the review row followed it by cascade, so record the decision in the audit.
        return review
    review.save()
    return review


@transaction.atomic
def review_decide_many(*, reviews, merge: bool, by) -> int:
    """Decide several possible duplicates the same way (the obvious ones of the queue, ticked together); those
    decided meanwhile, or whose records a merge in this very call removed, are passed over. The number decided."""
    policy.ensure(policy.can_curate_catalog(by), _("Only a coordinator may decide about possible duplicates."))
    decided = 0
    for pk in sorted({getattr(review, "pk", review) for review in reviews}):
        review = MatchReview.objects.filter(pk=pk, status=ReviewStatus.OPEN).first()
        if review is None:
            continue
        review_decide(review=review, merge=merge, by=by)
        decided += 1
    return decided
