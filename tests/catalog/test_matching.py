"""catalog.matching: pure functions, no database."""

import pytest

from catalog.matching import (
    DISTINCT,
    MERGE,
    REVIEW,
    author_key,
    block_key,
    compare,
    designations,
    edition_key,
    explain,
    features,
    fold,
    page_count,
    publisher_words,
    title_words,
    words,
)


def book(title, subtitle="", **fields):
    fields.setdefault("authors", [{"name": "Hirata, Andrea"}])
    fields.setdefault("publisher", "Bentang Pustaka")
    fields.setdefault("year", 2005)
    return features(title=title, subtitle=subtitle, **fields)


# --- folding -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "one, other",
    [
        ("Adıvar", "adivar"),  # Turkish dotless i
        ("İstanbul", "istanbul"),
        ("Straße", "strasse"),
        ("Søren Kierkegaard", "soren kierkegaard"),
        ("Æsop's fables", "aesops fables"),
        ("Œuvres complètes", "oeuvres completes"),
        ("Łódź", "lodz"),
        ("Laskar Pelangi!", "laskar pelangi"),
        ("Harper & Row", "harper and row"),
        ("T͡Sentralʹnyĭ", "tsentralnyi"),
    ],
)
def test_folding(one, other):
    assert fold(one) == fold(other) == other


@pytest.mark.parametrize(
    "old, new",
    [("Tjerita rakjat", "cerita rakjat"), ("Soekarno", "sukarno"), ("Djakarta", "jakarta"), ("Njonja", "nyonya")],
)
def test_old_indonesian_spellings_fold_to_the_current_ones(old, new):
    assert words(old) == words(new)


def test_spelling_folding_keeps_words_that_differ_today():
    # "j" → "y" is not folded: saja (only) and saya (I) are both words of today's spelling.
    assert words("saja") != words("saya")


def test_leading_articles_and_the_split_of_title_and_subtitle_do_not_matter():
    assert title_words("The strength of the hills") == title_words("Strength of the hills")
    assert block_key("The torrent", "and The night before") == block_key("The torrent and the night before")


# --- designations ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Matematika untuk SMA/MA kelas X", {("grade", 10)}),
        ("Matematika untuk SMA/MA kelas XI", {("grade", 11)}),
        ("Matematika kelas 10", {("grade", 10)}),
        ("Sejarah Indonesia jilid 2", {("vol", 2)}),
        ("Sejarah Indonesia jilid II", {("vol", 2)}),
        ("Sejarah Indonesia jilid dua", {("vol", 2)}),
        ("Census of population. Volume II", {("vol", 2)}),
        ("Bahasa Indonesia bagian 1", {("part", 1)}),
        ("Fisika semester 2", {("semester", 2)}),
        ("Laskar Pelangi", set()),
    ],
)
def test_designations(title, expected):
    assert designations(words(title)) == expected


def test_textbook_grades_are_two_editions_even_with_everything_else_equal():
    tenth = book("Matematika", "untuk SMA/MA kelas X", publisher="Erlangga", year=2016)
    eleventh = book("Matematika", "untuk SMA/MA kelas XI", publisher="Erlangga", year=2016)
    verdict = compare(tenth, eleventh)
    assert verdict.decision == DISTINCT and verdict.blocked == "designation"


def test_volumes_sharing_a_set_isbn_stay_apart():
    one = book("Ensiklopedia sains jilid 1", isbns=["9789790000001", "9789799999999"])
    two = book("Ensiklopedia sains jilid 2", isbns=["9789790000002", "9789799999999"])
    assert compare(one, two).decision == DISTINCT


def test_the_same_grade_written_two_ways_is_one_edition():
    assert compare(book("Matematika kelas X"), book("Matematika kelas 10")).decision == MERGE


# --- titles: 245 $p and $b ------------------------------------------------------------------------------


def test_parts_named_in_245_p_stay_apart():
    # from_marc joins $n and $p to the title: "Census of population. Vol. 2. Alabama"
    alabama = book("Census of population. Vol. 2. Alabama", publisher="U.S. Govt. Print. Off.", year=1952)
    arizona = book("Census of population. Vol. 2. Arizona", publisher="U.S. Govt. Print. Off.", year=1952)
    verdict = compare(alabama, arizona)
    assert verdict.decision == DISTINCT and verdict.blocked == "title"


