"""Personas shared by every test module (Healthchecks' alice/bob style)."""

import pytest
from rest_framework.test import APIClient

from consortium.choices import ApiScope, StaffRole
from consortium.services import api_key_create

from .factories import LibraryFactory, make_coordinator, make_librarian, make_student


@pytest.fixture
def school(db):
    return LibraryFactory(name="SMA Negeri 1 Medan", code="SMAN1MDN", npsn="10210872")


@pytest.fixture
def other_school(db):
    return LibraryFactory(name="SMP Negeri 7 Medan", code="SMPN7MDN", npsn="10210607", level="smp")


@pytest.fixture
def librarian(school):
    return make_librarian(school, username="rosmawati", first_name="Rosmawati", last_name="Siregar")


@pytest.fixture
def readonly_staff(school):
    return make_librarian(school, username="assistant", staff_role=StaffRole.ASSISTANT)


@pytest.fixture
def outsider(other_school):
    """A librarian of another school."""
    return make_librarian(other_school, username="lamhot")


@pytest.fixture
def student(school):
    return make_student(school, username="dimas")


@pytest.fixture
def coordinator(db):
    return make_coordinator(username="koordinator")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def read_key(school, librarian):
    key, raw = api_key_create(library=school, name="read key", scope=ApiScope.READ, by=librarian)
    return raw


@pytest.fixture
def write_key(school, librarian):
    key, raw = api_key_create(library=school, name="sync", scope=ApiScope.READ_WRITE, by=librarian)
    return raw


@pytest.fixture
def ill_agreement(db):
    """Make libraries share an active interlibrary-loan agreement: ill_agreement(a, b, loan_days=14)."""
    from datetime import timedelta

    from django.utils import timezone

    from agreements.choices import Form, Status
    from agreements.models import Agreement, Party

    def make(*libraries, **terms):
        today = timezone.localdate()
        agreement = Agreement.objects.create(
            number=f"PKS/TEST/{Agreement.objects.count() + 1:03d}",
            title="Perjanjian pinjam antarperpustakaan",
            forms=terms.pop("forms", [Form.ILL]),
            status=Status.ACTIVE,
            start_on=terms.pop("start_on", today - timedelta(days=30)),
            end_on=terms.pop("end_on", today + timedelta(days=365)),
            **terms,
        )
        for library in libraries:
            Party.objects.create(agreement=agreement, library=library, representative="Kepala Perpustakaan")
        return agreement

    return make


@pytest.fixture(autouse=True)
def jobs_run_inline(settings):
    """Queued jobs run at once in the test's own transaction; tests of the worker itself use `worker`."""
    settings.JOBS_RUN_INLINE = True


@pytest.fixture
def worker(settings, transactional_db):
    """A real worker process (`manage.py run_worker`) on the test database: jobs go through the queue."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    from urllib.parse import quote

    from django.db import connection

    settings.JOBS_RUN_INLINE = False
    db = connection.settings_dict
    url = (
        f"postgresql://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@/{db['NAME']}"
        f"?host={quote(db['HOST'] or '')}&port={db['PORT'] or ''}"
    )
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT), "JOBS_RUN_INLINE": "0"}
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--threads", "2"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Tests lose nothing when the server crashes: commits need not wait for the disk."""
    from django.conf import settings

    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (options.get("options", "") + " -c synchronous_commit=off").strip()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2's million rounds cost ~0.3 s per user made; the tests check who may log in, not the hash's strength."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # still verifies hashes made outside a test
    ]
