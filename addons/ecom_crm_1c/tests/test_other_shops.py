"""Real 1C files of other shops (tests/data/SOURCES.md): what their configurations write that the
files of the first samples did not. Readers without a database, then the importer."""

import io
import re
from collections import Counter
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..commerceml import read_catalog, read_catalog_id, read_documents, read_offers
from ..commerceml.currencies import same_currency
from ..commerceml.mapper import MANUFACTURER_ID, add_manufacturers, referenced_unit, sales_price_type, uom_xmlids
from .common import (
    ImporterCase,
    ProtocolCase,
    big_catalog,
    big_catalog_id,
    path,
    priced_offers_package,
    read,
    sell_in_roubles,
)

UNF_CATEGORY = "393bc297-85e4-11e7-80c3-0cc47ab4062f"  # «Vapor Tights» of the УНФ catalog


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestOtherShopsReader(BaseCase):
    def test_unf_categories(self):
        """1C:УНФ (xmlns commerceml_208) declares «Категории» in its classifier, no «Группы», and puts
        each product in one by «Категория»: the group of a product without «Группы»."""
        events = list(read_catalog(path("unf-2.08", "import.xml")))
        found = Counter(kind for kind, _v in events)
        self.assertEqual((found["group"], found["category"], found["product"]), (0, 3, 4))
        groups = {v["id"]: v for kind, v in events if kind == "category"}
        self.assertEqual(groups[UNF_CATEGORY], {"id": UNF_CATEGORY, "name": "Vapor Tights", "parent_id": None})
        products = [v for kind, v in events if kind == "product"]
        self.assertEqual(products[0]["group_ids"], [UNF_CATEGORY])
        self.assertEqual([p["deleted"] for p in products].count(True), 1, "«Статус=Удален»")

    def test_groups_before_categories(self):
        """A product in «Группы» and in a «Категория» (1C in schema 2.08, xmlns commerceml_210):
        its groups, the catalog's tree (the categories are then 1C's kinds of items, not a tree)."""
        products = [v for kind, v in read_catalog(path("cml210-2.08", "import.xml")) if kind == "product"]
        self.assertEqual(products[0]["group_ids"], ["ffce323c-c133-11e8-8111-0050569b2b72"])


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestOtherShopsImport(ImporterCase):
    def test_categories_of_products_without_groups_only(self):
        self.importer._import_catalog(path("cml210-2.08", "import.xml"))
        names = self.env["product.category"].search([("ecom_1c_id", "!=", False)]).mapped("name")
        self.assertEqual(sorted(names), ["subtest1", "subtest2", "test1", "test2", "test3"],
                         "no category of 1C's «Категории» its products, all in groups, do not need")

    def test_unf_catalog_and_offers(self):
        counts = self.importer._import_catalog(path("unf-2.08", "import.xml"))
        self.assertFalse([w for w in counts["warnings"] if "1С" in w and "НДС" not in w and "VAT" not in w])
        vapor = self.Template.search([("ecom_1c_id", "=", "c4c65ba6-927c-11e7-8781-00155d46f506")])
        self.assertEqual(vapor.categ_id.name, "Vapor Tights")
        self.assertEqual(vapor.categ_id.ecom_1c_id, UNF_CATEGORY)
        self.assertEqual(vapor.default_code, "FI-STRIP-4FT-40W4000K")
        self.assertEqual(vapor.type, "consu", "ТипНоменклатуры «Запас» is goods")
        categories = self.env["product.category"].search([("ecom_1c_id", "!=", False)])
        self.assertEqual(len(categories), 3, "each category once, for the products of both files")
        deleted = self.Template.search([("ecom_1c_id", "=", "c4c65be1-927c-11e7-8781-00155d46f506")])
        self.assertFalse(deleted.active, "«Статус=Удален»: archived")
        # its variant too, its properties' lines given after it was made archived (Odoo sells again the archived
        # variants of a product whose lines change): no order, list or search of variants offers it
        self.assertEqual(deleted.with_context(active_test=False).product_variant_ids.mapped("active"), [False])
        self.assertFalse(self.env["product.product"].search([("ecom_1c_id", "=", deleted.ecom_1c_id)]))
        self.importer._import_offers(path("unf-2.08", "offers.xml"))
        self.assertEqual(vapor.list_price, 37.5)
        self.assertEqual(vapor.product_variant_id.ecom_1c_qty, 0)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSchema31Units(BaseCase):
    def test_units_declared_in_the_classifier(self):
        """Schema 3.1 declares units in the classifier («ЕдиницыИзмерения»); a product names its unit by
        that «Ид» only (``<БазоваяЕдиница>2009</БазоваяЕдиница>``)."""
        units = [v for kind, v in read_catalog(path("demo-3.1", "classifier.xml")) if kind == "unit"]
        self.assertEqual(units, [{"id": "2009", "code": "2009", "short": "PCE", "name": "Штука"}])
        product = next(v for kind, v in read_catalog(path("demo-3.1", "import.xml")) if kind == "product")
        self.assertEqual(uom_xmlids(referenced_unit(product["unit"], {u["id"]: u for u in units})),
                         ["uom.product_uom_unit"] * 2)
        # a kilogram declared by a code of its own is a kilogram, not a «Units» with a warning
        kilogram = {"id": "7", "code": "7", "short": "", "name": "Килограмм"}
        self.assertEqual(uom_xmlids(referenced_unit({"code": "", "name": "", "short": "7"}, {"7": kilogram})),
                         ["uom.product_uom_kgm"])
        # a unit written whole is as written
        unit = {"code": "796", "name": "Штука", "short": "шт"}
        self.assertIs(referenced_unit(unit, {"796": kilogram}), unit)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSalesPriceType(BaseCase):
    def test_cost_prices_are_no_sales_price(self):
        """1C declares its price types in its own order; the demo base's classifier lists the cost of
        sales first, then purchase prices: the sales price is a retail one in the store's currency,
        else one that is no cost or purchase price (they stay for a pricelist to take)."""
        demo = [v for kind, v in read_catalog(path("demo-3.1", "classifier.xml")) if kind == "price_type"]
        names = [t["name"] for t in demo]
        self.assertEqual(names[:2], ["Себестоимость реализации", "Закупочные"])
        self.assertEqual(names[sales_price_type(demo, "UAH")], "Розничная")
        self.assertEqual(names[sales_price_type(demo, "USD")], "Мелкооптовая", "in dollars: none is retail")
        self.assertEqual(names[sales_price_type(demo, "RUB")], "Розничная", "none in roubles")
        # the standard's own example: wholesale in dollars first, retail in roubles
        official = [{"name": "Оптовая", "currency": "USD"}, {"name": "Закупочная", "currency": "USD"},
                    {"name": "Розничная", "currency": "руб"}]
        self.assertEqual(sales_price_type(official, "RUB"), 2)
        self.assertEqual(sales_price_type([{"name": "Цена поставщика", "currency": "руб"}], "RUB"), 0,
                         "the only one")

    def test_currencies_as_1c_writes_them(self):
        """A price type declared in «руб.» and its prices in «RUB» or «643» are in one currency; so are
        the demo base's «грн» and «UAH»; a dollar is no rouble."""
        for first, second, same in (("руб.", "RUB", True), ("руб", "643", True), ("RUR", "рубль", True),
                                    ("грн", "UAH", True), ("USD", "USD", True), ("USD", "руб", False),
                                    ("EUR", "USD", False), ("UAH", "RUB", False)):
            with self.subTest(first=first, second=second):
                self.assertEqual(same_currency(first, second), same)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSchema31Import(ImporterCase):
    def test_demo_exchange(self):
        """A 3.1 exchange of 1C's demo base (prices in hryvnias, seven price types, cost prices first):
        classifier, goods, offers, prices and stock each in its file."""
        self.importer._import_catalog(path("demo-3.1", "classifier.xml"))
        sales = self.env["ecom.1c.price.type"].search([("target", "=", "list_price")])
        self.assertEqual(len(sales), 1)
        self.assertNotIn(sales.name, ("Себестоимость реализации", "Закупочные", "Плановая себестоимость"))
        counts = self.importer._import_catalog(path("demo-3.1", "import.xml"))
        self.assertFalse([w for w in counts["warnings"] if "2009" in w], "the unit the classifier declared")
        drill = self.Template.search([("ecom_1c_id", "=", "5f05b691-34bc-11de-9e69-00804829546f")])
        self.assertEqual((drill.name, drill.uom_id, drill.categ_id.name),
                         ("Дрель электрическая", self.env.ref("uom.product_uom_unit"), "Оборудование"))
        for name in ("offers.xml", "prices.xml", "rests.xml"):
            self.importer._import_offers(path("demo-3.1", name))
        self.assertEqual(drill.product_variant_id.ecom_1c_qty, 19)
        self.assertEqual(self.Product.search_count([("ecom_1c_id", "=like", "%#%")]), 2, "two characteristics")

    def test_price_in_its_own_currency(self):
        """A price's «Валюта» is its currency, whatever its price type declares: the demo base writes
        the prices of «Плановая себестоимость», declared in dollars, in hryvnias. A hryvnia pricelist
        takes them; a dollar one does not (a hryvnia is no dollar), said in the exchange log."""
        self.importer._import_catalog(path("demo-3.1", "classifier.xml"))
        self.importer._import_catalog(path("demo-3.1", "import.xml"))
        planned = self.env["ecom.1c.price.type"].search([("name", "=", "Плановая себестоимость")])
        self.assertEqual(planned.currency_name, "USD")
        drill = self.Template.search([("ecom_1c_id", "=", "5f05b691-34bc-11de-9e69-00804829546f")])
        for code, taken in (("UAH", True), ("USD", False)):
            with self.subTest(code):
                currency = self.env.ref(f"base.{code}")
                currency.active = True
                pricelist = self.env["product.pricelist"].create({"name": f"Себестоимость {code}",
                                                                  "currency_id": currency.id})
                planned.write({"target": "pricelist", "pricelist_id": pricelist.id})
                warnings = self.importer._import_offers(path("demo-3.1", "prices.xml"))["warnings"]
                item = pricelist.item_ids.filtered(lambda i, drill=drill: i.product_tmpl_id == drill)
                self.assertEqual(item.fixed_price if taken else bool(item), 420 if taken else False)
                self.assertEqual(bool([w for w in warnings if "UAH" in w]), not taken, warnings)


    def test_a_price_type_of_no_currency_takes_no_price_in_another(self):
        """A price type declaring no «Валюта»: a price 1C writes in dollars is no price in the store's
        roubles (skipped, said in the exchange log); one in roubles, or with no currency, is taken."""
        sell_in_roubles(self.env)
        self.importer._import_catalog(io.BytesIO(big_catalog(3, description="")))

        package = priced_offers_package([("retail", "Розничная", None)], [
            (big_catalog_id(i), "retail", amount, currency)
            for i, amount, currency in ((0, 155, "USD"), (1, 3500, "руб."), (2, 4200, None))])
        warnings = self.importer._import_offers(package)["warnings"]
        retail = self.env["ecom.1c.price.type"].search([("ecom_1c_id", "=", "retail")])
        self.assertEqual((retail.currency_name or "", retail.target), ("", "list_price"))
        products = [self.Product.search([("ecom_1c_id", "=", big_catalog_id(i))]) for i in range(3)]
        self.assertEqual([p.ecom_1c_price for p in products], [0, 3500, 4200], "155 USD: no price in roubles")
        self.assertEqual([w.split(": ", 1)[1] for w in warnings if "USD" in w],
                         ["a price of 1C price type «Розничная» in USD was skipped: it goes to a price in RUB"])

    def test_prices_in_roubles_for_a_store_in_dollars_are_taken_as_they_are(self):
        """A store left at Odoo's default USD whose 1C declares its price type in roubles: its prices,
        written in roubles or not written, are taken as they are (right once the store's currency is
        roubles: nothing to send again) and the log says so, once for them all; a dollar price is taken
        with no word, and one in euros is skipped."""
        self.env.company.currency_id = self.env.ref("base.USD")
        self.importer._import_catalog(io.BytesIO(big_catalog(4, description="")))
        package = priced_offers_package([("retail", "Розничная", "руб.")], [
            (big_catalog_id(i), "retail", amount, currency)
            for i, amount, currency in ((0, 1496, "643"), (1, 3500, None), (2, 20, "USD"), (3, 18, "EUR"))])
        warnings = self.importer.with_context(lang="en_US")._import_offers(package)["warnings"]
        products = [self.Product.search([("ecom_1c_id", "=", big_catalog_id(i))]) for i in range(4)]
        self.assertEqual([p.ecom_1c_price for p in products], [1496, 3500, 20, 0])
        self.assertEqual([w for w in warnings if "taken as they are" in w], [
            "2 prices of 1C price type «Розничная» in RUB were taken as they are for prices in USD: if the store "
            "sells in RUB, make RUB its company's currency (for the sales price) or choose a pricelist in RUB for "
            "this price type"])
        self.assertEqual(len([w for w in warnings if "EUR was skipped" in w]), 1, warnings)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSchema31OverHttp(ProtocolCase):
    def test_demo_exchange_as_1c_sends_it(self):
        """The 3.1 demo exchange the way 1C drives it: five files, each imported until «success»."""
        exchange = self.exchange_files("demo-3.1", ("classifier.xml", "import.xml", "offers.xml", "prices.xml",
                                                    "rests.xml"))
        drill = self.env["product.product"].search([("ecom_1c_id", "=", "5f05b691-34bc-11de-9e69-00804829546f")])
        self.assertEqual((drill.ecom_1c_qty, drill.uom_id), (19, self.env.ref("uom.product_uom_unit")))
        self.assertNotIn("2009", exchange.messages or "")


