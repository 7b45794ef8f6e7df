import pymarc
import pytest

from catalog.ingest import import_bytes, import_file
from catalog.matching import MERGE, compare, features_of
from catalog.models import Holding, MatchReview, Record, SourceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    # Reports are translated; these tests read the English wording.
    from django.utils import translation

    with translation.override("en"):
        yield


def test_concerto_marcxml_imports_all_records(school, data_file):
    report = import_file(library=school, path=data_file("evergreen_concerto_bibs.xml"))
    assert not report.rejected
    assert report.records_read == 344
    assert report.created + report.joined == 344
    assert report.skipped == []
    assert SourceRecord.objects.filter(library=school).count() == 344
    assert Record.objects.count() == report.created
    assert Holding.objects.filter(library=school).count() == report.holdings_added > 0


def test_concerto_dedups_exact_duplicates_but_keeps_material_types_apart(school, data_file):
    import_file(library=school, path=data_file("evergreen_concerto_bibs.xml"))
    hobbits = Record.objects.filter(title__icontains="hobbit")
    # The Hobbit in several forms (book, large print, audio, DVD): never one record across material types.
    assert hobbits.values("material_type").distinct().count() >= 2
    # No two records left that deduplication would merge (same key, other editions: kept apart).
    found = [features_of(record) for record in hobbits]
    for index, one in enumerate(found):
        for other in found[index + 1 :]:
            assert compare(one, other).decision != MERGE


def test_same_file_for_two_schools_gives_one_record_with_both_schools(school, other_school, data_file):
    first = import_file(library=school, path=data_file("evergreen_jazz_1k.mrc"))
    records_after_first = Record.objects.count()
    second = import_file(library=other_school, path=data_file("evergreen_jazz_1k.mrc"))
    assert Record.objects.count() == records_after_first
    assert second.created == 0 and second.joined == 1000
    assert first.holdings_added == second.holdings_added == 1238
    record = Record.objects.filter(holdings__isnull=False).first()
    assert set(record.holdings.values_list("library__code", flat=True)) == {"SMAN1MDN", "SMPN7MDN"}
    assert record.sources.count() == 2


def test_reimporting_the_same_file_changes_nothing(school, data_file):
    import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    snapshot = list(Holding.objects.order_by("pk").values_list("pk", "version", "updated_at"))
    again = import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    assert (again.created, again.joined, again.updated, again.unchanged) == (0, 0, 0, 100)
    assert (again.holdings_added, again.holdings_updated, again.holdings_unchanged) == (0, 0, 114)
    assert list(Holding.objects.order_by("pk").values_list("pk", "version", "updated_at")) == snapshot


def test_changed_file_updates_what_changed(school, data_file):
    data = data_file("evergreen_lul_fre_100.mrc").read_bytes()
    import_bytes(library=school, data=data, filename="a.mrc")
    records = list(pymarc.MARCReader(data, to_unicode=True, hide_utf8_warnings=True))
    first = records[0]
    first.get("949")["l"] = "RAK-BARU"
    first.leader = first.leader  # keep leader; pymarc recomputes lengths on as_marc
    changed = b"".join(r.as_marc() for r in records)
    report = import_bytes(library=school, data=changed, filename="b.mrc")
    assert report.holdings_updated == 1
    assert Holding.objects.filter(shelf_location="RAK-BARU").count() == 1


def test_marc8_records_are_decoded(school, data_file):
    import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    assert (
        Record.objects.filter(title__contains="é").exists()
        or Record.objects.filter(responsibility__regex=r"[éèàç]").exists()
    )


def test_mislabelled_utf8_is_read_as_utf8(school, data_file):
    report = import_file(library=school, path=data_file("evergreen_FSL.marc"))
    assert report.skipped == []
    assert Record.objects.filter(title__regex=r"[А-Яа-яԱ-Ֆա-ֆ]").count() > 10


def test_nepali_utf8_with_852_accession_numbers(school, data_file):
    report = import_file(library=school, path=data_file("evergreen_nepali.marc"))
    assert report.records_read == 96 and report.holdings_added > 0


def test_record_with_a_broken_leader_is_read_with_a_warning(school, data_file):
    # Record 28 has a byte that is not ASCII in its leader: pymarc refuses it; the tolerant reader reads it.
    report = import_file(library=school, path=data_file("evergreen_oss.marc"))
    assert report.records_read == 42
    assert report.skipped == []
    assert report.created + report.joined == 42
    assert any(w["record"] == 28 and "leader" in w["message"] for w in report.warnings)


def test_bare_marcxml_records_without_collection_or_namespace(school, data_file):
    report = import_file(library=school, path=data_file("evergreen_serials_marc21.xml"))
    assert report.records_read == 7 and not report.skipped
    assert Record.objects.filter(material_type="serial").count() >= 1


def test_invalid_isbns_are_reported_with_their_record(school, data_file):
    report = import_file(library=school, path=data_file("evergreen_badisbns.xml"))
    assert report.records_read == 10
    assert report.warnings and all("record" in w for w in report.warnings)
    for record in Record.objects.all():
        assert all(len(isbn) == 13 for isbn in record.isbns)


def test_koha_sample(school, data_file):
    report = import_file(library=school, path=data_file("koha_sample_bibs.xml"))
    assert report.records_read == 436 and not report.rejected


def test_slims_biblio_table_csv(school, data_file):
    report = import_file(library=school, path=data_file("slims_sample_biblio.csv"))
    assert report.records_read == 15 and not report.skipped
    php = Record.objects.get(title__startswith="PHP 5 for dummies")
    assert php.isbns == ["9780764541667"] and php.year == 2004 and php.pages == 392
    assert php.language == "eng" and php.series == "For dummies"


