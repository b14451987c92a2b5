"""A store already on Odoo connects 1C: the products of its catalog have no 1C id. The first catalog binds
each 1C product to the store's product of its article or barcode (the company's «match by» setting) when
there is no doubt, instead of making a second product of each; the offers then price and stock it."""

import io
import os
import tempfile
import unicodedata

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools import SQL

from ..commerceml import read_offer_codes, read_product_codes
from ..models import ecom_1c_import_catalog as catalog_module
from ..models import ecom_1c_import_offers as offers_module
from ..models import ecom_1c_importer as importer_module
from ..models import product_product as product_module
from ..models.product_product import article_sql, barcode_sql, normalizes_unicode
from ..tools.matching import article_key, barcode_key
from ..tools.savepoint import savepoint
from .common import ImporterCase, path
from .test_bound_by_template import catalog, offers

GUID = "7b1c0f00-0000-4000-8000-00000000c001"
OTHER = "7b1c0f00-0000-4000-8000-00000000c002"
THIRD = "7b1c0f00-0000-4000-8000-00000000c003"
FOURTH = "7b1c0f00-0000-4000-8000-00000000c004"


def catalog_204(product_id, name, characteristics):
    """A 2.04 catalog of changes listing the characteristics ``characteristics`` [(id, article, size)] of the
    product ``product_id`` as products «product#characteristic», each with its article and «Размер»."""
    goods = "".join(
        f"<Товар><Ид>{product_id}#{char_id}</Ид><Артикул>{article}</Артикул>"
        f"<Наименование>{name} ({size})</Наименование><ХарактеристикиТовара><ХарактеристикаТовара>"
        f"<Наименование>Размер</Наименование><Значение>{size}</Значение></ХарактеристикаТовара>"
        "</ХарактеристикиТовара></Товар>" for char_id, article, size in characteristics)
    return io.BytesIO(('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.04">'
                       '<Каталог СодержитТолькоИзменения="true"><Ид>c</Ид>'
                       f"<Товары>{goods}</Товары></Каталог></КоммерческаяИнформация>").encode())


