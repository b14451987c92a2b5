from odoo import fields, models


class MailingSubscription(models.Model):
    _inherit = "mailing.subscription"

    ecom_audience_managed = fields.Boolean(
        "Added by the audience", readonly=True, copy=False,
        help="Subscribed by the refresh of the list's audience, which unsubscribes the customer when "
             "they leave the audience; a contact added to the list by hand stays.")
