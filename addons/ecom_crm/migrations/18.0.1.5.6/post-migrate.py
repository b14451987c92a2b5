"""18.0.1.5.6: fill res_partner.ecom_sms_number from the stored phones (see pre-migrate), a batch of
ids at a time; numbers already right are left alone, so the upgrade can run again."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    api.Environment(cr, SUPERUSER_ID, {})["res.partner"]._ecom_fill_sms_numbers()
