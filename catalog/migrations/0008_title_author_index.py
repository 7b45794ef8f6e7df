"""The title and author lexemes of the search vector (weights A and B) in a GIN index of their own.

A word found in a quarter of the catalog is mostly found in summaries; its best-ranked records have it in the
title or the authors, and this index finds those without reading every record that has the word
(catalog.search.Searcher._title_author_page).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_drop_barcode_index"),
    ]

    operations = [
        migrations.RunSQL(
            # ANALYZE gathers the expression's statistics, which the search reads as an estimate.
            "CREATE INDEX catalog_record_title_author_gin ON catalog_record USING gin (ts_filter(search_vector, '{a,b}'));"
            " ANALYZE catalog_record",
            "DROP INDEX IF EXISTS catalog_record_title_author_gin",
        )
    ]
