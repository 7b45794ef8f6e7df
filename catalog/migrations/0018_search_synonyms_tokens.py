"""Search that reads school users' words: separators inside words split, synonyms kept as data, a title key.

* silang_search_text(text): the text the search vector and the query are both made from: unaccented, and "/",
  "\\", "|", "_" and a "." between two letters read as a space, so "SMA/MA", "IPA/IPS", "X/1" and "B.Indo" give
  their words (Postgres' parser took them for one file path or host name). catalog_record_tsv_named (the function
  the record trigger and an import's second session both use, migration 0011) now reads its four parts through
  it, and every existing record's vector is recomputed once.
* silang_title_key(text): a title folded as catalog.normalize.fold() folds it for the match key (lower case,
  unaccented, every run of other characters one space), for "exact title" and "title starts with" in ranking.
* catalog_searchsynonym: groups of forms that mean the same to a searcher, seeded (catalog/synonyms.py) with school levels, grades in
  Roman and Arabic numerals and in words, subject abbreviations and curriculum names; coordinators extend it in
  the admin. The search expands a query's forms to their groups (catalog.search), so the index never needs a
  rebuild when a group changes.
"""

from django.db import migrations, models

from catalog.sql import install_functions_operation

# Existing records: their vectors again, through the new reading (the update trigger keeps the summaries).
RECOMPUTE = """
UPDATE catalog_record SET search_vector = catalog_record_tsv(title, subtitle, responsibility, authors, subjects,
                                                             series, summary, publisher);
"""


def seed(apps, schema_editor):
    from catalog.synonyms import seed_synonyms

    seed_synonyms(apps.get_model("catalog", "SearchSynonym"))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0017_holding_copies_unknown"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "forms",
                    models.TextField(
                        help_text="Two or more words or phrases of at most 6 words each, separated by commas.",
                        verbose_name="forms",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
            ],
            options={
                "verbose_name": "search synonym",
                "verbose_name_plural": "search synonyms",
                "ordering": ["id"],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        install_functions_operation(),  # silang_search_text, silang_title_key, catalog_record_tsv_named (catalog/sql.py)
        migrations.RunSQL(RECOMPUTE, migrations.RunSQL.noop),
    ]
