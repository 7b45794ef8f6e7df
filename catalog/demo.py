"""Demo collections for the demo schools (generated data, labelled as such in every record's notes).

Each school gets textbooks for its level in many copies, Indonesian fiction, English readers, reference works
and general non-fiction, with overlap between schools so the union catalog shows one record per title with
several schools' copies. Loaded through the real import (CSV), so running it twice changes nothing.

Only the demo schools (consortium/demo_registry.py) get a collection. The records an import creates are marked as
demo records; a record of a real library that a demo school's copy joins stays a real record, and `remove` takes
only the demo schools' copies off it.
"""

from __future__ import annotations

import csv
import io
import random

from django.db import transaction
from django.db.models import Max, Q
from stdnum import ean

from consortium import demo_registry
from consortium.models import Library

from .ingest import import_bytes
from .ingest.readers import SILANG_COLUMNS
from .models import Holding, Record, SourceRecord

NOTE = "Data demo Silang (dibuat otomatis) / Silang demo data (generated)."

SUBJECTS_BY_LEVEL = {
    "sd": [
        "Matematika",
        "Bahasa Indonesia",
        "Ilmu Pengetahuan Alam dan Sosial",
        "Pendidikan Pancasila",
        "Seni Budaya",
        "Pendidikan Jasmani",
        "Bahasa Inggris",
    ],
    "smp": [
        "Matematika",
        "Bahasa Indonesia",
        "Ilmu Pengetahuan Alam",
        "Ilmu Pengetahuan Sosial",
        "Pendidikan Pancasila",
        "Bahasa Inggris",
        "Informatika",
        "Seni Musik",
    ],
    "sma": [
        "Matematika",
        "Bahasa Indonesia",
        "Fisika",
        "Kimia",
        "Biologi",
        "Sejarah",
        "Geografi",
        "Ekonomi",
        "Sosiologi",
        "Bahasa Inggris",
        "Informatika",
        "Pendidikan Pancasila",
    ],
    "smk": [
        "Matematika",
        "Bahasa Indonesia",
        "Dasar-Dasar Teknik Otomotif",
        "Dasar-Dasar Akuntansi",
        "Dasar-Dasar Pengembangan Perangkat Lunak",
        "Bahasa Inggris",
        "Projek Kreatif dan Kewirausahaan",
    ],
}
GRADES = {
    "sd": ["I", "II", "III", "IV", "V", "VI"],
    "smp": ["VII", "VIII", "IX"],
    "sma": ["X", "XI", "XII"],
    "smk": ["X", "XI", "XII"],
}
LEVEL_NAME = {"sd": "SD/MI", "smp": "SMP/MTs", "sma": "SMA/MA", "smk": "SMK/MAK"}
DDC_FOR = {
    "Matematika": "510",
    "Bahasa Indonesia": "499.221",
    "Fisika": "530",
    "Kimia": "540",
    "Biologi": "570",
    "Sejarah": "959.8",
    "Geografi": "910",
    "Ekonomi": "330",
    "Sosiologi": "301",
    "Bahasa Inggris": "428",
    "Informatika": "004",
    "Pendidikan Pancasila": "320.5",
    "Ilmu Pengetahuan Alam": "500",
    "Ilmu Pengetahuan Sosial": "300",
    "Ilmu Pengetahuan Alam dan Sosial": "500",
    "Seni Budaya": "700",
    "Seni Musik": "780",
    "Pendidikan Jasmani": "796",
    "Dasar-Dasar Teknik Otomotif": "629.2",
    "Dasar-Dasar Akuntansi": "657",
    "Dasar-Dasar Pengembangan Perangkat Lunak": "005.1",
    "Projek Kreatif dan Kewirausahaan": "658.1",
}
TEXTBOOK_PUBLISHERS = [
    "Pusat Perbukuan Kemendikbudristek",
    "Erlangga",
    "Yudhistira",
    "Grafindo Media Pratama",
    "Intan Pariwara",
]

