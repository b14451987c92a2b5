"""Jobs and sessions working on the same customers and reports at the same moment. The other
sessions are real database connections (each on a thread or a cursor of its own, in Odoo's
REPEATABLE READ): what they need is committed, and removed after the test."""

import contextlib
import threading
import time
from contextlib import closing

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api
from odoo.addons.base.models.ir_cron import CompletionStatus
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import tagged
from odoo.tools import SQL

from ..models import res_partner as res_partner_module
from ..tools.intake import validate_call, validate_request
from .common import EcomCrmCase


class ConcurrencyCase(EcomCrmCase):
    """Helpers: committed data, work on a thread of its own, waiting for a lock. What a test commits
    besides its own records is put back after it (see :meth:`left_as_found`)."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self.committed, self.left_as_found(self.committed(self.leftovers)))

    @staticmethod
    def leftovers(env):
        """What committed requests change beside themselves, that deleting them does not undo: crm's
        predictive scoring counts each request lost or won in its frequencies (a row per team and
        value, made or counted up, never counted down by the deletion); a request's creation wakes
        crm's enrichment job (a trigger), a job run on a thread notes its progress."""
        env.cr.execute("SELECT id, won_count, lost_count FROM crm_lead_scoring_frequency ORDER BY id")
        frequencies = env.cr.fetchall()
        env.cr.execute("SELECT (SELECT COALESCE(max(id), 0) FROM ir_cron_trigger), "
                       "(SELECT COALESCE(max(id), 0) FROM ir_cron_progress)")
        return frequencies, *env.cr.fetchone()

    @staticmethod
    def left_as_found(found):
        """The work putting back what :meth:`leftovers` found: the frequencies made since removed, the
        others counted as they were, the jobs' triggers and progress added since removed (nobody's but
        the test's: a test database runs no job meanwhile)."""
        frequencies, last_trigger, last_progress = found

        def put_back(env):
            ids = [row[0] for row in frequencies]
            env.cr.execute("DELETE FROM crm_lead_scoring_frequency WHERE id != ALL(%s::int[])", [ids])
            env.cr.execute("""
                UPDATE crm_lead_scoring_frequency f SET won_count = v.won, lost_count = v.lost
                  FROM unnest(%s::int[], %s::numeric[], %s::numeric[]) AS v(id, won, lost)
                 WHERE f.id = v.id AND (f.won_count, f.lost_count) IS DISTINCT FROM (v.won, v.lost)
            """, [ids, [row[1] for row in frequencies], [row[2] for row in frequencies]])
            env.cr.execute("DELETE FROM ir_cron_trigger WHERE id > %s", [last_trigger])
            env.cr.execute("DELETE FROM ir_cron_progress WHERE id > %s", [last_progress])
        return put_back

    def committed(self, work):
        """``work(env)`` in a transaction of its own, committed; its result (ids, values: the
        records' cursor is closed after). What ``work`` wrote and left to the ORM's next flush is
        flushed before the commit: the commit flushes through an environment of the transaction
        still alive, and nothing need hold the work's once it returned."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            result = work(env)
            env.flush_all()
            return result

    def in_thread(self, work):
        """Start ``work(env)`` on a thread with a connection of its own (committed when it returns);
        ``(thread, outcome)``: the outcome gets its ``result`` or its ``error``, and the ``pid`` of
        its connection (see :meth:`join`)."""
        outcome = {}

        def run():
            try:
                with self.registry.cursor() as cr:
                    outcome["pid"] = cr._cnx.get_backend_pid()  # no query: the snapshot is the work's
                    outcome["result"] = work(api.Environment(cr, SUPERUSER_ID, {}))
            except Exception as error:  # reported by the test
                outcome["error"] = error

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread, outcome

    def beside_uncommitted(self, hold, job):
        """``hold(env)`` on a connection of its own, left uncommitted while ``job(env)`` runs on a
        thread (see :meth:`in_thread`) until it waits for what ``hold`` locked (or ends); then
        ``hold``'s transaction is committed and the job joined: its outcome."""
        other = self.registry.cursor()
        thread = None
        try:
            hold(api.Environment(other, SUPERUSER_ID, {}))
            pid = self.backend_pid(other)
            thread, outcome = self.in_thread(job)
            self.wait_for_lock_or_end(pid, thread)
            other.commit()
        finally:
            other.close()
            if thread:
                self.join(thread, outcome)
        return outcome

    def wait_for_lock_or_end(self, pid, thread, timeout=15):
        """Wait until a session waits for a lock the session ``pid`` holds, or ``thread`` has ended;
        whether it waited. Skips the test (a busy machine) when neither happens in time."""
        deadline = time.monotonic() + timeout
        with closing(self.registry.cursor()) as cr:
            while time.monotonic() < deadline:
                cr.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [pid])
                blocked = cr.fetchone()[0]
                cr.rollback()  # the activity is read once per transaction
                if blocked:
                    return True
                if not thread.is_alive():
                    return False
                time.sleep(0.05)
        self.skipTest("the other session did not get to the lock in time")

    def join(self, thread, outcome, timeout=60):
        """Wait for the work of :meth:`in_thread` to end. One still running after ``timeout`` seconds
        (waiting for a lock nobody will release: this test's own transaction's, which ends after
        the test) has its statement cancelled, so that it ends, releases its rows and the cleanup
        can remove them, and the test fails rather than hang."""
        thread.join(timeout)
        if not thread.is_alive():
            return
        while thread.is_alive() and outcome.get("pid"):
            with closing(self.registry.cursor()) as cr:
                cr.execute("SELECT pg_cancel_backend(%s)", [outcome["pid"]])
            thread.join(1)
        self.fail(f"the other session did not end in {timeout} s: cancelled")

    @staticmethod
    def backend_pid(cr):
        cr.execute("SELECT pg_backend_pid()")
        return cr.fetchone()[0]


