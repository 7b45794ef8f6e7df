import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from catalog.models import Holding, Record
from loans import services
from loans.choices import State
from loans.models import IllEvent, IllRequest, Notification
from tests.factories import LibraryFactory, make_librarian

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def student_request(reader, book, **kwargs):
    return services.ill_request_create(by=reader, record=book, **kwargs)


def sent_request(librarian, book):
    return services.ill_request_create(by=librarian, record=book)


def test_student_request_waits_for_her_own_librarian(reader, librarian, book):
    request = student_request(reader, book)
    assert request.state == State.AWAITING_APPROVAL and request.requester.code == "SMAN1MDN"
    assert Notification.objects.filter(user=librarian, kind="approve").exists()
    request = services.ill_request_approve(request=request, by=librarian)
    assert request.state == State.SENT and request.lender is not None


def test_routing_prefers_schools_that_lent_less_than_they_borrowed(librarian, school, lender_a, lender_b, book):
    # lender_a has lent twice and borrowed nothing; lender_b borrowed twice: b lends first.
    other = Record.objects.create(title="x")
    for _ in range(2):
        IllRequest.objects.create(
            record=other, requester=school, lender=lender_a, state=State.COMPLETED, shipped_at=timezone.now()
        )
        IllRequest.objects.create(
            record=other, requester=lender_b, lender=school, state=State.COMPLETED, shipped_at=timezone.now()
        )
    assert services.lending_list(record=book, requester=school) == [lender_b.pk, lender_a.pk]


def test_routing_prefers_the_same_city_when_fairness_is_equal(school, lender_a, lender_b, book):
    lender_a.city = "Kota Binjai"
    lender_a.save()
    assert services.lending_list(record=book, requester=school) == [lender_b.pk, lender_a.pk]


def test_routing_rotates_the_first_lender(librarian, school, lender_a, lender_b, book):
    first = sent_request(librarian, book).lender_id
    second = sent_request(librarian, book).lender_id
    assert first != second


def test_decline_passes_over_to_the_next_lender_then_unfilled(librarian, lender_a_librarian, lender_b_librarian, book):
    request = sent_request(librarian, book)
    first = request.lender_id
    first_librarian = (
        lender_a_librarian if first == lender_a_librarian.memberships.get().library_id else lender_b_librarian
    )
    second_librarian = lender_b_librarian if first_librarian is lender_a_librarian else lender_a_librarian
    request = services.ill_request_decline(request=request, by=first_librarian, reason="rusak")
    assert request.state == State.SENT and request.lender_id != first
    request = services.ill_request_decline(request=request, by=second_librarian)
    assert request.state == State.UNFILLED and request.unfilled_reason


def test_silent_lender_is_passed_over_after_the_answer_time(librarian, book):
    request = sent_request(librarian, book)
    first = request.lender_id
    assert services.ill_request_pass_over_silent(now=timezone.now() + timedelta(days=1)) == 0
    assert services.ill_request_pass_over_silent(now=timezone.now() + timedelta(days=3)) == 1
    request.refresh_from_db()
    assert request.lender_id not in (None, first)
    assert IllEvent.objects.filter(request=request, action="timeout").exists()


def lender_librarian_of(request, *librarians):
    return next(lib for lib in librarians if lib.memberships.filter(library_id=request.lender_id).exists())


def test_whole_loan_keeps_the_copy_status_true(reader, librarian, lender_a_librarian, lender_b_librarian, book):
    request = services.ill_request_approve(request=student_request(reader, book), by=librarian)
    lender = lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
    request = services.ill_request_will_supply(request=request, by=lender)
    copy = Holding.objects.get(pk=request.holding_id)
    assert copy.status == "available"
    request = services.ill_request_ship(request=request, by=lender)
    copy.refresh_from_db()
    assert copy.status == "lent_out" and copy.due_on == request.due_on
    assert request.due_on == timezone.localdate() + timedelta(days=14)
    request = services.ill_request_receive(request=request, by=librarian)
    assert Notification.objects.filter(user=reader, kind="receive").exists()  # ready for pick-up
    request = services.ill_request_hand_out(request=request, by=librarian)
    request = services.ill_request_reader_return(request=request, by=librarian)
    request = services.ill_request_ship_back(request=request, by=librarian)
    request = services.ill_request_check_in(request=request, by=lender)
    copy.refresh_from_db()
    assert request.state == State.COMPLETED and copy.status == "available" and copy.due_on is None
    assert [e.action for e in request.events.all()] == [
        "create",
        "approve",
        "send",
        "will_supply",
        "ship",
        "receive",
        "hand_out",
        "reader_return",
        "ship_back",
        "check_in",
    ]


@pytest.mark.parametrize("action", ["ship", "receive", "hand_out", "check_in", "ship_back", "approve"])
def test_transitions_out_of_order_are_refused(librarian, lender_a_librarian, lender_b_librarian, book, action):
    request = sent_request(librarian, book)
    lender = lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
    by = lender if action in ("ship", "check_in") else librarian
    with pytest.raises(ValidationError):
        getattr(services, f"ill_request_{action}")(request=request, by=by)
    request.refresh_from_db()
    assert request.state == State.SENT


