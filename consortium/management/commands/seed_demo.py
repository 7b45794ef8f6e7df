import importlib

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from consortium import demo

# Each app may add its part of the demo in <app>/demo.py with a seed(stdout) function.
APP_SEEDERS = ["catalog.demo", "agreements.demo", "loans.demo", "acquisitions.demo"]


class Command(BaseCommand):
    help = "Build (or complete) the demo consortium. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        # Demo activity must not e-mail anyone (the console backend would also flood the terminal).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self.seed()

    def seed(self):
        logins = demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo consortium: member libraries, librarians, students."))
        for module_name in APP_SEEDERS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            module.seed(stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {demo.DEMO_PASSWORD})"))
        for username, what in logins:
            self.stdout.write(f"  {username:<12} {what}")
