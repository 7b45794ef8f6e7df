from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from loans import services
from loans.choices import State
from loans.models import IllRequest

pytestmark = pytest.mark.django_db


def lender_of(request, *librarians):
    return next(lib for lib in librarians if lib.memberships.filter(library_id=request.lender_id).exists())


def test_student_requests_from_the_record_page(client, reader, book):
    client.force_login(reader)
    page = client.get(reverse("catalog:record_detail", args=[book.pk])).content.decode()
    assert reverse("loans:request_create") + f"?record={book.pk}" in page
    response = client.post(
        reverse("loans:request_create") + f"?record={book.pk}",
        {"service": "loan", "record": book.pk, "notes": "untuk tugas"},
    )
    assert response.status_code == 302
    assert IllRequest.objects.get().state == State.AWAITING_APPROVAL


def test_request_form_errors_are_shown(client, reader, book):
    client.force_login(reader)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("loans:request_create"), {"service": "loan", "record": book.pk, "needed_by": yesterday}
    )
    assert response.status_code == 400 and "needed_by" in response.context["form"].errors
    assert not IllRequest.objects.exists()


def test_transition_buttons_and_refusals(client, librarian, reader, lender_a_librarian, lender_b_librarian, book):
    request = services.ill_request_create(by=reader, record=book)
    client.force_login(librarian)
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'data-action="approve"' in page
    client.post(reverse("loans:request_transition", args=[request.pk, "approve"]))
    request.refresh_from_db()
    assert request.state == State.SENT
    # out of order: the message says so and nothing changes
    response = client.post(reverse("loans:request_transition", args=[request.pk, "receive"]), follow=True)
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.state == State.SENT
    lender = lender_of(request, lender_a_librarian, lender_b_librarian)
    client.force_login(lender)
    client.post(reverse("loans:request_transition", args=[request.pk, "will_supply"]))
    client.post(reverse("loans:request_transition", args=[request.pk, "ship"]), {"due_on": ""})
    request.refresh_from_db()
    assert request.state == State.SHIPPED
    assert client.get(reverse("loans:transit_slip", args=[request.pk])).status_code == 200


def test_outsider_gets_404(client, outsider, reader, book):
    request = services.ill_request_create(by=reader, record=book)
    client.force_login(outsider)
    assert client.get(request.get_absolute_url()).status_code == 404
    assert client.post(reverse("loans:request_transition", args=[request.pk, "approve"])).status_code == 404


def test_desk_stats_and_notifications(client, librarian, coordinator, reader, book):
    services.ill_request_create(by=reader, record=book)
    client.force_login(librarian)
    desk = client.get(reverse("loans:desk", args=["SMAN1MDN"]))
    assert desk.status_code == 200 and "Bumi Manusia" in desk.content.decode()
    assert client.get(reverse("loans:notification_list")).status_code == 200
    client.force_login(coordinator)
    stats = client.get(reverse("loans:stats"))
    assert stats.status_code == 200 and "putri" not in stats.content.decode().lower()
    csv = client.get(reverse("loans:stats"), {"format": "csv"})
    assert csv["Content-Type"] == "text/csv" and b"month,library" in csv.content


