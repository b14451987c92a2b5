"""18.0.1.4.0: the requests' stage history and the store reports.

A database that used the addon before has requests but no stage history: it is rebuilt from the
stage changes Odoo tracked in their chatter, then the funnel and the salespeople's report (tables)
are filled. Both steps leave alone what already exists: running them again adds nothing."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["ecom.lead.stage.history"]._ecom_reconstruct()
    env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
