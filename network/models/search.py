"""Shared search tools: serial subscriptions and teachers' reading lists (new acquisitions are read from holdings)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import Record
from consortium.models import Library

from ..choices import Frequency, SerialKind
from ..querysets import ReadingListQuerySet


class Subscription(models.Model):
    """A magazine, newspaper or journal a school subscribes to, with the range of issues it keeps."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="subscriptions")
    title = models.CharField(_("title"), max_length=300)
    issn = models.CharField(_("ISSN"), max_length=9, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=SerialKind.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    holdings_from = models.PositiveSmallIntegerField(_("kept from (year)"))
    holdings_to = models.PositiveSmallIntegerField(_("kept until (year)"), null=True, blank=True)
    holdings_note = models.CharField(
        pgettext_lazy("a serial's holdings statement", "holdings"),
        max_length=300,
        blank=True,
        help_text=_("e.g. vol. 12 no. 1 – ; missing 2020 no. 4–6"),
    )
    active = models.BooleanField(_("still subscribed"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(holdings_to__isnull=True) | Q(holdings_to__gte=F("holdings_from")),
                name="subscription_range_in_order",
                violation_error_message=_("The last year kept cannot be before the first."),
            ),
            models.UniqueConstraint(
                fields=["library", "title"],
                name="subscription_once_per_library",
                violation_error_message=_("This school already lists this title."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def holdings_range(self) -> str:
        end = str(self.holdings_to) if self.holdings_to else _("now")
        text = f"{self.holdings_from}–{end}"
        return f"{text}; {self.holdings_note}" if self.holdings_note else text


class ReadingList(models.Model):
    """A list a teacher builds from the union catalog for a class and a subject."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="reading_lists")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    class_name = models.CharField(_("class"), max_length=60, help_text=_("e.g. XI IPA 2"))
    subject = models.CharField(_("subject"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    objects = ReadingListQuerySet.as_manager()

    class Meta:
        verbose_name = _("reading list")
        verbose_name_plural = _("reading lists")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network:readinglist_detail", args=[self.pk])


class ReadingListItem(models.Model):
    """One title of a reading list."""

    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reading_list", "record"],
                name="readinglist_record_once",
                violation_error_message=_("This title is already on the list."),
            )
        ]

    def __str__(self) -> str:
        return str(self.record_id)
