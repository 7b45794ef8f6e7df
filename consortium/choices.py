from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SchoolLevel(models.TextChoices):
    SD = "sd", _("SD/MI (primary)")
    SMP = "smp", _("SMP/MTs (lower secondary)")
    SMA = "sma", _("SMA/MA (upper secondary)")
    SMK = "smk", _("SMK (vocational)")
    SLB = "slb", _("SLB (special needs)")
    OTHER = "other", _("Other")


class Service(models.TextChoices):
    LOAN = "loan", _("Loans to other schools")
    COPIES = "copies", _("Copies and scans")
    DELIVERY = "delivery", _("Document delivery")
    REFERENCE = "reference", _("Reference help")
    READING_ROOM = "reading_room", _("Reading room open to partners")
    FACILITIES = "facilities", _("Other facilities open to partners")


class MembershipStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVE = "active", pgettext_lazy("membership status", "Active")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", pgettext_lazy("membership status", "Left")


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    PRINCIPAL = "principal", _("Principal")
    LIBRARIAN = "librarian", _("Librarian")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


class StaffRole(models.TextChoices):
    LIBRARIAN = "librarian", _("Librarian")
    ASSISTANT = "assistant", _("Assistant (read only)")


class ApiScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")
