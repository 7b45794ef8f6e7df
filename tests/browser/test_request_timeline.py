"""The request page's timeline tells each step as a sentence with the schools and dates, in both languages."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from loans import services
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

BULAN = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()
MONTHS = "January February March April May June July August September October November December".split()
# Action and state codes are snake_case words (will_supply, ship_back, in_transit); a sentence has none.
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.fixture
def shipped(ship_a_book):
    request = ship_a_book(days=12)
    librarian = request.requester.memberships.get(role="librarian").user
    return services.ill_request_receive(request=request, by=librarian), request.due_on


def steps(page):
    return page.get_by_test_id("timeline").locator("li").all_inner_texts()


def test_timeline_reads_as_sentences_in_indonesian_then_english(page, shipped):
    request, due = shipped
    today = timezone.localdate()
    login(page, "rosmawati")
    page.goto(f"/ill/requests/{request.pk}/")

    link = page.get_by_test_id("record-link")
    expect(link).to_have_text("Bumi Manusia")
    assert link.get_attribute("href") == request.record.get_absolute_url()

    hari = f"{today.day} {BULAN[today.month - 1]} {today.year}"
    jatuh_tempo = f"{due.day} {BULAN[due.month - 1]} {due.year}"
    assert steps(page) == [
        f"{hari} · Permintaan diajukan melalui SMA Negeri 1 Medan",
        f"{hari} · SMA Negeri 1 Medan menyetujui permintaan",
        f"{hari} · Permintaan dikirim ke SMA Negeri 2 Medan",
        f"{hari} · SMA Negeri 2 Medan akan memenuhinya",
        f"{hari} · SMA Negeri 2 Medan mengirim bukunya, jatuh tempo {jatuh_tempo}",
        f"{hari} · SMA Negeri 1 Medan menerima bukunya",
    ]
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "_" not in timeline and not CODE.search(timeline), timeline

    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    day = f"{today.day} {MONTHS[today.month - 1]} {today.year}"
    due_en = f"{due.day} {MONTHS[due.month - 1]} {due.year}"
    assert steps(page) == [
        f"{day} · The request was made through SMA Negeri 1 Medan",
        f"{day} · SMA Negeri 1 Medan approved the request",
        f"{day} · The request was sent to SMA Negeri 2 Medan",
        f"{day} · SMA Negeri 2 Medan will supply it",
        f"{day} · SMA Negeri 2 Medan sent the book, due {due_en}",
        f"{day} · SMA Negeri 1 Medan received the book",
    ]
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "_" not in timeline and not CODE.search(timeline), timeline
    expect(page.get_by_test_id("record-link")).to_have_text("Bumi Manusia")
