"""Slow pages (issue 17): median of warm requests to the OpenAPI schema, the records list and an agreement's PDF.

    DEBUG=1 .venv/bin/python manage.py migrate && DEBUG=1 .venv/bin/python manage.py seed_demo --if-safe
    DEBUG=1 .venv/bin/python bench/pages_bench.py [--runs 10]

In-process through Django's test Client (the whole middleware stack, no network). Each page is requested once
to warm it (first generation, connection, caches), then --runs times; the median is printed. The reference is
GET /healthz (a bare SELECT 1 through the same stack) and a bare SELECT 1 round trip on the cursor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings")
os.environ.setdefault("DEBUG", "1")


def median_ms(fn, runs: int) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--user", default="koordinator", help="the signed-in session (demo user)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from agreements.models import Agreement
    from catalog.models import Record

    user = get_user_model().objects.get(username=args.user)
    agreement = Agreement.objects.visible_to(user).order_by("pk").first()
    anonymous, session, english = (Client(HTTP_HOST="localhost") for _ in range(3))
    session.force_login(user)
    english.force_login(user)
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages follow the language switch

    def get(client, url, **extra):
        def run():
            response = client.get(url, **extra)
            assert response.status_code == 200, (url, response.status_code)
            b"".join(response) if response.streaming else response.content

        return run

    def select_1():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    records = reverse("api:record-list")
    cases = [
        ("SELECT 1 (cursor round trip)", select_1),
        ("GET /healthz", get(anonymous, "/healthz")),
        ("GET /api/v1/schema/ (yaml, id)", get(anonymous, reverse("api:schema"))),
        ("GET /api/v1/schema/?format=json (en)", get(anonymous, reverse("api:schema") + "?format=json&lang=en")),
        ("GET /api/v1/records/ anonymous", get(anonymous, records)),
        ("GET /api/v1/records/ session", get(session, records)),
        ("GET /api/v1/records/?page=3 anonymous", get(anonymous, records + "?page=3")),
        (
            f"GET agreement PDF ({agreement.number}, id)",
            get(session, reverse("agreements:agreement_pdf", args=[agreement.pk])),
        ),
        (
            f"GET agreement PDF ({agreement.number}, en)",
            get(english, reverse("agreements:agreement_pdf", args=[agreement.pk])),
        ),
    ]
    print(f"{Record.objects.count()} records; median of {args.runs} warm runs")
    for name, fn in cases:
        print(f"  {name:<45} {median_ms(fn, args.runs):8.1f} ms")


if __name__ == "__main__":
    main()
