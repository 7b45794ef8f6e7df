"""Which copies change their records' holdings summary, decided in one function (catalog_summaries_changed): the
holdings insert trigger and the importer, which refreshes the records its COPY of new copies joined, both call it
(catalog/sql.py)."""

from django.db import migrations

from catalog.sql import install_functions_operation


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0028_timestamps_default_in_database"),
    ]

    operations = [install_functions_operation()]
