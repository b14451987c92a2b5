"""The exchange beside other sessions at the same moment, on real database connections of their
own (Odoo's REPEATABLE READ): what they need is committed, and removed after the test."""

import contextlib
import io
import os
import threading
import time
import zipfile
from datetime import datetime
from types import SimpleNamespace
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time
from werkzeug.wrappers import Response

from odoo import SUPERUSER_ID, api, sql_db
from odoo.addons.ecom_crm.tests.test_concurrency import ConcurrencyCase
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from ..controllers import exchange as exchange_module
from ..controllers.exchange import FILE_LOCK, IMPORT_LOCK, ExchangeController
from ..models import ecom_1c_exchange as exchange_model
from ..models.sale_order import COMMITTED, COMMITTED_HORIZON, COMMITTED_SNAPSHOT, OVERLAP
from . import test_duplicates_replaced
from .common import big_catalog, big_catalog_id


class Exports:
    """1C's «выгрузка заказов» (``mode=query``, then ``mode=success``) on connections of their own, with
    no window reaching back (``committed``: a transaction of its own, committed)."""

    def setUp(self):
        super().setUp()

        def settings(env, values):
            params = env["ir.config_parameter"].sudo()
            before = {key: params.get_param(key) for key in values}
            for key, value in values.items():
                params.set_param(key, value)
            env.flush_all()
            return before

        # no window reaching back: what the export takes itself is what is tested
        before = self.committed(lambda env: settings(env, {OVERLAP: "0", COMMITTED: "2000-01-01 00:00:00",
                                                           COMMITTED_SNAPSHOT: False, COMMITTED_HORIZON: False}))
        self.addCleanup(self.committed, lambda env: settings(env, {k: v or False for k, v in before.items()}))

    def export(self, env, blind=False):
        """1C's query and its success, on a connection of its own: the ids of the orders it got."""
        position, ids = self.query(env, blind)
        self.success(env, position)
        return ids

    @staticmethod
    def query(env, blind=False):
        """As ``mode=query``: ``((its bound, its snapshot, its horizon), the ids of the orders it sends)``;
        the orders read in a transaction begun after the horizon was measured, as the exchange does.
        ``blind``: the horizon measured as a role that may not read the start of other roles' transactions
        (Odoo's role no superuser, the others another role's)."""
        orders = env["sale.order"]
        if blind:
            env["ir.config_parameter"].sudo().get_param(COMMITTED_HORIZON)  # read (and cached) as Odoo's role
            env.cr.execute("SET LOCAL ROLE pg_signal_backend")  # no superuser, no pg_read_all_stats
        horizon = orders._ecom_1c_export_horizon()
        if blind:
            env.cr.execute("RESET ROLE")
        env.cr.commit()
        until = orders._ecom_1c_export_clock()
        ids = orders._ecom_1c_orders_to_export(until).ids
        return (until, orders._ecom_1c_export_snapshot(), horizon), ids

    @staticmethod
    def success(env, position):
        until, snapshot, horizon = position
        env["sale.order"]._ecom_1c_commit_export(until, snapshot=snapshot, horizon=horizon)
        env.flush_all()  # the environment may be gone when the helper commits: its writes with it

    def confirmed_order(self, env):
        """A confirmed order of a customer and a service of their own: ``(order, partner, product)`` ids."""
        partner = env["res.partner"].create({"name": "Оптовиков Иван"})
        product = env["product.product"].create({"name": "Подписка", "type": "service", "list_price": 100})
        order = env["sale.order"].create({"partner_id": partner.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 1})]})
        order.action_confirm()
        env.flush_all()
        return order.id, partner.id, product.id

    def order_of_a_job_begun_before_an_export(self, begin):
        """A job's transaction begins (``begin``: what it does first, on its environment), an export runs
        meanwhile, then the job confirms an order and commits: the order's ids (removed after the test)."""
        other = self.registry.cursor()
        try:
            env = api.Environment(other, SUPERUSER_ID, {})
            begin(env)
            self.committed(self.export)
            ids = self.confirmed_order(env)
            other.commit()
        finally:
            other.close()
        self.addCleanup(self.committed, lambda env: self.remove(env, *ids))
        return ids

    @staticmethod
    def remove(env, order_id, partner_id, product_id):
        order = env["sale.order"].browse(order_id)
        order._action_cancel()
        order.unlink()
        env["product.product"].browse(product_id).product_tmpl_id.unlink()
        env["res.partner"].browse(partner_id).unlink()


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestOrdersExportConcurrency(Exports, ConcurrencyCase):
    """1C's «выгрузка заказов» (``mode=query``, then ``mode=success``) while the store confirms orders."""

    def test_an_order_confirmed_by_a_transaction_begun_before_the_query_goes_in_the_next_export(self):
        """A mass confirmation (one transaction: every order's write date is its start) is under way when
        1C asks for the orders and acknowledges them: its orders, committed after, go in the next
        export, never lost behind the point 1C acknowledged."""
        other = self.registry.cursor()
        try:
            ids = self.confirmed_order(api.Environment(other, SUPERUSER_ID, {}))
            self.assertNotIn(ids[0], self.committed(self.export), "not committed yet: not seen")
            other.commit()
        finally:
            other.close()
        self.addCleanup(self.committed, lambda env: self.remove(env, *ids))
        self.assertIn(ids[0], self.committed(self.export), "the next export sends it")

    def test_an_order_a_transaction_begun_before_the_query_writes_after_it_goes_in_the_next_export(self):
        """A job began before 1C asked for the orders and writes its orders only after 1C acknowledged
        (it looked for the orders it made before, then fetched a marketplace's for minutes, then made
        them): Odoo dates them by the job's start, before what 1C acknowledged. They go in the next
        export, never lost."""
        # the job's transaction read orders; wrote none
        ids = self.order_of_a_job_begun_before_an_export(lambda env: env.cr.execute("SELECT count(*) FROM sale_order"))
        self.assertIn(ids[0], self.committed(self.export), "the next export sends it")

    def test_an_order_a_transaction_that_touched_no_order_writes_after_the_window_goes_in_the_next_export(self):
        """A job began before 1C asked for the orders, touched no order then (it fetched a marketplace's for
        longer than the window reaching back: here none), and writes its orders after 1C acknowledged:
        Odoo dates them by the job's start, before what 1C acknowledged and out of the window. The next
        export sends them, as written by a transaction the acknowledged export did not see."""
        def begin(env):  # the job began, wrote no order
            env["res.partner"].create({"name": "Маркетплейс: загрузка"})
            env.flush_all()

        ids = self.order_of_a_job_begun_before_an_export(begin)
        self.committed(lambda env: env["res.partner"].search([("name", "=", "Маркетплейс: загрузка")]).unlink())
        self.assertIn(ids[0], self.committed(self.export), "the next export sends it")

    def test_an_order_confirmed_between_the_query_and_its_success_goes_in_the_next_export(self):
        """1C asks for the orders, an order is confirmed and committed, then 1C says success: that order
        was not in what 1C got, and the next export sends it."""
        position, first = self.committed(self.query)
        ids = self.committed(self.confirmed_order)
        self.addCleanup(self.committed, lambda env: self.remove(env, *ids))
        self.assertNotIn(ids[0], first)
        self.committed(lambda env: self.success(env, position))
        self.assertIn(ids[0], self.committed(self.export))



