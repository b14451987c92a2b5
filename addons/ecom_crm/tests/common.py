import io

import polib

from odoo.tests import TransactionCase, new_test_user
from odoo.tools.misc import file_path
from odoo.tools.translate import trans_export


class EcomCrmCase(TransactionCase):
    """Base for ecom_crm tests: a salesman and a sales manager with the lowest rights they need."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.salesman = new_test_user(
            cls.env, login="ecom_salesman", groups="sales_team.group_sale_salesman", name="Анна Продавцова")
        cls.sales_manager = new_test_user(
            cls.env, login="ecom_manager", groups="sales_team.group_sale_manager", name="Олег Руководов")
        cls.Partner = cls.env["res.partner"]
        cls.Lead = cls.env["crm.lead"]


def untranslated_terms(env, module, lang="ru_RU"):
    """Terms of ``module`` that its shipped i18n/<lang>.po leaves untranslated (or misses)."""
    buffer = io.BytesIO()
    trans_export(lang, [module], buffer, "po", env.cr)
    path = file_path(f"{module}/i18n/{lang.split('_')[0]}.po")
    shipped = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(path)}
    return sorted(e.msgid for e in polib.pofile(buffer.getvalue().decode())
                  if not shipped.get((e.msgctxt, e.msgid)))
