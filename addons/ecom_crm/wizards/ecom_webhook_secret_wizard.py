from odoo import fields, models


class EcomWebhookSecretWizard(models.TransientModel):
    """Shows a newly generated webhook secret once, for the shop to check the signatures with."""

    _name = "ecom.webhook.secret.wizard"
    _description = "New webhook secret"

    source_id = fields.Many2one("ecom.intake.source", required=True, readonly=True)
    secret = fields.Char("Webhook secret", readonly=True)
