"""Inserted holdings are checked against their records by primary-key probes, one per record.

The check of migration 0005 joined the inserted copies to catalog_record, and the plan cached in the trigger
function (estimated on a small catalog) was a hash join reading the whole catalog for every inserted batch: an
import's cost grew with the size of the catalog (≈ 13 µs a record at 100,000 records). The copies are now
grouped per record first (libraries, libraries on the shelf, newest date) and each record is looked up once by
its key, whatever the statistics say (`OFFSET 0` keeps the lookup a parameterized index probe).
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION catalog_holding_summary_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalog_refresh_holding_summary(ARRAY(
            SELECT n.record_id
              FROM (SELECT record_id, array_agg(library_id) AS held,
                           coalesce(array_agg(library_id) FILTER (WHERE status = 'available'), '{}') AS avail,
                           max(date_added) AS newest
                      FROM new_rows WHERE status <> 'withdrawn' GROUP BY record_id) n
             CROSS JOIN LATERAL (
                SELECT 1 FROM catalog_record r
                 WHERE r.id = n.record_id
                   AND (NOT n.held <@ r.holding_library_ids
                        OR NOT n.avail <@ r.available_library_ids
                        OR n.newest > coalesce(r.last_added, '-infinity'::date))
                OFFSET 0) changed));
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
"""

# Backwards: the function of migration 0005.
# Going back keeps this version: it does what 0005's did, faster (migrations do not import each other).
BACKWARD = migrations.RunSQL.noop


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_given_search_vectors"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
