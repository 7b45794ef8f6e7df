"""Pages: status codes for each persona, forms that turn service errors into messages, nothing answers 500."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from network import services
from network.models import Booking, Event, Question, ReadingList

from .conftest import at

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = Client(raise_request_exception=True)
    if user is not None:
        client.force_login(user)
    return client


def test_network_pages_render_for_a_librarian(librarian, room, monday, other_school, outsider):
    booking = services.booking_create(
        facility=room, library=other_school, by=outsider, starts_at=at(monday, 9), ends_at=at(monday, 10), purpose="x"
    )
    client = client_for(librarian)
    for name, args in [
        ("network:home", []),
        ("network:facility_list", []),
        ("network:facility_detail", [room.pk]),
        ("network:facility_edit", [room.pk]),
        ("network:booking_list", []),
        ("network:booking_detail", [booking.pk]),
        ("network:school_calendar", ["SMAN1MDN"]),
        ("network:usage", []),
        ("network:event_list", []),
        ("network:event_create", []),
        ("network:guideline_list", []),
        ("network:expertise_list", []),
        ("network:question_list", []),
        ("network:acquisitions", []),
        ("network:subscription_list", []),
        ("network:readinglist_list", []),
        ("network:readinglist_create", []),
        ("network:partner_list", ["SMAN1MDN"]),
        ("network:report", ["SMAN1MDN"]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name


def test_pages_exist_in_english_too(librarian, room):
    client = client_for(librarian)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("network:facility_detail", args=[room.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert b"Calendar" in response.content
    indonesian = client_for(librarian).get(reverse("network:facility_detail", args=[room.pk]))
    assert b"Kalender" in indonesian.content


def test_booking_form_books_and_redirects(room, outsider, other_school, monday):
    response = client_for(outsider).post(
        reverse("network:facility_detail", args=[room.pk]),
        {"library": other_school.pk, "day": monday.isoformat(), "start": "09:00", "end": "10:30", "purpose": "Rapat"},
    )
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == booking.get_absolute_url()


def test_booking_form_shows_the_rule_that_failed(room, outsider, other_school, monday):
    response = client_for(outsider).post(
        reverse("network:facility_detail", args=[room.pk]),
        {"library": other_school.pk, "day": monday.isoformat(), "start": "06:00", "end": "07:00", "purpose": "Rapat"},
    )
    assert response.status_code == 400
    assert not Booking.objects.exists()
    assert "07.30" in response.content.decode() or "07:30" in response.content.decode()


def test_outsider_gets_404_for_another_schools_booking(room, librarian, school, monday):
    from tests.factories import LibraryFactory, make_librarian

    booking = services.booking_create(
        facility=room, library=school, by=librarian, starts_at=at(monday, 9), ends_at=at(monday, 10), purpose="x"
    )
    stranger = make_librarian(LibraryFactory(code="SDX", npsn="10299999"), username="stranger")
    assert client_for(stranger).get(booking.get_absolute_url()).status_code == 404
    assert client_for(stranger).post(reverse("network:booking_action", args=[booking.pk, "cancel"])).status_code == 404


def test_owner_approves_from_the_page(room, librarian, outsider, other_school, monday):
    booking = services.booking_create(
        facility=room, library=other_school, by=outsider, starts_at=at(monday, 9), ends_at=at(monday, 10), purpose="x"
    )
    client_for(outsider).post(reverse("network:booking_action", args=[booking.pk, "approve"]))
    booking.refresh_from_db()
    assert booking.status == "pending"  # the booker cannot approve its own booking
    client_for(librarian).post(reverse("network:booking_action", args=[booking.pk, "approve"]))
    booking.refresh_from_db()
    assert booking.status == "approved"


def test_anonymous_is_sent_to_login_for_facilities_but_reads_lists(room):
    client = client_for()
    assert client.get(reverse("network:facility_list")).status_code == 302
    assert client.get(reverse("network:acquisitions")).status_code == 200
    assert client.get(reverse("network:readinglist_list")).status_code == 200


def test_student_cannot_offer_facilities_or_see_the_report(student):
    client = client_for(student)
    assert client.get(reverse("network:facility_create") + "?library=SMAN1MDN").status_code == 403
    assert client.get(reverse("network:report", args=["SMAN1MDN"])).status_code == 404


def test_principal_sees_the_one_page_report(principal, school):
    response = client_for(principal).get(reverse("network:report", args=[school.code]))
    assert response.status_code == 200
    assert school.name in response.content.decode()


def test_event_register_over_capacity_shows_a_message(librarian, outsider, coordinator):
    event = services.event_save(
        by=coordinator,
        title="Pelatihan DDC",
        place="Aula",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        capacity=1,
    )
    client_for(librarian).post(reverse("network:event_action", args=[event.pk, "register"]))
    response = client_for(outsider).post(reverse("network:event_action", args=[event.pk, "register"]), follow=True)
    assert event.registrations.count() == 1
    assert "penuh" in response.content.decode()  # "The event is full", in Indonesian


def test_question_page_search_finds_answers(librarian, outsider):
    question = services.question_ask(by=librarian, title="Nomor panggil fiksi", area="ddc")
    services.answer_post(question=question, by=outsider, body="Gunakan F atau 899.221 untuk sastra Indonesia.")
    response = client_for(librarian).get(reverse("network:question_list") + "?q=899.221")
    assert question.title in response.content.decode()
    assert Question.objects.search("tidak-ada").count() == 0


def test_reading_list_pages(teacher, school):
    reading_list = services.reading_list_create(by=teacher, title="Sastra", class_name="XI IPA 2", subject="B. Ind")
    client = client_for(teacher)
    assert client.get(reading_list.get_absolute_url() + "?q=bumi").status_code == 200
    assert client_for().get(reading_list.get_absolute_url()).status_code == 200
    assert ReadingList.objects.count() == 1


def test_event_detail_renders_for_organiser_after_start(coordinator):
    event = Event.objects.create(
        title="Rapat teknis",
        place="Aula",
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1),
        capacity=10,
        created_by=coordinator,
    )
    response = client_for(coordinator).get(event.get_absolute_url())
    assert response.status_code == 200


def test_forms_create_through_the_pages(librarian, school, coordinator, settings, tmp_path, facilities_agreement):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from network.models import ExpertiseEntry, Facility, Guideline, Partner, Subscription

    settings.PRIVATE_FILES_ROOT = tmp_path
    client = client_for(librarian)
    response = client.post(
        reverse("network:facility_create") + "?library=SMAN1MDN",
        {
            "library_code": "SMAN1MDN",
            "name": "Pemindai A3",
            "kind": "reproduction",
            "seats": 1,
            "opens_at": "08:00",
            "closes_at": "14:00",
            "open_days": ["0", "2", "4"],
            "agreement": facilities_agreement.pk,
            "is_active": "on",
        },
    )
    facility = Facility.objects.get(name="Pemindai A3")
    assert response.status_code == 302 and facility.open_days == [0, 2, 4]
    bad = client.post(
        reverse("network:facility_edit", args=[facility.pk]),
        {"name": "x", "kind": "room", "seats": 1, "opens_at": "14:00", "closes_at": "08:00", "open_days": ["0"]},
    )
    assert bad.status_code == 400
    response = client.post(
        reverse("network:subscription_create") + "?library=SMAN1MDN",
        {
            "library_code": "SMAN1MDN",
            "title": "Kompas",
            "kind": "newspaper",
            "frequency": "daily",
            "holdings_from": 2020,
        },
    )
    assert response.status_code == 302 and Subscription.objects.filter(title="Kompas").exists()
    response = client.post(
        reverse("network:partner_list", args=["SMAN1MDN"]),
        {"kind": "parent", "name": "Ibu Rina", "since": "2025-01-01", "books_donated": 3},
    )
    assert response.status_code == 302 and Partner.objects.filter(name="Ibu Rina").exists()
    assert client.post(reverse("network:expertise_list"), {"area": "ddc", "level": "can_help"}).status_code == 302
    assert ExpertiseEntry.objects.filter(user=librarian).exists()
    response = client.post(reverse("network:question_list"), {"title": "Apa itu RDA?", "area": "cataloguing"})
    assert response.status_code == 302
    pdf = SimpleUploadedFile("pedoman.pdf", b"%PDF-1.4\n%%EOF\n")
    response = client.post(reverse("network:guideline_list"), {"title": "Pedoman", "category": "loans", "file": pdf})
    assert response.status_code == 302 and Guideline.objects.filter(title="Pedoman").exists()
    response = client_for(coordinator).post(
        reverse("network:event_create"),
        {
            "title": "Rapat teknis",
            "kind": "meeting",
            "place": "Aula",
            "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT09:00"),
            "ends_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT11:00"),
            "capacity": 10,
        },
    )
    assert response.status_code == 302 and Event.objects.filter(title="Rapat teknis").exists()


def test_students_do_not_see_the_librarians_network(student):
    client = client_for(student)
    assert client.get(reverse("network:event_list")).status_code == 403
    assert client.get(reverse("network:guideline_list")).status_code == 403
    home = client.get(reverse("network:home")).content.decode()
    assert reverse("network:report", args=["SMAN1MDN"]) not in home


def test_coordinator_divides_a_task_on_the_expertise_page(coordinator, librarian, facilities_agreement):
    from network.models import TaskAssignment

    services.expertise_add(by=librarian, area="cataloguing", level="can_train")
    client = client_for(coordinator)
    url = reverse("network:expertise_list")
    payload = {"agreement": facilities_agreement.pk, "area": "ddc", "task": "Pedoman DDC", "assignee": librarian.pk}
    assert client.post(url, payload).status_code == 400  # not listed for DDC
    assert client.post(url, payload | {"area": "cataloguing"}).status_code == 302
    assert TaskAssignment.objects.get().library.code == "SMAN1MDN"
    assert "Pedoman DDC" in client.get(url).content.decode()


def test_librarian_registers_a_teacher_and_the_principal(librarian, school, outsider):
    from django.core.exceptions import PermissionDenied

    from consortium import policy
    from consortium.services import person_add

    teacher = person_add(
        library=school,
        by=librarian,
        username="pak_tigor",
        first_name="Tigor",
        last_name="Sitompul",
        email="tigor@example.org",
        role="teacher",
    )
    assert policy.is_teacher(teacher) and policy.school_id_of(teacher) == school.pk
    assert policy.can_build_reading_list(teacher) and policy.can_request_ill(teacher)
    with pytest.raises(PermissionDenied):
        person_add(library=school, by=outsider, username="x", first_name="x", last_name="x", email="", role="principal")
    page = client_for(librarian).get(reverse("consortium:people", args=[school.code])).content.decode()
    assert 'value="teacher"' in page and "Tigor" in page
