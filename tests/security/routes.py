"""Every URL of the project (pages and API, the admin aside), with sample arguments from one small world.

`url_names()` walks the URL configuration; ROUTES must name every one of them (a test fails otherwise), so
a new page or API route cannot escape the persona matrix and the NUL-byte walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
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


def build_world() -> World:
    from agreements.choices import Form, Status
    from agreements.models import Agreement, Party
    from agreements.services import _save_version
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
        forms=[Form.ILL, Form.INFORMATION],
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
    w.membership = Membership.objects.get(user=w.people["assistant"])
    w.api_key, raw_write = api_key_create(library=w.school, name="rw", scope=ApiScope.READ_WRITE, by=librarian)
    _, raw_read = api_key_create(library=w.school, name="r", scope=ApiScope.READ, by=librarian)
    _, raw_stranger = api_key_create(library=w.stranger, name="s", scope=ApiScope.READ, by=w.people["outsider"])
    w.keys = {"read key": raw_read, "write key": raw_write, "stranger key": raw_stranger}
    return w


# Route name -> (kwargs from the world, the model whose visible_to() decides, the object).
def routes(w: World) -> dict:
    from agreements.models import Agreement
    from catalog.models import ImportJob
    from loans.models import IllRequest

    ill = {"pk": w.ill.pk}
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
        "catalog:review_decide": ({"pk": 999999}, None),
        "catalog:record_curate": ({"pk": w.record.pk}, None),
        "loans:request_list": ({}, None),
        "loans:request_create": ({}, None),
        "loans:request_detail": (ill, (IllRequest, w.ill)),
        "loans:request_attachment": (ill, (IllRequest, w.ill)),
        "loans:transit_slip": (ill, (IllRequest, w.ill)),
        "loans:request_transition": ({"pk": w.ill.pk, "action": "message"}, (IllRequest, w.ill)),
        "loans:desk": ({"code": w.school.code}, None),
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
        "api:agreement-list": ({}, None),
        "api:agreement-detail": ({"pk": w.draft.pk}, (Agreement, w.draft)),
        "api:schema": ({}, None),
        "api:docs": ({}, None),
        "api:redoc": ({}, None),
    }


def _api_actions() -> list[str]:
    from loans import transitions

    return [name.replace("_", "-") for name in transitions.PUBLIC_ACTIONS]


def url_for(name: str, kwargs: dict) -> str:
    return reverse(name, kwargs=kwargs or None)
