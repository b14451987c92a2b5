from odoo import fields, models

SALES = "sales_team.group_sale_salesman"  # scores are the sales team's: not every internal user's


class ResPartner(models.Model):
    _inherit = "res.partner"

    ecom_score = fields.Integer(
        "Customer score", readonly=True, groups=SALES,
        help="0-100, from recency, frequency and monetary value of the customer's confirmed orders, recomputed daily.")
    ecom_recency = fields.Integer("Recency quintile", readonly=True, groups=SALES)
    ecom_frequency = fields.Integer("Frequency quintile", readonly=True, groups=SALES)
    ecom_monetary = fields.Integer("Monetary quintile", readonly=True, groups=SALES)
    ecom_group = fields.Selection(
        [("growth", "Growth"), ("risk", "At risk"), ("watch", "Watch")],
        string="Scoring group", readonly=True, index=True, groups=SALES)
    ecom_scored_on = fields.Date("Scored on", readonly=True, groups=SALES)
