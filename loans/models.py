from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Holding, Record
from consortium.models import Library

from .choices import FINAL, HOLDS_COPY, LENDER_LABELS, Service, State
from .querysets import IllRequestQuerySet, NotificationQuerySet


def attachment_path(instance, filename):
    return f"ill/{instance.pk or 'new'}/{filename}"


class IllRequest(models.Model):
    """An interlibrary-loan request: a copy lent, pages copied, or a question answered, between member schools."""

    service = models.CharField(_("service"), max_length=10, choices=Service.choices, default=Service.LOAN)
    record = models.ForeignKey(Record, on_delete=models.PROTECT, null=True, blank=True, related_name="ill_requests")
    requester = models.ForeignKey(
        Library, on_delete=models.PROTECT, related_name="ill_requests_made", verbose_name=_("requesting library")
    )
    # The reader (a student) the request is for; removed after the retention period, statistics stay.
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ill_requests",
        verbose_name=_("reader"),
    )
    reader_anonymised = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lender = models.ForeignKey(
        Library,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ill_requests_received",
        verbose_name=_("lending library"),
    )
    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, null=True, blank=True, related_name="ill_requests")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, db_index=True)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    pages = models.CharField(_("pages or chapter"), max_length=200, blank=True)
    question = models.TextField(_("question"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    condition = models.TextField(_("lender's condition"), blank=True)
    unfilled_reason = models.TextField(_("why unfilled"), blank=True)
    suggest_purchase = models.BooleanField(_("suggested for purchase"), default=False)
    # The ordered lending list (library ids) and how far down it the request has gone.
    rota = models.JSONField(default=list, blank=True)
    rota_position = models.PositiveSmallIntegerField(default=0)
    lender_deadline = models.DateTimeField(null=True, blank=True)
    loan_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(default=0)
    renewal_requested = models.BooleanField(default=False)
    recalled_at = models.DateTimeField(null=True, blank=True)
    is_overdue = models.BooleanField(default=False, db_index=True)
    agreement_ref = models.BigIntegerField(null=True, blank=True, help_text="id of the agreement it runs under")
    attachment = models.FileField(upload_to=attachment_path, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = IllRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("interlibrary-loan request")
        verbose_name_plural = _("interlibrary-loan requests")
        ordering = ["-created_at"]
        constraints = [
            # The database guarantee behind "two requests never get the same single copy".
            models.UniqueConstraint(
                fields=["holding"],
                condition=Q(state__in=HOLDS_COPY),
                name="ill_one_active_request_per_copy",
                violation_error_message=_("This copy is already promised to another request."),
            ),
            models.CheckConstraint(
                condition=~Q(lender=models.F("requester")),
                name="ill_lender_is_not_requester",
                violation_error_message=_("A library cannot lend to itself."),
            ),
        ]

    def __str__(self) -> str:
        what = self.record.title if self.record_id else self.question[:40]
        return f"#{self.pk} {what}"

    def get_absolute_url(self) -> str:
        return reverse("loans:request_detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.state in FINAL

    @property
    def slip_code(self) -> str:
        """The request's code on its transit slip and barcode: stable, and the same at both schools."""
        return f"ILL-{self.pk}"

    def lender_label(self) -> str:
        if self.is_overdue:
            return str(_("Overdue"))
        if self.recalled_at and self.state not in FINAL:
            return str(_("Recalled"))
        return str(LENDER_LABELS.get(self.state, self.get_state_display()))


class IllEvent(models.Model):
    """One transition of a request: who, when, from which state to which, and a note."""

    request = models.ForeignKey(IllRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    library = models.ForeignKey(Library, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action}"


class Notification(models.Model):
    """An in-app message to someone who must act or wait; e-mailed too."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    request = models.ForeignKey(IllRequest, on_delete=models.CASCADE, null=True, related_name="notifications")
    kind = models.CharField(max_length=30)
    # The message as written when the notice was made; `template` and `params` keep it as data (loans.notices),
    # so that `text` reads in the reader's language. Notices from before they existed have only `message`.
    message = models.TextField()
    template = models.TextField(blank=True, default="")
    params = models.JSONField(blank=True, default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Daily commands may run twice: one overdue / due-soon notice per request, person and kind.
            models.UniqueConstraint(
                fields=["user", "request", "kind"],
                condition=Q(kind__in=["overdue", "due_soon"]),
                name="notification_once_per_daily_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def text(self) -> str:
        """The message in the active language (the reader's)."""
        if not self.template:
            return self.message
        from .notices import render

        return render(self.template, self.params)
