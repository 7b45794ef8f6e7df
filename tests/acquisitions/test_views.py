"""Pages: who sees what, both languages, CSV exports, and bad input answered with a message (never a 500)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from acquisitions import services
from acquisitions.analysis import analysis_compute
from acquisitions.models import Donation, Pledge
from catalog.models import Holding

from .conftest import copies, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(coordinator, librarian, third_librarian, school, third_school):
    record = make_record("Matematika Kelas X", ddc="510", year=2023)
    copies(record, school, 2)
    copies(record, third_school, 1)
    offer = services.offer_create(by=librarian, holding=Holding.objects.filter(library=school).first())
    services.want_create(by=third_librarian, title="Matematika")
    round_ = services.round_create(
        by=coordinator,
        name="Putaran 1",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=10),
        shared_budget=Decimal("100000"),
        budgets={school: Decimal("200000")},
    )
    services.pledge_create(by=librarian, round_=round_, title="Biologi", unit_price=Decimal("50000"), ddc="570")
    donor = services.donor_create(by=librarian, name="Pak Budi Nasution", kind="alumnus")
    services.donation_create(by=librarian, donor=donor, kind="items", items=[{"title": "Atlas"}])
    proposal = services.proposal_create(by=librarian, title="Kimia")
    analysis_compute()
    return {"offer": offer, "round": round_, "donor": donor, "proposal": proposal}


def pages(scene):
    return [
        reverse("acquisitions:analysis"),
        reverse("acquisitions:analysis") + "?scheme=t&klass=51",
        reverse("acquisitions:analysis") + "?scheme=h",
        reverse("acquisitions:analysis_school", args=["SMAN1MDN"]),
        reverse("acquisitions:overlap"),
        reverse("acquisitions:gaps"),
        reverse("acquisitions:proposal_list"),
        reverse("acquisitions:proposal_create"),
        scene["proposal"].get_absolute_url(),
        reverse("acquisitions:round_list"),
        scene["round"].get_absolute_url(),
        reverse("acquisitions:exchange"),
        reverse("acquisitions:offer_create"),
        scene["offer"].get_absolute_url(),
        reverse("acquisitions:want_create"),
        reverse("acquisitions:give_away"),
        reverse("acquisitions:donation_list"),
        scene["donor"].get_absolute_url(),
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_renders_for_a_librarian_in_both_languages(client, librarian, scene, language):
    client.force_login(librarian)
    client.cookies["django_language"] = language
    for url in pages(scene):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()


def test_indonesian_is_the_default(client, librarian, scene):
    client.force_login(librarian)
    body = client.get(reverse("acquisitions:gaps")).content.decode()
    assert "Kesenjangan" in body


def test_coordinator_sees_every_page(client, coordinator, scene):
    client.force_login(coordinator)
    for url in pages(scene):
        assert client.get(url).status_code == 200, url


def test_student_is_sent_to_proposals_and_sees_no_donors(client, student, scene):
    client.force_login(student)
    assert client.get(reverse("acquisitions:analysis")).url == reverse("acquisitions:proposal_list")
    assert client.get(scene["donor"].get_absolute_url()).status_code == 404
    assert client.get(reverse("acquisitions:exchange")).status_code == 403
    body = client.get(reverse("acquisitions:donation_list")).content.decode()
    assert "Pak Budi" not in body and "SMA Negeri 1 Medan" in body  # aggregates only


def test_other_schools_librarian_sees_no_donor(client, outsider, scene):
    client.force_login(outsider)
    assert client.get(scene["donor"].get_absolute_url()).status_code == 404
    assert client.get(reverse("acquisitions:donor_letter", args=[scene["donor"].pk])).status_code == 404
    assert "Pak Budi" not in client.get(reverse("acquisitions:donation_list")).content.decode()


def test_anonymous_is_asked_to_log_in(client, scene):
    assert client.get(reverse("acquisitions:analysis")).status_code == 302


def test_csv_exports(client, coordinator, scene):
    client.force_login(coordinator)
    schools = client.get(reverse("acquisitions:analysis") + "?format=csv").content.decode().splitlines()
    assert schools[0].startswith("school,class,titles,unique_titles")
    assert any(line.startswith("SMAN1MDN,") for line in schools)
    overlap = client.get(reverse("acquisitions:overlap") + "?format=csv").content.decode().splitlines()
    assert overlap == ["school_a,school_b,shared_titles", "SMAN1MDN,SMAN2MDN,1"]
    gaps = client.get(reverse("acquisitions:gaps") + "?format=csv")
    assert gaps["Content-Type"].startswith("text/csv")
    spending = client.get(scene["round"].get_absolute_url() + "?format=csv").content.decode()
    assert "SMAN1MDN,200000,50000" in spending


def test_charts_are_inline_svg_with_a_title(client, coordinator, scene):
    client.force_login(coordinator)
    body = client.get(reverse("acquisitions:overlap")).content.decode()
    assert "<svg" in body and "<title>" in body and "<script" not in body.split("<main")[1]


def test_freshness_is_shown(client, librarian, scene):
    client.force_login(librarian)
    assert 'data-testid="freshness"' in client.get(reverse("acquisitions:analysis")).content.decode()


def test_budget_overrun_on_the_page_is_a_form_error(client, librarian, scene):
    client.force_login(librarian)
    client.cookies["django_language"] = "en"
    response = client.post(
        scene["round"].get_absolute_url(), {"title": "Mahal", "quantity": 1, "unit_price": 999999, "funding": "school"}
    )
    assert response.status_code == 400
    assert "exceeds your school&#x27;s budget" in response.content.decode()
    assert Pledge.objects.count() == 1


def test_negative_donation_amount_on_the_page_is_a_form_error(client, librarian, scene):
    client.force_login(librarian)
    client.cookies["django_language"] = "en"
    response = client.post(
        scene["donor"].get_absolute_url(), {"kind": "money", "amount": "-5", "received_on": "2026-12-01"}
    )
    assert response.status_code == 400
    assert "cannot be negative" in response.content.decode()
    assert Donation.objects.count() == 1


def test_claim_on_the_page(client, third_librarian, scene):
    client.force_login(third_librarian)
    response = client.post(reverse("acquisitions:offer_action", args=[scene["offer"].pk, "claim"]), follow=True)
    assert response.status_code == 200
    scene["offer"].refresh_from_db()
    assert scene["offer"].status == "claimed"
    again = client.post(reverse("acquisitions:offer_action", args=[scene["offer"].pk, "claim"]), follow=True)
    assert again.status_code == 200  # refused with a message, not an error page


@pytest.mark.parametrize("language", ["id", "en"])
def test_thank_you_letter_pdf(client, librarian, scene, language):
    client.force_login(librarian)
    url = reverse("acquisitions:donor_letter", args=[scene["donor"].pk]) + ("?lang=en" if language == "en" else "")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_letter_text_in_both_languages(scene):
    from django.utils import translation

    from acquisitions.document import letter_paragraphs

    with translation.override("id"):
        indonesian = letter_paragraphs(scene["donor"])
    with translation.override("en"):
        english = letter_paragraphs(scene["donor"])
    assert indonesian["salutation"] != english["salutation"]
    assert "Pak Budi Nasution" in english["salutation"] and "Atlas" in english["gifts"][0]


def test_setup_page_for_schools_and_coordinators(client, librarian, coordinator, school, scene):
    client.force_login(librarian)
    assert client.get(reverse("acquisitions:setup")).status_code == 200
    response = client.post(reverse("acquisitions:setup"), {"form": "enrolment", "library": school.pk, "students": 720})
    assert response.status_code == 302
    assert school.enrolment.students == 720
    assert client.post(reverse("acquisitions:setup"), {"form": "subject", "name": "X"}).status_code == 403
    client.force_login(coordinator)
    response = client.post(
        reverse("acquisitions:setup"), {"form": "subject", "name": "Kimia", "level": "sma", "ddc_prefix": "540"}
    )
    assert response.status_code == 302
