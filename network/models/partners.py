"""School partners: parents, alumni and others who support a school's library."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.models import Library

from ..choices import PartnerKind


class Partner(models.Model):
    """A parent, an alumnus or another supporter of one school's library."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="partners")
    kind = models.CharField(_("kind"), max_length=10, choices=PartnerKind.choices)
    name = models.CharField(_("name"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    since = models.DateField(_("partner since"), default=timezone.localdate)
    contribution = models.TextField(_("how they help"), blank=True, help_text=_("Donations, volunteering, events."))
    books_donated = models.PositiveIntegerField(_("books donated"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("school partner")
        verbose_name_plural = _("school partners")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name