def test_uncertain_match_goes_to_review_not_merged(school, other_school):
    csv_a = "local_id,title,authors,publisher,year,barcode\nA1,Laskar Pelangi,Andrea Hirata,Bentang Pustaka,2005,B1\n"
    csv_b = 'local_id,title,authors,publisher,year,barcode\nX9,Laskar pelangi!,"Hirata, Andrea",Bentang,2006,B1\n'
    import_bytes(library=school, data=csv_a.encode(), filename="a.csv")
    report = import_bytes(library=other_school, data=csv_b.encode(), filename="b.csv")
    assert report.created == 1 and report.to_review == 1
    assert Record.objects.count() == 2
    assert MatchReview.objects.filter(status="open").count() == 1


@pytest.mark.parametrize("batch_size", [2, 100])
def test_review_candidates_within_one_file_and_across_batches(school, monkeypatch, batch_size):
    """An edition a year apart is queued against the earlier record of the same file, whether it came in the same
    batch or an earlier one; two years apart, or another material type, it is not."""
    import catalog.ingest.pipeline

    monkeypatch.setattr(catalog.ingest.pipeline, "BATCH_SIZE", batch_size)
    rows = [
        "L1,Ronggeng Dukuh Paruk,Ahmad Tohari,Gramedia,2003,,R1",
        "L2,Ronggeng dukuh paruk,Ahmad Tohari,Gramedia Pustaka,2004,,R2",
        "L3,Ronggeng Dukuh Paruk,Ahmad Tohari,Gramedia Utama,2009,,R3",
        "L4,Ronggeng Dukuh Paruk,Ahmad Tohari,Gramedia Film,2004,av,R4",
    ]
    data = "local_id,title,authors,publisher,year,material_type,barcode\n" + "\n".join(rows) + "\n"
    report = import_bytes(library=school, data=data.encode(), filename="r.csv")
    assert report.created == 4 and report.to_review == 1
    review = MatchReview.objects.get()
    first = SourceRecord.objects.get(local_id="L1").record
    assert (review.candidate, review.record) == (first, SourceRecord.objects.get(local_id="L2").record)


def test_a_record_created_between_two_batches_is_found_by_the_next_batch(school, monkeypatch):
    """An import asks the catalog for a blocking key once, not at every batch, as long as nobody else creates
    records; a record created meanwhile (here by the catalog form's way, between the first and second batch)
    makes the next batch ask again, and its edition joins it."""
    import catalog.ingest.pipeline
    from catalog.matching import block_key

    monkeypatch.setattr(catalog.ingest.pipeline, "BATCH_SIZE", 2)
    rows = [
        "L1,Bumi Manusia,Pramoedya Ananta Toer,Hasta Mitra,1980,B1",
        "L2,Anak Semua Bangsa,Pramoedya Ananta Toer,Hasta Mitra,1981,B2",
        "L3,Bumi manusia,Pramoedya Ananta Toer,Lentera Dipantara,2005,B3",
    ]
    data = "local_id,title,authors,publisher,year,barcode\n" + "\n".join(rows) + "\n"
    created = []

    def between_batches(done, total):
        if done == 2:
            created.append(
                Record.objects.create(
                    title="Bumi Manusia",
                    authors=[{"name": "Pramoedya Ananta Toer", "role": "author"}],
                    publisher="Lentera Dipantara",
                    year=2005,
                    match_key=block_key("Bumi Manusia"),
                )
            )

    report = import_bytes(library=school, data=data.encode(), filename="b.csv", progress=between_batches)
    assert (report.created, report.joined) == (2, 1)
    assert SourceRecord.objects.get(local_id="L3").record == created[0]
    assert SourceRecord.objects.get(local_id="L1").record != created[0]


def test_a_catalog_record_withdrawn_between_two_batches_is_not_joined(school, other_school, monkeypatch):
    """The catalog's records of a blocking key stay in the import's index from one batch to the next; one deleted
    meanwhile (no new record, so the look-up is not repeated) sends the batch back, and the next attempt asks the
    catalog again: the edition that would have joined it becomes a record of its own."""
    import catalog.ingest.pipeline

    header = "local_id,title,authors,publisher,year,barcode\n"
    theirs = "T1,Bumi Manusia,Pramoedya Ananta Toer,Lentera Dipantara,2005,X1\n"
    import_bytes(library=other_school, data=(header + theirs).encode(), filename="t.csv")
    withdrawn = SourceRecord.objects.get(library=other_school).record_id
    monkeypatch.setattr(catalog.ingest.pipeline, "BATCH_SIZE", 1)
    rows = [
        "L1,Bumi Manusia,Pramoedya Ananta Toer,Hasta Mitra,1980,B1",
        "L2,Bumi manusia,Pramoedya Ananta Toer,Lentera Dipantara,2005,B2",
    ]

    def between_batches(done, total):
        if done == 1:
            Holding.objects.filter(record_id=withdrawn).delete()
            SourceRecord.objects.filter(record_id=withdrawn).delete()
            Record.objects.filter(pk=withdrawn).delete()

    report = import_bytes(
        library=school, data=(header + "\n".join(rows) + "\n").encode(), filename="b.csv", progress=between_batches
    )
    assert (report.created, report.joined, report.skipped) == (2, 0, [])
    assert not Record.objects.filter(pk=withdrawn).exists()
    assert Holding.objects.filter(library=school).count() == 2


