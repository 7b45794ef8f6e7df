"""An empty message or condition is a clear form error (pages) or a 400 with a field message (API)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from loans import services
from loans.models import IllEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(librarian, book):
    return services.ill_request_create(by=librarian, record=book)


def _lender_librarian(request, lender_a, lender_a_librarian, lender_b_librarian):
    return lender_a_librarian if request.lender_id == lender_a.pk else lender_b_librarian


def test_empty_message_on_the_page_is_a_message_not_a_500(client, sent, librarian):
    client.force_login(librarian)
    before = IllEvent.objects.count()
    response = client.post(reverse("loans:request_transition", args=[sent.pk, "message"]), {"note": ""})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)]
    assert IllEvent.objects.count() == before


def test_empty_condition_on_the_page_is_a_message(client, sent, lender_a, lender_a_librarian, lender_b_librarian):
    client.force_login(_lender_librarian(sent, lender_a, lender_a_librarian, lender_b_librarian))
    response = client.post(reverse("loans:request_transition", args=[sent.pk, "set_condition"]), {"condition": ""})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.state == "sent"


def test_empty_message_and_condition_in_the_api_are_field_errors(
    api_client, sent, librarian, lender_a, lender_a_librarian, lender_b_librarian
):
    api_client.force_authenticate(librarian)
    response = api_client.post(f"/api/v1/ill-requests/{sent.pk}/message/", {}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    api_client.force_authenticate(_lender_librarian(sent, lender_a, lender_a_librarian, lender_b_librarian))
    response = api_client.post(f"/api/v1/ill-requests/{sent.pk}/set-condition/", {}, format="json")
    assert response.status_code == 400 and "condition" in response.json()
