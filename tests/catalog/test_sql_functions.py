"""The database runs exactly the SQL functions of catalog/sql.py, and no catalog function lives elsewhere."""

from django.db import connection

from catalog import sql


def _functions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = 'public' AND (p.proname LIKE 'catalog\\_%%' OR p.proname LIKE 'silang\\_%%')"
            " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        )
        return dict(cursor.fetchall())


def test_the_database_runs_the_functions_of_the_sql_module(db):
    running = _functions()
    assert sorted(running) == sorted(sql.FUNCTIONS)
    for name, definition in sql.FUNCTIONS.items():
        assert running[name].strip() == definition.strip(), name


def test_the_holdings_summary_locks_records_in_id_order():
    assert "ORDER BY id FOR NO KEY UPDATE" in sql.FUNCTIONS["catalog_refresh_holding_summary"]


TRICKY_TEXTS = [
    "Laskar pelangi",
    "J.K. Rowling; ed. by A.B. Susanto",
    "Matematika/IPA | kelas_7 \\ SMP",
    "Kamus … ﬁsika",  # unaccent makes "..." and "fi" of these
    "U.S.A. 1945.",
    "",
    None,
]


def test_the_search_vector_cleans_up_only_what_needs_it(db):
    """catalog_record_tsv_named runs silang_search_text's clean-up only on the parts holding a character it changes:
    the vector is the one silang_search_text on every part gives."""
    with connection.cursor() as cursor:
        for text in TRICKY_TEXTS:
            for other in ("Gramedia", "P.T. Balai_Pustaka", None):
                cursor.execute(
                    "SELECT catalog_record_tsv_named(%(t)s, %(o)s, %(t)s, %(o)s, ARRAY[%(t)s, %(o)s]::varchar[], %(t)s,"
                    " %(o)s, %(t)s)::text,"
                    " (setweight(to_tsvector('indonesian', a) || to_tsvector('english', a), 'A')"
                    "  || setweight(to_tsvector('indonesian', b) || to_tsvector('english', b), 'B')"
                    "  || setweight(to_tsvector('indonesian', c) || to_tsvector('english', c), 'C')"
                    "  || setweight(to_tsvector('indonesian', d) || to_tsvector('english', d), 'D'))::text"
                    " FROM (SELECT silang_search_text(concat_ws(' ', %(t)s, %(o)s)) a,"
                    " silang_search_text(concat_ws(' ', %(o)s, %(t)s)) b,"
                    " silang_search_text(concat_ws(' ', array_to_string(ARRAY[%(t)s, %(o)s]::varchar[], ' '),"
                    " %(t)s)) c,"
                    " silang_search_text(concat_ws(' ', %(o)s, %(t)s)) d) parts",
                    {"t": text, "o": other},
                )
                guarded, everywhere = cursor.fetchone()
                assert guarded == everywhere, (text, other)
            cursor.execute(
                "SELECT silang_search_text(%(t)s) IS NOT DISTINCT FROM regexp_replace(regexp_replace("
                "public.unaccent('public.unaccent'::regdictionary, %(t)s), '[/\\\\|_]+', ' ', 'g'),"
                " '([[:alpha:]])\\.(?=[[:alpha:]])', '\\1 ', 'g')",
                {"t": text},
            )
            assert cursor.fetchone()[0], text
