"""An import may bring the search vectors and suggestion words of its new records, computed in a second session.

The importer computes a batch's vectors and words with the very functions the triggers use
(catalog_record_tsv, catalog_record_words), in another Postgres session, while its own session writes the
previous batch (catalog.ingest): on two cores they no longer wait in line with the writes. The insert trigger
keeps a given vector only when the inserting transaction has set `silang.search_vectors_given`, and the word
trigger leaves the words to the importer only under `silang.search_words_given`; every other insert (pages,
API, ORM) is indexed by the triggers as before.
"""

from django.db import migrations

FORWARD = r"""
-- A record's words before the suggestion filter; catalog_record_words keeps those of 3 to 40 characters that are
-- not numbers, once each, and an import's second session applies that same filter in Python (catalog.ingest),
-- where it is cheaper.
CREATE OR REPLACE FUNCTION catalog_record_word_list(title text, subtitle text, authors jsonb, subjects varchar[],
                                                    series text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT regexp_split_to_array(lower(silang_unaccent(concat_ws(' ', title, subtitle,
              catalog_author_names(authors), array_to_string(subjects, ' '), series))), '[^[:alnum:]]+') $$;

CREATE OR REPLACE FUNCTION catalog_record_words(title text, subtitle text, authors jsonb, subjects varchar[],
                                                series text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT DISTINCT w FROM unnest(catalog_record_word_list(title, subtitle, authors, subjects, series)) AS w
           WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$' $$;

CREATE OR REPLACE FUNCTION catalog_record_words_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('silang.search_words_given', true) = 'on' THEN
        RETURN NULL;  -- the import adds the batch's words itself (catalog.ingest)
    END IF;
    -- Sorted so that concurrent imports lock shared words in the same order (no deadlock).
    INSERT INTO catalog_search_word AS sw (word, ndoc)
    SELECT w, count(*) FROM new_rows r,
           LATERAL catalog_record_words(r.title, r.subtitle, r.authors, r.subjects, r.series) w
    GROUP BY w ORDER BY w
    ON CONFLICT (word) DO UPDATE SET ndoc = sw.ndoc + excluded.ndoc;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION catalog_record_search_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- An import computes the vectors of a batch with this same function in a second session while it
        -- writes the previous batch (catalog.ingest), and says so for its own transaction only.
        IF NEW.search_vector IS NULL
           OR current_setting('silang.search_vectors_given', true) IS DISTINCT FROM 'on' THEN
            NEW.search_vector := catalog_record_tsv(NEW.title, NEW.subtitle, NEW.responsibility, NEW.authors,
                                                    NEW.subjects, NEW.series, NEW.summary, NEW.publisher);
        END IF;
        NEW.holding_library_ids := coalesce(NEW.holding_library_ids, '{}');
        NEW.available_library_ids := coalesce(NEW.available_library_ids, '{}');
        RETURN NEW;
    END IF;
    -- The holdings summary belongs to the holding triggers: a stale model instance saved by the ORM
    -- must not overwrite it.
    IF current_setting('silang.summary_refresh', true) IS DISTINCT FROM 'on' THEN
        NEW.holding_library_ids := OLD.holding_library_ids;
        NEW.available_library_ids := OLD.available_library_ids;
        NEW.last_added := OLD.last_added;
    END IF;
    IF (NEW.title, NEW.subtitle, NEW.responsibility, NEW.authors, NEW.subjects, NEW.series, NEW.summary,
        NEW.publisher) IS DISTINCT FROM (OLD.title, OLD.subtitle, OLD.responsibility, OLD.authors, OLD.subjects,
        OLD.series, OLD.summary, OLD.publisher) OR OLD.search_vector IS NULL THEN
        NEW.search_vector := catalog_record_tsv(NEW.title, NEW.subtitle, NEW.responsibility, NEW.authors,
                                                NEW.subjects, NEW.series, NEW.summary, NEW.publisher);
        -- Edits are one row at a time: add new words directly (bulk inserts go through the statement trigger).
        INSERT INTO catalog_search_word (word, ndoc)
        SELECT w, 1 FROM catalog_record_words(NEW.title, NEW.subtitle, NEW.authors, NEW.subjects, NEW.series) w
        ORDER BY w ON CONFLICT (word) DO NOTHING;
    ELSE
        NEW.search_vector := OLD.search_vector;
    END IF;
    RETURN NEW;
END $$;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION catalog_record_words(title text, subtitle text, authors jsonb, subjects varchar[],
                                                series text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT DISTINCT w FROM regexp_split_to_table(lower(silang_unaccent(concat_ws(' ', title, subtitle,
              catalog_author_names(authors), array_to_string(subjects, ' '), series))), '[^[:alnum:]]+') AS w
           WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$' $$;

DROP FUNCTION IF EXISTS catalog_record_word_list(text, text, jsonb, varchar[], text);

CREATE OR REPLACE FUNCTION catalog_record_words_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Sorted so that concurrent imports lock shared words in the same order (no deadlock).
    INSERT INTO catalog_search_word AS sw (word, ndoc)
    SELECT w, count(*) FROM new_rows r,
           LATERAL catalog_record_words(r.title, r.subtitle, r.authors, r.subjects, r.series) w
    GROUP BY w ORDER BY w
    ON CONFLICT (word) DO UPDATE SET ndoc = sw.ndoc + excluded.ndoc;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION catalog_record_search_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.search_vector := catalog_record_tsv(NEW.title, NEW.subtitle, NEW.responsibility, NEW.authors,
                                                NEW.subjects, NEW.series, NEW.summary, NEW.publisher);
        NEW.holding_library_ids := coalesce(NEW.holding_library_ids, '{}');
        NEW.available_library_ids := coalesce(NEW.available_library_ids, '{}');
        RETURN NEW;
    END IF;
    -- The holdings summary belongs to the holding triggers: a stale model instance saved by the ORM
    -- must not overwrite it.
    IF current_setting('silang.summary_refresh', true) IS DISTINCT FROM 'on' THEN
        NEW.holding_library_ids := OLD.holding_library_ids;
        NEW.available_library_ids := OLD.available_library_ids;
        NEW.last_added := OLD.last_added;
    END IF;
    IF (NEW.title, NEW.subtitle, NEW.responsibility, NEW.authors, NEW.subjects, NEW.series, NEW.summary,
        NEW.publisher) IS DISTINCT FROM (OLD.title, OLD.subtitle, OLD.responsibility, OLD.authors, OLD.subjects,
        OLD.series, OLD.summary, OLD.publisher) OR OLD.search_vector IS NULL THEN
        NEW.search_vector := catalog_record_tsv(NEW.title, NEW.subtitle, NEW.responsibility, NEW.authors,
                                                NEW.subjects, NEW.series, NEW.summary, NEW.publisher);
        -- Edits are one row at a time: add new words directly (bulk inserts go through the statement trigger).
        INSERT INTO catalog_search_word (word, ndoc)
        SELECT w, 1 FROM catalog_record_words(NEW.title, NEW.subtitle, NEW.authors, NEW.subjects, NEW.series) w
        ORDER BY w ON CONFLICT (word) DO NOTHING;
    ELSE
        NEW.search_vector := OLD.search_vector;
    END IF;
    RETURN NEW;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_title_author_index"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
