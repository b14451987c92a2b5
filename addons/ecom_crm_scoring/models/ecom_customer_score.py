from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..scoring import texts

SALES = "sales_team.group_sale_salesman"
SEGMENTS = [(code, texts.SEGMENT_LABELS[code]) for code in texts.SEGMENTS]
GROUPS = [(code, texts.GROUP_LABELS[code]) for code in ("growth", "risk", "watch")]
DECISIONS = [("now", "Call now"), ("later", "Call later"), ("dnd", "Do not disturb")]
# the columns the nightly job writes (ecom.scoring.run._store_scores), in this order
STORED = ("user_id", "probability", "score", "recency", "frequency", "monetary", "segment", "group",
          "expected_value", "stake", "decision", "decision_date", "decision_code", "decision_params",
          "priority", "reasons_data", "last_order", "order_count", "scored_on")


class EcomCustomerScore(models.Model):
    """A customer's score in one company, as the nightly job left it (one row per customer and
    company: written set-based by the job, read by the sales team)."""

    _name = "ecom.customer.score"
    _description = "Customer score"
    _order = "priority desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True, index=True,
                              help="The customer's salesperson, whose list the contact is on.")
    phone = fields.Char(related="partner_id.phone")
    email = fields.Char(related="partner_id.email")
    probability = fields.Float(
        "Chance of an order", readonly=True, digits=(3, 3), aggregator="avg",
        help="The calibrated probability that the customer orders in the next 90 days: of customers "
             "shown 70%, about 7 in 10 order.")
    score = fields.Integer(readonly=True, aggregator="avg", help="The chance of an order, 0-100.")
    recency = fields.Integer("R", readonly=True, aggregator="avg", help="Recency quintile: 5 = ordered most recently.")
    frequency = fields.Integer("F", readonly=True, aggregator="avg", help="Frequency quintile: 5 = orders most often.")
    monetary = fields.Integer("M", readonly=True, aggregator="avg", help="Monetary quintile: 5 = spends the most.")
    segment = fields.Selection(SEGMENTS, "RFM segment", readonly=True, index=True)
    group = fields.Selection(GROUPS, "Group", readonly=True, index=True,
                             help="Growth points: likely to buy more than they do. Risk group: valuable "
                                  "customers slipping away. Watch group: unclear prospects worth watching.")
    expected_value = fields.Monetary("Expected order", readonly=True, help="The customer's average order.")
    stake = fields.Monetary("Value at stake", readonly=True, help="A year of the customer's spending.")
    decision = fields.Selection(DECISIONS, "Contact", readonly=True, index=True)
    decision_date = fields.Date("Contact on", readonly=True)
    decision_code = fields.Char(readonly=True)
    decision_params = fields.Json(readonly=True)
    decision_reason = fields.Char("Why", compute="_compute_texts")
    priority = fields.Float(readonly=True, digits=(16, 2),
                            help="Chance of an order x expected order value (x value at stake for the risk group).")
    reasons_data = fields.Json(readonly=True)
    reasons = fields.Text("Reasons", compute="_compute_texts")
    suggestion_ids = fields.One2many("ecom.customer.suggestion", "score_id", "What to offer", readonly=True)
    offer = fields.Char("Offer", compute="_compute_texts")
    last_order = fields.Date(readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    scored_on = fields.Date(readonly=True)
    activity_id = fields.Many2one("mail.activity", "Scheduled contact", readonly=True, ondelete="set null")

    _sql_constraints = [("partner_company_uniq", "UNIQUE(partner_id, company_id)",
                         "A customer has one score per company.")]

    @api.depends("decision_code", "decision_params", "reasons_data", "suggestion_ids")
    @api.depends_context("lang")
    def _compute_texts(self):
        """The sentences in the reader's language, from what the job stored (codes and values)."""
        for score in self:
            score.decision_reason = (
                self._ecom_sentence(texts.SCHEDULE_REASONS.get(score.decision_code), score.decision_params)
                if score.decision_code else False)
            lines = [self._ecom_sentence(texts.CRITERIA_TEMPLATES.get(name), params)
                     for name, params in (score.reasons_data or [])]
            score.reasons = "\n".join(line for line in lines if line) or False
            score.offer = "; ".join(
                f"{s.name} ({round(s.probability * 100)}%)" for s in score.suggestion_ids) or False

    def _ecom_sentence(self, template, params):
        """``template`` (one of the engine's English sentences) in the reader's language, filled in."""
        if not template:
            return ""
        text = self.env._(template)  # the engine's sentences, marked with _lt
        params = dict(params or {})
        if params.get("date"):  # stored as ISO: shown as the reader's language writes dates
            params["date"] = format_date(self.env, params["date"])
        try:
            return text % params
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            return template % (params or {})

    @api.model
    def _ecom_upsert(self, company, rows):
        """Write the job's ``rows`` (dicts of :data:`STORED` plus ``partner_id``) for ``company``:
        one INSERT ... ON CONFLICT per call, rows whose values did not change left untouched
        (no new tuple, no write_date change). Returns the ids of the rows written."""
        if not rows:
            return []
        self.flush_model()
        columns = ("partner_id", *STORED)
        casts = {"user_id": "int4", "probability": "float8", "score": "int4", "recency": "int4",
                 "frequency": "int4", "monetary": "int4", "segment": "varchar", "group": "varchar",
                 "expected_value": "numeric", "stake": "numeric", "decision": "varchar",
                 "decision_date": "date", "decision_code": "varchar", "decision_params": "jsonb",
                 "priority": "float8", "reasons_data": "jsonb", "last_order": "date", "order_count": "int4",
                 "scored_on": "date", "partner_id": "int4"}
        arrays = [[row.get(col) for row in rows] for col in columns]
        unnest = SQL(", ").join(SQL("%s::%s[]", arr, SQL(casts[col])) for col, arr in zip(columns, arrays, strict=True))
        names = SQL(", ").join(SQL.identifier(col) for col in columns)
        updates = SQL(", ").join(SQL("%s = EXCLUDED.%s", SQL.identifier(c), SQL.identifier(c)) for c in STORED)
        old = SQL(", ").join(SQL("s.%s", SQL.identifier(c)) for c in STORED if c != "scored_on")
        new = SQL(", ").join(SQL("EXCLUDED.%s", SQL.identifier(c)) for c in STORED if c != "scored_on")
        self.env.cr.execute(SQL("""
            INSERT INTO ecom_customer_score AS s (company_id, create_uid, create_date, write_uid, write_date, %(names)s)
            SELECT %(company)s, %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC', v.*
              FROM unnest(%(unnest)s) AS v(%(names)s)
            ON CONFLICT (partner_id, company_id) DO UPDATE
               SET %(updates)s, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
             WHERE (%(old)s) IS DISTINCT FROM (%(new)s)
            RETURNING s.id
        """, names=names, company=company.id, uid=self.env.uid, unnest=unnest, updates=updates, old=old, new=new))
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model()
        return ids
