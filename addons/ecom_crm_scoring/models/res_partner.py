from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    ecom_score = fields.Integer("Customer score", readonly=True, help="0-100, from recency, frequency and "
                                "monetary value of the customer's confirmed orders, recomputed daily.")
    ecom_recency = fields.Integer("Recency quintile", readonly=True)
    ecom_frequency = fields.Integer("Frequency quintile", readonly=True)
    ecom_monetary = fields.Integer("Monetary quintile", readonly=True)
    ecom_group = fields.Selection(
        [("growth", "Growth"), ("risk", "At risk"), ("watch", "Watch")],
        string="Scoring group", readonly=True, index=True)
    ecom_scored_on = fields.Date("Scored on", readonly=True)
