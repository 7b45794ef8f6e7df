from django.core.management.base import BaseCommand, CommandError

from consortium.models import Library
from interop.services import slims_node_create


class Command(BaseCommand):
    help = (
        "Create a SLiMS node credential for a member library (what its SLiMS sends as node ID and password in the "
        "UCS settings). Prints 'id: <id>' and 'password: <password>'; the password is shown only this once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--library", required=True, help="the library's short code, e.g. SMAN1MDN")
        parser.add_argument("--name", default="", help="which SLiMS this is (optional)")

    def handle(self, *args, library, name="", **options):
        try:
            target = Library.objects.get(code__iexact=library)
        except Library.DoesNotExist as exc:
            raise CommandError(f"No member library with code {library!r}.") from exc
        node, password = slims_node_create(library=target, name=name)
        self.stdout.write(f"id: {node.node_id}")
        self.stdout.write(f"password: {password}")
