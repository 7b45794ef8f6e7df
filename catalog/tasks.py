"""What the worker runs for the catalog (queued by catalog.jobs)."""

from django_tasks import task

from consortium import jobs as queue

from . import dedup, jobs


@task(queue_name="imports")
def run_import(job_id: int) -> None:
    jobs.run_import_job(job_id)


@task(queue_name="exports")
def run_export(job_id: int) -> None:
    jobs.run_export_job(job_id)


@task(queue_name="housekeeping")
def recover_interrupted() -> int:
    return queue.recover_interrupted()


@task(queue_name="housekeeping")
def discard_unanswered_imports() -> int:
    return jobs.discard_unanswered_imports()


@task(queue_name="housekeeping")
def keep_match_features() -> int:
    # Nightly, off the imports' path: the records of the day get the deduplication features later imports read back.
    return dedup.keep_missing_features()