# a 3.1 exchange of a software reseller's 1C (1C's exchange with a site, «Битрикс» module 6.5):
# classifier, properties, goods, offers, prices and stock each in its file, and its orders back
B6 = "bitrix6-3.1"
B6_PRODUCT = "56ece96f-ae16-11e5-9468-00155d020201"  # «Windows 10 Pro Lic», 13 characteristics
B6_STORE = "188b135e-a5a8-11e6-9480-00155d020201"  # «И-М olof.ru», the online shop's warehouse
B6_MAIN_PRICE = "a8aa0577-1862-11de-9d9d-001a4d4b12d9"  # «Основная цена», declared first, never priced


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestBitrixModule31Reader(BaseCase):
    def test_classifier_goods_and_stock_by_warehouse(self):
        classifier = list(read_catalog(path(B6, "import.xml")))
        self.assertEqual([v["name"] for kind, v in classifier if kind == "group"], ["OSki"])
        self.assertEqual([v for kind, v in classifier if kind == "unit"],
                         [{"id": "796", "code": "796", "short": "", "name": "штука"}], "«796 » with 1C's spaces")
        properties = [v for kind, v in read_catalog(path(B6, "properties", "import.xml")) if kind == "property"]
        self.assertEqual(len(properties), 25)
        self.assertEqual(next(p for p in properties if p["name"] == "Для дома")["values"],
                         {"true": "Да", "false": "Нет"})
        products = [v for kind, v in read_catalog(path(B6, "goods", "import.xml")) if kind == "product"]
        self.assertEqual(len(products), 21)
        windows = next(p for p in products if p["id"] == B6_PRODUCT)
        self.assertEqual((windows["name"], windows["requisites"]["Код"], windows["unit"]["short"], windows["taxes"]),
                         ("Windows 10 Pro Lic", "С0005597", "796", [{"name": "НДС", "rate": "Без налога"}]))
        # the characteristics' properties, in an offers file of their own; the offers give their values
        declared = [v for kind, v in read_offers(path(B6, "properties", "offers.xml")) if kind == "property"]
        self.assertEqual(len(declared), 12)
        term = next(p for p in declared if p["id"] == "50714784-efbf-11e3-9438-00155d020201")
        self.assertEqual((term["name"], term["type"], len(term["values"])), ("Срок лицензии", "Справочник", 6))
        offer = next(v for kind, v in read_offers(path(B6, "goods", "offers.xml")) if kind == "offer")
        self.assertEqual((offer["characteristics"], offer["properties"]), ({}, {
            "7e688b4f-ebaf-11e3-9437-00155d020201": "RL 00610",
            "50714784-efbf-11e3-9438-00155d020201": "304631b8-0d79-11e4-943a-00155d020201",
            "206bdfa8-efb8-11e3-9438-00155d020201": "fec44262-26d3-11e6-9472-00155d020201"}))
        self.assertEqual(term["values"][offer["properties"][term["id"]]], "бессрочная")
        rests = [v for kind, v in read_offers(path(B6, "goods", "rests.xml")) if kind == "offer"]
        self.assertEqual(len(rests), 86)
        self.assertEqual({len(o["stock"]) for o in rests}, {12}, "twelve warehouses in each offer")
        self.assertEqual(sum(o["quantity"] for o in rests), 0, "all sold out that day")
        self.assertIn(B6_STORE, rests[0]["stock"])
        # 3.1 declares the warehouses in the classifier, its stock file names them by «Ид» only: the
        # classifier's reader gives their names, for the warehouses' mapping
        stores = {v["id"]: v["name"] for kind, v in classifier if kind == "warehouse"}
        self.assertEqual(len(stores), 12)
        self.assertEqual(set(stores), set(rests[0]["stock"]))
        self.assertEqual((stores[B6_STORE], stores["a2975786-af00-11de-9055-00155d3ebc00"]),
                         ("И-М olof.ru", "Офис Тюмень"))
        self.assertFalse([kind for kind, _v in read_offers(path(B6, "goods", "rests.xml")) if kind == "warehouse"])

    def test_sales_price_type_is_the_selling_price(self):
        """1C:УТ's classifier declares every price type of the base, in roubles: «Основная цена» first,
        then the purchase price («Основная цена приобретени»), 1C's accounting ones, «Отпускная цена»
        (the selling price, the only one its prices file carries), and selling prices in euros and
        dollars. The selling price in roubles is the sales price."""
        declared = [v for kind, v in read_catalog(path(B6, "import.xml")) if kind == "price_type"]
        self.assertEqual(len(declared), 8)
        self.assertEqual(declared[sales_price_type(declared, "RUB")]["name"], "Отпускная цена")
        self.assertEqual(declared[sales_price_type(declared, "USD")]["name"], "Отпускная, вал")
        priced = {p["type_id"] for kind, v in read_offers(path(B6, "goods", "prices.xml")) if kind == "offer"
                  for p in v["prices"]}
        self.assertEqual(priced, {declared[sales_price_type(declared, "RUB")]["id"]})

    def test_orders_back_with_3_1_lines(self):
        """3.1's documents price their lines in «Цена» (2.x: «ЦенаЗаЕдиницу»)."""
        documents = [v for _kind, v in read_documents(path(B6, "documents", "documents-1.xml"))]
        self.assertEqual(len(documents), 20)
        first = documents[0]
        self.assertEqual((first["id"], first["number_1c"], first["date_1c"], first["posted"], first["shipped"]),
                         ("320", "L320", "2017-08-03", True, True), "«Номер1С» «L320       » stripped")
        self.assertEqual((first["lines"][0]["price"], first["lines"][0]["qty"]), (Decimal("1320"), Decimal("1")))
        two = next(d for d in documents if d["number"] == "321")
        self.assertEqual((two["lines"][0]["price"], two["lines"][0]["qty"], two["lines"][0]["amount"]),
                         (Decimal("30129.78"), Decimal("2"), Decimal("60259.56")))
        paid = [d["number"] for d in documents if d["paid"]]
        self.assertEqual(paid, ["490"], "«Дата оплаты по 1С»")
        self.assertEqual(sum(d["shipped"] for d in documents), 7)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestBitrixModule31Import(ImporterCase):
    def import_goods(self):
        for name in ("import.xml", "properties/import.xml", "goods/import.xml"):
            counts = self.importer._import_catalog(path(B6, *name.split("/")))
            self.assertFalse([w for w in counts["warnings"] if "796" in w], name)
        warnings = []
        for name in ("properties/offers.xml", "goods/offers.xml", "goods/prices.xml", "goods/rests.xml"):
            warnings += self.importer._import_offers(path(B6, *name.split("/")))["warnings"]
        return warnings

    def test_exchange(self):
        """The whole exchange of a rouble shop: 21 products in the group «OSki», their 86
        characteristics as variants, priced in roubles by the selling price; a price 1C writes in
        dollars is no rouble price."""
        sell_in_roubles(self.env)
        warnings = self.import_goods()
        self.assertEqual([w.split(": ", 1)[1] for w in warnings if "USD" in w],
                         ["a price of 1C price type «Отпускная цена» in USD was skipped: it goes to a price in RUB"],
                         "8 offers, said once")
        self.assertEqual(len(warnings[0].split(":")[0].split(", ")), 8)
        templates = self.Template.search([("ecom_1c_id", "!=", False)])
        self.assertEqual(len(templates), 21)
        self.assertEqual(set(templates.categ_id.mapped("name")), {"OSki"})
        self.assertEqual(self.Product.search_count([("ecom_1c_id", "=like", "%#%")]), 86)
        sales = self.env["ecom.1c.price.type"].search([("target", "=", "list_price")])
        self.assertEqual(sales.name, "Отпускная цена")
        windows = self.Template.search([("ecom_1c_id", "=", B6_PRODUCT)])
        self.assertEqual((windows.name, windows.uom_id), ("Windows 10 Pro Lic", self.env.ref("uom.product_uom_unit")))
        self.assertEqual(len(windows.product_variant_ids), 13)
        # each characteristic at its price in roubles; 155 and 193 are dollars, no rouble price
        self.assertEqual(sorted(windows.product_variant_ids.mapped("ecom_1c_price"))[4:6], [3526.15, 5956.85])
        dollars = self.Product.search([("ecom_1c_id", "=", f"{B6_PRODUCT}#d708d384-168c-11e6-946e-00155d020201")])
        self.assertFalse(dollars.ecom_1c_price, "155 USD: no price in roubles")
        # the variants 1C priced in roubles make the product's price, not those it never priced (1.0)
        self.assertEqual(windows.list_price, 3526.15)
        self.assertEqual(dollars.lst_price, 3526.15, "no price of its own: the product's")
        self.assertEqual(sorted(windows.product_variant_ids.mapped("lst_price"))[:3], [3526.15] * 3)
        # a product priced in roubles only sells at its cheapest characteristic's price
        enterprise = self.Template.search([("ecom_1c_id", "=", "56ece971-ae16-11e5-9468-00155d020201")])
        self.assertEqual((enterprise.name, enterprise.list_price), ("Windows 10 Enterprise Lic", 5757.38))
        self.assertEqual(sum(windows.product_variant_ids.mapped("ecom_1c_qty")), 0)
        # 3.1 gives a characteristic's values as its offer's «ЗначенияСвойств» of the properties of
        # properties/offers.xml («ХарактеристикиТовара» empty): the variant's values, by their names
        rosa = self.Product.search([("ecom_1c_id", "=", "73bde82a-26e6-11e6-9472-00155d020201"
                                                          "#daccfacb-26e6-11e6-9472-00155d020201")])
        self.assertEqual({v.attribute_id.name: v.name for v in rosa.product_template_attribute_value_ids},
                         {"Артикул": "RL 00610", "Срок лицензии": "бессрочная",
                          "Тип лицензии": "лицензия + базовая техподдержка 1 год"})
        self.assertEqual(rosa.product_template_attribute_value_ids.attribute_id.mapped("create_variant"),
                         ["dynamic"] * 3, "characteristics, not the properties' no-variant attributes")
        # each characteristic sells at its own 1C price: its «Артикул», a value no other has, holds
        # the difference from the product's lowest (the values it shares with others hold none)
        priced = windows.product_variant_ids.filtered("ecom_1c_price")
        self.assertEqual(len(priced), 9)
        self.assertEqual(priced.mapped("lst_price"), priced.mapped("ecom_1c_price"))
        self.assertEqual(len(warnings), 1, "no «price per combination not kept»")
        self.assertFalse(self.Product.search_count([("ecom_1c_id", "=like", "%#%"), (
            "product_template_attribute_value_ids.attribute_id.ecom_1c_id", "=", "characteristic")]),
            "none told apart by its name alone")

    def test_price_types_an_administrator_mapped_stay(self):
        """A store that mapped its 1C price types before (its sales price «Основная цена»): the
        classifier declaring all eight makes the new ones await a pricelist, never moving the sales
        price to the selling one."""
        PriceType = self.env["ecom.1c.price.type"]
        main = PriceType.create({"name": "Основная цена", "ecom_1c_id": B6_MAIN_PRICE, "currency_name": "руб",
                                 "target": "list_price"})
        counts = self.importer._import_catalog(path(B6, "import.xml"))
        self.assertFalse(counts["warnings"])
        self.assertEqual(PriceType.search([("target", "=", "list_price")]), main)
        self.assertEqual(PriceType.search([("name", "=", "Отпускная цена")]).target, "pricelist")
        self.assertEqual(PriceType.search_count([]), 8)

    def test_orders_back(self):
        """1C's documents for the site's orders, found by their number: 1C's number, posting, shipping
        and payment; those of orders the site does not have create nothing (unknown products)."""
        partner = self.env["res.partner"].create({"name": "Покупатель"})
        orders = {number: self.env["sale.order"].create({"partner_id": partner.id, "name": number})
                  for number in ("320", "483", "490")}
        counts = self.importer._import_documents(path(B6, "documents", "documents-1.xml"))
        self.assertEqual((orders["320"].ecom_1c_number, orders["320"].ecom_1c_posted, orders["320"].ecom_1c_shipped,
                          orders["320"].ecom_1c_paid), ("L320", True, True, False))
        self.assertEqual(str(orders["320"].ecom_1c_date), "2017-08-03")
        self.assertEqual((orders["483"].ecom_1c_number, orders["483"].ecom_1c_posted, orders["483"].ecom_1c_shipped),
                         ("K483", False, False))
        self.assertEqual((orders["490"].ecom_1c_paid, orders["490"].ecom_1c_shipped), (True, True))
        self.assertEqual(self.env["sale.order"].search_count([("ecom_1c_id", "!=", False)]), 0)
        self.assertEqual(len([w for w in counts["warnings"] if "unknown products" in w or "неизвестн" in w]), 17)


