from odoo import fields, models


class MailingList(models.Model):
    _inherit = "mailing.list"

    ecom_audience_id = fields.Many2one(
        "ecom.mailing.audience", "Audience", readonly=True, index="btree_not_null", ondelete="set null",
        help="The list is refreshed from this audience before each sending.")

    def action_ecom_refresh(self):
        self.ecom_audience_id._ecom_refresh_list()
        return True
