import io

from odoo.addons.ecom_crm.tests.common import untranslated_terms
from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export


@tagged("post_install", "-at_install", "ecom_crm")
class TestI18n(TransactionCase):
    def test_everything_is_translated_into_russian(self):
        self.assertEqual(untranslated_terms(self.env, "ecom_crm"), [], "add these terms to i18n/ru.po")

    def test_every_file_gives_its_terms_to_the_export(self):
        """Odoo's export reads the arguments of ``_()`` as literals: an f-string there (a name in it) stops
        the reading of its file, whose later terms leave the export without a word but a logged error."""
        with self.assertNoLogs("odoo.tools.translate", "ERROR"):
            trans_export("ru_RU", ["ecom_crm"], io.BytesIO(), "po", self.env.cr)

    def test_an_upgrade_brings_the_translations_that_changed(self):
        """A database upgraded from 18.0.1.5.1 held «Продавец» for the reports' salesperson, which
        ``-u`` keeps: the migration loads the shipped translations over it. The activity type the
        data files create once is renamed while it has 18.0.1.5.1's Russian name; a name a user
        gave it is kept."""
        self.env["res.lang"]._activate_lang("ru_RU")
        label = self.env["ir.model.fields"]._get("ecom.report.sales", "user_id").with_context(lang="ru_RU")
        self.env.cr.execute("UPDATE ir_model_fields SET field_description = field_description || %s WHERE id = %s",
                            ['{"ru_RU": "Продавец"}', label.id])
        kind = self.env.ref("ecom_crm.mail_activity_type_unassigned").with_context(lang="ru_RU")
        self.env.cr.execute("UPDATE mail_activity_type SET name = name || %s, summary = summary || %s WHERE id = %s",
                            ['{"ru_RU": "Нет свободного продавца"}', '{"ru_RU": "Распределите сами"}', kind.id])
        migration = load_script("ecom_crm/migrations/18.0.1.5.2/post-migrate.py", "ecom_crm_post_migrate_18_0_1_5_2")
        migration.migrate(self.env.cr, "18.0.1.5.1")
        label.invalidate_model()
        kind.invalidate_model()
        self.assertEqual(label.field_description, "Менеджер")
        self.assertEqual(label.with_context(lang="en_US").field_description, "Salesperson")
        self.assertEqual((kind.name, kind.summary), ("Нет свободного менеджера", "Распределите сами"))
        self.assertEqual(kind.with_context(lang="en_US").name, "No salesperson available")
