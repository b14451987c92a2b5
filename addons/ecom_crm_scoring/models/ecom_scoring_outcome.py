from odoo import fields, models

from .ecom_customer_score import GROUPS
from .ecom_customer_suggestion import KINDS

OUTCOMES = [
    ("reached", "Reached"),
    ("ordered", "Ordered"),
    ("accepted", "Offer accepted"),
    ("declined", "Declined"),
    ("not_reached", "Not reached"),
]


class EcomScoringOutcome(models.Model):
    """What came of a scheduled contact, as the manager recorded it on the activity (or "ordered"
    when the customer ordered while it was open). The next nightly run learns from these: a
    declined or accepted offer moves the chance of that offer, a contact counts as one."""

    _name = "ecom.scoring.outcome"
    _description = "Outcome of a scheduled contact"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users", "Salesperson", index=True, default=lambda self: self.env.user)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    outcome = fields.Selection(OUTCOMES, required=True)
    product_id = fields.Many2one("product.product", "Offered product")
    categ_id = fields.Many2one("product.category", "Offered category")
    offer_kind = fields.Selection(KINDS, help="Why the offer was suggested.")
    offer_probability = fields.Float("Chance of buying",
                                     help="The chance the scoring gave the offer when it suggested it.")
    group = fields.Selection(GROUPS, help="The customer's scoring group when the contact was scheduled.")
    note = fields.Char()