@tagged("post_install", "-at_install", "ecom_crm")
class TestConcurrencyHelpers(ConcurrencyCase):
    def test_a_request_lost_and_deleted_leaves_the_scoring_as_found(self):
        """A request lost (committed) counts in crm's scoring frequencies and deleting it counts nothing
        back: each run of the win-back test left rows there, or counted them up (they change what the
        predictive scoring says, and what a query pin reads). The test's leftovers are put back."""
        found = self.committed(self.leftovers)

        def lost_and_deleted(env):
            partner = env["res.partner"].create({"name": "Проигранный Временный"})
            lead = env["crm.lead"].create({"name": "Заявка на удаление", "partner_id": partner.id})
            lead.action_set_lost(lost_reason_id=env.ref("ecom_crm.lost_reason_no_answer").id)
            lead.unlink()
            partner.unlink()

        self.committed(lost_and_deleted)
        self.assertNotEqual(self.committed(self.leftovers), found, "the scoring counted it, the deletion did not undo")
        self.committed(self.left_as_found(found))
        self.assertEqual(self.committed(self.leftovers), found)

    def test_committed_keeps_the_writes_its_work_left_pending(self):
        """The ORM writes at its next flush: what ``work`` wrote and did not flush is committed with
        it, even when nothing holds the work's environment any more."""
        partner_id = self.committed(lambda env: env["res.partner"].create({"name": "Ожидающая Запись"}).id)
        self.addCleanup(self.committed, lambda env: env["res.partner"].browse(partner_id).unlink())
        self.committed(lambda env: env["res.partner"].browse(partner_id).write({"city": "Тверь"}))
        self.assertEqual(self.committed(lambda env: env["res.partner"].browse(partner_id).city), "Тверь")


@tagged("post_install", "-at_install", "ecom_crm")
class TestCardRefreshConcurrency(ConcurrencyCase):
    """The daily refresh of the customer cards while customers are written."""

    def test_the_daily_refresh_outlasts_a_customer_written_meanwhile(self):
        """A salesperson saves a customer while the daily job refreshes the cards: the job waits for
        the row, then its snapshot is older than the salesperson's change ("could not serialize
        access"). The job, which Odoo does not retry, still refreshes every card."""
        company_id = self.env.company.id

        def stale_card(env):
            partner = env["res.partner"].create({"name": "Карточкин Пётр"})
            env.cr.execute("UPDATE res_partner SET ecom_customer_status = %s, ecom_order_count = %s WHERE id = %s",
                           [Json({str(company_id): "vip"}), Json({str(company_id): 3}), partner.id])
            return partner.id

        partner_id = self.committed(stale_card)
        self.addCleanup(self.committed, lambda env: env["res.partner"].browse(partner_id).unlink())
        self.addCleanup(self.committed, lambda env: env["ir.config_parameter"].set_param(
            "ecom_crm.card_refresh_resume", False))
        outcome = self.beside_uncommitted(
            lambda env: env.cr.execute("UPDATE res_partner SET comment = 'Перезвонить вечером' WHERE id = %s",
                                       [partner_id]),
            # committed batches, as when the scheduler runs it
            lambda env: env["res.partner"]._cron_ecom_refresh_customer_cards(auto_commit=True))
        self.assertNotIn("error", outcome)
        card = self.committed(lambda env: env["res.partner"].with_company(company_id).browse(partner_id).read(
            ["ecom_customer_status", "ecom_order_count", "comment"])[0])
        self.assertEqual((card["ecom_customer_status"], card["ecom_order_count"]), ("new", 0),
                         "the card is refreshed all the same")
        self.assertIn("Перезвонить", card["comment"], "the salesperson's change is kept")


