from odoo import fields, models
from odoo.tools import SQL

from .ecom_report_channel import LOCAL_DAY
from .ecom_report_mixin import net_revenue_fields, order_measures


class EcomReportSales(models.Model):
    """Sales per day, team, salesperson and kind of customer (new: the order is the customer's
    first from the order's company; returning: they had bought from it before): orders, revenue,
    average order, repeat orders (%: the share of orders from returning customers, as the
    attribution report counts them) and the gross margin of the lines that have a cost: the order
    line's cost at the time of the sale (sale_margin's «Cost», ``purchase_price``: the product's
    cost price when the line was made, per unit of the line, in the order's currency), so that a
    cost price changed since moves no past margin. Every amount is in the company's currency at the order's rate.

    Revenue is what the customer pays (VAT included, as on the customer card) less what the
    order's credit notes gave back (on the order's day: see ``order_refunds``); *Revenue excl.
    VAT* the same without VAT, the accountant's «выручка без НДС»; the margin is
    computed on the lines' untaxed amounts («Margin base»), so that taxes are not margin, less the
    credited lines' untaxed amount and the cost of the quantities credited (the goods came back)."""

    _name = "ecom.report.sales"
    _inherit = ["ecom.report.matview"]
    _description = "Sales report"
    _auto = False
    _order = "date desc"
    _rec_name = "date"
    _ecom_indexes = (("date",),)

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    customer_kind = fields.Selection(
        [("new", "New customer"), ("returning", "Returning customer")], string="New or returning",
        readonly=True)
    order_count = fields.Integer("Orders", readonly=True, aggregator="sum")
    new_customer_count = fields.Integer("New customers", readonly=True, aggregator="sum")
    returning_order_count = fields.Integer(
        "Repeat orders", readonly=True, aggregator="sum",
        help="Orders of customers who had bought from the company before (their second order and later).")
    revenue, refunded, revenue_untaxed = net_revenue_fields()
    margin_base = fields.Monetary(
        "Margin base excl. VAT", readonly=True, aggregator="sum",
        help="Untaxed amount of the lines that have a cost: VAT is no margin.")
    cost = fields.Monetary(
        "Cost of goods", readonly=True, aggregator="sum",
        help="The lines' cost at the time of the sale (the «Cost» of the order line: the product's cost price when "
             "the line was made), less that of the quantities credited.")
    margin = fields.Monetary("Margin excl. VAT", readonly=True, aggregator="sum",
                             help="The margin base less the cost of goods.")
    # ratios of the group's sums (no columns: see ecom.report.mixin)
    average_order = fields.Monetary("Average order", readonly=True, aggregator="ecom_ratio",
                                    ecom_ratio=("revenue", "order_count", 1), help="Revenue incl. VAT / orders.")
    repeat_rate = fields.Float("Repeat orders (%)", readonly=True, digits=(16, 1), aggregator="ecom_ratio",
                               ecom_ratio=("returning_order_count", "order_count", 100),
                               help="Repeat orders / orders: the share of the orders placed by customers who had "
                                    "bought from the company before.")
    margin_percent = fields.Float("Margin (%)", readonly=True, digits=(16, 1), aggregator="ecom_ratio",
                                  ecom_ratio=("margin", "margin_base", 100))

    def _ecom_query(self):
        return SQL("""
            WITH lines AS (
                SELECT sol.order_id,
                       SUM(sol.price_subtotal) AS base,
                       SUM(sol.product_uom_qty * sol.purchase_price) AS cost
                  FROM sale_order_line sol
                 WHERE sol.state = 'sale' AND sol.display_type IS NULL AND sol.purchase_price > 0
              GROUP BY sol.order_id
            ), orders AS (
                SELECT so.id, so.company_id, so.team_id, so.user_id, %(day)s AS date, %(revenue)s AS revenue,
                       %(revenue_untaxed)s AS revenue_untaxed,
                       %(refunded)s AS refunded, %(sold)s AS sold,
                       (COALESCE(ln.base, 0) - COALESCE(rf.refunded_base, 0))
                       / COALESCE(NULLIF(so.currency_rate, 0), 1) AS margin_base,
                       (COALESCE(ln.cost, 0) - COALESCE(rf.refunded_cost, 0))
                       / COALESCE(NULLIF(so.currency_rate, 0), 1) AS cost,
                       -- new or returning customer of the order's company (see ecom_report_attribution): the
                       -- orders they had bought from it before this one, among those sold (an order given back in
                       -- full acquired nobody: it is a returning customer's when they had bought before it)
                       count(*) FILTER (WHERE %(sold)s)
                           OVER (PARTITION BY so.company_id, p.commercial_partner_id ORDER BY so.date_order, so.id
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS bought_before
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN res_company c ON c.id = so.company_id
                  LEFT JOIN res_partner cp ON cp.id = c.partner_id
                  LEFT JOIN lines ln ON ln.order_id = so.id
                  LEFT JOIN (%(refunds)s) rf ON rf.order_id = so.id
                 WHERE so.state = 'sale' AND so.ecom_status IS DISTINCT FROM 'returned'
            ), g AS (
                SELECT o.date, o.company_id, o.team_id, o.user_id,
                       CASE WHEN o.bought_before = 0 THEN 'new' ELSE 'returning' END AS customer_kind,
                       count(*) FILTER (WHERE o.sold)::int AS order_count,
                       count(*) FILTER (WHERE o.sold AND o.bought_before = 0)::int AS new_customer_count,
                       count(*) FILTER (WHERE o.sold AND o.bought_before > 0)::int AS returning_order_count,
                       SUM(o.revenue) AS revenue, SUM(o.revenue_untaxed) AS revenue_untaxed,
                       SUM(o.refunded) AS refunded, SUM(o.margin_base) AS margin_base,
                       SUM(o.cost) AS cost,
                       SUM(o.margin_base - o.cost) AS margin
                  FROM orders o
              GROUP BY 1, 2, 3, 4, 5
            )
            SELECT row_number() OVER () AS id, g.*
              FROM g
        """, day=SQL(LOCAL_DAY, SQL("so.date_order")), **order_measures())
