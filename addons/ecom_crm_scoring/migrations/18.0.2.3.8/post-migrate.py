"""18.0.2.3.8: a contact closed by an order cancelled since is «ordered, cancelled» (nothing sold),
and an outcome keeps the customer's RFM segment when the contact was scheduled (``segment``), the
dashboard's recounted days filing the contact under it.

The outcomes «ordered» whose order is cancelled now (not refused at delivery: that one stays
«ordered, refused at delivery») are moved; the next snapshot counts their days again (their
cancelled contacts no longer match the days' rows, whose new column is empty).

The segment of an outcome recorded before is not known: it gets the customer's segment in the
outcome's company as the scores have it at the upgrade (the one the recount used until now, so a
day counted again files its contacts where it did), none for a customer without a score."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE ecom_scoring_outcome o
           SET outcome = 'ordered_cancelled', write_date = now() AT TIME ZONE 'UTC'
          FROM sale_order so
         WHERE so.id = o.order_id AND so.state = 'cancel' AND so.ecom_status IS DISTINCT FROM 'returned'
           AND o.outcome = 'ordered'
    """)
    cr.execute("""
        UPDATE ecom_scoring_outcome o
           SET segment = s.segment
          FROM res_partner p, ecom_customer_score s
         WHERE p.id = o.partner_id AND s.partner_id = p.commercial_partner_id AND s.company_id = o.company_id
           AND o.segment IS NULL AND s.segment IS NOT NULL
    """)
