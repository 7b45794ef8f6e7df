"""Booking a shared facility at phone width, and a teacher building a reading list and requesting it."""

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from agreements.choices import Form, Status
from agreements.models import Agreement, Party
from catalog.models import Holding, Record
from loans.models import IllRequest
from network.models import Booking, Facility
from tests.browser.conftest import assert_accessible_basics, login
from tests.factories import LibraryFactory, make_librarian, make_teacher
from tests.network.conftest import next_monday

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def schools(ill_agreement):
    from django.utils import timezone

    owner = LibraryFactory(code="SMKN1MDN", name="SMK Negeri 1 Medan", npsn="10210790")
    guest = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan", npsn="10210872")
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        number="PKS/FAS/001",
        title="Fasilitas bersama",
        forms=[Form.FACILITIES],
        status=Status.ACTIVE,
        start_on=today.replace(day=1),
        end_on=today.replace(year=today.year + 1),
    )
    for library in (owner, guest):
        Party.objects.create(agreement=agreement, library=library)
    ill_agreement(owner, guest)
    make_librarian(owner, username="yusnita")
    make_librarian(guest, username="rosmawati")
    make_teacher(guest, username="sari", first_name="Sari")
    lab = Facility.objects.create(
        library=owner, name="Laboratorium Komputer", opens_at=time(8, 0), closes_at=time(14, 0), agreement=agreement
    )
    return owner, guest, lab


def test_booking_a_facility_at_phone_width(phone_page, schools):
    page = phone_page
    owner, guest, lab = schools
    login(page, "rosmawati")
    page.goto("/network/facilities/")
    page.get_by_role("link", name="Laboratorium Komputer").click()
    expect(page.locator("h1")).to_have_text("Laboratorium Komputer")
    assert_accessible_basics(page)
    monday = next_monday()
    form = page.get_by_test_id("booking-form")
    form.locator("#id_day").fill(monday.isoformat())
    form.locator("#id_start").fill("07:00")  # before opening: refused with the opening hours
    form.locator("#id_end").fill("09:00")
    form.locator("#id_purpose").fill("Kelas literasi digital")
    form.locator("button[type=submit]").click()
    expect(page.locator(".form-errors, .field-error").first).to_contain_text("08:00")
    assert not Booking.objects.exists()
    form = page.get_by_test_id("booking-form")
    form.locator("#id_start").fill("09:00")
    form.locator("#id_end").fill("11:00")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/network/bookings/\d+/"))
    booking_url = page.url
    assert_accessible_basics(page)
    booking = Booking.objects.get()
    assert booking.status == "pending" and booking.library == guest

    page.context.clear_cookies()
    login(page, "yusnita")
    page.goto(booking_url)
    page.locator("button[formaction$='/approve/']").click()
    page.wait_for_load_state()
    booking.refresh_from_db()
    assert booking.status == "approved"
    page.goto(f"/network/schools/{owner.code}/calendar/?week={monday.isoformat()}")
    expect(page.locator("table.calendar")).to_contain_text("SMA Negeri 1 Medan")
    assert_accessible_basics(page)


def test_teacher_builds_a_reading_list_and_requests_it(page, schools):
    owner, guest, lab = schools
    record = Record.objects.create(title="Bumi Manusia", authors=[{"name": "Pramoedya Ananta Toer", "role": "author"}])
    Holding.objects.create(record=record, library=owner, barcode="SMK-0001")
    login(page, "sari")
    page.goto("/network/reading-lists/new/")
    page.locator("#id_title").fill("Novel Indonesia untuk resensi")
    page.locator("#id_class_name").fill("XI IPA 2")
    page.locator("#id_subject").fill("Bahasa Indonesia")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/network/reading-lists/\d+/"))
    page.locator("#f-q").fill("Bumi Manusia")
    page.locator("form.search-row button[type=submit]").click()
    page.locator(f"button[name=record][value='{record.pk}']").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("reading-list")).to_contain_text("Bumi Manusia")
    expect(page.get_by_test_id("reading-list")).to_contain_text("SMKN1MDN")  # on the shelf there
    assert_accessible_basics(page)
    page.get_by_test_id("request-list").click()
    page.wait_for_load_state()
    request = IllRequest.objects.get()
    assert request.record == record and request.requester == guest and request.reader.username == "sari"
    assert request.state == "awaiting_approval"
