"""Every transition of loans/transitions.py from every state: the allowed ones work, all others are refused
and change nothing; the page's buttons and the API's actions are the table's."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalog.models import Holding
from loans import transitions
from loans.choices import HOLDS_COPY, OUT_WITH_BORROWER, Service, State
from loans.models import IllRequest

pytestmark = pytest.mark.django_db

OUT = [str(s) for s in OUT_WITH_BORROWER]
# Loan actions taken by one of the two libraries (the reader's and the network's are tested in test_services).
ACTIONS = [
    name
    for name in transitions.PUBLIC_ACTIONS
    if Service.LOAN in transitions.TABLE[name].services
    and {"requester", "lender"} & set(transitions.TABLE[name].sides)
    and name != "message"
]
EXTRA = {"set_condition": {"condition": "Baca di tempat"}}
STATES = [s.value for s in State if s not in ("delivered", "answered")]


def test_the_table_covers_the_actions_a_page_or_the_api_offers():
    from loans.api.views import IllRequestViewSet

    for name in transitions.PUBLIC_ACTIONS:
        assert hasattr(IllRequestViewSet, name)
    assert "ship" in ACTIONS and "approve" in ACTIONS and "check_in" in ACTIONS


def test_the_api_does_not_import_the_html_views():
    import loans.api.views as api_views

    source = open(api_views.__file__).read()
    assert "loans.views" not in source and "from loans import views" not in source


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_transition(action, state, school, lender_a, librarian, lender_a_librarian, book):
    transition = transitions.TABLE[action]
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
        renewal_requested=action in ("grant_renewal", "refuse_renewal"),
    )
    side = "requester" if "requester" in transition.sides else "lender"
    by = librarian if side == "requester" else lender_a_librarian
    other = lender_a_librarian if side == "requester" else librarian
    allowed = state in transition.from_states
    # The buttons offered to each side follow the same table.
    assert (action in transitions.available_actions(request, by)) == allowed
    if side == "requester" and "lender" not in transition.sides:
        assert action not in transitions.available_actions(request, other)
    before = IllRequest.objects.filter(pk=request.pk).values().get()
    # The wrong side is refused whatever the state, and nothing changes.
    if not (set(transition.sides) >= {"requester", "lender"}):
        with pytest.raises(PermissionDenied):
            transitions.run(action, request=request, by=other, data=EXTRA.get(action, {}))
        assert IllRequest.objects.filter(pk=request.pk).values().get() == before
    if allowed:
        transitions.run(action, request=request, by=by, data=EXTRA.get(action, {}))
    else:
        with pytest.raises(ValidationError):
            transitions.run(action, request=request, by=by, data=EXTRA.get(action, {}))
        assert IllRequest.objects.filter(pk=request.pk).values().get() == before
