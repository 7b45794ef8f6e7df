import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.ingest import import_bytes
from catalog.models import Holding, Record

pytestmark = pytest.mark.django_db

UPSERT = reverse("api:holding-upsert")
IMPORT = reverse("api:holding-bulk-import")


def key(raw):
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


@pytest.fixture
def book(school):
    import_bytes(library=school, data=b"title,isbn,barcode\nMatematika Kelas X,9786024271077,B1\n", filename="a.csv")
    return Record.objects.get()


def test_records_list_nests_holdings(api_client, book):
    body = api_client.get(reverse("api:record-list")).json()
    assert body["count"] == 1
    assert body["results"][0]["holdings"][0]["barcode"] == "B1"
    assert body["results"][0]["holdings"][0]["library"] == "SMAN1MDN"


def test_holdings_filters(api_client, book, other_school):
    import_bytes(
        library=other_school, data=b"title,isbn,barcode\nMatematika,9786024271077,C1\nLain,,C2\n", filename="b.csv"
    )
    url = reverse("api:holding-list")
    assert api_client.get(url, {"library": "SMPN7MDN"}).json()["count"] == 2
    assert api_client.get(url, {"isbn": "978-602-427-107-7"}).json()["count"] == 2
    assert api_client.get(url, {"status": "available", "library": "SMAN1MDN"}).json()["count"] == 1
    assert api_client.get(url, {"updated_since": "2999-01-01T00:00:00Z"}).json()["count"] == 0
    assert api_client.get(url, {"isbn": "nonsense"}).json()["count"] == 0


def test_holdings_list_query_count_is_flat(api_client, book, school, django_assert_max_num_queries):
    import_bytes(
        library=school,
        data=b"".join(b"title,barcode\n" if i == 0 else f"T{i},X{i}\n".encode() for i in range(30)),
        filename="c.csv",
    )
    with django_assert_max_num_queries(3):
        api_client.get(reverse("api:holding-list"))


def test_upsert_creates_then_updates_by_barcode(api_client, write_key, book):
    response = api_client.post(
        UPSERT, {"barcode": "B9", "isbn": "9786024271077", "shelf_location": "Rak 1"}, format="json", **key(write_key)
    )
    assert response.status_code == 201, response.json()
    response = api_client.post(UPSERT, {"barcode": "B9", "shelf_location": "Rak 2"}, format="json", **key(write_key))
    assert response.status_code == 200
    assert Holding.objects.get(barcode="B9").shelf_location == "Rak 2"


def test_upsert_with_stale_version_is_refused(api_client, write_key, book):
    holding = Holding.objects.get(barcode="B1")
    ok = api_client.post(
        UPSERT, {"barcode": "B1", "shelf_location": "A", "version": holding.version}, format="json", **key(write_key)
    )
    assert ok.status_code == 200
    stale = api_client.post(
        UPSERT, {"barcode": "B1", "shelf_location": "B", "version": holding.version}, format="json", **key(write_key)
    )
    assert stale.status_code == 400
    assert Holding.objects.get(barcode="B1").shelf_location == "A"


def test_upsert_bad_input_is_400_with_fields(api_client, write_key, book):
    response = api_client.post(
        UPSERT, {"barcode": "NEW", "isbn": "123", "status": "lent_out"}, format="json", **key(write_key)
    )
    assert response.status_code == 400
    assert {"isbn", "status"} & set(response.json())
    response = api_client.post(UPSERT, {"barcode": "NEW"}, format="json", **key(write_key))
    assert response.status_code == 400 and "record" in response.json()


def test_read_only_key_cannot_upsert_or_import(api_client, read_key, book):
    assert api_client.post(UPSERT, {"barcode": "B1"}, format="json", **key(read_key)).status_code == 403
    upload = SimpleUploadedFile("a.csv", b"title,barcode\nX,Z1\n")
    assert api_client.post(IMPORT, {"file": upload}, **key(read_key)).status_code == 403


def test_missing_or_revoked_key_is_401(api_client, book):
    assert api_client.post(UPSERT, {"barcode": "B1"}, format="json").status_code == 401
    assert api_client.post(UPSERT, {"barcode": "B1"}, format="json", **key("slg_x_y")).status_code == 401


def test_librarian_of_another_school_cannot_write_here(api_client, outsider, school, book):
    api_client.force_authenticate(outsider)
    response = api_client.post(UPSERT + "?library=SMAN1MDN", {"barcode": "B1", "shelf_location": "x"}, format="json")
    assert response.status_code == 403


def test_bulk_import_with_a_read_write_key(api_client, write_key, school, data_file):
    upload = SimpleUploadedFile("fre.mrc", data_file("evergreen_lul_fre_100.mrc").read_bytes())
    response = api_client.post(IMPORT, {"file": upload}, **key(write_key))
    assert response.status_code == 202, response.json()
    job = api_client.get(response["Location"], **key(write_key)).json()
    assert job["status"] == "done" and job["report"]["created"] == 100
    bad = api_client.post(IMPORT, {"file": SimpleUploadedFile("x.mrc", b"garbage")}, **key(write_key))
    assert bad.status_code == 400 and "file" in bad.json()


def test_bulk_import_over_the_upload_limit_is_413(api_client, write_key, settings):
    settings.CATALOG_UPLOAD_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.csv", b"title,barcode\n" + b"Buku,B1\n" * 20000)
    response = api_client.post(IMPORT, {"file": big}, **key(write_key))
    assert response.status_code == 413 and "1000" in response.json()["file"][0]
