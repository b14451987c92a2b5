from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import Ecom1cCase


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestExchangeLog(Ecom1cCase):
    def test_log_an_exchange(self):
        with freeze_time("2026-11-20 10:00:00"):
            exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "catalog"})
            exchange.file_ids = [(0, 0, {"name": "import0_1.xml", "size": 1024, "kind": "catalog"})]
        with freeze_time("2026-11-20 10:00:42"):
            exchange._log("Товар без наименования пропущен")
            exchange._finish(created=3, updated=2, archived=1)
        self.assertEqual(exchange.state, "done")
        self.assertEqual(exchange.date_end, datetime(2026, 11, 20, 10, 0, 42))
        self.assertEqual(exchange.duration, 42.0)
        self.assertEqual((exchange.created_count, exchange.updated_count, exchange.archived_count), (3, 2, 1))
        self.assertEqual(exchange.warning_count, 1)
        self.assertIn("Catalog", exchange.display_name)

    def test_log_access(self):
        exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "sale"})
        self.assertEqual(exchange.with_user(self.exchange_manager).read(["state"])[0]["state"], "running")
        with self.assertRaises(AccessError):
            exchange.with_user(self.salesman).read(["state"])
        with self.assertRaises(AccessError):
            exchange.with_user(self.exchange_manager).write({"state": "done"})
