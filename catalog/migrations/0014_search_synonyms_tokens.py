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

FORWARD = r"""
CREATE OR REPLACE FUNCTION silang_search_text(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT regexp_replace(regexp_replace(public.unaccent('public.unaccent'::regdictionary, $1),
                                               '[/\\|_]+', ' ', 'g'),
                                '([[:alpha:]])\.(?=[[:alpha:]])', '\1 ', 'g') $$;

CREATE OR REPLACE FUNCTION silang_title_key(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)),
                                      '[^[:alnum:]]+', ' ', 'g')) $$;

CREATE OR REPLACE FUNCTION catalog_record_tsv_named(title text, subtitle text, responsibility text,
                                                    author_names text, subjects varchar[], series text,
                                                    summary text, publisher text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    a text := silang_search_text(concat_ws(' ', title, subtitle));
    b text := silang_search_text(concat_ws(' ', author_names, responsibility));
    c text := silang_search_text(concat_ws(' ', array_to_string(subjects, ' '), series));
    d text := silang_search_text(concat_ws(' ', summary, publisher));
BEGIN
    RETURN setweight(to_tsvector('indonesian', a) || to_tsvector('english', a), 'A')
        || setweight(to_tsvector('indonesian', b) || to_tsvector('english', b), 'B')
        || setweight(to_tsvector('indonesian', c) || to_tsvector('english', c), 'C')
        || setweight(to_tsvector('indonesian', d) || to_tsvector('english', d), 'D');
END $$;

-- Existing records: their vectors again, through the new reading (the update trigger keeps the summaries).
UPDATE catalog_record SET search_vector = catalog_record_tsv(title, subtitle, responsibility, authors, subjects,
                                                             series, summary, publisher);
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION catalog_record_tsv_named(title text, subtitle text, responsibility text,
                                                    author_names text, subjects varchar[], series text,
                                                    summary text, publisher text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    a text := public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', title, subtitle));
    b text := public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', author_names, responsibility));
    c text := public.unaccent('public.unaccent'::regdictionary,
                              concat_ws(' ', array_to_string(subjects, ' '), series));
    d text := public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', summary, publisher));
BEGIN
    RETURN setweight(to_tsvector('indonesian', a) || to_tsvector('english', a), 'A')
        || setweight(to_tsvector('indonesian', b) || to_tsvector('english', b), 'B')
        || setweight(to_tsvector('indonesian', c) || to_tsvector('english', c), 'C')
        || setweight(to_tsvector('indonesian', d) || to_tsvector('english', d), 'D');
END $$;
UPDATE catalog_record SET search_vector = catalog_record_tsv(title, subtitle, responsibility, authors, subjects,
                                                             series, summary, publisher);
DROP FUNCTION IF EXISTS silang_search_text(text), silang_title_key(text);
"""

def seed(apps, schema_editor):
    from catalog.synonyms import seed_synonyms

    seed_synonyms(apps.get_model("catalog", "SearchSynonym"))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0013_summary_check_bulk"),
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
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
