from django.core.management.base import BaseCommand, CommandError

from consortium.models import Library
from interop.choices import HarvestStatus
from interop.harvest import harvest_run, harvests_due
from interop.models import HarvestRun, OpacSource


class Command(BaseCommand):
    help = (
        "Harvest member libraries' OPACs (SLiMS, INLISLite) into the union catalog: one library now (--library), "
        "a queued harvest (--run), or every queued and scheduled one (--due, for cron or the job worker)."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--library", help="harvest this library's OPAC now (its short code)")
        group.add_argument("--run", type=int, help="carry out this queued harvest")
        group.add_argument(
            "--due", action="store_true", help="every queued harvest and every OPAC whose schedule is due"
        )

    def handle(self, *args, library=None, run=None, due=False, **options):
        if library:
            try:
                source = OpacSource.objects.get(library__code__iexact=library)
            except OpacSource.DoesNotExist as exc:
                if not Library.objects.filter(code__iexact=library).exists():
                    raise CommandError(f"No member library with code {library!r}.") from exc
                raise CommandError(f"{library} has no OPAC address: set it on the library's page.") from exc
            runs = [HarvestRun.objects.create(source=source)]
        elif run:
            runs = list(HarvestRun.objects.filter(pk=run, status=HarvestStatus.QUEUED))
            if not runs:
                raise CommandError(f"No queued harvest {run}.")
        else:
            harvests_due()
            runs = list(HarvestRun.objects.filter(status=HarvestStatus.QUEUED).order_by("pk"))
        for item in runs:
            done = harvest_run(item.pk)
            report = done.report
            self.stdout.write(
                f"{done.source.library.code}: {done.status}; {report.get('records_seen', 0)} records read, "
                f"{report.get('created', 0)} new, {report.get('joined', 0)} joined, "
                f"{report.get('updated', 0)} updated, "
                f"{report.get('deleted', 0)} deleted, {report.get('holdings_added', 0)} copies added"
            )
            for line in report.get("lines", []):
                self.stdout.write(f"  {line}")
