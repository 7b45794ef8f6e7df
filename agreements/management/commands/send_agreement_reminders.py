from django.core.management.base import BaseCommand

from agreements.services import expire_and_remind


class Command(BaseCommand):
    help = "Daily: expire agreements past their end; remind coordinators 60, 30 and 7 days before. Safe to run twice."

    def handle(self, *args, **options):
        expired, sent = expire_and_remind()
        self.stdout.write(f"{expired} agreement(s) expired, {sent} reminder(s) sent.")
