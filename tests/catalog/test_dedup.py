"""Deduplication through the import path and the re-run over the whole catalog (issue 14)."""

import pymarc
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from catalog import matching, services
from catalog.dedup import dedup_catalog
from catalog.ingest import import_bytes
from catalog.models import CatalogAudit, DistinctPair, MatchReview, Record, SourceRecord
from catalog.selectors import computed_features, kept_features
from catalog.tasks import keep_match_features as keep_features_task

pytestmark = pytest.mark.django_db


def marc(local_id, title, *, number="", part="", subtitle="", publisher="U.S. Govt. Print. Off.", year="1952"):
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 a 4500")
    record.add_field(pymarc.Field(tag="001", data=local_id))
    subfields = [pymarc.Subfield("a", title)]
    subfields += [pymarc.Subfield("b", subtitle)] if subtitle else []
    subfields += [pymarc.Subfield("n", number)] if number else []
    subfields += [pymarc.Subfield("p", part)] if part else []
    record.add_field(pymarc.Field(tag="245", indicators=["0", "0"], subfields=subfields))
    record.add_field(
        pymarc.Field(
            tag="260",
            indicators=[" ", " "],
            subfields=[pymarc.Subfield("a", "Washington"), pymarc.Subfield("b", publisher), pymarc.Subfield("c", year)],
        )
    )
    record.add_field(pymarc.Field(tag="852", indicators=[" ", " "], subfields=[pymarc.Subfield("p", f"B-{local_id}")]))
    return record.as_marc()


def test_textbook_grade_volumes_stay_two_records(school, other_school):
    """Issue 14: kelas X and kelas XI of one textbook, different ISBNs, were merged into one record."""
    header = "title,subtitle,isbn,publisher,year,barcode\n"
    tenth = "Matematika,untuk SMA/MA kelas X,9786022980742,Erlangga,2016,B1\n"
    eleventh = "Matematika,untuk SMA/MA kelas XI,9786022980759,Erlangga,2016,B2\n"
    import_bytes(library=school, data=(header + tenth).encode(), filename="a.csv")
    report = import_bytes(library=other_school, data=(header + eleventh).encode(), filename="b.csv")
    assert report.created == 1 and report.joined == 0 and report.to_review == 0
    assert sorted(Record.objects.values_list("subtitle", flat=True)) == [
        "untuk SMA/MA kelas X",
        "untuk SMA/MA kelas XI",
    ]


def test_textbook_grades_in_one_file_stay_two_records(school):
    data = (
        "title,subtitle,publisher,year,barcode\n"
        "Matematika,untuk SMA/MA kelas X,Erlangga,2016,B1\n"
        "Matematika,untuk SMA/MA kelas XI,Erlangga,2016,B2\n"
    )
    assert import_bytes(library=school, data=data.encode(), filename="a.csv").created == 2


def test_parts_in_245_p_stay_apart(school, other_school):
    import_bytes(
        library=school, data=marc("c1", "Census of population", number="Vol. 2", part="Alabama"), filename="a.mrc"
    )
    report = import_bytes(
        library=other_school, data=marc("c2", "Census of population", number="Vol. 2", part="Arizona"), filename="b.mrc"
    )
    assert report.created == 1 and report.to_review == 0
    assert set(Record.objects.values_list("title", flat=True)) == {
        "Census of population. Vol. 2. Alabama",
        "Census of population. Vol. 2. Arizona",
    }


def test_titles_differing_only_in_245_b_stay_apart(school, other_school):
    """Issue 14: 40 datasets of one publisher whose titles differ only in $b were merged into one."""
    data = b"".join(
        marc(f"d{year}", "Survei sosial ekonomi nasional", subtitle=f"data kor {year}", publisher="BPS", year="2010")
        for year in range(2001, 2006)
    )
    assert import_bytes(library=school, data=data, filename="a.mrc").created == 5
    again = b"".join(
        marc(f"e{year}", "Survei sosial ekonomi nasional", subtitle=f"data kor {year}", publisher="BPS", year="2010")
        for year in range(2001, 2006)
    )
    report = import_bytes(library=other_school, data=again, filename="b.mrc")
    assert report.joined == 5 and Record.objects.count() == 5
    for record in Record.objects.all():
        assert {source.local_id[1:] for source in record.sources.all()} == {record.subtitle[-4:]}


def test_a_preface_in_roman_numerals_does_not_keep_duplicates_apart(school, other_school):
    one = "title,authors,publisher,year,physical_description,barcode\n"
    import_bytes(
        library=school,
        data=(
            one + 'Asheville and Buncombe county,F.A. Sondley,The Citizen co.,1922,"3 p. l., [v]-viii, 351 p.",B1\n'
        ).encode(),
        filename="a.csv",
    )
    report = import_bytes(
        library=other_school,
        data=(one + 'Asheville and Buncombe county,"Sondley, F. A.",Citizen Co,1922,351 p. ; 21 cm,C1\n').encode(),
        filename="b.csv",
    )
    assert report.joined == 1
    assert Record.objects.get().pages == 351


