from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ecom_phone_country_id = fields.Many2one(related="company_id.ecom_phone_country_id", readonly=False)
    ecom_max_lost_reasons = fields.Integer(
        related="company_id.ecom_max_lost_reasons", readonly=False)
    ecom_vip_revenue = fields.Float(related="company_id.ecom_vip_revenue", readonly=False)
    ecom_vip_orders = fields.Integer(related="company_id.ecom_vip_orders", readonly=False)
    ecom_sleeping_days = fields.Integer(related="company_id.ecom_sleeping_days", readonly=False)
    ecom_lost_days = fields.Integer(related="company_id.ecom_lost_days", readonly=False)
    ecom_repeat_window_days = fields.Integer(related="company_id.ecom_repeat_window_days", readonly=False)
    ecom_load_weight_open = fields.Float(related="company_id.ecom_load_weight_open", readonly=False)
    ecom_load_weight_overdue = fields.Float(related="company_id.ecom_load_weight_overdue", readonly=False)
    ecom_intake_process_after_answer = fields.Boolean(
        "Process requests right after answering", config_parameter="ecom_crm.intake_process_after_answer",
        default=True,
        help="The web worker that has just answered an API request turns the queue into requests "
             "(one worker at a time). Off: only the background job does, at a lower priority.")
    ecom_intake_process_seconds = fields.Integer(
        "Seconds per pass", config_parameter="ecom_crm.intake_process_seconds", default=10,
        help="How long a web worker may go on processing the queue after its answer; what is left "
             "is taken by the next answer or the background job.")

    # SMS gateway (per company)
    ecom_sms_gateway = fields.Selection(related="company_id.ecom_sms_gateway", readonly=False, required=True)
    ecom_sms_login = fields.Char(related="company_id.ecom_sms_login", readonly=False)
    ecom_sms_password = fields.Char(related="company_id.ecom_sms_password", readonly=False)
    ecom_sms_sender = fields.Char(related="company_id.ecom_sms_sender", readonly=False)
    ecom_reminder_days = fields.Integer(related="company_id.ecom_reminder_days", readonly=False)
    ecom_sms_callback_url = fields.Char("Status callback URL", compute="_compute_ecom_sms_callback_url")

    @api.depends("company_id", "ecom_sms_gateway")
    def _compute_ecom_sms_callback_url(self):
        for settings in self:
            company = settings.company_id
            settings.ecom_sms_callback_url = (
                company._ecom_sms_callback_url() if settings.ecom_sms_gateway == company.ecom_sms_gateway
                else False)
