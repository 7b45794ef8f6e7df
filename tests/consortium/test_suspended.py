"""A suspended library reads but does not act: no imports, no read-write keys, no requests, on pages and API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Holding, ImportJob, Record
from consortium.choices import ApiScope, MembershipStatus
from consortium.models import ApiKey
from consortium.services import api_key_create
from loans.models import IllRequest

pytestmark = pytest.mark.django_db

CSV = b"title,barcode\nBuku Uji,B-1\n"


@pytest.fixture
def record(other_school):
    record = Record.objects.create(title="Laskar Pelangi")
    Holding.objects.create(record=record, library=other_school, barcode="X-1")
    return record


@pytest.fixture
def suspended(school):
    def suspend():
        school.status = MembershipStatus.SUSPENDED
        school.save(update_fields=["status"])

    return suspend


def test_suspended_library_still_reads(client, librarian, school, suspended, record):
    suspended()
    client.force_login(librarian)
    assert client.get(reverse("catalog:holding_list", args=[school.code])).status_code in (200, 403)
    assert client.get(reverse("catalog:record_detail", args=[record.pk])).status_code == 200
    assert client.get(reverse("loans:request_list")).status_code == 200
    assert client.get(reverse("consortium:library_detail", args=[school.code])).status_code == 200


def test_suspended_library_cannot_import_create_keys_or_request_on_pages(
    client, librarian, student, school, suspended, record
):
    suspended()
    client.force_login(librarian)
    upload = SimpleUploadedFile("katalog.csv", CSV, content_type="text/csv")
    response = client.post(reverse("catalog:import_list", args=[school.code]), {"file": upload})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    response = client.post(
        reverse("consortium:apikey_list", args=[school.code]), {"name": "sync", "scope": ApiScope.READ_WRITE}
    )
    assert response.status_code == 403
    assert not ApiKey.objects.exists()
    response = client.post(reverse("loans:request_create") + f"?record={record.pk}", {"service": "loan"})
    assert response.status_code == 403
    client.force_login(student)
    response = client.post(reverse("loans:request_create") + f"?record={record.pk}", {"service": "loan"})
    assert response.status_code == 403
    assert not IllRequest.objects.exists()


def test_suspended_library_key_reads_but_cannot_write(api_client, librarian, school, suspended, record):
    _, raw = api_key_create(library=school, name="sync", scope=ApiScope.READ_WRITE, by=librarian)
    suspended()
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    assert api_client.get("/api/v1/holdings/", **auth).status_code == 200
    assert api_client.get("/api/v1/ill-requests/", **auth).status_code == 200
    response = api_client.post("/api/v1/ill-requests/", {"service": "loan", "record": record.pk}, format="json", **auth)
    assert response.status_code == 403
    assert "suspended" in response.json()["detail"] or "ditangguhkan" in response.json()["detail"]
    response = api_client.post(
        "/api/v1/holdings/upsert/", {"barcode": "N-1", "record": record.pk}, format="json", **auth
    )
    assert response.status_code == 403
    upload = SimpleUploadedFile("katalog.csv", CSV, content_type="text/csv")
    response = api_client.post("/api/v1/holdings/import/", {"file": upload}, format="multipart", **auth)
    assert response.status_code == 403
    assert not IllRequest.objects.exists()
    assert not Holding.objects.filter(library=school).exists()


def test_suspended_librarian_session_cannot_act_through_the_api(api_client, librarian, school, suspended, record):
    suspended()
    api_client.force_authenticate(librarian)
    response = api_client.post("/api/v1/ill-requests/", {"service": "loan", "record": record.pk}, format="json")
    assert response.status_code in (400, 403)
    assert not IllRequest.objects.exists()