# 1C:УТ 11 in schema 2.09 writing its exchange in split files (import___, offers___, prices___, rests___),
# a cosmetics shop's: trimmed (tests/data/SOURCES.md)
UT209 = "ut11-2.09-split"
UT209_FILES = {"classifier": "import___b815e2db-7a65-4265-9241-5f0c4f0565a7.xml",
               "names": "offers___7f304edc-2527-4d3d-b058-6e4ee53de2e0.xml",
               "properties": "offers___f0bab95c-14a6-4141-9746-6650b65f1191.xml",
               "prices": "prices___d66a6b51-ce9c-4e7a-8c7c-25079721107f.xml",
               "stock": "rests___1af6e7b8-a026-4690-9752-1c9d64cb914d.xml"}
UT209_STORE = "5d1caeb1-44b2-11e4-a628-003048c64779"  # «Оптовый»


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSplit209Reader(BaseCase):
    def test_classifier(self):
        """Schema 2.09 (xmlns commerceml_2) declares its units by a GUID in the classifier, as 3.1
        does, and its groups nested under one «Косметика и гигиена»."""
        events = list(read_catalog(path(UT209, UT209_FILES["classifier"])))
        groups = {v["id"]: v for kind, v in events if kind == "group"}
        self.assertEqual(len(groups), 97)
        roots = [g["name"] for g in groups.values() if not g["parent_id"]]
        self.assertEqual(roots, ["Косметика и гигиена"])
        self.assertEqual(groups["392672ee-31d7-11e4-a628-003048c64779"]["parent_id"],
                         "dadf39b8-00f8-11e4-81ce-00155d003d0f", "«Гель для бритья» in «Бритвенные принадлежности»")
        units = {v["id"]: v for kind, v in events if kind == "unit"}
        piece = units["0cb615ec-0e44-11e4-ae1d-00155d003d10"]
        self.assertEqual((piece["code"], piece["short"], piece["name"]), ("796", "PCE", "Штука"))
        self.assertEqual(set(uom_xmlids(referenced_unit({"code": "", "name": "", "short": piece["id"]}, units))),
                         {"uom.product_uom_unit"}, "a unit named by its GUID")
        # «Упаковка» (OKEI 778): a pack sold whole, one unit of the product, as Odoo has no pack unit
        pack = units["e4e03baa-75a1-11e2-941b-0025906853c3"]
        self.assertEqual((pack["code"], pack["name"]), ("778", "Упаковка"))
        self.assertEqual(uom_xmlids(pack), ["uom.product_uom_unit", "uom.product_uom_unit"])
        self.assertEqual([v["name"] for kind, v in events if kind == "price_type"], ["Типовое соглашение Интернет-МХТ"])

    def test_offers_prices_and_stock_by_warehouse(self):
        """Names, prices and stock of the same 12 offers, each in its file; stock as 3.1 writes it
        («Остатки»), in a 2.x namespace."""
        named = [v for kind, v in read_offers(path(UT209, UT209_FILES["names"])) if kind == "offer"]
        self.assertEqual(named[0]["name"], "Дезодорант для мужчин Чистая линия Фито защита без белых следов 150мл",
                         "1C's trailing space left out")
        properties = [(k, v["name"]) for k, v in read_offers(path(UT209, UT209_FILES["properties"]))
                      if k not in ("package", "catalog_id")]
        self.assertEqual(properties, [("property", "Бумага"), ("property", "Тип лампы"), ("property", "Мощность"),
                                      ("property", "Тип патрона"), ("property", "Венчики")],
                         "an offers package of the characteristics' properties only: nothing to offer")
        prices = {v["id"]: v["prices"] for kind, v in read_offers(path(UT209, UT209_FILES["prices"]))
                  if kind == "offer"}
        self.assertEqual(prices[named[0]["id"]], [{"type_id": "4d968229-47ba-11e4-a628-003048c64779",
                                                   "price": Decimal("181"), "currency": "RUB", "unit": "",
                                                   "ratio": Decimal("1"), "min_qty": None}])
        stock = [v for kind, v in read_offers(path(UT209, UT209_FILES["stock"])) if kind == "offer"]
        self.assertEqual([o["id"] for o in stock], [o["id"] for o in named])
        self.assertEqual([float(o["quantity"]) for o in stock], [1, 0, 0, 0, 0, 0, 0, 9, 0, 1, 3, 0])
        self.assertEqual({store for o in stock for store in o["stock"]}, {UT209_STORE})


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSplit209Import(ImporterCase):
    def test_exchange_of_products_1c_sent_before(self):
        """The catalog of the products (a file of its own, 1C sent it before) is not among the files:
        the 12 products are made here with their 1C ids, then the exchange's files are imported."""
        sell_in_roubles(self.env)
        counts = self.importer._import_catalog(path(UT209, UT209_FILES["classifier"]))
        self.assertFalse(counts["warnings"])
        # a product in packs («Упаковка», OKEI 778) is counted in Units, with no «unknown unit» warning
        pack = self.env["ecom.1c.unit"].search([("ecom_1c_id", "=", "e4e03baa-75a1-11e2-941b-0025906853c3")])
        self.assertEqual(self.importer._uom_for(pack._as_1c_unit(), counts), self.env.ref("uom.product_uom_unit"))
        self.assertFalse(counts["warnings"])
        sales = self.env["ecom.1c.price.type"].search([("target", "=", "list_price")])
        self.assertEqual(sales.name, "Типовое соглашение Интернет-МХТ", "the only one is the sales price")
        ids = [v["id"] for kind, v in read_offers(path(UT209, UT209_FILES["names"])) if kind == "offer"]
        products = self.Product.create([{"name": f"Товар {i}", "ecom_1c_id": offer_id}
                                        for i, offer_id in enumerate(ids)])
        warnings = []
        for kind in ("names", "properties", "prices", "stock"):
            warnings += self.importer._import_offers(path(UT209, UT209_FILES[kind]))["warnings"]
        self.assertFalse(warnings)
        self.assertEqual(products.mapped("lst_price"), [181, 138, 141, 307, 219, 169, 179, 298, 254, 247, 327, 328])
        self.assertEqual(products.mapped("ecom_1c_qty"), [1, 0, 0, 0, 0, 0, 0, 9, 0, 1, 3, 0])


