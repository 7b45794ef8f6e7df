from django.db import models
from django.utils.translation import gettext_lazy as _


class MaterialType(models.TextChoices):
    BOOK = "book", _("Book")
    EBOOK = "ebook", _("E-book")
    SERIAL = "serial", _("Serial")
    AUDIOVISUAL = "av", _("Audio-visual")
    MAP = "map", _("Map")
    OTHER = "other", _("Other")


class HoldingStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_LOAN = "on_loan", _("On loan")
    LENT_OUT = "lent_out", _("Lent to another school")
    IN_TRANSIT = "in_transit", _("In transit")
    MISSING = "missing", _("Missing")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PROCESSING = "processing", _("In processing")


class Acquisition(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    DONATION_STUDENT = "donation_student", _("Donation from a student")
    DONATION_PARENT = "donation_parent", _("Donation from a parent")
    DONATION_TEACHER = "donation_teacher", _("Donation from a teacher")
    EXCHANGE = "exchange", _("Exchange")
    GRANT = "grant", _("Grant")


class ContributorRole(models.TextChoices):
    AUTHOR = "author", _("Author")
    EDITOR = "editor", _("Editor")
    TRANSLATOR = "translator", _("Translator")
    ILLUSTRATOR = "illustrator", _("Illustrator")
    OTHER = "other", _("Contributor")


class SourceFormat(models.TextChoices):
    MARC21 = "marc21", _("MARC21 (ISO 2709)")
    MARCXML = "marcxml", _("MARCXML")
    CSV = "csv", _("CSV")
    MANUAL = "manual", _("Entered by hand")
    API = "api", _("API")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    MERGED = "merged", _("Merged")
    KEPT_APART = "kept_apart", _("Kept apart")


class ImportStatus(models.TextChoices):
    # Kept, not queued, until the librarian answers the upload page's question (records without any copy).
    WAITING = "waiting", _("Waiting for your answer")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class TombstoneReason(models.TextChoices):
    MERGED = "merged", _("Merged into another record")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DELETED = "deleted", _("Deleted")
