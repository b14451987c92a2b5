"""18.0.1.4.0: orders have a store status (confirmed, paid, shipped, delivered, refused at delivery,
cancelled). The new column starts as «quotation» everywhere: existing orders get the status their
state and 1C's flags say.

Requests have a stage history and the store has its reports: a database that used the addon before
has requests but no stage history: it is rebuilt from the stage changes Odoo tracked in their
chatter, then the funnel and the salespeople's report (tables) are filled. Both steps leave alone
what already exists: running them again adds nothing."""

from odoo import SUPERUSER_ID, api
from odoo.addons.ecom_crm.hooks import set_order_statuses_from_state


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    set_order_statuses_from_state(env)
    env["ecom.lead.stage.history"]._ecom_reconstruct()
    env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
