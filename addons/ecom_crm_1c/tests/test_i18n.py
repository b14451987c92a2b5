from babel.messages.pofile import read_po
from psycopg2.extras import Json

from odoo.addons.ecom_crm.tests.common import untranslated_terms, upgrade_from
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_open


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestI18n(TransactionCase):
    def test_everything_is_translated_into_russian(self):
        self.assertEqual(untranslated_terms(self.env, "ecom_crm_1c"), [], "add these terms to i18n/ru.po")

    def test_the_exchange_messages_end_alike(self):
        """The messages of the addon's code (1C's answers, the exchange log's lines and warnings, the chatter's
        notes, the errors of Settings) end alike, without a full stop (a reason is joined to a file's name and
        to other reasons with colons), and each Russian translation ends as its English. Every such message is
        in ru.po (:meth:`test_everything_is_translated_into_russian`)."""
        with file_open("ecom_crm_1c/i18n/ru.po", "rb") as po:
            catalog = read_po(po)
        messages = [message for message in catalog
                    if message.id and any(where.startswith("code:") for where, _line in message.locations)]
        self.assertGreater(len(messages), 100, "the code's messages are read")
        self.assertEqual([message.id for message in messages if message.id.rstrip().endswith(".")], [])
        self.assertEqual([message.id for message in messages
                          if message.string.rstrip().endswith(".") != message.id.rstrip().endswith(".")], [])

    def test_every_upgrade_brings_the_shipped_russian(self):
        """A database at an older version holds the Russian help of its day, which ``-u`` keeps; the upgrade to
        this version (``migrations/0.0.0``: on any version change) loads the shipped one over it. ``-u`` of the
        version installed leaves it. From 18.0.1.2.8: an attribute's «1C id» now says a property's id may be on
        a characteristic's attribute; from 18.0.1.2.12: a 1C status's name says the id is taken first when the
        table maps it."""
        self.env["res.lang"]._activate_lang("ru_RU")
        cases = [("product.attribute", "ecom_1c_id", "18.0.1.2.8",
                  "Ид свойства 1С (атрибут товара без вариантов)", "или атрибут характеристики"),
                 ("ecom.1c.status.map", "name", "18.0.1.2.12",
                  "Как 1С пишет его в «Статус заказа», например «Отгружен», или, без него, код статуса сайта",
                  "Когда 1С передаёт оба, берётся код")]
        for model, name, version, old, shipped in cases:
            with self.subTest(model=model, version=version):
                field = self.env["ir.model.fields"]._get(model, name).with_context(lang="ru_RU")
                self.env.cr.execute("UPDATE ir_model_fields SET help = help || %s WHERE id = %s",
                                    [Json({"ru_RU": old}), field.id])
                self.env.invalidate_all()
                upgrade_from(self.env, "ecom_crm_1c", get_manifest("ecom_crm_1c")["version"])
                self.assertEqual(field.help, old)
                upgrade_from(self.env, "ecom_crm_1c", version)
                self.assertIn(shipped, field.help)
