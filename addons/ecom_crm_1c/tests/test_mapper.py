"""What 1C's data means in Odoo, decided in plain Python (commerceml/mapper.py). No database."""

import io
import os
import tempfile
import zipfile
from datetime import datetime
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..commerceml import UnsafeArchive, UnsafeDocument, UnsafePath, printable, safe_relative_path, sniff, unpack
from ..commerceml.characteristics import BY_NAME, attribute_key, characteristic_name, split_id
from ..commerceml.errors import reason
from ..commerceml.mapper import (
    customer_values,
    datetime_from_1c,
    is_order,
    is_without_vat,
    line_product_ids,
    order_action,
    order_document_id,
    order_id_of,
    order_line_values,
    order_store_status,
    order_values,
    status_key,
    template_values,
    unit_keys,
    unit_price,
    uom_xmlids,
    vat_percent,
    vat_rate,
)
from ..commerceml.reader import is_service, read_catalog, read_documents
from .common import path


def product(**values):
    """A catalog product as :func:`read_catalog` gives it."""
    return {"id": "p1", "name": "Коврик", "article": "PM-1", "barcode": "", "description": "", "unit": {},
            "group_ids": [], "properties": {}, "taxes": [], "images": [], "characteristics": {},
            "requisites": {}, "service": False, "deleted": False, **values}


