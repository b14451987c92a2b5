from odoo import api, fields, models
from odoo.tools import SQL

from .ecom_report_mixin import order_channel


class EcomReportRefusal(models.Model):
    """Refusals: one row per lost request (its reason, the stage it was lost at, its expected
    revenue) and one per order refused at delivery (the parcel came back: the order's return reason
    and its amount, the money lost). A request whose order came back is counted by its order only.

    Kept in a table refreshed with the funnel's, for the requests and orders changed since (a view
    rereading every lost request and returned order at each click answered in seconds on a big
    store). Each row carries its request and its order, so that any number of the pivot opens the
    list behind it."""

    _name = "ecom.report.refusal"
    _inherit = "ecom.report.table"
    _description = "Refusals"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reason_id"
    _ecom_indexes = ("lead_id", "order_id", "date")

    kind = fields.Selection([("request", "Request lost"), ("delivery", "Refused at delivery")], "Refusal",
                            readonly=True)
    phase = fields.Selection(
        [("early", "Before ordering"), ("late", "After ordering (payment, delivery)"),
         ("delivery", "Refused at delivery")], "Refusal phase", readonly=True)
    lead_id = fields.Many2one("crm.lead", "Request", readonly=True)
    order_id = fields.Many2one("sale.order", "Order", readonly=True)
    reason_id = fields.Many2one("crm.lost.reason", "Refusal reason", readonly=True)
    stage_id = fields.Many2one("crm.stage", "Lost at stage", readonly=True)
    date = fields.Datetime("Refused on", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", "Product", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    source_id = fields.Many2one("utm.source", "Source", readonly=True)
    medium_id = fields.Many2one("utm.medium", "Medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", "Campaign", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    refusals = fields.Integer(
        "Refusals", readonly=True,
        help="A lost request on the day it was lost (the funnel counts it on the day it came); an order refused at "
             "delivery on the day it came back. A request whose order came back counts once, by that order.")
    amount = fields.Monetary("Money lost", readonly=True, currency_field="currency_id",
                             help="A lost request's expected revenue; a returned order's amount, VAT included.")

    @api.model
    def _ecom_columns(self):
        return [
            ("kind", "varchar"), ("phase", "varchar"),
            # a request or an order deleted takes its rows with it
            ("lead_id", "integer REFERENCES crm_lead(id) ON DELETE CASCADE"),
            ("order_id", "integer REFERENCES sale_order(id) ON DELETE CASCADE"),
            ("reason_id", "integer"), ("stage_id", "integer"), ("date", "timestamp"), ("partner_id", "integer"),
            ("product_id", "integer"), ("user_id", "integer"), ("team_id", "integer"), ("company_id", "integer"),
            ("source_id", "integer"), ("medium_id", "integer"), ("campaign_id", "integer"),
            ("refusals", "integer"), ("amount", "numeric"),
        ]

    @api.model
    def _ecom_stale(self, lead_ids, order_ids):
        return SQL("lead_id = ANY(%s) OR order_id = ANY(%s)", lead_ids, order_ids)

    @api.model
    def _ecom_fill(self, lead_ids=None, order_ids=None):
        leads = SQL() if lead_ids is None else SQL("AND l.id = ANY(%s)", list(lead_ids))
        orders = SQL() if lead_ids is None else SQL("AND (so.opportunity_id = ANY(%s) OR so.id = ANY(%s))",
                                                    list(lead_ids), list(order_ids or ()))
        self.env.cr.execute(SQL("""
            INSERT INTO ecom_report_refusal (kind, phase, lead_id, order_id, reason_id, stage_id, date, partner_id,
                   product_id, user_id, team_id, company_id, source_id, medium_id, campaign_id, refusals, amount,
                   day)
            SELECT *, %(day)s FROM (
                SELECT 'request' AS kind, l.ecom_refusal_phase AS phase, l.id AS lead_id, NULL::int AS order_id,
                       l.lost_reason_id AS reason_id, l.ecom_lost_stage_id AS stage_id,
                       coalesce(l.date_closed, l.write_date) AS date, l.partner_id, l.ecom_product_id AS product_id,
                       l.user_id, l.team_id, l.company_id, l.source_id, l.medium_id, l.campaign_id,
                       1 AS refusals, coalesce(l.expected_revenue, 0) AS amount
                  FROM crm_lead l
                 WHERE NOT l.active AND l.lost_reason_id IS NOT NULL %(leads)s
                   AND NOT EXISTS (SELECT 1 FROM sale_order so
                                    WHERE so.opportunity_id = l.id AND so.ecom_status = 'returned')
                 UNION ALL
                SELECT 'delivery', 'delivery', so.opportunity_id, so.id, so.ecom_return_reason_id,
                       NULL, coalesce(so.ecom_status_date, so.write_date), so.partner_id,
                       coalesce(l.ecom_product_id, (SELECT sol.product_id FROM sale_order_line sol
                                                     WHERE sol.order_id = so.id AND sol.product_id IS NOT NULL
                                                  ORDER BY sol.price_subtotal DESC, sol.id LIMIT 1)),
                       so.user_id, so.team_id, so.company_id, %(source)s, %(medium)s, %(campaign)s,
                       1, so.amount_total / coalesce(nullif(so.currency_rate, 0), 1)
                  FROM sale_order so
                  LEFT JOIN crm_lead l ON l.id = so.opportunity_id
                 WHERE so.ecom_status = 'returned' %(orders)s
            ) rows
          ORDER BY date
        """, leads=leads, orders=orders, day=self._ecom_day_sql(SQL("rows.date"), SQL("rows.company_id")),
            **order_channel()))
        return self.env.cr.rowcount

    def action_ecom_open_document(self):
        self.ensure_one()
        return (self.order_id or self.lead_id).get_formview_action()
