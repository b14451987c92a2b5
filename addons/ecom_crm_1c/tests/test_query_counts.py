"""The queries of one 1C batch, pinned (as Odoo's own performance tests count them,
crm/tests/test_performances.py): a batch of 10 products or offers and a batch of 20 cost what is
written below, so that a change that makes a query per product or offer fails here instead of
slowing down a catalog of 100,000 (bench/commerceml.sh measures that).

Each test runs twice (:func:`warmup`): the first run fills Odoo's caches and is rolled back, the
second counts, with what is written at the end of the batch (flush) and at commit (tracking)."""

import io

from odoo.tests import tagged, warmup

from .common import ImporterCase, big_catalog, big_catalog_id, offers_package

# A batch of new products (group, unit, VAT rate, barcode): one search or INSERT per table whatever
# its size, plus 2 queries a product that are Odoo's, not the importer's: sale's «Invoicing policy»
# is a tracked computed field, and its first value is logged in each new product's chatter at commit
# (a message and its tracking value). One UPDATE a batch marks the products it names (1C's deactivate
# keeps what any exchange named since its unload began). Each count below holds one query a file, at its end:
# the barcodes 1C gave products while others on sale held them, whose holders are archived since
# (ecom.1c.importer._give_awaited_barcodes; an index of the awaited ones alone). And one query a batch of products
# the database does not know by their 1C ids: the store's own products of their articles or barcodes, to bind
# (ecom.1c.importer._bind_store_products; none here).
NEW_PRODUCTS, TRACKED_PER_NEW_PRODUCT = 35, 2
# The same products again: nothing to write but that mark (their variants' barcodes read once, to
# compare with 1C's).
SAME_PRODUCTS = 11
# New products with a property value each: Odoo makes the lines of attributes one product at a time
# (their values are one search and one create per batch), and the batch's archived variants are read once
# to keep them archived (Odoo sells again those of a product whose lines change): pinned for both sizes.
NEW_PRODUCTS_WITH_PROPERTIES = {10: 103, 20: 141}
# Offers: stock and sales prices set-based, whether they change or not.
OFFERS = 9
# Offers of characteristics giving each its barcode and article: the barcodes checked free in one query,
# each column written in one UPDATE, whatever the batch's size.
CHARACTERISTIC_CODES = 46


def characteristic_offers(start, count, code):
    """An offers package of the characteristics ``start`` to ``start + count`` of the product «chars» (its size
    the number), each with a barcode and an article made of ``code``, as a file object."""
    offers = "".join(
        f"<Предложение><Ид>chars#{i}</Ид><Наименование>Ч ({i})</Наименование><Артикул>{code}-{i}</Артикул>"
        f"<Штрихкод>{code}{i:06d}</Штрихкод><ХарактеристикиТовара><ХарактеристикаТовара><Наименование>Размер"
        f"</Наименование><Значение>{i}</Значение></ХарактеристикаТовара></ХарактеристикиТовара><Цены><Цена>"
        "<ИдТипаЦены>retail</ИдТипаЦены><ЦенаЗаЕдиницу>100</ЦенаЗаЕдиницу></Цена></Цены></Предложение>"
        for i in range(start, start + count))
    return io.BytesIO(('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.07">'
                       '<ПакетПредложений СодержитТолькоИзменения="true"><Ид>p</Ид>'
                       f"<Предложения>{offers}</Предложения></ПакетПредложений></КоммерческаяИнформация>").encode())


@tagged("post_install", "-at_install", "ecom_crm_1c", "is_query_count")
class TestQueryCounts(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "type_tax_use": "sale"})
        cls.env["ecom.1c.price.type"].create({"name": "Розничная", "ecom_1c_id": "retail", "target": "list_price"})
        # an exchange before: the group, the property and the first products are there, as in a store's life
        cls.importer._import_catalog(io.BytesIO(big_catalog(5, details=True, properties=True)))

    def import_catalog(self, start, count, properties=False):
        """A delta catalog of products ``start`` to ``start + count`` (details and all)."""
        return self.importer._import_catalog(io.BytesIO(big_catalog(
            count, start=start, only_changes=True, details=True, properties=properties)))

    def import_offers(self, start, count, price):
        """The prices and stock of products ``start`` to ``start + count``."""
        ids = [big_catalog_id(i) for i in range(start, start + count)]
        return self.importer._import_offers(offers_package(
            "retail", [(i, price) for i in ids], quantities=dict.fromkeys(ids, price // 10)))

    @warmup
    def test_catalog_batch(self):
        for start, count in ((100, 10), (200, 20)):
            with self.subTest(products=count), \
                    self.assertQueryCount(NEW_PRODUCTS + TRACKED_PER_NEW_PRODUCT * count):
                counts = self.import_catalog(start, count)
            self.assertEqual((counts["created"], counts["warnings"]), (count, []))
        self.import_catalog(0, 5)  # once after the products were made (their caches were cleared)
        for start, count in ((100, 10), (200, 20)):
            with self.subTest(products=count, again=True), self.assertQueryCount(SAME_PRODUCTS):
                counts = self.import_catalog(start, count)
            self.assertEqual((counts["created"], counts["updated"]), (0, 0))
        template = self.Template.search([("ecom_1c_id", "=", big_catalog_id(219))])
        self.assertEqual((template.barcode, template.uom_id.name, template.taxes_id.amount),
                         ("4600000000219", "Units", 20))

    @warmup
    def test_catalog_batch_with_properties(self):
        for start, count in ((100, 10), (200, 20)):
            with self.subTest(products=count), self.assertQueryCount(NEW_PRODUCTS_WITH_PROPERTIES[count]):
                self.import_catalog(start, count, properties=True)
        template = self.Template.search([("ecom_1c_id", "=", big_catalog_id(219))])
        self.assertEqual(template.attribute_line_ids.value_ids.mapped("name"), ["M-219"])

    @warmup
    def test_offers_batch(self):
        self.import_catalog(100, 30)
        for start, count in ((100, 10), (110, 20)):
            with self.subTest(offers=count), self.assertQueryCount(OFFERS):
                counts = self.import_offers(start, count, 500)
            self.assertEqual(counts["updated"], count)
        for start, count in ((100, 10), (110, 20)):
            with self.subTest(offers=count, again=True), self.assertQueryCount(OFFERS):
                counts = self.import_offers(start, count, 500)
            self.assertEqual(counts["updated"], 0)
        product = self.Product.search([("ecom_1c_id", "=", big_catalog_id(129))])
        self.assertEqual((product.lst_price, product.ecom_1c_qty), (500, 50))

    @warmup
    def test_offers_batch_of_characteristics_codes(self):
        self.importer._import_catalog(io.BytesIO(big_catalog(1, start=900, only_changes=True).replace(
            big_catalog_id(900).encode(), b"chars")))
        self.importer._import_offers(characteristic_offers(0, 30, 4600))
        for start, count in ((0, 10), (10, 20)):
            with self.subTest(offers=count), self.assertQueryCount(CHARACTERISTIC_CODES):
                counts = self.importer._import_offers(characteristic_offers(start, count, 4700))
            self.assertEqual((counts["updated"], counts["warnings"]), (count, []))
        variant = self.Product.search([("ecom_1c_id", "=", "chars#29")])
        self.assertEqual((variant.barcode, variant.default_code), ("4700000029", "4700-29"))
