from odoo.addons.ecom_crm.tests.common import untranslated_terms
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestI18n(TransactionCase):
    def test_everything_is_translated_into_russian(self):
        self.assertEqual(untranslated_terms(self.env, "ecom_crm_scoring"), [], "add these terms to i18n/ru.po")

    def test_an_empty_today_list_says_why_on_a_new_store(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        action = self.env.ref("ecom_crm_scoring.ecom_scoring_today_action").with_context(lang="ru_RU")
        self.assertIn("в новом магазине он пуст, пока клиенты", str(action.help))
