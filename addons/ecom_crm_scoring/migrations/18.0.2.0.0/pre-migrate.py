"""18.0.2.0.0: scores move from res_partner's columns to ecom_customer_score (one row per customer and
company); the partner's fields become computed from it. The old columns go, their values are recomputed
by the first run after the update (post-migrate)."""

OLD_COLUMNS = ("ecom_score", "ecom_recency", "ecom_frequency", "ecom_monetary", "ecom_group", "ecom_scored_on")


def migrate(cr, version):
    for column in OLD_COLUMNS:
        cr.execute(f"ALTER TABLE res_partner DROP COLUMN IF EXISTS {column}")
