"""Demo data for the cooperation network: shared facilities with bookings, meetings and training, guidelines,
expertise and questions, subscriptions, a teacher's reading list, parents and alumni.

Idempotent (nothing is added twice) and confined to the demo schools and to objects this module created."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from agreements.choices import Form, PartyRole, Status
from agreements.models import Agreement, Party
from catalog.models import Record
from consortium import demo_registry
from consortium.choices import Role
from consortium.demo import DEMO_PASSWORD, SCHOOLS
from consortium.models import Profile

from . import services
from .choices import BookingStatus, FacilityKind
from .models import (
    Answer,
    Booking,
    Event,
    ExpertiseEntry,
    Facility,
    Guideline,
    GuidelineVersion,
    Partner,
    Question,
    ReadingList,
    Registration,
    Subscription,
    TaskAssignment,
)

AGREEMENT_NUMBER = "PKS/KPSM/010/2026"
DEMO_CODES = [row[0] for row in SCHOOLS]

# username, first, last, role, school
PEOPLE = [
    ("sari", "Sari", "Nainggolan", Role.TEACHER, "SMAN1MDN"),
    ("budi", "Budi", "Situmorang", Role.TEACHER, "SMPN7MDN"),
    ("kepsek1", "Drs. Maruli", "Hutagalung", Role.PRINCIPAL, "SMAN1MDN"),
]

FACILITIES = [
    # library, name, kind, seats, opens, closes, max hours, description, terms
    (
        "SMAN1MDN",
        "Ruang Baca Utama",
        FacilityKind.ROOM,
        1,
        time(7, 30),
        time(15, 0),
        4,
        "Ruang baca untuk 40 siswa, proyektor dan papan tulis.",
        "Dibersihkan kembali setelah dipakai.",
    ),
    (
        "SMKN1MDN",
        "Laboratorium Komputer",
        FacilityKind.LAB,
        1,
        time(8, 0),
        time(14, 0),
        3,
        "30 komputer dengan SLiMS dan akses internet.",
        "Didampingi teknisi SMKN 1.",
    ),
    (
        "SMKN1MDN",
        "Pemindai Buku A3",
        FacilityKind.REPRODUCTION,
        1,
        time(8, 0),
        time(14, 0),
        2,
        "Pemindai buku untuk digitalisasi koleksi lokal.",
        "Bawa flashdisk sendiri.",
    ),
    (
        "MAN2MDN",
        "Lisensi e-jurnal GARUDA Premium",
        FacilityKind.LICENCE,
        3,
        time(7, 0),
        time(16, 0),
        None,
        "Akses jurnal ilmiah Indonesia; tiga pengguna bersamaan.",
        "Hanya untuk tugas sekolah; jangan membagikan akun.",
    ),
]

SUBSCRIPTIONS = [
    (
        "SMAN1MDN",
        "Kompas",
        "0215-207X",
        "newspaper",
        "daily",
        "PT Kompas Media Nusantara",
        2018,
        None,
        "arsip 3 bulan terakhir tercetak",
    ),
    (
        "SMAN1MDN",
        "Majalah Tempo",
        "0126-4273",
        "magazine",
        "weekly",
        "PT Tempo Inti Media",
        2015,
        None,
        "hilang 2020 no. 12–15",
    ),
    (
        "SMAN2MDN",
        "National Geographic Indonesia",
        "1858-1609",
        "magazine",
        "monthly",
        "Kompas Gramedia",
        2012,
        None,
        "",
    ),
    ("SMPN1MDN", "Majalah Bobo", "0215-1790", "magazine", "weekly", "Kompas Gramedia", 2019, None, ""),
    (
        "MAN2MDN",
        "Republika",
        "",
        "newspaper",
        "daily",
        "PT Republika Media Mandiri",
        2016,
        2023,
        "langganan berhenti 2023",
    ),
    ("SMKN1MDN", "Info Komputer", "0215-1065", "magazine", "monthly", "Kompas Gramedia", 2010, 2020, "vol. 24–34"),
]


def _aware(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_current_timezone())


def _weekday(start, offset_days: int):
    day = start + timedelta(days=offset_days)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def _pdf(title: str, lines: list[str]) -> bytes:
    from fpdf import FPDF

    from agreements.document import FONTS

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(pdf.epw, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for line in lines:
        pdf.multi_cell(pdf.epw, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _person(username, first, last, role, school):
    """A demo person (marked as such); a real account of the same login is never used or changed."""
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing if demo_registry.is_demo(existing) else None
    user = get_user_model().objects.create(
        username=username, first_name=first, last_name=last, email=f"{username}@demo.silang.id"
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    demo_registry.mark([user])
    Profile.objects.get_or_create(user=user, defaults={"role": role, "school": school})
    return user


def _librarian(code):
    return get_user_model().objects.filter(memberships__library__code=code, memberships__role="librarian").first()


@transaction.atomic
def seed(stdout=None) -> None:
    # Only the demo's own schools and people (consortium.demo_registry): never a real library or account.
    libraries = {lib.code: lib for lib in demo_registry.demo_libraries().filter(code__in=DEMO_CODES)}
    coordinator = demo_registry.demo_users().filter(profile__role="coordinator").first()
    if "SMAN1MDN" not in libraries or coordinator is None or Agreement.objects.filter(number=AGREEMENT_NUMBER).exists():
        return
    if any(row[4] not in libraries for row in PEOPLE):
        return
    today = timezone.localdate()
    now = timezone.now()
    active = [lib for lib in libraries.values() if lib.status == "active"]
    people = {row[0]: _person(*row[:4], libraries[row[4]]) for row in PEOPLE}
    if None in people.values():
        if stdout is not None:
            stdout.write("  Network: skipped (a real account holds one of its demo logins).")
        return

    agreement = Agreement.objects.create(
        number=AGREEMENT_NUMBER,
        title="Perjanjian Kerja Sama Fasilitas Bersama dan Kerja Sama Pustakawan",
        forms=[Form.FACILITIES, Form.LIBRARIANS],
        objectives="Ruang, peralatan, dan lisensi sumber elektronik dipakai bersama; pustakawan saling membantu.",
        scope_services="Ruang baca, laboratorium komputer, pemindai, lisensi e-jurnal, pelatihan pustakawan.",
        start_on=today - timedelta(days=120),
        end_on=today + timedelta(days=240),
        status=Status.ACTIVE,
        created_by=coordinator,
    )
    demo_registry.mark([agreement])
    for lib in active:
        Party.objects.create(agreement=agreement, library=lib, role=PartyRole.PARTY, representative=lib.head_librarian)

    facilities = {}
    for code, name, kind, seats, opens, closes, max_hours, description, terms in FACILITIES:
        facilities[name] = Facility.objects.create(
            library=libraries[code],
            name=name,
            kind=kind,
            seats=seats,
            opens_at=opens,
            closes_at=closes,
            max_hours=max_hours,
            description=description,
            terms=terms,
            agreement=agreement,
        )
    room, lab = facilities["Ruang Baca Utama"], facilities["Laboratorium Komputer"]
    licence, scanner = facilities["Lisensi e-jurnal GARUDA Premium"], facilities["Pemindai Buku A3"]

    # Past use (for the usage per agreement): written directly, the service refuses past slots by design.
    past = [
        (room, "SMPN7MDN", 35, 8, 10, "Lomba membaca cerpen"),
        (lab, "SMAN1MDN", 28, 9, 11, "Pelatihan SLiMS untuk siswa pustakawan"),
        (lab, "SMPN1MDN", 21, 8, 10, "Kelas literasi digital"),
        (licence, "SMAN2MDN", 14, 9, 12, "Tugas karya ilmiah kelas XII"),
        (scanner, "SDMETH1", 7, 9, 11, "Digitalisasi arsip sekolah"),
    ]
    for facility, code, days_ago, start, end, purpose in past:
        day = _weekday(today - timedelta(days=days_ago), 0)
        Booking.objects.create(
            facility=facility,
            library=libraries[code],
            booked_by=_librarian(code),
            period=DateTimeTZRange(_aware(day, start), _aware(day, end)),
            purpose=purpose,
            status=BookingStatus.APPROVED,
            agreement=agreement,
            decided_by=_librarian(facility.library.code),
            decided_at=now - timedelta(days=days_ago + 2),
        )
    # Coming bookings, through the service: one approved, others waiting for the owner.
    soon = [
        (room, "SMPN7MDN", 3, 9, 11, "Rapat MGMP Bahasa Indonesia", True),
        (room, "MAN2MDN", 3, 12, 14, "Bedah buku", False),
        (lab, "SMAN2MDN", 4, 8, 10, "Ujian praktik TIK", False),
        (licence, "SMAN1MDN", 5, 9, 12, "Penelitian siswa", True),
        (licence, "SMPN7MDN", 5, 10, 11, "Tugas IPA", False),
    ]
    for facility, code, in_days, start, end, purpose, approve in soon:
        day = _weekday(today, in_days)
        booking = services.booking_create(
            facility=facility,
            library=libraries[code],
            by=_librarian(code),
            starts_at=_aware(day, start),
            ends_at=_aware(day, end),
            purpose=purpose,
        )
        if approve:
            services.booking_approve(booking=booking, by=_librarian(facility.library.code), note="Silakan.")

    # Meetings and training.
    meeting = Event.objects.create(
        title="Rapat teknis: pembagian tugas katalogisasi bersama",
        kind="meeting",
        organiser=libraries["SMAN1MDN"],
        agenda="1. Laporan katalog induk\n2. Pembagian tugas katalogisasi menurut keahlian\n3. Jadwal pelatihan",
        place="Ruang Baca Utama, SMA Negeri 1 Medan",
        starts_at=_aware(today - timedelta(days=20), 9),
        ends_at=_aware(today - timedelta(days=20), 12),
        capacity=20,
        minutes="Disepakati: SMAN 1 menyusun pedoman katalogisasi; MAN 2 mengurus lisensi e-jurnal; "
        "SMKN 1 membantu digitalisasi. Rapat berikutnya bulan depan.",
        created_by=coordinator,
    )
    for code in ["SMAN1MDN", "SMAN2MDN", "SMKN1MDN", "SMPN7MDN"]:
        user = _librarian(code)
        Registration.objects.create(
            event=meeting,
            user=user,
            library=libraries[code],
            attended=code != "SMPN7MDN",
            certificate_number="" if code == "SMPN7MDN" else f"SRT/{today:%Y}/{meeting.pk:04d}/{user.pk:05d}",
        )
    training = services.event_save(
        by=coordinator,
        title="Pelatihan klasifikasi DDC 23 untuk pustakawan sekolah",
        kind="training",
        organiser=libraries["MAN2MDN"],
        agenda="Dasar DDC, tabel tambahan, latihan buku muatan lokal.",
        place="Aula MAN 2 Model Medan",
        starts_at=_aware(_weekday(today, 10), 8),
        ends_at=_aware(_weekday(today, 10), 15),
        capacity=15,
    )
    for code in ["SMAN4MDN", "SMPN1MDN", "SDN060843"]:
        services.event_register(event=training, by=_librarian(code))

    # Guidelines with versions.
    rosmawati = _librarian("SMAN1MDN")
    guideline = Guideline.objects.create(
        title="Pedoman katalogisasi katalog induk",
        category="cataloguing",
        library=libraries["SMAN1MDN"],
        description="Kaidah deskripsi, tajuk, dan nomor panggil untuk semua sekolah anggota.",
        created_by=rosmawati,
    )
    for number, note in [(1, "Versi pertama"), (2, "Menambah aturan RDA dan contoh buku muatan lokal")]:
        content = _pdf(
            f"Pedoman katalogisasi, versi {number}",
            [
                "1. Judul ditulis seperti pada halaman judul.",
                "2. Nomor panggil: nomor DDC, tiga huruf pengarang, satu huruf judul.",
            ],
        )
        version = GuidelineVersion(
            guideline=guideline,
            number=number,
            original_name=f"pedoman-katalogisasi-v{number}.pdf",
            content_type="application/pdf",
            size=len(content),
            note=note,
            uploaded_by=rosmawati,
        )
        version.file.save(f"pedoman-katalogisasi-v{number}.pdf", ContentFile(content), save=False)
        version.save()
    loans_rules = Guideline.objects.create(
        title="Formulir peminjaman antarperpustakaan",
        category="forms",
        created_by=coordinator,
        description="Formulir cetak bila Silang tidak dapat dipakai.",
    )
    content = _pdf("Formulir peminjaman antarperpustakaan", ["Nama sekolah: ____", "Judul: ____", "Tanggal: ____"])
    version = GuidelineVersion(
        guideline=loans_rules,
        number=1,
        original_name="formulir-pinjam.pdf",
        content_type="application/pdf",
        size=len(content),
        note="Versi pertama",
        uploaded_by=coordinator,
    )
    version.file.save("formulir-pinjam.pdf", ContentFile(content), save=False)
    version.save()

    # Expertise, questions, divided tasks.
    experts = [
        ("SMAN1MDN", "cataloguing", "can_train", "Menyusun pedoman katalogisasi konsorsium"),
        ("SMAN1MDN", "ddc", "can_help", ""),
        ("MAN2MDN", "ddc", "can_train", "Pelatih DDC bersertifikat"),
        ("SMKN1MDN", "digitisation", "can_train", "Memegang pemindai A3 konsorsium"),
        ("SMKN1MDN", "slims", "can_help", "Administrator SLiMS 9 Bulian"),
        ("SMAN2MDN", "ill", "can_help", ""),
    ]
    for code, area, level, note in experts:
        user = _librarian(code)
        ExpertiseEntry.objects.create(user=user, library=libraries[code], area=area, level=level, note=note)
    question = Question.objects.create(
        title="Bagaimana mengimpor data anggota dari SLiMS ke Silang?",
        area="slims",
        asked_by=_librarian("SMPN7MDN"),
        library=libraries["SMPN7MDN"],
        body="Kami memakai SLiMS 9; apakah bisa ekspor CSV?",
        created_at=now - timedelta(days=6),
    )
    Answer.objects.create(
        question=question,
        body="Bisa: ekspor bibliografi sebagai CSV dari menu Sistem, lalu impor di halaman perpustakaan.",
        answered_by=_librarian("SMKN1MDN"),
        library=libraries["SMKN1MDN"],
        created_at=now - timedelta(days=5),
    )
    Question.objects.create(
        title="Nomor DDC untuk buku cerita rakyat Batak?",
        area="ddc",
        asked_by=_librarian("SDN060843"),
        library=libraries["SDN060843"],
        created_at=now - timedelta(days=1),
    )
    TaskAssignment.objects.create(
        agreement=agreement,
        area="cataloguing",
        task="Menyusun pedoman katalogisasi bersama",
        assignee=rosmawati,
        library=libraries["SMAN1MDN"],
        due_on=today + timedelta(days=30),
        done=True,
    )
    TaskAssignment.objects.create(
        agreement=agreement,
        area="digitisation",
        task="Digitalisasi koleksi muatan lokal anggota",
        assignee=_librarian("SMKN1MDN"),
        library=libraries["SMKN1MDN"],
        due_on=today + timedelta(days=90),
    )

    # Subscriptions.
    for code, title, issn, kind, frequency, publisher, start, end, note in SUBSCRIPTIONS:
        Subscription.objects.create(
            library=libraries[code],
            title=title,
            issn=issn,
            kind=kind,
            frequency=frequency,
            publisher=publisher,
            holdings_from=start,
            holdings_to=end,
            holdings_note=note,
            active=end is None,
        )

    # A teacher's reading list from the union catalog: titles other schools have on the shelf.
    sari = people["sari"]
    reading_list = ReadingList.objects.create(
        library=libraries["SMAN1MDN"],
        owner=sari,
        title="Novel Indonesia untuk tugas resensi",
        class_name="XI IPA 2",
        subject="Bahasa Indonesia",
        description="Pilih satu novel, baca, dan tulis resensi dua halaman.",
    )
    school_id = libraries["SMAN1MDN"].pk
    candidates = Record.objects.exclude(available_library_ids=[]).order_by("pk")[:60]
    picked = [r for r in candidates if school_id not in (r.available_library_ids or [])][:4]
    picked += [r for r in candidates if school_id in (r.available_library_ids or [])][:1]
    for position, record in enumerate(picked, start=1):
        reading_list.items.create(record=record, position=position)

    # Parents and alumni.
    for kind, name, contact, books, contribution in [
        ("parent", "Bapak Tua Simanjuntak", "0812-6000-1111", 25, "Menyumbang buku cerita anak dan rak buku."),
        ("alumnus", "Ikatan Alumni SMAN 1 Medan angkatan 1998", "alumni98@contoh.id", 120, "Donasi buku referensi."),
        ("committee", "Komite Sekolah", "", 0, "Membantu anggaran langganan surat kabar."),
    ]:
        Partner.objects.create(
            library=libraries["SMAN1MDN"],
            kind=kind,
            name=name,
            contact=contact,
            books_donated=books,
            contribution=contribution,
            created_by=rosmawati,
        )
    if stdout is not None:
        stdout.write("  Network: facilities and bookings, events, guidelines, questions, reading list, partners.")
        stdout.write("  Logins: sari and budi (teachers), kepsek1 (principal of SMA Negeri 1 Medan).")


@transaction.atomic
def remove(stdout=None) -> None:
    """Remove what seed() made (demo schools and demo people only)."""
    agreement = demo_registry.demo_only(Agreement.objects.filter(number=AGREEMENT_NUMBER)).first()
    demo = demo_registry.demo_libraries()
    Booking.objects.filter(facility__library__in=demo).delete()
    Facility.objects.filter(library__in=demo).delete()
    Event.objects.filter(organiser__in=demo).delete()
    for version in GuidelineVersion.objects.filter(
        guideline__title__in=["Pedoman katalogisasi katalog induk", "Formulir peminjaman antarperpustakaan"]
    ):
        version.file.delete(save=False)
    Guideline.objects.filter(
        title__in=["Pedoman katalogisasi katalog induk", "Formulir peminjaman antarperpustakaan"]
    ).delete()
    ExpertiseEntry.objects.filter(library__in=demo).delete()
    Question.objects.filter(library__in=demo).delete()
    Subscription.objects.filter(library__in=demo).delete()
    ReadingList.objects.filter(library__in=demo).delete()
    Partner.objects.filter(library__in=demo).delete()
    if agreement is not None:
        TaskAssignment.objects.filter(agreement=agreement).delete()
        agreement.delete()
    demo_registry.demo_only(get_user_model().objects.filter(username__in=[row[0] for row in PEOPLE])).delete()
    if stdout is not None:
        stdout.write("  Network: demo facilities, events, guidelines, lists and partners removed.")
