"""Indonesian is complete and the committed .mo files match their .po sources (a fresh clone has no msgfmt)."""

import gettext
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted(path for path in ROOT.glob("**/locale/id/LC_MESSAGES/django.po") if ".venv" not in path.parts)


def test_there_are_catalogs():
    assert ROOT / "locale/id/LC_MESSAGES/django.po" in CATALOGS


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_indonesian_catalog_is_complete(po_path):
    po = polib.pofile(str(po_path))
    missing = [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or entry.fuzzy)]
    assert not missing, f"untranslated in {po_path}: {missing[:10]}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: edit the .po, then compile it (make messages; GNU gettext)"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    po = polib.pofile(str(po_path))
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_indonesian_plurals_have_the_one_form_the_header_declares(po_path):
    """Indonesian has one plural form (nplurals=1): a second msgstr is never shown, so the one form must read right
    for any count ("diperpanjang %(n)s kali", not "diperpanjang sekali" for three renewals)."""
    po = polib.pofile(str(po_path))
    assert "nplurals=1" in po.metadata.get("Plural-Forms", "")
    extra = [entry.msgid for entry in po if entry.msgid_plural and len(entry.msgstr_plural) != 1]
    assert not extra, f"{po_path}: {extra}"


def test_a_text_without_context_has_one_indonesian_translation_in_every_catalog():
    """Django merges every app's catalog: a msgid translated two ways ("Active": "Berlaku" for an agreement, "Aktif"
    for a member) shows one of them everywhere. Words whose translation depends on where they stand get a context
    (pgettext, `{% translate "..." context "..." %}`); the others read the same wherever they stand."""
    translations: dict[tuple[str | None, str], dict[str, str]] = {}
    for po_path in CATALOGS:
        for entry in polib.pofile(str(po_path)).translated_entries():
            if not entry.msgid_plural:
                key = (entry.msgctxt, entry.msgid)
                translations.setdefault(key, {})[str(po_path.relative_to(ROOT))] = entry.msgstr
    clashes = {key[1]: found for key, found in translations.items() if len(set(found.values())) > 1}
    assert not clashes, clashes
