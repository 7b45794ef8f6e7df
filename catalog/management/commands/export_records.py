from django.core.management.base import BaseCommand, CommandError

from catalog.exporting import EXPORTERS
from consortium.models import Library


class Command(BaseCommand):
    help = "Export one library's records or the whole union catalog (holdings in MARC 852)."

    def add_arguments(self, parser):
        parser.add_argument("--library", help="a library's short code; default: the whole union catalog")
        parser.add_argument("--format", choices=sorted(EXPORTERS), required=True)
        parser.add_argument("--output", required=True, help="file to write ('-' for standard output)")

    def handle(self, *args, library=None, format, output, **options):
        target = None
        if library:
            try:
                target = Library.objects.get(code__iexact=library)
            except Library.DoesNotExist as exc:
                raise CommandError(f"No member library with code {library!r}.") from exc
        chunks = EXPORTERS[format](target)
        if output == "-":
            for chunk in chunks:
                self.stdout.buffer.write(chunk) if hasattr(self.stdout, "buffer") else self.stdout.write(chunk.decode())
            return
        count = 0
        with open(output, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                count += 1
        self.stderr.write(f"Wrote {output}")
