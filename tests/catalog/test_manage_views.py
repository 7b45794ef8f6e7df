import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.ingest import import_bytes
from catalog.models import Holding, ImportJob, MatchReview, Record

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(school):
    import_bytes(
        library=school,
        data=b"local_id,title,authors,year,barcode\nA1,Laskar Pelangi,Andrea Hirata,2005,B1\n",
        filename="a.csv",
    )
    return Record.objects.get()


def test_librarian_uploads_a_file_and_sees_the_report(client, librarian, school, data_file):
    client.force_login(librarian)
    upload = SimpleUploadedFile("fre.mrc", data_file("evergreen_lul_fre_100.mrc").read_bytes())
    response = client.post(reverse("catalog:import_list", args=[school.code]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert job.report["created"] == 100 and "114" in page.content.decode()


def test_empty_upload_is_a_form_error(client, librarian, school):
    client.force_login(librarian)
    response = client.post(
        reverse("catalog:import_list", args=[school.code]), {"file": SimpleUploadedFile("x.mrc", b"")}
    )
    assert response.status_code == 400 and "file" in response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_a_file_that_cannot_be_imported_is_refused_on_the_page_at_once(client, librarian, school):
    client.force_login(librarian)
    response = client.post(
        reverse("catalog:import_list", args=[school.code]), {"file": SimpleUploadedFile("x.csv", b"judul\nA\n")}
    )
    assert response.status_code == 400 and "title" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_import_pages_are_for_the_librarys_staff_only(client, outsider, student, school):
    for user in (outsider, student):
        client.force_login(user)
        assert client.get(reverse("catalog:import_list", args=[school.code])).status_code == 403
        assert client.get(reverse("catalog:holding_list", args=[school.code])).status_code == 403


def test_holding_add_edit_withdraw(client, librarian, school, book):
    client.force_login(librarian)
    url = reverse("catalog:holding_create", args=[book.pk, school.code])
    data = {
        "barcode": "B2",
        "call_number": "899.221 HIR l",
        "shelf_location": "Rak Fiksi",
        "copy_number": 2,
        "status": "available",
        "ill_allowed": "on",
        "acquisition": "donation_parent",
        "date_added": "2026-11-01",
    }
    assert client.post(url, data).status_code == 302
    holding = Holding.objects.get(barcode="B2")
    assert holding.acquisition == "donation_parent"
    edit = reverse("catalog:holding_edit", args=[holding.pk])
    assert client.post(edit, {**data, "shelf_location": "Rak 2", "version": holding.version}).status_code == 302
    holding.refresh_from_db()
    assert holding.shelf_location == "Rak 2" and holding.version == 2
    # an editor who still has version 1 open is told, and nothing is overwritten
    response = client.post(edit, {**data, "shelf_location": "Rak 3", "version": 1})
    assert response.status_code == 400
    holding.refresh_from_db()
    assert holding.shelf_location == "Rak 2"
    assert client.post(edit, {**data, "version": holding.version, "withdraw": "1"}).status_code == 302
    holding.refresh_from_db()
    assert holding.status == "withdrawn"


def test_holding_with_a_taken_barcode_is_a_form_error(client, librarian, school, book):
    client.force_login(librarian)
    url = reverse("catalog:holding_create", args=[book.pk, school.code])
    response = client.post(
        url, {"barcode": "B1", "status": "available", "acquisition": "purchase", "date_added": "2026-11-01"}
    )
    assert response.status_code == 400
    assert Holding.objects.filter(barcode="B1").count() == 1


def test_outsider_cannot_edit_another_schools_copy(client, outsider, book):
    client.force_login(outsider)
    assert client.get(reverse("catalog:holding_edit", args=[book.holdings.get().pk])).status_code == 403


def test_export_is_a_job_downloaded_when_ready(client, book, school, librarian, outsider):
    assert client.get(reverse("catalog:export")).status_code == 200
    assert client.post(reverse("catalog:export"), {"format": "csv"}).status_code == 302  # to the login page
    client.force_login(librarian)
    response = client.post(reverse("catalog:export"), {"format": "csv", "library": school.code})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"export-download" in page.content
    job = page.context["job"]
    download = client.get(reverse("catalog:export_download", args=[job.pk]))
    assert "Laskar Pelangi" in b"".join(download.streaming_content).decode("utf-8-sig")
    assert client.post(reverse("catalog:export"), {"format": "pdf"}).status_code == 400
    client.force_login(outsider)  # someone else's export: not found
    assert client.get(reverse("catalog:export_download", args=[job.pk])).status_code == 404


def test_coordinator_reviews_merges_and_splits(client, coordinator, school, other_school, book):
    import_bytes(
        library=other_school,
        data=b"local_id,title,authors,year,barcode\nX1,Laskar Pelangi,Andrea Hirata,2006,C1\n",
        filename="b.csv",
    )
    client.force_login(coordinator)
    assert client.get(reverse("catalog:review_list")).status_code == 200
    review = MatchReview.objects.get()
    client.post(reverse("catalog:review_decide", args=[review.pk]), {"decision": "merge", "confirm": "1"})
    assert Record.objects.count() == 1
    merged = Record.objects.get()
    source = merged.sources.get(library=other_school)
    response = client.post(reverse("catalog:record_curate", args=[merged.pk]), {"split": "1", "source": [source.pk]})
    assert response.status_code == 302 and Record.objects.count() == 2
    other = Record.objects.exclude(pk=merged.pk).get()
    response = client.post(reverse("catalog:record_merge", args=[merged.pk, other.pk]))
    assert response.status_code == 302 and Record.objects.count() == 1
    assert client.post(reverse("catalog:record_merge", args=[merged.pk, 999999])).status_code == 404


@pytest.fixture
def two_editions(book, other_school):
    """The book at one school and another edition of it at another school: two records."""
    import_bytes(
        library=other_school,
        data=b"local_id,title,authors,publisher,year,barcode\nX1,Laskar Pelangi,Andrea Hirata,Gramedia,2020,C1\n",
        filename="b.csv",
    )
    return book, Record.objects.exclude(pk=book.pk).get()


def test_curate_page_searches_for_the_record_to_merge_with(client, coordinator, two_editions):
    book, other = two_editions
    client.force_login(coordinator)
    url = reverse("catalog:record_curate", args=[book.pk])
    assert client.get(url).context["candidates"] is None  # nothing searched yet
    response = client.get(url, {"q": "laskar pelangi"})
    assert [hit.record.pk for hit in response.context["candidates"]] == [other.pk]  # not the record itself
    page = response.content.decode()
    assert "Gramedia" in page and "SMP Negeri 7 Medan" in page  # publisher and the school holding it
    into = reverse("catalog:record_merge", args=[other.pk, book.pk])
    merge_in = reverse("catalog:record_merge", args=[book.pk, other.pk])
    assert f'href="{into}?from={book.pk}"' in page and f'href="{merge_in}"' in page
    assert client.get(url, {"q": "fisika"}).context["candidates"] == []


def test_merge_asks_for_confirmation_with_both_records(client, coordinator, two_editions):
    book, other = two_editions
    client.force_login(coordinator)
    url = reverse("catalog:record_merge", args=[book.pk, other.pk])
    response = client.get(url)
    assert response.status_code == 200 and Record.objects.count() == 2  # a GET merges nothing
    values = [row[1:] for row in response.context["rows"]]  # (kept, merged, marked as differing)
    assert ("", "Gramedia", False) in values and ("2005", "2020", True) in values
    assert ("SMA Negeri 1 Medan", "SMP Negeri 7 Medan", False) in values  # who holds each
    page = response.content.decode()
    assert reverse("catalog:record_detail", args=[book.pk]) in page
    assert reverse("catalog:record_detail", args=[other.pk]) in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == book.get_absolute_url()
    assert list(Record.objects.values_list("pk", flat=True)) == [book.pk]
    assert client.get(other.get_absolute_url()).status_code == 301


def test_merge_of_a_record_with_itself_is_refused_on_the_confirmation_page(client, coordinator, book):
    client.force_login(coordinator)
    response = client.post(reverse("catalog:record_merge", args=[book.pk, book.pk]))
    assert response.status_code == 400 and Record.objects.count() == 1


@pytest.mark.parametrize("persona", ["student", "librarian", "outsider"])
def test_only_coordinators_search_and_merge(client, request, persona, two_editions):
    book, other = two_editions
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("catalog:record_curate", args=[book.pk]), {"q": "laskar"}).status_code == 403
    url = reverse("catalog:record_merge", args=[book.pk, other.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Record.objects.count() == 2


def test_anonymous_is_sent_to_sign_in_for_a_merge(client, two_editions):
    book, other = two_editions
    response = client.post(reverse("catalog:record_merge", args=[book.pk, other.pk]))
    assert response.status_code == 302 and "login" in response["Location"] and Record.objects.count() == 2


def test_librarian_cannot_curate(client, librarian, book):
    client.force_login(librarian)
    assert client.get(reverse("catalog:record_curate", args=[book.pk])).status_code == 403
    assert client.get(reverse("catalog:review_list")).status_code == 403


def test_record_page_offers_staff_links(client, librarian, coordinator, book):
    client.force_login(librarian)
    page = client.get(reverse("catalog:record_detail", args=[book.pk])).content.decode()
    assert reverse("catalog:holding_create", args=[book.pk, "SMAN1MDN"]) in page
    assert reverse("catalog:holding_edit", args=[book.holdings.get().pk]) in page
    assert reverse("catalog:record_curate", args=[book.pk]) not in page
    client.force_login(coordinator)
    assert (
        reverse("catalog:record_curate", args=[book.pk])
        in client.get(reverse("catalog:record_detail", args=[book.pk])).content.decode()
    )


def test_a_copy_an_interlibrary_loan_holds_keeps_the_loans_status(
    client, school, other_school, librarian, outsider, ill_agreement
):
    """The lender's copy is promised to a request: neither the holdings form nor the API may set it available."""
    from catalog.services import holding_update
    from loans import services as loans
    from tests.factories import make_student

    import_bytes(
        library=other_school,
        data=b"local_id,title,authors,year,barcode\nA1,Laskar Pelangi,Andrea Hirata,2005,L1\n",
        filename="a.csv",
    )
    ill_agreement(school, other_school)
    copy = Holding.objects.get(barcode="L1")
    request = loans.ill_request_create(by=make_student(school, username="siti"), record=copy.record)
    request = loans.ill_request_approve(request=request, by=librarian)
    request = loans.ill_request_will_supply(request=request, by=outsider)
    loans.ill_request_ship(request=request, by=outsider)
    copy.refresh_from_db()
    held_status = copy.status
    assert held_status != "available"

    client.force_login(outsider)
    edit = reverse("catalog:holding_edit", args=[copy.pk])
    page = client.get(edit).content.decode()
    assert f"Dipegang permintaan pinjam antarperpustakaan {request.pk}" in page  # the form says which request
    data = {"barcode": "L1", "status": "available", "acquisition": "purchase", "date_added": "2026-11-01"}
    # The disabled field keeps the loan's status; the rest of the copy can still be edited.
    assert client.post(edit, {**data, "shelf_location": "Rak 9", "version": copy.version}).status_code == 302
    copy.refresh_from_db()
    assert copy.status == held_status and copy.shelf_location == "Rak 9"
    # The service refuses it for every caller (pages and API alike), with the field's message.
    with pytest.raises(ValidationError) as refused:
        holding_update(holding=copy, by=outsider, status="available")
    assert "status" in refused.value.message_dict
    copy.refresh_from_db()
    assert copy.status == held_status
