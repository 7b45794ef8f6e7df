"""Install the tombstone trigger on catalog_record (text in interop/sql.py)."""

from django.db import migrations

from interop import sql


def install(apps, schema_editor):
    for statement in sql.INSTALL:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    for statement in sql.UNINSTALL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("interop", "0001_initial"),
        ("catalog", "0017_holding_copies_unknown"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
