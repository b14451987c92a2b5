"""Statuses back from 1C: documents naming the site's orders."""

import io

from odoo.tests import tagged

from ..commerceml import read_documents
from .common import ImporterCase, path

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

    def status_file(self, order, status="Открыт", deleted="false", by_number=False):
        return io.BytesIO(STATUS.format(id="x" if by_number else f"odoo-order-{order.id}", number=order.name,
                                        n=order.id, status=status, deleted=deleted).encode())

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
        self.importer._import_documents(self.status_file(refused, "Отказ покупателя"))
        self.importer._import_documents(self.status_file(deleted, deleted="true"))
        self.assertTrue(shipped.locked)
        self.assertEqual(refused.state, "cancel")
        self.assertEqual(deleted.state, "cancel", "a deletion mark in 1C cancels the order")

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
