from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ecom_max_lost_reasons = fields.Integer(
        related="company_id.ecom_max_lost_reasons", readonly=False)
    ecom_vip_revenue = fields.Float(related="company_id.ecom_vip_revenue", readonly=False)
    ecom_vip_orders = fields.Integer(related="company_id.ecom_vip_orders", readonly=False)
    ecom_sleeping_days = fields.Integer(related="company_id.ecom_sleeping_days", readonly=False)
    ecom_lost_days = fields.Integer(related="company_id.ecom_lost_days", readonly=False)
    ecom_repeat_window_days = fields.Integer(related="company_id.ecom_repeat_window_days", readonly=False)
    ecom_load_weight_open = fields.Float(related="company_id.ecom_load_weight_open", readonly=False)
    ecom_load_weight_overdue = fields.Float(related="company_id.ecom_load_weight_overdue", readonly=False)
