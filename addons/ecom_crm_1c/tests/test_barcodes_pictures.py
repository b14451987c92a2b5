"""Barcodes archived products hold, and characteristics' own pictures, in files shaped as 1C writes them.

1C is the master of barcodes: a barcode it gives a product that an archived product still holds (archived by a
full exchange, 1C's deactivate or its deletion mark) is that product's, the archived one gives it up, said in the
exchange's log; an active holder keeps it (the new one is left without, said). Odoo's own uniqueness check
(``product.product._check_barcode_uniqueness``), archived products included, holds after each import.

1C:УТ 11 and the 1C-Bitrix module write a characteristic's pictures as «Картинка» of its offer (offers.xml,
2.05 on), a catalog of 2.04 those of a characteristic it lists as a product «guid#characteristic»: each is its
variant's own image, read from the exchange's files as the products' are.

The files below are written as 1C:УТ 11 writes them (BOM, namespace ``urn:1C.ru:commerceml_2`` or 1C:УНФ's
``urn:1C.ru:commerceml_210``, «ДатаФормирования», tabs), with this test's own ids."""

import base64
import io
import os
import shutil
import tempfile
import zipfile
from unittest.mock import patch

from PIL import Image

from odoo.tests import BaseCase, tagged

from ..commerceml import UnsafeDocument, read_offers
from ..models import ecom_1c_importer
from .common import ImporterCase, ProtocolCase, pictures_in_the_database, sell_in_roubles

NAMESPACES = {"2": "urn:1C.ru:commerceml_2", "210": "urn:1C.ru:commerceml_210"}


