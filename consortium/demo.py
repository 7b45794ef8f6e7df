"""Demo consortium: twelve member schools in Medan, their librarians, a coordinator and students.

Invented data (names of real school types, made-up NPSNs and people), labelled as demo data: every library and
person made here is marked in the demo registry (consortium/demo_registry.py), and the other apps' seeders work
only on those. A real library or account that already has a demo school's code or NPSN, or a demo login, is left
alone and that part of the demo is skipped. `seed` is idempotent: running it twice changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Q

from . import demo_registry
from .choices import MembershipStatus, Role, SchoolLevel, Service, StaffRole
from .models import ConsortiumSettings, Library, Membership, Profile

DEMO_PASSWORD = "silang-demo"

HOURS_SCHOOL = "Senin–Jumat 07.30–15.00\nSabtu 08.00–12.00"
HOURS_SHORT = "Senin–Kamis 07.30–14.00\nJumat 07.30–11.00"
ALL_SERVICES = [s.value for s in Service]

# code, name, npsn, level, address, head librarian, services, status, joined
SCHOOLS = [
    (
        "SMAN1MDN",
        "SMA Negeri 1 Medan",
        "10210872",
        SchoolLevel.SMA,
        "Jl. Teuku Cik Ditiro No. 1, Madras Hulu",
        "Dra. Rosmawati Siregar",
        ALL_SERVICES,
        MembershipStatus.ACTIVE,
        date(2021, 7, 12),
    ),
    (
        "SMAN2MDN",
        "SMA Negeri 2 Medan",
        "10210873",
        SchoolLevel.SMA,
        "Jl. Karang Sari No. 213, Polonia",
        "Hendra Simanjuntak, S.Pd.",
        ["loan", "copies", "reference"],
        MembershipStatus.ACTIVE,
        date(2021, 7, 12),
    ),
    (
        "SMAN4MDN",
        "SMA Negeri 4 Medan",
        "10210875",
        SchoolLevel.SMA,
        "Jl. Gelas No. 12, Sei Putih Tengah",
        "Nurhasanah Lubis, S.IP.",
        ["loan", "copies", "delivery"],
        MembershipStatus.ACTIVE,
        date(2022, 1, 10),
    ),
    (
        "MAN2MDN",
        "MAN 2 Model Medan",
        "10264050",
        SchoolLevel.SMA,
        "Jl. Willem Iskandar No. 7A, Sidorejo",
        "Ahmad Fauzi Nasution, S.Ag.",
        ["loan", "reference", "reading_room"],
        MembershipStatus.ACTIVE,
        date(2021, 7, 12),
    ),
    (
        "SMKN1MDN",
        "SMK Negeri 1 Medan",
        "10210790",
        SchoolLevel.SMK,
        "Jl. Pembangunan No. 1, Glugur Darat",
        "Yusnita Harahap",
        ["loan", "copies", "facilities"],
        MembershipStatus.ACTIVE,
        date(2022, 8, 1),
    ),
    (
        "SMPN1MDN",
        "SMP Negeri 1 Medan",
        "10210601",
        SchoolLevel.SMP,
        "Jl. Bunga Asoka No. 6, Asam Kumbang",
        "Sri Wahyuni Tarigan, S.Pd.",
        ["loan", "reading_room"],
        MembershipStatus.ACTIVE,
        date(2021, 7, 12),
    ),
    (
        "SMPN7MDN",
        "SMP Negeri 7 Medan",
        "10210607",
        SchoolLevel.SMP,
        "Jl. Batang Kuis No. 4, Tegal Sari Mandala",
        "Lamhot Sinaga",
        ["loan", "copies"],
        MembershipStatus.ACTIVE,
        date(2022, 1, 10),
    ),
    (
        "MTSN2MDN",
        "MTs Negeri 2 Medan",
        "10264120",
        SchoolLevel.SMP,
        "Jl. Peratun No. 3, Medan Estate",
        "Siti Aisyah Pohan, S.Pd.I.",
        ["loan", "reference"],
        MembershipStatus.ACTIVE,
        date(2023, 1, 16),
    ),
    (
        "SDN060843",
        "SD Negeri 060843 Medan",
        "10210355",
        SchoolLevel.SD,
        "Jl. Sei Batang Hari No. 20, Babura",
        "Maria Sembiring",
        ["reading_room"],
        MembershipStatus.ACTIVE,
        date(2023, 7, 17),
    ),
    (
        "SDMETH1",
        "SD Methodist 1 Medan",
        "10210412",
        SchoolLevel.SD,
        "Jl. Hang Tuah No. 8, Madras Hulu",
        "Grace Panjaitan, S.Pd.",
        ["loan", "copies"],
        MembershipStatus.ACTIVE,
        date(2022, 8, 1),
    ),
    (
        "SLBNMDN",
        "SLB Negeri Autis Medan",
        "10264301",
        SchoolLevel.SLB,
        "Jl. Sei Mencirim No. 15, Medan Sunggal",
        "Rina Ginting, S.Pd.",
        ["reference", "facilities"],
        MembershipStatus.SUSPENDED,
        date(2022, 8, 1),
    ),
    (
        "SMASTHOMAS",
        "SMA Swasta Santo Thomas 1 Medan",
        "10210950",
        SchoolLevel.SMA,
        "Jl. S. Parman No. 107, Petisah",
        "Benediktus Manurung",
        ["loan", "copies", "delivery", "reference"],
        MembershipStatus.APPLICANT,
        None,
    ),
]

LIBRARIANS = [
    # username, first, last, library codes (a librarian may serve two schools)
    ("rosmawati", "Rosmawati", "Siregar", ["SMAN1MDN"]),
    ("hendra", "Hendra", "Simanjuntak", ["SMAN2MDN"]),
    ("nurhasanah", "Nurhasanah", "Lubis", ["SMAN4MDN"]),
    ("fauzi", "Ahmad Fauzi", "Nasution", ["MAN2MDN", "MTSN2MDN"]),
    ("yusnita", "Yusnita", "Harahap", ["SMKN1MDN"]),
    ("sriwahyuni", "Sri Wahyuni", "Tarigan", ["SMPN1MDN"]),
    ("lamhot", "Lamhot", "Sinaga", ["SMPN7MDN"]),
    ("maria", "Maria", "Sembiring", ["SDN060843"]),
    ("grace", "Grace", "Panjaitan", ["SDMETH1"]),
    ("rina", "Rina", "Ginting", ["SLBNMDN"]),
    ("benediktus", "Benediktus", "Manurung", ["SMASTHOMAS"]),
]

STUDENTS = [
    # username, first, last, school code, NISN
    ("putri", "Putri", "Hasibuan", "SMAN2MDN", "0071234561"),
    ("dimas", "Dimas", "Saragih", "SMAN1MDN", "0071234562"),
    ("aulia", "Aulia", "Rahmadani", "MAN2MDN", "0071234563"),
    ("kevin", "Kevin", "Tambunan", "SMKN1MDN", "0081234564"),
    ("nabila", "Nabila", "Batubara", "SMPN1MDN", "0091234565"),
    ("rizky", "Rizky", "Damanik", "SMPN7MDN", "0091234566"),
]


def _say(stdout, line: str) -> None:
    if stdout is not None:
        stdout.write(line)


def _library(stdout, code, name, npsn, level, address, head, services, status, joined) -> Library | None:
    """The demo school of that code, created if missing; None when a real library holds its code or NPSN."""
    existing = Library.objects.filter(Q(code__iexact=code) | Q(npsn=npsn)).first()
    if existing is not None:
        if demo_registry.is_demo(existing):
            return existing
        _say(stdout, f"  {code}: a library that is not demo data has this code or NPSN; skipped (left untouched).")
        return None
    library = Library.objects.create(
        code=code,
        name=name,
        npsn=npsn,
        level=level,
        address=address,
        city="Kota Medan",
        province="Sumatera Utara",
        phone=f"(061) 45{npsn[-5:]}",
        email=f"perpustakaan@{code.lower()}.sch.id",
        website=f"https://{code.lower()}.sch.id",
        head_librarian=head,
        opening_hours=HOURS_SHORT if level == SchoolLevel.SD else HOURS_SCHOOL,
        services=services,
        status=status,
        applied_on=(joined or date(2026, 10, 1)),
        joined_on=joined,
    )
    demo_registry.mark([library])
    return library


def _user(stdout, username, first, last, *, role, password, school: Library | None = None, nisn=""):
    """The demo person of that login with their profile, created if missing; None when a real account has it."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None and not demo_registry.is_demo(user):
        _say(stdout, f"  {username}: an account that is not demo data has this login; skipped (left untouched).")
        return None
    if user is None:
        superuser = role == Role.ADMINISTRATOR
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.silang.id",
            is_staff=superuser,
            is_superuser=superuser,
        )
        user.password = password
        user.save()
        demo_registry.mark([user])
    Profile.objects.get_or_create(user=user, defaults={"role": role, "school": school, "nisn": nisn})
    return user


