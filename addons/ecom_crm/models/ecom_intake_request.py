import logging
from collections import namedtuple
from datetime import datetime

from psycopg2 import OperationalError
from psycopg2.extras import Json

from odoo import api, fields, models, tools
from odoo.tools import SQL, str2bool

from ..tools.intake import CLICK_ID_TYPES, CLICK_IDS, storable
from ..tools.intake_queue import AFTER_ANSWER_BATCH, GATHER_SECONDS, QueueOps, QueuePass

_logger = logging.getLogger(__name__)
# the advisory lock of the intake queue (any constant unique to this use)
QUEUE_LOCK = 0x1EC0_1A4E
# the advisory lock of the one worker that waits for a batch to gather (see QueuePass.gather_more)
GATHER_LOCK = 0x1EC0_1A4F

class JournalQueueOps(QueueOps):
    """What a pass over the queue (tools/intake_queue.py) does to the database, on ``journal``'s cursor."""

    def __init__(self, journal):
        self.journal = journal
        self.cr = journal.env.cr

    def lock_queue(self):
        return self.journal._lock_queue()

    def fetch(self, size):
        self.cr.execute("""
            SELECT id, EXTRACT(EPOCH FROM (now() at time zone 'utc') - create_date)
              FROM ecom_intake_request WHERE state = 'pending'
             ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
        """, [size])
        return self.cr.fetchall()

    def process(self, ids):
        self.journal.browse(ids)._process()

    def commit(self):
        self.cr.commit()

    def rollback(self):
        self.cr.rollback()

    def traffic_ongoing(self):
        return self.journal._traffic_ongoing()

    def try_gather_lock(self):
        # a session lock: held across the commits of the wait, released by release_gather_lock or,
        # whatever happens, by the connection's end or reuse
        self.cr.execute("SELECT pg_try_advisory_lock(%s)", [GATHER_LOCK])
        return self.cr.fetchone()[0]

    def release_gather_lock(self):
        self.cr.execute("SELECT pg_advisory_unlock(%s)", [GATHER_LOCK])

    def wake_processor(self):
        self.journal._wake_processor(always=True)

    def waiting(self):
        # no row lock: a request another processor has in hand counts too, and the pass then finds
        # the queue taken by it and leaves (a lock here could fail on a row it has just committed)
        self.cr.execute("SELECT 1 FROM ecom_intake_request WHERE state = 'pending' LIMIT 1")
        return bool(self.cr.fetchone())


# what became of a request offered to the journal (see _enqueue)
Enqueued = namedtuple("Enqueued", "request_id replay_id limited")
# How many requests a source sent in the last minute: its last running number minus the first one
# of the minute, two index look-ups however busy the source (counting the journal's rows cost
# 1.7 ms a request at a few thousand a minute). The running number is a sequence's, seen by every
# transaction at once: numbers taken by requests not committed yet count too. The minute is the
# transaction's clock, as create_date's (SQL's now()). Parameters: _recent_count_params().
RECENT_COUNT = """
    SELECT COALESCE(pg_sequence_last_value(%(rate_sequence)s::regclass) - (
               SELECT rate_seq FROM ecom_intake_request
                WHERE source_id = %(rate_source)s
                   AND create_date >= now() AT TIME ZONE 'UTC' - interval '1 minute' AND rate_seq IS NOT NULL
                ORDER BY source_id, create_date LIMIT 1) + 1, 0) AS n
"""
# RECENT_COUNT's check and, within the limit, the number the request is journaled under, taken in
# one statement (see _rate_reserve). Parameters: RECENT_COUNT's and rate_limit.
RATE_RESERVE = f"""
    SELECT CASE WHEN ({RECENT_COUNT}) < %(rate_limit)s THEN nextval(%(rate_sequence)s) END
"""
# whether RECENT_COUNT has a first number to count from: a request of the minute committed
RATE_COUNTED = """
    SELECT EXISTS (SELECT 1 FROM ecom_intake_request
                    WHERE source_id = %(rate_source)s
                   AND create_date >= now() AT TIME ZONE 'UTC' - interval '1 minute' AND rate_seq IS NOT NULL)
"""
# the statements of _enqueue by the journal's columns (the same ones for every request)
_ENQUEUE_STATEMENTS = {}


