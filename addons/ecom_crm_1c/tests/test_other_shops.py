"""Real 1C files of other shops (tests/data/SOURCES.md): what their configurations write that the
files of the first samples did not. Readers without a database, then the importer."""

from collections import Counter

from odoo.tests import BaseCase, tagged

from ..commerceml import read_catalog
from ..commerceml.mapper import referenced_unit, sales_price_type, uom_xmlids
from .common import ImporterCase, ProtocolCase, path, read

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
        self.assertEqual(names[sales_price_type(demo, {"ГРН", "UAH"})], "Розничная")
        self.assertEqual(names[sales_price_type(demo, {"USD"})], "Мелкооптовая", "in dollars: none is retail")
        self.assertEqual(names[sales_price_type(demo, {"RUB", "РУБ"})], "Розничная", "none in roubles")
        # the standard's own example: wholesale in dollars first, retail in roubles
        official = [{"name": "Оптовая", "currency": "USD"}, {"name": "Закупочная", "currency": "USD"},
                    {"name": "Розничная", "currency": "руб"}]
        self.assertEqual(sales_price_type(official, {"RUB", "РУБ"}), 2)
        self.assertEqual(sales_price_type([{"name": "Цена поставщика", "currency": "руб"}], {"РУБ"}), 0,
                         "the only one")


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


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSchema31OverHttp(ProtocolCase):
    def test_demo_exchange_as_1c_sends_it(self):
        """The 3.1 demo exchange the way 1C drives it: five files, each imported until «success»."""
        names = ("classifier.xml", "import.xml", "offers.xml", "prices.xml", "rests.xml")
        cookie = self.upload({name: read("demo-3.1", name) for name in names})
        for name in names:
            answers, last = self.import_until_done(cookie, name)
            self.assertEqual(answers[-1], "success", (name, last))
        self.assertEqual(self.call("success", cookie=cookie), ["success"])
        drill = self.env["product.product"].search([("ecom_1c_id", "=", "5f05b691-34bc-11de-9e69-00804829546f")])
        self.assertEqual((drill.ecom_1c_qty, drill.uom_id), (19, self.env.ref("uom.product_uom_unit")))
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "done")
        self.assertNotIn("2009", exchange.messages or "")