# 1C:УТ 11's demo base («Стройснаб») exchanging with a site in 2.07: its whole catalog and offers,
# trimmed to 8 products (tests/data/SOURCES.md)
UT_STORES = "ut11-2.07-stores"
UT_BOOTS = "bd72d910-55bc-11d9-848a-00112f43529a"  # «Женские ботфорты коричневые», in pairs, two sizes
UT_FAN = "cbcf493f-55bc-11d9-848a-00112f43529a"  # «Вентилятор BINATONE ALPINE», in two shops
UT_SHOES_STORE = "b6112590-41ba-11dd-ac9d-0015e9b8c48d"  # «Магазин "Обувь"»
UT_TECH_STORE = "b6112592-41ba-11dd-ac9d-0015e9b8c48d"  # «Магазин "Бытовая техника"»
# another base of 1C:УТ 11 («Торговый дом "Комплексный"»), its products with their «Изготовитель»
UT_MAKERS = "ut11-2.07-makers"
UT_FRIDGE = "bce2512c-c904-11e2-8026-0015e9b8c48d"  # «Х-67891 Стинол Завод бытовой техники»
# a Ukrainian shop's 1C in 2.07 (names in Ukrainian, «Штука» by its Ukrainian code 2009)
UA = "ua-2.07"


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestMoreShopsReader(BaseCase):
    def test_characteristics_by_size_in_shops(self):
        """1C:УТ 11 offers each size of a pair of boots as a characteristic (``product#characteristic``)
        told apart by its name only («… (38)»), stock by the shop that holds it; a product in two shops
        is counted in both."""
        offers = {v["id"]: v for kind, v in read_offers(path(UT_STORES, "offers0_1.xml")) if kind == "offer"}
        self.assertEqual(len(offers), 7)
        sizes = [o for o in offers.values() if o["product_id"] == UT_BOOTS]
        self.assertEqual([(o["name"], o["prices"][0]["price"], o["quantity"], o["stock"]) for o in sizes], [
            ("Женские ботфорты коричневые (38)", 1719, 20, {UT_SHOES_STORE: 20}),
            ("Женские ботфорты коричневые (39)", 1496, 19, {UT_SHOES_STORE: 19})])
        self.assertEqual((sizes[0]["characteristics"], sizes[0]["unit"]["code"]), ({}, "715"))
        self.assertEqual(offers[UT_FAN]["stock"], {"b6112591-41ba-11dd-ac9d-0015e9b8c48d": 20, UT_TECH_STORE: 12})
        stores = [v["name"] for kind, v in read_offers(path(UT_STORES, "offers0_1.xml")) if kind == "warehouse"]
        self.assertEqual(len(stores), 6)
        self.assertIn('Магазин "Бытовая техника"', stores)

    def test_manufacturer(self):
        """1C:УТ 11 writes a product's manufacturer as «Изготовитель» (a counterparty: Ид and
        Наименование), beside its properties: read, not lost."""
        products = [v for kind, v in read_catalog(path(UT_MAKERS, "import.xml")) if kind == "product"]
        self.assertEqual(len(products), 32)
        fridge = next(p for p in products if p["id"] == UT_FRIDGE)
        self.assertEqual(fridge["manufacturer"], "Завод бытовой техники")
        self.assertEqual(len([p for p in products if p["manufacturer"]]), 32)
        self.assertEqual(fridge["unit"]["code"], "796", "«796 » with 1C's trailing space")

    def test_manufacturer_as_a_property(self):
        """The manufacturer is one property more of the products that name one; the property 1C
        gives itself, declared or not, is left as 1C gives it."""
        products = [{"id": "a", "properties": {}, "manufacturer": "Завод"},
                    {"id": "b", "properties": {MANUFACTURER_ID: "Свой"}, "manufacturer": "Завод"},
                    {"id": "c", "properties": {}, "manufacturer": ""},
                    {"id": "a#1", "properties": {}, "manufacturer": "Завод"}]
        properties = {}
        add_manufacturers(products, properties, "Manufacturer")
        self.assertEqual([p["properties"] for p in products],
                         [{MANUFACTURER_ID: "Завод"}, {MANUFACTURER_ID: "Свой"}, {}, {}])
        self.assertEqual(properties, {MANUFACTURER_ID: {"id": MANUFACTURER_ID, "name": "Manufacturer",
                                                        "type": "", "values": {}}})
        add_manufacturers([{"id": "d", "properties": {}, "manufacturer": ""}], empty := {}, "Manufacturer")
        self.assertEqual(empty, {}, "declared only for a product that names one")

    def test_ukrainian_catalog(self):
        """A Ukrainian shop's 1C: «Штука» by its Ukrainian code 2009, «МеждународноеСокращение» «-»;
        serial numbers in «Штрихкод»; products in no group."""
        products = [v for kind, v in read_catalog(path(UA, "import0_1.xml")) if kind == "product"]
        self.assertEqual(len(products), 8)
        self.assertEqual({(p["unit"]["code"], p["unit"]["short"], p["unit"]["name"]) for p in products},
                         {("2009", "-", "Штука")})
        self.assertEqual({tuple(uom_xmlids(p["unit"])) for p in products}, {("uom.product_uom_unit",)})
        self.assertEqual(sum(1 for p in products if not p["group_ids"]), 2)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestMoreShopsImport(ImporterCase):
    def test_stores_exchange(self):
        """1C:УТ 11's demo base: 59 nested groups, products in pairs, kilograms, a set and a service;
        its offers: sizes of boots as variants, retail prices in roubles, stock of six shops."""
        sell_in_roubles(self.env)
        warnings = self.importer._import_catalog(path(UT_STORES, "import0_1.xml"))["warnings"]
        self.assertEqual(self.env["product.category"].search_count([("ecom_1c_id", "!=", False)]), 59)
        boots = self.Template.search([("ecom_1c_id", "=", UT_BOOTS)])
        self.assertEqual((boots.name, boots.default_code, boots.categ_id.name, boots.categ_id.parent_id.name),
                         ("Женские ботфорты коричневые", "Б-130001", "Женская обувь", "Обувь"))
        self.assertEqual(boots.uom_id, self.env.ref("uom.product_uom_unit"))
        # pairs and sets said (the 8 products in pairs, a set), counted in units
        self.assertEqual([sum(unit in w for w in warnings) for unit in ("715 / пара (2 шт.)", "839 / комплект")],
                         [1, 1], warnings)
        kilo = self.Template.search([("ecom_1c_id", "=", "cbcf4968-55bc-11d9-848a-00112f43529a")])
        self.assertEqual(kilo.uom_id, self.env.ref("uom.product_uom_kgm"))
        payment = self.Template.search([("ecom_1c_id", "=", "9a34a49f-08e7-11e4-b6fd-bcaec5741d46")])
        self.assertEqual((payment.name, payment.type), ("Платеж МТС", "service"))
        # the properties of 1C's classifier, as attributes that make no variants
        maker = boots.attribute_line_ids.filtered(lambda line: line.attribute_id.name == "Производитель")
        self.assertEqual(maker.value_ids.name, "Обувной комбинат")
        warnings = self.importer._import_offers(path(UT_STORES, "offers0_1.xml"))["warnings"]
        self.assertFalse([w for w in warnings if "RUB" in w], warnings)
        sizes = boots.product_variant_ids.sorted("ecom_1c_price")
        self.assertEqual(len(sizes), 2, "two sizes, two variants")
        self.assertEqual((sizes.mapped("ecom_1c_price"), sizes.mapped("ecom_1c_qty")), ([1496, 1719], [19, 20]))
        self.assertEqual(boots.list_price, 1496, "sold from its cheapest size")
        fan = self.Product.search([("ecom_1c_id", "=", UT_FAN)])
        self.assertEqual((fan.ecom_1c_qty, fan.lst_price), (32, 1890))

    def test_manufacturers(self):
        """The manufacturer 1C:УТ writes of each product, as the attribute «Manufacturer» (no variants),
        named in each language whichever store's exchange made it, one however many languages exchange;
        three levels of groups, as categories under one another."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.importer.with_context(lang="ru_RU")._import_catalog(path(UT_MAKERS, "import.xml"))
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "!=", False)]), 32)
        fridge = self.Template.search([("ecom_1c_id", "=", UT_FRIDGE)])
        self.assertEqual(fridge.categ_id.complete_name.split(" / ")[-3:],
                         ["Торговая деятельность", "Бытовая техника", "Холодильники, морозильные камеры"])
        line = fridge.attribute_line_ids.filtered(lambda ln: ln.attribute_id.ecom_1c_id == MANUFACTURER_ID)
        self.assertEqual((line.attribute_id.with_context(lang="ru_RU").name,
                          line.attribute_id.with_context(lang="en_US").name), ("Изготовитель", "Manufacturer"))
        self.assertEqual((line.value_ids.name, line.attribute_id.create_variant),
                         ("Завод бытовой техники", "no_variant"))
        self.assertEqual(len(fridge.product_variant_ids), 1)
        makers = self.env["product.attribute"].search([("ecom_1c_id", "=", MANUFACTURER_ID)])
        self.assertEqual(len(makers), 1)
        self.assertEqual(self.Template.search_count([("attribute_line_ids.attribute_id", "=", makers.id)]), 32)
        # sent again, by a store in English: no second attribute, no second value, no name changed
        self.importer.with_context(lang="en_US")._import_catalog(path(UT_MAKERS, "import.xml"))
        self.assertEqual(len(line.value_ids), 1)
        self.assertEqual(self.env["product.attribute"].search_count([("ecom_1c_id", "=", MANUFACTURER_ID)]), 1)
        self.assertEqual((makers.with_context(lang="ru_RU").name, makers.with_context(lang="en_US").name),
                         ("Изготовитель", "Manufacturer"))

    def test_ukrainian_catalog(self):
        counts = self.importer._import_catalog(path(UA, "import0_1.xml"))
        self.assertFalse([w for w in counts["warnings"] if "unit" in w or "единиц" in w], counts["warnings"])
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "!=", False)]), 8)
        tv = self.Template.search([("ecom_1c_id", "=", "7bce3407-583e-11e8-8163-708bcda42178")])
        self.assertEqual((tv.name, tv.categ_id.name, tv.barcode, tv.uom_id),
                         ("ERGO LE43DF3000", "Телевізори", "E18087200306", self.env.ref("uom.product_uom_unit")))
        mincer = self.Template.search([("ecom_1c_id", "=", "b75aea79-12ab-11ea-9023-e0d55e56c3c9")])
        self.assertEqual((mincer.categ_id.name, mincer.categ_id.parent_id.name), ("Мясорубка", "Техніка для кухні"))
        board = self.Template.search([("ecom_1c_id", "=", "e425a159-d94c-11e8-b4cf-e0d55e0f8efa")])
        self.assertEqual(board.barcode, "SN175060009539", "a serial number where 1C keeps barcodes, kept")
        self.assertFalse(board.categ_id.ecom_1c_id, "in no group: the default category")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestMoreShopsOverHttp(ProtocolCase):
    def test_stores_exchange_as_1c_sends_it(self):
        """1C:УТ 11's import0_1.xml and offers0_1.xml driven through /1c_exchange until «success»."""
        exchange = self.exchange_files(UT_STORES, ("import0_1.xml", "offers0_1.xml"))
        boots = self.env["product.template"].search([("ecom_1c_id", "=", UT_BOOTS)])
        self.assertEqual(sorted(boots.product_variant_ids.mapped("ecom_1c_qty")), [19, 20])
        self.assertIn("715", exchange.messages or "", "the pairs' unit said in the exchange log")


