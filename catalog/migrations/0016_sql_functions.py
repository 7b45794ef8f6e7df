"""The catalog's SQL functions from their one place, catalog/sql.py (with the holdings summary now locking the
records it refreshes in id order: concurrent imports no longer deadlock there)."""

from django.db import migrations


class InstallFunctions(migrations.operations.base.Operation):
    """CREATE OR REPLACE every function of catalog/sql.py as it is when the migration runs. A later change of
    that module comes with a new migration using this operation again."""

    reversible = True
    reduces_to_sql = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        from catalog import sql

        for definition in sql.FUNCTIONS.values():
            schema_editor.execute(definition, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # the functions stay: the earlier ones did the same, with more waiting

    def describe(self):
        return "Install the catalog's SQL functions from catalog/sql.py"


class Migration(migrations.Migration):
    dependencies = [("catalog", "0015_export_job")]
    operations = [InstallFunctions()]
