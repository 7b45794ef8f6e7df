"""The catalog's SQL functions from their one place, catalog/sql.py (with the holdings summary now locking the
records it refreshes in id order: concurrent imports no longer deadlock there)."""

from django.db import migrations

from catalog.sql import install_functions_operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0015_export_job")]
    operations = [install_functions_operation()]
