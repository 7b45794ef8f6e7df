"""Shared facilities and licences that one school offers to the others, and their bookings."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.models import Library

from ..choices import HOLDS_SLOT, BookingStatus, FacilityKind
from ..querysets import BookingQuerySet, FacilityQuerySet

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def school_days() -> list[int]:
    return [0, 1, 2, 3, 4]


class Facility(models.Model):
    """A room, a piece of equipment, a reproduction service or an e-resource licence a school shares."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="facilities", verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=FacilityKind.choices, default=FacilityKind.ROOM)
    description = models.TextField(_("description"), blank=True)
    # A room is booked whole (one place); a licence or a set of equipment has several seats used at once.
    seats = models.PositiveSmallIntegerField(
        _("seats or units"), default=1, help_text=_("How many may use it at the same time (licence seats).")
    )
    opens_at = models.TimeField(_("opens at"), default=time(7, 30))
    closes_at = models.TimeField(_("closes at"), default=time(15, 0))
    open_days = ArrayField(
        models.PositiveSmallIntegerField(choices=WEEKDAYS), verbose_name=_("open on"), default=school_days
    )
    max_hours = models.PositiveSmallIntegerField(
        _("longest booking (hours)"), null=True, blank=True, help_text=_("Empty: up to a whole opening day.")
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement that covers it"),
        help_text=_("Other schools may book it while this agreement is active and they are its parties."),
    )
    terms = models.TextField(_("conditions of use"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared facility")
        verbose_name_plural = _("shared facilities")
        ordering = ["library__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="facility_closes_after_opening",
                violation_error_message=_("The closing time must be after the opening time."),
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1),
                name="facility_has_a_seat",
                violation_error_message=_("A facility has at least one seat or unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.library.code})"

    def get_absolute_url(self) -> str:
        return reverse("network:facility_detail", args=[self.pk])

    @property
    def open_day_names(self) -> list[str]:
        names = dict(WEEKDAYS)
        return [str(names[day]) for day in sorted(self.open_days)]


class Booking(models.Model):
    """A slot (or one seat of a licence) booked by a member school; the owner approves or declines it."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="bookings")
    library = models.ForeignKey(
        Library, on_delete=models.CASCADE, related_name="facility_bookings", verbose_name=_("booking school")
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    seat = models.PositiveSmallIntegerField(_("seat"), default=1)
    period = DateTimeRangeField(_("time"))
    purpose = models.CharField(_("purpose"), max_length=300)
    people = models.PositiveSmallIntegerField(_("number of people"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.PENDING, db_index=True
    )
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note from the owner"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["period"]
        constraints = [
            # The database guarantee behind "no double booking": two live bookings of the same seat of the same
            # facility never overlap in time, however many requests arrive at once (needs btree_gist for the
            # equality on integers inside a GiST index).
            ExclusionConstraint(
                name="booking_no_overlap",
                expressions=[
                    ("facility", RangeOperators.EQUAL),
                    ("seat", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=HOLDS_SLOT),
                violation_error_message=_("This time is already booked."),
            ),
            models.CheckConstraint(
                condition=Q(seat__gte=1), name="booking_seat_positive", violation_error_message=_("Invalid seat.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility.name}: {self.period.lower:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("network:booking_detail", args=[self.pk])

    @property
    def starts_at(self):
        return timezone.localtime(self.period.lower)

    @property
    def ends_at(self):
        return timezone.localtime(self.period.upper)

    @property
    def hours(self) -> float:
        return (self.period.upper - self.period.lower).total_seconds() / 3600
