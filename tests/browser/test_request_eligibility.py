"""Before the request form: a book on the student's own school shelf, or a student at her loan limit."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from agreements.models import Agreement
from catalog.models import Holding, Record
from loans import services
from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_student

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network(ill_agreement):
    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    lender = LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan")
    ill_agreement(school, lender, loan_days=14)
    make_student(school, username="putri")
    bumi = Record.objects.create(title="Bumi Manusia", authors=[{"name": "Pramoedya Ananta Toer", "role": "author"}])
    Holding.objects.create(record=bumi, library=lender, barcode="SMAN2-0001", call_number="899.221 TOE b")
    laskar = Record.objects.create(title="Laskar Pelangi", authors=[{"name": "Andrea Hirata", "role": "author"}])
    Holding.objects.create(record=laskar, library=lender, barcode="SMAN2-0002", call_number="899.221 HIR l")
    return school, bumi, laskar


def test_a_book_on_her_own_school_shelf_is_shown_with_where_to_find_it(page, network):
    school, bumi, _ = network
    Holding.objects.create(
        record=bumi, library=school, barcode="SMAN1-0001", shelf_location="Rak Sastra B", call_number="899.221 TOE b"
    )
    login(page, "putri")
    page.goto(bumi.get_absolute_url())
    page.get_by_test_id("request-this").click()
    expect(page.locator("h1")).to_have_text("Minta “Bumi Manusia”")
    notice = page.get_by_test_id("own-copy")
    expect(notice.get_by_role("heading")).to_have_text("SMA Negeri 1 Medan punya eksemplarnya di rak")
    expect(notice).to_contain_text("Pinjamlah di perpustakaan sekolah Anda sendiri")
    expect(notice.locator("li")).to_have_text("Rak: Rak Sastra B · Nomor panggil: 899.221 TOE b")
    # The notice comes instead of the loan form.
    expect(page.get_by_role("button", name="Kirim permintaan")).to_have_count(0)
    expect(page.get_by_role("link", name="Kembali ke cantuman")).to_be_visible()


def test_a_student_at_her_loan_limit_sees_her_loans_instead_of_the_form(page, network):
    school, bumi, laskar = network
    Agreement.objects.update(items_per_student=1)
    putri = get_user_model().objects.get(username="putri")
    services.ill_request_create(by=putri, record=bumi)
    login(page, "putri")
    page.goto(f"/ill/new/?record={laskar.pk}")
    expect(page.locator("h1")).to_have_text("Minta “Laskar Pelangi”")
    notice = page.get_by_test_id("loan-limit")
    expect(notice.get_by_role("heading")).to_have_text(
        "Anda sudah memiliki 1 pinjaman antarperpustakaan yang berjalan, batas yang diizinkan"
    )
    expect(notice.get_by_role("link", name="Bumi Manusia")).to_be_visible()
    expect(page.get_by_role("button", name="Kirim permintaan")).to_have_count(0)
    expect(page.get_by_test_id("own-copy")).to_have_count(0)


def test_a_student_below_her_limit_gets_the_form(page, network):
    _, _, laskar = network
    Agreement.objects.update(items_per_student=1)
    login(page, "putri")
    page.goto(f"/ill/new/?record={laskar.pk}")
    expect(page.get_by_role("button", name="Kirim permintaan")).to_be_visible()
    expect(page.get_by_test_id("loan-limit")).to_have_count(0)
    expect(page.get_by_test_id("own-copy")).to_have_count(0)
