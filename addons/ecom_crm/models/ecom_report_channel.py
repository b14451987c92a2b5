from odoo import fields, models
from odoo.tools import SQL

from .ecom_report_mixin import net_revenue_fields, order_channel, order_measures
from .utm_campaign import CAMPAIGN_ONLY_SQL

# the time zone of the rows without a company (a request of no team and no salesperson yet): the
# main company's, as in the reports kept in tables (``ecom.report.mixin._ecom_default_tz``); read at
# each refresh, so that a time zone changed since counts at the next one
MAIN_TZ = """(SELECT mp.tz FROM ir_model_data d
                JOIN res_company mc ON mc.id = d.res_id
                JOIN res_partner mp ON mp.id = mc.partner_id
               WHERE d.module = 'base' AND d.name = 'main_company' AND d.model = 'res.company')"""
# the day of a moment, in the company's time zone (its partner's; Moscow for a Russian store; UTC for a
# company without one, as in the tables' ``_ecom_day_tzs``; ``cp``: the company's partner, NULL for a
# row of no company, whose day is the main company's)
LOCAL_DAY = ("(%s AT TIME ZONE 'UTC' AT TIME ZONE CASE WHEN cp.id IS NULL THEN COALESCE(" + MAIN_TZ
             + ", 'UTC') ELSE COALESCE(cp.tz, 'UTC') END)::date")


