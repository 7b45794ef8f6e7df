"""The search and holdings-summary triggers fire in every session_replication_role.

Imports switch the per-row foreign-key checks off (`session_replication_role = replica`) after checking and
locking the rows they point to (catalog.ingest); the catalog's own triggers must still run then, or the
search index and the holdings summary would fall behind.
"""

from django.db import migrations

TRIGGERS = [
    ("catalog_record", "catalog_record_search"),
    ("catalog_record", "catalog_record_words"),
    ("catalog_holding", "catalog_holding_summary_ins"),
    ("catalog_holding", "catalog_holding_summary_upd"),
    ("catalog_holding", "catalog_holding_summary_del"),
]

FORWARD = "\n".join(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};" for table, name in TRIGGERS)
BACKWARD = "\n".join(f"ALTER TABLE {table} ENABLE TRIGGER {name};" for table, name in TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_summary_on_insert"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
