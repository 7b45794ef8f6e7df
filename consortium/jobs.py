"""Background work runs in a worker process (`manage.py run_worker`; `make run` starts one beside the site) on
django-tasks with its database backend (django-tasks-db): the backport of Django 6's tasks framework, its queue a
table in our own Postgres. Web requests only queue jobs.

Why django-tasks (README, "Background jobs"): it is Django's own interface (moving to Django 6's built-in tasks
is an import change), it needs nothing but the Postgres we already run, and it works with psycopg2, which the
importer's COPY work is written for (Procrastinate requires psycopg 3, which Django would then use instead).
What it does not do, this module adds in a few lines, on Postgres advisory locks:

- one import per library at a time: catalog.ingest takes a lock per library, whatever started the import;
- finding interrupted jobs: while an import or export runs, its worker holds a lock named after the job; a job
  marked running whose lock nobody holds was interrupted (a crash, a restart, the database going away), and
  `recover_interrupted` marks it failed with the reason instead of leaving it "running" forever (at worker start,
  every minute, and when its page is looked at);
- periodic work (SCHEDULE): the worker queues it; one worker at a time schedules (a lock).
"""

from __future__ import annotations

import contextlib
import logging
import zlib

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# First key of the two-key advisory locks this project takes (pg_advisory_lock(int, int)).
LOCK_NAMESPACE = zlib.crc32(b"silang") & 0x7FFFFFFF


def lock_key(kind: str) -> int:
    return zlib.crc32(kind.encode()) & 0x7FFFFFFF


# Periodic work: (task path, seconds between runs). Every task here is safe to run twice.
SCHEDULE = [
    ("catalog.tasks.recover_interrupted", 60),
    ("catalog.tasks.discard_unanswered_imports", 3600),
    ("loans.tasks.mark_overdue", 3600),
    ("loans.tasks.anonymise_requests", 24 * 3600),
    ("agreements.tasks.send_agreement_reminders", 24 * 3600),
    ("interop.tasks.queue_due_harvests", 300),
    ("catalog.tasks.keep_match_features", 24 * 3600),
]


def defer(task, **kwargs) -> None:
    """Queue `task` for the worker. JOBS_RUN_INLINE (tests) runs it at once in this process instead."""
    if getattr(settings, "JOBS_RUN_INLINE", False):
        task.call(**kwargs)
        return
    task.enqueue(**kwargs)


@contextlib.contextmanager
def held_while_running(kind: str, object_id: int):
    """The advisory lock that says 'this job is being worked on' for as long as the block runs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [lock_key(kind), object_id])
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # the connection may be gone: the lock went with it
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [lock_key(kind), object_id])


def nobody_runs(kind: str, object_id: int) -> bool:
    """True when no session holds the job's running lock (tried and released at once)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [lock_key(kind), object_id])
        free = cursor.fetchone()[0]
        if free:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [lock_key(kind), object_id])
    return free


def recover_interrupted() -> int:
    """Mark failed every import or export job left 'running' by a worker that is gone. Safe at any time: a job
    still being worked on holds its lock and is left alone."""
    from catalog.jobs import recover_interrupted as recover_catalog

    return recover_catalog()
