from django.db import models
from django.utils.translation import gettext_lazy as _


class OpacKind(models.TextChoices):
    SLIMS = "slims", _("SLiMS")
    INLISLITE = "inlislite", _("INLISLite")


class HarvestSchedule(models.TextChoices):
    MANUAL = "manual", _("Only when started by hand")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


class HarvestStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
