import base64
import dataclasses
import json
import logging
import pickle
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from importlib import import_module

import numpy as np
import pytz
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from odoo import api, fields, models
from odoo.modules import module as odoo_module
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..scoring import texts
from ..scoring.history import positions
from ..tools.pgcopy import copy_columns
from ..tools.rowhash import row_hashes
from ..tools.rowhash import salt as rowhash_salt

_logger = logging.getLogger(__name__)
ENGINE = f"{__package__.rpartition('.')[0]}.scoring.engine"

# the engine's codes (scoring/schedule.py, scoring/segments.py), without importing its maths here
NOW, LATER, DND = 1, 2, 3
GROWTH, RISK, WATCH = 0, 1, 2
DECISION_CODES = {NOW: "now", LATER: "later", DND: "dnd"}
GROUP_CODES = {GROWTH: "growth", RISK: "risk", WATCH: "watch"}
CHUNK = 20_000  # customers written per transaction
# a chunk (or, from the scheduled job, a company's run) stopped by a concurrent change of the rows
# it writes (a salesperson recording an outcome, an activity done) is tried again, this many times
RETRIES = 3
RETRY_WAIT = 0.5  # seconds before the first try again, doubled before each next
MORE_CUSTOMERS = 0.2  # the models are learned again when the store has grown this much since
# a run with at least this many customers to write and no row of its company in the table yet (a
# large store's first run) inserts them without the row-by-row key checks (ecom.customer.score's
# _ecom_keys_unchecked); a smaller one is not worth the DDL. Not when the table holds more rows (of
# other companies) than the run writes: the keys added back check the whole table, about an eighth of
# a row-by-row check per row, and every company's rows would go unchecked meanwhile
UNCHECKED_ROWS = 50_000


