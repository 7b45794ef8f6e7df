import io
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from agreements import services
from agreements.models import Agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(ill_agreement, school, other_school):
    return ill_agreement(school, other_school, objectives="Berbagi koleksi", loan_days=14)


def test_pages_for_members(client, librarian, active):
    client.force_login(librarian)
    for url in [
        reverse("agreements:agreement_list"),
        active.get_absolute_url(),
        reverse("agreements:network"),
        reverse("agreements:agreement_compare", args=[active.pk]),
        reverse("agreements:agreement_list") + "?status=active&form=ill&party=SMAN1MDN&ending_soon=1",
    ]:
        assert client.get(url).status_code == 200, url
    page = client.get(active.get_absolute_url()).content.decode()
    assert "Pasal 1" in page


def test_pdf_holds_parties_articles_and_signatures(client, librarian, active):
    from pypdf import PdfReader

    client.force_login(librarian)
    response = client.get(reverse("agreements:agreement_pdf", args=[active.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "SMA Negeri 1 Medan" in text and "Pasal 1" in text and "Tanda tangan" in text


def test_editor_is_for_coordinators_and_shows_errors(client, librarian, coordinator, school):
    client.force_login(librarian)
    assert client.get(reverse("agreements:agreement_create")).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("agreements:agreement_create") + "?template=ill").status_code == 200
    data = {
        "number": "PKS/X",
        "title": "Uji",
        "start_on": "2026-12-01",
        "end_on": "2026-01-01",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-0-library": school.code,
        "parties-0-kind": "member",
        "parties-0-role": "party",
        "parties-1-library": school.code,
        "parties-1-kind": "member",
        "parties-1-role": "party",
        "duties-TOTAL_FORMS": "0",
        "duties-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("agreements:agreement_create"), data)
    assert response.status_code == 400
    assert not Agreement.objects.filter(number="PKS/X").exists()


def test_api_read_for_members_write_for_coordinators(api_client, librarian, coordinator, read_key, active, school):
    url = reverse("api:agreement-list")
    assert api_client.get(url).status_code == 401
    assert api_client.get(url, HTTP_AUTHORIZATION=f"Api-Key {read_key}").json()["count"] == 1
    api_client.force_authenticate(librarian)
    assert api_client.get(url, {"form": "ill", "party": "SMAN1MDN"}).json()["count"] == 1
    assert api_client.post(url, {"number": "PKS/API", "title": "x"}, format="json").status_code == 403
    api_client.force_authenticate(coordinator)
    response = api_client.post(
        url,
        {"number": "PKS/API", "title": "Lewat API", "forms": ["ill"], "parties": [{"library": "SMAN1MDN"}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    bad = api_client.post(
        url, {"number": "PKS/API2", "title": "x", "start_on": "2026-05-01", "end_on": "2026-01-01"}, format="json"
    )
    assert bad.status_code == 400
    frozen = api_client.patch(reverse("api:agreement-detail", args=[active.pk]), {"title": "Ubah"}, format="json")
    assert frozen.status_code == 400


def test_sign_flow_through_pages(client, coordinator, librarian, outsider, school, other_school):
    agreement = services.agreement_save(
        by=coordinator,
        number="PKS/P",
        title="Halaman",
        forms=["ill"],
        objectives="o",
        scope_collections="s",
        scope_material_types="buku",
        scope_people="siswa",
        relationship="r",
        methods_equipment="m",
        technology="t",
        shipping_paid_by="peminjam",
        start_on="2026-12-01",
        renewal="Diperpanjang otomatis setiap tahun",
        parties=[{"library": school}, {"library": other_school}],
    )
    party = agreement.parties.first()
    agreement = services.agreement_save(
        by=coordinator, agreement=agreement, responsibilities=[{"party": party, "form": "ill", "task": "kurir"}]
    )
    client.force_login(coordinator)
    client.post(reverse("agreements:agreement_action", args=[agreement.pk, "request_signatures"]))
    agreement.refresh_from_db()
    assert agreement.status == "signing"
    # Without the confirmation box ticked nothing is signed, and the page says why.
    client.force_login(librarian)
    mine = agreement.parties.get(library=school)
    response = client.post(
        reverse("agreements:agreement_action", args=[agreement.pk, "sign"]),
        {"party": mine.pk, "read_version": agreement.version},
        follow=True,
    )
    assert "Centang kotak" in response.content.decode() and not agreement.signatures.exists()
    for user, library in ((librarian, school), (outsider, other_school)):
        client.force_login(user)
        p = agreement.parties.get(library=library)
        client.post(
            reverse("agreements:agreement_action", args=[agreement.pk, "sign"]),
            {"party": p.pk, "read_version": agreement.version, "confirm": "1"},
        )
    agreement.refresh_from_db()
    assert agreement.status == "active"


# --- the PDF cache ---------------------------------------------------------------------------


def _pdf_text(client, agreement, language="id") -> str:
    from django.conf import settings
    from pypdf import PdfReader

    # Pages follow the language switch (its cookie), not Accept-Language.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("agreements:agreement_pdf", args=[agreement.pk]))
    assert response.status_code == 200
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_pdf_is_served_twice_from_one_drawing(client, librarian, active, monkeypatch):
    from agreements import document

    client.force_login(librarian)
    drawn = []
    draw = document._draw
    monkeypatch.setattr(document, "_draw", lambda *args: drawn.append(1) or draw(*args))
    first = client.get(reverse("agreements:agreement_pdf", args=[active.pk])).content
    second = client.get(reverse("agreements:agreement_pdf", args=[active.pk])).content
    assert first == second and len(drawn) <= 1  # 0 when an earlier test drew the same text


def test_pdf_changes_when_the_agreement_changes(client, librarian, active):
    client.force_login(librarian)
    assert "Berbagi koleksi" in _pdf_text(client, active)
    active.objectives = "Layanan referensi bersama"
    active.save()
    text = _pdf_text(client, active)
    assert "Layanan referensi bersama" in text and "Berbagi koleksi" not in text


def test_pdf_changes_when_a_partys_library_is_renamed(client, librarian, active, school):
    # Not an edit of the agreement (same version, same updated_at), yet the PDF names the library.
    client.force_login(librarian)
    assert "SMA Negeri 1 Medan" in _pdf_text(client, active)
    type(school).objects.filter(pk=school.pk).update(name="SMA Negeri Satu Medan")
    assert "SMA Negeri Satu Medan" in _pdf_text(client, active)


def test_pdf_is_cached_per_language(client, librarian, active):
    client.force_login(librarian)
    assert "Pasal 1" in _pdf_text(client, active, language="id")
    assert "Article 1" in _pdf_text(client, active, language="en")
    assert "Pasal 1" in _pdf_text(client, active, language="id")


def test_pdf_cache_sits_behind_visibility(client, coordinator, librarian, active):
    from agreements.choices import Status

    Agreement.objects.filter(pk=active.pk).update(status=Status.DRAFT)  # drafts: coordinators only
    client.force_login(coordinator)
    assert client.get(reverse("agreements:agreement_pdf", args=[active.pk])).status_code == 200
    client.force_login(librarian)
    assert client.get(reverse("agreements:agreement_pdf", args=[active.pk])).status_code == 404


@pytest.fixture
def two_versions(coordinator, school, other_school):
    agreement = services.agreement_save(
        by=coordinator,
        number="PKS/CMP",
        title="Pinjam antarperpustakaan",
        forms=["ill"],
        start_on=date(2026, 12, 16),
        fee_per_loan=1500000,
        objectives="Berbagi koleksi sekolah.",
        parties=[{"library": school, "representative": "Rosmawati"}],
        responsibilities=[],
    )
    return services.agreement_save(
        by=coordinator,
        agreement=agreement,
        start_on=date(2027, 1, 2),
        fee_per_loan=2500000,
        objectives="Berbagi koleksi <dan> buku sekolah.",
        parties=[
            {"id": agreement.parties.get().pk, "library": school, "representative": "Rosmawati"},
            {"library": other_school},
        ],
    )


def test_comparison_reads_in_indonesian(client, coordinator, two_versions):
    client.force_login(coordinator)
    response = client.get(reverse("agreements:agreement_compare", args=[two_versions.pk]), HTTP_ACCEPT_LANGUAGE="id")
    for text in (
        "Biaya per pinjaman (Rp)",
        "Rp 1.500.000",
        "Rp 2.500.000",
        "16 Desember 2026",
        "2 Januari 2027",
        "Ditambahkan:",
        "SMP Negeri 7 Medan — Pihak",
        "<ins>&lt;dan&gt; buku </ins>",
    ):
        assert text in response.content.decode(), text
    assert "fee_per_loan" not in response.content.decode().replace('data-field="fee_per_loan"', "")
    assert "Judul" not in response.content.decode()  # unchanged: not shown


def test_comparison_reads_in_english(client, coordinator, two_versions):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("agreements:agreement_compare", args=[two_versions.pk])).content.decode()
    for text in ("Fee per loan (Rp)", "Rp 1,500,000", "16 December 2026", "Added:", "SMP Negeri 7 Medan — Party"):
        assert text in page, text


def test_comparing_a_version_with_itself_says_no_changes(client, coordinator, two_versions):
    client.force_login(coordinator)
    url = reverse("agreements:agreement_compare", args=[two_versions.pk]) + "?a=2&b=2"
    assert "Tidak ada perubahan." in client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