def coded_offers(*given):
    """An offers package of changes (2.05) of characteristics ``given`` [(offer id, article, barcode, size,
    price)], the retail price type declared."""
    body = "".join(
        f"<Предложение><Ид>{offer_id}</Ид><Наименование>Футболка ({size})</Наименование>"
        + (f"<Артикул>{article}</Артикул>" if article else "")
        + (f"<Штрихкод>{barcode}</Штрихкод>" if barcode else "")
        + "<ХарактеристикиТовара><ХарактеристикаТовара><Наименование>Размер</Наименование>"
        f"<Значение>{size}</Значение></ХарактеристикаТовара></ХарактеристикиТовара><Цены><Цена>"
        f"<ИдТипаЦены>retail</ИдТипаЦены><ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу></Цена></Цены>"
        "<Количество>3</Количество></Предложение>" for offer_id, article, barcode, size, price in given)
    return io.BytesIO(('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.05">'
                       '<ПакетПредложений СодержитТолькоИзменения="true"><Ид>p</Ид><ИдКаталога>c</ИдКаталога>'
                       "<ТипыЦен><ТипЦены><Ид>retail</Ид><Наименование>Розничная</Наименование></ТипЦены></ТипыЦен>"
                       f"<Предложения>{body}</Предложения></ПакетПредложений></КоммерческаяИнформация>").encode())


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestStoreProductsBound(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.ecom_1c_match_by = "article_barcode"
        cls.category = cls.env["product.category"].create({"name": "Посуда магазина"})

    def store_product(self, name, article=None, barcode=None, **vals):
        """A product the store made in Odoo before connecting 1C: no 1C id."""
        return self.Template.create({"name": name, "default_code": article, "barcode": barcode, "list_price": 99.0,
                                     "categ_id": self.category.id, **vals})

    def templates_named(self, article):
        return self.Template.search([("default_code", "=ilike", article)])

    def test_the_default_binds_by_article_then_barcode(self):
        """A company made now (and every company the upgrade gives the column) matches by article, then barcode."""
        company = self.env["res.company"].create({"name": "Второй магазин"})
        self.assertEqual(company.ecom_1c_match_by, "article_barcode")

    def test_the_setting_is_the_company_s(self):
        """Settings > Exchange with 1C: the choice is the current company's, another company keeps its own."""
        other = self.env["res.company"].create({"name": "Второй магазин"})
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.ecom_1c_match_by, "article_barcode")
        settings.ecom_1c_match_by = "barcode"
        settings.save().execute()
        self.assertEqual((self.env.company.ecom_1c_match_by, other.ecom_1c_match_by), ("barcode", "article_barcode"))

    def test_bound_by_article_then_priced_and_stocked(self):
        """The store's product of the article (another case, spaces around) is 1C's: updated by the catalog as a
        product 1C made (its name, article and description 1C's; no category named: Odoo's default, as 1C's
        products), priced and stocked by the offers; no second product."""
        mug = self.store_product("Кружка", article=" арт-001 ")
        counts = self.importer._import_catalog(catalog((GUID, "Кружка белая", "АРТ-001", None)))
        self.assertEqual((counts["created"], counts["bound_article"], counts["warnings"]), (0, 1, []))
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "=", GUID)]), 1)
        self.assertEqual((mug.ecom_1c_id, mug.product_variant_id.ecom_1c_id), (GUID, GUID))
        self.assertEqual((mug.name, mug.default_code, mug.ecom_1c_catalog_id), ("Кружка белая", "АРТ-001", "c"))
        self.assertEqual(mug.categ_id, self.env.ref("product.product_category_all"), "in no 1C group, as 1C's")
        self.importer._import_offers(offers((GUID, 150, 7)))
        self.assertEqual((mug.list_price, mug.product_variant_id.ecom_1c_qty), (150.0, 7.0))

    def test_bound_by_barcode(self):
        """Matching by barcode alone: the article is not looked at; the barcode's spaces do not count."""
        self.env.company.ecom_1c_match_by = "barcode"
        by_article = self.store_product("Ложка", article="L-1")
        spoon = self.store_product("Ложка чайная", barcode="4600000000012")
        counts = self.importer._import_catalog(catalog((GUID, "Ложка", "L-1", "4600 0000 0001 2")))
        self.assertEqual((counts["created"], counts["bound_barcode"], counts["bound_article"]), (0, 1, 0))
        self.assertEqual((spoon.ecom_1c_id, by_article.ecom_1c_id), (GUID, False))
        self.assertEqual(spoon.barcode, "4600 0000 0001 2", "the barcode is 1C's from then on, as written there")

    def test_bound_by_a_gtin_written_otherwise(self):
        """The store's UPC-A (12 digits) is 1C's EAN-13 (a leading 0), a GTIN-14 another's: GS1's one GTIN binds;
        the stored barcode is not rewritten by the comparison (1C's written as 1C writes it, as any bound product's),
        and the log names the code as 1C wrote it."""
        self.env.company.ecom_1c_match_by = "barcode"
        spoon = self.store_product("Ложка", barcode="012345678905")
        fork = self.store_product("Вилка", barcode="4600000000043")
        knife = self.store_product("Нож", barcode="46000012")
        counts = self.importer._import_catalog(catalog((GUID, "Ложка чайная", "L-1", "0012345678905"),
                                                       (OTHER, "Вилка столовая", "V-1", "04600000000043")))
        self.assertEqual((counts["created"], counts["bound_barcode"], counts["warnings"]), (0, 2, []))
        self.assertEqual((spoon.ecom_1c_id, fork.ecom_1c_id), (GUID, OTHER))
        self.assertEqual((spoon.barcode, fork.barcode), ("0012345678905", "04600000000043"))
        self.assertEqual(knife.barcode, "46000012")
        self.store_product("Нож 2", barcode="00000046000012")
        counts = self.importer._import_catalog(catalog((THIRD, "Нож", "N-1", "0000046000012")))
        self.assertEqual((counts["created"], knife.ecom_1c_id), (1, False))
        self.assertEqual(counts["warnings"], [
            f"1C product {THIRD} was not bound to a product of the store by barcode «0000046000012»: several "
            "products of the store have it («Нож», «Нож 2»)"])

    def test_bound_by_an_article_typed_with_cyrillic_look_alikes(self):
        """1C's article «АВ–100» typed in Cyrillic with an en dash is the store site's Latin «AB-100»; a full-width
        «ＫＴ－５» is «KT-5», «ІР-100» typed on a Ukrainian layout (its «І») the site's «IP-100». Two store products
        of one look (one Latin, one Cyrillic) bind neither, said."""
        ab = self.store_product("Кабель", article="AB-100")
        kt = self.store_product("Кабель КТ", article="kt\u20115")
        ip = self.store_product("Кабель IP", article="IP-100")
        twin_latin = self.store_product("Розетка", article="PC-1")
        twin_cyrillic = self.store_product("Розетка (копия)", article="РС-1")
        counts = self.importer._import_catalog(catalog((GUID, "Кабель 1С", "АВ\u2013100", None),
                                                       (OTHER, "Кабель КТ 1С", "ＫＴ－５", None),
                                                       (THIRD, "Розетка 1С", "PC-1", None),
                                                       (FOURTH, "Кабель IP 1С", "ІР-100", None)))
        self.assertEqual((ab.ecom_1c_id, kt.ecom_1c_id, ip.ecom_1c_id), (GUID, OTHER, FOURTH))
        self.assertEqual((counts["created"], counts["bound_article"]), (1, 3))
        self.assertEqual(ab.default_code, "АВ\u2013100", "1C's article as 1C writes it, as any bound product's")
        self.assertFalse(any((twin_latin | twin_cyrillic).mapped("ecom_1c_id")))
        self.assertEqual(counts["warnings"], [
            f"1C product {THIRD} was not bound to a product of the store by article «PC-1»: several products of the "
            "store have it («Розетка», «Розетка (копия)»)"])

    def test_article_then_barcode(self):
        """The article first; a 1C product whose article binds nothing is looked for by its barcode."""
        by_article = self.store_product("Тарелка", article="T-1", barcode="4600000000029")
        by_barcode = self.store_product("Блюдо", article="D-old", barcode="4600000000036")
        counts = self.importer._import_catalog(catalog((GUID, "Тарелка", "T-1", "4600000000099"),
                                                       (OTHER, "Блюдо", "D-new", "4600000000036")))
        self.assertEqual((by_article.ecom_1c_id, by_barcode.ecom_1c_id), (GUID, OTHER))
        self.assertEqual((counts["created"], counts["bound_article"], counts["bound_barcode"]), (0, 1, 1))

    def test_article_and_barcode_of_two_store_products_bind_neither(self):
        """A 1C product whose article is one store product's and whose barcode another's (a store's article that
        repeats a supplier's code): neither is guessed, a new product is made, the log says so by each code."""
        plate = self.store_product("Тарелка", article="T-1")
        dish = self.store_product("Блюдо", article="D-1", barcode="4600000000036")
        counts = self.importer._import_catalog(catalog((GUID, "Блюдо большое", "T-1", "4600000000036")))
        self.assertEqual((counts["created"], counts["bound_article"], counts["bound_barcode"]), (1, 0, 0))
        self.assertFalse(any((plate | dish).mapped("ecom_1c_id")))
        self.assertEqual(counts["warnings"][:2], [
            f"1C product {GUID} was not bound to a product of the store by article «T-1»: the store's product "
            "«Тарелка» has it, but its other code is another product's of the store («Блюдо»): which one 1C means "
            "is not guessed",
            f"1C product {GUID} was not bound to a product of the store by barcode «4600000000036»: the store's "
            "product «Блюдо» has it, but its other code is another product's of the store («Тарелка»): which one "
            "1C means is not guessed"])

    def test_no_match_makes_a_new_product(self):
        self.store_product("Вилка", article="V-1", barcode="4600000000043")
        counts = self.importer._import_catalog(catalog((GUID, "Нож", "N-1", "4600000000050")))
        self.assertEqual((counts["created"], counts["bound_article"], counts["bound_barcode"], counts["warnings"]),
                         (1, 0, 0, []))

    def test_a_real_ut11_catalog_binds_the_store_s_catalog(self):
        """1C:УТ 11's catalog of 32 products (tests/data/ut11-2.07-makers), the store having a product of each of
        its 27 articles, typed in small letters, or with spaces or no-break spaces around (as pasted from a
        price list): the 22 articles one 1C product names bind their store product; the 5 that two 1C products name
        (1C's own duplicates) bind neither, each said, and 1C's products are made; the file again changes
        nothing."""
        source = path("ut11-2.07-makers", "import.xml")
        codes = list(read_product_codes(source))
        articles = {}
        for product_id, article, _barcode in codes:
            articles.setdefault(article, []).append(product_id)
        self.assertEqual((len(codes), len(articles)), (32, 27))
        def typed(i, article):  # small letters, spaces around, no-break spaces around
            return (article.lower(), f" {article}  ", f"\u00a0{article}\u00a0")[i % 3]

        store = {article: self.store_product(f"Товар магазина {article}", article=typed(i, article))
                 for i, article in enumerate(sorted(articles))}
        counts = self.importer._import_catalog(source)
        unique = {article for article, ids in articles.items() if len(ids) == 1}
        self.assertEqual(counts["bound_article"], 22)
        for article, product in store.items():
            self.assertEqual(product.ecom_1c_id or None, articles[article][0] if article in unique else None, article)
        for article in sorted(set(articles) - unique):
            for product_id in articles[article]:
                self.assertIn(f"1C product {product_id} was not bound to a product of the store by article "
                              f"«{article}»: other 1C products of the file name it too", "\n".join(counts["warnings"]))
        # 22 bound (named as in 1C from then on), the 10 of the duplicated articles made beside the store's 5
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "!=", False)]), 32)
        self.assertEqual(self.Template.search_count([("name", "=like", "Товар магазина %")]), 5)
        again = self.importer._import_catalog(source)
        self.assertEqual((again["created"], again["bound_article"]), (0, 0))
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "!=", False)]), 32)

    def test_a_store_product_of_one_variant_offered_by_characteristic_stays(self):
        """1C:УТ 11 (tests/data/ut11-2.07-stores): the store's boots of one variant, article «С-140002», its material
        an attribute of one value (the website's specification), bind to 1C's product at the catalog; 1C's whole
        list of offers names it by its one characteristic only, which the store's own variant does not take (said).
        The list's end archives the characteristics it does not name, never the store's one variant (its 1C id the
        product's): the boots stay on sale, bound, again too."""
        material = self.env["product.attribute"].create({"name": "Материал магазина",
                                                         "value_ids": [Command.create({"name": "Замша"})]})
        boots = self.store_product("Сапоги магазина", article="С-140002", attribute_line_ids=[Command.create(
            {"attribute_id": material.id, "value_ids": [Command.set(material.value_ids.ids)]})])
        counts = self.importer._import_catalog(path("ut11-2.07-stores", "import0_1.xml"))
        self.assertEqual((counts["bound_article"], boots.ecom_1c_id), (1, "dee6e17b-55bc-11d9-848a-00112f43529a"))
        for _again in range(2):
            counts = self.importer._import_offers(path("ut11-2.07-stores", "offers0_1.xml"))
            self.assertEqual((boots.active, boots.product_variant_id.active, boots.product_variant_id.ecom_1c_id),
                             (True, True, "dee6e17b-55bc-11d9-848a-00112f43529a"))
            self.assertTrue(any("dee6e17b-55bc-11d9-848a-00112f43529a#90c5544a" in w for w in counts["warnings"]))

    def test_codes_folded_by_the_database_whatever_its_ctype(self):
        """The store's codes are folded in SQL as Python folds 1C's, even where ``lower()`` folds no Cyrillic
        letter (a database created with LC_CTYPE C: COLLATE "C" here), folds «I» as «ı» (a Turkish one), and a
        no-break space is no space: look-alikes, dashes, compatibility forms (NFKC), other scripts' capitals."""
        articles = [
            "Б-130001", "б-130001", "02.03.04-БР-Т", " Арт\u00a0\u00a0Ё-1\t", "ЇҚҰ-2", "SH-10", "АВ-100", "AB-100",
            "авекмнорстху АВЕКМНОРСТХУ", "IİıI-1", "ÄÖÜß-ẞ", "ΣΑΒ-ς", "Ǆ-ǅ-ǆ", "ＡＢ－１００", "Чаи\u0306-й",
            "A\u2010B\u2011C\u2012D\u2013E\u2014F\u2015G\u2212H\ufe63I\uff0dJ\u207bK\u208bL", "x\u3000y\u2009\u2009z",
            "Ⅻⅰ㎏½", "Ω\u2126K\u212a", "ﬁ-ﬀ", "\u00ad-\u200b", "Ꭰ-ꭰ", "ႠႡ-ⴀ", "Ա-ա", "ǈ", "ІЈЅԚԜ-іјѕԛԝ-Ӏӏ", "",
        ]
        barcodes = ["4600\u00a00000 0001\u20092", "012345678905", "0012345678905", "00012345678905", "46000012",
                    "4600001", "ABC-0012345678905", "\uff14\uff16\uff10\uff10\uff10\uff10\uff10\uff11",
                    "0 12345 67890 5", "46000000000123456", ""]
        self.env.cr.execute("SELECT collname FROM pg_collation WHERE collname IN ('C', 'tr-TR-x-icu', 'ru-RU-x-icu')")
        collations = [row[0] for row in self.env.cr.fetchall()]
        self.assertIn("C", collations)
        for collation in collations:
            for typed in articles:
                self.env.cr.execute(SQL("SELECT %s", article_sql(SQL("%s COLLATE %s", typed,
                                                                     SQL.identifier(collation)))))
                self.assertEqual(self.env.cr.fetchone()[0] or None, article_key(typed), (collation, typed))
            for typed in barcodes:
                self.env.cr.execute(SQL("SELECT %s", barcode_sql(SQL("%s COLLATE %s", typed,
                                                                     SQL.identifier(collation)))))
                self.assertEqual(self.env.cr.fetchone()[0] or None, barcode_key(typed), (collation, typed))
        # a database that cannot normalize (PostgreSQL 12, not UTF8) folds all the rest alike
        for typed in articles:
            if unicodedata.normalize("NFKC", typed) == typed:
                self.env.cr.execute(SQL("SELECT %s", article_sql(SQL('%s COLLATE "C"', typed), nfkc=False)))
                self.assertEqual(self.env.cr.fetchone()[0] or None, article_key(typed), typed)
        self.assertTrue(normalizes_unicode(self.env.cr), "PostgreSQL 13 on, UTF8: the test server normalizes")

    def test_every_character_folded_alike_by_python_and_the_database(self):
        """Each character of the Basic Multilingual Plane, inside an article, is folded by the database as by
        Python (one query): a letter left out of, or mistyped in, the mapping of either side would bind in one and
        not the other (the candidate found in SQL refolded in Python)."""
        typed = [f"x{chr(code)}Y" for code in range(1, 0x10000) if not 0xD800 <= code < 0xE000]
        self.env.cr.execute(SQL("SELECT typed, %s FROM unnest(%s::text[]) typed",
                                article_sql(SQL('typed COLLATE "C"'), normalizes_unicode(self.env.cr)), typed))
        differing = [(value, key) for value, key in self.env.cr.fetchall() if (key or None) != article_key(value)]
        self.assertEqual(differing, [])

    def test_the_candidates_are_found_by_index(self):
        """The candidate query's expressions are those of product_product's indexes: a store of 100,000 products
        is not read whole for each batch of 500 (no sequential read where the indexes can be used); the indexes
        of the codes' former expressions are gone."""
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        nfkc = normalizes_unicode(self.env.cr)
        for where, names in (
                (SQL("%s = ANY(%s::text[]) OR %s = ANY(%s::text[])", article_sql(SQL("pp.default_code"), nfkc),
                     ["арт-1"], barcode_sql(SQL("pp.barcode")), ["04600000000012"]),
                 ["product_product_ecom_1c_default_code_folded_index", "product_product_ecom_1c_barcode_gtin_index"]),
                (SQL("%s = ANY(%s::text[])", barcode_sql(SQL("pp.barcode")), ["04600000000012"]),
                 ["product_product_ecom_1c_barcode_gtin_index"])):
            self.env.cr.execute(SQL("EXPLAIN SELECT pp.id FROM product_product pp WHERE %s", where))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
            for name in names:
                self.assertIn(name, plan)
            self.assertNotIn("Seq Scan", plan)
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'product_product' "
                            "AND indexname LIKE 'product_product_ecom_1c_%%_index'")
        self.assertEqual(sorted(row[0] for row in self.env.cr.fetchall()), [
            "product_product_ecom_1c_barcode_gtin_index", "product_product_ecom_1c_default_code_folded_index"])

    def test_a_database_that_cannot_normalize(self):
        """PostgreSQL 12 or a database not in UTF8 has no ``normalize()``: the article's index and the candidate query
        do without it (an index of its own name, the other one dropped), and a look-alike article still binds."""
        def indexes():
            self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'product_product' "
                                "AND indexname LIKE 'product_product_ecom_1c_default_code%%'")
            return [row[0] for row in self.env.cr.fetchall()]

        self.patch(product_module, "normalizes_unicode", lambda cr: False)
        self.patch(importer_module, "normalizes_unicode", lambda cr: False)
        self.env["product.product"].init()
        self.assertEqual(indexes(), ["product_product_ecom_1c_default_code_folded_plain_index"])
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN SELECT pp.id FROM product_product pp WHERE %s = ANY(%s::text[])",
                                article_sql(SQL("pp.default_code"), nfkc=False), ["ab-100"]))
        self.assertIn("product_product_ecom_1c_default_code_folded_plain_index",
                      "\n".join(row[0] for row in self.env.cr.fetchall()))
        self.env.cr.execute("SET LOCAL enable_seqscan = on")
        cable = self.store_product("Кабель", article="AB\u2013100")
        counts = self.importer._import_catalog(catalog((GUID, "Кабель 1С", "АВ-100", None)))
        self.assertEqual((counts["bound_article"], cable.ecom_1c_id), (1, GUID))

    def test_an_article_another_batch_of_the_file_names(self):
        """A file of several batches: an article named in two of them binds neither (the second batch is not read
        yet when the first binds), as two 1C products of one batch."""
        cup = self.store_product("Чашка", article="CH-1")
        self.patch(importer_module, "BATCH", 2)
        with tempfile.TemporaryDirectory() as folder:
            name = os.path.join(folder, "import.xml")
            with open(name, "wb") as f:
                f.write(catalog((GUID, "Чашка", "CH-1", None), (OTHER, "Блюдце", "B-1", None),
                                (THIRD, "Чашка вторая", "ch-1", None)).getvalue())
            counts = self.importer._import_catalog(name)
        self.assertEqual((counts["created"], cup.ecom_1c_id), (3, False))
        self.assertIn(f"1C product {GUID} was not bound to a product of the store by article «CH-1»: other 1C products "
                      f"of the file name it too ({THIRD})", counts["warnings"])

    def test_an_article_another_batch_of_the_offers_names(self):
        """An offers file of several batches, as a catalog's: a characteristic's article another characteristic of
        the file names in a later batch binds neither (one 1C marks deleted does not count); the file's codes are
        read once a step, and a file of one batch is not read apart."""
        size = self.env["product.attribute"].create({"name": "Размер магазина", "value_ids": [
            Command.create({"name": "S"}), Command.create({"name": "M"})]})
        shirt = self.store_product("Футболка", attribute_line_ids=[
            Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})])
        small, medium = shirt.product_variant_ids.sorted("id")
        small.default_code, medium.default_code = "TS-S", "TS-M"
        self.env["ecom.1c.price.type"].create({"name": "Розничная", "ecom_1c_id": "retail", "target": "list_price"})
        self.patch(importer_module, "BATCH", 2)
        reads = []

        def read_codes(source):
            reads.append(source)
            return read_offer_codes(source)

        self.patch(offers_module, "read_offer_codes", read_codes)
        with tempfile.TemporaryDirectory() as folder:
            name = os.path.join(folder, "offers.xml")
            with open(name, "wb") as f:
                f.write(coded_offers((f"{GUID}#s", "TS-S", None, "S", 500), (f"{GUID}#m", "TS-M", None, "M", 600),
                                     (f"{OTHER}#x", "ts-s ", None, "XS", 700)).getvalue())
            first = self.importer._import_offers(name, start=0, deadline=0)  # one batch, then the step is over
            self.assertEqual((first["position"], first["done"]), (2, False))
            later = self.importer._import_offers(name, start=2)
        self.assertEqual((small.ecom_1c_id, medium.ecom_1c_id, shirt.ecom_1c_id, later["done"]),
                         (False, f"{GUID}#m", GUID, True))
        self.assertIn(f"1C product {GUID}#s was not bound to a product of the store by article «TS-S»: other 1C "
                      f"products of the file name it too ({OTHER}#x)", first["warnings"])
        self.assertEqual(len(reads), 1, "read once for both steps (each a request of 1C's): kept by the worker")
        # the other marked deleted: it names nothing; and a file of one batch is not read apart
        data = coded_offers((f"{THIRD}#s", "TS-S", None, "S", 500), (f"{THIRD}#l", "TS-L", None, "L", 500),
                            (f"{OTHER}#y", "TS-S", None, "XS", 700)).getvalue().replace(
            "<Предложение><Ид>7b1c0f00-0000-4000-8000-00000000c002#y</Ид>".encode(),
            "<Предложение><Ид>7b1c0f00-0000-4000-8000-00000000c002#y</Ид><ПометкаУдаления>true</ПометкаУдаления>"
            .encode())
        self.assertEqual(set(read_offer_codes(io.BytesIO(data))),
                         {(f"{THIRD}#s", "TS-S", ""), (f"{THIRD}#l", "TS-L", "")})
        unf = [i for i, _a, _b in read_offer_codes(path("unf3-2.08", "offers.xml"))]
        self.assertTrue(unf and all("#" in i for i in unf), "characteristics only, not the products' own offers")
        self.assertNotIn("b197e9d6-56ae-11ec-aba0-00199997af17", unf)

    def test_a_file_s_codes_read_once_for_its_steps(self):
        """A catalog of several steps (each a request of 1C's) reads its file apart for the codes named twice once:
        a file of 100,000 products takes some 11 s to read, nearly half a step."""
        cup = self.store_product("Чашка", article="CH-1")
        self.store_product("Блюдце", article="B-1")
        self.patch(importer_module, "BATCH", 2)
        reads = []

        def read_codes(source):
            reads.append(source)
            return catalog_module.read_product_codes.__wrapped__(source)

        read_codes.__wrapped__ = catalog_module.read_product_codes
        self.patch(catalog_module, "read_product_codes", read_codes)
        with tempfile.TemporaryDirectory() as folder:
            name = os.path.join(folder, "import.xml")
            with open(name, "wb") as f:
                f.write(catalog((GUID, "Чашка", "CH-1", None), (OTHER, "Блюдце", "B-1", None),
                                (THIRD, "Чашка вторая", "ch-1", None), (f"{THIRD[:-1]}4", "Ваза", "V-1", None)
                                ).getvalue())
            first = self.importer._import_catalog(name, start=0, deadline=0)  # one batch, then the step is over
            self.assertEqual((first["position"], first["done"]), (2, False))
            later = self.importer._import_catalog(name, start=2)
            self.assertEqual(len(reads), 1)
            self.assertEqual((cup.ecom_1c_id, later["done"]), (False, True), "CH-1 named in both steps binds nothing")

    def test_two_store_products_of_the_article(self):
        """Two of the store's products have the article (one in another case): none is guessed, a new product is
        made, and the log says which article and why."""
        first, second = self.store_product("Чашка", article="CH-1"), self.store_product("Чашка 2", article="ch-1")
        counts = self.importer._import_catalog(catalog((GUID, "Чашка", "CH-1", None)))
        self.assertEqual(counts["created"], 1)
        self.assertFalse(any((first | second).mapped("ecom_1c_id")))
        self.assertEqual(counts["warnings"], [
            f"1C product {GUID} was not bound to a product of the store by article «CH-1»: several products of the "
            "store have it («Чашка», «Чашка 2»)"])

    def test_two_1c_products_of_the_article(self):
        """1C names the article twice: which of them the store's product is, is not guessed."""
        cup = self.store_product("Чашка", article="CH-1")
        counts = self.importer._import_catalog(catalog((GUID, "Чашка", "CH-1", None),
                                                       (OTHER, "Чашка 2", "CH-1 ", None)))
        self.assertEqual((counts["created"], cup.ecom_1c_id), (2, False))
        self.assertEqual(len(counts["warnings"]), 2)
        self.assertIn(f"other 1C products of the file name it too ({OTHER})", counts["warnings"][0])

    def test_the_store_product_bound_already(self):
        """The store's product of the article is bound to another 1C product: the new one is made, and said."""
        cup = self.store_product("Чашка", article="CH-1")
        self.importer._import_catalog(catalog((GUID, "Чашка", "CH-1", None)))
        counts = self.importer._import_catalog(catalog((OTHER, "Чашка другая", "CH-1", None)))
        self.assertEqual((counts["created"], cup.ecom_1c_id), (1, GUID))
        self.assertEqual(counts["warnings"], [
            f"1C product {OTHER} was not bound to a product of the store by article «CH-1»: the store's product "
            f"«Чашка» having it is bound to 1C product {GUID} already"])

    def test_archived_and_other_company_products_are_not_candidates(self):
        """Only the store's products on sale, of the exchange's company or shared, are looked at."""
        archived = self.store_product("Старая кружка", article="K-1")
        archived.action_archive()
        other_company = self.env["res.company"].create({"name": "Другой магазин"})
        theirs = self.store_product("Их кружка", article="K-1", company_id=other_company.id)
        counts = self.importer._import_catalog(catalog((GUID, "Кружка", "K-1", None)))
        self.assertEqual((counts["created"], counts["warnings"]), (1, []))
        self.assertFalse(any((archived | theirs).mapped("ecom_1c_id")))

    def test_a_characteristic_bound_to_a_variant(self):
        """The store's product of its own sizes (its attribute, not 1C's): 1C's characteristics, named by their
        offers with the articles of its variants, are those variants; the product is 1C's product. A
        characteristic of no variant of it is skipped, said, as for any product of the store's own variants."""
        size = self.env["product.attribute"].create({"name": "Размер магазина", "value_ids": [
            Command.create({"name": "S"}), Command.create({"name": "M"})]})
        shirt = self.store_product("Футболка", attribute_line_ids=[
            Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})])
        small, medium = shirt.product_variant_ids.sorted("id")
        small.default_code, medium.barcode = "TS-S", "4600000000067"
        self.env["ecom.1c.price.type"].create({"name": "Розничная", "ecom_1c_id": "retail", "target": "list_price"})
        counts = self.importer._import_offers(coded_offers(
            (f"{GUID}#s", "ts-s", None, "S", 500), (f"{GUID}#m", "TS-M", "4600000000067", "M", 600)))
        self.assertEqual((small.ecom_1c_id, medium.ecom_1c_id, shirt.ecom_1c_id), (f"{GUID}#s", f"{GUID}#m", GUID))
        self.assertEqual((counts["bound_article"], counts["bound_barcode"]), (1, 1))
        self.assertEqual(len(shirt.with_context(active_test=False).product_variant_ids), 2, "no variant made")
        self.assertEqual((small.ecom_1c_qty, medium.ecom_1c_qty, shirt.list_price), (3.0, 3.0, 500.0))
        counts = self.importer._import_offers(coded_offers((f"{GUID}#l", "TS-L", None, "L", 700)))
        self.assertEqual(self.Product.search_count([("ecom_1c_id", "=", f"{GUID}#l")]), 0)
        self.assertEqual(counts["warnings"], [
            f"Футболка (1C id {GUID}): its characteristics {GUID}#l were skipped: the product's variants are made in "
            "Odoo by its attributes Размер магазина, and no code bound them to its variants; to have 1C price and "
            "stock them, give each variant the article or barcode its characteristic has in 1C (one no other product "
            "of the store or of 1C's file has: the next exchange naming the characteristic binds them), making by the "
            "product's attributes the variants it lacks, or give each variant the 1C id of its characteristic "
            "(«product id#characteristic id»)"])
        # as the log says: the store makes the size by its attribute, its article 1C's; the next offers bind it
        size.value_ids = [Command.create({"name": "L"})]
        shirt.attribute_line_ids.value_ids = [Command.link(size.value_ids[-1].id)]
        large = shirt.product_variant_ids - small - medium
        large.default_code = "TS-L"
        counts = self.importer._import_offers(coded_offers((f"{GUID}#l", "TS-L", None, "L", 700)))
        self.assertEqual((large.ecom_1c_id, large.ecom_1c_qty, counts["bound_article"], counts["warnings"]),
                         (f"{GUID}#l", 3.0, 1, []))

    def test_advice_for_characteristics_of_a_product_of_the_store_s_variants(self):
        """The log's advice for characteristics skipped on a product whose variants Odoo makes by the store's
        attributes names the codes the company binds by (by barcode: the barcode), or, binding by none, the setting
        to change; in the store's Russian."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_1c"], ["ru_RU"], overwrite=True)
        size = self.env["product.attribute"].create({"name": "Размер магазина", "value_ids": [
            Command.create({"name": "S"}), Command.create({"name": "M"})]})
        shirt = self.store_product("Футболка", attribute_line_ids=[
            Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})])
        shirt.ecom_1c_id = GUID
        self.env["ecom.1c.price.type"].create({"name": "Розничная", "ecom_1c_id": "retail", "target": "list_price"})
        russian = self.importer.with_context(lang="ru_RU")
        self.env.company.ecom_1c_match_by = "barcode"
        counts = russian._import_offers(coded_offers((f"{GUID}#s", "TS-S", None, "S", 500)))
        self.assertEqual(counts["warnings"], [
            f"Товар Футболка (ид. 1С {GUID}): его характеристики {GUID}#s пропущены: варианты товара созданы в Odoo "
            "по его атрибутам Размер магазина, и ни один код не привязал к ним характеристики; чтобы 1С передавала их "
            "цены и остатки, укажите каждому варианту штрихкод его характеристики в 1С (такой, которого нет ни у "
            "другого товара магазина, ни у другого товара файла 1С: следующий обмен с этой характеристикой привяжет "
            "их), создав по атрибутам товара недостающие варианты, или укажите каждому варианту ид. 1С его "
            "характеристики («ид. товара#ид. характеристики»)"])
        self.env.company.ecom_1c_match_by = "none"
        counts = russian._import_offers(coded_offers((f"{GUID}#s", "TS-S", None, "S", 500)))
        self.assertEqual(counts["warnings"], [
            f"Товар Футболка (ид. 1С {GUID}): его характеристики {GUID}#s пропущены: варианты товара созданы в Odoo "
            "по его атрибутам Размер магазина; чтобы 1С передавала их цены и остатки, укажите каждому варианту ид. 1С "
            "его характеристики («ид. товара#ид. характеристики») или включите сопоставление товаров магазина по "
            "артикулу или штрихкоду (Настройки, Обмен с 1С: «Сопоставлять товары магазина, ещё не связанные с 1С, "
            "по») и укажите каждому варианту артикул или штрихкод его характеристики в 1С"])
        self.assertEqual(shirt.product_variant_ids.mapped("ecom_1c_id"), [False, False])
        # 1C gives every characteristic its product's article (1C:УНФ): no article tells the sizes apart, the
        # barcode does; matching by article alone, the advice is to match by barcode
        shared = ((f"{GUID}#s", "TS-100", "4600000000111", "S", 500),
                  (f"{GUID}#m", "TS\u2013100", "4600000000128", "M", 500))
        counts = russian._import_offers(coded_offers(*shared))
        self.assertEqual(counts["warnings"], [
            f"Товар Футболка (ид. 1С {GUID}): его характеристики {GUID}#s, {GUID}#m пропущены: варианты товара "
            "созданы в Odoo по его атрибутам Размер магазина; в 1С у всех них один артикул, «TS-100», по которому их "
            "не различить, различает их штрихкод: чтобы 1С передавала их цены и остатки, включите сопоставление "
            "товаров магазина по штрихкоду (Настройки, Обмен с 1С: «Сопоставлять товары магазина, ещё не связанные "
            "с 1С, по»: «Штрихкоду» или «Артикулу, затем штрихкоду») и укажите каждому варианту штрихкод его "
            "характеристики в 1С (такой, которого нет ни у другого товара магазина, ни у другого товара файла 1С: "
            "следующий обмен с этой характеристикой привяжет их), создав по атрибутам товара недостающие варианты, "
            "или укажите каждому варианту ид. 1С его характеристики («ид. товара#ид. характеристики»)"])
        self.env.company.ecom_1c_match_by = "article"
        self.assertEqual(russian._import_offers(coded_offers(*shared))["warnings"], counts["warnings"])
        self.env.company.ecom_1c_match_by = "article_barcode"
        counts = russian._import_offers(coded_offers(*shared))
        self.assertEqual(counts["warnings"], [
            f"Товар Футболка (ид. 1С {GUID}): его характеристики {GUID}#s, {GUID}#m пропущены: варианты товара "
            "созданы в Odoo по его атрибутам Размер магазина, и ни один код не привязал к ним характеристики; в 1С у "
            "всех них один артикул, «TS-100», по которому их не различить: чтобы 1С передавала их цены и остатки, "
            "укажите каждому варианту штрихкод его характеристики в 1С (такой, которого нет ни у другого товара "
            "магазина, ни у другого товара файла 1С: следующий обмен с этой характеристикой привяжет их), создав по "
            "атрибутам товара недостающие варианты, или укажите каждому варианту ид. 1С его характеристики («ид. "
            "товара#ид. характеристики»)"])
        # the store's sizes given those barcodes, the next offers bind them
        small, medium = shirt.product_variant_ids
        small.barcode, medium.barcode = "4600000000111", "4600000000128"
        counts = russian._import_offers(coded_offers(*shared))
        self.assertEqual((small.ecom_1c_id, medium.ecom_1c_id, counts["warnings"]), (f"{GUID}#s", f"{GUID}#m", []))

    def test_a_product_showing_one_variant_of_archived_sizes(self):
        """The store retired a size of its shirt (archived): the shirt shows one variant, and is the 1C product of its
        article (not refused as «several variants»); the archived size takes no 1C id."""
        size = self.env["product.attribute"].create({"name": "Размер магазина", "value_ids": [
            Command.create({"name": "S"}), Command.create({"name": "M"})]})
        shirt = self.store_product("Футболка", attribute_line_ids=[
            Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})])
        small, medium = shirt.product_variant_ids.sorted("id")
        small.default_code, medium.default_code = "TS-S", "TS-M"
        medium.action_archive()
        counts = self.importer._import_catalog(catalog((GUID, "Футболка S", "TS-S", None)))
        self.assertEqual((counts["created"], counts["bound_article"], counts["warnings"]), (0, 1, []))
        self.assertEqual((shirt.ecom_1c_id, small.ecom_1c_id, medium.ecom_1c_id), (GUID, GUID, False))
        self.assertEqual((shirt.name, medium.active), ("Футболка S", False))
        counts = self.importer._import_catalog(catalog((OTHER, "Футболка M", "TS-M", None)))
        self.assertEqual((counts["created"], counts["bound_article"], medium.ecom_1c_id), (1, 0, False),
                         "an archived variant is what the store retired: bound by no code")

    def test_a_product_of_variants_named_without_characteristic(self):
        """The store's shirt of sizes has the article 1C gives a product it names alone. From 2.05 on 1C names the
        characteristics in its offers: the log says they bind the variants then; a 2.04 catalog would list them, so
        1C's product has none: the log says they are not one product. Both in the store's Russian."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_1c"], ["ru_RU"], overwrite=True)
        size = self.env["product.attribute"].create({"name": "Размер магазина", "value_ids": [
            Command.create({"name": "S"}), Command.create({"name": "M"})]})
        shirt = self.store_product("Футболка", attribute_line_ids=[
            Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})])
        small, medium = shirt.product_variant_ids.sorted("id")
        small.default_code, medium.default_code = "TS", "TS-M"
        russian = self.importer.with_context(lang="ru_RU")
        counts = russian._import_catalog(catalog((GUID, "Футболка", "TS", None)))
        self.assertEqual(counts["warnings"], [
            f"Товар 1С {GUID} не привязан к товару магазина по артикулу «TS»: у товара магазина «Футболка» с этим "
            "кодом несколько вариантов: если товар в 1С ведётся по характеристикам, файл предложений привяжет "
            "характеристики к вариантам с теми же артикулами или штрихкодами (тогда созданный сейчас товар уступит "
            "место товару магазина); если характеристик у него нет, это другой товар"])
        data = catalog((OTHER, "Футболка", "TS-M", None)).getvalue().replace(b'"2.05"', b'"2.04"')
        self.assertIn(b'"2.04"', data)
        counts = russian._import_catalog(io.BytesIO(data))
        self.assertEqual(counts["warnings"], [
            f"Товар 1С {OTHER} не привязан к товару магазина по артикулу «TS-M»: у товара магазина «Футболка» с этим "
            "кодом несколько вариантов, а у товара 1С нет характеристик (этот каталог перечислил бы их): это разные "
            "товары"])
        self.assertFalse(shirt.ecom_1c_id)

    def test_variants_of_a_template_bound_by_its_1c_id(self):
        """2.05 on: the catalog names the product, the offers its characteristics. The store wrote the template's
        1C id (its variants have none): the catalog updates it, no second product; the offers bind its variants
        by their barcodes."""
        size = self.env["product.attribute"].create({"name": "Цвет магазина", "value_ids": [
            Command.create({"name": "Синий"}), Command.create({"name": "Белый"})]})
        shirt = self.store_product("Рубашка", attribute_line_ids=[
            Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})])
        blue, white = shirt.product_variant_ids.sorted("id")
        blue.barcode, white.barcode = "4600000000111", "4600000000128"
        shirt.ecom_1c_id = GUID
        self.env["ecom.1c.price.type"].create({"name": "Розничная", "ecom_1c_id": "retail", "target": "list_price"})
        counts = self.importer._import_catalog(catalog((GUID, "Рубашка", "RU-1", None)))
        self.assertEqual((counts["created"], self.Template.search_count([("ecom_1c_id", "=", GUID)])), (0, 1))
        counts = self.importer._import_offers(coded_offers((f"{GUID}#b", None, "4600000000111", "Синий", 900),
                                                           (f"{GUID}#w", None, "4600000000128", "Белый", 950)))
        self.assertEqual((blue.ecom_1c_id, white.ecom_1c_id, counts["bound_barcode"]), (f"{GUID}#b", f"{GUID}#w", 2))
        self.assertEqual(shirt.list_price, 900.0)

    def test_characteristics_of_a_204_catalog_bound_to_variants(self):
        """2.04 lists the characteristics as products: bound to the variants of their articles, the product to
        the store's product; the catalog updates it as 1C's."""
        size = self.env["product.attribute"].create({"name": "Рост", "value_ids": [
            Command.create({"name": "170"}), Command.create({"name": "182"})]})
        coat = self.store_product("Куртка", attribute_line_ids=[
            Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})])
        low, high = coat.product_variant_ids.sorted("id")
        low.default_code, high.default_code = "KU-170", "KU-182"
        counts = self.importer._import_catalog(catalog_204(GUID, "Куртка", [("a", "KU-170", "170"),
                                                                            ("b", "ku-182", "182")]))
        self.assertEqual((low.ecom_1c_id, high.ecom_1c_id, coat.ecom_1c_id), (f"{GUID}#a", f"{GUID}#b", GUID))
        self.assertEqual((counts["bound_article"], self.Template.search_count([("ecom_1c_id", "=", GUID)])), (2, 1))
        self.assertEqual(coat.ecom_1c_catalog_id, "c")

    def test_characteristics_split_between_two_store_products(self):
        """Two characteristics of one 1C product match variants of two store products: none is bound."""
        size = self.env["product.attribute"].create({"name": "Объём", "value_ids": [
            Command.create({"name": "1 л"}), Command.create({"name": "2 л"})]})
        line = [Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})]
        kettle, pot = self.store_product("Чайник", attribute_line_ids=line), self.store_product(
            "Кастрюля", attribute_line_ids=[Command.create({"attribute_id": size.id,
                                                            "value_ids": [Command.set(size.value_ids.ids)]})])
        kettle.product_variant_ids[0].default_code, pot.product_variant_ids[0].default_code = "CH-1", "KA-1"
        counts = self.importer._import_catalog(catalog_204(GUID, "Посуда", [("a", "CH-1", "1 л"),
                                                                            ("b", "KA-1", "2 л")]))
        self.assertFalse(any((kettle | pot).product_variant_ids.mapped("ecom_1c_id")))
        self.assertFalse(any((kettle | pot).mapped("ecom_1c_id")))
        self.assertEqual(len([w for w in counts["warnings"] if "another product of the store" in w]), 2)

    def test_a_product_1c_marks_deleted_binds_nothing(self):
        """1C names a product marked deleted: the store's product of its article is not bound (nor archived)."""
        mug = self.store_product("Кружка", article="K-1")
        goods = catalog((GUID, "Кружка", "K-1", None)).getvalue().decode().replace(
            "</Товар>", "<ПометкаУдаления>true</ПометкаУдаления></Товар>")
        counts = self.importer._import_catalog(io.BytesIO(goods.encode()))
        self.assertEqual((counts["bound_article"], mug.ecom_1c_id, mug.active), (0, False, True))

    def test_the_same_file_again_changes_nothing(self):
        mug = self.store_product("Кружка", article="K-1", barcode="4600000000074")
        self.importer._import_catalog(catalog((GUID, "Кружка", "K-1", "4600000000074")))
        again = self.importer._import_catalog(catalog((GUID, "Кружка", "K-1", "4600000000074")))
        self.assertEqual((again["created"], again["updated"], again["bound_article"], again["warnings"]),
                         (0, 0, 0, []))
        self.assertEqual(self.Template.search_count([("default_code", "=", "K-1")]), 1)
        self.assertEqual(mug.ecom_1c_id, GUID)

    def test_the_setting_off_keeps_the_store_product_apart(self):
        """«Nothing»: 1C's products are new ones, as before the setting; the store's barcode is awaited."""
        self.env.company.ecom_1c_match_by = "none"
        mug = self.store_product("Кружка", article="K-1", barcode="4600000000081")
        counts = self.importer._import_catalog(catalog((GUID, "Кружка", "K-1", "4600000000081")))
        self.assertEqual((counts["created"], counts["bound_article"], mug.ecom_1c_id), (1, 0, False))
        new = self.Product.search([("ecom_1c_id", "=", GUID)])
        self.assertEqual((new.barcode, new.ecom_1c_barcode_wanted), (False, "4600000000081"))

    def test_a_failed_import_takes_the_bindings_back(self):
        """The exchange imports each step in a savepoint: a step that fails leaves no store product bound."""
        mug = self.store_product("Кружка", article="K-1")
        Importer = type(self.importer)

        def broken(*args, **kwargs):
            raise UserError("диск заполнен")

        self.patch(Importer, "_import_product_properties", broken)
        with self.assertRaises(UserError), savepoint(self.env.cr):
            self.importer._import_catalog(catalog((GUID, "Кружка", "K-1", None)))
        self.env.invalidate_all()
        self.assertEqual((mug.ecom_1c_id, mug.product_variant_id.ecom_1c_id, mug.name), (False, False, "Кружка"))

    def test_the_log_says_in_russian(self):
        """The exchange's log, for a Russian store: the summary of the bound products and why one was not."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_1c"], ["ru_RU"], overwrite=True)
        self.store_product("Кружка", article="K-1")
        self.store_product("Чашка", article="CH-1")
        self.store_product("Чашка 2", article="CH-1")
        self.store_product("Блюдо", article="B-1")
        self.store_product("Тарелка", barcode="4600000000036")
        exchange = self.env["ecom.1c.exchange"].with_context(lang="ru_RU").create({"exchange_type": "catalog"})
        with tempfile.TemporaryDirectory() as folder:
            name = os.path.join(folder, "import.xml")
            with open(name, "wb") as f:
                f.write(catalog((GUID, "Кружка", "K-1", None), (OTHER, "Чашка", "CH-1", None),
                                (THIRD, "Блюдо", "B-1", "4600000000036")).getvalue())
            record, error = exchange._import_file("import.xml", name)
        self.assertEqual((record.state, error), ("done", None))
        lines = exchange.messages.splitlines()
        self.assertIn(f"Товар 1С {OTHER} не привязан к товару магазина по артикулу «CH-1»: он есть у нескольких "
                      "товаров магазина («Чашка», «Чашка 2»)", lines)
        self.assertIn(f"Товар 1С {THIRD} не привязан к товару магазина по артикулу «B-1»: он есть у товара магазина "
                      "«Блюдо», но другой код товара 1С — у другого товара магазина («Тарелка»): какой из них "
                      "имеется в виду, не угадывается", lines)
        self.assertIn("Привязано к товарам магазина по артикулу: 1, по штрихкоду: 0", lines)
        self.assertEqual(exchange.created_count, 2)

    def test_one_query_finds_the_candidates_of_a_batch(self):
        """Binding 20 of the store's products costs the queries of binding 10: one query finds the candidates
        of a batch, one UPDATE a table binds them, whatever the batch's size."""
        def import_bound(start, count):
            for i in range(start, start + count):
                self.store_product(f"Товар {i}", article=f"B-{i}", categ_id=self.env.ref(
                    "product.product_category_all").id, description_sale=False)
            products = [(f"{GUID[:-4]}{i:04d}", f"Товар {i}", f"B-{i}", None) for i in range(start, start + count)]
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            counts = self.importer._import_catalog(catalog(*products))
            self.env.flush_all()
            self.assertEqual((counts["created"], counts["bound_article"]), (0, count))
            return self.env.cr.sql_log_count - before

        import_bound(100, 3)  # Odoo's caches warmed up
        self.assertEqual(import_bound(200, 10), import_bound(300, 20))
