"""18.0.1.6.4: the calls journal's labels read right for an outgoing call too («Номер клиента» for the
customer's number, «Номер магазина» for the store's line, «Сотрудник» for who talked): the database's
translations of the renamed labels are replaced by the shipped ones (an upgrade keeps those it has: the
list would still say «Номер звонящего», «Ответил»). The salespeople's report's table gets its calls'
columns from the model's ``init`` (a new version of the report: made again and refilled)."""

from odoo.addons.ecom_crm.tools.i18n import reload_translations


def migrate(cr, version):
    if not version:
        return
    reload_translations(cr, "ecom_crm")
