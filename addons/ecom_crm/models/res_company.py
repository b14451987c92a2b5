import secrets

from werkzeug.urls import url_join

from odoo import Command, api, fields, models

from ..tools import sms_gateways


class ResCompany(models.Model):
    _inherit = "res.company"

    ecom_phone_country_id = fields.Many2one(
        "res.country", "Country of national phone numbers",
        help="Phone numbers typed without their international prefix (8 916 123-45-67, 916 123-45-67) are "
             "read as numbers of this country, on every path: forms, imports, the intake API, calls, 1C. "
             "A contact's own country wins for its numbers.")
    ecom_max_lost_reasons = fields.Integer(
        "Maximum active refusal reasons", default=10,
        help="Managers pick faster from a short list.")

    # customer status thresholds
    ecom_vip_revenue = fields.Float("VIP from revenue", default=100_000)
    ecom_vip_orders = fields.Integer("VIP from orders", default=6)
    ecom_sleeping_days = fields.Integer("Sleeping after (days)", default=90)
    ecom_lost_days = fields.Integer("Lost after (days)", default=365)
    # intake
    ecom_repeat_window_days = fields.Integer(
        "Repeat request window (days)", default=3,
        help="A second request from the same customer within this window updates the open request.")
    # assignment by load
    ecom_load_weight_open = fields.Float("Weight of an open request", default=1.0)
    ecom_load_weight_overdue = fields.Float("Weight of an overdue activity", default=2.0)

    _sql_constraints = [
        ("ecom_max_lost_reasons_positive", "CHECK(ecom_max_lost_reasons > 0)",
         "The maximum number of refusal reasons must be positive."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:  # the company's own country, else Russia
            if "ecom_phone_country_id" not in vals:
                vals["ecom_phone_country_id"] = vals.get("country_id") or self.env.ref("base.ru").id
        companies = super().create(vals_list)
        # the intake API serves every company's sources
        api_user = self.env.ref("ecom_crm.user_intake_api", raise_if_not_found=False)
        if api_user:
            api_user.sudo().company_ids = [Command.link(company.id) for company in companies]
        return companies

    def _ecom_phone_country(self):
        """The country that reads this company's national phone numbers."""
        self.ensure_one()
        return self.ecom_phone_country_id or self.country_id or self.env.ref("base.ru")

    @api.constrains("ecom_max_lost_reasons")
    def _check_ecom_max_lost_reasons(self):
        self.env["crm.lost.reason"]._ecom_check_limit(self)

    # requisites of the documents (the company's partner holds them)
    ecom_kpp = fields.Char(related="partner_id.ecom_kpp", readonly=False)
    ecom_signatory_name = fields.Char(related="partner_id.ecom_signatory_name", readonly=False)
    ecom_signatory_title = fields.Char(related="partner_id.ecom_signatory_title", readonly=False)
    ecom_signatory_basis = fields.Char(related="partner_id.ecom_signatory_basis", readonly=False)
    ecom_accountant_name = fields.Char(related="partner_id.ecom_accountant_name", readonly=False)

    # the SMS gateway of the company: Odoo IAP, or a Russian provider (tools/sms_gateways.py)
    ecom_sms_gateway = fields.Selection(
        [("iap", "Odoo IAP"), ("smsru", "SMS.ru"), ("smsc", "SMSC.ru"), ("smsaero", "SMS Aero")],
        "SMS gateway", default="iap", required=True,
        help="Every SMS of the company (mailings, templates, notifications) goes through it.")
    ecom_sms_login = fields.Char(
        "SMS gateway login", groups="base.group_system",
        help="SMSC.ru: the login. SMS Aero: the account's email. SMS.ru: not used.")
    ecom_sms_password = fields.Char(
        "SMS gateway key", groups="base.group_system",
        help="SMS.ru: the api_id. SMSC.ru: the password or API key. SMS Aero: the API key.")
    ecom_sms_sender = fields.Char(
        "SMS sender name", help="The sender name registered with the provider; empty: the provider's default.")
    ecom_sms_callback_token = fields.Char("SMS status callback token", groups="base.group_system", copy=False)
    ecom_reminder_days = fields.Integer(
        "Remind expected closing (days before)", default=1,
        help="Salespeople get an activity this many days before an opportunity's expected closing date.")

    def _ecom_sms_client(self):
        """The gateway client of this company, or None for Odoo IAP."""
        self.ensure_one()
        company = self.sudo()
        return sms_gateways.get_gateway(
            company.ecom_sms_gateway, login=company.ecom_sms_login, password=company.ecom_sms_password,
            sender=company.ecom_sms_sender)

    def _ecom_sms_callback_url(self):
        """Where the provider posts delivery statuses (SMS.ru and SMSC.ru call it)."""
        self.ensure_one()
        company = self.sudo()
        if company.ecom_sms_gateway not in ("smsru", "smsc"):
            return False
        if not company.ecom_sms_callback_token:
            company.ecom_sms_callback_token = secrets.token_urlsafe(24)
        return url_join(company.get_base_url(),
                        f"/ecom_crm/sms/status/{company.ecom_sms_gateway}/{company.ecom_sms_callback_token}")