FICTION = [
    ("Laskar Pelangi", "Andrea Hirata", "Bentang Pustaka", 2005),
    ("Sang Pemimpi", "Andrea Hirata", "Bentang Pustaka", 2006),
    ("Edensor", "Andrea Hirata", "Bentang Pustaka", 2007),
    ("Bumi Manusia", "Pramoedya Ananta Toer", "Hasta Mitra", 1980),
    ("Anak Semua Bangsa", "Pramoedya Ananta Toer", "Hasta Mitra", 1980),
    ("Ronggeng Dukuh Paruk", "Ahmad Tohari", "Gramedia Pustaka Utama", 1982),
    ("Negeri 5 Menara", "A. Fuadi", "Gramedia Pustaka Utama", 2009),
    ("Ayat-Ayat Cinta", "Habiburrahman El Shirazy", "Republika", 2004),
    ("Perahu Kertas", "Dee Lestari", "Bentang Pustaka", 2009),
    ("Supernova", "Dee Lestari", "Truedee Books", 2001),
    ("Cantik Itu Luka", "Eka Kurniawan", "Gramedia Pustaka Utama", 2002),
    ("Siti Nurbaya", "Marah Rusli", "Balai Pustaka", 1922),
    ("Salah Asuhan", "Abdoel Moeis", "Balai Pustaka", 1928),
    ("Layar Terkembang", "Sutan Takdir Alisjahbana", "Balai Pustaka", 1936),
    ("Tenggelamnya Kapal Van der Wijck", "Hamka", "Bulan Bintang", 1938),
    ("Di Bawah Lindungan Ka'bah", "Hamka", "Balai Pustaka", 1938),
    ("Atheis", "Achdiat K. Mihardja", "Balai Pustaka", 1949),
    ("Burung-Burung Manyar", "Y.B. Mangunwijaya", "Djambatan", 1981),
    ("Pulang", "Leila S. Chudori", "Kepustakaan Populer Gramedia", 2012),
    ("Hujan", "Tere Liye", "Gramedia Pustaka Utama", 2016),
    ("Bumi", "Tere Liye", "Gramedia Pustaka Utama", 2014),
    ("Bulan", "Tere Liye", "Gramedia Pustaka Utama", 2015),
    ("Matahari", "Tere Liye", "Gramedia Pustaka Utama", 2016),
    ("Rindu", "Tere Liye", "Republika", 2014),
    ("Dilan: Dia adalah Dilanku Tahun 1990", "Pidi Baiq", "Pastel Books", 2014),
    ("Sitti Nurbaya: Kasih Tak Sampai", "Marah Rusli", "Balai Pustaka", 2008),
    ("Keluarga Cemara", "Arswendo Atmowiloto", "Gramedia Pustaka Utama", 1981),
    ("Lupus: Tangkaplah Daku Kau Kujitak", "Hilman Hariwijaya", "Gramedia Pustaka Utama", 1986),
    ("Si Doel Anak Betawi", "Aman Datuk Madjoindo", "Balai Pustaka", 1932),
    ("Robohnya Surau Kami", "A.A. Navis", "Gramedia Pustaka Utama", 1956),
]
READERS = [
    ("Pride and Prejudice", "Jane Austen"),
    ("Alice's Adventures in Wonderland", "Lewis Carroll"),
    ("The Adventures of Tom Sawyer", "Mark Twain"),
    ("Treasure Island", "Robert Louis Stevenson"),
    ("Little Women", "Louisa May Alcott"),
    ("Oliver Twist", "Charles Dickens"),
    ("The Secret Garden", "Frances Hodgson Burnett"),
    ("Black Beauty", "Anna Sewell"),
    ("Robinson Crusoe", "Daniel Defoe"),
    ("Around the World in Eighty Days", "Jules Verne"),
    ("The Jungle Book", "Rudyard Kipling"),
    ("Anne of Green Gables", "L. M. Montgomery"),
    ("The Wind in the Willows", "Kenneth Grahame"),
    ("Heidi", "Johanna Spyri"),
    ("Peter Pan", "J. M. Barrie"),
]
REFERENCE = [
    ("Kamus Besar Bahasa Indonesia", "Badan Pengembangan dan Pembinaan Bahasa", "Balai Pustaka", "413", "ind"),
    ("Kamus Inggris-Indonesia", "John M. Echols", "Gramedia Pustaka Utama", "423", "ind"),
    ("Atlas Indonesia dan Dunia", "Tim Geografi", "Intan Pariwara", "912", "ind"),
    ("Ensiklopedia Sains untuk Pelajar", "Tim Penyusun", "Lentera Abadi", "503", "ind"),
    ("Ensiklopedia Sejarah Indonesia", "Tim Penyusun", "Lentera Abadi", "959.803", "ind"),
    ("Oxford Learner's Pocket Dictionary", "Oxford University Press", "Oxford University Press", "423", "eng"),
    ("Tesaurus Bahasa Indonesia", "Eko Endarmoko", "Gramedia Pustaka Utama", "499.2213", "ind"),
]
TOPICS = [
    ("Sampah Plastik", "363.728"),
    ("Energi Terbarukan", "333.79"),
    ("Hutan Hujan Sumatra", "577.34"),
    ("Danau Toba", "915.981"),
    ("Budaya Batak", "305.8992"),
    ("Kuliner Nusantara", "641.5959"),
    ("Robotika", "629.892"),
    ("Pemrograman Python", "005.133"),
    ("Gunung Api Indonesia", "551.21"),
    ("Pahlawan Nasional", "920.0598"),
    ("Kesehatan Remaja", "613.0433"),
    ("Literasi Digital", "302.231"),
    ("Tata Surya", "523.2"),
    ("Terumbu Karang", "577.789"),
    ("Batik", "746.662"),
    ("Kopi Sumatra", "633.73"),
    ("Perubahan Iklim", "551.6"),
    ("Gizi Seimbang", "613.2"),
    ("Orangutan", "599.883"),
    ("Bencana Alam", "363.34"),
    ("Wirausaha Muda", "658.11"),
    ("Fotografi", "770"),
    ("Bulu Tangkis", "796.345"),
    ("Sepak Bola", "796.334"),
    ("Musik Tradisional", "781.62"),
    ("Cerita Rakyat Sumatra Utara", "398.2"),
    ("Mitigasi Gempa", "363.3495"),
    ("Kecerdasan Buatan", "006.3"),
    ("Ekonomi Kreatif", "338.4"),
    ("Sejarah Kota Medan", "959.81"),
]
PATTERNS = [
    "Mengenal {t}",
    "{t} untuk Remaja",
    "Seri Pengetahuan: {t}",
    "Ayo Belajar {t}",
    "{t}: Panduan Praktis",
    "Ensiklopedia Mini {t}",
    "Jelajah {t}",
]
AUTHORS = [
    "Siti Rahmawati",
    "Budi Santoso",
    "Dewi Lestari Nasution",
    "Rudi Hartono Siregar",
    "Maria Ulfa",
    "Agus Salim Lubis",
    "Fitri Handayani",
    "Joko Prasetyo",
    "Nur Aini Harahap",
    "Yohanes Sembiring",
    "Wahyu Hidayat",
    "Ratna Sari Ginting",
    "Bambang Sutrisno",
    "Indah Permatasari",
    "Teguh Wibowo",
]
GENERAL_PUBLISHERS = [
    "Gramedia Pustaka Utama",
    "Erlangga",
    "Bhuana Ilmu Populer",
    "Elex Media Komputindo",
    "Mizan",
    "Penerbit Andi",
    "Kanisius",
    "Yrama Widya",
]


