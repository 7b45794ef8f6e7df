"""The search vector's text clean-up (silang_search_cleanup, the two regular expressions of silang_search_text) only
on the parts of a record that hold one of the characters it changes: same vectors, an eighth less of an import's
vector work (catalog/sql.py)."""

from django.db import migrations

from catalog.sql import install_functions_operation


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0026_record_match_features"),
    ]

    operations = [install_functions_operation()]
