"""The request page's timeline: each recorded event told as a sentence in the reader's language, naming the school
and the dates, never the action or state codes stored in IllEvent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Service, State
from .models import IllEvent, IllRequest

# One sentence per action that services._event records; %(library)s is the school that acted.
SENTENCES = {
    "create": gettext_lazy("The request was made through %(library)s"),
    "approve": gettext_lazy("%(library)s approved the request"),
    "send": gettext_lazy("The request was sent to %(library)s"),
    "unfilled": gettext_lazy("No member library could supply it"),
    "fill_locally": gettext_lazy("%(library)s filled it from its own collection"),
    "will_supply": gettext_lazy("%(library)s will supply it"),
    "conditional": gettext_lazy("%(library)s set a condition"),
    "accept_condition": gettext_lazy("%(library)s accepted the condition"),
    "refuse_condition": gettext_lazy("%(library)s refused the condition"),
    "decline": gettext_lazy("%(library)s could not supply it"),
    "timeout": gettext_lazy("%(library)s did not answer in time"),
    "ship": gettext_lazy("%(library)s sent the book"),
    "receive": gettext_lazy("%(library)s received the book"),
    "hand_out": gettext_lazy("%(library)s lent the book to the reader"),
    "reader_return": gettext_lazy("The reader returned the book to %(library)s"),
    "ship_back": gettext_lazy("%(library)s sent the book back"),
    "check_in": gettext_lazy("%(library)s received the book back"),
    "cancel": gettext_lazy("%(library)s cancelled the request"),
    "lost": gettext_lazy("%(library)s reported the book lost"),
    "damaged": gettext_lazy("%(library)s reported the book damaged"),
    "ask_renewal": gettext_lazy("%(library)s asked to renew the loan"),
    "renew": gettext_lazy("%(library)s renewed the loan"),
    "refuse_renewal": gettext_lazy("%(library)s refused the renewal"),
    "recall": gettext_lazy("%(library)s recalled the book"),
    "deliver": gettext_lazy("%(library)s delivered the copy"),
    "complete": gettext_lazy("%(library)s completed the request"),
    "message": gettext_lazy("%(library)s wrote a message"),
    "suggest_purchase": gettext_lazy("%(library)s suggested buying it"),
}


@dataclass(frozen=True)
class Step:
    at: datetime
    text: str
    note: str


def _sentence(request: IllRequest, event: IllEvent, *, due_shown: bool) -> str:
    library = event.library.name if event.library_id and event.library else _("a member library")
    if event.action == "send" and event.library_id is None:
        return _("The question was sent to the libraries of the network")
    if event.action == "deliver" and request.service == Service.REFERENCE:
        return _("%(library)s answered the question") % {"library": library}
    # The due date is kept on the request, not on each event: it belongs to the latest shipping or renewal.
    if due_shown and request.due_on:
        due = date_format(request.due_on, "j F Y")
        if event.action == "ship":
            return _("%(library)s sent the book, due %(due)s") % {"library": library, "due": due}
        if event.action == "renew":
            return _("%(library)s renewed the loan, now due %(due)s") % {"library": library, "due": due}
    sentence = SENTENCES.get(event.action)
    if sentence is not None:
        return str(sentence) % {"library": library}
    # An action recorded by code newer than this table: say the state it led to, in words.
    if event.to_state in State.values:
        return _("The request is now: %(state)s") % {"state": State(event.to_state).label}
    return _("The request was updated")


def request_timeline(request: IllRequest, events) -> list[Step]:
    """The steps of `request`, oldest first, from its events (select_related("library"))."""
    events = list(events)
    dated = [e for e in events if e.action in ("ship", "renew")]
    last_dated = dated[-1] if dated else None
    return [
        Step(at=event.at, text=_sentence(request, event, due_shown=event is last_dated), note=event.note)
        for event in events
    ]
