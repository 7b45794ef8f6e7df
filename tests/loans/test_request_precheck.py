"""The request page says what stops a loan before the form: a copy on the own shelf, the student's loan limit.
The service refuses the same, and a POST that gets past the page shows the refusal as a form error."""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from catalog.models import Holding
from loans import services
from loans.models import IllRequest

pytestmark = pytest.mark.django_db


def form_url(record, **params):
    query = "&".join(f"{key}={value}" for key, value in {"record": record.pk, **params}.items())
    return reverse("loans:request_create") + "?" + query


@pytest.fixture
def own_copy(school, book):
    return Holding.objects.create(
        record=book, library=school, barcode="S-1", shelf_location="Rak Sastra B", call_number="899.221 TOE b"
    )


def test_own_copy_on_the_shelf_is_shown_instead_of_the_form(client, reader, book, own_copy, school):
    client.force_login(reader)
    response = client.get(form_url(book), HTTP_ACCEPT_LANGUAGE="id")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="own-copy"' in page and "Rak Sastra B" in page and "899.221 TOE b" in page
    assert f"{school.name} punya eksemplarnya di rak" in page
    assert f'href="{book.get_absolute_url()}"' in page
    assert 'name="service"' not in page


def test_form_is_shown_when_the_own_copy_is_out(client, reader, book, own_copy):
    own_copy.status = "lent_out"
    own_copy.save()
    client.force_login(reader)
    page = client.get(form_url(book)).content.decode()
    assert 'data-testid="own-copy"' not in page and 'name="service"' in page


def test_form_is_shown_when_only_other_schools_hold_it(client, reader, book):
    client.force_login(reader)
    page = client.get(form_url(book)).content.decode()
    assert 'data-testid="own-copy"' not in page and 'data-testid="loan-limit"' not in page
    assert 'name="service"' in page


def test_a_copy_of_pages_may_still_be_asked_when_the_own_copy_is_on_the_shelf(client, reader, book, own_copy):
    client.force_login(reader)
    assert 'name="service"' in client.get(form_url(book, service="copy")).content.decode()
    response = client.post(form_url(book), {"service": "copy", "record": book.pk, "pages": "Bab 2"})
    assert response.status_code == 302 and IllRequest.objects.count() == 1


def test_posting_a_loan_despite_the_own_copy_is_a_form_error(client, reader, book, own_copy):
    client.force_login(reader)
    response = client.post(form_url(book), {"service": "loan", "record": book.pk}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Perpustakaan Anda sendiri punya eksemplar di rak: pinjamlah di sana."
    ]
    assert not IllRequest.objects.exists()


def test_student_at_her_loan_limit_sees_her_running_loans_instead_of_the_form(client, reader, book):
    Agreement.objects.update(items_per_student=1)
    running = services.ill_request_create(by=reader, record=book)
    client.force_login(reader)
    page = client.get(form_url(book)).content.decode()
    assert 'data-testid="loan-limit"' in page and 'name="service"' not in page
    assert f'href="{running.get_absolute_url()}"' in page and "Bumi Manusia" in page


def test_student_below_her_loan_limit_gets_the_form(client, reader, book):
    Agreement.objects.update(items_per_student=2)
    services.ill_request_create(by=reader, record=book)
    client.force_login(reader)
    page = client.get(form_url(book)).content.decode()
    assert 'data-testid="loan-limit"' not in page and 'name="service"' in page


def test_posting_a_loan_over_the_limit_is_a_form_error(client, reader, book):
    Agreement.objects.update(items_per_student=1)
    services.ill_request_create(by=reader, record=book)
    client.force_login(reader)
    response = client.post(form_url(book), {"service": "loan", "record": book.pk})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Seorang siswa boleh memiliki paling banyak 1 pinjaman antarperpustakaan sekaligus."
    ]
    assert IllRequest.objects.count() == 1
