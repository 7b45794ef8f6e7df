import pytest
from django.http import HttpRequest
from django.urls import reverse

from consortium.models import Library
from tests.factories import LibraryFactory

pytestmark = pytest.mark.django_db


def edit_payload(library, **changes):
    data = {
        "name": library.name,
        "code": library.code,
        "npsn": library.npsn,
        "level": library.level,
        "address": library.address,
        "city": library.city,
        "province": library.province,
        "phone": library.phone,
        "email": library.email,
        "website": library.website,
        "head_librarian": library.head_librarian,
        "opening_hours": library.opening_hours,
        "services": library.services,
        "status": library.status,
        "applied_on": library.applied_on.isoformat(),
        "joined_on": library.joined_on.isoformat() if library.joined_on else "",
        "left_on": "",
    }
    data.update(changes)
    return data


def test_directory_lists_members_for_anonymous_visitors(client, school, other_school):
    response = client.get(reverse("consortium:library_list"))
    assert response.status_code == 200
    assert "SMA Negeri 1 Medan" in response.content.decode()
    assert "SMP Negeri 7 Medan" in response.content.decode()


def test_directory_hides_applicants_from_the_public(client, school):
    LibraryFactory(name="SMA Pelamar", status="applicant")
    response = client.get(reverse("consortium:library_list"))
    assert "SMA Pelamar" not in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("level=smp", {"SMPN7MDN"}),
        ("city=kota+medan", {"SMAN1MDN", "SMPN7MDN"}),
        ("city=Kota+Binjai", {"BINJAI1"}),
        ("service=delivery", {"BINJAI1"}),
        ("service=loan&service=copies", {"SMAN1MDN", "SMPN7MDN"}),
        ("status=suspended", {"BINJAI1"}),
        ("q=binjai", {"BINJAI1"}),
        ("q=10210872", {"SMAN1MDN"}),
        ("level=sma&city=Kota+Medan", {"SMAN1MDN"}),
    ],
)
def test_directory_filters(client, school, other_school, query, expected):
    LibraryFactory(
        code="BINJAI1", name="SMA Negeri 1 Binjai", city="Kota Binjai", services=["delivery"], status="suspended"
    )
    response = client.get(reverse("consortium:library_list") + "?" + query)
    assert response.status_code == 200
    assert {lib.code for lib in response.context["object_list"]} == expected


def test_directory_with_unknown_filter_value_shows_a_message_not_an_error(client, school):
    response = client.get(reverse("consortium:library_list") + "?level=university&page=999")
    assert response.status_code in (200, 404)
    assert response.status_code != 500


def test_detail_page_shows_opening_hours(client, school):
    response = client.get(school.get_absolute_url())
    assert response.status_code == 200
    assert "Senin–Jumat 07.30–15.00" in response.content.decode()


def test_unknown_library_is_404(client):
    assert client.get(reverse("consortium:library_detail", args=["NOPE"])).status_code == 404


def test_librarian_edits_own_library(client, librarian, school):
    client.force_login(librarian)
    url = reverse("consortium:library_edit", args=[school.code])
    response = client.post(url, edit_payload(school, phone="(061) 4514321", opening_hours="Senin–Sabtu"))
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.phone == "(061) 4514321"


def test_librarian_of_a_cannot_edit_b_on_the_page(client, librarian, other_school):
    client.force_login(librarian)
    url = reverse("consortium:library_edit", args=[other_school.code])
    assert client.get(url).status_code == 403
    response = client.post(url, edit_payload(other_school, name="Taken over"))
    assert response.status_code == 403
    other_school.refresh_from_db()
    assert other_school.name == "SMP Negeri 7 Medan"


def test_librarian_cannot_change_own_membership_status(client, librarian, school):
    client.force_login(librarian)
    url = reverse("consortium:library_edit", args=[school.code])
    client.post(url, edit_payload(school, status="left"))
    school.refresh_from_db()
    assert school.status == "active"


