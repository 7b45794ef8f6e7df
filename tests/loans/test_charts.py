"""Server-drawn SVG charts and the statistics over time."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loans import statistics
from loans.charts import HEIGHT, chart_svg
from loans.choices import State
from loans.models import IllRequest


def bar_heights(svg):
    return [float(h) for h in re.findall(r'<rect class="chart-bar"[^>]* height="([\d.]+)"', svg)]


def test_bars_are_proportional_to_the_values_and_name_them():
    svg = chart_svg([("Jan", 2), ("Feb", 4), ("Mar", 0)], chart_id="c", title="Requests", desc="Three months")
    first, second, third = bar_heights(svg)
    assert second == pytest.approx(2 * first) and third == 0
    assert "<title>Feb: 4</title>" in svg and ">Mar</text>" in svg
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Requests</title><desc id="c-desc">Three months</desc>' in svg
    assert " style=" not in svg and "<script" not in svg  # the Content-Security-Policy allows neither


def test_a_line_breaks_where_a_value_is_missing():
    svg = chart_svg(
        [("1", 50), ("2", 100), ("3", None), ("4", 25), ("5", 75)],
        chart_id="f",
        title="t",
        desc="d",
        kind="line",
        top=100,
    )
    lines = re.findall(r'<polyline class="chart-line" points="([^"]+)"', svg)
    assert [len(points.split()) for points in lines] == [2, 2]
    assert svg.count("<circle") == 4 and "<title>4: 25%</title>" not in svg and "<title>4: 25</title>" in svg
    # a value at the top of the axis is drawn at the top of the plot, half of it halfway down
    ys = [float(y) for y in re.findall(r'cy="([\d.]+)"', svg)]
    base = ys[0] + (ys[0] - ys[1])
    assert base == pytest.approx(HEIGHT - 46)


def test_every_text_is_escaped():
    evil = '<script>alert("x")</script>&'
    svg = chart_svg([(evil, 1)], chart_id='x" onload="alert(1)', title=evil, desc=evil, unit="<b>")
    assert "<script>" not in svg and "<b>" not in svg and 'onload="' not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in svg


def test_an_empty_chart_still_draws_its_axes():
    svg = chart_svg([], chart_id="e", title="t", desc="d")
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "chart-axis" in svg


@pytest.mark.django_db
def test_over_time_counts_requests_fill_rate_and_median_per_month(school, lender_a):
    def make(day, state, received_days=None):
        created = timezone.make_aware(datetime(2026, *day, 10))
        return IllRequest.objects.create(
            requester=school,
            lender=lender_a,
            state=state,
            created_at=created,
            shipped_at=created + timedelta(days=1) if received_days is not None else None,
            received_at=created + timedelta(days=received_days) if received_days is not None else None,
        )

    make((3, 2), State.COMPLETED, received_days=2)
    make((3, 5), State.COMPLETED, received_days=4)
    make((3, 9), State.COMPLETED, received_days=9)
    make((3, 20), State.UNFILLED)
    make((5, 4), State.CANCELLED)
    series = statistics.over_time(start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert not series["weekly"]
    rows = {row["start"]: row for row in series["rows"]}
    assert list(rows) == [date(2026, month, 1) for month in range(1, 7)]
    assert (rows[date(2026, 3, 1)]["requests"], rows[date(2026, 3, 1)]["fill_rate"]) == (4, 75)
    assert rows[date(2026, 3, 1)]["median_days"] == 4.0  # not the average (5)
    assert rows[date(2026, 5, 1)] == {"start": date(2026, 5, 1), "requests": 1, "fill_rate": 0, "median_days": None}
    assert rows[date(2026, 4, 1)]["fill_rate"] is None
    weekly = statistics.over_time(start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert weekly["weekly"] and weekly["rows"][0]["start"] == date(2026, 2, 23)  # the Monday of that week
    assert sum(row["requests"] for row in weekly["rows"]) == 4
    assert (
        statistics.over_time(library_ids={-1}, start=date(2026, 3, 1), end=date(2026, 3, 31))["rows"][1]["requests"]
        == 0
    )


@pytest.mark.django_db
def test_statistics_page_draws_the_three_charts_with_their_table(client, librarian, school, lender_a, student):
    IllRequest.objects.create(requester=school, lender=lender_a, state=State.SENT, created_at=timezone.now())
    client.force_login(librarian)
    page = client.get(reverse("loans:stats"), {"period": "year"}).content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart') == 3
    for chart in ("chart-requests", "chart-fill-rate", "chart-median-days"):
        assert f'data-testid="chart-{chart}"' in page
    assert 'data-testid="over-time"' in page and "Permintaan per bulan" in page
    client.force_login(student)
    assert client.get(reverse("loans:stats")).status_code == 403  # the existing access rule holds
