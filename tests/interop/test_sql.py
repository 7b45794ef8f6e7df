"""The database runs the tombstone trigger's current text (interop/sql.py)."""

import pytest
from django.db import connection

from interop import sql

pytestmark = pytest.mark.django_db


def normalise(text: str) -> str:
    return " ".join(text.replace("CREATE OR REPLACE FUNCTION", "CREATE FUNCTION").split())


def test_tombstone_function_is_the_current_text():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef('interop_record_tombstone'::regproc)")
        installed = cursor.fetchone()[0]
    assert normalise(installed) == normalise(sql.TOMBSTONE_FUNCTION)


def test_trigger_is_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'interop_record_tombstone'"
            " AND tgrelid = 'catalog_record'::regclass"
        )
        assert cursor.fetchone()[0] == "A"