@transaction.atomic
def seed(stdout=None) -> None:
    """Create (or complete) the demo consortium: schools, coordinator, librarians, students."""
    ConsortiumSettings.load()
    # One hash for every demo login: the password is public, and hashing it 19 times took 15 s of each seed.
    password = make_password(DEMO_PASSWORD)
    libraries = {}
    for code, *details in SCHOOLS:
        library = _library(stdout, code, *details)
        if library is not None:
            libraries[code] = library
    _user(stdout, "admin", "Admin", "Silang", role=Role.ADMINISTRATOR, password=password)
    _user(stdout, "koordinator", "Dewi", "Purba", role=Role.COORDINATOR, password=password)
    for username, first, last, codes in LIBRARIANS:
        codes = [code for code in codes if code in libraries]
        user = _user(stdout, username, first, last, role=Role.LIBRARIAN, password=password) if codes else None
        for code in codes if user is not None else []:
            Membership.objects.get_or_create(user=user, library=libraries[code], defaults={"role": StaffRole.LIBRARIAN})
    for username, first, last, code, nisn in STUDENTS:
        if code in libraries:
            _user(
                stdout, username, first, last, role=Role.STUDENT, password=password, school=libraries[code], nisn=nisn
            )
    _say(stdout, f"Demo consortium: {len(libraries)} member libraries, librarians, students.")