def _import_engine():
    """The future of the scoring engine's module, imported in a thread of its own (nothing to
    wait for once a worker has imported it)."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="ecom_scoring_import")
    try:
        return pool.submit(import_module, ENGINE)
    finally:
        pool.shutdown(wait=False)


class EcomScoringRun(models.Model):
    """One run of the customer scoring: the day's full run (learns from the store's history and
    scores every customer) or an incremental one (rescoring the customers whose orders, requests
    or activities changed since the previous run, with the day's model)."""

    _name = "ecom.scoring.run"
    _description = "Customer scoring run"
    _order = "date desc, id desc"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    date = fields.Datetime("Started", default=fields.Datetime.now, required=True, readonly=True)
    day = fields.Date("Scoring day", readonly=True, help="The day the scores are for, in the store's time zone.")
    mode = fields.Selection([("full", "Full"), ("incremental", "Incremental")], required=True, readonly=True,
                            default="full")
    state = fields.Selection([("running", "Running"), ("done", "Done"), ("failed", "Failed")], default="running",
                             required=True, readonly=True)
    position = fields.Integer(readonly=True, help="Customers (by partner id) written up to this id: a run killed "
                                                   "midway resumes after it.")
    duration = fields.Float("Duration (s)", readonly=True)
    longest_chunk = fields.Float("Longest step (s)", readonly=True)
    partner_count = fields.Integer("Customers scored", readonly=True)
    changed_count = fields.Integer("Rows changed", readonly=True)
    growth_count = fields.Integer("Growth", readonly=True)
    # «Risk», as its neighbours «Growth» and «Watch»: «At risk» is an RFM segment's name too (one
    # translation, «Под угрозой»), which would put a segment's name over the risk group's count
    risk_count = fields.Integer("Risk", readonly=True)
    watch_count = fields.Integer("Watch", readonly=True)
    now_count = fields.Integer("Call now", readonly=True)
    later_count = fields.Integer("Call later", readonly=True)
    dnd_count = fields.Integer("Do not disturb", readonly=True)
    learned_on = fields.Date("Models learned on", readonly=True,
                             help="The day the chances were last learned from the store's history: a full run "
                                  "learns them every few days (Settings) and scores with them between.")
    model_info = fields.Json("Model", readonly=True)
    error = fields.Text(readonly=True)
    # the day's model for the incremental runs (engine.State, pickled: written by this code only,
    # readable by administrators only)
    engine_state = fields.Binary(attachment=True, readonly=True, groups="base.group_system")

    @api.depends("date", "mode")
    def _compute_display_name(self):
        modes = dict(self._fields["mode"]._description_selection(self.env))
        for run in self:
            run.display_name = f"{fields.Datetime.to_string(run.date)} ({modes.get(run.mode, '')})"

    # -- entry points ----------------------------------------------------------------------------
    @api.model
    def _cron_score_customers(self):
        """Every hour: the day's full run first (the morning list), then incremental runs.

        Each company on its own: a run stopped by a concurrent change (a serialization failure, a
        deadlock: a salesperson's outcome or activity written while the job wrote the same rows)
        is rolled back and started again, up to :data:`RETRIES` times (a full run resumes after its
        last committed chunk, with its models); a company whose run fails all the same, or fails
        otherwise, is logged, its error noted on its run (:meth:`_note_failure`, after each
        try), and the other companies are scored. A full run that failed midway resumes the
        next time the job runs: at once when the progress it reported (customers remaining) was
        the job's last, Odoo then calling the job again, else the next hour. Only when every
        company failed is the first error raised, for the scheduler's failure count (a job
        failing for days is turned off: one company's broken data must not stop the others'
        lists)."""
        errors = []
        companies = self.env["res.company"].search([])
        for company in companies:
            name = company.name
            for attempt in range(RETRIES + 1):
                try:
                    self.with_company(company)._score_company(company, auto_commit=True)
                    break
                except Exception as exc:
                    self.env.cr.rollback()
                    self._note_failure(company)
                    if isinstance(exc, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY) and attempt < RETRIES:
                        _logger.info("customer scoring of %s stopped by a concurrent change (%s): again", name,
                                     exc.pgcode)
                        time.sleep(RETRY_WAIT * 2 ** attempt)
                        continue
                    _logger.exception("customer scoring of %s failed", name)
                    errors.append(exc)
                    break
        if errors and len(errors) == len(companies):
            raise errors[0]

    def _note_failure(self, company):
        """After ``company``'s run failed and was rolled back (the error being handled): its
        unfinished runs show the error; an incremental one is failed (the next one rescores the
        same changes, from the last run done), a full one stays running, to resume after its last
        committed chunk (its error cleared when it is done)."""
        runs = self.search([("company_id", "=", company.id), ("day", "=", self._store_today(company)),
                            ("state", "=", "running")])
        error = traceback.format_exc(limit=-8)
        runs.filtered(lambda run: run.mode == "incremental").write({"state": "failed", "error": error})
        runs.filtered(lambda run: run.mode == "full").write({"error": error})
        self.env.cr.commit()

    @api.model
    def _score_customers(self, company=None, mode=None, auto_commit=False, today=None, learn=False):
        """Score ``company``'s customers now (the cron's job, callable from tests and the install hook);
        ``learn``: a full run learns the models again even if they are not due (:meth:`_models_to_keep`)."""
        company = company or self.env.company
        return self.with_company(company)._score_company(company, mode=mode, auto_commit=auto_commit, today=today,
                                                         learn=learn)

    def _store_today(self, company):
        tz = pytz.timezone(company.partner_id.tz or self.env.user.tz or "UTC")
        return datetime.now(pytz.utc).astimezone(tz).date()

    def _score_company(self, company, mode=None, auto_commit=False, today=None, learn=False):
        today = today or self._store_today(company)
        runs = self.search([("company_id", "=", company.id), ("day", "=", today)])
        unfinished = runs.filtered(lambda run: run.state == "running" and run.mode == "full")
        full_done = runs.filtered(lambda run: run.state == "done" and run.mode == "full")
        if mode is None:
            # learning asked for is a full run's, also when the day's is done
            mode = "incremental" if full_done and not unfinished and not learn else "full"
        if mode == "full":
            run = unfinished[:1] or self.create({"company_id": company.id, "day": today, "mode": "full"})
            if auto_commit:
                self.env.cr.commit()
            try:
                return run._run_full(auto_commit, learn=learn)
            finally:
                # the worker goes on with other jobs: the run's arrays, freed with its frame, go back
                # to the system (the C allocator kept 270 MB of them after a run of 700,000 customers)
                from ..scoring.memory import release_memory

                release_memory()
        last = self.search([("company_id", "=", company.id), ("state", "=", "done")], limit=1)
        if not last:
            return self._score_company(company, mode="full", auto_commit=auto_commit, today=today)
        run = self.create({"company_id": company.id, "day": today, "mode": "incremental"})
        return run._run_incremental(last, auto_commit)

    # -- full run ----------------------------------------------------------------------------------
    def _run_full(self, auto_commit, learn=False):
        """Read the history, learn the order and cross-sell models (or take those of the last full
        run while they are not due, :meth:`_models_to_keep`; kept on the run and committed), score
        every customer, then write them chunk by chunk in partner id order, two chunks at a time
        on two connections (one on a night that learns both models), each chunk committed and the
        run's position moved after each pair (:meth:`_write_chunk`), then the offers, made while
        the chunks are written (on a night that learns both models, the cross-sell model is
        learned there first: :meth:`_offers_beside`). A run killed midway keeps the models it had committed, scores
        again (the same day, the same data give the same scores), skips the customers before its
        position, sends only the rows that differ from the stored ones and learns again the
        cross-sell model it was learning."""
        # openmp: the environment written here, before the import's thread runs beside this one
        from ..scoring import memory, openmp  # noqa: F401

        memory.bound_memory()
        # the engine (numpy, scipy, scikit-learn: for the job only) is imported while the history
        # is read, whose first part is PostgreSQL's: about a second in a fresh worker, then nothing
        importing = _import_engine()
        self.ensure_one()
        started = time.perf_counter()
        company = self.company_id
        settings = company._ecom_scoring_settings()
        # as of tomorrow: everything up to the run counts (an order placed today, a store installed
        # this afternoon); the contacts it plans are for today's list
        as_of = self.day.toordinal() + 1
        steps = {}
        try:
            # the keys a run stopped midway left dropped (its inserts went unchecked) are added back
            self.env["ecom.customer.score"]._ecom_restore_keys(auto_commit)
            step = time.perf_counter()
            history, partner_ids = self.env["ecom.scoring.history"]._read(company)
            outcomes = self.env["ecom.scoring.history"]._offer_outcomes(company, self.day)
            memory.release_memory()  # the read's buffers
            engine = importing.result()  # an error of the import is the run's, as the read's
            steps["read"] = time.perf_counter() - step  # with what is left of the import to wait for
            if not len(partner_ids):  # a store without orders yet: nothing to learn, nobody to score
                self.env.cr.execute(SQL("DELETE FROM ecom_customer_score WHERE company_id = %s", company.id))
                self.write({"state": "done", "duration": round(time.perf_counter() - started, 3)})
                return self
            state = self._load_state()
            resumed = state is not None and state.today == as_of  # the models this run had before a kill
            key = self._learn_key(settings)
            # a run resumed after a kill goes on with the models it had (learned or kept)
            kept, offers, due = (state, state, False) if resumed else self._models_to_keep(
                company, as_of, key, len(partner_ids), learn)
            # a state from before the cross-sell model was kept has none to give; a store whose
            # offers could not be learned tries again every night
            if not (offers and offers.learn_key and offers.crosssell_model):
                offers = None
            # the order model learned the night before is tonight's
            adopt = (kept is not None and not resumed and kept.next_order_model is not None
                     and kept.next_learned_on <= as_of)
            # a night that learns both models (no state kept) learns the cross-sell model while the
            # chunks are written (its offers are written after them)
            offers_beside = settings.crosssell and kept is None
            step = time.perf_counter()
            # a model due is learned tonight, used from the next night: tonight scores with the one in use.
            # Meanwhile a thread reads the fingerprints of the rows the table holds on the job's
            # cursor, which nothing else uses until then (PostgreSQL's work, 0.5 s at 700,000 rows)
            with ThreadPoolExecutor(1, thread_name_prefix="ecom_scoring_stored") as pool:
                reading = pool.submit(self._stored_hashes, company)
                order_model, criteria, crosssell_model, upcoming = engine.prepare(
                    history, as_of, settings, outcomes=outcomes,
                    order_model=(kept.next_order_model if adopt else kept.order_model) if kept else engine.LEARN,
                    crosssell_model=offers.crosssell_model if offers else None if offers_beside else engine.LEARN,
                    learn_next=due)
            if adopt:
                learned_on, learned_customers = kept.next_learned_on, kept.next_learned_customers
            elif kept:
                learned_on = kept.learned_on or as_of
                learned_customers = kept.learned_customers if kept.learn_key else len(partner_ids)
            else:
                learned_on, learned_customers = as_of, len(partner_ids)
            if resumed:
                waiting = (state.next_order_model, state.next_learned_on, state.next_learned_customers)
            elif upcoming is not None:
                waiting = (upcoming, as_of, len(partner_ids))
            else:  # none, or it could not be learned: the next night tries again
                waiting = (None, None, None)
            learned = {"learned_on": learned_on, "learned_customers": learned_customers,
                       "crosssell_model": crosssell_model,
                       "crosssell_learned_on": (offers.crosssell_learned_on or offers.learned_on) if offers else as_of,
                       "next_order_model": waiting[0], "next_learned_on": waiting[1],
                       "next_learned_customers": waiting[2],
                       # a resumed run's models are those of its own key: a state from an older version
                       # (no key) or other settings makes the next night learn
                       "learn_key": kept.learn_key if resumed else key}
            if not resumed:
                self._save_state(engine.State(today=as_of, order_model=order_model, bgnbd_params=None,
                                              rfm_bounds=None, growth_threshold=None, **learned))
                if auto_commit:
                    self.env.cr.commit()
                steps["learn" if kept is None or offers is None or due else "criteria"] = time.perf_counter() - step
                step = time.perf_counter()
            # the day's list: its quiet days and the days its waiting customers reach a list count
            # from the run's day, as the hourly runs' (not from the day after the data it counts)
            result = engine.score(history, as_of, criteria, order_model, settings=settings,
                                  list_day=self.day.toordinal())
            steps["score"] = time.perf_counter() - step
            longest = max(steps.values())
        except Exception as exc:
            return self._failed(exc, auto_commit)
        # rows that come out as they are stored (the same day again, customers whose score did not
        # move) are not sent; an error reading them goes up as the chunks' do (the run resumes)
        stored = reading.result()
        todo = np.flatnonzero(partner_ids > self.position)
        Score = self.env["ecom.customer.score"]
        day = self.day

        def build(rows):  # no cursor: runs in the thread while PostgreSQL writes the chunks before
            values = self._rows(result, partner_ids, rows, history, stored, day=day)
            # rows of customers the table does not hold yet (the first run's) are COPYed into it,
            # rows of customers it holds every one of (the other nights') update theirs; the
            # customers not scored (no confirmed order) have no row and send none
            have, sent = stored[0], np.asarray(values.get("partner_id", []), dtype=np.int64)  # have: sorted
            found = (have[np.minimum(np.searchsorted(have, sent), len(have) - 1)] == sent if len(have)
                     else np.zeros(len(sent), bool))
            return values, Score._ecom_copy_text(values), not found.any(), bool(found.all())

        chunks = [todo[start:start + CHUNK] for start in range(0, len(todo), CHUNK)]
        # the offers (and on a night that learns both models, the cross-sell model first) are made
        # in a thread while the chunks are written: the rows do not hold them
        learning = ThreadPoolExecutor(1, thread_name_prefix="ecom_scoring_learn")
        beside = learning.submit(self._offers_beside, engine, result, history, as_of, settings, outcomes,
                                 None if offers_beside else crosssell_model, offers_beside)
        learning.shutdown(wait=False)
        # the chunks are written two at a time, the second by a connection of its own
        # (:meth:`_second_writer`; one at a time while the cross-sell model is learned beside):
        # PostgreSQL works on both cores; the rows and COPY text of the next pair are built
        # meanwhile (the waits on PostgreSQL release the GIL)
        # a large store's first run: its rows are inserted without the keys' row-by-row checks
        unchecked = (not len(stored[0]) and len(todo) >= UNCHECKED_ROWS
                     and Score._ecom_row_count() < len(todo))
        try:
            with Score._ecom_keys_unchecked(unchecked, auto_commit), \
                    self._second_writer(auto_commit, learning=offers_beside) as write_beside:
                step_size = 2 if write_beside else 1
                pool = ThreadPoolExecutor(1, thread_name_prefix="ecom_scoring_rows")
                try:
                    ahead = [pool.submit(build, rows) for rows in chunks[:step_size]]
                    for n in range(0, len(chunks), step_size):
                        step = time.perf_counter()
                        pair = chunks[n:n + step_size]
                        built = [future.result() for future in ahead]
                        ahead = [pool.submit(build, rows) for rows in chunks[n + step_size:n + 2 * step_size]]
                        other = write_beside(result, partner_ids, pair[1], built[1]) if len(pair) > 1 else None
                        done = sum(len(rows) for rows in chunks[:n + len(pair)])
                        self._write_chunk(result, partner_ids, pair[0], built[0], (done, len(todo) - done),
                                          auto_commit, beside=other, last=pair[-1])
                        longest = max(longest, time.perf_counter() - step)
                finally:
                    pool.shutdown(cancel_futures=True)  # after an error: the chunks not begun are not built
            self.invalidate_recordset(["changed_count"])  # counted by the chunks' statements
            learned["crosssell_model"], offer_steps = beside.result()
        except BaseException:
            # the run stops here (its job may start it again at once, to resume): the cross-sell
            # model being learned is waited for, not learned a second time beside it
            wait([beside])
            raise
        steps.update(offer_steps)
        longest = max(longest, *offer_steps.values())
        # the offers of every customer (a run resumed after a kill too): one statement, a few rows
        self._write_suggestions(result, partner_ids, np.arange(len(partner_ids)))
        # customers without confirmed or cancelled orders any more lose their score: the rows the
        # table held before the chunks (the chunks only wrote customers of the run) less the run's
        # (np.setdiff1d's sorts took 1.6 s)
        gone = stored[0][positions(partner_ids, stored[0]) < 0]
        if len(gone):
            self.env.cr.execute(SQL("DELETE FROM ecom_customer_score WHERE company_id = %s AND partner_id = ANY(%s)",
                                    company.id, gone.tolist()))
        Score.invalidate_model()
        if company.ecom_scoring_activities:
            Score._ecom_sync_activities(company, self)
        self._finish(result, len(partner_ids), started, longest, auto_commit,
                     steps={name: round(seconds, 1) for name, seconds in steps.items()}, learned=learned)
        return self

    def _write_chunk(self, result, partner_ids, rows, chunk, progress, auto_commit, beside=None, last=None):
        """Write one chunk of the full run (``chunk``: its rows, COPY text, whether none and whether
        all of its customers have a row, as the run built them) and move the run's position after
        it, in a transaction of its own with ``auto_commit`` (:meth:`_write_apart`). ``beside``:
        the future of the next chunk (of customers ``last``), written meanwhile on the second
        connection (:meth:`_second_writer`); the position moves after it once both are committed,
        in a transaction of its own (a run killed between scores both again: the rows already
        written are found unchanged and not sent)."""
        done, remaining = progress

        def move():
            self.write({"position": int(partner_ids[(rows if last is None else last)[-1]])})
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

        def write():
            self._write_rows(result, partner_ids, rows, chunk)
            if beside is None:
                move()

        self._write_apart(write, auto_commit)
        if beside is not None:
            beside.result()
            self._write_apart(move, auto_commit)

    def _write_rows(self, result, partner_ids, rows, chunk):
        """Write the rows of customers ``rows`` built as ``chunk`` (see :meth:`_write_chunk`) in the
        current transaction, and count them on the run in the same transaction (a statement: the
        second connection's chunks count theirs too), so that the count stays exact whatever
        stops the run."""
        values, text, new, held = chunk
        written = self.env["ecom.customer.score"]._ecom_upsert(self.company_id, values, text=text, new=new,
                                                               held=held)
        self._drop_unscored(result, partner_ids, rows)
        if written:
            self.env.cr.execute(SQL("UPDATE ecom_scoring_run SET changed_count = COALESCE(changed_count, 0) + %s "
                                    "WHERE id = %s", written, self.id))
        return written

    @contextmanager
    def _second_writer(self, auto_commit, learning=False):
        """For the full run's chunks: a function that writes a chunk (:meth:`_write_rows`'s
        arguments) on a connection of its own, in a thread, each chunk in a transaction of its own
        (:meth:`_write_apart`), and returns its future; None without ``auto_commit`` (a test, the
        install: the rows go in the caller's transaction), in a test, or when this transaction
        could not commit what it holds (the other connection would not see the run's row).
        PostgreSQL's part of a chunk is most of its writing, on one core: a night that rewrites
        every score 4-5 s; two connections write two chunks at once. Not while the cross-sell
        model is ``learning`` beside the writes (a night that learns both models: the first run
        above all, whose 686,000 inserts took 4.1 s COPYed at once into a copy of the table in
        psql, each row's indexes; the keys are checked once after them: ecom.customer.score's
        _ecom_keys_unchecked): the learning is the longer of the two, and two connections took
        the core it needed (on the 1M demo store, alternated, the writes with the offers and the
        rest of the run 8.1-8.9 s on one connection against 8.8-9.5 s on two). After an error
        the job's transaction is rolled back before the other write is waited for: a session
        waiting for the job's row locks may hold a row that write waits for."""
        if not auto_commit or learning or odoo_module.current_test:
            yield None
            return
        cr = self.env.cr
        # what this transaction holds (a resumed run's temporary table) is committed as the
        # chunks' transactions would; a commit that did not happen (mocked) leaves it open
        cr.commit()
        cr.execute("SELECT txid_current_if_assigned() IS NULL")
        if not cr.fetchone()[0]:
            yield None
            return
        with self.env.registry.cursor() as other_cr, \
                ThreadPoolExecutor(1, thread_name_prefix="ecom_scoring_write") as pool:
            other = self.with_env(self.env(cr=other_cr))

            def write(result, partner_ids, rows, chunk):
                return other._write_apart(lambda: other._write_rows(result, partner_ids, rows, chunk), True)

            try:
                yield lambda *args: pool.submit(write, *args)
            except BaseException:
                cr.rollback()
                raise

    def _write_apart(self, write, auto_commit):
        """``write()``'s result, with ``auto_commit`` run in a READ COMMITTED transaction of its own
        (what came before is committed first, ``write`` is committed after) and run again after a
        concurrent change stopped it, up to :data:`RETRIES` times. The job's score rows are also
        the salespeople's: an outcome recorded, an activity done change other columns of them
        while the job runs. In Odoo's REPEATABLE READ, PostgreSQL refuses to update a row changed
        since the transaction began ("could not serialize access"); in READ COMMITTED it waits for
        the change and updates the row it left (:meth:`_read_committed`), so that the retries are
        left for deadlocks. ``write`` must give the same result when run again (it is rolled back
        first). Without ``auto_commit`` (a test, the install) ``write`` runs in the caller's
        transaction and an error goes up: a rollback would undo the caller's work too."""
        if not auto_commit:
            return write()
        name = self.company_id.name  # read now: after a rollback the cache is empty, and a read
        self.env.cr.commit()  # would begin the next transaction before SET TRANSACTION
        attempt = 0
        while True:
            if not self._read_committed():
                _logger.warning("scores of %s: written in REPEATABLE READ (a statement began the transaction)",
                                name)
            try:
                result = write()
                self.env.cr.commit()
                return result
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as exc:
                if attempt == RETRIES:
                    raise
                self.env.cr.rollback()
                _logger.info("scores of %s: written again after a concurrent change (%s)", name, exc.pgcode)
                time.sleep(RETRY_WAIT * 2 ** attempt)
                attempt += 1

    def _read_committed(self):
        """Make the transaction about to begin READ COMMITTED (Odoo's are REPEATABLE READ) when
        none is open on the cursor (after a commit or a rollback: the isolation level is set by
        the transaction's first statement), and say whether it did. For the chunks of a run: a
        score row changed by a salesperson since the chunk's transaction began (an outcome
        recorded, an activity done: other columns than the job's) is then updated as that change
        left it instead of failing the chunk with "could not serialize access"."""
        cr = self.env.cr
        if cr._cnx.info.transaction_status != TRANSACTION_STATUS_IDLE:
            return False
        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        return True

    @staticmethod
    def _offers_beside(engine, result, history, as_of, settings, outcomes, model, learn):
        """``(cross-sell model or None, {step: seconds})``: the offers of ``result`` made with the
        cross-sell ``model``, or with one learned first when ``learn``, in a thread of their own (no
        cursor) while the chunks are written; the rows do not hold the offers, which are written
        after the chunks. The offers alone take about a second at a million customers. Learning
        is only for a night that learns both models (the first run above all): its chunks insert
        most rows, at a million customers 686,000 of them (each insert maintains the indexes),
        beside which the model's 4 s (about 7 s beside the writes) cost less than before them
        (alternated in one process on the 1M demo store, when the inserts also checked their keys
        row by row: the first run 34.4-35.7 s against 36.6-38.1 s with the model learned before
        the chunks); the chunks are then written on one connection, the learning taking the other
        core (:meth:`_second_writer`). Not beside the other nights' writes: they take 3-4 s, and the
        model learned beside them took the cores today's scores and writes need (the night no
        shorter) while its memory added to theirs (1.56 GB at the peak instead of 1.47 GB); a night
        that learns it with the order model kept learns it beside today's criteria instead
        (:func:`..scoring.engine.prepare`). A model that fails to learn or to make offers is None
        (logged): no offers tonight, the next
        night learns it again; the scores are written all the same."""
        steps = {}
        if learn:
            started = time.perf_counter()
            try:
                model = engine.learn_crosssell_model(history, as_of, settings, outcomes)
            except Exception:
                _logger.exception("cross-sell model not learned as of day %s: no offers", as_of)
                model = None
            engine.release_memory()
            steps["learn_offers"] = time.perf_counter() - started
        started = time.perf_counter()
        try:
            engine.suggest(result, history, model)
        except Exception:  # the scores are written: the offers are an addition to them
            _logger.exception("cross-sell offers not made as of day %s", as_of)
            result.suggestions = model = None
        steps["cross_sell"] = time.perf_counter() - started
        return model, steps

    def _run_incremental(self, last, auto_commit):
        """Rescore the customers whose orders, requests, activities or contact outcomes changed since
        ``last`` run started, with the model of the day's full run (it is not learned again)."""
        from ..scoring import crosssell, engine

        self.ensure_one()
        started = time.perf_counter()
        company = self.company_id
        settings = company._ecom_scoring_settings()
        full = self.search([("company_id", "=", company.id), ("day", "=", self.day), ("mode", "=", "full"),
                            ("state", "=", "done")], limit=1)
        try:
            changed_partners = self._changed_partners(company, last.date)
            if not changed_partners:
                self.write({"state": "done", "duration": round(time.perf_counter() - started, 3)})
                return self
            state = full._load_state()
            if state is None:
                # the day's full run scored nobody (a store installed before its first orders): this
                # run is the day's full run, and keeps its models for the runs after it
                self.mode = "full"
                if auto_commit:  # as _score_company commits a full run before running it
                    self.env.cr.commit()
                try:
                    return self._run_full(auto_commit)
                finally:
                    engine.release_memory()
            history, partner_ids = self.env["ecom.scoring.history"]._read(company, changed_partners)
            # as of tomorrow, as the full run: today's orders and contacts count
            result = engine.rescore(history, self.day.toordinal() + 1, state, settings, list_day=self.day.toordinal())
        except Exception as exc:
            return self._failed(exc, auto_commit)
        self._cap_with_todays_list(company, result, history, partner_ids)
        rows = np.arange(len(partner_ids))
        values = self._rows(result, partner_ids, rows, history)
        # the rows of customers who no longer have orders (their only order cancelled and deleted)
        gone = sorted(set(changed_partners) - set(partner_ids.tolist()))

        def write():  # the day's salespeople change these customers' rows too: apart, as a chunk
            changed = self.env["ecom.customer.score"]._ecom_upsert(company, values)
            self._drop_unscored(result, partner_ids, rows)
            # the cross-sell offers of the morning stay for whom is still to be called now
            self.env.cr.execute(SQL("""
                DELETE FROM ecom_customer_suggestion g USING ecom_customer_score s
                 WHERE g.score_id = s.id AND s.company_id = %s AND s.partner_id = ANY(%s)
                   AND s.decision IS DISTINCT FROM 'now'
            """, company.id, partner_ids.tolist()))
            self.env["ecom.customer.suggestion"]._ecom_cap_at_order_chance(
                company, partner_ids.tolist(), crosssell.order_shares(state.crosssell_model))
            if gone:
                self.env.cr.execute(SQL(
                    "DELETE FROM ecom_customer_score WHERE company_id = %s AND partner_id = ANY(%s)", company.id, gone))
            self.env["ecom.customer.score"].invalidate_model()
            self.changed_count = changed

        self._write_apart(write, auto_commit)
        if company.ecom_scoring_activities:
            self.env["ecom.customer.score"]._ecom_sync_activities(company, self, changed_partners)
        self._finish(result, len(partner_ids), started, time.perf_counter() - started, auto_commit)
        return self

    def _changed_partners(self, company, since):
        """Commercial partners whose orders, credit notes or invoices (one reversing a credit note, or
        correcting one: a new invoice of a credited order line makes its credit note no return, and
        a partial invoice corrected leaves its order's invoicing status as it was), requests,
        activities, calls or contact outcomes were written since ``since``, or who were archived or
        restored, marked a shared account or unmarked, or took merged contacts' orders since
        (``ecom_scoring_changed_at``: a card's other edits change nothing the run reads) (one query; the tables
        have no index on write_date, which would make every write of an order or a request a
        non-HOT update: a scan of 3.3 million orders takes 0.6 s)."""
        for model in ("sale.order", "account.move", "crm.lead", "mail.activity", "mail.message",
                      "ecom.scoring.outcome", "ecom.call"):
            self.env[model].flush_model()
        self.env.cr.execute(SQL("""
            SELECT DISTINCT p.commercial_partner_id FROM (
                SELECT partner_id FROM sale_order WHERE company_id = %(company)s AND write_date >= %(since)s
                UNION ALL
                SELECT partner_id FROM account_move  -- credit notes, and the invoices reversing or correcting one
                 WHERE move_type IN ('out_refund', 'out_invoice')
                   AND company_id = %(company)s AND write_date >= %(since)s AND partner_id IS NOT NULL
                UNION ALL
                SELECT partner_id FROM crm_lead WHERE write_date >= %(since)s AND partner_id IS NOT NULL
                UNION ALL
                SELECT COALESCE(l.partner_id, CASE WHEN a.res_model = 'res.partner' THEN a.res_id END)
                  FROM mail_activity a LEFT JOIN crm_lead l ON a.res_model = 'crm.lead' AND l.id = a.res_id
                 WHERE a.write_date >= %(since)s AND a.res_model IN ('res.partner', 'crm.lead')
                UNION ALL
                SELECT COALESCE(l.partner_id, CASE WHEN m.model = 'res.partner' THEN m.res_id END)
                  FROM mail_message m LEFT JOIN crm_lead l ON m.model = 'crm.lead' AND l.id = m.res_id
                 WHERE m.mail_activity_type_id IS NOT NULL AND m.create_date >= %(since)s
                   AND m.model IN ('res.partner', 'crm.lead')
                UNION ALL
                SELECT partner_id FROM ecom_scoring_outcome WHERE create_date >= %(since)s
                UNION ALL
                SELECT partner_id FROM ecom_call WHERE write_date >= %(since)s AND partner_id IS NOT NULL
                UNION ALL  -- archived or restored, marked a shared account or unmarked, merged into
                SELECT id FROM res_partner WHERE ecom_scoring_changed_at >= %(since)s
            ) changed JOIN res_partner p ON p.id = changed.partner_id
        """, company=company.id, since=since))
        return [row[0] for row in self.env.cr.fetchall()]

    def _cap_with_todays_list(self, company, result, history, partner_ids):
        """An incremental run adds to the morning's list only what each salesperson's daily cap
        still allows (the shared list of the customers without one: what the salespeople who take
        them have left today, see :func:`..scoring.schedule.shared_per_day`); the others are moved
        to tomorrow, as the full run does. A rescored customer whose contact was handed over is
        counted in the list of who took it (``History.list_of``), as the night ranks them."""
        now = np.flatnonzero(result.schedule.decision == NOW)
        if not len(now):
            return
        from ..scoring.schedule import shared_per_day

        # the day's lists as the night's sync counts them: a contact handed over on purpose in its
        # taker's (room in the list of the customer's salesperson, less for the shared customers)
        taken = Counter()
        for list_, _caller, count in self.env["ecom.customer.score"]._ecom_day_loads(
                company, self.day, partner_ids.tolist()):
            taken[list_] += count
        cap = company.ecom_scoring_daily_cap
        takers = company._ecom_scoring_shared_takers()

        def cap_of(manager):  # the shared list: what the salespeople taking it have left today
            if manager >= 0 or not takers:
                return cap
            return int(shared_per_day([taken.get(user, 0) for user in takers], cap, 1)[0])

        lists = history.list_of()
        for i in now[np.argsort(-result.schedule.priority[now], kind="stable")]:
            manager = int(lists[i]) if lists is not None else -1
            manager = manager if manager > 0 else -1
            if taken.get(manager, 0) >= cap_of(manager):
                result.schedule.decision[i] = LATER
                result.schedule.reason[i] = tuple(texts.SCHEDULE_REASONS).index("over_cap")
                result.schedule.date[i] = self.day.toordinal() + 1
            else:
                taken[manager] = taken.get(manager, 0) + 1

    # -- what is written -------------------------------------------------------------------------
    def _rows(self, result, partner_ids, rows, history, stored=None, day=None):
        """The score rows of customers ``rows`` (indexes into the result) as _ecom_upsert takes them:
        ``{column: list of values}``, each column converted for the whole chunk at once (numpy to
        Python; dates and the schedule's sentences through a cache of the few distinct values),
        with each row's fingerprint (``row_hash``, :mod:`..tools.rowhash`). ``stored``: the
        fingerprints the table holds (:meth:`_stored_hashes`): the rows that kept theirs are
        left out before they are turned into Python values. ``day``: the run's day (default
        ``self.day``), given when called from a thread that must not touch the cursor."""
        from ..scoring.criteria import describe
        from ..scoring.schedule import REASON_CODES

        sched = result.schedule
        rows = rows[result.score[rows] >= 0]
        if not len(rows):
            return {}
        reason_pos = np.searchsorted(result.reason_rows, rows)
        if len(result.reason_rows):
            has_reasons = result.reason_rows[np.minimum(reason_pos, len(result.reason_rows) - 1)] == rows
        else:
            has_reasons = np.zeros(len(rows), dtype=bool)
        manager = history.manager[rows] if history.manager is not None else np.full(len(rows), -1)
        manager = np.where(manager > 0, manager, -1).astype(np.int64)
        probability = np.round(result.probability[rows].astype(np.float64), 4)
        expected = np.round(result.expected_value[rows].astype(np.float64), 2)
        expected[~np.isfinite(expected)] = np.nan
        stake = np.round(result.stake[rows].astype(np.float64), 2)
        stake[~np.isfinite(stake)] = np.nan
        decisions = sched.decision[rows]
        days = np.where((decisions > 0) & (sched.date[rows] > 0), sched.date[rows], 0)
        reason_codes = sched.reason[rows]
        priority = np.round(np.nan_to_num(sched.priority[rows].astype(np.float64)), 2)
        last_orders = result.criteria.extra["last_order"][rows]
        order_count = np.nan_to_num(result.criteria.column("frequency")[rows]).astype(np.int64)
        codes = [REASON_CODES[code] or None if code >= 0 else None for code in range(-1, len(REASON_CODES))]
        run_day = day or self.day

        reasons = [None] * len(rows)
        for k in np.flatnonzero(has_reasons).tolist():
            i = int(rows[k])
            texts_ = [[name, describe(result.criteria, i, name)[1]] for name in result.reason_names[reason_pos[k]]
                      if name]
            reasons[k] = json.dumps(texts_) if texts_ else None
        params, seen = [None] * len(rows), {}
        # the usual gap the "due later" sentence names, NaN as 0 (np.nan_to_num of one value costs 20 µs)
        gaps = np.nan_to_num(result.criteria.column("usual_gap")[rows]).tolist()
        # the customers no planned list takes (most of the groups', in a big store): one sentence
        # without placeholders, the same text for all
        beyond, beyond_params = REASON_CODES.index("beyond_plan"), json.dumps({"date": ""})
        for k in np.flatnonzero(reason_codes == beyond).tolist():
            params[k] = beyond_params
        for k in np.flatnonzero((reason_codes >= 0) & (reason_codes != beyond)).tolist():
            code = codes[int(reason_codes[k]) + 1]
            if not code:
                continue
            key = self._decision_params(result, int(rows[k]), code, run_day, gaps[k])
            text = seen.get(key)
            if text is None:
                text = seen[key] = json.dumps(dict(key))
            params[k] = text
        hashes = row_hashes([
            manager, probability, result.score[rows], result.r[rows], result.f[rows], result.m[rows],
            result.segment[rows], result.group[rows], expected, stake, decisions, days, reason_codes, params,
            priority, reasons, last_orders, order_count,
        ], salt=self._hash_salt(codes))
        if stored is not None:  # only the rows whose fingerprint is not the stored one
            stored_ids, stored_hashes = stored
            pids = partner_ids[rows]
            same = np.zeros(len(rows), dtype=bool)
            if len(stored_ids):
                pos = np.minimum(np.searchsorted(stored_ids, pids), len(stored_ids) - 1)
                same = (stored_ids[pos] == pids) & (stored_hashes[pos] == hashes) & (stored_hashes[pos] != 0)
            keep = np.flatnonzero(~same)
            if not len(keep):
                return {}
            if len(keep) < len(rows):
                rows, hashes, manager, probability, expected, stake, decisions, days, reason_codes, priority, \
                    last_orders, order_count = (
                        column[keep] for column in (rows, hashes, manager, probability, expected, stake, decisions,
                                                    days, reason_codes, priority, last_orders, order_count))
                keep = keep.tolist()
                reasons = [reasons[k] for k in keep]
                params = [params[k] for k in keep]
        dates = {int(day): date.fromordinal(int(day)) for day in np.unique(np.r_[days, last_orders]) if day > 0}
        dates[0] = None

        def labels(values, names):
            table = [None, *names]  # -1: none
            return [table[v + 1] for v in values.tolist()]

        def amounts(values):
            return [v if v == v else None for v in values.tolist()]

        return {
            "partner_id": partner_ids[rows].tolist(),
            "user_id": [m if m > 0 else None for m in manager.tolist()],
            "probability": probability.tolist(),
            "score": result.score[rows].tolist(),
            "recency": result.r[rows].tolist(), "frequency": result.f[rows].tolist(),
            "monetary": result.m[rows].tolist(),
            "segment": labels(result.segment[rows], texts.SEGMENTS),
            "group": [GROUP_CODES.get(g) for g in result.group[rows].tolist()],
            "expected_value": amounts(expected),
            "stake": amounts(stake),
            "decision": [DECISION_CODES.get(d) for d in decisions.tolist()],
            "decision_date": [dates[d] for d in days.tolist()],
            "decision_code": [codes[c + 1] for c in reason_codes.tolist()],
            "decision_params": params,
            "priority": priority.tolist(),
            "reasons_data": reasons,
            "last_order": [dates[d] if d > 0 else None for d in last_orders.tolist()],
            "order_count": order_count.tolist(),
            "scored_on": [run_day] * len(rows),
            "row_hash": hashes.tolist(),
        }

    @staticmethod
    def _hash_salt(codes):
        """What turns the codes :meth:`_rows` fingerprints into the values it stores (labels,
        reason codes): a change of them must change every fingerprint."""
        return rowhash_salt(tuple(codes), tuple(texts.SEGMENTS), tuple(sorted(GROUP_CODES.items())),
                            tuple(sorted(DECISION_CODES.items())))

    def _stored_hashes(self, company):
        """``(partner ids, fingerprints)`` of the company's score rows, sorted by partner id; 0 for
        a row without a fingerprint (written by another version, or changed by hand), which
        :meth:`_rows` never takes for a match: it is written again."""
        self.env["ecom.customer.score"].flush_model()
        got = copy_columns(self.env.cr, SQL("""
            SELECT partner_id, COALESCE(row_hash, 0) FROM ecom_customer_score WHERE company_id = %s
        """, company.id), [("partner_id", "int4"), ("row_hash", "int8")])
        order = np.argsort(got["partner_id"], kind="stable")
        return got["partner_id"][order].astype(np.int64), got["row_hash"][order].astype(np.int64)

    def _drop_unscored(self, result, partner_ids, rows):
        """Customers of ``rows`` left without a score (their orders all cancelled) lose their row."""
        unscored = partner_ids[rows[result.score[rows] < 0]].tolist()
        if unscored:
            self.env.cr.execute(SQL("DELETE FROM ecom_customer_score WHERE company_id = %s AND partner_id = ANY(%s)",
                                    self.company_id.id, unscored))

    def _decision_params(self, result, i, code, day, usual_gap):
        """The placeholders of the schedule's reason ``code`` for customer ``i`` on the run's
        ``day`` (``usual_gap``: the customer's usual gap in days, 0 when unknown), as sorted
        ``(name, value)`` pairs (hashable: the few distinct ones are turned into JSON once)."""
        extra = result.criteria.extra
        today = day.toordinal()  # the day the list is for (the engine counts up to its end)
        day = int(result.schedule.date[i])
        params = {"date": date.fromordinal(day).isoformat() if day > 0 else ""}
        last = {"contacted_recently": "last_contact", "ordered_recently": "last_order",
                "open_refusal": "last_refusal"}.get(code)
        if last and int(extra[last][i]) >= 0:
            params["days"] = today - int(extra[last][i])
        if code == "due_later":
            params["gap"] = round(usual_gap)
        return tuple(sorted(params.items()))

    def _write_suggestions(self, result, partner_ids, rows):
        """Replace the suggestions of the customers ``rows`` (consecutive in ``partner_ids``, which is
        sorted) by the run's (set-based)."""
        company = self.company_id
        chunk_partners = partner_ids[rows].tolist()
        if not chunk_partners:
            return
        self.env["ecom.customer.suggestion"].flush_model()
        # the chunk's partner ids are a range (chunks go in partner id order): deleting that range's
        # suggestions is cheap (an array of 20,000 ids cost 50 ms per chunk to parse), and a partner
        # of the range outside the chunk is no customer any more: the run deletes their score too
        self.env.cr.execute(SQL("""
            DELETE FROM ecom_customer_suggestion WHERE company_id = %s AND partner_id BETWEEN %s AND %s
        """, company.id, min(chunk_partners), max(chunk_partners)))
        sugg = result.suggestions
        if sugg is None or not len(sugg.customer):
            return
        keep = np.isin(sugg.customer, rows)
        if not keep.any():
            return
        by_category = result.crosssell_model is not None and result.crosssell_model.level == "category"
        idx = np.flatnonzero(keep)
        sequence = np.zeros(len(idx), dtype=np.int64)
        for pos in range(1, len(idx)):
            sequence[pos] = sequence[pos - 1] + 1 if sugg.customer[idx[pos]] == sugg.customer[idx[pos - 1]] else 0
        items = sugg.item[idx].tolist()
        sources = [int(s) if s >= 0 else None for s in sugg.source[idx].tolist()]
        params = [json.dumps({k: v for k, v in sugg.describe(j)[1].items() if k not in ("item", "source")})
                  for j in idx.tolist()]
        self.env.cr.execute(SQL("""
            INSERT INTO ecom_customer_suggestion (score_id, partner_id, company_id, sequence, kind, probability,
                                                  params, product_id, categ_id, source_product_id, source_categ_id,
                                                  create_uid, create_date, write_uid, write_date)
            SELECT s.id, s.partner_id, s.company_id, v.sequence, v.kind, v.probability, v.params::jsonb,
                   CASE WHEN %(by_category)s THEN NULL ELSE v.item END, CASE WHEN %(by_category)s THEN v.item END,
                   CASE WHEN %(by_category)s THEN NULL ELSE v.source END, CASE WHEN %(by_category)s THEN v.source END,
                   %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
              FROM unnest(%(partners)s::int[], %(sequence)s::int[], %(kind)s::varchar[], %(probability)s::float8[],
                          %(params)s::text[], %(items)s::int[], %(sources)s::int[])
                   AS v(partner_id, sequence, kind, probability, params, item, source)
              JOIN ecom_customer_score s ON s.partner_id = v.partner_id AND s.company_id = %(company)s
              -- items deleted since the history was read are skipped, not an error
             WHERE (%(by_category)s AND EXISTS (SELECT 1 FROM product_category c WHERE c.id = v.item))
                OR (NOT %(by_category)s AND EXISTS (SELECT 1 FROM product_product p WHERE p.id = v.item))
        """, by_category=by_category, uid=self.env.uid, company=company.id,
            partners=partner_ids[sugg.customer[idx]].tolist(), sequence=sequence.tolist(),
            kind=[texts.KINDS[k] for k in sugg.kind[idx].tolist()],
            probability=[round(float(p), 4) for p in sugg.probability[idx].tolist()],
            params=params, items=items, sources=sources))
        self.env["ecom.customer.suggestion"].invalidate_model()

    def _finish(self, result, customers, started, longest, auto_commit, steps=None, learned=None):
        decision, group = result.schedule.decision, result.group
        values = {
            "state": "done", "error": False, "duration": round(time.perf_counter() - started, 3),
            "partner_count": customers,
            "longest_chunk": round(longest, 3),
            "growth_count": int((group == GROWTH).sum()), "risk_count": int((group == RISK).sum()),
            "watch_count": int((group == WATCH).sum()), "now_count": int((decision == NOW).sum()),
            "later_count": int((decision == LATER).sum()), "dnd_count": int((decision == DND).sum()),
        }
        if self.mode == "full":
            om = result.order_model
            values["model_info"] = {"features": list(om.features), "kind": getattr(om, "kind", ""),
                                    "steps_seconds": steps or {}} if om else {"steps_seconds": steps or {}}
            if learned and om:  # none learned or used (BG/NBD scored): no day to show
                values["learned_on"] = date.fromordinal(learned["learned_on"] - 1)  # as of the day after
                values["model_info"]["learned_on"] = values["learned_on"].isoformat()
            if learned and learned.get("next_order_model") is not None:
                values["model_info"]["next_learned_on"] = date.fromordinal(learned["next_learned_on"] - 1).isoformat()
            if learned and learned.get("crosssell_model") is not None:
                values["model_info"]["crosssell_learned_on"] = date.fromordinal(
                    learned["crosssell_learned_on"] - 1).isoformat()
            self._save_state(dataclasses.replace(result.state(), **(learned or {})))
        self.write(values)
        if auto_commit:
            self.env.cr.commit()

    def _failed(self, exc, auto_commit):
        _logger.exception("customer scoring failed for %s", self.company_id.name)
        if auto_commit:
            self.env.cr.rollback()
        self.write({"state": "failed", "error": traceback.format_exc(limit=-8)})
        if auto_commit:
            self.env.cr.commit()
        return self

    def _learn_key(self, settings):
        """What the models were learned with: the settings that shape them (not the daily list's or
        the groups', applied to the scores every night), the addon's version and those of the
        libraries whose objects the state pickles (scikit-learn reads its models in its own version)."""
        import numpy
        import scipy
        import sklearn

        module = self.env.ref("base.module_ecom_crm_scoring", raise_if_not_found=False)
        shape = dataclasses.replace(settings, rules=None, contact=None)
        return (f"{module.sudo().latest_version if module else ''} sklearn {sklearn.__version__} "
                f"numpy {numpy.__version__} scipy {scipy.__version__} {shape!r}")

    def _models_to_keep(self, company, as_of, key, customers, learn=False):
        """``(orders, offers, due)``: the state of the last full run whose order model, and the one
        whose cross-sell model, this run scores with (None: learn it and use it tonight), and
        whether tonight learns the order model for the nights after it.

        Learning takes the most of a night and a model learned a day later moves nearly every
        score by a little without anything having happened to the customer: the models are learned
        every ``ecom_scoring_relearn_days`` days (criteria, scores and schedule every night). Each
        learning is its own night's work, apart from the night that rewrites nearly every score
        with a new order model: the order model falls due (by its age, or when the store has a
        fifth more customers with orders than it learned from) on a night that learns it and
        still scores with the one in use; the next night scores with it (the night most scores
        change); the night after learns the cross-sell model. Both are learned and used at once on
        the first run, when asked, or when the horizon, the addon's or its libraries' version
        changed, the last run had no order model or the last full run failed (with the kept
        models it would fail again every hour), or every night when so set (1 day)."""
        days = company.ecom_scoring_relearn_days
        if learn or days <= 1:
            return None, None, False
        last = self.search([("company_id", "=", company.id), ("mode", "=", "full"), ("state", "!=", "running"),
                            ("id", "!=", self.id)], order="id desc", limit=1)
        if last.state != "done":
            return None, None, False
        state = last._load_state()
        if (state is None or state.order_model is None or state.learn_key != key or not state.learned_on
                or as_of < state.learned_on):  # a day before the model's data: nothing of it to keep
            return None, None, False
        waiting = state.next_order_model is not None and state.next_learned_on <= as_of
        due = not waiting and not (as_of - state.learned_on < days
                                   and customers <= (state.learned_customers or 0) * (1 + MORE_CUSTOMERS))
        # kept up to twice its time on the nights the order model is learned and first used
        age = as_of - (state.crosssell_learned_on or state.learned_on)
        offers = state if (state.crosssell_model is not None
                           and 0 <= age < (2 * days if due or waiting else days)) else None
        return state, offers, due

    def _ecom_last_state(self, company):
        """``(run, state)``: the last done full run of ``company`` whose state can be read (the model
        today's scores come from), or ``(run, None)``."""
        runs = self.sudo().search([("company_id", "=", company.id), ("mode", "=", "full"), ("state", "=", "done")],
                                  order="day desc, id desc", limit=3)
        for run in runs:
            state = run._load_state()
            if state is not None:
                return run, state
        return runs[:1], None

    @api.autovacuum
    def _gc_engine_states(self):
        """Forget the states of full runs older than two weeks (600 KB a day at a million customers),
        except each company's last two: they hold the models kept between learnings (a week by
        default) and what the card's «Why this score?» explains with."""
        keep = set()
        for company in self.sudo().search([("mode", "=", "full")]).company_id:
            keep.update(self.sudo().search([("company_id", "=", company.id), ("mode", "=", "full"),
                                            ("state", "=", "done")], order="day desc, id desc", limit=2).ids)
        old = self.sudo().search([("mode", "=", "full"), ("state", "!=", "running"), ("id", "not in", list(keep)),
                                  ("day", "<", fields.Date.context_today(self) - timedelta(days=14))])
        self.env["ir.attachment"].sudo().search([("res_model", "=", self._name), ("res_field", "=", "engine_state"),
                                                 ("res_id", "in", old.ids)]).unlink()

    def _save_state(self, state):
        self.sudo().engine_state = base64.b64encode(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))

    def _load_state(self):
        """The engine.State of this full run, or None (no run, or written by another version)."""
        data = self.sudo().engine_state if self else None
        if not data:
            return None
        try:
            state = pickle.loads(base64.b64decode(data))  # written by _save_state only
        except Exception:  # an older version's classes: a full run instead
            _logger.info("scoring state of run %s cannot be read: full run instead", self.id)
            return None
        from ..scoring import engine

        return state if isinstance(state, engine.State) else None
