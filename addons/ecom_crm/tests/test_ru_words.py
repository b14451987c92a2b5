"""Amounts in words and formats of Russian documents (plain Python, no database)."""
from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools.ru_words import (
    amount_in_words,
    capitalize,
    format_amount,
    format_date,
    format_quantity,
    number_in_words,
    plural,
)

RUB = [
    (1, "один рубль 00 копеек"),
    (2, "два рубля 00 копеек"),
    (5, "пять рублей 00 копеек"),
    (11, "одиннадцать рублей 00 копеек"),
    (12, "двенадцать рублей 00 копеек"),
    (14, "четырнадцать рублей 00 копеек"),
    (21, "двадцать один рубль 00 копеек"),
    (22, "двадцать два рубля 00 копеек"),
    (101, "сто один рубль 00 копеек"),
    (111, "сто одиннадцать рублей 00 копеек"),
    (1000, "одна тысяча рублей 00 копеек"),
    (1001, "одна тысяча один рубль 00 копеек"),
    (2000, "две тысячи рублей 00 копеек"),
    (5000, "пять тысяч рублей 00 копеек"),
    (11000, "одиннадцать тысяч рублей 00 копеек"),
    (21000, "двадцать одна тысяча рублей 00 копеек"),
    (22000, "двадцать две тысячи рублей 00 копеек"),
    (1_000_000, "один миллион рублей 00 копеек"),
    (2_002_002, "два миллиона две тысячи два рубля 00 копеек"),
    (5_021_000.22, "пять миллионов двадцать одна тысяча рублей 22 копейки"),
    (1_000_000_000, "один миллиард рублей 00 копеек"),
    (21.01, "двадцать один рубль 01 копейка"),
    (1234.56, "одна тысяча двести тридцать четыре рубля 56 копеек"),
    (138991, "сто тридцать восемь тысяч девятьсот девяносто один рубль 00 копеек"),
    (0.02, "ноль рублей 02 копейки"),
    (0, "ноль рублей 00 копеек"),
    (112.11, "сто двенадцать рублей 11 копеек"),
    (999.99, "девятьсот девяносто девять рублей 99 копеек"),
    (14.005, "четырнадцать рублей 01 копейка"),  # half up, from the decimal text, not the binary float
    (0.1 + 0.2, "ноль рублей 30 копеек"),
    (-5, "минус пять рублей 00 копеек"),
]


@tagged("post_install", "-at_install", "ecom_crm")
class TestRussianAmountInWords(BaseCase):
    def test_rubles_and_kopecks(self):
        for amount, words in RUB:
            with self.subTest(amount=amount):
                self.assertEqual(amount_in_words(amount), words)

    def test_other_currencies(self):
        self.assertEqual(amount_in_words(21.5, "USD"), "двадцать один доллар США 50 центов")
        self.assertEqual(amount_in_words(3, "EUR"), "три евро 00 центов")
        self.assertEqual(amount_in_words(2, "BYN"), "два белорусских рубля 00 копеек")
        self.assertEqual(amount_in_words(7.5, "XYZ"), "семь XYZ 50")

    def test_gender(self):
        self.assertEqual(number_in_words(1), "один")
        self.assertEqual(number_in_words(1, "f"), "одна")
        self.assertEqual(number_in_words(2, "f"), "две")
        self.assertEqual(number_in_words(1_001_001, "f"), "один миллион одна тысяча одна")
        self.assertEqual(number_in_words(2_002_002), "два миллиона две тысячи два")
        with self.assertRaises(ValueError):
            number_in_words(10 ** 15)

    def test_plural(self):
        forms = ("рубль", "рубля", "рублей")
        expected = {0: "рублей", 1: "рубль", 2: "рубля", 4: "рубля", 5: "рублей", 11: "рублей", 14: "рублей",
                    21: "рубль", 23: "рубля", 100: "рублей", 101: "рубль", 111: "рублей", 112: "рублей",
                    1021: "рубль", 1_000_011: "рублей"}
        for number, form in expected.items():
            with self.subTest(number=number):
                self.assertEqual(plural(number, forms), form)

    def test_cardinals_agree_with_num2words(self):
        """An independent spelling of the cardinals (num2words, in Odoo's requirements) agrees with ours."""
        try:
            from num2words import num2words
        except ImportError:
            self.skipTest("num2words is not installed")
        numbers = [*range(2100), 9999, 10001, 21000, 99999, 100_000, 101_101, 999_999, 1_000_001, 2_345_678,
                   11_011_011, 123_456_789, 1_000_000_000, 987_654_321_012]
        for number in numbers:
            with self.subTest(number=number):
                self.assertEqual(number_in_words(number), num2words(number, lang="ru"))

    def test_formats(self):
        self.assertEqual(format_amount(1234567.5), "1 234 567,50")
        self.assertEqual(format_amount(0), "0,00")
        self.assertEqual(format_amount(-1.5), "-1,50")
        self.assertEqual(format_amount(999.995), "1 000,00")
        self.assertEqual(format_quantity(2.0), "2")
        self.assertEqual(format_quantity(1.5), "1,5")
        self.assertEqual(format_quantity(1234.0), "1 234")
        self.assertEqual(format_date(date(2026, 12, 2)), "2 декабря 2026 г.")
        self.assertEqual(format_date(date(2027, 5, 31)), "31 мая 2027 г.")
        self.assertEqual(capitalize("двадцать один доллар США"), "Двадцать один доллар США")
