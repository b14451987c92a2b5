"""18.0.1.5.2: one Russian word for the salesperson («Менеджер», the activity «Назначьте
менеджера»), the owner's dashboard filter under a term of its own: the database's translations
are replaced by the shipped ones (an upgrade keeps those it has)."""

from odoo.addons.ecom_crm.tools.i18n import reload_translations


def migrate(cr, version):
    if version:
        reload_translations(cr, "ecom_crm")
