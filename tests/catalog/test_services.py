import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog import services
from catalog.ingest import import_bytes
from catalog.models import CatalogAudit, Holding, MatchReview, Record, SourceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_records(school, other_school):
    import_bytes(
        library=school,
        data=b"local_id,title,authors,year,barcode\nA1,Laskar Pelangi,Andrea Hirata,2005,B1\n",
        filename="a.csv",
    )
    import_bytes(
        library=other_school,
        data=b"local_id,title,authors,year,barcode\nX1,Laskar Pelangi (ed. revisi),Andrea Hirata,2008,C1\n",
        filename="b.csv",
    )
    return Record.objects.order_by("pk")


def test_merge_moves_holdings_and_sources_and_is_audited(two_records, coordinator):
    keep, merge = two_records
    kept = services.record_merge(keep=keep, merge=merge, by=coordinator)
    assert Record.objects.count() == 1
    assert set(kept.holdings.values_list("barcode", flat=True)) == {"B1", "C1"}
    assert kept.sources.count() == 2
    audit = CatalogAudit.objects.get(action="merge")
    assert audit.actor == coordinator and audit.details["merged_record"]["title"] == "Laskar Pelangi (ed. revisi)"


def test_split_undoes_a_merge(two_records, coordinator, other_school):
    keep, merge = two_records
    kept = services.record_merge(keep=keep, merge=merge, by=coordinator)
    source = SourceRecord.objects.get(library=other_school)
    new = services.record_split(record=kept, sources=[source], by=coordinator)
    assert new.title == "Laskar Pelangi (ed. revisi)" and new.year == 2008
    assert list(new.holdings.values_list("barcode", flat=True)) == ["C1"]
    assert list(kept.holdings.values_list("barcode", flat=True)) == ["B1"]
    assert CatalogAudit.objects.filter(action="split").count() == 1


def test_only_coordinators_merge(two_records, librarian):
    keep, merge = two_records
    with pytest.raises(PermissionDenied):
        services.record_merge(keep=keep, merge=merge, by=librarian)
    assert Record.objects.count() == 2


def test_split_must_leave_a_source_behind(two_records, coordinator, school):
    keep, _ = two_records
    with pytest.raises(ValidationError):
        services.record_split(record=keep, sources=list(keep.sources.all()), by=coordinator)


def test_merge_refuses_different_material_types(school, coordinator):
    import_bytes(
        library=school, data=b"title,material_type,barcode\nThe Hobbit,book,B1\nThe Hobbit,av,B2\n", filename="h.csv"
    )
    book, dvd = Record.objects.order_by("pk")
    with pytest.raises(ValidationError):
        services.record_merge(keep=book, merge=dvd, by=coordinator)


def test_review_decisions(school, other_school, coordinator):
    import_bytes(
        library=school,
        data=b"title,authors,publisher,year,barcode\nBumi Manusia,Pramoedya Toer,Hasta Mitra,1980,B1\n",
        filename="a.csv",
    )
    import_bytes(
        library=other_school,
        data=b"title,authors,publisher,year,barcode\nBumi Manusia,Pramoedya Toer,Hasta Mitra,1981,C1\n",
        filename="b.csv",
    )
    review = MatchReview.objects.get()
    services.review_decide(review=review, merge=True, by=coordinator)
    assert Record.objects.count() == 1 and Holding.objects.filter(record=Record.objects.get()).count() == 2


def test_holding_update_refuses_a_stale_version(school, librarian):
    import_bytes(library=school, data=b"title,barcode\nBuku,B1\n", filename="a.csv")
    holding = Holding.objects.get()
    seen = holding.version
    services.holding_update(holding=holding, by=librarian, version=seen, shelf_location="Rak 1")
    with pytest.raises(ValidationError, match="Someone else|Orang lain"):
        services.holding_update(holding=holding, by=librarian, version=seen, shelf_location="Rak 2")
    holding.refresh_from_db()
    assert holding.shelf_location == "Rak 1"


def test_librarian_of_another_school_cannot_change_copies(school, outsider):
    import_bytes(library=school, data=b"title,barcode\nBuku,B1\n", filename="a.csv")
    with pytest.raises(PermissionDenied):
        services.holding_update(holding=Holding.objects.get(), by=outsider, shelf_location="x")


def test_withdraw_refuses_a_copy_out_on_loan(school, librarian):
    import_bytes(library=school, data=b"title,barcode\nBuku,B1\n", filename="a.csv")
    holding = Holding.objects.get()
    Holding.objects.filter(pk=holding.pk).update(status="lent_out")
    with pytest.raises(ValidationError):
        services.holding_withdraw(holding=holding, by=librarian)
    Holding.objects.filter(pk=holding.pk).update(status="available")
    assert services.holding_withdraw(holding=holding, by=librarian).status == "withdrawn"


def test_duplicate_barcode_on_create_is_a_validation_error(school, librarian):
    import_bytes(library=school, data=b"title,barcode\nBuku,B1\n", filename="a.csv")
    with pytest.raises(ValidationError):
        services.holding_create(record=Record.objects.get(), library=school, by=librarian, barcode="B1")
