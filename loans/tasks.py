"""The loans' periodic work, queued by the worker's schedule (consortium.jobs.SCHEDULE); also commands."""

from django_tasks import task

from . import services


@task(queue_name="housekeeping")
def mark_overdue() -> str:
    # Hourly: both steps are safe to repeat, and a missed hour is caught up by the next.
    passed = services.ill_request_pass_over_silent()
    overdue = services.mark_overdue()
    return f"{passed} passed over, {overdue} newly overdue"


@task(queue_name="housekeeping")
def anonymise_requests() -> int:
    return services.anonymise_requests()