@tagged("post_install", "-at_install", "ecom_crm")
class TestCardRefreshJob(ConcurrencyCase):
    """The daily refresh of the cards as Odoo 18's scheduler runs it: committed batches only there,
    the progress it notifies what a run of the job again goes on from."""

    def setUp(self):
        super().setUp()
        company_id = self.env.company.id

        def stale_cards(env):
            partners = env["res.partner"].create([{"name": "Первый Пётр"}, {"name": "Второй Павел"},
                                                  {"name": "Третий Тимофей"}])
            env.cr.execute("UPDATE res_partner SET ecom_customer_status = %s, ecom_order_count = %s WHERE id = ANY(%s)",
                           [Json({str(company_id): "vip"}), Json({str(company_id): 3}), partners.ids])
            return partners.ids

        self.ids = self.committed(stale_cards)
        self.addCleanup(self.committed, lambda env: env["res.partner"].browse(self.ids).unlink())
        self.addCleanup(self.committed, lambda env: env["ir.config_parameter"].set_param(
            "ecom_crm.card_refresh_resume", False))
        Partner = type(self.env["res.partner"])
        # the job's customers are these three (whatever else the database holds), a batch each
        self.patch(Partner, "_ecom_card_holders", lambda model: list(self.ids))
        self.patch(res_partner_module, "CARD_BATCH", 1)
        self.refreshed, self.failures = [], []
        refresh = Partner._ecom_refresh_customer_card

        def refresh_or_fail(model, partner_ids=None):
            if partner_ids is not None and self.ids[-1] in partner_ids and self.failures:
                self.failures.pop()
                raise RuntimeError("a customer the refresh cannot count")
            self.refreshed.append(list(partner_ids or ()))
            return refresh(model, partner_ids)

        self.patch(Partner, "_ecom_refresh_customer_card", refresh_or_fail)

    def statuses(self):
        company_id = self.env.company.id
        return self.committed(lambda env: [
            partner.ecom_customer_status
            for partner in env["res.partner"].with_company(company_id).browse(self.ids)])

    def run_job(self, logs=True):
        """The job run as Odoo 18's scheduler runs it (:meth:`ir.cron._run_job`: its action called,
        each call given a progress record, until done, failed or ten calls), on a thread of its own;
        ``(status, [(done, remaining)] of each call)``. ``logs``: the scheduler's logs are expected
        (and kept from the output)."""
        def job_of(env):
            cron = env.ref("ecom_crm.ir_cron_customer_cards")
            job = {"id": cron.id, "user_id": cron.user_id.id, "lastcall": cron.lastcall, "cron_name": cron.cron_name,
                   "ir_actions_server_id": cron.ir_actions_server_id.id, "timed_out_counter": 0, "active": True}
            env.cr.execute("SELECT coalesce(max(id), 0) FROM ir_cron_progress")
            return job, env.cr.fetchone()[0]

        job, before = self.committed(job_of)

        def progress(env, delete=False):
            env.cr.execute("SELECT done, remaining FROM ir_cron_progress WHERE cron_id = %s AND id > %s ORDER BY id",
                           [job["id"], before])
            rows = env.cr.fetchall()
            if delete:
                env.cr.execute("DELETE FROM ir_cron_progress WHERE cron_id = %s AND id > %s", [job["id"], before])
            return rows

        self.addCleanup(self.committed, lambda env: progress(env, delete=True))
        with self.assertLogs("odoo.addons.base.models.ir_cron", "INFO") if logs else contextlib.nullcontext():
            thread, outcome = self.in_thread(lambda env: self.registry["ir.cron"]._run_job(dict(job)))
            self.join(thread, outcome, 120)
        self.assertNotIn("error", outcome)
        return outcome["result"], self.committed(progress)

    def test_the_job_commits_nothing_outside_the_scheduler(self):
        """Called in an installation, an upgrade or a caller's transaction (no run of the scheduler),
        the refresh commits nothing: what the caller rolls back is not refreshed."""
        def refresh_then_roll_back(env):
            env["res.partner"]._cron_ecom_refresh_customer_cards()
            env.cr.rollback()

        thread, outcome = self.in_thread(refresh_then_roll_back)
        self.join(thread, outcome)
        self.assertNotIn("error", outcome)
        self.assertEqual(self.statuses(), ["vip"] * 3, "nothing was committed")

    def test_a_run_stopped_midway_goes_on_from_where_it_stopped(self):
        """The last batch fails once: Odoo runs the job again at once (progress was notified), and
        that run refreshes the last customer, not the others again."""
        self.failures.append(True)
        status, calls = self.run_job()
        self.assertEqual(status, CompletionStatus.FULLY_DONE)
        self.assertEqual(self.refreshed, [[partner_id] for partner_id in self.ids], "each customer once")
        self.assertEqual(calls, [(2, 1), (1, 0)])
        self.assertEqual(self.statuses(), ["new"] * 3)
        self.assertFalse(self.committed(lambda env: env.cr.execute(
            "SELECT value FROM ir_config_parameter WHERE key = 'ecom_crm.card_refresh_resume'") or env.cr.fetchall()),
            "the next run begins from the first customer")

    def hold_at_second_customer(self):
        """The next refresh of the second customer waits (after the first's batch is committed) until
        the returned event is set; ``reached`` is set when it waits."""
        reached, go = threading.Event(), threading.Event()
        self.addCleanup(go.set)
        Partner = type(self.env["res.partner"])
        refresh = Partner._ecom_refresh_customer_card  # the setUp's, recording what it refreshes

        def refresh_or_hold(model, partner_ids=None):
            if partner_ids is not None and self.ids[1] in partner_ids and not reached.is_set():
                reached.set()
                go.wait(30)
            return refresh(model, partner_ids)

        self.patch(Partner, "_ecom_refresh_customer_card", refresh_or_hold)
        return reached, go

    def run_manually(self, env):
        """«Run manually» of the job, as its form's button does (Odoo 18's method_direct_trigger)."""
        return env.ref("ecom_crm.ir_cron_customer_cards").method_direct_trigger()

    def test_the_scheduler_leaves_the_cards_to_a_run_started_by_hand(self):
        """«Run manually»: Odoo's lock of the job ends at the run's first commit, and the scheduler could
        start the job beside it. The scheduled run finds the cards' refresh under way and leaves it
        (done for Odoo, a log line); the run by hand refreshes each customer once."""
        reached, go = self.hold_at_second_customer()
        manual, manual_outcome = self.in_thread(self.run_manually)
        self.assertTrue(reached.wait(30), "the run by hand got to its second batch")
        logged = []
        self.patch(res_partner_module._logger, "info", lambda message, *args: logged.append(message % args))
        status, calls = self.run_job(logs=False)
        self.assertEqual((status, calls), (CompletionStatus.FULLY_DONE, [(0, 0)]))
        self.assertIn("customer cards: another run of the refresh is under way, this one leaves the cards to it",
                      logged)
        self.assertEqual(self.refreshed, [[self.ids[0]]], "the scheduled run refreshed nothing")
        go.set()
        self.join(manual, manual_outcome)
        self.assertEqual(manual_outcome, {"pid": manual_outcome["pid"], "result": True})
        self.assertEqual(self.refreshed, [[partner_id] for partner_id in self.ids], "each customer once")
        self.assertEqual(self.statuses(), ["new"] * 3)

    def test_run_by_hand_while_the_cards_are_being_refreshed(self):
        """The other way round: «Run manually» while a run has the cards (from its first commit on)
        tells the user, and refreshes nothing beside it."""
        reached, go = self.hold_at_second_customer()
        manual, manual_outcome = self.in_thread(self.run_manually)
        self.assertTrue(reached.wait(30))
        second, second_outcome = self.in_thread(
            lambda env: self.run_manually(env(context=dict(env.context, lang="ru_RU"))))
        self.join(second, second_outcome)
        self.assertIsInstance(second_outcome.get("error"), UserError)
        self.assertIn("Карточки клиентов сейчас пересчитываются", str(second_outcome["error"]))
        go.set()
        self.join(manual, manual_outcome)
        self.assertNotIn("error", manual_outcome)
        self.assertEqual(self.refreshed, [[partner_id] for partner_id in self.ids], "each customer once")
        # the lock is released at the end: the next run refreshes again
        self.assertEqual(self.committed(self.run_manually), True)
        self.assertEqual(len(self.refreshed), 6)

    def card_lock_holders(self):
        """How many sessions hold the cards' lock (a session lock survives its cursor: a pooled
        connection keeps it)."""
        key = res_partner_module.CARD_LOCK
        return self.committed(lambda env: env.execute_query(SQL(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = %s "
            "AND objid::bigint = %s AND objsubid = 1", key >> 32, key & 0xFFFFFFFF))[0][0])

    def test_the_end_of_a_run_is_committed_before_its_lock_is_released(self):
        """Released first, the lock let another run begin while this one's last transaction (the
        forgotten resume point) was not committed: it went on after the last customer instead of
        refreshing the cards."""
        at_unlock = []

        def run(env):
            execute = env.cr.execute

            def watched(query, params=None, log_exceptions=True):
                if "pg_advisory_unlock" in str(query):
                    at_unlock.append(self.committed(lambda other: other.execute_query(SQL(
                        "SELECT value FROM ir_config_parameter WHERE key = 'ecom_crm.card_refresh_resume'"))))
                return execute(query, params, log_exceptions)

            env.cr.execute = watched
            return env["res.partner"]._cron_ecom_refresh_customer_cards(auto_commit=True)

        thread, outcome = self.in_thread(run)
        self.join(thread, outcome)
        self.assertNotIn("error", outcome)
        self.assertEqual(at_unlock, [[]], "the run's end is committed when the next run may begin")

    def test_a_run_stopped_by_any_exception_releases_the_lock(self):
        """Stopped by a BaseException (a gevent timeout, a SystemExit at a server's stop) in the
        middle of a query: the lock is released all the same, not kept by the pooled connection
        (every later run would leave the cards to a run that no longer exists)."""
        class Stopped(BaseException):
            pass

        Partner = type(self.env["res.partner"])

        def stopped(model, partner_ids=None):
            try:
                model.env.cr.execute("SELECT 1 / 0", log_exceptions=False)
            except Exception:  # the transaction is aborted, as by a query interrupted
                raise Stopped() from None

        self.patch(Partner, "_ecom_refresh_customer_card", stopped)
        outcome = {}

        def run():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["res.partner"]._cron_ecom_refresh_customer_cards(auto_commit=True)
            except BaseException as error:  # reported by the test
                outcome["error"] = error

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(60)
        self.assertEqual(self.card_lock_holders(), 0, "nobody holds the cards' lock")
        self.assertIsInstance(outcome.get("error"), Stopped, "the exception is the run's, not the unlock's")

    def test_a_customer_failing_every_run_is_a_failure_not_an_endless_job(self):
        """The last batch fails every time: the job is a failure for Odoo (counted, tried again the
        next day, deactivated after repeated failures), not run again ten times from the first
        customer and rescheduled at once for ever."""
        self.failures.extend([True] * 20)
        status, calls = self.run_job()
        self.assertEqual(status, CompletionStatus.FAILED)
        self.assertEqual(self.refreshed, [[partner_id] for partner_id in self.ids[:2]], "the batches done are kept")
        self.assertEqual(calls, [(2, 1), (0, 0)])
        self.assertEqual(self.statuses(), ["new", "new", "vip"])


