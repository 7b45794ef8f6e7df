"""Harvests run by the worker (consortium.jobs): queued from the library page, and on the OPACs' schedules."""

from django_tasks import task

from consortium import jobs

from . import harvest


@task(queue_name="imports")
def run_harvest(run_id: int) -> None:
    harvest.harvest_run(run_id)


@task(queue_name="housekeeping")
def queue_due_harvests() -> int:
    runs = harvest.harvests_due()
    for run in runs:
        jobs.defer(run_harvest, run_id=run.pk)
    return len(runs)
