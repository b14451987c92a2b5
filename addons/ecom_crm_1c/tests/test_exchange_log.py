import os
from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo import fields, sql_db
from odoo.addons.ecom_crm.tests.common import cut_list_headers
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.ecom_1c_exchange import FILE_LOCK, IMPORT_LOCK
from .common import Ecom1cCase, held_by_another_request


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
        # the start as the form's «Started» shows it: the reader's time zone and date format
        self.assertEqual(exchange.with_context(lang="ru_RU", tz="Europe/Moscow").display_name,
                         "Каталог, цены и остатки, 20.11.2026 13:00:00")

    def test_log_access(self):
        exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "sale"})
        self.assertEqual(exchange.with_user(self.exchange_manager).read(["state"])[0]["state"], "running")
        with self.assertRaises(AccessError):
            exchange.with_user(self.salesman).read(["state"])
        with self.assertRaises(AccessError):
            exchange.with_user(self.exchange_manager).write({"state": "done"})

    def test_the_log_reads_whole_in_russian(self):
        """Walked in Russian by an exchange manager: the form named the superuser the exchange runs as
        («Логин обмена: OdooBot», whatever login 1C used), and the lists cut their counts' headers at a
        number's 71 px («Обновл…», «Архивир…», «Предупр…»). Each header shows whole (measured as ecom_crm's
        test of every list measures them)."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_1c"], ["ru_RU"], overwrite=True)
        Exchange = self.env["ecom.1c.exchange"].with_user(self.exchange_manager).with_context(lang="ru_RU")
        views = Exchange.get_views([(False, "list"), (False, "form")])
        form = etree.fromstring(views["views"]["form"]["arch"])
        self.assertFalse(form.xpath("//field[@name='user_id']"), "no «Exchange login» naming OdooBot")
        # the exchanges' list and the form's list of files, as the exchange manager sees them
        lists = self.env.ref("ecom_crm_1c.ecom_1c_exchange_view_list") \
            + self.env.ref("ecom_crm_1c.ecom_1c_exchange_view_form")
        self.assertEqual([cut for view in lists for cut in cut_list_headers(Exchange.env, view)], [])

@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestAbandonedExchanges(Ecom1cCase):
    """1C stops mid-exchange (the accountant closed it, the network dropped, its own timeout): the exchange
    does not stay «in progress» for ever."""

    def exchange(self, files=(), session=None, at="2026-11-20 10:00:00"):
        """A catalog exchange of a session of its own begun ``at``, 1C's last request then, with ``files``
        {name: state}."""
        with freeze_time(at):
            session = session or self.env["ecom.1c.session"]._open("10.0.0.1")[0]
            exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "catalog", "session_id": session.id})
            exchange.file_ids = [(0, 0, {"name": name, "kind": "catalog", "state": state})
                                 for name, state in dict(files).items()]
            session.write({"exchange_id": exchange.id, "last_request": fields.Datetime.now()})
        return exchange

    def close(self, at):
        with freeze_time(at):
            return self.env["ecom.1c.exchange"]._cron_close_abandoned()

    def test_an_exchange_1c_abandoned_is_interrupted_at_its_last_request(self):
        self.env.company.partner_id.tz = "Europe/Moscow"  # the line says when in the store's time, its zone named
        stopped = self.exchange({"import0_1.xml": "running"})
        ended = self.exchange({"import0_1.xml": "done", "offers0_1.xml": "done"})
        empty = self.exchange()
        self.close("2026-11-20 10:59:00")
        self.assertEqual((stopped + ended + empty).mapped("state"), ["running"] * 3, "an hour is not over")
        self.close("2026-11-20 11:00:01")
        self.assertEqual((stopped.state, stopped.date_end), ("interrupted", datetime(2026, 11, 20, 10, 0)))
        self.assertEqual(stopped.warning_count, 1)
        # in the store's language, as the exchange's other lines (the cron's environment has none)
        store = self.env(context={**self.env.context, "lang": self.env.company.partner_id.lang})
        self.assertEqual(stopped.messages, store._(
            "1C's last request came at %s and none since: the exchange was interrupted before its end (1C "
            "stopped, or the connection was lost)", "2026-11-20 13:00:00 Europe/Moscow"))
        self.assertEqual(empty.state, "interrupted", "init and nothing more: 1C stopped")
        # 1C of the classic protocol ends a catalog exchange with its last import, saying nothing more
        self.assertEqual((ended.state, ended.date_end, ended.warning_count),
                         ("done", datetime(2026, 11, 20, 10, 0), 0))
        self.assertEqual(ended.messages, store._(
            "1C's last request came at %s and none since, its files all imported: the exchange is closed as "
            "done", "2026-11-20 13:00:00 Europe/Moscow"))
        messages = stopped.messages
        self.close("2026-11-20 12:00:00")
        self.assertEqual(stopped.messages, messages, "closed once")

    def test_the_last_request_counts_not_the_start(self):
        exchange = self.exchange({"import0_1.xml": "running"})
        with freeze_time("2026-11-20 10:50:00"):  # 1C asks for the next step, answered «progress»
            exchange.session_id.last_request = fields.Datetime.now()
        self.close("2026-11-20 11:30:00")
        self.assertEqual(exchange.state, "running")
        self.close("2026-11-20 11:50:01")
        self.assertEqual((exchange.state, exchange.date_end), ("interrupted", datetime(2026, 11, 20, 10, 50)))

    def test_an_exchange_ends_no_earlier_than_it_began(self):
        """The init that began it noted nothing (another request of the session held its row): the session's
        last request is the one before, of its last exchange; the exchange ends when it began."""
        exchange = self.exchange()
        exchange.session_id.last_request = "2026-11-20 09:30:00"
        self.close("2026-11-20 11:00:01")
        self.assertEqual((exchange.state, exchange.date_end, exchange.duration),
                         ("interrupted", datetime(2026, 11, 20, 10, 0), 0.0))

    def test_a_document_left_waiting_in_the_upload_area_or_orders_unconfirmed_interrupt(self):
        waiting = self.exchange({"import0_1.xml": "done"})
        with open(os.path.join(waiting.session_id._upload_dir(), "offers0_1.xml"), "wb") as f:
            f.write(b"<x/>")
        unconfirmed = self.exchange({"documents.xml": "done"})
        unconfirmed.session_id.export_until = "2026-11-20 10:00:00.000001"
        self.close("2026-11-20 11:00:01")
        self.assertEqual((waiting.state, unconfirmed.state), ("interrupted", "interrupted"))
        self.assertTrue(os.path.exists(os.path.join(waiting.session_id._upload_dir(), "offers0_1.xml")),
                        "kept until the session's next init empties its upload area, as always")

    def test_an_archive_left_unpacked_or_offers_listed_whole_without_the_end_interrupt(self):
        """A file uploaded and never imported is never taken for done: an archive 1C uploaded after its last
        import (the next import unpacks it) too. Whole offers lists of CommerceML 3 leave the archiving of
        the characteristics no longer offered to 1C's end of session (``mode=success``), which never came."""
        zipped = self.exchange({"import0_1.xml": "done"})
        with open(os.path.join(zipped.session_id._upload_dir(), "offers.zip"), "wb") as f:
            f.write(b"PK\x05\x06" + b"\x00" * 18)
        unpacked = self.exchange({"import.zip": "done", "import0_1.xml": "done"})
        for name in ("import.zip", "import0_1.xml", ".unpacked-import.zip"):
            with open(os.path.join(unpacked.session_id._upload_dir(), name), "wb") as f:
                f.write(b"x")
        listed = self.exchange({"offers0_1.xml": "done"})
        listed.file_ids.write({"kind": "offers", "full_catalog": True, "catalog_id": "cat-1", "schema_version": "3.1"})
        self.close("2026-11-20 11:00:01")
        self.assertEqual((zipped.state, unpacked.state, listed.state), ("interrupted", "done", "interrupted"))

    def test_the_exchange_its_session_ends_is_judged_before_its_uploads_go_unless_it_imports(self):
        """1C's next init of the session empties its upload area: the exchange it ends is judged then, while
        what it left unimported is still there, also while another exchange imports; not while a request of
        its own session imports (1C began anew while its last step ran): the next time closes it."""
        exchange = self.exchange({"import0_1.xml": "done"})
        with open(os.path.join(exchange.session_id._upload_dir(), "offers0_1.xml"), "wb") as f:
            f.write(b"<x/>")
        session = exchange.session_id
        exchanges = self.env["ecom.1c.exchange"]
        for key, closed in (([FILE_LOCK, f"{session.id}/offers0_1.xml"], False), ([IMPORT_LOCK], True)):
            with held_by_another_request(self.env, key), freeze_time("2026-11-20 10:05:00"):
                self.assertEqual(exchanges._close_abandoned(ending=exchange), exchange if closed else exchanges)
        self.assertEqual((exchange.state, exchange.date_end), ("interrupted", datetime(2026, 11, 20, 10, 0)),
                         "its file left unimported")

    def test_nothing_is_closed_while_an_import_runs_in_some_request(self):
        """An import step holds its request open as long as it takes: the controller's locks tell, the import
        lock or a file's (held by a request that imports it, or waits for the import lock to)."""
        exchange = self.exchange({"import0_1.xml": "running"})
        for key in ([IMPORT_LOCK], [FILE_LOCK, f"{exchange.session_id.id}/import0_1.xml"]):
            with held_by_another_request(self.env, key):
                self.assertFalse(self.close("2026-11-20 15:00:00"))
                self.assertEqual(exchange.state, "running")
        self.assertIn(exchange, self.close("2026-11-20 15:00:00"), "the import over, it is closed")
        self.assertEqual(exchange.state, "interrupted")

    def test_an_import_of_another_database_closes_nothing_less(self):
        """Advisory locks are the server's: another database of it (another store, its 1C importing) holds the
        same keys. Its import keeps nothing of this store from closing."""
        exchange = self.exchange({"import0_1.xml": "running"})
        elsewhere = sql_db.db_connect("postgres").cursor()
        try:
            elsewhere.execute("SELECT pg_advisory_xact_lock(%s), pg_advisory_xact_lock(%s, hashtext(%s))",
                              [IMPORT_LOCK, FILE_LOCK, f"{exchange.session_id.id}/import0_1.xml"])
            self.assertIn(exchange, self.close("2026-11-20 15:00:00"))
        finally:
            elsewhere.rollback()
            elsewhere.close()
        self.assertEqual(exchange.state, "interrupted")

    def test_a_replaced_exchange_and_one_of_before_the_upgrade_close_by_their_last_write(self):
        """An exchange whose session began another since, or of a session of before 18.0.1.2.8 (no last request):
        its last write, or its files', is its last request."""
        old = self.exchange({"import0_1.xml": "running"})
        old.session_id.last_request = False
        replaced = self.exchange({"import0_1.xml": "done"})
        self.exchange(session=replaced.session_id, at="2026-11-20 10:30:00")  # 1C's init again
        self.env.flush_all()
        for table, column in (("ecom_1c_exchange", "id"), ("ecom_1c_exchange_file", "exchange_id")):
            self.env.cr.execute(f"UPDATE {table} SET write_date = '2026-11-20 10:00:00' WHERE {column} IN %s",
                                [(old.id, replaced.id)])
        self.env.cr.execute("UPDATE ecom_1c_exchange_file SET write_date = '2026-11-20 10:20:00' "
                            "WHERE exchange_id = %s", [old.id])
        self.env.invalidate_all()
        self.close("2026-11-20 10:45:00")
        self.assertEqual((replaced.state, replaced.date_end), ("done", datetime(2026, 11, 20, 10, 0)),
                         "its session moved on: closed at once")
        self.assertEqual(old.state, "running")
        self.close("2026-11-20 11:20:01")
        self.assertEqual((old.state, old.date_end), ("interrupted", datetime(2026, 11, 20, 10, 20)))

    def test_the_line_is_in_the_store_language(self):
        if "ru_RU" not in dict(self.env["res.lang"].get_installed()):
            self.skipTest("Russian is not loaded")
        self.env.company.partner_id.write({"lang": "ru_RU", "tz": False})  # no zone of its own: UTC, named
        exchange = self.exchange()
        with freeze_time("2026-11-20 11:00:01"):  # the cron's environment names no language
            self.env["ecom.1c.exchange"].with_context(lang="en_US")._cron_close_abandoned()
        self.assertIn("Последний запрос 1С пришёл в 2026-11-20 10:00:00 UTC", exchange.messages)

    def test_the_cron_is_scheduled(self):
        cron = self.env.ref("ecom_crm_1c.ir_cron_close_abandoned_exchanges")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (15, "minutes"))

    def test_the_state_in_the_views(self):
        """The form's status bar shows the way an exchange goes (in progress, done): interrupted or failed only
        when it is so, not as steps still ahead of every exchange done. Russian: «Прерван»."""
        arch = self.env["ecom.1c.exchange"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('statusbar_visible="running,done"', arch)
        if "ru_RU" in dict(self.env["res.lang"].get_installed()):
            russian = self.env(context={**self.env.context, "lang": "ru_RU"})
            labels = dict(russian["ecom.1c.exchange"]._fields["state"]._description_selection(russian))
            self.assertEqual(labels["interrupted"], "Прерван")
