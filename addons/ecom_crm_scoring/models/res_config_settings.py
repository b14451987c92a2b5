from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ecom_scoring_daily_cap = fields.Integer(related="company_id.ecom_scoring_daily_cap", readonly=False)
    ecom_scoring_contact_cooldown = fields.Integer(related="company_id.ecom_scoring_contact_cooldown", readonly=False)
    ecom_scoring_order_cooldown = fields.Integer(related="company_id.ecom_scoring_order_cooldown", readonly=False)
    ecom_scoring_refusal_cooldown = fields.Integer(related="company_id.ecom_scoring_refusal_cooldown", readonly=False)
    ecom_scoring_horizon = fields.Integer(related="company_id.ecom_scoring_horizon", readonly=False)
    ecom_scoring_plan_days = fields.Integer(related="company_id.ecom_scoring_plan_days", readonly=False)
    ecom_scoring_relearn_days = fields.Integer(related="company_id.ecom_scoring_relearn_days", readonly=False)
    ecom_scoring_growth_min_probability = fields.Float(
        related="company_id.ecom_scoring_growth_min_probability", readonly=False)
    ecom_scoring_watch_min_probability = fields.Float(
        related="company_id.ecom_scoring_watch_min_probability", readonly=False)
    ecom_scoring_slipping_overdue = fields.Float(related="company_id.ecom_scoring_slipping_overdue", readonly=False)
    ecom_scoring_activities = fields.Boolean(related="company_id.ecom_scoring_activities", readonly=False)
