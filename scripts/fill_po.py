"""Fill msgstr entries of a .po file from a JSON object {msgid: msgstr}; reports msgids still untranslated.

Usage: python scripts/fill_po.py academy/locale/zh_Hans/LC_MESSAGES/django.po translations.json
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> int:
    po = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as handle:
        translations = json.load(handle)
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [entry.msgid for entry in po if not entry.msgstr and not entry.obsolete]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
