"""A price's currency as 1C writes it: an ISO letter code, its number or a Russian short name, for any
currency; the plain recognition without a database, then an exchange in tenge and Belarusian roubles."""

import io

from odoo.tests import BaseCase, tagged

from ..commerceml.currencies import ambiguous_codes, currency_code, currency_key, odoo_numbers, same_currency
from ..commerceml.mapper import sales_price_type
from .common import ImporterCase, big_catalog, big_catalog_id, priced_offers_package, sell_in_roubles


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestCurrencyNames(BaseCase):
    def test_codes_numbers_and_short_names(self):
        """Whatever the case, dots and spaces: a letter code is itself, a number is its currency's (by the ISO
        table, then Odoo's numbers; «051» is 51), a short name of the CIS is its currency's; the old rouble's
        and Belarusian rouble's codes are today's."""
        for written, code in (("RUB", "RUB"), ("rub", "RUB"), (" руб. ", "RUB"), ("Р.", "RUB"), ("RUR", "RUB"),
                              ("643", "RUB"), ("0643", "RUB"), ("₽", "RUB"), ("грн", "UAH"), ("980", "UAH"),
                              ("тенге", "KZT"), ("ТГ.", "KZT"), ("₸", "KZT"), ("398", "KZT"),
                              ("бел. руб.", "BYN"), ("Бел.Руб", "BYN"), ("933", "BYN"), ("byn", "BYN"),
                              ("сум", "UZS"), ("сом", "KGS"), ("драм", "AMD"), ("051", "AMD"), ("лари", "GEL"),
                              ("$", "USD"), ("usd", "USD"), ("840", "USD"), ("€", "EUR"), ("евро", "EUR"),
                              ("978", "EUR"), ("CHF", "CHF"), ("Pln", "PLN"), ("BYR", "BYN"), ("974", "BYN"),
                              ("810", "RUB"), ("сомони", "TJS"), ("981", "GEL"), ("944", "AZN"), ("934", "TMT"),
                              ("972", "TJS"), ("498", "MDL"), ("156", "CNY"), ("417", "KGS"), ("860", "UZS"),
                              ("грн.", "UAH"), ("₴", "UAH"), ("тг", "KZT"), ("Российский рубль", "RUB"),
                              ("Доллар США", "USD"), ("Украинская гривна", "UAH")):
            with self.subTest(written):
                self.assertEqual(currency_code(written), code)
        self.assertEqual(currency_code("756", {"756": "CHF"}), "CHF", "a number of one of Odoo's currencies")
        for unknown in ("756", "слон", "", None, "RUBL"):
            with self.subTest(unknown=unknown):
                self.assertEqual(currency_code(unknown), "", "no currency, not a guess")
        self.assertEqual(currency_key(" бел. руб. "), "БЕЛРУБ")

    def test_what_names_no_one_currency_is_not_guessed(self):
        """«манат» (Azerbaijan's or Turkmenistan's), «лей» (Moldova's or Romania's), «¥» name two currencies,
        «у.е.» none: no code, and what they may be for the log; a name of one currency is not ambiguous."""
        for written, codes in (("манат", ("AZN", "TMT")), ("ман.", ("AZN", "TMT")), ("Лей", ("MDL", "RON")),
                               ("¥", ("CNY", "JPY")), ("у.е.", ()), ("У. Е.", ())):
            with self.subTest(written):
                self.assertEqual(currency_code(written), "", "not guessed")
                self.assertEqual(ambiguous_codes(written), codes)
        self.assertEqual(currency_code("у.е.", {"0": "USD"}), "", "conventional units are no dollars")
        self.assertIsNone(ambiguous_codes("руб."))

    def test_odoos_numbers(self):
        """Odoo's own numbers, as its data gives them: one shared by two currencies (840: the dollar's, which
        Odoo 18 gives the lats and the litas too; 974: the old and the new Belarusian rouble) names neither;
        the ISO numbers of :data:`NUMBERS` come first."""
        numbers = odoo_numbers([("USD", 840), ("LVL", 840), ("LTL", 840), ("BYR", 974), ("BYN", 974),
                                ("AMD", 51), ("CHF", 756), ("XXX", 0)])
        self.assertEqual(numbers, {"51": "AMD", "756": "CHF", "840": "USD"}, "840 is the dollar's, not the lats'")
        self.assertEqual(currency_code("840", {"840": "LVL"}), "USD")
        self.assertEqual(odoo_numbers([("USD", 840, False), ("LVL", 840, True), ("LTL", 840, False)]),
                         {"840": "USD"}, "an ISO fact, whichever is active")
        self.assertEqual(currency_code("933", numbers), "BYN")
        self.assertEqual(currency_code("974", numbers), "BYN", "the old Belarusian rouble's number is today's")

    def test_a_number_an_old_and_a_current_currency_share(self):
        """Odoo 18's data gives the old and the current currency one ISO number (the bolívar fuerte's 937 to
        the bolívar soberano, the old ouguiya's 478, dobra's 678 and leone's 694 to today's, the peso's 858 to
        the Uruguayan unit of account): 1C's number is the current currency's, as is the current one's own
        ISO number, which Odoo's data does not carry; but the old one when the store has it active and
        not the current one (a base priced in it still)."""
        odoo = [("UYU", 858), ("UYW", 858), ("VEF", 937), ("VES", 937), ("MRO", 478), ("MRU", 478),
                ("STD", 678), ("STN", 678), ("SLL", 694), ("SLE", 694), ("CHF", 756)]
        numbers = odoo_numbers(odoo)
        for number, current, old, own in (("858", "UYU", "UYW", "927"), ("937", "VES", "VEF", "928"),
                                          ("478", "MRU", "MRO", "929"), ("678", "STN", "STD", "930"),
                                          ("694", "SLE", "SLL", "925")):
            with self.subTest(number=number):
                self.assertEqual(numbers[number], current)
                self.assertEqual(currency_code(number, numbers), current)
                self.assertEqual(currency_code("0" + number), current, "without Odoo's numbers too")
                self.assertEqual(currency_code(number, {number: old}), old, "Odoo's numbers say the store's")
                # the one of them the store has active (a store still on the old ouguiya), else the current one
                for old_active, current_active, named in ((True, False, old), (False, True, current),
                                                          (True, True, current), (False, False, current)):
                    self.assertEqual(odoo_numbers([(old, int(number), old_active), (current, int(number),
                                                   current_active)])[number], named, (old_active, current_active))
                self.assertEqual(currency_code(own, numbers), "UYW" if number == "858" else current)
                self.assertTrue(same_currency(number, current, numbers))
                self.assertFalse(same_currency(number, old, numbers))
        # a number two share that is none of these still names neither
        self.assertNotIn("111", odoo_numbers([("AAA", 111), ("BBB", 111)]))

    def test_same_currency(self):
        numbers = {"398": "KZT", "933": "BYN"}
        for first, second, same in (("тенге", "398", True), ("KZT", "тг.", True), ("бел. руб.", "933", True),
                                    ("BYN", "RUB", False), ("бел. руб.", "руб.", False), ("₸", "RUB", False),
                                    ("шекель", "Шекель.", True), ("шекель", "ILS", False)):
            with self.subTest(first=first, second=second):
                self.assertEqual(same_currency(first, second, numbers), same)

    def test_the_sales_price_type_in_tenge(self):
        declared = [{"name": "Розничная", "currency": "руб."}, {"name": "Розничная KZ", "currency": "398"}]
        self.assertEqual(sales_price_type(declared, "KZT"), 1)
        self.assertEqual(sales_price_type(declared, "RUB"), 0)


