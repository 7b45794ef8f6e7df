"""The holdings insert trigger leaves the summaries to an import that says it keeps them (silang.holding_summaries_given,
catalog/sql.py): checking every copy of a batch against its record was a fifth of the copies' COPY."""

from django.db import migrations

from catalog.sql import install_functions_operation


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0024_holding_stand_ins_index"),
    ]

    operations = [install_functions_operation()]
