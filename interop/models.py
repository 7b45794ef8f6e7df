from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.models import Library

from .choices import HarvestSchedule, HarvestStatus, OpacKind


class SlimsNode(models.Model):
    """A SLiMS installation's union-catalog (UCS) credential: node id and password, stored only as a hash."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="slims_nodes")
    node_id = models.CharField(_("node id"), max_length=40, unique=True, editable=False)
    password_hash = models.CharField(max_length=64, editable=False)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Which SLiMS this is, e.g. 'OPAC'."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_push_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SLiMS node")
        verbose_name_plural = _("SLiMS nodes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.node_id

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OpacSource(models.Model):
    """A member library's own OPAC (SLiMS or INLISLite), harvested over OAI-PMH into the union catalog."""

    library = models.OneToOneField(Library, on_delete=models.CASCADE, related_name="opac_source")
    kind = models.CharField(_("software"), max_length=12, choices=OpacKind.choices, default=OpacKind.SLIMS)
    base_url = models.URLField(
        _("OPAC address"), help_text=_("The address of the OPAC's home page, e.g. https://perpus.sman1medan.sch.id/")
    )
    schedule = models.CharField(
        _("harvest schedule"), max_length=10, choices=HarvestSchedule.choices, default=HarvestSchedule.DAILY
    )
    # The newest datestamp the OPAC reported: the next harvest asks for records changed since (from=).
    last_datestamp = models.CharField(max_length=40, blank=True)
    last_harvest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("OPAC to harvest")
        verbose_name_plural = _("OPACs to harvest")

    def __str__(self) -> str:
        return f"{self.library.code} {self.base_url}"


class HarvestRun(models.Model):
    """One harvest of a library's OPAC: progress while it runs, then the import report."""

    source = models.ForeignKey(OpacSource, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=8, choices=HarvestStatus.choices, default=HarvestStatus.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    processed = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("OPAC harvest")
        verbose_name_plural = _("OPAC harvests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source.library.code} {self.created_at:%Y-%m-%d %H:%M}"


class Tombstone(models.Model):
    """A record that left the union catalog (merged away or deleted), so OAI-PMH harvesters learn of it.

    Written by a trigger on catalog_record (interop/sql.py), whatever code deleted the record."""

    record_id = models.BigIntegerField(unique=True)
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)
    library_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    ddc = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")

    def __str__(self) -> str:
        return f"{self.record_id} ({self.deleted_at:%Y-%m-%d})"