@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestOrdersExportOnce(Exports, BaseCase):
    """The export beside old transactions, with no transaction of the test itself left open in the
    database (a test's own transaction would be an old transaction of the database, throughout)."""

    committed = ConcurrencyCase.committed

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            cr.execute("""SELECT count(*) FROM pg_stat_activity
                           WHERE datname = current_database() AND backend_type = 'client backend'
                             AND pid <> pg_backend_pid() AND xact_start IS NOT NULL""")
            if cr.fetchone()[0]:
                self.skipTest("another transaction of the database is in progress")

    def test_an_order_is_not_sent_at_every_export_once_an_old_transaction_is_over(self):
        """A transaction of the database, older than 1C's export, is in progress (a report, a job): what
        was written since it began may be sent again (what the export's snapshot saw is not told apart
        from what it did not); once it is over, the order goes no more, export after export."""
        old = self.registry.cursor()
        try:
            old.execute("SELECT pg_current_xact_id()")  # began, took its transaction id, goes on for minutes
            ids = self.committed(self.confirmed_order)
            self.addCleanup(self.committed, lambda env: self.remove(env, *ids))
            self.assertIn(ids[0], self.committed(self.export))
            self.committed(self.export)  # maybe sent again: the old transaction runs
        finally:
            old.rollback()
            old.close()
        self.committed(self.export)  # its snapshot was taken with the old transaction over
        for _export in range(3):
            self.assertNotIn(ids[0], self.committed(self.export), "sent once more, then no more")

    def test_an_old_transaction_of_another_database_sends_no_order_again(self):
        """Transaction ids are the server's: a transaction of another database of the server (a long report
        there) is in progress at every export. It writes no order of this store: an order 1C got goes no
        more."""
        elsewhere = sql_db.db_connect("postgres").cursor()
        try:
            elsewhere.execute("SELECT pg_current_xact_id()")  # an id older than the store's next transactions
            ids = self.committed(self.confirmed_order)
            self.addCleanup(self.committed, lambda env: self.remove(env, *ids))
            self.assertIn(ids[0], self.committed(self.export))
            for _export in range(2):
                self.assertNotIn(ids[0], self.committed(self.export), "not sent again")
        finally:
            elsewhere.rollback()
            elsewhere.close()

    def test_an_order_a_transaction_that_took_no_id_writes_after_the_window_goes_in_the_next_export(self):
        """A job began before 1C asked for the orders, read no order and wrote nothing then (it has no
        transaction id yet: the export's snapshot names it nowhere), and writes its orders after 1C
        acknowledged, dated by its start out of the window. The next export sends them."""
        # the job began: it read, wrote nothing
        ids = self.order_of_a_job_begun_before_an_export(lambda env: env.cr.execute("SELECT count(*) FROM res_partner"))
        self.assertIn(ids[0], self.committed(self.export), "the next export sends it")
        self.assertNotIn(ids[0], self.committed(self.export), "and that one alone")

    def test_an_order_of_a_transaction_whose_start_the_export_cannot_read_goes_in_the_next_export(self):
        """Odoo's role is no superuser: another role's transaction (a script run as ``postgres``) shows the
        export no start. It began before 1C asked, touched no order then, and writes its orders after
        1C acknowledged, dated by its start: the next export sends them, looking back as far as the last
        acknowledged one did (here: over every order, none acknowledged yet). They were lost: the export
        took the start of its own request for the oldest."""
        with self.registry.cursor() as cr:
            try:
                cr.execute("SET LOCAL ROLE pg_signal_backend")
            except psycopg2.Error:  # a role that may not act as another: the case cannot be made here
                self.skipTest("the test's role may not act as a role that reads no other role's activity")
        for acknowledged in (True, False):
            with self.subTest(acknowledged=acknowledged):
                if acknowledged:
                    self.committed(self.export)  # with nothing in progress: its horizon
                other = self.registry.cursor()
                try:
                    other.execute("SELECT count(*) FROM res_partner")  # the job began: it read, wrote nothing
                    self.committed(lambda env: self.export(env, blind=True))
                    ids = self.confirmed_order(api.Environment(other, SUPERUSER_ID, {}))
                    other.commit()
                finally:
                    other.close()
                self.addCleanup(self.committed, lambda env, ids=ids: self.remove(env, *ids))
                self.assertIn(ids[0], self.committed(self.export), "the next export sends it")
                self.committed(lambda env: env["ir.config_parameter"].set_param(COMMITTED_HORIZON, False))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestImportWaitConcurrency(ConcurrencyCase):
    """1C's documents arrive while another exchange's import step runs (the tests over HTTP share one
    transaction: here the request and the step are connections of their own)."""

    def test_after_waiting_for_an_import_step_a_document_sees_what_it_committed(self):
        """The request waits for the step, then goes on seeing what the step committed (a product of
        1C's catalog that 1C's new order names), not the database as it was when the request began:
        it would find no such product and create the order without it."""
        step = self.registry.cursor()
        request = self.registry.cursor()
        try:
            step.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            product = api.Environment(step, SUPERUSER_ID, {})["product.product"].create(
                {"name": "Новинка из 1С", "ecom_1c_id": "concurrency-new-product"})
            product.env.flush_all()
            product_id = product.id
            self.addCleanup(self.committed, lambda env: env["product.product"].browse(product_id).exists()
                            .product_tmpl_id.unlink())
            env = api.Environment(request, SUPERUSER_ID, {})
            Product = env["product.product"].with_context(active_test=False)
            self.assertFalse(Product.search([("ecom_1c_id", "=", "concurrency-new-product")]), "the request began")
            threading.Timer(1.0, step.commit).start()  # the step ends a second later
            ExchangeController()._wait_for_imports(env, anew=True)
            self.assertEqual(Product.search([("ecom_1c_id", "=", "concurrency-new-product")]).id, product_id)
            request.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            self.assertEqual(request.fetchone()[0], 1, "the import lock, held to the end of the transaction")
            request.rollback()
            request.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            self.assertEqual(request.fetchone()[0], 0, "only: the connection's own lock of the wait was released")
        finally:
            request.rollback()
            request.close()
            step.close()

    def test_a_file_asked_for_again_sees_what_its_import_committed(self):
        """1C asks for a file's import again (its timeout fired) while another request imports it: the
        request hears it is busy; once that request committed, the request asking again reads the file's
        import as it ended (done: answered «success», nothing imported twice), not the database as it was
        when it began; waiting for it (a document sent again), the same."""
        session_id = self.committed(lambda env: env["ecom.1c.session"]._open()[0].id)
        self.addCleanup(self.committed, lambda env: env["ecom.1c.session"].browse(session_id).unlink())
        controller = ExchangeController()
        for wait in (False, True):
            first, request = self.registry.cursor(), self.registry.cursor()
            try:
                first.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [FILE_LOCK, f"{session_id}/a.xml"])
                first_env = api.Environment(first, SUPERUSER_ID, {})
                exchange = first_env["ecom.1c.exchange"].create({"exchange_type": "sale", "session_id": session_id})
                first_env["ecom.1c.exchange.file"].create({"exchange_id": exchange.id, "name": "a.xml",
                                                          "kind": "documents", "state": "done"})
                first_env.flush_all()
                exchange_id = exchange.id
                self.addCleanup(self.committed, lambda env, i=exchange_id: env["ecom.1c.exchange"].browse(i).unlink())
                env = api.Environment(request, SUPERUSER_ID, {})
                session = env["ecom.1c.session"].browse(session_id)
                files = env["ecom.1c.exchange.file"]
                self.assertFalse(files.search([("exchange_id", "=", exchange_id)]), "the request began before")
                if wait:
                    threading.Timer(1.0, first.commit).start()  # the import ends a second later
                else:
                    self.assertFalse(controller._hold_file(env, session, "a.xml"), "another request imports it")
                    self.assertTrue(controller._hold_file(env, session, "b.xml"), "another file is not held")
                    first.commit()
                self.assertTrue(controller._hold_file(env, session, "a.xml", wait=wait))
                self.assertEqual(files.search([("exchange_id", "=", exchange_id)]).state, "done")
                request.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
                                " AND classid = %s", [FILE_LOCK])
                self.assertEqual(request.fetchone()[0], 1, "held to the end of the transaction, once")
            finally:
                request.rollback()
                request.close()
                first.close()

    def test_a_copy_answered_busy_leaves_the_exchange_to_the_import(self):
        """1C's document sent again while another request imports it is refused (:meth:`_busy`) and writes
        nothing of the exchange: that request, which began before, writes its exchange's counts once its
        import is over (:meth:`ecom.1c.exchange.file._add_step`). A line the copy committed to the
        exchange's log meanwhile made that write fail to serialise: the import undone and run again, by
        each copy 1C sent (a livelock, once past Odoo's tries a failure)."""
        session_id = self.committed(lambda env: env["ecom.1c.session"]._open()[0].id)
        self.addCleanup(self.committed, lambda env: env["ecom.1c.session"].browse(session_id).unlink())
        exchange_id = self.committed(lambda env: env["ecom.1c.exchange"].create(
            {"exchange_type": "sale", "session_id": session_id}).id)
        self.addCleanup(self.committed, lambda env: env["ecom.1c.exchange"].browse(exchange_id).unlink())
        self.committed(lambda env: env["ecom.1c.session"].browse(session_id).write({"exchange_id": exchange_id}))
        controller = ExchangeController()
        first, copy = self.registry.cursor(), self.registry.cursor()
        try:
            # the importing request: its transaction began (its snapshot taken), its exchange's row not yet written
            first.execute("SET LOCAL lock_timeout = '5s'")  # a wait fails the test rather than hang it
            first.execute("SELECT created_count FROM ecom_1c_exchange WHERE id = %s", [exchange_id])
            env = api.Environment(copy, SUPERUSER_ID, {})
            with patch("odoo.addons.ecom_crm_1c.controllers.exchange.failure", lambda reason: reason):
                reason = controller._busy(env, env["ecom.1c.session"].browse(session_id), "a.xml")
            self.assertRegex(reason, r"^a\.xml: its import is running in another request")
            env.flush_all()
            copy.commit()
            # the import over, its counts: written, not refused for a concurrent update
            first.execute("UPDATE ecom_1c_exchange SET created_count = 1 WHERE id = %s",
                          [exchange_id])
            first.commit()
            copy.execute("SELECT state, messages, created_count FROM ecom_1c_exchange WHERE id = %s", [exchange_id])
            self.assertEqual(copy.fetchone(), ("running", None, 1), "the exchange goes on, its log untouched")
        finally:
            for cr in (first, copy):
                cr.rollback()
                cr.close()

    def test_a_document_waiting_for_an_import_step_keeps_its_file_held(self):
        """1C's document is stored (``mode=file``) while another exchange's import step runs: the request
        commits 1C's bytes and waits for the step. The file stays held by the request meanwhile, while
        it imports it and to its end: 1C sending the file again (its timeout fired) waits rather than
        start it anew under the import to come, and 1C asking for its import hears «progress». The
        wait's commits dropped it: another request found the file free while it waited."""
        session_id = self.committed(lambda env: env["ecom.1c.session"]._open()[0].id)
        self.addCleanup(self.committed, lambda env: env["ecom.1c.session"].browse(session_id).unlink())
        self.addCleanup(self.committed, lambda env: env["ecom.1c.session"].browse(session_id)._clear_uploads())
        controller = ExchangeController()
        free = []  # whether another request could take the file's lock, at each moment

        def another_request():
            return self.committed(lambda env: controller._hold_file(
                env, env["ecom.1c.session"].browse(session_id), "a.xml"))

        def import_file(*_args, **_kwargs):
            free.append(another_request())
            return Response("success\n")

        step, request = self.registry.cursor(), self.registry.cursor()
        thread, outcome = None, {}
        try:
            step.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            env = api.Environment(request, SUPERUSER_ID, {})
            session = env["ecom.1c.session"].browse(session_id)
            self.assertTrue(controller._hold_file(env, session, "a.xml", wait=True), "mode=file holds its document")
            with patch.object(ExchangeController, "_mode_import", import_file):
                thread = threading.Thread(target=lambda: outcome.update(
                    response=controller._import_stored(env, session, "a.xml", "a.xml")), daemon=True)
                thread.start()
                self.assertTrue(self.wait_for_lock_or_end(self.backend_pid(step), thread), "it waits for the step")
                free.append(another_request())  # while it waits
                step.commit()  # the step ends
                thread.join(60)
                self.assertFalse(thread.is_alive())
            self.assertEqual(outcome["response"].get_data(), b"success\n")
            free.append(another_request())  # imported, the request not over
            request.rollback()  # the request's end
            free.append(another_request())
            self.assertEqual(free, [False, False, False, True], "held from the upload to the request's end alone")
            request.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            self.assertEqual(request.fetchone()[0], 0, "no lock of the connection's own left behind")
        finally:
            if thread and thread.is_alive():
                request._cnx.cancel()
                thread.join(10)
            request.rollback()
            request.close()
            step.rollback()
            step.close()

    def test_a_wait_broken_by_an_error_leaves_its_file_held_by_no_connection(self):
        """What the request wrote fails to be stored before the wait (its transaction broken): the error
        goes up (the request fails, or Odoo runs it again), and the connection, back in Odoo's pool, holds
        no lock of the file of its own: the next request of the file is not refused for ever."""
        with self.request_of_a_session() as (controller, request, session):
            env = session.env
            self.assertTrue(controller._hold_file(env, session, "a.xml", wait=True))
            with patch.object(env, "flush_all", lambda: request.execute("SELECT 1 / 0")), \
                    self.assertRaises(psycopg2.errors.DivisionByZero):
                controller._wait_for_imports(env, anew=True, keep=controller._file_key(session, "a.xml"))
            request.rollback()
            self.assertHoldsNoLock(request)
            self.assertAnotherRequestTakesTheFile(controller, session.id)

    @contextlib.contextmanager
    def request_of_a_session(self):
        """An exchange's request on a connection of its own, as Odoo's worker has it: the controller, the
        connection (rolled back and closed at the end) and a session of 1C committed (removed after)."""
        session_id = self.committed(lambda env: env["ecom.1c.session"]._open()[0].id)
        self.addCleanup(self.committed, lambda env: env["ecom.1c.session"].browse(session_id).unlink())
        request = self.registry.cursor()
        try:
            env = api.Environment(request, SUPERUSER_ID, {})
            yield ExchangeController(), request, env["ecom.1c.session"].browse(session_id)
        finally:
            request.rollback()
            request.close()

    def assertAnotherRequestTakesTheFile(self, controller, session_id):
        self.assertTrue(self.committed(lambda env: controller._hold_file(
            env, env["ecom.1c.session"].browse(session_id), "a.xml")), "another request takes the file")

    def assertHoldsNoLock(self, cursor):
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        self.assertEqual(cursor.fetchone()[0], 0, "no advisory lock left to the connection (back in Odoo's pool)")

    def test_a_file_held_by_a_broken_transaction_is_held_by_no_connection(self):
        """The file's lock is the connection's own across the commit that ends the wait for another request
        of it (:meth:`_hold_file`): an error breaking the transaction there made its release fail too
        («current transaction is aborted» raised over the error), and the connection, back in Odoo's pool,
        kept the file held: 1C heard «progress» for it, or its document waited and failed, until the worker
        restarted."""
        with self.request_of_a_session() as (controller, request, session):
            env = session.env
            for wait in (False, True):
                with self.subTest(wait=wait), \
                        patch.object(env, "flush_all", lambda: request.execute("SELECT 1 / 0")), \
                        self.assertRaises(psycopg2.errors.DivisionByZero):
                    controller._hold_file(env, session, "a.xml", wait=wait)
                request.rollback()
                self.assertHoldsNoLock(request)
            self.assertAnotherRequestTakesTheFile(controller, session.id)

    def test_the_import_lock_taken_after_a_wait_is_held_by_no_connection_after_an_error(self):
        """1C's document waited for another exchange's import step (``mode=file``): the import lock is the
        connection's own across the commit that ends the wait. An error breaking that commit left it so
        (its release failed too): no exchange of the database could import again until the worker
        restarted."""
        with self.request_of_a_session() as (controller, request, session):
            env = session.env
            commit, commits = request.commit, []

            def failing_second_commit():
                commits.append(1)
                if len(commits) == 2:  # the one that ends the wait, the import lock the connection's
                    request.execute("SELECT 1 / 0")
                return commit()

            self.assertTrue(controller._hold_file(env, session, "a.xml", wait=True))
            with patch.object(request, "commit", failing_second_commit), \
                    self.assertRaises(psycopg2.errors.DivisionByZero):
                controller._wait_for_imports(env, anew=True, keep=controller._file_key(session, "a.xml"))
            request.rollback()
            self.assertHoldsNoLock(request)
            with self.registry.cursor() as other:
                other.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
                self.assertTrue(other.fetchone()[0], "another exchange imports")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSessionRowConcurrency(ConcurrencyCase):
    """The session's row beside an import step of the same session, on connections of their own: the step
    holds the import lock and writes the session's row at its end."""

    def session_importing(self, content=b"<old/>", began=True, others=None):
        """A session of 1C whose catalog exchange began importing ``import.xml`` (stored in its upload area,
        ``content``, beside the files ``others``: {name: bytes}), committed (removed after): its id. Not
        ``began``: the file is uploaded whole and its import not begun yet (no step of it committed)."""
        session_id = self.committed(lambda env: env["ecom.1c.session"]._open()[0].id)
        self.addCleanup(self.committed, lambda env: env["ecom.1c.session"].browse(session_id).unlink())
        self.addCleanup(self.committed, lambda env: env["ecom.1c.session"].browse(session_id)._clear_uploads())

        def exchange(env):
            session = env["ecom.1c.session"].browse(session_id)
            exchange = env["ecom.1c.exchange"].create({"exchange_type": "catalog", "session_id": session_id})
            if began:
                env["ecom.1c.exchange.file"].create({"exchange_id": exchange.id, "name": "import.xml",
                                                     "kind": "catalog", "state": "running", "position": 10})
            session.write({"exchange_id": exchange.id})
            for name, data in {"import.xml": content, **(others or {})}.items():
                with open(os.path.join(session._upload_dir(), name), "wb") as f:
                    f.write(data)
            return exchange.id

        exchange_id = self.committed(exchange)
        self.addCleanup(self.committed, lambda env: env["ecom.1c.exchange"].browse(exchange_id).unlink())
        return session_id

    def test_a_catalog_file_sent_again_waits_for_its_import_before_locking_the_session(self):
        """1C sends a catalog file again while a step of its import runs in another request (1C heard no
        answer in time). The request locked the session's row, then waited for the import lock the step
        holds; the step, writing the session's row at its end, waited for the request: a deadlock,
        PostgreSQL undid one of them (the import step, run again). The request waits first, in the
        importer's order; the step ends, and the request, run again by Odoo (the row changed since it
        began), stores the file anew."""
        session_id = self.session_importing()
        body = b"<new/>"
        fake, send_again = self.catalog_file_sent_again(session_id, body)

        step = self.registry.cursor()
        thread, outcome = None, {}
        try:
            with patch.object(exchange_module, "request", fake), \
                    patch.object(exchange_module, "read_body", lambda limit: body):
                step.execute("SET LOCAL lock_timeout = '10s'")  # a wait fails the test rather than hang it
                step.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
                step.execute("SELECT last_request FROM ecom_1c_session WHERE id = %s", [session_id])
                thread, outcome = self.in_thread(send_again)
                self.assertTrue(self.wait_for_lock_or_end(self.backend_pid(step), thread), "it waits for the step")
                try:  # the step's end: it writes the session's row
                    step.execute("UPDATE ecom_1c_session SET last_request = now() AT TIME ZONE 'UTC' WHERE id = %s",
                                 [session_id])
                except psycopg2.errors.DeadlockDetected:
                    self.fail("the step and the request waited for each other: the step undone")
                step.commit()
                self.join(thread, outcome)
                self.assertIsInstance(outcome.get("error"), psycopg2.errors.SerializationFailure,
                                      "the row changed since it began: Odoo runs it again")
                self.assertEqual(self.committed(send_again), "success\n")
            folder = self.committed(lambda env: env["ecom.1c.session"].browse(session_id)._upload_dir())
            with open(os.path.join(folder, "import.xml"), "rb") as stored:
                self.assertEqual(stored.read(), body, "stored anew")
        finally:
            if thread and thread.is_alive():
                self.join(thread, outcome)
            step.rollback()
            step.close()

    def test_a_request_beside_an_import_step_of_its_session_leaves_the_step_alone(self):
        """1C's request notes when it came (:meth:`ExchangeController._note_request`) while an import step of
        the same session runs, and the step notes its end too. Both writing the row, one failed to serialise:
        the step, undone and run again by Odoo (past its tries, failed) for the sake of a timestamp, or the
        request waiting for the step's end. Each leaves the row to the other."""
        session_id = self.session_importing()
        note = ExchangeController()._note_request

        def last_request():
            return self.committed(lambda env: env["ecom.1c.session"].browse(session_id).last_request)

        step, other = self.registry.cursor(), self.registry.cursor()
        try:
            step_env, other_env = (api.Environment(cr, SUPERUSER_ID, {}) for cr in (step, other))
            for cr in (step, other):
                cr.execute("SET LOCAL lock_timeout = '5s'")  # a wait fails the test rather than hang it
            step_session = step_env["ecom.1c.session"].browse(session_id)
            self.assertTrue(step_session.exchange_id, "the step's transaction began")
            with freeze_time("2026-11-20 10:00:00"):  # another request of the session, answered meanwhile
                note(other_env, other_env["ecom.1c.session"].browse(session_id))
            other.commit()
            with freeze_time("2026-11-20 10:00:25"):  # the step's end
                note(step_env, step_session)
            step.commit()  # not refused for a concurrent update
            self.assertEqual(last_request(), datetime(2026, 11, 20, 10, 0), "the other request's, as late")
            # the step's row locked (its end noted, not yet committed): the other request does not wait for it
            for cr in (step, other):
                cr.execute("SET LOCAL lock_timeout = '5s'")
            with freeze_time("2026-11-20 10:01:00"):
                note(step_env, step_session)
            started = time.monotonic()
            with freeze_time("2026-11-20 10:01:05"):
                note(other_env, other_env["ecom.1c.session"].browse(session_id))
            self.assertLess(time.monotonic() - started, 2, "no wait for the step")
            other.commit()
            step.commit()
            self.assertEqual(last_request(), datetime(2026, 11, 20, 10, 1))
            with freeze_time("2026-11-20 10:02:00"):  # alone, it is written
                note(other_env, other_env["ecom.1c.session"].browse(session_id))
            other.commit()
            self.assertEqual(last_request(), datetime(2026, 11, 20, 10, 2))
        finally:
            for cr in (step, other):
                cr.rollback()
                cr.close()

    def test_a_deadlock_in_the_wait_for_an_import_is_run_again_not_taken_for_a_time_out(self):
        """A request waiting for the import lock while the step holding it waits for a row the request locked:
        PostgreSQL breaks the deadlock by failing one of them. The wait took any failure for its time-out
        («another exchange is importing; it did not finish in time»: 1C's file failed, the exchange with it);
        a deadlock is Odoo's to run the request again."""
        session_id = self.session_importing()

        def wait(env):
            env.cr.execute("UPDATE ecom_1c_session SET upload_size = 1 WHERE id = %s", [session_id])
            ExchangeController()._wait_for_imports(env)

        outcome = self.deadlocked(session_id, wait, "SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        self.assertIsInstance(outcome.get("error"), psycopg2.errors.DeadlockDetected)

    def catalog_file_sent_again(self, session_id, body, name="import.xml"):
        """1C's request sending the catalog's ``import.xml`` (or the file ``name``; of ``body``'s length) again
        in the session: the HTTP request to patch the controller's with (its body's stream,
        ``fake.httprequest._HTTPRequest__wrapped.stream``, ``body``: what the controller reads of it, the test's
        ``read_body`` aside), and the request run in an environment."""
        wrapped = SimpleNamespace(stream=io.BytesIO(body))
        fake = SimpleNamespace(httprequest=SimpleNamespace(content_length=len(body), _HTTPRequest__wrapped=wrapped),
                               make_response=lambda data, headers=None: data)

        def send_again(env):
            return ExchangeController()._mode_file(env, env["ecom.1c.session"].browse(session_id), "catalog", name)
        return fake, send_again

    def deadlocked(self, session_id, wait, lock, args):
        """Run ``wait`` (a request that locks the session's row, then waits for a lock) in a thread while
        another connection, holding that lock (``lock`` with ``args``), writes the row: a deadlock
        PostgreSQL breaks by failing the request. Return the thread's outcome."""
        holder = self.registry.cursor()
        thread, outcome = None, {}
        try:
            holder.execute("SET LOCAL lock_timeout = '10s'")  # a wait fails the test rather than hang it
            holder.execute("SET LOCAL deadlock_timeout = '30s'")  # the request is the one PostgreSQL fails
            holder.execute(lock, args)
            thread, outcome = self.in_thread(wait)
            self.assertTrue(self.wait_for_lock_or_end(self.backend_pid(holder), thread), "it waits for the lock")
            holder.execute("UPDATE ecom_1c_session SET upload_size = 2 WHERE id = %s", [session_id])
            self.join(thread, outcome)
            holder.commit()
        finally:
            if thread and thread.is_alive():
                self.join(thread, outcome)
            holder.rollback()
            holder.close()
        return outcome

    def test_a_deadlock_in_the_wait_for_a_file_is_run_again_not_taken_for_busy(self):
        """1C's document sent again waits for the request importing it (:meth:`ExchangeController._hold_file`)
        while that request waits for a row this one locked: PostgreSQL breaks the deadlock by failing one
        of them. The wait took any failure for its time-out (the copy answered busy: 1C told to send it
        again for nothing); a deadlock is Odoo's to run the request again, as the wait for an import's."""
        session_id = self.session_importing()

        def wait(env):
            env.cr.execute("UPDATE ecom_1c_session SET upload_size = 1 WHERE id = %s", [session_id])
            return ExchangeController()._hold_file(env, env["ecom.1c.session"].browse(session_id), "a.xml",
                                                   wait=True)

        outcome = self.deadlocked(session_id, wait, "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                                  [FILE_LOCK, f"{session_id}/a.xml"])
        self.assertNotIn("result", outcome, "not answered busy")
        self.assertIsInstance(outcome.get("error"), psycopg2.errors.DeadlockDetected)

    def test_a_catalog_file_sent_again_past_the_wait_for_its_import_is_busy_not_failed(self):
        """1C sends a catalog file again while a step of its import runs for longer than the wait (twice a
        step): busy, as a document sent again (:meth:`ExchangeController._busy`). 1C hears «failure» and why
        on one line, its body unread before the answer (drained after it); nothing of the copy is stored, and
        the exchange and its file go on (the step may still end well). The time-out went to the controller's
        error handler: a traceback in the log, and the exchange marked failed under its running import."""
        session_id = self.session_importing()
        body = b"<new/>"
        fake, send_again = self.catalog_file_sent_again(session_id, body)

        step = self.registry.cursor()
        try:
            step.execute("SET LOCAL lock_timeout = '20s'")
            step.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            with patch.object(exchange_module, "request", fake), \
                    patch.object(exchange_module, "read_body", lambda limit: body), \
                    patch.object(ExchangeController, "_step_seconds", lambda self, env: 0), \
                    self.assertNoLogs("odoo.addons.ecom_crm_1c", "WARNING"):  # no traceback
                answered = self.committed(send_again)  # the wait: 5 s
            self.assertEqual(answered, "failure\nimport.xml: another exchange is importing; it did not finish in "
                                       "time: this copy was not stored, send the file again\n")
            # nothing more of its body read before the answer (read_body's bytes aside): what is left is drained
            # after it, the transaction over (ExchangeController.exchange: drain_after)
            self.assertEqual(fake.httprequest._HTTPRequest__wrapped.stream.tell(), 0)
            step.rollback()

            def state(env):
                session = env["ecom.1c.session"].browse(session_id)
                exchange = session.exchange_id
                with open(os.path.join(session._upload_dir(), "import.xml"), "rb") as stored:
                    return exchange.state, exchange.messages or "", exchange.file_ids.state, stored.read()

            self.assertEqual(self.committed(state), ("running", "", "running", b"<old/>"),
                             "the exchange and its import go on, nothing of the copy stored")
        finally:
            step.rollback()
            step.close()

    def import_step(self, session_id, name="import.xml"):
        """1C's ``mode=import`` of ``import.xml`` (or the file ``name``) in the session as the controller runs it
        (the file held, then a step of its import; the controller's ``request`` patched), as a work of
        :meth:`committed`: its answer."""
        def step(env):
            controller = ExchangeController()
            session = env["ecom.1c.session"].browse(session_id)
            self.assertTrue(controller._hold_file(env, session, name), "no other request imports it")
            return controller._mode_import(env, session, "catalog", name)
        return step

    @staticmethod
    def zipped(data):
        """A zip of 1C holding ``offers0_1.xml`` of ``data``: its bytes."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("offers0_1.xml", data)
        return buffer.getvalue()

    def sent_again_during_its_first_step(self, body, busy=False, copy_patches=(), archive=None):
        """1C's ``import.xml``, a catalog of 20 products uploaded whole, is imported by a request (``mode=import``,
        as the controller runs it: the file held, then a step of its import) while 1C sends it again, ``body``
        its first part: the copy comes while the step reads the file, before anything of the step is committed
        (no record of the file's import to see yet). ``busy``: the copy is answered before the step reads on
        (its wait over); ``copy_patches``: what the copy runs under besides. ``archive``: the zip ``offers.zip``
        is uploaded too, its bytes, and it is the file sent again, while the step unpacks it (each import
        unpacks the archives not unpacked yet first).
        Returns whether the copy waited for the step, the step's and the copy's outcomes (see
        :meth:`in_thread`; the copy's ``stream``: its body's, as the copy left it) and, once both ended, what the
        session holds: the file's bytes, the exchange's files ``(name, state, position)`` and lines, and how many
        of the catalog's products there are."""
        ids = [big_catalog_id(i) for i in range(20)]
        self.assertFalse(self.committed(lambda env: env["product.category"].search_count([("ecom_1c_id", "=", "g1")])),
                         "the catalog's group is the test's own")
        session_id = self.session_importing(content=big_catalog(20), began=False,
                                            others=archive and {"offers.zip": archive})
        self.addCleanup(self.committed, lambda env: (
            env["product.template"].with_context(active_test=False).search([("ecom_1c_id", "in", ids)]).unlink(),
            env["product.category"].search([("ecom_1c_id", "=", "g1")]).unlink()))
        fake, send_again = self.catalog_file_sent_again(session_id, body, "offers.zip" if archive else "import.xml")
        reading, go = threading.Event(), threading.Event()
        read = exchange_model.unpack if archive else exchange_model.check_well_formed

        def reads_slowly(path, *args, **kwargs):  # the step's first read of the whole file (nothing imported before)
            reading.set()
            go.wait(30)
            return read(path, *args, **kwargs)

        running = []
        try:
            with patch.object(exchange_module, "request", fake), \
                    patch.object(exchange_module, "read_body", lambda limit: body), \
                    patch.object(exchange_model, "unpack" if archive else "check_well_formed", reads_slowly):
                running.append(self.in_thread(self.import_step(session_id)))
                (step_thread, step), = running
                self.assertTrue(reading.wait(30), "the step reads the file")
                with contextlib.ExitStack() as stack:
                    for patcher in copy_patches:
                        stack.enter_context(patcher)
                    running.append(self.in_thread(send_again))
                    copy_thread, copy = running[1]
                    waited = self.wait_for_lock_or_end(step["pid"], copy_thread)
                    if busy or not waited:  # the copy's answer before the step reads on
                        self.join(copy_thread, copy)
                go.set()
                self.join(step_thread, step)
                self.join(copy_thread, copy)
        finally:
            go.set()
            for thread, outcome in running:
                if thread.is_alive():
                    self.join(thread, outcome)

        copy["stream"] = fake.httprequest._HTTPRequest__wrapped.stream  # what the copy read of its body

        def state(env):
            session = env["ecom.1c.session"].browse(session_id)
            with open(os.path.join(session._upload_dir(), "offers.zip" if archive else "import.xml"), "rb") as stored:
                return (stored.read(), [(f.name, f.state, f.position) for f in session.exchange_id.file_ids],
                        session.exchange_id.messages or "",
                        env["product.template"].with_context(active_test=False).search_count(
                            [("ecom_1c_id", "in", ids)]))
        return waited, step, copy, self.committed(state)

    def test_a_catalog_file_sent_again_during_its_first_import_step_waits_for_the_step(self):
        """1C sends its catalog file again (the first part of it) while the first step of its import reads it
        in another request: no step committed yet, the copy saw no import of the file and emptied it under
        the step, which read a file cut short or the copy's first part. The request importing the file holds
        it from the start: the copy waits for the step, which imports the whole file it began on, then stores
        the copy anew, the step's import logged as the file sent again."""
        body = big_catalog(3, start=100)[:300]
        waited, step, copy, (stored, files, lines, products) = self.sent_again_during_its_first_step(body)
        self.assertTrue(waited, "the copy waits for the step")
        self.assertEqual(step.get("result", step.get("error")), "success\ncreated=21 updated=0 archived=0\n",
                         "its 20 products and their group")
        self.assertEqual(products, 20, "the whole file imported")
        self.assertEqual(copy.get("result", copy.get("error")), "success\n")
        self.assertEqual(stored, body, "the copy stored anew")
        self.assertEqual(files, [("import.xml (sent again)", "done", 20)])
        self.assertIn("import.xml sent again: imported anew", lines)

    def test_a_catalog_file_sent_again_past_the_wait_for_its_first_import_step_is_busy(self):
        """1C sends its catalog file again while the first step of its import reads it, for longer than the wait
        (twice a step): busy, as once a step of it is committed. 1C hears «failure» and why on one line, its
        body unread before the answer (drained after it); the step imports the whole file, nothing of the copy
        stored."""
        body = big_catalog(3, start=100)[:300]
        waited, step, copy, (stored, files, lines, products) = self.sent_again_during_its_first_step(body, True, (
            patch.object(ExchangeController, "_step_seconds", lambda self, env: 0),))  # the wait: 5 s
        self.assertTrue(waited, "the copy waits for the step")
        self.assertEqual(copy.get("result", copy.get("error")),
                         "failure\nimport.xml: its import is running in another request: this copy was not stored, "
                         "send the file again\n")
        self.assertEqual(copy["stream"].tell(), 0, "nothing of its body read before the answer: drained after it, "
                                                   "the transaction over (ExchangeController.exchange: drain_after)")
        self.assertEqual(step.get("result", step.get("error")), "success\ncreated=21 updated=0 archived=0\n",
                         "its 20 products and their group")
        self.assertEqual((stored, files, lines, products), (big_catalog(20), [("import.xml", "done", 20)], "", 20),
                         "the whole file imported, nothing of the copy stored")

    def test_an_archive_sent_again_while_an_import_step_unpacks_it_waits_for_the_step(self):
        """1C sends its zip again (the first part of it) while an import step unpacks it (each import unpacks the
        archives not unpacked yet, whichever file 1C asks for): no record of the archive is committed yet, and
        the copy emptied it under the unpacking, which read the copy's first part (a corrupt archive: the
        exchange failed). The step holds the archive it unpacks: the copy waits for it, then is stored anew,
        what the archive held going with its old bytes."""
        body = self.zipped(b"<new/>" * 100)[:100]
        waited, step, copy, (stored, files, lines, products) = self.sent_again_during_its_first_step(
            body, archive=self.zipped(b"<old/>"))
        self.assertTrue(waited, "the copy waits for the step")
        self.assertEqual(step.get("result", step.get("error")), "success\ncreated=21 updated=0 archived=0\n")
        self.assertEqual(copy.get("result", copy.get("error")), "success\n")
        self.assertEqual((stored, files, products),
                         (body, [("offers.zip (sent again)", "done", 1), ("import.xml", "done", 20)], 20))
        self.assertIn("offers.zip sent again: imported anew", lines)

    def test_an_archive_sent_again_is_not_unpacked_before_its_bytes_are_all_in(self):
        """1C sends its zip again and another request stores it (its bytes not all in) while an import step
        unpacks the archives not unpacked yet: the step leaves it, whole once its copy is stored; the next
        step unpacks it. 1C asking meanwhile for a file the zip holds hears «progress» (not «not uploaded in
        this session», the exchange failed) and asks again."""
        empty = ('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.10">'
                 '<Каталог СодержитТолькоИзменения="true"><Ид>c</Ид><Товары/></Каталог></КоммерческаяИнформация>')
        session_id = self.session_importing(content=empty.encode(), began=False,
                                            others={"offers.zip": self.zipped(b"<x/>")})
        fake = self.catalog_file_sent_again(session_id, b"")[0]

        def unpacked(env):
            session = env["ecom.1c.session"].browse(session_id)
            return (os.path.exists(os.path.join(session._upload_dir(), "offers0_1.xml")), session.exchange_id.state,
                    [(f.name, f.state) for f in session.exchange_id.file_ids])

        copy = self.registry.cursor()
        try:
            with patch.object(exchange_module, "request", fake):
                copy.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [FILE_LOCK, f"{session_id}/offers.zip"])
                self.assertEqual(self.committed(self.import_step(session_id, "offers0_1.xml")),
                                 "progress\noffers0_1.xml: the archive offers.zip is being stored by another "
                                 "request; waiting for it\n")
                self.assertEqual(self.committed(self.import_step(session_id)),
                                 "success\ncreated=0 updated=0 archived=0\n")
                self.assertEqual(self.committed(unpacked), (False, "running", [("import.xml", "done")]),
                                 "left while it comes, nothing failed")
                copy.rollback()  # the copy stored
                self.assertEqual(self.committed(self.import_step(session_id)),
                                 "success\ncreated=0 updated=0 archived=0\n")
            self.assertEqual(self.committed(unpacked),
                             (True, "running", [("import.xml", "done"), ("offers.zip", "done")]))
        finally:
            copy.rollback()
            copy.close()

    def test_a_catalog_file_sent_again_holds_no_import_lock_while_its_body_comes(self):
        """1C sends a catalog file again once its import began (its timeout fired), over a slow connection: the
        request waited for the import lock and held it to its end, while 1C's bytes came, for as long as they
        took: no other exchange of the database could import meanwhile («progress» to each). The import lock
        is taken once the body is in; the file stays held by the request throughout (its import is refused,
        its bytes untouched until the copy's are in), and the copy is stored anew."""
        session_id = self.session_importing()
        body = b"<new/>"
        fake, send_again = self.catalog_file_sent_again(session_id, body)
        receiving, go = threading.Event(), threading.Event()

        def slow_body(limit):  # 1C's bytes come slowly
            receiving.set()
            go.wait(30)
            return body

        def stored(env):
            with open(os.path.join(env["ecom.1c.session"].browse(session_id)._upload_dir(), "import.xml"), "rb") as f:
                return f.read()

        def import_lock_free(env):
            env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
            return env.cr.fetchone()[0]

        controller, thread, outcome = ExchangeController(), None, {}
        try:
            with patch.object(exchange_module, "request", fake), patch.object(exchange_module, "read_body", slow_body):
                thread, outcome = self.in_thread(send_again)
                self.assertTrue(receiving.wait(30), "1C's bytes come")
                meanwhile = (self.committed(import_lock_free), self.committed(lambda env: controller._hold_file(
                    env, env["ecom.1c.session"].browse(session_id), "import.xml")), self.committed(stored))
                go.set()
                self.join(thread, outcome)
        finally:
            go.set()
            if thread and thread.is_alive():
                self.join(thread, outcome)
        self.assertEqual(meanwhile, (True, False, b"<old/>"),
                         "another exchange imports meanwhile; the file is held, its bytes untouched")
        self.assertEqual(outcome.get("result", outcome.get("error")), "success\n")
        self.assertEqual(self.committed(stored), body, "stored anew")
        self.assertEqual(self.committed(lambda env: [(f.name, f.state) for f in env["ecom.1c.session"].browse(
            session_id).exchange_id.file_ids]), [("import.xml (sent again)", "failed")])

    def test_an_order_document_failing_to_serialise_is_run_again_by_odoo(self):
        """1C's order document, imported as soon as it is stored (``mode=file``), while a job (the orders'
        notifications) wrote the same customer since the import's transaction began: the import fails to
        serialise. It was «failure… send the file again», a traceback logged and the exchange failed, never
        run again by Odoo (which does so for a failure to serialise). The bytes stored are committed before
        the import, and the failure is Odoo's: run again, the part is found stored and imported, not appended a
        second time. Past Odoo's tries, 1C hears «failure» and why (no traceback), the exchange failed."""
        session_id = self.session_importing(began=False)
        partner_id = self.committed(lambda env: env["res.partner"].create({"name": "1C's customer"}).id)
        self.addCleanup(self.committed, lambda env: env["res.partner"].browse(partner_id).unlink())
        body, conflict, imported = b"<orders/>", [], []

        def import_orders(_controller, env, _session, _type, filename, time_boxed=True):
            imported.append((filename, time_boxed))
            env.cr.execute("SELECT name FROM res_partner WHERE id = %s", [partner_id])  # the import's snapshot
            if conflict:  # the job writes the customer, and commits
                self.committed(lambda other: other.cr.execute(
                    "UPDATE res_partner SET comment = 'notified' WHERE id = %s", [partner_id]))
            env.cr.execute("UPDATE res_partner SET comment = 'imported' WHERE id = %s", [partner_id])
            return exchange_module.answer("success", "created=1 updated=0 archived=0")

        def send(tries):  # the request as Odoo runs it the ``tries``-th time
            fake = SimpleNamespace(httprequest=SimpleNamespace(content_length=len(body),
                                                               environ={"ecom_1c.tries": tries}),
                                   make_response=lambda data, headers=None: Response(data, headers=headers))
            with patch.object(exchange_module, "request", fake), \
                    patch.object(exchange_module, "read_body", lambda limit: body), \
                    patch.object(ExchangeController, "_mode_import", import_orders), \
                    self.assertNoLogs("odoo.addons.ecom_crm_1c", "WARNING"):  # no traceback
                return self.committed(lambda env: ExchangeController()._mode_file(
                    env, env["ecom.1c.session"].browse(session_id), "sale", "orders.xml").get_data(as_text=True))

        def state(env):
            session = env["ecom.1c.session"].browse(session_id)
            with open(os.path.join(session._upload_dir(), "orders.xml"), "rb") as stored:
                return stored.read(), session.upload_size, session.exchange_id.state

        conflict.append(True)
        with self.assertRaises(psycopg2.errors.SerializationFailure):
            send(1)
        self.assertEqual(self.committed(state), (body, len(body), "running"), "stored, committed, not failed")
        conflict.clear()
        self.assertEqual(send(2), "success\ncreated=1 updated=0 archived=0\n", "run again: imported")
        self.assertEqual(self.committed(state), (body, len(body), "running"), "not appended a second time")
        self.assertEqual(imported, [("orders.xml", False)] * 2)
        conflict.append(True)  # past Odoo's tries (the part sent again, as 1C does when it heard no answer)
        self.assertEqual(send(exchange_module.MAX_TRIES_ON_CONCURRENCY_FAILURE),
                         "failure\norders.xml: someone changed the same orders meanwhile: nothing applied, "
                         "send the file again\n")
        self.assertEqual(self.committed(state), (body, len(body), "failed"))

    def test_init_while_a_file_of_its_session_is_imported_is_busy(self):
        """1C starts its exchange anew (``mode=init``) while a file of the same session is imported by another
        request (1C heard no answer in time): init emptied the upload area under that import (which then
        failed on a file gone) and the import's failure was written to the exchange init began. Init is
        refused, busy (nothing written, the upload area as it was), whether the file imported is stored as
        it is or in an archive not unpacked yet; the import over, init starts the exchange anew."""
        for held in ("import.xml", "offers0_1.xml"):
            with self.subTest(held=held):
                session_id = self.session_importing(others={"offers.zip": self.zipped(b"<offers/>")})
                self.addCleanup(self.committed, lambda env, session_id=session_id: env["ecom.1c.exchange"].search(
                    [("session_id", "=", session_id)]).unlink())
                fake = SimpleNamespace(httprequest=SimpleNamespace(args={}, remote_addr="127.0.0.1"),
                                       make_response=lambda data, headers=None: data)

                def init(env, session_id=session_id):
                    return ExchangeController()._mode_init(env, env["ecom.1c.session"].browse(session_id), "catalog",
                                                           None)

                def state(env, session_id=session_id):
                    session = env["ecom.1c.session"].browse(session_id)
                    exchanges = env["ecom.1c.exchange"].search([("session_id", "=", session_id)])
                    return sorted(os.listdir(session._upload_dir())), len(exchanges), session.exchange_id.state

                before = self.committed(state)
                importing = self.registry.cursor()  # the request importing the file holds it
                try:
                    importing.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                                      [FILE_LOCK, f"{session_id}/{held}"])
                    with patch.object(exchange_module, "request", fake):
                        answered = self.committed(init)
                    self.assertEqual(answered, f"failure\n{held}: its import is running in another request: the "
                                               "exchange was not started anew, start it again once the import is "
                                               "over\n")
                    self.assertEqual(self.committed(state), before, "nothing emptied nor written")
                finally:
                    importing.rollback()
                    importing.close()
                with patch.object(exchange_module, "request", fake):
                    self.assertRegex(self.committed(init), r"^zip=(yes|no)\nfile_limit=\d+\n$", "the import over")
                self.assertEqual(self.committed(state), ([], 2, "running"))

    def paused_copy(self, session_id, name, body, pause_at):
        """1C's request storing ``name`` (``body``) in the session, run on a thread, paused once it reached
        ``pause_at`` (a method of the controller, called through): ``(thread, outcome, go)``, ``go`` the
        event that lets it on. The controller's ``request`` and ``read_body`` are patched for the test's
        duration (see :meth:`catalog_file_sent_again`)."""
        fake, send = self.catalog_file_sent_again(session_id, body, name)
        paused, go = threading.Event(), threading.Event()
        original = getattr(ExchangeController, pause_at)

        def pausing(controller, *args, **kwargs):
            result = original(controller, *args, **kwargs)
            if threading.current_thread() is thread:
                paused.set()
                go.wait(30)
            return result

        for patcher in (patch.object(exchange_module, "request", fake),
                        patch.object(exchange_module, "read_body", lambda limit: body),
                        patch.object(ExchangeController, pause_at, pausing)):
            patcher.start()
            self.addCleanup(patcher.stop)
        self.addCleanup(go.set)
        thread, outcome = self.in_thread(send)
        self.assertTrue(paused.wait(30), "the copy is being stored")
        return thread, outcome, go

    def test_an_image_sent_again_is_read_whole_or_old_never_torn(self):
        """1C sends an image again (``import_files/…``, its timeout fired) while a catalog import step reads
        the images its products name: the copy emptied the stored image, then appended its bytes, and the
        step, holding no lock of the image, read it empty or half written (a product losing its image, or
        given a torn one). The image is replaced whole: until the copy's bytes are all in, the old image
        is read; then the new one."""
        name, old, new = "import_files/ab/abc.jpg", b"old image " * 10, b"new image " * 10
        session_id = self.session_importing()

        def image(env):
            path = os.path.join(env["ecom.1c.session"].browse(session_id)._upload_dir(), name)
            if not os.path.exists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(old)
            with open(path, "rb") as f:  # what the catalog's import step reads (unlocked)
                return f.read()

        self.assertEqual(self.committed(image), old)
        thread, outcome, go = self.paused_copy(session_id, name, new, "_start_anew")
        meanwhile = self.committed(image)
        go.set()
        self.join(thread, outcome)
        self.assertEqual(outcome.get("result", outcome.get("error")), "success\n")
        self.assertEqual(meanwhile, old, "the old image while the copy is stored, not an emptied one")
        self.assertEqual(self.committed(image), new)

    def test_a_slow_upload_holds_no_session_row_while_its_body_comes(self):
        """1C's request storing a file over a slow connection locked the session's row before reading its body:
        any other request of the session writing the row (another file stored, the next ``mode``'s own write)
        waited for the whole upload. The body is read first; the row is locked once it is in, briefly. The
        slow request, which then finds the row changed since it began, is run again by Odoo (its body kept)."""
        session_id = self.session_importing(began=False)
        slow, quick = b"<slow/>", b"<quik/>"
        fake = SimpleNamespace(httprequest=SimpleNamespace(content_length=len(slow)),
                               make_response=lambda data, headers=None: data)
        receiving, go = threading.Event(), threading.Event()
        slow_thread = []

        def body(limit):
            if threading.current_thread() in slow_thread:
                receiving.set()
                go.wait(30)
                return slow
            return quick

        def store(name):
            return lambda env: ExchangeController()._mode_file(env, env["ecom.1c.session"].browse(session_id),
                                                               "catalog", name)

        self.addCleanup(go.set)
        with patch.object(exchange_module, "request", fake), patch.object(exchange_module, "read_body", body):
            thread, outcome = self.in_thread(store("slow.xml"))
            slow_thread.append(thread)
            self.assertTrue(receiving.wait(30), "1C's slow bytes come")
            other, other_outcome = self.in_thread(store("quick.xml"))
            waited = self.wait_for_lock_or_end(outcome["pid"], other, timeout=5)
            go.set()
            self.join(other, other_outcome)
            self.join(thread, outcome)
            self.assertFalse(waited, "the other request of the session did not wait for the slow body")
            self.assertEqual(other_outcome.get("result", other_outcome.get("error")), "success\n")
            if "error" in outcome:  # the row changed since it began: Odoo runs it again, its body kept
                self.assertIsInstance(outcome["error"], psycopg2.errors.SerializationFailure)
                with patch.object(exchange_module, "read_body", lambda limit: slow):
                    self.assertEqual(self.committed(store("slow.xml")), "success\n")

        def stored(env):
            session = env["ecom.1c.session"].browse(session_id)
            folder = session._upload_dir()
            return {n: open(os.path.join(folder, n), "rb").read() for n in ("slow.xml", "quick.xml")}, \
                session.upload_size
        self.assertEqual(self.committed(stored), ({"slow.xml": slow, "quick.xml": quick},
                                                  len(slow) + len(quick)))

    def test_deactivate_waits_for_a_file_of_its_session_being_stored(self):
        """1C's ``mode=deactivate`` while another request of the session stores a full catalog again (emptied,
        its bytes not in yet): deactivate read the emptied copy, took it for no catalog, and archived as if
        the full catalog uploaded but not imported were not there. It waits for the file's storing (the
        session's row, locked while a file's bytes are written), then, run again by Odoo, reads it whole:
        nothing archived, 1C told the catalog is not imported."""
        session_id = self.session_importing(content=big_catalog(2), began=False)
        fake_args = SimpleNamespace(args={"timestamp": str(int(time.time()) - 60)})

        def deactivate(env):
            with patch.object(exchange_module, "request", SimpleNamespace(
                    httprequest=fake_args, make_response=lambda data, headers=None: data)):
                return ExchangeController()._mode_deactivate(env, env["ecom.1c.session"].browse(session_id),
                                                             "catalog", None)

        self.committed(lambda env: env["ecom.1c.session"].browse(session_id).write({"last_file": "offers.xml"}))
        thread, outcome, go = self.paused_copy(session_id, "import.xml", big_catalog(2), "_start_anew")
        other, other_outcome = self.in_thread(deactivate)
        waited = self.wait_for_lock_or_end(outcome["pid"], other, timeout=5)
        go.set()
        self.join(thread, outcome)
        self.join(other, other_outcome)
        self.assertEqual(outcome.get("result", outcome.get("error")), "success\n")
        self.assertTrue(waited, "deactivate waits for the copy")
        self.assertIsInstance(other_outcome.get("error"), psycopg2.errors.SerializationFailure,
                              "the row changed meanwhile: Odoo runs it again")
        self.assertEqual(self.committed(deactivate), "failure\nimport.xml: uploaded but not imported: nothing "
                                                     "archived\n")

    def test_deactivate_past_the_wait_for_a_file_being_stored_answers_failure_busy(self):
        """A request of the session keeps storing a file for longer than twice a step: deactivate archives
        nothing and answers «failure» and why (busy, as past its wait for an import step), the exchange not
        marked failed. Not «progress»: 1C-Bitrix answers deactivate «success» or «failure» alone, and 1C
        may take «progress» for done."""
        session_id = self.session_importing(content=big_catalog(2), began=False)
        fake = SimpleNamespace(httprequest=SimpleNamespace(args={"timestamp": str(int(time.time()) - 60)}),
                               make_response=lambda data, headers=None: data)
        storing = self.registry.cursor()
        try:
            storing.execute("SET LOCAL lock_timeout = '20s'")
            storing.execute("SELECT id FROM ecom_1c_session WHERE id = %s FOR UPDATE", [session_id])
            with patch.object(exchange_module, "request", fake), \
                    patch.object(ExchangeController, "_step_seconds", lambda self, env: 0):  # the wait: 5 s
                answered = self.committed(lambda env: ExchangeController()._mode_deactivate(
                    env, env["ecom.1c.session"].browse(session_id), "catalog", None))
        finally:
            storing.rollback()
            storing.close()
        self.assertEqual(answered, "failure\na file of this exchange is being stored by another request: "
                                   "nothing archived, send the exchange again\n")
        self.assertEqual(self.committed(lambda env: env["ecom.1c.session"].browse(session_id).exchange_id.state),
                         "running")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestDuplicateSwapConcurrency(ConcurrencyCase):
    """The store's product of sizes replacing the duplicate the exchange made (CommerceML 2.05 on: see
    test_duplicates_replaced.py) while a salesperson adds the duplicate to a quotation, in a transaction of their
    own (Odoo's REPEATABLE READ): the swap never leaves their line on an archived duplicate unsaid."""

    GUID = "7b1c0f00-0000-4000-8000-00000000d0c1"

    def setUp(self):
        super().setUp()
        self.ids = self.committed(self.products)
        self.addCleanup(self.committed, self.remove)

    def products(self, env):
        """Committed: the store's product of three sizes (articles TS-S, TS-M, TS-L), the duplicate 1C's
        catalog made of the 1C product (one variant), a customer; the company matching by article (its default:
        the test's own transaction holds the company's row)."""
        if env.company.ecom_1c_match_by not in ("article", "article_barcode"):
            self.skipTest("the company does not match the store's products by article")
        size = env["product.attribute"].create({"name": "Размер (конкурентный тест)", "value_ids": [
            Command.create({"name": name}) for name in "SML"]})
        shirt = env["product.template"].create({"name": "Футболка", "attribute_line_ids": [Command.create(
            {"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})]})
        for variant, name in zip(shirt.product_variant_ids.sorted("id"), "SML", strict=True):
            variant.default_code = f"TS-{name}"
        duplicate = env["product.template"].create({"name": "Футболка хлопковая", "ecom_1c_id": self.GUID,
                                                    "ecom_1c_made": True, "ecom_1c_catalog_id": "c207"})
        duplicate.product_variant_id.ecom_1c_id = self.GUID
        partner = env["res.partner"].create({"name": "Покупатель (конкурентный тест)"})
        env.cr.execute("SELECT (SELECT COALESCE(max(id), 0) FROM ecom_1c_price_type),"
                       "       (SELECT COALESCE(max(id), 0) FROM product_attribute)")
        price_types, attributes = env.cr.fetchone()
        return SimpleNamespace(attribute=size.id, shirt=shirt.id, duplicate=duplicate.id,
                               variant=duplicate.product_variant_id.id, partner=partner.id,
                               price_types=price_types, attributes=attributes)

    def remove(self, env):
        ids = self.ids
        orders = env["sale.order"].search([("partner_id", "=", ids.partner)])
        orders._action_cancel()
        orders.unlink()
        env["product.template"].with_context(active_test=False).browse([ids.shirt, ids.duplicate]).unlink()
        # the size attribute of the test, and the one a committed import made of 1C's characteristics
        env["product.attribute"].search(["|", ("id", "=", ids.attribute), ("id", ">", ids.attributes)]).unlink()
        env["res.partner"].browse(ids.partner).unlink()
        env["ecom.1c.price.type"].search([("id", ">", ids.price_types)]).unlink()

    def in_use(self):
        """What the log says of the duplicate kept for the salesperson's quotation, once for its three sizes."""
        return (f"1C product {self.GUID} was not bound to the store's product «Футболка» by the codes of its "
                "characteristics (article «TS-S», article «TS-M», article «TS-L»): it is a product the exchange made "
                "that is in use already (a record of «Sales Order Line» refers to it), not replaced")

    def quotation(self, env):
        """The salesperson's quotation of the duplicate."""
        env["sale.order"].create({"partner_id": self.ids.partner, "order_line": [
            Command.create({"product_id": self.ids.variant, "product_uom_qty": 1})]})
        env.flush_all()

    def offers(self, env):
        """The exchange's step importing 1C's offers: the three sizes by their articles; its counts."""
        sizes = [(name.lower(), f"TS-{name}", name, None, 0, self.GUID) for name in "SML"]
        return env["ecom.1c.importer"]._import_offers(test_duplicates_replaced.offers_207(*sizes))

    def test_a_quotation_committed_after_the_exchange_s_snapshot_keeps_the_duplicate(self):
        """The exchange's transaction took its snapshot (it read the products), then a salesperson's quotation
        of the duplicate is committed: invisible to the snapshot, it is seen all the same (after the lock, on a
        snapshot of its own), the duplicate stays, and the log says what uses it."""
        exchange = self.registry.cursor()
        try:
            env = api.Environment(exchange, SUPERUSER_ID, {})
            self.assertEqual(env["sale.order.line"].search_count([("product_id", "=", self.ids.variant)]), 0)
            self.committed(self.quotation)
            self.assertEqual(env["sale.order.line"].search_count([("product_id", "=", self.ids.variant)]), 0,
                             "after the snapshot: not seen by it")
            counts = self.offers(env)
            duplicate = env["product.template"].browse(self.ids.duplicate)
            self.assertEqual((duplicate.active, duplicate.ecom_1c_id, counts["notes"], counts["archived"]),
                             (True, self.GUID, [], 0))
            self.assertFalse(env["product.template"].browse(self.ids.shirt).ecom_1c_id)
            self.assertEqual(counts["warnings"], [self.in_use()])
        finally:
            exchange.rollback()
            exchange.close()

    def test_a_quotation_being_saved_makes_the_exchange_run_again(self):
        """The salesperson's transaction added the duplicate to a quotation and has not committed yet: the swap
        neither waits for it (to archive the duplicate once it committed, blind to its line) nor goes on: the step
        fails to lock the duplicate at once, a concurrency error that the exchange's controller has Odoo run again
        from its start (nothing of the step applied); run again, it sees the line and keeps the duplicate."""
        outcome = self.beside_uncommitted(self.quotation, self.offers)
        self.assertIsInstance(outcome.get("error"), psycopg2.errors.LockNotAvailable, outcome.get("result"))
        self.assertTrue(issubclass(psycopg2.errors.LockNotAvailable,
                                   exchange_module.PG_CONCURRENCY_EXCEPTIONS_TO_RETRY))
        counts = self.committed(self.offers)
        self.assertEqual((counts["archived"], counts["notes"]), (0, []))
        self.assertEqual(counts["warnings"], [self.in_use()])
        self.assertTrue(self.committed(lambda env: env["product.template"].browse(self.ids.duplicate).active))

    def test_a_duplicate_held_by_a_transaction_that_goes_on_is_named_to_1c(self):
        """Someone saving the duplicate (its row written, not committed) while the offers are imported: the step
        fails to lock it at once, as on each of Odoo's tries while the save goes on; past them, 1C hears that this
        product is locked in Odoo and to send the file again, not that another request of its session was stored.
        Nothing of the step applied: the duplicate stays 1C's, the store's product unbound."""
        def saving(env):
            env["product.template"].browse(self.ids.duplicate).write({"description_sale": "Правка продавца"})
            env.flush_all()

        outcome = self.beside_uncommitted(saving, self.offers)
        error = outcome.get("error")
        self.assertIsInstance(error, psycopg2.errors.LockNotAvailable, outcome.get("result"))
        self.assertEqual(error.ecom_1c_locked, [("Футболка хлопковая", self.GUID)])
        russian = self.env(context={"lang": "ru_RU"})
        self.assertEqual(ExchangeController._concurrency_message(russian, error), (
            f"товар «Футболка хлопковая» (ид. 1С {self.GUID}), созданный обменом, заблокирован в Odoo (его или "
            "документ с ним сейчас сохраняют), и товар магазина не может его заменить: ничего из этого шага не "
            "применено, отправьте файл ещё раз"))
        self.assertEqual(ExchangeController._concurrency_message(russian, psycopg2.errors.SerializationFailure()),
                         "другой запрос этого сеанса обмена ещё сохранялся: отправьте этот запрос снова")
        self.assertEqual(self.committed(lambda env: (
            env["product.template"].browse(self.ids.duplicate).active,
            env["product.template"].browse(self.ids.duplicate).ecom_1c_id,
            env["product.template"].browse(self.ids.shirt).ecom_1c_id)), (True, self.GUID, False))
        # the save committed, the exchange run again swaps
        counts = self.committed(self.offers)
        self.assertEqual((counts["archived"], counts["warnings"]), (1, []))

    def test_a_quotation_begun_before_the_swap_commits_fails_to_serialise(self):
        """The other way round: the exchange swapped (the duplicate archived, not committed yet) when the
        salesperson's transaction, begun before, adds the duplicate: its foreign key check waits for the
        exchange's lock, then fails to serialise (Odoo runs the request again, when the duplicate is archived),
        never committing a line the swap did not see."""
        def swap(env):
            counts = self.offers(env)
            self.assertEqual((counts["archived"], env["product.template"].browse(self.ids.duplicate).active),
                             (1, False))
            env.flush_all()

        def begun(env):
            env.cr.execute("SELECT count(*) FROM sale_order")  # its snapshot: before the swap commits
            started.set()
            gate.wait(30)
            self.quotation(env)

        started, gate = threading.Event(), threading.Event()
        exchange = self.registry.cursor()
        thread = None
        try:
            thread, outcome = self.in_thread(begun)
            self.assertTrue(started.wait(30))
            swap(api.Environment(exchange, SUPERUSER_ID, {}))
            gate.set()
            self.wait_for_lock_or_end(self.backend_pid(exchange), thread)
            exchange.commit()
        finally:
            gate.set()
            exchange.close()
            if thread:
                self.join(thread, outcome)
        self.assertIsInstance(outcome.get("error"), psycopg2.errors.SerializationFailure)
        self.assertEqual(self.committed(lambda env: env["sale.order.line"].search_count(
            [("product_id", "=", self.ids.variant)])), 0)
