"""Demo consortium: twelve member schools in Medan, their librarians, a coordinator and students.

Invented data (names of real school types, made-up NPSNs and people), labelled as demo data.
Every function here is idempotent: running it twice changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

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


def _user(username: str, first: str, last: str, *, email: str | None = None, superuser: bool = False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": email or f"{username}@demo.silang.id",
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Create the demo consortium; return (login, what it is) pairs to print."""
    ConsortiumSettings.load()
    libraries = {}
    for code, name, npsn, level, address, head, services, status, joined in SCHOOLS:
        libraries[code], _ = Library.objects.get_or_create(
            code=code,
            defaults=dict(
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
            ),
        )
    logins = []
    admin = _user("admin", "Admin", "Silang", superuser=True)
    Profile.objects.get_or_create(user=admin, defaults={"role": Role.ADMINISTRATOR})
    logins.append(("admin", "administrator"))
    coordinator = _user("koordinator", "Dewi", "Purba")
    Profile.objects.get_or_create(user=coordinator, defaults={"role": Role.COORDINATOR})
    logins.append(("koordinator", "coordinator of the consortium"))
    for username, first, last, codes in LIBRARIANS:
        user = _user(username, first, last)
        Profile.objects.get_or_create(user=user, defaults={"role": Role.LIBRARIAN})
        for code in codes:
            Membership.objects.get_or_create(user=user, library=libraries[code], defaults={"role": StaffRole.LIBRARIAN})
        logins.append((username, "librarian, " + ", ".join(libraries[c].name for c in codes)))
    for username, first, last, code, nisn in STUDENTS:
        user = _user(username, first, last)
        Profile.objects.get_or_create(
            user=user, defaults={"role": Role.STUDENT, "school": libraries[code], "nisn": nisn}
        )
        logins.append((username, f"student, {libraries[code].name}"))
    return logins
