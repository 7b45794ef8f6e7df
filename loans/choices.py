from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    LOAN = "loan", _("Loan of a copy")
    COPY = "copy", _("Copy or scan of pages")
    REFERENCE = "reference", _("Reference question")


class State(models.TextChoices):
    """One state per request; the requester and the lender each see it in their own words (ISO 18626 in mind)."""

    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting own library's approval")
    SENT = "sent", _("Sent to a lender")
    CONDITIONAL = "conditional", _("Lender set a condition")
    WILL_SUPPLY = "will_supply", _("Will supply")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")
    ON_LOAN = "on_loan", _("On loan to the reader")
    RETURNED_BY_READER = "returned_by_reader", _("Returned by the reader")
    SHIPPED_BACK = "shipped_back", _("Shipped back")
    DELIVERED = "delivered", _("Delivered")
    ANSWERED = "answered", _("Answered")
    COMPLETED = "completed", _("Completed")
    UNFILLED = "unfilled", _("Unfilled")
    CANCELLED = "cancelled", _("Cancelled")
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")


# How the lender side names the same states (ISO 18626 supplier statuses).
LENDER_LABELS = {
    State.SENT: _("Incoming"),
    State.CONDITIONAL: _("Conditional"),
    State.WILL_SUPPLY: _("Will supply"),
    State.SHIPPED: _("Shipped"),
    State.RECEIVED: _("Shipped"),
    State.ON_LOAN: _("Shipped"),
    State.RETURNED_BY_READER: _("Shipped"),
    State.SHIPPED_BACK: _("Returned"),
    State.COMPLETED: _("Checked in"),
}

# A copy is tied to the request from "will supply" until it is checked in (or the request ends otherwise).
HOLDS_COPY = [
    State.WILL_SUPPLY,
    State.SHIPPED,
    State.RECEIVED,
    State.ON_LOAN,
    State.RETURNED_BY_READER,
    State.SHIPPED_BACK,
]
FINAL = [State.COMPLETED, State.UNFILLED, State.CANCELLED, State.LOST, State.DAMAGED]
OUT_WITH_BORROWER = [State.SHIPPED, State.RECEIVED, State.ON_LOAN, State.RETURNED_BY_READER]
