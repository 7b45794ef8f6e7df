"""Fill msgstr entries of a .po file from a Python dict file: python scripts/po_fill.py PO DICT.py

DICT.py defines TRANSLATIONS = {msgid: msgstr or (singular, plural)}. Existing translations are kept
unless the dict has the msgid. Prints the msgids still untranslated.
"""

import runpy
import sys

import polib


def main(po_path: str, dict_path: str) -> int:
    translations = runpy.run_path(dict_path)["TRANSLATIONS"]
    po = polib.pofile(po_path)
    for entry in po:
        value = translations.get(entry.msgid)
        if value is None:
            continue
        if entry.msgid_plural:
            singular, plural = value if isinstance(value, tuple) else (value, value)
            entry.msgstr_plural = {0: singular, 1: plural}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(po_path)
    po.save_as_mofile(po_path[:-3] + ".mo")
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    for msgid in missing:
        print("UNTRANSLATED:", repr(msgid))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
