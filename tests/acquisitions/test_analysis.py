"""The analysis numbers against a fixture of three schools counted by hand (see the table in each test)."""

import pytest

from acquisitions import selectors
from acquisitions.analysis import analysis_compute, latest_run
from acquisitions.choices import Scheme
from acquisitions.models import AnalysisRun, ClassGapStat, CollectingResponsibility, CurriculumSubject, Enrolment
from loans.models import IllRequest
from tests.factories import LibraryFactory

from .conftest import TODAY, copies, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(coop_agreement):
    """
    record  year  ddc     A (SMA, 100 students)  B (SMA, 50 students)  C (SMP)   D (applicant)
    r1      2023  510     3                      2                     1
    r2      2020  530     1 (+1 withdrawn)       1
    r3      1995  959.81  1                                                      1
    r4      2015  899.221                        1                     2
    r5      2010  -                                                    1
    r6      2022  570     1 withdrawn
    """
    a = LibraryFactory(code="A", name="A school", level="sma")
    b = LibraryFactory(code="B", name="B school", level="sma")
    c = LibraryFactory(code="C", name="C school", level="smp")
    d = LibraryFactory(code="D", name="D school", level="sma", status="applicant")
    Enrolment.objects.create(library=a, students=100)
    Enrolment.objects.create(library=b, students=50)
    r = {
        1: make_record("Matematika Kelas X", year=2023, ddc="510"),
        2: make_record("Fisika", year=2020, ddc="530"),
        3: make_record("Sejarah Medan", year=1995, ddc="959.81"),
        4: make_record("Novel", year=2015, ddc="899.221"),
        5: make_record("Kamus", year=2010, ddc=""),
        6: make_record("Biologi", year=2022, ddc="570"),
    }
    copies(r[1], a, 3), copies(r[1], b, 2), copies(r[1], c, 1)
    copies(r[2], a, 1), copies(r[2], a, 1, status="withdrawn"), copies(r[2], b, 1)
    copies(r[3], a, 1), copies(r[3], d, 1)
    copies(r[4], b, 1), copies(r[4], c, 2)
    copies(r[5], c, 1)
    copies(r[6], a, 1, status="withdrawn")
    agreement = coop_agreement(a, b, c)
    CollectingResponsibility.objects.create(agreement=agreement, library=a, label="Sains", ddc_from=500, ddc_to=599.999)
    CollectingResponsibility.objects.create(
        agreement=agreement, library=b, label="Sejarah lokal", ddc_from="959.810", ddc_to="959.819"
    )
    subjects = {
        "mat": CurriculumSubject.objects.create(name="Matematika", level="sma", ddc_prefix="51"),
        "sej": CurriculumSubject.objects.create(name="Sejarah", level="sma", ddc_prefix="959"),
        "bio": CurriculumSubject.objects.create(name="Biologi", level="smp", ddc_prefix="57"),
    }
    return {"a": a, "b": b, "c": c, "r": r, "subjects": subjects}


def _rows(run, scheme=Scheme.ALL, klass=""):
    return {row.library.code: row for row in selectors.school_rows(run, scheme=scheme, klass=klass)}


def test_whole_collection_per_school(network):
    run = analysis_compute(today=TODAY)
    rows = _rows(run)
    assert set(rows) == {"A", "B", "C"}  # the applicant is not counted
    a, b, c = rows["A"], rows["B"], rows["C"]
    assert (a.titles, a.unique_titles, a.shared_titles, a.copies, a.median_year) == (3, 1, 2, 5, 2020)
    assert (b.titles, b.unique_titles, b.shared_titles, b.copies, b.median_year) == (3, 0, 3, 4, 2020)
    assert (c.titles, c.unique_titles, c.shared_titles, c.copies, c.median_year) == (3, 1, 2, 4, 2015)
    assert a.copies_per_student == 0.05
    assert b.copies_per_student == 0.08
    assert c.copies_per_student is None  # no enrolment recorded
    assert (run.records, run.holdings, run.libraries) == (5, 13, 3)


