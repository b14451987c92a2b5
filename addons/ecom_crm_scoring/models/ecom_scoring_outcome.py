from odoo import api, fields, models
from odoo.tools import SQL

from .ecom_customer_score import GROUPS, SEGMENTS
from .ecom_customer_suggestion import KINDS

OUTCOMES = [
    ("reached", "Reached"),
    ("ordered", "Ordered"),
    ("accepted", "Offer accepted"),
    ("declined", "Declined"),
    ("not_reached", "Not reached"),
]
# what a contact closed as «ordered» became when the parcel was refused at delivery (ecom_crm's
# status «Refused at delivery»), or when the order was cancelled in Odoo (the customer called it off,
# or 1C cancelled it): the customer did order, so the contact was made, but nothing was sold. Set by
# the scoring only (never offered to a salesperson marking a contact done), and set back to
# «ordered» when the order is a sale again (out of that status; confirmed again). Two outcomes, so
# that the dashboard tells the parcels refused from the orders called off.
ORDERED_REFUSED = "ordered_refused"
ORDERED_CANCELLED = "ordered_cancelled"
# the outcomes of a contact closed by an order that sold nothing
UNSOLD_ORDERED = (ORDERED_REFUSED, ORDERED_CANCELLED)
RECORDED_OUTCOMES = [*OUTCOMES, (ORDERED_REFUSED, "Ordered, refused at delivery"),
                     (ORDERED_CANCELLED, "Ordered, cancelled")]


def order_outcome(order="so"):
    """SQL of the outcome of a contact closed by the order ``order`` (a ``sale_order`` alias), as
    the order stands: refused at delivery (a parcel refused is cancelled in Odoo all the same, and
    stays «refused at delivery»), else cancelled, else a sale: «ordered». NULL for an order that is
    none of these (a quotation set back to draft after its cancellation: nothing sold until it is
    confirmed again), whose contact keeps its outcome."""
    so = SQL.identifier(order)
    return SQL("""CASE WHEN %(so)s.ecom_status = 'returned' THEN %(refused)s
                       WHEN %(so)s.state = 'cancel' THEN %(cancelled)s
                       WHEN %(so)s.state = 'sale' THEN 'ordered' END""",
               so=so, refused=ORDERED_REFUSED, cancelled=ORDERED_CANCELLED)


class EcomScoringOutcome(models.Model):
    """What came of a scheduled contact, as the manager recorded it on the activity (or "ordered"
    when the customer ordered while it was open, with the order: «ordered, refused at delivery»
    while that order is refused at delivery, «ordered, cancelled» while it is cancelled). The next
    nightly run learns from these: a declined or accepted offer moves the chance of that offer, a
    contact counts as one."""

    _name = "ecom.scoring.outcome"
    _inherit = ["ecom.month.names"]
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
        help="The order that closed the contact (outcome «ordered»): refused at delivery or cancelled, it sold "
             "nothing.")
    product_id = fields.Many2one("product.product", "Offered product")
    categ_id = fields.Many2one("product.category", "Offered category")
    offer_kind = fields.Selection(KINDS, help="Why the offer was suggested.")
    offer_probability = fields.Float("Chance of buying",
                                     help="The chance the scoring gave the offer when it suggested it.")
    group = fields.Selection(GROUPS, help="The customer's scoring group when the contact was scheduled.")
    segment = fields.Selection(SEGMENTS, "RFM segment",
                               help="The customer's RFM segment when the contact was scheduled.")
    note = fields.Char()

    @api.model
    def _ecom_follow_orders(self, orders):
        """The outcomes of the contacts ``orders`` closed follow their orders (whose store status or
        state just changed; or just recorded): «ordered» becomes «ordered, refused at delivery» for
        an order refused at delivery, «ordered, cancelled» for one cancelled, and back to «ordered»
        for one that is a sale again (:func:`order_outcome`). One statement for any number of orders
        (the «Refused at delivery» dialog, or the cancellation, of many orders; a 1C exchange moves
        its orders one by one, so one statement each)."""
        orders.flush_recordset(["ecom_status", "state"])
        self.flush_model(["outcome", "order_id"])
        self.env.cr.execute(SQL("""
            UPDATE ecom_scoring_outcome o
               SET outcome = %(now)s, write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
              FROM sale_order so
             WHERE so.id = ANY(%(orders)s) AND o.order_id = so.id
               AND o.outcome IN ('ordered', %(refused)s, %(cancelled)s) AND o.outcome != %(now)s
         RETURNING o.id
        """, orders=orders.ids, now=order_outcome(), refused=ORDERED_REFUSED, cancelled=ORDERED_CANCELLED,
           uid=self.env.uid))
        changed = [row[0] for row in self.env.cr.fetchall()]
        if changed:
            self.browse(changed).invalidate_recordset(["outcome", "write_uid", "write_date"])
