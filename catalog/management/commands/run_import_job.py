from django.core.management.base import BaseCommand, CommandError

from catalog.jobs import run_import_job
from catalog.models import ImportJob


class Command(BaseCommand):
    help = "Carry out a queued import job here instead of in the worker."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int, nargs="?")
        parser.add_argument("--all-queued", action="store_true")

    def handle(self, *args, job_id=None, all_queued=False, **options):
        ids = list(ImportJob.objects.filter(status="queued").values_list("pk", flat=True)) if all_queued else [job_id]
        if ids == [None]:
            raise CommandError("Give a job id or --all-queued.")
        for pk in ids:
            job = run_import_job(pk)
            self.stdout.write(f"job {pk}: {job.status}")