def _isbn(seed: int) -> str:
    body = f"978623{seed % 1_000_000:06d}"
    return body + ean.calc_check_digit(body)


def _titles() -> list[dict]:
    """Every title of the demo network, with which school levels own it and how many copies they keep."""
    titles: list[dict] = []
    seq = 0
    for level, subjects in SUBJECTS_BY_LEVEL.items():
        for subject in subjects:
            for grade in GRADES[level]:
                seq += 1
                publisher = TEXTBOOK_PUBLISHERS[seq % len(TEXTBOOK_PUBLISHERS)]
                titles.append(
                    {
                        "title": f"{subject} untuk {LEVEL_NAME[level]} Kelas {grade}",
                        "authors": AUTHORS[seq % 15],
                        "publisher": publisher,
                        "place": "Jakarta",
                        "year": 2021 + seq % 3,
                        "isbn": _isbn(100000 + seq),
                        "language": "eng" if subject == "Bahasa Inggris" else "ind",
                        "material_type": "book",
                        "subjects": f"{subject} -- Buku pelajaran",
                        "ddc": DDC_FOR.get(subject, "370"),
                        "series": "Kurikulum Merdeka",
                        "physical_description": f"{180 + seq % 120} hlm. ; 25 cm",
                        "levels": [level],
                        "copies": (8, 30),
                        "shelf": "Rak Buku Pelajaran",
                        "ill": True,
                    }
                )
    for index, (title, author, publisher, year) in enumerate(FICTION):
        titles.append(
            {
                "title": title,
                "authors": author,
                "publisher": publisher,
                "place": "Jakarta",
                "year": year,
                "isbn": _isbn(200000 + index),
                "language": "ind",
                "material_type": "book",
                "subjects": "Fiksi Indonesia",
                "ddc": "899.2213",
                "physical_description": f"{200 + index * 7} hlm.",
                "levels": ["smp", "sma", "smk"],
                "copies": (1, 4),
                "shelf": "Rak Fiksi",
                "ill": True,
            }
        )
    for index, (title, author) in enumerate(READERS):
        titles.append(
            {
                "title": title,
                "authors": author,
                "publisher": "Oxford University Press",
                "place": "Oxford",
                "year": 2008 + index % 10,
                "isbn": _isbn(300000 + index),
                "language": "eng",
                "material_type": "book",
                "subjects": "English language -- Readers",
                "ddc": "428.6",
                "series": "Oxford Bookworms Library",
                "physical_description": f"{64 + index * 4} p.",
                "levels": ["sd", "smp", "sma", "smk"],
                "copies": (1, 3),
                "shelf": "Rak Bahasa Inggris",
                "ill": True,
            }
        )
    for index, (title, author, publisher, ddc, lang) in enumerate(REFERENCE):
        titles.append(
            {
                "title": title,
                "authors": author,
                "publisher": publisher,
                "place": "Jakarta",
                "year": 2016 + index,
                "isbn": _isbn(400000 + index),
                "language": lang,
                "material_type": "book",
                "subjects": "Referensi",
                "ddc": ddc,
                "physical_description": f"{600 + index * 50} hlm.",
                "levels": ["sd", "smp", "sma", "smk", "slb"],
                "copies": (1, 2),
                "shelf": "Rak Referensi",
                "ill": False,
            }
        )
    for index, (topic, ddc) in enumerate(TOPICS):
        for p_index, pattern in enumerate(PATTERNS):
            for edition in range(10):
                seq += 1
                titles.append(
                    {
                        "title": pattern.format(t=topic) + ("" if edition == 0 else f" Jilid {edition + 1}"),
                        "authors": AUTHORS[(index + p_index + edition) % 15],
                        "publisher": GENERAL_PUBLISHERS[(index + edition) % len(GENERAL_PUBLISHERS)],
                        "place": "Jakarta",
                        "year": 2010 + (index + p_index + edition) % 15,
                        "isbn": _isbn(500000 + seq),
                        "language": "ind",
                        "material_type": "book",
                        "subjects": f"{topic}; Bacaan anak dan remaja",
                        "ddc": ddc,
                        "physical_description": f"{48 + (seq * 7) % 200} hlm. : ilus.",
                        "levels": [["sd", "smp"], ["smp", "sma", "smk"], ["sma", "smk"], ["sd", "smp", "sma"]][
                            edition % 4
                        ],
                        "copies": (1, 2),
                        "shelf": "Rak Nonfiksi",
                        "ill": True,
                    }
                )
    titles.append(
        {
            "title": "Film Dokumenter: Danau Toba",
            "authors": "Tim Produksi TVRI Sumatera Utara",
            "publisher": "TVRI",
            "place": "Medan",
            "year": 2019,
            "isbn": "",
            "language": "ind",
            "material_type": "av",
            "subjects": "Danau Toba; Film dokumenter",
            "ddc": "915.981",
            "physical_description": "1 cakram video (DVD)",
            "levels": ["smp", "sma", "smk"],
            "copies": (1, 1),
            "shelf": "Rak Audio-Visual",
            "ill": True,
        }
    )
    titles.append(
        {
            "title": "Peta Provinsi Sumatera Utara",
            "authors": "Badan Informasi Geospasial",
            "publisher": "Badan Informasi Geospasial",
            "place": "Bogor",
            "year": 2020,
            "isbn": "",
            "language": "ind",
            "material_type": "map",
            "subjects": "Sumatera Utara -- Peta",
            "ddc": "912.5981",
            "physical_description": "1 peta : berwarna",
            "levels": ["sd", "smp", "sma", "smk"],
            "copies": (1, 1),
            "shelf": "Rak Referensi",
            "ill": False,
        }
    )
    return titles


