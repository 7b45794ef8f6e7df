"""The network API: the same services as the pages, scoped so that outsiders get 404, errors as JSON field messages."""

import pytest
from django.urls import reverse

from network import services
from network.models import Booking

from .conftest import at

pytestmark = pytest.mark.django_db


def test_booking_through_the_api_and_the_owner_approves(api_client, room, outsider, librarian, monday):
    api_client.force_authenticate(outsider)
    response = api_client.post(
        reverse("api:facility-booking-list"),
        {
            "facility": room.pk,
            "starts_at": at(monday, 9).isoformat(),
            "ends_at": at(monday, 10).isoformat(),
            "purpose": "Rapat",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    booking_id = response.json()["id"]
    assert response.json()["status"] == "pending" and response.json()["library"] == "SMPN7MDN"
    assert api_client.post(reverse("api:facility-booking-approve", args=[booking_id])).status_code == 403
    api_client.force_authenticate(librarian)
    response = api_client.post(reverse("api:facility-booking-approve", args=[booking_id]), {"note": "Silakan"})
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_double_booking_is_a_400_with_a_message(api_client, room, outsider, librarian, school, monday):
    services.booking_create(
        facility=room, library=school, by=librarian, starts_at=at(monday, 9), ends_at=at(monday, 11), purpose="x"
    )
    api_client.force_authenticate(outsider)
    response = api_client.post(
        reverse("api:facility-booking-list"),
        {
            "facility": room.pk,
            "starts_at": at(monday, 10).isoformat(),
            "ends_at": at(monday, 12).isoformat(),
            "purpose": "y",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "already booked" in str(response.json())
    assert Booking.objects.count() == 1


def test_booking_outside_hours_is_a_field_error(api_client, room, outsider, monday):
    api_client.force_authenticate(outsider)
    response = api_client.post(
        reverse("api:facility-booking-list"),
        {
            "facility": room.pk,
            "starts_at": at(monday, 5).isoformat(),
            "ends_at": at(monday, 6).isoformat(),
            "purpose": "y",
        },
        format="json",
    )
    assert response.status_code == 400 and "starts_at" in response.json()


def test_booking_access_matrix(api_client, room, librarian, school, outsider, readonly_staff, coordinator, monday):
    from tests.factories import LibraryFactory, make_librarian

    booking = services.booking_create(
        facility=room, library=school, by=librarian, starts_at=at(monday, 9), ends_at=at(monday, 10), purpose="x"
    )
    url = reverse("api:facility-booking-detail", args=[booking.pk])
    assert api_client.get(url).status_code in (401, 403)  # anonymous
    stranger = make_librarian(LibraryFactory(code="SDX", npsn="10299999"), username="stranger")
    for user, expected in [(stranger, 404), (readonly_staff, 200), (librarian, 200), (coordinator, 200)]:
        api_client.force_authenticate(user)
        assert api_client.get(url).status_code == expected, user
    api_client.force_authenticate(readonly_staff)
    assert api_client.post(reverse("api:facility-booking-cancel", args=[booking.pk])).status_code == 403
    api_client.force_authenticate(stranger)
    assert api_client.post(reverse("api:facility-booking-cancel", args=[booking.pk])).status_code == 404


def test_read_only_key_cannot_book(api_client, room, read_key, monday):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {read_key}")
    assert api_client.get(reverse("api:facility-list")).status_code == 200
    response = api_client.post(
        reverse("api:facility-booking-list"),
        {
            "facility": room.pk,
            "starts_at": at(monday, 9).isoformat(),
            "ends_at": at(monday, 10).isoformat(),
            "purpose": "y",
        },
        format="json",
    )
    assert response.status_code == 403


def test_facility_created_by_the_owner_only(api_client, librarian, outsider):
    payload = {"library": "SMAN1MDN", "name": "Pemindai buku", "kind": "equipment", "open_days": [0, 1, 2]}
    api_client.force_authenticate(outsider)
    assert api_client.post(reverse("api:facility-list"), payload, format="json").status_code == 403
    api_client.force_authenticate(librarian)
    response = api_client.post(reverse("api:facility-list"), payload, format="json")
    assert response.status_code == 201 and response.json()["name"] == "Pemindai buku"
    bad = payload | {"opens_at": "15:00", "closes_at": "08:00"}
    assert api_client.post(reverse("api:facility-list"), bad, format="json").status_code == 400


def test_facility_list_query_count_is_flat(api_client, librarian, school, django_assert_max_num_queries):
    from network.models import Facility

    for n in range(15):
        Facility.objects.create(library=school, name=f"Ruang {n}")
    api_client.force_authenticate(librarian)
    with django_assert_max_num_queries(8):
        api_client.get(reverse("api:facility-list"))


def test_teacher_requests_a_reading_list_through_the_api(api_client, teacher):
    from catalog.models import Record

    api_client.force_authenticate(teacher)
    response = api_client.post(
        reverse("api:reading-list-list"), {"title": "Sastra", "class_name": "XI", "subject": "B. Ind"}, format="json"
    )
    assert response.status_code == 201
    list_id = response.json()["id"]
    record = Record.objects.create(title="Ronggeng Dukuh Paruk")
    response = api_client.post(
        reverse("api:reading-list-add-item", args=[list_id]), {"record": record.pk}, format="json"
    )
    assert response.status_code == 201 and response.json()["items"][0]["title"] == "Ronggeng Dukuh Paruk"
    response = api_client.post(reverse("api:reading-list-request-all", args=[list_id]), {}, format="json")
    # No member school holds the title: nothing is created, the reason is given.
    assert response.status_code == 201
    assert response.json()["created"] == [] and "No other member school" in response.json()["skipped"][0]["reason"]
    api_client.force_authenticate(None)
    assert api_client.get(reverse("api:reading-list-detail", args=[list_id])).status_code == 200


def test_event_registration_and_questions(api_client, coordinator, librarian, outsider):
    from datetime import timedelta

    from django.utils import timezone

    event = services.event_save(
        by=coordinator,
        title="Rapat",
        place="Aula",
        capacity=1,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=1),
    )
    api_client.force_authenticate(librarian)
    assert api_client.post(reverse("api:event-register", args=[event.pk])).status_code == 201
    api_client.force_authenticate(outsider)
    response = api_client.post(reverse("api:event-register", args=[event.pk]))
    assert response.status_code == 400
    response = api_client.post(
        reverse("api:question-list"), {"title": "Cara impor SLiMS?", "area": "slims"}, format="json"
    )
    assert response.status_code == 201
    question_id = response.json()["id"]
    api_client.force_authenticate(librarian)
    assert (
        api_client.post(reverse("api:question-answer", args=[question_id]), {"body": ""}, format="json").status_code
        == 400
    )
    assert (
        api_client.post(
            reverse("api:question-answer", args=[question_id]), {"body": "Pakai CSV."}, format="json"
        ).status_code
        == 201
    )
    assert api_client.get(reverse("api:question-list") + "?q=CSV").json()["count"] == 1


def test_acquisitions_and_subscriptions_are_public(api_client):
    assert api_client.get(reverse("api:new-acquisition-list") + "?days=90").status_code == 200
    assert api_client.get(reverse("api:new-acquisition-list") + "?library=NOPE").status_code == 400
    assert api_client.get(reverse("api:subscription-list")).status_code == 200


def test_colleagues_questions_are_not_read_by_students(api_client, librarian, student):
    """Questions between librarians follow policy.can_read_network in the API as on the pages."""
    question = services.question_ask(by=librarian, title="Cara impor SLiMS?", area="slims")
    api_client.force_authenticate(student)
    assert api_client.get(reverse("api:question-list")).json()["count"] == 0
    assert api_client.get(reverse("api:question-detail", args=[question.pk])).status_code == 404
    api_client.force_authenticate(librarian)
    assert api_client.get(reverse("api:question-detail", args=[question.pk])).status_code == 200
