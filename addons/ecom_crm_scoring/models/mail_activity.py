from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _ecom_scoring_activity_type(self):
        """The activity type of the contacts the scoring schedules (one open per customer)."""
        return self.env.ref("ecom_crm_scoring.mail_activity_type_scoring_call", raise_if_not_found=False) \
            or self.env["mail.activity.type"]