class EcomIntakeRequest(models.Model):
    """The journal of every incoming request, from every channel (API, calls, email), as it came."""

    _name = "ecom.intake.request"
    _description = "Incoming request"
    _order = "id desc"
    _rec_name = "id"

    state = fields.Selection(
        [("pending", "Waiting"), ("done", "Done"), ("failed", "Failed")], default="done", required=True,
        readonly=True, help="Requests from the API are answered at once and turned into leads in "
                                        "the background, in arrival order.")
    error = fields.Text(readonly=True)
    data = fields.Json("Validated request", readonly=True)
    channel = fields.Selection(
        [("api", "Site / API"), ("call", "Phone call"), ("email", "Email")], string="Received by", required=True,
        default="api", help="How the request reached us; its marketing channel is the UTM source.")
    source_id = fields.Many2one("ecom.intake.source", "API source", ondelete="set null")
    idempotency_key = fields.Char()
    lead_id = fields.Many2one("crm.lead", "Request", index="btree_not_null", ondelete="set null")
    partner_id = fields.Many2one("res.partner", "Customer", index="btree_not_null", ondelete="set null")
    result = fields.Selection(
        [("created", "New request"), ("updated", "Added to an open request")], readonly=True)
    repeat_customer = fields.Boolean("Repeat customer", readonly=True)
    new_customer = fields.Boolean("New customer", readonly=True)
    contact_name = fields.Char(readonly=True)
    phone = fields.Char(readonly=True)
    email = fields.Char(readonly=True)
    message = fields.Text(readonly=True)
    utm_source_id = fields.Many2one("utm.source", "Channel", readonly=True)
    utm_medium_id = fields.Many2one("utm.medium", "Medium", readonly=True)
    utm_campaign_id = fields.Many2one("utm.campaign", "Campaign", readonly=True)
    click_id = fields.Char("Click id", readonly=True)
    click_id_type = fields.Selection(CLICK_ID_TYPES, "Click id type", readonly=True)
    yandex_client_id = fields.Char("Yandex Metrica ClientID", readonly=True)
    google_client_id = fields.Char("Google Analytics client id", readonly=True)
    referrer = fields.Char(readonly=True)
    amount = fields.Float(readonly=True)
    rate_seq = fields.Integer(
        "Number from the source", readonly=True, copy=False,
        help="The source's running request number (its rate sequence): the rate limit subtracts the "
             "first number of the last minute from the last one instead of counting the journal.")
    payload = fields.Json(readonly=True, groups="sales_team.group_sale_manager")
    remote_addr = fields.Char("From address", readonly=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)

    _sql_constraints = [
        ("idempotency_unique", "UNIQUE(source_id, idempotency_key)",
         "A source cannot send the same idempotency key twice."),
    ]

    @api.model
    def _ecom_action(self, domain):
        """The journal's entries of ``domain`` (a lead's, a customer's), as a window action."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Incoming requests"),
            "res_model": "ecom.intake.request",
            "view_mode": "list,form",
            "domain": domain,
        }

    @api.depends("source_id", "channel", "contact_name", "phone", "email", "create_date")
    def _compute_display_name(self):
        """What a person recognises a request by: where it came from, who sent it, when."""
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for entry in self:
            origin = entry.source_id.name or channels.get(entry.channel, "")
            who = entry.contact_name or entry.phone or entry.email or ""
            when = tools.format_datetime(self.env, entry.create_date, dt_format="short") if entry.create_date else ""
            entry.display_name = " · ".join(part for part in (origin, who, when) if part) or str(entry.id)

    @api.model
    @tools.ormcache()
    def _api_user_id(self):
        """The technical user the intake API and its processing run as (ecom_crm.user_intake_api)."""
        return self.env["ir.model.data"]._xmlid_to_res_id("ecom_crm.user_intake_api")

    @api.model
    def _vals_from_data(self, data, source, channel, remote_addr=None, company_id=None):
        """Journal values that are known as soon as a request arrives."""
        click = next((data[key] for key in CLICK_IDS if data.get(key)), False)
        return {
            "channel": channel, "source_id": source.id if source else False,
            "idempotency_key": data.get("idempotency_key"), "contact_name": data.get("name"),
            "phone": data.get("phone"), "email": data.get("email"), "message": data.get("message"),
            "click_id": click, "click_id_type": next((key for key in CLICK_IDS if data.get(key)), False),
            "yandex_client_id": data.get("yandex_client_id"), "google_client_id": data.get("google_client_id"),
            "referrer": data.get("referrer"), "amount": data.get("amount", 0.0),
            "payload": data.get("_raw"), "remote_addr": remote_addr,
            "company_id": company_id or (source.company_id if source else self.env.company).id,
        }

    @api.model
    def _stored_data(self, data):
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items() if k != "_raw"}

    @api.model
    def _journal(self, data, source, channel="api", remote_addr=None, rate_seq=None):
        """A pending journal entry holding a validated request (``rate_seq``: its running number
        reserved by :meth:`_rate_reserve`, else taken now)."""
        return self.create({**self._vals_from_data(data, source, channel, remote_addr), "state": "pending",
                            "data": self._stored_data(data), **({"rate_seq": rate_seq} if rate_seq else {})})

    @api.model
    def _journal_failed(self, source, reason, payload, channel="api", remote_addr=None, data=None):
        """Keep a request that could not be taken (a provider's malformed or unauthenticated
        payload) as failed with its reason: nothing sent is lost, a person sees why."""
        known = {key: str(data[key])[:limit] for key, limit in (("name", 256), ("phone", 64), ("email", 254),
                                                                  ("message", 10_000)) if (data or {}).get(key)}
        # a payload refused for a NUL character or a lone surrogate is kept with those replaced
        known, payload, reason = storable(known), storable(payload), storable(reason)
        vals = self._vals_from_data(dict(known, _raw=payload), source, channel, remote_addr)
        vals.update(state="failed", error=reason[:2000], idempotency_key=False, data=known or False)
        return self.create(vals)

    @api.model
    def _find_key(self, source, key):
        """The entry ``source`` journaled under idempotency ``key``, if any."""
        self.env.cr.execute("SELECT id FROM ecom_intake_request WHERE source_id = %s AND idempotency_key = %s",
                            [source.id, key])
        row = self.env.cr.fetchone()
        return self.browse(row[0] if row else ())

    @api.model
    def _recent_count_params(self, source_id):
        """The parameters of RECENT_COUNT for ``source_id``."""
        return {"rate_sequence": self.env["ecom.intake.source"]._rate_sequence_name(source_id),
                "rate_source": source_id}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("source_id") and not vals.get("rate_seq"):
                self.env.cr.execute(SQL("SELECT nextval(%s)", self.env["ecom.intake.source"]._rate_sequence_name(
                    vals["source_id"])))
                vals["rate_seq"] = self.env.cr.fetchone()[0]
        return super().create(vals_list)

    @api.model
    def _rate_exceeded(self, source_id, limit):
        self.env.cr.execute(RECENT_COUNT, self._recent_count_params(source_id))
        return self.env.cr.fetchone()[0] >= limit

    @api.model
    def _rate_reserve(self, source_id, limit):
        """The running number of a request of ``source_id`` about to be journaled (give it to
        :meth:`_journal`), or None when the source is over ``limit`` requests a minute.

        For a request processed while its client waits, journaled only at the end: its number is
        taken when it passes the check, so that the requests in flight count each other (ten sent
        together all passed a limit of 3 when each was counted only once journaled). A minute
        without any committed request has no first number to count from: the first requests of a
        quiet source take the source's decision lock, so that one at a time passes the check and
        the others, retried by Odoo, count from it."""
        params = dict(self._recent_count_params(source_id), rate_limit=limit)
        self._rate_quiet_lock(source_id, params)
        self.env.cr.execute(RATE_RESERVE, params)
        return self.env.cr.fetchone()[0]

    @api.model
    def _rate_quiet_lock(self, source_id, params):
        """In a minute without any committed request of the source, its decision lock: RECENT_COUNT
        has no first number to count from, and the requests of a burst would all pass the check
        (queued and ``?wait=1`` alike); one at a time passes, the others, retried by Odoo, count
        from it. A busy minute (the usual one) costs one index look-up."""
        self.env.cr.execute(RATE_COUNTED, params)
        if not self.env.cr.fetchone()[0]:
            self.env["ecom.decision.lock"]._take([f"rate:{source_id}"])

    @api.model
    def _enqueue(self, data, source, company_id, rate_limit, remote_addr=None, wake=None):
        """Journal a validated API request for processing, unless its idempotency key is known or
        the source is over its rate: ``Enqueued(request_id, replay_id, limited)``; ``wake``: trigger
        the cron for it (by default unless the HTTP workers process the queue after answering).

        The intake API's hot path, one statement (after one index look-up, :meth:`_rate_quiet_lock`):
        the known key, the rate count and the INSERT
        (written here rather than through ``create()``: no computed or related fields, nothing else
        reacts to a new journal entry) in a single round trip; the entry is an ordinary record from
        then on. A key journaled by a concurrent request makes the database refuse the INSERT once
        that request commits, and Odoo retry this one, which then finds the key.
        """
        vals = self._vals_from_data(data, source, "api", remote_addr, company_id)
        vals.update(state="pending", data=self._stored_data(data), create_uid=self.env.uid, write_uid=self.env.uid)
        for name in ("data", "payload"):
            vals[name] = Json(vals[name]) if vals[name] is not None else None
        params = {name: value if value is not False else None for name, value in vals.items()}
        params.update(self._recent_count_params(source.id), rate_limit=rate_limit)
        self._rate_quiet_lock(source.id, params)
        self.env.cr.execute(  # the same key sent at the same instant: Odoo retries the request
            self._enqueue_statement(tuple(vals)), params, log_exceptions=False)
        request_id, replay_id, recent = self.env.cr.fetchone()
        if request_id and (wake if wake is not None else not self._process_after_answer_enabled()):
            self._wake_processor()
        return Enqueued(request_id, replay_id, not request_id and not replay_id and recent >= rate_limit)

    @api.model
    def _enqueue_statement(self, columns):
        """The statement of :meth:`_enqueue` for the journal's ``columns`` (always the same ones):
        composed once per process, then sent as it is with each request's parameters."""
        statement = _ENQUEUE_STATEMENTS.get(columns)
        if statement is None:
            if not all(name in self._fields and self._fields[name].store for name in columns):
                raise ValueError(f"not columns of the journal: {columns}")
            statement = _ENQUEUE_STATEMENTS[columns] = """
                WITH previous AS (
                    SELECT id FROM ecom_intake_request
                     WHERE source_id = %(rate_source)s AND idempotency_key = %(idempotency_key)s
                ), recent AS ({recent}),
                inserted AS (
                    INSERT INTO ecom_intake_request ({columns}, rate_seq, create_date, write_date)
                    SELECT {values}, nextval(%(rate_sequence)s), now() at time zone 'utc', now() at time zone 'utc'
                     WHERE NOT EXISTS (SELECT 1 FROM previous) AND (SELECT n FROM recent) < %(rate_limit)s
                    ON CONFLICT ON CONSTRAINT ecom_intake_request_idempotency_unique DO NOTHING
                    RETURNING id
                )
                SELECT (SELECT id FROM inserted), (SELECT id FROM previous), (SELECT n FROM recent)
            """.format(recent=RECENT_COUNT, columns=", ".join(f'"{name}"' for name in columns),
                       values=", ".join(f"%({name})s" for name in columns))
        return statement

    @api.model
    def _wake_processor(self, always=False):
        """Trigger the processor unless a trigger is already waiting (one per burst, not per request);
        ``always``: even then (a waiting trigger may be the one of a run about to end)."""
        cron = self.env["ir.cron"].sudo().browse(
            self.env["ir.model.data"]._xmlid_to_res_id("ecom_crm.ir_cron_process_intake"))
        if not always:
            self.env.cr.execute("SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s "
                                "AND call_at <= now() at time zone 'utc' LIMIT 1", [cron.id])
            if self.env.cr.fetchone():
                return
        cron._trigger()

    def _process(self):
        """Turn pending entries into leads, in arrival order, as one batch; if the batch fails,
        entry by entry, so that one bad request is recorded as failed and loses nothing else.

        A concurrency error (a lead changed meanwhile by someone else, a lock) is not the request's
        fault: it is raised for the caller to retry the batch in a new transaction."""
        pending = self.filtered(lambda e: e.state == "pending").sorted("id")
        # created in the background: no "created" log line nor initial tracking message
        Processor = self.env["ecom.intake.processor"].with_context(mail_create_nolog=True, tracking_disable=True)
        try:
            with self.env.cr.savepoint():
                Processor._process_entries(pending)
            return self
        except OperationalError:
            raise
        except Exception:
            _logger.info("intake batch of %s failed, processing one by one", len(pending), exc_info=True)
        for entry in pending:
            try:
                with self.env.cr.savepoint():
                    Processor.with_company(entry.company_id)._process_entries(entry)
            except OperationalError:
                raise
            except Exception as error:  # kept on the entry for a person to see
                _logger.exception("intake request %s failed", entry.id)
                entry.write({"state": "failed", "error": f"{error.__class__.__name__}: {error}"})
        return self

    @api.model
    def _lock_queue(self):
        """Take the queue for this transaction if no other processor holds it.

        One processor at a time keeps the arrival order and lets the same customer's requests never
        race each other (two partners for one phone); the lock ends with the transaction, so with
        each committed batch."""
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [QUEUE_LOCK])
        return self.env.cr.fetchone()[0]

    @api.model
    def _process_queue(self, batch=200, budget=50.0, auto_commit=True, wait=True, yield_to_traffic=False,
                       gather=0.0):
        """Process the queue in batches, committing each, until empty or ``budget`` seconds passed;
        returns how many requests were processed. The scheduling is QueuePass's (see
        tools/intake_queue.py for ``wait``, ``yield_to_traffic`` and ``gather``)."""
        return QueuePass(JournalQueueOps(self), batch=batch, budget=budget,
                         auto_commit=auto_commit, wait=wait, yield_to_traffic=yield_to_traffic, gather=gather,
                         retryable=(OperationalError,)).run()

    @api.model
    def _traffic_ongoing(self):
        """Whether a request arrived within the last second and waits."""
        self.env.cr.execute("""
            SELECT 1 FROM ecom_intake_request
             WHERE state = 'pending' AND create_date >= (now() at time zone 'utc') - interval '1 second'
             LIMIT 1
        """)
        return bool(self.env.cr.fetchone())

    @api.model
    def _cron_process_pending(self, batch=200, budget=50.0, auto_commit=True):
        """The cron's pass over the queue: the requests the HTTP workers did not get to, leaving
        them the queue while requests arrive; all of them when after-answer processing is off."""
        helper = self._process_after_answer_enabled()
        return self._process_queue(batch=50 if helper else batch, budget=budget, auto_commit=auto_commit,
                                   yield_to_traffic=helper)

    @api.model
    def _process_after_answer(self):
        """A pass over the queue by the HTTP worker that has just answered (see the controller):
        the workers are not niced like the cron worker, so under load requests become leads while
        they keep coming, not after the burst."""
        if not self._process_after_answer_enabled():
            return 0
        budget = self.env["ir.config_parameter"].sudo().get_param("ecom_crm.intake_process_seconds", "10")
        return self._process_queue(batch=AFTER_ANSWER_BATCH, budget=float(budget or 10), wait=False,
                                   gather=GATHER_SECONDS)

    @api.model
    def _process_after_answer_enabled(self):
        return str2bool(self.env["ir.config_parameter"].sudo().get_param(
            "ecom_crm.intake_process_after_answer", "True"))

    def init(self):
        # Every request inserts a row and updates it once processed (state and links change: the
        # update touches every index), so the journal keeps the indexes its queries use only:
        # the rate limit's (source, date), which also serves the source's list; the idempotency
        # key's unique (source, key); the queue's partial index of waiting and failed entries.
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS ecom_intake_request_source_date_idx
                ON ecom_intake_request (source_id, create_date);
            CREATE INDEX IF NOT EXISTS ecom_intake_request_open_idx
                ON ecom_intake_request (id) WHERE state IN ('pending', 'failed');
        """)