def _csv_for(library: Library, titles: list[dict], rng: random.Random) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SILANG_COLUMNS)  # the documented import columns
    writer.writeheader()
    level = library.level if library.level in GRADES or library.level == "slb" else "sma"
    barcode = 0
    for index, title in enumerate(titles):
        if level not in title["levels"] or rng.random() > 0.8:
            continue
        low, high = title["copies"]
        for copy in range(1, rng.randint(low, high) + 1):
            barcode += 1
            writer.writerow(
                {
                    "local_id": f"{library.code}-{index:05d}",
                    "title": title["title"],
                    "authors": title["authors"],
                    "publisher": title["publisher"],
                    "place": title["place"],
                    "year": title["year"],
                    "isbn": title["isbn"],
                    "language": title["language"],
                    "material_type": title["material_type"],
                    "subjects": title["subjects"],
                    "ddc": title["ddc"],
                    "series": title.get("series", ""),
                    "physical_description": title["physical_description"],
                    "summary": NOTE,
                    "barcode": f"{library.code}{barcode:06d}",
                    "call_number": f"{title['ddc'].split('.')[0]} {title['authors'].split()[-1][:3].upper()} "
                    f"{title['title'][0].lower()}",
                    "shelf_location": title["shelf"],
                    "copy_number": copy,
                    "ill_allowed": "1" if title["ill"] else "0",
                }
            )
    return buffer.getvalue().encode()


