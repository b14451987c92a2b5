"""18.0.1.6.6: *Revenue by channel*'s last touch is the order's own UTM, else its request's, as in
*Channels end to end* and the refusals; *Sales* counts an order given back in full by a customer who
had bought before among the returning customers'. Both reports are materialized views, made again by
the upgrade itself (their SQL changed: see ``ecom.report.matview.init``). What is left here: the
shipped Russian of the help texts that now say what each report counts and on which date (the
funnel's *Realised*, the salespeople's revenue) replaces the one the database holds (an upgrade
keeps those it has: the Russian help would not say «на дату заявки»)."""

from odoo.addons.ecom_crm.tools.i18n import reload_translations


def migrate(cr, version):
    if not version:
        return
    reload_translations(cr, "ecom_crm")