@tagged("post_install", "-at_install", "ecom_crm")
class TestReportRefreshConcurrency(ConcurrencyCase):
    """The reports' quarter-hour refresh while another refresh of them is under way."""

    def report_rows(self, lead_id):
        """``{report: (rows, distinct rows)}`` of the request ``lead_id`` in the reports kept in tables."""
        def read(env):
            counts = {}
            for report in env["ecom.report.table"]._ecom_table_reports():
                env.cr.execute(f'SELECT count(*), count(DISTINCT to_jsonb(r) - \'id\') FROM "{report._table}" r '
                               "WHERE lead_id = %s", [lead_id])
                counts[report._name] = env.cr.fetchone()
            return counts
        return self.committed(read)

    def run_during(self, under_way):
        """The quarter-hour job on a thread while ``under_way(env)`` (another refresh) runs on a
        connection of its own and commits; the job's outcome."""
        lead_id = self.committed(lambda env: env["crm.lead"].create(
            {"name": "Заявка во время обновления", "type": "opportunity", "expected_revenue": 1500}).id)
        self.addCleanup(self.committed, lambda env: env["crm.lead"].browse(lead_id).unlink())
        outcome = self.beside_uncommitted(
            under_way, lambda env: env["ecom.report.funnel"]._cron_ecom_refresh_reports())
        self.assertNotIn("error", outcome)
        rows = self.report_rows(lead_id)
        self.assertTrue(rows["ecom.report.funnel"][0], "the request is in the funnel")
        for report, (count, distinct) in rows.items():
            self.assertEqual(count, distinct, f"{report}: each row once")
        return outcome

    def test_the_refresh_leaves_the_reports_to_the_refresh_now_button(self):
        """«Refresh the reports now» clicked while the job starts: the job does not fail with "could
        not serialize access" (Odoo does not run a job again); the button's refresh stands."""
        self.run_during(lambda env: env["ecom.report.matview"].action_ecom_refresh())

    def test_the_refresh_leaves_the_reports_to_a_full_rebuild(self):
        """A full rebuild under way (the demo store's, an upgrade's) when the job starts: the job
        leaves the reports to it instead of failing once it commits."""
        self.run_during(lambda env: env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True))

    def test_a_request_deleted_during_the_refresh_is_skipped(self):
        """A request deleted (by another session, committed) after the job listed the requests to
        refresh: the job, as the scheduler runs it, does not fail on its rows ("could not serialize
        access due to concurrent delete", Odoo would not run it before the next quarter) but
        refreshes the others; the deleted request has no rows left."""
        lead_ids = self.committed(lambda env: env["crm.lead"].create([
            {"name": name, "type": "opportunity", "expected_revenue": 1500}
            for name in ("Заявка остаётся", "Заявка удаляется")]).ids)
        self.addCleanup(self.committed, lambda env: env["crm.lead"].browse(lead_ids).exists().unlink())
        # an incremental refresh (the one that lists the changed requests): the last refresh marked
        # now, after any stage or company an earlier test changed (which makes the next one full)
        self.committed(lambda env: env["ecom.report.funnel"]._ecom_mark_refreshed(env.cr.now()))
        Funnel = type(self.env["ecom.report.funnel"])
        changed = Funnel._ecom_changed_leads
        deleted = []

        def changed_then_delete_the_second(model, since):
            found = changed(model, since)
            if not deleted:  # the job's snapshot has begun
                self.committed(lambda env: env["crm.lead"].browse(lead_ids[1]).unlink())
                deleted.append(True)
            return found

        self.patch(Funnel, "_ecom_changed_leads", changed_then_delete_the_second)

        def scheduled(env):  # the progress record Odoo 18's scheduler gives its run
            cron, _progress = env.ref("ecom_crm.ir_cron_ecom_report_refresh")._add_progress()
            return cron.env["ecom.report.funnel"]._cron_ecom_refresh_reports()

        thread, outcome = self.in_thread(scheduled)
        self.join(thread, outcome, 120)
        self.assertNotIn("error", outcome)
        self.assertTrue(outcome["result"])
        self.assertTrue(deleted, "deleted while the job ran")
        self.assertTrue(self.report_rows(lead_ids[0])["ecom.report.funnel"][0], "the other request is refreshed")
        self.assertFalse(any(count for count, _distinct in self.report_rows(lead_ids[1]).values()))


