"""SQL that the database runs for interop: its current text, installed by migrations and checked by a test
against pg_get_functiondef (tests/interop/test_sql.py)."""

# A record leaving catalog_record (a merge, a delete) leaves a tombstone, so OAI-PMH answers it as deleted for
# good. clock_timestamp(), not now(): a long transaction's start time could fall before a harvester's last visit.
# A trigger rather than Python: every path that deletes records (services, imports, the admin) is covered.
TOMBSTONE_FUNCTION = """CREATE OR REPLACE FUNCTION public.interop_record_tombstone()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    INSERT INTO interop_tombstone (record_id, deleted_at, library_ids, ddc)
    VALUES (OLD.id, clock_timestamp(), coalesce(OLD.holding_library_ids, '{}'), coalesce(OLD.ddc, ''))
    ON CONFLICT (record_id) DO UPDATE
       SET deleted_at = excluded.deleted_at,
           library_ids = ARRAY(SELECT DISTINCT unnest(interop_tombstone.library_ids || excluded.library_ids)),
           ddc = excluded.ddc;
    RETURN OLD;
END;
$function$
"""

TOMBSTONE_TRIGGER = (
    "CREATE TRIGGER interop_record_tombstone AFTER DELETE ON catalog_record"
    " FOR EACH ROW EXECUTE FUNCTION interop_record_tombstone()"
)

# ALWAYS, like the catalog's own triggers (catalog migration 0006): it fires under session_replication_role = replica
# too, which imports use for their writes.
TOMBSTONE_TRIGGER_ALWAYS = "ALTER TABLE catalog_record ENABLE ALWAYS TRIGGER interop_record_tombstone"

INSTALL = [TOMBSTONE_FUNCTION, TOMBSTONE_TRIGGER, TOMBSTONE_TRIGGER_ALWAYS]
UNINSTALL = [
    "DROP TRIGGER IF EXISTS interop_record_tombstone ON catalog_record",
    "DROP FUNCTION IF EXISTS interop_record_tombstone()",
]
