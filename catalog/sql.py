# ruff: noqa: E501 - the definitions are kept exactly as pg_get_functiondef prints them (tested)
"""The catalog's SQL functions, as the database runs them: the one place their current text lives.

Installed by a migration operation (InstallFunctions: catalog/migrations/0016_sql_functions.py); a change here
needs a new migration with that operation, and tests/catalog/test_sql_functions.py checks that the database's
functions (pg_get_functiondef) are exactly these. Older migrations keep the versions they installed, as history.

Session settings the triggers obey (set with SET LOCAL by the importer, catalog.ingest.pipeline, for its own
transaction only):
- silang.search_vectors_given = on: catalog_record_search_trg keeps the search_vector the insert gives (the
  importer's second session computed it with catalog_record_tsv_named), instead of computing it again.
- silang.search_words_given = on: catalog_record_words_trg leaves the suggestion words to the importer, which
  adds the whole batch's words in one statement.
- silang.holding_summaries_given = on: the holdings insert trigger checks nothing; the importer's COPY of new copies
  says so, its new records carrying their summary already, and refreshes the other records it added copies to where
  catalog_summaries_changed (the trigger's own test) says their summary changes.
- silang.summary_refresh (set by catalog_refresh_holding_summary itself): the record's update by the holdings
  summary is not a change of its text, so the search trigger skips it.
- Record.match_features (the deduplication features a nightly task keeps with the records) is emptied by
  catalog_record_features_stale (BEFORE UPDATE, ENABLE ALWAYS) when an update changes a column they are read from
  without writing new features (catalog.matching.FEATURE_INPUTS; migration 0026).
- session_replication_role = replica: foreign-key checks off for the importer's COPY (it checks and locks the
  rows it points to first, set-based); the catalog's triggers are ENABLE ALWAYS (migration 0006) and still run.

Lock order: catalog_refresh_holding_summary locks the records it will update in id order before updating them,
so two transactions refreshing overlapping records wait for each other instead of deadlocking.
"""

FUNCTIONS: dict[str, str] = {}

