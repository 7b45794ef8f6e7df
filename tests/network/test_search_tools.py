"""New acquisitions, subscriptions and reading lists: pages, CSV, Atom feeds (validated), the one-click ILL request."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Holding, Record
from loans.choices import State
from loans.models import IllRequest, Notification
from network import selectors, services
from network.models import Subscription

from .atom import atom_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def lender(db):
    from tests.factories import LibraryFactory

    return LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan", npsn="10210873")


@pytest.fixture
def lender_librarian(lender):
    from tests.factories import make_librarian

    return make_librarian(lender, username="hendra")


@pytest.fixture
def titles(school, lender, ill_agreement):
    """Three titles: two only at the lender, one on the shelf of the teacher's own school."""
    ill_agreement(school, lender)
    today = timezone.localdate()
    made = []
    for n, (title, where) in enumerate(
        [("Laskar Pelangi", lender), ("Bumi Manusia", lender), ("Negeri 5 Menara", school)], start=1
    ):
        record = Record.objects.create(title=title, authors=[{"name": f"Penulis {n}", "role": "author"}], year=2010)
        Holding.objects.create(
            record=record, library=where, barcode=f"B-{n}", date_added=today - timedelta(days=n * 20)
        )
        made.append(record)
    return made


def test_new_acquisitions_30_and_90_days(titles, school, lender):
    thirty = selectors.new_acquisitions(days=30)
    ninety = selectors.new_acquisitions(days=90)
    assert [r.title for r, _added, _codes in thirty] == ["Laskar Pelangi"]
    assert [r.title for r, _added, _codes in ninety] == ["Laskar Pelangi", "Bumi Manusia", "Negeri 5 Menara"]
    assert [r.title for r, _a, _c in selectors.new_acquisitions(library=school, days=90)] == ["Negeri 5 Menara"]


def test_acquisitions_page_csv_and_feed(titles):
    client = Client()
    page = client.get(reverse("network:acquisitions") + "?days=90")
    assert "Bumi Manusia" in page.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("network:acquisitions_csv") + "?days=90").content.decode("utf-8-sig"))
        )
    )
    assert rows[0][:3] == ["record_id", "title", "authors"] and len(rows) == 4
    feed = client.get(reverse("network:acquisitions_feed") + "?days=90&library=SMAN2MDN")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert atom_problems(feed.content) == []
    assert feed.content.count(b"<entry>") == 2


def test_unknown_school_in_a_list_is_404(titles):
    assert Client().get(reverse("network:acquisitions") + "?library=NOPE").status_code == 404
    assert Client().get(reverse("network:acquisitions_feed") + "?library=NOPE").status_code == 404


def test_subscriptions_with_holdings_ranges(school, librarian, outsider):
    subscription = services.subscription_save(
        by=librarian,
        library=school,
        title="Majalah Bobo",
        kind="magazine",
        frequency="weekly",
        holdings_from=2015,
        holdings_note="no. 1–",
    )
    assert subscription.holdings_range.startswith("2015–")
    with pytest.raises(ValidationError, match="cannot be before"):
        services.subscription_save(
            by=librarian,
            library=school,
            title="Kompas",
            kind="newspaper",
            frequency="daily",
            holdings_from=2020,
            holdings_to=2019,
        )
    with pytest.raises(PermissionDenied):
        services.subscription_save(
            by=outsider, library=school, title="Tempo", kind="magazine", frequency="weekly", holdings_from=2020
        )
    assert Subscription.objects.count() == 1
    client = Client()
    assert "Majalah Bobo" in client.get(reverse("network:subscription_list")).content.decode()
    rows = list(csv.reader(io.StringIO(client.get(reverse("network:subscription_csv")).content.decode("utf-8-sig"))))
    assert rows[1][1] == "Majalah Bobo" and rows[1][6] == "2015"
    feed = client.get(reverse("network:subscription_feed") + "?library=SMAN1MDN")
    assert atom_problems(feed.content) == []
    assert b"Majalah Bobo" in feed.content


