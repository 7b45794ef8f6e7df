from django.core.management.base import BaseCommand

from loans.services import anonymise_requests


class Command(BaseCommand):
    help = "Remove readers' identities from requests finished longer ago than the retention period."

    def handle(self, *args, **options):
        self.stdout.write(f"{anonymise_requests()} request(s) anonymised.")
