from odoo import api, fields, models
from odoo.tools import SQL

from ..scoring import texts
from ..tools.percent import format_percent

KINDS = [("rebuy", "Re-buy"), ("copurchase", "Bought together"), ("popular", "Not bought yet")]
# crosssell.MIN_PROBABILITY / MAX_PROBABILITY: the least chance an offer is made at, the most one is
# told (the models do not import the maths)
MIN_PROBABILITY, MAX_PROBABILITY = 0.10, 0.90


class EcomCustomerSuggestion(models.Model):
    """What to offer a customer to call now: a product (or a category, when the store's history is
    too thin per product), why, and the calibrated chance that the customer takes it."""

    _name = "ecom.customer.suggestion"
    _description = "Offer suggested to a customer"
    _order = "score_id, sequence, id"

    score_id = fields.Many2one("ecom.customer.score", required=True, readonly=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(related="score_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="score_id.company_id", store=True)
    sequence = fields.Integer(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True, ondelete="cascade")
    categ_id = fields.Many2one("product.category", "Category", readonly=True, ondelete="cascade")
    source_product_id = fields.Many2one("product.product", "Because they bought", readonly=True, ondelete="set null")
    source_categ_id = fields.Many2one("product.category", "Because they bought (category)", readonly=True,
                                      ondelete="set null")
    kind = fields.Selection(KINDS, readonly=True, required=True)
    probability = fields.Float("Chance of buying", readonly=True, digits=(3, 2),
                               help="Calibrated on the store's history: of offers shown 40%, about 4 in 10 are bought "
                                    "within the scoring's horizon. Kept between 10% and 90%, and never above the "
                                    "customer's chance of an order.")
    params = fields.Json(readonly=True)
    # Text: a list wraps them instead of cutting a long product name and its sentence short
    name = fields.Text("Offer", compute="_compute_name")
    reason = fields.Text("Why", compute="_compute_name")
    # the chance as the customer's card lists it: «37 %» in Russian, as the progress bar of the chance of
    # an order above it (Odoo's percentage widget writes «37%» in every language)
    chance = fields.Char("Chance", compute="_compute_chance")

    def _ecom_cap_at_order_chance(self, company, partner_ids, shares=None):
        """The offers kept for ``partner_ids`` (an incremental run keeps the morning's for whom is
        still to be called now) capped at the customers' chance of an order as rescored: none above
        it, as the full run makes them (``crosssell.suggest``); one under 10% is removed.

        ``shares`` (``crosssell.order_shares``): the morning's offers were told a share of the order
        chance (a store of one product): the kept ones are told that share of the rescored chance,
        up or down, at most 90% (rounded as the full run writes them; a customer the rescoring
        gave no chance keeps the morning's offer, capped by nothing)."""
        if shares:
            values = SQL(", ").join(SQL("(%s, %s::float8)", kind, share) for kind, share in shares.items())
            self.env.cr.execute(SQL("""
                UPDATE ecom_customer_suggestion g
                   SET probability = ROUND(LEAST(%s, v.share * s.probability)::numeric, 4)
                  FROM ecom_customer_score s, (VALUES %s) AS v(kind, share)
                 WHERE g.score_id = s.id AND s.company_id = %s AND s.partner_id = ANY(%s)
                   AND s.probability IS NOT NULL AND g.kind = v.kind
            """, MAX_PROBABILITY, values, company.id, partner_ids))
        self.env.cr.execute(SQL("""
            UPDATE ecom_customer_suggestion g SET probability = s.probability
              FROM ecom_customer_score s
             WHERE g.score_id = s.id AND s.company_id = %s AND s.partner_id = ANY(%s)
               AND s.probability IS NOT NULL AND g.probability > s.probability
        """, company.id, partner_ids))
        self.env.cr.execute(SQL("""
            DELETE FROM ecom_customer_suggestion g USING ecom_customer_score s
             WHERE g.score_id = s.id AND s.company_id = %s AND s.partner_id = ANY(%s) AND g.probability < %s
        """, company.id, partner_ids, MIN_PROBABILITY))
        self.invalidate_model()

    @api.depends("probability")
    @api.depends_context("lang")
    def _compute_chance(self):
        for suggestion in self:
            suggestion.chance = format_percent(suggestion.probability, self.env.lang)

    @api.depends("product_id", "categ_id", "kind", "params", "source_product_id", "source_categ_id")
    @api.depends_context("lang")
    def _compute_name(self):
        for line in self:
            line.name = line.product_id.display_name or line.categ_id.display_name or ""
            params = dict(line.params or {})
            params["item"] = line.name
            params["source"] = line.source_product_id.display_name or line.source_categ_id.display_name or ""
            line.reason = line.score_id._ecom_sentence(texts.CROSSSELL_TEMPLATES.get(line.kind), params) \
                if line.kind else False
