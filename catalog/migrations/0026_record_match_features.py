"""Deduplication features kept with the record (Record.match_features, by a nightly task): an import into a catalog
whose blocks are crowded read every candidate's columns and computed its features again (~30 us a record, most of
such an import). A trigger empties them when a column they are read from changes (catalog/sql.py)."""

from django.db import migrations, models

from catalog.sql import install_functions_operation

# The columns catalog.matching.FEATURE_INPUTS names, as they were when this migration was written.
_INPUTS = (
    "title, subtitle, authors, responsibility, publisher, year, edition, isbns, pages, physical_description, "
    "material_type"
)
_OLD = ", ".join(f"OLD.{name.strip()}" for name in _INPUTS.split(","))
_NEW = ", ".join(f"NEW.{name.strip()}" for name in _INPUTS.split(","))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0025_import_holding_summaries_given"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="match_features",
            field=models.BinaryField(editable=False, null=True),
        ),
        install_functions_operation(),
        migrations.RunSQL(
            f"""
            CREATE TRIGGER catalog_record_features_stale BEFORE UPDATE OF {_INPUTS} ON catalog_record
            FOR EACH ROW
            WHEN (OLD.match_features IS NOT NULL AND NEW.match_features IS NOT DISTINCT FROM OLD.match_features
                  AND ({_OLD}) IS DISTINCT FROM ({_NEW}))
            EXECUTE FUNCTION catalog_record_features_stale_trg();
            ALTER TABLE catalog_record ENABLE ALWAYS TRIGGER catalog_record_features_stale;
            """,
            "DROP TRIGGER catalog_record_features_stale ON catalog_record;",
        ),
    ]
