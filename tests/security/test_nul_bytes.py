"""A NUL character in any GET parameter of any page or API route, in a form field or in a JSON body, is
refused with a 400 and a message (consortium.middleware.RejectNulMiddleware), never a server error."""

import re
from pathlib import Path

import django_filters
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from .routes import build_world, routes, url_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def get_parameters() -> set[str]:
    """Every GET parameter the code reads, plus every filter of every filterset and the search's parameters."""
    names = {"page", "page_size", "ordering", "format", "next"}
    pattern = re.compile(r"""(?:GET|query_params)\.(?:get|getlist)\(\s*["'](\w+)["']""")
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "var/", "tests/", "bench/")):
            continue
        names |= set(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
    for filterset in django_filters.FilterSet.__subclasses__():
        names |= set(filterset.base_filters)
    from catalog.api.search import PARAMETERS

    names |= {parameter.name for parameter in PARAMETERS}
    return names


def test_the_reported_parameters_are_covered():
    assert {"subject", "school", "q", "status", "party"} <= get_parameters()


def test_nul_in_any_get_parameter_of_any_route_is_a_400(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    world = build_world()
    client = APIClient()
    client.force_login(world.people["librarian"])
    problems = []
    parameters = sorted(get_parameters())
    for name, (kwargs, _visibility) in sorted(routes(world).items()):
        url = url_for(name, kwargs)
        for parameter in parameters:
            response = client.get(url, {parameter: "a\x00b"})
            if response.status_code != 400:
                problems.append(f"{url}?{parameter}=%00: {response.status_code}")
            elif name.startswith("api:") and parameter not in response.json():
                problems.append(f"{url}?{parameter}=%00: no field message")
    assert not problems, "\n".join(problems[:50])


@pytest.mark.parametrize(
    "url",
    [
        "/catalog/?subject=%00",
        "/api/v1/search/?subject=%00",
        "/catalog/browse/?school=%00",
        "/agreements/?party=%00",
    ],
)
def test_the_reported_urls_answer_400(client, librarian, url):
    client.force_login(librarian)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_holdings_q_and_status(client, librarian, school):
    client.force_login(librarian)
    for query in ("q=%00", "status=%00"):
        url = reverse("catalog:holding_list", args=[school.code]) + "?" + query
        assert client.get(url).status_code == 400


def test_nul_in_a_form_field_or_json_body_is_a_400(client, api_client, librarian, school):
    client.force_login(librarian)
    response = client.post(reverse("consortium:library_edit", args=[school.code]), {"name": "SMA\x00"})
    assert response.status_code == 400
    api_client.force_authenticate(librarian)
    response = api_client.post("/api/v1/ill-requests/", {"service": "reference", "question": "a\x00"}, format="json")
    assert response.status_code == 400
    response = api_client.post(
        "/api/v1/ill-requests/",
        data='{"service": "reference", "question": "a\\u0000"}',
        content_type="application/json",
    )
    assert response.status_code == 400
