"""An import whose records bring no copy (no 852/949/952, no barcode column): the page asks first, the report and
the API warn, and one copy per record can be added."""

import pymarc
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from catalog.choices import ImportStatus
from catalog.ingest import count_records_and_copies, import_bytes
from catalog.models import Holding, ImportJob, Record

pytestmark = pytest.mark.django_db

IMPORT = reverse("api:holding-bulk-import")
CSV_WITHOUT_COPIES = b"local_id,title,year\nA1,Laskar Pelangi,2005\nA2,Bumi Manusia,1980\nA3,Ronggeng,1982\n"
CSV_WITH_COPIES = b"local_id,title,barcode\nA1,Laskar Pelangi,B1\nA2,Bumi Manusia,B2\n"


def marc_file(count: int, *, holdings: bool = False) -> bytes:
    out = b""
    for n in range(1, count + 1):
        record = pymarc.Record(force_utf8=True)
        record.add_field(pymarc.Field(tag="001", data=f"m{n}"))
        record.add_field(
            pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", f"Buku pelajaran {n}")])
        )
        if holdings:
            record.add_field(
                pymarc.Field(tag="852", indicators=[" ", " "], subfields=[pymarc.Subfield("p", f"BC{n:04d}")])
            )
        out += record.as_marc()
    return out


def upload(client, school, name: str, data: bytes):
    return client.post(reverse("catalog:import_list", args=[school.code]), {"file": SimpleUploadedFile(name, data)})


def answer(client, school, job_id: int, choice: str):
    return client.post(reverse("catalog:import_list", args=[school.code]), {"job": job_id, "answer": choice})


def test_count_records_and_copies_reads_with_the_importers_readers():
    assert count_records_and_copies(marc_file(4), "a.mrc") == (4, 0)
    assert count_records_and_copies(marc_file(3, holdings=True), "a.mrc") == (3, 3)
    assert count_records_and_copies(CSV_WITHOUT_COPIES, "a.csv") == (3, 0)
    assert count_records_and_copies(CSV_WITH_COPIES, "a.csv") == (2, 2)


@pytest.mark.parametrize(
    ("name", "data", "records"), [("katalog.mrc", marc_file(5), 5), ("katalog.csv", CSV_WITHOUT_COPIES, 3)]
)
def test_the_page_asks_before_importing_records_without_copies(client, librarian, school, name, data, records):
    client.force_login(librarian)
    with translation.override("id"):
        response = upload(client, school, name, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{records} cantuman, 0 eksemplar: sekolah Anda tidak akan tampil sebagai pemilik" in page
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.WAITING and f'name="job" value="{job.pk}"' in page
    assert not Record.objects.exists() and not Holding.objects.exists()


def test_stop_imports_nothing_and_keeps_no_file(client, librarian, school):
    client.force_login(librarian)
    upload(client, school, "katalog.mrc", marc_file(3))
    job = ImportJob.objects.get()
    storage, path = job.file.storage, job.file.name
    response = answer(client, school, job.pk, "stop")
    assert response.status_code == 302
    assert not ImportJob.objects.exists() and not Record.objects.exists() and not Holding.objects.exists()
    assert not storage.exists(path)
    # A second answer to the same question finds nothing to act on.
    assert answer(client, school, job.pk, "one_copy").status_code == 404


def test_one_copy_per_record_imports_a_generated_copy_each(client, librarian, school):
    client.force_login(librarian)
    upload(client, school, "katalog.mrc", marc_file(3))
    job = ImportJob.objects.get()
    response = answer(client, school, job.pk, "one_copy")
    job.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == ImportStatus.DONE and job.one_copy_per_record
    holdings = Holding.objects.filter(library=school)
    assert holdings.count() == 3 == Record.objects.count()
    assert all(h.barcode_generated for h in holdings)
    assert {h.barcode for h in holdings} == {f"{school.code}-m{n}-copy-1" for n in (1, 2, 3)}
    assert job.report["copies"] == 3 and job.report["copies_added_per_record"] == 3 and not job.report["no_copies"]
    # Answered once: the job is no longer waiting for an answer.
    assert answer(client, school, job.pk, "one_copy").status_code == 404
    # Importing the file again finds the same copies.
    report = import_bytes(library=school, data=marc_file(3), filename="katalog.mrc", one_copy_per_record=True)
    assert report.holdings_unchanged == 3 and Holding.objects.count() == 3


def test_a_csv_without_barcodes_gets_one_copy_per_record_on_request(client, librarian, school):
    client.force_login(librarian)
    upload(client, school, "katalog.csv", CSV_WITHOUT_COPIES)
    answer(client, school, ImportJob.objects.get().pk, "one_copy")
    assert Holding.objects.filter(library=school, barcode_generated=True).count() == 3


def test_a_file_with_copies_goes_straight_through(client, librarian, school):
    client.force_login(librarian)
    response = upload(client, school, "katalog.mrc", marc_file(2, holdings=True))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == ImportStatus.DONE and job.report["copies"] == 2 and not job.report["no_copies"]
    assert set(Holding.objects.values_list("barcode", flat=True)) == {"BC0001", "BC0002"}


def test_the_report_warns_when_no_copy_was_imported(client, librarian, school):
    job = ImportJob.objects.create(library=school, file=SimpleUploadedFile("k.csv", CSV_WITHOUT_COPIES))
    from catalog.jobs import run_import_job

    with translation.override("id"):
        run_import_job(job.pk)
    job.refresh_from_db()
    assert job.report["records_read"] == 3 and job.report["copies"] == 0
    assert job.report["no_copies"] == "3 cantuman, 0 eksemplar: sekolah Anda tidak akan tampil sebagai pemilik."
    client.force_login(librarian)
    page = client.get(job.get_absolute_url()).content.decode()
    assert job.report["no_copies"] in page


def test_the_api_imports_records_without_copies_and_warns(api_client, write_key, school):
    from tests.catalog.test_api import key

    response = api_client.post(IMPORT, {"file": SimpleUploadedFile("k.mrc", marc_file(4))}, **key(write_key))
    assert response.status_code == 202, response.json()
    job = api_client.get(response["Location"], **key(write_key)).json()
    assert job["status"] == "done" and job["report"]["records_read"] == 4 and job["report"]["copies"] == 0
    assert "0" in job["report"]["no_copies"] and not Holding.objects.exists() and Record.objects.count() == 4


def test_the_api_adds_one_copy_per_record_when_asked(api_client, write_key, school):
    from tests.catalog.test_api import key

    data = {"file": SimpleUploadedFile("k.csv", CSV_WITHOUT_COPIES), "one_copy_per_record": "true"}
    response = api_client.post(IMPORT, data, **key(write_key))
    assert response.status_code == 202, response.json()
    job = api_client.get(response["Location"], **key(write_key)).json()
    assert job["report"]["copies"] == 3 and job["report"]["copies_added_per_record"] == 3
    assert not job["report"]["no_copies"]
    assert Holding.objects.filter(library=school, barcode_generated=True).count() == 3


def test_a_question_nobody_answers_is_dropped_with_its_file_after_a_day(client, librarian, school):
    from datetime import timedelta

    from django.utils import timezone

    from catalog.jobs import discard_unanswered_imports

    client.force_login(librarian)
    upload(client, school, "katalog.mrc", marc_file(2))
    job = ImportJob.objects.get()
    storage, path = job.file.storage, job.file.name
    assert discard_unanswered_imports() == 0  # a fresh question stays
    assert discard_unanswered_imports(now=timezone.now() + timedelta(days=2)) == 1
    assert not ImportJob.objects.exists() and not storage.exists(path) and not Record.objects.exists()
