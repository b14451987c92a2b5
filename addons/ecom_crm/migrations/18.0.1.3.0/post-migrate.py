"""18.0.1.3.0: the intake API and its queue run as the technical user ecom_crm.user_intake_api;
customer cards are per company.

The scheduled action is a noupdate record: its user is set here for databases installed before;
the technical user joins every company; calls get the company of their telephony source; every
customer card is computed again (its fields now hold a value per company)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    api_user = env.ref("ecom_crm.user_intake_api")
    api_user.company_ids = env["res.company"].search([])
    cron = env.ref("ecom_crm.ir_cron_process_intake", raise_if_not_found=False)
    if cron:
        cron.user_id = api_user
    cr.execute("""
        UPDATE ecom_call c SET company_id = s.company_id
          FROM ecom_intake_source s
         WHERE s.id = c.source_id AND c.company_id IS NULL
    """)
    env["res.partner"]._ecom_refresh_customer_card()
    for lang, _name in env["res.lang"].get_installed():  # the shipped channels in the database's language
        env["utm.source"]._ecom_localize(lang)
