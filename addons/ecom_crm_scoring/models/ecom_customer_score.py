import io
import logging
import time
from collections import Counter, defaultdict
from contextlib import contextmanager

import numpy as np
from markupsafe import Markup
from psycopg2.errors import ForeignKeyViolation, LockNotAvailable, UniqueViolation

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date, formatLang
from odoo.tools.sql import get_foreign_keys

from ..scoring import texts
from ..scoring.handover import handed_over, moved_on_purpose
from ..tools.percent import format_percent
from ..tools.pgcopy import copy_text
from .res_company import scoring_callers

SALES = "sales_team.group_sale_salesman"
# a salesperson's load in a sync of the scheduled contacts once their day's list is full: above
# any maximum of open requests, so that ecom_crm's assignment by load passes them by
FULL_DAY = 2**31 - 1
SEGMENTS = [(code, texts.SEGMENT_LABELS[code]) for code in texts.SEGMENTS]
GROUPS = [(code, texts.GROUP_LABELS[code]) for code in ("growth", "risk", "watch")]
DECISIONS = [("now", "Call now"), ("later", "Call later"), ("dnd", "Do not disturb")]
# the columns the nightly job writes (_ecom_upsert), in this order
STORED = ("user_id", "probability", "score", "recency", "frequency", "monetary", "segment", "group",
          "expected_value", "stake", "decision", "decision_date", "decision_code", "decision_params",
          "priority", "reasons_data", "last_order", "order_count", "scored_on")
STORED_SET = frozenset(STORED)
UPSERT_COLUMNS = ("partner_id", *STORED, "row_hash")
# the foreign keys an insert checks row by row (a lookup of the customer, company and salesperson
# each, and a lock on the customer's row): a large first run inserts without them and adds them
# back after (:meth:`EcomCustomerScore._ecom_keys_unchecked`)
UNCHECKED_KEYS = ("partner_id", "company_id", "user_id")
KEY_LOCK_TIMEOUT = "2s"  # the wait for the tables' locks the keys' DDL takes, each try
KEY_RESTORE_TRIES = 5  # tries to add the keys back, KEY_RETRY_WAIT s apart, doubled each time
KEY_RETRY_WAIT = 1.0

_logger = logging.getLogger(__name__)


class _Params(dict):
    """A sentence's values: one the stored row lacks (a row written by an older version) reads as
    an empty string instead of failing the whole list."""

    def __missing__(self, key):
        return ""