@tagged("post_install", "-at_install", "ecom_crm")
class TestSameNewCustomerConcurrency(ConcurrencyCase):
    """A call and a form of the same new customer at the same moment."""

    PHONE = "+79167770101"

    def setUp(self):
        super().setUp()

        def sources(env):
            company = env.ref("base.main_company")
            made = env["ecom.intake.source"].create([
                {"name": "Телефония (одновременно)", "kind": "calls", "rate_limit": 1000, "company_id": company.id},
                {"name": "Сайт (одновременно)", "kind": "website", "rate_limit": 1000, "company_id": company.id}])
            return made.ids

        self.calls_id, self.site_id = self.committed(sources)
        self.addCleanup(self.committed, self.forget)

    def forget(self, env):
        partners = env["res.partner"].with_context(active_test=False).search([("phone", "=", self.PHONE)])
        env["ecom.call"].search([("caller", "=", self.PHONE)]).unlink()
        env["ecom.intake.request"].search([("source_id", "in", [self.calls_id, self.site_id])]).unlink()
        env["crm.lead"].with_context(active_test=False).search([("partner_id", "in", partners.ids)]).unlink()
        partners.unlink()
        env["ecom.intake.source"].browse([self.calls_id, self.site_id]).unlink()

    def call(self, env):
        data, errors = validate_call({"call_id": "same-moment-1", "event": "incoming", "caller": self.PHONE,
                                      "called": "+74951234567"})
        assert not errors, errors
        return env["ecom.call"]._ecom_process_event(data, env["ecom.intake.source"].browse(self.calls_id)).id

    def form(self, env):
        data, errors = validate_request({"name": "Одновременная Ольга", "phone": "8 916 777-01-01",
                                         "message": "Перезвоните"})
        assert not errors, errors
        entry = env["ecom.intake.processor"]._process_one(data, source=env["ecom.intake.source"].browse(self.site_id))
        return entry.id

    def test_a_call_and_a_form_of_a_new_customer_make_one_customer_and_one_request(self):
        """The call is being taken (not committed yet) when the form is processed: the form waits for
        the customer's decision, then is refused for Odoo (or the queue) to run it again, and then
        joins the call's request; never a second customer nor a second open request."""
        first = self.registry.cursor()
        thread = None
        try:
            call_id = self.call(api.Environment(first, SUPERUSER_ID, {}))
            pid = self.backend_pid(first)
            thread, outcome = self.in_thread(self.form)
            waited = self.wait_for_lock_or_end(pid, thread)
            first.commit()
        finally:
            first.close()
            if thread:
                self.join(thread, outcome)
        self.assertTrue(waited, "the form waits for the call's decision")
        error = outcome.get("error")
        self.assertIsInstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, "retried, not failed")
        entry_id = self.committed(self.form)  # as Odoo's retry, or the queue's, runs it again

        def found(env):
            call = env["ecom.call"].browse(call_id)
            entry = env["ecom.intake.request"].browse(entry_id)
            partners = env["res.partner"].search([("phone", "=", self.PHONE)])
            leads = env["crm.lead"].search([("partner_id", "in", partners.ids)])
            return len(partners), len(leads), entry.lead_id == call.lead_id, entry.result, entry.new_customer

        self.assertEqual(self.committed(found), (1, 1, True, "updated", False))


