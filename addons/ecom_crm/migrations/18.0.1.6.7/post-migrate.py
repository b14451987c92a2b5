"""18.0.1.6.7: *Channels end to end*'s ROMI sets the revenue of the channels paid for (a new measure,
*Revenue of paid channels*) against the ad spend, no longer that of every known channel: its total row
counted the site's and the phone calls' revenue a return of the ads. The report is a materialized view,
made again by the upgrade itself (its SQL changed: see ``ecom.report.matview.init``). What is left
here: the shipped Russian of the help texts that changed with it (ROMI's, the known channels' revenue)
replaces the one the database holds (an upgrade keeps those it has: ROMI's Russian help would still say
«Выручка известных каналов»)."""

from odoo.addons.ecom_crm.tools.i18n import reload_translations


def migrate(cr, version):
    if not version:
        return
    reload_translations(cr, "ecom_crm")