def test_titles_differing_only_in_the_subtitle_stay_apart():
    first = book("Survei sosial ekonomi nasional", "data kor 2001", publisher="Badan Pusat Statistik", year=2003)
    second = book("Survei sosial ekonomi nasional", "data kor 2002", publisher="Badan Pusat Statistik", year=2003)
    assert compare(first, second).decision == DISTINCT


def test_a_subtitle_left_out_by_one_cataloguer_still_matches():
    full = book("The son of man", "the story of Jesus", physical_description="xiv, 315 p.")
    short = book("The son of man", physical_description="315 p.")
    assert compare(full, short).decision == MERGE


def test_spelling_slips_in_a_title_still_match():
    one = book("Theatrical companion to Maugham", "a pictoral record of first performances")
    other = book("Theatrical companion to Maugham", "a pictorial record of the first performances")
    assert compare(one, other).decision == MERGE


# --- pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "physical, pages",
    [
        ("3 p. l., [v]-viii, 351 p.", 351),  # three preliminary leaves, a roman preface
        ("xii, 193 p. : ill. ; 25 cm", 193),
        ("xix, 311, [1] p. 16 cm", 311),
        ("ix, [1], 308, [2] p., [12] leaves of plates : ill. ; 20 cm", 308),
        ("4 p. L., [11]-200 p. incl. front., illus.", 200),
        ("v, 30l p., 1 leaf of plates", 301),  # an OCR'd l for 1
        ("2 v. (xv, 1518 p.) 7 fold. maps. 25 cm", 1518),
        ("viii, 143, [1]p. incl. col. mounted illus. ; 28x22cm", 143),
        ("x, 250 hlm. : ilus. ; 23 cm", 250),
        ("1 v. (various pagings) ; 28 cm", None),
        ("", None),
    ],
)
def test_page_count_is_the_largest_page_number(physical, pages):
    assert page_count(physical) == pages


def test_clearly_different_page_counts_do_not_merge():
    assert (
        compare(
            book("Fisika", physical_description="320 hlm."), book("Fisika", physical_description="96 hlm.")
        ).decision
        != MERGE
    )


def test_a_roman_preface_does_not_make_two_page_counts():
    one = book("Asheville and Buncombe county", physical_description="4 p. l., [11]-200 p.")
    other = book("Asheville and Buncombe county", physical_description="200 p. ; 21 cm")
    assert compare(one, other).decision == MERGE


# --- editions, publishers, authors, years, ISBNs --------------------------------------------------------------


@pytest.mark.parametrize(
    "statement, key",
    [
        ("2nd ed.", "2"),
        ("Ed. ke-2", "2"),
        ("Edisi kedua", "2"),
        ("Second edition", "2"),
        ("3d ed., rev., with 37 new illustrations", "3"),
        ("Cet. 3", ""),  # a printing, not an edition
        ("3rd printing", ""),
        ("1st ed.", ""),
        ("Rev. ed.", "rev"),
        ("", ""),
    ],
)
def test_edition_key(statement, key):
    assert edition_key(statement) == key


def test_different_edition_numbers_stay_apart():
    assert compare(book("Kimia", edition="Ed. ke-2"), book("Kimia", edition="3rd ed.")).decision == DISTINCT
    assert compare(book("Kimia", edition="Edisi kedua"), book("Kimia", edition="2nd ed.")).decision == MERGE


def test_a_printing_is_not_an_edition():
    assert compare(book("Kimia", edition="Cet. 3"), book("Kimia")).decision == MERGE


@pytest.mark.parametrize(
    "one, other",
    [
        ("Published by the Century Co.", "The Century co."),
        ("Harper & Bros.", "Harper and brothers"),
        ("PT Gramedia Pustaka Utama", "Gramedia Pustaka Utama"),
        ("Penerbit Erlangga", "Erlangga"),
        ("CV Yrama Widya", "Yrama Widya"),
    ],
)
def test_publisher_forms(one, other):
    assert publisher_words(one) == publisher_words(other)


@pytest.mark.parametrize(
    "one, other",
    [
        ("Hirata, Andrea", "Andrea Hirata"),
        ("Sondley, F. A. (Forster Alexander), 1857-1931", "Sondley, Forster Alexander, 1857-"),
        ("Adıvar, Halide Edib", "Adivar, Halide Edib"),
    ],
)
def test_author_heading_variants(one, other):
    assert author_key(one) == author_key(other)


def test_corporate_and_personal_headings_can_match_through_the_statement_of_responsibility():
    one = book("Minutes of the annual conferences", authors=[{"name": "Methodist Episcopal Church"}])
    other = book("Minutes of the annual conferences", authors=[], responsibility="Methodist Episcopal Church")
    assert compare(one, other).decision == MERGE


