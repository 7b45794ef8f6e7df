"""The agreements' daily work, queued by the worker's schedule (consortium.jobs.SCHEDULE); also a command."""

from django_tasks import task

from . import services


@task(queue_name="housekeeping")
def send_agreement_reminders() -> str:
    expired, sent = services.expire_and_remind()
    return f"{expired} expired, {sent} reminders"
