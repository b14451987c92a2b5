"""18.0.1.4.0: refusal reasons carry win-back rules. The store's reasons are installed without
updates (noupdate): an existing database gets the installed rules here, for the reasons whose rule
nobody has set yet."""

from odoo import SUPERUSER_ID, api

RULES = {
    "ecom_crm.lost_reason_out_of_stock": {"ecom_winback_rule": "back_in_stock"},
    "ecom_crm.lost_reason_too_expensive": {"ecom_winback_rule": "price_drop"},
    "ecom_crm.lost_reason_no_answer": {"ecom_winback_rule": "retry", "ecom_winback_retry_days": 2,
                                       "ecom_winback_max_attempts": 3},
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, vals in RULES.items():
        reason = env.ref(xmlid, raise_if_not_found=False)
        if reason and not reason.ecom_winback_rule:
            reason.write(vals)
