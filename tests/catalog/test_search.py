"""Search behaviour on the real Postgres: ranking, stemming, accents, suggestions, facets, scope, jump, bad input."""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse

from catalog.models import Holding, Record
from catalog.search import FACET_SAMPLE, Searcher, SearchParams, parse_query
from tests.factories import LibraryFactory, make_student

pytestmark = pytest.mark.django_db

_barcodes = itertools.count(1)


def make_record(title="Buku", *, authors=(), subjects=(), holdings=(), **fields) -> Record:
    """A record with holdings: holdings=[(library, status), ...] or [library, ...] (available)."""
    record = Record.objects.create(
        title=title, authors=[{"name": name, "role": "author"} for name in authors], subjects=list(subjects), **fields
    )
    for item in holdings:
        library, status = item if isinstance(item, tuple) else (item, "available")
        Holding.objects.create(
            record=record,
            library=library,
            barcode=f"B{next(_barcodes):06d}",
            status=status,
            call_number="500 ABC",
            shelf_location="Rak 3",
        )
    record.refresh_from_db()
    return record


@pytest.fixture
def en_client(client):
    """Pages are Indonesian first; the language switch (a cookie) turns them to English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def run(query: str = "", actor=None, **extra):
    data = QueryDict(mutable=True)
    data["q"] = query
    for key, value in extra.items():
        data.setlist(key, value if isinstance(value, list) else [str(value)])
    return Searcher(SearchParams.from_querydict(data), actor=actor).run(jump=False)


def ids(result) -> list[int]:
    return [hit.record.pk for hit in result.hits]


# --- query language and ranking ---------------------------------------------------------------


def test_title_match_ranks_above_author_above_subject():
    subject = make_record("Sejarah dunia", subjects=["Astronomi"])
    author = make_record("Cerita malam", authors=["Astronomi Putra"])
    title = make_record("Astronomi untuk pemula")
    make_record("Tidak ada hubungannya")
    assert ids(run("astronomi")) == [title.pk, author.pk, subject.pk]


def test_all_words_must_match():
    both = make_record("Matematika dasar", subjects=["Aljabar"])
    make_record("Matematika lanjut")
    assert ids(run("matematika aljabar")) == [both.pk]


def test_quoted_phrase_matches_words_next_to_each_other_only():
    phrase = make_record("Laskar Pelangi")
    make_record("Pelangi di atas laskar kuda")
    assert ids(run('"laskar pelangi"')) == [phrase.pk]
    assert len(run("laskar pelangi").hits) == 2


def test_minus_word_excludes():
    keep = make_record("Kimia organik")
    make_record("Kimia anorganik")
    assert ids(run("kimia -anorganik")) == [keep.pk]


def test_indonesian_stemming_finds_affixed_forms():
    record = make_record("Pembelajaran membaca untuk anak")
    assert ids(run("belajar")) == [record.pk]
    assert ids(run("bacaan")) == [record.pk]


def test_english_stemming_finds_inflected_forms():
    record = make_record("Running libraries in schools")
    assert ids(run("library")) == [record.pk]
    assert ids(run("run school")) == [record.pk]


def test_accents_and_case_are_folded():
    record = make_record("Café Éducation in Bogotá", authors=["José Müller"])
    assert ids(run("cafe EDUCATION")) == [record.pk]
    assert ids(run("jose muller")) == [record.pk]
    assert ids(run("Bogotá")) == [record.pk]


def test_summary_series_and_publisher_are_searched():
    record = make_record("Judul lain", summary="Petualangan seekor harimau", series="Seri Fauna", publisher="Gramedia")
    assert ids(run("harimau")) == [record.pk]
    assert ids(run("fauna")) == [record.pk]
    assert ids(run("gramedia")) == [record.pk]


def test_parse_query_handles_phrases_exclusions_and_unbalanced_quotes():
    terms = parse_query('kimia "tabel periodik" -organik -"air laut"')
    assert [(t.text, t.negated, t.phrase) for t in terms] == [
        ("kimia", False, False),
        ("tabel periodik", False, True),
        ("organik", True, False),
        ("air laut", True, True),
    ]
    assert [t.text for t in parse_query('"tabel periodik')] == ["tabel", "periodik"]


# --- did you mean -------------------------------------------------------------------------------


def test_misspelled_word_gets_suggestion_and_results_for_the_correction():
    record = make_record("Ensiklopedia matematika")
    result = run("matematka")
    assert result.suggestion == "matematika"
    assert result.corrected_from == "matematka"
    assert ids(result) == [record.pk]


def test_suggestion_offered_beside_results_when_original_finds_something():
    make_record("Fisika kuantum")
    make_record("Fisikaa typo di judul")
    result = run("fisikaa")
    assert result.hits and not result.corrected_from
    assert result.suggestion in ("", "fisika")


def test_raw_search_skips_the_correction():
    make_record("Ensiklopedia matematika")
    result = run("matematka", raw="1")
    assert result.hits == [] and not result.corrected_from


def test_no_suggestion_for_known_words():
    make_record("Biologi sel")
    assert run("biologi").suggestion == ""


def test_suggestion_page_shows_did_you_mean_link(client):
    make_record("Ensiklopedia matematika")
    response = client.get(reverse("catalog:search"), {"q": "matematka"})
    assert response.status_code == 200
    assert 'data-testid="corrected"' in response.content.decode()
    assert "raw=1" in response.content.decode()


# --- facets, scope, sort ----------------------------------------------------------------------------


@pytest.fixture
def libs(db):
    a = LibraryFactory(name="SMA Negeri 1 Medan", code="SMAN1MDN")
    b = LibraryFactory(name="SMA Negeri 2 Medan", code="SMAN2MDN")
    c = LibraryFactory(name="MAN 2 Medan", code="MAN2MDN")
    return a, b, c


@pytest.fixture
def facet_set(libs):
    a, b, c = libs
    return {
        "ind_book_a": make_record(
            "Sejarah Indonesia",
            language="ind",
            material_type="book",
            year=2015,
            ddc="959.8",
            subjects=["Sejarah"],
            holdings=[a, (b, "on_loan")],
        ),
        "eng_book_b": make_record(
            "History of Indonesia",
            language="eng",
            material_type="book",
            year=1998,
            ddc="959.8",
            subjects=["History"],
            holdings=[(b, "on_loan")],
        ),
        "ind_ebook_c": make_record(
            "Sejarah kota Medan",
            language="ind",
            material_type="ebook",
            year=2021,
            ddc="959",
            subjects=["Sejarah", "Medan"],
            holdings=[c],
        ),
        "ind_map_none": make_record(
            "Peta sejarah", language="ind", material_type="map", year=2001, ddc="912", subjects=["Peta"]
        ),
    }


def facet(result, kind) -> dict[str, int]:
    return {f.value: f.count for f in result.facets[kind]}


def test_facet_counts(facet_set, libs):
    a, b, c = libs
    result = run("sejarah history")  # no record has both words
    assert result.count == 0
    result = run("", type=["book", "ebook", "map"])
    assert result.count == 4
    assert facet(result, "library") == {str(a.pk): 1, str(b.pk): 2, str(c.pk): 1}
    assert facet(result, "available") == {"1": 2}
    assert facet(result, "type") == {"book": 2, "ebook": 1, "map": 1}
    assert facet(result, "lang") == {"ind": 3, "eng": 1}
    assert facet(result, "ddc") == {"9": 4}
    assert facet(result, "decade") == {"2010": 1, "1990": 1, "2020": 1, "2000": 1}
    assert facet(result, "subject")["Sejarah"] == 2


def test_library_facet(facet_set, libs):
    a, b, c = libs
    assert set(ids(run("", library=[b.pk]))) == {facet_set["ind_book_a"].pk, facet_set["eng_book_b"].pk}
    assert set(ids(run("", library=[a.pk, c.pk]))) == {facet_set["ind_book_a"].pk, facet_set["ind_ebook_c"].pk}


def test_available_now_facet(facet_set, libs):
    a, b, c = libs
    assert set(ids(run("", available="1"))) == {facet_set["ind_book_a"].pk, facet_set["ind_ebook_c"].pk}
    # With chosen schools, "available" means available at one of them.
    assert ids(run("", available="1", library=[b.pk])) == []


def test_material_type_language_subject_ddc_year_facets(facet_set):
    assert ids(run("", type="ebook")) == [facet_set["ind_ebook_c"].pk]
    assert ids(run("", lang="eng")) == [facet_set["eng_book_b"].pk]
    assert set(ids(run("", subject="Sejarah"))) == {facet_set["ind_book_a"].pk, facet_set["ind_ebook_c"].pk}
    assert set(ids(run("", ddc="9"))) == {r.pk for r in facet_set.values()}
    assert ids(run("", year_from="2016", year_to="2030")) == [facet_set["ind_ebook_c"].pk]
    assert ids(run("", year_to="1999")) == [facet_set["eng_book_b"].pk]


def test_facets_combine(facet_set, libs):
    a, b, c = libs
    result = run("sejarah", lang="ind", type=["book", "ebook"], available="1", year_from="2010")
    assert set(ids(result)) == {facet_set["ind_book_a"].pk, facet_set["ind_ebook_c"].pk}
    result = run("sejarah", lang="ind", library=[a.pk], subject="Sejarah", ddc="9")
    assert ids(result) == [facet_set["ind_book_a"].pk]
    assert facet(result, "library") == {str(a.pk): 1, str(b.pk): 1}


def test_sort_by_title_and_newest(facet_set):
    by_title = [hit.record.title for hit in run("", ddc="9", sort="title").hits]
    assert by_title == sorted(by_title, key=str.lower)
    newest = [hit.record.year for hit in run("", ddc="9", sort="newest").hits]
    assert newest == [2021, 2015, 2001, 1998]


def test_scope_my_school_for_a_student(facet_set, libs):
    a, b, c = libs
    student = make_student(c, username="nabila")
    assert ids(run("sejarah", actor=student, scope="mine")) == [facet_set["ind_ebook_c"].pk]


def test_student_sees_own_school_first_in_whole_consortium(facet_set, libs):
    a, b, c = libs
    student = make_student(c, username="nabila")
    result = run("sejarah", actor=student)
    assert ids(result)[0] == facet_set["ind_ebook_c"].pk
    assert len(result.hits) == 3


def test_scope_mine_without_a_school_searches_everything(facet_set):
    result = run("sejarah", scope="mine")
    assert len(result.hits) == 3
    assert result.params.scope == "all" and len(result.params.notices) == 1


def test_results_say_where_a_copy_is_available(en_client, libs):
    a, b, c = libs
    make_record("Bumi manusia", holdings=[a, b, c, (LibraryFactory(name="SMP Negeri 7 Medan"), "on_loan")])
    response = en_client.get(reverse("catalog:search"), {"q": "bumi manusia"})
    html = response.content.decode()
    assert "Held by 4 schools" in html
    assert "available at MAN 2 Medan and 2 more" in html


def test_huge_result_sets_get_capped_counts_and_say_so(client, monkeypatch):
    monkeypatch.setattr("catalog.search.FACET_SAMPLE", 3)
    for n in range(5):
        make_record(f"Kamus bahasa {n}")
    result = run("kamus")
    assert result.count == 3 and not result.count_exact and not result.facets_exact
    assert len(result.hits) == 5  # the page itself is not capped
    response = client.get(reverse("catalog:search"), {"q": "kamus"})
    assert 'data-testid="approximate"' in response.content.decode()
    assert FACET_SAMPLE >= 1000


# --- ISBN and barcode jump --------------------------------------------------------------------------


def test_isbn_jumps_to_the_record(client):
    record = make_record("Laskar Pelangi", isbns=["9789793062792"])
    for typed in ("978-979-3062-79-2", "9789793062792", "979-3062-79-7"):
        response = client.get(reverse("catalog:search"), {"q": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == record.get_absolute_url()


def test_barcode_jumps_to_the_record(client, libs):
    record = make_record("Negeri 5 Menara", holdings=[libs[0]])
    barcode = record.holdings.get().barcode
    response = client.get(reverse("catalog:search"), {"q": barcode})
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()


# --- pages --------------------------------------------------------------------------------------------


def test_empty_search_shows_browse(client, libs):
    record = make_record("Buku baru sekali", holdings=[libs[0]])
    response = client.get(reverse("catalog:search"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="new-records"' in html and record.title in html


def test_browse_pages(client, libs):
    record = make_record("Buku baru sekali", subjects=["Sains"], holdings=[libs[1]])
    response = client.get(reverse("catalog:browse"))
    assert response.status_code == 200 and record.title in response.content.decode()
    response = client.get(reverse("catalog:browse_library", args=[libs[1].code]))
    assert response.status_code == 200 and record.title in response.content.decode()
    response = client.get(reverse("catalog:browse_library", args=[libs[0].code]))
    assert record.title not in response.content.decode()
    response = client.get(reverse("catalog:browse"), {"school": libs[1].code})
    assert response.status_code == 302


def test_record_page_shows_holdings_by_school(en_client, libs):
    a, b, c = libs
    record = make_record(
        "Ronggeng Dukuh Paruk",
        authors=["Ahmad Tohari"],
        year=2003,
        publisher="Gramedia",
        place="Jakarta",
        holdings=[a, (b, "on_loan")],
    )
    Holding.objects.filter(record=record, library=b).update(due_on="2026-12-01")
    response = en_client.get(record.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "SMA Negeri 1 Medan",
        "SMA Negeri 2 Medan",
        "500 ABC",
        "Rak 3",
        "Senin",
        "Jl. Pendidikan",
        "due 1 Dec 2026",
        "Tohari, A. (2003). <em>Ronggeng Dukuh Paruk</em>. Gramedia.",
        f"http://testserver/catalog/records/{record.pk}/",
    ):
        assert text in html, text
    assert "ILL request action goes here" not in html  # a template comment, never rendered


def test_record_export(client):
    record = make_record("Ronggeng Dukuh Paruk", authors=["Ahmad Tohari"], isbns=["9789792201123"])
    ris = client.get(reverse("catalog:record_export", args=[record.pk, "ris"]))
    assert ris.status_code == 200 and "AU  - Ahmad Tohari" in ris.content.decode()
    xml = client.get(reverse("catalog:record_export", args=[record.pk, "marcxml"]))
    assert xml.status_code == 200 and b"Ronggeng" in xml.content
    assert client.get(reverse("catalog:record_export", args=[record.pk, "pdf"])).status_code == 404


def test_unknown_record_is_404(client):
    assert client.get(reverse("catalog:record_detail", args=[999999])).status_code == 404


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10240,
        "kata " * 2000,
        '"laskar pelangi',
        'a"b"c"',
        "'; DROP TABLE catalog_record; --",
        "1' OR '1'='1",
        "buku) | (!rahasia:*",
        "<script>alert('x')</script>",
        '<img src=x onerror="alert(1)">',
        "📚🔥 buku 🙂",
        "🙂",
        "---",
        "-buku",
        '""',
        "\\",
        "%_%",
    ],
)
def test_bad_queries_never_fail_and_are_escaped(client, query):
    make_record("Buku rahasia", holdings=[LibraryFactory()])
    response = client.get(reverse("catalog:search"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert Record.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"library": ["abc", "999999"]},
        {"type": "spaceship"},
        {"lang": "<b>"},
        {"ddc": "X"},
        {"year_from": "two thousand", "year_to": "99999"},
        {"scope": "galaxy"},
        {"sort": "random()"},
        {"page": "-3"},
        {"page": "abc"},
        {"page": "9" * 40},
        {"page_size": "100000"},
        {"subject": "<script>x</script>"},
    ],
)
def test_unknown_facet_values_are_ignored_with_a_message(client, params):
    make_record("Buku sains", holdings=[LibraryFactory()])
    response = client.get(reverse("catalog:search"), {"q": "sains", **params})
    assert response.status_code == 200
    assert "<script>x" not in response.content.decode()


def test_page_past_the_end_says_so(en_client):
    make_record("Buku sains")
    response = en_client.get(reverse("catalog:search"), {"q": "sains", "page": "50"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "past the end" in html and "page=1" in html


def test_only_stop_words_or_symbols_give_a_clear_message(en_client):
    response = en_client.get(reverse("catalog:search"), {"q": "🙂 ???"})
    assert response.status_code == 200
    assert "no words we can look for" in response.content.decode()


def test_paging_keeps_every_choice_in_the_url(client, libs):
    for n in range(25):
        make_record(f"Cerita rakyat {n}", language="ind", holdings=[libs[0]])
    response = client.get(
        reverse("catalog:search"), {"q": "cerita", "lang": "ind", "library": libs[0].pk, "sort": "title"}
    )
    html = response.content.decode()
    assert f"q=cerita&amp;lang=ind&amp;library={libs[0].pk}&amp;sort=title&amp;page=2" in html


def test_decade_links_set_the_year_range(client, facet_set):
    html = client.get(reverse("catalog:search"), {"q": "sejarah"}).content.decode()
    assert "year_from=2010&amp;year_to=2019" in html


def test_search_query_count_is_flat(client, libs, django_assert_max_num_queries):
    for n in range(25):
        make_record(f"Kamus bahasa {n}", subjects=["Bahasa"], holdings=[libs[n % 3], libs[(n + 1) % 3]])
    # libraries, synonyms, tsquery, the sample's settings, count+facets+page, records, suggestion, and the savepoint
    # pair of the sample's transaction inside the test's (+ session/auth when signed in)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("catalog:search"), {"q": "kamus"}).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("api:search"), {"q": "kamus"}).status_code == 200


def test_record_page_query_count_is_flat(client, libs, django_assert_max_num_queries):
    record = make_record("Kamus", holdings=[libs[0], libs[1], libs[2], libs[0]])
    with django_assert_max_num_queries(3):
        assert client.get(record.get_absolute_url()).status_code == 200


def test_suggestion_prefers_a_word_of_similar_length():
    make_record("Ying")
    record = make_record("Yingmeng")
    result = run("yingmang")
    assert result.suggestion == "yingmeng" and ids(result) == [record.pk]


@pytest.mark.parametrize("sort", ["relevance", "newest", "title"])
def test_page_from_the_sample_equals_the_ranked_query(monkeypatch, libs, sort):
    """Small result sets are paged inside the facet pass; the order must be the ranked query's exactly."""
    for n in range(30):
        make_record(
            f"Kamus {'kamus ' * (n % 3)}bahasa {n}",
            year=2000 + n % 7,
            subjects=["Kamus"] * (n % 2),
            holdings=[libs[n % 3]],
        )
    student = make_student(libs[1], username="kevin")
    for page in ("1", "2"):
        small = [ids(run("kamus", actor=student, sort=sort, page=page)) for _ in range(2)]
        monkeypatch.setattr("catalog.search.FACET_SAMPLE", 1)
        ranked = ids(run("kamus", actor=student, sort=sort, page=page))
        monkeypatch.undo()
        assert small[0] == small[1] == ranked and len(ranked) == (20 if page == "1" else 10)