class EcomReportChannel(models.Model):
    """«Сквозная аналитика»: per day, channel (UTM source, medium, campaign), team and salesperson,
    what was spent, how many requests came, how many orders were confirmed and for how much. Each
    measure counts on its own day: the spend on the day it was spent, a request on the day it came,
    an order on its date (an order's channel is its own UTM, else its request's, each as a whole: last
    touch). An order given back in full is a returned order: no order nor conversion, its revenue nothing, what it gave
    back among the refunds."""

    _name = "ecom.report.channel"
    _inherit = ["ecom.report.matview"]
    _description = "Channel report"
    _auto = False
    _order = "date desc"
    _rec_name = "date"
    _ecom_indexes = (("date",), ("source_id", "date"))

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    source_id = fields.Many2one("utm.source", "Channel", readonly=True)
    medium_id = fields.Many2one("utm.medium", "Medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", "Campaign", readonly=True)
    spend = fields.Monetary(
        "Ad spend", readonly=True, aggregator="sum",
        help="Empty where no ad spend of the channel was imported for the period: its costs, CAC and ROMI are empty "
             "too (unknown, not free).")
    impressions = fields.Integer(readonly=True, aggregator="sum")
    clicks = fields.Integer(readonly=True, aggregator="sum")
    request_count = fields.Integer("Requests", readonly=True, aggregator="sum",
                                   help="Requests that came in, on the day they came (as the funnel counts them).")
    order_count = fields.Integer(
        "Orders", readonly=True, aggregator="sum",
        help="Orders confirmed, on their date, with a request or not (1C's, the till's), not those refused at "
             "delivery nor given back in full.")
    revenue, refunded, revenue_untaxed = net_revenue_fields()
    # what the ratios of requests and of ad spend count: an order placed without any request (from 1C,
    # at the till) is a sale, not a request's conversion, and one without a channel is no ad's return
    request_order_count = fields.Integer(
        "Orders from requests", readonly=True, aggregator="sum",
        help="Orders confirmed from a request: the numerator of the request to order conversion.")
    channel_revenue = fields.Monetary(
        "Revenue of known channels", readonly=True, aggregator="sum",
        help="Revenue of the orders whose channel is known (their own UTM or their request's), VAT included: not "
             "those of no channel nor of «Campaign without a source».")
    # ROMI's return: the revenue of the channels paid for (those with ad spend, as the owner's dashboard
    # takes them). Over every known channel a total row set the site's and the phone calls' revenue against
    # the ads' spend (September 2026 of the demo store: 6,971% for the paid channels' 4,516%)
    # (the query's test of a paid channel is an uncorrelated IN, a hashed set read once, not a probe of
    # ecom_ad_spend per order: a refresh reads millions of orders on a large store)
    paid_revenue = fields.Monetary(
        "Revenue of paid channels", readonly=True, aggregator="sum",
        help="Revenue of the orders whose channel has ad spend imported (their own UTM or their request's), VAT "
             "included: what ROMI sets against the ad spend (with VAT too, as the ad systems invoice it). The "
             "site's, a phone call's, a channel nothing is spent on is no return of the ads.")
    # ratios of the group's sums (no columns: see ecom.report.mixin)
    cpl = fields.Monetary("Cost per request (CPL)", readonly=True, aggregator="ecom_ratio",
                          ecom_ratio=("spend", "request_count", 1))
    cpo = fields.Monetary("Cost per order (CPO)", readonly=True, aggregator="ecom_ratio",
                          ecom_ratio=("spend", "order_count", 1))
    cpc = fields.Monetary("Cost per click (CPC)", readonly=True, aggregator="ecom_ratio",
                          ecom_ratio=("spend", "clicks", 1))
    conversion = fields.Float("Request to order (%)", readonly=True, digits=(16, 1), aggregator="ecom_ratio",
                              ecom_ratio=("request_order_count", "request_count", 100))
    average_order = fields.Monetary("Average order", readonly=True, aggregator="ecom_ratio",
                                    ecom_ratio=("revenue", "order_count", 1), help="Revenue incl. VAT / orders.")
    romi = fields.Float("ROMI (%)", readonly=True, digits=(16, 1), aggregator="ecom_ratio",
                        ecom_ratio=("paid_revenue", "spend", 100, -100),
                        help="(Revenue of paid channels − ad spend) / ad spend × 100, both with VAT: the ad "
                             "systems' spend is invoiced with VAT, so the revenue it is set against is the revenue "
                             "incl. VAT (against the revenue excl. VAT, VAT would count as a loss of the ads).")
    drr = fields.Float("ДРР (%)", readonly=True, digits=(16, 1), aggregator="ecom_ratio",
                       ecom_ratio=("spend", "revenue", 100),
                       help="Share of ad spend in revenue (доля рекламных расходов): ad spend / revenue incl. VAT "
                            "× 100, both with VAT (as ROMI).")

    def _ecom_query(self):
        return SQL("""
            WITH t AS (
                SELECT s.date, s.company_id, NULL::int AS team_id, NULL::int AS user_id, s.source_id, s.medium_id,
                       s.campaign_id, s.amount_company AS spend, s.impressions, s.clicks, 0 AS request_count,
                       0 AS order_count, 0 AS revenue, 0 AS request_order_count, 0 AS channel_revenue,
                       0 AS paid_revenue, 0 AS refunded, 0 AS revenue_untaxed
                  FROM ecom_ad_spend s
                UNION ALL
                SELECT %(lead_day)s, l.company_id, l.team_id, l.user_id, l.source_id, l.medium_id, l.campaign_id,
                       NULL, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0
                  FROM crm_lead l
                  LEFT JOIN res_company c ON c.id = l.company_id
                  LEFT JOIN res_partner cp ON cp.id = c.partner_id
                UNION ALL
                SELECT %(order_day)s, so.company_id, so.team_id, so.user_id,
                       %(source)s, %(medium)s, %(campaign)s, NULL, 0, 0, 0, (%(sold)s)::int, %(revenue)s,
                       (so.opportunity_id IS NOT NULL AND %(sold)s)::int,
                       CASE WHEN %(source)s <> %(campaign_only)s THEN %(revenue)s ELSE 0 END,
                       CASE WHEN %(source)s IN (SELECT sp.source_id FROM ecom_ad_spend sp)
                            THEN %(revenue)s ELSE 0 END,
                       %(refunded)s, %(revenue_untaxed)s
                  FROM sale_order so
                  LEFT JOIN crm_lead l ON l.id = so.opportunity_id
                  LEFT JOIN (%(refunds)s) rf ON rf.order_id = so.id
                  JOIN res_company c ON c.id = so.company_id
                  LEFT JOIN res_partner cp ON cp.id = c.partner_id
                 WHERE so.state = 'sale' AND so.ecom_status IS DISTINCT FROM 'returned'
            )
            SELECT row_number() OVER () AS id, t.date, t.company_id, t.team_id, t.user_id, t.source_id, t.medium_id,
                   t.campaign_id, SUM(t.spend) AS spend, SUM(t.impressions)::int AS impressions,
                   SUM(t.clicks)::int AS clicks, SUM(t.request_count)::int AS request_count,
                   SUM(t.order_count)::int AS order_count, SUM(t.revenue) AS revenue,
                   SUM(t.request_order_count)::int AS request_order_count, SUM(t.channel_revenue) AS channel_revenue,
                   SUM(t.paid_revenue) AS paid_revenue,
                   SUM(t.refunded) AS refunded, SUM(t.revenue_untaxed) AS revenue_untaxed
              FROM t
          GROUP BY t.date, t.company_id, t.team_id, t.user_id, t.source_id, t.medium_id, t.campaign_id
        """, lead_day=SQL(LOCAL_DAY, SQL("l.create_date")), order_day=SQL(LOCAL_DAY, SQL("so.date_order")),
            campaign_only=SQL("COALESCE(%s, 0)", SQL(CAMPAIGN_ONLY_SQL)), **order_measures(), **order_channel())