@tagged("post_install", "-at_install", "ecom_crm")
class TestSameCallEventTwiceConcurrency(ConcurrencyCase):
    """The telephony delivers a call's event twice at the same instant (it sends it again when our
    answer is late)."""

    PHONE = "+79167770202"
    CALL_ID = "twice-at-once-1"

    def setUp(self):
        super().setUp()
        self.source_id = self.committed(lambda env: env["ecom.intake.source"].create({
            "name": "Телефония (дважды)", "kind": "calls", "rate_limit": 1000,
            "company_id": env.ref("base.main_company").id}).id)
        self.addCleanup(self.committed, self.forget)

    def forget(self, env):
        partners = env["res.partner"].with_context(active_test=False).search([("phone", "=", self.PHONE)])
        env["ecom.call"].search([("source_id", "=", self.source_id)]).unlink()
        env["ecom.intake.request"].search([("source_id", "=", self.source_id)]).unlink()
        env["crm.lead"].with_context(active_test=False).search([("partner_id", "in", partners.ids)]).unlink()
        partners.unlink()
        env["ecom.intake.source"].browse(self.source_id).unlink()

    def missed(self, env):
        data, errors = validate_call({"call_id": self.CALL_ID, "event": "missed", "caller": self.PHONE})
        assert not errors, errors
        return env["ecom.call"]._ecom_process_event(data, env["ecom.intake.source"].browse(self.source_id)).id

    def test_the_same_event_twice_at_once_is_one_call(self):
        """The first delivery is being taken (its call, customer and request not committed) when the second
        arrives: the second waits, then is refused for Odoo to run it again, and run again finds the call:
        one call, one customer, one request, one call back."""
        outcome = self.beside_uncommitted(self.missed, self.missed)
        self.assertIsInstance(outcome.get("error"), PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, "retried, not failed")
        call_id = self.committed(self.missed)  # as Odoo's retry runs it again

        def found(env):
            partners = env["res.partner"].search([("phone", "=", self.PHONE)])
            return (env["ecom.call"].search([("source_id", "=", self.source_id)]).ids, len(partners),
                    env["crm.lead"].search_count([("partner_id", "in", partners.ids)]),
                    env["ecom.intake.request"].search_count([("source_id", "=", self.source_id)]),
                    env["mail.activity"].search_count([("ecom_call_partner_id", "in", partners.ids)]))

        self.assertEqual(self.committed(found), ([call_id], 1, 1, 1, 1))


