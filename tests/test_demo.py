"""The demo stays demo: `seed_demo` touches only what it created, `--if-safe` (make run) refuses real data, and
`--remove` takes the demo out leaving real data exactly as it was."""

import hashlib
import io
import re
import types
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from agreements.models import Agreement, Party, Signature
from catalog import demo as catalog_demo
from catalog.demo import _isbn
from catalog.ingest import import_bytes
from catalog.models import Holding, MatchReview, Record, SourceRecord
from consortium import demo as consortium_demo
from consortium.choices import ApiScope
from consortium.models import DemoObject, Library, Membership, Profile
from consortium.services import api_key_create
from loans import services as loans
from loans.models import IllEvent, IllRequest, Notification
from tests.factories import LibraryFactory, make_librarian, make_student

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
User = get_user_model()


@pytest.fixture(autouse=True)
def smaller_demo_collection(monkeypatch):
    """A fifth of the demo's titles (the full one is tested in tests/catalog/test_demo.py): these seed it often."""
    titles = catalog_demo._titles
    laskar = ("Laskar Pelangi",)
    monkeypatch.setattr(
        catalog_demo, "_titles", lambda: [t for i, t in enumerate(titles()) if i % 5 == 0 or t["title"] in laskar]
    )


def seed_demo(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def real_csv(prefix: str, rows: list[tuple]) -> bytes:
    """A library's own catalogue in the documented CSV columns: (title, author, isbn, copies[, publisher, year])."""
    lines = ["local_id,title,authors,isbn,publisher,year,barcode,copy_number"]
    for number, (title, author, isbn, copies, *imprint) in enumerate(rows, 1):
        publisher, year = imprint or ("Penerbit Nyata", 2020)
        for copy in range(1, copies + 1):
            lines.append(
                f"{prefix}-{number},{title},{author},{isbn},{publisher},{year},{prefix}{number:03d}{copy},{copy}"
            )
    return ("\n".join(lines) + "\n").encode()


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


MODELS = [
    Library,
    User,
    Profile,
    Membership,
    Record,
    SourceRecord,
    Holding,
    MatchReview,
    IllRequest,
    IllEvent,
    Notification,
    Agreement,
    Party,
    Signature,
]
# Kept by triggers from the holdings: which libraries hold a copy of the record, and the newest copy's date.
HOLDING_SUMMARY = {"holding_library_ids", "available_library_ids", "last_added"}


def snapshot(*, only: dict | None = None) -> dict[str, tuple[int, str]]:
    """Count and digest of every row (all columns) of the tables that hold libraries, people, catalog and loans.

    With `only` (an earlier snapshot's `ids`), just the rows that existed then, and records without their holdings
    summary (a demo school's copy on a shared record is the summary's to show).
    """
    result = {}
    for model in MODELS:
        label = model._meta.label
        rows = model.objects.order_by("pk")
        columns = [field.attname for field in model._meta.concrete_fields]
        if only is not None:
            rows = rows.filter(pk__in=only[label])
            columns = [column for column in columns if column not in HOLDING_SUMMARY]
        values = [tuple(_plain(v) for v in row) for row in rows.values_list(*columns)]
        result[label] = (len(values), hashlib.sha256(repr(values).encode()).hexdigest())
    return result


def ids() -> dict[str, list[int]]:
    return {model._meta.label: list(model.objects.values_list("pk", flat=True)) for model in MODELS}


def test_seed_demo_gives_requests_in_many_states_and_is_idempotent(mailoutbox):
    assert "Not seeding" not in seed_demo("--if-safe")  # an empty database is seeded
    states = set(IllRequest.objects.values_list("state", flat=True))
    assert {
        "awaiting_approval",
        "sent",
        "conditional",
        "will_supply",
        "shipped",
        "received",
        "on_loan",
        "returned_by_reader",
        "shipped_back",
        "completed",
        "cancelled",
        "delivered",
        "answered",
    } <= states
    assert IllRequest.objects.filter(is_overdue=True).exists()
    before = snapshot()
    assert "Not seeding" not in seed_demo("--if-safe")  # a demo-only database is completed, here: nothing to add
    assert snapshot() == before
    assert mailoutbox == []


def test_library_created_outside_the_demo_keeps_zero_holdings_after_two_runs():
    by_hand = LibraryFactory(name="SMA Swasta Harapan Medan", code="SMAHARAPAN", level="sma")
    # A real library that happens to use a demo school's code and NPSN (the real SMA Negeri 1 Medan).
    same_code = LibraryFactory(name="SMA Negeri 1 Medan", code="SMAN1MDN", npsn="10210872")
    real_rows = sorted(Library.objects.values_list("pk", "name", "status", "updated_at"))

    first = seed_demo()
    seed_demo()

    assert "SMAN1MDN: a library that is not demo data" in first
    assert Holding.objects.filter(library__in=[by_hand, same_code]).count() == 0
    assert SourceRecord.objects.filter(library__in=[by_hand, same_code]).count() == 0
    assert Holding.objects.exclude(library__in=[by_hand, same_code]).count() > 1000  # the demo schools got theirs
    assert (
        sorted(
            Library.objects.filter(pk__in=[by_hand.pk, same_code.pk]).values_list("pk", "name", "status", "updated_at")
        )
        == real_rows
    )
    assert not Membership.objects.filter(library__in=[by_hand, same_code]).exists()
    assert not Party.objects.filter(library__in=[by_hand, same_code]).exists()
    assert not IllRequest.objects.filter(requester__in=[by_hand, same_code]).exists()
    assert not IllRequest.objects.filter(lender__in=[by_hand, same_code]).exists()


@pytest.mark.parametrize("kind", ["library", "account", "record"])
def test_if_safe_refuses_a_database_with_real_data(kind):
    if kind == "library":
        LibraryFactory(code="SMAHARAPAN")
    elif kind == "account":
        User.objects.create_superuser("kepala", "kepala@sekolah.sch.id", "rahasia-sekali-123")
    else:
        Record.objects.create(title="Sejarah Sekolah Kami")

    out = seed_demo("--if-safe")

    assert "Not seeding the demo: this database holds data that the demo did not create" in out
    assert not DemoObject.objects.exists()
    assert Library.objects.count() == (1 if kind == "library" else 0)
    assert User.objects.count() == (1 if kind == "account" else 0)
    assert Record.objects.count() == (1 if kind == "record" else 0)
    assert not Holding.objects.exists()


def test_make_run_seeds_through_the_safe_step_only():
    makefile = (ROOT / "Makefile").read_text()
    run = re.search(r"^run:.*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    seeding = [line for line in run.splitlines() if "seed_demo" in line]
    assert seeding == ["\t$(BIN)/python manage.py seed_demo --if-safe"]


def test_remove_leaves_real_libraries_records_holdings_people_and_loans_as_they_were(ill_agreement, mailoutbox):
    school = LibraryFactory(name="SMA Swasta Harapan Medan", code="SMAHARAPAN")
    lender = LibraryFactory(name="SMP Swasta Budi Murni Medan", code="SMPBUDIMURNI", level="smp")
    librarian, lender_librarian = make_librarian(school, username="bu-ani"), make_librarian(lender, username="pak-edi")
    student = make_student(school, username="siti")
    # Laskar Pelangi with the demo's ISBN and imprint: the demo schools' copies join this real record.
    laskar = ("Laskar Pelangi", "Andrea Hirata", _isbn(200000), 1, "Bentang Pustaka", 2005)
    import_bytes(library=school, data=real_csv("H", [laskar, ("Sejarah Harapan", "Tim Sekolah", "", 2)]))
    import_bytes(library=lender, data=real_csv("B", [laskar, ("Kamus Batak Toba", "J. Warneck", "", 3)]))
    ill_agreement(school, lender)
    wanted = Record.objects.get(title="Kamus Batak Toba")
    request = loans.ill_request_create(by=student, record=wanted)
    request = loans.ill_request_approve(request=request, by=librarian)
    request = loans.ill_request_will_supply(request=request, by=lender_librarian)
    loans.ill_request_ship(request=request, by=lender_librarian)
    before, real_ids = snapshot(), ids()
    real_rows = snapshot(only=real_ids)

    seed_demo()
    assert snapshot(only=real_ids) == real_rows  # seeding changed no real row
    joined = Record.objects.get(isbns__contains=[_isbn(200000)])
    assert joined.holdings.exclude(library__in=[school, lender]).exists()  # demo copies on the real record
    assert snapshot()["catalog.Holding"][0] > before["catalog.Holding"][0]
    out = seed_demo("--remove")

    assert "Demo data removed" in out
    assert snapshot() == before
    assert not DemoObject.objects.exists()
    assert "Not seeding" in seed_demo("--if-safe")  # what is left is real: make run leaves it alone


def test_remove_refuses_as_a_whole_when_real_data_points_at_the_demo():
    seed_demo()
    demo_school = Library.objects.get(code="SMAN2MDN")
    make_student(demo_school, username="murid-nyata")  # a real student enrolled at a demo school
    before = snapshot()

    with pytest.raises(CommandError, match="Nothing removed: real data still refers to demo data"):
        seed_demo("--remove")

    assert snapshot() == before


def test_an_app_plugs_its_part_in_with_seed_and_remove(monkeypatch):
    from consortium.management.commands import seed_demo as command

    calls = []

    def part(name, *, removable=True, real=()):
        module = types.ModuleType(f"{name}.demo")
        module.seed = lambda stdout=None: calls.append(("seed", name))
        if removable:
            module.remove = lambda stdout=None: calls.append(("remove", name))
        module.real_data = lambda: list(real)
        return module

    monkeypatch.setattr(command, "demo_parts", lambda: [part("base"), part("acquisitions"), part("network")])
    seed_demo()
    seed_demo("--remove")
    assert calls == [
        ("seed", "base"),
        ("seed", "acquisitions"),
        ("seed", "network"),
        ("remove", "network"),
        ("remove", "acquisitions"),
        ("remove", "base"),
    ]

    calls.clear()
    monkeypatch.setattr(command, "demo_parts", lambda: [part("base"), part("network", removable=False)])
    with pytest.raises(CommandError, match="network.demo cannot remove its demo data"):
        seed_demo("--remove")
    assert calls == []

    monkeypatch.setattr(command, "demo_parts", lambda: [part("base"), part("network", real=["2 shared rooms"])])
    assert "(2 shared rooms)" in seed_demo("--if-safe")
    assert calls == []


def test_remove_keeps_a_demo_account_that_real_rows_name_deactivated():
    consortium_demo.seed()  # schools and people are enough here
    school = LibraryFactory(code="SMAHARAPAN")
    admin = User.objects.get(username="admin")
    key, _raw = api_key_create(library=school, name="SLiMS", scope=ApiScope.READ, by=admin)  # a pilot's real key

    out = seed_demo("--remove")

    assert "admin: kept, deactivated and without a password (consortium.ApiKey.created_by)" in out
    key.refresh_from_db()
    assert key.created_by_id == admin.pk  # the real key still names who made it
    admin.refresh_from_db()
    assert not admin.is_active and not admin.has_usable_password()
    assert list(User.objects.values_list("username", flat=True)) == ["admin"]
    assert list(Library.objects.values_list("code", flat=True)) == ["SMAHARAPAN"]
    assert "(1 library, 1 user account)" in seed_demo("--if-safe")
