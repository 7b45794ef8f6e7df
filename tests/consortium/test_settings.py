import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from consortium.settings import database_from_url

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env_changes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    env.update({k: v for k, v in env_changes.items() if v is not None})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_without_database_url_the_embedded_postgres_is_used():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='consortium.settings'; django.setup();"
        "from django.conf import settings; from django.db import connection;"
        "print(settings.USING_EMBEDDED_DB, settings.DATABASES['default']['HOST']);"
        "c = connection.cursor(); c.execute('show server_version'); print(c.fetchone()[0])",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    using, host, version = result.stdout.split()[:2] + [result.stdout.split()[-1]]
    assert using == "True"
    assert host.endswith("var/postgres")
    assert version.startswith("18")


def test_database_url_points_at_another_server():
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='consortium.settings';"
        "from django.conf import settings; print(settings.USING_EMBEDDED_DB, settings.DATABASES['default']['HOST'],"
        "settings.DATABASES['default']['NAME'])",
        DEBUG="1",
        DATABASE_URL="postgres://silang:secret@db.example.internal:5433/silang_prod",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "db.example.internal", "silang_prod"]


def test_refuses_to_start_with_debug_off_and_no_secret_key():
    result = run_python("import consortium.settings", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_parsing_keeps_socket_host_and_options():
    db = database_from_url("postgresql://postgres:@/silang?host=/tmp/sock&sslmode=disable")
    assert (db["HOST"], db["NAME"], db["OPTIONS"]) == ("/tmp/sock", "silang", {"sslmode": "disable"})


def test_non_postgres_database_url_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        database_from_url("sqlite:///db.sqlite3")


def test_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert "*" not in settings.ALLOWED_HOSTS


def test_healthz_answers_503_when_the_database_does_not():
    result = run_python(
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='consortium.settings'; django.setup();"
        "from django.test import Client; r = Client().get('/healthz', HTTP_HOST='localhost');"
        "print(r.status_code, r.json()['status'])",
        DEBUG="1",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing?connect_timeout=2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["503", "error"]


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
