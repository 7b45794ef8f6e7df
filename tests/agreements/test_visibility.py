"""Who reads which agreement (pages, PDF and API): drafts only coordinators; in review and signing also the
parties' staff and keys; active and ended agreements every member. Everyone else gets 404, never 403."""

import pytest
from django.urls import reverse

from agreements.choices import Form, Status
from agreements.models import Agreement, Party
from consortium.choices import ApiScope
from consortium.services import api_key_create
from tests.factories import LibraryFactory, make_librarian, make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_school(db):
    return LibraryFactory(code="SMAN9MDN", name="SMA Negeri 9 Medan")


@pytest.fixture
def make_agreement(school, other_school):
    def make(status):
        agreement = Agreement.objects.create(
            number=f"PKS/VIS/{status}", title=f"Perjanjian {status}", forms=[Form.ILL], status=status
        )
        Party.objects.create(agreement=agreement, library=school)
        Party.objects.create(agreement=agreement, library=other_school)
        return agreement

    return make


def _pages(agreement):
    return [
        reverse("agreements:agreement_detail", args=[agreement.pk]),
        reverse("agreements:agreement_pdf", args=[agreement.pk]),
        reverse("agreements:agreement_compare", args=[agreement.pk]),
    ]


EXPECTED = {
    # status: (coordinator, party librarian, party student, outsider librarian, party key, outsider key)
    Status.DRAFT: (True, False, False, False, False, False),
    Status.REVIEW: (True, True, False, False, True, False),
    Status.SIGNING: (True, True, False, False, True, False),
    Status.ACTIVE: (True, True, True, True, True, True),
    Status.EXPIRED: (True, True, True, True, True, True),
    Status.TERMINATED: (True, True, True, True, True, True),
}


@pytest.mark.parametrize("status", list(EXPECTED))
def test_agreement_visibility_by_status(
    status, make_agreement, client, api_client, coordinator, librarian, school, third_school
):
    agreement = make_agreement(status)
    from agreements.services import _save_version

    _save_version(agreement, coordinator)
    student = make_student(school, username="siswa-vis")
    outsider = make_librarian(third_school, username="luar-vis")
    _, party_key = api_key_create(library=school, name="k", scope=ApiScope.READ, by=librarian)
    outsider_librarian = make_librarian(third_school, username="luar-vis-2")
    _, outsider_key = api_key_create(library=third_school, name="k", scope=ApiScope.READ, by=outsider_librarian)

    for person, allowed in zip((coordinator, librarian, student, outsider), EXPECTED[status][:4], strict=True):
        client.force_login(person)
        for url in _pages(agreement):
            response = client.get(url)
            assert response.status_code == (200 if allowed else 404), (person.username, url)
        listed = client.get(reverse("agreements:agreement_list"))
        assert (agreement.number in listed.content.decode()) == allowed
        api_client.force_authenticate(person)
        detail = api_client.get(f"/api/v1/agreements/{agreement.pk}/")
        assert detail.status_code == (200 if allowed else 404)
        listing = api_client.get("/api/v1/agreements/")
        assert (agreement.pk in [row["id"] for row in listing.json()["results"]]) == allowed
        api_client.force_authenticate(None)

    for key, allowed in zip((party_key, outsider_key), EXPECTED[status][4:], strict=True):
        response = api_client.get(f"/api/v1/agreements/{agreement.pk}/", HTTP_AUTHORIZATION=f"Api-Key {key}")
        assert response.status_code == (200 if allowed else 404)


def test_anonymous_reads_no_agreement(make_agreement, client, api_client):
    agreement = make_agreement(Status.ACTIVE)
    assert client.get(reverse("agreements:agreement_detail", args=[agreement.pk])).status_code == 302
    assert api_client.get(f"/api/v1/agreements/{agreement.pk}/").status_code in (401, 403)
