from django.core.management.base import BaseCommand

from loans.services import ill_request_pass_over_silent, mark_overdue


class Command(BaseCommand):
    help = (
        "Daily: pass over lenders that did not answer in time, mark overdue loans, send due-soon notices. "
        "Safe to run twice."
    )

    def handle(self, *args, **options):
        passed = ill_request_pass_over_silent()
        overdue = mark_overdue()
        self.stdout.write(f"{passed} request(s) passed to the next lender, {overdue} newly overdue.")
