from odoo import api, fields, models
from odoo.tools import SQL

from .ecom_scoring_outcome import UNSOLD_ORDERED

# outcomes where the salesperson spoke with the customer, and those that sold (an order refused at
# delivery or cancelled sold nothing: its contact was made, no sale)
REACHED = ("reached", "ordered", "accepted", "declined", *UNSOLD_ORDERED)
SOLD = ("ordered", "accepted")


class EcomReportManager(models.Model):
    """The salespeople's report with the scoring's contacts: one row per recorded outcome of a
    scheduled contact (kind «scoring»), grouped with the requests by salesperson, team and period."""

    _inherit = "ecom.report.manager"

    kind = fields.Selection(selection_add=[("scoring", "Scoring contact")])
    scoring_contacts = fields.Integer("Scoring contacts", readonly=True,
                                      help="Contacts of the scoring's daily lists done (an outcome recorded).")
    scoring_reached = fields.Integer("Customers reached", readonly=True)
    scoring_sold = fields.Integer("Contacts that sold", readonly=True,
                                  help="The customer ordered or accepted the offer (an order refused at "
                                       "delivery or cancelled sold nothing).")
    scoring_reach_rate = fields.Float("Reached (%)", readonly=True, aggregator="ecom_ratio",
                                      ecom_ratio=("scoring_reached", "scoring_contacts", 100))
    scoring_sale_rate = fields.Float("Contacts that sold (%)", readonly=True, aggregator="ecom_ratio",
                                     ecom_ratio=("scoring_sold", "scoring_contacts", 100))

    @api.model
    def _ecom_columns(self):
        return [*super()._ecom_columns(),
                ("scoring_contacts", "integer"), ("scoring_reached", "integer"), ("scoring_sold", "integer")]

    @api.model
    def _ecom_parts(self, lead_ids=None):
        parts = super()._ecom_parts(lead_ids)
        reached = SQL("(o.outcome IN %s)::int", REACHED)
        sold = SQL("(o.outcome IN %s)::int", SOLD)
        # the requests' and the calls' measures (requests, revenue, refunds, calls...) are 0 on these rows, as
        # the report fills every summed measure a part does not give (its pivot shows 0, not an empty cell)
        parts["scoring"] = ({
            "kind": SQL("'scoring'"), "date": SQL("o.date::timestamp"), "user_id": SQL("o.user_id"),
            "team_id": self._ecom_team_sql(SQL("o.user_id")), "company_id": SQL("o.company_id"),
            "scoring_contacts": SQL("1"), "scoring_reached": reached, "scoring_sold": sold,
        }, SQL("ecom_scoring_outcome o"))
        return parts