def test_transition_by_the_wrong_library_is_refused(librarian, outsider, lender_a_librarian, lender_b_librarian, book):
    request = sent_request(librarian, book)
    with pytest.raises(PermissionDenied):
        services.ill_request_will_supply(request=request, by=outsider)
    with pytest.raises(PermissionDenied):
        services.ill_request_will_supply(request=request, by=librarian)  # the requester cannot accept for the lender


def test_conditional_accepted_then_refused(librarian, lender_a_librarian, lender_b_librarian, book):
    request = sent_request(librarian, book)
    lender = lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
    request = services.ill_request_set_condition(request=request, by=lender, condition="Baca di tempat saja")
    assert request.state == State.CONDITIONAL
    request = services.ill_request_answer_condition(request=request, by=librarian, accept=True)
    assert request.state == State.SENT and request.lender_id == lender.memberships.get().library_id
    request = services.ill_request_set_condition(request=request, by=lender, condition="Biaya kirim Rp20.000")
    request = services.ill_request_answer_condition(request=request, by=librarian, accept=False)
    assert request.lender_id != lender.memberships.get().library_id


def test_single_copy_race_only_one_request_gets_it(
    django_db_blocker, transactional_db, librarian, school, lender_a, lender_a_librarian
):
    record = Record.objects.create(title="Satu Eksemplar")
    Holding.objects.create(record=record, library=lender_a, barcode="ONLY")
    first = sent_request(librarian, record)
    second = IllRequest.objects.create(record=record, requester=school, lender=lender_a, state=State.SENT)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(request):
        try:
            barrier.wait()
            services.ill_request_will_supply(request=request, by=lender_a_librarian)
            outcomes.append("won")
        except ValidationError:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert IllRequest.objects.filter(state=State.WILL_SUPPLY, holding__barcode="ONLY").count() == 1


def test_overdue_is_marked_once_and_renewal_clears_it(reader, librarian, lender_a_librarian, lender_b_librarian, book):
    request = services.ill_request_approve(request=student_request(reader, book), by=librarian)
    lender = lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
    services.ill_request_will_supply(request=request, by=lender)
    request = services.ill_request_ship(request=request, by=lender)
    later = request.due_on + timedelta(days=1)
    assert services.mark_overdue(today=later) == 1
    assert services.mark_overdue(today=later) == 0  # safe to run twice
    assert Notification.objects.filter(user=reader, kind="overdue").count() == 1
    services.ill_request_ask_renewal(request=request, by=librarian)
    request = services.ill_request_answer_renewal(request=request, by=lender, grant=True)
    assert request.renewals == 1 and not request.is_overdue
    assert Holding.objects.get(pk=request.holding_id).due_on == request.due_on


def test_recall_blocks_renewal_and_renewal_after_return_is_refused(
    librarian, lender_a_librarian, lender_b_librarian, book
):
    request = sent_request(librarian, book)
    lender = lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
    services.ill_request_will_supply(request=request, by=lender)
    request = services.ill_request_ship(request=request, by=lender)
    request = services.ill_request_recall(request=request, by=lender)
    with pytest.raises(ValidationError):
        services.ill_request_ask_renewal(request=request, by=librarian)
    services.ill_request_receive(request=request, by=librarian)
    services.ill_request_ship_back(request=request, by=librarian)
    request = services.ill_request_check_in(request=request, by=lender)
    with pytest.raises(ValidationError):
        services.ill_request_ask_renewal(request=request, by=librarian)


def test_copy_request_delivered_as_pdf(reader, librarian, lender_a_librarian, lender_b_librarian, book):
    request = services.ill_request_approve(
        request=student_request(reader, book, service="copy", pages="hlm. 10-24"), by=librarian
    )
    lender = lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
    request = services.ill_request_will_supply(request=request, by=lender)
    with pytest.raises(ValidationError):
        services.ill_request_deliver(request=request, by=lender, attachment=SimpleUploadedFile("x.exe", b"MZ..."))
    request = services.ill_request_deliver(request=request, by=lender, attachment=SimpleUploadedFile("bab1.pdf", PDF))
    assert request.state == State.DELIVERED and request.attachment.name.endswith(".pdf")
    request = services.ill_request_complete(request=request, by=reader)
    assert request.state == State.COMPLETED


def test_reference_question_answered_by_another_library(librarian, lender_a_librarian):
    request = services.ill_request_create(
        by=librarian, service="reference", question="Buku apa yang membahas sejarah Kesultanan Deli?"
    )
    assert request.state == State.SENT
    request = services.ill_request_deliver(request=request, by=lender_a_librarian, answer="Coba 'Sejarah Deli'.")
    assert request.state == State.ANSWERED


# --- bad input ---------------------------------------------------------------------------------------------


def test_record_no_other_school_holds_is_refused(librarian, school):
    record = Record.objects.create(title="Hanya di sini")
    Holding.objects.create(record=record, library=school, barcode="S1", status="on_loan")
    with pytest.raises(ValidationError, match="No other member school|Tidak ada sekolah"):
        services.ill_request_create(by=librarian, record=record)
    assert not IllRequest.objects.exists()


