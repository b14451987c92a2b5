"""18.0.1.5.9: sale_order.ecom_quotation_date (the quotation's date, kept at its confirmation: the invoice
for payment's date), ecom_contract_number and ecom_contract_date (the invoice's «Основание»). Nullable
columns without a default: added at once whatever the table's size.

The orders confirmed before are left without a quotation date: their quotation's date was overwritten by
the confirmation (Odoo keeps it nowhere else), and their invoice prints the order's date, as it did."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        ALTER TABLE sale_order
            ADD COLUMN IF NOT EXISTS ecom_quotation_date date,
            ADD COLUMN IF NOT EXISTS ecom_contract_number varchar,
            ADD COLUMN IF NOT EXISTS ecom_contract_date date
    """)
