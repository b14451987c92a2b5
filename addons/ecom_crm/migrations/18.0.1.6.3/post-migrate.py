"""18.0.1.6.3: every owner's report that shows revenue has it without VAT too («Выручка без НДС»: the
channels', revenue by channel, cohorts' and salespeople's, as the sales report had it), and their
help says which revenue ROMI, ДРР and the averages take (with VAT). The reports kept in materialized
views are made again by the upgrade itself (their SQL changed: see ``ecom.report.matview.init``);
the salespeople's table and its daily pre-aggregate gain a column, so they are made again and
filled at once (``ecom.report.table.init``). What is left here: the shipped Russian of the changed
help texts and labels replaces the one the database holds (an upgrade keeps those it has), and so
does that of the calls journal's labels, which read right for an outgoing call too now («Номер
клиента» for the customer's number, «Номер магазина» for the store's line, «Сотрудник» for who
talked; the list would still say «Номер звонящего», «Ответил»). The salespeople's report's table
gets its calls' columns from the model's ``init`` as well."""

from odoo.addons.ecom_crm.tools.i18n import reload_translations


def migrate(cr, version):
    if not version:
        return
    reload_translations(cr, "ecom_crm")
