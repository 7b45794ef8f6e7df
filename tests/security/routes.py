"""Every URL of the project (pages and API, the admin aside), with sample arguments from one small world.

`url_names()` walks the URL configuration; ROUTES must name every one of them (a test fails otherwise), so
a new page or API route cannot escape the persona matrix and the NUL-byte walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url_names() -> set[str]:
    """Every named URL outside the admin, namespaced (api:record-list, loans:request_detail, home)."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace or None
                joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                yield from walk(pattern.url_patterns, joined)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, None))


@dataclass
class World:
    """Two schools that lend to each other, a third that is a stranger to both, and their people."""

    school: object = None
    lender: object = None
    stranger: object = None
    people: dict = field(default_factory=dict)  # persona -> user (None: anonymous)
    keys: dict = field(default_factory=dict)  # persona -> raw API key
    record: object = None
    holding: object = None
    ill: object = None
    question: object = None
    draft: object = None
    active: object = None
    job: object = None
    membership: object = None
    api_key: object = None
    export: object = None
    # collection cooperation (acquisitions)
    proposal: object = None
    buying_round: object = None
    pledge: object = None
    offer: object = None
    want: object = None
    donor: object = None
    donation: object = None
    donation_item: object = None
    # the network: facilities, librarians' cooperation, search tools
    facility: object = None
    booking: object = None
    event: object = None
    guideline: object = None
    network_question: object = None
    reading_list: object = None
    subscription: object = None
    # interop
    slims_node: object = None


def build_world() -> World:
    from agreements.choices import Form, Status
    from agreements.models import Agreement, Party
    from agreements.services import _save_version
    from catalog import jobs
    from catalog.models import Holding, ImportJob, Record
    from consortium.choices import ApiScope, StaffRole
    from consortium.models import Membership
    from consortium.services import api_key_create
    from loans import services
    from tests.factories import LibraryFactory, make_coordinator, make_librarian, make_student

    w = World()
    w.school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    w.lender = LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan")
    w.stranger = LibraryFactory(code="SMAN9MDN", name="SMA Negeri 9 Medan")
    coordinator = make_coordinator(username="koordinator")
    librarian = make_librarian(w.school, username="rosmawati")
    w.people = {
        "anonymous": None,
        "student": make_student(w.school, username="dimas"),
        "librarian": librarian,
        "assistant": make_librarian(w.school, username="asisten", staff_role=StaffRole.ASSISTANT),
        "lender": make_librarian(w.lender, username="hendra"),
        "outsider": make_librarian(w.stranger, username="lamhot"),
        "coordinator": coordinator,
    }
    today = timezone.localdate()
    w.active = Agreement.objects.create(
        number="PKS/M/001",
        title="Kerja sama aktif",
        forms=[Form.ILL, Form.INFORMATION, Form.ACQUISITION, Form.EXCHANGE, Form.FACILITIES, Form.LIBRARIANS],
        status=Status.ACTIVE,
        start_on=today - timedelta(days=10),
        end_on=today + timedelta(days=300),
    )
    for library in (w.school, w.lender):
        Party.objects.create(agreement=w.active, library=library)
    w.draft = Agreement.objects.create(number="PKS/M/002", title="Rancangan", forms=[Form.ILL], status=Status.DRAFT)
    Party.objects.create(agreement=w.draft, library=w.school)
    for agreement in (w.active, w.draft):
        _save_version(agreement, coordinator)
    w.record = Record.objects.create(title="Bumi Manusia")
    w.holding = Holding.objects.create(record=w.record, library=w.lender, barcode="L-1")
    Holding.objects.create(record=w.record, library=w.school, barcode="S-1", status="on_loan")
    w.ill = services.ill_request_create(by=w.people["student"], record=w.record, notes="untuk tugas")
    w.ill = services.ill_request_approve(request=w.ill, by=librarian)
    w.ill.attachment.save("halaman.pdf", ContentFile(PDF), save=True)
    w.question = services.ill_request_create(by=librarian, service="reference", question="Sejarah Deli?")
    w.job = ImportJob.objects.create(
        library=w.school,
        uploaded_by=librarian,
        file=ContentFile(b"title\nA\n", name="katalog.csv"),
        original_name="katalog.csv",
    )
    w.export = jobs.export_job_create(library=w.school, fmt="csv", by=librarian)  # the worker runs inline in tests
    w.membership = Membership.objects.get(user=w.people["assistant"])
    w.api_key, raw_write = api_key_create(library=w.school, name="rw", scope=ApiScope.READ_WRITE, by=librarian)
    _, raw_read = api_key_create(library=w.school, name="r", scope=ApiScope.READ, by=librarian)
    _, raw_stranger = api_key_create(library=w.stranger, name="s", scope=ApiScope.READ, by=w.people["outsider"])
    w.keys = {"read key": raw_read, "write key": raw_write, "stranger key": raw_stranger}
    _build_acquisitions(w)
    _build_network(w)
    _build_interop(w)
    return w


