"""Search ranks a common word's page among its facet sample (catalog.search, BOUNDED_DEPTH), so the title and
author index of 0008 has no reader left: it goes, and every record written costs one GIN insertion less.

silang_match_share(tsquery) (catalog/sql.py) is the planner's estimate of the share of the catalog a query matches
(no scan): the search checks a word found in more than COMMON_SHARE of the catalog on the rows it reads instead of
first building the word's whole match list from the index.
"""

from django.db import migrations

from catalog.sql import install_functions_operation


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0022_importjob_one_copy_per_record"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS catalog_record_title_author_gin",
            "CREATE INDEX catalog_record_title_author_gin ON catalog_record USING gin (ts_filter(search_vector, '{a,b}'))",
        ),
        install_functions_operation(),
    ]
