"""A product's characteristics become its variants whatever properties it has and whatever sets of
characteristics its offers name; one product that cannot have them never fails the file.

On the hand-made catalog of tests/data/handmade/characteristics-import.xml: «Ботинки» (a brand
property), «Кеды», «Футболка» and «Носки» (no characteristics)."""

import io
import re
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models.ecom_1c_import_variants import Ecom1cImportVariants
from .common import ImporterCase, path, read

MISSING = "—"  # the documented value of a characteristic an offer does not name


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestCharacteristics(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer._import_catalog(path("handmade", "characteristics-import.xml"))
        cls.exchange = cls.env["ecom.1c.exchange"].create({"exchange_type": "catalog"})

    def import_offers(self, name):
        return self.importer._import_offers(path("handmade", name), self.exchange)

    def variants(self, key):
        return self.Product.search([("ecom_1c_id", "=like", f"{key}#%")])

    def described(self, key):
        """{1C id: ({characteristic: value}, 1C stock, 1C price, active)} of the variants of product ``key``."""
        return {v.ecom_1c_id: ({ptav.attribute_id.name: ptav.name for ptav in v.product_template_attribute_value_ids},
                               v.ecom_1c_qty, v.ecom_1c_price, v.active)
                for v in self.variants(key)}

    def assert_socks_imported(self):
        socks = self.Product.search([("ecom_1c_id", "=", "hm-socks")])
        self.assertEqual((socks.ecom_1c_qty, socks.lst_price), (10, 300), "the rest of the file imports")

    def test_characteristics_of_a_product_with_properties(self):
        """«Ботинки» has Бренд = Ecco in the catalog; its offers name two characteristics."""
        counts = self.import_offers("characteristics-with-property-offers.xml")
        self.assertTrue(counts["done"])
        self.assertEqual(self.described("hm-boots"), {
            "hm-boots#size-40": ({"Размер": "40"}, 2, 5000, True),
            "hm-boots#size-41": ({"Размер": "41"}, 3, 5200, True)})
        boots = self.variants("hm-boots").product_tmpl_id
        brand = boots.attribute_line_ids.filtered(lambda ln: ln.attribute_id.ecom_1c_id == "hm-brand")
        self.assertEqual(brand.value_ids.name, "Ecco", "the property stays")
        self.assertEqual(boots.list_price, 5000, "the lowest characteristic's price")
        self.assertEqual(boots.ecom_1c_qty, 5)
        self.assert_socks_imported()
        # the same file again: nothing new, nothing changed
        again = self.import_offers("characteristics-with-property-offers.xml")
        self.assertEqual((again["created"], again["updated"]), (0, 0))
        self.assertEqual(len(self.variants("hm-boots")), 2)

    def test_characteristics_naming_different_sets(self):
        """«#size-40» names Размер, «#size-41» Размер and Цвет: the first gets Цвет «—»."""
        self.import_offers("characteristics-different-sets-offers.xml")
        self.assertEqual(self.described("hm-sneakers"), {
            "hm-sneakers#size-40": ({"Размер": "40", "Цвет": MISSING}, 1, 3000, True),
            "hm-sneakers#size-41": ({"Размер": "41", "Цвет": "Белый"}, 5, 3100, True)})
        self.assertEqual(self.variants("hm-sneakers").product_tmpl_id.list_price, 3000)
        self.assert_socks_imported()
        again = self.import_offers("characteristics-different-sets-offers.xml")
        self.assertEqual((again["created"], again["updated"]), (0, 0))

    def test_a_characteristic_spelled_otherwise_is_the_same(self):
        """Other shops' 1C writes one characteristic differently from one offer to the next («Размер»,
        «размер », «РАЗМЕР»; «Цвет», «цвет»): one attribute each, shown as first named, the variants
        told apart by their values, not by the spelling; a later file spelling it again adds no attribute."""
        base = read("handmade", "characteristics-different-sets-offers.xml").decode()
        spelled = base.replace("<Наименование>Размер</Наименование><Значение>41",
                               "<Наименование> размер  </Наименование><Значение>41")
        self.assertNotEqual(spelled, base)
        self.importer._import_offers(io.BytesIO(spelled.encode()), self.exchange)
        self.assertEqual(self.described("hm-sneakers"), {
            "hm-sneakers#size-40": ({"Размер": "40", "Цвет": MISSING}, 1, 3000, True),
            "hm-sneakers#size-41": ({"Размер": "41", "Цвет": "Белый"}, 5, 3100, True)})
        later = base.replace("hm-sneakers#size-41", "hm-sneakers#size-42").replace(
            "<Наименование>Размер</Наименование><Значение>41",
            "<Наименование>РАЗМЕР</Наименование><Значение>42").replace(
            "<Наименование>Цвет</Наименование><Значение>Белый",
            "<Наименование>цвет</Наименование><Значение>Чёрный")
        self.importer._import_offers(io.BytesIO(later.encode()), self.exchange)
        self.assertEqual(self.described("hm-sneakers")["hm-sneakers#size-42"][0], {"Размер": "42", "Цвет": "Чёрный"})
        attributes = self.variants("hm-sneakers").product_tmpl_id.attribute_line_ids.attribute_id
        self.assertEqual(sorted(attributes.mapped("name")), ["Размер", "Цвет"])
        self.assertEqual(self.env["product.attribute"].search_count(
            [("ecom_1c_id", "=ilike", "characteristic:%размер%")]), 1, "no second attribute")

    def test_a_characteristic_below_zero_takes_nothing_from_the_others(self):
        """1C reports a characteristic it oversold below zero: the variant keeps 1C's «-3», the product's
        stock is its other variants' (5), not 2; a product without characteristics shows its own «-2»."""
        base = read("handmade", "characteristics-different-sets-offers.xml").decode()
        negative = base.replace("<Количество>1</Количество>", "<Количество>-3</Количество>").replace(
            "<Количество>10</Количество>", "<Количество>-2</Количество>")
        self.assertEqual(negative.count("<Количество>-"), 2)
        counts = self.importer._import_offers(io.BytesIO(negative.encode()), self.exchange)
        self.assertTrue(counts["done"])
        self.assertEqual(self.described("hm-sneakers"), {
            "hm-sneakers#size-40": ({"Размер": "40", "Цвет": MISSING}, -3, 3000, True),
            "hm-sneakers#size-41": ({"Размер": "41", "Цвет": "Белый"}, 5, 3100, True)})
        sneakers = self.variants("hm-sneakers").product_tmpl_id
        self.assertEqual(sneakers.ecom_1c_qty, 5)
        self.assertEqual(self.Product.search([("ecom_1c_id", "=", "hm-socks")]).product_tmpl_id.ecom_1c_qty, -2)
        # all of them below zero: none in stock
        self.importer._import_offers(io.BytesIO(negative.replace(
            "<Количество>5</Количество>", "<Количество>-1</Количество>").encode()), self.exchange)
        self.assertEqual(sneakers.ecom_1c_qty, 0)

    def test_a_later_exchange_adds_a_characteristic(self):
        """The boots have Размер only; a later delta names «#size-42» with Размер and Цвет: the
        variants 1C made before stay, with Цвет «—»."""
        self.import_offers("characteristics-with-property-offers.xml")
        before = self.variants("hm-boots")
        self.import_offers("characteristics-added-later-offers.xml")
        self.assertEqual(self.described("hm-boots"), {
            "hm-boots#size-40": ({"Размер": "40", "Цвет": MISSING}, 2, 5000, True),
            "hm-boots#size-41": ({"Размер": "41", "Цвет": MISSING}, 3, 5200, True),
            "hm-boots#size-42": ({"Размер": "42", "Цвет": "Чёрный"}, 1, 5400, True)})
        self.assertEqual(self.variants("hm-boots") & before, before, "the same records, not new ones")

    def test_characteristics_without_values(self):
        """Offers «guid#char» without «ХарактеристикиТовара» (1C:УТ, characteristics without
        properties) are variants named by the offer's name, each with its own stock and price."""
        counts = self.import_offers("characteristics-without-values-offers.xml")
        described = self.described("hm-tshirt")
        self.assertEqual({full_id: values[1:] for full_id, values in described.items()}, {
            "hm-tshirt#red": (3, 1000, True), "hm-tshirt#blue": (4, 1200, True)})
        self.assertEqual(sorted(self.variants("hm-tshirt").product_template_attribute_value_ids.mapped("name")),
                         ["красная", "синяя"])
        self.assertEqual(self.variants("hm-tshirt").product_template_attribute_value_ids.attribute_id.ecom_1c_id,
                         "characteristic")
        tshirt = self.variants("hm-tshirt").product_tmpl_id
        self.assertEqual((tshirt.list_price, tshirt.ecom_1c_qty), (1000, 7), "not the last offer's 1200 and 4")
        blue = self.variants("hm-tshirt").filtered(lambda v: v.ecom_1c_id == "hm-tshirt#blue")
        self.assertEqual(blue.lst_price, 1200)
        self.assertFalse([w for w in counts["warnings"] if "hm-tshirt" in w], counts["warnings"])
        again = self.import_offers("characteristics-without-values-offers.xml")
        self.assertEqual((again["created"], again["updated"]), (0, 0))

    def test_the_characteristic_made_by_a_russian_exchange_is_named_in_english_too(self):
        """The attribute of characteristics without properties, made by a Russian store's exchange (the
        exchange runs in the store's language), is «Характеристика» in Russian and «Characteristic» in
        English, not the Russian name in both."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.importer.with_context(lang="ru_RU")._import_offers(
            path("handmade", "characteristics-without-values-offers.xml"), self.exchange)
        attribute = self.variants("hm-tshirt").product_template_attribute_value_ids.attribute_id
        self.assertEqual((attribute.with_context(lang="ru_RU").name, attribute.with_context(lang="en_US").name),
                         ("Характеристика", "Characteristic"))

    def test_a_whole_offers_package_archives_the_characteristics_it_no_longer_names(self):
        """1C's full unload of 2.x names every characteristic with its offer: a whole offers package
        archives (never deletes) the characteristics of the products it offers by characteristic that it
        no longer names (deleted in 1C), not the product, nor another product's; a package of changes
        archives none; a characteristic named again is sold again."""
        full = read("handmade", "characteristics-with-property-offers.xml").decode()
        self.import_offers("characteristics-with-property-offers.xml")
        self.import_offers("characteristics-different-sets-offers.xml")
        self.assertEqual(len(self.variants("hm-boots") | self.variants("hm-sneakers")), 4)
        without_41 = re.sub(r"<Предложение>\s*<Ид>hm-boots#size-41</Ид>.*?</Предложение>\s*", "", full,
                            flags=re.DOTALL)
        changes = re.sub(r"<Предложение>\s*<Ид>hm-boots#size-40</Ид>.*?</Предложение>\s*", "", without_41,
                         flags=re.DOTALL).replace('СодержитТолькоИзменения="false"', 'СодержитТолькоИзменения="true"')
        counts = self.importer._import_offers(io.BytesIO(changes.encode()), self.exchange)
        self.assertEqual(counts["archived"], 0, "a package of changes names what changed only")
        counts = self.importer._import_offers(io.BytesIO(without_41.encode()), self.exchange)
        self.assertEqual(counts["archived"], 1)
        self.assertEqual({key: value[3] for key, value in self.described("hm-boots").items()},
                         {"hm-boots#size-40": True, "hm-boots#size-41": False})
        self.assertTrue(self.variants("hm-boots").product_tmpl_id.active)
        self.assertEqual(self.variants("hm-sneakers").mapped("active"), [True, True], "another product's")
        self.assert_socks_imported()
        counts = self.importer._import_offers(io.BytesIO(full.encode()), self.exchange)
        self.assertEqual(counts["archived"], 0)
        self.assertTrue(all(value[3] for value in self.described("hm-boots").values()), "named again: sold again")

    def test_one_bad_product_does_not_fail_the_file(self):
        """A product whose variants cannot be made is skipped with a warning naming it; the rest imports,
        and its offers are not written onto the product itself."""
        add_line_values = Ecom1cImportVariants._add_line_values

        def refuses_sneakers(importer, template, attribute, values):
            if template.ecom_1c_id == "hm-sneakers":
                raise ValidationError("this product cannot have variants")
            return add_line_values(importer, template, attribute, values)

        with patch.object(Ecom1cImportVariants, "_add_line_values", refuses_sneakers):
            counts = self.import_offers("characteristics-different-sets-offers.xml")
        self.assertTrue(counts["done"])
        self.assertFalse(self.variants("hm-sneakers"))
        self.assertTrue([w for w in counts["warnings"] if "Кеды" in w and "cannot have variants" in w],
                        counts["warnings"])
        sneakers = self.Product.search([("ecom_1c_id", "=", "hm-sneakers")])
        self.assertEqual((sneakers.ecom_1c_qty, sneakers.ecom_1c_price), (0, 0), "no characteristic's stock or price")
        self.assert_socks_imported()
        self.assertIn("Кеды", self.exchange.messages)

    def test_a_characteristic_of_another_catalog_is_not_taken(self):
        """The boots' «Размер» made by name (catalog hm-catalog); another 1C's offers (another catalog, another
        store's) declare a property «Размер»: the boots' attribute stays theirs (no 1C id of another base, which
        would rename it), the property an attribute of its own; so does it for a file that names no catalog."""
        self.import_offers("characteristics-with-property-offers.xml")
        by_name = self.variants("hm-boots").product_template_attribute_value_ids.attribute_id
        for catalog, size in (("<ИдКаталога>other-catalog</ИдКаталога>", "other-size"), ("", "nameless-size")):
            properties = ('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="3.1">'
                          f'<ПакетПредложений СодержитТолькоИзменения="true"><Ид>p#</Ид>{catalog}<Свойства><Свойство>'
                          f'<Ид>{size}</Ид><Наименование>Размер</Наименование><ТипЗначений>Строка</ТипЗначений>'
                          "</Свойство></Свойства></ПакетПредложений></КоммерческаяИнформация>")
            self.importer._import_offers(io.BytesIO(properties.encode()), self.exchange)
            self.assertEqual(by_name.ecom_1c_id, "characteristic:Размер", catalog)
            own = self.env["product.attribute"].search([("ecom_1c_id", "=", size)])
            self.assertEqual((own.name, own.create_variant), ("Размер", "no_variant"))

    def test_characteristics_by_properties_after_by_name(self):
        """An exchange made the boots' characteristics from «ХарактеристикиТовара» («Размер: 40»); a later
        one (3.1) names them by the property «Размер» its offers file declares, a new size too: the product
        keeps one attribute «Размер», and the property is that attribute, not one beside it."""
        self.import_offers("characteristics-with-property-offers.xml")
        by_name = self.variants("hm-boots").product_template_attribute_value_ids.attribute_id
        self.assertEqual(by_name.mapped("name"), ["Размер"])
        later = ('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="3.1">'
                 '<ПакетПредложений СодержитТолькоИзменения="true"><Ид>hm-catalog#</Ид><ИдКаталога>hm-catalog'
                 '</ИдКаталога><Свойства><Свойство><Ид>hm-size</Ид><Наименование>Размер</Наименование>'
                 '<ТипЗначений>Справочник</ТипЗначений><ВариантыЗначений>'
                 + "".join(f"<Справочник><ИдЗначения>hm-size-{size}</ИдЗначения><Значение>{size}</Значение>"
                           "</Справочник>" for size in (40, 41, 42))
                 + "</ВариантыЗначений></Свойство></Свойства><Предложения>"
                 + "".join(f"<Предложение><Ид>hm-boots#size-{size}</Ид><Наименование>Ботинки ({size})</Наименование>"
                           "<ЗначенияСвойств><ЗначенияСвойства><Ид>hm-size</Ид>"
                           f"<Значение>hm-size-{size}</Значение></ЗначенияСвойства></ЗначенияСвойств>"
                           f"<Количество>{size - 39}</Количество></Предложение>" for size in (41, 42))
                 + "</Предложения></ПакетПредложений></КоммерческаяИнформация>")
        counts = self.importer._import_offers(io.BytesIO(later.encode()), self.exchange)
        self.assertEqual(counts["created"], 1, counts)
        self.assertEqual(self.described("hm-boots"), {
            "hm-boots#size-40": ({"Размер": "40"}, 2, 5000, True),
            "hm-boots#size-41": ({"Размер": "41"}, 2, 5200, True),
            "hm-boots#size-42": ({"Размер": "42"}, 3, 0, True)})
        boots = self.variants("hm-boots").product_tmpl_id
        self.assertEqual(boots.attribute_line_ids.filtered(lambda ln: ln.attribute_id.create_variant != "no_variant")
                         .attribute_id, by_name, "one attribute set")
        Attribute = self.env["product.attribute"].with_context(active_test=False)
        self.assertEqual(Attribute.search([("name", "=", "Размер")]), by_name, "no attribute «Размер» beside it")
        self.assertEqual(by_name.ecom_1c_id, "hm-size", "the property's 1C id attached to it")
        self.assertEqual(sorted(by_name.value_ids.mapped("ecom_1c_id")), ["hm-size-40", "hm-size-41", "hm-size-42"])
        # a later exchange by name again («ХарактеристикиТовара»: «Размер») finds it still
        self.assertEqual(self.importer._characteristic_attributes({"Размер"}, {"hm-catalog"}), {"Размер": by_name})
        # not for another catalog's products (another store's, by name): the attribute is this 1C's property's
        other = self.importer._characteristic_attributes({"Размер"}, {"other-catalog"})["Размер"]
        self.assertEqual((other.ecom_1c_id, other.create_variant), ("characteristic:Размер", "dynamic"))
        # the property spelled otherwise («размер», made first): another catalog's «РАЗМЕР» is still the
        # characteristic shared by name, not a third attribute «размер»
        by_name.name = "размер"
        shown = self.importer._characteristic_display_names(["РАЗМЕР"])["РАЗМЕР"]
        self.assertEqual(shown, "Размер")
        self.assertEqual(self.importer._characteristic_attributes({shown}, {"other-catalog"}), {"Размер": other})
        by_name.name = "Размер"
        # a catalog that declares the property too and gives it to the socks, a product of no characteristic:
        # its attribute makes variants, so it is no property line of theirs (it would make their variants)
        catalog = read("handmade", "characteristics-import.xml").decode().replace(
            "<Свойства>", "<Свойства><Свойство><Ид>hm-size</Ид><Наименование>Размер</Наименование>"
            "<ТипЗначений>Справочник</ТипЗначений><ВариантыЗначений><Справочник><ИдЗначения>hm-size-42"
            "</ИдЗначения><Значение>42</Значение></Справочник></ВариантыЗначений></Свойство>").replace(
            "<Артикул>SK-1</Артикул>", "<Артикул>SK-1</Артикул><ЗначенияСвойств><ЗначенияСвойства><Ид>hm-size</Ид>"
            "<Значение>hm-size-42</Значение></ЗначенияСвойства></ЗначенияСвойств>")
        warnings = self.importer._import_catalog(io.BytesIO(catalog.encode()))["warnings"]
        socks = self.Product.search([("ecom_1c_id", "=", "hm-socks")])
        self.assertFalse(socks.product_tmpl_id.attribute_line_ids, "no line of a characteristic on a product")
        self.assertEqual(len(socks.product_tmpl_id.product_variant_ids), 1)
        self.assertIn("Свойства 1С «Размер» — характеристики (их атрибуты создают варианты): как свойства товаров они "
                      "не заданы", warnings)
        self.assertEqual(len(self.variants("hm-boots")), 3, "the boots' variants stay")
