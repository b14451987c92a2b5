"""18.0.2.3.7: the outcome of a contact closed by an order knows its order (``order_id``), and one
whose order was refused at delivery is «ordered, refused at delivery» (nothing sold).

The order of an outcome recorded before is the one its note names («Ordered: S00042», in the
salesperson's language: the order's name after the last «: »), an order of the outcome's company
and customer; a note naming none or several (a name typed again by hand) leaves it without one,
counted as before. The outcomes of orders refused since are then moved: the next snapshot counts
their days again (their refused contacts no longer match the days' rows)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(r"""
        WITH found AS (
            SELECT o.id, min(so.id) AS order_id
              FROM ecom_scoring_outcome o
              JOIN sale_order so ON so.company_id = o.company_id
                                AND so.name = substring(o.note FROM ': (\S+)$')
              JOIN res_partner p ON p.id = so.partner_id AND p.commercial_partner_id = o.partner_id
             WHERE o.outcome = 'ordered' AND o.order_id IS NULL AND o.note LIKE '%: %'
             GROUP BY o.id
            HAVING count(*) = 1
        )
        UPDATE ecom_scoring_outcome o
           SET order_id = found.order_id
          FROM found
         WHERE o.id = found.id
    """)
    cr.execute("""
        UPDATE ecom_scoring_outcome o
           SET outcome = 'ordered_refused', write_date = now() AT TIME ZONE 'UTC'
          FROM sale_order so
         WHERE so.id = o.order_id AND so.ecom_status = 'returned' AND o.outcome = 'ordered'
    """)