def head(version, namespace="2"):
    return ('\ufeff<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<КоммерческаяИнформация xmlns="{NAMESPACES[namespace]}" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'ВерсияСхемы="{version}" ДатаФормирования="2026-12-07T10:15:00">\n')


def catalog(products, full=True, version="2.08", namespace="2"):
    """A catalog of the products ``products`` (XML of «Товар»), of the catalog «bp-catalog»."""
    return (head(version, namespace)
            + "\t<Классификатор>\n\t\t<Ид>bp-classifier</Ид>\n\t\t<Наименование>Классификатор (Каталог товаров)"
              "</Наименование>\n\t\t<Группы>\n\t\t\t<Группа>\n\t\t\t\t<Ид>bp-group</Ид>\n\t\t\t\t<Наименование>Обувь"
              "</Наименование>\n\t\t\t</Группа>\n\t\t</Группы>\n\t</Классификатор>\n"
            + f'\t<Каталог СодержитТолькоИзменения="{"false" if full else "true"}">\n\t\t<Ид>bp-catalog</Ид>\n'
              "\t\t<ИдКлассификатора>bp-classifier</ИдКлассификатора>\n\t\t<Наименование>Каталог товаров"
              f"</Наименование>\n\t\t<Товары>\n{products}\t\t</Товары>\n\t</Каталог>\n</КоммерческаяИнформация>\n"
            ).encode()


def product(product_id, name, barcode="", extra="", status=""):
    return ("\t\t\t<Товар" + (f' Статус="{status}"' if status else "") + ">\n"
            f"\t\t\t\t<Ид>{product_id}</Ид>\n\t\t\t\t<Артикул>{product_id[:8]}</Артикул>\n"
            f"\t\t\t\t<Наименование>{name}</Наименование>\n"
            '\t\t\t\t<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт'
            "</БазоваяЕдиница>\n"
            + (f"\t\t\t\t<Штрихкод>{barcode}</Штрихкод>\n" if barcode else "")
            + "\t\t\t\t<Группы>\n\t\t\t\t\t<Ид>bp-group</Ид>\n\t\t\t\t</Группы>\n" + extra + "\t\t\t</Товар>\n")


def offers(items, full=False, version="2.10"):
    """An offers package of the catalog «bp-catalog», its retail price type «bp-retail» in roubles."""
    return (head(version)
            + f'\t<ПакетПредложений СодержитТолькоИзменения="{"false" if full else "true"}">\n'
              "\t\t<Ид>bp-catalog#</Ид>\n\t\t<Наименование>Пакет предложений (Каталог товаров)</Наименование>\n"
              "\t\t<ИдКаталога>bp-catalog</ИдКаталога>\n\t\t<ИдКлассификатора>bp-classifier</ИдКлассификатора>\n"
              "\t\t<ТипыЦен>\n\t\t\t<ТипЦены>\n\t\t\t\t<Ид>bp-retail</Ид>\n\t\t\t\t<Наименование>Розничная"
              "</Наименование>\n\t\t\t\t<Валюта>RUB</Валюта>\n\t\t\t</ТипЦены>\n\t\t</ТипыЦен>\n"
              f"\t\t<Предложения>\n{items}\t\t</Предложения>\n\t</ПакетПредложений>\n</КоммерческаяИнформация>\n"
            ).encode()


def offer(offer_id, name, size, barcode="", pictures=(), deleted=False):
    return ("\t\t\t<Предложение>\n"
            f"\t\t\t\t<Ид>{offer_id}</Ид>\n"
            + (f"\t\t\t\t<Штрихкод>{barcode}</Штрихкод>\n" if barcode else "")
            + f"\t\t\t\t<Наименование>{name}</Наименование>\n"
            + '\t\t\t\t<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт'
              "</БазоваяЕдиница>\n"
            + "".join(f"\t\t\t\t<Картинка>{picture}</Картинка>\n" for picture in pictures)
            + "\t\t\t\t<ХарактеристикиТовара>\n\t\t\t\t\t<ХарактеристикаТовара>\n\t\t\t\t\t\t<Наименование>Размер"
              f"</Наименование>\n\t\t\t\t\t\t<Значение>{size}</Значение>\n\t\t\t\t\t</ХарактеристикаТовара>\n"
              "\t\t\t\t</ХарактеристикиТовара>\n"
            + ("\t\t\t\t<ПометкаУдаления>true</ПометкаУдаления>\n" if deleted else "")
            + "\t\t\t\t<Цены>\n\t\t\t\t\t<Цена>\n\t\t\t\t\t\t<Представление>1 990 RUB за шт</Представление>\n"
              "\t\t\t\t\t\t<ИдТипаЦены>bp-retail</ИдТипаЦены>\n\t\t\t\t\t\t<ЦенаЗаЕдиницу>1990</ЦенаЗаЕдиницу>\n"
              "\t\t\t\t\t\t<Валюта>RUB</Валюта>\n\t\t\t\t\t\t<Единица>шт</Единица>\n\t\t\t\t\t\t<Коэффициент>1"
              "</Коэффициент>\n\t\t\t\t\t</Цена>\n\t\t\t\t</Цены>\n\t\t\t\t<Количество>3</Количество>\n"
              "\t\t\t</Предложение>\n")


def jpeg(color, size=(16, 16)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


BOOTS = "bp-00000001-0000-0000-0000-000000000001"


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestOfferPicturesRead(BaseCase):
    def test_an_offer_gives_its_pictures_in_order(self):
        """The reader gives an offer's «Картинка» (each, in 1C's order, empty ones left out), none for an offer
        without; whatever the namespace (1C:УНФ's ``commerceml_210`` too)."""
        pictures = ["import_files/a/1.jpg", "", "import_files/a/2.png"]
        data = offers(offer(f"{BOOTS}#40", "Ботинки (40)", "40", pictures=pictures)
                      + offer(f"{BOOTS}#41", "Ботинки (41)", "41")).replace(b"commerceml_2\"", b"commerceml_210\"")
        self.assertIn(b"commerceml_210", data)
        read = [values for kind, values in read_offers(io.BytesIO(data)) if kind == "offer"]
        self.assertEqual([(o["characteristic_id"], o["images"]) for o in read],
                         [("40", ["import_files/a/1.jpg", "import_files/a/2.png"]), ("41", [])])


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestArchivedBarcodes(ImporterCase):
    def variant(self, full_id):
        return self.Product.search([("ecom_1c_id", "=", full_id)])

    def assert_odoo_unique(self):
        """Odoo's own check of barcodes passes for each of this test's products holding one, archived products
        included (Odoo counts the active ones only: read as the product form's check, archived ones too)."""
        self.env.invalidate_all()
        products = self.Product.search([("barcode", "!=", False), "|", ("ecom_1c_id", "=like", "bp-%"),
                                        ("ecom_1c_id", "=like", f"{BOOTS}%")])
        self.assertTrue(products)
        products._check_barcode_uniqueness()  # self.Product: active_test off

    def test_a_barcode_an_archived_product_holds_goes_to_another_across_files(self):
        """A full catalog archives a product 1C no longer names; its barcode, which 1C gives a new product in a
        later exchange, goes to that one: the archived product gives it up, said. A barcode an active product
        holds is still refused."""
        old, new, other = "bp-old", "bp-new", "bp-other"
        self.importer._import_catalog(io.BytesIO(catalog(
            product(old, "Ботинки старые", "4600000000101") + product(other, "Кеды", "4600000000118"))))
        counts = self.importer._import_catalog(io.BytesIO(catalog(product(other, "Кеды", "4600000000118"))))
        self.assertEqual(counts["archived"], 1)
        archived = self.variant(old)
        self.assertEqual((archived.active, archived.barcode), (False, "4600000000101"), "archived, barcode kept")
        counts = self.importer._import_catalog(io.BytesIO(catalog(
            product(new, "Ботинки новые", "4600000000101") + product("bp-third", "Тапочки", "4600000000118"),
            full=False, version="2.05")))
        self.assertEqual(self.variant(new).barcode, "4600000000101", "1C gives it: the new product has it")
        self.assertFalse(archived.barcode, "the archived product gave it up")
        self.assertFalse(self.variant("bp-third").barcode, "an active product's barcode is not taken")
        self.assertEqual(self.variant(other).barcode, "4600000000118")
        given = [w for w in counts["warnings"] if "4600000000101" in w]
        self.assertEqual(len(given), 1, counts["warnings"])
        self.assertIn(new, given[0])
        self.assertIn("Ботинки старые", given[0], "the log names the archived product that gave it up")
        self.assertTrue([w for w in counts["warnings"] if "4600000000118" in w and "bp-third" in w])
        self.assert_odoo_unique()
        # the same file again: nothing more to take, nothing said of the barcode given
        counts = self.importer._import_catalog(io.BytesIO(catalog(
            product(new, "Ботинки новые", "4600000000101"), full=False, version="2.05")))
        self.assertEqual((counts["updated"], [w for w in counts["warnings"] if "4600000000101" in w]), (0, []))
        # the barcode refused bp-third is awaited: the store archives its holder by hand, the next file imported
        # (naming something else) gives it, said; one 1C gives instead, later, ends the wait
        third = self.variant("bp-third")
        self.assertEqual(third.ecom_1c_barcode_wanted, "4600000000118")
        self.variant(other).product_tmpl_id.action_archive()
        counts = self.importer._import_catalog(io.BytesIO(catalog(product("bp-z", "Носки"), full=False)))
        self.env.invalidate_all()
        self.assertEqual((third.barcode, third.ecom_1c_barcode_wanted, self.variant(other).barcode),
                         ("4600000000118", False, False))
        self.assertTrue(any("4600000000118" in w and "bp-third" in w and "Кеды" in w for w in counts["warnings"]))
        self.importer._import_catalog(io.BytesIO(catalog(product("bp-z", "Носки", "4600000000118"), full=False)))
        self.assertEqual(self.variant("bp-z").ecom_1c_barcode_wanted, "4600000000118", "held by bp-third")
        self.importer._import_catalog(io.BytesIO(catalog(product("bp-z", "Носки", "4600000000125"), full=False)))
        self.assertEqual((self.variant("bp-z").barcode, self.variant("bp-z").ecom_1c_barcode_wanted),
                         ("4600000000125", False), "1C gave it another: none awaited")
        self.assert_odoo_unique()

    def test_a_barcode_refused_before_it_was_awaited_is_awaited_once_1c_gives_it_again(self):
        """A product refused its barcode before the exchange remembered refused barcodes (its
        ``ecom_1c_barcode_wanted`` empty, as after the upgrade): the next file naming it with that barcode (a full
        catalog names every product) makes it await it, and it gets it once the holder is archived."""
        self.importer._import_catalog(io.BytesIO(catalog(
            product("bp-holder", "Кеды", "4600000000903") + product("bp-late", "Кеды новые", "4600000000903"))))
        late = self.variant("bp-late")
        late.ecom_1c_barcode_wanted = False  # refused before the upgrade: not remembered
        self.assertEqual(late.barcode, False)
        self.importer._import_catalog(io.BytesIO(catalog(
            product("bp-holder", "Кеды", "4600000000903") + product("bp-late", "Кеды новые", "4600000000903"))))
        self.assertEqual(late.ecom_1c_barcode_wanted, "4600000000903", "awaited from the next file naming it")
        self.variant("bp-holder").product_tmpl_id.action_archive()
        self.importer._import_catalog(io.BytesIO(catalog(product("bp-other", "Носки"), full=False)))
        self.env.invalidate_all()
        self.assertEqual((late.barcode, late.ecom_1c_barcode_wanted), ("4600000000903", False))
        self.assert_odoo_unique()

    def test_a_product_1c_deletes_gives_its_barcode_in_the_same_file(self):
        """One file (1C:УНФ's, 2.08) marks a product deleted («Статус» «Удален») and gives its barcode to a new
        product, and to an existing one that had none: the deleted product is archived and gives it up, whether
        it comes before or after the one taking it in the file; the one taking it is not the deleted one, which
        1C still writes with its barcode."""
        self.importer._import_catalog(io.BytesIO(catalog(
            product("bp-a", "Сапоги", "4600000000200") + product("bp-b", "Валенки", "4600000000217")
            + product("bp-c", "Шлёпанцы"), namespace="210")))
        counts = self.importer._import_catalog(io.BytesIO(catalog(
            product("bp-new", "Сапоги зимние", "4600000000200")
            + product("bp-a", "Сапоги", "4600000000200", status="Удален")
            + product("bp-b", "Валенки", "4600000000217", status="Удален")
            + product("bp-c", "Шлёпанцы", "4600000000217"), full=False, namespace="210")))
        a, b = self.variant("bp-a"), self.variant("bp-b")
        self.assertEqual((a.active, a.barcode, b.active, b.barcode), (False, False, False, False))
        self.assertEqual(self.variant("bp-new").barcode, "4600000000200")
        self.assertEqual(self.variant("bp-c").barcode, "4600000000217")
        self.assertEqual(len(counts["warnings"]), 2, counts["warnings"])
        self.assertTrue(any("4600000000200" in w and "bp-new" in w and "Сапоги" in w for w in counts["warnings"]))
        self.assertTrue(any("4600000000217" in w and "bp-c" in w and "Валенки" in w for w in counts["warnings"]))
        self.assert_odoo_unique()

    def test_a_holder_archived_later_in_the_file_gives_its_barcode_at_its_end(self):
        """The product taking the barcode comes in a batch before the one 1C marks deleted (a big package), or a
        full catalog archives at its end the holder it no longer names: the barcode is refused while its holder
        is on sale, and given once the file is imported, its holder archived, said; as many steps as 1C asks."""
        self.importer._import_catalog(io.BytesIO(catalog(
            product("bp-a", "Сапоги", "4600000000507") + product("bp-b", "Валенки", "4600000000514")
            + product("bp-x", "Шлёпанцы"))))
        with patch.object(ecom_1c_importer, "BATCH", 2):
            counts = self.importer._import_catalog(io.BytesIO(catalog(
                product("bp-new", "Сапоги зимние", "4600000000507") + product("bp-x", "Шлёпанцы", "4600000000514")
                + product("bp-a", "Сапоги", "4600000000507", status="Удален"), version="2.09")))
        a, b = self.variant("bp-a"), self.variant("bp-b")
        self.assertEqual((a.active, b.active), (False, False), "bp-a marked deleted, bp-b no longer named")
        self.assertEqual((self.variant("bp-new").barcode, self.variant("bp-x").barcode, a.barcode, b.barcode),
                         ("4600000000507", "4600000000514", False, False))
        self.assertTrue(any("4600000000507" in w and "Сапоги" in w and "bp-new" in w for w in counts["warnings"]))
        self.assertTrue(any("4600000000514" in w and "Валенки" in w and "bp-x" in w for w in counts["warnings"]))
        self.assert_odoo_unique()

    def test_an_archived_characteristic_gives_its_barcode_to_another(self):
        """A characteristic 1C marked deleted in its offer (archived) keeps its barcode until 1C gives it to
        another characteristic (a later package, 2.10): that one has it, the archived one gives it up. Barcodes
        two characteristics swap still move at once, an archived one among them."""
        sell_in_roubles(self.env)
        self.importer._import_catalog(io.BytesIO(catalog(product(BOOTS, "Ботинки"))))
        self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40", "4600000000309")
            + offer(f"{BOOTS}#41", "Ботинки (41)", "41", "4600000000316")
            + offer(f"{BOOTS}#42", "Ботинки (42)", "42"))))
        self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40", "4600000000309", deleted=True))))
        size40, size41, size42 = (self.variant(f"{BOOTS}#{size}") for size in (40, 41, 42))
        self.assertEqual((size40.active, size40.barcode), (False, "4600000000309"))
        counts = self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#42", "Ботинки (42)", "42", "4600000000309"))))
        self.env.invalidate_all()
        self.assertEqual((size42.barcode, size40.barcode), ("4600000000309", False))
        self.assertEqual(len(counts["warnings"]), 1, counts["warnings"])
        self.assertIn("Ботинки (40)", counts["warnings"][0])
        # a swap: the two get each other's at once, as before
        counts = self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#41", "Ботинки (41)", "41", "4600000000309")
            + offer(f"{BOOTS}#42", "Ботинки (42)", "42", "4600000000316"))))
        self.env.invalidate_all()
        self.assertEqual((size41.barcode, size42.barcode, counts["warnings"]), ("4600000000309", "4600000000316", []))
        self.assert_odoo_unique()

    def test_a_characteristic_1c_deleted_stays_archived_when_another_is_made(self):
        """1C marks a size deleted, then offers a new one: Odoo, making the new variant (the product's lines
        change), would sell every archived one again; the one 1C deleted stays archived, until 1C names it
        plainly."""
        self.importer._import_catalog(io.BytesIO(catalog(product(BOOTS, "Ботинки"))))
        self.importer._import_offers(io.BytesIO(offers(offer(f"{BOOTS}#40", "Ботинки (40)", "40")
                                                       + offer(f"{BOOTS}#41", "Ботинки (41)", "41"))))
        self.importer._import_offers(io.BytesIO(offers(offer(f"{BOOTS}#40", "Ботинки (40)", "40", deleted=True))))
        self.assertFalse(self.variant(f"{BOOTS}#40").active)
        self.importer._import_offers(io.BytesIO(offers(offer(f"{BOOTS}#42", "Ботинки (42)", "42"))))
        self.assertEqual([self.variant(f"{BOOTS}#{size}").active for size in (40, 41, 42)], [False, True, True])
        self.importer._import_offers(io.BytesIO(offers(offer(f"{BOOTS}#40", "Ботинки (40)", "40"))))
        self.assertTrue(self.variant(f"{BOOTS}#40").active, "named plainly: sold again")

    def test_of_two_offers_giving_one_barcode_the_one_marked_deleted_yields(self):
        """One package gives a barcode to two characteristics, the first marked deleted (1C still writes it with
        its barcode): the other has it at once, the deleted one is archived without it."""
        sell_in_roubles(self.env)
        self.importer._import_catalog(io.BytesIO(catalog(product(BOOTS, "Ботинки"))))
        self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40") + offer(f"{BOOTS}#41", "Ботинки (41)", "41"))))
        counts = self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40", "4600000000903", deleted=True)
            + offer(f"{BOOTS}#41", "Ботинки (41)", "41", "4600000000903"))))
        size40, size41 = self.variant(f"{BOOTS}#40"), self.variant(f"{BOOTS}#41")
        self.assertEqual((size40.active, size40.barcode, size41.barcode), (False, False, "4600000000903"))
        self.assertEqual([w for w in counts["warnings"] if "4600000000903" in w and f"{BOOTS}#41" in w], [])
        self.assert_odoo_unique()

    def test_an_archived_holder_taking_another_barcode_keeps_it(self):
        """An archived characteristic 1C gives a new barcode in the package that gives its old one to another:
        a move, not a giving up; nothing said."""
        sell_in_roubles(self.env)
        self.importer._import_catalog(io.BytesIO(catalog(product(BOOTS, "Ботинки"))))
        self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40", "4600000000408") + offer(f"{BOOTS}#41", "Ботинки (41)", "41"))))
        size40, size41 = self.variant(f"{BOOTS}#40"), self.variant(f"{BOOTS}#41")
        size40.action_archive()
        counts = self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40", "4600000000415", deleted=True)
            + offer(f"{BOOTS}#41", "Ботинки (41)", "41", "4600000000408"))))
        self.env.invalidate_all()
        self.assertEqual((size40.barcode, size41.barcode, counts["warnings"]), ("4600000000415", "4600000000408", []))
        self.assert_odoo_unique()

    def test_a_broken_file_gives_no_barcode_away(self):
        """A catalog broken after the product it gives an archived product's barcode to (its batch imported
        before the break): the import fails and the exchange rolls the step back, the archived product keeps
        its barcode, the new one is not made."""
        self.importer._import_catalog(io.BytesIO(catalog(product("bp-old", "Сапоги", "4600000000705"))))
        self.importer._import_catalog(io.BytesIO(catalog(product("bp-x", "Кеды"))))  # a full one: bp-old archived
        old = self.variant("bp-old")
        self.assertEqual((old.active, old.barcode), (False, "4600000000705"))
        broken = catalog(product("bp-new", "Сапоги зимние", "4600000000705") + product("bp-y", "Ботинки"), full=False)
        importer = type(self.importer)
        # a batch a product (the next one read to see it is another): the barcode is given up before the break
        with patch.object(ecom_1c_importer, "BATCH", 1), patch.object(
                importer, "_write_variant_codes", autospec=True, side_effect=importer._write_variant_codes) as written:
            with self.assertRaises(UnsafeDocument), self.env.cr.savepoint():
                self.importer._import_catalog(io.BytesIO(broken[:-60]))
        self.assertIn({"barcode": dict.fromkeys([old.id])}, [call.args[1] for call in written.call_args_list],
                      "given up before the break")
        self.env.invalidate_all()
        self.assertEqual((old.barcode, self.variant("bp-new")), ("4600000000705", self.Product))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestCharacteristicPictures(ImporterCase):
    def setUp(self):
        super().setUp()
        self.files = tempfile.mkdtemp(prefix="ecom_1c_pictures_")
        self.addCleanup(shutil.rmtree, self.files)
        sell_in_roubles(self.env)
        pictures_in_the_database(self)

    def send(self, name, data):
        """A file 1C uploaded with the exchange, under ``import_files/``."""
        path = os.path.join(self.files, *name.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def color(self, image):
        return Image.open(io.BytesIO(base64.b64decode(image))).convert("RGB").getpixel((0, 0))

    def test_offers_pictures_are_the_variants_own(self):
        """1C:УТ 11 (offers.xml of 2.10) gives each characteristic its «Картинка»: its variant's own image, the
        product's image (its catalog's) kept; the same file again writes none again; a picture not sent, one with
        a path out of the exchange's files, one that is no image: each said, the others imported."""
        self.send("import_files/bp/boots.jpg", jpeg("blue"))
        self.send("import_files/bp/boots_40.jpg", jpeg("red"))
        self.send("import_files/bp/boots_41.jpg", jpeg("green"))
        self.send("import_files/bp/boots_44.jpg", b"not an image")
        self.importer._import_catalog(io.BytesIO(catalog(product(
            BOOTS, "Ботинки", extra="\t\t\t\t<Картинка>import_files/bp/boots.jpg</Картинка>\n"))),
            files_dir=self.files)
        counts = self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40", pictures=["import_files/bp/boots_40.jpg",
                                                                "import_files/bp/boots_41.jpg"])
            + offer(f"{BOOTS}#41", "Ботинки (41)", "41", pictures=["import_files/bp/boots_41.jpg"])
            + offer(f"{BOOTS}#42", "Ботинки (42)", "42", pictures=["import_files/bp/missing.jpg"])
            + offer(f"{BOOTS}#43", "Ботинки (43)", "43", pictures=["../../../etc/passwd"])
            + offer(f"{BOOTS}#44", "Ботинки (44)", "44", pictures=["import_files/bp/boots_44.jpg"])
            + offer(f"{BOOTS}#45", "Ботинки (45)", "45"))), files_dir=self.files)
        variants = {size: self.Product.search([("ecom_1c_id", "=", f"{BOOTS}#{size}")]) for size in range(40, 46)}
        self.assertEqual(self.color(variants[40].image_variant_1920)[0] > 200, True, "its first picture: red")
        self.assertGreater(self.color(variants[41].image_variant_1920)[1], 100, "green")
        for size in (42, 43, 44, 45):
            self.assertFalse(variants[size].image_variant_1920, size)
            self.assertTrue(variants[size].image_1920, "shows its product's")
        template = variants[40].product_tmpl_id
        self.assertGreater(self.color(template.image_1920)[2], 200, "the product's own image stays blue")
        self.assertEqual(len(counts["warnings"]), 3, counts["warnings"])
        self.assertTrue(any("missing.jpg" in w for w in counts["warnings"]))
        self.assertTrue(any("etc/passwd" in w for w in counts["warnings"]))
        self.assertTrue(any("boots_44.jpg" in w for w in counts["warnings"]))
        # again: the pictures are not written again
        self.env.flush_all()
        self.env.cr.execute("UPDATE product_product SET write_date = '2020-01-01' WHERE ecom_1c_id LIKE %s",
                            [f"{BOOTS}#%"])
        self.env.invalidate_all()
        self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40", pictures=["import_files/bp/boots_40.jpg"]))),
            files_dir=self.files)
        self.assertEqual(variants[40].write_date.year, 2020)
        # a new picture of the characteristic replaces its own
        self.send("import_files/bp/boots_40.jpg", jpeg("yellow"))
        self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40", pictures=["import_files/bp/boots_40.jpg"]))),
            files_dir=self.files)
        self.assertGreater(self.color(variants[40].image_variant_1920)[1], 200, "yellow")

    def test_the_products_own_picture_in_its_offer_is_no_copy(self):
        """1C:УТ 11 repeats the product's picture in the offer of its one characteristic: the variant gets no
        copy of it (it shows its product's, whatever picture the product has next); a picture of its own is its
        own, the product's kept; the product's picture given again takes the variant's own away."""
        self.send("import_files/bp/boots.jpg", jpeg("blue"))
        self.send("import_files/bp/boots_40.jpg", jpeg("red"))
        self.importer._import_catalog(io.BytesIO(catalog(product(
            BOOTS, "Ботинки", extra="\t\t\t\t<Картинка>import_files/bp/boots.jpg</Картинка>\n"))),
            files_dir=self.files)

        def package(picture):
            return io.BytesIO(offers(offer(f"{BOOTS}#40", "Ботинки (40)", "40", pictures=[picture])))

        counts = self.importer._import_offers(package("import_files/bp/boots.jpg"), files_dir=self.files)
        variant = self.Product.search([("ecom_1c_id", "=", f"{BOOTS}#40")])
        template = variant.product_tmpl_id
        self.assertEqual((template.product_variant_ids, counts["warnings"]), (variant, []), "its one variant")
        self.assertEqual((variant.image_variant_1920, variant.ecom_1c_variant_image_checksum), (False, False))
        self.assertGreater(self.color(variant.image_1920)[2], 200, "its product's: blue")
        self.importer._import_offers(package("import_files/bp/boots_40.jpg"), files_dir=self.files)
        self.assertGreater(self.color(variant.image_variant_1920)[0], 200, "its own: red")
        self.assertGreater(self.color(template.image_1920)[2], 200, "the product's stays blue")
        self.importer._import_offers(package("import_files/bp/boots.jpg"), files_dir=self.files)
        self.assertEqual((variant.image_variant_1920, variant.ecom_1c_variant_image_checksum), (False, False))
        self.assertGreater(self.color(variant.image_1920)[2], 200, "its product's again")

    def test_a_product_without_a_picture_shows_its_first_characteristics(self):
        """A product 1C gives no picture whose characteristics have theirs: the shop's lists and kanban show the
        product's image, its first variant's picture (the filestore keeps the bytes once); the same file again
        writes nothing; that picture changed, the product's follows; the product's own picture from 1C replaces
        it, the variants keep theirs; a picture the store gave a product is left alone."""
        self.send("import_files/bp/boots_40.jpg", jpeg("red"))
        self.send("import_files/bp/boots_41.jpg", jpeg("green"))
        self.send("import_files/bp/boots.jpg", jpeg("blue"))
        self.importer._import_catalog(io.BytesIO(catalog(product(BOOTS, "Ботинки") + product("bp-own", "Кеды"))),
                                      files_dir=self.files)
        sneakers = self.Template.search([("ecom_1c_id", "=", "bp-own")])
        sneakers.image_1920 = base64.b64encode(jpeg("white"))
        package = offers(offer(f"{BOOTS}#40", "Ботинки (40)", "40", pictures=["import_files/bp/boots_40.jpg"])
                         + offer(f"{BOOTS}#41", "Ботинки (41)", "41", pictures=["import_files/bp/boots_41.jpg"])
                         + offer("bp-own#39", "Кеды (39)", "39", pictures=["import_files/bp/boots_41.jpg"]))
        counts = self.importer._import_offers(io.BytesIO(package), files_dir=self.files)
        self.assertEqual(counts["warnings"], [])
        template = self.Template.search([("ecom_1c_id", "=", BOOTS)])
        self.assertGreater(self.color(template.image_128)[0], 200, "the first characteristic's: red")
        self.assertGreater(self.color(self.Product.search([("ecom_1c_id", "=", f"{BOOTS}#41")]).image_1920)[1], 100,
                           "each variant shows its own")
        self.assertEqual(self.color(sneakers.image_1920), (255, 255, 255), "the store's picture stays")
        attachments = self.env["ir.attachment"].search([("res_field", "in", ("image_1920", "image_variant_1920")),
                                                        ("checksum", "!=", False), "|",
                                                        "&", ("res_model", "=", "product.template"),
                                                        ("res_id", "=", template.id),
                                                        "&", ("res_model", "=", "product.product"),
                                                        ("res_id", "in", template.product_variant_ids.ids)])
        self.assertEqual(len(set(attachments.mapped("checksum"))), 2, "red and green: the product's red is the same")
        # again: nothing written
        self.env.flush_all()
        self.env.cr.execute("UPDATE product_template SET write_date = '2020-01-01' WHERE id = %s", [template.id])
        self.env.invalidate_all()
        self.importer._import_offers(io.BytesIO(package), files_dir=self.files)
        self.assertEqual(template.write_date.year, 2020)
        # the first characteristic's picture changes: the product's follows
        self.send("import_files/bp/boots_40.jpg", jpeg("yellow"))
        self.importer._import_offers(io.BytesIO(package), files_dir=self.files)
        self.assertEqual(self.color(template.image_1920)[:2] > (200, 200), True, "yellow")
        # 1C gives the product its own picture: it is the product's, the variants keep theirs
        self.importer._import_catalog(io.BytesIO(catalog(product(
            BOOTS, "Ботинки", extra="\t\t\t\t<Картинка>import_files/bp/boots.jpg</Картинка>\n"), full=False)),
            files_dir=self.files)
        self.assertGreater(self.color(template.image_1920)[2], 200, "blue")
        self.importer._import_offers(io.BytesIO(package), files_dir=self.files)
        self.assertGreater(self.color(template.image_1920)[2], 200, "still blue")
        self.assertGreater(self.color(self.Product.search([("ecom_1c_id", "=", f"{BOOTS}#40")]).image_1920)[1], 200)

    def test_a_product_lends_no_picture_while_a_characteristic_has_none(self):
        """A size without a picture would show the product's image, another size's: the product shows none
        until every characteristic on sale has its own, and the lent one goes when a new size comes without."""
        self.send("import_files/bp/boots_40.jpg", jpeg("red"))
        self.send("import_files/bp/boots_41.jpg", jpeg("green"))
        self.importer._import_catalog(io.BytesIO(catalog(product(BOOTS, "Ботинки"))), files_dir=self.files)
        template = self.Template.search([("ecom_1c_id", "=", BOOTS)])
        self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#40", "Ботинки (40)", "40", pictures=["import_files/bp/boots_40.jpg"])
            + offer(f"{BOOTS}#41", "Ботинки (41)", "41"))), files_dir=self.files)
        self.assertEqual((template.image_1920, template.ecom_1c_image_checksum), (False, False))
        self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#41", "Ботинки (41)", "41", pictures=["import_files/bp/boots_41.jpg"]))),
            files_dir=self.files)
        self.assertGreater(self.color(template.image_1920)[0], 200, "every size has its own: the first's, red")
        self.importer._import_offers(io.BytesIO(offers(
            offer(f"{BOOTS}#42", "Ботинки (42)", "42", pictures=["import_files/bp/boots_40.jpg"])
            + offer(f"{BOOTS}#43", "Ботинки (43)", "43"))), files_dir=self.files)
        self.assertEqual((template.image_1920, template.ecom_1c_image_checksum), (False, False),
                         "size 43 has none: the product's lent picture goes")

    def test_a_2_04_catalog_gives_its_characteristics_pictures(self):
        """A catalog of 2.04 lists each characteristic as a product «guid#characteristic» with its «Картинка»:
        the variant's own image, the product's from the product itself."""
        self.send("import_files/bp/shoes.jpg", jpeg("blue"))
        self.send("import_files/bp/shoes_red.jpg", jpeg("red"))

        def characteristic(suffix, color, picture=""):
            return product(f"{BOOTS}#{suffix}", f"Туфли ({color})", extra=(
                "\t\t\t\t<ХарактеристикиТовара>\n\t\t\t\t\t<ХарактеристикаТовара>\n\t\t\t\t\t\t<Наименование>Цвет"
                f"</Наименование>\n\t\t\t\t\t\t<Значение>{color}</Значение>\n\t\t\t\t\t</ХарактеристикаТовара>\n"
                "\t\t\t\t</ХарактеристикиТовара>\n") + (f"\t\t\t\t<Картинка>{picture}</Картинка>\n" if picture else ""))

        counts = self.importer._import_catalog(io.BytesIO(catalog(
            product(BOOTS, "Туфли", extra="\t\t\t\t<Картинка>import_files/bp/shoes.jpg</Картинка>\n")
            + characteristic("red", "красный", "import_files/bp/shoes_red.jpg") + characteristic("black", "черный"),
            version="2.04")), files_dir=self.files)
        self.assertEqual(counts["warnings"], [])
        red = self.Product.search([("ecom_1c_id", "=", f"{BOOTS}#red")])
        black = self.Product.search([("ecom_1c_id", "=", f"{BOOTS}#black")])
        self.assertGreater(self.color(red.image_variant_1920)[0], 200)
        self.assertFalse(black.image_variant_1920)
        self.assertGreater(self.color(black.image_1920)[2], 200, "the product's image")

    def test_a_broken_offers_file_writes_no_picture(self):
        """An offers file broken after its characteristics' pictures: the import fails, nothing of it written
        (the exchange rolls the step back, as for any bad file)."""
        self.send("import_files/bp/boots_40.jpg", jpeg("red"))
        self.importer._import_catalog(io.BytesIO(catalog(product(BOOTS, "Ботинки"))))
        self.importer._import_offers(io.BytesIO(offers(offer(f"{BOOTS}#40", "Ботинки (40)", "40"))))
        broken = offers(offer(f"{BOOTS}#40", "Ботинки (40)", "40", pictures=["import_files/bp/boots_40.jpg"])
                        + offer("bp-00000001-0000-0000-0000-000000000002#1", "Туфли (1)", "1"))
        importer = type(self.importer)
        # a batch a product's offers (the next one read to see it is another product's): the picture is written
        # before the break
        with patch.object(ecom_1c_importer, "BATCH", 1), patch.object(
                importer, "_write_image", autospec=True, side_effect=importer._write_image) as written:
            with self.assertRaises(UnsafeDocument), self.env.cr.savepoint():
                self.importer._import_offers(io.BytesIO(broken[:-60]), files_dir=self.files)
        self.assertEqual(written.call_count, 2, "written before the break: the variant's, lent to its product")
        self.env.invalidate_all()
        variant = self.Product.search([("ecom_1c_id", "=", f"{BOOTS}#40")])
        self.assertFalse(variant.image_variant_1920)
        self.assertEqual((variant.product_tmpl_id.image_1920, variant.product_tmpl_id.ecom_1c_image_checksum),
                         (False, False))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestCharacteristicPicturesExchange(ProtocolCase):
    def test_pictures_of_characteristics_in_1c_zip(self):
        """1C's zip (catalog, offers and ``import_files\\…`` written with Windows' separators), imported the way
        1C drives the exchange: the characteristics' pictures are their variants'; a picture the zip lacks is said
        in the exchange's log, the exchange done."""
        sell_in_roubles(self.env)
        pictures_in_the_database(self)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("import.xml", catalog(product(BOOTS, "Ботинки")))
            archive.writestr("offers.xml", offers(
                offer(f"{BOOTS}#40", "Ботинки (40)", "40", pictures=["import_files/bp/boots_40.jpg"])
                + offer(f"{BOOTS}#41", "Ботинки (41)", "41", pictures=["import_files/bp/boots_41.jpg"]), full=True))
            archive.writestr("import_files\\bp\\boots_40.jpg", jpeg("red"))
        cookie = self.upload({"exchange.zip": buffer.getvalue()})
        for name in ("import.xml", "offers.xml"):
            self.assertEqual(self.import_until_done(cookie, name)[0][-1], "success")
        self.assertEqual(self.call("success", cookie=cookie), ["success"])
        Product = self.env["product.product"].with_context(active_test=False)
        self.assertTrue(Product.search([("ecom_1c_id", "=", f"{BOOTS}#40")]).image_variant_1920)
        self.assertFalse(Product.search([("ecom_1c_id", "=", f"{BOOTS}#41")]).image_variant_1920)
        # this session's (the newest of the database may be another test run's, committed meanwhile)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        exchange = self.env["ecom.1c.exchange"].search([("session_id", "=", session.id)])
        self.assertEqual((len(session), len(exchange), exchange.state), (1, 1, "done"))
        self.assertIn("import_files/bp/boots_41.jpg", exchange.messages)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestDeactivateGivesBarcodes(ProtocolCase):
    def checkauth(self):
        """A 1C session: ``(cookie, the timestamp 1C passes to deactivate)``."""
        lines = self.call("checkauth", auth=("exchange", "s3cret-1C"))
        self.assertEqual(lines[0], "success")
        return (lines[1], lines[2]), lines[4].split("=", 1)[1]

    def exchange(self, cookie, name, data, version=None):
        """One init (announcing ``version``) uploading and importing the file ``name``: the exchange."""
        self.call("init", cookie=cookie, extra=f"&version={version}" if version else "")
        self.assertEqual(self.call("file", data=data, cookie=cookie, filename=name), ["success"])
        self.assertEqual(self.import_until_done(cookie, name)[0][-1], "success")
        session = self.env["ecom.1c.session"]._find(cookie[1])
        return self.env["ecom.1c.exchange"].search([("session_id", "=", session.id)], limit=1)

    def test_deactivate_gives_the_barcode_of_a_product_it_archives(self):
        """1C's whole unload with its deactivate (3.1): a new product has the barcode of one 1C no longer names,
        still on sale while the files are imported (the barcode left empty, said); 1C's deactivate archives that
        one, and the barcode goes to the new product then, said in the log, without 1C naming it again."""
        Product = self.env["product.product"].with_context(active_test=False)
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, "import.xml", catalog(product("bp-old", "Сапоги", "4600000000804")
                                                    + product("bp-x", "Кеды")))
        self.env.flush_all()  # the store as it was, an hour ago (1C's timestamps are in seconds)
        for table, column in (("product_template", "ecom_1c_seen_at"), ("product_product", "ecom_1c_seen_at"),
                              ("ecom_1c_exchange", "date_start")):
            self.env.cr.execute(f"UPDATE {table} SET {column} = {column} - interval '1 hour'")
        self.env.invalidate_all()
        cookie, stamp = self.checkauth()
        exchange = self.exchange(cookie, "import.xml", catalog(
            product("bp-new", "Сапоги зимние", "4600000000804") + product("bp-x", "Кеды")), version="3.1")
        new, old = Product.search([("ecom_1c_id", "=", "bp-new")]), Product.search([("ecom_1c_id", "=", "bp-old")])
        self.assertEqual((new.barcode, new.ecom_1c_barcode_wanted, old.active), (False, "4600000000804", True),
                         "refused while its holder is on sale: awaited")
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=1"])
        self.env.invalidate_all()
        self.assertEqual((old.active, old.barcode), (False, False))
        self.assertEqual((new.barcode, new.ecom_1c_barcode_wanted), ("4600000000804", False))
        # (not the line saying why the new product was not bound to the product of its barcode, bp-old's: «Товар 1С
        # bp-new не привязан к товару магазина…»)
        given = [line for line in exchange.messages.splitlines() if "bp-new" in line and "«" in line
                 and "магазина" not in line]
        self.assertEqual(len(given), 1, exchange.messages)
        self.assertIn("Сапоги", given[0])
        (new | old)._check_barcode_uniqueness()  # archived ones too (active_test off)
