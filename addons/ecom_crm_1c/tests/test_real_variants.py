"""Shapes of 1C's files that other configurations and exchange modules write, beyond the samples of
tests/data/: deletion marks as an element or a requisite, schema 2.03's «СодержитТолькоИзменения» as an
element, a characteristic's barcode and article in its offer, a characteristic deleted in a package of
changes and a document's buyer among several counterparties.

Each small file below is written in the shape its source shows (named at each), with this test's own ids."""

import io

from odoo.tests import BaseCase, Form, new_test_user, tagged

from ..commerceml import read_catalog, read_documents, read_offers, sniff
from .common import ImporterCase, path, read, sell_in_roubles

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="{version}">'
TAIL = "</КоммерческаяИнформация>"


def catalog(products, version="2.04", only_changes='СодержитТолькоИзменения="false"', trailer=""):
    """A catalog of ``products`` (XML of «Товар») in the catalog «rv-catalog»."""
    return (HEAD.format(version=version) + "<Классификатор><Ид>rv-classifier</Ид><Наименование>К</Наименование>"
            f"</Классификатор><Каталог {only_changes}><Ид>rv-catalog</Ид><ИдКлассификатора>rv-classifier"
            f"</ИдКлассификатора><Наименование>К</Наименование><Товары>{products}</Товары>{trailer}</Каталог>"
            + TAIL).encode()


def product(product_id, name, extra=""):
    return f"<Товар><Ид>{product_id}</Ид><Наименование>{name}</Наименование>{extra}</Товар>"


def offers(items, only_changes="true", version="2.07"):
    """An offers package of the catalog «rv-catalog», its retail price type «rv-retail» in roubles."""
    return (HEAD.format(version=version) + f'<ПакетПредложений СодержитТолькоИзменения="{only_changes}">'
            "<Ид>rv-catalog#</Ид><Наименование>П</Наименование><ИдКаталога>rv-catalog</ИдКаталога>"
            "<ТипыЦен><ТипЦены><Ид>rv-retail</Ид><Наименование>Розничная</Наименование><Валюта>RUB</Валюта>"
            f"</ТипЦены></ТипыЦен><Предложения>{items}</Предложения></ПакетПредложений>" + TAIL).encode()


def offer(offer_id, name, size, extra="", price=100):
    return (f"<Предложение><Ид>{offer_id}</Ид><Наименование>{name}</Наименование>{extra}<ХарактеристикиТовара>"
            f"<ХарактеристикаТовара><Наименование>Размер</Наименование><Значение>{size}</Значение>"
            "</ХарактеристикаТовара></ХарактеристикиТовара><Цены><Цена><ИдТипаЦены>rv-retail</ИдТипаЦены>"
            f"<ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу><Валюта>RUB</Валюта></Цена></Цены>"
            "<Количество>1</Количество></Предложение>")


