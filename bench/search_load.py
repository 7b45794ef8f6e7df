"""Search under load: 1, 4 and 16 concurrent clients against gunicorn with 2 workers, on loopback only.

    DEBUG=1 .venv/bin/python bench/search_load.py [--clients 1,4,16] [--seconds 20] [--max-requests 2000]

The catalog is the one `bench/search_bench.py run` uses (DATABASE_URL, else the generated `silang_bench` or
`silang_bench_search`), and so is the query set (bench/search_queries.json, written by `run`; anonymous queries
only). Each client is a thread with one keep-alive connection that walks the query set from its own offset and
stops by itself after `--seconds` or `--max-requests` requests, whichever comes first. Printed per level:
requests, errors (any status other than 200 or 302, or a broken connection), throughput and p50/p95/p99.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search_bench import _database_exists, _db_url, pct  # noqa: E402


def client(port: int, queries: list[dict], offset: int, deadline: float, budget: int, out: list, errors: list):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    n = 0
    while time.perf_counter() < deadline and n < budget:
        q = queries[(offset + n) % len(queries)]
        params = {k: v for k, v in q.items() if not k.startswith("_") and k != "kind"}
        path = "/catalog/?" + urlencode(params)
        t = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status not in (200, 302):
                errors.append(f"{response.status} {path}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out.append((time.perf_counter() - t) * 1000)
        n += 1
    conn.close()


def wait_ready(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before it answered")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=2000, help="per client")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    if not url:
        name = next((n for n in ("silang_bench", "silang_bench_search") if _database_exists(n)), None)
        if name is None:
            sys.exit("No benchmark catalog: set DATABASE_URL, or run `bench/search_bench.py generate` first.")
        url = _db_url(name)
    queries_file = ROOT / "bench" / "search_queries.json"
    queries = [q for q in json.loads(queries_file.read_text()) if "_school" not in q]
    print(f"database: {url.split('?')[0].rsplit('/', 1)[-1]}; {len(queries)} queries; {args.workers} workers")

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "consortium.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_ready(args.port, server)
        # Warm-up: every query once, not counted (caches, connections, the first request of each worker).
        warm: list[float] = []
        client(args.port, queries, 0, time.perf_counter() + 120, len(queries), warm, [])
        rows = []
        for n in [int(c) for c in args.clients.split(",")]:
            latencies: list[list[float]] = [[] for _ in range(n)]
            errors: list[str] = []
            deadline = time.perf_counter() + args.seconds
            threads = [
                threading.Thread(
                    target=client,
                    args=(args.port, queries, i * len(queries) // n, deadline, args.max_requests, latencies[i], errors),
                )
                for i in range(n)
            ]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            took = time.perf_counter() - started
            done = [x for part in latencies for x in part]
            rows.append((n, len(done), len(errors), len(done) / took, pct(done, 50), pct(done, 95), pct(done, 99)))
            for error in errors[:5]:
                print("  error:", error)
        print(f"{'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
        for n, count, errs, tput, p50, p95, p99 in rows:
            print(f"{n:>7} {count:>8} {errs:>6} {tput:>7.1f} {p50:>6.0f} {p95:>6.0f} {p99:>6.0f}")
        one = next((r for r in rows if r[0] == 1), None)
        for r in rows:
            if one and r[0] > 1:
                print(f"throughput with {r[0]} clients / 1 client = {r[3] / one[3]:.2f}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
