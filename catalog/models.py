from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.models import Library

from .choices import Acquisition, HoldingStatus, ImportStatus, MaterialType, ReviewStatus, SourceFormat, TombstoneReason
from .querysets import ExportJobQuerySet, ImportJobQuerySet


class Record(models.Model):
    """One bibliographic record per edition, shared by every member library."""

    title = models.TextField(_("title"))
    subtitle = models.TextField(_("subtitle"), blank=True)
    responsibility = models.TextField(_("statement of responsibility"), blank=True)
    # [{"name": "Tere Liye", "role": "author"}, ...] in order; kept inline for fast bulk loads.
    authors = models.JSONField(_("authors"), default=list, blank=True)
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    place = models.CharField(_("place of publication"), max_length=255, blank=True)
    year = models.SmallIntegerField(_("year"), null=True, blank=True)
    edition = models.CharField(_("edition"), max_length=255, blank=True)
    isbns = ArrayField(
        models.CharField(max_length=13),
        verbose_name=_("ISBNs"),
        default=list,
        blank=True,
        help_text=_("Kept as ISBN-13."),
    )
    issn = models.CharField(_("ISSN"), max_length=9, blank=True)
    language = models.CharField(_("language"), max_length=3, blank=True, help_text=_("ISO 639-2 code, e.g. ind, eng."))
    material_type = models.CharField(
        _("material type"), max_length=8, choices=MaterialType.choices, default=MaterialType.BOOK
    )
    subjects = ArrayField(models.CharField(max_length=255), verbose_name=_("subjects"), default=list, blank=True)
    ddc = models.CharField(_("DDC class"), max_length=32, blank=True)
    series = models.CharField(_("series"), max_length=255, blank=True)
    physical_description = models.CharField(_("physical description"), max_length=255, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # The dedup blocking key (catalog.matching.block_key: the first words of the folded title): records are compared
    # with the records of the same key.
    match_key = models.CharField(max_length=400, blank=True)
    # catalog.matching.pack of the record's deduplication features, kept by a nightly task (and the dedup re-run) so
    # that imports meeting the record read them instead of computing them; emptied by a trigger when a column they
    # are read from changes (catalog/sql.py), computed again until kept again.
    match_features = models.BinaryField(null=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # Search summary of the holdings, kept by triggers on catalog_holding (migration 0002_search_index):
    # libraries holding a copy, libraries with a copy on the shelf now, and the newest date_added.
    holding_library_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    available_library_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    last_added = models.DateField(null=True, blank=True, editable=False)
    # Defaults in the database too: the importer's COPY leaves both to it (the statement's time), which spares parsing
    # two timestamps a record.
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("bibliographic record")
        verbose_name_plural = _("bibliographic records")
        indexes = [
            GinIndex(fields=["isbns"], name="record_isbns_gin"),
            GinIndex(fields=["search_vector"], name="record_search_gin"),
            # Equality only (dedup); a plain index instead of the two (one for LIKE) db_index would make.
            models.Index(fields=["match_key"], name="record_match_key"),
        ]

    def __str__(self) -> str:
        return self.title if not self.subtitle else f"{self.title}: {self.subtitle}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:record_detail", args=[self.pk])

    @property
    def first_author(self) -> str:
        return self.authors[0]["name"] if self.authors else ""


class SearchSynonym(models.Model):
    """Words and phrases a searcher uses for the same thing ("SMA", "Sekolah Menengah Atas"); coordinators extend them.

    A search for any form finds records with any other form of the same group (catalog.search expands the query;
    the index needs no rebuild when a group changes). One pass, no chains: a form in two groups gets the forms of
    both, never the forms of their other groups, so an entry that loops back cannot make a search run away.
    """

    forms = models.TextField(
        _("forms"), help_text=_("Two or more words or phrases of at most 6 words each, separated by commas.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.forms

    def clean(self):
        from django.core.exceptions import ValidationError

        from .search import synonym_forms

        forms = synonym_forms(self.forms)
        if len(forms) < 2:
            raise ValidationError({"forms": _("Give at least two different forms, separated by commas.")})
        if any(len(form.split()) > 6 or len(form) > 80 for form in forms):
            raise ValidationError({"forms": _("Each form has at most 6 words and 80 characters.")})


class SourceRecord(models.Model):
    """A library's record exactly as it was received, kept so exports stay faithful and merges can be undone."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="sources")
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="source_records")
    format = models.CharField(max_length=8, choices=SourceFormat.choices)
    # The library's own identifier (MARC 001, SLiMS biblio_id), used to recognise a re-import.
    local_id = models.CharField(max_length=100, blank=True)
    data = models.BinaryField(help_text=_("The record as received (ISO 2709 bytes, MARCXML, or a CSV row as JSON)."))
    # The record it was first attached to, for splitting a merge apart again.
    original_record_id = models.BigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("source record")
        verbose_name_plural = _("source records")
        constraints = [
            models.UniqueConstraint(
                fields=["library", "local_id"],
                condition=~models.Q(local_id=""),
                name="source_local_id_unique_per_library",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.library.code}:{self.local_id or self.pk}"


class Holding(models.Model):
    """One physical copy (item) of a record at a member library."""

    # No single-column indexes: (record, library) and (library, barcode) below serve both keys, and every
    # index costs each imported copy.
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="holdings", db_index=False)
    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="holdings", db_index=False)
    barcode = models.CharField(_("barcode"), max_length=64)
    # The holdings field had no barcode: Silang made this one from the library code, the record's id and the
    # field's position (catalog.ingest.pipeline.generated_barcode), the same at every re-import.
    barcode_generated = models.BooleanField(_("barcode made by Silang"), default=False, db_default=False)
    call_number = models.CharField(_("call number"), max_length=100, blank=True)
    shelf_location = models.CharField(_("shelf location"), max_length=100, blank=True)
    copy_number = models.PositiveSmallIntegerField(_("copy number"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HoldingStatus.choices, default=HoldingStatus.AVAILABLE
    )
    ill_allowed = models.BooleanField(_("may go out on interlibrary loan"), default=True)
    acquisition = models.CharField(
        _("acquired by"), max_length=20, choices=Acquisition.choices, default=Acquisition.PURCHASE
    )
    date_added = models.DateField(_("date added"), default=timezone.localdate)
    due_on = models.DateField(_("due"), null=True, blank=True)
    source = models.ForeignKey(SourceRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="holdings")
    # A title a school reported (SLiMS union-catalog push) without its copies: one stand-in holding per title,
    # replaced when an import or an OPAC harvest brings the real copies (interop.ucs). A database default, so the
    # importer's COPY, which names its columns, needs no change.
    copies_unknown = models.BooleanField(_("held, copies unknown"), default=False, db_default=False)
    # Bumped on every change: edit forms and the API refuse to overwrite a newer version.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True, db_index=True, db_default=Now())  # the importer's COPY leaves it

    class Meta:
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        ordering = ["library__name", "copy_number", "barcode"]
        constraints = [
            models.UniqueConstraint(
                fields=["library", "barcode"],
                name="holding_barcode_unique_per_library",
                violation_error_message=_("This barcode is already used in this library."),
            ),
        ]
        indexes = [
            models.Index(fields=["record", "library"], name="holding_record_library"),
            # A school's "held, copies unknown" stand-ins, looked for after each of its imports: few rows, and a
            # partial index costs the copies of an import nothing.
            models.Index(fields=["library"], condition=models.Q(copies_unknown=True), name="holding_stand_ins"),
        ]

    def __str__(self) -> str:
        return f"{self.library.code} {self.barcode}"

    @property
    def is_available(self) -> bool:
        return self.status == HoldingStatus.AVAILABLE


class MatchReview(models.Model):
    """An uncertain duplicate: an incoming source record that may be the same edition as a record we have."""

    source = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="reviews")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="reviews_as_target")
    candidate = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="reviews_as_candidate")
    reason = models.TextField(blank=True)
    score = models.FloatField(default=0)
    # The features that spoke against the pair (catalog.matching.FEATURE_LABELS keys): marked on the review page.
    differing = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.OPEN, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")

    def __str__(self) -> str:
        return f"{self.record_id} ~ {self.candidate_id}"


class DistinctPair(models.Model):
    """Two records a coordinator said are different editions (a rejected duplicate, or a merge split apart):
    deduplication never proposes them again."""

    # The smaller record id first, so a pair is one row whichever way it was found.
    low = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    high = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+", db_index=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pair kept apart")
        verbose_name_plural = _("pairs kept apart")
        constraints = [
            models.UniqueConstraint(fields=["low", "high"], name="distinct_pair_unique"),
            models.CheckConstraint(condition=models.Q(low__lt=models.F("high")), name="distinct_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.low_id} ≠ {self.high_id}"


class CatalogAudit(models.Model):
    """Who did what to the union catalog: merges, splits, undo, edits."""

    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    record_ids = ArrayField(models.BigIntegerField(), default=list)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("catalog audit entry")
        verbose_name_plural = _("catalog audit entries")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class RecordTombstone(models.Model):
    """What became of a record id that left the catalog, so its permanent link still answers (301 or 410)."""

    # The old id, not a foreign key: the record is gone, and its id is never given to another record.
    record_id = models.BigIntegerField(unique=True)
    # One hop: a merge re-points the tombstones that pointed at the record it merges away.
    merged_into = models.ForeignKey(Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=10, choices=TombstoneReason.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("former record")
        verbose_name_plural = _("former records")

    def __str__(self) -> str:
        return f"{self.record_id} ({self.reason})"


class ImportJob(models.Model):
    """A librarian's upload, processed in the background; its report is kept."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="import_jobs")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    format = models.CharField(max_length=8, choices=SourceFormat.choices, blank=True)
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    # A record without any copy gets one, with a barcode made by Silang (ingest.import_bytes).
    one_copy_per_record = models.BooleanField(default=False)
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.library.code} {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:import_detail", args=[self.pk])


class ExportJob(models.Model):
    """A whole-catalog or one library's export, built by the worker and downloaded when ready."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=8)
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    processed = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.library.code if self.library else 'union catalog'} {self.format}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:export_detail", args=[self.pk])