def test_different_isbns_block_a_merge():
    verdict = compare(book("Laskar Pelangi", isbns=["9789793062792"]), book("Laskar Pelangi", isbns=["9786022910565"]))
    assert verdict.decision == DISTINCT and verdict.blocked == "isbn"


def test_a_reprint_a_year_later_goes_to_review_with_its_reason():
    verdict = compare(book("Laskar Pelangi", year=2005), book("Laskar pelangi!", year=2006))
    assert verdict.decision == REVIEW
    assert "year" in verdict.differing
    assert "year -0.10 (2005 / 2006)" in explain(verdict)


def test_material_types_never_merge():
    assert compare(book("The Hobbit"), book("The Hobbit", material_type="av")).decision == DISTINCT


def test_the_same_sparse_description_twice_merges():
    one = features(title="Bumi Manusia", year=1980)
    assert compare(one, features(title="BUMI MANUSIA.", year=1980)).decision == MERGE


# --- the block index --------------------------------------------------------------------------------------


def test_the_block_index_finds_exactly_the_records_that_may_share_the_heading():
    """matching.Block finds a block's records by heading, name words and title instead of testing every record: it
    must give what testing every record with may_share_heading gives, spelling slips of headings included."""
    import random

    from catalog.matching import Block, may_share_heading

    rng = random.Random(4)
    surnames = ["Siregar", "Sireger", "Nasution", "Lubis", "Smith", "Smyth", "Li", "Tohari", "Hirata", "Harahap"]
    given = ["Andi", "Budi", "Ahmad", "Andrea", "Lubis"]  # a given name that is another's surname
    titles = ["Bahasa Indonesia untuk SMA", "Bahasa Indonesia", "Bahasa Indonesia kelas X"]

    def record():
        authors = [{"name": f"{rng.choice(surnames)}, {rng.choice(given)}"} for _ in range(rng.choice([0, 1, 1, 2]))]
        return features(
            title=rng.choice(titles),
            authors=authors,
            responsibility=rng.choice(["", f"oleh {rng.choice(given)} {rng.choice(surnames)}"]),
        )

    block = Block()
    records = {record_id: record() for record_id in range(1, 301)}
    for record_id, found in records.items():
        block.add(record_id, found)
    block.discard(7)
    del records[7]
    for _ in range(300):
        incoming = record()
        expected = [(rid, found) for rid, found in records.items() if may_share_heading(incoming, found)]
        assert block.candidates(incoming) == expected
        block.add(1000 + _, incoming)  # new headings arrive while the slips of earlier ones are remembered
        records[1000 + _] = incoming


def test_plain_page_counts_read_as_the_general_reading_reads_them():
    """page_count's shortcut for "136 hlm" and "200 p." gives what the general reading gives, for any mix of
    numbers, page words, leaves, sizes and volumes."""
    import random

    from catalog import matching

    def general(physical):
        if not physical or not matching._PAGE_WORD.search(physical):
            return None
        text = matching._NOT_PAGES.sub(" ", matching._OCR_ONE.sub("1", physical))
        found = [int(n) for n in matching._INTEGER.findall(text) if 0 < int(n) < 100000]
        return max(found) if found else None

    rng = random.Random(6)
    parts = ["136", "0", "99999", "100000", "١٢٣", " ", "p", "pp", "P.", "hlm", "Hlm.", "halaman", "h", "pages", "l"]
    parts += [".", "I", "cm", "x", "[", "]", "v", ",", ";", " ;", ":", "=", "/", "leaves", "pl", "s", "12"]
    for _ in range(20000):
        physical = "".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        assert matching.page_count(physical) == general(physical), physical


def test_plain_isbn13s_are_checked_as_stdnum_checks_them():
    """normalize.isbn13 checks a plain 13-digit ISBN itself (the common case, fast); the answer is stdnum's."""
    import random

    from stdnum import isbn as stdnum_isbn

    from catalog.normalize import isbn13

    rng = random.Random(13)
    for _ in range(20000):
        value = rng.choice(["978", "979", "977", "123"]) + "".join(rng.choice("0123456789") for _ in range(10))
        expected = stdnum_isbn.to_isbn13(value) if stdnum_isbn.is_valid(value) else None
        assert isbn13(value) == expected, value
    assert isbn13("9786020332956 (pbk.)") == "9786020332956"
    assert isbn13("0764541668") == "9780764541667"
