"""The background worker: imports, exports, harvests and the periodic tasks (consortium/jobs.py)."""

import signal
import threading
import time
import uuid

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

from consortium import jobs

QUEUES = ["default", "imports", "exports", "housekeeping"]


class Command(BaseCommand):
    help = "Run the background worker (imports, exports, periodic tasks). `make run` starts one with the site."

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=2, help="jobs run at once")
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between looks at the queue")

    def handle(self, *args, threads, interval, **options):
        # Jobs a stopped worker left "running" are failed with the reason before new work starts.
        recovered = jobs.recover_interrupted()
        if recovered:
            self.stdout.write(f"{recovered} interrupted job(s) marked failed.")
        self.stdout.write(f"Worker started ({threads} threads; queues: {', '.join(QUEUES)}).")
        stop = threading.Event()
        workers = [
            Worker(
                queue_names=QUEUES,
                interval=interval,
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=f"silang-{uuid.uuid4().hex[:8]}-{n}",
                excluded_queue_names=[],
            )
            for n in range(threads)
        ]
        for worker in workers:
            threading.Thread(target=self._run, args=(worker,), daemon=True, name=worker.worker_id).start()
        threading.Thread(target=self._schedule, args=(stop,), daemon=True, name="silang-schedule").start()

        def shut_down(signum, frame):
            stop.set()
            for worker in workers:
                worker.running = False

        signal.signal(signal.SIGINT, shut_down)
        signal.signal(signal.SIGTERM, shut_down)
        while not stop.is_set():
            stop.wait(1)
        # A job still running is left to finish for a moment; one cut short is found by recover_interrupted.
        deadline = time.monotonic() + 10
        while any(worker.running_task for worker in workers) and time.monotonic() < deadline:
            time.sleep(0.2)

    def _run(self, worker) -> None:
        while worker.running:
            try:
                worker.run()
            except Exception as exc:  # noqa: BLE001 - e.g. the database went away: wait, then look again
                self.stderr.write(f"worker {worker.worker_id}: {exc.__class__.__name__}: {str(exc).strip()[:200]}")
                connection.close()
                time.sleep(2)
        connection.close()

    def _schedule(self, stop: threading.Event) -> None:
        """Queue each periodic task when due. One worker process schedules at a time (a session lock)."""
        due = {path: 0.0 for path, _every in jobs.SCHEDULE}
        key = jobs.lock_key("schedule")
        holding = False
        while not stop.is_set():
            try:
                if not holding:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_try_advisory_lock(%s, 0)", [key])
                        holding = cursor.fetchone()[0]
                if holding:
                    now = time.monotonic()
                    for path, every in jobs.SCHEDULE:
                        if now >= due[path]:
                            import_string(path).enqueue()
                            due[path] = now + every
            except Exception as exc:  # noqa: BLE001 - the database went away; try again in a while
                self.stderr.write(f"schedule: {exc.__class__.__name__}: {exc}")
                holding = False
                connection.close()
            stop.wait(15)
