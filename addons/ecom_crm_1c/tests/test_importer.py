import io
from unittest.mock import patch

from lxml import etree

from odoo.addons.ecom_crm_1c.models import ecom_1c_importer
from odoo.tests import new_test_user, tagged

from .common import ImporterCase, big_catalog, big_catalog_id, offers_package, path


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestImporter(ImporterCase):
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

    def test_a_product_the_exchange_makes_is_unpriced_until_1c_prices_it(self):
        """A product the catalog creates costs 0, not Odoo's default 1.00 (a price nobody gave, quoted as is);
        a product the store had, bound to 1C, keeps its price; the offers price both."""
        own = self.env["product.template"].create({
            "name": "Коврик магазина", "ecom_1c_id": "5edfbda4-19c0-11e7-80c2-0cc47ab29cd1", "list_price": 777})
        own.product_variant_id.ecom_1c_id = own.ecom_1c_id  # as the exchange binds a product it made
        self.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        mat = self.Template.search([("ecom_1c_id", "=", "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1")])
        self.assertEqual((mat.list_price, mat.product_variant_id.lst_price), (0, 0))
        self.assertEqual(own.list_price, 777, "an existing product's price is not the catalog's to change")
        self.importer._import_offers(path("ut11-2.07", "offers0_1.xml"))
        self.assertEqual(mat.list_price, 100)
        self.assertNotEqual(own.list_price, 777, "1C's offer prices the store's product")

    def test_same_file_twice_changes_nothing(self):
        self.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        self.importer._import_offers(path("ut11-2.07", "offers0_1.xml"))
        before = self.Template.search_count([])
        again = self.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        offers = self.importer._import_offers(path("ut11-2.07", "offers0_1.xml"))
        self.assertEqual((again["created"], again["updated"], again["archived"]), (0, 0, 0))
        self.assertEqual(offers["updated"], 0)
        self.assertEqual(self.Template.search_count([]), before)

    @staticmethod
    def drop_first(document, tag="Товар"):
        start = document.index(f"<{tag}>")
        end = document.index(f"</{tag}>", start) + len(f"</{tag}>")
        return document[:start] + document[end:], document[start:end].split("<Ид>")[1].split("</Ид>")[0]

    def test_full_exchange_archives_missing_delta_does_not(self):
        with open(path("ut11-2.07", "import0_1.xml"), encoding="utf-8-sig") as f:
            full = f.read()
        self.importer._import_catalog(io.BytesIO(full.encode()))
        self.assertEqual(self.Template.search_count([("ecom_1c_catalog_id", "!=", False)]), 36)
        # the next full exchange no longer names the first product
        shorter, dropped_id = self.drop_first(full)
        counts = self.importer._import_catalog(io.BytesIO(shorter.encode()))
        self.assertEqual(counts["archived"], 1)
        dropped = self.Template.search([("ecom_1c_id", "=", dropped_id)])
        self.assertTrue(dropped.exists() and not dropped.active, "archived, never deleted")
        # a delta naming nothing archives nothing
        delta, _dropped = self.drop_first(shorter)
        delta = delta.replace('СодержитТолькоИзменения="false"', 'СодержитТолькоИзменения="true"')
        self.assertEqual(self.importer._import_catalog(io.BytesIO(delta.encode()))["archived"], 0)
        self.assertEqual(self.Template.search_count([("ecom_1c_catalog_id", "!=", False), ("active", "=", True)]),
                         36 - 1 - 1, "all but the dropped one and the one 1C marks «Удален»")

    def test_a_product_1c_names_again_is_sold_again(self):
        """A product a full exchange archived (or 1C marked «Удален») comes back when 1C names it again:
        the product and its variant, not a product without a variant to sell."""
        with open(path("ut11-2.07", "import0_1.xml"), encoding="utf-8-sig") as f:
            full = f.read()
        self.importer._import_catalog(io.BytesIO(full.encode()))
        shorter, dropped_id = self.drop_first(full)
        self.importer._import_catalog(io.BytesIO(shorter.encode()))
        dropped = self.Template.search([("ecom_1c_id", "=", dropped_id)])
        self.assertFalse(dropped.active or self.env["product.product"].search([("ecom_1c_id", "=", dropped_id)]))
        self.importer._import_catalog(io.BytesIO(full.encode()))
        self.assertTrue(dropped.active)
        self.assertEqual(self.env["product.product"].search([("ecom_1c_id", "=", dropped_id)]).product_tmpl_id,
                         dropped, "its variant is active again")
        # the characteristics of a product 1C dropped and named again (schema 2.04) come back with it
        self.env["account.tax"].create({"name": "НДС 18%", "amount": 18, "type_tax_use": "sale"})
        with open(path("official-2.04", "import.xml"), encoding="utf-8-sig") as f:
            official = f.read()
        self.importer._import_catalog(io.BytesIO(official.encode()))
        chairs_id = "05e26d77-01e4-11dc-a411-00055d80a2d1"
        without_chairs = official
        while f"<Ид>{chairs_id}#" in without_chairs:
            at = without_chairs.index(f"<Ид>{chairs_id}#")
            start = without_chairs.rindex("<Товар>", 0, at)
            end = without_chairs.index("</Товар>", at) + len("</Товар>")
            without_chairs = without_chairs[:start] + without_chairs[end:]
        self.importer._import_catalog(io.BytesIO(without_chairs.encode()))
        chairs = self.Template.search([("ecom_1c_id", "=", chairs_id)])
        self.assertFalse(chairs.active)
        self.importer._import_catalog(io.BytesIO(official.encode()))
        self.assertTrue(chairs.active)
        self.assertEqual(len(self.env["product.product"].search([("product_tmpl_id", "=", chairs.id)])), 2,
                         "both characteristics are sold again")

    def test_characteristics_are_variants(self):
        """Schema 2.04 lists each characteristic as a product «guid#characteristic»: one template per
        guid, one variant per characteristic, and a full exchange archives a characteristic it drops."""
        with open(path("official-2.04", "import.xml"), encoding="utf-8-sig") as f:
            full = f.read()
        self.env["account.tax"].create({"name": "НДС 18%", "amount": 18, "type_tax_use": "sale"})
        counts = self.importer._import_catalog(io.BytesIO(full.encode()))
        tables = self.Template.search([("ecom_1c_catalog_id", "!=", False)])
        self.assertEqual(sorted(tables.mapped("name")), ["Стол обеденный", "Стулья"])
        table = tables.filtered(lambda t: t.name == "Стол обеденный")
        colours = table.product_variant_ids.mapped(lambda v: v.product_template_attribute_value_ids.name)
        self.assertEqual(sorted(colours), ["Белый", "Красный"])
        self.assertEqual(table.attribute_line_ids.attribute_id.create_variant, "dynamic",
                         "only the combinations 1C names exist")
        white = self.env["product.product"].search(
            [("ecom_1c_id", "=", "05e26d70-01e4-11dc-a411-00055d80a2d1#05e26d76-01e4-11dc-a411-00055d80a2d1")])
        self.assertEqual(white.product_template_attribute_value_ids.name, "Белый")
        self.assertFalse(counts["warnings"])
        # offers price and stock each variant
        self.env["res.lang"]._activate_lang("ru_RU")
        offers = self.importer.with_context(lang="ru_RU")._import_offers(path("official-2.04", "offers.xml"))
        # in the importer's language also outside a request (a cron, a script): the log is read by people
        self.assertTrue(offers["warnings"])
        self.assertFalse([w for w in offers["warnings"] if "выберите для него прайс-лист" not in w],
                         "only the price types that await their pricelist are warned about, in Russian")
        self.assertEqual(len(self.env["product.product"].search([("ecom_1c_id", "like", "#")])), 4)
        base = table.list_price
        self.assertTrue(base)
        self.assertEqual(white.lst_price, base)
        # 1C prices the red table one higher in the sales price type: the red value adds the difference
        sales_type = self.env["ecom.1c.price.type"].search([("target", "=", "list_price")])
        with open(path("official-2.04", "offers.xml"), encoding="utf-8-sig") as f:
            offers_xml = f.read()
        second = offers_xml.index("<Предложение>", offers_xml.index("<Предложение>") + 1)
        at = offers_xml.index("<ЦенаЗаЕдиницу>", offers_xml.index(f"<ИдТипаЦены>{sales_type.ecom_1c_id}<", second))
        end = offers_xml.index("<", at + len("<ЦенаЗаЕдиницу>"))
        dearer = f"{offers_xml[:at]}<ЦенаЗаЕдиницу>{base + 1:g}{offers_xml[end:]}"
        self.importer._import_offers(io.BytesIO(dearer.encode()))
        red = table.product_variant_ids - white
        self.assertEqual((table.list_price, white.lst_price, red.lst_price), (base, base, base + 1))
        # the same catalog again creates nothing
        again = self.importer._import_catalog(io.BytesIO(full.encode()))
        self.assertEqual((again["created"], again["updated"], again["archived"]), (0, 0, 0))
        # a full exchange without the white table archives that variant only
        shorter, dropped_id = self.drop_first(full)
        self.assertEqual(dropped_id, white.ecom_1c_id)
        self.assertEqual(self.importer._import_catalog(io.BytesIO(shorter.encode()))["archived"], 1)
        self.assertFalse(white.active)
        self.assertTrue(table.active and table.product_variant_ids, "the red table is still sold")

    def offers_package(self, prices, only_changes=True, price_type=None, quantities=None):
        """An offers package giving ``[(offer id, price)]`` in ``price_type`` (the sales one) and
        ``{offer id: quantity}``."""
        price_type = price_type or self.env["ecom.1c.price.type"].search([("target", "=", "list_price")])
        return offers_package(price_type.ecom_1c_id, prices, only_changes, quantities)

    def import_dining_table(self):
        """The official 2.04 example's catalog and offers: the dining table, its white and red variants."""
        self.importer._import_catalog(path("official-2.04", "import.xml"))
        self.importer._import_offers(path("official-2.04", "offers.xml"))
        white = self.env["product.product"].search(
            [("ecom_1c_id", "=", "05e26d70-01e4-11dc-a411-00055d80a2d1#05e26d76-01e4-11dc-a411-00055d80a2d1")])
        table = white.product_tmpl_id
        red = table.product_variant_ids - white
        self.assertEqual(len(red), 1)
        return table, white, red

    def test_sales_prices_whatever_the_batches_and_partial_exchanges(self):
        """A product sells at its characteristics' lowest 1C price and each characteristic adds its
        difference, also when 1C sends only what changed or the characteristics fall in two batches."""
        table, white, red = self.import_dining_table()

        def prices():
            return table.list_price, white.lst_price, red.lst_price

        counts = self.importer._import_offers(
            self.offers_package([(white.ecom_1c_id, 100), (red.ecom_1c_id, 120)], only_changes=False))
        self.assertEqual(prices(), (100, 100, 120))
        self.assertEqual(counts["updated"], 2)
        self.assertEqual((white.ecom_1c_price, red.ecom_1c_price), (100, 120))
        # 1C sends only what changed: the white table still sells at 100
        self.importer._import_offers(self.offers_package([(red.ecom_1c_id, 130)]))
        self.assertEqual(prices(), (100, 100, 130))
        # the white table becomes the dearer one: the product sells from the red table's price
        self.importer._import_offers(self.offers_package([(white.ecom_1c_id, 140)]))
        self.assertEqual(prices(), (130, 140, 130))
        # the two characteristics in two batches: the later batch's price is not the product's
        with patch.object(ecom_1c_importer, "BATCH", 1):
            self.importer._import_offers(
                self.offers_package([(white.ecom_1c_id, 90), (red.ecom_1c_id, 110)], only_changes=False))
        self.assertEqual(prices(), (90, 90, 110))
        # the same prices again change nothing
        counts = self.importer._import_offers(self.offers_package([(white.ecom_1c_id, 90), (red.ecom_1c_id, 110)]))
        self.assertEqual(counts["updated"], 0)
        # a variant 1C never priced (an offer without a price, or its price skipped) is no part of the
        # product's price: it sold the product at Odoo's default 1.0; a difference an administrator gave
        # its value by hand stays
        self.env.cr.execute("UPDATE product_product SET ecom_1c_price = NULL WHERE id = %s", [white.id])
        self.env.invalidate_all()
        white.product_template_attribute_value_ids.price_extra = 7
        self.importer._import_offers(self.offers_package([(red.ecom_1c_id, 115)]))
        self.assertEqual(prices(), (115, 122, 115))
        self.assertFalse(white.ecom_1c_price)

    def test_numbers_no_float_holds_are_skipped_and_warned_per_offer(self):
        """NaN, Infinity, 1e400 for a price or a quantity are no numbers, like «abc»: skipped, the offer
        named in a warning, the file's other offers imported (they failed the whole file, or NaN was stock)."""
        table, white, red = self.import_dining_table()
        self.importer._import_offers(self.offers_package(
            [(white.ecom_1c_id, 100), (red.ecom_1c_id, 120)], quantities={white.ecom_1c_id: 5, red.ecom_1c_id: 7}))
        for bad in ("NaN", "Infinity", "-inf", "1e400", "sNaN", "abc"):
            with self.subTest(bad):
                counts = self.importer._import_offers(self.offers_package(
                    [(white.ecom_1c_id, bad), (red.ecom_1c_id, 125)],
                    quantities={white.ecom_1c_id: bad, red.ecom_1c_id: 8}))
                self.assertEqual((table.list_price, white.lst_price, red.lst_price), (100, 100, 125))
                self.assertEqual((white.ecom_1c_qty, red.ecom_1c_qty), (5, 8))
                # the price's warning and the quantity's, each naming the offer
                self.assertEqual(len(counts["warnings"]), 2, counts["warnings"])
                self.assertTrue(all(white.ecom_1c_id in w and red.ecom_1c_id not in w for w in counts["warnings"]))

    def test_products_show_what_1c_says(self):
        """A product's 1C stock (its variants' together) and a variant's 1C price are on their forms
        and lists; the 1C id only for the exchange's managers."""
        table, white, red = self.import_dining_table()
        self.importer._import_offers(self.offers_package(
            [(white.ecom_1c_id, 100), (red.ecom_1c_id, 120)], quantities={white.ecom_1c_id: 3, red.ecom_1c_id: 4}))
        self.assertEqual((white.ecom_1c_qty, red.ecom_1c_qty, table.ecom_1c_qty), (3, 4, 7))
        red.action_archive()
        self.assertEqual(table.ecom_1c_qty, 3, "a variant no longer sold is not counted")
        salesman = new_test_user(self.env, "ecom_1c_seller", groups="sales_team.group_sale_salesman")
        manager = new_test_user(self.env, "ecom_1c_boss", groups="ecom_crm_1c.group_exchange_manager")
        for user, sees_id in ((salesman, False), (manager, True)):
            arch = etree.fromstring(self.env["product.template"].with_user(user).get_view(view_type="form")["arch"])
            self.assertTrue(arch.xpath("//group[@name='ecom_1c']//field[@name='ecom_1c_qty']"))
            self.assertEqual(bool(arch.xpath("//group[@name='ecom_1c']//field[@name='ecom_1c_id']")), sees_id,
                             user.login)
        Variant = self.env["product.product"].with_user(salesman)
        form = Variant.get_view(self.env.ref("product.product_normal_form_view").id, "form")["arch"]
        listed = Variant.get_view(view_type="list")["arch"]
        for arch in (form, listed):
            self.assertIn('name="ecom_1c_price"', arch)
            self.assertIn('name="ecom_1c_qty"', arch)
        self.assertIn('name="ecom_1c_qty"', self.env["product.template"].get_view(view_type="list")["arch"])

    def test_properties_are_attributes(self):
        self.importer._import_catalog(path("demo-2.07", "import.xml"))
        boots = self.Template.search([("ecom_1c_id", "=", "bd72d910-55bc-11d9-848a-00112f43529a")])
        maker = boots.attribute_line_ids.filtered(lambda ln: ln.attribute_id.name == "Производитель")
        self.assertEqual(maker.value_ids.name, "Обувной комбинат", "a reference-list value, by its 1C id")
        self.assertEqual(maker.attribute_id.create_variant, "no_variant", "properties describe, they make no variants")
        self.assertEqual(len(boots.product_variant_ids), 1)
        # string properties (1C UT 11: marketplace codes) are values too
        self.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        mat = self.Template.search([("ecom_1c_id", "=", "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1")])
        self.assertIn("Код ОЗОН", mat.attribute_line_ids.attribute_id.mapped("name"))
        lines = self.env["product.template.attribute.line"].search_count([])
        self.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        self.assertEqual(self.env["product.template.attribute.line"].search_count([]), lines, "idempotent")

    def test_schema_3_split_classifier_and_catalog(self):
        """Schema 3 sends the classifier (groups, properties) and the products in separate files."""
        with open(path("demo-2.07", "import.xml"), encoding="utf-8-sig") as f:
            whole = f.read()
        head, rest = whole.split("<Классификатор>", 1)
        classifier, rest = rest.split("</Классификатор>", 1)
        catalog_start = rest.index("<Каталог")
        tail = rest[rest.index("</Каталог>") + len("</Каталог>"):]
        classifier_file = f"{head}<Классификатор>{classifier}</Классификатор>{tail}"
        catalog_file = head + rest[catalog_start:]
        first = self.importer._import_catalog(io.BytesIO(classifier_file.encode()))
        self.assertTrue(first["done"] and first["created"], "groups alone")
        self.assertTrue(self.env["product.attribute"].search([("name", "=", "Производитель")]),
                        "the properties of a classifier without products")
        self.importer._import_catalog(io.BytesIO(catalog_file.encode()))
        boots = self.Template.search([("ecom_1c_id", "=", "bd72d910-55bc-11d9-848a-00112f43529a")])
        maker = boots.attribute_line_ids.filtered(lambda ln: ln.attribute_id.name == "Производитель")
        self.assertEqual(maker.value_ids.name, "Обувной комбинат", "the value named by id in another file")
        self.assertTrue(boots.categ_id.ecom_1c_id, "the group from the classifier file")

    def test_units_taxes_and_barcodes(self):
        tax = self.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "type_tax_use": "sale"})
        counts = self.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        mat = self.Template.search([("ecom_1c_id", "=", "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1")])
        self.assertEqual(mat.uom_id, self.env.ref("uom.product_uom_unit"), "OKEI 796 «Штука»")
        self.assertEqual(mat.taxes_id, tax, "1C's VAT 20 is the company's 20% sales tax")
        self.assertFalse(counts["warnings"])
        # a 1C barcode another product already has is left out, with a warning, instead of failing (matching the
        # store's products off: by default the store's product of that barcode would be the 1C product,
        # tests/test_store_products_bound.py)
        self.env.company.ecom_1c_match_by = "none"
        clash = self.env["product.product"].create({"name": "Старый коврик", "barcode": "4600000000017"})
        catalog = ('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.10"><Каталог>'
                   '<Ид>c</Ид><Товары><Товар><Ид>new-1</Ид><Наименование>Новый</Наименование>'
                   '<Штрихкод>4600000000017</Штрихкод><БазоваяЕдиница Код="166"/><СтавкиНалогов><СтавкаНалога>'
                   '<Наименование>НДС</Наименование><Ставка>Без НДС</Ставка></СтавкаНалога></СтавкиНалогов>'
                   '<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование>'
                   '<Значение>Услуга</Значение></ЗначениеРеквизита></ЗначенияРеквизитов></Товар></Товары>'
                   '</Каталог></КоммерческаяИнформация>')
        counts = self.importer._import_catalog(io.BytesIO(catalog.encode()))
        new = self.Template.search([("ecom_1c_id", "=", "new-1")])
        self.assertEqual((new.uom_id, new.taxes_id, new.type, new.barcode),
                         (self.env.ref("uom.product_uom_kgm"), self.env["account.tax"], "service", False))
        self.assertEqual(clash.barcode, "4600000000017")
        self.assertTrue(any("4600000000017" in w for w in counts["warnings"]))

    def test_a_barcode_1c_gives_later_reaches_the_product(self):
        """A product made without a barcode gets the one 1C gives it later, and a changed one; one another
        product has is left out with a warning; the same catalog again changes nothing."""
        self.importer._import_catalog(io.BytesIO(big_catalog(3)))
        clash = self.env["product.product"].create({"name": "Старый коврик", "barcode": "4600000000002"})
        counts = self.importer._import_catalog(io.BytesIO(big_catalog(3, details=True)))
        barcodes = {p.ecom_1c_id: p.barcode for p in self.Product.search([("ecom_1c_id", "in", [
            big_catalog_id(i) for i in range(3)])])}
        self.assertEqual(barcodes, {big_catalog_id(0): "4600000000000", big_catalog_id(1): "4600000000001",
                                    big_catalog_id(2): False})
        self.assertTrue(any("4600000000002" in w for w in counts["warnings"]))
        self.assertEqual(clash.barcode, "4600000000002")
        again = self.importer._import_catalog(io.BytesIO(big_catalog(3, details=True)))
        self.assertEqual((again["created"], again["updated"], again["archived"]), (0, 0, 0))
        changed = big_catalog(3, details=True).decode().replace("<Штрихкод>4600000000000<", "<Штрихкод>4600000000099<")
        self.assertEqual(self.importer._import_catalog(io.BytesIO(changed.encode()))["updated"], 1)
        self.assertEqual(self.Product.search([("ecom_1c_id", "=", big_catalog_id(0))]).barcode, "4600000000099")

    def test_variants_prices_to_pricelists(self):
        self.importer._import_catalog(path("official-2.04", "import.xml"))
        self.importer._import_offers(path("official-2.04", "offers.xml"))
        types = self.env["ecom.1c.price.type"].search([])
        self.assertEqual(len(types), 4)
        pricelist = self.env["product.pricelist"].create({"name": "Опт"})
        wholesale = types.filtered(lambda t: t.target == "pricelist")[:1]
        wholesale.pricelist_id = pricelist
        self.importer._import_offers(path("official-2.04", "offers.xml"))
        items = self.env["product.pricelist.item"].search([("pricelist_id", "=", pricelist.id)])
        offered = self.env["product.product"].search([("ecom_1c_id", "in", [
            "05e26d70-01e4-11dc-a411-00055d80a2d1#05e26d76-01e4-11dc-a411-00055d80a2d1",
            "05e26d70-01e4-11dc-a411-00055d80a2d1#218a1598-044b-11dc-a414-00055d80a2d1"])])
        self.assertEqual(len(offered), 2)
        self.assertEqual(items.product_id, offered, "the mapped price type fills its pricelist, per characteristic")
        self.assertEqual(set(items.mapped("applied_on")), {"0_product_variant"})
        white, red = offered.sorted("ecom_1c_id")
        counts = self.importer._import_offers(self.offers_package(
            [(white.ecom_1c_id, 55), (red.ecom_1c_id, 66)], price_type=wholesale))
        self.assertEqual(counts["updated"], 2)
        items = self.env["product.pricelist.item"].search([("pricelist_id", "=", pricelist.id)])
        self.assertEqual(len(items), 2, "the items are updated, not added again")
        self.assertEqual({item.product_id: item.fixed_price for item in items}, {white: 55, red: 66})
        self.assertEqual(pricelist._get_product_price(red, 1), 66)
        counts = self.importer._import_offers(self.offers_package([(red.ecom_1c_id, 66)], price_type=wholesale))
        self.assertEqual(counts["updated"], 0, "the same price changes nothing")

    def test_unknown_offers_are_warned_not_fatal(self):
        exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "catalog"})
        counts = self.importer._import_offers(path("demo-2.07", "offers.xml"), exchange)
        self.assertEqual(len(counts["warnings"]), 5, "each of the 5 offers names a product never imported")
        self.assertEqual(exchange.warning_count, 5)
        self.assertIn("bd72d910-55bc-11d9-848a-00112f43529a#90c55447", exchange.messages, "the offer is named")
