"""The API of collection cooperation: the same services, JSON field messages, scoping, filters, keys."""

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

ISBN = "9786230000010"


@pytest.fixture
def round_(coordinator, school, third_school):
    return services.round_create(
        by=coordinator,
        name="Putaran API",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=10),
        shared_budget=Decimal("0"),
        budgets={school: Decimal("100000"), third_school: Decimal("100000")},
    )


@pytest.fixture(autouse=True)
def english(api_client):
    # The API answers in the language of Accept-Language; these tests read the English wording.
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def key_header(raw):
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def test_proposal_says_who_holds_the_title(api_client, librarian, third_school):
    copies(make_record("Laut Bercerita", isbns=[ISBN]), third_school)
    api_client.force_authenticate(librarian)
    response = api_client.post(
        reverse("api:purchase-proposal-list"), {"title": "Laut Bercerita", "isbn": "978-623-00-0001-0"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["network_holders"] == ["SMAN2MDN"]
    assert response.json()["status"] == "open"


def test_bad_isbn_is_a_field_message(api_client, librarian):
    api_client.force_authenticate(librarian)
    response = api_client.post(reverse("api:purchase-proposal-list"), {"title": "X", "isbn": "123"}, format="json")
    assert response.status_code == 400
    assert "isbn" in response.json()


def test_pledge_then_budget_overrun(api_client, librarian, round_):
    api_client.force_authenticate(librarian)
    url = reverse("api:pledge-list")
    first = api_client.post(url, {"round": round_.pk, "title": "A", "unit_price": "60000"}, format="json")
    assert first.status_code == 201, first.json()
    over = api_client.post(url, {"round": round_.pk, "title": "B", "unit_price": "60000"}, format="json")
    assert over.status_code == 400
    assert "exceeds your school's budget" in over.json()["non_field_errors"][0]
    twice = api_client.post(url, {"round": round_.pk, "title": "A", "unit_price": "1"}, format="json")
    assert twice.status_code == 400 and "already pledged" in twice.json()["non_field_errors"][0]
    assert Pledge.objects.count() == 1


def test_pledge_status_through_to_received(api_client, librarian, coordinator, round_, school):
    pledge = services.pledge_create(by=librarian, round_=round_, title="Fisika", isbn=ISBN, unit_price=Decimal("1"))
    url = reverse("api:pledge-set-status", args=[pledge.pk])
    api_client.force_authenticate(librarian)
    assert api_client.post(url, {"status": "agreed"}, format="json").status_code == 403
    api_client.force_authenticate(coordinator)
    assert api_client.post(url, {"status": "agreed"}, format="json").json()["status"] == "agreed"
    api_client.force_authenticate(librarian)
    api_client.post(url, {"status": "ordered"}, format="json")
    response = api_client.post(url, {"status": "received", "barcodes": ["API-1"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["barcodes"] == ["API-1"]
    assert Holding.objects.get(barcode="API-1").library == school


def test_pledges_filtered_for_partner_systems(api_client, librarian, third_librarian, round_):
    services.pledge_create(by=librarian, round_=round_, title="A", unit_price=Decimal("1"))
    services.pledge_create(by=third_librarian, round_=round_, title="B", unit_price=Decimal("1"))
    api_client.force_authenticate(librarian)
    rows = api_client.get(reverse("api:pledge-list"), {"library": "sman2mdn", "round_id": round_.pk}).json()["results"]
    assert [row["title"] for row in rows] == ["B"]


def test_spending_endpoint(api_client, librarian, round_):
    services.pledge_create(by=librarian, round_=round_, title="A", unit_price=Decimal("30000"), ddc="510")
    api_client.force_authenticate(librarian)
    data = api_client.get(reverse("api:buying-round-spending", args=[round_.pk])).json()
    school = next(row for row in data["schools"] if row["library"] == "SMAN1MDN")
    assert (school["budget"], school["pledged"], school["left"]) == ("100000", "30000", "70000")
    assert data["subjects"][0]["klass"] == "500"


def test_only_coordinators_open_rounds_by_api(api_client, librarian):
    api_client.force_authenticate(librarian)
    response = api_client.post(
        reverse("api:buying-round-list"),
        {"name": "R", "starts_on": "2026-12-01", "ends_on": "2026-12-31"},
        format="json",
    )
    assert response.status_code == 403


def test_offer_claim_transfer_by_api(api_client, librarian, third_librarian, school, third_school):
    holding = copies(make_record("Sejarah Kelas XI"), school, 1)[0]
    api_client.force_authenticate(librarian)
    offer = api_client.post(
        reverse("api:exchange-offer-list"), {"holding": holding.pk, "reason": "curriculum"}, format="json"
    )
    assert offer.status_code == 201, offer.json()
    offer_id = offer.json()["id"]
    api_client.force_authenticate(third_librarian)
    claimed = api_client.post(reverse("api:exchange-offer-claim", args=[offer_id]), {}, format="json")
    assert claimed.json()["claimed_by"] == "SMAN2MDN"
    again = api_client.post(reverse("api:exchange-offer-claim", args=[offer_id]), {}, format="json")
    assert again.status_code == 400 and "already been taken" in again.json()["non_field_errors"][0]
    api_client.force_authenticate(librarian)
    transfer = api_client.post(reverse("api:exchange-offer-transfer", args=[offer_id]), {}, format="json")
    assert transfer.status_code == 200
    assert (transfer.json()["from_library"], transfer.json()["to_library"]) == ("SMAN1MDN", "SMAN2MDN")
    assert Holding.objects.get(pk=holding.pk).library == third_school


def test_offer_of_another_schools_copy_is_forbidden(api_client, outsider, school):
    holding = copies(make_record("X"), school, 1)[0]
    api_client.force_authenticate(outsider)
    assert (
        api_client.post(reverse("api:exchange-offer-list"), {"holding": holding.pk}, format="json").status_code == 403
    )


def test_read_only_key_cannot_write(api_client, read_key, school):
    holding = copies(make_record("X"), school, 1)[0]
    response = api_client.post(
        reverse("api:exchange-offer-list"), {"holding": holding.pk}, format="json", **key_header(read_key)
    )
    assert response.status_code == 403


def test_write_key_posts_a_want_for_its_library(api_client, write_key, school):
    response = api_client.post(
        reverse("api:exchange-want-list"), {"title": "Biologi", "grade": "X"}, format="json", **key_header(write_key)
    )
    assert response.status_code == 201, response.json()
    assert response.json()["library"] == "SMAN1MDN"


def test_wants_and_offers_filters(api_client, librarian, third_librarian, school):
    record = make_record("Kimia Kelas XI", isbns=[ISBN], ddc="540")
    services.offer_create(by=librarian, holding=copies(record, school, 1)[0])
    services.want_create(by=third_librarian, isbn=ISBN)
    api_client.force_authenticate(third_librarian)
    assert len(api_client.get(reverse("api:exchange-offer-list"), {"isbn": ISBN}).json()["results"]) == 1
    assert len(api_client.get(reverse("api:exchange-offer-list"), {"ddc": "9"}).json()["results"]) == 0
    assert len(api_client.get(reverse("api:exchange-want-list"), {"library": "SMAN2MDN"}).json()["results"]) == 1


def test_donation_with_negative_amount_is_400(api_client, librarian):
    donor = services.donor_create(by=librarian, name="Ibu Sri", kind="parent")
    api_client.force_authenticate(librarian)
    response = api_client.post(
        reverse("api:donation-list"), {"donor": donor.pk, "kind": "money", "amount": "-100"}, format="json"
    )
    assert response.status_code == 400
    assert "amount" in response.json()
    assert not Donation.objects.exists()


def test_donation_with_items_and_routing(api_client, librarian, third_school):
    donor = services.donor_create(by=librarian, name="Ibu Sri", kind="parent")
    api_client.force_authenticate(librarian)
    response = api_client.post(
        reverse("api:donation-list"),
        {"donor": donor.pk, "kind": "items", "items": [{"title": "Atlas Sumatra"}, {"title": "Kamus"}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    item_id = response.json()["items"][0]["id"]
    routed = api_client.post(
        reverse("api:donation-item-route", args=[item_id]), {"to_library": "SMAN2MDN"}, format="json"
    )
    assert routed.json()["status"] == "routed" and routed.json()["routed_to"] == "SMAN2MDN"


def test_donors_are_404_to_other_schools(api_client, librarian, outsider):
    donor = services.donor_create(by=librarian, name="Ibu Sri", kind="parent")
    api_client.force_authenticate(outsider)
    assert api_client.get(reverse("api:donor-detail", args=[donor.pk])).status_code == 404
    assert api_client.get(reverse("api:donor-list")).json()["results"] == []
    totals = api_client.get(reverse("api:donation-totals")).json()
    assert totals == []  # no gifts recorded yet; aggregates never name donors


def test_collection_analysis_endpoints(api_client, librarian, school, third_school, student):
    record = make_record("Matematika", ddc="510", year=2024)
    copies(record, school, 2)
    copies(record, third_school, 1)
    analysis_compute()
    api_client.force_authenticate(librarian)
    schools = api_client.get(reverse("api:collection-analysis-schools")).json()
    assert {row["library"]: row["titles"] for row in schools["schools"]} == {"SMAN1MDN": 1, "SMAN2MDN": 1}
    assert schools["computed_at"]
    overlap = api_client.get(reverse("api:collection-analysis-overlap")).json()
    assert overlap["pairs"] == [{"a": "SMAN1MDN", "b": "SMAN2MDN", "shared": 1}]
    gaps = api_client.get(reverse("api:collection-analysis-gaps"), {"threshold": "0"}).json()
    assert "51" not in [row["class"] for row in gaps["ddc_tens"]]
    assert api_client.get(reverse("api:collection-analysis-schools"), {"scheme": "zz"}).status_code == 400
    api_client.force_authenticate(student)
    assert api_client.get(reverse("api:collection-analysis-schools")).status_code == 403


def test_list_endpoints_do_not_multiply_queries(api_client, librarian, round_, school, django_assert_max_num_queries):
    for n in range(5):
        services.pledge_create(by=librarian, round_=round_, title=f"T{n}", unit_price=Decimal("1"))
        services.offer_create(by=librarian, holding=copies(make_record(f"R{n}"), school, 1)[0])
    api_client.force_authenticate(librarian)
    for name in ("api:pledge-list", "api:exchange-offer-list", "api:buying-round-list", "api:exchange-want-list"):
        with django_assert_max_num_queries(12):
            assert api_client.get(reverse(name)).status_code == 200


def test_proposal_list_says_who_holds_each_title_in_a_few_queries(
    api_client, school, librarian, third_school, django_assert_max_num_queries
):
    from acquisitions.models import Proposal

    for n in range(6):
        isbn = f"97862300000{n}"
        isbn = isbn + str((10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(isbn)) % 10) % 10)
        copies(make_record(f"Buku {n}", isbns=[isbn]), third_school)
        Proposal.objects.create(library=school, title=f"Buku {n}", isbn=isbn)
    Proposal.objects.create(library=school, title="Tidak ada di mana pun")
    api_client.force_authenticate(librarian)
    with django_assert_max_num_queries(12):
        rows = api_client.get(reverse("api:purchase-proposal-list")).json()["results"]
    by_title = {row["title"]: row["network_holders"] for row in rows}
    assert by_title == {**{f"Buku {n}": ["SMAN2MDN"] for n in range(6)}, "Tidak ada di mana pun": []}