def document(**values):
    """A 1C document as :func:`read_documents` gives it."""
    return {"id": "d1", "number": "ИМ-1", "number_1c": "", "date_1c": "", "operation": "Заказ товара",
            "posted": True, "deleted": False, "paid": False, "shipped": False, "cancelled": False,
            "status": "", "status_id": "", "lines": [], **values}


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestMapper(BaseCase):
    def test_units(self):
        """OKEI code (leading zeros and all), international short name, Russian name: an Odoo unit."""
        self.assertEqual(uom_xmlids({"code": "796", "name": "Штука", "short": "PCE"})[0], "uom.product_uom_unit")
        self.assertEqual(uom_xmlids({"code": "0166"}), ["uom.product_uom_kgm"])
        self.assertEqual(uom_xmlids({"short": "ltr"}), ["uom.product_uom_litre"])
        self.assertEqual(uom_xmlids({"name": "Кг."}), ["uom.product_uom_kgm"])
        self.assertEqual(uom_xmlids({"code": "999", "name": "метр"}), ["uom.product_uom_meter"],
                         "an unknown code, a known name")
        self.assertEqual(uom_xmlids({"code": "715", "name": "пара"}), [])
        self.assertEqual(unit_keys({"code": "715", "name": "Пара"}), ["715", "пара"], "what the warning names")
        self.assertEqual(uom_xmlids({}), [])
        # the unit of a real catalog
        first = next(v for k, v in read_catalog(path("ut11-2.07", "import0_1.xml")) if k == "product")
        self.assertEqual(uom_xmlids(first["unit"])[0], "uom.product_uom_unit")

    def test_vat(self):
        self.assertEqual(vat_rate([{"name": "Акциз", "rate": "5"}, {"name": " ндс ", "rate": "20"}]), "20")
        self.assertEqual(vat_rate([{"name": "", "rate": "10%"}]), "10%", "a rate without a name is the VAT")
        self.assertIsNone(vat_rate([]))
        self.assertEqual((vat_percent("20"), vat_percent("10%"), vat_percent("18,0")), (20.0, 10.0, 18.0))
        self.assertIsNone(vat_percent("двадцать"))
        for rate in ("Без НДС", "без ндс", "БЕЗ", "None"):
            self.assertTrue(is_without_vat(rate), rate)
        self.assertFalse(is_without_vat("0"), "0% is a rate: a tax of 0%")

    def test_kinds(self):
        """Read from 1C's requisites (the reader's «service»), a service is a service product."""
        self.assertTrue(is_service({"ВидНоменклатуры": " Услуга "}))
        self.assertTrue(is_service({"ВидНоменклатуры": "Товар", "ТипНоменклатуры": "Работа"}))
        self.assertFalse(is_service({"ВидНоменклатуры": "Товар"}))
        self.assertFalse(is_service({}))

    def test_template_values(self):
        values = template_values(product(group_ids=["g0", "g1", "g2"], description="Ворс"), "c", {"g1": 7, "g2": 8}, 1)
        self.assertEqual(values, {"name": "Коврик", "default_code": "PM-1", "categ_id": 7, "description_sale": "Ворс",
                                  "active": True, "ecom_1c_catalog_id": "c"}, "the first group that is a category")
        values = template_values(product(name="", deleted=True, service=True), "c", {}, 1)
        self.assertEqual((values["name"], values["categ_id"], values["active"], values["type"]),
                         ("PM-1", 1, False, "service"), "no name: the article; no group: the default category")
        self.assertEqual(template_values(product(name="", article="", id="p9"), None, {}, 1)["name"], "p9")
        characteristic = template_values(product(id="p1#red", deleted=True), "c", {}, 1)
        self.assertTrue(characteristic["active"], "a deleted characteristic archives its variant, not the product")
        self.assertEqual(split_id("p1#red"), ("p1", "red"))
        self.assertEqual(split_id("p1"), ("p1", ""))

    def test_prices(self):
        self.assertEqual(unit_price({"price": Decimal("250"), "ratio": Decimal("10")}), 25.0)
        self.assertEqual(unit_price({"price": Decimal("99.5"), "ratio": None}), 99.5)

    def test_characteristic_attributes(self):
        for name in ("Размер", BY_NAME, "Цвет: основной"):
            self.assertEqual(characteristic_name(attribute_key(name)), name)
        self.assertEqual(attribute_key(BY_NAME), "characteristic")
        self.assertIsNone(characteristic_name("hm-brand"), "a property's attribute")
        self.assertIsNone(characteristic_name(False), "an attribute made in Odoo")

    def test_orders_the_site_wrote(self):
        self.assertEqual(order_document_id(42), "odoo-order-42")
        self.assertEqual(order_id_of(order_document_id(42)), 42)
        self.assertIsNone(order_id_of("odoo-order-x"))
        self.assertIsNone(order_id_of("1c-order-42"))

    def test_what_1c_says_of_an_order(self):
        numbered = document(number_1c="", number="ИМ-1", status="Отгружен", paid=True)
        self.assertEqual(order_values(numbered, numbered_by_1c=False)["ecom_1c_number"], False,
                         "a site's order keeps its number; 1C's is a requisite")
        self.assertEqual(order_values(numbered, numbered_by_1c=True)["ecom_1c_number"], "ИМ-1")
        self.assertEqual(order_values(document(number_1c="MM92"), numbered_by_1c=False)["ecom_1c_number"], "MM92")
        values = order_values(numbered, numbered_by_1c=False)
        self.assertEqual((values["ecom_1c_status"], values["ecom_1c_paid"], values["ecom_1c_date"]),
                         ("Отгружен", True, False))
        actions = {"отгружен": "lock", "отказ": "cancel"}
        self.assertEqual(order_action(document(status="Отгружен"), actions), "lock")
        self.assertEqual(order_action(document(status="Отказ"), actions), "cancel")
        self.assertEqual(order_action(document(status="Новый"), actions), "none")
        self.assertEqual(order_action(document(status="Отгружен", deleted=True), actions), "cancel")
        self.assertEqual(order_action(document(cancelled=True), actions), "cancel")
        self.assertTrue(is_order(document(lines=[{}])))

    def test_the_status_id_wins_over_its_name_when_mapped(self):
        """1C sends its status's name («Статус заказа») and id («Статуса заказа ИД») both: the id, precise,
        is taken when the status table maps it; else the name; a document of the id alone, the id."""
        actions = {"p": "lock", "[p] оплачен": "cancel", "отгружен": "lock"}
        both = document(status="[P] Оплачен", status_id="P")
        self.assertEqual(status_key(both, actions), "p")
        self.assertEqual(order_action(both, actions), "lock", "the id's action, not the name's")
        self.assertEqual(order_action(document(status="Отгружен", status_id="X"), actions), "lock",
                         "an id the table does not map: the name")
        self.assertEqual(order_action(document(status="P", status_id="P"), actions), "lock", "the id alone")
        self.assertEqual(order_action(document(status="Новый", status_id="N"), actions), "none")
        statuses = {"[p] оплачен": "delivered"}
        self.assertIsNone(order_store_status(both, statuses, "confirmed", known=actions),
                          "the id is mapped (to no store status): the name's store status is not taken")
        self.assertEqual(order_store_status(both, statuses, "confirmed"), "delivered",
                         "the id unknown to the table given: the name")

    def test_store_status_of_a_document(self):
        statuses = {"доставлен": "delivered", "возврат": "returned"}
        self.assertEqual(order_store_status(document(status="Доставлен"), statuses, "shipped"), "delivered")
        self.assertIsNone(order_store_status(document(status="Доставлен"), statuses, "delivered"), "already so")
        self.assertEqual(order_store_status(document(paid=True), statuses, "confirmed"), "paid")
        self.assertEqual(order_store_status(document(paid=True, shipped=True), statuses, "confirmed"), "shipped")
        self.assertIsNone(order_store_status(document(paid=True), statuses, "shipped"), "marks only move forward")
        self.assertIsNone(order_store_status(document(shipped=True), statuses, "returned"))
        self.assertIsNone(order_store_status(document(paid=True, cancelled=True), statuses, "confirmed"))
        self.assertEqual(order_store_status(document(status="Возврат", cancelled=True), statuses, "shipped"),
                         "returned")
        self.assertFalse(is_order(document(lines=[])), "an order without goods: statuses only")
        self.assertFalse(is_order(document(operation="Отпуск товара", lines=[{}])))

    def test_order_lines(self):
        line = {"id": "p1#red", "name": "Коврик красный", "qty": Decimal("2"), "price": Decimal("150"),
                "amount": Decimal("300")}
        self.assertEqual(order_line_values(line, 5), {"product_id": 5, "product_uom_qty": 2.0, "price_unit": 150.0,
                                                      "name": "Коврик красный"})
        self.assertEqual(line_product_ids(line), ("p1#red", "p1"), "the characteristic's variant, else its product")
        no_price = {**line, "name": "", "price": None, "qty": Decimal("4")}
        self.assertEqual(order_line_values(no_price, 5)["price_unit"], 75.0, "the amount per unit")
        self.assertFalse(order_line_values(no_price, 5)["name"], "the product's name, found by the importer")
        # the lines of the official example
        documents = [v for _k, v in read_documents(path("official-2.04", "orders.xml"))]
        values = [order_line_values(item, 1) for item in documents[0]["lines"]]
        self.assertTrue(values and all(v["product_uom_qty"] > 0 for v in values))

    def test_customers(self):
        customer = {"id": "c1", "name": "Лебедева Ольга Петровна", "lastname": "Лебедева", "firstname": "Ольга",
                    "patronymic": "Петровна", "phones": ["+79165554433", "+74950000000"], "emails": [],
                    "zip": "", "city": "Москва", "street": "", "address": "Москва, Тверская, 1"}
        self.assertEqual(customer_values(customer), {
            "ecom_1c_id": "c1", "phone": "+79165554433", "email": False, "zip": False, "city": "Москва",
            "street": "Москва, Тверская, 1", "lastname": "Лебедева", "firstname": "Ольга", "patronymic": "Петровна"})
        company = {**customer, "lastname": "", "firstname": "", "name": "ООО «Ромашка»"}
        self.assertEqual(customer_values(company)["name"], "ООО «Ромашка»")
        self.assertNotIn("lastname", customer_values(company))

    def test_dates(self):
        self.assertEqual(datetime_from_1c("2026-11-20", "15:30:00", "Europe/Moscow"), datetime(2026, 11, 20, 12, 30))
        self.assertEqual(datetime_from_1c("2026-11-20T00:00:00", "", "Asia/Yekaterinburg"),
                         datetime(2026, 11, 19, 19, 0), "the date's own time is 1C's «Время»")
        self.assertIsNone(datetime_from_1c("", "15:30:00", "Europe/Moscow"))
        self.assertIsNone(datetime_from_1c("20.11.2026", "", "Europe/Moscow"))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestRefusalReasons(BaseCase):
    """A refused file, archive or name says why in English, or translated by what the log passes."""

    def refusal(self, call, error_class):
        with self.assertRaises(error_class) as refused:
            call()
        return refused.exception

    def test_reasons(self):
        broken = self.refusal(lambda: sniff(io.BytesIO(b"<html></html>")), UnsafeDocument)
        self.assertEqual(str(broken), "not a CommerceML document: root element is <html>")
        self.assertEqual(reason(broken), str(broken))
        self.assertEqual(reason(broken, lambda lazy: f"«{lazy._translate('en_US')}»"),
                         "«not a CommerceML document: root element is <html>»", "given to the translation")
        name = self.refusal(lambda: safe_relative_path("../etc/passwd"), UnsafePath)
        self.assertEqual(str(name), "path escapes the upload area")
        self.assertEqual(reason(ValueError("plain")), "plain", "any other error as it says it")

    def test_names_no_file_system_takes_are_refused(self):
        """Names the file system would refuse with an error naming the server's paths are refused first."""
        longest = "я" * 126 + ".j"  # 254 bytes
        self.assertEqual(safe_relative_path("import_files\\9d\\" + longest), "import_files/9d/" + longest)
        for name in ("a" * 256, "я" * 128 + ".xml", "/".join(["d"] * 33), "/".join(["d" * 200] * 6), "a\x00.xml"):
            with self.assertRaises(UnsafePath, msg=name[:40]):
                safe_relative_path(name)
        self.assertEqual(printable("a\x00b\n.xml"), "a?b?.xml", "NUL and line breaks neither logged nor answered")
        self.assertEqual(printable("x" * 300), "x" * 200 + "…")

    def test_archive_reasons(self):
        with tempfile.TemporaryDirectory() as folder:
            archive = os.path.join(folder, "evil.zip")
            with zipfile.ZipFile(archive, "w") as out:
                out.writestr("../evil.xml", "<x/>")
            refused = self.refusal(lambda: unpack(archive, folder, max_total=1024), UnsafeArchive)
            self.assertEqual(str(refused), "refused member '../evil.xml': path escapes the upload area")
            with open(archive, "wb") as out:
                out.write(b"PK\x03\x04 not really")
            self.assertIn("corrupt zip archive", str(self.refusal(
                lambda: unpack(archive, folder, max_total=1024), UnsafeArchive)))