def test_a_source_added_meanwhile_sends_the_batch_the_careful_way(school, data_file, monkeypatch):
    """A library's first import does not look its sources up; if the same record ids arrived meanwhile (another
    import of that library), the batch is written again the careful way and updates them, doubling nothing."""
    import catalog.ingest.pipeline

    import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    original_init = catalog.ingest.pipeline._Importer.__init__

    def forgetful_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.had_sources = False  # as if the first import had come while this one started

    monkeypatch.setattr(catalog.ingest.pipeline._Importer, "__init__", forgetful_init)
    again = import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    assert (again.unchanged, again.created, again.holdings_added) == (100, 0, 0)
    assert SourceRecord.objects.filter(library=school).count() == 100


def test_match_key_joins_accent_and_case_variants(school, other_school):
    csv_a = "title,authors,publisher,year,barcode\nBumi Manusia,Pramoedya Ananta Toer,Hasta Mitra,1980,B1\n"
    csv_b = 'title,authors,publisher,year,barcode\nBUMI MANUSIA.,"Toer, Pramoedya Ananta",Hasta Mitra,1980,B7\n'
    import_bytes(library=school, data=csv_a.encode(), filename="a.csv")
    report = import_bytes(library=other_school, data=csv_b.encode(), filename="b.csv")
    assert report.joined == 1 and Record.objects.count() == 1


def test_clearly_different_page_counts_are_not_joined(school, other_school):
    csv_a = "title,authors,year,physical_description,barcode\nFisika,Marthen Kanginan,2016,320 hlm.,B1\n"
    csv_b = "title,authors,year,physical_description,barcode\nFisika,Marthen Kanginan,2016,96 hlm.,B2\n"
    import_bytes(library=school, data=csv_a.encode(), filename="a.csv")
    report = import_bytes(library=other_school, data=csv_b.encode(), filename="b.csv")
    assert report.created == 1 and Record.objects.count() == 2


def test_isbn_joins_even_when_titles_differ(school, other_school):
    csv_a = "title,isbn,barcode\nMatematika Kelas X,978-602-427-107-7,B1\n"
    csv_b = "title,isbn,barcode\nMatematika SMA/MA Kelas 10,9786024271077,B1\n"
    import_bytes(library=school, data=csv_a.encode(), filename="a.csv")
    assert import_bytes(library=other_school, data=csv_b.encode(), filename="b.csv").joined == 1


def test_same_isbn_different_material_type_is_not_joined(school, other_school):
    csv_a = "title,isbn,material_type,barcode\nThe Hobbit,9780261102217,book,B1\n"
    csv_b = "title,isbn,material_type,barcode\nThe Hobbit,9780261102217,av,B2\n"
    import_bytes(library=school, data=csv_a.encode(), filename="a.csv")
    assert import_bytes(library=other_school, data=csv_b.encode(), filename="b.csv").created == 1


# --- bad input -------------------------------------------------------------------------------


def holdings_snapshot(library):
    return list(Holding.objects.filter(library=library).order_by("pk").values_list("pk", "barcode", "version"))


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"", "empty.mrc", "empty"),
        (b"   \n", "blank.csv", "empty"),
        (b"judul,pengarang\nA,B\n", "no-title.csv", "title"),
        (b"<collection><record><leader>bad", "broken.xml", "XML"),
        (b"\x00\x01\x02 not marc", "x.mrc", "MARC21"),
    ],
)
def test_rejected_files_change_nothing(school, data_file, data, filename, message):
    import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    before = holdings_snapshot(school)
    report = import_bytes(library=school, data=data, filename=filename)
    assert message.lower() in report.rejected.lower()
    assert holdings_snapshot(school) == before


def test_truncated_marc_reports_the_last_record(school, data_file):
    data = data_file("evergreen_lul_fre_100.mrc").read_bytes()
    report = import_bytes(library=school, data=data[: len(data) - 300], filename="cut.mrc")
    assert report.created == 99
    assert len(report.skipped) == 1 and report.skipped[0]["record"] == 100
    assert "truncated" in report.skipped[0]["reason"]


def test_corrupt_record_in_the_middle_is_skipped(school, data_file):
    records = data_file("evergreen_lul_fre_100.mrc").read_bytes().split(b"\x1d")
    records[4] = b"99999" + records[4][5:]  # a lying leader
    report = import_bytes(library=school, data=b"\x1d".join(records), filename="bad.mrc")
    # Intact between its terminators: read, with a warning that the leader's length was wrong.
    assert report.skipped == []
    assert report.created == 100
    assert any(w["record"] == 5 and "99999" in w["message"] for w in report.warnings)


def test_wrong_encoding_csv_is_still_read(school):
    data = "title,authors,barcode\nCaf\u00e9 Sastra,Ayu Utami,B1\n".encode("cp1252")
    report = import_bytes(library=school, data=data, filename="latin.csv")
    assert report.created == 1 and Record.objects.get().title == "Café Sastra"


def test_barcode_twice_in_one_file(school):
    data = b"title,barcode\nBuku A,B1\nBuku B,B1\n"
    report = import_bytes(library=school, data=data, filename="dup.csv")
    assert report.holdings_added == 1
    assert any("B1" in w["message"] and w["record"] == 3 for w in report.warnings)


def test_csv_row_without_title_is_skipped_with_its_row(school):
    report = import_bytes(library=school, data=b"title,barcode\n,B1\nBuku,B2\n", filename="x.csv")
    assert [s["record"] for s in report.skipped] == [2]
    assert report.created == 1


