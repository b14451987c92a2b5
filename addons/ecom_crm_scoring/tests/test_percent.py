from odoo.tests import BaseCase, tagged

from ..tools.percent import format_percent


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestPercent(BaseCase):
    """An offer's chance is written as the reader's language writes percentages, the way the progress
    bar of the chance of an order next to it writes its own («87 %» in Russian)."""

    def test_russian_puts_a_no_break_space_before_the_sign(self):
        self.assertEqual(format_percent(0.4, "ru_RU"), "40\N{NO-BREAK SPACE}%")
        self.assertEqual(format_percent(0.372, "ru_RU"), "37\N{NO-BREAK SPACE}%", "whole percents")
        self.assertEqual(format_percent(0.995, "ru_RU"), "100\N{NO-BREAK SPACE}%")

    def test_english_writes_the_sign_next_to_the_number(self):
        self.assertEqual(format_percent(0.4, "en_US"), "40%")

    def test_a_language_babel_does_not_know_writes_it_as_english(self):
        self.assertEqual(format_percent(0.4, "xx_YY"), "40%")
        self.assertEqual(format_percent(0.4, False), "40%")
