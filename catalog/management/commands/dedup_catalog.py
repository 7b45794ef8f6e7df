from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from catalog.dedup import dedup_catalog


class Command(BaseCommand):
    help = (
        "Deduplicate the whole catalog with the current rules (catalog.matching). Without --apply, a dry run:"
        " prints what would be merged and queued for review, and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="merge and queue (default: dry run)")
        parser.add_argument("--as", dest="username", help="the coordinator in whose name merges are made")
        parser.add_argument("--show", type=int, default=50, help="how many planned merges and reviews to list")

    def handle(self, *args, apply=False, username=None, show=50, **options):
        by = None
        if apply:
            if not username:
                raise CommandError("--apply needs --as <coordinator's username>: every merge is audited in a name.")
            by = get_user_model().objects.filter(username=username).first()
            if by is None:
                raise CommandError(f"No user {username!r}.")
        report = dedup_catalog(by=by, dry_run=not apply)
        verb = "merged" if apply else "would merge"
        self.stdout.write(
            f"{report.records} records, {report.rekeyed} re-keyed, {report.features_kept} with features computed,"
            f" {report.compared} pairs compared: {verb}"
            f" {len(report.merges)}, {'queued' if apply else 'would queue'} {len(report.reviews)} for review."
        )
        for keep, merge, score, reasons in report.merges[:show]:
            self.stdout.write(f"merge {merge} into {keep} ({score:.2f}): {reasons}")
        for record, candidate, score, reasons, _differing in report.reviews[:show]:
            self.stdout.write(f"review {record} ~ {candidate} ({score:.2f}): {reasons}")
