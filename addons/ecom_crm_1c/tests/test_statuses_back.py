"""Statuses back from 1C: documents naming the site's orders."""

import io
import os
import threading
import zipfile
from unittest.mock import patch

from odoo import sql_db
from odoo.tests import tagged

from ..commerceml import read_documents
from .common import ImporterCase, ProtocolCase, path

STATUS = """<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.08"><Документ><Ид>{id}</Ид><Номер>{number}</Номер>
<ХозОперация>Заказ товара</ХозОперация><ЗначенияРеквизитов>
<ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>ИМ-000{n}</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Дата по 1С</Наименование><Значение>2026-11-21</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>true</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>ПометкаУдаления</Наименование><Значение>{deleted}</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Заказ оплачен</Наименование><Значение>true</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Статус заказа</Наименование><Значение>{status}</Значение></ЗначениеРеквизита>
</ЗначенияРеквизитов></Документ></КоммерческаяИнформация>"""


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestStatusesBack(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "Покупатель"})
        product = cls.env["product.product"].create({"name": "Чайник"})
        cls.orders = cls.env["sale.order"].create([{"partner_id": partner.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 1})]} for _i in range(3)])
        cls.orders.action_confirm()

    def status_file(self, order, status="Открыт", deleted="false", by_number=False, paid="true"):
        text = STATUS.format(id="x" if by_number else f"odoo-order-{order.id}", number=order.name, n=order.id,
                             status=status, deleted=deleted)
        paid_mark = "оплачен</Наименование><Значение>"
        return io.BytesIO(text.replace(f"{paid_mark}true<", f"{paid_mark}{paid}<").encode())

    def test_reader_on_official_file(self):
        documents = [v for _k, v in read_documents(path("official-2.04", "orders.xml"))]
        self.assertEqual([d["number"] for d in documents], ["36", "92", "93"])
        self.assertEqual(documents[1]["number_1c"], "MM92")
        self.assertTrue(documents[1]["posted"])
        self.assertEqual(documents[0]["status"], "[N] Принят")

    def test_numbers_and_flags_recorded(self):
        order = self.orders[0]
        counts = self.importer._import_documents(self.status_file(order))
        self.assertEqual(counts["updated"], 1)
        self.assertEqual((order.ecom_1c_number, order.ecom_1c_date), (f"ИМ-000{order.id}", "2026-11-21"))
        self.assertTrue(order.ecom_1c_posted and order.ecom_1c_paid)
        self.assertEqual(order.ecom_1c_status, "Открыт")
        self.assertEqual(self.importer._import_documents(self.status_file(order))["updated"], 0, "idempotent")

    def test_schema_3_1_number_and_date(self):
        """3.1 documents carry 1C's number and date as «Номер1С» and «Дата1С» (hand-made file)."""
        order = self.orders[1]
        with open(path("handmade", "documents-3.1.xml"), encoding="utf-8") as f:
            document = f.read().replace("odoo-order-1", f"odoo-order-{order.id}")
        counts = self.importer._import_documents(io.BytesIO(document.encode()))
        self.assertEqual(counts["updated"], 1)
        self.assertEqual((order.ecom_1c_number, order.ecom_1c_date, order.ecom_1c_status),
                         ("ИМ-00000042", "2026-11-21", "Согласован"))
        self.assertTrue(order.ecom_1c_posted)

    def test_mapped_statuses_and_deletion(self):
        self.env["ecom.1c.status.map"].create([{"name": "Отгружен", "action": "lock"},
                                               {"name": "Отказ покупателя", "action": "cancel"}])
        shipped, refused, deleted = self.orders
        self.importer._import_documents(self.status_file(shipped, "Отгружен", by_number=True))
        self.importer._import_documents(self.status_file(refused, "Отказ покупателя", paid="false"))
        self.importer._import_documents(self.status_file(deleted, deleted="true", paid="false"))
        self.assertTrue(shipped.locked)
        self.assertEqual(refused.state, "cancel")
        self.assertEqual(deleted.state, "cancel", "a deletion mark in 1C cancels the order")

    def test_a_paid_order_cancelled_in_1c_is_kept_a_refund_due(self):
        """1C cancels orders that are paid: one 1C says is paid in the document that cancels it (a status
        mapped to «cancel»), one paid here (its store status «Paid», 1C's paid mark not sent), one whose
        online payment was received. None is cancelled: each keeps the customer's money, a refund is due.
        The log and the chatter say so, the salesperson gets a to-do; said once."""
        self.env["ecom.1c.status.map"].create({"name": "Отказ покупателя", "action": "cancel"})
        salesperson = self.env["res.users"].create({"name": "Продавец", "login": "seller-1c-refund-2"})
        paid_in_1c, paid_here, paid_online = self.orders
        self.orders.user_id = salesperson
        paid_here.action_ecom_paid()
        provider = self.env["payment.provider"].search([("code", "=", "none")], limit=1) or \
            self.env["payment.provider"].create({"name": "Тест", "code": "none"})
        method = self.env.ref("payment.payment_method_unknown")
        self.env["payment.transaction"].create({
            "provider_id": provider.id, "payment_method_id": method.id, "amount": paid_online.amount_total,
            "currency_id": paid_online.currency_id.id, "partner_id": paid_online.partner_id.id,
            "sale_order_ids": [(6, 0, paid_online.ids)], "state": "done", "reference": "1c-refund-test"})
        files = [(paid_in_1c, "true"), (paid_here, "false"), (paid_online, "false")]
        warnings = []
        for order, paid in files:
            warnings += self.importer._import_documents(self.status_file(order, "Отказ покупателя", paid=paid))[
                "warnings"]
        self.assertEqual(self.orders.mapped("state"), ["sale"] * 3)
        self.assertEqual(len(warnings), 3, warnings)
        for order, warning in zip(self.orders, warnings, strict=True):
            self.assertIn(order.name, warning)
            self.assertRegex(warning, "refund|возврат")
            self.assertEqual(len(order.message_ids.filtered(lambda m, w=warning: w in (m.body or ""))), 1)
            self.assertEqual(order.activity_ids.user_id, salesperson)
        for order, paid in files:
            self.assertEqual(self.importer._import_documents(self.status_file(order, "Отказ покупателя", paid=paid))[
                "warnings"], [], "said once")
        self.assertEqual([len(order.activity_ids) for order in self.orders], [1, 1, 1])
        self.assertEqual(paid_in_1c.ecom_status, "paid", "1C's paid mark moved it so")
        # the customer refunded: 1C takes its paid mark back (the store status «Paid» it set no longer counts);
        # the online payment refunded whole. The next documents cancel them, their to-dos done; the store
        # status «Paid» set here, 1C knowing of no payment, still keeps its order
        tx = paid_online.transaction_ids
        tx.create({"provider_id": provider.id, "payment_method_id": method.id, "amount": -tx.amount,
                   "currency_id": tx.currency_id.id, "partner_id": tx.partner_id.id, "operation": "refund",
                   "source_transaction_id": tx.id, "state": "done", "reference": "R-1c-refund-test"})
        for order in self.orders:
            self.assertEqual(self.importer._import_documents(self.status_file(order, "Отказ покупателя", paid="false"))[
                "warnings"], [])
        self.assertEqual(self.orders.mapped("state"), ["cancel", "sale", "cancel"])
        self.assertEqual([len(order.activity_ids) for order in self.orders], [0, 1, 0])

    def test_a_kept_order_keeps_its_store_status_when_1c_maps_its_status_to_cancelled(self):
        """A 1C status mapped to cancel the order and to the store status «Cancelled»: a paid order (its store
        status «Paid» alone says so) and a shipped one are kept with their store status — «Cancelled» would
        tell the customer the order is cancelled, and hid the «Paid» that keeps it (the order was cancelled
        then). An order neither paid nor shipped is cancelled with that store status."""
        self.env["ecom.1c.status.map"].create({"name": "Отменен", "action": "cancel", "ecom_status": "cancelled"})
        paid, shipped, _plain = self.orders
        self.orders.user_id = self.env["res.users"].create({"name": "Продавец", "login": "seller-1c-kept-status"})
        paid.action_ecom_paid()
        shipped._ecom_set_status("shipped", tracking_number="RU-1")
        for order in self.orders:
            self.importer._import_documents(self.status_file(order, "Отменен", paid="false"))
        self.assertEqual([(o.state, o.ecom_status) for o in self.orders],
                         [("sale", "paid"), ("sale", "shipped"), ("cancel", "cancelled")])
        self.assertEqual(len(paid.activity_ids), 1, "the refund to-do")

    def test_the_refund_to_do_of_a_salesperson_who_left_goes_to_the_team_leader(self):
        """The salesperson of a paid order 1C cancels left (archived: they would never see it): the to-do goes
        to the sales team's leader."""
        self.env["ecom.1c.status.map"].create({"name": "Отказ покупателя", "action": "cancel"})
        left, leader = self.env["res.users"].create([{"name": "Ушёл", "login": "seller-1c-left"},
                                                     {"name": "Руководитель", "login": "leader-1c-refund"}])
        order = self.orders[0]
        team = self.env["crm.team"].create({"name": "Опт", "user_id": leader.id})
        order.write({"user_id": left.id, "team_id": team.id})
        left.active = False
        self.importer._import_documents(self.status_file(order, "Отказ покупателя"))
        self.assertEqual((order.state, order.activity_ids.user_id), ("sale", leader))

    def test_store_statuses_from_1c(self):
        """1C's paid mark moves a confirmed order to «paid»; the status table names store statuses:
        delivered, and refused at delivery, which stays so when the same status cancels the order."""
        self.env["ecom.1c.status.map"].create([
            {"name": "Доставлен", "ecom_status": "delivered"},
            {"name": "Возврат", "action": "cancel", "ecom_status": "returned"}])
        paid, delivered, returned = self.orders
        for order, status in ((paid, "Открыт"), (delivered, "Доставлен"), (returned, "Возврат")):
            self.importer._import_documents(self.status_file(order, status))
        self.assertEqual((paid + delivered + returned).mapped("ecom_status"), ["paid", "delivered", "returned"])
        self.assertEqual(returned.state, "cancel")
        self.assertEqual(returned.ecom_return_reason_id, self.env.ref("ecom_crm.lost_reason_refused_at_delivery"))
        self.assertEqual(returned.ecom_status_event_ids.mapped("status"), ["returned", "confirmed"])
        for order, status in ((paid, "Открыт"), (delivered, "Доставлен"), (returned, "Возврат")):
            self.assertEqual(self.importer._import_documents(self.status_file(order, status))["updated"], 0)
        self.assertEqual(len(delivered.ecom_status_event_ids), 2, "the same status again records nothing")

    def test_unknown_documents_warned(self):
        exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "sale"})
        counts = self.importer._import_documents(path("official-2.04", "orders.xml"), exchange)
        self.assertEqual(len(counts["warnings"]), 3)
        self.assertEqual(exchange.warning_count, 3)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestStatusesOverHttp(ProtocolCase):
    """1C's protocol sends its documents with ``type=sale&mode=file`` and, in its classic version,
    asks for no ``mode=import``: a whole document is applied when it arrives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "Покупатель"})
        product = cls.env["product.product"].create({"name": "Чайник"})
        cls.order = cls.env["sale.order"].create({"partner_id": partner.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 1})]})
        cls.order.action_confirm()

    def status(self, comment=""):
        xml = STATUS.format(id=f"odoo-order-{self.order.id}", number=self.order.name, n=self.order.id,
                            status="Открыт", deleted="false")
        return xml.replace("<ХозОперация>", f"<Комментарий>{comment}</Комментарий><ХозОперация>").encode()

    def test_a_document_sent_with_mode_file_alone_is_applied(self):
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        self.assertEqual(self.call("file", type_="sale", data=self.status(), cookie=cookie,
                                   filename="documents.xml")[0], "success")
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}", "applied without mode=import")
        self.assertTrue(self.order.ecom_1c_paid)
        events = len(self.order.ecom_status_event_ids)
        # 1C of the newer protocol asks for mode=import as well: the file is imported once
        self.assertEqual(self.call("import", type_="sale", cookie=cookie, filename="documents.xml")[0], "success")
        self.assertEqual(len(self.order.ecom_status_event_ids), events)
        self.assertEqual(self.env["ecom.1c.exchange"].search([], limit=1).file_ids.mapped("state"), ["done"])

    def test_a_document_sent_again_without_init_is_applied_again(self):
        """1C sends its documents again under the same name without a new init (a new exchange of a
        configuration that sends none, or after a timeout): the file starts anew, never appended to
        the document already applied, and what it says now is applied."""
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        self.assertEqual(self.call("file", type_="sale", data=self.status(), cookie=cookie,
                                   filename="documents.xml")[0], "success")
        self.order.ecom_1c_number = False
        again = self.status(comment="Отгружен")
        lines = self.call("file", type_="sale", data=again, cookie=cookie, filename="documents.xml")
        self.assertEqual(lines[0], "success", lines)
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}", "applied again")
        session = self.env["ecom.1c.session"]._find(cookie[1])
        with open(os.path.join(session._upload_dir(), "documents.xml"), "rb") as f:
            self.assertEqual(f.read(), again)
        self.assertEqual(session.upload_size, len(again))

    def test_a_zipped_document_sent_with_mode_file_alone_is_applied(self):
        """With zip=yes 1C may send its documents zipped: the archive's documents are applied when
        its last part arrives, and a later mode=import of the archive or of the document inside
        applies nothing twice."""
        from .test_archives import make_zip

        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        data = make_zip({"documents.xml": self.status()})
        lines = self.call("file", type_="sale", data=data, cookie=cookie, filename="documents.zip")
        self.assertEqual(lines[0], "success", lines)
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}", "applied without mode=import")
        events = len(self.order.ecom_status_event_ids)
        for filename in ("documents.zip", "documents.xml"):
            self.assertEqual(self.call("import", type_="sale", cookie=cookie, filename=filename)[0], "success")
        self.assertEqual(len(self.order.ecom_status_event_ids), events)
        files = self.env["ecom.1c.exchange"].search([], limit=1).file_ids
        self.assertEqual(sorted(zip(files.mapped("name"), files.mapped("state"), strict=True)),
                         [("documents.xml", "done"), ("documents.zip", "done")])

    def test_a_broken_zipped_document_is_refused_and_applies_nothing(self):
        from .test_archives import make_zip

        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        data = make_zip({"documents.xml": self.status()[:-40]})
        lines = self.call("file", type_="sale", data=data, cookie=cookie, filename="documents.zip")
        self.assertEqual(lines[0], "failure", lines)
        self.assertTrue(any(text in lines[1] for text in ("malformed XML", "ошибка в XML")), lines)
        self.assertFalse(self.order.ecom_1c_number)
        # what it unpacked went, and no longer counts against the exchange's size (a retry unpacks again)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        self.assertEqual(sorted(os.listdir(session._upload_dir())), ["documents.zip"])
        self.assertEqual(session.upload_size, len(data), "the archive is counted, nothing unpacked is")

    def test_a_document_waits_for_the_import_in_progress(self):
        """1C asks for no mode=import of its documents: one that arrives while another exchange's
        import step runs waits for it and is applied, rather than stored and never applied."""
        from ..controllers.exchange import IMPORT_LOCK

        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            threading.Timer(1.0, other.rollback).start()  # the other step ends a second later
            lines = self.call("file", type_="sale", data=self.status(), cookie=cookie, filename="documents.xml")
        finally:
            other.close()
        self.assertEqual(lines[0], "success", lines)
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")

    def test_a_document_waits_no_longer_than_two_steps(self):
        from ..controllers.exchange import IMPORT_LOCK

        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.step_seconds", 1)
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            lines = self.call("file", type_="sale", data=self.status(), cookie=cookie, filename="documents.xml")
        finally:
            other.rollback()
            other.close()
        self.assertEqual(lines[0], "failure", lines)
        # the reason in the exchange user's language, as the exchange log has it
        self.assertTrue(any(text in lines[1] for text in ("did not finish in time", "не закончилась вовремя")), lines)
        self.assertFalse(self.order.ecom_1c_number)
        self.env.cr.execute("SELECT current_setting('lock_timeout')")
        self.assertEqual(self.env.cr.fetchone()[0], "0", "the time limit went with the failed import")
        # stored once: 1C's mode=import, if it asks, applies it
        self.assertEqual(self.call("import", type_="sale", cookie=cookie, filename="documents.xml")[0], "success")
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")

    def test_a_document_asked_for_again_while_its_import_runs_hears_progress(self):
        """1C's timeout fired while its document was being imported and it asks for its import again:
        while that import (or another exchange's) runs in another request, 1C hears «progress» and asks
        again, never a false «failure»; once it is over, «success» with what it did, applied once."""
        from ..controllers.exchange import FILE_LOCK, IMPORT_LOCK

        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.step_seconds", 1)
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        # the first request stored the document and is importing it (its bytes are on disk)
        with open(os.path.join(session._upload_dir(), "documents.xml"), "wb") as f:
            f.write(self.status())
        other = sql_db.db_connect(self.env.cr.dbname).cursor()  # the other request, on its own connection
        try:
            # the request 1C heard no answer from is importing this document: «progress», nothing imported here
            # (first: the tests' requests share one transaction, which keeps the locks a request took)
            other.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [FILE_LOCK, f"{session.id}/documents.xml"])
            lines = self.call("import", type_="sale", cookie=cookie, filename="documents.xml")
            self.assertEqual(lines[0], "progress", lines)
            self.assertRegex(lines[1], "another request|другом запросе", "in the store's language")
            other.rollback()
            # another exchange's import step runs: 1C hears «progress» at once, not «failure» past two steps
            other.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            lines = self.call("import", type_="sale", cookie=cookie, filename="documents.xml")
            self.assertEqual(lines[0], "progress", lines)
        finally:
            other.rollback()
            other.close()
        self.assertFalse(self.order.ecom_1c_number, "applied by the request importing it, not by 1C's asking")
        self.assertFalse(self.env["ecom.1c.exchange"].search([], limit=1).state == "failed")
        lines = self.call("import", type_="sale", cookie=cookie, filename="documents.xml")
        self.assertEqual(lines, ["success", "created=0 updated=1 archived=0"])
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")
        events = len(self.order.ecom_status_event_ids)
        self.assertEqual(self.call("import", type_="sale", cookie=cookie, filename="documents.xml"), lines)
        self.assertEqual(len(self.order.ecom_status_event_ids), events, "applied once")

    def test_a_document_sent_again_while_its_import_runs_is_refused_not_failed(self):
        """1C's timeout fired while the request storing its document imports it, and 1C sends the document
        again (``mode=file``): the request waits for that import, and past twice a step hears «failure» and
        why, the protocol's answer for a file not taken (1C sends it again later; «progress» is no answer of
        mode=file, and taken for delivered the document would be lost if that import failed). Nothing of
        the copy is stored; the exchange is not marked failed and its row is not written (the importing
        request writes it). Sent again once that import is over, it is answered as the first time."""
        from ..controllers.exchange import FILE_LOCK, part_digest

        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.step_seconds", 1)
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        data = self.status()
        # the first request stored the document (its bytes on disk, counted) and is importing it
        target = os.path.join(session._upload_dir(), "documents.xml")
        with open(target, "wb") as f:
            f.write(data)
        session.write({"upload_size": len(data), "last_part": part_digest("documents.xml", data)})
        other = sql_db.db_connect(self.env.cr.dbname).cursor()  # the first request, on its own connection
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [FILE_LOCK, f"{session.id}/documents.xml"])
            lines = self.call("file", type_="sale", data=data, cookie=cookie, filename="documents.xml")
        finally:
            other.rollback()
            other.close()
        self.assertEqual(lines, ["failure", "documents.xml: его загрузка идёт в другом запросе: эта копия не "
                                            "сохранена, отправьте файл снова"])
        exchange = session.exchange_id
        self.assertEqual(exchange.state, "running", "not failed: nothing failed")
        self.assertFalse(exchange.messages, "the exchange's row left to the importing request")
        self.assertFalse(exchange.file_ids, "no file failed")
        with open(target, "rb") as f:
            self.assertEqual(f.read(), data, "nothing of the copy stored")
        self.assertEqual(session.upload_size, len(data))
        self.assertFalse(self.order.ecom_1c_number, "applied by the request importing it, not by the copy")
        # that import over, 1C's copy is answered as the first time, applied once
        lines = self.call("file", type_="sale", data=data, cookie=cookie, filename="documents.xml")
        self.assertEqual(lines, ["success", "created=0 updated=1 archived=0"])
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")
        events = len(self.order.ecom_status_event_ids)
        self.assertEqual(self.call("file", type_="sale", data=data, cookie=cookie, filename="documents.xml"), lines)
        self.assertEqual(len(self.order.ecom_status_event_ids), events, "applied once")

    def test_a_document_in_parts_is_applied_with_its_last_part(self):
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.file_limit_mb", 1)
        data = self.status(comment="я" * 600_000)  # 1.2 MB of comment: two requests of at most 1 MB
        first, rest = data[:1024 * 1024], data[1024 * 1024:]
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        self.assertEqual(self.call("file", type_="sale", data=first, cookie=cookie, filename="big.xml"), ["success"])
        self.assertFalse(self.order.ecom_1c_number, "a part of file_limit bytes: more of the file follows")
        self.assertEqual(self.call("file", type_="sale", data=rest, cookie=cookie, filename="big.xml")[0], "success")
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")

    def test_the_last_part_of_a_document_sent_again_is_answered_as_the_first_time(self):
        """1C heard no answer to the last part of its document (applied with it) and sends that part
        again: nothing is appended and nothing applied twice, 1C hears «success» with what the import
        did."""
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.file_limit_mb", 1)
        data = self.status(comment="я" * 600_000)  # two requests of at most 1 MB
        first, rest = data[:1024 * 1024], data[1024 * 1024:]
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        self.assertEqual(self.call("file", type_="sale", data=first, cookie=cookie, filename="big.xml"), ["success"])
        self.assertEqual(self.call("file", type_="sale", data=first, cookie=cookie, filename="big.xml"), ["success"],
                         "its first part again: not appended")
        applied = self.call("file", type_="sale", data=rest, cookie=cookie, filename="big.xml")
        self.assertEqual(applied[0], "success", applied)
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")
        events = len(self.order.ecom_status_event_ids)
        self.assertEqual(self.call("file", type_="sale", data=rest, cookie=cookie, filename="big.xml"), applied)
        self.assertEqual(len(self.order.ecom_status_event_ids), events, "applied once")
        session = self.env["ecom.1c.session"]._find(cookie[1])
        with open(os.path.join(session._upload_dir(), "big.xml"), "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(self.env["ecom.1c.exchange"].search([], limit=1).file_ids.mapped("state"), ["done"])

    def test_a_broken_document_is_refused_at_once_and_applies_nothing(self):
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        lines = self.call("file", type_="sale", data=self.status()[:-40], cookie=cookie, filename="documents.xml")
        self.assertEqual(lines[0], "failure")
        self.assertTrue(any(text in lines[1] for text in ("malformed XML", "ошибка в XML")), lines)
        self.assertFalse(self.order.ecom_1c_number)

    def test_an_import_dying_at_mode_file_keeps_the_file_stored_once(self):
        """The bytes are stored before the import: an import that dies answers «failure» and is rolled
        back alone; the file stays stored once and counted, and 1C's mode=import applies it."""
        importer = type(self.env["ecom.1c.importer"])
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        with patch.object(importer, "_import_documents", side_effect=MemoryError("killed")):
            lines = self.call("file", type_="sale", data=self.status(), cookie=cookie, filename="documents.xml")
        self.assertEqual(lines[0], "failure")
        self.assertFalse(self.order.ecom_1c_number)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        self.assertEqual(session.upload_size, len(self.status()), "the stored bytes are counted")
        self.assertEqual(self.call("import", type_="sale", cookie=cookie, filename="documents.xml")[0], "success")
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")

    def test_a_document_meeting_a_concurrent_change_is_refused_clearly_and_applied_later(self):
        """Someone saves an order 1C's document changes at the same moment, every time Odoo runs the
        request: the import fails to serialise each time (its bytes committed first, then run again by
        Odoo, which finds them stored: not appended twice); past Odoo's tries 1C hears «failure» and why
        in words, nothing is applied, and the file stays stored once for 1C to send again or ask for."""
        from .test_protocol import Conflict

        importer = type(self.env["ecom.1c.importer"])
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        # Odoo waits up to 2^n seconds before each try: not in a test
        with patch.object(importer, "_import_documents", side_effect=Conflict("could not serialize access")), \
                patch("odoo.service.model.time.sleep") as waited:
            lines = self.call("file", type_="sale", data=self.status(), cookie=cookie, filename="documents.xml")
        self.assertTrue(waited.called, "run again by Odoo")
        self.assertEqual(lines[0], "failure")
        self.assertTrue(any(text in lines[1] for text in ("send the file again", "передайте файл снова")), lines)
        self.assertFalse(self.order.ecom_1c_number)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        self.assertEqual(session.upload_size, len(self.status()), "stored once")
        self.assertEqual(self.call("import", type_="sale", cookie=cookie, filename="documents.xml")[0], "success")
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")

    def test_a_document_of_exactly_n_times_file_limit_bytes_is_applied(self):
        """1C sends parts of exactly file_limit bytes: a document of 2 × file_limit ends with a part as
        long as the first and nothing follows. Its second part applies it, zipped or not; its first
        part, as long, applies nothing yet."""
        from ..controllers.exchange import ExchangeController
        from .test_archives import make_zip

        limit = 1024
        base = len(self.status())
        document = self.status(comment="x" * (2 * limit - base))
        self.assertEqual(len(document), 2 * limit)
        archive = make_zip({"documents.xml": self.status(comment="exact")})
        self.assertLess(len(archive), limit)
        with zipfile.ZipFile(io.BytesIO(archive)) as probe:
            self.assertFalse(probe.comment)
        padded = io.BytesIO(archive)
        with zipfile.ZipFile(padded, "a") as zipped:  # the archive's comment pads it to file_limit
            zipped.comment = b"-" * (limit - len(archive))
        archive = padded.getvalue()
        self.assertEqual(len(archive), limit)
        with patch.object(ExchangeController, "_file_limit", lambda controller, env: limit):
            cookie = self.login()
            self.call("init", type_="sale", cookie=cookie)
            self.assertEqual(self.call("file", type_="sale", data=document[:limit], cookie=cookie,
                                       filename="exact.xml"), ["success"])
            self.assertFalse(self.order.ecom_1c_number, "a part of file_limit bytes that is no whole document")
            lines = self.call("file", type_="sale", data=document[limit:], cookie=cookie, filename="exact.xml")
            self.assertEqual(lines, ["success", "created=0 updated=1 archived=0"])
            self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")
            self.order.ecom_1c_number = False
            lines = self.call("file", type_="sale", data=archive, cookie=cookie, filename="exact.zip")
            self.assertEqual(lines, ["success", "created=0 updated=1 archived=0"])
            self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")

    def test_a_document_whose_upload_failed_is_applied_when_sent_again_in_full(self):
        """1C's documents in two parts of file_limit: the second part is refused (over the largest
        exchange), and 1C sends the whole document again from its first part. It starts anew, never
        appended to the first part stored before, and is applied. A document stored whole that could
        not be read (cut by a proxy: malformed) starts anew too when 1C sends it again."""
        from ..controllers.exchange import ExchangeController

        limit = 1024
        document = self.status(comment="x" * (limit + 300 - len(self.status())))
        first, rest = document[:limit], document[limit:]
        with patch.object(ExchangeController, "_file_limit", lambda controller, env: limit):
            cookie = self.login()
            self.call("init", type_="sale", cookie=cookie)
            self.assertEqual(self.call("file", type_="sale", data=first, cookie=cookie, filename="orders.xml"),
                             ["success"])
            with patch.object(ExchangeController, "_exchange_limit", lambda controller, env: limit + 100):
                lines = self.call("file", type_="sale", data=rest, cookie=cookie, filename="orders.xml")
            self.assertEqual(lines[0], "failure", lines)
            self.assertFalse(self.order.ecom_1c_number)
            self.assertEqual(self.call("file", type_="sale", data=first, cookie=cookie, filename="orders.xml"),
                             ["success"])
            lines = self.call("file", type_="sale", data=rest, cookie=cookie, filename="orders.xml")
            self.assertEqual(lines, ["success", "created=0 updated=1 archived=0"])
            self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")
            session = self.env["ecom.1c.session"]._find(cookie[1])
            with open(os.path.join(session._upload_dir(), "orders.xml"), "rb") as f:
                self.assertEqual(f.read(), document)
        # one request, stored but cut short of its end (a proxy): refused; 1C sends it again in full: applied
        self.order.ecom_1c_number = False
        short = self.status()
        lines = self.call("file", type_="sale", data=short[:-60], cookie=cookie, filename="short.xml")
        self.assertEqual(lines[0], "failure", lines)
        lines = self.call("file", type_="sale", data=short, cookie=cookie, filename="short.xml")
        self.assertEqual(lines, ["success", "created=0 updated=1 archived=0"])
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")

    def test_a_zipped_document_whose_import_failed_is_applied_when_asked_again(self):
        """The import of a zipped document fails at mode=file: what it unpacked goes with it (the
        archive stays, stored and counted), so that 1C's mode=import of the archive unpacks it again
        and applies its document, rather than find it «unpacked» and apply nothing."""
        from .test_archives import make_zip

        importer = type(self.env["ecom.1c.importer"])
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        data = make_zip({"documents.xml": self.status(), "import_files/scan.jpg": b"jpg"})
        with patch.object(importer, "_import_documents", side_effect=MemoryError("killed")):
            lines = self.call("file", type_="sale", data=data, cookie=cookie, filename="documents.zip")
        self.assertEqual(lines[0], "failure")
        self.assertFalse(self.order.ecom_1c_number)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        folder = session._upload_dir()
        self.assertEqual(sorted(os.listdir(folder)), ["documents.zip"], "nothing unpacked is left")
        self.assertEqual(session.upload_size, len(data), "the archive is counted, nothing unpacked is")
        lines = self.call("import", type_="sale", cookie=cookie, filename="documents.zip")
        self.assertEqual(lines, ["success", "created=0 updated=1 archived=0"])
        self.assertEqual(self.order.ecom_1c_number, f"ИМ-000{self.order.id}")
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.file_ids.filtered(lambda f: f.name == "documents.xml").state, "done")
