"""The batches a file is imported in change nothing of what it makes: real 1C files, and a store whose own
products of variants the offers bind, imported a product at a time and a few at a time give the products,
variants, codes, prices and stock of one batch of the whole file."""

from unittest.mock import patch

from odoo.fields import Command
from odoo.tests import tagged

from ..models import ecom_1c_importer
from .common import ImporterCase, path

# (catalog, offers) of real files (tests/data/SOURCES.md), and the hand-made characteristics' files
PAIRS = [
    (("ut11-2.07", "import0_1.xml"), ("ut11-2.07", "offers0_1.xml")),
    (("ut11-2.07-stores", "import0_1.xml"), ("ut11-2.07-stores", "offers0_1.xml")),
    (("unf3-2.08", "import.xml"), ("unf3-2.08", "offers.xml")),
    (("unf-2.08", "import.xml"), ("unf-2.08", "offers.xml")),
    (("cml210-2.08", "import.xml"), ("cml210-2.08", "offers.xml")),
    (("demo-2.07", "import.xml"), ("demo-2.07", "offers.xml")),
    (("moysklad-2.04", "import.xml"), ("moysklad-2.04", "offers.xml")),
    (("official-2.04", "import.xml"), ("official-2.04", "offers.xml")),
    (("handmade", "characteristics-import.xml"), ("handmade", "characteristics-different-sets-offers.xml")),
]


class Rollback(Exception):
    """Leaves the savepoint of one import, the database as before it."""


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestBatchSizes(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.ecom_1c_match_by = "article_barcode"

    def state(self):
        """What the files made: each 1C product (archived ones too), its name, price, category and variants with
        their 1C ids, codes, prices, stock, attribute values and whether on sale."""
        self.env.flush_all()
        self.env.invalidate_all()
        templates = self.Template.search([("ecom_1c_id", "!=", False)])
        return sorted(
            (template.ecom_1c_id or "", template.name, template.active, template.list_price, template.categ_id.name,
             tuple(sorted(
                 (variant.ecom_1c_id or "", variant.default_code or "", variant.barcode or "", variant.active,
                  variant.ecom_1c_qty, variant.lst_price,
                  tuple(sorted(variant.product_template_attribute_value_ids.mapped("display_name"))))
                 for variant in template.with_context(active_test=False).product_variant_ids)))
            for template in templates)

    def imported(self, batch, catalog, offers, store=None):
        """The state after importing ``catalog`` and ``offers`` in batches of ``batch`` (after ``store`` made the
        store's own products), rolled back."""
        state = None
        try:
            with self.env.cr.savepoint():
                if store:
                    store()
                with self.patch_batch(batch):
                    self.importer._import_catalog(path(*catalog))
                    self.importer._import_offers(path(*offers))
                state = self.state()
                raise Rollback
        except Rollback:
            self.env.invalidate_all()
        return state

    def patch_batch(self, size):
        return patch.object(ecom_1c_importer, "BATCH", size)

    def test_real_files_alike_in_any_batches(self):
        for catalog, offers in PAIRS:
            whole = self.imported(500, catalog, offers)
            self.assertTrue(whole, catalog)
            for batch in (1, 3):
                self.assertEqual(self.imported(batch, catalog, offers), whole, f"{catalog[0]}, batches of {batch}")

    def test_store_products_bound_alike_in_any_batches(self):
        """1C:УНФ 3's trousers (tests/data/unf3-2.08): the store sold them in five sizes of the barcodes of 1C's
        five characteristics. Whatever the batches, the offers bind the five and the store's trousers replace the
        duplicate the catalog made."""
        trousers = "b197e9d6-56ae-11ec-aba0-00199997af17"
        barcodes = ["4660368471926", "4660368471919", "4660368471902", "4660368471889", "4650599953094"]

        def store():
            size = self.env["product.attribute"].create({"name": "Размер брюк", "value_ids": [
                Command.create({"name": name}) for name in ("42", "44", "46", "48", "50")]})
            template = self.Template.create({"name": "Брюки магазина", "attribute_line_ids": [Command.create(
                {"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})]})
            for variant, barcode in zip(template.product_variant_ids.sorted("id"), barcodes, strict=True):
                variant.barcode = barcode

        catalog, offers = ("unf3-2.08", "import.xml"), ("unf3-2.08", "offers.xml")
        bound = self.imported(500, catalog, offers, store)
        replaced = [item for item in bound if item[0] == trousers]
        self.assertEqual(len(replaced), 1)
        self.assertEqual(sorted(variant[2] for variant in replaced[0][5] if variant[0].startswith(f"{trousers}#")),
                         sorted(barcodes), "the store's five sizes are 1C's")
        for batch in (1, 2):
            self.assertEqual(self.imported(batch, catalog, offers, store), bound, f"batches of {batch}")
