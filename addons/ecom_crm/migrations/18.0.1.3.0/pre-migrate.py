"""18.0.1.3.0: the customer card's fields hold one value per company (company_dependent, jsonb).

Their single-value columns are dropped here; Odoo creates the jsonb ones and the post-migration
computes every card again from the orders."""

CARD_COLUMNS = ("ecom_order_count", "ecom_revenue", "ecom_avg_order", "ecom_first_order_date",
                "ecom_last_order_date", "ecom_days_since_order", "ecom_customer_status")


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name = ANY(%s) AND data_type <> 'jsonb'
    """, [list(CARD_COLUMNS)])
    for (column,) in cr.fetchall():
        cr.execute(f'ALTER TABLE res_partner DROP COLUMN "{column}"')