def test_teacher_builds_a_list_and_requests_it_in_one_click(teacher, titles, school, librarian):
    reading_list = services.reading_list_create(
        by=teacher, title="Novel Indonesia", class_name="XI IPA 2", subject="Bahasa Indonesia"
    )
    for record in titles:
        services.reading_list_add(reading_list=reading_list, by=teacher, record=record)
    with pytest.raises(ValidationError, match="already on the list"):
        services.reading_list_add(reading_list=reading_list, by=teacher, record=titles[0])

    outcome = services.reading_list_request(reading_list=reading_list, by=teacher)
    assert sorted(r.record.title for r in outcome["created"]) == ["Bumi Manusia", "Laskar Pelangi"]
    assert [(record.title, reason) for record, reason in outcome["skipped"]] == [
        ("Negeri 5 Menara", "On the shelf at your school.")
    ]
    requests = IllRequest.objects.filter(requester=school)
    # Through the loans app's own service: the teacher's school approves like a student's request.
    assert {r.state for r in requests} == {State.AWAITING_APPROVAL}
    assert {r.reader_id for r in requests} == {teacher.pk}
    assert Notification.objects.filter(user=librarian, kind="approve").count() == 2

    again = services.reading_list_request(reading_list=reading_list, by=teacher)
    assert again["created"] == [] and len(again["skipped"]) == 3
    assert IllRequest.objects.count() == 2


def test_librarian_requesting_a_list_routes_to_lenders(librarian, teacher, titles, lender, school):
    reading_list = services.reading_list_create(by=teacher, title="Sastra", class_name="X", subject="B. Ind")
    services.reading_list_add(reading_list=reading_list, by=teacher, record=titles[0])
    outcome = services.reading_list_request(reading_list=reading_list, by=librarian)
    assert [r.state for r in outcome["created"]] == [State.SENT]
    assert outcome["created"][0].lender == lender


def test_only_the_owner_or_the_schools_librarians_change_a_list(teacher, titles, outsider, student, school):
    from tests.factories import make_teacher

    reading_list = services.reading_list_create(by=teacher, title="Sastra", class_name="X", subject="B. Ind")
    colleague = make_teacher(school, username="pak_budi")
    for intruder in (outsider, student, colleague):
        with pytest.raises(PermissionDenied):
            services.reading_list_add(reading_list=reading_list, by=intruder, record=titles[0])
        with pytest.raises(PermissionDenied):
            services.reading_list_request(reading_list=reading_list, by=intruder)
    with pytest.raises(PermissionDenied):
        services.reading_list_create(by=student, title="x", class_name="x", subject="x")


def test_empty_list_cannot_be_requested(teacher):
    reading_list = services.reading_list_create(by=teacher, title="Kosong", class_name="X", subject="IPA")
    with pytest.raises(ValidationError, match="empty"):
        services.reading_list_request(reading_list=reading_list, by=teacher)


def test_reading_list_page_shows_availability_and_exports(teacher, titles):
    reading_list = services.reading_list_create(by=teacher, title="Novel", class_name="XI", subject="B. Ind")
    for record in titles:
        services.reading_list_add(reading_list=reading_list, by=teacher, record=record, note="Bab 1–3")
    client = Client()
    page = client.get(reading_list.get_absolute_url()).content.decode()
    assert "SMAN2MDN" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("network:readinglist_csv", args=[reading_list.pk])).content.decode("utf-8-sig")
            )
        )
    )
    assert [row[1] for row in rows[1:]] == ["Laskar Pelangi", "Bumi Manusia", "Negeri 5 Menara"]
    assert rows[1][6] == "SMAN2MDN"
    feed = client.get(reverse("network:readinglist_feed", args=[reading_list.pk]))
    assert atom_problems(feed.content) == []
    assert feed.content.count(b"<entry>") == 3


def test_request_button_on_the_page(teacher, titles):
    reading_list = services.reading_list_create(by=teacher, title="Novel", class_name="XI", subject="B. Ind")
    services.reading_list_add(reading_list=reading_list, by=teacher, record=titles[0])
    client = Client()
    client.force_login(teacher)
    response = client.post(reverse("network:readinglist_request", args=[reading_list.pk]), follow=True)
    assert response.status_code == 200
    assert IllRequest.objects.count() == 1


def test_atom_checker_catches_broken_feeds():
    assert atom_problems(b"<rss/>")
    bad = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><updated>yesterday</updated>'
        b"<entry><title>a</title></entry></feed>"
    )
    problems = atom_problems(bad)
    assert any("atom:id" in p for p in problems) and any("RFC 3339" in p for p in problems)
