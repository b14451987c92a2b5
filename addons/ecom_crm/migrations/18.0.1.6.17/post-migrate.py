"""18.0.1.6.17: a phone field carrying two numbers («+7 916 123-45-67, 8 (495) 765-43-21», «8916… /
8903…») is the phone and the mobile. Customers and requests typed so before this version kept the
field as typed, flagged invalid, and requests from either number made a duplicate customer: their
phones are stored again (the second number as the mobile when that is empty; a field whose numbers
do not fit stays as typed). Set-based; numbers stored already are left alone."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._ecom_normalize_stored_phones()
    env["crm.lead"]._ecom_normalize_stored_phones()
