"""From CommerceML 2.05 on (1C:УТ 11's 2.07, 1C:УНФ's 2.08, 3.1) the catalog names a product without its
characteristics, which only the offers name («product#characteristic», with their articles and barcodes): a store's
product of several variants, each of its own article, matches nothing at the catalog, which makes a product of 1C's
(a duplicate). The offers, whose characteristics match the store's variants, then bind them: the store's product
takes the 1C product's id, and the duplicate the exchange made, unused, is archived."""

import io
import os
import tempfile

from psycopg2.pool import PoolError

from odoo import sql_db
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..models import ecom_1c_importer as importer_module
from ..models.ecom_1c_importer import product_references
from .common import ImporterCase, big_catalog, path

GUID = "7b1c0f00-0000-4000-8000-00000000d001"
OTHER = "7b1c0f00-0000-4000-8000-00000000d002"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.07" '
        'ДатаФормирования="2026-12-07T10:15:00">')


def catalog_207(name="Футболка хлопковая", description="Хлопок 100%", products=(GUID,), weight=None):
    """1C:УТ 11's catalog (2.07, whole): its group, the product with its own article (and «Вес» in kilograms, when
    given), no characteristics."""
    goods = "".join(
        f"<Товар><Ид>{product}</Ид><Артикул>TS</Артикул><Наименование>{name}</Наименование>"
        + (f"<Вес>{weight}</Вес>" if weight is not None else "") +
        '<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>'
        f"<Группы><Ид>g-wear</Ид></Группы><Описание>{description}</Описание></Товар>" for product in products)
    return io.BytesIO((
        HEAD + "<Классификатор><Ид>cl</Ид><Наименование>Классификатор</Наименование><Группы><Группа><Ид>g-wear</Ид>"
        "<Наименование>Одежда</Наименование></Группа></Группы></Классификатор>"
        '<Каталог СодержитТолькоИзменения="false"><Ид>c207</Ид><ИдКлассификатора>cl</ИдКлассификатора>'
        f"<Наименование>Каталог товаров</Наименование><Товары>{goods}</Товары></Каталог></КоммерческаяИнформация>"
    ).encode())


def offers_207(*given):
    """Its offers (2.07, whole): ``given`` [(characteristic id, article, size, price (None: no price),
    quantity[, product])] of the product (``GUID`` unless named)."""
    given = [(*item, GUID)[:6] for item in given]
    body = "".join(
        f"<Предложение><Ид>{product}#{char_id}</Ид><Артикул>{article}</Артикул>"
        f"<Наименование>Футболка хлопковая ({size})</Наименование>"
        "<ХарактеристикиТовара><ХарактеристикаТовара><Наименование>Размер</Наименование>"
        f"<Значение>{size}</Значение></ХарактеристикаТовара></ХарактеристикиТовара>"
        '<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>'
        + (f"<Цены><Цена><ИдТипаЦены>retail</ИдТипаЦены><ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу>"
           "<Коэффициент>1</Коэффициент></Цена></Цены>" if price is not None else "")
        + f"<Количество>{quantity}</Количество></Предложение>"
        for char_id, article, size, price, quantity, product in given)
    return io.BytesIO((
        HEAD + '<ПакетПредложений СодержитТолькоИзменения="false"><Ид>c207#</Ид>'
        "<Наименование>Пакет предложений</Наименование><ИдКаталога>c207</ИдКаталога>"
        "<ИдКлассификатора>cl</ИдКлассификатора><ТипыЦен><ТипЦены><Ид>retail</Ид>"
        "<Наименование>Розничная</Наименование></ТипЦены></ТипыЦен>"
        f"<Предложения>{body}</Предложения></ПакетПредложений></КоммерческаяИнформация>").encode())


