from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import ApiScope, MembershipStatus, Role, SchoolLevel, Service, StaffRole
from .querysets import ApiKeyQuerySet, LibraryQuerySet
from .validators import validate_nisn, validate_npsn


class Library(models.Model):
    """A member school library of the consortium."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("short code"), max_length=20, unique=True, help_text=_("Short letters and digits, e.g. SMAN1MDN.")
    )
    npsn = models.CharField(
        _("NPSN"),
        max_length=8,
        unique=True,
        validators=[validate_npsn],
        help_text=_("National school number: 8 digits."),
    )
    level = models.CharField(_("school level"), max_length=10, choices=SchoolLevel.choices)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("regency/city"), max_length=100)
    province = models.CharField(_("province"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    head_librarian = models.CharField(_("head librarian"), max_length=200, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    services = ArrayField(
        models.CharField(max_length=20, choices=Service.choices),
        verbose_name=_("services offered"),
        default=list,
        blank=True,
    )
    status = models.CharField(
        _("membership status"), max_length=12, choices=MembershipStatus.choices, default=MembershipStatus.APPLICANT
    )
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("member library")
        verbose_name_plural = _("member libraries")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="library_code_ci_unique",
                violation_error_message=_("A library with this short code already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(npsn__regex=r"^[0-9]{8}$"),
                name="library_npsn_8_digits",
                violation_error_message=_("NPSN must be exactly 8 digits."),
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="library_left_after_joined",
                violation_error_message=_("The date the library left cannot be before it joined."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("consortium:library_detail", args=[self.code])

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class Profile(models.Model):
    """The one profile of a user: their role in the consortium and, for students, their school."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STUDENT)
    school = models.ForeignKey(
        Library, on_delete=models.PROTECT, null=True, blank=True, related_name="students", verbose_name=_("school")
    )
    nisn = models.CharField(_("NISN"), max_length=10, blank=True, validators=[validate_nisn])
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.STUDENT) | models.Q(school__isnull=False),
                name="profile_student_has_school",
                violation_error_message=_("A student must belong to a school."),
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["teacher", "principal"]) | models.Q(school__isnull=False),
                name="profile_teacher_has_school",
                violation_error_message=_("A teacher or principal must belong to a school."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Membership(models.Model):
    """A librarian's (or assistant's) place on the staff of one member library."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("staff role"), max_length=12, choices=StaffRole.choices, default=StaffRole.LIBRARIAN)
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("library staff membership")
        verbose_name_plural = _("library staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "library"],
                name="membership_once_per_library",
                violation_error_message=_("This person is already on this library's staff."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.library.code}"


class ApiKey(models.Model):
    """A partner system's key: belongs to one library, stored only as a SHA-256 hash."""

    PREFIX_LENGTH = 8

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100, help_text=_("What uses this key, e.g. 'SLiMS sync'."))
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(
        pgettext_lazy("what an API key may do", "scope"), max_length=12, choices=ApiScope.choices, default=ApiScope.READ
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == ApiScope.READ_WRITE


class ConsortiumSettings(models.Model):
    """Network-wide settings edited by coordinators; there is exactly one row."""

    name = models.CharField(_("consortium name"), max_length=200, default="Konsorsium Perpustakaan Sekolah")
    default_loan_days = models.PositiveSmallIntegerField(_("default loan period (days)"), default=14)
    lender_answer_days = models.PositiveSmallIntegerField(
        _("days a lender has to answer"),
        default=2,
        help_text=_("A lender that does not answer in time is passed over."),
    )
    retention_days = models.PositiveSmallIntegerField(_("days before completed requests are anonymised"), default=90)
    agreement_number_prefix = models.CharField(
        _("agreement number prefix"),
        max_length=40,
        default="PKS/SILANG",
        help_text=_("New agreements are numbered PREFIX/year/sequence, e.g. PKS/SILANG/2026/007."),
    )

    class Meta:
        verbose_name = _("consortium settings")
        verbose_name_plural = _("consortium settings")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> ConsortiumSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class DemoObject(models.Model):
    """A row that `manage.py seed_demo` created: the demo's own libraries, people, records, agreements, requests.

    Kept apart from the marked tables so that any app (and `auth.User`) can mark rows without a column of its own;
    consortium/demo_registry.py reads and writes it, the seeders are its only writers.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("demo object")
        verbose_name_plural = _("demo objects")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="demo_object_once"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}"
