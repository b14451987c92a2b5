"""A store's own product, made before 1C was connected and bound to 1C by its template's 1C id alone
(its variant has none): 1C's catalog updates it (no second product), 1C's offers price and stock it."""

import io
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ImporterCase

GUID = "5a3c1e2b-0000-4000-8000-00000000b001"
OTHER = "5a3c1e2b-0000-4000-8000-00000000b002"


def catalog(*products):
    """A catalog of changes naming ``products`` [(1C id, name, article, barcode)]."""
    goods = "".join(
        f"<Товар><Ид>{product_id}</Ид><Артикул>{article}</Артикул><Наименование>{name}</Наименование>"
        + (f"<Штрихкод>{barcode}</Штрихкод>" if barcode else "") + "</Товар>"
        for product_id, name, article, barcode in products)
    return io.BytesIO(('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.05">'
                       '<Каталог СодержитТолькоИзменения="true"><Ид>c</Ид><ИдКлассификатора>c</ИдКлассификатора>'
                       f"<Наименование>Каталог</Наименование><Товары>{goods}</Товары></Каталог>"
                       "</КоммерческаяИнформация>").encode())


def offers(*given, characteristics=None, only_changes=True):
    """An offers package of changes (2.05) declaring the retail price type and giving ``given``
    [(offer id, price, quantity)]; ``characteristics`` {offer id: (name, value)}, each its offer's only one."""
    characteristics = characteristics or {}

    def characteristic(offer_id):
        if offer_id not in characteristics:
            return ""
        name, value = characteristics[offer_id]
        return (f"<Наименование>Кружка ({value})</Наименование><ХарактеристикиТовара><ХарактеристикаТовара>"
                f"<Наименование>{name}</Наименование><Значение>{value}</Значение></ХарактеристикаТовара>"
                "</ХарактеристикиТовара>")

    body = "".join(
        f"<Предложение><Ид>{offer_id}</Ид>{characteristic(offer_id)}<Цены><Цена><ИдТипаЦены>retail</ИдТипаЦены>"
        f"<ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу><Коэффициент>1</Коэффициент></Цена></Цены>"
        f"<Количество>{quantity}</Количество></Предложение>" for offer_id, price, quantity in given)
    return io.BytesIO(('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.05">'
                       f'<ПакетПредложений СодержитТолькоИзменения="{str(only_changes).lower()}"><Ид>p</Ид>'
                       "<ИдКаталога>c</ИдКаталога>"
                       "<ТипыЦен><ТипЦены><Ид>retail</Ид><Наименование>Розничная</Наименование></ТипЦены></ТипыЦен>"
                       f"<Предложения>{body}</Предложения></ПакетПредложений></КоммерческаяИнформация>").encode())


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestBoundByTemplate(ImporterCase):
    def store_product(self, name="Кружка", **vals):
        """A product the store made by hand, bound to 1C by its template's 1C id (as a store binds its
        products to 1C's before the first exchange)."""
        template = self.Template.create({"name": name, "list_price": 99.0, "default_code": "OWN-1", **vals})
        template.ecom_1c_id = GUID
        return template

    def test_single_variant_gets_prices_and_stock(self):
        template = self.store_product()
        variant = template.product_variant_id
        self.assertFalse(variant.ecom_1c_id)
        counts = self.importer._import_offers(offers((GUID, "150.00", "7")))
        self.assertEqual(variant.ecom_1c_id, GUID, "the product's own variant is bound by its template's 1C id")
        self.assertEqual(variant.ecom_1c_price, 150.0)
        self.assertEqual(template.list_price, 150.0)
        self.assertEqual(variant.ecom_1c_qty, 7.0)
        self.assertEqual(template.ecom_1c_qty, 7.0)
        self.assertFalse([w for w in counts["warnings"] if GUID in w], counts["warnings"])
        # a later package changes them, as for a product 1C made
        self.importer._import_offers(offers((GUID, "140.00", "3")))
        self.assertEqual((template.list_price, variant.ecom_1c_qty), (140.0, 3.0))

    def test_catalog_updates_it_and_makes_no_second_product(self):
        template = self.store_product()
        variant = template.product_variant_id
        counts = self.importer._import_catalog(catalog((GUID, "Кружка белая", "K-1", "4600000000017")))
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "=", GUID)]), 1)
        self.assertEqual(self.Product.search_count([("product_tmpl_id.ecom_1c_id", "=", GUID)]), 1)
        self.assertEqual(counts["created"], 0)
        self.assertEqual((template.name, template.default_code), ("Кружка белая", "K-1"))
        self.assertEqual(variant.ecom_1c_id, GUID)
        self.assertEqual(variant.barcode, "4600000000017", "the barcode goes to the store's own variant")
        self.importer._import_offers(offers((GUID, "150.00", "7")))
        self.assertEqual((variant.ecom_1c_price, template.list_price, variant.ecom_1c_qty), (150.0, 150.0, 7.0))
        # the catalog again: still the one product
        self.importer._import_catalog(catalog((GUID, "Кружка белая", "K-1", "4600000000017")))
        self.assertEqual(self.Product.search_count([("product_tmpl_id.ecom_1c_id", "=", GUID)]), 1)

    def test_variant_bound_elsewhere_is_not_taken(self):
        """The store's variant already holds another 1C id (bound by hand to another offer): the template's
        id binds it to nothing else, and the offer of the template prices no product."""
        template = self.store_product()
        variant = template.product_variant_id
        variant.ecom_1c_id = OTHER
        counts = self.importer._import_offers(offers((GUID, "150.00", "7"), (OTHER, "80.00", "2")))
        self.assertEqual(variant.ecom_1c_id, OTHER)
        self.assertEqual((variant.ecom_1c_price, variant.ecom_1c_qty), (80.0, 2.0))
        self.assertEqual(template.list_price, 80.0)
        self.assertTrue(any(GUID in w for w in counts["warnings"]), counts["warnings"])

    def test_several_variants_by_their_characteristic_ids_never_a_wrong_one(self):
        """A product of the store's own variants, bound by its template's id and each variant by its
        characteristic's: each offer «товар#характеристика» prices and stocks its own variant; the product's
        own offer (no characteristic) prices none of them."""
        size = self.env["product.attribute"].create({"name": "Размер кружки", "value_ids": [
            (0, 0, {"name": "S"}), (0, 0, {"name": "L"})]})
        template = self.store_product(attribute_line_ids=[(0, 0, {
            "attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})])
        small, large = template.product_variant_ids.sorted(
            lambda v: v.product_template_attribute_value_ids.name)[::-1]
        self.assertEqual((small.product_template_attribute_value_ids.name,
                          large.product_template_attribute_value_ids.name), ("S", "L"))
        small.ecom_1c_id, large.ecom_1c_id = f"{GUID}#s", f"{GUID}#l"
        counts = self.importer._import_offers(offers((f"{GUID}#s", "100.00", "4"), (f"{GUID}#l", "130.00", "1"),
                                                     (GUID, "999.00", "50")))
        self.assertEqual((small.ecom_1c_price, small.ecom_1c_qty), (100.0, 4.0))
        self.assertEqual((large.ecom_1c_price, large.ecom_1c_qty), (130.0, 1.0))
        self.assertEqual(template.list_price, 100.0, "the product sells at its variants' lowest price")
        self.assertEqual(large.lst_price, 130.0)
        self.assertEqual(template.with_context(active_test=False).product_variant_count, 2, "no variant made")
        self.assertEqual(template.ecom_1c_qty, 5.0, "the product's own offer stocks no variant")
        self.assertTrue(any(GUID in w and "50" in w for w in counts["warnings"]), counts["warnings"])

    def test_several_variants_unbound_are_not_guessed(self):
        """A product of several store's variants none of which is bound: the product's own offer does not pick one."""
        size = self.env["product.attribute"].create({"name": "Размер кружки", "value_ids": [
            (0, 0, {"name": "S"}), (0, 0, {"name": "L"})]})
        template = self.store_product(attribute_line_ids=[(0, 0, {
            "attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})])
        self.importer._import_offers(offers((GUID, "150.00", "7")))
        self.assertFalse(any(template.product_variant_ids.mapped("ecom_1c_id")))
        self.assertEqual(template.list_price, 99.0)
        self.assertEqual(template.ecom_1c_qty, 0.0)

    def test_characteristics_no_store_variant_holds_replace_none(self):
        """A product of the store's own variants bound by its template's id alone, whose offers name characteristics
        no variant holds: the store's variants stay as they are, none is priced, no variant is made, the log says
        how to bind them."""
        size = self.env["product.attribute"].create({"name": "Размер кружки", "value_ids": [
            (0, 0, {"name": "S"}), (0, 0, {"name": "L"})]})
        template = self.store_product(attribute_line_ids=[(0, 0, {
            "attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})])
        before = template.product_variant_ids
        counts = self.importer._import_offers(offers(
            (f"{GUID}#s", "100.00", "4"), (f"{GUID}#l", "130.00", "1"),
            characteristics={f"{GUID}#s": ("Объём", "S"), f"{GUID}#l": ("Объём", "L")}))
        self.assertEqual(template.with_context(active_test=False).product_variant_ids, before)
        self.assertTrue(all(before.mapped("active")))
        self.assertEqual(template.attribute_line_ids.attribute_id, size, "no characteristic's line added")
        self.assertFalse(any(before.mapped("ecom_1c_id")))
        self.assertEqual((template.list_price, template.ecom_1c_qty), (99.0, 0.0))
        self.assertTrue(any(f"{GUID}#s" in w and "Размер кружки" in w for w in counts["warnings"]),
                        counts["warnings"])
        # bound by hand, each variant by its characteristic's id: the next package prices and stocks each
        small = before.filtered(lambda v: v.product_template_attribute_value_ids.name == "S")
        small.ecom_1c_id = f"{GUID}#s"
        (before - small).ecom_1c_id = f"{GUID}#l"
        self.importer._import_offers(offers(
            (f"{GUID}#s", "100.00", "4"), (f"{GUID}#l", "130.00", "1"),
            characteristics={f"{GUID}#s": ("Объём", "S"), f"{GUID}#l": ("Объём", "L")}))
        self.assertEqual((small.ecom_1c_price, small.ecom_1c_qty, template.list_price, template.ecom_1c_qty),
                         (100.0, 4.0, 100.0, 5.0))
        self.assertEqual(template.attribute_line_ids.attribute_id, size)

    def test_a_whole_list_archives_none_of_the_store_variants(self):
        """A whole list of 1C's offers archives the characteristics it no longer names of the products it lists by
        characteristic: never the store's own variants of such a product, which 1C never named."""
        size = self.env["product.attribute"].create({"name": "Размер кружки", "value_ids": [
            (0, 0, {"name": "S"}), (0, 0, {"name": "L"})]})
        template = self.store_product(attribute_line_ids=[(0, 0, {
            "attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})])
        self.importer._import_catalog(catalog((GUID, "Кружка", "K-1", "")))
        self.assertEqual(template.ecom_1c_catalog_id, "c")
        before = template.product_variant_ids
        small = before.filtered(lambda v: v.product_template_attribute_value_ids.name == "S")
        small.ecom_1c_id = f"{GUID}#s"
        since = fields.Datetime.now() - timedelta(seconds=1)
        counts = self.importer._import_offers(offers(
            (f"{GUID}#s", "100.00", "4"), (f"{GUID}#l", "130.00", "1"), only_changes=False,
            characteristics={f"{GUID}#s": ("Объём", "S"), f"{GUID}#l": ("Объём", "L")}))
        self.assertTrue(all(before.mapped("active")), counts)
        self.assertEqual(template.with_context(active_test=False).product_variant_ids, before)
        self.assertEqual((small.ecom_1c_price, template.list_price), (100.0, 100.0))
        # 1C's deactivate after that whole list archives the characteristics none named since: none of the store's
        templates, variants = self.importer._archive_unnamed([], since, ["c"])
        self.assertFalse(templates)
        self.assertFalse(variants)
        self.assertTrue(all(before.mapped("active")))
        # the characteristic 1C no longer names is archived: the store's unbound variant stays
        self.importer._import_offers(offers((f"{GUID}#l", "130.00", "1"), only_changes=False,
                                            characteristics={f"{GUID}#l": ("Объём", "L")}))
        self.assertFalse(small.active)
        self.assertTrue((before - small).active)

    def test_a_product_1c_made_still_gets_its_new_characteristics(self):
        """The skip is for the store's own variant-making attributes only: a product 1C made, with a line of an
        attribute that makes no variant (as 1C's properties are), gets a variant for each new characteristic as
        before, and a whole list of 1C's offers still archives 1C's own characteristic it no longer names."""
        self.importer._import_catalog(catalog((OTHER, "Чашка", "C-1", "")))
        template = self.Template.search([("ecom_1c_id", "=", OTHER)])
        material = self.env["product.attribute"].create({"name": "Материал чашки", "create_variant": "no_variant",
                                                         "value_ids": [(0, 0, {"name": "Фарфор"})]})
        template.attribute_line_ids = [(0, 0, {"attribute_id": material.id,
                                               "value_ids": [(6, 0, material.value_ids.ids)]})]
        small_id, large_id = f"{OTHER}#s", f"{OTHER}#l"
        first = self.importer._import_offers(offers((small_id, "100.00", "4"),
                                                    characteristics={small_id: ("Объём", "S")}))
        later = self.importer._import_offers(offers((large_id, "130.00", "1"),
                                                    characteristics={large_id: ("Объём", "L")}))
        variants = template.with_context(active_test=False).product_variant_ids
        self.assertEqual(sorted(variants.mapped("ecom_1c_id")), sorted([small_id, large_id]))
        self.assertFalse([w for w in first["warnings"] + later["warnings"] if OTHER in w],
                         first["warnings"] + later["warnings"])
        small = variants.filtered(lambda v: v.ecom_1c_id == small_id)
        large = variants - small
        self.assertEqual((small.ecom_1c_price, small.ecom_1c_qty, large.ecom_1c_price, large.ecom_1c_qty),
                         (100.0, 4.0, 130.0, 1.0))
        self.importer._import_offers(offers((large_id, "130.00", "1"), only_changes=False,
                                            characteristics={large_id: ("Объём", "L")}))
        self.assertFalse(small.active, "1C's own characteristic a whole list no longer names is archived")
        self.assertTrue(large.active)
