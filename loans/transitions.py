"""The interlibrary-loan state machine in one table: which side may take which action from which states.

Read by the services (`require`), the request page's buttons and the API's actions (`available_actions`,
`run`), and the transition-matrix test. Nothing else lists allowed states.

Sides: `requester` (the requesting library's librarians or its read-write key), `lender` (the lending
library's), `reader` (the student the request is for), `network` (a librarian of a library that shares an
information-services agreement with the requester: reference questions go to the network, not one lender).
Coordinators act for any library, as everywhere (consortium.policy.ensure_can_write_for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consortium import policy

from .choices import OUT_WITH_BORROWER, Service, State

if TYPE_CHECKING:
    from .models import IllRequest

ALL_SERVICES = (Service.LOAN, Service.COPY, Service.REFERENCE)
RUNNING = (State.AWAITING_APPROVAL, State.SENT, State.CONDITIONAL, State.WILL_SUPPLY)
OUT = tuple(OUT_WITH_BORROWER)


@dataclass(frozen=True)
class Transition:
    """One action: who takes it, from which states, for which services, and which form fields it reads."""

    name: str
    sides: tuple[str, ...]
    from_states: tuple[str, ...] | None  # None: any state (a message changes no state)
    label: str  # for "Cannot <label> a request that is <state>."
    service_function: str  # the function in loans.services that performs it
    fields: tuple[str, ...] = ("note",)
    services: tuple[str, ...] = ALL_SERVICES
    fixed: dict = field(default_factory=dict)  # extra keyword arguments (accept=True, ...)
    # A further condition on the request, with the message shown when it does not hold.
    guard: Callable[[IllRequest], bool] | None = None
    guard_message: str = ""
    needs_lender: bool = False


def _t(name, sides, from_states, label, function=None, **kwargs) -> Transition:
    return Transition(
        name=name,
        sides=tuple(sides),
        from_states=None if from_states is None else tuple(from_states),
        label=label,
        service_function=function or f"ill_request_{name}",
        **kwargs,
    )


TABLE: dict[str, Transition] = {
    t.name: t
    for t in [
        # The requesting library
        _t("approve", ["requester"], [State.AWAITING_APPROVAL], gettext_lazy("approve")),
        _t("fill_locally", ["requester"], [State.AWAITING_APPROVAL], gettext_lazy("fill locally")),
        _t(
            "choose_lender",
            ["requester"],
            [State.AWAITING_APPROVAL, State.SENT, State.UNFILLED],
            gettext_lazy("choose a lender for"),
            fields=(),
            services=(Service.LOAN, Service.COPY),
        ),
        _t(
            "accept_condition",
            ["requester"],
            [State.CONDITIONAL],
            gettext_lazy("answer the condition of"),
            "ill_request_answer_condition",
            fixed={"accept": True},
        ),
        _t(
            "refuse_condition",
            ["requester"],
            [State.CONDITIONAL],
            gettext_lazy("answer the condition of"),
            "ill_request_answer_condition",
            fixed={"accept": False},
        ),
        _t("receive", ["requester"], [State.SHIPPED], gettext_lazy("receive")),
        _t("hand_out", ["requester"], [State.RECEIVED], gettext_lazy("hand out")),
        _t("reader_return", ["requester"], [State.ON_LOAN], gettext_lazy("take back")),
        _t("ship_back", ["requester"], [State.RECEIVED, State.RETURNED_BY_READER], gettext_lazy("ship back")),
        _t(
            "ask_renewal",
            ["requester"],
            OUT,
            gettext_lazy("renew"),
            guard=lambda r: not r.recalled_at and not r.renewal_requested,
            guard_message=gettext_lazy("The lender recalled this copy: it cannot be renewed."),
        ),
        _t(
            "suggest_purchase",
            ["requester"],
            [State.UNFILLED],
            gettext_lazy("suggest for purchase"),
            guard=lambda r: not r.suggest_purchase,
            guard_message=gettext_lazy("This title is already suggested for purchase."),
        ),
        # The requesting library or the reader herself
        _t("cancel", ["requester", "reader"], RUNNING, gettext_lazy("cancel")),
        _t("complete", ["requester", "reader"], [State.DELIVERED, State.ANSWERED], gettext_lazy("complete")),
        # The lending library
        _t("will_supply", ["lender"], [State.SENT], gettext_lazy("accept"), services=(Service.LOAN, Service.COPY)),
        _t(
            "set_condition",
            ["lender"],
            [State.SENT],
            gettext_lazy("set a condition on"),
            fields=("condition",),
            services=(Service.LOAN, Service.COPY),
        ),
        _t(
            "decline",
            ["lender"],
            [State.SENT, State.WILL_SUPPLY],
            gettext_lazy("decline"),
            fields=("reason",),
            services=(Service.LOAN, Service.COPY),
        ),
        _t(
            "ship",
            ["lender"],
            [State.WILL_SUPPLY],
            gettext_lazy("ship"),
            fields=("due_on", "note"),
            services=(Service.LOAN,),
        ),
        _t("check_in", ["lender"], [State.SHIPPED_BACK], gettext_lazy("check in")),
        _t(
            "grant_renewal",
            ["lender"],
            OUT,
            gettext_lazy("answer the renewal of"),
            "ill_request_answer_renewal",
            fixed={"grant": True},
            guard=lambda r: r.renewal_requested,
            guard_message=gettext_lazy("No renewal is asked for this request."),
        ),
        _t(
            "refuse_renewal",
            ["lender"],
            OUT,
            gettext_lazy("answer the renewal of"),
            "ill_request_answer_renewal",
            fixed={"grant": False},
            guard=lambda r: r.renewal_requested,
            guard_message=gettext_lazy("No renewal is asked for this request."),
        ),
        _t("recall", ["lender"], OUT, gettext_lazy("recall")),
        _t("mark_lost", ["lender"], (*OUT, State.SHIPPED_BACK), gettext_lazy("mark lost or damaged")),
        _t(
            "mark_damaged",
            ["lender"],
            (*OUT, State.SHIPPED_BACK),
            gettext_lazy("mark lost or damaged"),
            "ill_request_mark_lost",
            fixed={"damaged": True},
        ),
        # A copy is delivered by its lender; a question is answered by any library of the network.
        _t(
            "deliver",
            ["lender", "network"],
            [State.WILL_SUPPLY, State.SENT],
            gettext_lazy("deliver"),
            fields=("attachment", "answer", "note"),
            services=(Service.COPY, Service.REFERENCE),
            guard=lambda r: r.state == (State.SENT if r.service == Service.REFERENCE else State.WILL_SUPPLY),
            guard_message=gettext_lazy("This request cannot be delivered now."),
        ),
        # A note between the two libraries; the state does not change.
        _t("message", ["requester", "lender"], None, gettext_lazy("write about"), needs_lender=True),
    ]
}

# Actions offered as buttons and API actions (choose_lender takes a library, not a form: service only).
PUBLIC_ACTIONS = [name for name in TABLE if name != "choose_lender"]


# --- who is on which side ---------------------------------------------------------------------------------


def _side_error(side: str, request: IllRequest, actor) -> PermissionDenied | None:
    """None when `actor` is on `side` of `request`, else the reason it is not."""
    try:
        if side == "requester":
            policy.ensure_can_write_for(actor, request.requester_id)
        elif side == "lender":
            if request.lender_id is None:
                raise PermissionDenied(_("No lender has this request."))
            policy.ensure_can_write_for(actor, request.lender_id)
        elif side == "reader":
            person = policy.person(actor)
            if request.reader_id is None or person is None or person.pk != request.reader_id:
                raise PermissionDenied(_("Only the reader may do this."))
            if not policy.library_acts(request.requester_id):
                raise PermissionDenied(str(policy.SUSPENDED_MESSAGE))
        elif side == "network":
            if request.service != Service.REFERENCE or policy.answering_library_id(actor, request) is None:
                raise PermissionDenied(_("Only librarians of the network's other libraries answer questions."))
    except PermissionDenied as exc:
        return exc
    return None


def sides_of(request: IllRequest, actor) -> set[str]:
    return {side for side in ("requester", "lender", "reader", "network") if _side_error(side, request, actor) is None}


def state_error(request: IllRequest, name: str) -> ValidationError | None:
    """None when the action may be taken in the request's current state (whoever takes it)."""
    transition = TABLE[name]
    if request.service not in transition.services:
        return ValidationError(
            _("A %(service)s request cannot be %(action)s.")
            % {"service": request.get_service_display().lower(), "action": name.replace("_", " ")},
            code="service",
        )
    if transition.from_states is not None and request.state not in transition.from_states:
        return ValidationError(
            _("Cannot %(action)s a request that is %(state)s.")
            % {"action": transition.label, "state": request.get_state_display().lower()},
            code="state",
        )
    if transition.guard is not None and not transition.guard(request):
        return ValidationError(str(transition.guard_message), code="state")
    if transition.needs_lender and request.lender_id is None:
        return ValidationError(_("No lender has this request yet."), code="state")
    return None


