import sys
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from catalog import jobs
from catalog.ingest import ImportReport
from consortium.models import Library


def progress_bar(stream):
    def show(done: int, total: int | None) -> None:
        if not total:
            return
        width = 30
        filled = int(width * done / total)
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} records")
        stream.flush()
        if done >= total:
            stream.write("\n")

    return show


def print_report(stdout, style, report) -> None:
    if report.rejected:
        stdout.write(style.ERROR(f"File rejected, nothing imported: {report.rejected}"))
        return
    stdout.write(style.SUCCESS(f"Read {report.records_read} records ({report.format}) in {report.seconds} s"))
    stdout.write(f"  records created           {report.created}")
    stdout.write(f"  joined to existing        {report.joined}")
    stdout.write(f"  updated (changed source)  {report.updated}")
    stdout.write(f"  unchanged                 {report.unchanged}")
    stdout.write(f"  queued for review         {report.to_review}")
    stdout.write(f"  holdings added            {report.holdings_added}")
    stdout.write(f"  holdings updated          {report.holdings_updated}")
    stdout.write(f"  holdings unchanged        {report.holdings_unchanged}")
    stdout.write(f"  skipped                   {len(report.skipped)}")
    for skipped in report.skipped:
        stdout.write(style.WARNING(f"    record {skipped['record']}: {skipped['reason']}"))
    for warning in report.warnings[:200]:
        stdout.write(f"    note, record {warning['record']}: {warning['message']}")


class Command(BaseCommand):
    help = "Import a MARC21, MARCXML or CSV file into the union catalog for one member library."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--library", required=True, help="the library's short code, e.g. SMAN1MDN")
        parser.add_argument("--format", choices=["marc21", "marcxml", "csv"], help="default: detected from the file")

    def handle(self, *args, file, library, format=None, **options):
        try:
            target = Library.objects.get(code__iexact=library)
        except Library.DoesNotExist as exc:
            raise CommandError(f"No member library with code {library!r}.") from exc
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > jobs.upload_limit():
            raise CommandError(jobs.too_big_message(path.stat().st_size))
        # The same job as an upload from the page or the API (kept with its report, shown on the library's
        # import page), run here so the command can show its progress and wait for the end.
        with path.open("rb") as handle:
            job = jobs.import_job_create(
                library=target, upload=File(handle, name=path.name), name=path.name, fmt=format or "", run_here=True
            )
        job = jobs.run_import_job(job.pk, progress=progress_bar(sys.stderr) if options["verbosity"] > 0 else None)
        report = ImportReport(**job.report)
        print_report(self.stdout, self.style, report)
        if report.rejected:
            raise CommandError("import rejected")
