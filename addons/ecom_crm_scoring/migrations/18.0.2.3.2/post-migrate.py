"""18.0.2.3.2: the scores' own index on ``partner_id`` is dropped: the unique constraint on
(partner_id, company_id) is an index that starts with the same column and serves the same
look-ups (a partner's scores, the cascade when a partner is deleted). Odoo keeps an index a field
no longer asks for, hence this step; each of the nightly job's inserts and non-HOT updates wrote
one index entry more for nothing."""


def migrate(cr, version):
    cr.execute("DROP INDEX IF EXISTS ecom_customer_score__partner_id_index")