@tagged("post_install", "-at_install", "ecom_crm")
class TestNotificationsOfDeletedRecords(ConcurrencyCase):
    """The notifications' job (a commit per notification) while a request is deleted by another
    session: the vanished request's notification is skipped, the others are sent."""

    def setUp(self):
        super().setUp()
        if self.committed(lambda env: env["ecom.notification.log"].search_count([("done", "=", False)])):
            self.skipTest("the database has notifications waiting: a real run would send them")

        def requests(env):
            partners = env["res.partner"].create([{"name": "Уведомляемый Первый"}, {"name": "Уведомляемый Второй"}])
            leads = env["crm.lead"].create([{"name": f"Заявка {p.name}", "partner_id": p.id} for p in partners])
            logs = env["ecom.notification.log"].create([
                {"lead_id": lead.id, "stage_id": lead.stage_id.id, "partner_id": lead.partner_id.id}
                for lead in leads])
            return partners.ids, leads.ids, logs.ids

        self.partner_ids, self.lead_ids, self.log_ids = self.committed(requests)
        self.addCleanup(self.committed, lambda env: (
            env["crm.lead"].with_context(active_test=False).browse(self.lead_ids).exists().unlink(),
            env["res.partner"].browse(self.partner_ids).exists().unlink()))

    def test_a_request_deleted_during_the_run_is_skipped(self):
        Log = type(self.env["ecom.notification.log"])
        send = Log._ecom_send
        deleted = []

        def send_then_delete_the_next(log):
            if not deleted:  # another session deletes the second request, committed
                self.committed(lambda env: env["crm.lead"].browse(self.lead_ids[1]).unlink())
                deleted.append(True)
            return send(log)

        self.patch(Log, "_ecom_send", send_then_delete_the_next)
        thread, outcome = self.in_thread(lambda env: env["ecom.notification.log"]._cron_ecom_send_notifications().ids)
        self.join(thread, outcome)
        self.assertNotIn("error", outcome)
        left = self.committed(lambda env: [(log.id, log.done) for log in
                                           env["ecom.notification.log"].browse(self.log_ids).exists()])
        self.assertEqual(left, [(self.log_ids[0], True)], "the first sent, the second gone with its request")


@tagged("post_install", "-at_install", "ecom_crm")
class TestWinbackOfDeletedRequests(ConcurrencyCase):
    """The win-back job (one transaction) while another session deletes a request it is about to
    follow up: that follow-up is skipped, the others fire."""

    def setUp(self):
        super().setUp()
        if self.committed(lambda env: env["ecom.winback"].search_count([("state", "=", "waiting")])):
            self.skipTest("the database has follow-ups waiting: a real run would fire them")

        def lost_requests(env):
            reason = env.ref("ecom_crm.lost_reason_no_answer")
            partners = env["res.partner"].create([{"name": "Ушедший Первый"}, {"name": "Ушедший Второй"}])
            leads = env["crm.lead"].create([{"name": f"Заявка {p.name}", "partner_id": p.id} for p in partners])
            leads.action_set_lost(lost_reason_id=reason.id)
            winbacks = env["ecom.winback"].search([("lead_id", "in", leads.ids)])
            env.cr.execute("UPDATE ecom_winback SET next_date = now() AT TIME ZONE 'UTC' - interval '1 day' "
                           "WHERE id = ANY(%s)", [winbacks.ids])
            return partners.ids, leads.ids, [winbacks.filtered(lambda w, lead=lead: w.lead_id.id == lead).id
                                             for lead in leads.ids]

        self.partner_ids, self.lead_ids, self.winback_ids = self.committed(lost_requests)
        self.addCleanup(self.committed, lambda env: (
            env["crm.lead"].with_context(active_test=False).browse(self.lead_ids).exists().unlink(),
            env["res.partner"].browse(self.partner_ids).exists().unlink()))

    def test_a_request_deleted_during_the_run_is_skipped(self):
        Winback = type(self.env["ecom.winback"])
        due = Winback._ecom_due

        def due_then_delete_the_second(model):
            found = due(model)  # the run's snapshot has begun; another session deletes a request
            self.committed(lambda env: env["crm.lead"].with_context(active_test=False).browse(
                self.lead_ids[1]).unlink())
            return found

        self.patch(Winback, "_ecom_due", due_then_delete_the_second)
        thread, outcome = self.in_thread(lambda env: env["ecom.winback"]._cron_evaluate().ids)
        self.join(thread, outcome)
        self.assertNotIn("error", outcome)
        left = self.committed(lambda env: [(w.id, w.attempts) for w in
                                           env["ecom.winback"].browse(self.winback_ids).exists()])
        self.assertEqual(left, [(self.winback_ids[0], 1)], "the first fired, the second gone with its request")