def offers(types, prices):
    """:func:`.common.priced_offers_package` of the products ``i`` of :func:`big_catalog`."""
    return priced_offers_package(types, [(big_catalog_id(i), *price) for i, *price in prices])


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestPricesInTengeAndBelarusianRoubles(ImporterCase):
    """A rouble store whose 1C also prices in tenge («398») and Belarusian roubles («бел. руб.»)."""

    TYPES = [("retail", "Розничная", "руб."), ("kz", "Розничная KZ", "398"), ("by", "Розничная BY", "бел. руб.")]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.currencies = {"RUB": sell_in_roubles(cls.env), "KZT": cls.env.ref("base.KZT"),
                          "BYN": cls.env.ref("base.BYN")}
        (cls.currencies["KZT"] | cls.currencies["BYN"]).active = False
        cls.importer._import_catalog(io.BytesIO(big_catalog(5, description="")))
        cls.products = [cls.Product.search([("ecom_1c_id", "=", big_catalog_id(i))]) for i in range(5)]
        cls.russian = cls.importer.with_context(lang="ru_RU")

    def test_odoos_numbers_name_the_dollar(self):
        """Through Odoo's currencies as its data has them (the lats and the litas numbered 840 too): «840» is
        the dollar, «933» and «974» the Belarusian rouble, «051» the dram."""
        numbers = self.importer._currency_numbers()
        for written, code in (("840", "USD"), ("933", "BYN"), ("974", "BYN"), ("051", "AMD"), ("643", "RUB")):
            with self.subTest(written):
                self.assertEqual(currency_code(written, numbers), code)
        # Odoo's data numbers the old ouguiya and today's 478, both inactive: today's; a store still on the old
        # one (active, today's not): the old one
        self.assertEqual(currency_code("478", numbers), "MRU")
        self.env.ref("base.MRO").active = True
        self.assertEqual(currency_code("478", self.importer._currency_numbers()), "MRO")

    def test_a_price_in_tenge_is_no_price_in_roubles(self):
        """The sales price in roubles takes «643», not «тенге» (KZT, inactive: the log says to activate it)
        nor a currency no one knows; the tenge price type, declared «398», is set aside for a pricelist."""
        warnings = self.russian._import_offers(offers(self.TYPES, [
            (0, "retail", 4200, "643"), (1, "retail", 21000, "тенге"), (2, "retail", 99, "пиастр"),
            (3, "retail", 10, "манат"), (4, "retail", 70, "у.е.")]))["warnings"]
        PriceType = self.env["ecom.1c.price.type"]
        self.assertEqual(PriceType.search([("target", "=", "list_price")]).ecom_1c_id, "retail")
        self.assertEqual([p.ecom_1c_price for p in self.products], [4200, 0, 0, 0, 0])
        self.assertIn(f"Предложения {big_catalog_id(1)}: цена типа цен 1С «Розничная» в KZT пропущена: она идёт в "
                      "цену в RUB. Валюта KZT в Odoo не активна: активируйте её (Валюты) и выберите этому типу цен "
                      "прайс-лист в KZT, чтобы эти цены загружались", warnings)
        self.assertIn(f"Предложения {big_catalog_id(2)}: цена типа цен 1С «Розничная» в «пиастр» пропущена: такой "
                      "валюты Odoo не знает (это не код ISO 4217 и не краткое наименование, которое пишет 1С); она "
                      "идёт в цену в RUB", warnings)
        self.assertIn(f"Предложения {big_catalog_id(3)}: цена типа цен 1С «Розничная» в «манат» пропущена: «манат» "
                      "может означать AZN / TMT, и Odoo не угадывает какую; укажите в 1С валюту её кодом ISO; она идёт "
                      "в цену в RUB", warnings)
        self.assertIn(f"Предложения {big_catalog_id(4)}: цена типа цен 1С «Розничная» в «у.е.» пропущена: условные "
                      "единицы — не валюта; укажите в 1С кодом ISO валюту, в которой назначены цены; она идёт в цену "
                      "в RUB", warnings)

    def test_tenge_and_belarusian_roubles_land_in_their_pricelists(self):
        """Activated, each with its pricelist: «тг», «KZT» and «398» are tenge, «933» Belarusian roubles; a
        price in Belarusian roubles of the tenge price type is skipped, said in Russian."""
        self.russian._import_offers(offers(self.TYPES, []))
        pricelists = {}
        for code, type_id in (("KZT", "kz"), ("BYN", "by")):
            self.currencies[code].active = True
            pricelists[code] = self.env["product.pricelist"].create({"name": code, "currency_id":
                                                                     self.currencies[code].id})
            self.env["ecom.1c.price.type"].search([("ecom_1c_id", "=", type_id)]).pricelist_id = pricelists[code]
        warnings = self.russian._import_offers(offers(self.TYPES, [
            (0, "kz", 21000, "тг"), (1, "kz", 22000, "KZT"), (2, "kz", 23000, "398"), (3, "kz", 90, "BYN"),
            (4, "by", 95, "933")]))["warnings"]
        self.assertEqual([pricelists["KZT"]._get_product_price(p, 1) for p in self.products[:3]],
                         [21000, 22000, 23000])
        self.assertEqual(pricelists["BYN"]._get_product_price(self.products[4], 1), 95)
        self.assertFalse(pricelists["KZT"].item_ids.filtered(lambda i: i.product_tmpl_id == self.products[3]
                                                             .product_tmpl_id), "90 BYN: no price in tenge")
        self.assertEqual(warnings, [f"Предложения {big_catalog_id(3)}: цена типа цен 1С «Розничная KZ» в BYN "
                                    "пропущена: она идёт в цену в KZT"])
