"""The overlap and gap analysis, computed in the database in one go and kept as figures (AnalysisRun and its
rows), so the pages read a few thousand rows instead of aggregating millions of holdings per request.

What counts: copies of active member libraries that are not withdrawn. A *title* is a bibliographic record
(one per edition). A title is *unique* to a school when no other school holds it. *Recent* titles are published
in the last RECENT_YEARS years. Classes come from the record's DDC number (hundreds: its first digit, tens: its
first two digits; '-' when a record has none); curriculum subjects from CurriculumSubject's DDC prefixes,
counted for the schools of the subject's level.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from .models import AnalysisRun

RECENT_YEARS = 10

_STEPS = [
    # One row per (record, library) with its copy count: everything else is read from these two temp tables.
    """
    CREATE TEMP TABLE acq_rl ON COMMIT DROP AS
    SELECT h.record_id, h.library_id, count(*)::int AS copies
    FROM catalog_holding h JOIN consortium_library l ON l.id = h.library_id
    WHERE l.status = 'active' AND h.status <> 'withdrawn'
    GROUP BY h.record_id, h.library_id
    """,
    "CREATE INDEX ON acq_rl (record_id)",
    # Statistics first: without them the planner expects 200 rows and probes catalog_record once per title.
    "ANALYZE acq_rl",
    """
    CREATE TEMP TABLE acq_r ON COMMIT DROP AS
    SELECT x.record_id, x.holders, r.year, coalesce(r.ddc, '') AS ddc,
           coalesce(substring(r.ddc from '^\\s*([0-9])[0-9][0-9]'), '-') AS h,
           coalesce(substring(r.ddc from '^\\s*([0-9][0-9])[0-9]'), '-') AS t,
           substring(r.ddc from '^\\s*([0-9]{1,3}(\\.[0-9]+)?)')::numeric AS ddcn
    FROM (SELECT record_id, count(*)::int AS holders FROM acq_rl GROUP BY record_id) x
    JOIN catalog_record r ON r.id = x.record_id
    """,
    "ANALYZE acq_r",
    # Per school: whole collection, DDC hundreds and DDC tens, in one pass.
    """
    INSERT INTO acquisitions_schoolclassstat (run_id, library_id, scheme, klass, titles, unique_titles, copies,
                                              median_year)
    SELECT %(run)s, rl.library_id,
           CASE WHEN GROUPING(r.h) = 0 THEN 'h' WHEN GROUPING(r.t) = 0 THEN 't' ELSE 'all' END,
           CASE WHEN GROUPING(r.h) = 0 THEN r.h WHEN GROUPING(r.t) = 0 THEN r.t ELSE '' END,
           count(*), count(*) FILTER (WHERE r.holders = 1), sum(rl.copies),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.year)
    FROM acq_rl rl JOIN acq_r r USING (record_id)
    GROUP BY GROUPING SETS ((rl.library_id), (rl.library_id, r.h), (rl.library_id, r.t))
    """,
    # Per school of a level: its curriculum subjects (from the few records each subject's prefix matches).
    """
    INSERT INTO acquisitions_schoolclassstat (run_id, library_id, scheme, klass, titles, unique_titles, copies,
                                              median_year)
    SELECT %(run)s, rl.library_id, 's', s.id::text, count(*), count(*) FILTER (WHERE r.holders = 1),
           sum(rl.copies), percentile_cont(0.5) WITHIN GROUP (ORDER BY r.year)
    FROM acquisitions_curriculumsubject s
    JOIN acq_r r ON r.ddc LIKE s.ddc_prefix || '%%'
    JOIN acq_rl rl ON rl.record_id = r.record_id
    JOIN consortium_library l ON l.id = rl.library_id AND l.level = s.level AND l.status = 'active'
    GROUP BY rl.library_id, s.id
    """,
    # Pairwise overlap: titles two schools both hold.
    """
    INSERT INTO acquisitions_schoolpairstat (run_id, library_a_id, library_b_id, shared)
    SELECT %(run)s, a.library_id, b.library_id, count(*)
    FROM acq_rl a JOIN acq_rl b ON a.record_id = b.record_id AND a.library_id < b.library_id
    GROUP BY a.library_id, b.library_id
    """,
    # The network per DDC tens class, every one of the hundred classes (a class nobody holds is the worst gap).
    """
    INSERT INTO acquisitions_classgapstat (run_id, scheme, klass, level, titles, recent_titles, holders)
    SELECT %(run)s, 't', c.t, '', coalesce(n.titles, 0), coalesce(n.recent, 0), coalesce(hh.holders, 0)
    FROM (SELECT lpad(i::text, 2, '0') AS t FROM generate_series(0, 99) i UNION ALL SELECT '-') c
    LEFT JOIN (SELECT t, count(*) AS titles, count(*) FILTER (WHERE year >= %(since)s) AS recent
               FROM acq_r GROUP BY t) n ON n.t = c.t
    LEFT JOIN (SELECT klass AS t, count(*) AS holders FROM acquisitions_schoolclassstat
               WHERE run_id = %(run)s AND scheme = 't' GROUP BY klass) hh ON hh.t = c.t
    """,
    # Collecting responsibilities of active agreements: the school's titles in its range against the network's.
    """
    INSERT INTO acquisitions_responsibilitystat (run_id, responsibility_id, school_titles, school_recent,
                                                 network_titles, network_recent)
    SELECT %(run)s, c.id,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM acq_rl rl WHERE rl.record_id = r.record_id
                                                                  AND rl.library_id = c.library_id)),
           count(*) FILTER (WHERE r.year >= %(since)s AND EXISTS (SELECT 1 FROM acq_rl rl
                              WHERE rl.record_id = r.record_id AND rl.library_id = c.library_id)),
           count(r.record_id), count(r.record_id) FILTER (WHERE r.year >= %(since)s)
    FROM acquisitions_collectingresponsibility c
    JOIN agreements_agreement a ON a.id = c.agreement_id AND a.status = 'active'
    LEFT JOIN acq_r r ON r.ddcn BETWEEN c.ddc_from AND c.ddc_to
    GROUP BY c.id
    """,
    # The network per curriculum subject and level: titles held by schools of that level.
    """
    INSERT INTO acquisitions_classgapstat (run_id, scheme, klass, level, titles, recent_titles, holders)
    SELECT %(run)s, 's', s.id::text, s.level, n.titles, n.recent, n.holders
    FROM acquisitions_curriculumsubject s
    CROSS JOIN LATERAL (
        SELECT count(DISTINCT r.record_id) AS titles,
               count(DISTINCT r.record_id) FILTER (WHERE r.year >= %(since)s) AS recent,
               count(DISTINCT rl.library_id) AS holders
        FROM acq_r r
        JOIN acq_rl rl ON rl.record_id = r.record_id
        JOIN consortium_library l ON l.id = rl.library_id AND l.level = s.level AND l.status = 'active'
        WHERE r.ddc LIKE s.ddc_prefix || '%%'
    ) n
    """,
]


@transaction.atomic
def analysis_compute(*, today=None, keep: int = 1) -> AnalysisRun:
    """Compute a fresh set of figures and drop older runs beyond `keep` (the pages show the newest).

    A plain function for the scheduled command (`manage.py compute_collection_analysis`) and the job worker.
    """
    today = today or timezone.localdate()
    run = AnalysisRun.objects.create(recent_since=today.year - RECENT_YEARS + 1)
    params = {"run": run.pk, "since": run.recent_since}
    with connection.cursor() as cursor:
        for sql in _STEPS:
            cursor.execute(sql, params if "%(" in sql else None)
        cursor.execute(
            "SELECT count(DISTINCT record_id), coalesce(sum(copies), 0), count(DISTINCT library_id) FROM acq_rl"
        )
        run.records, run.holdings, run.libraries = cursor.fetchone()
        # The run's rows were inserted behind the ORM's back; only the run row is saved through it.
        cursor.execute("DROP TABLE acq_rl; DROP TABLE acq_r")
    run.finished_at = timezone.now()
    run.save()
    stale = AnalysisRun.objects.filter(finished_at__isnull=False).exclude(pk=run.pk).order_by("-started_at")[keep - 1 :]
    AnalysisRun.objects.filter(pk__in=[r.pk for r in stale]).delete()
    return run


def latest_run() -> AnalysisRun | None:
    return AnalysisRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
