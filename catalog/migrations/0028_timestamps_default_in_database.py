"""Records' and copies' timestamps get their default in the database as well (the statement's time): the importer's
COPY leaves them out, and Postgres no longer parses two timestamps a record and one a copy (≈ 0.2 s of the writing
session on 100,000 records, bench/README.md)."""

import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0027_search_cleanup_only_where_needed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="holding",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_default=django.db.models.functions.datetime.Now(), db_index=True
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="created_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, editable=False
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_default=django.db.models.functions.datetime.Now()),
        ),
    ]