# the deletion marks the 1C exchange module of WooCommerce (itgalaxy's) reads of a product and of an offer:
# «Статус» as an attribute or an element, «ПометкаУдаления» as an element; and as a requisite, as a
# catalog of the Uzbek shops' 1C exchange writes it (its «ЗначенияРеквизитов» «ПометкаУдаления» true)
DELETED_PRODUCTS = (
    product("rv-attr", "Атрибут", '<Группы><Ид>g</Ид></Группы>').replace("<Товар>", '<Товар Статус="Удален">')
    + product("rv-element", "Элемент", "<Статус>Удален</Статус>")
    + product("rv-requisite", "Реквизит", "<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>ПометкаУдаления"
              "</Наименование><Значение>true</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>")
    + product("rv-mark", "Пометка", "<ПометкаУдаления>true</ПометкаУдаления>")
    + product("rv-yo", "Удалён", "<Статус>Удалён</Статус>")
    + product("rv-kept", "Оставлен", "<Статус>Изменен</Статус><ЗначенияРеквизитов><ЗначениеРеквизита>"
              "<Наименование>ПометкаУдаления</Наименование><Значение>false</Значение></ЗначениеРеквизита>"
              "</ЗначенияРеквизитов>"))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestRealVariantsReader(BaseCase):
    def test_deletion_marks_of_products_and_offers(self):
        """A product is deleted by «Статус» (attribute or element, «Удален» or «Удалён»), by its element
        or its requisite «ПометкаУдаления»; an offer by «Статус» (attribute or element) or its mark."""
        products = {v["id"]: v["deleted"] for kind, v in read_catalog(io.BytesIO(catalog(DELETED_PRODUCTS)))
                    if kind == "product"}
        self.assertEqual(products, {"rv-attr": True, "rv-element": True, "rv-requisite": True, "rv-mark": True,
                                    "rv-yo": True, "rv-kept": False})
        items = (offer("rv-p#1", "П (1)", "1", "<Статус>Удален</Статус>")
                 + offer("rv-p#2", "П (2)", "2").replace("<Предложение>", '<Предложение Статус="Удален">')
                 + offer("rv-p#3", "П (3)", "3", "<ПометкаУдаления>Да</ПометкаУдаления>")
                 + offer("rv-p#4", "П (4)", "4"))
        found = {v["id"]: v["deleted"] for kind, v in read_offers(io.BytesIO(offers(items))) if kind == "offer"}
        self.assertEqual(found, {"rv-p#1": True, "rv-p#2": True, "rv-p#3": True, "rv-p#4": False})

    def test_requisites_without_their_wrapper_and_weight_as_a_requisite(self):
        """Requisites written right in the product, without «ЗначенияРеквизитов» (the older shape itgalaxy's
        WooCommerce exchange reads beside the usual one), are its requisites: a service by its kind; the
        weight comes from the element «Вес», else from the requisite «Вес»."""
        data = catalog(product("rv-s", "Доставка", "<ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование>"
                                                   "<Значение>Услуга</Значение></ЗначениеРеквизита>")
                       + product("rv-w", "Гиря", "<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Вес"
                                               "</Наименование><Значение>16,5</Значение></ЗначениеРеквизита>"
                                               "</ЗначенияРеквизитов>")
                       + product("rv-e", "Гантель", "<Вес>2</Вес><ЗначениеРеквизита><Наименование>Вес</Наименование>"
                                                  "<Значение>3</Значение></ЗначениеРеквизита>")
                       + product("rv-n", "Без веса"))
        found = {v["id"]: v for kind, v in read_catalog(io.BytesIO(data)) if kind == "product"}
        self.assertEqual(found["rv-s"]["requisites"], {"ВидНоменклатуры": "Услуга"})
        self.assertTrue(found["rv-s"]["service"])
        self.assertEqual({key: v["weight"] for key, v in found.items()},
                         {"rv-s": None, "rv-w": 16.5, "rv-e": 2, "rv-n": None})

    def test_weight_in_grams(self):
        """A weight in grams: a requisite naming its unit («Вес, г», «Вес (г)», «Вес в граммах», the shapes shops
        give a requisite of their own), a value saying it («500 г», «0,5 кг»), a product's «ЕдиницаИзмеренияВеса»
        (1C:УТ 11's unit of weight, by name or OKEI code 163); a plain «Вес» is kilograms; a unit of no weight
        («5 л»), a weight of something else («Вес упаковки»), one that is no number or below 0 give none; 3.1's
        «<Вес>0</Вес>» gives way to the requisite's."""
        def requisites(*pairs):
            return "<ЗначенияРеквизитов>" + "".join(
                f"<ЗначениеРеквизита><Наименование>{name}</Наименование><Значение>{value}</Значение>"
                "</ЗначениеРеквизита>" for name, value in pairs) + "</ЗначенияРеквизитов>"

        products = {"rv-g1": requisites(("Вес, г", "500")), "rv-g2": requisites(("Вес (г)", "1 250")),
                    "rv-g3": requisites(("Вес в граммах", "70")), "rv-g4": requisites(("Вес", "500 г")),
                    "rv-g5": requisites(("Вес", "0,5 кг")), "rv-g6": requisites(("Вес", "300"),
                                                                                 ("ЕдиницаИзмеренияВеса", "г")),
                    "rv-g7": requisites(("ЕдиницаИзмеренияВеса", "163"), ("Вес", "40")),
                    "rv-kg": requisites(("Вес", "2,5")), "rv-l": requisites(("Вес", "5 л")),
                    "rv-box": requisites(("Вес упаковки", "3")), "rv-bad": requisites(("Вес", "тяжелый")),
                    "rv-zero": "<Вес>0</Вес>" + requisites(("Вес, г", "200")),
                    "rv-minus": requisites(("Вес", "-3"))}
        data = catalog("".join(product(key, key, extra) for key, extra in products.items()))
        found = {v["id"]: v["weight"] for kind, v in read_catalog(io.BytesIO(data)) if kind == "product"}
        self.assertEqual({key: None if weight is None else float(weight) for key, weight in found.items()},
                         {"rv-g1": 0.5, "rv-g2": 1.25, "rv-g3": 0.07, "rv-g4": 0.5, "rv-g5": 0.5, "rv-g6": 0.3,
                          "rv-g7": 0.04, "rv-kg": 2.5, "rv-l": None, "rv-box": None, "rv-bad": None, "rv-zero": 0.2,
                          "rv-minus": None})

    def test_stock_by_warehouse_as_elements(self):
        """«Склад» of a 2.x offer with its warehouse and quantity as elements, not attributes (as the
        irpsv/commerceml library's test of an offer writes it, beside «Количество»): read as the attributes
        are; a warehouse without its quantity counts none."""
        items = offer("rv-p#1", "П (1)", "1").replace(
            "<Количество>1</Количество>", "<Количество>456</Количество><Склад><ИдСклада>rv-w1</ИдСклада></Склад>"
            "<Склад><ИдСклада>rv-w2</ИдСклада><КоличествоНаСкладе>123</КоличествоНаСкладе></Склад>"
            '<Склад ИдСклада="rv-w3" КоличествоНаСкладе="2,5"/>')
        found = next(v for kind, v in read_offers(io.BytesIO(offers(items))) if kind == "offer")
        self.assertEqual((found["quantity"], found["stock"]), (456, {"rv-w1": 0, "rv-w2": 123, "rv-w3": 2.5}))

    def test_only_changes_as_an_element(self):
        """Schema 2.03 writes «СодержитТолькоИзменения» as an element of «Каталог» or «ПакетПредложений»,
        not an attribute (the readers of the WooCommerce and ReadyScript exchanges look for both; one
        writes it after the products): read wherever it comes; the sniffer reads it before the goods."""
        data = catalog(product("rv-a", "А"), version="2.03", only_changes="",
                       trailer="<СодержитТолькоИзменения>false</СодержитТолькоИзменения>")
        flags = [v["only_changes"] for kind, v in read_catalog(io.BytesIO(data)) if kind == "catalog"]
        self.assertEqual(flags[-1], "false")
        package = offers(offer("rv-p#1", "П (1)", "1"), version="2.03").replace(
            ' СодержитТолькоИзменения="true"'.encode(), b"").replace(
            "<Ид>rv-catalog#</Ид>".encode(), "<Ид>rv-catalog#</Ид><СодержитТолькоИзменения>false"
                                             "</СодержитТолькоИзменения>".encode())
        self.assertEqual([v["only_changes"] for kind, v in read_offers(io.BytesIO(package)) if kind == "package"][-1],
                         "false")
        self.assertIs(sniff(io.BytesIO(package)).only_changes, False)
        self.assertIsNone(sniff(io.BytesIO(package.replace(b"false", b""))).only_changes)

    def test_the_buyer_among_counterparties(self):
        """The standard lets «Контрагенты» list the seller beside the buyer (each with its «Роль»): the
        customer is the one of «Роль» «Покупатель», whatever its place, else the payer, else the consignee,
        else the first not of the seller's side; one without roles is the first; the seller is never one."""
        document = (HEAD.format(version="2.05") + "<Документ><Ид>rv-doc</Ид><Номер>1</Номер><Дата>2026-12-01</Дата>"
                    "<ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль><Контрагенты>"
                    "<Контрагент><Ид>rv-seller</Ид><Наименование>ООО Продавец</Наименование><Роль>Продавец</Роль>"
                    "</Контрагент><Контрагент><Ид>rv-buyer</Ид><Наименование>Иванов Иван</Наименование>"
                    "<Роль>Покупатель</Роль></Контрагент></Контрагенты></Документ>" + TAIL).encode()
        (_kind, found), = list(read_documents(io.BytesIO(document)))
        self.assertEqual(found["customer"]["id"], "rv-buyer")
        unnamed = document.replace("<Роль>Покупатель</Роль>".encode(), b"").replace(
            "<Роль>Продавец</Роль></Контрагент>".encode(), "</Контрагент>".encode())
        self.assertEqual(next(read_documents(io.BytesIO(unnamed)))[1]["customer"]["id"], "rv-seller")

        def customer(data):
            return next(read_documents(io.BytesIO(data)))[1]["customer"].get("id")

        # the seller listed first, the other of no role, or a payer: never the seller
        self.assertEqual(customer(document.replace("<Роль>Покупатель</Роль>".encode(), b"")), "rv-buyer")
        self.assertEqual(customer(document.replace("Покупатель".encode(), "Плательщик".encode())), "rv-buyer")
        self.assertEqual(customer(document.replace("Покупатель".encode(), "ПОЛУЧАТЕЛЬ".encode())), "rv-buyer")
        # the seller alone: no customer (the order is not made, said), not our own company as one
        self.assertIsNone(customer(document.replace("Покупатель".encode(), "Продавец".encode())))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestRealVariantsImport(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sell_in_roubles(cls.env)

    def test_products_deleted_by_status_element_or_requisite(self):
        """The products 1C marks deleted in any of its ways are archived; the one kept stays on sale."""
        self.importer._import_catalog(io.BytesIO(catalog(DELETED_PRODUCTS.replace("Удален", "Изменен").replace(
            "Удалён", "Изменен").replace("true", "false"), only_changes='СодержитТолькоИзменения="true"')))
        self.assertEqual(len(self.Template.search([("ecom_1c_id", "like", "rv-"), ("active", "=", True)])), 6)
        self.importer._import_catalog(io.BytesIO(catalog(DELETED_PRODUCTS,
                                                         only_changes='СодержитТолькоИзменения="true"')))
        self.assertEqual(self.Template.search([("ecom_1c_id", "like", "rv-"), ("active", "=", True)]).ecom_1c_id,
                         "rv-kept")

    def test_a_catalog_of_schema_2_03_whole_by_its_element(self):
        """A 2.03 catalog saying it is whole by its element (after its goods) archives what it no longer
        names, as the attribute does."""
        self.importer._import_catalog(io.BytesIO(catalog(product("rv-a", "А") + product("rv-b", "Б"))))
        counts = self.importer._import_catalog(io.BytesIO(catalog(
            product("rv-a", "А"), version="2.03", only_changes="",
            trailer="<СодержитТолькоИзменения>false</СодержитТолькоИзменения>")))
        self.assertEqual(counts["archived"], 1)
        self.assertFalse(self.Template.search([("ecom_1c_id", "=", "rv-b")]).active)
        self.assertTrue(self.Template.search([("ecom_1c_id", "=", "rv-a")]).active)

    def test_characteristics_barcodes_and_articles_from_offers(self):
        """1C:УНФ 3 (tests/data/unf3-2.08) writes each characteristic's barcode and article in its offer,
        the catalog holding the product's only: the variants get them; a barcode another product has is
        left out, said."""
        self.importer._import_catalog(path("unf3-2.08", "import.xml"))
        other = self.env["product.product"].create({"name": "Чужой", "barcode": "4660368471926"})
        # a packaging's barcode is taken as well (Odoo checks products' against packagings')
        box = self.env["product.packaging"].create({"name": "Коробка", "product_id": other.id, "qty": 10,
                                                    "barcode": "4660368471919"})
        warnings = self.importer._import_offers(path("unf3-2.08", "offers.xml"))["warnings"]
        trousers = "b197e9d6-56ae-11ec-aba0-00199997af17"
        graphite = self.Product.search([("ecom_1c_id", "=", f"{trousers}#5ac0dd13-f0a4-11ed-81f2-00199997af17")])
        self.assertEqual((graphite.barcode, graphite.default_code), (False, "02.03.04-бр-т"), "the box's barcode")
        box.barcode = "4660368471999"
        self.importer._import_offers(path("unf3-2.08", "offers.xml"))
        self.assertEqual(graphite.barcode, "4660368471919")
        taken = self.Product.search([("ecom_1c_id", "=", f"{trousers}#5ac0dd12-f0a4-11ed-81f2-00199997af17")])
        self.assertFalse(taken.barcode)
        self.assertEqual(other.barcode, "4660368471926")
        # said once as a barcode taken (and once why the characteristic was not bound to «Чужой» of that barcode:
        # its product is 1C's own, made by the catalog)
        self.assertEqual(len([w for w in warnings if "4660368471926" in w and "not bound" not in w]), 1, warnings)
        self.assertIn("1C product b197e9d6-56ae-11ec-aba0-00199997af17 was not bound to the store's product «Чужой» "
                      "by the codes of its characteristics (barcode «4660368471926»): it is another product in Odoo "
                      "already", warnings)
        coded = self.Product.search([("ecom_1c_id", "like", f"{trousers}#"), ("barcode", "!=", False)])
        self.assertEqual(len(coded), 4, "five barcodes in its characteristics' offers, one taken")
        # the same file again changes nothing
        counts = self.importer._import_offers(path("unf3-2.08", "offers.xml"))
        self.assertEqual(counts["updated"], 0)
        self.assertEqual(read("unf3-2.08", "offers.xml").count("<Штрихкод>4660368471919</Штрихкод>".encode()), 1)

    def test_barcodes_moving_between_characteristics_in_one_file(self):
        """1C relabels sizes: two characteristics swap their barcodes, or one gives its barcode to another
        and takes a new one, in one package: each gets the new one at once (one UPDATE, Odoo's uniqueness
        holding at its end), with the write's date and author; a barcode its holder keeps (1C gives it none
        now) and one two offers of the file want are given once, said."""
        def coded(barcodes):
            return offers("".join(offer(f"rv-p#{size}", f"П ({size})", size, f"<Штрихкод>{code}</Штрихкод>" if code
                                        else "") for size, code in barcodes.items()))

        def found():
            self.env.invalidate_all()
            return {v.ecom_1c_id: v.barcode for v in self.Product.search([("ecom_1c_id", "like", "rv-p#")])}

        self.importer._import_catalog(io.BytesIO(catalog(product("rv-p", "П"))))
        self.importer._import_offers(io.BytesIO(coded({"1": "4600000000011", "2": "4600000000028", "3": ""})))
        self.assertEqual(found(), {"rv-p#1": "4600000000011", "rv-p#2": "4600000000028", "rv-p#3": False})
        self.env.flush_all()
        self.env.cr.execute("UPDATE product_product SET write_date = '2020-01-01' WHERE ecom_1c_id LIKE 'rv-p#%'")
        counts = self.importer._import_offers(io.BytesIO(coded({"1": "4600000000028", "2": "4600000000011"})))
        self.assertEqual((found(), counts["warnings"], counts["updated"]),
                         ({"rv-p#1": "4600000000028", "rv-p#2": "4600000000011", "rv-p#3": False}, [], 2))
        swapped = self.Product.search([("ecom_1c_id", "=", "rv-p#1")])
        self.assertEqual((swapped.write_date.year, swapped.write_uid), (self.env.cr.now().year, self.env.user))
        # #1's barcode goes to #3, #1 taking a new one; #2 keeps its own (none given), so #3 cannot have it
        counts = self.importer._import_offers(io.BytesIO(coded({"1": "4600000000035", "3": "4600000000028"})))
        self.assertEqual((found(), counts["warnings"]),
                         ({"rv-p#1": "4600000000035", "rv-p#2": "4600000000011", "rv-p#3": "4600000000028"}, []))
        # two offers of the file wanting one free barcode: the first has it
        counts = self.importer._import_offers(io.BytesIO(coded({"1": "4600000000059", "3": "4600000000059"})))
        self.assertEqual(found(), {"rv-p#1": "4600000000059", "rv-p#2": "4600000000011", "rv-p#3": "4600000000028"})
        self.assertEqual([w for w in counts["warnings"] if "4600000000059" in w and "rv-p#3" in w], counts["warnings"])
        self.assertEqual(len(counts["warnings"]), 1)
        # one another characteristic keeps (not in the package): not given
        counts = self.importer._import_offers(io.BytesIO(coded({"3": "4600000000011"})))
        self.assertEqual(found()["rv-p#3"], "4600000000028")
        self.assertEqual(len(counts["warnings"]), 1)
        self.Product.search([("ecom_1c_id", "like", "rv-p#")])._check_barcode_uniqueness()  # Odoo's own check

    def test_barcodes_swapped_between_products_in_one_catalog(self):
        """Two products of a catalog swapping their barcodes in one file each have the other's at once."""
        first = catalog(product("rv-a", "А", "<Штрихкод>4600000000066</Штрихкод>")
                        + product("rv-b", "Б", "<Штрихкод>4600000000073</Штрихкод>"))
        self.importer._import_catalog(io.BytesIO(first))
        counts = self.importer._import_catalog(io.BytesIO(first.replace(b"66<", b"@@<").replace(b"73<", b"66<")
                                                          .replace(b"@@<", b"73<")))
        self.env.invalidate_all()
        found = {t.ecom_1c_id: t.barcode for t in self.Template.search([("ecom_1c_id", "in", ["rv-a", "rv-b"])])}
        self.assertEqual((found, counts["warnings"], counts["updated"]),
                         ({"rv-a": "4600000000073", "rv-b": "4600000000066"}, [], 2))

    def test_a_characteristic_deleted_in_a_package_of_changes(self):
        """1C:УТ 11's package of changes (2.07, «СодержитТолькоИзменения» true) marks a characteristic
        deleted («ПометкаУдаления» in its offer): its variant is archived at once, the others stay; one
        never made is made archived; an offer naming it plainly later sells it again."""
        self.importer._import_catalog(io.BytesIO(catalog(product("rv-p", "П"))))
        self.importer._import_offers(io.BytesIO(offers(
            offer("rv-p#1", "П (1)", "1") + offer("rv-p#2", "П (2)", "2"), only_changes="false")))
        counts = self.importer._import_offers(io.BytesIO(offers(
            offer("rv-p#2", "П (2)", "2", "<ПометкаУдаления>true</ПометкаУдаления>")
            + offer("rv-p#3", "П (3)", "3", "<Статус>Удален</Статус>"))))
        self.assertEqual(counts["archived"], 2)
        variants = {v.ecom_1c_id: v.active for v in self.Product.search([("ecom_1c_id", "like", "rv-p#")])}
        self.assertEqual(variants, {"rv-p#1": True, "rv-p#2": False, "rv-p#3": False})
        self.importer._import_offers(io.BytesIO(offers(offer("rv-p#2", "П (2)", "2"))))
        self.assertTrue(self.Product.search([("ecom_1c_id", "=", "rv-p#2")]).active)

    def test_a_characteristic_marked_deleted_sets_no_price_of_its_product(self):
        """The cheapest characteristic marked deleted, in the package that marks it or in a later prices file
        still pricing it (as 1C's do), no longer sets its product's price: the product sells from its cheapest
        characteristic on sale; sold again, it does again."""
        self.importer._import_catalog(io.BytesIO(catalog(product("rv-p", "П"))))
        self.importer._import_offers(io.BytesIO(offers(
            offer("rv-p#1", "П (1)", "1", price=100) + offer("rv-p#2", "П (2)", "2", price=50), only_changes="false")))
        template = self.Template.search([("ecom_1c_id", "=", "rv-p")])
        self.assertEqual(template.list_price, 50)
        self.importer._import_offers(io.BytesIO(offers(
            offer("rv-p#2", "П (2)", "2", "<ПометкаУдаления>true</ПометкаУдаления>", price=40))))
        self.assertEqual(template.list_price, 100)
        cheaper = self.Product.search([("ecom_1c_id", "=", "rv-p#2")])
        self.assertEqual((cheaper.active, cheaper.ecom_1c_price), (False, 40), "its price kept")
        # a prices file (no names, no marks) pricing it still: kept, the product's price not moved, not sold again
        self.importer._import_offers(io.BytesIO(offers(
            "<Предложение><Ид>rv-p#2</Ид><Цены><Цена><ИдТипаЦены>rv-retail</ИдТипаЦены><ЦенаЗаЕдиницу>30"
            "</ЦенаЗаЕдиницу></Цена></Цены></Предложение>")))
        self.assertEqual((cheaper.active, cheaper.ecom_1c_price, template.list_price), (False, 30, 100))
        self.importer._import_offers(io.BytesIO(offers(offer("rv-p#2", "П (2)", "2", price=40))))
        self.assertEqual((cheaper.active, template.list_price), (True, 40))

    def test_characteristics_marked_deleted_in_a_real_3_1_unload(self):
        """The 3.1 unload of tests/data/bitrix6-3.1 marks six characteristics deleted in its offers file
        («ПометкаУдаления» true) and still prices and stocks them in its prices and stock files, which carry no
        mark: they stay archived to the end of the unload, and the same unload again archives nothing more."""
        sell_in_roubles(self.env)
        marked = [v["id"] for kind, v in read_offers(path("bitrix6-3.1", "goods", "offers.xml"))
                  if kind == "offer" and v["deleted"]]
        self.assertEqual(len(marked), 6)
        priced = {v["id"] for kind, v in read_offers(path("bitrix6-3.1", "goods", "prices.xml")) if kind == "offer"}
        self.assertLessEqual(set(marked), priced, "1C prices them still")
        archived = []
        for _round in range(2):
            for name in ("import.xml", "properties/import.xml", "goods/import.xml"):
                self.importer._import_catalog(path("bitrix6-3.1", *name.split("/")))
            archived.append([self.importer._import_offers(path("bitrix6-3.1", *name.split("/")))["archived"]
                             for name in ("properties/offers.xml", "goods/offers.xml", "goods/prices.xml",
                                          "goods/rests.xml")])
            variants = self.Product.search([("ecom_1c_id", "in", marked)])
            self.assertEqual((len(variants), variants.mapped("active")), (6, [False] * 6))
        self.assertEqual(archived, [[0, 6, 0, 0], [0, 0, 0, 0]])

    def test_weight_of_products_and_their_characteristics(self):
        """1C:УНФ 3 (tests/data/unf3-2.08) writes a product's «Вес» in kilograms (0.47 the trousers, 0.2 the
        shirt): the product's weight, its characteristics' too; a later catalog's new weight reaches them, the
        sizes still weighing 1C's weight before also once the store weighed another size itself."""
        self.importer._import_catalog(path("unf3-2.08", "import.xml"))
        shirt = self.Template.search([("ecom_1c_id", "=", "6cdbdc06-56b8-11ec-aba0-00199997af17")])
        self.assertEqual(shirt.weight, 0.2)
        self.importer._import_offers(path("unf3-2.08", "offers.xml"))
        trousers = self.Template.search([("ecom_1c_id", "=", "b197e9d6-56ae-11ec-aba0-00199997af17")])
        self.assertEqual(len(trousers.product_variant_ids), 5)
        self.assertEqual(set(trousers.product_variant_ids.mapped("weight")), {0.47})
        self.assertEqual((trousers.ecom_1c_weight, shirt.ecom_1c_weight), (0.47, 0.2), "1C's weight remembered")
        heavier = read("unf3-2.08", "import.xml").replace("<Вес>0.47</Вес>".encode(), "<Вес>0,5</Вес>".encode())
        counts = self.importer._import_catalog(io.BytesIO(heavier))
        self.assertEqual(set(trousers.product_variant_ids.mapped("weight")), {0.5})
        self.assertEqual(counts["updated"], 1)
        self.assertEqual(self.importer._import_catalog(io.BytesIO(heavier))["updated"], 0, "the same file: nothing")
        # the store weighed one size apart: it keeps its weight, the others (1C's 0.5) take 1C's new one
        trousers.product_variant_ids[0].weight = 0.7
        counts = self.importer._import_catalog(io.BytesIO(heavier.replace("<Вес>0,5</Вес>".encode(),
                                                                          "<Вес>0,6</Вес>".encode())))
        self.assertEqual((counts["updated"], sorted(trousers.product_variant_ids.mapped("weight")),
                          trousers.ecom_1c_weight), (1, [0.6, 0.6, 0.6, 0.6, 0.7], 0.6))
        counts = self.importer._import_catalog(io.BytesIO(heavier.replace("<Вес>0,5</Вес>".encode(),
                                                                          "<Вес>0,65</Вес>".encode())))
        self.assertEqual((counts["updated"], sorted(trousers.product_variant_ids.mapped("weight"))),
                         (1, [0.65, 0.65, 0.65, 0.65, 0.7]), "and again: 1C's weight reaches its sizes")

    def test_weight_of_a_product_of_one_variant_is_1c_s(self):
        """A product of one variant weighs 1C's weight, whatever the store weighed it since (1C is the master of
        its weight, as of its name); 1C's weight is remembered as for a product of several."""
        weighed = catalog(product("rv-w", "Гиря", "<Вес>2</Вес>"), version="2.07")
        self.importer._import_catalog(io.BytesIO(weighed))
        template = self.Template.search([("ecom_1c_id", "=", "rv-w")])
        self.assertEqual((template.weight, template.ecom_1c_weight), (2, 2))
        template.weight = 3
        counts = self.importer._import_catalog(io.BytesIO(weighed))
        self.assertEqual((counts["updated"], template.weight, template.product_variant_id.weight), (1, 2, 2))
        counts = self.importer._import_catalog(io.BytesIO(weighed.replace("<Вес>2</Вес>".encode(),
                                                                          "<Вес>2,5</Вес>".encode())))
        self.assertEqual((counts["updated"], template.weight, template.ecom_1c_weight), (1, 2.5, 2.5))
        self.assertEqual(self.importer._import_catalog(io.BytesIO(weighed.replace(
            "<Вес>2</Вес>".encode(), "<Вес>2,5</Вес>".encode())))["updated"], 0, "the same file: nothing")

    def test_the_product_form_shows_1c_s_weight_read_only(self):
        """The product's form shows 1C's weight in its 1C group, with the database's unit of weight beside it, to a
        salesman as to anyone, read-only: the exchange writes it."""
        self.importer._import_catalog(io.BytesIO(catalog(product("rv-f", "Гиря", "<Вес>2</Вес>"), version="2.07")))
        template = self.Template.search([("ecom_1c_id", "=", "rv-f")])
        salesman = new_test_user(self.env, login="rv_salesman", groups="sales_team.group_sale_salesman")
        form = Form(template.with_user(salesman))
        self.assertEqual((form.ecom_1c_weight, form.weight_uom_name), (2, "kg"))
        self.assertEqual(len(form._view["tree"].xpath("//group[@name='ecom_1c']//field[@name='ecom_1c_weight']")), 1)
        with self.assertRaises(AssertionError):
            form.ecom_1c_weight = 3

    def test_a_new_characteristic_weighs_1c_s_product_weight(self):
        """A characteristic 1C adds to a product (a new size in its offers) weighs 1C's weight of the product, not
        the weight the store gave its first size; a product whose 1C weight is not known (a database upgraded:
        none remembered yet) gives it its first variant's weight, and is weighed by its next catalog as before:
        sizes of one weight or none take 1C's, sizes of weights that differ keep theirs."""
        weighed = catalog(product("rv-t", "Брюки", "<Вес>0,5</Вес>"), version="2.07")
        self.importer._import_catalog(io.BytesIO(weighed))
        self.importer._import_offers(io.BytesIO(offers(offer("rv-t#1", "Брюки (44)", "44")
                                                       + offer("rv-t#2", "Брюки (46)", "46"))))
        template = self.Template.search([("ecom_1c_id", "=", "rv-t")])
        first, second = (self.Product.search([("ecom_1c_id", "=", f"rv-t#{n}")]) for n in (1, 2))
        self.assertEqual((first.weight, second.weight, template.product_variant_ids[:1]), (0.5, 0.5, first))
        first.weight = 0.7  # the store weighed its first size itself
        self.importer._import_offers(io.BytesIO(offers(offer("rv-t#3", "Брюки (48)", "48"))))
        third = self.Product.search([("ecom_1c_id", "=", "rv-t#3")])
        self.assertEqual(third.weight, 0.5, "1C's weight of the product, not the first size's 0.7")
        counts = self.importer._import_catalog(io.BytesIO(weighed.replace(b"0,5", b"0,6")))
        self.assertEqual((counts["updated"], first.weight, second.weight, third.weight), (1, 0.7, 0.6, 0.6))
        self.importer._import_offers(io.BytesIO(offers(offer("rv-t#4", "Брюки (50)", "50"))))
        self.assertEqual(self.Product.search([("ecom_1c_id", "=", "rv-t#4")]).weight, 0.6)
        # 1C's weight not known (as right after the upgrade that adds it): the first variant's, as before
        template.ecom_1c_weight = 0
        self.importer._import_offers(io.BytesIO(offers(offer("rv-t#5", "Брюки (52)", "52"))))
        self.assertEqual(self.Product.search([("ecom_1c_id", "=", "rv-t#5")]).weight, 0.7)
        counts = self.importer._import_catalog(io.BytesIO(weighed.replace(b"0,5", b"0,8")))
        self.assertEqual((counts["updated"], sorted(template.product_variant_ids.mapped("weight")),
                          template.ecom_1c_weight), (0, [0.6, 0.6, 0.6, 0.7, 0.7], 0.8),
                         "weights that differ among themselves: kept; 1C's remembered from then on")
        template.product_variant_ids.filtered(lambda variant: variant.weight == 0.7).weight = 0
        counts = self.importer._import_catalog(io.BytesIO(weighed.replace(b"0,5", b"0,8")))
        self.assertEqual((counts["updated"], sorted(template.product_variant_ids.mapped("weight"))),
                         (1, [0.6, 0.6, 0.6, 0.8, 0.8]), "sizes of no weight take it")

    def test_weight_of_no_kilograms_or_finer_than_odoo_keeps(self):
        """«<Вес>0</Вес>», which 1C of 3.1 writes of every product whose weight is not filled in
        (tests/data/bitrix6-3.1), leaves the weight an administrator entered; a weight finer than Odoo keeps it
        (0.125 kg: 0.13) is not changed again by the same file; a database weighing in pounds gets pounds."""
        weighed = catalog(product("rv-w", "Гиря", "<Вес>0,125</Вес>"))
        self.importer._import_catalog(io.BytesIO(weighed))
        template = self.Template.search([("ecom_1c_id", "=", "rv-w")])
        self.assertEqual(template.weight, 0.13)
        self.assertEqual(self.importer._import_catalog(io.BytesIO(weighed))["updated"], 0, "the same file: nothing")
        template.weight = 7.5
        counts = self.importer._import_catalog(io.BytesIO(weighed.replace(b"0,125", b"0")))
        self.assertEqual((template.weight, counts["updated"]), (7.5, 0))
        self.env["ir.config_parameter"].sudo().set_param("product.weight_in_lbs", "1")
        self.importer._import_catalog(io.BytesIO(weighed.replace(b"0,125", b"2")))
        self.assertEqual(template.weight, 4.41, "2 kg in pounds")

    def test_weight_in_grams_is_kilograms_in_odoo(self):
        """A requisite «Вес, г» of 1 250 g weighs the product 1.25 kg."""
        self.importer._import_catalog(io.BytesIO(catalog(product("rv-g", "Кофе", (
            "<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Вес, г</Наименование><Значение>1 250</Значение>"
            "</ЗначениеРеквизита></ЗначенияРеквизитов>")))))
        self.assertEqual(self.Template.search([("ecom_1c_id", "=", "rv-g")]).weight, 1.25)

    def test_properties_of_ut_10_3_for_ukraine(self):
        """1C:Управление торговлей для Украины 2.3 (platform 10.3) declares a property as
        «СвойствоНоменклатуры», without a type, and gives its value itself (the shop belle.com.ua, as
        Dmitry Fedyuk's Magento exchange module quotes its import.xml); a value may also be named by an
        «ИдЗначения» element of a reference list: both are the products' properties."""
        classifier = ("<Классификатор><Ид>rv-classifier</Ид><Наименование>К</Наименование><Свойства>"
                      "<СвойствоНоменклатуры><Ид>rv-channel</Ид><Наименование>Канал сбыта</Наименование>"
                      "<Обязательное>false</Обязательное><Множественное>false</Множественное>"
                      "<ИспользованиеСвойства>true</ИспользованиеСвойства></СвойствоНоменклатуры>"
                      "<СвойствоНоменклатуры><Ид>rv-brand</Ид><Наименование>Бренд</Наименование>"
                      "<ТипЗначений>Справочник</ТипЗначений><ВариантыЗначений><Справочник><ИдЗначения>rv-ecco"
                      "</ИдЗначения><Значение>Ecco</Значение></Справочник></ВариантыЗначений>"
                      "</СвойствоНоменклатуры></Свойства></Классификатор>")
        data = catalog(product("rv-a", "А", "<ЗначенияСвойств><ЗначенияСвойства><Ид>rv-channel</Ид><Значение>Розница"
                                            "</Значение></ЗначенияСвойства><ЗначенияСвойства><Ид>rv-brand</Ид>"
                                            "<ИдЗначения>rv-ecco</ИдЗначения></ЗначенияСвойства></ЗначенияСвойств>"))
        data = data.replace("<Классификатор><Ид>rv-classifier</Ид><Наименование>К</Наименование></Классификатор>"
                            .encode(), classifier.encode())
        events = list(read_catalog(io.BytesIO(data)))
        self.assertEqual([v["name"] for kind, v in events if kind == "property"], ["Канал сбыта", "Бренд"])
        self.importer._import_catalog(io.BytesIO(data))
        template = self.Template.search([("ecom_1c_id", "=", "rv-a")])
        self.assertEqual({line.attribute_id.name: line.value_ids.name for line in template.attribute_line_ids},
                         {"Канал сбыта": "Розница", "Бренд": "Ecco"})

    def test_bitrix_exporter_multiple_and_listed_properties(self):
        """1C-Bitrix's own catalog exporter (CIBlockCMLExport) writes each value of a multiple property as an
        «Значение» of its own, a list property's choices as «ВариантыЗначений/Вариант» (Ид, Значение: its
        extended mode, the product naming the choice by its Ид), an empty value as «<Значение></Значение>», and
        «СодержитТолькоИзменения» as an element before the goods: all values on the product's line, the
        choice by its name, nothing for the empty one; the sniffer tells the changes."""
        classifier = ("<Классификатор><Ид>rv-classifier</Ид><Наименование>К</Наименование><Свойства>"
                      "<Свойство><Ид>rv-colors</Ид><Наименование>Цвета</Наименование>"
                      "<Множественное>true</Множественное></Свойство>"
                      "<Свойство><Ид>rv-fabric</Ид><Наименование>Ткань</Наименование><Множественное>false"
                      "</Множественное><ВариантыЗначений><Значение>Хлопок</Значение><Вариант><Ид>rv-cotton</Ид>"
                      "<Значение>Хлопок</Значение><ПоУмолчанию>false</ПоУмолчанию><Сортировка>100</Сортировка>"
                      "</Вариант></ВариантыЗначений></Свойство>"
                      "<Свойство><Ид>rv-note</Ид><Наименование>Примечание</Наименование></Свойство>"
                      "</Свойства></Классификатор>")
        values = ("<ЗначенияСвойств><ЗначенияСвойства><Ид>rv-colors</Ид><Значение>Красный</Значение>"
                  "<Значение>Синий</Значение></ЗначенияСвойства><ЗначенияСвойства><Ид>rv-fabric</Ид><Значение>"
                  "rv-cotton</Значение><ЗначениеСвойства><Значение>rv-cotton</Значение><Описание></Описание>"
                  "</ЗначениеСвойства></ЗначенияСвойства><ЗначенияСвойства><Ид>rv-note</Ид><Значение></Значение>"
                  "</ЗначенияСвойства></ЗначенияСвойств>")
        data = catalog(product("rv-a", "А", values), only_changes="").replace(
            "<Классификатор><Ид>rv-classifier</Ид><Наименование>К</Наименование></Классификатор>".encode(),
            classifier.encode()).replace("<Товары>".encode(), "<СодержитТолькоИзменения>true</СодержитТолькоИзменения>"
                                                              "<Товары>".encode())
        self.assertIs(sniff(io.BytesIO(data)).only_changes, True)
        self.importer._import_catalog(io.BytesIO(data))
        template = self.Template.search([("ecom_1c_id", "=", "rv-a")])
        lines = {line.attribute_id.name: line.value_ids.mapped("name") for line in template.attribute_line_ids}
        self.assertEqual(lines, {"Цвета": ["Красный", "Синий"], "Ткань": ["Хлопок"]})
        # one value fewer later: the line holds what 1C gives now
        self.importer._import_catalog(io.BytesIO(data.replace("<Значение>Синий</Значение>".encode(), b"")))
        colors = template.attribute_line_ids.filtered(lambda line: line.attribute_id.name == "Цвета")
        self.assertEqual(colors.value_ids.mapped("name"), ["Красный"])

    def test_barcodes_of_characteristics_listed_in_the_catalog(self):
        """Schema 2.04 (1C:УТ 10.3) lists each characteristic in the catalog as a product «guid#guid», with its
        own «Штрихкод»: its variant's barcode. One marked deleted there is archived, sold again when named
        without the mark."""
        size = ("<ХарактеристикиТовара><ХарактеристикаТовара><Наименование>Размер</Наименование><Значение>{}"
                "</Значение></ХарактеристикаТовара></ХарактеристикиТовара><Штрихкод>{}</Штрихкод>")
        data = catalog(product("rv-c", "Куртка") + product("rv-c#46", "Куртка (46)", size.format(46, "4600000000460"))
                       + product("rv-c#48", "Куртка (48)", size.format(48, "4600000000484")))
        self.importer._import_catalog(io.BytesIO(data))
        found = {v.ecom_1c_id: v.barcode for v in self.Product.search([("ecom_1c_id", "like", "rv-c#")])}
        self.assertEqual(found, {"rv-c#46": "4600000000460", "rv-c#48": "4600000000484"})
        self.assertEqual(self.importer._import_catalog(io.BytesIO(data))["updated"], 0, "the same file: nothing")
        # a size marked deleted is archived; 1C taking the mark back sells it again
        marked = data.replace("<Ид>rv-c#48</Ид>".encode(), "<Ид>rv-c#48</Ид><ПометкаУдаления>true</ПометкаУдаления>"
                                                          .encode())
        self.importer._import_catalog(io.BytesIO(marked))
        size_48 = self.Product.search([("ecom_1c_id", "=", "rv-c#48")])
        self.assertEqual(size_48.mapped("active"), [False])
        self.importer._import_catalog(io.BytesIO(data))
        self.env.invalidate_all()
        self.assertEqual(size_48.mapped("active"), [True], "named without the mark: sold again")
        # 1C swapping the two sizes' barcodes: each has the other's at once
        swapped = data.replace(b"4600000000460", b"@@").replace(b"4600000000484", b"4600000000460").replace(
            b"@@", b"4600000000484")
        counts = self.importer._import_catalog(io.BytesIO(swapped))
        self.env.invalidate_all()
        found = {v.ecom_1c_id: v.barcode for v in self.Product.search([("ecom_1c_id", "like", "rv-c#")])}
        self.assertEqual((found, counts["warnings"]), ({"rv-c#46": "4600000000484", "rv-c#48": "4600000000460"}, []))
