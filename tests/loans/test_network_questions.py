"""A reference question goes to the network: the libraries that share an information-services agreement with
the asking school see it in their list, open it and answer it, on pages and through the API."""

import pytest
from django.urls import reverse

from agreements.choices import Form
from loans import services
from loans.choices import State
from loans.models import IllRequest, Notification
from tests.factories import LibraryFactory, make_librarian

pytestmark = pytest.mark.django_db

QUESTION = "Buku apa yang membahas sejarah Kesultanan Deli?"


@pytest.fixture
def question(librarian, lender_a_librarian, lender_b_librarian):
    return services.ill_request_create(by=librarian, service="reference", question=QUESTION)


def test_question_reaches_the_network_and_is_answered_on_the_page(client, question, lender_a_librarian):
    assert question.state == State.SENT
    assert Notification.objects.filter(user=lender_a_librarian, request=question, kind="question").exists()
    client.force_login(lender_a_librarian)
    listing = client.get(reverse("loans:request_list"))
    assert QUESTION[:30] in listing.content.decode()
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200
    assert 'data-action="deliver"' in page.content.decode()
    response = client.post(
        reverse("loans:request_transition", args=[question.pk, "deliver"]), {"answer": "Coba 'Sejarah Deli'."}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == State.ANSWERED and question.answer == "Coba 'Sejarah Deli'."


def test_question_is_answered_through_the_api(api_client, question, lender_b_librarian, lender_b):
    api_client.force_authenticate(lender_b_librarian)
    listed = api_client.get("/api/v1/ill-requests/").json()["results"]
    assert question.pk in [row["id"] for row in listed]
    assert api_client.get(f"/api/v1/ill-requests/{question.pk}/").status_code == 200
    response = api_client.post(f"/api/v1/ill-requests/{question.pk}/deliver/", {"answer": "Lihat rak 959."})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.ANSWERED
    assert IllRequest.objects.get(pk=question.pk).lender_id == lender_b.pk


def test_an_empty_answer_is_a_field_error(api_client, question, lender_b_librarian):
    api_client.force_authenticate(lender_b_librarian)
    response = api_client.post(f"/api/v1/ill-requests/{question.pk}/deliver/", {}, format="json")
    assert response.status_code == 400
    assert "answer" in response.json()


def test_schools_outside_the_information_agreement_neither_see_nor_answer(api_client, client, question, ill_agreement):
    stranger = LibraryFactory(code="SMAN7MDN", name="SMA Negeri 7 Medan")
    # An interlibrary-loan agreement alone does not cover questions.
    ill_agreement(stranger, question.requester, forms=[Form.ILL])
    librarian = make_librarian(stranger, username="asing")
    client.force_login(librarian)
    assert client.get(question.get_absolute_url()).status_code == 404
    post = client.post(reverse("loans:request_transition", args=[question.pk, "deliver"]), {"answer": "x"})
    assert post.status_code == 404
    api_client.force_authenticate(librarian)
    assert api_client.post(f"/api/v1/ill-requests/{question.pk}/deliver/", {"answer": "x"}).status_code == 404
    assert IllRequest.objects.get(pk=question.pk).state == State.SENT


def test_the_asking_school_cannot_answer_its_own_question(client, question, librarian):
    client.force_login(librarian)
    page = client.get(question.get_absolute_url())
    assert 'data-action="deliver"' not in page.content.decode()


def test_without_an_information_agreement_the_question_is_unfilled(school, ill_agreement, network_agreement):
    from agreements.models import Agreement

    Agreement.objects.all().update(forms=[Form.ILL])
    librarian = make_librarian(school, username="sendiri")
    request = services.ill_request_create(by=librarian, service="reference", question=QUESTION)
    assert request.state == State.UNFILLED
    assert "information" in request.unfilled_reason or "informasi" in request.unfilled_reason
