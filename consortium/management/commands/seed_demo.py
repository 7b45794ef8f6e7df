"""`manage.py seed_demo`: build (or complete) the demo consortium, or take it out again.

    manage.py seed_demo              seed the demo beside whatever the database holds, touching only demo rows
    manage.py seed_demo --if-safe    seed only an empty database or one holding nothing but demo data; otherwise
                                     say so and do nothing (what `make run` calls)
    manage.py seed_demo --remove     delete the demo data, leaving every real row as it was

The demo is made of parts, one per app: `consortium.demo` (schools and people) first, then the modules of
APP_SEEDERS in order (a new app appends its module there). A part is a module `<app>/demo.py` offering the
functions below; `stdout` is the command's output wrapper (each `write` is a line) or None:

    seed(stdout=None) -> None
        Create the app's demo rows, or complete them: running it again changes nothing. Work only on the demo
        schools and people (`consortium.demo_registry.demo_libraries()`, `demo_users()`, `demo_user(login)`), never
        on `Library.objects.all()` or on an account found by name, and mark every row you create with
        `demo_registry.mark([...])` (or `mark_ids`); rows that hang off a demo library (its copies, its staff) need
        no mark. Leave a real row in your way alone and skip that piece. Write a line of progress to `stdout`.
    remove(stdout=None) -> None
        Delete the app's demo rows, the marked ones and those hanging off demo schools and people, and nothing else;
        then `demo_registry.unmark(Model)`. Parts are removed in reverse order (loans before catalog before
        consortium) inside one transaction, so a real row that protects a demo row (a real request lent by a demo
        school) stops the whole removal with a message, and nothing is deleted.
    real_data() -> list[str]        (optional)
        What `remove` would leave in the app's tables, as short phrases ("3 agreements"); empty when the app holds
        nothing but demo data. `--if-safe` seeds only when every part answers with an empty list.

A part whose module does not exist is skipped; a part without `remove` makes `--remove` refuse before deleting
anything.
"""

import importlib
import io

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.test.utils import override_settings
from django.utils import translation

from consortium import demo, demo_registry
from consortium.models import Library

# Each app may add its part of the demo in <app>/demo.py (see the contract above).
APP_SEEDERS = ["catalog.demo", "agreements.demo", "loans.demo", "network.demo", "acquisitions.demo"]

LEGACY_HINT = (
    "Its libraries carry the demo schools' codes: a database seeded before demo data was marked counts as real. "
    "Start afresh with `make stop-db && rm -rf var/postgres` (embedded server), or keep it as it is."
)


def demo_parts() -> list:
    """The demo modules, in seeding order; consortium.demo first."""
    parts = [demo]
    for module_name in APP_SEEDERS:
        try:
            parts.append(importlib.import_module(module_name))
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
    return parts


def real_data() -> list[str]:
    """What the database holds that the demo did not create, as short phrases; empty for an empty or demo-only one."""
    found = []
    for part in demo_parts():
        found.extend(getattr(part, "real_data", list)())
    return found


class Command(BaseCommand):
    help = (
        "Build (or complete) the demo consortium, touching only demo data; --if-safe seeds only an empty or "
        "demo-only database; --remove takes the demo data out again."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-safe",
            action="store_true",
            help="Seed only when the database is empty or holds nothing but demo data; otherwise say so and stop.",
        )
        group.add_argument("--remove", action="store_true", help="Delete the demo data; real data stays as it was.")

    def handle(self, *args, **options):
        # Demo activity must not e-mail anyone (the console backend would also flood the terminal).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            if options["remove"]:
                self.remove()
            elif options["if_safe"] and (found := real_data()):
                self.refuse(found)
            else:
                self.seed()

    def refuse(self, found: list[str]) -> None:
        self.stdout.write(
            self.style.WARNING(
                "Not seeding the demo: this database holds data that the demo did not create "
                f"({', '.join(found)}). It is used as it is."
            )
        )
        codes = {row[0].lower() for row in demo.SCHOOLS}
        libraries = {code.lower() for code in Library.objects.values_list("code", flat=True)}
        if libraries and libraries <= codes and not demo_registry.demo_libraries().exists():
            self.stdout.write(LEGACY_HINT)
        self.stdout.write(
            "`manage.py seed_demo` adds the demo beside it anyway (it changes nothing it did not create); "
            "`manage.py seed_demo --remove` takes demo data out."
        )

    def seed(self) -> None:
        for part in demo_parts():
            part.seed(stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {demo.DEMO_PASSWORD})"))
        for username, what in demo.logins():
            self.stdout.write(f"  {username:<12} {what}")

    def remove(self) -> None:
        parts = demo_parts()
        missing = [part.__name__ for part in parts if not hasattr(part, "remove")]
        if missing:
            raise CommandError(f"Nothing removed: {', '.join(missing)} cannot remove its demo data (no remove()).")
        buffer = io.StringIO()  # shown once the removal has committed: a refused one removed nothing
        progress = OutputWrapper(buffer)
        try:
            with transaction.atomic():
                for part in reversed(parts):
                    part.remove(stdout=progress)
        except (ProtectedError, RestrictedError) as exc:
            with translation.override("en"):
                blocking = sorted({f"{obj._meta.verbose_name} {obj}" for obj in list(exc.args[1])[:5]})
            raise CommandError(
                "Nothing removed: real data still refers to demo data (" + "; ".join(blocking) + "). "
                "Move or delete those rows first."
            ) from exc
        self.stdout.write(buffer.getvalue(), ending="")
        self.stdout.write(self.style.SUCCESS("Demo data removed; everything else is as it was."))
