"""The readable comparison of two version snapshots (pure: no database)."""

from django.utils import translation

from agreements.selectors import version_changes

OLD = {
    "number": "PKS/001",
    "title": "Pinjam antarperpustakaan",
    "forms": ["ill"],
    "objectives": "Berbagi koleksi antar sekolah.",
    "start_on": "2026-12-16",
    "end_on": None,
    "fee_per_loan": "1500000",
    "loan_days": 14,
    "parties": [
        {"name": "SMA Negeri 1 Medan", "role": "party", "representative": "Rosmawati", "position": ""},
        {"name": "SMP Negeri 7 Medan", "role": "party", "representative": "Lamhot", "position": ""},
    ],
    "responsibilities": [{"party": "SMA Negeri 1 Medan", "form": "ill", "task": "Mengatur kurir"}],
}


def changed(**fields) -> dict:
    return {**OLD, **fields}


def by_field(changes) -> dict:
    return {change.field: change for change in changes}


def test_unchanged_snapshots_have_no_changes():
    assert version_changes(OLD, dict(OLD)) == []


def test_only_changed_fields_appear_in_the_forms_order():
    changes = version_changes(OLD, changed(loan_days=21, title="Baru", fee_per_loan="2000"))
    assert [c.field for c in changes] == ["title", "fee_per_loan", "loan_days"]


def test_empty_and_missing_count_as_unchanged():
    assert version_changes(OLD, changed(end_on=None, renewal="")) == []


def test_money_uses_the_languages_thousands_separator():
    with translation.override("id"):
        change = by_field(version_changes(OLD, changed(fee_per_loan="2500000")))["fee_per_loan"]
        assert change.label == "Biaya per pinjaman (Rp)"
        assert (change.before, change.after) == ("Rp 1.500.000", "Rp 2.500.000")
    with translation.override("en"):
        change = by_field(version_changes(OLD, changed(fee_per_loan="2500000")))["fee_per_loan"]
        assert (change.label, change.before, change.after) == ("Fee per loan (Rp)", "Rp 1,500,000", "Rp 2,500,000")


def test_dates_are_spelled_out_in_the_language_and_empty_is_a_dash():
    with translation.override("id"):
        change = by_field(version_changes(OLD, changed(start_on="2027-01-02", end_on="2027-12-31")))
        assert (change["start_on"].before, change["start_on"].after) == ("16 Desember 2026", "2 Januari 2027")
        assert (change["end_on"].label, change["end_on"].before) == ("Berakhir", "—")
    with translation.override("en"):
        assert by_field(version_changes(OLD, changed(start_on="2027-01-02")))["start_on"].before == "16 December 2026"


def test_forms_of_cooperation_are_lines_with_their_labels():
    with translation.override("en"):
        change = by_field(version_changes(OLD, changed(forms=["exchange"])))["forms"]
    assert [(line.status, line.text) for line in change.lines] == [
        ("removed", "Interlibrary loan"),
        ("added", "Exchange and redistribution of duplicates"),
    ]


def test_parties_added_removed_and_kept_read_as_lines():
    parties = [
        OLD["parties"][0],
        {"name": "Dinas Pendidikan Kota Medan", "role": "witness", "representative": "", "position": ""},
    ]
    with translation.override("id"):
        change = by_field(version_changes(OLD, changed(parties=parties)))["parties"]
    assert change.label == "Para pihak"
    assert [(line.status, line.text) for line in change.lines] == [
        ("same", "SMA Negeri 1 Medan — Pihak, diwakili oleh Rosmawati"),
        ("removed", "SMP Negeri 7 Medan — Pihak, diwakili oleh Lamhot"),
        ("added", "Dinas Pendidikan Kota Medan — Saksi"),
    ]


def test_a_changed_role_is_one_line_removed_and_one_added():
    parties = [{**OLD["parties"][0], "role": "coordinator"}, OLD["parties"][1]]
    with translation.override("en"):
        lines = by_field(version_changes(OLD, changed(parties=parties)))["parties"].lines
    assert [(line.status, line.text) for line in lines if line.status != "same"] == [
        ("removed", "SMA Negeri 1 Medan — Party, represented by Rosmawati"),
        ("added", "SMA Negeri 1 Medan — Coordinator, represented by Rosmawati"),
    ]


def test_duties_added_and_removed():
    duties = [{"party": "SMP Negeri 7 Medan", "form": "ill", "task": "Memindai halaman"}]
    with translation.override("en"):
        change = by_field(version_changes(OLD, changed(responsibilities=duties)))["responsibilities"]
    assert change.label == "Division of work"
    assert [(line.status, line.text) for line in change.lines] == [
        ("removed", "SMA Negeri 1 Medan: Mengatur kurir (Interlibrary loan)"),
        ("added", "SMP Negeri 7 Medan: Memindai halaman (Interlibrary loan)"),
    ]


def test_long_text_is_a_word_diff_and_escaped():
    change = by_field(version_changes(OLD, changed(objectives="Berbagi <b>buku</b> antar sekolah.")))["objectives"]
    assert change.diff == "Berbagi <del>koleksi</del><ins>&lt;b&gt;buku&lt;/b&gt;</ins> antar sekolah."
    assert "<b>" not in change.diff


def test_text_diff_keeps_line_breaks_and_marks_added_words():
    change = by_field(version_changes(OLD, changed(objectives="Berbagi koleksi antar sekolah.\nSetiap minggu.")))
    assert change["objectives"].diff == "Berbagi koleksi antar sekolah.<ins>\nSetiap minggu.</ins>"
