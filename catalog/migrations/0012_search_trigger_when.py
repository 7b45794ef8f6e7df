"""An imported record that comes with its search vector no longer calls the search trigger's function at all.

The row trigger of migration 0002 (its function last changed in 0009) ran for every inserted record; for a record
an import brings with its vector and holdings summary it only checked the import's setting and returned, a
PL/pgSQL call that cost ≈ 1.7 µs a record on the importer's writing session. Inserts now fire it only when there
is work for it: a missing vector, a missing summary, or a vector the inserting transaction did not say it
computed (`silang.search_vectors_given`, catalog.ingest). Updates fire it as before.
"""

from django.db import migrations

FORWARD = r"""
DROP TRIGGER catalog_record_search ON catalog_record;
CREATE TRIGGER catalog_record_search_insert BEFORE INSERT ON catalog_record FOR EACH ROW
    WHEN (NEW.search_vector IS NULL OR NEW.holding_library_ids IS NULL OR NEW.available_library_ids IS NULL
          OR current_setting('silang.search_vectors_given', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION catalog_record_search_trg();
CREATE TRIGGER catalog_record_search_update BEFORE UPDATE ON catalog_record FOR EACH ROW
    EXECUTE FUNCTION catalog_record_search_trg();
ALTER TABLE catalog_record ENABLE ALWAYS TRIGGER catalog_record_search_insert;
ALTER TABLE catalog_record ENABLE ALWAYS TRIGGER catalog_record_search_update;
"""

BACKWARD = r"""
DROP TRIGGER catalog_record_search_insert ON catalog_record;
DROP TRIGGER catalog_record_search_update ON catalog_record;
CREATE TRIGGER catalog_record_search BEFORE INSERT OR UPDATE ON catalog_record FOR EACH ROW
    EXECUTE FUNCTION catalog_record_search_trg();
ALTER TABLE catalog_record ENABLE ALWAYS TRIGGER catalog_record_search;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_author_names_once"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
