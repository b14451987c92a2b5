"""What 1C uploaded, and its sessions, go once the exchange is over (the hourly cleanup)."""

import os
import shutil
import tempfile
import time
from datetime import timedelta
from unittest.mock import patch

from lxml import etree

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models.ecom_1c_exchange import FILE_LOCK, IMPORT_LOCK
from ..models.ecom_1c_session import KEEP_UPLOADS
from .common import Ecom1cCase, ProtocolCase, held_by_another_request


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestUploadCleanup(Ecom1cCase):
    def setUp(self):
        super().setUp()
        self.Session = self.env["ecom.1c.session"]
        self.params = self.env["ir.config_parameter"].sudo()
        self.params.set_param(KEEP_UPLOADS, "0")

    def session(self, expired=None, state="done", files=("import0_1.xml",)):
        """A session of 1C with an exchange in ``state`` and ``files`` in its upload area, expired ``expired``
        (a timedelta) ago, or live."""
        session = self.Session._open("10.0.0.1")[0]
        exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "catalog", "session_id": session.id,
                                                         "state": state})
        exchange.file_ids = [(0, 0, {"name": name, "kind": "catalog", "state": "done"}) for name in files]
        for name in files:
            with open(os.path.join(session._upload_dir(), name), "wb") as f:
                f.write(b"<x/>")
        now = fields.Datetime.now()
        session.write({"exchange_id": exchange.id,
                       "expires_at": now - expired if expired else now + timedelta(hours=1)})
        self.addCleanup(shutil.rmtree, os.path.join(self.Session._uploads_root(), f"session-{session.id}"), True)
        return session

    def area(self, session):
        return os.path.join(self.Session._uploads_root(), f"session-{session.id}")

    def test_the_areas_of_sessions_over_go_and_their_rows_a_month_later(self):
        over = self.session(timedelta(hours=2))
        ancient = self.session(timedelta(days=31))
        exchange = ancient.exchange_id
        live = self.session()
        running = self.session(timedelta(hours=2), state="running")
        just_expired = self.session(timedelta(minutes=10))  # a request in flight at its end may still write
        self.Session._remove_old_uploads()
        self.assertFalse(os.path.exists(self.area(over)))
        self.assertTrue(over.exists(), "its row stays a month, the exchange log's")
        self.assertFalse(os.path.exists(self.area(ancient)))
        self.assertFalse(ancient.exists())
        self.assertTrue(exchange.exists(), "the exchange log stays")
        self.assertFalse(exchange.session_id)
        for kept in (live, running, just_expired):
            self.assertTrue(os.path.isfile(os.path.join(self.area(kept), "import0_1.xml")), kept)
            self.assertTrue(kept.exists())

    def test_nothing_of_a_session_whose_file_a_request_holds(self):
        session = self.session(timedelta(days=40))
        with held_by_another_request(self.env, [FILE_LOCK, f"{session.id}/import0_1.xml"]):
            self.Session._remove_old_uploads()
            self.assertTrue(os.path.isfile(os.path.join(self.area(session), "import0_1.xml")))
            self.assertTrue(session.exists())
        other = self.session(timedelta(days=2))
        with held_by_another_request(self.env, [IMPORT_LOCK]):  # another session's import: nothing of this one's
            self.Session._remove_old_uploads()
        self.assertFalse(os.path.exists(self.area(session)))
        self.assertFalse(os.path.exists(self.area(other)))
        self.assertFalse(session.exists(), "the import over, it goes")

    def test_a_batch_a_run_the_rest_left_for_the_next(self):
        # what the database's folder held before (a long-lived test database's stray areas) first: the batches
        # counted below are this test's sessions'
        while self.Session._remove_old_uploads()[1]:
            pass
        sessions = [self.session(timedelta(hours=2)) for _i in range(3)]
        # some request imports (the first call), none of these sessions' files (the others)
        with patch.object(type(self.env["ecom.1c.exchange"]), "_importing", autospec=True,
                          side_effect=lambda exchanges, session=None: not session) as importing:
            self.assertEqual(self.Session._remove_old_uploads(batch=2), (2, 1))
        self.assertEqual(importing.call_count, 3, "some request imports: the lock checked of this run's two alone")
        self.assertEqual([os.path.exists(self.area(session)) for session in sessions], [False, False, True])
        self.assertEqual(self.Session._remove_old_uploads(batch=2), (1, 0))
        self.assertFalse(os.path.exists(self.area(sessions[2])))

    def test_a_database_name_that_is_no_folder_of_its_own_removes_nothing(self):
        """PostgreSQL takes any name; one with a separator or «..» would make another folder the database's."""
        session = self.session(timedelta(hours=2))
        module = "odoo.addons.ecom_crm_1c.models.ecom_1c_session"
        for name in ("other/..", "..", "a/b", "."):
            with patch.object(self.env.cr, "dbname", name), self.assertLogs(module, "WARNING") as logs:
                self.assertEqual(self.Session._upload_areas(), {})
            self.assertIn("no upload area removed", logs.output[0])
        self.Session._remove_old_uploads()
        self.assertFalse(os.path.exists(self.area(session)), "its own name: removed")

    def test_the_days_settings_keeps_the_files(self):
        settings = self.env["res.config.settings"].create({"ecom_1c_keep_uploads_days": 3})
        settings.execute()
        self.assertEqual(self.params.get_param(KEEP_UPLOADS), "3")
        recent, old = self.session(timedelta(days=2)), self.session(timedelta(days=4))
        self.Session._remove_old_uploads()
        self.assertTrue(os.path.isdir(self.area(recent)))
        self.assertFalse(os.path.exists(self.area(old)))
        # 0 is kept as 0 (a parameter field of 0 would store nothing, read back as the default 7)
        self.env["res.config.settings"].create({"ecom_1c_keep_uploads_days": 0}).execute()
        self.assertEqual(self.params.get_param(KEEP_UPLOADS), "0")
        self.assertEqual(self.env["res.config.settings"].create({}).ecom_1c_keep_uploads_days, 0, "the form shows 0")
        self.Session._remove_old_uploads()
        self.assertFalse(os.path.exists(self.area(recent)))
        with self.assertRaisesRegex(ValidationError, "0 days or more"):
            self.env["res.config.settings"].create({"ecom_1c_keep_uploads_days": -7}).execute()
        self.assertEqual(self.params.get_param(KEEP_UPLOADS), "0", "nothing written")
        self.params.search([("key", "=", KEEP_UPLOADS)]).unlink()
        self.assertEqual(self.Session._keep_uploads_days(), 7, "a week unless set")

    def test_a_stray_area_goes_anything_else_stays(self):
        root = self.Session._uploads_root()
        os.makedirs(root, exist_ok=True)
        outside = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, outside, True)
        with open(os.path.join(outside, "keep.xml"), "wb") as f:
            f.write(b"<x/>")
        stray, fresh = os.path.join(root, "session-999999991"), os.path.join(root, "session-999999992")
        link, plain = os.path.join(root, "session-999999993"), os.path.join(root, "session-999999994")
        other = os.path.join(root, "session-12abc")
        for folder in (stray, fresh, other):
            os.makedirs(os.path.join(folder, "import_files"), exist_ok=True)
            self.addCleanup(shutil.rmtree, folder, True)
        os.symlink(outside, link)
        self.addCleanup(os.remove, link)
        with open(plain, "wb") as f:
            f.write(b"x")
        self.addCleanup(os.remove, plain)
        day_ago = time.time() - 86400  # unchanged for longer than a session lives: no session's any more
        for path in (stray, link):
            os.utime(path, (day_ago, day_ago), follow_symlinks=False)
        self.Session._remove_old_uploads()
        self.assertFalse(os.path.exists(stray))
        self.assertTrue(os.path.isdir(fresh), "a session just opened, this transaction may not see it yet")
        self.assertTrue(os.path.islink(link) and os.path.isfile(os.path.join(outside, "keep.xml")))
        self.assertTrue(os.path.isfile(plain) and os.path.isdir(other))

    def test_a_missing_or_unreadable_folder_fails_nothing(self):
        session = self.session(timedelta(hours=2))
        shutil.rmtree(self.area(session))
        self.Session._remove_old_uploads()
        session = self.session(timedelta(hours=2))
        module = "odoo.addons.ecom_crm_1c.models.ecom_1c_session"
        for name in ("shutil.rmtree", "os.scandir"):
            with patch(f"{module}.{name}", side_effect=PermissionError(13, "Permission denied")), \
                    self.assertLogs(module, "WARNING") as logs:
                self.Session._remove_old_uploads()
            self.assertIn("Permission denied", logs.output[0])
            self.assertTrue(os.path.isdir(self.area(session)), "left for the next run")
        self.Session._remove_old_uploads()
        self.assertFalse(os.path.exists(self.area(session)))

    def test_the_cron_is_scheduled_hourly_and_runs(self):
        cron = self.env.ref("ecom_crm_1c.ir_cron_remove_old_uploads")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"))
        session = self.session(timedelta(hours=2))
        cron.method_direct_trigger()
        self.assertFalse(os.path.exists(self.area(session)))

    def test_the_cron_tells_odoo_what_is_left(self):
        """Odoo's cron runs the action again at once (up to 10 times, a commit between, then as soon as it
        can) while it notifies some done and some left: every session over goes, a batch a run."""
        cron = self.env.ref("ecom_crm_1c.ir_cron_remove_old_uploads")
        sessions = [self.session(timedelta(hours=2)) for _i in range(3)]
        cron, progress = cron._add_progress()
        Session = self.Session.with_context(cron.env.context)
        with patch("odoo.addons.ecom_crm_1c.models.ecom_1c_session.CLEANUP_BATCH", 2):
            Session._cron_remove_old_uploads()
            self.assertEqual((progress.done, progress.remaining), (2, 1), "run again")
            Session._cron_remove_old_uploads()
        self.assertEqual((progress.done, progress.remaining), (1, 0), "all done: at the next hour")
        self.assertFalse(any(os.path.exists(self.area(session)) for session in sessions))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestCleanupKeepsTheExport(ProtocolCase):
    def orders(self, cookie):
        response = self.url_open("/1c_exchange?type=sale&mode=query", headers={"Cookie": f"{cookie[0]}={cookie[1]}"})
        return [document.findtext("Номер") for document in etree.fromstring(response.content).iter("Документ")]

    def order(self):
        customer = self.env["res.partner"].create({"name": "Орлов Денис"})
        product = self.env["product.product"].create({"name": "Чайник"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 1, "price_unit": 1990})]})
        order.action_confirm()
        self.env.flush_all()  # dated now, not at the test transaction's start: after what 1C acknowledged
        self.env.cr.execute("UPDATE sale_order SET write_date = clock_timestamp() AT TIME ZONE 'UTC' WHERE id = %s",
                            [order.id])
        return order

    def test_the_orders_export_goes_on_after_its_sessions_are_removed(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("ecom_crm_1c.orders_committed_until", "2000-01-01 00:00:00")
        params.set_param("ecom_crm_1c.orders_overlap_seconds", 0)
        sent = self.order()
        before = self.env["ecom.1c.session"].search([], limit=1)  # the newest
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        self.assertIn(sent.name, self.orders(cookie))
        self.assertEqual(self.call("success", type_="sale", cookie=cookie), ["success"])
        sessions = self.env["ecom.1c.session"].search([("id", ">", before.id or 0)])  # the test's: not the database's
        sessions.write({"expires_at": fields.Datetime.now() - timedelta(days=40)})
        self.env["ecom.1c.session"]._remove_old_uploads()
        self.assertFalse(sessions.exists())
        new = self.order()
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        numbers = self.orders(cookie)
        self.assertIn(new.name, numbers)
        self.assertNotIn(sent.name, numbers, "1C acknowledged it: its position survives its session")
