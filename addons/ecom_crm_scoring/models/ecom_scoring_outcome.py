from odoo import api, fields, models
from odoo.tools import SQL

from .ecom_customer_score import GROUPS
from .ecom_customer_suggestion import KINDS

OUTCOMES = [
    ("reached", "Reached"),
    ("ordered", "Ordered"),
    ("accepted", "Offer accepted"),
    ("declined", "Declined"),
    ("not_reached", "Not reached"),
]
# what a contact closed as «ordered» became when the parcel was refused at delivery (ecom_crm's
# status «Refused at delivery»): the customer did order, so the contact was made, but nothing was
# sold. Set by the scoring only (never offered to a salesperson marking a contact done), and set
# back to «ordered» if the order leaves that status.
ORDERED_REFUSED = "ordered_refused"
RECORDED_OUTCOMES = [*OUTCOMES, (ORDERED_REFUSED, "Ordered, refused at delivery")]


class EcomScoringOutcome(models.Model):
    """What came of a scheduled contact, as the manager recorded it on the activity (or "ordered"
    when the customer ordered while it was open, with the order: «ordered, refused at delivery»
    while that order is refused at delivery). The next nightly run learns from these: a declined
    or accepted offer moves the chance of that offer, a contact counts as one."""

    _name = "ecom.scoring.outcome"
    _description = "Outcome of a scheduled contact"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users", "Salesperson", index=True, default=lambda self: self.env.user)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    outcome = fields.Selection(RECORDED_OUTCOMES, required=True)
    order_id = fields.Many2one(
        "sale.order", "Order", index="btree_not_null", ondelete="set null", readonly=True,
        help="The order that closed the contact (outcome «ordered»): refused at delivery, it sold nothing.")
    product_id = fields.Many2one("product.product", "Offered product")
    categ_id = fields.Many2one("product.category", "Offered category")
    offer_kind = fields.Selection(KINDS, help="Why the offer was suggested.")
    offer_probability = fields.Float("Chance of buying",
                                     help="The chance the scoring gave the offer when it suggested it.")
    group = fields.Selection(GROUPS, help="The customer's scoring group when the contact was scheduled.")
    note = fields.Char()

    @api.model
    def _ecom_order_refusals(self, orders):
        """The outcomes of ``orders`` (whose store status just changed) follow their refusal at
        delivery: «ordered» becomes «ordered, refused at delivery» for an order refused, and back
        for one that left that status. One statement for any number of orders (the «Refused at
        delivery» dialog over many orders; a 1C exchange moves its orders' statuses one by one, so
        one statement each)."""
        orders.flush_recordset(["ecom_status"])
        self.flush_model(["outcome", "order_id"])
        self.env.cr.execute(SQL("""
            UPDATE ecom_scoring_outcome o
               SET outcome = CASE WHEN so.ecom_status = 'returned' THEN %(refused)s ELSE 'ordered' END,
                   write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
              FROM sale_order so
             WHERE so.id = ANY(%(orders)s) AND o.order_id = so.id
               AND o.outcome = CASE WHEN so.ecom_status = 'returned' THEN 'ordered' ELSE %(refused)s END
         RETURNING o.id
        """, orders=orders.ids, refused=ORDERED_REFUSED, uid=self.env.uid))
        changed = [row[0] for row in self.env.cr.fetchall()]
        if changed:
            self.browse(changed).invalidate_recordset(["outcome", "write_uid", "write_date"])
