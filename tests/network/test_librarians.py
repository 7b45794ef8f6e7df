"""Librarians' network: events (capacity, attendance, certificates), guidelines (versions, file types, served through
the policy), the expertise directory, questions, and tasks divided by expertise."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loans.models import Notification
from network import services
from network.models import Event, Guideline, GuidelineVersion, Registration, TaskAssignment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def event(coordinator):
    return services.event_save(
        by=coordinator,
        title="Pelatihan katalogisasi RDA",
        kind="training",
        place="Perpustakaan SMA Negeri 1 Medan",
        starts_at=timezone.now() + timedelta(days=5),
        ends_at=timezone.now() + timedelta(days=5, hours=3),
        capacity=2,
    )


# --- events ---------------------------------------------------------------------------------------------


def test_registration_up_to_capacity_then_full(event, librarian, outsider, school):
    from tests.factories import make_librarian

    services.event_register(event=event, by=librarian)
    services.event_register(event=event, by=outsider)
    third = make_librarian(school, username="ketiga")
    with pytest.raises(ValidationError, match="full"):
        services.event_register(event=event, by=third)
    assert Registration.objects.count() == 2
    assert Notification.objects.filter(user=librarian, kind="event").exists()


def test_registering_twice_is_refused(event, librarian):
    services.event_register(event=event, by=librarian)
    with pytest.raises(ValidationError, match="already registered"):
        services.event_register(event=event, by=librarian)


def test_students_and_keys_do_not_register(event, student):
    with pytest.raises(PermissionDenied):
        services.event_register(event=event, by=student)


def test_event_in_the_past_or_ending_before_it_starts_is_refused(coordinator):
    now = timezone.now()
    with pytest.raises(ValidationError, match="past"):
        services.event_save(
            by=coordinator, title="x", place="y", capacity=5, starts_at=now - timedelta(days=1), ends_at=now
        )
    with pytest.raises(ValidationError, match="end after it starts"):
        services.event_save(
            by=coordinator,
            title="x",
            place="y",
            capacity=5,
            starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=1),
        )
    assert not Event.objects.exists()


def test_capacity_cannot_drop_below_registrations(event, librarian, outsider, coordinator):
    services.event_register(event=event, by=librarian)
    services.event_register(event=event, by=outsider)
    with pytest.raises(ValidationError, match="already registered"):
        services.event_save(by=coordinator, event=event, capacity=1)


def test_attendance_minutes_and_certificate(event, librarian, outsider, coordinator):
    services.event_register(event=event, by=librarian)
    services.event_register(event=event, by=outsider)
    with pytest.raises(ValidationError, match="once the event has started"):
        services.event_record_attendance(event=event, by=coordinator, attended_user_ids=[librarian.pk])
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    event.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.event_record_attendance(event=event, by=librarian, attended_user_ids=[librarian.pk])
    services.event_record_attendance(
        event=event, by=coordinator, attended_user_ids=[librarian.pk], minutes="1. Kaidah RDA disepakati."
    )
    present = Registration.objects.get(user=librarian)
    assert present.attended and present.certificate_number.startswith("SRT/")
    assert not Registration.objects.get(user=outsider).attended
    client = Client()
    client.force_login(librarian)
    response = client.get(reverse("network:event_certificate", args=[event.pk, librarian.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(outsider)  # absent: no certificate, and none of a colleague's
    assert client.get(reverse("network:event_certificate", args=[event.pk, outsider.pk])).status_code == 404
    assert client.get(reverse("network:event_certificate", args=[event.pk, librarian.pk])).status_code == 404


def test_registration_closes_when_the_event_starts(event, librarian):
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    event.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.event_register(event=event, by=librarian)


# --- guidelines --------------------------------------------------------------------------------------------


def test_guideline_with_versions(librarian, school):
    guideline = services.guideline_create(
        by=librarian,
        title="Pedoman katalogisasi",
        category="cataloguing",
        file=SimpleUploadedFile("pedoman.pdf", PDF),
    )
    assert guideline.library == school and guideline.current.number == 1
    version = services.guideline_add_version(
        guideline=guideline, by=librarian, file=SimpleUploadedFile("pedoman-v2.docx", docx_bytes()), note="Tambah RDA"
    )
    assert version.number == 2 and version.content_type.endswith("wordprocessingml.document")
    assert guideline.current.number == 2


@pytest.mark.parametrize(
    "name,content",
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("pura-pura.pdf", b"MZ\x90\x00not a pdf"),
        ("palsu.docx", PDF),
        ("kosong.docx", b"PK\x03\x04broken zip"),
        ("gambar.png", b"\x89PNG\r\n\x1a\n"),
    ],
)
def test_wrong_file_type_is_refused_and_nothing_is_written(librarian, name, content):
    with pytest.raises(ValidationError, match="Only PDF"):
        services.guideline_create(by=librarian, title="x", category="forms", file=SimpleUploadedFile(name, content))
    assert not Guideline.objects.exists() and not GuidelineVersion.objects.exists()


def test_new_version_needs_a_note_and_the_right_person(librarian, outsider):
    guideline = services.guideline_create(
        by=librarian, title="Tata tertib", category="loans", file=SimpleUploadedFile("a.pdf", PDF)
    )
    with pytest.raises(ValidationError, match="what changed"):
        services.guideline_add_version(guideline=guideline, by=librarian, file=SimpleUploadedFile("b.pdf", PDF))
    with pytest.raises(PermissionDenied):
        services.guideline_add_version(
            guideline=guideline, by=outsider, file=SimpleUploadedFile("b.pdf", PDF), note="x"
        )
    assert guideline.versions.count() == 1


def test_guideline_files_are_served_through_the_policy_not_media(librarian, student, settings):
    guideline = services.guideline_create(
        by=librarian, title="Formulir", category="forms", file=SimpleUploadedFile("formulir.pdf", PDF)
    )
    version = guideline.current
    path = version.file.path
    assert str(settings.PRIVATE_FILES_ROOT) in path and str(settings.MEDIA_ROOT) not in path
    url = reverse("network:guideline_file", args=[guideline.pk, 1])
    client = Client()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(student)
    assert client.get(url).status_code == 403
    client.force_login(librarian)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_upload_page_shows_the_file_type_message(librarian):
    client = Client()
    client.force_login(librarian)
    response = client.post(
        reverse("network:guideline_list"),
        {"title": "x", "category": "forms", "file": SimpleUploadedFile("x.exe", b"MZ")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert not Guideline.objects.exists()


# --- expertise, questions, tasks -----------------------------------------------------------------------------


def test_expertise_directory_and_questions_notify(librarian, outsider):
    services.expertise_add(by=outsider, area="ddc", level="can_train", note="Sepuluh tahun mengajar DDC")
    with pytest.raises(ValidationError, match="already listed"):
        services.expertise_add(by=outsider, area="ddc", level="can_help")
    question = services.question_ask(by=librarian, title="Nomor DDC untuk buku muatan lokal?", area="ddc")
    assert Notification.objects.filter(user=outsider, kind="question").exists()
    services.answer_post(question=question, by=outsider, body="Gunakan 959.812 untuk Sumatera Utara.")
    assert Notification.objects.filter(user=librarian, kind="answer").exists()
    with pytest.raises(ValidationError):
        services.answer_post(question=question, by=outsider, body="  ")


def test_students_and_teachers_do_not_ask_or_list_expertise(student, teacher):
    with pytest.raises(PermissionDenied):
        services.question_ask(by=student, title="x", area="ddc")
    with pytest.raises(PermissionDenied):
        services.expertise_add(by=teacher, area="ddc", level="can_help")


def test_tasks_are_divided_by_listed_expertise(
    coordinator, librarian, outsider, school, other_school, librarian_agreement
):
    services.expertise_add(by=librarian, area="cataloguing", level="can_train")
    task = services.task_assign(
        by=coordinator,
        agreement=librarian_agreement,
        area="cataloguing",
        task="Menyusun pedoman katalogisasi",
        assignee=librarian,
    )
    assert task.library == school
    with pytest.raises(ValidationError, match="not listed"):
        services.task_assign(by=coordinator, agreement=librarian_agreement, area="ddc", task="x", assignee=outsider)
    with pytest.raises(PermissionDenied):
        services.task_assign(
            by=librarian, agreement=librarian_agreement, area="cataloguing", task="x", assignee=librarian
        )
    assert TaskAssignment.objects.count() == 1


@pytest.fixture
def librarian_agreement(school, other_school):
    from agreements.choices import Form, Status
    from agreements.models import Agreement, Party

    agreement = Agreement.objects.create(
        number="PKS/PUS/001",
        title="Kerja sama pustakawan",
        forms=[Form.LIBRARIANS],
        status=Status.ACTIVE,
        start_on=timezone.localdate(),
    )
    Party.objects.create(agreement=agreement, library=school)
    Party.objects.create(agreement=agreement, library=other_school)
    return agreement


# --- partners and the principal's report -----------------------------------------------------------------------


def test_partners_recorded_by_librarians_and_counted_in_the_report(librarian, outsider, school, principal):
    services.partner_save(
        by=librarian,
        library=school,
        kind="parent",
        name="Bapak Tua Simanjuntak",
        books_donated=25,
        contribution="Menyumbang buku cerita",
    )
    with pytest.raises(PermissionDenied):
        services.partner_save(by=outsider, library=school, kind="alumnus", name="x")
    from network.selectors import cooperation_report

    report = cooperation_report(library=school, year=timezone.localdate().year)
    assert report["partners"] == 1 and report["partner_books"] == 25
    client = Client()
    client.force_login(principal)
    page = client.get(reverse("network:report", args=[school.code])).content.decode()
    assert "25" in page
    client.force_login(outsider)
    assert client.get(reverse("network:partner_list", args=[school.code])).status_code == 404
