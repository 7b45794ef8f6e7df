"""Background import jobs: the upload page queues one, a thread (or `run_import_job`) carries it out."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .choices import ImportStatus
from .ingest import import_file
from .models import ImportJob


def run_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("library").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())

    def progress(done: int, total: int | None) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=done, total=total)

    try:
        report = import_file(library=job.library, path=job.file.path, progress=progress)
        status = ImportStatus.FAILED if report.rejected else ImportStatus.DONE
        ImportJob.objects.filter(pk=job.pk).update(
            status=status, report=report.as_dict(), finished_at=timezone.now(), format=report.format
        )
    except Exception as exc:  # the job page must say what happened, whatever it was
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            report={"rejected": f"The import stopped: {exc.__class__.__name__}: {exc}"},
        )
        raise
    job.refresh_from_db()
    return job


def start_job(job: ImportJob) -> None:
    """Run now in a thread of this process (default) or inline (CATALOG_IMPORT_RUNNER = "inline")."""
    if getattr(settings, "CATALOG_IMPORT_RUNNER", "thread") == "inline":
        run_job(job.pk)
        return

    def target():
        try:
            run_job(job.pk)
        finally:
            connection.close()

    close_old_connections()
    threading.Thread(target=target, name=f"import-{job.pk}", daemon=True).start()
