import pytest
from django.urls import reverse

from consortium.choices import ApiScope
from consortium.services import api_key_create
from loans.choices import State
from loans.models import IllRequest

pytestmark = pytest.mark.django_db
LIST = reverse("api:ill-request-list")


def key(raw):
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def action(pk, name):
    return reverse(f"api:ill-request-{name.replace('_', '-')}", args=[pk])


def test_key_creates_and_the_lender_acts_through_the_api(
    api_client, write_key, book, lender_a, lender_b, lender_a_librarian, lender_b_librarian
):
    response = api_client.post(LIST, {"record": book.pk, "service": "loan"}, format="json", **key(write_key))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "sent" and "reader" not in body
    lender = lender_a if body["lender"] == lender_a.code else lender_b
    librarian = lender_a_librarian if lender == lender_a else lender_b_librarian
    _, lender_key = api_key_create(library=lender, name="sync", scope=ApiScope.READ_WRITE, by=librarian)
    response = api_client.post(action(body["id"], "will_supply"), {}, format="json", **key(lender_key))
    assert response.status_code == 200 and response.json()["state"] == "will_supply"
    response = api_client.post(action(body["id"], "ship"), {}, format="json", **key(lender_key))
    assert response.json()["state"] == "shipped" and response.json()["due_on"]
    # out of order: 400 with a message, nothing changes
    response = api_client.post(action(body["id"], "check_in"), {}, format="json", **key(lender_key))
    assert response.status_code == 400
    assert IllRequest.objects.get(pk=body["id"]).state == State.SHIPPED


def test_only_keys_of_the_libraries_involved_see_a_request(api_client, write_key, book, other_school, outsider):
    created = api_client.post(LIST, {"record": book.pk}, format="json", **key(write_key)).json()
    _, stranger = api_key_create(library=other_school, name="x", scope=ApiScope.READ_WRITE, by=outsider)
    assert api_client.get(reverse("api:ill-request-detail", args=[created["id"]]), **key(stranger)).status_code == 404
    assert api_client.post(action(created["id"], "cancel"), {}, format="json", **key(stranger)).status_code == 404
    assert api_client.get(LIST, **key(stranger)).json()["count"] == 0


def test_filters_and_read_only_key(api_client, write_key, read_key, book):
    api_client.post(LIST, {"record": book.pk}, format="json", **key(write_key))
    assert api_client.get(LIST, {"role": "requester"}, **key(read_key)).json()["count"] == 1
    assert api_client.get(LIST, {"role": "lender"}, **key(read_key)).json()["count"] == 0
    assert api_client.get(LIST, {"state": "sent"}, **key(read_key)).json()["count"] == 1
    assert api_client.post(LIST, {"record": book.pk}, format="json", **key(read_key)).status_code == 403


def test_bad_payload_is_400_with_fields(api_client, write_key, book):
    response = api_client.post(LIST, {"record": 999999, "needed_by": "not a date"}, format="json", **key(write_key))
    assert response.status_code == 400 and {"record", "needed_by"} <= set(response.json())
    response = api_client.post(LIST, {"record": book.pk, "needed_by": "2001-01-01"}, format="json", **key(write_key))
    assert response.status_code == 400 and "needed_by" in response.json()
    assert api_client.get(LIST).status_code == 401
