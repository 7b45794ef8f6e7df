from django.db import models
from django.utils.translation import gettext_lazy as _


class Form(models.TextChoices):
    """The seven recognised forms of cooperation between libraries."""

    ACQUISITION = "acquisition", _("Cooperative acquisition")
    EXCHANGE = "exchange", _("Exchange and redistribution of duplicates")
    FACILITIES = "facilities", _("Shared facilities")
    ILL = "ill", _("Interlibrary loan")
    LIBRARIANS = "librarians", _("Librarian cooperation")
    UNION_CATALOG = "union_catalog", _("Union catalog")
    INFORMATION = "information", _("Information services and document delivery")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    SIGNING = "signing", _("Awaiting signatures")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class PartyRole(models.TextChoices):
    PARTY = "party", _("Party")
    COORDINATOR = "coordinator", _("Coordinator")
    WITNESS = "witness", _("Witness")


class InstitutionKind(models.TextChoices):
    MEMBER = "member", _("Member library")
    FOUNDATION = "foundation", _("School foundation or principal")
    EDUCATION_OFFICE = "education_office", _("Education office")
    PUBLIC_LIBRARY = "public_library", _("Public library")
    PARENTS = "parents", _("Parents' committee")
    OTHER = "other", _("Other institution")


class Factor(models.IntegerChoices):
    """The nine planning factors of a written cooperation, in the order the agreement is drafted."""

    OBJECTIVES = 1, _("Why and what for")
    SCOPE = 2, _("Scope")
    PARTIES = 3, _("The parties")
    PERIOD = 4, _("Start and end")
    RELATIONSHIP = 5, _("How the partners relate")
    DIVISION = 6, _("Division of work")
    METHODS = 7, _("Methods and equipment")
    COSTS = 8, _("Who pays")
    TECHNOLOGY = 9, _("Technology used")
