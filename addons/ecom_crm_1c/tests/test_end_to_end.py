"""The whole exchange over HTTP, the way 1C drives it: catalog in, orders out, statuses back."""

from unittest.mock import patch

from lxml import etree

from odoo.tests import tagged

from ..models import ecom_1c_importer
from .common import ProtocolCase, path
from .test_statuses_back import STATUS


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestWholeExchange(ProtocolCase):
    def test_catalog_orders_statuses(self):
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.orders_committed_until", "2000-01-01 00:00:00")
        # 1. catalog: checkauth -> init -> file in two chunks -> import -> success
        cookie = self.login()
        self.call("init", cookie=cookie)
        with open(path("ut11-2.07", "import0_1.xml"), "rb") as f:
            content = f.read()
        for chunk in (content[:30000], content[30000:]):
            self.assertEqual(self.call("file", data=chunk, cookie=cookie, filename="import0_1.xml"), ["success"])
        with open(path("ut11-2.07", "offers0_1.xml"), "rb") as f:
            self.call("file", data=f.read(), cookie=cookie, filename="offers0_1.xml")
        # import until success, the way 1C does: progress means «call again»
        with patch.object(ecom_1c_importer, "BATCH", 10), \
                patch("time.monotonic", side_effect=iter(range(0, 100_000, 100))):
            for filename in ("import0_1.xml", "offers0_1.xml"):
                answers = []
                while not answers or answers[-1] == "progress":
                    answers.append(self.call("import", cookie=cookie, filename=filename)[0])
                self.assertEqual(answers[-1], "success", filename)
                self.assertGreater(len(answers), 1, f"{filename}: in several time-boxed steps")
        self.assertEqual(self.call("success", cookie=cookie), ["success"])
        # 2. the site sells a 1C product
        product = self.env["product.product"].search([("ecom_1c_id", "=", "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1")])
        self.assertEqual(product.list_price, 100)
        customer = self.env["res.partner"].create({"name": "Зайцева Дарья Андреевна", "phone": "+79037778899"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 3})]})
        order.action_confirm()
        # 3. orders out: query -> success
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        response = self.url_open("/1c_exchange?type=sale&mode=query", headers={"Cookie": f"{cookie[0]}={cookie[1]}"})
        document = next(d for d in etree.fromstring(response.content).iter("Документ")
                        if d.findtext("Номер") == order.name)
        self.assertEqual(document.findtext("Товары/Товар/Ид"), "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1",
                         "lines carry 1C's own ids")
        self.assertEqual(document.findtext("Контрагенты/Контрагент/Отчество"), "Андреевна")
        self.assertEqual(self.call("success", type_="sale", cookie=cookie), ["success"])
        # 4. statuses back: 1C uploads its document and imports it
        status = STATUS.format(id=document.findtext("Ид"), number=order.name, n=order.id, status="Отгружен",
                               deleted="false").encode()
        self.assertEqual(self.call("file", type_="sale", data=status, cookie=cookie, filename="orders-1.xml"),
                         ["success"])
        self.assertEqual(self.call("import", type_="sale", cookie=cookie, filename="orders-1.xml")[0], "success")
        self.assertEqual((order.ecom_1c_number, order.ecom_1c_status), (f"ИМ-000{order.id}", "Отгружен"))
        self.assertTrue(order.ecom_1c_posted and order.ecom_1c_paid)
        log = self.env["ecom.1c.exchange"].search([("exchange_type", "=", "catalog")], limit=1)
        self.assertEqual(log.state, "done")
