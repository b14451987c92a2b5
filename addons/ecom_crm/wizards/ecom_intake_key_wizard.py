from odoo import fields, models


class EcomIntakeKeyWizard(models.TransientModel):
    """Shows a newly generated API key once: it is stored only hashed."""

    _name = "ecom.intake.key.wizard"
    _description = "New API key"

    source_id = fields.Many2one("ecom.intake.source", required=True, readonly=True)
    key = fields.Char("API key", readonly=True)
