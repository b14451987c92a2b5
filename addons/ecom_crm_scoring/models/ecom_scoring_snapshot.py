from odoo import api, fields, models
from odoo.tools import SQL

from .ecom_customer_score import GROUPS, SEGMENTS
from .ecom_scoring_outcome import ORDERED_CANCELLED, ORDERED_REFUSED, RECORDED_OUTCOMES

# the customers in none of the three groups have a group of their own here: a chart's line or a
# pivot's row named by the client's word for an empty value («Нет») read as "no customers"
NO_GROUP = "none"


class EcomScoringSnapshot(models.Model):
    """A company's customers on one day, per RFM segment and scoring group: how many there were,
    how many were on the day's list to call, how many contacts were closed that day and with what
    outcome. The sales director's dashboard; written by each full run in one statement."""

    _name = "ecom.scoring.snapshot"
    # its pivot is by week: «50-я неделя 2026», not Odoo's «W50 2026»
    _inherit = ["ecom.month.names"]
    _description = "Customer scoring snapshot"
    _order = "date desc, id"

    date = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    segment = fields.Selection(SEGMENTS, "RFM segment", readonly=True)
    group = fields.Selection([*GROUPS, (NO_GROUP, "No group")], readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    scheduled_count = fields.Integer("Scheduled contacts", readonly=True,
                                     help="Customers on the day's list to call (decision «call now»).")
    contact_count = fields.Integer("Contacts closed", readonly=True,
                                   help="Scheduled contacts closed that day with an outcome (marked done by the "
                                        "salesperson, or closed by the customer's order).")
    reached_count = fields.Integer("Reached", readonly=True)
    ordered_count = fields.Integer("Ordered", readonly=True)
    accepted_count = fields.Integer("Offer accepted", readonly=True)
    declined_count = fields.Integer("Declined", readonly=True)
    not_reached_count = fields.Integer("Not reached", readonly=True)
    ordered_refused_count = fields.Integer(
        "Ordered, refused at delivery", readonly=True,
        help="Contacts closed by an order the customer then refused at delivery: made, but nothing sold "
             "(not among «Ordered»).")
    ordered_cancelled_count = fields.Integer(
        "Ordered, cancelled", readonly=True,
        help="Contacts closed by an order cancelled since (the customer called it off, or 1C cancelled it): made, "
             "but nothing sold (not among «Ordered»).")

    @api.model
    def _ecom_take(self, company, day):
        """The snapshot of ``company`` on ``day`` (its full run has just written the scores): the
        day's rows replaced, and the outcomes of the days since the previous snapshot counted again
        into their own day's rows (those days are complete now), and so are the earlier days whose
        contacts «ordered, refused at delivery» or «ordered, cancelled» are not the ones their rows
        count (an order refused at delivery or cancelled after its day's snapshot, or a sale again
        since: its contact moves between «ordered» and those there). A day's contacts are counted
        under the segment and group the customer was in when they were scheduled (the outcome's)."""
        for model in ("ecom.customer.score", "ecom.scoring.outcome", "ecom.scoring.snapshot", "res.partner"):
            self.env[model].flush_model()
        cr = self.env.cr
        # the earlier days whose refused or cancelled contacts are not those their rows count: the
        # outcomes' own counts, not their write dates (a refusal whose transaction began before the
        # previous snapshot's and was committed after it carries an earlier write date, and the order
        # moved around the ORM none); the days before the first snapshot were never counted, nor are now
        cr.execute(SQL("""
            SELECT LEAST(s.date, (
                       SELECT min(date)
                         FROM (SELECT date, count(*) FILTER (WHERE outcome = %(refused)s) AS refused,
                                      count(*) FILTER (WHERE outcome = %(cancelled)s) AS cancelled
                                 FROM ecom_scoring_outcome
                                WHERE company_id = %(company)s AND outcome IN (%(refused)s, %(cancelled)s)
                                  AND date >= s.first AND date < s.date
                                GROUP BY date) o
                         FULL JOIN (SELECT date, sum(COALESCE(ordered_refused_count, 0)) AS refused,
                                           sum(COALESCE(ordered_cancelled_count, 0)) AS cancelled
                                      FROM ecom_scoring_snapshot
                                     WHERE company_id = %(company)s AND date < s.date
                                       AND (ordered_refused_count > 0 OR ordered_cancelled_count > 0)
                                     GROUP BY date) k USING (date)
                        WHERE COALESCE(o.refused, 0) != COALESCE(k.refused, 0)
                           OR COALESCE(o.cancelled, 0) != COALESCE(k.cancelled, 0)))
              FROM (SELECT max(date) AS date, min(date) AS first FROM ecom_scoring_snapshot
                     WHERE company_id = %(company)s AND date < %(day)s) s
        """, company=company.id, day=day, refused=ORDERED_REFUSED, cancelled=ORDERED_CANCELLED))
        since = cr.fetchone()[0] or day
        per_outcome = SQL(", ").join(
            SQL("count(*) FILTER (WHERE outcome = %s)", code) for code, _label in RECORDED_OUTCOMES)
        cr.execute(SQL("""
            WITH old AS (
                DELETE FROM ecom_scoring_snapshot WHERE company_id = %(company)s AND date >= %(since)s
                RETURNING date, segment, "group", customer_count, scheduled_count
            ), parts AS (
                SELECT %(day)s::date AS date, segment, COALESCE("group", %(none)s) AS "group", 1 AS customers,
                       -- a customer of no group has no decision: 0 scheduled, not NULL (the pivot's
                       -- «Без группы» would show an empty cell beside the others' 0)
                       COALESCE(decision = 'now' AND decision_date <= %(day)s, false)::int AS scheduled,
                       NULL::varchar AS outcome
                  FROM ecom_customer_score
                 WHERE company_id = %(company)s
                UNION ALL  -- the days before, as their own runs counted them
                SELECT date, segment, "group", customer_count, scheduled_count, NULL
                  FROM old
                 WHERE date < %(day)s
                UNION ALL  -- the outcomes, under the segment and group the customer was in when scheduled
                           -- (an outcome that does not say: the customer's current ones)
                SELECT o.date, COALESCE(o.segment, s.segment), COALESCE(o."group", s."group", %(none)s), 0, 0,
                       o.outcome
                  FROM ecom_scoring_outcome o
                  JOIN res_partner p ON p.id = o.partner_id
                  LEFT JOIN ecom_customer_score s
                         ON s.partner_id = p.commercial_partner_id AND s.company_id = o.company_id
                 WHERE o.company_id = %(company)s AND o.date >= %(since)s AND o.date <= %(day)s
            )
            INSERT INTO ecom_scoring_snapshot (date, company_id, segment, "group", customer_count, scheduled_count,
                                               contact_count, reached_count, ordered_count, accepted_count,
                                               declined_count, not_reached_count, ordered_refused_count,
                                               ordered_cancelled_count,
                                               create_uid, create_date, write_uid, write_date)
            SELECT date, %(company)s, segment, "group", sum(customers), sum(scheduled), count(outcome), %(per_outcome)s,
                   %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
              FROM parts
             GROUP BY date, segment, "group"
        """, company=company.id, since=since, day=day, per_outcome=per_outcome, none=NO_GROUP,
           uid=self.env.uid))
        self.invalidate_model()


class EcomScoringRun(models.Model):
    _inherit = "ecom.scoring.run"

    def _finish(self, *args, **kwargs):
        """A full run leaves the day's snapshot for the dashboard (committed with the run)."""
        if self.mode == "full":
            self.env["ecom.scoring.snapshot"]._ecom_take(self.company_id, self.day)
        return super()._finish(*args, **kwargs)
