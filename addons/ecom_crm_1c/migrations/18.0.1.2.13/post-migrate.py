"""18.0.1.2.13: the shipped translations replace those the database holds (an upgrade keeps those it
has): the help of a 1C status's name in *Order statuses* says a status's id («Статуса заказа ИД») is
taken before its name when 1C sends both and the table maps it, which the Russian of before did not
(it said the id is read only without a name)."""

from odoo.addons.ecom_crm.tools.i18n import reload_translations


def migrate(cr, version):
    if not version:
        return
    reload_translations(cr, "ecom_crm_1c")
