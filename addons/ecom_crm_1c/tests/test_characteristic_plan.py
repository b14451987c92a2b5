"""Which variant each 1C characteristic makes, decided in plain Python. No database."""

from odoo.tests import BaseCase, tagged

from ..commerceml.characteristics import MISSING, characteristic_label, display_names, name_key, plan_combinations


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestCharacteristicPlan(BaseCase):
    def test_characteristics_naming_different_sets(self):
        """«#size-40» names Размер, «#size-41» Размер and Цвет: both get every characteristic."""
        names, combinations, duplicates = plan_combinations(set(), {
            "p#size-40": {"Размер": "40"}, "p#size-41": {"Размер": "41", "Цвет": "Белый"}})
        self.assertEqual(names, ["Размер", "Цвет"])
        self.assertEqual(combinations, {"p#size-40": {"Размер": "40", "Цвет": MISSING},
                                        "p#size-41": {"Размер": "41", "Цвет": "Белый"}})
        self.assertEqual(duplicates, {})

    def test_characteristics_the_product_already_has(self):
        """A product whose variants have Цвет gets a new characteristic naming only Размер: Цвет «—»."""
        names, combinations, _duplicates = plan_combinations({"Цвет"}, {"p#42": {"Размер": "42"}})
        self.assertEqual(names, ["Цвет", "Размер"])
        self.assertEqual(combinations, {"p#42": {"Цвет": MISSING, "Размер": "42"}})

    def test_same_values_twice(self):
        _names, combinations, duplicates = plan_combinations(set(), {
            "p#a": {"Размер": "40"}, "p#b": {"Размер": "40"}})
        self.assertEqual(list(combinations), ["p#a"])
        self.assertEqual(duplicates, {"p#b": "p#a"})

    def test_label_of_a_characteristic_without_values(self):
        self.assertEqual(characteristic_label("Футболка (красная)", "Футболка", "red"), "красная")
        self.assertEqual(characteristic_label("Футболка  красная", "Футболка", "red"), "красная")
        self.assertEqual(characteristic_label("Красная футболка", "Футболка", "red"), "Красная футболка")
        self.assertEqual(characteristic_label("Футболка", "Футболка", "red"), "red",
                         "a name that is the product's own tells nothing: the characteristic's id")
        self.assertEqual(characteristic_label("Кабель (3 м) (чёрный)", "Кабель (3 м)", "b"), "чёрный")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestCharacteristicNames(BaseCase):
    def test_one_name_however_spelled(self):
        """Case, spaces around and doubled, «ё» for «е»: one characteristic; other names stay apart."""
        for first, second in (("Цвет", "цвет"), ("Цвет", " Цвет "), ("Размер", "РАЗМЕР"), ("Объём", "Объем"),
                              ("Размер  обуви", "размер обуви"), ("Ёмкость", "емкость"), ("Цвет", "Цвет\t"),
                              ("ОБЪЁМ", "Объем"), ("Объе\u0308м", "объем"), ("Краи\u0306", "Край"),
                              ("Цвет", "Цвет\u00a0")):
            with self.subTest(first=first, second=second):
                self.assertEqual(name_key(first), name_key(second))
        for first, second in (("Цвет", "Цвета"), ("Размер", "Размер обуви"), ("Объём", "Объёмы"), ("Край", "Краи")):
            with self.subTest(first=first, second=second):
                self.assertNotEqual(name_key(first), name_key(second))
        self.assertEqual(name_key(None), "")

    def test_the_first_spelling_is_shown(self):
        """The name Odoo has comes first, else the first spelling 1C sent, its spaces tidied."""
        self.assertEqual(display_names([], ["цвет ", "Цвет", "Объем", "Объём", " Размер  обуви"]), {
            "цвет ": "цвет", "Цвет": "цвет", "Объем": "Объем", "Объём": "Объем", " Размер  обуви": "Размер обуви"})
        self.assertEqual(display_names(["Цвет", "Объём"], ["ЦВЕТ", "объем", "Вкус"]), {
            "Цвет": "Цвет", "Объём": "Объём", "ЦВЕТ": "Цвет", "объем": "Объём", "Вкус": "Вкус"})
        self.assertEqual(display_names(["Цвет", "цвет"], ["цвет "]), {"Цвет": "Цвет", "цвет": "Цвет", "цвет ": "Цвет"},
                         "of two the database has, the first made")
