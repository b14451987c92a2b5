"""The translations a version of an addon brings to a database it upgrades."""

from odoo import SUPERUSER_ID, api


def reload_translations(cr, module):
    """Load ``module``'s shipped translations over those the database holds, in each of its active
    languages.

    An upgrade (``-u``) fills only the translations a database lacks: a label whose English text
    changed keeps its former translation («Предложение (шанс)» under "Offer (chance of buying)"),
    a term translated anew keeps the old words. A version that changes labels or their translations
    calls this from its post-migration. Translations a user edited in Odoo for the module's own
    terms are replaced too, as Odoo's ``--i18n-overwrite`` does; the records its data files create
    once (``noupdate``: stages, refusal reasons, activity types) keep theirs, a user may have
    renamed them."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    langs = [code for code, _name in env["res.lang"].get_installed()]
    env["ir.module.module"]._load_module_terms([module], langs, overwrite=True)
