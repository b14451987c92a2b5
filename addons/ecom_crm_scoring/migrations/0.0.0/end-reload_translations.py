"""Every upgrade to a new version of the addon brings the Russian it ships (see
``ecom_crm.tools.i18n.reload_translations``): Odoo runs the scripts of ``migrations/0.0.0`` whenever
the installed version is lower than the manifest's, whatever the version, and this one at the
``end`` stage, once every module of the upgrade is loaded, its data and Odoo's own load of the terms
(which keeps the translations a database holds) done: nothing of the upgrade writes them after it.
A new installation loads the shipped translations itself and runs no migration."""

from odoo.addons.ecom_crm.tools.i18n import reload_translations


def migrate(cr, version):
    if version:
        reload_translations(cr, "ecom_crm_scoring")
