"""18.0.1.6.2: the owner's reports say which of their amounts include VAT («Выручка с НДС», «База маржи
(без НДС)», «Валовая прибыль (без НДС)»): the database's translations of the renamed labels are
replaced by the shipped ones (an upgrade keeps those it has: the Russian pivot would still say
«Выручка»). The dependency on sale_margin (the order lines' cost at the time of the sale) is
installed by the upgrade itself; the reports' views are made again as their SQL changed."""

from odoo.addons.ecom_crm.tools.i18n import reload_translations


def migrate(cr, version):
    if not version:
        return
    reload_translations(cr, "ecom_crm")
