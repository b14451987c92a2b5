from odoo import fields, models, tools
from odoo.tools import SQL


class EcomReportRefusal(models.Model):
    """Refusals: one row per lost request (its reason, the stage it was lost at, its expected
    revenue) and one per order refused at delivery (the parcel came back: the order's return reason
    and its amount, the money lost). A request whose order came back is counted by its order only.

    A view: it reads the lost requests and the returned orders as they are now. Each row carries
    its request and its order, so that any number of the pivot opens the list behind it."""

    _name = "ecom.report.refusal"
    _inherit = "ecom.report.mixin"
    _description = "Refusals"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reason_id"

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
    refusals = fields.Integer("Refusals", readonly=True)
    amount = fields.Monetary("Money lost", readonly=True, currency_field="currency_id",
                             help="A lost request's expected revenue; a returned order's amount.")

    def init(self):
        # a period's refusals without reading every request and order: the lost requests and the
        # returned orders by the date the view filters on
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_lead_ecom_refusal_date_idx
                ON crm_lead ((coalesce(date_closed, write_date))) WHERE NOT active AND lost_reason_id IS NOT NULL
        """)
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS sale_order_ecom_returned_date_idx
                ON sale_order ((coalesce(ecom_status_date, write_date))) WHERE ecom_status = 'returned'
        """)
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("""
            CREATE OR REPLACE VIEW ecom_report_refusal AS (
                SELECT l.id * 2 AS id, 'request' AS kind, l.ecom_refusal_phase AS phase, l.id AS lead_id,
                       NULL::int AS order_id, l.lost_reason_id AS reason_id, l.ecom_lost_stage_id AS stage_id,
                       coalesce(l.date_closed, l.write_date) AS date, l.partner_id, l.ecom_product_id AS product_id,
                       l.user_id, l.team_id, l.company_id, l.source_id, l.medium_id, l.campaign_id,
                       1 AS refusals, coalesce(l.expected_revenue, 0) AS amount
                  FROM crm_lead l
                 WHERE NOT l.active AND l.lost_reason_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM sale_order so
                                    WHERE so.opportunity_id = l.id AND so.ecom_status = 'returned')
                 UNION ALL
                SELECT so.id * 2 + 1, 'delivery', 'delivery', so.opportunity_id, so.id, so.ecom_return_reason_id,
                       NULL, coalesce(so.ecom_status_date, so.write_date), so.partner_id,
                       coalesce(l.ecom_product_id, (SELECT sol.product_id FROM sale_order_line sol
                                                     WHERE sol.order_id = so.id AND sol.product_id IS NOT NULL
                                                  ORDER BY sol.price_subtotal DESC, sol.id LIMIT 1)),
                       so.user_id, so.team_id, so.company_id, coalesce(so.source_id, l.source_id),
                       coalesce(so.medium_id, l.medium_id), coalesce(so.campaign_id, l.campaign_id),
                       1, so.amount_total / coalesce(nullif(so.currency_rate, 0), 1)
                  FROM sale_order so
                  LEFT JOIN crm_lead l ON l.id = so.opportunity_id
                 WHERE so.ecom_status = 'returned'
            )
        """))

    def action_ecom_open_document(self):
        self.ensure_one()
        return (self.order_id or self.lead_id).get_formview_action()