# --- common words: the page from title and author matches -------------------------------------------


def full_ranking(word: str) -> list[int]:
    """Every match ranked the plain way: what the page must equal."""
    from django.db import connection

    from catalog.search import build_tsquery

    tsquery = build_tsquery(parse_query(word))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM catalog_record WHERE search_vector @@ %s::tsquery"
            " ORDER BY ts_rank(search_vector, %s::tsquery) DESC, id DESC",
            [tsquery, tsquery],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def common_word_catalog(monkeypatch, libs):
    """'pelangi' in many summaries and subjects, in fewer titles and authors: more matches than the sample."""
    from catalog.normalize import match_key

    monkeypatch.setattr("catalog.search.FACET_SAMPLE", 5)
    held = [libs[0]]

    def make(title, **fields):  # with the match key the services give a record: the title probe reads it
        key = match_key(title=title, first_author="", year=None, publisher="")
        return make_record(title, match_key=key, holdings=held, **fields)

    for n in range(30):
        make(f"Cerita {n}", summary=f"kisah pelangi di desa ke {n} dan pelangi lagi", subjects=["Pelangi"])
    for n in range(12):
        make(f"Pelangi {n}")
    for n in range(4):
        make(f"Senja {n}", authors=["Pelangi Siregar"])
    for n in range(3):
        make(f"Pelangi pagi {n}", subjects=["Pelangi"], summary="pelangi")


