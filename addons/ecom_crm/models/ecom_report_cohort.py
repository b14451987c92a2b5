from odoo import fields, models
from odoo.tools import SQL

from .ecom_report_attribution import FIRST_TOUCH_CTE, ORDERS_CTE
from .ecom_report_mixin import revenue_untaxed_field

# repeat purchase windows, in months
WINDOWS = (3, 6, 12)


class EcomReportCohort(models.Model):
    """Cohorts: the customers each channel (first touch) brought in each month (the store's month of their
    first order), their lifetime orders and revenue to date, and the share of them who bought
    again within 3, 6 and 12 months of their first order. A share counts only the customers whose
    window has passed («matured»): the last months' cohorts are not diluted by customers who have
    not had the time. The month's ad spend of the channel sits on rows of its own (no team), so
    that the acquisition cost (CAC) and the lifetime ROMI add up by channel and month."""

    _name = "ecom.report.cohort"
    _inherit = ["ecom.report.matview"]
    _description = "Customer cohorts by channel"
    _auto = False
    _order = "date desc"
    _rec_name = "date"
    _ecom_indexes = (("date",), ("source_id",))
    # dates that stand for their month (its first day): the list writes them «декабрь 2026» (widget ecom_month),
    # an Excel export as a date shown as its month (controllers/export.py)
    _ecom_month_fields = ("date",)

    date = fields.Date("Acquisition month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True, help="Who made the first sale.")
    source_id = fields.Many2one("utm.source", "First-touch channel", readonly=True)
    medium_id = fields.Many2one("utm.medium", "First-touch medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", "First-touch campaign", readonly=True)
    customer_count = fields.Integer("Customers acquired", readonly=True, aggregator="sum")
    order_count = fields.Integer("Lifetime orders", readonly=True, aggregator="sum")
    revenue = fields.Monetary(
        "Lifetime revenue incl. VAT", readonly=True, aggregator="sum",
        help="What the customers acquired have paid to date, VAT included, less what their credit notes gave back: "
             "what the lifetime ROMI sets against the ad spend (with VAT too, as the ad systems invoice it).")
    revenue_untaxed = revenue_untaxed_field(
        "Lifetime revenue excl. VAT",
        "What the customers acquired have paid to date without VAT (the accountant's figure), less the untaxed part "
        "of what their credit notes gave back.")
    spend = fields.Monetary(
        "Ad spend", readonly=True, aggregator="sum",
        help="Empty where no ad spend of the channel was imported for the period: its costs, CAC and ROMI are empty "
             "too (unknown, not free).")
    repeat_3m = fields.Integer("Bought again within 3 months", readonly=True, aggregator="sum",
                                help="Of the customers of 3 months and more (whose window has passed).")
    matured_3m = fields.Integer("Customers of 3 months and more", readonly=True, aggregator="sum",
                                 help="Customers whose first purchase is 3 months old or more: those who had the "
                                      "time to buy again within 3 months.")
    repeat_6m = fields.Integer("Bought again within 6 months", readonly=True, aggregator="sum",
                                help="Of the customers of 6 months and more (whose window has passed).")
    matured_6m = fields.Integer("Customers of 6 months and more", readonly=True, aggregator="sum",
                                 help="Customers whose first purchase is 6 months old or more: those who had the "
                                      "time to buy again within 6 months.")
    repeat_12m = fields.Integer("Bought again within 12 months", readonly=True, aggregator="sum",
                                help="Of the customers of 12 months and more (whose window has passed).")
    matured_12m = fields.Integer("Customers of 12 months and more", readonly=True, aggregator="sum",
                                 help="Customers whose first purchase is 12 months old or more: those who had the "
                                      "time to buy again within 12 months.")
    # ratios of the group's sums (no columns: see ecom.report.mixin)
    repeat_3m_share = fields.Float("Repeat in 3 months (%)", readonly=True, digits=(16, 1), aggregator="ecom_ratio",
                                   ecom_ratio=("repeat_3m", "matured_3m", 100))
    repeat_6m_share = fields.Float("Repeat in 6 months (%)", readonly=True, digits=(16, 1), aggregator="ecom_ratio",
                                   ecom_ratio=("repeat_6m", "matured_6m", 100))
    repeat_12m_share = fields.Float("Repeat in 12 months (%)", readonly=True, digits=(16, 1),
                                    aggregator="ecom_ratio", ecom_ratio=("repeat_12m", "matured_12m", 100))
    revenue_per_customer = fields.Monetary("Lifetime revenue per customer", readonly=True, aggregator="ecom_ratio",
                                           ecom_ratio=("revenue", "customer_count", 1),
                                           help="Lifetime revenue incl. VAT / customers acquired.")
    cac = fields.Monetary("Acquisition cost per customer (CAC)", readonly=True, aggregator="ecom_ratio",
                          ecom_ratio=("spend", "customer_count", 1),
                          help="Customer acquisition cost: the month's ad spend / customers acquired.")
    lifetime_romi = fields.Float(
        "Lifetime ROMI (%)", readonly=True, digits=(16, 1), aggregator="ecom_ratio",
        ecom_ratio=("revenue", "spend", 100, -100),
        help="(Lifetime revenue of the customers acquired − the month's ad spend) / ad spend × 100, both with VAT "
             "(the ad systems invoice their spend with VAT).")

    def _ecom_query(self):
        windows = SQL(", ").join(
            # the repeat buyers among the matured customers only: counted among all, a young cohort's
            # share went over 100 % (133 % and 5,200 % on the demo store's last months)
            SQL("""count(*) FILTER (WHERE c.second_order <= c.first_order + interval '%(m)s months'
                                      AND c.first_order + interval '%(m)s months' <= now() AT TIME ZONE 'UTC')::int
                   AS %(repeat)s,
                   count(*) FILTER (WHERE c.first_order + interval '%(m)s months' <= now() AT TIME ZONE 'UTC')::int
                   AS %(matured)s""", m=SQL(str(m)), repeat=SQL.identifier(f"repeat_{m}m"),
                matured=SQL.identifier(f"matured_{m}m"))
            for m in WINDOWS)
        zero_windows = SQL(", ").join(SQL("0, 0") for _m in WINDOWS)
        return SQL("""
            WITH %(orders)s, %(first_touch)s, numbered AS (
                SELECT o.*,
                       row_number() OVER (PARTITION BY o.company_id, o.partner_id ORDER BY o.date_order, o.id) AS n
                  FROM orders o
                 WHERE o.sold  -- an order given back in full acquired nobody
            ), customers AS (
                -- a customer of each company they bought from (see FIRST_TOUCH_CTE)
                SELECT o.partner_id, o.company_id,
                       (array_agg(o.team_id ORDER BY o.n))[1] AS team_id,
                       (array_agg(o.user_id ORDER BY o.n))[1] AS user_id,
                       min(o.date_order) AS first_order, min(o.day) AS first_day,
                       min(o.date_order) FILTER (WHERE o.n = 2) AS second_order,
                       count(*) AS order_count, SUM(o.revenue) AS revenue, SUM(o.revenue_untaxed) AS revenue_untaxed
                  FROM numbered o
              GROUP BY o.company_id, o.partner_id
            ), g AS (
                SELECT date_trunc('month', c.first_day)::date AS date, c.company_id, c.team_id, c.user_id,
                       ft.source_id, ft.medium_id, ft.campaign_id, count(*)::int AS customer_count,
                       SUM(c.order_count)::int AS order_count, SUM(c.revenue) AS revenue, NULL::float AS spend,
                       %(windows)s, SUM(c.revenue_untaxed) AS revenue_untaxed
                  FROM customers c
                  LEFT JOIN first_touch ft ON ft.company_id = c.company_id AND ft.partner_id = c.partner_id
              GROUP BY 1, 2, 3, 4, 5, 6, 7
                UNION ALL
                SELECT date_trunc('month', s.date)::date, s.company_id, NULL, NULL, s.source_id, s.medium_id,
                       s.campaign_id, 0, 0, 0, SUM(s.amount_company), %(zero_windows)s, 0
                  FROM ecom_ad_spend s
              GROUP BY 1, 2, 5, 6, 7
            )
            SELECT row_number() OVER () AS id, g.*
              FROM g
        """, orders=ORDERS_CTE, first_touch=FIRST_TOUCH_CTE, windows=windows, zero_windows=zero_windows)
