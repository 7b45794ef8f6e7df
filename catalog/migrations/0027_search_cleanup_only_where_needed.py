"""The search vector's text clean-up (silang_search_cleanup, the two regular expressions of silang_search_text) only
on the parts of a record that hold one of the characters it changes: the same vectors, 4-8 % less time for
catalog_record_tsv_named on the import benchmark's records (bench/README.md; catalog/sql.py)."""

from django.db import migrations

from catalog.sql import install_functions_operation


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0026_record_match_features"),
    ]

    operations = [install_functions_operation()]
