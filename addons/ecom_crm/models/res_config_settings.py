from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ecom_max_lost_reasons = fields.Integer(
        related="company_id.ecom_max_lost_reasons", readonly=False)