def test_delivered_file_is_only_for_the_requesting_school_and_reader(
    client, reader, librarian, outsider, lender_a_librarian, lender_b_librarian, book
):
    request = services.ill_request_approve(
        request=services.ill_request_create(by=reader, record=book, service="copy", pages="1-5"), by=librarian
    )
    lender = lender_of(request, lender_a_librarian, lender_b_librarian)
    services.ill_request_will_supply(request=request, by=lender)
    services.ill_request_deliver(request=request, by=lender, attachment=SimpleUploadedFile("a.pdf", b"%PDF-1.4 tiny"))
    url = reverse("loans:request_attachment", args=[request.pk])
    for user, status in [(reader, 200), (librarian, 200), (outsider, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status


def test_request_page_names_the_agreement(client, librarian, book, network_agreement):
    from loans import services as ill

    request = ill.ill_request_create(by=librarian, record=book)
    client.force_login(librarian)
    assert network_agreement.number in client.get(request.get_absolute_url()).content.decode()


def test_the_header_counts_unread_notifications_until_they_are_read(client, librarian):
    from loans.models import Notification

    client.force_login(librarian)
    for number in range(3):
        Notification.objects.create(user=librarian, kind="message", message=f"Pesan {number}")
    page = client.get("/").content.decode()
    assert 'aria-label="3 belum dibaca">3</span>' in page
    client.post(reverse("loans:notification_list"))
    assert "belum dibaca" not in client.get("/").content.decode()


def shipped_request(client, reader, librarian, lender_a_librarian, lender_b_librarian, book):
    """A request approved, promised and shipped with its due date; the lender's librarian is left logged in."""
    request = services.ill_request_create(by=reader, record=book)
    client.force_login(librarian)
    client.post(reverse("loans:request_transition", args=[request.pk, "approve"]))
    request.refresh_from_db()
    client.force_login(lender_of(request, lender_a_librarian, lender_b_librarian))
    client.post(reverse("loans:request_transition", args=[request.pk, "will_supply"]))
    request.refresh_from_db()
    return request


def test_transit_slip_shows_both_barcodes_and_the_due_date(
    client, reader, librarian, lender_a_librarian, lender_b_librarian, book
):
    request = shipped_request(client, reader, librarian, lender_a_librarian, lender_b_librarian, book)
    due = timezone.localdate() + timedelta(days=21)
    client.post(reverse("loans:request_transition", args=[request.pk, "ship"]), {"due_on": due.isoformat()})
    request.refresh_from_db()
    assert request.due_on == due
    page = client.get(reverse("loans:transit_slip", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="barcode-svg"') == 2
    assert f'aria-label="{request.holding.barcode}"' in page and f'aria-label="ILL-{request.pk}"' in page
    assert f">{request.holding.barcode}</span>" in page and f">ILL-{request.pk}</span>" in page
    assert "<style" not in page and " style=" not in page  # the Content-Security-Policy allows neither
    assert "data-print" in page and "js/print.js" in page
    assert request.lender.name in page and request.requester.name in page and "Bumi Manusia" in page
    with translation.override("id"):
        assert date_format(due, "j F Y") in page  # "5 Maret 2027": the month in the page's language


def test_transit_slip_is_404_for_a_school_not_party_to_the_request(
    client, outsider, reader, librarian, lender_a_librarian, lender_b_librarian, book
):
    request = shipped_request(client, reader, librarian, lender_a_librarian, lender_b_librarian, book)
    client.force_login(outsider)
    assert client.get(reverse("loans:transit_slip", args=[request.pk])).status_code == 404
    assert client.get(reverse("loans:transit_slip_list"), {"id": [request.pk]}).status_code == 404


def test_desk_prints_the_slips_of_the_parcels_to_ship_one_per_page(
    client, reader, librarian, lender_a_librarian, lender_b_librarian, book
):
    first = shipped_request(client, reader, librarian, lender_a_librarian, lender_b_librarian, book)
    second = shipped_request(client, reader, librarian, lender_a_librarian, lender_b_librarian, book)
    client.force_login(lender_of(first, lender_a_librarian, lender_b_librarian))
    # the lender's desk lists its own parcels to ship; a request another school lends is not its to print
    ours = [r for r in (first, second) if r.lender_id == first.lender_id]
    desk = client.get(reverse("loans:desk", args=[first.lender.code])).content.decode()
    assert reverse("loans:transit_slip_list") + "?" + "&amp;".join(f"id={r.pk}" for r in ours) in desk
    page = client.get(reverse("loans:transit_slip_list"), {"id": [first.pk, second.pk, "x"]}).content.decode()
    assert page.count('class="slip"') == len(ours)
    assert all(f">ILL-{r.pk}</span>" in page for r in ours)


def test_desk_folds_the_sections_with_nothing_to_do(client, librarian, reader, book):
    client.force_login(librarian)
    page = client.get(reverse("loans:desk", args=["SMAN1MDN"])).content.decode()
    sections = page.count('<details class="desk-section"')
    opened = page.count('<details class="desk-section" open>')
    assert sections > 1 and opened < sections  # a quiet desk: most sections folded
    assert "(0)" in page  # a folded section still shows its count


def test_request_page_tells_its_history_in_words_and_links_the_title_to_the_record(
    client, reader, librarian, lender_a_librarian, lender_b_librarian, book
):
    request = shipped_request(client, reader, librarian, lender_a_librarian, lender_b_librarian, book)
    due = timezone.localdate() + timedelta(days=21)
    client.post(reverse("loans:request_transition", args=[request.pk, "ship"]), {"due_on": due.isoformat()})
    request.refresh_from_db()
    client.force_login(reader)
    page = client.get(request.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    with translation.override("id"):
        shipped = f"{request.lender.name} mengirim bukunya, jatuh tempo {date_format(due, 'j F Y')}"
        today = date_format(timezone.localdate(), "j F Y")
    assert shipped in page and f"{request.lender.name} akan memenuhinya" in page
    assert f"{request.requester.name} menyetujui permintaan" in page and today in page
    assert f'<a href="{book.get_absolute_url()}" data-testid="record-link">Bumi Manusia</a>' in page
    for code in ("will_supply", "ship_back", "awaiting_approval", "approve", "create", "send", "ship"):
        assert f"· {code}" not in page and f">{code}<" not in page
    assert "will_supply" not in page
    timeline = page.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "_" not in timeline
    # the requesting school takes the book in, lends it to the reader and sends it back
    client.force_login(librarian)
    for action in ("receive", "hand_out", "reader_return", "ship_back"):
        client.post(reverse("loans:request_transition", args=[request.pk, action]))
    page = client.get(request.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert f"{request.requester.name} mengirim kembali bukunya" in page
    assert "Pembaca mengembalikan bukunya ke" in page
    assert "ship_back" not in page and "will_supply" not in page and "reader_return" not in page


def test_a_notice_reads_in_the_readers_language_whatever_the_language_it_was_made_in(
    client, reader, librarian, lender_a_librarian, lender_b_librarian, book
):
    """Notices are kept as their English text and values (loans.notices): a lender working in English ships, and
    the requesting school's librarian reads the notice in Indonesian, the due date as Indonesian writes it; the
    same notice read in English says it in English."""
    from django.conf import settings

    from loans.models import Notification

    request = shipped_request(client, reader, librarian, lender_a_librarian, lender_b_librarian, book)
    due = timezone.localdate() + timedelta(days=21)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the lender picked English with the language switch
    client.post(reverse("loans:request_transition", args=[request.pk, "ship"]), {"due_on": due.isoformat()})
    notice = Notification.objects.get(user=librarian, kind="shipped")
    assert notice.params["due"] == {"date": due.isoformat()}
    assert " due " in notice.message  # as its maker read it
    client.force_login(librarian)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    with translation.override("id"):
        indonesian_date = date_format(due, "j F Y")
    page = client.get(reverse("loans:notification_list")).content.decode()
    assert f"mengirim #{request.pk} Bumi Manusia, jatuh tempo {indonesian_date}." in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        english_date = date_format(due, "j F Y")
    page = client.get(reverse("loans:notification_list")).content.decode()
    assert f"shipped #{request.pk} Bumi Manusia, due {english_date}." in page


def test_notices_from_before_they_were_data_still_read(client, librarian):
    from loans.models import Notification

    Notification.objects.create(user=librarian, kind="message", message="Pesan lama")
    Notification.objects.create(user=librarian, kind="message", message="x", template="%(who)s wrote", params={})
    client.force_login(librarian)
    page = client.get(reverse("loans:notification_list")).content.decode()
    assert "Pesan lama" in page and "%(who)s wrote" in page  # a template missing a value is shown as it is
