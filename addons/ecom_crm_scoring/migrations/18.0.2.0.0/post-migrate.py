"""18.0.2.0.0: the scoring cron runs every hour (the day's first run is full, the others incremental);
its record is noupdate, so the new interval is set here. The scores are computed again at once."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("ecom_crm_scoring.ir_cron_score_customers", raise_if_not_found=False)
    if cron:
        cron.write({"interval_number": 1, "interval_type": "hours"})
    for company in env["res.company"].search([]):
        env["ecom.scoring.run"]._score_customers(company)
