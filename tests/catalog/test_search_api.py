"""/api/v1/search/: same query language, facets, scope and paging as the page, same results in the same order."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import LibraryFactory, make_student

from .test_search import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_set(db):
    a = LibraryFactory(name="SMA Negeri 1 Medan", code="SMAN1MDN")
    b = LibraryFactory(name="SMA Negeri 2 Medan", code="SMAN2MDN")
    records = []
    for n in range(30):
        records.append(
            make_record(
                f"Sejarah nusantara jilid {n}",
                authors=["Sejarah Wan"] if n % 3 == 0 else ["Budi"],
                subjects=["Sejarah"] if n % 2 else ["Budaya"],
                language="ind" if n % 4 else "eng",
                year=1990 + n,
                holdings=[a] if n % 2 else [(b, "on_loan"), a],
            )
        )
    return a, b, records


def page_ids(client, params) -> list[int]:
    html = client.get(reverse("catalog:search"), params).content.decode()
    return [int(x) for x in re.findall(r'data-record="(\d+)"', html)]


def api(client, params) -> dict:
    response = client.get(reverse("api:search"), params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "sejarah"},
        {"q": "sejarah", "page": "2"},
        {"q": "sejarah", "sort": "title"},
        {"q": "sejarah", "sort": "newest", "lang": "ind"},
        {"q": "nusantara -budaya", "available": "1"},
        {"q": '"sejarah nusantara"', "subject": "Sejarah", "year_from": "2000"},
        {"q": "", "lang": "eng"},
    ],
)
def test_api_returns_the_page_results_in_the_same_order(client, catalog_set, params):
    data = api(client, params)
    assert [r["id"] for r in data["results"]] == page_ids(client, params)
    assert data["results"]


def test_api_equals_page_for_a_student_with_own_school_first(client, catalog_set):
    a, b, records = catalog_set
    student = make_student(b, username="putri")
    client.force_login(student)
    data = api(client, {"q": "sejarah"})
    assert [r["id"] for r in data["results"]] == page_ids(client, {"q": "sejarah"})
    assert all(b.pk in [lib["id"] for lib in r["held_by"]] for r in data["results"][:15])
    mine = api(client, {"q": "sejarah", "scope": "mine"})
    assert mine["count"] == 15


def test_api_facets_paging_and_availability(client, catalog_set):
    a, b, records = catalog_set
    data = api(client, {"q": "sejarah", "page_size": "10", "page": "2"})
    assert data["count"] == 30 and data["count_exact"] and data["num_pages"] == 3
    assert len(data["results"]) == 10 and data["next"] and data["previous"]
    facets = {kind: {f["value"]: f["count"] for f in values} for kind, values in data["facets"].items()}
    assert facets["library"] == {str(a.pk): 30, str(b.pk): 15}
    assert facets["lang"] == {"ind": 22, "eng": 8}
    assert facets["available"] == {"1": 30}
    hit = data["results"][0]
    assert hit["held_by_count"] == len(hit["held_by"]) and hit["available_at"][0]["name"] == "SMA Negeri 1 Medan"


def test_api_isbn_jump(client):
    record = make_record("Laskar Pelangi", isbns=["9789793062792"])
    data = api(client, {"q": "978-979-3062-79-2"})
    assert data["jump_to"] == record.pk and [r["id"] for r in data["results"]] == [record.pk]


def test_api_suggestion(client):
    record = make_record("Ensiklopedia matematika")
    data = api(client, {"q": "matematka"})
    assert data["suggestion"] == "matematika" and data["corrected_from"] == "matematka"
    assert [r["id"] for r in data["results"]] == [record.pk]


@pytest.mark.parametrize("params", [{"q": "x" * 10240}, {"q": "<script>"}, {"library": "x"}, {"page": "999"}])
def test_api_bad_input_is_not_an_error(client, params):
    make_record("Buku")
    data = api(client, params)
    assert isinstance(data["results"], list)


def test_api_with_a_read_key(client, read_key, school):
    make_record("Kimia dasar", holdings=[school])
    response = client.get(
        reverse("api:search"), {"q": "kimia", "scope": "mine"}, HTTP_AUTHORIZATION=f"Api-Key {read_key}"
    )
    assert response.status_code == 200 and response.json()["count"] == 1
