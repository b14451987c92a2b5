import io
import os

from odoo.tests import TransactionCase, tagged

DATA = os.path.join(os.path.dirname(__file__), "data")


def path(*parts):
    return os.path.join(DATA, *parts)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestImporter(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer = cls.env["ecom.1c.importer"]
        cls.Template = cls.env["product.template"].with_context(active_test=False)

    def test_catalog_then_offers_from_1c_ut11(self):
        counts = self.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        self.assertEqual(counts["created"], 36 + 1, "36 products and their group")
        mat = self.Template.search([("ecom_1c_id", "=", "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1")])
        self.assertEqual(mat.default_code, "PM-421-WP")
        self.assertEqual(mat.barcode, "8809288404089")
        self.assertEqual(mat.categ_id.name, "Коврики для дома")
        self.assertEqual(mat.categ_id.ecom_1c_id, "82cfb8dc-18f9-11e7-80c2-0cc47ab29cd1")
        offers = self.importer._import_offers(path("ut11-2.07", "offers0_1.xml"))
        self.assertGreaterEqual(offers["updated"], 36)
        self.assertEqual(mat.list_price, 100, "the first 1C price type is the sales price")
        self.assertEqual(mat.product_variant_id.ecom_1c_qty, 377)
        self.assertEqual(self.env["ecom.1c.price.type"].search_count([]), 1)

    def test_same_file_twice_changes_nothing(self):
        self.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        self.importer._import_offers(path("ut11-2.07", "offers0_1.xml"))
        before = self.Template.search_count([])
        again = self.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        offers = self.importer._import_offers(path("ut11-2.07", "offers0_1.xml"))
        self.assertEqual((again["created"], again["updated"], again["archived"]), (0, 0, 0))
        self.assertEqual(offers["updated"], 0)
        self.assertEqual(self.Template.search_count([]), before)

    def test_full_exchange_archives_missing_delta_does_not(self):
        with open(path("official-2.04", "import.xml"), encoding="utf-8") as f:
            full = f.read()
        self.importer._import_catalog(io.BytesIO(full.encode()))
        products = self.Template.search([("ecom_1c_catalog_id", "!=", False)])
        self.assertEqual(len(products), 4)
        # the next full exchange no longer names the first product
        start = full.index("<Товар>")
        end = full.index("</Товар>", start) + len("</Товар>")
        dropped_id = full[start:end].split("<Ид>")[1].split("</Ид>")[0]
        counts = self.importer._import_catalog(io.BytesIO((full[:start] + full[end:]).encode()))
        self.assertEqual(counts["archived"], 1)
        dropped = self.Template.search([("ecom_1c_id", "=", dropped_id)])
        self.assertTrue(dropped.exists() and not dropped.active, "archived, never deleted")
        # a delta naming nothing archives nothing
        delta = (full[:start] + full[end:]).replace('СодержитТолькоИзменения="false"',
                                                    'СодержитТолькоИзменения="true"')
        self.importer._import_catalog(io.BytesIO(delta.encode()))
        self.assertEqual(self.Template.search_count([("ecom_1c_catalog_id", "!=", False), ("active", "=", True)]), 3)

    def test_variants_prices_to_pricelists(self):
        self.importer._import_catalog(path("official-2.04", "import.xml"))
        self.importer._import_offers(path("official-2.04", "offers.xml"))
        types = self.env["ecom.1c.price.type"].search([])
        self.assertEqual(len(types), 4)
        pricelist = self.env["product.pricelist"].create({"name": "Опт"})
        wholesale = types.filtered(lambda t: t.target == "pricelist")[:1]
        wholesale.pricelist_id = pricelist
        self.importer._import_offers(path("official-2.04", "offers.xml"))
        self.assertTrue(self.env["product.pricelist.item"].search([("pricelist_id", "=", pricelist.id)]),
                        "the mapped price type fills its pricelist")

    def test_unknown_offers_are_warned_not_fatal(self):
        exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "catalog"})
        counts = self.importer._import_offers(path("demo-2.07", "offers.xml"), exchange)
        self.assertEqual(len(counts["warnings"]), 5, "each of the 5 offers names a product never imported")
        self.assertEqual(exchange.warning_count, 5)
        self.assertIn("bd72d910-55bc-11d9-848a-00112f43529a#90c55447", exchange.messages, "the offer is named")