SIZES = [("s", "TS-S", "S", 1200, 4), ("m", "ts-m ", "M", 1100, 5), ("l", "TS-L", "L", 1300, 6)]


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestDuplicatesReplaced(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.ecom_1c_match_by = "article_barcode"
        cls.env["ecom.1c.price.type"].create({"name": "Розничная", "ecom_1c_id": "retail", "target": "list_price"})
        size = cls.env["product.attribute"].create({"name": "Размер магазина", "value_ids": [
            Command.create({"name": "S"}), Command.create({"name": "M"}), Command.create({"name": "L"})]})
        cls.store_category = cls.env["product.category"].create({"name": "Футболки магазина"})
        # the store's product before connecting 1C: three sizes, each of its article; no 1C id
        cls.shirt = cls.Template.create({
            "name": "Футболка", "categ_id": cls.store_category.id, "list_price": 999.0,
            "attribute_line_ids": [Command.create({"attribute_id": size.id,
                                                   "value_ids": [Command.set(size.value_ids.ids)]})]})
        cls.small, cls.medium, cls.large = cls.shirt.product_variant_ids.sorted("id")
        cls.small.default_code, cls.medium.default_code, cls.large.default_code = "TS-S", "TS-M", "TS-L"

    def duplicate(self):
        return self.Template.search([("name", "=", "Футболка хлопковая"), ("id", "!=", self.shirt.id)])

    def test_the_store_s_product_replaces_the_duplicate(self):
        """The catalog makes a product of 1C's (the store's of several variants matches nothing there); the offers
        bind its three characteristics to the store's three variants by their articles: the store's product is the
        1C product, its name, description and category the catalog's; the duplicate is archived; the prices and
        stock go to the store's variants; both files again change nothing."""
        counts = self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        self.assertEqual((counts["created"], duplicate.ecom_1c_id, duplicate.ecom_1c_made), (2, GUID, True),
                         "its group, the product")
        self.assertFalse(self.shirt.ecom_1c_made, "the store made it")
        counts = self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((counts["created"], counts["bound_article"], counts["archived"]), (0, 3, 1))
        self.assertEqual(counts["notes"], [
            f"1C product {GUID} bound to the store's product «Футболка» by the articles of its characteristics; the "
            "duplicate the exchange made is archived"])
        self.assertEqual(counts["warnings"], [])
        self.assertEqual((self.shirt.ecom_1c_id, self.small.ecom_1c_id, self.medium.ecom_1c_id, self.large.ecom_1c_id),
                         (GUID, f"{GUID}#s", f"{GUID}#m", f"{GUID}#l"))
        self.assertEqual((duplicate.active, duplicate.ecom_1c_id, duplicate.product_variant_ids.ecom_1c_id),
                         (False, False, False))
        self.assertEqual(self.Template.search([("ecom_1c_id", "=", GUID)]), self.shirt)
        self.assertEqual(self.Template.with_context(active_test=True).search_count(
            [("name", "=", "Футболка хлопковая")]), 1, "one product on sale")
        self.assertEqual((self.shirt.name, self.shirt.description_sale, self.shirt.categ_id.name,
                          self.shirt.ecom_1c_catalog_id), ("Футболка хлопковая", "Хлопок 100%", "Одежда", "c207"))
        self.assertEqual(len(self.shirt.with_context(active_test=False).product_variant_ids), 3, "no variant made")
        self.assertEqual((self.small.ecom_1c_qty, self.medium.ecom_1c_qty, self.large.ecom_1c_qty), (4.0, 5.0, 6.0))
        self.assertEqual((self.shirt.list_price, self.medium.lst_price, self.large.lst_price), (1100.0, 1100.0, 1300.0))
        again = self.importer._import_catalog(catalog_207())
        self.assertEqual((again["created"], again["updated"], again["archived"], again["warnings"]), (0, 0, 0, []))
        again = self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((again["created"], again["updated"], again["archived"], again["bound_article"],
                          again["notes"], again["warnings"]), (0, 0, 0, 0, [], []))
        self.assertEqual((self.shirt.ecom_1c_id, duplicate.active), (GUID, False))

    def test_the_next_catalog_updates_the_store_s_product(self):
        """The store's product is 1C's from then on: the next catalog renames it, the duplicate is left alone."""
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        self.importer._import_offers(offers_207(*SIZES))
        counts = self.importer._import_catalog(catalog_207(name="Футболка oversize", description="Хлопок"))
        self.assertEqual((counts["created"], counts["updated"]), (0, 1))
        self.assertEqual((self.shirt.name, self.shirt.description_sale), ("Футболка oversize", "Хлопок"))
        self.assertEqual((duplicate.name, duplicate.active), ("Футболка хлопковая", False))

    def test_the_store_s_sizes_keep_their_own_weights(self):
        """The store weighed each size (0.2, 0.25, 0.3 kg): 1C's product weight, from the catalogs after the swap,
        does not flatten them; a size of no weight takes it, and 1C's later weights reach it (it weighs 1C's
        weight before); the sizes the store weighed otherwise, of one weight too, keep theirs. The store's product
        takes the duplicate's 1C weight with the swap (the sizes' weights untouched), so the first catalog after
        it judges by it already. Not known (a product swapped before the upgrade that remembers it): sizes of one
        weight weigh as the product, they all take 1C's."""
        self.small.weight, self.medium.weight, self.large.weight = 0.2, 0.25, 0.3
        self.importer._import_catalog(catalog_207(weight="0.4"))
        self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((self.shirt.ecom_1c_id, self.shirt.ecom_1c_weight), (GUID, 0.4), "the duplicate's")
        self.assertEqual((self.small.weight, self.medium.weight, self.large.weight), (0.2, 0.25, 0.3))
        counts = self.importer._import_catalog(catalog_207(weight="0.4"))
        self.assertEqual((counts["updated"], self.shirt.ecom_1c_weight), (0, 0.4))
        self.assertEqual((self.small.weight, self.medium.weight, self.large.weight), (0.2, 0.25, 0.3))
        self.large.weight = 0
        counts = self.importer._import_catalog(catalog_207(weight="0.4"))
        self.assertEqual((counts["updated"], self.small.weight, self.medium.weight, self.large.weight),
                         (1, 0.2, 0.25, 0.4), "the size of no weight takes the product's")
        counts = self.importer._import_catalog(catalog_207(weight="0.45"))
        self.assertEqual((counts["updated"], self.small.weight, self.medium.weight, self.large.weight),
                         (1, 0.2, 0.25, 0.45), "the size weighing 1C's weight before takes its new one")
        self.small.weight = self.medium.weight = self.large.weight = 0.5
        for weight in ("0.48", "0.55"):
            counts = self.importer._import_catalog(catalog_207(weight=weight))
            self.assertEqual((counts["updated"], self.small.weight, self.medium.weight, self.large.weight,
                              self.shirt.ecom_1c_weight), (0, 0.5, 0.5, 0.5, float(weight)),
                             "the store weighed them all 0.5, not 1C's weight: kept")
        # 1C's weight not known (as right after the upgrade that adds it): sizes of one weight take 1C's
        self.shirt.ecom_1c_weight = 0
        self.small.weight, self.medium.weight, self.large.weight = 0, 0.6, 0
        counts = self.importer._import_catalog(catalog_207(weight="0.45"))
        self.assertEqual((counts["updated"], self.small.weight, self.medium.weight, self.large.weight),
                         (1, 0.45, 0.45, 0.45), "one weight and none: the product's")

    def test_the_store_s_sizes_of_one_weight_keep_it_after_the_swap(self):
        """The store weighed all its sizes 0.3 kg, 1C weighs the product 0.4: the swap carries 1C's weight to the
        store's product, so the catalog after it takes the sizes for the store's and keeps them; a size weighing
        nothing takes 1C's, and follows 1C's next weight."""
        self.small.weight, self.medium.weight, self.large.weight = 0.3, 0.3, 0
        self.importer._import_catalog(catalog_207(weight="0.4"))
        self.importer._import_offers(offers_207(*SIZES))
        counts = self.importer._import_catalog(catalog_207(weight="0.4"))
        self.assertEqual((counts["updated"], self.small.weight, self.medium.weight, self.large.weight,
                          self.shirt.ecom_1c_weight), (1, 0.3, 0.3, 0.4, 0.4))
        counts = self.importer._import_catalog(catalog_207(weight="0.5"))
        self.assertEqual((counts["updated"], self.small.weight, self.medium.weight, self.large.weight,
                          self.shirt.ecom_1c_weight), (1, 0.3, 0.3, 0.5, 0.5))

    def test_a_characteristic_unknown_replaces_nothing(self):
        """One characteristic's article is no variant's of the store's product: a product half 1C's, half the
        store's is not guessed; nothing is bound, the duplicate takes the characteristics as before, said."""
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        counts = self.importer._import_offers(offers_207(*SIZES[:2], ("xl", "TS-XL", "XL", 1400, 1)))
        self.assertFalse(self.shirt.ecom_1c_id)
        self.assertFalse(any(self.shirt.product_variant_ids.mapped("ecom_1c_id")))
        self.assertEqual((duplicate.active, duplicate.ecom_1c_id, counts["bound_article"], counts["notes"]),
                         (True, GUID, 0, []))
        self.assertEqual(sorted(duplicate.product_variant_ids.mapped("ecom_1c_id")),
                         [f"{GUID}#m", f"{GUID}#s", f"{GUID}#xl"])
        self.assertIn(f"1C product {GUID} was not bound to the store's product «Футболка» by the codes of its "
                      f"characteristics: {GUID}#xl match none of its variants on sale (an archived one binds no "
                      "characteristic); the product the exchange made stays",
                      counts["warnings"])

    def test_a_product_s_characteristics_are_decided_in_one_batch(self):
        """The offers are imported in batches; a product's characteristics listed across a batch's end stay in
        that batch: the swap is decided on all of them. Split, the first two (which bind the store's sizes) made
        the swap, and the third (matching none) was then left out, unpriced and unstocked."""
        self.patch(importer_module, "BATCH", 2)
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        counts = self.importer._import_offers(offers_207(*SIZES[:2], ("xl", "TS-XL", "XL", 1400, 1),
                                                         ("z", "Z-1", "M", 100, 1, OTHER)))
        self.assertFalse(self.shirt.ecom_1c_id)
        self.assertEqual(len(self.shirt.with_context(active_test=False).product_variant_ids), 3)
        self.assertEqual((duplicate.active, duplicate.ecom_1c_id, counts["bound_article"]), (True, GUID, 0))
        self.assertEqual(sorted(duplicate.product_variant_ids.mapped("ecom_1c_id")),
                         [f"{GUID}#m", f"{GUID}#s", f"{GUID}#xl"])
        self.assertEqual(counts["position"], 4)

    def test_an_archived_size_takes_no_characteristic(self):
        """The store archived its large size: 1C's small and medium replace the duplicate, the archived large keeps
        no 1C id; 1C's large matching only that archived variant is a characteristic of no variant on sale: nothing
        is bound, the duplicate stays."""
        self.large.action_archive()
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        counts = self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((self.shirt.ecom_1c_id, duplicate.ecom_1c_id, counts["bound_article"]), (False, GUID, 0))
        self.assertFalse(self.large.ecom_1c_id)
        self.assertIn(f"1C product {GUID} was not bound to the store's product «Футболка» by the codes of its "
                      f"characteristics: {GUID}#l match none of its variants on sale (an archived one binds no "
                      "characteristic); the product the exchange made stays",
                      counts["warnings"])
        other = "7b1c0f00-0000-4000-8000-00000000d003"
        self.importer._import_catalog(catalog_207(products=(other,)))
        counts = self.importer._import_offers(offers_207(*[(*size[:5], other) for size in SIZES[:2]]))
        self.assertEqual((self.shirt.ecom_1c_id, self.small.ecom_1c_id, self.medium.ecom_1c_id, self.large.ecom_1c_id),
                         (other, f"{other}#s", f"{other}#m", False))
        self.assertEqual((counts["archived"], self.large.active), (1, False))

    def test_a_duplicate_sold_already_stays(self):
        """The duplicate was ordered before the offers came (a quotation): it is no longer the exchange's to
        archive; nothing is bound, the log says why."""
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        customer = self.env["res.partner"].create({"name": "Покупатель"})
        self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            Command.create({"product_id": duplicate.product_variant_id.id, "product_uom_qty": 1})]})
        counts = self.importer._import_offers(offers_207(*SIZES))
        self.assertFalse(self.shirt.ecom_1c_id)
        self.assertEqual((duplicate.active, duplicate.ecom_1c_id, counts["notes"]), (True, GUID, []))
        self.assertEqual(counts["warnings"], [
            f"1C product {GUID} was not bound to the store's product «Футболка» by the codes of its characteristics "
            "(article «TS-S», article «ts-m», article «TS-L»): it is a product the exchange made that is in use "
            "already (a record of «Sales Order Line» refers to it), not replaced"], "once for its three sizes")

    def test_a_duplicate_of_interest_or_bought_stays(self):
        """The duplicate is a lead's product of interest, or has a vendor's price: the store uses it; nothing is
        bound, it keeps its 1C id and stays on sale."""
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        variant = duplicate.product_variant_id
        lead = self.env["crm.lead"].create({"name": "Хочет футболку", "ecom_product_id": variant.id})
        counts = self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((self.shirt.ecom_1c_id, duplicate.active, duplicate.ecom_1c_id, counts["notes"]),
                         (False, True, GUID, []))
        self.assertEqual(self.env["product.product"].search_count([("product_tmpl_id", "=", duplicate.id)]), 3,
                         "the duplicate took the characteristics")
        self.assertEqual((lead.ecom_product_id, lead.ecom_product_id.active), (variant, False),
                         "the lead keeps its product: the variant of no characteristic archived, not deleted")
        lead.unlink()
        other = "7b1c0f00-0000-4000-8000-00000000d002"
        self.importer._import_catalog(catalog_207(products=(other,)))
        duplicate = self.Template.search([("ecom_1c_id", "=", other)])
        vendor = self.env["res.partner"].create({"name": "Фабрика"})
        self.env["product.supplierinfo"].create({"partner_id": vendor.id, "product_tmpl_id": duplicate.id,
                                                 "price": 500})
        self.offers_of_other_product("T2", other, duplicate)

    def test_a_duplicate_stocked_already_stays(self):
        """Odoo's inventory installed: the duplicate counted in a warehouse (an inventory adjustment, a stock move)
        is the store's stock; nothing is bound, the log says why."""
        if "stock.quant" not in self.env:
            self.skipTest("Odoo's inventory is not installed")
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        duplicate.is_storable = True
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.env["stock.quant"].with_context(inventory_mode=True).create({
            "product_id": duplicate.product_variant_id.id, "location_id": warehouse.lot_stock_id.id,
            "inventory_quantity": 2}).action_apply_inventory()
        counts = self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((self.shirt.ecom_1c_id, duplicate.active, duplicate.ecom_1c_id, counts["notes"]),
                         (False, True, GUID, []))
        self.assertRegex("\n".join(counts["warnings"]), (
            f"1C product {GUID} was not bound to the store's product «Футболка» by the codes of its characteristics "
            "\\(article «TS-S», article «ts-m», article «TS-L»\\): it is a product the exchange made that is in use "
            "already \\(a record of «(Stock Move|Product Moves \\(Stock Move Line\\)|Quants)» refers to it\\), not "
            "replaced"))

    def offers_of_other_product(self, prefix, guid, duplicate):
        """The store's sizes given the articles «<prefix>-S/M/L», 1C's offers of product ``guid`` naming them: the
        counts, once checked that its ``duplicate`` in use stayed (active, its 1C id) and the store's product took
        nothing."""
        for variant, code in zip(self.shirt.product_variant_ids.sorted("id"), (f"{prefix}-S", f"{prefix}-M",
                                                                              f"{prefix}-L"), strict=True):
            variant.default_code = code
        counts = self.importer._import_offers(offers_207(*[(c, f"{prefix}-{s}", s, p, q, guid)
                                                           for c, _a, s, p, q in SIZES]))
        self.assertEqual((self.shirt.ecom_1c_id, duplicate.active, duplicate.ecom_1c_id, counts["notes"]),
                         (False, True, guid, []))
        return counts

    def in_use_warning(self, use, guid=GUID, articles=("TS-S", "ts-m", "TS-L")):
        codes = ", ".join(f"article «{article}»" for article in articles)
        return (f"1C product {guid} was not bound to the store's product «Футболка» by the codes of its "
                f"characteristics ({codes}): it is a product the exchange made that is in use already (a record of "
                f"«{use}» refers to it), not replaced")

    def test_a_duplicate_packed_or_offered_by_the_scoring_stays(self):
        """Uses no list of the exchange names: a packaging the store gave the duplicate, a scheduled contact's
        outcome offering it (ecom_crm_scoring): kept, said why; with none, the same duplicate would go."""
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        variant = duplicate.product_variant_id
        packaging = self.env["product.packaging"].create({"name": "Коробка 10 шт", "qty": 10,
                                                          "product_id": variant.id})
        counts = self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((self.shirt.ecom_1c_id, duplicate.active, duplicate.ecom_1c_id, counts["notes"]),
                         (False, True, GUID, []))
        self.assertIn(self.in_use_warning("Product Packaging"), counts["warnings"])
        self.assertEqual(self.env["product.product"].search_count([("product_tmpl_id", "=", duplicate.id)]), 3,
                         "the duplicate took the characteristics")
        self.assertEqual((packaging.exists(), packaging.product_id, variant.active), (packaging, variant, False),
                         "its variant of no characteristic archived, not deleted with its packaging")
        other = "7b1c0f00-0000-4000-8000-00000000d003"
        self.importer._import_catalog(catalog_207(products=(other,)))
        duplicate = self.Template.search([("ecom_1c_id", "=", other)])
        customer = self.env["res.partner"].create({"name": "Покупатель"})
        self.env["ecom.scoring.outcome"].create({"partner_id": customer.id, "outcome": "declined",
                                                 "product_id": duplicate.product_variant_id.id})
        counts = self.offers_of_other_product("T3", other, duplicate)
        self.assertIn(self.in_use_warning("Outcome of a scheduled contact", other, ("T3-S", "T3-M", "T3-L")),
                      counts["warnings"])

    def test_no_free_connection_applies_nothing(self):
        """The worker's connections all busy (db_maxconn) when the exchange looks at what was committed meanwhile:
        the step fails with a reason 1C and the manager can act on, not a pool's error, and the duplicate stays."""
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()

        class FullPool:
            def cursor(self):
                raise PoolError("The Connection Pool Is Full")

        self.patch(sql_db, "db_connect", lambda *args, **kwargs: FullPool())
        with self.assertRaisesRegex(UserError, "no free connection .* send the file again"):
            self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((duplicate.active, duplicate.ecom_1c_id, self.shirt.ecom_1c_id), (True, GUID, False))

    def test_the_uses_of_several_duplicates_each_its_own(self):
        """The uses of several duplicates are read together (one scan a table): each is told by its own variant,
        whatever the order of the templates' and variants' ids."""
        other = "7b1c0f00-0000-4000-8000-00000000d004"
        self.importer._import_catalog(catalog_207(products=(GUID, other)))
        first, second = (self.Template.search([("ecom_1c_id", "=", product)]) for product in (GUID, other))
        self.env["product.packaging"].create({"name": "Коробка", "qty": 10,
                                              "product_id": second.product_variant_id.id})
        self.env.flush_all()
        packaging = self.importer._product_references().index(("product_packaging", "product_id", "product_product"))
        for templates in ([first.id, second.id], [second.id, first.id]):
            variants = [self.Template.browse(t).product_variant_id.id for t in templates]
            self.env.cr.execute(self.importer._product_uses_sql(SQL("%s::int[]", templates),
                                                                SQL("%s::int[]", variants)))
            self.assertEqual(dict(self.env.cr.fetchall()), {second.id: packaging})
        self.assertEqual(self.importer._replaceable_templates([first.id, second.id]),
                         {first.id: None, second.id: "Product Packaging"})

    def test_any_module_s_foreign_key_to_a_product_is_a_use(self):
        """The uses are the database's foreign keys to a product, whatever module made the table (here one made
        by SQL, as a module to come would), save the product's own parts (its taxes, attributes, tags, the
        optional products it offers) and wizards' rows; a row of the new table keeps the duplicate, named by its
        table (no model has it)."""
        cached = self.importer._product_references()
        self.env.cr.execute("CREATE TABLE x_ecom_test_reserved (id serial PRIMARY KEY, "
                            "item_id int REFERENCES product_product(id))")
        references = product_references(self.env.cr, self.env.registry)
        for reference in (("x_ecom_test_reserved", "item_id", "product_product"),
                          ("sale_order_line", "product_id", "product_product"),
                          ("sale_order_template_line", "product_id", "product_product"),
                          ("product_packaging", "product_id", "product_product"),
                          ("product_pricelist_item", "product_tmpl_id", "product_template"),
                          ("product_optional_rel", "dest_id", "product_template"),
                          ("ecom_customer_suggestion", "source_product_id", "product_product"),
                          ("ecom_scoring_outcome", "product_id", "product_product")):
            self.assertIn(reference, references)
        for own in (("product_product", "product_tmpl_id", "product_template"),
                    ("product_taxes_rel", "prod_id", "product_template"),
                    ("product_optional_rel", "src_id", "product_template"),
                    ("product_template_attribute_line", "product_tmpl_id", "product_template"),
                    ("product_variant_combination", "product_product_id", "product_product"),
                    ("product_label_layout_product_product_rel", "product_product_id", "product_product")):
            self.assertNotIn(own, references)
        self.assertEqual(self.importer._product_references(), cached,
                         "read once per registry: a module installed loads a registry anew")
        self.env.registry.clear_cache()
        self.addCleanup(self.env.registry.clear_cache)  # before the table goes with the test's transaction
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        self.env.cr.execute("INSERT INTO x_ecom_test_reserved (item_id) VALUES (%s)", [duplicate.product_variant_id.id])
        counts = self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((self.shirt.ecom_1c_id, duplicate.active, duplicate.ecom_1c_id, counts["notes"]),
                         (False, True, GUID, []))
        self.assertIn(self.in_use_warning("x_ecom_test_reserved"), counts["warnings"])

    def test_a_product_of_the_store_is_never_replaced(self):
        """A product the store made and bound to 1C (its template's 1C id, written over the API) is no duplicate:
        the characteristics matching another product's variants bind nothing, as before."""
        mug = self.Template.create({"name": "Футболка старая"})
        mug.ecom_1c_id = GUID
        counts = self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((mug.active, mug.ecom_1c_id, self.shirt.ecom_1c_id, counts["notes"]), (True, GUID, False, []))
        self.assertEqual(counts["warnings"], [
            f"1C product {GUID} was not bound to the store's product «Футболка» by the codes of its characteristics "
            "(article «TS-S», article «ts-m», article «TS-L»): it is another product in Odoo already"])

    def test_the_setting_off_keeps_the_duplicate(self):
        """«Не сопоставлять»: the duplicate takes the characteristics, the store's product is left as it is."""
        self.env.company.ecom_1c_match_by = "none"
        self.importer._import_catalog(catalog_207())
        duplicate = self.duplicate()
        counts = self.importer._import_offers(offers_207(*SIZES))
        self.assertEqual((counts["created"], counts["notes"], counts["warnings"]), (3, [], []))
        self.assertEqual((duplicate.active, duplicate.ecom_1c_id, self.shirt.ecom_1c_id), (True, GUID, False))
        self.assertEqual(len(duplicate.product_variant_ids), 3)

    def test_the_log_says_in_russian(self):
        """The exchange's log of a Russian store says which product replaced the duplicate."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_1c"], ["ru_RU"], overwrite=True)
        self.importer._import_catalog(catalog_207())
        exchange = self.env["ecom.1c.exchange"].with_context(lang="ru_RU").create({"exchange_type": "catalog"})
        with tempfile.TemporaryDirectory() as folder:
            name = os.path.join(folder, "offers.xml")
            with open(name, "wb") as f:
                f.write(offers_207(*SIZES).getvalue())
            record, error = exchange._import_file("offers.xml", name)
        self.assertEqual((record.state, error), ("done", None))
        self.assertIn(f"Товар 1С {GUID} привязан к товару магазина «Футболка» по артикулам его характеристик; "
                      "созданный обменом дубль архивирован", exchange.messages.splitlines())
        self.assertEqual(exchange.warning_count, 0, "said as the summary is: no warning")

    def test_the_log_says_what_uses_the_duplicate_in_russian(self):
        """A Russian store's log names the use of a duplicate kept in Russian: the model's own name."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_1c", "product"], ["ru_RU"], overwrite=True)
        self.importer._import_catalog(catalog_207())
        self.env["product.packaging"].create({"name": "Коробка", "qty": 10,
                                              "product_id": self.duplicate().product_variant_id.id})
        counts = self.importer.with_context(lang="ru_RU")._import_offers(offers_207(*SIZES))
        self.assertEqual(counts["warnings"], [
            f"Товар 1С {GUID} не привязан к товару магазина «Футболка» по кодам его характеристик (артикул «TS-S», "
            "артикул «ts-m», артикул «TS-L»): это товар, созданный обменом и уже используемый (на него ссылается "
            "запись «Упаковка продукта»), он не заменяется"])

    def test_a_duplicate_in_use_said_once_in_russian(self):
        """The duplicate is ordered: the Russian log says once, for the 1C product, why its three sizes bound
        nothing."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_1c", "sale"], ["ru_RU"], overwrite=True)
        russian = self.importer.with_context(lang="ru_RU")
        russian._import_catalog(catalog_207())
        customer = self.env["res.partner"].create({"name": "Покупатель"})
        self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            Command.create({"product_id": self.duplicate().product_variant_id.id, "product_uom_qty": 1})]})
        counts = russian._import_offers(offers_207(*SIZES))
        self.assertEqual(counts["warnings"], [
            f"Товар 1С {GUID} не привязан к товару магазина «Футболка» по кодам его характеристик (артикул «TS-S», "
            "артикул «ts-m», артикул «TS-L»): это товар, созданный обменом и уже используемый (на него ссылается "
            "запись «Позиция заказа на продажу»), он не заменяется"])

    def test_duplicates_replaced_set_based(self):
        """Replacing the duplicates of 4 store products costs the queries of replacing 2: the untouched ones found
        in one query, the store's products and the duplicates written a table at once, archived together."""
        def replace(start, count):
            size = self.env["product.attribute"].create({"name": f"Размер {start}", "value_ids": [
                Command.create({"name": "S"}), Command.create({"name": "M"})]})
            guids = [f"{GUID[:-4]}{i:04d}" for i in range(start, start + count)]
            for i in range(start, start + count):
                shirt = self.Template.create({"name": f"Футболка {i}", "attribute_line_ids": [Command.create(
                    {"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})]})
                for variant, size_name in zip(shirt.product_variant_ids.sorted("id"), "SM", strict=True):
                    variant.default_code = f"T{i}-{size_name}"
            self.importer._import_catalog(catalog_207(products=guids))
            # no prices: the store's price extras are read a product at a time whatever binds them; none in stock:
            # Odoo's inventory (when installed) applies a count a quant at a time whatever binds them
            source = offers_207(*[(size.lower(), f"T{i}-{size}", size, None, 0, guid)
                                  for i, guid in zip(range(start, start + count), guids, strict=True) for size in "SM"])
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            counts = self.importer._import_offers(source)
            self.env.flush_all()
            self.assertEqual((len(counts["notes"]), counts["archived"], counts["created"]), (count, count, 0))
            return self.env.cr.sql_log_count - before

        replace(100, 2)  # Odoo's caches warmed up
        self.assertEqual(replace(200, 2), replace(300, 4))

    def test_real_unf3_offers_replace_the_duplicate(self):
        """1C:УНФ 3 (tests/data/unf3-2.08): its catalog names the trousers without characteristics, its offers name
        the product and its five characteristics, their article the product's (four share one) and each its own
        barcode. The store sold the trousers in five sizes of those barcodes: the articles 1C repeats bind nothing,
        the barcodes bind the five; the store's trousers are 1C's, the duplicate archived; again, nothing changes."""
        trousers = "b197e9d6-56ae-11ec-aba0-00199997af17"
        barcodes = ["4660368471926", "4660368471919", "4660368471902", "4660368471889", "4650599953094"]
        size = self.env["product.attribute"].create({"name": "Размер брюк", "value_ids": [
            Command.create({"name": name}) for name in ("42", "44", "46", "48", "50")]})
        store = self.Template.create({"name": "Брюки магазина", "attribute_line_ids": [Command.create(
            {"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})]})
        for variant, barcode in zip(store.product_variant_ids.sorted("id"), barcodes, strict=True):
            variant.barcode = barcode
        self.importer._import_catalog(path("unf3-2.08", "import.xml"))
        duplicate = self.Template.search([("ecom_1c_id", "=", trousers)])
        self.assertEqual((duplicate.ecom_1c_made, len(duplicate.product_variant_ids)), (True, 1))
        counts = self.importer._import_offers(path("unf3-2.08", "offers.xml"))
        self.assertEqual((store.ecom_1c_id, duplicate.active, duplicate.ecom_1c_id), (trousers, False, False))
        self.assertEqual(sorted(store.product_variant_ids.mapped("ecom_1c_id")), sorted(self.Product.search(
            [("ecom_1c_id", "=like", f"{trousers}#%")]).mapped("ecom_1c_id")))
        self.assertEqual(len(store.product_variant_ids.filtered("ecom_1c_id")), 5)
        self.assertIn(f"1C product {trousers} bound to the store's product «Брюки магазина» by the barcodes of its "
                      "characteristics; the duplicate the exchange made is archived", counts["notes"])
        self.assertEqual(store.name, duplicate.name, "the catalog's name")
        again = self.importer._import_offers(path("unf3-2.08", "offers.xml"))
        self.assertEqual((again["created"], again["updated"], again["notes"], again["bound_barcode"]), (0, 0, [], 0))

    def test_real_unf3_offers_where_a_size_has_the_product_s_article(self):
        """One size of the store's trousers has the article 1C:УНФ gives four of its characteristics (the product's,
        «02.03.04-бр-т»: the store typed the product's article on a size, or imported its sizes so). An article 1C
        repeats is no characteristic's own: each size is bound by its barcode, not refused as a conflict of the
        article of that size and the barcode of its own; the duplicate is replaced."""
        trousers = "b197e9d6-56ae-11ec-aba0-00199997af17"
        barcodes = ["4660368471926", "4660368471919", "4660368471902", "4660368471889", "4650599953094"]
        size = self.env["product.attribute"].create({"name": "Размер брюк", "value_ids": [
            Command.create({"name": name}) for name in ("42", "44", "46", "48", "50")]})
        store = self.Template.create({"name": "Брюки магазина", "attribute_line_ids": [Command.create(
            {"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})]})
        variants = store.product_variant_ids.sorted("id")
        for variant, barcode in zip(variants, barcodes, strict=True):
            variant.barcode = barcode
        variants[1].default_code = "02.03.04-бр-т"  # one size of the four sharing it
        self.importer._import_catalog(path("unf3-2.08", "import.xml"))
        duplicate = self.Template.search([("ecom_1c_id", "=", trousers)])
        counts = self.importer._import_offers(path("unf3-2.08", "offers.xml"))
        self.assertEqual((store.ecom_1c_id, duplicate.active), (trousers, False), counts["warnings"])
        self.assertEqual(len(store.product_variant_ids.filtered("ecom_1c_id")), 5)
        self.assertEqual([w for w in counts["warnings"] if "not bound" in w], [], "no code of theirs refused")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestDuplicateTranslations(ImporterCase):
    """The duplicate's name and description are 1C's in the exchange's language (the store's): the store's product
    takes them in that language and keeps its translations into the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.ecom_1c_match_by = "article_barcode"
        for lang in ("ru_RU", "en_US", "uk_UA"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ecom.1c.price.type"].create({"name": "Розничная", "ecom_1c_id": "retail", "target": "list_price"})
        size = cls.env["product.attribute"].create({"name": "Размер магазина", "value_ids": [
            Command.create({"name": "S"}), Command.create({"name": "M"}), Command.create({"name": "L"})]})
        cls.shirt = cls.Template.with_context(lang="en_US").create({
            "name": "Cotton T-shirt", "description_sale": "Cotton",
            "attribute_line_ids": [Command.create({"attribute_id": size.id,
                                                   "value_ids": [Command.set(size.value_ids.ids)]})]})
        for variant, code in zip(cls.shirt.product_variant_ids.sorted("id"), ("TS-S", "TS-M", "TS-L"), strict=True):
            variant.default_code = code
        cls.russian = cls.importer.with_context(lang="ru_RU")

    def raw(self, column):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT %s FROM product_template WHERE id = %s", SQL.identifier(column), self.shirt.id))
        return self.env.cr.fetchone()[0]

    def replace(self, description="Хлопок 100%"):
        self.russian._import_catalog(catalog_207(description=description))
        counts = self.russian._import_offers(offers_207(*SIZES))
        self.assertEqual((self.shirt.ecom_1c_id, counts["archived"]), (GUID, 1), "replaced")
        self.env.invalidate_all()

    def test_the_store_s_other_languages_stay(self):
        """The store named its shirt in English, Russian and Ukrainian: the Russian exchange's swap gives it 1C's
        Russian name and description, its English and Ukrainian ones stay."""
        self.shirt.with_context(lang="ru_RU").write({"name": "Футболка", "description_sale": "Хлопок"})
        self.shirt.with_context(lang="uk_UA").write({"name": "Бавовняна футболка", "description_sale": "Бавовна"})
        self.replace()
        self.assertEqual(self.raw("name"), {"en_US": "Cotton T-shirt", "ru_RU": "Футболка хлопковая",
                                            "uk_UA": "Бавовняна футболка"})
        self.assertEqual(self.raw("description_sale"), {"en_US": "Cotton", "ru_RU": "Хлопок 100%",
                                                        "uk_UA": "Бавовна"})
        self.assertEqual((self.shirt.with_context(lang="ru_RU").name, self.shirt.with_context(lang="en_US").name),
                         ("Футболка хлопковая", "Cotton T-shirt"))
        again = self.russian._import_catalog(catalog_207())
        self.assertEqual((again["updated"], again["warnings"]), (0, []), "what the catalog writes already")
        self.assertEqual(self.raw("name")["uk_UA"], "Бавовняна футболка")

    def test_the_catalog_s_later_writes_keep_them_too(self):
        """After the swap the catalog writes the product (and a property it made) through the ORM, in the exchange's
        language: 1C's new Russian name and description replace the Russian ones only, the store's English and
        Ukrainian stay; so does the Ukrainian name the store gave the property 1C renames."""
        self.shirt.with_context(lang="uk_UA").write({"name": "Бавовняна футболка", "description_sale": "Бавовна"})
        self.replace()
        self.russian._import_catalog(catalog_207(name="Футболка из хлопка", description="Хлопок 95%"))
        self.assertEqual(self.raw("name"), {"en_US": "Cotton T-shirt", "ru_RU": "Футболка из хлопка",
                                            "uk_UA": "Бавовняна футболка"})
        self.assertEqual(self.raw("description_sale"), {"en_US": "Cotton", "ru_RU": "Хлопок 95%", "uk_UA": "Бавовна"})
        self.russian._import_catalog(io.BytesIO(big_catalog(1, properties=True)))
        code = self.env["product.attribute"].search([("ecom_1c_id", "=", "code")])
        code.with_context(lang="uk_UA").name = "Код маркетплейсу"
        self.russian._import_catalog(io.BytesIO(big_catalog(1, properties=True).replace(
            "Код маркетплейса".encode(), "Код для маркетплейса".encode())))
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT name FROM product_attribute WHERE id = %s", code.id))
        names = self.env.cr.fetchone()[0]
        self.assertEqual((names["ru_RU"], names["uk_UA"]), ("Код для маркетплейса", "Код маркетплейсу"))

    def test_an_english_name_alone_gets_russian_beside_it(self):
        """The store's name was in English only: the Russian reads 1C's name, the English reader the store's (not
        an empty one)."""
        self.assertEqual(self.raw("name"), {"en_US": "Cotton T-shirt"})
        self.replace()
        self.assertEqual(self.raw("name"), {"en_US": "Cotton T-shirt", "ru_RU": "Футболка хлопковая"})
        self.assertEqual(self.shirt.with_context(lang="uk_UA").name, "Cotton T-shirt", "English, as Odoo falls back")

    def test_a_name_without_english_gets_1c_s_as_english(self):
        """A store's name in Ukrainian only (written in SQL, as an import of another tool may): English, which every
        language falls back to, is 1C's name, never empty."""
        self.env.cr.execute("UPDATE product_template SET name = '{\"uk_UA\": \"Бавовняна футболка\"}', "
                            "description_sale = NULL WHERE id = %s", [self.shirt.id])
        self.env.invalidate_all()
        self.replace()
        self.assertEqual(self.raw("name"), {"en_US": "Футболка хлопковая", "ru_RU": "Футболка хлопковая",
                                            "uk_UA": "Бавовняна футболка"})
        self.assertEqual(self.raw("description_sale"), {"en_US": "Хлопок 100%", "ru_RU": "Хлопок 100%"},
                         "the store had none: 1C's")
        self.assertEqual(self.shirt.with_context(lang="en_US").description_sale, "Хлопок 100%")

    def test_an_empty_description_of_1c(self):
        """1C's description is empty: the store's goes in every language (NULL, never a JSON null), as the
        catalog's own write of an empty description empties it: kept in English, the Russian reader would read it as
        1C's, and the next catalog would empty it anyway (an update each time). The name keeps its English."""
        self.shirt.with_context(lang="ru_RU").description_sale = "Хлопок"
        self.shirt.with_context(lang="uk_UA").description_sale = "Бавовна"
        self.replace(description="")
        self.assertIsNone(self.raw("description_sale"))
        self.assertFalse(self.shirt.with_context(lang="ru_RU").description_sale)
        self.assertEqual(self.raw("name"), {"en_US": "Cotton T-shirt", "ru_RU": "Футболка хлопковая"})
        again = self.russian._import_catalog(catalog_207(description=""))
        self.assertEqual(again["updated"], 0, "what the catalog writes already")

    def test_an_empty_description_on_both_sides(self):
        """Neither the store nor 1C describes the product: the description stays NULL."""
        self.shirt.with_context(lang="en_US").description_sale = False
        self.replace(description="")
        self.assertIsNone(self.raw("description_sale"))
        self.assertFalse(self.shirt.description_sale)

    def test_english_not_active_is_written_with_russian(self):
        """A database without English active: Odoo writes English beside the exchange's Russian (the value its
        readers fall back to), so does the swap; the Ukrainian name stays."""
        self.shirt.with_context(lang="uk_UA").name = "Бавовняна футболка"
        self.env["res.lang"]._lang_get("en_US").active = False
        self.replace()
        self.assertEqual(self.raw("name"), {"en_US": "Футболка хлопковая", "ru_RU": "Футболка хлопковая",
                                            "uk_UA": "Бавовняна футболка"})
