"""After anonymise_requests, the reader's name and words are nowhere: no table (except her own account) and no
uploaded file holds them."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from loans import services
from loans.models import IllEvent, IllRequest, Notification
from tests.factories import make_student

pytestmark = pytest.mark.django_db

NAME = ("Dimasurya", "Saragihtua")
WORDS = "tugas-rahasia-sejarah-deli"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The reader's own account keeps her name; sessions and the throttle's log are not about requests.
OWN_ACCOUNT_TABLES = {"auth_user", "consortium_profile"}


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _finish_long_ago(request):
    IllRequest.objects.filter(pk=request.pk).update(completed_at=timezone.now() - timedelta(days=4000))


def _text_columns():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')
            """
        )
        return cursor.fetchall()


def _tables_mentioning(needle: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            if table in OWN_ACCOUNT_TABLES:
                continue
            cursor.execute(f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1', [f"%{needle}%"])
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


def _files_mentioning(root: Path, needle: str) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and (needle.lower() in path.name.lower() or needle.encode() in path.read_bytes()):
            hits.append(str(path))
    return hits


def test_anonymising_removes_every_copy_of_the_reader(
    media, school, lender_a, lender_a_librarian, librarian, book, mailoutbox, django_capture_on_commit_callbacks
):
    # Mails and file removals happen on commit: run them as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        loan, copy, question, reader = _requests(school, lender_a, lender_a_librarian, librarian, book)
    _check(media, loan, copy, question, reader, mailoutbox, django_capture_on_commit_callbacks)


def _requests(school, lender_a, lender_a_librarian, librarian, book):
    reader = make_student(school, username="dimasurya", first_name=NAME[0], last_name=NAME[1])
    # A loan the reader asked for, with her notes, through its whole life (notifications on every step).
    loan = services.ill_request_create(by=reader, record=book, notes=f"Untuk {WORDS}")
    loan = services.ill_request_approve(request=loan, by=librarian)
    lender = lender_a_librarian if loan.lender_id == lender_a.pk else None
    if lender is None:
        from tests.factories import make_librarian

        lender = make_librarian(loan.lender, username="pemberi")
    services.ill_request_message(request=loan, by=librarian, note=f"Untuk {NAME[0]} {NAME[1]}, {WORDS}")
    services.ill_request_cancel(request=loan, by=reader, note=f"{WORDS} selesai")
    # A copy of pages delivered for her, in a file whose name carries her name.
    copy = services.ill_request_create(by=reader, record=book, service="copy", pages="Bab 3", notes=WORDS)
    copy = services.ill_request_approve(request=copy, by=librarian)
    from tests.factories import make_librarian

    copy_lender = make_librarian(copy.lender, username="penyalin")
    copy = services.ill_request_will_supply(request=copy, by=copy_lender)
    upload = SimpleUploadedFile(f"{NAME[1]}-bab3.pdf", PDF + WORDS.encode(), content_type="application/pdf")
    copy = services.ill_request_deliver(request=copy, by=copy_lender, attachment=upload)
    copy = services.ill_request_complete(request=copy, by=reader)
    # A question in her own words.
    question = services.ill_request_create(by=reader, service="reference", question=f"{WORDS}?")
    services.ill_request_cancel(request=question, by=reader)
    return loan, copy, question, reader


def _check(media, loan, copy, question, reader, mailoutbox, django_capture_on_commit_callbacks):
    assert _tables_mentioning(NAME[1]) and _tables_mentioning(WORDS)
    assert _files_mentioning(media, NAME[1]) or _files_mentioning(media, WORDS)

    for request in (loan, copy, question):
        _finish_long_ago(request)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.anonymise_requests() == 3

    for needle in (*NAME, "dimasurya", WORDS):
        assert _tables_mentioning(needle) == [], needle
        assert _files_mentioning(media, needle) == [], needle
    assert not IllRequest.objects.filter(reader=reader).exists()
    assert not Notification.objects.filter(request__in=[loan, copy, question]).exists()
    assert not IllEvent.objects.filter(actor=reader).exists()
    # E-mails that went out named nobody and quoted nothing.
    for mail in mailoutbox:
        for needle in (*NAME, WORDS):
            assert needle not in mail.subject and needle not in mail.body
    # Statistics stay: the requests are still there.
    assert IllRequest.objects.filter(pk__in=[loan.pk, copy.pk, question.pk]).count() == 3
