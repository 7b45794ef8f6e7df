"""Indexes in the order of the two other sorts, so a deep page of a common word is read in order, not sorted.

Page 50 of a word in a quarter of the catalog, sorted by title or by newest, sorted every match before (as much
as ranking them all); with these the planner walks the index and stops after the page (catalog.search.order_by
uses the same expressions). The title is cut to 200 characters: a btree entry has a size limit, and a title
longer than that is no reason to refuse a record.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0018_search_synonyms_tokens"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX catalog_record_title_sort ON catalog_record (left(lower(title), 200), year DESC NULLS LAST,"
            " id DESC);"
            " CREATE INDEX catalog_record_newest_sort ON catalog_record (year DESC NULLS LAST,"
            " last_added DESC NULLS LAST, id DESC)",
            "DROP INDEX IF EXISTS catalog_record_title_sort, catalog_record_newest_sort",
        )
    ]