def test_too_large_file_is_refused(school, tmp_path, settings):
    settings.CATALOG_UPLOAD_MAX_BYTES = 1000
    big = tmp_path / "big.mrc"
    big.write_bytes(b"0" * 2000)
    report = import_file(library=school, path=big)
    assert "limit" in report.rejected
    assert not Holding.objects.exists()


# --- export ----------------------------------------------------------------------------------


def _fields(record: pymarc.Record) -> list[tuple]:
    return [
        (f.tag, tuple((s.code, s.value) for s in f.subfields) if f.is_control_field() is False else f.data)
        for f in record.fields
        if f.tag not in ("852", "949", "952")
    ]


@pytest.mark.parametrize("filename", ["evergreen_lul_fre_100.mrc", "evergreen_jazz_1k.mrc", "evergreen_FSL.marc"])
def test_marc_round_trip_keeps_fields(school, data_file, filename):
    from catalog.exporting import export_marc

    original = list(
        pymarc.MARCReader(
            data_file(filename).read_bytes(),
            to_unicode=True,
            hide_utf8_warnings=True,
            force_utf8=filename == "evergreen_FSL.marc",
        )
    )
    import_file(library=school, path=data_file(filename))
    exported = b"".join(export_marc(school))
    back = list(pymarc.MARCReader(exported, to_unicode=True))
    assert len(back) == len(original)
    for record, again in zip(original, back, strict=True):
        assert _fields(again) == _fields(record)
    holdings_852 = sum(len(r.get_fields("852")) for r in back)
    assert holdings_852 == Holding.objects.filter(library=school).count()


def test_marcxml_and_csv_exports_read_back(school, other_school, data_file):
    import csv as csvmod
    import io

    from catalog.exporting import export_csv, export_marcxml

    import_file(library=school, path=data_file("slims_sample_biblio.csv"))
    import_file(library=other_school, path=data_file("evergreen_concerto_bibs.xml"))
    xml = b"".join(export_marcxml(None))
    records = pymarc.parse_xml_to_array(io.BytesIO(xml))
    assert len(records) == Record.objects.count()
    rows = list(csvmod.DictReader(io.StringIO(b"".join(export_csv(school)).decode("utf-8-sig"))))
    assert {row["title"] for row in rows} >= {"PHP 5 for dummies"}
    # The exported CSV imports again as the same records.
    report = import_bytes(library=school, data=b"".join(export_csv(school)), filename="again.csv")
    assert report.rejected == "" and report.created == 0


def test_import_and_export_commands(school, data_file, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "import_records", str(data_file("evergreen_lul_fre_100.mrc")), library="sman1mdn", stdout=out, stderr=StringIO()
    )
    text = out.getvalue()
    assert "records created           100" in text and "holdings added            114" in text
    target = tmp_path / "out.xml"
    call_command("export_records", library="SMAN1MDN", format="marcxml", output=str(target), stderr=StringIO())
    assert len(pymarc.parse_xml_to_array(str(target))) == 100


