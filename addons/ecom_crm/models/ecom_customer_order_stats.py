from odoo import fields, models, tools


class EcomCustomerOrderStats(models.Model):
    """Each customer's confirmed orders in each company: how many, how much (in the company's
    currency, at each order's rate), the first and the last. The one definition of these figures:
    the customer card, the scoring and the reports read them here.

    A parcel refused at delivery is no purchase (the money is lost), as in the reports.

    Orders of a customer's contacts and addresses count for the customer (its commercial partner).
    A filter on ``partner_id`` or ``company_id`` is pushed into the aggregation by PostgreSQL (the id
    is the group's first order: no window function to stop it)."""

    _name = "ecom.customer.order.stats"
    _description = "Customer order statistics"
    _auto = False
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    order_count = fields.Integer("Orders", readonly=True)
    revenue = fields.Monetary(readonly=True)
    first_order = fields.Datetime("First order", readonly=True)
    last_order = fields.Datetime("Last order", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT min(so.id) AS id, p.commercial_partner_id AS partner_id, so.company_id,
                       count(*) AS order_count,
                       sum(so.amount_total / coalesce(nullif(so.currency_rate, 0), 1)) AS revenue,
                       min(so.date_order) AS first_order, max(so.date_order) AS last_order
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
                   AND so.ecom_status IS DISTINCT FROM 'returned'  -- refused at delivery: no purchase
              GROUP BY p.commercial_partner_id, so.company_id
            )
        """)
