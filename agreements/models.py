from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.models import Library

from .choices import Form, InstitutionKind, PartyRole, Status
from .querysets import AgreementQuerySet, SignatureQuerySet

# The fields that make up the text of an agreement; a version is a snapshot of these plus parties and duties.
CONTENT_FIELDS = [
    "number",
    "title",
    "forms",
    "objectives",
    "scope_collections",
    "scope_material_types",
    "scope_services",
    "scope_people",
    "relationship",
    "start_on",
    "end_on",
    "renewal",
    "notice_days",
    "fee_per_loan",
    "fee_per_page",
    "shipping_paid_by",
    "yearly_contribution",
    "cost_sharing",
    "lost_item_compensation",
    "methods_equipment",
    "technology",
    "loan_days",
    "items_per_student",
    "renewals_allowed",
]
# Of those, the long texts: written in text areas, compared word by word between versions.
LONG_TEXT_FIELDS = (
    "objectives",
    "scope_collections",
    "scope_material_types",
    "scope_services",
    "scope_people",
    "relationship",
    "renewal",
    "cost_sharing",
    "lost_item_compensation",
    "methods_equipment",
    "technology",
)


class Agreement(models.Model):
    """A written cooperation agreement (perjanjian kerja sama) between member libraries and other partners."""

    number = models.CharField(_("number"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)
    forms = ArrayField(
        models.CharField(max_length=20, choices=Form.choices),
        verbose_name=_("forms of cooperation"),
        default=list,
        blank=True,
    )
    objectives = models.TextField(_("reasons and objectives"), blank=True)
    scope_collections = models.TextField(_("collections covered"), blank=True)
    scope_material_types = models.TextField(_("material types covered"), blank=True)
    scope_services = models.TextField(_("services covered"), blank=True)
    scope_people = models.TextField(_("which students and staff"), blank=True)
    relationship = models.TextField(
        _("how the partners relate"), blank=True, help_text=_("Who coordinates, who reports to whom.")
    )
    start_on = models.DateField(_("starts on"), null=True, blank=True)
    end_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty: open-ended."))
    renewal = models.TextField(_("renewal"), blank=True)
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), null=True, blank=True)
    fee_per_loan = models.DecimalField(_("fee per loan (Rp)"), max_digits=10, decimal_places=0, null=True, blank=True)
    fee_per_page = models.DecimalField(
        _("fee per copied page (Rp)"), max_digits=10, decimal_places=0, null=True, blank=True
    )
    shipping_paid_by = models.CharField(_("who pays shipping"), max_length=200, blank=True)
    yearly_contribution = models.DecimalField(
        _("yearly contribution per member (Rp)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    cost_sharing = models.TextField(_("cost sharing"), blank=True)
    lost_item_compensation = models.TextField(_("compensation for lost items"), blank=True)
    methods_equipment = models.TextField(_("working methods and equipment"), blank=True)
    technology = models.TextField(_("technology used"), blank=True)
    loan_days = models.PositiveSmallIntegerField(_("loan period (days)"), null=True, blank=True)
    items_per_student = models.PositiveSmallIntegerField(_("items per student"), null=True, blank=True)
    renewals_allowed = models.PositiveSmallIntegerField(_("renewals allowed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=1)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-start_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(start_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="agreement_ends_after_start",
                violation_error_message=_("The agreement cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("agreements:agreement_detail", args=[self.pk])


class Party(models.Model):
    """A party to an agreement: a member library or an outside institution, with its representative."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    library = models.ForeignKey(
        Library, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member library")
    )
    institution = models.CharField(_("outside institution"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices, default=InstitutionKind.MEMBER)
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices, default=PartyRole.PARTY)
    representative = models.CharField(_("representative"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "library"],
                condition=Q(library__isnull=False),
                name="party_library_once",
                violation_error_message=_("This library is a party twice."),
            ),
            models.CheckConstraint(
                condition=Q(library__isnull=False) | ~Q(institution=""),
                name="party_is_library_or_institution",
                violation_error_message=_("A party is a member library or a named institution."),
            ),
        ]

    def __str__(self) -> str:
        return self.library.name if self.library_id else self.institution


class Responsibility(models.Model):
    """One line of the division of work: which party does what."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="responsibilities")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="responsibilities")
    form = models.CharField(_("form of cooperation"), max_length=20, choices=Form.choices)
    task = models.CharField(_("task"), max_length=300)

    class Meta:
        ordering = ["form", "pk"]

    def __str__(self) -> str:
        return f"{self.party}: {self.task}"


class AgreementVersion(models.Model):
    """Every edit of a draft is a version: a frozen snapshot of the whole text, parties and duties."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_once")]

    def __str__(self) -> str:
        return f"{self.agreement.number} v{self.number}"


class Signature(models.Model):
    """Who signed which version for which party, and when."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="signatures")
    version = models.PositiveIntegerField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    paper = models.FileField(upload_to="agreements/signed/", blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint(fields=["party", "version"], name="signature_once_per_version")]

    def __str__(self) -> str:
        return f"{self.party} v{self.version}"


class Comment(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class Reminder(models.Model):
    """A reminder sent before an agreement ends; the unique key makes the daily command safe to run twice."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "days_before"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.agreement.number} -{self.days_before}d"
