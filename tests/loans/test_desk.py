"""The desk: several requests moved on at once, and the pick list of the books to ship."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from catalog.models import Holding, Record
from loans import services
from loans.choices import State
from loans.models import IllRequest

pytestmark = pytest.mark.django_db


def promised(librarian, lender_librarian, lender, *, barcode, shelf="", call_number="", title=None):
    """A request from the librarian's school that `lender` (holding the only copy) has promised to supply."""
    record = Record.objects.create(title=title or f"Buku {barcode}")
    Holding.objects.create(
        record=record, library=lender, barcode=barcode, shelf_location=shelf, call_number=call_number
    )
    ill = services.ill_request_create(by=librarian, record=record)
    assert ill.lender_id == lender.pk
    return services.ill_request_will_supply(request=ill, by=lender_librarian)


@pytest.fixture
def three(librarian, lender_a, lender_a_librarian):
    return [promised(librarian, lender_a_librarian, lender_a, barcode=f"A-{n}") for n in range(3)]


def states(requests):
    return [IllRequest.objects.get(pk=r.pk).state for r in requests]


def bulk(client, code, action, requests, **data):
    """Post the desk's form for `action` with `requests` ticked; the page it leads to, in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("loans:desk_bulk", args=[code, action])
    return client.post(url, {"id": [r.pk for r in requests], **data}, follow=True)


def test_bulk_ship_ships_every_ticked_request(client, lender_a_librarian, three):
    client.force_login(lender_a_librarian)
    response = bulk(client, "SMAN2MDN", "ship", three)
    assert response.status_code == 200
    assert states(three) == [State.SHIPPED] * 3
    assert "Done for 3 requests" in response.content.decode()
    assert all(r.holding.status == "lent_out" for r in IllRequest.objects.filter(pk__in=[r.pk for r in three]))


def test_bulk_ship_takes_the_due_date_given(client, lender_a_librarian, three):
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.localdate() + timedelta(days=30)
    client.force_login(lender_a_librarian)
    bulk(client, "SMAN2MDN", "ship", three[:2], due_on=due.isoformat())
    assert [IllRequest.objects.get(pk=r.pk).due_on for r in three[:2]] == [due, due]


def test_one_changed_meanwhile_is_reported_and_the_others_go_through(client, lender_a_librarian, three):
    services.ill_request_ship(request=three[0], by=lender_a_librarian)  # the other desk was quicker
    client.force_login(lender_a_librarian)
    response = bulk(client, "SMAN2MDN", "ship", three)
    page = response.content.decode()
    assert response.status_code == 200
    assert states(three) == [State.SHIPPED] * 3
    assert f"Request #{three[0].pk} Buku A-0: Cannot ship a request that is shipped." in page
    assert f"Done for 2 requests: #{three[1].pk}, #{three[2].pk}." in page


def test_service_reports_each_refusal_by_request(librarian, lender_a_librarian, three):
    outcome = services.ill_requests_bulk(action="ship", requests=three, by=librarian)  # the borrower cannot ship
    assert [error is not None for _, error in outcome] == [True] * 3
    assert states(three) == [State.WILL_SUPPLY] * 3
    services.ill_request_ship(request=three[1], by=lender_a_librarian)
    with translation.override("en"):
        outcome = services.ill_requests_bulk(action="ship", requests=three, by=lender_a_librarian)
    assert [error for _, error in outcome][0::2] == [None, None]
    assert "shipped" in outcome[1][1]


def test_a_librarian_of_another_school_is_refused(client, outsider, three):
    client.force_login(outsider)
    response = client.post(reverse("loans:desk_bulk", args=["SMAN2MDN", "ship"]), {"id": [r.pk for r in three]})
    assert response.status_code == 403
    # at her own desk the requests of other schools are not found, and stay as they were
    page = bulk(client, "SMPN7MDN", "ship", three).content.decode()
    assert f"Request #{three[0].pk}: not found." in page
    assert states(three) == [State.WILL_SUPPLY] * 3


def test_unknown_action_is_404_and_nothing_ticked_is_said(client, lender_a_librarian, three):
    client.force_login(lender_a_librarian)
    assert (
        client.post(reverse("loans:desk_bulk", args=["SMAN2MDN", "cancel"]), {"id": [three[0].pk]}).status_code == 404
    )
    assert "Tick at least one request." in bulk(client, "SMAN2MDN", "ship", []).content.decode()


def test_receive_and_check_in_several_at_once(client, librarian, lender_a_librarian, three):
    for ill in three:
        services.ill_request_ship(request=ill, by=lender_a_librarian)
    client.force_login(librarian)
    bulk(client, "SMAN1MDN", "receive", three)
    assert states(three) == [State.RECEIVED] * 3
    for ill in three:
        for step in (services.ill_request_hand_out, services.ill_request_reader_return, services.ill_request_ship_back):
            step(request=ill, by=librarian)
    client.force_login(lender_a_librarian)
    bulk(client, "SMAN2MDN", "check_in", three)
    assert states(three) == [State.COMPLETED] * 3
    assert set(Holding.objects.filter(library__code="SMAN2MDN").values_list("status", flat=True)) == {"available"}


def test_desk_ticks_only_requests_the_action_applies_to(client, lender_a_librarian, three):
    client.force_login(lender_a_librarian)
    page = client.get(reverse("loans:desk", args=["SMAN2MDN"])).content.decode()
    assert reverse("loans:desk_bulk", args=["SMAN2MDN", "ship"]) in page
    assert all(f'name="id" value="{r.pk}"' in page for r in three)
    assert reverse("loans:desk_bulk", args=["SMAN2MDN", "receive"]) not in page  # nothing to receive
    assert reverse("loans:pick_list", args=["SMAN2MDN"]) in page


def test_pick_list_is_in_shelf_then_call_number_order(client, librarian, lender_a, lender_a_librarian):
    c = promised(librarian, lender_a_librarian, lender_a, barcode="P-3", shelf="Rak B", call_number="100 ABC")
    b = promised(librarian, lender_a_librarian, lender_a, barcode="P-2", shelf="Rak A", call_number="900 XYZ")
    a = promised(librarian, lender_a_librarian, lender_a, barcode="P-1", shelf="Rak A", call_number="300 DEF")
    client.force_login(lender_a_librarian)
    page = client.get(reverse("loans:pick_list", args=["SMAN2MDN"])).content.decode()
    positions = [page.index(f">{ill.holding.barcode}<") for ill in (a, b, c)]
    assert positions == sorted(positions)
    assert "SMA Negeri 1 Medan" in page and "Rak A" in page and "300 DEF" in page and "Buku P-1" in page
    assert "js/print.js" in page and "data-print" in page


def test_pick_list_has_only_todays_outgoing_books_of_own_school(
    client, librarian, outsider, lender_a, lender_b, lender_a_librarian, lender_b_librarian
):
    promised(librarian, lender_a_librarian, lender_a, barcode="OUT-1")
    shipped = services.ill_request_ship(
        request=promised(librarian, lender_a_librarian, lender_a, barcode="GONE-1"), by=lender_a_librarian
    )
    other_school = promised(librarian, lender_b_librarian, lender_b, barcode="ELSE-1")
    record = Record.objects.create(title="Belum dijawab")
    Holding.objects.create(record=record, library=lender_a, barcode="SENT-1")
    not_promised = services.ill_request_create(by=librarian, record=record)
    assert not_promised.state == State.SENT
    client.force_login(lender_a_librarian)
    page = client.get(reverse("loans:pick_list", args=["SMAN2MDN"])).content.decode()
    assert ">OUT-1<" in page
    assert all(f">{code}<" not in page for code in ("GONE-1", "ELSE-1", "SENT-1"))
    assert shipped.state == State.SHIPPED and other_school.lender_id == lender_b.pk
    assert client.get(reverse("loans:pick_list", args=["SMAN4MDN"])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("loans:pick_list", args=["SMAN2MDN"])).status_code == 403
