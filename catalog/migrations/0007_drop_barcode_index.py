"""A barcode typed into search (any library) is found through the (library, barcode) unique index, which
Postgres 18 reads with a skip scan; the barcode-only index was one more index for every imported copy."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_triggers_always"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS catalog_holding_barcode",
            "CREATE INDEX catalog_holding_barcode ON catalog_holding (barcode)",
        )
    ]
