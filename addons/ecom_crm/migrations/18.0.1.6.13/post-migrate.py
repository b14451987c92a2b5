"""18.0.1.6.13: a request or order that names a campaign and neither source nor medium has its campaign's
channel (the one its ad spend is recorded under, else a clear majority of its requests'), or «Campaign
without a source» while that is not known, so that it counts in its channel in every report and its
revenue meets its campaign's ad spend. The rows of the store that name only a campaign get it here, once
(a small update of those rows alone, ``utm.campaign._ecom_give_channels``, which marks them *Channel from
its campaign*: it follows their campaign), and the reports are rebuilt for them: the tables' rows of those
requests and orders, the materialized views whole. The new channel «Campaign without a source» is named in
the database's language."""

from odoo import SUPERUSER_ID, api


def give_campaign_only_rows_their_channel(env):
    """Give every request and order naming only a campaign its channel and rebuild the reports' rows of
    those that changed; return ``{model: ids changed}``."""
    changed = env["utm.campaign"]._ecom_give_channels()
    if changed:
        for report in env["ecom.report.table"]._ecom_table_reports():
            report._ecom_refresh(changed.get("crm.lead", []), changed.get("sale.order", []))
        env["ecom.report.matview"]._ecom_refresh_all()
    return changed


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for lang, _name in env["res.lang"].get_installed():
        env["utm.source"]._ecom_localize(lang)
    give_campaign_only_rows_their_channel(env)
