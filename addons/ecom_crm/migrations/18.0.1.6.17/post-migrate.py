"""18.0.1.6.17: a phone field carrying two numbers («+7 916 123-45-67, 8 (495) 765-43-21», «8916… /
8903…», «8916…67/68») is the phone and the mobile. Customers and requests typed so kept the field as
typed, flagged invalid, or the second number as the first's extension («+79161234567 доб.
89031112233», from «8916…;8903…»), and requests from the second number made a duplicate customer:
those phones are stored again (the second number as the mobile when that is empty; a field whose
numbers do not fit stays as typed). Only the rows whose phone or mobile may carry several numbers are
read (``res_partner.SEVERAL_PHONES_SQL``), a batch at a time, written set-based; run again, it
changes nothing more."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._ecom_normalize_stored_phones(several_only=True)
    env["crm.lead"]._ecom_normalize_stored_phones(several_only=True)
