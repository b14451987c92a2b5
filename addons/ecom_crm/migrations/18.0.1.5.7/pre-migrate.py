"""18.0.1.5.7: res_partner.ecom_accountant_name (the company's chief accountant the invoice for payment
prints). A nullable column without a default: added at once whatever the table's size."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS ecom_accountant_name varchar")