def require(request: IllRequest, name: str, by) -> str:
    """Raise PermissionDenied unless `by` is on a side that takes `name`, then ValidationError unless the
    request's state allows it. Returns the side `by` acts on (the first that fits)."""
    transition = TABLE[name]
    errors = []
    acting_side = None
    for side in transition.sides:
        error = _side_error(side, request, by)
        if error is None:
            acting_side = side
            break
        errors.append(error)
    if acting_side is None:
        raise errors[0]
    error = state_error(request, name)
    if error is not None:
        raise error
    return acting_side


def available_actions(request: IllRequest, actor) -> list[str]:
    """The buttons to show: what this actor may do next, in the table's order."""
    sides = sides_of(request, actor)
    return [name for name in PUBLIC_ACTIONS if sides & set(TABLE[name].sides) and state_error(request, name) is None]


def run(name: str, *, request: IllRequest, by, data: dict):
    """Perform action `name` with the values a form or serializer read; missing text fields are empty."""
    from . import services

    transition = TABLE[name]
    kwargs = dict(transition.fixed)
    for key in transition.fields:
        value = data.get(key)
        if key in ("due_on", "attachment"):
            kwargs[key] = value or None
        else:
            kwargs[key] = value or ""
    if "attachment" in kwargs and kwargs["attachment"] is None:
        kwargs.pop("attachment")
    return getattr(services, transition.service_function)(request=request, by=by, **kwargs)
