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
