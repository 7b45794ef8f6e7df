"""Every transition from every state: the allowed ones work, all others are refused and change nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.models import Holding
from loans import services
from loans.choices import HOLDS_COPY, OUT_WITH_BORROWER, State
from loans.models import IllRequest

pytestmark = pytest.mark.django_db

OUT = [str(s) for s in OUT_WITH_BORROWER]
# action -> (who acts, states it is allowed from, extra keyword arguments)
ACTIONS = {
    "approve": ("requester", ["awaiting_approval"], {}),
    "fill_locally": ("requester", ["awaiting_approval"], {}),
    "accept_condition": ("requester", ["conditional"], {}),
    "refuse_condition": ("requester", ["conditional"], {}),
    "receive": ("requester", ["shipped"], {}),
    "hand_out": ("requester", ["received"], {}),
    "reader_return": ("requester", ["on_loan"], {}),
    "ship_back": ("requester", ["received", "returned_by_reader"], {}),
    "cancel": ("requester", ["awaiting_approval", "sent", "conditional", "will_supply"], {}),
    "ask_renewal": ("requester", OUT, {}),
    "suggest_purchase": ("requester", ["unfilled"], {}),
    "will_supply": ("lender", ["sent"], {}),
    "set_condition": ("lender", ["sent"], {"condition": "Baca di tempat"}),
    "decline": ("lender", ["sent", "will_supply"], {}),
    "ship": ("lender", ["will_supply"], {}),
    "check_in": ("lender", ["shipped_back"], {}),
    "recall": ("lender", OUT, {}),
    "mark_lost": ("lender", [*OUT, "shipped_back"], {}),
}
FUNCTIONS = {
    "accept_condition": lambda **kw: services.ill_request_answer_condition(accept=True, **kw),
    "refuse_condition": lambda **kw: services.ill_request_answer_condition(accept=False, **kw),
}
STATES = [s.value for s in State if s not in ("delivered", "answered")]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transition(action, state, school, lender_a, librarian, lender_a_librarian, book):
    side, allowed_from, extra = ACTIONS[action]
    holding = Holding.objects.get(library=lender_a)
    request = IllRequest.objects.create(
        record=book,
        requester=school,
        lender=lender_a,
        state=state,
        rota=[lender_a.pk],
        holding=holding if state in HOLDS_COPY else None,
        loan_days=14,
        due_on=timezone.localdate() + timedelta(days=7) if state in OUT else None,
        shipped_at=timezone.now() if state in OUT else None,
    )
    by = librarian if side == "requester" else lender_a_librarian
    function = FUNCTIONS.get(action) or getattr(services, f"ill_request_{action}")
    if state in allowed_from:
        function(request=request, by=by, **extra)
    else:
        before = IllRequest.objects.filter(pk=request.pk).values().get()
        with pytest.raises(ValidationError):
            function(request=request, by=by, **extra)
        assert IllRequest.objects.filter(pk=request.pk).values().get() == before
