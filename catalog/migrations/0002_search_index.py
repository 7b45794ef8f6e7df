"""Search index kept by Postgres itself, so every import, edit, merge and status change is searchable at once.

* catalog_record.search_vector: a BEFORE INSERT/UPDATE row trigger; Indonesian and English stems of
  unaccented text, weighted A title/subtitle, B authors, C subjects/series, D summary/publisher.
* holding_library_ids / available_library_ids / last_added: a per-record summary of catalog_holding kept by
  *statement-level* triggers with transition tables, so a bulk COPY of holdings refreshes each record once.
* catalog_search_word: the word list behind "did you mean" (pg_trgm), filled by a statement-level trigger.
"""

import django.contrib.postgres.fields
from django.db import migrations, models

TEXT_COLUMNS = "title, subtitle, responsibility, authors, subjects, series, summary, publisher"

FORWARD = r"""
CREATE OR REPLACE FUNCTION silang_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- Names of the authors of the JSON list [{"name": ..., "role": ...}], tolerant of odd shapes.
CREATE OR REPLACE FUNCTION catalog_author_names(authors jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof(authors) = 'array' THEN
             (SELECT string_agg(coalesce(a->>'name', ''), ' ') FROM jsonb_array_elements(authors) a
               WHERE jsonb_typeof(a) = 'object')
           ELSE '' END $$;

CREATE OR REPLACE FUNCTION catalog_weighted_tsv(doc text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT setweight(to_tsvector('indonesian'::regconfig, silang_unaccent(coalesce(doc, ''))), weight)
              || setweight(to_tsvector('english'::regconfig, silang_unaccent(coalesce(doc, ''))), weight) $$;

CREATE OR REPLACE FUNCTION catalog_record_tsv(title text, subtitle text, responsibility text, authors jsonb,
                                              subjects varchar[], series text, summary text, publisher text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT catalog_weighted_tsv(concat_ws(' ', title, subtitle), 'A')
              || catalog_weighted_tsv(concat_ws(' ', catalog_author_names(authors), responsibility), 'B')
              || catalog_weighted_tsv(concat_ws(' ', array_to_string(subjects, ' '), series), 'C')
              || catalog_weighted_tsv(concat_ws(' ', summary, publisher), 'D') $$;

-- The words of a record that suggestions may offer (surface forms, unaccented, lower case).
CREATE OR REPLACE FUNCTION catalog_record_words(title text, subtitle text, authors jsonb, subjects varchar[],
                                                series text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT DISTINCT w FROM regexp_split_to_table(lower(silang_unaccent(concat_ws(' ', title, subtitle,
              catalog_author_names(authors), array_to_string(subjects, ' '), series))), '[^[:alnum:]]+') AS w
           WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$' $$;

CREATE TABLE catalog_search_word (word text PRIMARY KEY, ndoc integer NOT NULL DEFAULT 0);
CREATE INDEX catalog_search_word_trgm ON catalog_search_word USING gin (word gin_trgm_ops);

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

CREATE TRIGGER catalog_record_search BEFORE INSERT OR UPDATE ON catalog_record
    FOR EACH ROW EXECUTE FUNCTION catalog_record_search_trg();

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

CREATE TRIGGER catalog_record_words AFTER INSERT ON catalog_record
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_record_words_trg();

-- Recompute the holdings summary of some records (called once per statement on catalog_holding).
CREATE OR REPLACE FUNCTION catalog_refresh_holding_summary(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('silang.summary_refresh', 'on', true);
    UPDATE catalog_record r
       SET holding_library_ids = s.held, available_library_ids = s.avail, last_added = s.last_added
      FROM (SELECT u.id,
                   coalesce(array_agg(DISTINCT h.library_id ORDER BY h.library_id)
                            FILTER (WHERE h.status <> 'withdrawn'), '{}') AS held,
                   coalesce(array_agg(DISTINCT h.library_id ORDER BY h.library_id)
                            FILTER (WHERE h.status = 'available'), '{}') AS avail,
                   max(h.date_added) FILTER (WHERE h.status <> 'withdrawn') AS last_added
              FROM unnest(ids) AS u(id) LEFT JOIN catalog_holding h ON h.record_id = u.id
             GROUP BY u.id) s
     WHERE r.id = s.id
       AND (r.holding_library_ids, r.available_library_ids, r.last_added)
           IS DISTINCT FROM (s.held, s.avail, s.last_added);
    PERFORM set_config('silang.summary_refresh', 'off', true);
END $$;

CREATE OR REPLACE FUNCTION catalog_holding_summary_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalog_refresh_holding_summary(ARRAY(SELECT DISTINCT record_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM catalog_refresh_holding_summary(ARRAY(SELECT DISTINCT record_id FROM old_rows));
    ELSE
        -- A merge moves holdings: both the old and the new record change.
        PERFORM catalog_refresh_holding_summary(ARRAY(
            SELECT n.record_id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.record_id, n.library_id, n.status, n.date_added)
                   IS DISTINCT FROM (o.record_id, o.library_id, o.status, o.date_added)
            UNION SELECT o.record_id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.record_id, n.library_id, n.status, n.date_added)
                   IS DISTINCT FROM (o.record_id, o.library_id, o.status, o.date_added)));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER catalog_holding_summary_ins AFTER INSERT ON catalog_holding
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_holding_summary_trg();
CREATE TRIGGER catalog_holding_summary_upd AFTER UPDATE ON catalog_holding
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_holding_summary_trg();
CREATE TRIGGER catalog_holding_summary_del AFTER DELETE ON catalog_holding
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_holding_summary_trg();

ALTER TABLE catalog_record ALTER COLUMN holding_library_ids SET DEFAULT '{}',
                           ALTER COLUMN available_library_ids SET DEFAULT '{}';

CREATE INDEX catalog_record_held_gin ON catalog_record USING gin (holding_library_ids);
CREATE INDEX catalog_record_subjects_gin ON catalog_record USING gin (subjects);
CREATE INDEX catalog_record_last_added ON catalog_record (last_added DESC NULLS LAST, id DESC);
CREATE INDEX catalog_holding_barcode ON catalog_holding (barcode);
CREATE INDEX catalog_holding_library_added ON catalog_holding (library_id, date_added DESC);

-- Existing rows: compute the vectors, the words and the summaries once.
UPDATE catalog_record SET search_vector = catalog_record_tsv(title, subtitle, responsibility, authors, subjects,
                                                             series, summary, publisher);
INSERT INTO catalog_search_word (word, ndoc)
SELECT w, count(*) FROM catalog_record r,
       LATERAL catalog_record_words(r.title, r.subtitle, r.authors, r.subjects, r.series) w
GROUP BY w ON CONFLICT (word) DO NOTHING;
SELECT catalog_refresh_holding_summary(ARRAY(SELECT DISTINCT record_id FROM catalog_holding));
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS catalog_holding_summary_ins ON catalog_holding;
DROP TRIGGER IF EXISTS catalog_holding_summary_upd ON catalog_holding;
DROP TRIGGER IF EXISTS catalog_holding_summary_del ON catalog_holding;
DROP TRIGGER IF EXISTS catalog_record_words ON catalog_record;
DROP TRIGGER IF EXISTS catalog_record_search ON catalog_record;
DROP FUNCTION IF EXISTS catalog_holding_summary_trg(), catalog_refresh_holding_summary(bigint[]),
    catalog_record_words_trg(), catalog_record_search_trg(),
    catalog_record_words(text, text, jsonb, varchar[], text),
    catalog_record_tsv(text, text, text, jsonb, varchar[], text, text, text), catalog_weighted_tsv(text, "char"),
    catalog_author_names(jsonb);
DROP TABLE IF EXISTS catalog_search_word;
DROP INDEX IF EXISTS catalog_record_held_gin, catalog_record_subjects_gin, catalog_record_last_added,
    catalog_holding_barcode, catalog_holding_library_added;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="holding_library_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), blank=True, default=list, editable=False, size=None
            ),
        ),
        migrations.AddField(
            model_name="record",
            name="available_library_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), blank=True, default=list, editable=False, size=None
            ),
        ),
        migrations.AddField(
            model_name="record",
            name="last_added",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
