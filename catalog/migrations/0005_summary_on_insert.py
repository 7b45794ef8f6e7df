"""Inserted holdings refresh a record's holdings summary only when they change it.

An import writes new records with their summary already filled in (catalog.ingest); the summary trigger
then checks each inserted copy against its record instead of re-aggregating every holding of every record.
An insert can only add a library to the summary or move its newest date forward, so this check is exact.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION catalog_holding_summary_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalog_refresh_holding_summary(ARRAY(
            SELECT DISTINCT n.record_id FROM new_rows n JOIN catalog_record r ON r.id = n.record_id
             WHERE n.status <> 'withdrawn'
               AND (NOT n.library_id = ANY(r.holding_library_ids)
                    OR (n.status = 'available' AND NOT n.library_id = ANY(r.available_library_ids))
                    OR n.date_added > coalesce(r.last_added, '-infinity'::date))));
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

BACKWARD = r"""
CREATE OR REPLACE FUNCTION catalog_holding_summary_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalog_refresh_holding_summary(ARRAY(SELECT DISTINCT record_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM catalog_refresh_holding_summary(ARRAY(SELECT DISTINCT record_id FROM old_rows));
    ELSE
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


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_fewer_indexes"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
