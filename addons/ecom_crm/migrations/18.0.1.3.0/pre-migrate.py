"""18.0.1.3.0: the customer card's fields hold one value per company (company_dependent, jsonb);
indexes that earlier versions created and no query uses go.

The card's single-value columns are dropped here; Odoo creates the jsonb ones and the
post-migration computes every card again from the orders. The journal of requests keeps only the
indexes its queries use (a processed request updates every index); the salespeople's load has a
partial index whose predicate matches the ORM's condition (crm_lead_ecom_open_by_user_idx)."""

OBSOLETE_INDEXES = ("crm_lead_ecom_open_user_idx", "ecom_intake_request__state_index",
                    "ecom_intake_request__source_id_index", "ecom_intake_request__idempotency_key_index",
                    "ecom_intake_request__company_id_index")

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
    for index in OBSOLETE_INDEXES:
        cr.execute(f'DROP INDEX IF EXISTS "{index}"')
