"""The database stops in the middle of an import job run by the worker: the job is marked failed with the reason
when the worker starts again, never left "running", and a re-run completes with nothing lost or doubled.

Runs on an embedded Postgres of its own (in a temporary directory), so stopping it disturbs no other test."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pymarc

ROOT = Path(__file__).resolve().parent.parent.parent
RECORDS = 30_000

SETUP = """
from django.core.files import File
from catalog import jobs
from tests.factories import LibraryFactory
school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
with open({path!r}, "rb") as handle:
    jobs.import_job_create(library=school, upload=File(handle, name="besar.mrc"), name="besar.mrc")
"""


def _run(args, env, timeout=600):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--threads", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _query(url, sql):
    for _attempt in range(60):
        try:
            with psycopg2.connect(url) as conn, conn.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        except psycopg2.OperationalError:
            time.sleep(1)
    raise AssertionError("the database did not come back")


def _wait_for(url, sql, condition, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = _query(url, sql)
        if rows and condition(rows[0]):
            return rows[0]
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {sql}")


def _stop(env):
    stop_env = {k: v for k, v in env.items() if k != "DATABASE_URL"}
    _run(["-m", "consortium.embedded_db", "stop"], stop_env)


def test_database_stopped_mid_import_then_the_job_is_failed_and_a_rerun_completes(tmp_path):
    env = {**os.environ, "SILANG_PGDATA": str(tmp_path / "pg"), "SILANG_PG_SHARED_BUFFERS_MB": "128"}
    env.update(DEBUG="1", MEDIA_ROOT=str(tmp_path / "media"), JOBS_RUN_INLINE="0")
    env.pop("DATABASE_URL", None)
    url = _run(["-m", "consortium.embedded_db", "start"], env).strip().splitlines()[-1]
    env["DATABASE_URL"] = url
    workers = []
    try:
        _run(["manage.py", "migrate", "-v0"], env)
        path = tmp_path / "besar.mrc"
        with path.open("wb") as out:
            for n in range(RECORDS):
                record = pymarc.Record(force_utf8=True, leader="00000nam a2200000 a 4500")
                record.add_field(pymarc.Field(tag="001", data=f"b{n}"))
                record.add_field(
                    pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", f"Buku ke-{n}")])
                )
                record.add_field(
                    pymarc.Field(tag="852", indicators=[" ", " "], subfields=[pymarc.Subfield("p", f"BC{n:06d}")])
                )
                out.write(record.as_marc())
        _run(["manage.py", "shell", "-c", SETUP.format(path=str(path))], env)
        workers.append(_worker(env))
        # Some batches written, the job running: the database stops.
        _wait_for(url, "SELECT status, processed FROM catalog_importjob", lambda row: row[1] > 0)
        _stop(env)
        time.sleep(3)
        _run(["-m", "consortium.embedded_db", "start"], {k: v for k, v in env.items() if k != "DATABASE_URL"})
        # The worker is restarted (a deploy, a crash): it finds the interrupted job.
        workers[0].terminate()
        workers[0].wait(timeout=60)
        workers.append(_worker(env))
        status, report = _wait_for(
            url,
            "SELECT status, report::text FROM catalog_importjob ORDER BY id LIMIT 1",
            lambda row: row[0] == "failed",
        )
        assert "interrupted" in report or "terputus" in report
        partial = _query(url, "SELECT count(*) FROM catalog_sourcerecord")[0][0]
        assert 0 < partial < RECORDS
        # Run again (the command queues the same kind of job and waits for it): nothing lost, nothing doubled.
        _run(["manage.py", "import_records", str(path), "--library", "SMAN1MDN", "-v0"], env)
        counts = _query(
            url,
            "SELECT (SELECT count(*) FROM catalog_record), (SELECT count(*) FROM catalog_sourcerecord),"
            " (SELECT count(*) FROM catalog_holding), (SELECT count(DISTINCT barcode) FROM catalog_holding)",
        )[0]
        assert counts == (RECORDS, RECORDS, RECORDS, RECORDS)
        assert _query(url, "SELECT count(*) FROM catalog_importjob WHERE status = 'running'")[0][0] == 0
    finally:
        for worker in workers:
            worker.kill()
        _stop(env)
