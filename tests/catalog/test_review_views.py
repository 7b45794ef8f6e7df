"""The review queue of possible duplicates: ordered by score, differing fields marked, bulk decisions."""

import pytest
from django.urls import reverse

from catalog.ingest import import_bytes
from catalog.models import DistinctPair, MatchReview, Record

pytestmark = pytest.mark.django_db

HEADER = b"title,authors,publisher,year,physical_description,barcode\n"


@pytest.fixture
def queue(school, other_school):
    import_bytes(
        library=school,
        data=HEADER
        + b"Laskar Pelangi,Andrea Hirata,Bentang,2005,,B1\nBumi Manusia,Pramoedya Ananta Toer,Hasta Mitra,1980,,B2\n",
        filename="a.csv",
    )
    import_bytes(
        library=other_school,
        # a year apart (score 0.65); the same year with another publisher (0.60)
        data=HEADER
        + b"Laskar pelangi,Andrea Hirata,Bentang,2006,,C1\n"
        + b"Bumi manusia,Pramoedya Ananta Toer,Lentera Dipantara,1980,,C2\n",
        filename="b.csv",
    )
    return list(MatchReview.objects.order_by("-score"))


def test_queue_is_ordered_by_score_and_marks_differing_fields(client, coordinator, queue):
    assert len(queue) == 2 and queue[0].score > queue[1].score
    client.force_login(coordinator)
    response = client.get(reverse("catalog:review_list"))
    assert response.status_code == 200
    [first, second] = response.context["comparisons"]
    assert [first[0].pk, second[0].pk] == [queue[0].pk, queue[1].pk]
    marked = {label for label, _mine, _theirs, differs in first[1] if differs}
    assert {str(label) for label in marked} in ({"Year"}, {"Tahun"})
    assert b'class="differs"' in response.content


def test_bulk_keep_apart_records_the_pairs(client, coordinator, queue):
    client.force_login(coordinator)
    response = client.post(
        reverse("catalog:review_decide_many"), {"review": [r.pk for r in queue], "decision": "apart"}
    )
    assert response.status_code == 302
    assert not MatchReview.objects.filter(status="open").exists()
    assert DistinctPair.objects.count() == 2 and Record.objects.count() == 4


def test_bulk_merge(client, coordinator, queue):
    client.force_login(coordinator)
    client.post(reverse("catalog:review_decide_many"), {"review": [queue[0].pk], "decision": "merge", "confirm": "1"})
    assert Record.objects.count() == 3 and MatchReview.objects.filter(status="open").count() == 1


@pytest.mark.parametrize("bulk", [True, False])
def test_a_merge_from_the_queue_asks_for_confirmation(client, coordinator, queue, bulk):
    """Merging moves copies and addresses at once: without the tick that confirms the comparison, nothing merges
    and the page says what to do; keeping apart needs no tick."""
    client.force_login(coordinator)
    url = reverse("catalog:review_decide_many") if bulk else reverse("catalog:review_decide", args=[queue[0].pk])
    data = {"review": [queue[0].pk], "decision": "merge"} if bulk else {"decision": "merge"}
    page = client.post(url, data, follow=True).content.decode()
    assert "Centang kotak yang menyatakan Anda sudah membandingkan" in page
    assert Record.objects.count() == 4 and MatchReview.objects.filter(status="open").count() == 2
    client.post(url, {**data, "confirm": "1"})
    assert Record.objects.count() == 3 and MatchReview.objects.filter(status="open").count() == 1
    client.post(reverse("catalog:review_decide", args=[queue[1].pk]), {"decision": "apart"})
    assert not MatchReview.objects.filter(status="open").exists()


def test_bulk_without_a_tick_says_what_to_do(client, coordinator, queue):
    client.force_login(coordinator)
    response = client.post(reverse("catalog:review_decide_many"), {"decision": "merge"}, follow=True)
    assert "Tick at least one" in response.content.decode() or "Centang" in response.content.decode()
    assert MatchReview.objects.filter(status="open").count() == 2


def test_librarian_cannot_decide_in_bulk(client, librarian, queue):
    client.force_login(librarian)
    response = client.post(reverse("catalog:review_decide_many"), {"review": [queue[0].pk], "decision": "merge"})
    assert response.status_code == 403
    assert MatchReview.objects.filter(status="open").count() == 2


def test_anonymous_is_sent_to_log_in(client, queue):
    response = client.post(reverse("catalog:review_decide_many"), {"review": [queue[0].pk], "decision": "merge"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_comparison_names_the_material_type_and_the_schools_holding_each(client, coordinator, queue, school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("catalog:review_list"))
    rows = {str(label): (mine, theirs) for label, mine, theirs, _differs in response.context["comparisons"][0][1]}
    assert rows["Jenis bahan"] == ("Buku", "Buku")
    new, earlier = rows["Dimiliki oleh"]
    assert school.name in earlier and school.name not in new
    assert sum("consortium_library" in q["sql"] for q in queries.captured_queries) <= 3  # not one per pair