def seed(stdout=None) -> None:
    """Import each demo school's collection (the same on every run) and mark the records it created."""
    titles = _titles()
    libraries = demo_registry.demo_libraries().exclude(status="applicant").order_by("code")
    demo_holdings = Holding.objects.filter(library__in=libraries)
    fresh = not demo_holdings.exists()
    for library in libraries:
        if Holding.objects.filter(library=library).exists():
            # Imported once: a second import would bring back copies the school has since given away (exchange).
            continue
        rng = random.Random(library.code)  # the same collection on every run
        before = Record.objects.aggregate(last=Max("pk"))["last"] or 0
        report = import_bytes(library=library, data=_csv_for(library, titles, rng), filename=f"{library.code}.csv")
        # Records take their ids from a sequence: the ones above `before` sourced from this school are its new ones.
        created = Record.objects.filter(pk__gt=before, sources__library=library).values_list("pk", flat=True)
        demo_registry.mark_ids(Record, set(created))
        if stdout is not None:
            stdout.write(
                f"  {library.name}: {report.created} new records, {report.joined} joined, "
                f"{report.holdings_added} copies added"
            )
    if fresh:
        # A lived-in catalog: a few of the demo schools' copies are on loan to their own students or missing.
        rng = random.Random(7)
        ids = list(demo_holdings.order_by("pk").values_list("pk", flat=True))
        on_loan = rng.sample(ids, k=len(ids) // 12)
        Holding.objects.filter(pk__in=on_loan[: len(on_loan) // 2]).update(status="on_loan")
        Holding.objects.filter(pk__in=on_loan[len(on_loan) // 2 :][:40]).update(status="missing")


def _demo_record_q(libraries) -> Q:
    """Records made by the demo, or holding copies or sources of the demo schools only through them."""
    return (
        Q(pk__in=demo_registry.demo_ids(Record))
        | Q(pk__in=Holding.objects.filter(library__in=libraries).values("record_id"))
        | Q(pk__in=SourceRecord.objects.filter(library__in=libraries).values("record_id"))
    )


@transaction.atomic
def remove(stdout=None) -> None:
    """Delete the demo schools' copies and source records, then the demo's records that nobody else holds."""
    libraries = demo_registry.demo_libraries()
    candidates = set(Record.objects.filter(_demo_record_q(libraries)).values_list("pk", flat=True))
    _, deleted = Holding.objects.filter(library__in=libraries).delete()
    SourceRecord.objects.filter(library__in=libraries).delete()
    # A record a real library also holds (its import joined a demo record) stays, with the real copies only.
    orphans = Record.objects.filter(pk__in=candidates, holdings__isnull=True, sources__isnull=True)
    _, gone = orphans.delete()
    demo_registry.unmark(Record)
    if stdout is not None:
        holdings, records = deleted.get("catalog.Holding", 0), gone.get("catalog.Record", 0)
        stdout.write(f"  {records} demo catalog records and {holdings} copies removed")


def real_data() -> list[str]:
    """Records that `remove` would keep: not the demo's, or held by a library that is not a demo school."""
    libraries = demo_registry.demo_libraries()
    real_libraries = demo_registry.real_only(Library.objects.all())
    kept = Record.objects.filter(
        ~_demo_record_q(libraries)
        | Q(pk__in=Holding.objects.filter(library__in=real_libraries).values("record_id"))
        | Q(pk__in=SourceRecord.objects.filter(library__in=real_libraries).values("record_id"))
    ).count()
    return [demo_registry.phrase(kept, "catalog record", "catalog records")] if kept else []
