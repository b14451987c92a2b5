"""Jobs and sessions working on the same customers and reports at the same moment. The other
sessions are real database connections (each on a thread or a cursor of its own, in Odoo's
REPEATABLE READ): what they need is committed, and removed after the test."""

import threading
import time
from contextlib import closing

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api
from odoo.addons.base.models.ir_cron import CompletionStatus
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import tagged

from ..models import res_partner as res_partner_module
from ..tools.intake import validate_call, validate_request
from .common import EcomCrmCase


class ConcurrencyCase(EcomCrmCase):
    """Helpers: committed data, work on a thread of its own, waiting for a lock."""

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

    def run_job(self):
        """The job run as Odoo 18's scheduler runs it (:meth:`ir.cron._run_job`: its action called,
        each call given a progress record, until done, failed or ten calls), on a thread of its own;
        ``(status, [(done, remaining)] of each call)``."""
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
        with self.assertLogs("odoo.addons.base.models.ir_cron", "INFO"):
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
