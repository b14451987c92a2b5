from odoo.addons.ecom_crm.tests.common import untranslated_terms
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestI18n(TransactionCase):
    def test_everything_is_translated_into_russian(self):
        self.assertEqual(untranslated_terms(self.env, "ecom_crm_1c"), [], "add these terms to i18n/ru.po")