def test_own_schools_available_copy_is_refused(reader, school, book):
    Holding.objects.create(record=book, library=school, barcode="OWN")
    with pytest.raises(ValidationError):
        student_request(reader, book)
    assert not IllRequest.objects.exists()


def test_reader_of_another_school_is_refused(librarian, book):
    other = LibraryFactory(code="SMPX", npsn="10299991")
    from tests.factories import make_student

    stranger = make_student(other, username="stranger")
    with pytest.raises(ValidationError):
        services.ill_request_create(by=librarian, record=book, reader=stranger)


def test_needed_by_in_the_past_is_refused(reader, book):
    with pytest.raises(ValidationError):
        student_request(reader, book, needed_by=timezone.localdate() - timedelta(days=1))
    assert not IllRequest.objects.exists()


def test_copy_request_needs_pages(reader, book):
    with pytest.raises(ValidationError):
        student_request(reader, book, service="copy")


# --- privacy -----------------------------------------------------------------------------------------------


def test_visibility(reader, librarian, outsider, coordinator, lender_a_librarian, lender_b_librarian, book):
    request = services.ill_request_approve(request=student_request(reader, book), by=librarian)
    lender = lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
    bystander = lender_b_librarian if lender is lender_a_librarian else lender_a_librarian
    for user, sees in [
        (reader, True),
        (librarian, True),
        (lender, True),
        (outsider, False),
        (bystander, False),
        (coordinator, False),
    ]:
        assert IllRequest.objects.visible_to(user).filter(pk=request.pk).exists() is sees, user
    other_student = make_librarian(LibraryFactory(code="Q1", npsn="10299992"), username="q1")
    assert not IllRequest.objects.visible_to(other_student).exists()


def test_anonymisation_after_retention_keeps_statistics(
    reader, librarian, lender_a_librarian, lender_b_librarian, book
):
    request = services.ill_request_approve(request=student_request(reader, book), by=librarian)
    request = services.ill_request_cancel(request=request, by=reader)
    assert services.anonymise_requests() == 0
    later = timezone.localdate() + timedelta(days=91)
    assert services.anonymise_requests(today=later) == 1
    request.refresh_from_db()
    assert request.reader is None and request.reader_anonymised and request.requester_id
    assert not IllRequest.objects.visible_to(reader).exists()


def test_librarians_exchange_messages_and_outsiders_cannot(
    librarian, outsider, lender_a_librarian, lender_b_librarian, book
):
    request = sent_request(librarian, book)
    lender = lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
    services.ill_request_message(request=request, by=librarian, note="Bisa dikirim minggu ini?")
    assert Notification.objects.filter(user=lender, kind="message").exists()
    with pytest.raises(PermissionDenied):
        services.ill_request_message(request=request, by=outsider, note="hai")
    with pytest.raises(ValidationError):
        services.ill_request_message(request=request, by=lender, note="  ")


def test_unfilled_request_may_be_suggested_for_purchase(librarian, lender_a_librarian, lender_b_librarian, book):
    request = sent_request(librarian, book)
    for _ in range(2):
        request = services.ill_request_decline(
            request=request, by=lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
        )
    assert request.state == State.UNFILLED
    request = services.ill_request_suggest_purchase(request=request, by=librarian)
    assert request.suggest_purchase


def test_agreement_limits_items_per_student(ill_agreement, reader, school, lender_a, book):
    from agreements.models import Agreement

    Agreement.objects.update(items_per_student=1)
    student_request(reader, book)
    other = Record.objects.create(title="Buku kedua")
    Holding.objects.create(record=other, library=lender_a, barcode="A-2")
    with pytest.raises(ValidationError, match="at most 1|paling banyak"):
        student_request(reader, other)


def test_librarian_picks_the_lender_by_hand(librarian, lender_a, lender_b, book):
    request = services.ill_request_create(by=librarian, record=book)
    other = lender_b if request.lender_id == lender_a.pk else lender_a
    request = services.ill_request_choose_lender(request=request, lender=other, by=librarian)
    assert request.state == State.SENT and request.lender_id == other.pk


def test_daily_commands_send_due_soon_once_and_anonymise(
    reader, librarian, lender_a_librarian, lender_b_librarian, book
):
    from django.core.management import call_command

    request = services.ill_request_approve(request=student_request(reader, book), by=librarian)
    lender = lender_librarian_of(request, lender_a_librarian, lender_b_librarian)
    services.ill_request_will_supply(request=request, by=lender)
    request = services.ill_request_ship(request=request, by=lender, due_on=timezone.localdate() + timedelta(days=2))
    services.ill_request_receive(request=request, by=librarian)
    services.ill_request_hand_out(request=request, by=librarian)
    for _ in range(2):
        call_command("mark_overdue", stdout=open("/dev/null", "w"))
        call_command("anonymise_requests", stdout=open("/dev/null", "w"))
    assert Notification.objects.filter(user=reader, kind="due_soon").count() == 1
    request.refresh_from_db()
    assert request.reader == reader  # still running: nothing anonymised