def test_review_entry_has_score_reasons_and_differing_fields(school, other_school):
    import_bytes(
        library=school,
        data=b"title,authors,publisher,year,barcode\nLaskar Pelangi,Andrea Hirata,Bentang,2005,B1\n",
        filename="a.csv",
    )
    import_bytes(
        library=other_school,
        data=b"title,authors,publisher,year,barcode\nLaskar pelangi,Andrea Hirata,Bentang,2006,C1\n",
        filename="b.csv",
    )
    review = MatchReview.objects.get()
    assert 0.55 <= review.score < 0.8
    assert review.differing == ["year"]
    assert "year -0.10 (2006 / 2005)" in review.reason


def two_reviewed(school, other_school):
    import_bytes(
        library=school,
        data=b"title,authors,publisher,year,barcode\nLaskar Pelangi,Andrea Hirata,Bentang,2005,B1\n",
        filename="a.csv",
    )
    import_bytes(
        library=other_school,
        data=b"title,authors,publisher,year,barcode\nLaskar pelangi,Andrea Hirata,Bentang,2006,C1\n",
        filename="b.csv",
    )
    return MatchReview.objects.get()


def test_a_rejected_pair_is_never_proposed_again(school, other_school, coordinator):
    review = two_reviewed(school, other_school)
    MatchReview.objects.all().delete()
    assert len(dedup_catalog().reviews) == 1  # with no decision, the re-run proposes the pair again
    review = MatchReview.objects.create(
        source=SourceRecord.objects.get(library=other_school), record=review.record, candidate=review.candidate
    )
    services.review_decide(review=review, merge=False, by=coordinator)
    assert DistinctPair.objects.count() == 1
    report = dedup_catalog(by=coordinator, dry_run=False)
    assert report.reviews == [] and report.merges == []
    assert MatchReview.objects.filter(status="open").count() == 0


def test_bulk_decisions(school, other_school, coordinator):
    first = two_reviewed(school, other_school)
    import_bytes(
        library=school,
        data=b"title,authors,publisher,year,barcode\nBumi Manusia,Pramoedya Ananta Toer,Hasta Mitra,1980,B2\n",
        filename="c.csv",
    )
    import_bytes(
        library=other_school,
        data=b"title,authors,publisher,year,barcode\nBumi manusia,Pramoedya Ananta Toer,Hasta Mitra,1981,C2\n",
        filename="d.csv",
    )
    assert MatchReview.objects.filter(status="open").count() == 2
    assert services.review_decide_many(reviews=MatchReview.objects.all(), merge=True, by=coordinator) == 2
    assert Record.objects.count() == 2 and not MatchReview.objects.filter(status="open").exists()
    assert first.pk not in MatchReview.objects.values_list("pk", flat=True)  # the merged record took its review along


def test_bulk_decisions_need_a_coordinator(school, other_school, librarian):
    review = two_reviewed(school, other_school)
    with pytest.raises(PermissionDenied):
        services.review_decide_many(reviews=[review], merge=False, by=librarian)
    assert not DistinctPair.objects.exists()


def _old_catalog(school, other_school):
    """Two records of one edition that an earlier import (older rules) left apart."""
    import_bytes(
        library=school,
        data=b"local_id,title,authors,publisher,year,barcode\n"
        b"A1,Bumi Manusia,Pramoedya Ananta Toer,Hasta Mitra,1980,B1\n",
        filename="a.csv",
    )
    import_bytes(
        library=other_school,
        data=b"local_id,title,authors,publisher,year,barcode\nX1,Sang Pemimpi,Andrea Hirata,Bentang,2006,C1\n",
        filename="b.csv",
    )
    second = Record.objects.get(title="Sang Pemimpi")
    Record.objects.filter(pk=second.pk).update(
        title="Bumi manusia",
        authors=[{"name": "Toer, Pramoedya Ananta", "role": "author"}],
        publisher="Hasta Mitra",
        year=1980,
        match_key="old|key",
    )
    return Record.objects.order_by("pk")


def test_dry_run_reports_and_changes_nothing(school, other_school):
    first, second = _old_catalog(school, other_school)
    report = dedup_catalog(dry_run=True)
    assert [(keep, merge) for keep, merge, _score, _reasons in report.merges] == [(first.pk, second.pk)]
    assert report.rekeyed == 1
    assert Record.objects.count() == 2 and Record.objects.get(pk=second.pk).match_key == "old|key"