class EcomCustomerScore(models.Model):
    """A customer's score in one company, as the nightly job left it (one row per customer and
    company: written set-based by the job, read by the sales team)."""

    _name = "ecom.customer.score"
    _description = "Customer score"
    _order = "priority desc, id"
    _rec_name = "partner_id"

    # no index of its own: the unique constraint's index (partner_id, company_id) starts with it
    partner_id = fields.Many2one("res.partner", "Customer", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True, index=True,
                              help="The customer's salesperson, whose list the contact is on.")
    phone = fields.Char(related="partner_id.phone")
    email = fields.Char(related="partner_id.email")
    probability = fields.Float(
        "Chance of an order", readonly=True, digits=(3, 3), aggregator="avg",
        help="The calibrated probability that the customer orders within the scoring's horizon (90 days "
             "unless the settings say otherwise): of customers shown 70%, about 7 in 10 order.")
    score = fields.Integer(readonly=True, aggregator="avg", help="The chance of an order, 0-100.")
    recency = fields.Integer("R", readonly=True, aggregator="avg", help="Recency quintile: 5 = ordered most recently.")
    frequency = fields.Integer("F", readonly=True, aggregator="avg", help="Frequency quintile: 5 = orders most often.")
    monetary = fields.Integer("M", readonly=True, aggregator="avg", help="Monetary quintile: 5 = spends the most.")
    segment = fields.Selection(SEGMENTS, "RFM segment", readonly=True, index=True)
    # the group's and the contact's indexes hold only the customers who have one (half of them,
    # a tenth): the others' rows, most of a night's writes, are not entered in them (686,000 rows
    # COPYed in 3.8-3.9 s instead of 4.2-4.4 s); a filter on a value uses them as before
    group = fields.Selection(GROUPS, "Group", readonly=True, index="btree_not_null",
                             help="Growth points: likely to buy more than they do. Risk group: valuable "
                                  "customers slipping away. Watch group: unclear prospects worth watching.")
    expected_value = fields.Monetary("Expected order", readonly=True,
                                     help="The customer's average order, less what they gave back.")
    stake = fields.Monetary("Value at stake", readonly=True,
                            help="A year of the customer's spending at the pace they bought, from their first order "
                                 "to their last.")
    decision = fields.Selection(DECISIONS, "Contact", readonly=True, index="btree_not_null")
    decision_date = fields.Date("Contact on", readonly=True)
    decision_code = fields.Char(readonly=True)
    decision_params = fields.Json(readonly=True)
    decision_reason = fields.Char("Why", compute="_compute_texts")
    priority = fields.Float(readonly=True, digits=(16, 2),
                            help="Chance of an order x expected order value (x value at stake for the risk group).")
    reasons_data = fields.Json(readonly=True)
    reasons = fields.Text("Reasons", compute="_compute_texts")
    # Text: a list wraps it (the sentence is the row's point; a Char is cut at the column's width)
    main_reason = fields.Text("Main reason", compute="_compute_texts",
                              help="The first of the reasons the scoring sees (the card lists them all), or why the "
                                   "customer is on the list when it sees none.")
    suggestion_ids = fields.One2many("ecom.customer.suggestion", "score_id", "What to offer", readonly=True)
    offer = fields.Char("Offers (chance of buying)", compute="_compute_texts")
    last_order = fields.Date(readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    scored_on = fields.Date(readonly=True)
    # indexed: every write of an activity's date or salesperson updates the related columns below
    # through it, and an activity deleted sets it to NULL (a scan of every score each, without it)
    activity_id = fields.Many2one("mail.activity", "Scheduled contact", readonly=True, ondelete="set null",
                                  index="btree_not_null")

    _sql_constraints = [("partner_company_uniq", "UNIQUE(partner_id, company_id)",
                         "A customer has one score per company.")]

    def init(self):
        # the nightly job rewrites nearly every row: with half of each page kept free, the new
        # version stays on its page and no index gets an entry for it (a HOT update), which made
        # the upsert of 700,000 scores 1.6 times faster; the pages keep the room as rows are
        # written again (older databases get it as their rows move, after one night)
        self.env.cr.execute("ALTER TABLE ecom_customer_score SET (fillfactor = 50)")
        # each row's fingerprint as the nightly job wrote it (ecom.scoring.run._rows): the job sends
        # only the rows whose fingerprint changed. A 64-bit column, which no Odoo field type makes
        # (Integer is 32 bits: a collision, a row wrongly kept, every few nights at a million rows)
        self.env.cr.execute("ALTER TABLE ecom_customer_score ADD COLUMN IF NOT EXISTS row_hash int8")
        # keys a nightly run dropped and was stopped before adding back (_ecom_keys_unchecked): Odoo
        # adds them after init(); the rows of customers deleted meanwhile would make that fail
        self._ecom_drop_orphans(self._ecom_missing_keys())

    def write(self, vals):
        # a value the job stores changed by anyone else: the stored fingerprint no longer tells
        # what the row holds, so the next run writes the row again whatever it computes
        res = super().write(vals)
        if self and STORED_SET.intersection(vals):  # row_hash is no field: the ORM's pending writes keep it
            self.env.cr.execute(SQL("UPDATE ecom_customer_score SET row_hash = NULL WHERE id = ANY(%s)", self.ids))
        return res

    @api.depends("decision_code", "decision_params", "reasons_data", "suggestion_ids")
    @api.depends_context("lang")
    def _compute_texts(self):
        """The sentences in the reader's language, from what the job stored (codes and values)."""
        dates = {}  # a night's list has a few distinct dates: each formatted once
        for score in self:
            score.decision_reason = (
                self._ecom_sentence(texts.SCHEDULE_REASONS.get(score.decision_code), score.decision_params, dates)
                if score.decision_code else False)
            lines = [self._ecom_sentence(texts.CRITERIA_TEMPLATES.get(name),
                                         self._ecom_decimals(
                                             self._ecom_amounts(params, texts.MONEY_PARAMS.get(name), score.company_id),
                                             texts.DECIMAL_PARAMS.get(name)),
                                         dates, horizon=score.company_id.ecom_scoring_horizon)
                     for name, params in (score.reasons_data or [])]
            score.reasons = "\n".join(line for line in lines if line) or False
            score.main_reason = next((line for line in lines if line), score.decision_reason)
            score.offer = "; ".join(
                f"{s.name} ({format_percent(s.probability, self.env.lang)})" for s in score.suggestion_ids) or False

    def _ecom_amounts(self, params, names, company):
        """``params`` with the amounts ``names`` (whole numbers, as the job stores them) written in
        ``company``'s currency as the reader's language writes amounts («595 760 руб.», not
        «595760»)."""
        return self._ecom_formatted(params, names, currency_obj=company.currency_id, rounding_unit="units")

    def _ecom_decimals(self, params, names):
        """``params`` with the decimal numbers ``names`` (as the job stores them: «0.9») written with the
        reader's language's decimal separator («0,9» in Russian)."""
        return self._ecom_formatted(params, names, digits=1)

    def _ecom_formatted(self, params, names, **options):
        """``params`` with the numbers ``names`` written by ``formatLang(**options)`` in the reader's
        language; a name left out, or not a number, stays as stored."""
        if not names or not params:
            return params
        params = dict(params)
        for name in names:
            try:
                value = float(params[name])
            except (KeyError, TypeError, ValueError):
                continue
            params[name] = formatLang(self.env, value, **options)
        return params

    def _ecom_sentence(self, template, params, dates=None, horizon=None):
        """``template`` (one of the engine's English sentences) in the reader's language, filled in.
        ``dates``: a cache of the dates already formatted (``{iso: text}``, one language);
        ``horizon``: the days a row stored before the sentences said them looks ahead."""
        if not template:
            return ""
        text = self.env._(template)  # the engine's sentences, marked with _lt
        params = _Params(params or {})
        if horizon and "%(days)s days" in template and "days" not in params:
            params["days"] = horizon
        if params.get("date"):  # stored as ISO: shown as the reader's language writes dates
            params["date"] = self._ecom_date(params["date"], dates)
        try:
            return text % params
        except (TypeError, ValueError):  # a translation that broke a placeholder: the English one
            return template % params

    def _ecom_date(self, value, dates=None):
        """``value`` (a date or its ISO text) as the reader's language writes dates; ``dates``
        caches them (Odoo's format_date looks the language up each time: 0.4 ms a call)."""
        if dates is None:
            return format_date(self.env, value)
        key = str(value)
        if key not in dates:
            dates[key] = format_date(self.env, value)
        return dates[key]

    @api.model
    def _ecom_copy_text(self, rows):
        """``rows`` as :meth:`_ecom_upsert` sends them (COPY text): no cursor, no environment, so
        that the run can build a chunk's text in a thread while PostgreSQL writes the previous one."""
        return copy_text(rows, UPSERT_COLUMNS) if rows else ""

    @api.model
    def _ecom_upsert(self, company, rows, text=None, new=False, held=False):
        """Write the job's ``rows`` (``{column: list of values}``, the columns :data:`STORED` plus
        ``partner_id`` and, optionally, ``row_hash``) for ``company``: one INSERT ... ON CONFLICT
        per call, rows whose values did not change left untouched (no new tuple, no write_date
        change). ``text``: the rows already as :meth:`_ecom_copy_text` makes them. ``new``: none
        of the customers has a row in the table (the run read them before): the rows are COPYed
        straight into it (the first run's 700,000 rows), and go the upsert's way only if one has
        appeared since (another run of the company). ``held``: every one of the customers has a
        row (the run read them before): an UPDATE from the rows, without the upsert's insertion
        attempt and row lock per row (686,000 rows updated in 3.3-3.5 s instead of 4.1-4.2 s, in
        psql on a copy of the table); a row deleted since (its customer deleted) is not written
        again. Returns the number of rows written.

        The job's rows name no user (``create_uid``, ``write_uid``): they are the scheduled job's,
        and each user named costs a foreign-key check per row inserted (700,000 rows COPYed in
        14.4-15.0 s without them, 17.9-19.4 s with them)."""
        if not rows or not len(rows["partner_id"]):
            return 0
        self.flush_model()
        cr = self.env.cr
        text = self._ecom_copy_text(rows) if text is None else text
        names = ", ".join(f'"{col}"' for col in UPSERT_COLUMNS)
        if new:
            cr.execute("SELECT now() at time zone 'UTC'")
            now = cr.fetchone()[0]
            # the columns the text lacks, the same on every line (its line breaks end rows only:
            # copy_text escapes those within values)
            line_end = f"\t{int(company.id)}\t{now.isoformat(' ')}\t{now.isoformat(' ')}\n"
            try:
                with cr.savepoint(flush=False):
                    cr._obj.copy_expert(
                        f"COPY ecom_customer_score ({names}, company_id, create_date, write_date) FROM STDIN",
                        io.StringIO(text.replace("\n", line_end)), size=1 << 20)
                self.invalidate_model()
                return len(rows["partner_id"])
            except UniqueViolation:
                pass
        casts = {"row_hash": "int8", "user_id": "int4", "probability": "float8", "score": "int4", "recency": "int4",
                 "frequency": "int4", "monetary": "int4", "segment": "varchar", "group": "varchar",
                 "expected_value": "numeric", "stake": "numeric", "decision": "varchar",
                 "decision_date": "date", "decision_code": "varchar", "decision_params": "jsonb",
                 "priority": "float8", "reasons_data": "jsonb", "last_order": "date", "order_count": "int4",
                 "scored_on": "date", "partner_id": "int4"}
        columns = SQL(", ").join(SQL.identifier(col) for col in UPSERT_COLUMNS)
        # the rows reach PostgreSQL by COPY into a temporary table: as parameters (one array per
        # column) the statement took 100 µs a row to parse at 20,000 rows a chunk
        cr.execute(SQL("DROP TABLE IF EXISTS ecom_score_in; CREATE TEMP TABLE ecom_score_in (%s) ON COMMIT DROP",
                       SQL(", ").join(SQL("%s %s", SQL.identifier(col), SQL(casts[col])) for col in UPSERT_COLUMNS)))
        cr._obj.copy_expert(f"COPY ecom_score_in ({names}) FROM STDIN", io.StringIO(text), size=1 << 20)
        # the new values: the chunk table's row (an UPDATE's ``i``) or the row proposed (``EXCLUDED``)
        source = SQL("i" if held else "EXCLUDED")
        updates = SQL(", ").join(SQL("%s = %s.%s", SQL.identifier(c), source, SQL.identifier(c)) for c in STORED)
        old = SQL(", ").join(SQL("s.%s", SQL.identifier(c)) for c in STORED if c != "scored_on")
        new_values = SQL(", ").join(SQL("%s.%s", source, SQL.identifier(c)) for c in STORED if c != "scored_on")
        changed = SQL("(%s) IS DISTINCT FROM (%s) OR s.row_hash IS DISTINCT FROM %s.row_hash", old, new_values, source)
        if held:
            cr.execute(SQL("""
                UPDATE ecom_customer_score AS s
                   SET %(updates)s, row_hash = i.row_hash, write_uid = NULL, write_date = now() at time zone 'UTC'
                  FROM ecom_score_in i
                 WHERE s.partner_id = i.partner_id AND s.company_id = %(company)s AND (%(changed)s)
            """, updates=updates, company=company.id, changed=changed))
        else:
            cr.execute(SQL("""
                INSERT INTO ecom_customer_score AS s (company_id, create_date, write_date, %(names)s)
                SELECT %(company)s, now() at time zone 'UTC', now() at time zone 'UTC', %(names)s
                  FROM ecom_score_in
                ON CONFLICT (partner_id, company_id) DO UPDATE
                   SET %(updates)s, row_hash = EXCLUDED.row_hash, write_uid = NULL, write_date = EXCLUDED.write_date
                 WHERE %(changed)s
            """, names=columns, company=company.id, updates=updates, changed=changed))
        written = cr.rowcount
        cr.execute("DROP TABLE ecom_score_in")
        self.invalidate_model()
        return written

    # -- the first run's inserts without row-by-row key checks ---------------------------------------
    @api.model
    def _ecom_keys(self):
        """``[(constraint, column, referenced table, ON DELETE)]`` of :data:`UNCHECKED_KEYS`, as the
        ORM makes them (PostgreSQL's default constraint names, which Odoo's keys have)."""
        return [(f"{self._table}_{name}_fkey", name, self.env[self._fields[name].comodel_name]._table,
                 self._fields[name].ondelete.upper()) for name in UNCHECKED_KEYS]

    @api.model
    def _ecom_row_count(self):
        """The rows of the table, every company's (asked only before a company's first run)."""
        self.env.cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(self._table)))
        return self.env.cr.fetchone()[0]

    @api.model
    def _ecom_missing_keys(self):
        """The keys of :meth:`_ecom_keys` the table lacks (dropped by a run stopped before it could
        add them back)."""
        cr = self.env.cr
        return [key for key in self._ecom_keys()
                if not get_foreign_keys(cr, self._table, key[1], key[2], "id", key[3])]

    def _ecom_locking(self, statement):
        """Run ``statement`` waiting at most :data:`KEY_LOCK_TIMEOUT` for the locks it takes, in a
        savepoint; False if they were not granted in time (nothing done), True otherwise. The
        transaction's own lock timeout is kept for what follows."""
        cr = self.env.cr
        cr.execute("SHOW lock_timeout")
        before = cr.fetchone()[0]
        try:
            with cr.savepoint(flush=False):
                cr.execute("SELECT set_config('lock_timeout', %s, true)", [KEY_LOCK_TIMEOUT])
                cr.execute(statement)
        except LockNotAvailable:
            return False
        finally:
            cr.execute("SELECT set_config('lock_timeout', %s, true)", [before])
        return True

    @contextmanager
    def _ecom_keys_unchecked(self, unchecked, auto_commit):
        """Around the writes of a run whose rows are nearly all new (``unchecked``: a large store's
        first run, with ``auto_commit``): the keys of :data:`UNCHECKED_KEYS` are dropped, in a
        transaction of its own, and added back after the writes (:meth:`_ecom_restore_keys`), as
        PostgreSQL advises for a bulk load. Each inserted row otherwise looks its customer, company
        and salesperson up and locks the customer's row: 5-6 s of 12 s for 625,000 rows COPYed,
        where adding the keys back and checking every row at once takes 0.7 s. Dropping a key
        takes an exclusive lock on the customers' table for an instant: when other transactions
        hold it longer than :data:`KEY_LOCK_TIMEOUT`, the rows are written with the keys checked.
        The keys are added back however the writes end; a run killed meanwhile leaves them to the
        next run's start (or to the addon's upgrade: :meth:`init`)."""
        if not (unchecked and auto_commit):
            yield False
            return
        cr = self.env.cr
        cr.commit()
        drops = SQL(", ").join(SQL("DROP CONSTRAINT IF EXISTS %s", SQL.identifier(key[0])) for key in self._ecom_keys())
        dropped = self._ecom_locking(SQL("ALTER TABLE %s %s", SQL.identifier(self._table), drops))
        if not dropped:
            _logger.info("customer scores: written with their keys checked (the customers' table is busy)")
        cr.commit()
        try:
            yield dropped
        except BaseException:
            if dropped:
                cr.rollback()
                try:
                    self._ecom_restore_keys(auto_commit)
                except Exception:  # the run's own error is the one to report; the next run adds them
                    _logger.exception("customer scores: keys not added back after a failed run")
                    cr.rollback()
            raise
        if dropped:
            self._ecom_restore_keys(auto_commit)

    @api.model
    def _ecom_drop_orphans(self, keys):
        """What the ON DELETE of ``keys`` (:meth:`_ecom_keys`) would have done to the rows written
        while they were dropped whose customer, company or salesperson is gone: deleted, or left
        without a salesperson."""
        cr = self.env.cr
        table = SQL.identifier(self._table)
        for _name, column, target, ondelete in keys:
            orphan = SQL("%s IS NOT NULL AND NOT EXISTS (SELECT FROM %s t WHERE t.id = %s.%s)",
                         SQL.identifier(column), SQL.identifier(target), table, SQL.identifier(column))
            if ondelete == "CASCADE":
                cr.execute(SQL("DELETE FROM %s WHERE %s", table, orphan))
            else:
                cr.execute(SQL("UPDATE %s SET %s = NULL WHERE %s", table, SQL.identifier(column), orphan))

    @api.model
    def _ecom_restore_keys(self, auto_commit=False):
        """Add the keys the table lacks back (:meth:`_ecom_keys_unchecked`) and return whether
        some were. First as NOT VALID (the rows written from then on are checked, and a deletion
        of a customer, company or salesperson does what the key's ON DELETE says; the referenced
        tables are locked against deletions for an instant), then each key is validated in one
        pass over the table, which takes no lock that stops the store's writes. A key whose
        validation finds rows of a customer, company or salesperson deleted while it was dropped
        gets them what its ON DELETE would have done (:meth:`_ecom_drop_orphans`) and is
        validated again: the table is read once per key unless such rows exist. Tables busy for
        longer than the tries' waits: the keys are left for the next run, as they were."""
        missing = self._ecom_missing_keys()
        if not missing:
            return False
        cr = self.env.cr
        table = SQL.identifier(self._table)
        adds = SQL(", ").join(
            SQL("ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s(id) ON DELETE %s NOT VALID",
                SQL.identifier(name), SQL.identifier(column), SQL.identifier(target), SQL(ondelete))
            for name, column, target, ondelete in missing)
        for attempt in range(KEY_RESTORE_TRIES):
            if self._ecom_locking(SQL("ALTER TABLE %s %s", table, adds)):
                break
            if auto_commit:
                cr.rollback()
            if attempt == KEY_RESTORE_TRIES - 1:
                _logger.warning("customer scores: keys %s not added back (their tables busy): the next run will",
                                ", ".join(key[0] for key in missing))
                return False
            time.sleep(KEY_RETRY_WAIT * 2 ** attempt)
        if auto_commit:
            cr.commit()
        for key in missing:
            validate = SQL("ALTER TABLE %s VALIDATE CONSTRAINT %s", table, SQL.identifier(key[0]))
            try:
                with cr.savepoint(flush=False):
                    cr.execute(validate)
            except ForeignKeyViolation:
                self._ecom_drop_orphans([key])
                cr.execute(validate)
            if auto_commit:
                cr.commit()
        self.invalidate_model()
        return True

    # -- the schedule as activities (issue 17) -----------------------------------------------------
    activity_date = fields.Date("Scheduled for", related="activity_id.date_deadline", store=True)
    activity_user_id = fields.Many2one("res.users", "Contact assigned to", related="activity_id.user_id", store=True,
                                       index="btree_not_null")
    contacted_on = fields.Date("Outcome recorded on", readonly=True,
                               help="The last day an outcome of a contact was recorded: off today's list until the "
                                    "next scoring.")

    @api.model
    def _ecom_sync_activities(self, company, run, partner_ids=None):
        """The schedule of ``company`` as activities of the scoring's type on the customers (all of
        them after a full run, the commercial partners ``partner_ids`` after an incremental one):

        * «call now»: one open activity due on the run's day, for the customer's salesperson, else
          for a member of the company's default sales team picked by ecom_crm's assignment by load
          (none when nobody can take it: the customer stays on the team's shared list); an open
          one is moved (date, salesperson, note) rather than duplicated, and a date its salesperson
          set themselves is kept, and so is a hand-over (a team leader, or its salesperson, gave it
          to a colleague: its user is not whom the sync gave it to, ``ecom_scoring_user_id``) until
          the contact is done or the customer's salesperson is no longer the one it was handed from;
        * «call later»: an open activity is moved to the decision's date (none is created);
        * «do not disturb», or no decision or score any more: an open activity is removed.

        Created in one batch without «assigned to you» mails; the note says why and what to offer
        in the assigned salesperson's language. Each score keeps its activity (``activity_id``)."""
        # the scoring's own writes: a note it writes is the score's, never taken for a person's words
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True,
                                                                 ecom_scoring_sync=True)
        kind = Activity._ecom_scoring_activity_type()
        if not kind:
            return
        today = run.day
        Score = self.sudo().with_company(company)
        only = [("partner_id", "in", list(partner_ids))] if partner_ids is not None else []
        due = Score.search([("company_id", "=", company.id), ("decision", "=", "now"),
                            ("decision_date", "<=", today), *only])
        ours = [("res_model", "=", "res.partner"), ("activity_type_id", "=", kind.id),
                ("ecom_scoring_company_id", "in", [company.id, False])]
        open_domain = ours if partner_ids is None else [*ours, ("res_id", "in", list(partner_ids))]
        existing = Activity.search(open_domain, order="id").grouped("res_id")
        scores = {score.partner_id.id: score for score in due}
        others = [partner_id for partner_id in existing if partner_id not in scores]
        for score in Score.search([("company_id", "=", company.id), ("partner_id", "in", others)]) if others else ():
            scores[score.partner_id.id] = score

        callers = company._ecom_scoring_callers()

        def can_call(user):  # a salesperson who left the company (or was archived) calls nobody of it
            return bool(user) and user.id in callers

        # the default team and its members' loads, read once per sync, and what each salesperson's
        # daily list has room for once what their day holds already is counted, in the whole company
        # (an incremental run syncs a few customers: the others of today fill the day too), before
        # any customer is handed out: their own customers to call today but those handed over to a
        # colleague, the contacts handed over to them, and those of the shared list they keep
        # (:meth:`_ecom_day_loads`)
        team_state = {"room": Counter(), "cap": company.ecom_scoring_daily_cap}
        Users = self.env["res.users"]
        for _list, caller, count in self._ecom_day_loads(company, today):
            if caller:
                team_state["room"][Users.browse(caller)] -= count
        links, remove, moves, new, merged, unassigned = {}, Activity.browse(), [], [], {}, set()
        release = Activity.browse()
        for partner_id, activities in existing.items():
            score = scores.get(partner_id)
            if not score:  # no score in this company: ours are obsolete, others' are not ours to touch
                remove |= activities.filtered("ecom_scoring_company_id")
                continue
            keep = activities[:1]
            remove |= activities[1:]
            # a contact handed over on purpose (its user is not whom the sync gave it to) stays with
            # who has it while the customer's salesperson is the one it was handed from
            given = keep.ecom_scoring_user_id  # whom the sync gave it to, kept for a hand-over
            if owner_calls := can_call(score.user_id):
                user = keep.user_id if handed_over(score.user_id.id, keep.user_id.id, given.id, owner_calls,
                                                   can_call(keep.user_id)) else score.user_id
                given = score.user_id
            elif can_call(keep.user_id):  # a customer of the shared list kept by who has it (counted above)
                user = keep.user_id
                given = given if moved_on_purpose(keep.user_id.id, given.id) else user
            elif score.decision == "now":
                user = given = self._ecom_team_salesperson(company, score.partner_id, team_state)
            else:
                user = given = self.env["res.users"]
            if score.decision not in ("now", "later") or not score.decision_date or not user:
                links[score] = False
                if score.decision == "now" and score.decision_date:
                    remove |= keep
                    unassigned.add(keep.id)  # to call, but by nobody: its words logged say so
                    continue
                # not to be called: a contact scheduled by hand is left as it was made (not the run's), one
                # of the run's a person wrote on is released to them with their words; the run's own go, and
                # so does one whose assignee calls nobody of the company any more (left, archived: released,
                # it would stay overdue with nobody to work it), its words logged on the customer
                remove -= activities
                for activity in activities.filtered("ecom_scoring_company_id"):
                    if can_call(activity.user_id) and activity._ecom_person_words(summary=True):
                        release |= activity
                    else:
                        remove |= activity
                continue
            moves.append((keep, score, user, max(score.decision_date, today), given))
            links[score] = keep
            merged[keep] = activities  # the words of who scheduled any of them by hand go to the one kept
        for score in due:  # in priority order: the team's least loaded members go to the best chances
            if score in links or score.partner_id.id in existing:
                continue
            user = score.user_id if can_call(score.user_id) else \
                self._ecom_team_salesperson(company, score.partner_id, team_state)
            if user:
                new.append((score, user))

        duplicates = self._ecom_removed_words(remove, merged, unassigned)
        remove.unlink()
        self._ecom_release_activities(release)
        # what the loop compares, read for all at once (after unlink, each activity's first field
        # read its own row: 600 queries)
        Activity.browse([move[0].id for move in moves]).fetch(
            ["user_id", "ecom_scoring_user_id", "ecom_scoring_company_id", "date_deadline", "ecom_scoring_date",
             "activity_type_id", "summary", "ecom_scoring_run_summary", "note", "ecom_scoring_person_note"])
        # before the company written below tells a contact taken over from one scheduled by hand
        self._ecom_keep_person_words(merged, duplicates)
        # their summary went to the person's words (kept below the score's note): the run's own from now on
        taken = {keep.id for keep in merged if not keep.ecom_scoring_company_id}
        dates, moved, texts_ = {}, defaultdict(list), []
        for activity, score, user, day, given in moves:
            if activity.ecom_scoring_date:  # a date its assignee set since the run's stands
                manual = activity.date_deadline != activity.ecom_scoring_date
            else:  # never dated by a run (scheduled by hand, a call logged): a person's date, unless past
                manual = activity.date_deadline >= today
            changed = {}
            if activity.user_id != user:
                changed["user_id"] = user.id
            if activity.ecom_scoring_user_id != given:
                changed["ecom_scoring_user_id"] = given.id
            if activity.ecom_scoring_company_id != company:
                changed["ecom_scoring_company_id"] = company.id
            if not manual and (activity.date_deadline != day or activity.ecom_scoring_date != day):
                changed.update(date_deadline=day, ecom_scoring_date=day)
            elif manual and not activity.ecom_scoring_date:  # the schedule's day, to tell theirs from it
                changed["ecom_scoring_date"] = day
            if changed:  # the same move for many: one write each (the ORM's triggers run per write)
                moved[tuple(sorted(changed.items()))].append(activity.id)
            texts_.append((activity, score, user))
        for changes, ids in moved.items():
            Activity.browse(ids).write(dict(changes))
        self._ecom_write_activity_texts(texts_, dates, taken)
        partner_model = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for score, user in new:
            summary, note = score._ecom_activity_texts(user, dates)
            vals_list.append({
                "res_model_id": partner_model, "res_id": score.partner_id.id, "activity_type_id": kind.id,
                "user_id": user.id, "date_deadline": today, "summary": summary, "note": note,
                "ecom_scoring_run_summary": summary or False, "ecom_scoring_company_id": company.id,
                "ecom_scoring_date": today, "ecom_scoring_user_id": user.id})
        created = Activity.create(vals_list) if vals_list else Activity
        links.update({score: activity for (score, _user), activity in zip(new, created, strict=True)})

        # one statement links every score concerned to its activity (or to none)
        self.env.flush_all()
        if links:
            pairs = [(score.id, activity.id if activity else None) for score, activity in links.items()]
            self.env.cr.execute(SQL("""
                UPDATE ecom_customer_score s
                   SET activity_id = v.activity_id, activity_date = a.date_deadline, activity_user_id = a.user_id
                  FROM unnest(%s::int[], %s::int[]) AS v(score_id, activity_id)
                  LEFT JOIN mail_activity a ON a.id = v.activity_id
                 WHERE s.id = v.score_id
                   AND (s.activity_id, s.activity_date, s.activity_user_id)
                       IS DISTINCT FROM (v.activity_id, a.date_deadline, a.user_id)
            """, [p[0] for p in pairs], [p[1] for p in pairs]))
            self.invalidate_model(["activity_id", "activity_date", "activity_user_id"])

    @api.model
    def _ecom_removed_words(self, remove, merged, unassigned=()):
        """What people wrote on the contacts a sync removes is never lost (:meth:`mail.activity.
        _ecom_person_words`): a duplicate's words go to the customer's contact kept (``merged``: ``{kept:
        the customer's open contacts}``, :meth:`_ecom_keep_person_words`); those of a contact removed with
        none kept (the customer is not to be called, or has no score in this company any more) are logged
        once on the customer, in the language of whom it was for, with why: ``unassigned``, the ids of
        those of a customer to call now whom nobody can take (their assignee no longer calls the company's
        customers, nor can anybody of the sales team: the customer stays on today's list without a
        salesperson); the others' customer is not to be called. Nobody notified. Its readers stay theirs:
        a person's words were on a contact scheduled by hand, read by whoever reads the customer, as its
        chatter is. Returns ``{id: words}`` of the duplicates, read before they are removed."""
        if not remove:
            return {}
        remove.fetch(["res_id", "user_id", "activity_type_id", "summary", "ecom_scoring_run_summary", "note",
                      "ecom_scoring_company_id", "ecom_scoring_person_note"])
        absorbed = {activity.id for keep, activities in merged.items() if len(activities) > 1
                    for activity in activities - keep}
        duplicates, logs = {}, defaultdict(dict)
        for activity in remove:
            words = activity._ecom_person_words(summary=True)
            if not words:
                continue
            if activity.id in absorbed:
                duplicates[activity.id] = words
                continue
            lang = activity.user_id.lang or self.env.lang  # an activity always has an assignee
            env, user = self.with_context(lang=lang).env, activity.user_id.name
            if activity.id in unassigned:
                text = env._("The customer scoring removed the scheduled contact of %(user)s: nobody can take it "
                             "over now, the customer stays on today's list without a salesperson. Its note:",
                             user=user)
            else:
                text = env._("The customer scoring removed the scheduled contact of %(user)s: the customer is not "
                             "to be called now. Its note:", user=user)
            body = logs[lang].get(activity.res_id, Markup(""))
            logs[lang][activity.res_id] = body + Markup("<p>%s</p>") % text + words
        for lang, bodies in logs.items():
            self.env["res.partner"].sudo().browse(list(bodies)).with_context(lang=lang)._message_log_batch(bodies)
        return duplicates

    @api.model
    def _ecom_log_removed_words(self, activities, why):
        """The words people wrote on ``activities`` (contacts of the scoring's type about to be removed
        with their customer's score: archived, marked a shared account, merged into one) logged on the
        customer each is on, as the sync logs those it removes (:meth:`_ecom_removed_words`): once a
        customer, in the language of whom it was for, after ``why(env, user_name)`` (the sentence, in
        ``env``'s language). Nobody notified. One search read and one log a language."""
        activities = activities.sudo()
        activities.fetch(["res_id", "user_id", "activity_type_id", "summary", "ecom_scoring_run_summary", "note",
                          "ecom_scoring_company_id", "ecom_scoring_person_note"])
        logs = defaultdict(dict)
        for activity in activities:
            words = activity._ecom_person_words(summary=True)
            if not words:
                continue
            lang = activity.user_id.lang or self.env.lang
            text = why(self.with_context(lang=lang).env, activity.user_id.name)
            body = logs[lang].get(activity.res_id, Markup(""))
            logs[lang][activity.res_id] = body + Markup("<p>%s</p>") % text + words
        for lang, bodies in logs.items():
            self.env["res.partner"].sudo().browse(list(bodies)).with_context(lang=lang)._message_log_batch(bodies)

    @api.model
    def _ecom_release_activities(self, activities):
        """The run's contacts of customers not to be called that a person wrote on (their words, or a
        summary of their own) are theirs again, not removed: no longer the scoring's (no company, date or
        salesperson of the scoring, no score's lines), their note is their words, the summary theirs
        (or the run's: ``ecom_scoring_run_summary`` kept still tells it from theirs). As a contact scheduled
        by hand, the runs leave it while the customer is not to be called, and take it over again, words
        kept, when the customer is to be called. One statement; their fields read beforehand (the sync's
        search)."""
        if not activities:
            return
        activities.fetch(["ecom_scoring_person_note"])  # one query if the sync's unlink dropped it from the cache
        rows = [(activity.id, str(activity.ecom_scoring_person_note or "") or None) for activity in activities]
        activities.flush_recordset()
        self.env.cr.execute(SQL("""
            UPDATE mail_activity a
               SET note = v.note, ecom_scoring_person_note = NULL, ecom_scoring_company_id = NULL,
                   ecom_scoring_date = NULL, ecom_scoring_user_id = NULL,
                   write_uid = %s, write_date = now() at time zone 'UTC'
              FROM unnest(%s::int[], %s::text[]) AS v(id, note)
             WHERE a.id = v.id
        """, self.env.uid, [row[0] for row in rows], [row[1] for row in rows]))
        fields_ = ["note", "ecom_scoring_person_note", "ecom_scoring_company_id", "ecom_scoring_date",
                   "ecom_scoring_user_id", "write_uid", "write_date"]
        activities.invalidate_recordset(fields_)
        activities.modified(fields_)

    @api.model
    def _ecom_keep_person_words(self, merged, duplicates):
        """A contact of the scoring's type scheduled by hand (no company of the scoring) that a sync
        takes over keeps its person's words (:meth:`mail.activity._ecom_person_words`: its note and a
        summary of its own), and those of the customer's duplicates it removed (``duplicates``, :meth:
        `_ecom_removed_words`), as ``ecom_scoring_person_note``: the score's note then rewrites its note
        and shows them below («Note:», :meth:`_ecom_write_activity_texts`). Written once: taken over, it
        has its company, the next runs read the words from that field and write nothing. Their readers
        then are whom the scoring's rules let read the contact. The kept contacts' fields are read
        beforehand; one statement for all."""
        rows = []
        for keep, activities in merged.items():
            if keep.ecom_scoring_company_id and not any(a.id in duplicates for a in activities):
                continue  # the scoring's own with nothing to take: the nightly case
            words = keep._ecom_person_words() + Markup("").join(
                duplicates[a.id] for a in activities - keep if a.id in duplicates)
            if str(words) != str(keep.ecom_scoring_person_note or ""):
                rows.append((keep.id, str(words) or None))
        if not rows:
            return
        Activity = self.env["mail.activity"]
        Activity.flush_model(["ecom_scoring_person_note"])
        self.env.cr.execute(SQL("""
            UPDATE mail_activity a SET ecom_scoring_person_note = v.words
              FROM unnest(%s::int[], %s::text[]) AS v(id, words)
             WHERE a.id = v.id
        """, [row[0] for row in rows], [row[1] for row in rows]))
        Activity.invalidate_model(["ecom_scoring_person_note"])

    @api.model
    def _ecom_day_loads(self, company, today, skip=()):
        """The day's loads of ``company``'s lists (its customers to call now on ``today``, but
        those of ``skip``), in one query: ``[(list, caller, count)]``. Each customer's contact is
        made by its *caller* (a user id, ``None`` for nobody yet): a contact handed over on purpose
        (:meth:`_ecom_sync_activities` leaves it with who has it) by who took it, else by the
        customer's salesperson while they can call, else (a customer of the shared list) by who
        holds its open contact, if they can. It fills the *list* of its caller when it was handed
        over, else of the customer's salesperson if they can call the company's customers (``-1``:
        the shared list, whoever holds it: a customer without a salesperson, or whose salesperson
        left the company, whose contact the sync hands out to the default team), as the run caps
        each salesperson's own list (``History.list_of``). The hand-over is :func:`handed_over`'s,
        on the day's customers counted by their salesperson, holder and whom the scoring gave the
        contact to (a few rows a salesperson)."""
        kind = self.env["mail.activity"]._ecom_scoring_activity_type()
        self.env.flush_all()
        self.env.cr.execute(SQL("""
            WITH callable AS (  -- who can call a customer of the company (the sync's can_call)
                %(callers)s
            ), day AS (
                SELECT s.user_id AS owner, a.user_id AS holder, a.ecom_scoring_user_id AS given
                  FROM ecom_customer_score s
                  LEFT JOIN LATERAL (  -- the customer's open contact the sync keeps: the first
                        SELECT a.user_id, a.ecom_scoring_user_id FROM mail_activity a
                         WHERE a.res_model = 'res.partner' AND a.res_id = s.partner_id AND a.active
                           AND a.activity_type_id = %(kind)s
                           AND (a.ecom_scoring_company_id = %(company)s OR a.ecom_scoring_company_id IS NULL)
                         ORDER BY a.id LIMIT 1) a ON TRUE
                 WHERE s.company_id = %(company)s AND s.decision = 'now' AND s.decision_date <= %(today)s
                   AND NOT s.partner_id = ANY(%(skip)s)
            )
            SELECT COALESCE(d.owner, 0), COALESCE(d.holder, 0), COALESCE(d.given, 0),
                   o.id IS NOT NULL, h.id IS NOT NULL, count(*)
              FROM day d
              LEFT JOIN callable o ON o.id = d.owner
              LEFT JOIN callable h ON h.id = d.holder
             GROUP BY 1, 2, 3, 4, 5
        """, callers=scoring_callers(company.id), company=company.id, kind=kind.id or 0, today=today,
           skip=list(skip)))
        loads = Counter()
        for owner, holder, given, owner_calls, holder_calls, count in self.env.cr.fetchall():
            if handed_over(owner, holder, given, owner_calls, holder_calls):
                loads[holder, holder] += count
            else:
                loads[owner if owner_calls else -1, owner if owner_calls else holder if holder_calls else None] += count
        return [(list_, caller, count) for (list_, caller), count in loads.items()]

    @api.model
    def _ecom_write_activity_texts(self, rows, dates=None, taken=()):
        """Each scheduled contact's summary and note as its score tells them in its salesperson's
        language (``rows``: ``(activity, score, user)``, their fields read beforehand), those whose
        text changed in one statement: a write per note sanitized it twice more and ran the ORM's
        triggers for each. ``dates``: as :meth:`_ecom_activity_texts`. A summary a person typed (not the
        one the run wrote, ``ecom_scoring_run_summary``, recorded with it, nor one of the type's texts:
        :meth:`mail.activity._ecom_own_summary`) is kept, but on the contacts ``taken`` over now (ids):
        their summary is among the person's words kept below the score's note (:meth:
        `_ecom_keep_person_words`)."""
        dates = {} if dates is None else dates
        changed = []
        Activity = self.env["mail.activity"].sudo()
        note_field = Activity._fields["note"]
        summaries = Activity._ecom_scoring_summaries()
        for activity, score, user in rows:
            ours, note = score._ecom_activity_texts(user, dates, activity.ecom_scoring_person_note)
            summary = ours
            if activity.id not in taken and (own := activity._ecom_own_summary(summaries)):
                summary = own
            # a note stored as rendered needs no sanitizing to compare (it costs a millisecond)
            stored = str(activity.note or "")
            if stored != str(note):
                note = str(note_field.convert_to_cache(note, activity) or "")
            if (activity.summary or "") != summary or stored != note \
                    or (activity.ecom_scoring_run_summary or "") != ours:
                changed.append((activity.id, summary, ours or None, note))
        if not changed:
            return
        Activity.flush_model()
        ids, summaries, ours, notes = (list(column) for column in zip(*changed, strict=True))
        self.env.cr.execute(SQL("""
            UPDATE mail_activity a
               SET summary = v.summary, ecom_scoring_run_summary = v.ours, note = v.note,
                   write_uid = %s, write_date = now() at time zone 'UTC'
              FROM unnest(%s::int[], %s::varchar[], %s::varchar[], %s::text[]) AS v(id, summary, ours, note)
             WHERE a.id = v.id
        """, self.env.uid, ids, summaries, ours, notes))
        Activity.invalidate_model(["summary", "ecom_scoring_run_summary", "note", "write_uid", "write_date"])
        Activity.browse(ids).modified(["summary", "note"])  # what is computed from them (names)

    def _ecom_team_salesperson(self, company, partner, state):
        """A member of ``company``'s default sales team for ``partner``, by ecom_crm's assignment
        by load (``state`` keeps the team and its loads across one sync), or no one."""
        if "team" not in state:
            team = self.env["crm.team"].sudo().with_company(company)._get_default_team_id(user_id=False)
            state["team"], state["loads"] = team, {}
            if team and not self.env.registry.ready:
                # installing or upgrading (the scoring's install hook, its migration): this transaction
                # altered the tables the loads are read from, and the second cursor ecom_crm reads
                # committed loads with would wait for it forever; the loads as this transaction sees them
                users = team.crm_team_member_ids.user_id
                state["loads"].update({user: list(load) for user, load in team._ecom_load_counts(users).items()})
        if not state["team"]:
            return self.env["res.users"]
        manager = partner.commercial_partner_id.user_id
        if manager and company not in manager.sudo().company_ids:
            # their salesperson left the company (a team of no company would give them back the
            # customer): the team's members, by load
            partner = None
        team, loads = state["team"], state["loads"]
        room = state.get("room")
        if room is not None:
            # a member whose day is full (their own customers to call, and those handed out to them
            # in this sync, up to the daily cap) takes no more today: counted as at their maximum
            # of open requests for this sync's picks
            users = team.crm_team_member_ids.user_id
            team._ecom_fill_loads(loads, users)
            for user in users:
                if state["cap"] + room[user] <= 0:
                    loads[user][0] = FULL_DAY
        user = team._ecom_pick_salesperson(partner, loads)
        if room is not None and user:
            room[user] -= 1
        return user

    def _ecom_activity_texts(self, user, dates=None, person_note=None):
        """(summary, note) of this score's scheduled contact, in ``user``'s language. ``dates``:
        a cache of formatted dates per language (``{lang: {iso: text}}``) kept across a sync.
        ``person_note``: the words of who scheduled the contact by hand before the scoring took it
        over (``mail.activity.ecom_scoring_person_note``), shown below the score's, as theirs («Note:»).

        The summary is the activity type's neutral one («Call the customer»): Odoo shows an
        activity's summary to readers who may not read the score (the customer's *Next activity*
        in lists, searchable, read past the activities' rules), and the reason named the group
        and the chance. Why, and what to offer, are in the note (read by sales and its assignee)
        and on the «Today» list."""
        self.ensure_one()
        lang = user.lang or self.env.lang
        score = self.with_context(lang=lang)
        # by its id (cached), not ``env.ref``'s: that asks the database whether it exists at each call
        kind = score.env["mail.activity.type"].browse(score.env["ir.model.data"]._xmlid_to_res_id(
            "ecom_crm_scoring.mail_activity_type_scoring_call", raise_if_not_found=False))
        summary = (kind.summary or kind.name or "") if kind else ""
        last_order = score._ecom_date(score.last_order, None if dates is None else dates.setdefault(lang, {})) \
            if score.last_order else ""
        # stripped as the note field's sanitizing would: a note stored unchanged compares equal as text
        note = score.env["ir.qweb"]._render("ecom_crm_scoring.scoring_activity_note",
                                           {"score": score, "last_order": last_order,
                                            "chance": format_percent(score.score / 100, lang),
                                            "person_note": Markup(person_note) if person_note else ""},
                                           minimal_qcontext=True).strip()
        # the percentages' no-break spaces («90 %») written as the note's sanitizing stores them: a note
        # unchanged then compares equal as rendered, unsanitized
        note = note.replace("\N{NO-BREAK SPACE}", Markup("&nbsp;"))
        return summary, note

    @api.model
    def _ecom_mark_contacted(self, outcomes):
        """The customers of ``outcomes`` leave today's list at once (the next scoring decides when
        they are called again)."""
        for (company, day), rows in outcomes.grouped(lambda o: (o.company_id, o.date)).items():
            self.sudo().search([("company_id", "=", company.id),
                                ("partner_id", "in", rows.partner_id.commercial_partner_id.ids)]).write(
                {"contacted_on": day})

    # -- the buttons of today's list ---------------------------------------------------------------
    def action_ecom_log_call(self):
        """The scheduled contact in Odoo's activity dialog (notes, another date, «Mark as done» with
        the outcome); without one, the dialog of a new one for the current user, due today."""
        self.ensure_one()
        action = {"type": "ir.actions.act_window", "name": self.env._("Log a call"), "res_model": "mail.activity",
                  "view_mode": "form", "views": [(self.env.ref("mail.mail_activity_view_form_popup").id, "form")],
                  "target": "new"}
        if self.activity_id:
            if not self.activity_id.has_access("read"):
                # a shared customer's contact held by a salesperson of another team: its note is theirs
                raise UserError(self.env._(
                    "The scheduled contact with %(customer)s is %(user)s's, of another sales team: record its "
                    "outcome, or ask a team leader to hand it over to you.",
                    customer=self.partner_id.display_name, user=self.activity_user_id.name))
            return dict(action, res_id=self.activity_id.id)
        summary, note = self._ecom_activity_texts(self.env.user)
        return dict(action, context={
            "default_res_model": "res.partner", "default_res_id": self.partner_id.id,
            "default_activity_type_id": self.env["mail.activity"]._ecom_scoring_activity_type().id,
            "default_user_id": self.env.uid, "default_date_deadline": fields.Date.context_today(self),
            "default_summary": summary, "default_note": note, "default_ecom_scoring_company_id": self.company_id.id,
            # the scoring's summary, as a run's: another one typed in the dialog is the salesperson's
            "default_ecom_scoring_run_summary": summary or False})

    def action_ecom_record_outcome(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "name": self.env._("Outcome of the contact"),
                "res_model": "ecom.scoring.outcome.wizard", "view_mode": "form", "views": [(False, "form")],
                "target": "new",
                "context": {"default_score_id": self.id, "default_activity_id": self.activity_id.id}}

    def action_ecom_explain(self):
        """Reasons for scores the night left without (no list took the customer: most of a big
        store's customers), asked from the card: the customer's history as of the company's last
        full run, explained by the model it scored with (a row the nights since did not change
        holds that run's score too). Stored on the score until the next night writes the row again
        (``write`` forgets its fingerprint)."""
        from ..scoring import engine
        from ..scoring.criteria import describe

        self.check_access("read")
        unseen, last_day = set(), None
        for company, scores in self.filtered(lambda s: not s.reasons_data).grouped("company_id").items():
            run, state = self.env["ecom.scoring.run"]._ecom_last_state(company)
            last_day = run.day
            if state is None:
                raise UserError(self.env._(
                    "The scoring keeps no model to explain this score with yet: the reasons will be there "
                    "after the next night's scoring."))
            history, partner_ids = self.env["ecom.scoring.history"].sudo()._read(company, scores.partner_id.ids)
            result = engine.explain(history, run.day.toordinal() + 1, state, company._ecom_scoring_settings())
            by_partner = {}
            unseen.update(int(partner_ids[i]) for i in np.flatnonzero(result.score < 0).tolist())
            unseen.update(set(scores.partner_id.ids) - set(partner_ids.tolist()))
            for pos, i in enumerate(result.reason_rows.tolist()):
                lines = [[name, describe(result.criteria, i, name)[1]] for name in result.reason_names[pos] if name]
                if lines:
                    by_partner[int(partner_ids[i])] = lines
            for score in scores:
                if score.partner_id.id in by_partner:
                    score.sudo().reasons_data = by_partner[score.partner_id.id]
        if len(self) == 1 and not self.reasons_data and self.partner_id.id in unseen:
            raise UserError(self.env._(
                "The scoring's last full run (%(day)s) saw no orders of this customer: the reasons will be there "
                "after the next night's scoring.", day=format_date(self.env, last_day)))
        if len(self) == 1 and not self.reasons_data:
            raise UserError(self.env._("Nothing in this customer's history moves their chance away from a typical "
                                       "customer's: the score has no reason to give."))
        return True

    def action_ecom_open_customer(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner", "res_id": self.partner_id.id,
                "view_mode": "form", "views": [(False, "form")], "target": "current"}

    main_offer = fields.Text("Offer (chance of buying)", compute="_compute_main_offer",
                             help="The offer most likely to be taken, and the chance that it is.")

    @api.depends("suggestion_ids")
    @api.depends_context("lang")
    def _compute_main_offer(self):
        for score in self:
            first = score.suggestion_ids[:1]
            # «(40 %)» in Russian, as the chance of an order's progress bar next to it writes its percent
            score.main_offer = f"{first.name} ({format_percent(first.probability, self.env.lang)})" if first else False
