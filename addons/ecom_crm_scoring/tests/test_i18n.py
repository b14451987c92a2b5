from psycopg2.extras import Json

from odoo.addons.ecom_crm.tests.common import untranslated_terms, upgrade_from
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestI18n(TransactionCase):
    def test_everything_is_translated_into_russian(self):
        self.assertEqual(untranslated_terms(self.env, "ecom_crm_scoring"), [], "add these terms to i18n/ru.po")

    def test_an_empty_today_list_says_why_on_a_new_store(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        action = self.env.ref("ecom_crm_scoring.ecom_scoring_today_action").with_context(lang="ru_RU")
        self.assertIn("в новом магазине он пуст, пока клиенты", str(action.help))

    def test_every_upgrade_brings_the_shipped_russian(self):
        """A database at 18.0.2.3.4 holds the Russian of its day, which ``-u`` keeps: the offer's «Предложение
        (шанс)», the today list's «Шанс покупки» for the chance of an order. The upgrade to this version
        (``migrations/0.0.0``: on any version change) loads the shipped Russian over it; the activity type
        the data files create once keeps the name the store gave it."""
        self.env["res.lang"]._activate_lang("ru_RU")
        field = self.env["ir.model.fields"]._get("ecom.customer.score", "main_offer").with_context(lang="ru_RU")
        self.env.cr.execute("UPDATE ir_model_fields SET field_description = field_description || %s WHERE id = %s",
                            [Json({"ru_RU": "Предложение (шанс)"}), field.id])
        view = self.env.ref("ecom_crm_scoring.ecom_scoring_today_view_list").with_context(lang="ru_RU")
        self.env.cr.execute("UPDATE ir_ui_view SET arch_db = jsonb_set(arch_db, '{ru_RU}', to_jsonb(replace("
                            "arch_db->>'ru_RU', 'Шанс заказа', 'Шанс покупки'))) WHERE id = %s", [view.id])
        kind = self.env.ref("ecom_crm_scoring.mail_activity_type_scoring_call").with_context(lang="ru_RU")
        kind.name = "Позвонить по скорингу"
        self.env.invalidate_all()
        self.assertNotIn("Шанс заказа", view.arch_db)
        upgrade_from(self.env, "ecom_crm_scoring", "18.0.2.3.4")
        self.assertEqual(field.field_description, "Предложение (шанс покупки)")
        self.assertIn("Шанс заказа", view.arch_db)
        self.assertEqual(kind.name, "Позвонить по скорингу")
