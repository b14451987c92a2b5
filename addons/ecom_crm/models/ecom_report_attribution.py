from odoo import fields, models
from odoo.tools import SQL

from .ecom_report_channel import LOCAL_DAY
from .ecom_report_mixin import net_revenue_fields, order_channel, order_measures

# Each confirmed order (not refused at delivery) with its customer (the commercial partner: a contact's orders count for
# the company), its day in the company's time zone (its month is the store's: an order of 00:30 on
# the 1st in Moscow is 21:30 UTC of the month before), its revenue with VAT and without (net of its credit notes,
# which count on the order: see ``order_refunds``), whether it is a sale (``sold``: not given back in full; a
# returned order counts among no orders nor customers) and its last touch: the order's own UTM, else the
# channel of the request that led to it, each as a whole (``order_channel``; 1C orders carry none: "no channel"),
# as the channels' report (``ecom.report.channel``) and the refusals count an order's channel.
ORDERS_CTE = SQL("""
    orders AS (
        SELECT so.id, p.commercial_partner_id AS partner_id, so.company_id, so.team_id, so.user_id,
               so.date_order, %(day)s AS day, %(revenue)s AS revenue, %(refunded)s AS refunded, %(sold)s AS sold,
               %(revenue_untaxed)s AS revenue_untaxed,
               %(source)s AS lt_source_id, %(medium)s AS lt_medium_id, %(campaign)s AS lt_campaign_id
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
          JOIN res_company c ON c.id = so.company_id
          LEFT JOIN res_partner cp ON cp.id = c.partner_id
          LEFT JOIN crm_lead l ON l.id = so.opportunity_id
          LEFT JOIN (%(refunds)s) rf ON rf.order_id = so.id
         WHERE so.state = 'sale' AND so.ecom_status IS DISTINCT FROM 'returned'
    )""", day=SQL(LOCAL_DAY, SQL("so.date_order")), **order_measures(),
    **order_channel())
# Each customer's first touch in each company they bought from: the channel of their first request
# (of that company, or of none) or order of that company, whichever came first (a request without a
# channel still is the first touch: the customer came by no known channel). A customer is each
# company's own: one who bought from company A, then from company B is B's new customer, brought by
# B's channel, and B's revenue is not A's (whose managers would see it).
FIRST_TOUCH_CTE = SQL("""
    touches AS (
        SELECT o.company_id, o.partner_id, o.date_order AS at, 1 AS kind, o.lt_source_id AS source_id,
               o.lt_medium_id AS medium_id, o.lt_campaign_id AS campaign_id
          FROM orders o
         WHERE o.sold
        UNION ALL
        SELECT c.company_id, c.partner_id, l.create_date, 0, l.source_id, l.medium_id, l.campaign_id
          FROM crm_lead l
          JOIN res_partner p ON p.id = l.partner_id
          JOIN (SELECT DISTINCT company_id, partner_id FROM orders WHERE sold) c
            ON c.partner_id = p.commercial_partner_id AND (l.company_id IS NULL OR l.company_id = c.company_id)
    ), first_touch AS (
        SELECT DISTINCT ON (company_id, partner_id) company_id, partner_id, source_id, medium_id, campaign_id
          FROM touches ORDER BY company_id, partner_id, at, kind
    )""")


class EcomReportAttribution(models.Model):
    """Revenue by channel, first touch and last touch side by side, per month of the orders: group
    by «First-touch channel» for what the channels that brought the customers earn over their
    whole life (all their later orders, 1C's included), by «Last-touch channel» for what the
    channels that led to each order earn."""

    _name = "ecom.report.attribution"
    _inherit = ["ecom.report.matview"]
    _description = "Revenue by channel (attribution)"
    _auto = False
    _order = "date desc"
    _rec_name = "date"
    _ecom_indexes = (("date",), ("ft_source_id",))
    # dates that stand for their month (its first day): the list writes them «декабрь 2026» (widget ecom_month),
    # an Excel export as a date shown as its month (controllers/export.py)
    _ecom_month_fields = ("date",)

    date = fields.Date("Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    ft_source_id = fields.Many2one("utm.source", "First-touch channel", readonly=True)
    ft_medium_id = fields.Many2one("utm.medium", "First-touch medium", readonly=True)
    ft_campaign_id = fields.Many2one("utm.campaign", "First-touch campaign", readonly=True)
    lt_source_id = fields.Many2one("utm.source", "Last-touch channel", readonly=True)
    lt_medium_id = fields.Many2one("utm.medium", "Last-touch medium", readonly=True)
    lt_campaign_id = fields.Many2one("utm.campaign", "Last-touch campaign", readonly=True)
    order_count = fields.Integer("Orders", readonly=True, aggregator="sum")
    new_customer_count = fields.Integer(
        "New customers", readonly=True, aggregator="sum", help="Customers whose first order this is.")
    repeat_order_count = fields.Integer(
        "Repeat orders", readonly=True, aggregator="sum",
        help="Orders of customers who had bought from the company before (their second order and later).")
    revenue, refunded, revenue_untaxed = net_revenue_fields()
    revenue_per_customer = fields.Monetary(
        "Revenue per new customer", readonly=True, aggregator="ecom_ratio",
        ecom_ratio=("revenue", "new_customer_count", 1),
        help="Revenue incl. VAT / new customers: over all months, the lifetime revenue of a customer the channel "
             "brought.")
    repeat_share = fields.Float("Repeat orders (%)", readonly=True, digits=(16, 1), aggregator="ecom_ratio",
                                ecom_ratio=("repeat_order_count", "order_count", 100),
                                help="Repeat orders / orders: the share of the orders placed by customers who had "
                                     "bought from the company before.")

    def _ecom_query(self):
        return SQL("""
            WITH %(orders)s, %(first_touch)s, numbered AS (
                SELECT o.*,
                       row_number() OVER (PARTITION BY o.company_id, o.partner_id, o.sold
                                          ORDER BY o.date_order, o.id) AS n
                  FROM orders o
            ), g AS (
                SELECT date_trunc('month', o.day)::date AS date, o.company_id, o.team_id, o.user_id,
                       ft.source_id AS ft_source_id, ft.medium_id AS ft_medium_id, ft.campaign_id AS ft_campaign_id,
                       o.lt_source_id, o.lt_medium_id, o.lt_campaign_id,
                       count(*) FILTER (WHERE o.sold)::int AS order_count,
                       count(*) FILTER (WHERE o.sold AND o.n = 1)::int AS new_customer_count,
                       count(*) FILTER (WHERE o.sold AND o.n > 1)::int AS repeat_order_count, SUM(o.revenue) AS revenue,
                       SUM(o.refunded) AS refunded, SUM(o.revenue_untaxed) AS revenue_untaxed
                  FROM numbered o
                  LEFT JOIN first_touch ft ON ft.company_id = o.company_id AND ft.partner_id = o.partner_id
              GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
            )
            SELECT row_number() OVER () AS id, g.*
              FROM g
        """, orders=ORDERS_CTE, first_touch=FIRST_TOUCH_CTE)