def _build_acquisitions(w: World) -> None:
    """A student's proposal, a buying round with a pledge, a copy offered and a title wanted, a donor's gift."""
    from acquisitions import services
    from acquisitions.analysis import analysis_compute
    from acquisitions.choices import DonationKind, DonorKind
    from catalog.models import Holding, Record

    librarian, lender, coordinator = w.people["librarian"], w.people["lender"], w.people["coordinator"]
    today = timezone.localdate()
    w.proposal = services.proposal_create(by=w.people["student"], title="Laut Bercerita", author="Leila S. Chudori")
    w.buying_round = services.round_create(
        by=coordinator,
        name=f"Pengadaan bersama {today.year}",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=60),
        agreement=w.active,
        budgets={w.school: Decimal("2000000")},
    )
    w.pledge = services.pledge_create(
        by=librarian, round_=w.buying_round, title="Negeri 5 Menara", author="A. Fuadi", unit_price=Decimal("85000")
    )
    surplus = Record.objects.create(title="Ronggeng Dukuh Paruk", authors=[{"name": "Ahmad Tohari", "role": "author"}])
    copy = Holding.objects.create(record=surplus, library=w.lender, barcode="L-2")
    w.offer = services.offer_create(by=lender, holding=copy, reason="surplus")
    w.want = services.want_create(by=librarian, title="Ronggeng Dukuh Paruk")
    w.donor = services.donor_create(by=librarian, name="Ibu Sitorus", kind=DonorKind.PARENT, phone="0812 0000 0000")
    w.donation = services.donation_create(
        by=librarian, donor=w.donor, kind=DonationKind.ITEMS, items=[{"title": "Ayat-Ayat Cinta"}]
    )
    w.donation_item = w.donation.items.get()
    analysis_compute()


def _build_network(w: World) -> None:
    """A room the school shares and the lender's booking of it, a past training with a certificate, a guideline
    with its file, a colleague's question, a reading list, a magazine subscription and a school partner."""
    from network import services
    from network.models import Event

    librarian, lender, coordinator = w.people["librarian"], w.people["lender"], w.people["coordinator"]
    w.facility = services.facility_save(
        by=librarian, library=w.school, name="Ruang baca utama", kind="room", max_hours=4, agreement=w.active
    )
    today = timezone.localdate()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    zone = timezone.get_current_timezone()
    w.booking = services.booking_create(
        facility=w.facility,
        library=w.lender,
        by=lender,
        starts_at=timezone.make_aware(datetime.combine(monday, time(9)), zone),
        ends_at=timezone.make_aware(datetime.combine(monday, time(10)), zone),
        purpose="Rapat MGMP Bahasa Indonesia",
    )
    now = timezone.now()
    w.event = services.event_save(
        by=coordinator,
        title="Pelatihan katalogisasi RDA",
        kind="training",
        place="Perpustakaan SMA Negeri 1 Medan",
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=5, hours=3),
        capacity=20,
    )
    services.event_register(event=w.event, by=librarian)
    # Held three hours ago (a past start is refused by event_save): the librarian attended and has a certificate.
    Event.objects.filter(pk=w.event.pk).update(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1))
    w.event.refresh_from_db()
    services.event_record_attendance(
        event=w.event, by=coordinator, attended_user_ids=[librarian.pk], minutes="Kaidah RDA disepakati."
    )
    w.guideline = services.guideline_create(
        by=librarian,
        title="Pedoman katalogisasi",
        category="cataloguing",
        file=SimpleUploadedFile("pedoman.pdf", PDF),
    )
    services.expertise_add(by=lender, area="slims", level="can_train")
    w.network_question = services.question_ask(by=librarian, title="Cara mencetak ulang barcode?", area="slims")
    services.answer_post(question=w.network_question, by=lender, body="Menu Inventaris, lalu Cetak Barcode.")
    w.reading_list = services.reading_list_create(
        by=librarian, title="Sastra Indonesia", class_name="XI IPA 2", subject="Bahasa Indonesia"
    )
    services.reading_list_add(reading_list=w.reading_list, by=librarian, record=w.record)
    w.subscription = services.subscription_save(
        by=librarian, library=w.school, title="Majalah Bobo", kind="magazine", frequency="weekly", holdings_from=2015
    )
    services.partner_save(by=librarian, library=w.school, kind="committee", name="Komite SMA Negeri 1 Medan")


