"""The synonym groups the search starts with (migration 0014 seeds them; coordinators extend them in the admin).

School levels and their long forms, grades in Roman and Arabic numerals and in words, subject abbreviations and
curriculum names: what students type for what textbook titles say.
"""

NUMBER_WORDS = [
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
    "dua belas",
]
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]

SEED = [
    # School levels and their long forms.
    ("sd, sekolah dasar", "level"),
    ("mi, madrasah ibtidaiyah", "level"),
    ("smp, sekolah menengah pertama, sltp", "level"),
    ("mts, madrasah tsanawiyah", "level"),
    ("sma, sekolah menengah atas, slta", "level"),
    ("smk, sekolah menengah kejuruan", "level"),
    ("ma, madrasah aliyah", "level"),
    # Subjects.
    ("ipa, ilmu pengetahuan alam, sains", "subject"),
    ("ips, ilmu pengetahuan sosial", "subject"),
    (
        "pkn, ppkn, pendidikan kewarganegaraan, pendidikan pancasila dan kewarganegaraan, pendidikan pancasila",
        "subject",
    ),
    ("bahasa indonesia, b indo, b indonesia, bhs indonesia, bhs indo", "subject"),
    ("bahasa inggris, b inggris, bhs inggris", "subject"),
    ("tik, teknologi informasi dan komunikasi, informatika", "subject"),
    ("penjas, pjok, penjaskes, pendidikan jasmani, pendidikan jasmani olahraga dan kesehatan", "subject"),
    ("pai, agama islam, pendidikan agama islam", "subject"),
    ("matematika, mtk", "subject"),
    # Curricula.
    ("k13, kurikulum 2013, kurtilas", "curriculum"),
    ("kurikulum merdeka, kurmer, ikm", "curriculum"),
    ("ktsp, kurikulum 2006", "curriculum"),
]
# Grades: "kelas X" = "kelas 10" = "kelas sepuluh"; Roman numerals of two letters or more stand for their number
# anywhere ("XII" = 12); I, V and X only after "kelas" (alone they are too often a letter).
for n, (roman, word) in enumerate(zip(ROMAN, NUMBER_WORDS, strict=True), start=1):
    SEED.append((f"kelas {n}, kelas {roman}, kelas {word}, kls {n}, kls {roman}", "grade"))
    if len(roman) > 1:
        SEED.append((f"{roman}, {n}", "grade"))


def seed_synonyms(model) -> None:
    """Add the groups to an empty table (`model`: SearchSynonym, or its historical version in a migration)."""
    if not model.objects.exists():
        model.objects.bulk_create(model(forms=forms, note=note) for forms, note in SEED)