@tagged("post_install", "-at_install", "ecom_crm")
class TestStageTimeLimitsBesideAnotherJob(ConcurrencyCase):
    """The time limits' job while another (the reminders', both due at a server's first start) makes the
    same person a follower of a request it flags: that request is left to the next run, the others are
    flagged; the job no longer fails on the followers' unique key."""

    def setUp(self):
        super().setUp()
        if self.committed(lambda env: env["crm.lead"]._ecom_stage_overdue().ids):
            self.skipTest("the database has requests over their time limit: a real run would flag them")

        def requests(env):
            # nobody's, in no team: a sales manager is told, not yet a follower (a salesperson follows his own)
            leads = env["crm.lead"].create([
                {"name": name, "type": "opportunity", "user_id": False, "team_id": False,
                 "stage_id": env.ref("ecom_crm.crm_stage_new_request").id}
                for name in ("Заявка с подписчиком", "Заявка без подписчика")])
            responsible = leads[0]._ecom_responsible()
            # in «New request» for a day, over its 2 hours (after the stamp its creation computes)
            env.flush_all()
            env.cr.execute("UPDATE crm_lead SET date_last_stage_update = now() AT TIME ZONE 'UTC' - interval '1 day' "
                           "WHERE id = ANY(%s)", [leads.ids])
            return leads.ids, responsible.id, responsible.partner_id.id

        self.lead_ids, self.responsible_id, self.partner_id = self.committed(requests)
        self.addCleanup(self.committed, lambda env: env["crm.lead"].with_context(active_test=False).browse(
            self.lead_ids).exists().unlink())

    def state(self):
        """Each request's flag, its overdue activities' users, its responsible's followings of it."""
        def read(env):
            overdue = env.ref("ecom_crm.mail_activity_type_stage_overdue")
            return [(lead.ecom_overdue,
                     lead.activity_ids.filtered(lambda a: a.activity_type_id == overdue).user_id.ids,
                     env["mail.followers"].search_count([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id),
                                                         ("partner_id", "=", self.partner_id)]))
                    for lead in env["crm.lead"].browse(self.lead_ids)]
        return self.committed(read)

    def test_a_follower_added_meanwhile_leaves_its_request_to_the_next_run(self):
        Lead = type(self.env["crm.lead"])
        overdue = Lead._ecom_stage_overdue

        def overdue_then_followed(model):
            found = overdue(model)  # the run's snapshot has begun; another job subscribes the responsible, committed
            self.committed(lambda env: env["crm.lead"].browse(self.lead_ids[0])._message_subscribe(
                partner_ids=[self.partner_id]))
            return found

        self.assertEqual(self.state(), [(False, [], 0), (False, [], 0)])
        self.patch(Lead, "_ecom_stage_overdue", overdue_then_followed)
        thread, outcome = self.in_thread(lambda env: env["crm.lead"]._cron_ecom_stage_time_limits().ids)
        self.join(thread, outcome)
        self.assertNotIn("error", outcome, "the job did not fail")
        self.assertEqual(outcome["result"], self.lead_ids[1:])
        self.assertEqual(self.state(), [(False, [], 1), (True, [self.responsible_id], 1)],
                         "the followed request left as it was, the other flagged with its activity")
        # the next run sees the follower: the request flagged, its responsible following it once
        self.patch(Lead, "_ecom_stage_overdue", overdue)
        thread, outcome = self.in_thread(lambda env: env["crm.lead"]._cron_ecom_stage_time_limits().ids)
        self.join(thread, outcome)
        self.assertEqual(outcome.get("result"), self.lead_ids[:1])
        self.assertEqual(self.state(), [(True, [self.responsible_id], 1), (True, [self.responsible_id], 1)])