def test_rerun_merges_reversibly(school, other_school, coordinator):
    first, second = _old_catalog(school, other_school)
    report = dedup_catalog(by=coordinator, dry_run=False)
    assert len(report.merges) == 1 and Record.objects.count() == 1
    assert CatalogAudit.objects.filter(action="merge").count() == 1
    kept = Record.objects.get()
    services.record_split(record=kept, sources=list(kept.sources.filter(library=other_school)), by=coordinator)
    assert Record.objects.count() == 2
    # Split apart by a coordinator: the next run leaves the pair alone.
    again = dedup_catalog(by=coordinator, dry_run=False)
    assert again.merges == [] and Record.objects.count() == 2


def test_rerun_needs_a_coordinator(school, other_school, librarian):
    _old_catalog(school, other_school)
    with pytest.raises(PermissionDenied):
        dedup_catalog(by=librarian, dry_run=False)
    assert Record.objects.count() == 2


def test_dedup_command_dry_run(school, other_school, capsys):
    _old_catalog(school, other_school)
    call_command("dedup_catalog")
    out = capsys.readouterr().out
    assert "would merge 1" in out and "identical" in out
    assert Record.objects.count() == 2


# --- features kept with the record -------------------------------------------------------------------------


def _kept_and_computed():
    ids = list(Record.objects.values_list("pk", flat=True))
    kept, missing = kept_features(ids)
    return kept, missing, computed_features(ids)


def test_kept_features_are_those_an_import_computes_from_the_columns(school, other_school, data_file, monkeypatch):
    """The nightly task keeps each record's features; they are the ones an import computes from the record's columns
    and the ones the import that wrote the record computed from its parse (real records of every kind)."""
    report = import_bytes(library=school, data=data_file("evergreen_lul_fre_500.mrc").read_bytes(), filename="l.mrc")
    assert kept_features(list(Record.objects.values_list("pk", flat=True)))[0] == {}  # not on the import's path
    assert keep_features_task.call() == report.created
    kept, missing, computed = _kept_and_computed()
    assert len(kept) > 400 and not missing and kept == computed
    assert keep_features_task.call() == 0
    # Read back by the next import, not computed: the same file from another school joins every record.
    monkeypatch.setattr("catalog.ingest.pipeline.computed_features", lambda ids: pytest.fail(f"computed {ids}"))
    again = import_bytes(library=other_school, data=data_file("evergreen_lul_fre_500.mrc").read_bytes(), filename="l")
    assert again.created == 0 and again.joined == report.created


def test_kept_features_are_those_of_the_columns_as_cut(school):
    """A publisher longer than its column is cut when written: the import's features read the cut value too."""
    publisher = "Penerbit " + " ".join(f"Cabang{n}" for n in range(60))
    data = f"title,publisher,year,barcode\nBumi Manusia,{publisher},1980,B1\n".encode()
    import_bytes(library=school, data=data, filename="a.csv")
    keep_features_task.call()
    kept, missing, computed = _kept_and_computed()
    assert len(publisher) > 255 and not missing and kept == computed


def test_a_change_of_a_read_column_empties_the_kept_features(school):
    import_bytes(library=school, data=marc("A1", "Laporan tahunan", number="1952"), filename="a.mrc")
    keep_features_task.call()
    record = Record.objects.get()
    record.summary = "Ringkasan."
    record.save()
    assert kept_features([record.pk])[1] == []  # a column the features do not read: kept
    record.title = "Laporan bulanan"
    record.save()
    assert kept_features([record.pk])[1] == [record.pk]
    keep_features_task.call()
    assert kept_features([record.pk])[0][record.pk].title == ("laporan", "bulanan")


def test_features_of_another_version_are_computed_again(school, other_school, monkeypatch):
    import_bytes(library=school, data=marc("A1", "Laporan tahunan", part="Jawa Barat"), filename="a.mrc")
    keep_features_task.call()
    monkeypatch.setattr(matching, "FEATURES_VERSION", matching.FEATURES_VERSION + 1)
    assert kept_features(list(Record.objects.values_list("pk", flat=True)))[0] == {}
    # The same edition from another school is still found (features computed from the columns); a re-run keeps
    # them at the new version.
    report = import_bytes(library=other_school, data=marc("X1", "Laporan tahunan", part="Jawa Barat"), filename="b.mrc")
    assert report.joined == 1
    assert dedup_catalog(dry_run=True).features_kept == 1
    kept, missing, computed = _kept_and_computed()
    assert not missing and kept == computed


def test_unreadable_kept_features_are_computed_again():
    assert matching.unpack(b"not marshal") is None
    assert matching.unpack(None) is None
    found = matching.features(title="Bumi manusia", authors=[{"name": "Toer, Pramoedya Ananta"}], year=1980)
    assert matching.unpack(matching.pack(found)) == found
