"""Import and export jobs: one service queues them for the page, the API and the command; the worker runs them
(catalog.tasks). See consortium.jobs for the queue and how interrupted jobs are found."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from consortium import jobs as queue

from .choices import ImportStatus
from .ingest import import_file
from .ingest.pipeline import library_import_lock
from .models import ExportJob, ImportJob

IMPORT_LOCK = "catalog-import"
EXPORT_LOCK = "catalog-export"


def upload_limit() -> int:
    """CATALOG_UPLOAD_MAX_BYTES, read when asked (tests and deployments change it): the one limit of every
    upload path (page, API, command)."""
    return int(settings.CATALOG_UPLOAD_MAX_BYTES)


def too_big_message(size: int) -> str:
    from .ingest.pipeline import too_big

    return too_big(size)


def import_job_create(
    *,
    library,
    upload,
    name: str,
    by=None,
    fmt: str = "",
    run_here: bool = False,
    one_copy_per_record: bool = False,
    wait: bool = False,
) -> ImportJob:
    """Keep the uploaded file and queue its import for the worker (`run_here`: the caller runs it, as the
    command does). Imports of one library run one after the other (the queue's lock, and the import's own
    library lock); the job waits as "queued" meanwhile. `wait`: kept as "waiting", not queued, until
    import_job_confirm or import_job_discard (the upload page's question about records without copies)."""
    job = ImportJob.objects.create(
        library=library,
        uploaded_by=by,
        file=upload,
        original_name=name[:255],
        format=fmt or "",
        one_copy_per_record=one_copy_per_record,
        status=ImportStatus.WAITING if wait else ImportStatus.QUEUED,
    )
    if not run_here and not wait:
        _queue_import(job)
    return job


def import_job_confirm(*, job: ImportJob, one_copy_per_record: bool) -> ImportJob:
    """A waiting job queued at last, as the librarian answered."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.WAITING).update(
        status=ImportStatus.QUEUED, one_copy_per_record=one_copy_per_record
    )
    if claimed:  # answered once: a second click queues nothing more
        _queue_import(job)
    job.refresh_from_db()
    return job


def import_job_discard(*, job: ImportJob) -> None:
    """A waiting job the librarian stopped: its file and the job go, nothing was imported."""
    deleted, _rows = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.WAITING).delete()
    if deleted:  # not a job another click has queued meanwhile
        job.file.delete(save=False)


# An upload whose "no copies" question nobody answers is dropped after this long, with its file.
WAITING_KEPT = timedelta(days=1)


def discard_unanswered_imports(now=None) -> int:
    """Waiting imports older than WAITING_KEPT: their files and jobs go (nothing of them was imported)."""
    cutoff = (now or timezone.now()) - WAITING_KEPT
    dropped = 0
    for job in ImportJob.objects.filter(status=ImportStatus.WAITING, created_at__lt=cutoff):
        import_job_discard(job=job)
        dropped += 1
    return dropped


def _queue_import(job: ImportJob) -> None:
    from . import tasks

    queue.defer(tasks.run_import, job_id=job.pk)


def run_import_job(job_id: int, progress=None) -> ImportJob:
    """`progress(done, total)`: also told of the progress (the command's progress bar)."""
    job = ImportJob.objects.select_related("library").get(pk=job_id)
    # An earlier import of the library first: this one stays "queued" (and says so) until it is its turn.
    with library_import_lock(job.library), queue.held_while_running(IMPORT_LOCK, job.pk):
        # Claimed once: a job already running, done or failed is never run twice.
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, started_at=timezone.now()
        )
        if not claimed:
            return job

        def record_progress(done: int, total: int | None) -> None:
            ImportJob.objects.filter(pk=job.pk).update(processed=done, total=total)
            if progress:
                progress(done, total)

        try:
            report = import_file(
                library=job.library,
                path=job.file.path,
                fmt=job.format or None,
                progress=record_progress,
                one_copy_per_record=job.one_copy_per_record,
            )
        except Exception as exc:
            _finish_failed(ImportJob, job.pk, _("The import stopped: %(problem)s") % {"problem": _problem(exc)})
            raise
        status = ImportStatus.FAILED if report.rejected else ImportStatus.DONE
        ImportJob.objects.filter(pk=job.pk).update(
            status=status, report=report.as_dict(), finished_at=timezone.now(), format=report.format
        )
    job.refresh_from_db()
    return job


def export_job_create(*, library, fmt: str, by) -> ExportJob:
    from . import tasks

    job = ExportJob.objects.create(library=library, format=fmt, requested_by=by)
    queue.defer(tasks.run_export, job_id=job.pk)
    return job


def run_export_job(job_id: int) -> ExportJob:
    from .exporting import EXPORTERS, EXTENSIONS, ExportTally

    job = ExportJob.objects.select_related("library").get(pk=job_id)
    with queue.held_while_running(EXPORT_LOCK, job.pk):
        claimed = ExportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, started_at=timezone.now()
        )
        if not claimed:
            return job
        tally = ExportTally()
        fd, temp = tempfile.mkstemp(suffix=".export")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in EXPORTERS[job.format](job.library, tally=tally):
                    out.write(chunk)
                    if tally.records and tally.records % 2000 == 0:
                        ExportJob.objects.filter(pk=job.pk).update(processed=tally.records)
            name = f"silang-{job.library.code.lower() if job.library else 'katalog-induk'}.{EXTENSIONS[job.format]}"
            with open(temp, "rb") as handle:
                job.file.save(name, File(handle), save=False)
            ExportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.DONE,
                file=job.file.name,
                processed=tally.records,
                report=tally.as_dict(),
                finished_at=timezone.now(),
            )
        except Exception as exc:
            _finish_failed(ExportJob, job.pk, _("The export stopped: %(problem)s") % {"problem": _problem(exc)})
            raise
        finally:
            Path(temp).unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def recover_interrupted() -> int:
    """Jobs marked running that no worker holds: failed, with the reason. An import can simply be run again:
    records it already wrote are recognised (by the library's record ids and barcodes), none is doubled."""
    count = 0
    reasons = {
        ImportJob: _(
            "The import was interrupted (the worker or the database stopped). Records already written are kept; "
            "upload the file again to finish: nothing is imported twice."
        ),
        ExportJob: _("The export was interrupted (the worker or the database stopped). Start it again."),
    }
    for model, kind in ((ImportJob, IMPORT_LOCK), (ExportJob, EXPORT_LOCK)):
        for pk in model.objects.filter(status=ImportStatus.RUNNING).values_list("pk", flat=True):
            if queue.nobody_runs(kind, pk):
                count += _finish_failed(model, pk, reasons[model], only_running=True)
    return count


def _finish_failed(model, pk: int, reason: str, *, only_running: bool = False) -> int:
    try:
        rows = model.objects.filter(pk=pk)
        if only_running:
            rows = rows.filter(status=ImportStatus.RUNNING)
        return rows.update(status=ImportStatus.FAILED, finished_at=timezone.now(), report={"rejected": reason})
    except Exception:  # noqa: BLE001 - the database is gone; recover_interrupted says it when it is back
        close_old_connections()
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        return 0


def _problem(exc: BaseException) -> str:
    cause = exc.__cause__ or exc
    text = (str(cause).strip().splitlines() or [""])[0][:200]
    return f"{cause.__class__.__name__}: {text}" if text else cause.__class__.__name__
