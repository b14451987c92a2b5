"""Price types wherever the schemas declare them, and no price dropped without a warning.

On the hand-made schema 3.1 split set of tests/data/handmade/split-3.1/: the classifier declares
the price types «Розничная» and «Оптовая», the prices file prices in both (and once in a type no
file declares)."""

from odoo.tests import tagged

from .common import ImporterCase, path, sell_in_roubles


def split(name):
    return path("handmade", "split-3.1", name)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestPriceTypes(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.PriceType = cls.env["ecom.1c.price.type"]
        cls.exchange = cls.env["ecom.1c.exchange"].create({"exchange_type": "catalog"})

    def import_split_set(self):
        for name in ("import___classifier.xml", "import___goods.xml"):
            self.assertTrue(self.importer._import_catalog(split(name), self.exchange)["done"])
        for name in ("offers___hm3.xml", "prices___hm3.xml", "rests___hm3.xml"):
            self.assertTrue(self.importer._import_offers(split(name), self.exchange)["done"])

    def test_schema_3_price_types_come_from_the_classifier(self):
        self.importer._import_catalog(split("import___classifier.xml"), self.exchange)
        self.assertEqual([(t.ecom_1c_id, t.name, t.target) for t in self.PriceType.search([], order="id")],
                         [("hm3-retail", "Розничная", "list_price"), ("hm3-wholesale", "Оптовая", "pricelist")],
                         "declared in the classifier; the first one is the sales price")
        for name in ("import___goods.xml",):
            self.importer._import_catalog(split(name), self.exchange)
        for name in ("offers___hm3.xml", "prices___hm3.xml", "rests___hm3.xml"):
            self.importer._import_offers(split(name), self.exchange)
        Product = self.env["product.product"]
        socks = Product.search([("ecom_1c_id", "=", "hm3-socks")])
        self.assertEqual((socks.lst_price, socks.ecom_1c_qty), (300, 10))
        boots = Product.search([("ecom_1c_id", "=like", "hm3-boots#%")])
        self.assertEqual(sorted(boots.mapped("ecom_1c_price")), [5000, 5200])
        # prices that went nowhere are in the exchange log, with what to do about them
        self.assertIn("Оптовая", self.exchange.messages, "a price type without its pricelist")
        self.assertIn("hm3-purchase", self.exchange.messages, "a price type no file declares")

    def test_the_sales_price_is_the_first_price_type_in_the_stores_currency(self):
        """The standard's example declares «Оптовая» in USD first and «Розничная» in «руб»: a rouble
        store's sales price is the retail one; a dollar store's stays the first in dollars."""
        sell_in_roubles(self.env)
        self.importer._import_offers(path("official-2.04", "offers.xml"), self.exchange)
        self.assertEqual(self.PriceType.search([("target", "=", "list_price")]).name, "Розничная")
        self.assertEqual(self.importer._sales_price_type([{"currency": "USD"}, {"currency": "643"}]), 1)
        self.assertEqual(self.importer._sales_price_type([{"currency": None}, {"currency": "EUR"}]), 0,
                         "none in the store's currency: the first, as before")

    def test_prices_of_a_mapped_price_type_fill_its_pricelist(self):
        sell_in_roubles(self.env)  # the pricelist in the prices' roubles: taken with no word in the log
        self.import_split_set()
        pricelist = self.env["product.pricelist"].create({"name": "Опт"})
        self.PriceType.search([("ecom_1c_id", "=", "hm3-wholesale")]).pricelist_id = pricelist
        self.exchange.messages = False
        self.importer._import_offers(split("prices___hm3.xml"), self.exchange)
        items = self.env["product.pricelist.item"].search([("pricelist_id", "=", pricelist.id)])
        self.assertEqual(len(items), 7, "one per offer")
        socks = self.env["product.product"].search([("ecom_1c_id", "=", "hm3-socks")])
        self.assertEqual(pricelist._get_product_price(socks, 1), 250)
        self.assertNotIn("Оптовая", self.exchange.messages or "")

    def test_a_price_type_set_aside_is_not_warned_about(self):
        """«Not imported» is the administrator's choice: its prices go nowhere, quietly."""
        self.import_split_set()
        self.PriceType.search([("ecom_1c_id", "=", "hm3-wholesale")]).target = "ignore"
        self.exchange.messages = False
        self.importer._import_offers(split("prices___hm3.xml"), self.exchange)
        self.assertNotIn("Оптовая", self.exchange.messages or "")
