"""18.0.1.5.5: the customers' and requests' phones typed before the addon was installed (Odoo keeps
them as typed: «8 (916) 123-45-67», «… ext. 12») are stored as the addon stores them. The
installation of this version does it; a store that installed an earlier one kept them as typed, and
each request or call from such a customer made a duplicate customer. Set-based; numbers stored
already are left alone, so the upgrade can run again."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._ecom_normalize_stored_phones()
    env["crm.lead"]._ecom_normalize_stored_phones()
