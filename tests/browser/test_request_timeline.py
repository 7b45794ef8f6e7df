"""The request page's timeline tells each step as a sentence with the schools and dates, in both languages."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Holding, Record
from loans import services
from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_librarian, make_student

pytestmark = pytest.mark.django_db(transaction=True)

BULAN = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()
MONTHS = "January February March April May June July August September October November December".split()
# Action and state codes are snake_case words (will_supply, ship_back, in_transit); a sentence has none.
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.fixture
def shipped(ill_agreement):
    borrower = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    lender = LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan")
    ill_agreement(borrower, lender, loan_days=14)
    student = make_student(borrower, username="putri")
    ours = make_librarian(borrower, username="rosmawati")
    theirs = make_librarian(lender, username="hendra")
    record = Record.objects.create(title="Bumi Manusia", authors=[{"name": "Pramoedya Ananta Toer", "role": "author"}])
    Holding.objects.create(record=record, library=lender, barcode="SMAN2-0001", call_number="899.221 TOE b")
    request = services.ill_request_create(by=student, record=record)
    request = services.ill_request_approve(request=request, by=ours)
    request = services.ill_request_will_supply(request=request, by=theirs)
    due = timezone.localdate() + timedelta(days=12)
    request = services.ill_request_ship(request=request, by=theirs, due_on=due)
    request = services.ill_request_receive(request=request, by=ours)
    return request, due


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
