from odoo import fields, models


class MailingContact(models.Model):
    _inherit = "mailing.contact"

    ecom_partner_id = fields.Many2one(
        "res.partner", "Customer", index="btree_not_null", ondelete="set null",
        help="The customer an audience list subscribed this contact for.")