def _build_interop(w: World) -> None:
    """The school's SLiMS node (UCS push credential) and the OPAC it has harvested."""
    from interop import services

    librarian = w.people["librarian"]
    w.slims_node, _password = services.slims_node_create(library=w.school, by=librarian, name="OPAC")
    services.opac_source_save(
        library=w.school, by=librarian, kind="slims", base_url="https://perpus.sman1medan.sch.id/", schedule="manual"
    )


# Route name -> (kwargs from the world, the model whose visible_to() decides, the object).
def routes(w: World) -> dict:
    from acquisitions.models import Donation, Donor, Offer, Proposal, Want
    from agreements.models import Agreement
    from catalog.models import ExportJob, ImportJob
    from loans.models import IllRequest
    from network.models import Booking, Event, Facility, Question, ReadingList

    ill = {"pk": w.ill.pk}
    school = {"code": w.school.code}
    proposal = ({"pk": w.proposal.pk}, (Proposal, w.proposal))
    offer = ({"pk": w.offer.pk}, (Offer, w.offer))
    want = ({"pk": w.want.pk}, (Want, w.want))
    donor = ({"pk": w.donor.pk}, (Donor, w.donor))
    # A donated item is seen through its donation (DonationItem has no visible_to of its own).
    item = ({"pk": w.donation_item.pk}, (Donation, w.donation))
    buying_round = ({"pk": w.buying_round.pk}, None)  # rounds and their lists are read by every member
    pledge = ({"pk": w.pledge.pk}, None)
    facility = ({"pk": w.facility.pk}, (Facility, w.facility))
    booking = ({"pk": w.booking.pk}, (Booking, w.booking))
    event = ({"pk": w.event.pk}, (Event, w.event))
    question = ({"pk": w.network_question.pk}, (Question, w.network_question))
    reading_list = ({"pk": w.reading_list.pk}, (ReadingList, w.reading_list))
    export = ({"pk": w.export.pk}, (ExportJob, w.export))
    return {
        "home": ({}, None),
        "healthz": ({}, None),
        "consortium:library_list": ({}, None),
        "consortium:library_create": ({}, None),
        "consortium:library_detail": ({"code": w.school.code}, None),
        "consortium:library_edit": ({"code": w.school.code}, None),
        "consortium:people": ({"code": w.school.code}, None),
        "consortium:staff_remove": ({"code": w.school.code, "pk": w.membership.pk}, None),
        "consortium:apikey_list": ({"code": w.school.code}, None),
        "consortium:apikey_revoke": ({"code": w.school.code, "pk": w.api_key.pk}, None),
        "consortium_settings": ({}, None),
        "catalog:search": ({}, None),
        "catalog:record_detail": ({"pk": w.record.pk}, None),
        "catalog:record_export": ({"pk": w.record.pk, "fmt": "ris"}, None),
        "catalog:browse": ({}, None),
        "catalog:browse_library": ({"code": w.school.code}, None),
        "catalog:holding_list": ({"code": w.school.code}, None),
        "catalog:holding_create": ({"pk": w.record.pk, "code": w.school.code}, None),
        "catalog:holding_edit": ({"pk": w.holding.pk}, None),
        "catalog:import_list": ({"code": w.school.code}, None),
        "catalog:import_detail": ({"pk": w.job.pk}, (ImportJob, w.job)),
        "catalog:export": ({}, None),
        "catalog:review_list": ({}, None),
        "catalog:export_detail": export,
        "catalog:export_download": export,
        "catalog:review_decide": ({"pk": 999999}, None),
        "catalog:review_decide_many": ({}, None),
        "catalog:record_curate": ({"pk": w.record.pk}, None),
        # A record with itself: the confirmation page shows, and its POST is refused without touching the world.
        "catalog:record_merge": ({"keep": w.record.pk, "merge": w.record.pk}, None),
        "loans:request_list": ({}, None),
        "loans:request_create": ({}, None),
        "loans:request_detail": (ill, (IllRequest, w.ill)),
        "loans:request_attachment": (ill, (IllRequest, w.ill)),
        "loans:transit_slip": (ill, (IllRequest, w.ill)),
        "loans:transit_slip_list": ({}, None),
        "loans:request_transition": ({"pk": w.ill.pk, "action": "message"}, (IllRequest, w.ill)),
        "loans:desk": ({"code": w.school.code}, None),
        "loans:pick_list": ({"code": w.school.code}, None),
        "loans:desk_bulk": ({"code": w.school.code, "action": "ship"}, None),
        "loans:notification_list": ({}, None),
        "loans:stats": ({}, None),
        "agreements:agreement_list": ({}, None),
        "agreements:agreement_create": ({}, None),
        "agreements:network": ({}, None),
        "agreements:agreement_detail": ({"pk": w.draft.pk}, (Agreement, w.draft)),
        "agreements:agreement_edit": ({"pk": w.draft.pk}, (Agreement, w.draft)),
        "agreements:agreement_compare": ({"pk": w.draft.pk}, (Agreement, w.draft)),
        "agreements:agreement_pdf": ({"pk": w.draft.pk}, (Agreement, w.draft)),
        "agreements:agreement_action": ({"pk": w.draft.pk, "action": "comment"}, (Agreement, w.draft)),
        # collection cooperation
        "acquisitions:analysis": ({}, None),
        "acquisitions:analysis_school": (school, None),
        "acquisitions:analysis_recompute": ({}, None),
        "acquisitions:overlap": ({}, None),
        "acquisitions:gaps": ({}, None),
        "acquisitions:setup": ({}, None),
        "acquisitions:proposal_list": ({}, None),
        "acquisitions:proposal_create": ({}, None),
        "acquisitions:proposal_detail": proposal,
        "acquisitions:proposal_action": ({"pk": w.proposal.pk, "action": "pledge"}, (Proposal, w.proposal)),
        "acquisitions:proposal_from_unfilled": (ill, (IllRequest, w.ill)),
        "acquisitions:round_list": ({}, None),
        "acquisitions:round_detail": buying_round,
        "acquisitions:round_budget": buying_round,
        "acquisitions:round_close": buying_round,
        "acquisitions:pledge_action": ({"pk": w.pledge.pk, "status": "ordered"}, None),
        "acquisitions:exchange": ({}, None),
        "acquisitions:offer_create": ({}, None),
        "acquisitions:offer_detail": offer,
        "acquisitions:offer_action": ({"pk": w.offer.pk, "action": "transfer"}, (Offer, w.offer)),
        "acquisitions:want_create": ({}, None),
        "acquisitions:want_cancel": want,
        "acquisitions:give_away": ({}, None),
        "acquisitions:donation_list": ({}, None),
        "acquisitions:donor_detail": donor,
        "acquisitions:donor_letter": donor,
        "acquisitions:donation_item_action": ({"pk": w.donation_item.pk, "action": "route"}, (Donation, w.donation)),
        # the network
        "network:home": ({}, None),
        "network:facility_list": ({}, None),
        "network:facility_create": ({}, None),
        "network:facility_detail": facility,
        "network:facility_edit": facility,
        "network:booking_list": ({}, None),
        "network:booking_detail": booking,
        "network:booking_action": ({"pk": w.booking.pk, "action": "approve"}, (Booking, w.booking)),
        "network:school_calendar": (school, None),
        "network:usage": ({}, None),
        "network:event_list": ({}, None),
        "network:event_create": ({}, None),
        "network:event_detail": event,
        "network:event_edit": event,
        "network:event_action": ({"pk": w.event.pk, "action": "register"}, (Event, w.event)),
        # A certificate is one registration's (no visible_to): the participant and the organisers, 404 for others.
        "network:event_certificate": ({"pk": w.event.pk, "user_id": w.people["librarian"].pk}, None),
        "network:guideline_list": ({}, None),
        "network:guideline_detail": ({"pk": w.guideline.pk}, None),
        "network:guideline_file": ({"pk": w.guideline.pk, "number": 1}, None),
        "network:expertise_list": ({}, None),
        "network:question_list": ({}, None),
        "network:question_detail": question,
        "network:acquisitions": ({}, None),
        "network:acquisitions_csv": ({}, None),
        "network:acquisitions_feed": ({}, None),
        "network:subscription_list": ({}, None),
        "network:subscription_csv": ({}, None),
        "network:subscription_feed": ({}, None),
        "network:subscription_create": ({}, None),
        "network:subscription_edit": ({"pk": w.subscription.pk}, None),
        "network:readinglist_list": ({}, None),
        "network:readinglist_create": ({}, None),
        "network:readinglist_detail": reading_list,
        "network:readinglist_items": reading_list,
        "network:readinglist_request": reading_list,
        "network:readinglist_csv": reading_list,
        "network:readinglist_feed": reading_list,
        "network:partner_list": (school, None),
        "network:report": (school, None),
        # protocols and the SLiMS connection
        "interop:sru": ({}, None),
        "interop:oai": ({}, None),
        "interop:ucs": ({}, None),
        "interop:ucpoll": ({}, None),
        "interop:uc_ops": ({}, None),
        "interop:slims_p2p": ({}, None),
        "interop:connection": (school, None),
        "interop:node_revoke": ({"code": w.school.code, "pk": w.slims_node.pk}, None),
        "login": ({}, None),
        "logout": ({}, None),
        "password_change": ({}, None),
        "password_change_done": ({}, None),
        "password_reset": ({}, None),
        "password_reset_done": ({}, None),
        "password_reset_confirm": ({"uidb64": "MQ", "token": "abc-def"}, None),
        "password_reset_complete": ({}, None),
        "set_language": ({}, None),
        "uploaded_file": ({"name": w.ill.attachment.name}, (IllRequest, w.ill)),
        "api:library-list": ({}, None),
        "api:library-detail": ({"code": w.school.code}, None),
        "api:record-list": ({}, None),
        "api:record-detail": ({"pk": w.record.pk}, None),
        "api:holding-list": ({}, None),
        "api:holding-detail": ({"pk": w.holding.pk}, None),
        "api:holding-bulk-import": ({}, None),
        "api:holding-upsert": ({}, None),
        "api:search": ({}, None),
        "api:ill-request-list": ({}, None),
        "api:ill-request-detail": (ill, (IllRequest, w.ill)),
        **{f"api:ill-request-{action}": (ill, (IllRequest, w.ill)) for action in _api_actions()},
        "api:import-job-list": ({}, None),
        "api:import-job-detail": ({"pk": w.job.pk}, (ImportJob, w.job)),
        "api:agreement-list": ({}, None),
        "api:agreement-detail": ({"pk": w.draft.pk}, (Agreement, w.draft)),
        # collection cooperation
        "api:purchase-proposal-list": ({}, None),
        **{f"api:purchase-proposal-{name}": proposal for name in ("detail", "forward", "decline", "pledge")},
        "api:buying-round-list": ({}, None),
        **{f"api:buying-round-{name}": buying_round for name in ("detail", "budget", "close", "spending")},
        "api:pledge-list": ({}, None),
        **{f"api:pledge-{name}": pledge for name in ("detail", "set-status")},
        "api:exchange-offer-list": ({}, None),
        **{f"api:exchange-offer-{name}": offer for name in ("detail", "claim", "transfer", "cancel", "matches")},
        "api:exchange-want-list": ({}, None),
        **{f"api:exchange-want-{name}": want for name in ("detail", "cancel", "matches")},
        "api:donor-list": ({}, None),
        "api:donor-detail": donor,
        "api:donation-list": ({}, None),
        "api:donation-totals": ({}, None),
        "api:donation-detail": ({"pk": w.donation.pk}, (Donation, w.donation)),
        "api:donation-item-list": ({}, None),
        **{f"api:donation-item-{name}": item for name in ("detail", "keep", "route", "decline")},
        **{f"api:collection-analysis-{name}": ({}, None) for name in ("schools", "overlap", "gaps")},
        # the network
        "api:facility-list": ({}, None),
        "api:facility-detail": facility,
        "api:facility-booking-list": ({}, None),
        **{f"api:facility-booking-{name}": booking for name in ("detail", "approve", "decline", "cancel")},
        "api:event-list": ({}, None),
        **{f"api:event-{name}": event for name in ("detail", "register", "unregister")},
        "api:question-list": ({}, None),
        **{f"api:question-{name}": question for name in ("detail", "answer")},
        "api:reading-list-list": ({}, None),
        **{f"api:reading-list-{name}": reading_list for name in ("detail", "add-item", "request-all")},
        "api:subscription-list": ({}, None),
        "api:subscription-detail": ({"pk": w.subscription.pk}, None),
        "api:new-acquisition-list": ({}, None),
        "api:schema": ({}, None),
        "api:docs": ({}, None),
        "api:redoc": ({}, None),
    }


def _api_actions() -> list[str]:
    from loans import transitions

    return [name.replace("_", "-") for name in transitions.PUBLIC_ACTIONS]


def url_for(name: str, kwargs: dict) -> str:
    return reverse(name, kwargs=kwargs or None)