# 1C:УНФ 3 (its marks: «Запас», «Категории» beside the groups, xmlns commerceml_210) of a clothes maker
# in 2026: three products, 17 of their offers (tests/data/SOURCES.md)
UNF3 = "unf3-2.08"
UNF3_TROUSERS = "b197e9d6-56ae-11ec-aba0-00199997af17"  # «Брюки АС-101 Бохо»
UNF3_SHIRT = "6cdbdc06-56b8-11ec-aba0-00199997af17"  # «Рубашка Б-005»
UNF3_TOWN_PRICE = "a4ebd658-98d6-11ec-aba0-00199997af17"  # «Яр. РИО Розница», the second town's retail price
# МойСклад's CommerceML export (its «externalCode» as Ид): one product, its price and stock
MOYSKLAD = "moysklad-2.04"


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestUnf3AndMoySkladReader(BaseCase):
    def test_unf3_files(self):
        """The classifier of 1C:УНФ 3 declares its groups also as «Категории» and its unit in
        «ЕдиницыИзмерения» (no Ид); a product has four «Картинка», VAT 22 % and its files as
        requisites. Its offers: the product itself, then its characteristics, each with
        «ХарактеристикиТовара» (named after their set) and «ЗначенияСвойств»; two retail price types in
        «руб», one per town; stock in 20 warehouses."""
        events = list(read_catalog(path(UNF3, "import.xml")))
        found = Counter(kind for kind, _v in events)
        self.assertEqual((found["group"], found["category"], found["product"], found["unit"]), (2, 2, 3, 1))
        trousers = next(v for kind, v in events if kind == "product" and v["id"] == UNF3_TROUSERS)
        self.assertEqual((len(trousers["images"]), trousers["taxes"], trousers["requisites"]["ТипНоменклатуры"]),
                         (4, [{"name": "НДС", "rate": "22"}], "Запас"))
        events = list(read_offers(path(UNF3, "offers.xml")))
        self.assertEqual([v["name"] for kind, v in events if kind == "price_type"],
                         ["Ив. РИО Розничная", "Яр. РИО Розница"])
        self.assertEqual(sum(1 for kind, _v in events if kind == "warehouse"), 20)
        offers = [v for kind, v in events if kind == "offer"]
        self.assertEqual(len(offers), 17)
        self.assertEqual([o["characteristic_id"] for o in offers].count(None), 3, "each product offered itself")
        first = offers[1]
        self.assertEqual(first["characteristics"], {"Цвет. (Доп реквизиты текстиль)": "графит",
                                                    "Размер. (Доп реквизиты текстиль)": "44-46"})
        self.assertEqual(len(first["properties"]), 2)
        self.assertEqual([(p["price"], p["currency"]) for p in first["prices"]], [(1620, "руб"), (1815, "руб")])
        self.assertEqual((first["quantity"], len(first["stock"])), (1, 20))

    def test_moysklad_files(self):
        """МойСклад writes its own Ид (an «externalCode»: «137», «k8SNns6tiJ0jr7NUyPEkc2»), its unit
        as text («шт»), a date with milliseconds and its zone, «СинхронизацияТоваров»."""
        product = next(v for kind, v in read_catalog(path(MOYSKLAD, "import.xml")) if kind == "product")
        self.assertEqual((product["id"], product["group_ids"], product["images"]),
                         ("137", ["i9UQaFxni4icAO0JMV71J1"], ["12345.png"]))
        self.assertEqual(uom_xmlids(product["unit"])[:1], ["uom.product_uom_unit"])
        offer = next(v for kind, v in read_offers(path(MOYSKLAD, "offers.xml")) if kind == "offer")
        self.assertEqual((offer["prices"][0]["price"], offer["stock"]), (45000, {"k8SNns6tiJ0jr7NUyPEkc2": 1}))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestUnf3Import(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sell_in_roubles(cls.env)

    def test_unf3_exchange(self):
        """1C:УНФ 3's catalog and offers: its groups as the categories, once; the characteristics as
        variants; the first town's retail price as the sales price, the other one's awaiting a
        pricelist; the product's own offer (no characteristic) is no «unknown product»."""
        # Russia's VAT of 2026, 22 %: the company's tax of that rate
        vat = self.env["account.tax"].create({"name": "НДС 22 %", "type_tax_use": "sale", "amount_type": "percent",
                                              "amount": 22, "sequence": 0, "company_id": self.env.company.id})
        warnings = self.importer._import_catalog(path(UNF3, "import.xml"))["warnings"]
        self.assertEqual(sorted(self.env["product.category"].search([("ecom_1c_id", "!=", False)]).mapped("name")),
                         ["Брюки", "Рубашки"])
        trousers = self.Template.search([("ecom_1c_id", "=", UNF3_TROUSERS)])
        self.assertEqual((trousers.name, trousers.default_code, trousers.type),
                         ("Брюки АС-101 Бохо", "02.05-бр-т", "consu"))
        self.assertEqual(trousers.taxes_id, vat, "VAT 22 %: its tax")
        self.assertFalse([w for w in warnings if "22" in w], warnings)
        brand = trousers.attribute_line_ids.filtered(lambda line: line.attribute_id.name == "Бренд")
        self.assertEqual(brand.value_ids.name, "ТексЭт")
        warnings = self.importer._import_offers(path(UNF3, "offers.xml"))["warnings"]
        self.assertFalse([w for w in warnings if UNF3_TROUSERS in w or UNF3_SHIRT in w],
                         "the products' own offers are no unknown products")
        sales = self.env["ecom.1c.price.type"].search([("target", "=", "list_price")])
        self.assertEqual(sales.name, "Ив. РИО Розничная")
        self.assertEqual(len([w for w in warnings if "Яр. РИО Розница" in w]), 1, "a pricelist to choose")
        self.assertEqual(len(trousers.product_variant_ids), 5)
        graphite = self.Product.search([("ecom_1c_id", "=", f"{UNF3_TROUSERS}#5ac0dd13-f0a4-11ed-81f2-00199997af17")])
        self.assertEqual({v.attribute_id.name: v.name for v in graphite.product_template_attribute_value_ids
                          if v.name != "—"},
                         {"Цвет. (Доп реквизиты текстиль)": "графит", "Размер. (Доп реквизиты текстиль)": "48-50"})
        self.assertEqual((graphite.ecom_1c_price, graphite.lst_price, graphite.ecom_1c_qty), (1620, 1620, 0))
        lace = trousers.product_variant_ids.filtered(lambda v: v.ecom_1c_price == 850)
        self.assertEqual((lace.lst_price, lace.ecom_1c_qty, trousers.list_price), (850, 2, 850))
        # its 44-46 in graphite shares each value with another: no value can hold its price (said)
        self.assertEqual(len([w for w in warnings if "44-46" in w and "1620" in w]), 1, warnings)
        shirt = self.Template.search([("ecom_1c_id", "=", UNF3_SHIRT)])
        chocolate = shirt.product_variant_ids.filtered(lambda v: v.ecom_1c_qty == 4)
        self.assertEqual(set(chocolate.product_template_attribute_value_ids.mapped("name")),
                         {"шоколад", "44", "165", "70%-ХБ 30%-лён", 'ax"\\8', "гладкокрашенный"})
        self.assertEqual(sum(shirt.product_variant_ids.mapped("ecom_1c_qty")), 4)

    def test_unf3_second_town_in_its_pricelist(self):
        """The second town's retail price type mapped to a pricelist in roubles: its prices there."""
        self.importer._import_catalog(path(UNF3, "import.xml"))
        self.importer._import_offers(path(UNF3, "offers.xml"))
        town = self.env["product.pricelist"].create({"name": "Ярославль", "currency_id": self.env.ref("base.RUB").id})
        self.env["ecom.1c.price.type"].search([("ecom_1c_id", "=", UNF3_TOWN_PRICE)]).write(
            {"target": "pricelist", "pricelist_id": town.id})
        warnings = self.importer._import_offers(path(UNF3, "offers.xml"))["warnings"]
        self.assertFalse([w for w in warnings if "Яр. РИО" in w], warnings)
        graphite = self.Product.search([("ecom_1c_id", "=", f"{UNF3_TROUSERS}#5ac0dd13-f0a4-11ed-81f2-00199997af17")])
        self.assertEqual(town._get_product_price(graphite, 1.0), 1815)
        shirt = self.Template.search([("ecom_1c_id", "=", UNF3_SHIRT)])
        self.assertEqual({town._get_product_price(v, 1.0) for v in shirt.product_variant_ids}, {1950})

    def test_stock_of_a_product_without_characteristic(self):
        """A product's own offer counting stock (items 1C holds with no characteristic): no variant
        holds it, said. A product with no characteristics offered in the same file (the shirt's
        characteristics left out here) still takes its offer's price and stock."""
        self.importer._import_catalog(path(UNF3, "import.xml"))
        package = read(UNF3, "offers.xml").decode("utf-8-sig")
        package = re.sub(rf"<Предложение>\s*<Ид>{UNF3_SHIRT}#.*?</Предложение>\s*", "", package, flags=re.S)
        package = package.replace("<Количество>0<", "<Количество>7<", 1)  # the trousers' own offer
        shirt_offer = package.index(f"<Ид>{UNF3_SHIRT}</Ид>")
        package = package[:shirt_offer] + package[shirt_offer:].replace("<Количество>0<", "<Количество>3<", 1)
        warnings = self.importer._import_offers(io.BytesIO(package.encode()))["warnings"]
        self.assertEqual(len([w for w in warnings if UNF3_TROUSERS in w]), 1, warnings)
        self.assertRegex(next(w for w in warnings if UNF3_TROUSERS in w), r"\b7\b", "its stock named")
        self.assertFalse([w for w in warnings if UNF3_SHIRT in w], warnings)
        shirt = self.Product.search([("ecom_1c_id", "=", UNF3_SHIRT)])
        self.assertEqual((shirt.lst_price, shirt.ecom_1c_qty), (1740, 3))
        self.assertEqual(len(shirt.product_tmpl_id.product_variant_ids), 1)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestMoySkladOverHttp(ProtocolCase):
    def test_moysklad_exchange(self):
        """МойСклад's catalog and offers through /1c_exchange: its one product in its nested group, in
        units, at its only price («Цена продажи»), one in stock; the picture it names, not sent, said."""
        sell_in_roubles(self.env)
        exchange = self.exchange_files(MOYSKLAD, ("import.xml", "offers.xml"))
        product = self.env["product.product"].search([("ecom_1c_id", "=", "137")])
        self.assertEqual((product.name, product.categ_id.complete_name.split(" / ")[-2:], product.uom_id),
                         ("dev test my 137", ["A1. НОУТБУКИ", "Devops Test"], self.env.ref("uom.product_uom_unit")))
        self.assertEqual((product.lst_price, product.ecom_1c_qty, product.description_sale),
                         (45000, 1, "тест описания для картинки"))
        self.assertIn("12345.png", exchange.messages or "")


# 1C:Управление торговлей 10.3's exchange plan «Обмен с WEB - сайтом» of a laminate shop in 2014: its
# offers only (its catalog, over 4 MB, is not in the source), 6 of 1438 (tests/data/SOURCES.md)
UT10 = "ut10-2.04"
UT10_PLANK = "4d46be9f-9cab-11e0-8735-003018a4a92f"  # «Ламинат Tarkett Artisan Дуб Лувр», priced per plank


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestUt10Offers(ImporterCase):
    def test_square_metres_planks_and_a_negative_balance(self):
        """Laminate sold by the square metre (OKEI «055»), in decimal stock; a price 1C writes per
        plank («Единица» шт, «Коэффициент» 0.250571 m² a plank) is the price of a square metre; a
        balance below zero (1C:УТ 10.3 lets one sell what it has not) kept as 1C says it."""
        sell_in_roubles(self.env)
        offers = [v for kind, v in read_offers(path(UT10, "offers.xml")) if kind == "offer"]
        self.assertEqual(read_catalog_id(path(UT10, "offers.xml")), "Обмен с WEB - сайтом (Товары)00001")
        units = {o["unit"]["code"]: uom_xmlids(o["unit"])[0] for o in offers}
        self.assertEqual(units, {"796": "uom.product_uom_unit", "055": "uom.uom_square_meter"})
        # the catalog 1C sent before made the products, each in its unit
        products = self.Product.create([{"name": o["name"], "ecom_1c_id": o["id"],
                                         "uom_id": self.env.ref(units[o["unit"]["code"]]).id,
                                         "uom_po_id": self.env.ref(units[o["unit"]["code"]]).id} for o in offers])
        counts = self.importer._import_offers(path(UT10, "offers.xml"))
        self.assertEqual((counts["updated"], counts["warnings"]), (6, []))
        self.assertEqual(products.mapped("lst_price")[:4], [657.8, 794.3, 627.9, 853.99])
        plank = products.filtered(lambda p: p.ecom_1c_id == UT10_PLANK)
        self.assertAlmostEqual(plank.lst_price, 701.88 / 0.250571, places=2)
        self.assertEqual(products.mapped("ecom_1c_qty"), [0, 0, 2.383, 16.46, -23.956, 0])
        oversold = products[4]
        self.assertLessEqual(oversold._ecom_available_quantities().get(oversold.id, 0), 0,
                             "sold beyond its stock: none available")
