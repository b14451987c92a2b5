"""18.0.1.5.9: sale_order.ecom_quotation_date (the quotation's date, kept at its confirmation: the invoice
for payment's date), ecom_contract_number and ecom_contract_date (the invoice's «Основание»);
mail_activity.ecom_call_at, ecom_call_partner_id and ecom_call_company_id (a call back's own, kept when its
call is deleted), filled from the calls the open call backs return. Nullable columns without a default:
added at once whatever the table's size; the fill touches the call backs only.

The orders confirmed before are left without a quotation date: their quotation's date was overwritten by
the confirmation (Odoo keeps it nowhere else), and their invoice prints the order's date, as it did
(18.0.1.6.0 dates those confirmed after the day they were made by their creation). A call back whose
call was deleted before has nothing left to say it is one: it stays an ordinary call activity.
A store upgrading from before the call backs named their call (18.0.1.2.0, no mail_activity.ecom_call_id)
has none to fill."""
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        ALTER TABLE sale_order
            ADD COLUMN IF NOT EXISTS ecom_quotation_date date,
            ADD COLUMN IF NOT EXISTS ecom_contract_number varchar,
            ADD COLUMN IF NOT EXISTS ecom_contract_date date
    """)
    cr.execute("""
        ALTER TABLE mail_activity
            ADD COLUMN IF NOT EXISTS ecom_call_at timestamp,
            ADD COLUMN IF NOT EXISTS ecom_call_partner_id int4,
            ADD COLUMN IF NOT EXISTS ecom_call_company_id int4
    """)
    if not column_exists(cr, "mail_activity", "ecom_call_id"):
        return
    cr.execute("""
        UPDATE mail_activity a
           SET ecom_call_at = COALESCE(c.started_at, a.create_date, now() AT TIME ZONE 'UTC'),
               ecom_call_partner_id = c.partner_id, ecom_call_company_id = c.company_id
          FROM ecom_call c
         WHERE a.ecom_call_id = c.id AND a.ecom_call_at IS NULL
    """)
