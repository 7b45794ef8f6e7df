from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Scheme(models.TextChoices):
    """How the analysis groups titles."""

    ALL = "all", _("Whole collection")
    HUNDREDS = "h", _("DDC hundreds")
    TENS = "t", _("DDC tens")
    SUBJECT = "s", _("Curriculum subject")


class ProposerKind(models.TextChoices):
    LIBRARIAN = "librarian", _("Librarian")
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")


class ProposalStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the librarian")
    OPEN = "open", pgettext_lazy("state of a proposal, round, offer or want", "Open")
    PLEDGED = "pledged", _("In a buying round")
    DECLINED = "declined", _("Declined")


class RoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state of a proposal, round, offer or want", "Open")
    CLOSED = "closed", _("Closed")


class OrderStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    ORDERED = "ordered", _("Ordered")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


# Pledges that still count against a budget and block a second pledge of the same title.
LIVE_ORDER = [OrderStatus.PROPOSED, OrderStatus.AGREED, OrderStatus.ORDERED, OrderStatus.RECEIVED]


class Funding(models.TextChoices):
    SCHOOL = "school", _("School's own budget")
    SHARED = "shared", _("Shared budget of the round")


class OfferReason(models.TextChoices):
    SURPLUS = "surplus", _("Surplus copies")
    CURRICULUM = "curriculum", _("Curriculum change")
    WITHDRAWN = "withdrawn", _("Withdrawn from the collection")


class OfferStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state of a proposal, round, offer or want", "Open")
    CLAIMED = "claimed", _("Claimed")
    TRANSFERRED = "transferred", _("Transferred")
    CANCELLED = "cancelled", _("Cancelled")


class WantStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state of a proposal, round, offer or want", "Open")
    FILLED = "filled", _("Filled")
    CANCELLED = "cancelled", _("Cancelled")


class TransferKind(models.TextChoices):
    EXCHANGE = "exchange", _("Exchange within the network")
    DONATION = "donation", _("Donated copy routed")
    OUTSIDE = "outside", _("Given away outside the network")
    DISCARDED = "discarded", _("Withdrawn and discarded")


class DonorKind(models.TextChoices):
    PARENT = "parent", _("Parent")
    STUDENT = "student", _("Student")
    ALUMNUS = "alumnus", _("Alumnus")
    TEACHER = "teacher", _("Teacher")
    PARTNER = "partner", _("Partner institution")


class DonationKind(models.TextChoices):
    ITEMS = "items", _("Books or other items")
    MONEY = "money", _("Money")


class DonationItemStatus(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    ADDED = "added", _("Added to the collection")
    ROUTED = "routed", _("Routed to another school")
    DECLINED = "declined", _("Not kept")
