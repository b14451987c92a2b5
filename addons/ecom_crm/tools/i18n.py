"""The translations a version of an addon brings to a database it upgrades."""

from odoo import SUPERUSER_ID, api


def reload_translations(cr, module):
    """Load ``module``'s shipped translations over those the database holds, in each of its active
    languages.

    An upgrade (``-u``) fills only the translations a database lacks: a label whose English text
    changed keeps its former translation («Предложение (шанс)» under "Offer (chance of buying)"),
    a term translated anew keeps the old words. Each of the three addons calls this for itself on
    every version change, from its ``migrations/0.0.0/end-reload_translations.py`` (Odoo runs that
    folder's scripts whatever the versions): a version that changes labels or their translations
    needs no migration of its own for them. Translations a user edited in Odoo for the module's own
    terms are replaced too, as Odoo's ``--i18n-overwrite`` does; the records its data files create
    once (``noupdate``: stages, refusal reasons, activity types) keep theirs, a user may have
    renamed them (ecom_crm's ``ir.module.module.CORRECTED`` lists those whose translation shipped
    before is replaced by the shipped one, while the record still holds it)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    langs = [code for code, _name in env["res.lang"].get_installed()]
    env["ir.module.module"]._load_module_terms([module], langs, overwrite=True)


def reload_on_upgrade(module):
    """The ``migrate`` of ``module``'s ``migrations/0.0.0/end-reload_translations.py``: Odoo runs
    the scripts of ``migrations/0.0.0`` whenever the installed version is lower than the
    manifest's, whatever the version, and this one at the ``end`` stage, once every module of the
    upgrade is loaded, its data and Odoo's own load of the terms (which keeps the translations a
    database holds) done: nothing of the upgrade writes them after it. A new installation loads
    the shipped translations itself and runs no migration (no ``version``)."""

    def migrate(cr, version):
        if version:
            reload_translations(cr, module)

    return migrate