def ranked_in_full(monkeypatch, query, **extra):
    """The page as the ranking of every match gives it (the bounded pool switched off)."""
    with monkeypatch.context() as m:
        m.setattr("catalog.search.BOUNDED_DEPTH", 0)
        return ids(run(query, **extra))


def run_counting_full_rankings(query, **extra) -> tuple[list[int], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = ids(run(query, **extra))
    return page, sum("/* search:ranked */" in q["sql"] for q in queries.captured_queries)


def test_common_word_page_is_ranked_among_the_sample_and_title_probes_not_every_match(common_word_catalog, monkeypatch):
    expected = ranked_in_full(monkeypatch, "pelangi", page_size=10)
    page, full_rankings = run_counting_full_rankings("pelangi", page_size=10)
    assert page == expected and full_rankings == 0
    # Titles that start with the word first (found by the probe though outside the sample of five).
    assert all(Record.objects.get(pk=pk).title.startswith("Pelangi") for pk in page)


def test_deep_relevance_pages_of_more_matches_than_the_sample_rank_every_match(common_word_catalog, monkeypatch):
    monkeypatch.setattr("catalog.search.BOUNDED_DEPTH", 10)
    expected = full_ranking("pelangi")
    page, full_rankings = run_counting_full_rankings("pelangi", page_size=10, page=3)
    assert full_rankings == 1 and len(page) == 10
    assert set(page) <= set(expected)


def test_every_match_in_the_sample_is_ranked_exactly_on_every_page(common_word_catalog, monkeypatch):
    monkeypatch.setattr("catalog.search.FACET_SAMPLE", 100)
    expected = [ranked_in_full(monkeypatch, "pelangi", page_size=10, page=n) for n in (1, 2, 3, 5)]
    pages = [run_counting_full_rankings("pelangi", page_size=10, page=n) for n in (1, 2, 3, 5)]
    assert [page for page, _n in pages] == expected
    assert [n for _page, n in pages] == [0, 0, 0, 0]
    assert len(expected[-1]) == 9


def test_common_word_with_filters_and_other_sorts_stays_right(common_word_catalog, libs):
    expected_newest = [
        r.pk for r in Record.objects.filter(search_vector__isnull=False).order_by("-year", "-last_added", "-id")
    ]
    result = run("pelangi", sort="newest", page_size=50)
    assert set(ids(result)) <= set(expected_newest) and len(ids(result)) == 49
    assert ids(run("pelangi", lang="eng")) == []
    with_subject = set(Record.objects.filter(subjects__contains=["Pelangi"]).values_list("pk", flat=True))
    expected = [pk for pk in full_ranking("pelangi") if pk in with_subject]
    assert ids(run("pelangi", subject="Pelangi", page_size=10)) == expected[:10]


def test_facet_group_folds_rare_values_but_keeps_chosen_ones_in_view():
    from django.utils import translation

    from catalog.search import FacetValue
    from catalog.templatetags.catalog_search import FACET_VISIBLE, facet_group

    values = [FacetValue(str(i), f"School <{i}>", 100 - i, selected=(i == 14)) for i in range(15)]
    with translation.override("id"):  # whatever an earlier test in this thread left active
        html = str(facet_group("library", "Member library", values))
    shown, folded = html.split("<details", 1)
    assert shown.count('type="checkbox"') == FACET_VISIBLE + 1  # the ten largest and the chosen 14th
    assert 'value="14" checked' in shown
    assert folded.count('type="checkbox"') == 4
    assert "<summary>4 lainnya</summary>" in folded  # Indonesian, the default language
    assert "School &lt;3&gt;" in html  # labels escaped
    assert facet_group("library", "Member library", []) == ""


def test_a_word_in_much_of_the_catalog_is_checked_on_the_rows_with_the_same_results(libs, monkeypatch):
    from django.db import connection

    from catalog.search import compile_query

    for n in range(100):
        make_record(f"Pelangi {n}" if n % 20 else f"Senja {n}", holdings=[libs[n % 3]], year=1950 + n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_record")

    def plan(q, **params):
        with connection.cursor() as cursor:
            return Searcher(SearchParams(q=q, **params))._plan_sample(cursor, compile_query(parse_query(q)))

    assert plan("pelangi") and not plan("senja") and not plan('"pelangi 3"') and not plan("pelangi senja")
    # A narrow filter only the rows can check, with no school to bound the rows: the search index leads.
    assert not plan("pelangi", material_types=["map"]) and not plan("pelangi", year_from=1990)
    assert plan("pelangi", material_types=["map"], libraries=[libs[0].pk]) and plan("pelangi", available=True)
    queries = [("pelangi", {}), ("pelangi", {"library": [str(libs[1].pk)]}), ("pelangi", {"sort": "newest"})]
    student = make_student(libs[2], username="nabila")

    def pages():
        found = [ids(run(q, page_size=100, **extra)) for q, extra in queries]
        with monkeypatch.context() as m:  # a full sample: the pool's probes (titles, the student's school) run
            m.setattr("catalog.search.FACET_SAMPLE", 10)
            return found + [ids(run("pelangi", actor=student, page_size=20))]

    on_rows = pages()
    monkeypatch.setattr("catalog.search.COMMON_SHARE", 2.0)  # no word is common: all through the index
    by_index = pages()
    assert on_rows == by_index
    assert len(on_rows[-1]) == 20
    assert len(by_index[0]) == 95