def test_import_command_reports_a_rejected_file(school, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    empty = tmp_path / "empty.mrc"
    empty.write_bytes(b"")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", str(empty), library="SMAN1MDN", stdout=out, stderr=StringIO())
    assert "empty" in out.getvalue()
    with pytest.raises(CommandError, match="No member library"):
        call_command("import_records", str(empty), library="NOPE", stdout=out)


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_parsing_in_worker_processes_gives_the_same_import(
    school, other_school, data_file, settings, monkeypatch, start_method
):
    """Big files are parsed by worker processes while batches are written; the outcome must not change, whether
    the workers were forked with the file's records in memory or started clean and sent each piece."""
    import catalog.ingest.pipeline
    import catalog.ingest.readers

    data = data_file("evergreen_jazz_1k.mrc").read_bytes()
    inline = import_bytes(library=school, data=data, filename="jazz.mrc")
    monkeypatch.setattr(catalog.ingest.pipeline, "PARALLEL_MIN_RECORDS", 1)
    monkeypatch.setattr(catalog.ingest.pipeline, "BATCH_SIZE", 300)
    settings.CATALOG_IMPORT_PARSE_WORKERS = 2
    # Other threads alive (the test runner's) or not: that decides how the workers start.
    monkeypatch.setattr(catalog.ingest.readers.threading, "active_count", lambda: 1 if start_method == "fork" else 2)
    started_by = []
    get_context = catalog.ingest.readers.multiprocessing.get_context
    monkeypatch.setattr(
        catalog.ingest.readers.multiprocessing,
        "get_context",
        lambda method: started_by.append(method) or get_context(method),
    )
    parallel = import_bytes(library=other_school, data=data, filename="jazz.mrc")
    assert started_by == [start_method]
    assert catalog.ingest.readers._forked_bodies == []  # not kept after the workers have their copy
    assert (parallel.records_read, parallel.joined, parallel.created) == (1000, 1000, 0)
    assert parallel.holdings_added == inline.holdings_added == 1238
    assert parallel.skipped == inline.skipped
    assert [w["record"] for w in parallel.warnings] == [w["record"] for w in inline.warnings]
    assert SourceRecord.objects.filter(library=other_school).count() == 1000
    # Each school's copies sit under the same records.
    mine = dict(Holding.objects.filter(library=school).values_list("barcode", "record_id"))
    theirs = dict(Holding.objects.filter(library=other_school).values_list("barcode", "record_id"))
    assert mine == theirs


def test_new_records_carry_the_holdings_summary_the_trigger_would_give(school, data_file):
    from django.db import connection

    import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    before = list(
        Record.objects.order_by("pk").values_list("holding_library_ids", "available_library_ids", "last_added")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT catalog_refresh_holding_summary(ARRAY(SELECT id FROM catalog_record))")
    after = list(
        Record.objects.order_by("pk").values_list("holding_library_ids", "available_library_ids", "last_added")
    )
    assert before == after
    assert all(held == [school.pk] for held, _avail, _added in before if held)


def test_summaries_of_records_another_school_joins_are_what_the_trigger_would_give(school, other_school, data_file):
    """An import's COPY of new copies leaves the insert trigger's check out (silang.holding_summaries_given) and
    refreshes the records it joined itself: every summary must be what a full refresh gives."""
    from django.db import connection

    import_file(library=school, path=data_file("evergreen_jazz_1k.mrc"))
    joined = import_file(library=other_school, path=data_file("evergreen_jazz_1k.mrc"))
    assert joined.joined == 1000

    def summaries():
        return list(
            Record.objects.order_by("pk").values_list("holding_library_ids", "available_library_ids", "last_added")
        )

    before = summaries()
    with connection.cursor() as cursor:
        cursor.execute("SELECT catalog_refresh_holding_summary(ARRAY(SELECT id FROM catalog_record))")
    assert summaries() == before
    assert sum(1 for held, _avail, _added in before if sorted(held) == sorted([school.pk, other_school.pk])) > 500


@pytest.mark.parametrize("fast", [True, False])
def test_fast_and_careful_writes_give_the_same_catalog(school, other_school, data_file, settings, fast):
    """Fast writes switch the per-row foreign-key checks off after locking what they point to; the careful
    way (no privilege for that, or a batch sent back) must give the same result."""
    settings.CATALOG_IMPORT_FAST_WRITES = fast
    first = import_file(library=school, path=data_file("evergreen_jazz_1k.mrc"))
    second = import_file(library=other_school, path=data_file("evergreen_jazz_1k.mrc"))
    again = import_file(library=other_school, path=data_file("evergreen_jazz_1k.mrc"))
    assert (first.created, second.joined, second.holdings_added) == (first.created, 1000, 1238)
    assert (again.unchanged, again.holdings_unchanged, again.holdings_added) == (1000, 1238, 0)
    record = Record.objects.filter(holdings__isnull=False).first()
    assert sorted(record.holding_library_ids) == sorted([school.pk, other_school.pk])


def test_a_barcode_added_meanwhile_sends_the_batch_the_careful_way(school, data_file, monkeypatch):
    """The fast path COPYs barcodes the library did not have when the import began; if one appeared since,
    the batch is rolled back whole and written again with the upsert, and nothing is lost or doubled."""
    import catalog.ingest.pipeline

    import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    holdings = Holding.objects.filter(library=school).count()
    original_init = catalog.ingest.pipeline._Importer.__init__

    def forgetful_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.known_barcodes = set()  # as if every copy had been added after the import began

    monkeypatch.setattr(catalog.ingest.pipeline._Importer, "__init__", forgetful_init)
    again = import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    assert (again.unchanged, again.holdings_unchanged, again.holdings_added) == (100, 114, 0)
    assert Holding.objects.filter(library=school).count() == holdings


def test_a_record_merged_away_during_an_import_is_not_pointed_to(school, other_school, data_file, monkeypatch):
    """Fast writes lock the records they join; one that has gone sends the batch back to the careful way."""
    import catalog.ingest.pipeline

    import_file(library=school, path=data_file("evergreen_lul_fre_100.mrc"))
    calls = []
    original = catalog.ingest.pipeline._Importer.lock_references

    def lock_once_missing(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise catalog.ingest.pipeline._Retry
        return original(self, **kwargs)

    monkeypatch.setattr(catalog.ingest.pipeline._Importer, "lock_references", lock_once_missing)
    report = import_file(library=other_school, path=data_file("evergreen_lul_fre_100.mrc"))
    assert report.joined == 100 and report.holdings_added == 114
    assert len(calls) == 1  # the retry is the careful way, which does not take this path
    assert not Holding.objects.filter(library=other_school, record__isnull=True).exists()


def test_worker_parsing_from_a_thread_uses_a_clean_process(school, data_file, settings, monkeypatch):
    """An upload handled in a web server's thread: the parse workers are not forked from the busy process."""
    import threading

    import catalog.ingest.pipeline

    monkeypatch.setattr(catalog.ingest.pipeline, "PARALLEL_MIN_RECORDS", 1)
    monkeypatch.setattr(catalog.ingest.pipeline, "BATCH_SIZE", 400)
    settings.CATALOG_IMPORT_PARSE_WORKERS = 1
    data = data_file("evergreen_jazz_1k.mrc").read_bytes()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # another thread alive, as in a threaded server
    other.start()
    try:
        report = import_bytes(library=school, data=data, filename="jazz.mrc")
    finally:
        stop.set()
        other.join()
    assert report.records_read == 1000 and report.holdings_added == 1238


def test_changed_record_from_a_worker_updates_the_whole_description(school, data_file, settings, monkeypatch):
    """Workers send back only the importer's part of a record; an update re-reads the rest from the MARC."""
    import gc

    import catalog.ingest.pipeline

    monkeypatch.setattr(catalog.ingest.pipeline, "PARALLEL_MIN_RECORDS", 1)
    monkeypatch.setattr(catalog.ingest.pipeline, "BATCH_SIZE", 300)
    settings.CATALOG_IMPORT_PARSE_WORKERS = 2
    data = data_file("evergreen_jazz_1k.mrc").read_bytes()
    import_bytes(library=school, data=data, filename="jazz.mrc")
    head, terminator, rest = data.partition(b"\x1d")
    title = next(pymarc.MARCReader(data, to_unicode=True, force_utf8=False))["245"]["a"]
    start = head.index(title[:8].encode())  # the same length keeps the leader and directory right
    changed = head[:start] + b"Zzzzzzzz" + head[start + 8 :] + terminator + rest
    report = import_bytes(library=school, data=changed, filename="jazz.mrc")
    assert (report.updated, report.unchanged) == (1, 999)
    source = SourceRecord.objects.get(library=school, data=head[:start] + b"Zzzzzzzz" + head[start + 8 :] + b"\x1d")
    assert source.record.title.startswith("Zzzzzzzz")
    assert gc.isenabled()  # the collector paused for the import is back on


def test_record_fields_come_in_the_copy_column_order():
    from catalog.ingest.bibdata import RECORD_COLUMNS, BibData

    assert tuple(BibData(title="x").record_fields()) == RECORD_COLUMNS


@pytest.mark.parametrize(
    "authors",
    [
        [],
        [{"name": "Pramoedya Ananta Toer"}, {"name": "Café"}],
        [{"role": "editor"}, {"name": None}, "x", {"name": "A"}],
    ],
)
def test_the_second_sessions_author_names_are_what_catalog_author_names_reads(authors):
    import json

    from django.db import connection

    from catalog.ingest.bibdata import BibData
    from catalog.ingest.readers import vector_input_text

    row = vector_input_text(BibData(title="Bumi Manusia", authors=authors, subjects=["Sastra"]).record_fields())
    names = row.split("\t")[3]
    with connection.cursor() as cursor:
        cursor.execute("SELECT catalog_author_names(%s::jsonb)", [json.dumps(authors)])
        expected = cursor.fetchone()[0]
    assert names == ("\\N" if expected is None else expected)


def _words_the_trigger_would_count():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, count(*) FROM catalog_record r,"
            " LATERAL catalog_record_words(r.title, r.subtitle, r.authors, r.subjects, r.series) w GROUP BY w"
        )
        return dict(cursor.fetchall())


def _assert_vectors_and_words_are_the_triggers():
    """Every record's search vector, and the suggestion words' counts, as the triggers would have made them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM catalog_record WHERE search_vector IS DISTINCT FROM catalog_record_tsv(title,"
            " subtitle, responsibility, authors, subjects, series, summary, publisher)"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT word, ndoc FROM catalog_search_word")
        assert dict(cursor.fetchall()) == _words_the_trigger_would_count()


@pytest.mark.parametrize("session_works", [True, False])
def test_vectors_and_words_from_the_second_session_are_what_the_triggers_give(
    school, data_file, settings, monkeypatch, session_works
):
    """A big import computes search vectors and suggestion words in a second session while it writes; the
    catalog must end up exactly as if the triggers had done it, and if that session fails, they do."""

    import catalog.ingest.pipeline

    monkeypatch.setattr(catalog.ingest.pipeline, "PARALLEL_MIN_RECORDS", 1)
    monkeypatch.setattr(catalog.ingest.pipeline, "BATCH_SIZE", 300)
    settings.CATALOG_IMPORT_PARSE_WORKERS = 2
    computed, left = [], []
    original = catalog.ingest.pipeline._VectorSession._vectors

    def watched(self, rows):
        if not session_works:
            raise OSError("the second session is gone")
        result = original(self, rows)
        computed.append(len(result))
        # Each batch's rows are gone once its vectors are back: a later batch does not scan them again.
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size('silang_vector_input')")
            left.append(cursor.fetchone()[0])
        self.conn.rollback()
        return result

    monkeypatch.setattr(catalog.ingest.pipeline._VectorSession, "_vectors", watched)
    report = import_file(library=school, path=data_file("evergreen_jazz_1k.mrc"))
    assert report.created == Record.objects.count() > 900
    assert sum(computed) == (1000 if session_works else 0)
    assert set(left) <= {0}
    _assert_vectors_and_words_are_the_triggers()


def test_vectors_of_texts_with_backslashes_and_quotes_come_back_escaped_for_copy(school, monkeypatch, settings):
    """The second session's vectors are read back as text and escaped for the writing session's COPY: texts with
    backslashes, quotes and tabs must reach the catalog exactly as the trigger makes their vectors."""

    import catalog.ingest.pipeline

    monkeypatch.setattr(catalog.ingest.pipeline, "PARALLEL_MIN_RECORDS", 1)
    settings.CATALOG_IMPORT_PARSE_WORKERS = 2
    titles = ["C:\\Program Files\\Buku", "Jum'at yang 'indah'", 'Kata "kunci" \\n bukan', "Tab\there", "Biasa"]
    records = []
    for number, title in enumerate(titles * 4, start=1):
        record = pymarc.Record(force_utf8=True)
        record.add_field(pymarc.Field(tag="001", data=f"t{number}"))
        record.add_field(
            pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", f"{title} {number}")])
        )
        record.add_field(
            pymarc.Field(tag="650", indicators=[" ", "4"], subfields=[pymarc.Subfield("a", "Back\\slash 'subjek'")])
        )
        records.append(record.as_marc())
    report = import_bytes(library=school, data=b"".join(records), filename="tricky.mrc")
    assert report.created == 20
    _assert_vectors_and_words_are_the_triggers()


def test_a_given_search_vector_counts_only_for_the_import_that_says_so(school):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_record (title, subtitle, responsibility, authors, publisher, place, edition, isbns,"
            " issn, language, material_type, subjects, ddc, series, physical_description, summary, match_key,"
            " created_at, updated_at, search_vector) VALUES ('Laskar Pelangi', '', '', '[]', '', '', '', '{}', '',"
            " '', 'book', '{}', '', '', '', '', 'k', now(), now(), 'bogus') RETURNING search_vector::text"
        )
        assert "pelang" in cursor.fetchone()[0]
        cursor.execute("SELECT word, ndoc FROM catalog_search_word")
        assert dict(cursor.fetchall()) == {"laskar": 1, "pelangi": 1}


def test_the_importers_word_filter_is_the_suggestion_words_filter():
    from django.db import connection

    from catalog.ingest.pipeline import _suggestion_word_counts

    title = "Sejarah 1945 ab 1a ²³⁴ १९४५ Ñandú Café-de-Flore " + "x" * 41 + " " + "y" * 40 + " sejarah"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_to_string(catalog_record_word_list(%s, '', '[{\"name\": \"Pramoedya Ananta Toer\"}]',"
            " '{Sastra}', ''), ' '), ARRAY(SELECT catalog_record_words(%s, '', '[{\"name\": \"Pramoedya Ananta"
            " Toer\"}]', '{Sastra}', ''))",
            [title, title],
        )
        word_list, words = cursor.fetchone()
    assert _suggestion_word_counts([word_list]) == dict.fromkeys(words, 1)
    assert _suggestion_word_counts([word_list, "sejarah nandu 1945"]) == {
        **dict.fromkeys(words, 1),
        "sejarah": 2,
        "nandu": 2,
    }
    assert {"sejarah", "nandu", "cafe", "pramoedya", "y" * 40} <= set(words)


@pytest.mark.parametrize("total", [1, 249, 250, 2_100, 8_000, 20_000, 100_001])
def test_pieces_cover_the_file_small_at_both_ends(total):
    """Parse pieces: contiguous, never above the batch size, a quarter and a half of it first, halving at the end."""
    from catalog.ingest.readers import _piece_bounds

    bounds = list(_piece_bounds(total, 2000))
    assert bounds[0][0] == 0 and bounds[-1][1] == total
    assert all(end == start for (_s, end), (start, _e) in zip(bounds, bounds[1:], strict=False))
    sizes = [end - start for start, end in bounds]
    assert max(sizes) <= 2000 and (min(sizes) >= 250 or total < 250 or len(sizes) == 1)
    if total >= 8_000:
        assert sizes[:3] == [500, 1000, 2000] and sizes[-1] <= 500


def _records_with_ids(local_ids: list[str]) -> list[bytes]:
    """One small MARC record per id (001), titled by its place in the list."""
    records = []
    for number, local_id in enumerate(local_ids, start=1):
        record = pymarc.Record(force_utf8=True)
        record.add_field(pymarc.Field(tag="001", data=local_id))
        record.add_field(
            pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", f"Buku ke-{number}")])
        )
        records.append(record.as_marc())
    return records


def test_source_records_keep_the_files_bytes_and_their_ids(school):
    """Sources go to Postgres in COPY's binary format: the raw record byte for byte, a local id with letters beyond
    ASCII, and the time received."""
    import datetime

    from django.utils import timezone

    records = _records_with_ids(["Bü-001/ä", "SLIMS\\42", "x\ty"])
    before = timezone.now()
    report = import_bytes(library=school, data=b"".join(records), filename="ids.mrc")
    assert report.created == 3
    sources = list(SourceRecord.objects.filter(library=school).order_by("pk"))
    assert [bytes(source.data) for source in sources] == records
    assert [source.local_id for source in sources] == ["Bü-001/ä", "SLIMS\\42", "x\ty"]
    assert all(before <= source.received_at <= timezone.now() + datetime.timedelta(seconds=1) for source in sources)
    assert all(source.original_record_id == source.record_id for source in sources)


def test_control_characters_in_a_records_id_are_removed_and_said(school):
    """A NUL or another control character in 001 (the record's id in the library) is removed like anywhere else in
    the record, with a warning: the id reaches the database clean, on every path that looks it up."""
    records = _records_with_ids(["R1", "R\x002", "R\x1b3"])
    for _round in range(2):  # the second import looks the ids up among the library's sources
        report = import_bytes(library=school, data=b"".join(records), filename="ids.mrc")
        assert not report.skipped
        assert {w["record"] for w in report.warnings} >= {2, 3}
    assert report.unchanged == 3
    assert sorted(SourceRecord.objects.filter(library=school).values_list("local_id", flat=True)) == ["R1", "R2", "R3"]


def test_a_report_quoting_control_characters_is_kept(school, settings, tmp_path):
    """An invalid ISBN with a NUL in it is quoted in the report's warning: the job's report (jsonb, which refuses a
    NUL) is still saved, the job done, the warning readable."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.jobs import run_import_job
    from catalog.models import ImportJob

    settings.MEDIA_ROOT = str(tmp_path)
    record = pymarc.Record(force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data="R1"))
    record.add_field(pymarc.Field(tag="020", indicators=[" ", " "], subfields=[pymarc.Subfield("a", "12\x0034")]))
    record.add_field(pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", "Buku")]))
    job = ImportJob.objects.create(library=school, file=SimpleUploadedFile("nul.mrc", record.as_marc()))
    job = run_import_job(job.pk)
    assert job.status == "done"
    assert job.report["created"] == 1
    assert any("1234" in warning["message"] for warning in job.report["warnings"])


def test_a_changed_record_reimported_is_repaired_as_a_new_one_is(school):
    """A re-import that changes a record re-reads it whole to update the shared record: with the same repairs as at
    its first import (a NUL removed, with a warning), not a traceback."""

    def marc(title: str, year: str) -> bytes:
        record = pymarc.Record(force_utf8=True)
        record.add_field(pymarc.Field(tag="001", data="R1"))
        record.add_field(pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", title)]))
        record.add_field(pymarc.Field(tag="264", indicators=[" ", "1"], subfields=[pymarc.Subfield("c", year)]))
        return record.as_marc()

    import_bytes(library=school, data=marc("Buku", "2001"), filename="a.mrc")
    report = import_bytes(library=school, data=marc("Bu\x00ku baru", "2001"), filename="a.mrc")
    assert (report.updated, report.skipped, len(report.warnings)) == (1, [], 1)
    assert list(Record.objects.values_list("title", "year")) == [("Buku baru", 2001)]


@pytest.mark.parametrize("barcode", ["B001", "a\tb", "x\\y", "c\nd", "r\re", "é", "nb\xa0sp", ""])
@pytest.mark.parametrize("copy_number", [None, 0, 7])
def test_a_copys_copy_text_is_the_escaped_row(barcode, copy_number):
    """item_copy_text's quick path gives what copy_row (which escapes every value) gives."""
    from catalog.ingest.bibdata import ItemData
    from catalog.ingest.pgcopy import copy_row
    from catalog.ingest.readers import item_copy_text

    item = ItemData(barcode=barcode, call_number="899.221 PRA l", shelf_location="Rak\t2", copy_number=copy_number)
    for shelf in ("Rak 2", "Rak\t2"):
        item.shelf_location = shelf
        expected = [barcode, item.call_number, shelf, None if copy_number is None else str(copy_number), "available"]
        assert item_copy_text(item) == copy_row([*expected, "t"])


def test_imported_records_and_copies_carry_the_time_of_their_import(school):
    """The COPY leaves the records' and copies' timestamps to the database's default: the time of the statement."""
    import datetime

    from django.utils import timezone

    record = pymarc.Record(force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data="T-1"))
    record.add_field(pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", "Waktu")]))
    record.add_field(pymarc.Field(tag="852", indicators=[" ", " "], subfields=[pymarc.Subfield("p", "W001")]))
    before = timezone.now()
    report = import_bytes(
        library=school, data=b"".join([record.as_marc(), *_records_with_ids(["T-2"])]), filename="t.mrc"
    )
    after = timezone.now() + datetime.timedelta(seconds=1)
    assert report.created == 2 and report.holdings_added == 1
    for created, updated in Record.objects.values_list("created_at", "updated_at"):
        assert before <= created == updated <= after
    assert before <= Holding.objects.get(barcode="W001").updated_at <= after


def test_a_parsed_piece_travels_as_marshal_bytes_or_else_pickled():
    """Parse workers send their pieces as marshal bytes; a value marshal refuses (a str subclass) sends the piece as it
    is, for the pool to pickle. Either way the writer reads the same tuples."""
    from catalog.choices import HoldingStatus
    from catalog.ingest.readers import _marshalled, _unmarshalled

    plain = [(1, "", "key", ("book", ("a",), frozenset({"x"}), None, True), [("B1", "available", "t", "")], [])]
    sent = _marshalled(plain)
    assert isinstance(sent, bytes) and _unmarshalled(sent) == plain
    odd = [(2, "", "key", (), [("B2", HoldingStatus.AVAILABLE, "t", "")], [])]
    assert _marshalled(odd) is odd and _unmarshalled(odd) == odd


def _record_with_copy(local_id: str, barcode: str, *, lost: bool) -> bytes:
    record = pymarc.Record(force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data=local_id))
    record.add_field(pymarc.Field(tag="020", indicators=[" ", " "], subfields=[pymarc.Subfield("a", "9786022980742")]))
    record.add_field(
        pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", "Matematika untuk SMA")])
    )
    subfields = [pymarc.Subfield("p", barcode)] + ([pymarc.Subfield("1", "1")] if lost else [])
    record.add_field(pymarc.Field(tag="952", indicators=[" ", " "], subfields=subfields))
    return record.as_marc()


@pytest.mark.parametrize("batch_size", [1, 100])
def test_a_duplicate_in_the_file_with_an_available_copy_makes_the_record_available(school, monkeypatch, batch_size):
    """The second description of a book in one file joins the first; its copy counts in the record's holdings
    summary whether it came in the same batch (the new record's summary) or a later one (the refresh)."""
    from django.db import connection

    import catalog.ingest.pipeline

    monkeypatch.setattr(catalog.ingest.pipeline, "BATCH_SIZE", batch_size)
    data = _record_with_copy("a1", "BC1", lost=True) + _record_with_copy("a2", "BC2", lost=False)
    report = import_bytes(library=school, data=data, filename="dup.mrc")
    assert (report.created, report.joined, report.holdings_added) == (1, 1, 2)
    record = Record.objects.get()
    assert (record.holding_library_ids, record.available_library_ids) == ([school.pk], [school.pk])
    with connection.cursor() as cursor:
        cursor.execute("SELECT catalog_refresh_holding_summary(ARRAY(SELECT id FROM catalog_record))")
    record.refresh_from_db()
    assert (record.holding_library_ids, record.available_library_ids) == ([school.pk], [school.pk])
