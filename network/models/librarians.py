"""Cooperation between librarians: meetings and training, guidelines, expertise, questions, divided tasks."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consortium.models import Library

from ..choices import EventKind, Expertise, GuidelineCategory, Level
from ..querysets import EventQuerySet, QuestionQuerySet


class PrivateStorage(FileSystemStorage):
    """Files served only through a view that asks the policy: kept outside MEDIA_ROOT (never under /media/).

    The place is read from settings.PRIVATE_FILES_ROOT at each use, not once at import."""

    @property
    def base_location(self):
        return settings.PRIVATE_FILES_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


_private_storage = PrivateStorage()


def private_storage() -> FileSystemStorage:
    return _private_storage


class Event(models.Model):
    """A technical meeting or a training for the consortium's librarians."""

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices, default=EventKind.MEETING)
    organiser = models.ForeignKey(
        Library, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("host school")
    )
    agenda = models.TextField(_("agenda"), blank=True)
    place = models.CharField(_("place"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="event_has_places", violation_error_message=_("At least one place.")
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network:event_detail", args=[self.pk])


class Registration(models.Model):
    """A librarian registered for an event; attendance is marked by the organiser afterwards."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations")
    library = models.ForeignKey(Library, on_delete=models.SET_NULL, null=True, related_name="+")
    attended = models.BooleanField(_("attended"), default=False)
    certificate_number = models.CharField(max_length=40, blank=True)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["registered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                name="registration_once_per_event",
                violation_error_message=_("You are already registered for this event."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"


class Guideline(models.Model):
    """A shared guideline or template (pedoman): cataloguing rules, loan rules, forms; has versions."""

    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(_("category"), max_length=12, choices=GuidelineCategory.choices)
    description = models.TextField(_("description"), blank=True)
    library = models.ForeignKey(
        Library, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network:guideline_detail", args=[self.pk])

    @property
    def current(self):
        return self.versions.order_by("-number").first()


def guideline_path(instance, filename):
    return f"guidelines/{instance.guideline_id}/v{instance.number}-{filename}"


class GuidelineVersion(models.Model):
    """One uploaded version of a guideline's file."""

    guideline = models.ForeignKey(Guideline, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=guideline_path, storage=private_storage, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["guideline", "number"], name="guideline_version_once")]

    def __str__(self) -> str:
        return f"{self.guideline} v{self.number}"


class ExpertiseEntry(models.Model):
    """A librarian who can help colleagues with one area (the expertise directory)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expertise")
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="+")
    area = models.CharField(_("area"), max_length=16, choices=Expertise.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.CAN_HELP)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise directory")
        ordering = ["area", "library__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "area"],
                name="expertise_once_per_area",
                violation_error_message=_("This person is already listed for this area."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_area_display()}"


class Question(models.Model):
    """A question one librarian asks the network; colleagues answer; it stays findable."""

    title = models.CharField(_("question"), max_length=300)
    body = models.TextField(_("details"), blank=True)
    area = models.CharField(_("area"), max_length=16, choices=Expertise.choices)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    library = models.ForeignKey(Library, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network:question_detail", args=[self.pk])


class Answer(models.Model):
    """A colleague's answer to a question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField(_("answer"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    library = models.ForeignKey(Library, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:40]


class TaskAssignment(models.Model):
    """Division of work by expertise, recorded against the agreement that asks for it."""

    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.CASCADE, related_name="expert_tasks")
    area = models.CharField(_("area"), max_length=16, choices=Expertise.choices)
    task = models.CharField(_("task"), max_length=300)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(pgettext_lazy("deadline of a task", "due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done", "due_on", "pk"]

    def __str__(self) -> str:
        return self.task
