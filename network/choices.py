from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilityKind(models.TextChoices):
    ROOM = "room", _("Room")
    LAB = "lab", _("Computer lab")
    EQUIPMENT = "equipment", _("Equipment")
    REPRODUCTION = "reproduction", _("Reproduction service")
    LICENCE = "licence", _("Database or e-resource licence")


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the owner")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# A booking in one of these states holds its slot (the exclusion constraint applies to them only).
HOLDS_SLOT = [BookingStatus.PENDING, BookingStatus.APPROVED]


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Technical meeting")
    TRAINING = "training", _("Training")


class Expertise(models.TextChoices):
    CATALOGUING = "cataloguing", _("Cataloguing")
    DDC = "ddc", _("DDC classification")
    DIGITISATION = "digitisation", _("Digitisation")
    SLIMS = "slims", _("SLiMS administration")
    ILL = "ill", _("Interlibrary loan")
    LITERACY = "literacy", _("Reading and information literacy")
    PRESERVATION = "preservation", _("Preservation and repair")


class Level(models.TextChoices):
    CAN_HELP = "can_help", _("Can help")
    CAN_TRAIN = "can_train", _("Can train others")


class GuidelineCategory(models.TextChoices):
    CATALOGUING = "cataloguing", _("Cataloguing rules")
    LOANS = "loans", _("Loan rules")
    FORMS = "forms", _("Forms and templates")
    OTHER = "other", _("Other guidelines")


class SerialKind(models.TextChoices):
    MAGAZINE = "magazine", _("Magazine")
    NEWSPAPER = "newspaper", _("Newspaper")
    JOURNAL = "journal", _("Journal")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class PartnerKind(models.TextChoices):
    PARENT = "parent", _("Parent")
    ALUMNUS = "alumnus", _("Alumnus or alumna")
    COMMITTEE = "committee", _("School committee")
    OTHER = "other", _("Other partner")
