"""The search vector and the word list of a record can share one reading of its authors.

catalog_author_names(authors) (a subquery over the JSON) cost ≈ 3 µs a record and was evaluated twice when an
import's second session computed a batch's vectors and words (catalog.ingest). The work of both functions now
lives in `_named` variants that take the names as text; catalog_record_tsv and catalog_record_word_list stay, with
the same signatures and results, as their wrappers, so the triggers and every other caller are unchanged.
"""

from django.db import migrations

FORWARD = r"""
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

CREATE OR REPLACE FUNCTION catalog_record_tsv(title text, subtitle text, responsibility text, authors jsonb,
                                              subjects varchar[], series text, summary text, publisher text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT catalog_record_tsv_named(title, subtitle, responsibility, catalog_author_names(authors), subjects,
                                          series, summary, publisher) $$;

CREATE OR REPLACE FUNCTION catalog_record_word_list_named(title text, subtitle text, author_names text,
                                                          subjects varchar[], series text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT regexp_split_to_array(lower(silang_unaccent(concat_ws(' ', title, subtitle, author_names,
              array_to_string(subjects, ' '), series))), '[^[:alnum:]]+') $$;

CREATE OR REPLACE FUNCTION catalog_record_word_list(title text, subtitle text, authors jsonb, subjects varchar[],
                                                    series text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT catalog_record_word_list_named(title, subtitle, catalog_author_names(authors), subjects, series) $$;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION catalog_record_tsv(title text, subtitle text, responsibility text, authors jsonb,
                                              subjects varchar[], series text, summary text, publisher text)
    RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    a text := public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', title, subtitle));
    b text := public.unaccent('public.unaccent'::regdictionary,
                              concat_ws(' ', catalog_author_names(authors), responsibility));
    c text := public.unaccent('public.unaccent'::regdictionary,
                              concat_ws(' ', array_to_string(subjects, ' '), series));
    d text := public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', summary, publisher));
BEGIN
    RETURN setweight(to_tsvector('indonesian', a) || to_tsvector('english', a), 'A')
        || setweight(to_tsvector('indonesian', b) || to_tsvector('english', b), 'B')
        || setweight(to_tsvector('indonesian', c) || to_tsvector('english', c), 'C')
        || setweight(to_tsvector('indonesian', d) || to_tsvector('english', d), 'D');
END $$;

CREATE OR REPLACE FUNCTION catalog_record_word_list(title text, subtitle text, authors jsonb, subjects varchar[],
                                                    series text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT regexp_split_to_array(lower(silang_unaccent(concat_ws(' ', title, subtitle,
              catalog_author_names(authors), array_to_string(subjects, ' '), series))), '[^[:alnum:]]+') $$;

DROP FUNCTION catalog_record_word_list_named(text, text, text, varchar[], text);
DROP FUNCTION catalog_record_tsv_named(text, text, text, text, varchar[], text, text, text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0010_summary_check_probes"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
