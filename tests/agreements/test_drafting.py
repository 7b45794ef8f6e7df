"""Drafting: the nine planning factors, rows added without saving, the consortium's numbers, completeness."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.choices import Factor
from agreements.forms import HEADING_FIELDS, SECTIONS, AgreementForm
from agreements.models import CONTENT_FIELDS, Agreement
from consortium.models import ConsortiumSettings

pytestmark = pytest.mark.django_db

COMPLETE = dict(
    title="Pinjam antarperpustakaan",
    forms=["ill"],
    objectives="Berbagi koleksi",
    scope_collections="Koleksi umum",
    scope_material_types="Buku tercetak",
    scope_people="Siswa dan guru",
    start_on=date(2026, 7, 1),
    end_on=date(2027, 6, 30),
    relationship="Koordinator mengoordinasikan",
    methods_equipment="Kurir dua kali seminggu",
    shipping_paid_by="Peminjam",
    technology="Silang",
)


@pytest.fixture
def complete(coordinator, school, other_school):
    agreement = services.agreement_save(
        by=coordinator, number="PKS/T/1", parties=[{"library": school}, {"library": other_school}], **COMPLETE
    )
    party = agreement.parties.first()
    return services.agreement_save(
        by=coordinator, agreement=agreement, responsibilities=[{"party": party, "form": "ill", "task": "Kurir"}]
    )


# --- numbers


def test_numbers_follow_the_pattern_with_a_sequence_per_year(coordinator):
    first = services.agreement_save(by=coordinator, number="", title="a", start_on=date(2026, 3, 1))
    second = services.agreement_save(by=coordinator, number="", title="b", start_on=date(2026, 9, 1))
    other_year = services.agreement_save(by=coordinator, number="", title="c", start_on=date(2027, 1, 5))
    assert [first.number, second.number, other_year.number] == [
        "PKS/SILANG/2026/001",
        "PKS/SILANG/2026/002",
        "PKS/SILANG/2027/001",
    ]
    assert services.agreement_next_number(year=2026) == "PKS/SILANG/2026/003"


def test_the_next_number_skips_numbers_typed_by_hand(coordinator):
    services.agreement_save(by=coordinator, number="PKS/SILANG/2026/007", title="a")
    services.agreement_save(by=coordinator, number="Nota kesepahaman 12", title="b")
    assert services.agreement_next_number(year=2026) == "PKS/SILANG/2026/008"


def test_the_prefix_is_a_consortium_setting(coordinator):
    ConsortiumSettings.objects.update_or_create(pk=1, defaults={"agreement_number_prefix": "PKS/KPS-MEDAN"})
    agreement = services.agreement_save(by=coordinator, number="", title="a", start_on=date(2026, 1, 2))
    assert agreement.number == "PKS/KPS-MEDAN/2026/001"


def test_a_new_agreement_page_suggests_the_next_number(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("agreements:agreement_create"))
    year = timezone.localdate().year
    assert response.context["form"]["number"].value() == f"PKS/SILANG/{year}/001"


def _post_data(**extra):
    return {
        "title": "Uji",
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "duties-TOTAL_FORMS": "0",
        "duties-INITIAL_FORMS": "0",
        **extra,
    }


def test_a_kept_suggestion_taken_meanwhile_gets_the_next_number(client, coordinator):
    client.force_login(coordinator)
    shown = "PKS/SILANG/2026/001"
    services.agreement_save(by=coordinator, number=shown, title="taken meanwhile")
    data = _post_data(number=shown, suggested_number=shown, start_on="2026-08-01")
    response = client.post(reverse("agreements:agreement_create"), data)
    assert response.status_code == 302
    assert Agreement.objects.get(title="Uji").number == "PKS/SILANG/2026/002"


def test_a_typed_duplicate_number_is_a_form_error(client, coordinator):
    services.agreement_save(by=coordinator, number="PKS/SILANG/2026/004", title="first")
    client.force_login(coordinator)
    data = _post_data(number="PKS/SILANG/2026/004", suggested_number="PKS/SILANG/2026/005")
    response = client.post(reverse("agreements:agreement_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["number"]
    assert Agreement.objects.count() == 1


def test_a_duplicate_that_slips_past_the_form_is_a_validation_error(coordinator, monkeypatch):
    services.agreement_save(by=coordinator, number="PKS/X/1", title="first")
    # As if another coordinator saved the same number between the check and the insert.
    monkeypatch.setattr(Agreement, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as caught:
        services.agreement_save(by=coordinator, number="PKS/X/1", title="second")
    assert "number" in caught.value.error_dict


# --- completeness


def test_every_factor_has_a_check():
    assert {factor for _key, factor, _label in services.ESSENTIALS} == set(Factor)


def test_a_complete_agreement_misses_nothing(complete):
    assert services.completeness(complete) == []


@pytest.mark.parametrize(
    "key, factor, changes",
    [
        ("objectives", 1, {"objectives": ""}),
        ("scope", 2, {"scope_collections": "", "scope_services": ""}),
        ("scope_material_types", 2, {"scope_material_types": ""}),
        ("scope_people", 2, {"scope_people": ""}),
        ("parties", 3, "one party"),
        ("start_on", 4, {"start_on": None}),
        ("end_or_renewal", 4, {"end_on": None, "renewal": ""}),
        ("relationship", 5, {"relationship": ""}),
        ("division", 6, {"responsibilities": []}),
        ("methods_equipment", 7, {"methods_equipment": ""}),
        ("costs", 8, {"shipping_paid_by": ""}),
        ("technology", 9, {"technology": ""}),
    ],
)
def test_each_missing_factor_is_reported(complete, coordinator, key, factor, changes):
    if changes == "one party":
        changes = {"parties": [{"id": complete.parties.first().pk, "library": complete.parties.first().library}]}
    agreement = services.agreement_save(by=coordinator, agreement=complete, **changes)
    missing = services.completeness(agreement)
    assert [(item.key, item.factor.value) for item in missing] == [(key, factor)]
    with pytest.raises(ValidationError, match=re.escape(f"{factor}. ")):
        services.agreement_request_signatures(agreement=agreement, by=coordinator)


def test_an_open_ended_agreement_with_a_renewal_rule_is_complete(complete, coordinator):
    agreement = services.agreement_save(
        by=coordinator, agreement=complete, end_on=None, renewal="Diperpanjang otomatis setiap tahun"
    )
    assert services.completeness(agreement) == []


def test_any_cost_term_says_who_pays(complete, coordinator):
    agreement = services.agreement_save(
        by=coordinator, agreement=complete, shipping_paid_by="", lost_item_compensation="Diganti peminjam"
    )
    assert services.completeness(agreement) == []


def test_missing_factors_are_listed_on_the_draft_and_the_form(client, coordinator, complete):
    services.agreement_save(by=coordinator, agreement=complete, scope_people="", technology="")
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (complete.get_absolute_url(), reverse("agreements:agreement_edit", args=[complete.pk])):
        html = client.get(url).content.decode()
        missing = re.findall(r'data-testid="missing">.*?</span>.*?</span> (.*?)</li>', html)
        assert missing == ["2. Scope: students and staff covered", "9. Technology used: technology used"]


# --- the form in nine sections


def test_every_field_has_one_place():
    placed = HEADING_FIELDS + [name for _help, names in SECTIONS.values() for name in names]
    assert sorted(placed) == sorted(CONTENT_FIELDS)
    assert list(SECTIONS) == list(Factor)


@pytest.mark.parametrize(
    "language, legends",
    [
        ("en", ["Why and what for", "Scope", "The parties", "Start and end", "How the partners relate",
                "Division of work", "Methods and equipment", "Who pays", "Technology used"]),
        ("id", ["Alasan dan tujuan", "Ruang lingkup", "Para pihak", "Mulai dan berakhir", "Hubungan antarmitra",
                "Pembagian tugas", "Cara kerja dan peralatan", "Siapa yang membayar", "Teknologi yang dipakai"]),
    ],
)  # fmt: skip
def test_the_form_has_nine_sections_in_order(client, coordinator, language, legends):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("agreements:agreement_create"))
    html = response.content.decode()
    found = re.findall(r'<fieldset class="factor"[^>]*>\s*<legend>(\d)\. (.*?)</legend>\s*<p class="help"', html)
    assert found == [(str(n), legend) for n, legend in enumerate(legends, start=1)]
    # The formsets sit in their factors: parties in 3, the division of work in 6.
    sections = html.split('<fieldset class="factor"')
    assert 'name="parties-TOTAL_FORMS"' in sections[3]
    assert "id_scope_people" in sections[2] and "id_shipping_paid_by" in sections[8]


def test_add_a_party_adds_a_row_without_saving_and_keeps_what_was_typed(client, coordinator, school, other_school):
    client.force_login(coordinator)
    data = _post_data(
        number="PKS/SILANG/2026/001",
        suggested_number="PKS/SILANG/2026/001",
        title="Tiga sekolah",
        **{"parties-TOTAL_FORMS": "2"},
        objectives="Berbagi koleksi",
        **{"parties-0-library": school.code, "parties-0-representative": "Rosmawati"},
        **{"parties-1-library": other_school.code, "parties-0-kind": "member", "parties-0-role": "party"},
        add="parties",
    )
    response = client.post(reverse("agreements:agreement_create"), data)
    assert response.status_code == 200
    assert not Agreement.objects.exists()
    parties = response.context["parties"]
    assert parties.total_form_count() == 3
    html = response.content.decode()
    assert 'name="parties-2-library"' in html and 'value="Rosmawati"' in html and "Berbagi koleksi" in html
    assert 'value="Tiga sekolah"' in html and "field-error" not in html


def test_add_a_duty_on_a_draft_keeps_the_rows(client, coordinator, complete):
    client.force_login(coordinator)
    party = complete.parties.first()
    data = _post_data(
        number=complete.number,
        **{"duties-TOTAL_FORMS": "1", "duties-0-party": str(party.pk), "duties-0-form": "ill"},
        **{"duties-0-task": "Kurir", "add": "duties"},
    )
    response = client.post(reverse("agreements:agreement_edit", args=[complete.pk]), data)
    assert response.status_code == 200
    assert response.context["duties"].total_form_count() == 2
    complete.refresh_from_db()
    assert complete.version == 2  # not saved again


def test_deleting_a_party_row_still_works(client, coordinator, complete):
    client.force_login(coordinator)
    first, second = complete.parties.select_related("library")
    data = {
        "number": complete.number,
        "title": complete.title,
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "2",
        "parties-0-id": str(first.pk),
        "parties-0-library": first.library.code,
        "parties-0-kind": "member",
        "parties-0-role": "party",
        "parties-1-id": str(second.pk),
        "parties-1-library": second.library.code,
        "parties-1-kind": "member",
        "parties-1-role": "party",
        "parties-1-DELETE": "on",
        "duties-TOTAL_FORMS": "0",
        "duties-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("agreements:agreement_edit", args=[complete.pk]), data)
    assert response.status_code == 302
    assert list(complete.parties.all()) == [first]


def test_form_number_is_required_once_the_agreement_exists(complete):
    assert AgreementForm(instance=complete).fields["number"].required
    assert not AgreementForm().fields["number"].required


# --- duties on parties typed in the same form


def _party_row(index: int, **values) -> dict:
    return {f"parties-{index}-{key}": value for key, value in ({"kind": "member", "role": "party"} | values).items()}


def test_a_new_agreement_gets_its_duties_in_one_post(client, coordinator, school):
    client.force_login(coordinator)
    data = _post_data(
        **{"parties-TOTAL_FORMS": "2", "duties-TOTAL_FORMS": "2"},
        **_party_row(0, library=school.code),
        **_party_row(1, institution="Dinas Perpustakaan Kota Medan", kind="public_library"),
        **{"duties-0-party": "parties-1", "duties-0-form": "ill", "duties-0-task": "Membiayai kurir"},
        **{"duties-1-party": "parties-0", "duties-1-form": "ill", "duties-1-task": "Mengatur kurir"},
    )
    response = client.post(reverse("agreements:agreement_create"), data)
    assert response.status_code == 302, [response.context[k].errors for k in ("parties", "duties")]
    agreement = Agreement.objects.get()
    assert sorted((str(r.party), r.task) for r in agreement.responsibilities.all()) == [
        ("Dinas Perpustakaan Kota Medan", "Membiayai kurir"),
        (school.name, "Mengatur kurir"),
    ]


def test_add_a_duty_on_a_new_agreement_offers_the_parties_typed_so_far(client, coordinator, school):
    client.force_login(coordinator)
    data = _post_data(
        **{"parties-TOTAL_FORMS": "3", "duties-TOTAL_FORMS": "1"},
        **_party_row(0, library=school.code),
        **_party_row(1, institution="Dinas Perpustakaan Kota Medan", kind="public_library"),
        **_party_row(2, institution="Ditulis lalu dihapus", kind="public_library", DELETE="on"),
        add="duties",
    )
    response = client.post(reverse("agreements:agreement_create"), data)
    assert response.status_code == 200
    assert not Agreement.objects.exists()
    duties = response.context["duties"]
    assert duties.total_form_count() == 2
    offered = [("parties-0", school.name), ("parties-1", "Dinas Perpustakaan Kota Medan")]
    assert [row.fields["party"].choices[1:] for row in duties] == [offered, offered]
    assert 'name="duties-1-party"' in response.content.decode()


def test_editing_an_agreement_keeps_its_duties(client, coordinator, complete):
    client.force_login(coordinator)
    response = client.get(reverse("agreements:agreement_edit", args=[complete.pk]))
    duty = complete.responsibilities.select_related("party__library").get()
    row = list(complete.parties.order_by("pk")).index(duty.party)
    assert response.context["duties"].forms[0]["party"].value() == f"parties-{row}"
    # Saved back as shown: the duty stays on its party.
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    for formset in (response.context["parties"], response.context["duties"]):
        data |= {f"{formset.prefix}-TOTAL_FORMS": formset.total_form_count(), f"{formset.prefix}-INITIAL_FORMS": 0}
        for row in formset:
            data |= {row.add_prefix(name): row[name].value() or "" for name in row.fields if name != "DELETE"}
    response = client.post(reverse("agreements:agreement_edit", args=[complete.pk]), data)
    assert response.status_code == 302
    duty_after = complete.responsibilities.get()
    assert (duty_after.party_id, duty_after.task) == (duty.party_id, duty.task)


def test_a_duty_whose_party_was_removed_is_a_form_error(client, coordinator, complete):
    client.force_login(coordinator)
    first, second = complete.parties.select_related("library")
    data = _post_data(
        number=complete.number,
        **{"parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "2", "duties-TOTAL_FORMS": "1"},
        **_party_row(0, id=first.pk, library=first.library.code),
        **_party_row(1, id=second.pk, library=second.library.code, DELETE="on"),
        **{"duties-0-party": "parties-1", "duties-0-form": "ill", "duties-0-task": "Kurir"},
    )
    response = client.post(reverse("agreements:agreement_edit", args=[complete.pk]), data)
    assert response.status_code == 400
    assert response.context["duties"].forms[0].errors["party"] == [services.DUTY_PARTY_GONE]
    assert complete.parties.count() == 2  # nothing saved


def test_a_duty_stays_on_its_party_row_when_the_row_gets_another_library(client, coordinator, complete):
    from tests.factories import LibraryFactory

    client.force_login(coordinator)
    first, second = complete.parties.select_related("library").order_by("pk")
    other_school = LibraryFactory(name="SMA Negeri 3 Binjai", code="SMAN3BJI", npsn="10210999", level="sma")
    data = _post_data(
        number=complete.number,
        **{"parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "2", "duties-TOTAL_FORMS": "1"},
        **_party_row(0, id=first.pk, library=first.library.code),
        **_party_row(1, id=second.pk, library=other_school.code),
        **{"duties-0-party": "parties-1", "duties-0-form": "ill", "duties-0-task": "Kurir"},
    )
    response = client.post(reverse("agreements:agreement_edit", args=[complete.pk]), data)
    assert response.status_code == 302, response.context["duties"].errors
    duty = complete.responsibilities.select_related("party").get()
    assert (duty.party_id, duty.party.library_id, duty.task) == (second.pk, other_school.pk, "Kurir")


def test_a_duty_on_an_unknown_reference_is_refused_by_the_service(coordinator, school):
    with pytest.raises(ValidationError) as caught:
        services.agreement_save(
            by=coordinator,
            number="PKS/T/9",
            title="Uji",
            parties=[{"library": school, "reference": school.code}],
            responsibilities=[{"party": "parties-1", "form": "ill", "task": "Kurir"}],
        )
    assert caught.value.message_dict == {"responsibilities": [str(services.DUTY_PARTY_GONE)]}
    assert not Agreement.objects.exists()