def test_invalid_form_shows_field_errors_and_saves_nothing(client, coordinator, school):
    client.force_login(coordinator)
    url = reverse("consortium:library_edit", args=[school.code])
    response = client.post(url, edit_payload(school, npsn="12", email="not-an-email", name=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert {"npsn", "email", "name"} <= set(form.errors)
    assert "NPSN" in response.content.decode()
    school.refresh_from_db()
    assert school.npsn == "10210872"


def test_coordinator_adds_a_library(client, coordinator):
    client.force_login(coordinator)
    data = edit_payload(
        LibraryFactory.build(code="SMAN5MDN", npsn="10210876", name="SMA Negeri 5 Medan"),
        status="active",
        applied_on="2026-01-05",
        joined_on="",
    )
    response = client.post(reverse("consortium:library_create"), data)
    assert response.status_code == 302
    library = Library.objects.get(code="SMAN5MDN")
    assert library.joined_on is not None


def test_duplicate_npsn_on_create_is_a_form_error(client, coordinator, school):
    client.force_login(coordinator)
    data = edit_payload(LibraryFactory.build(code="DUP", npsn=school.npsn), joined_on="")
    response = client.post(reverse("consortium:library_create"), data)
    assert response.status_code == 200
    assert "npsn" in response.context["form"].errors
    assert not Library.objects.filter(code="DUP").exists()


def test_librarian_cannot_add_libraries(client, librarian):
    client.force_login(librarian)
    assert client.get(reverse("consortium:library_create")).status_code == 403


def test_edit_page_requires_login(client, school):
    response = client.get(reverse("consortium:library_edit", args=[school.code]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_language_switch_to_english_and_back(client, school):
    response = client.get(reverse("consortium:library_list"))
    assert "Perpustakaan anggota" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/libraries/"})
    response = client.get(reverse("consortium:library_list"))
    assert "Member libraries" in response.content.decode()
    assert '<html lang="en">' in response.content.decode()


def test_login_logout_and_password_change(client, librarian):
    response = client.post(reverse("login"), {"username": "rosmawati", "password": "pw-for-tests-123"})
    assert response.status_code == 302
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests-123",
            "new_password1": "Perpustakaan-2026!",
            "new_password2": "Perpustakaan-2026!",
        },
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    # django-axes throttles logins by address, so authenticate() needs the request.
    assert client.login(request=HttpRequest(), username="rosmawati", password="Perpustakaan-2026!")


def test_wrong_password_shows_an_error(client, librarian):
    response = client.post(reverse("login"), {"username": "rosmawati", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_password_reset_sends_an_email(client, librarian, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": librarian.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_api_key_page_creates_shows_once_and_revokes(client, librarian, school):
    client.force_login(librarian)
    url = reverse("consortium:apikey_list", args=[school.code])
    response = client.post(url, {"name": "SLiMS sync", "scope": "read_write"})
    raw = response.context["new_key"]["raw"]
    assert raw.startswith("slg_") and raw in response.content.decode()
    assert raw not in client.get(url).content.decode()
    key = school.api_keys.get()
    assert key.key_hash != raw and raw not in key.key_hash
    client.post(reverse("consortium:apikey_revoke", args=[school.code, key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_api_key_page_is_forbidden_to_other_librarians(client, outsider, school):
    client.force_login(outsider)
    assert client.get(reverse("consortium:apikey_list", args=[school.code])).status_code == 403


def test_api_key_form_error_shows_on_the_page(client, librarian, school):
    client.force_login(librarian)
    response = client.post(reverse("consortium:apikey_list", args=[school.code]), {"name": "", "scope": "root"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "scope"}
    assert not school.api_keys.exists()


def test_home_page(client, school):
    assert client.get("/").status_code == 200


def test_unknown_page_is_404_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_librarian_registers_a_student_who_gets_a_welcome_email(client, librarian, school, mailoutbox):
    client.force_login(librarian)
    url = reverse("consortium:people", args=[school.code])
    response = client.post(
        url,
        {
            "username": "siti",
            "first_name": "Siti",
            "last_name": "Nurhaliza",
            "email": "siti@example.org",
            "role": "student",
            "nisn": "0071234599",
        },
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    siti = get_user_model().objects.get(username="siti")
    assert siti.profile.school == school and siti.profile.role == "student"
    assert not siti.has_usable_password()
    assert len(mailoutbox) == 1 and "/accounts/reset/" in mailoutbox[0].body


def test_librarian_cannot_add_staff_only_coordinator_can(client, librarian, coordinator, school):
    client.force_login(librarian)
    url = reverse("consortium:people", args=[school.code])
    response = client.post(
        url, {"username": "newlib", "first_name": "N", "email": "n@example.org", "role": "librarian"}
    )
    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    client.force_login(coordinator)
    response = client.post(
        url, {"username": "newlib", "first_name": "N", "email": "n@example.org", "role": "librarian"}
    )
    assert response.status_code == 302
    assert school.memberships.filter(user__username="newlib").exists()


def test_people_page_is_private_to_the_school(client, outsider, student, school):
    url = reverse("consortium:people", args=[school.code])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(student)
    assert client.get(url).status_code == 403


def test_bad_person_input_shows_field_errors(client, librarian, school):
    client.force_login(librarian)
    url = reverse("consortium:people", args=[school.code])
    response = client.post(
        url, {"username": "rosmawati", "first_name": "", "email": "x", "role": "student", "nisn": "12"}
    )
    assert response.status_code == 400
    assert {"first_name", "email", "nisn"} <= set(response.context["form"].errors)
    response = client.post(
        url, {"username": "rosmawati", "first_name": "R", "email": "r2@example.org", "role": "student"}
    )
    assert "username" in response.context["form"].errors


def test_coordinator_changes_consortium_settings(client, coordinator):
    from consortium.models import ConsortiumSettings

    client.force_login(coordinator)
    url = reverse("consortium_settings")
    data = {
        "name": "Konsorsium Medan",
        "default_loan_days": 21,
        "lender_answer_days": 3,
        "retention_days": 60,
        "agreement_number_prefix": "PKS/KPS-MEDAN",
    }
    assert client.post(url, data).status_code == 302
    assert ConsortiumSettings.load().default_loan_days == 21
    assert ConsortiumSettings.load().agreement_number_prefix == "PKS/KPS-MEDAN"
    response = client.post(url, {**data, "default_loan_days": 0, "lender_answer_days": 99})
    assert response.status_code == 200
    assert {"default_loan_days", "lender_answer_days"} <= set(response.context["form"].errors)
    assert ConsortiumSettings.load().default_loan_days == 21


def test_librarian_cannot_change_consortium_settings(client, librarian):
    client.force_login(librarian)
    assert client.get(reverse("consortium_settings")).status_code == 403
