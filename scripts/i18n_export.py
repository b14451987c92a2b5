"""Refresh each addon's i18n/<lang>.po from the terms of an installed database.

Run inside ``odoo-bin shell`` (scripts/i18n-export does it).  Existing translations are
kept; new terms arrive with an empty msgstr for a translator, vanished ones are dropped.
"""

import io
import os

import polib

from odoo.tools.translate import trans_export

ROOT = os.environ["ECOM_ROOT"]
LANG = os.environ.get("ECOM_LANG", "ru_RU")
for module in os.environ.get("ECOM_MODULES", "ecom_crm,ecom_crm_1c,ecom_crm_scoring").split(","):
    buffer = io.BytesIO()
    trans_export(LANG, [module], buffer, "po", env.cr)  # noqa: F821 (odoo shell's env)
    fresh = polib.pofile(buffer.getvalue().decode())
    path = os.path.join(ROOT, "addons", module, "i18n", f"{LANG.split('_')[0]}.po")
    if os.path.exists(path):
        shipped = polib.pofile(path)
        known = {(e.msgctxt, e.msgid): e.msgstr for e in shipped if e.msgstr}
        for entry in fresh:
            entry.msgstr = known.get((entry.msgctxt, entry.msgid), entry.msgstr)
        # translations of other modules' records the module renames (an export does not list them)
        for entry in shipped:
            foreign = [(where, line) for where, line in entry.occurrences
                       if where.startswith("model:") and not where.split(":", 2)[2].startswith(f"{module}.")]
            if foreign and entry.msgstr:
                same = fresh.find(entry.msgid, msgctxt=entry.msgctxt)
                if same and same.msgstr == entry.msgstr:
                    same.occurrences += [where for where in foreign if where not in same.occurrences]
                else:
                    fresh.append(polib.POEntry(msgid=entry.msgid, msgstr=entry.msgstr, occurrences=foreign,
                                               comment=f"module: {module}"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fresh.save(path)
    missing = [e.msgid for e in fresh if not e.msgstr]
    print(f"{module}: {len(fresh)} terms, {len(missing)} untranslated -> {path}")