def test_per_ddc_class(network):
    run = analysis_compute(today=TODAY)
    hundreds_a = {s.klass: s for s in selectors.class_rows(run, library=network["a"], scheme=Scheme.HUNDREDS)}
    assert {k: (s.titles, s.unique_titles, s.copies, s.median_year) for k, s in hundreds_a.items()} == {
        "5": (2, 0, 4, 2021.5),
        "9": (1, 1, 1, 1995),
    }
    tens_c = {
        s.klass: (s.titles, s.unique_titles, s.copies)
        for s in selectors.class_rows(run, library=network["c"], scheme=Scheme.TENS)
    }
    assert tens_c == {"51": (1, 0, 1), "89": (1, 0, 2), "-": (1, 1, 1)}
    in_51 = _rows(run, Scheme.TENS, "51")
    assert (in_51["A"].titles, in_51["B"].titles, in_51["C"].titles) == (1, 1, 1)


def test_curriculum_subjects_counted_for_schools_of_their_level(network):
    run = analysis_compute(today=TODAY)
    maths = _rows(run, Scheme.SUBJECT, str(network["subjects"]["mat"].pk))
    assert set(maths) == {"A", "B"}  # the SMP school is not measured against an SMA subject
    assert (maths["A"].titles, maths["A"].copies, maths["B"].copies) == (1, 3, 2)


def test_pairwise_overlap_matrix(network):
    run = analysis_compute(today=TODAY)
    a, b, c = network["a"], network["b"], network["c"]
    assert selectors.pair_matrix(run, [a, b, c]) == [[None, 2, 1], [2, None, 2], [1, 2, None]]
    assert [(lib.code, n) for lib, n in selectors.shared_with_each(run, b)] == [("A", 2), ("C", 2)]


def test_gap_list(network):
    run = analysis_compute(today=TODAY)
    assert run.recent_since == 2017
    tens = {g.klass: (g.titles, g.recent_titles, g.holders) for g in ClassGapStat.objects.filter(run=run, scheme="t")}
    assert len(tens) == 101
    assert tens["51"] == (1, 1, 3)
    assert tens["95"] == (1, 0, 1)  # only the 1995 title, and the applicant's copy does not count
    assert tens["89"] == (1, 0, 2)
    assert tens["57"] == (0, 0, 0)  # the only copy is withdrawn
    gaps = selectors.gap_rows(run, threshold=0)
    assert "95" in [g.klass for g in gaps["tens"]] and "51" not in [g.klass for g in gaps["tens"]]
    curriculum = {(g.subject.name, g.level): (g.titles, g.recent_titles, g.holders) for g in gaps["curriculum"]}
    assert curriculum == {("Sejarah", "sma"): (1, 0, 1), ("Biologi", "smp"): (0, 0, 0)}


def test_unfilled_requests_in_the_gap_list(network):
    r3 = network["r"][3]
    IllRequest.objects.create(requester=network["b"], record=r3, state="unfilled")
    IllRequest.objects.create(requester=network["c"], record=r3, state="unfilled")
    IllRequest.objects.create(requester=network["c"], record=network["r"][4], state="completed")
    rows = selectors.unfilled_titles()
    assert [(row["record__title"], row["requests"], row["schools"]) for row in rows] == [("Sejarah Medan", 2, 2)]


def test_collecting_responsibilities_measured(network):
    run = analysis_compute(today=TODAY)
    rows = {s.responsibility.label: s for s in selectors.responsibility_rows(run)}
    science = rows["Sains"]
    assert (science.school_titles, science.school_recent, science.network_titles, science.network_recent) == (
        2,
        2,
        2,
        2,
    )
    local = rows["Sejarah lokal"]
    assert (local.school_titles, local.network_titles, local.network_recent) == (0, 1, 0)


def test_a_new_run_replaces_the_old_and_says_when(network):
    first = analysis_compute(today=TODAY)
    second = analysis_compute(today=TODAY)
    assert list(AnalysisRun.objects.all()) == [second]
    assert latest_run() == second and second.finished_at is not None
    assert not AnalysisRun.objects.filter(pk=first.pk).exists()
