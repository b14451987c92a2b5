"""Streaming CommerceML readers on the real 1C files, plus encodings and memory. No database."""

import io
import tracemalloc
from collections import Counter
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..commerceml import UnsafeDocument, read_catalog, read_catalog_id, read_documents, read_offers
from ..commerceml.reader import number
from .common import big_catalog, path


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestReader(BaseCase):
    def test_catalogs(self):
        expected = {
            ("ut11-2.07", "import0_1.xml"): {"group": 1, "property": 12, "product": 36},
            ("demo-2.07", "import.xml"): {"group": 22, "property": 10, "product": 2},
            ("official-2.04", "import.xml"): {"group": 1, "product": 4},
        }
        for parts, counts in expected.items():
            with self.subTest(file=parts):
                found = Counter(kind for kind, _v in read_catalog(path(*parts)))
                self.assertEqual({k: found[k] for k in counts}, counts)

    def test_catalog_id(self):
        """The Ид of a file's «Каталог»: what tells the files holding parts of one catalog."""
        self.assertEqual(read_catalog_id(path("ut11-2.07", "import0_1.xml")), "b21db898-7f82-46d8-a5ca-7c4f1d200a13")
        self.assertEqual(read_catalog_id(io.BytesIO(big_catalog(3))), "c")
        # an offers package's catalog (2.x and 3.1's offers, prices and stock alike)
        self.assertEqual(read_catalog_id(path("ut11-2.07", "offers0_1.xml")), "b21db898-7f82-46d8-a5ca-7c4f1d200a13")
        for name in ("offers___hm3.xml", "prices___hm3.xml", "rests___hm3.xml"):
            self.assertEqual(read_catalog_id(path("handmade", "split-3.1", name)), "hm3-catalog", name)
        self.assertEqual(read_catalog_id(path("handmade", "split-3.1", "import___classifier.xml")), "",
                         "a classifier alone has no catalog")

    def test_product_values(self):
        products = [v for k, v in read_catalog(path("ut11-2.07", "import0_1.xml")) if k == "product"]
        first = products[0]
        self.assertEqual(first["id"], "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1")
        self.assertEqual(first["article"], "PM-421-WP")
        self.assertEqual(first["barcode"], "8809288404089")
        self.assertEqual(first["unit"]["code"], "796", "trailing space of Код=\"796 \" removed")
        self.assertEqual(first["group_ids"], ["82cfb8dc-18f9-11e7-80c2-0cc47ab29cd1"])
        self.assertEqual(first["properties"]["38409b0c-29da-11e9-80c9-0cc47ab29cd1"], "1,4")
        self.assertEqual(first["taxes"], [{"name": "НДС", "rate": "20"}])

    def test_nested_groups(self):
        groups = [v for k, v in read_catalog(path("demo-2.07", "import.xml")) if k == "group"]
        by_id = {g["id"]: g for g in groups}
        children = [g for g in groups if g["parent_id"]]
        self.assertTrue(children)
        self.assertTrue(all(g["parent_id"] in by_id for g in children), "parents are groups of the file")

    def test_offers(self):
        offers = [v for k, v in read_offers(path("ut11-2.07", "offers0_1.xml")) if k == "offer"]
        self.assertEqual(len(offers), 44)
        first = offers[0]
        self.assertEqual(first["prices"][0]["price"], Decimal("100"))
        self.assertEqual(first["quantity"], Decimal("377"))
        self.assertEqual(first["stock"]["dd306af1-19c9-11e7-80c2-0cc47ab29cd1"], Decimal("376"))
        variants = [v for k, v in read_offers(path("official-2.04", "offers.xml")) if k == "offer"]
        self.assertEqual(variants[0]["product_id"], "05e26d70-01e4-11dc-a411-00055d80a2d1")
        self.assertEqual(variants[0]["characteristic_id"], "05e26d76-01e4-11dc-a411-00055d80a2d1")
        self.assertEqual(len(variants[0]["prices"]), 4)
        types = [v for k, v in read_offers(path("official-2.04", "offers.xml")) if k == "price_type"]
        self.assertEqual(len(types), 4)

    def test_price_types_of_a_schema_3_classifier(self):
        """Schema 3 declares the price types in the classifier of import*.xml (hand-made 3.1 split set)."""
        events = list(read_catalog(path("handmade", "split-3.1", "import___classifier.xml")))
        types = [v for k, v in events if k == "price_type"]
        self.assertEqual(types, [{"id": "hm3-retail", "name": "Розничная", "currency": "RUB"},
                                 {"id": "hm3-wholesale", "name": "Оптовая", "currency": "RUB"}])
        self.assertEqual(Counter(k for k, _v in events)["property"], 1)

    def test_documents_of_schema_3_1_carry_1c_number_and_date(self):
        """3.1 names them «Номер1С» and «Дата1С», elements of the document (2.x: requisites)."""
        document = next(v for _k, v in read_documents(path("handmade", "documents-3.1.xml")))
        self.assertEqual((document["number"], document["number_1c"], document["date_1c"]),
                         ("S00001", "ИМ-00000042", "2026-11-21"))
        self.assertTrue(document["posted"])

    def test_payment_and_shipment_as_1c_writes_them(self):
        """1C:УТ says an order is paid or shipped with the date and number of its payment and
        shipment («Дата оплаты по 1С», «Номер отгрузки по 1С»), not with the site's own flags; an
        empty 1C date (0001-01-01) is no payment."""
        def document(*requisites):
            values = "".join(f"<ЗначениеРеквизита><Наименование>{name}</Наименование><Значение>{value}"
                             f"</Значение></ЗначениеРеквизита>" for name, value in requisites)
            xml = (f'<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.05"><Документ>'
                   f"<Ид>odoo-order-1</Ид><Номер>S00001</Номер><ХозОперация>Заказ товара</ХозОперация>"
                   f"<ЗначенияРеквизитов>{values}</ЗначенияРеквизитов></Документ></КоммерческаяИнформация>")
            return next(v for _k, v in read_documents(io.BytesIO(xml.encode())))

        paid = document(("Номер оплаты по 1С", "ИМ-00017"), ("Дата оплаты по 1С", "2026-11-21T10:15:00"))
        shipped = document(("Номер отгрузки по 1С", "ИМ-00009"), ("Дата отгрузки по 1С", "2026-11-22T09:00:00"))
        unpaid = document(("Номер оплаты по 1С", ""), ("Дата оплаты по 1С", "0001-01-01T00:00:00"),
                          ("Номер отгрузки по 1С", ""), ("Дата отгрузки по 1С", "0001-01-01T00:00:00"))
        self.assertEqual((paid["paid"], paid["shipped"]), (True, False))
        self.assertEqual((shipped["paid"], shipped["shipped"]), (False, True))
        self.assertEqual((unpaid["paid"], unpaid["shipped"]), (False, False))

    def test_windows_1251_and_no_bom(self):
        with open(path("official-2.04", "import.xml"), encoding="utf-8") as f:
            content = f.read().replace('encoding="UTF-8"', 'encoding="windows-1251"')
        products = [v for k, v in read_catalog(io.BytesIO(content.encode("cp1251"))) if k == "product"]
        self.assertEqual(products[0]["name"], "Стол обеденный")

    def test_decimal_commas_and_spaces(self):
        xml = ('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация><ПакетПредложений>'
               '<Предложения><Предложение><Ид>p</Ид><Цены><Цена><ИдТипаЦены>t</ИдТипаЦены>'
               '<ЦенаЗаЕдиницу> 1 234,50 </ЦенаЗаЕдиницу></Цена></Цены><Количество>2,5</Количество>'
               '</Предложение></Предложения></ПакетПредложений></КоммерческаяИнформация>').encode()
        offer = next(v for k, v in read_offers(io.BytesIO(xml)) if k == "offer")
        self.assertEqual(offer["prices"][0]["price"], Decimal("1234.50"))
        self.assertEqual(offer["quantity"], Decimal("2.5"))

    def test_numbers_no_float_holds_are_no_numbers(self):
        for spelling in ("NaN", "-nan", "sNaN", "Infinity", "-Inf", "1e400", "1e15", "abc"):
            self.assertIsNone(number(spelling), spelling)
        self.assertEqual([number(s) for s in ("1e3", "999 999 999 999 999", "", "-2,5")],
                         [Decimal(1000), Decimal("999999999999999"), None, Decimal("-2.5")])
        xml = ('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.04"><ПакетПредложений>'
               '<Предложения><Предложение><Ид>p</Ид><Количество>NaN</Количество></Предложение>'
               '<Предложение><Ид>q</Ид><Склад ИдСклада="s1" КоличествоНаСкладе="Infinity"/>'
               '<Склад ИдСклада="s2" КоличествоНаСкладе="3"/></Предложение>'
               '<Предложение><Ид>r</Ид><Количество>4</Количество><Склад ИдСклада="s1" КоличествоНаСкладе=""/>'
               '</Предложение></Предложения></ПакетПредложений></КоммерческаяИнформация>').encode()
        p, q, r = (v for k, v in read_offers(io.BytesIO(xml)) if k == "offer")
        self.assertEqual((p["quantity"], p["stock"], p["quantity_not_a_number"]), (None, {}, True))
        self.assertEqual((q["quantity"], q["stock"], q["quantity_not_a_number"]),
                         (None, {"s2": Decimal(3)}, True), "a warehouse's NaN is no 0, and no total is told")
        self.assertEqual((r["quantity"], r["stock"], r["quantity_not_a_number"]), (Decimal(4), {"s1": 0}, False))

    def test_hostile_and_broken(self):
        with open(path("ut11-2.07", "import0_1.xml"), "rb") as f:
            truncated = f.read(20000)
        for label, payload in {
            "truncated": truncated,
            "entity": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                      + "<КоммерческаяИнформация>&e;</КоммерческаяИнформация>".encode(),
            "html": b"<html></html>",
        }.items():
            with self.subTest(label), self.assertRaises(UnsafeDocument):
                list(read_catalog(io.BytesIO(payload)))

    def test_memory_stays_flat(self):
        """Peak memory while streaming grows far less than the file (elements are freed)."""
        peaks = {}
        for count in (2000, 8000):
            data = big_catalog(count)
            tracemalloc.start()
            seen = sum(1 for kind, _v in read_catalog(io.BytesIO(data)) if kind == "product")
            peaks[count] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            self.assertEqual(seen, count)
        self.assertLess(peaks[8000], peaks[2000] * 1.5, f"4x the file, not 4x the memory: {peaks}")