def logins() -> list[tuple[str, str]]:
    """(login, what it is) of every demo person, in the order of the lists above, for the command to print."""
    users = {user.username: user for user in demo_registry.demo_users().select_related("profile")}
    wanted = [("admin", "administrator"), ("koordinator", "coordinator of the consortium")]
    for username, _first, _last, codes in LIBRARIANS:
        names = ", ".join(demo_registry.demo_libraries().filter(code__in=codes).values_list("name", flat=True))
        wanted.append((username, f"librarian, {names}"))
    for username, _first, _last, code, _nisn in STUDENTS:
        names = ", ".join(demo_registry.demo_libraries().filter(code=code).values_list("name", flat=True))
        wanted.append((username, f"student, {names}"))
    return [(username, what) for username, what in wanted if username in users]


def _named_by_other_rows(user_ids: list[int]) -> dict[int, set[str]]:
    """Demo people that rows surviving the removal name through a key that deleting them would change.

    Called once the demo's own rows are gone, so what still names a demo person (an API key of a real library
    created by the demo admin, say) is real, and would lose its author (SET_NULL) if the person were deleted.
    """
    named: dict[int, set[str]] = {}
    # include_hidden: most author keys have related_name="+".
    for relation in get_user_model()._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.is_relation and not relation.concrete) or relation.many_to_many:
            continue
        if relation.on_delete in (models.CASCADE, models.PROTECT, models.RESTRICT):
            continue
        field = relation.field
        rows = field.model._base_manager.filter(**{f"{field.name}__in": user_ids})
        for user_id in rows.values_list(field.attname, flat=True).distinct():
            named.setdefault(user_id, set()).add(f"{field.model._meta.label}.{field.name}")
    return named


@transaction.atomic
def remove(stdout=None) -> None:
    """Delete the demo schools (with their staff memberships, API keys, import jobs) and the demo people.

    Runs last, after the apps have removed what they hung on these. A real row that still points at a demo school
    or person through a protecting key (a real student of a demo school, a real agreement signed by a demo
    librarian) makes Django raise ProtectedError, and the whole removal is rolled back. A demo person that real
    rows name as their author or actor (a pilot that worked as the demo admin) is not deleted, so those rows stay
    as they were: the account is deactivated, loses its password and counts as real from then on.
    """
    User = get_user_model()
    library_ids = list(demo_registry.demo_libraries().values_list("pk", flat=True))
    user_ids = list(demo_registry.demo_users().values_list("pk", flat=True))
    # Profiles first: a demo student's profile protects its demo school.
    Profile.objects.filter(user_id__in=user_ids).delete()
    Library.objects.filter(pk__in=library_ids).delete()
    named = _named_by_other_rows(user_ids)
    for user in User.objects.filter(pk__in=named):
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        _say(
            stdout, f"  {user.username}: kept, deactivated and without a password ({', '.join(sorted(named[user.pk]))})"
        )
    User.objects.filter(pk__in=user_ids).exclude(pk__in=named).delete()
    demo_registry.unmark(Library)
    demo_registry.unmark(User)
    removed = len(user_ids) - len(named)
    _say(stdout, f"  {len(library_ids)} demo libraries and {removed} demo people removed")


def real_data() -> list[str]:
    """What `remove` would leave: libraries and people that the demo did not create."""
    found = []
    libraries = demo_registry.real_only(Library.objects.all()).count()
    if libraries:
        found.append(demo_registry.phrase(libraries, "library", "libraries"))
    people = demo_registry.real_only(get_user_model().objects.all()).count()
    if people:
        found.append(demo_registry.phrase(people, "user account", "user accounts"))
    return found
