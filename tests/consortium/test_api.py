import pytest
from django.urls import reverse

from consortium.models import ApiKey, Library
from consortium.services import api_key_revoke

pytestmark = pytest.mark.django_db

LIST = reverse("api:library-list")


def detail(library):
    return reverse("api:library-detail", args=[library.code])


def key_header(raw):
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


# --- reading ---------------------------------------------------------------------------


def test_anyone_lists_and_reads_libraries(api_client, school, other_school):
    response = api_client.get(LIST)
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["SMAN1MDN", "SMPN7MDN"]
    assert api_client.get(detail(school)).json()["npsn"] == "10210872"


def test_list_filters_are_the_directory_filters(api_client, school, other_school):
    response = api_client.get(LIST, {"level": "smp"})
    assert [row["code"] for row in response.json()["results"]] == ["SMPN7MDN"]


def test_list_is_paginated(api_client, school, other_school):
    body = api_client.get(LIST, {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]


def test_unknown_library_is_json_404(api_client):
    response = api_client.get(reverse("api:library-detail", args=["NOPE"]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."} or "detail" in response.json()


def test_unknown_api_path_is_json_404(api_client):
    response = api_client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_library_list_query_count_is_flat(api_client, school, django_assert_max_num_queries):
    from tests.factories import LibraryFactory

    LibraryFactory.create_batch(20)
    with django_assert_max_num_queries(3):
        api_client.get(LIST)


# --- writing with a session ---------------------------------------------------------------


def test_librarian_edits_own_library_through_the_api(api_client, librarian, school):
    api_client.force_authenticate(librarian)
    response = api_client.patch(detail(school), {"opening_hours": "Senin–Sabtu 07.00–16.00"}, format="json")
    assert response.status_code == 200, response.json()
    school.refresh_from_db()
    assert school.opening_hours == "Senin–Sabtu 07.00–16.00"


def test_librarian_of_a_cannot_edit_b_through_the_api(api_client, librarian, other_school):
    api_client.force_authenticate(librarian)
    response = api_client.patch(detail(other_school), {"name": "Taken over"}, format="json")
    assert response.status_code == 403
    other_school.refresh_from_db()
    assert other_school.name == "SMP Negeri 7 Medan"


def test_librarian_cannot_change_membership_status(api_client, librarian, school):
    api_client.force_authenticate(librarian)
    response = api_client.patch(detail(school), {"status": "left"}, format="json")
    assert response.status_code == 403
    school.refresh_from_db()
    assert school.status == "active"


def test_coordinator_creates_a_library(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    payload = {
        "code": "SMAN5MDN",
        "name": "SMA Negeri 5 Medan",
        "npsn": "10210876",
        "level": "sma",
        "city": "Kota Medan",
        "province": "Sumatera Utara",
        "services": ["loan"],
        "status": "active",
    }
    response = api_client.post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    assert Library.objects.get(code="SMAN5MDN").joined_on is not None


def test_librarian_cannot_create_a_library(api_client, librarian):
    api_client.force_authenticate(librarian)
    payload = {"code": "X1", "name": "X", "npsn": "10210899", "level": "sma", "city": "Medan", "province": "Sumut"}
    assert api_client.post(LIST, payload, format="json").status_code == 403
    assert not Library.objects.filter(code="X1").exists()


def test_anonymous_write_is_401(api_client, school):
    response = api_client.patch(detail(school), {"name": "x"}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "payload, fields",
    [
        ({"npsn": "12345"}, {"npsn"}),
        ({"npsn": "abcdefgh"}, {"npsn"}),
        ({"level": "university"}, {"level"}),
        ({"services": ["spaceflight"]}, {"services"}),
        ({"email": "nope"}, {"email"}),
        ({"name": ""}, {"name"}),
        ({"joined_on": "2026-02-30"}, {"joined_on"}),
    ],
)
def test_invalid_payload_is_400_with_field_messages(api_client, coordinator, school, payload, fields):
    api_client.force_authenticate(coordinator)
    response = api_client.patch(detail(school), payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields
    # Field messages: a list, or for list fields a dict of item index -> list.
    assert all(isinstance(messages, (list, dict)) and messages for messages in response.json().values())


def test_duplicate_npsn_is_400(api_client, coordinator, school, other_school):
    api_client.force_authenticate(coordinator)
    response = api_client.patch(detail(other_school), {"npsn": school.npsn}, format="json")
    assert response.status_code == 400
    assert "npsn" in response.json()


def test_left_before_joined_is_400_non_field(api_client, coordinator, school):
    api_client.force_authenticate(coordinator)
    response = api_client.patch(detail(school), {"joined_on": "2026-01-01", "left_on": "2025-01-01"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json() or "__all__" not in response.json()


def test_malformed_json_is_400(api_client, coordinator, school):
    api_client.force_authenticate(coordinator)
    response = api_client.generic("PATCH", detail(school), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


# --- API keys -------------------------------------------------------------------------------


def test_api_key_life(api_client, librarian, school, write_key):
    # use: a read-write key of the school edits the school
    response = api_client.patch(detail(school), {"phone": "(061) 4100000"}, format="json", **key_header(write_key))
    assert response.status_code == 200
    key = ApiKey.objects.get(name="sync")
    assert key.last_used_at is not None
    # revoke: the same key is now refused with 401
    api_key_revoke(key=key, by=librarian)
    response = api_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en", **key_header(write_key))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    response = api_client.get(LIST, **key_header(write_key))
    assert "dicabut" in response.json()["detail"]  # Indonesian unless the client asks otherwise


def test_key_is_stored_hashed(school, write_key):
    key = ApiKey.objects.get(name="sync")
    assert key.key_hash == ApiKey.hash(write_key)
    assert write_key not in (key.key_hash, key.prefix)


def test_read_only_key_is_refused_a_write_with_403(api_client, school, read_key):
    assert api_client.get(detail(school), **key_header(read_key)).status_code == 200
    response = api_client.patch(detail(school), {"phone": "1"}, format="json", **key_header(read_key))
    assert response.status_code == 403
    school.refresh_from_db()
    assert school.phone == ""


def test_key_of_another_library_is_403(api_client, other_school, write_key):
    response = api_client.patch(detail(other_school), {"phone": "1"}, format="json", **key_header(write_key))
    assert response.status_code == 403


@pytest.mark.parametrize("header", ["Api-Key slg_wrong_value", "Api-Key", "Api-Key a b", "Api-Key notevenprefixed"])
def test_wrong_or_malformed_key_is_401(api_client, school, header):
    response = api_client.get(LIST, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_x_api_key_header_also_works(api_client, school, read_key):
    assert api_client.get(LIST, HTTP_X_API_KEY=read_key).status_code == 200


def test_key_cannot_create_libraries(api_client, write_key):
    payload = {"code": "K1", "name": "K", "npsn": "10210898", "level": "sma", "city": "Medan", "province": "Sumut"}
    assert api_client.post(LIST, payload, format="json", **key_header(write_key)).status_code == 403


# --- schema ---------------------------------------------------------------------------------


def routed_api_paths() -> set[str]:
    """Every endpoint routed under /api/v1/, written the way OpenAPI writes paths."""
    import re

    from django.urls import URLPattern, URLResolver

    from consortium import api_urls

    def walk(patterns, prefix):
        for pattern in patterns:
            text = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, text)
            elif isinstance(pattern, URLPattern):
                yield text

    paths = set()
    for raw in walk(api_urls.urlpatterns, "/api/v1/"):
        if "format" in raw or raw.rstrip("/").split("/")[-1] in {"schema", "docs", "redoc"}:
            continue
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", raw)
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
        # drf-spectacular names a primary-key lookup after the model field ({id}), the router calls it pk.
        paths.add(path.replace("\\", "").replace("{pk}", "{id}"))
    return paths


def test_schema_is_valid_openapi_3_and_describes_every_endpoint(client):
    from openapi_spec_validator import validate

    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    routed = routed_api_paths()
    assert "/api/v1/libraries/{code}/" in routed
    assert routed <= set(schema["paths"]), routed - set(schema["paths"])
    assert "ApiKeyAuth" in schema["components"]["securitySchemes"]


def test_interactive_docs_are_served_without_a_cdn(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert "swagger-ui" in response.content.decode()
    assert "cdn.jsdelivr" not in response.content.decode()


def test_schema_is_served_from_memory_with_the_same_bytes(client, monkeypatch):
    from consortium.api.schema import CachedSpectacularAPIView

    monkeypatch.setattr(CachedSpectacularAPIView, "rendered", {})
    url = reverse("api:schema")
    for query in ({}, {"format": "json"}, {"lang": "en"}, {"lang": "en", "format": "json"}):
        first, second = client.get(url, query), client.get(url, query)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content, query
        assert first["Content-Type"] == second["Content-Type"]
        assert first["Content-Disposition"] == second["Content-Disposition"]
    assert client.get(url)["Content-Type"].startswith("application/vnd.oai.openapi")
    assert client.get(url, {"format": "json"})["Content-Type"].startswith("application/vnd.oai.openapi+json")
    # Each language and format is its own document.
    indonesian = client.get(url, {"format": "json"}).content
    english = client.get(url, {"format": "json", "lang": "en"}).content
    assert indonesian != english
    assert len(CachedSpectacularAPIView.rendered) == 4
    # A language the site does not offer is generated, never kept: made-up ?lang= cannot grow the cache.
    assert client.get(url, {"lang": "xx"}).status_code == 200
    assert len(CachedSpectacularAPIView.rendered) == 4


def test_the_openapi_document_generates_without_warnings(tmp_path):
    """A warning there is a client generator's trouble (two names for one enum, a view it cannot describe)."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
