from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Record
from loans import statistics
from loans.choices import State
from loans.models import IllRequest

pytestmark = pytest.mark.django_db


def test_statistics_on_a_known_data_set(school, lender_a, lender_b):
    now = timezone.now()
    book = Record.objects.create(title="Laskar Pelangi")
    other = Record.objects.create(title="Bumi")

    def make(record, requester, lender, state, shipped_days=None, received_days=None):
        created = now - timedelta(days=10)
        return IllRequest.objects.create(
            record=record,
            requester=requester,
            lender=lender,
            state=state,
            created_at=created,
            shipped_at=created + timedelta(days=shipped_days) if shipped_days is not None else None,
            received_at=created + timedelta(days=received_days) if received_days is not None else None,
        )

    make(book, school, lender_a, State.COMPLETED, shipped_days=1, received_days=3)
    make(book, school, lender_a, State.ON_LOAN, shipped_days=3, received_days=5)
    make(book, lender_b, school, State.RECEIVED, shipped_days=2, received_days=4)
    make(other, school, None, State.UNFILLED)
    figures = statistics.compute()
    assert figures["total"] == 4 and figures["filled"] == 3 and figures["fill_rate"] == 75
    assert figures["days_to_shipped"] == 2.0 and figures["days_to_received"] == 4.0
    per = {row["library"].code: (row["lent"], row["borrowed"]) for row in figures["per_library"]}
    assert per[school.code] == (1, 2) and per[lender_a.code] == (2, 0) and per[lender_b.code] == (0, 1)
    assert figures["most_requested"][0]["record__title"] == "Laskar Pelangi"
    assert figures["most_requested"][0]["n"] == 3
    # a librarian sees only requests where her school is involved
    mine = statistics.compute(library_ids={lender_b.pk})
    assert mine["total"] == 1


def test_attachment_over_the_limit_is_refused(
    monkeypatch, reader, librarian, lender_a_librarian, lender_b_librarian, book
):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from loans import services

    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 10)
    request = services.ill_request_approve(
        request=services.ill_request_create(by=reader, record=book, service="copy", pages="1-2"), by=librarian
    )
    lender = next(
        lib
        for lib in (lender_a_librarian, lender_b_librarian)
        if lib.memberships.filter(library_id=request.lender_id).exists()
    )
    services.ill_request_will_supply(request=request, by=lender)
    with pytest.raises(ValidationError):
        services.ill_request_deliver(
            request=request, by=lender, attachment=SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"x" * 100)
        )
    request.refresh_from_db()
    assert request.state == State.WILL_SUPPLY and not request.attachment


def test_a_same_day_turnaround_is_zero_not_a_dash(client, coordinator, school, lender_a):
    now = timezone.now()
    IllRequest.objects.create(
        record=Record.objects.create(title="Bumi"),
        requester=school,
        lender=lender_a,
        state=State.COMPLETED,
        created_at=now,
        shipped_at=now,
        received_at=now,
    )
    figures = statistics.compute()
    assert figures["days_to_shipped"] == 0 and figures["days_to_received"] == 0
    client.force_login(coordinator)
    page = client.get(reverse("loans:stats")).content.decode()
    assert "<dd>0.0</dd>" in page or "<dd>0,0</dd>" in page
    assert "<dd>–</dd>" not in page.split("Hari dari permintaan")[1][:200]


def test_figures_for_a_period(client, coordinator, school, lender_a):
    today = timezone.localdate()
    now = timezone.now()
    book = Record.objects.create(title="Bumi")
    for days_ago in (0, 3, 400):
        IllRequest.objects.create(
            record=book, requester=school, lender=lender_a, state=State.COMPLETED,
            created_at=now - timedelta(days=days_ago), shipped_at=now - timedelta(days=days_ago),
        )  # fmt: skip
    assert statistics.compute()["total"] == 3
    assert statistics.compute(start=today - timedelta(days=10))["total"] == 2
    assert statistics.compute(end=today - timedelta(days=10))["total"] == 1
    client.force_login(coordinator)
    url = reverse("loans:stats")
    page = client.get(url, {"period": "year"}).content.decode()
    assert 'data-testid="period-shown"' in page
    mid = client.get(url, {"period": "custom", "start": (today - timedelta(days=5)).isoformat()})
    assert mid.status_code == 200 and mid.context["figures"]["total"] == 2
    # the CSV keeps the period
    assert "period=custom" in mid.content.decode().split("format=csv")[0].rsplit('href="', 1)[1]
    # bad dates: a form error on the page, not a 500
    bad = client.get(
        url, {"period": "custom", "start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()}
    )
    assert bad.status_code == 400 and "sebelum tanggal mulai" in bad.content.decode()
    assert client.get(url, {"period": "custom"}).status_code == 400
