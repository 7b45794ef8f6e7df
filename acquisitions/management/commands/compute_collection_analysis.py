from django.core.management.base import BaseCommand

from acquisitions.analysis import analysis_compute


class Command(BaseCommand):
    help = "Recompute the overlap and gap figures of the collection analysis (safe to run at any time)."

    def handle(self, *args, **options):
        run = analysis_compute()
        self.stdout.write(
            f"Analysis of {run.records} titles, {run.holdings} copies, {run.libraries} schools in {run.seconds:.1f} s."
        )
