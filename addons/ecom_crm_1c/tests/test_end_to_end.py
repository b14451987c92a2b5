"""The whole exchange over HTTP, the way 1C drives it: catalog in, orders out, statuses back."""

from unittest.mock import patch

from lxml import etree

from odoo.tests import tagged

from ..models import ecom_1c_importer
from .common import ProtocolCase, path, read
from .test_statuses_back import STATUS

MISSING = "—"  # the documented value of a characteristic an offer does not name

# a schema 3.1 exchange in split files (hand-made): classifier, goods, offers, prices, rests
SPLIT_3_1 = ("import___classifier.xml", "import___goods.xml", "offers___hm3.xml", "prices___hm3.xml", "rests___hm3.xml")


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
                answers = self.import_until_done(cookie, filename)[0]
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
        # 4. statuses back: 1C uploads its document (applied as it arrives) and may ask to import it
        status = STATUS.format(id=document.findtext("Ид"), number=order.name, n=order.id, status="Отгружен",
                               deleted="false").encode()
        self.assertEqual(self.call("file", type_="sale", data=status, cookie=cookie, filename="orders-1.xml"),
                         ["success", "created=0 updated=1 archived=0"])
        self.assertEqual(self.call("import", type_="sale", cookie=cookie, filename="orders-1.xml")[0], "success")
        self.assertEqual((order.ecom_1c_number, order.ecom_1c_status), (f"ИМ-000{order.id}", "Отгружен"))
        self.assertTrue(order.ecom_1c_posted and order.ecom_1c_paid)
        log = self.env["ecom.1c.exchange"].search([("exchange_type", "=", "catalog")], limit=1)
        self.assertEqual(log.state, "done")

    def test_split_schema_3_1_three_times(self):
        """Three full exchanges of a 3.1 split set whose offers combine a product with a property and
        characteristics, characteristics naming different sets and characteristics without values:
        each file in two requests, imported in time-boxed steps; the same counts every time, no duplicates."""
        Template = self.env["product.template"].with_context(active_test=False)
        Product = self.env["product.product"].with_context(active_test=False)
        ours = [("product_tmpl_id.ecom_1c_id", "=like", "hm3-%")]

        def census():
            self.env.invalidate_all()
            return {
                "products": Template.search_count([("ecom_1c_id", "=like", "hm3-%")]),
                "variants": Product.search_count(ours),
                "active variants": Product.search_count([*ours, ("active", "=", True)]),
                "characteristics": Product.search_count([("ecom_1c_id", "=like", "hm3-%#%")]),
                "attributes": self.env["product.attribute"].search_count([("ecom_1c_id", "!=", False)]),
                "values": self.env["product.attribute.value"].search_count([("attribute_id.ecom_1c_id", "!=", False)]),
                "attribute lines": self.env["product.template.attribute.line"].search_count(
                    [("product_tmpl_id.ecom_1c_id", "=like", "hm3-%")]),
                "price types": self.env["ecom.1c.price.type"].search_count([]),
            }

        runs = []
        for _run in range(3):
            cookie = self.login()
            self.call("init", cookie=cookie)
            for name in SPLIT_3_1:
                content = read("handmade", "split-3.1", name)
                for part in (content[:len(content) // 2], content[len(content) // 2:]):
                    self.assertEqual(self.call("file", data=part, cookie=cookie, filename=name), ["success"])
            with patch.object(ecom_1c_importer, "BATCH", 3), \
                    patch("time.monotonic", side_effect=iter(range(0, 1_000_000, 100))):
                for name in SPLIT_3_1:
                    answers = self.import_until_done(cookie, name)[0]
                    self.assertEqual(answers[-1], "success", name)
            self.assertEqual(self.call("success", cookie=cookie), ["success"])
            exchange = self.env["ecom.1c.exchange"].search([], limit=1)
            runs.append((exchange.state, exchange.created_count, exchange.updated_count, exchange.archived_count,
                         census()))
        expected = {"products": 4, "variants": 7, "active variants": 7, "characteristics": 6,
                    "attributes": 4,  # Бренд; Размер, Цвет and the characteristic told by its offer's name
                    "values": 7, "attribute lines": 6, "price types": 2}
        self.assertEqual(runs[0], ("done", 1 + 4 + 6, runs[0][2], 0, expected), "a group, 4 products, 6 variants")
        self.assertEqual(runs[1:], [("done", 0, 0, 0, expected)] * 2, "again: nothing created, changed or archived")

        def described(key):
            """{1C id: ({characteristic: value}, 1C stock, 1C price)} of the variants whose 1C id is like ``key``."""
            return {
                v.ecom_1c_id: ({ptav.attribute_id.name: ptav.name for ptav in v.product_template_attribute_value_ids},
                               v.ecom_1c_qty, v.ecom_1c_price)
                for v in Product.search([("ecom_1c_id", "=like", key)])}

        self.assertEqual(described("hm3-sneakers#%"), {
            "hm3-sneakers#size-40": ({"Размер": "40", "Цвет": MISSING}, 1, 3000),
            "hm3-sneakers#size-41": ({"Размер": "41", "Цвет": "Белый"}, 5, 3100)})
        self.assertEqual({k: v[1:] for k, v in described("hm3-boots#%").items()},
                         {"hm3-boots#size-40": (2, 5000), "hm3-boots#size-41": (3, 5200)})
        self.assertEqual({k: v[1:] for k, v in described("hm3-tshirt#%").items()},
                         {"hm3-tshirt#red": (3, 1000), "hm3-tshirt#blue": (4, 1200)})
        boots = Template.search([("ecom_1c_id", "=", "hm3-boots")])
        self.assertIn("Ecco", boots.attribute_line_ids.value_ids.mapped("name"))
        socks = Product.search([("ecom_1c_id", "=", "hm3-socks")])
        self.assertEqual((socks.lst_price, socks.ecom_1c_qty), (300, 10))
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertIn("Оптовая", exchange.messages, "its prices went nowhere: the log says so")