FUNCTIONS["catalog_author_names"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_author_names(authors jsonb)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT CASE WHEN jsonb_typeof(authors) = 'array' THEN
             (SELECT string_agg(coalesce(a->>'name', ''), ' ') FROM jsonb_array_elements(authors) a
               WHERE jsonb_typeof(a) = 'object')
           ELSE '' END $function$

"""

FUNCTIONS["catalog_holding_summary_trg"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_holding_summary_trg()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
    changed bigint[];
BEGIN
    IF TG_OP = 'INSERT' AND current_setting('silang.holding_summaries_given', true) = 'on' THEN
        RETURN NULL;  -- an import's new records carry their summary; it refreshes the others itself
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF (SELECT count(*) FROM new_rows) > 20000 THEN
            EXECUTE $q$
                SELECT ARRAY(SELECT DISTINCT n.record_id FROM new_rows n JOIN catalog_record r ON r.id = n.record_id
                              WHERE n.status <> 'withdrawn'
                                AND (NOT n.library_id = ANY(r.holding_library_ids)
                                     OR (n.status = 'available' AND NOT n.library_id = ANY(r.available_library_ids))
                                     OR n.date_added > coalesce(r.last_added, '-infinity'::date)))
            $q$ INTO changed;
        ELSE
            SELECT catalog_summaries_changed(array_agg(record_id), array_agg(library_id), array_agg(status::text),
                                             array_agg(date_added))
              INTO changed FROM new_rows;
        END IF;
        PERFORM catalog_refresh_holding_summary(changed);
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
END $function$

"""

FUNCTIONS["catalog_summaries_changed"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_summaries_changed(record_ids bigint[], library_ids bigint[], statuses text[], added date[])
 RETURNS bigint[]
 LANGUAGE sql
 STABLE
AS $function$ SELECT ARRAY(
    SELECT n.record_id
      FROM (SELECT record_id, array_agg(library_id) AS held,
                   coalesce(array_agg(library_id) FILTER (WHERE status = 'available'), '{}') AS avail,
                   max(date_added) AS newest
              FROM unnest(record_ids, library_ids, statuses, added) AS c(record_id, library_id, status, date_added)
             WHERE status <> 'withdrawn' GROUP BY record_id) n
     CROSS JOIN LATERAL (
        SELECT 1 FROM catalog_record r
         WHERE r.id = n.record_id
           AND (NOT n.held <@ r.holding_library_ids
                OR NOT n.avail <@ r.available_library_ids
                OR n.newest > coalesce(r.last_added, '-infinity'::date))
        OFFSET 0) AS differs) $function$

"""

FUNCTIONS["catalog_loose_key"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_loose_key(match_key text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$ SELECT split_part(match_key, '|', 1) || '|' || split_part(match_key, '|', 2) $function$

"""

FUNCTIONS["catalog_record_search_trg"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_record_search_trg()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
END $function$

"""

FUNCTIONS["catalog_record_tsv"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_record_tsv(title text, subtitle text, responsibility text, authors jsonb, subjects character varying[], series text, summary text, publisher text)
 RETURNS tsvector
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT catalog_record_tsv_named(title, subtitle, responsibility, catalog_author_names(authors), subjects,
                                          series, summary, publisher) $function$

"""

FUNCTIONS["catalog_record_tsv_named"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_record_tsv_named(title text, subtitle text, responsibility text, author_names text, subjects character varying[], series text, summary text, publisher text)
 RETURNS tsvector
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
AS $function$
DECLARE
    a text := silang_unaccent(concat_ws(' ', title, subtitle));
    b text := silang_unaccent(concat_ws(' ', author_names, responsibility));
    c text := silang_unaccent(concat_ws(' ', array_to_string(subjects, ' '), series));
    d text := silang_unaccent(concat_ws(' ', summary, publisher));
BEGIN
    -- silang_search_text, its clean-up only where it can change something (a text with none of these characters
    -- comes out as it went in): the regular expressions were an eighth of the vector work on plain records.
    IF a ~ '[./\\|_]' THEN a := silang_search_cleanup(a); END IF;
    IF b ~ '[./\\|_]' THEN b := silang_search_cleanup(b); END IF;
    IF c ~ '[./\\|_]' THEN c := silang_search_cleanup(c); END IF;
    IF d ~ '[./\\|_]' THEN d := silang_search_cleanup(d); END IF;
    RETURN setweight(to_tsvector('indonesian', a) || to_tsvector('english', a), 'A')
        || setweight(to_tsvector('indonesian', b) || to_tsvector('english', b), 'B')
        || setweight(to_tsvector('indonesian', c) || to_tsvector('english', c), 'C')
        || setweight(to_tsvector('indonesian', d) || to_tsvector('english', d), 'D');
END $function$

"""

FUNCTIONS["catalog_record_word_list"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_record_word_list(title text, subtitle text, authors jsonb, subjects character varying[], series text)
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT catalog_record_word_list_named(title, subtitle, catalog_author_names(authors), subjects, series) $function$

"""

FUNCTIONS["catalog_record_word_list_named"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_record_word_list_named(title text, subtitle text, author_names text, subjects character varying[], series text)
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT regexp_split_to_array(lower(silang_unaccent(concat_ws(' ', title, subtitle, author_names,
              array_to_string(subjects, ' '), series))), '[^[:alnum:]]+') $function$

"""

FUNCTIONS["catalog_record_words"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_record_words(title text, subtitle text, authors jsonb, subjects character varying[], series text)
 RETURNS SETOF text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT DISTINCT w FROM unnest(catalog_record_word_list(title, subtitle, authors, subjects, series)) AS w
           WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$' $function$

"""

FUNCTIONS["catalog_record_words_trg"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_record_words_trg()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
END $function$

"""

FUNCTIONS["catalog_refresh_holding_summary"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_refresh_holding_summary(ids bigint[])
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    -- Locked in one global order (record id): concurrent imports touching the same shared records queue up
    -- here instead of deadlocking in the UPDATE below, whose join visits records in no fixed order.
    PERFORM 1 FROM catalog_record WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
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
END $function$

"""

FUNCTIONS["catalog_weighted_tsv"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_weighted_tsv(doc text, weight "char")
 RETURNS tsvector
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT setweight(to_tsvector('indonesian'::regconfig, silang_unaccent(coalesce(doc, ''))), weight)
              || setweight(to_tsvector('english'::regconfig, silang_unaccent(coalesce(doc, ''))), weight) $function$

"""

FUNCTIONS["silang_match_share"] = r"""
CREATE OR REPLACE FUNCTION public.silang_match_share(q tsquery)
 RETURNS double precision
 LANGUAGE plpgsql
AS $function$
DECLARE
    plan json;
    total float8;
BEGIN
    SELECT reltuples INTO total FROM pg_class WHERE oid = 'catalog_record'::regclass;
    IF total IS NULL OR total <= 0 THEN
        RETURN 0;  -- never analysed: the index is the safe choice
    END IF;
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM catalog_record WHERE search_vector @@ %L::tsquery', q)
        INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8 / total;
END $function$

"""

FUNCTIONS["silang_search_cleanup"] = r"""
CREATE OR REPLACE FUNCTION public.silang_search_cleanup(text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$ SELECT regexp_replace(regexp_replace($1, '[/\\|_]+', ' ', 'g'), '([[:alpha:]])\.(?=[[:alpha:]])', '\1 ', 'g') $function$

"""

FUNCTIONS["silang_search_text"] = r"""
CREATE OR REPLACE FUNCTION public.silang_search_text(text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$ SELECT silang_search_cleanup(public.unaccent('public.unaccent'::regdictionary, $1)) $function$

"""

FUNCTIONS["silang_title_key"] = r"""
CREATE OR REPLACE FUNCTION public.silang_title_key(text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$ SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)),
                                      '[^[:alnum:]]+', ' ', 'g')) $function$

"""

FUNCTIONS["silang_unaccent"] = r"""
CREATE OR REPLACE FUNCTION public.silang_unaccent(text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $function$

"""


FUNCTIONS["catalog_record_features_stale_trg"] = r"""
CREATE OR REPLACE FUNCTION public.catalog_record_features_stale_trg()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    -- A column the kept features are read from changed (the trigger's WHEN): they are computed again when needed.
    NEW.match_features := NULL;
    RETURN NEW;
END
$function$

"""


def install_all(cursor) -> None:
    for definition in FUNCTIONS.values():
        cursor.execute(definition)


def install_functions_operation():
    """A migration operation that CREATE OR REPLACEs every function of this module as it is when the migration
    runs. A change of this module comes with a new migration using it again (0016, 0018)."""
    from django.db import migrations

    class InstallFunctions(migrations.operations.base.Operation):
        reversible = True
        reduces_to_sql = True

        def state_forwards(self, app_label, state):
            pass

        def database_forwards(self, app_label, schema_editor, from_state, to_state):
            for definition in FUNCTIONS.values():
                schema_editor.execute(definition, params=None)

        def database_backwards(self, app_label, schema_editor, from_state, to_state):
            pass  # the functions stay: earlier versions did the same work

        def describe(self):
            return "Install the catalog's SQL functions from catalog/sql.py"

    return InstallFunctions()
