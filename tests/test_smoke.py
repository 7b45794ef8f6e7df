"""Crawl the site as each kind of person and make sure no page answers 500."""

from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from consortium import demo

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("/accounts/logout", "/admin/", "/static/", "/media/", "/i18n/", "/api/v1/docs", "/api/v1/redoc")
MAX_PAGES = 120


def links_in(html: str) -> list[str]:
    from html.parser import HTMLParser

    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                href = dict(attrs).get("href")
                if href:
                    found.append(href)

    Parser().feed(html)
    return found


def crawl(client: Client, start: str = "/") -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in links_in(response.content.decode()):
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith(SKIP_PREFIXES) or "export" in target:
                continue
            if target not in seen:
                queue.append(target)
    return seen


@pytest.mark.parametrize("username", [None, "putri", "rosmawati", "koordinator", "admin"])
def test_no_page_answers_500(username):
    demo.seed()
    client = Client(raise_request_exception=True)
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    statuses = crawl(client)
    assert len(statuses) > 5
    assert all(status < 500 for status in statuses.values()), statuses
