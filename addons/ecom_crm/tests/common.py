import io
import json
from contextlib import contextmanager

import polib

from odoo import sql_db
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tools.misc import file_path
from odoo.tools.translate import trans_export

from ..models import ecom_intake_request as journal_module

URL = "/ecom_crm/api/v1/requests"


class EcomCrmCase(TransactionCase):
    """Base for ecom_crm tests: a salesman and a sales manager with the lowest rights they need."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, lang="en_US"))
        cls.env.company.country_id = cls.env.ref("base.ru")  # a Russian store, writing in Russian
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env.company.partner_id.lang = "ru_RU"
        cls.salesman = new_test_user(
            cls.env, login="ecom_salesman", groups="sales_team.group_sale_salesman", name="Анна Продавцова",
            lang="en_US")
        cls.sales_manager = new_test_user(
            cls.env, login="ecom_manager", groups="sales_team.group_sale_manager", name="Олег Руководов",
            lang="en_US")
        cls.Partner = cls.env["res.partner"]
        cls.Lead = cls.env["crm.lead"]
        cls.stage_new = cls.env.ref("ecom_crm.crm_stage_new_request")
        cls.stage_contact = cls.env.ref("ecom_crm.crm_stage_first_contact")
        cls.stage_deciding = cls.env.ref("ecom_crm.crm_stage_deciding")
        cls.stage_payment = cls.env.ref("ecom_crm.crm_stage_awaiting_payment")
        cls.stage_sold = cls.env.ref("ecom_crm.crm_stage_sold")
        cls.stage_refused = cls.env["crm.stage"].create({"name": "Refused", "sequence": 90, "ecom_is_refusal": True})
        cls.reason_expensive = cls.env.ref("ecom_crm.lost_reason_too_expensive")
        cls.reason_delivery_refused = cls.env.ref("ecom_crm.lost_reason_refused_at_delivery")
        cls.product = cls.env["product.product"].create(
            {"name": "Коляска Cybex Priam", "list_price": 89990, "taxes_id": [(5, 0, 0)]})

    @classmethod
    def _lead(cls, **vals):
        """An opportunity of the salesman in «New request», or as ``vals`` say."""
        return cls.Lead.create({"name": "Заявка", "type": "opportunity", "user_id": cls.salesman.id,
                                "stage_id": cls.stage_new.id, **vals})

    @classmethod
    def _ready_for_payment(cls):
        """Values the «Awaiting payment» stage requires."""
        return {"phone": "+79161234567", "ecom_delivery_street": "ул. Ленина, д. 1, кв. 2",
                "ecom_delivery_zip": "101000", "ecom_delivery_date": "2026-12-01 10:00:00"}


class IntakeCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ru")
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env.company.partner_id.lang = "ru_RU"
        cls.team = cls.env["crm.team"].create({"name": "Интернет-магазин"})
        cls.source = cls.env["ecom.intake.source"].create({
            "name": "Сайт магазина", "kind": "website", "team_id": cls.team.id, "rate_limit": 1000,
            "utm_source_id": cls.env.ref("ecom_crm.utm_source_website").id})
        cls.key = cls.source._generate_key()
        cls.product = cls.env["product.product"].create({"name": "Пылесос Dreame L10", "default_code": "DR-L10",
                                                         "list_price": 24990})

    def post(self, payload, key=None, raw=None, headers=None, wait=True):
        """POST a request; ``wait``: processed within the call (?wait=1), else queued (202)."""
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json",
                       "Authorization": f"Bearer {self.key if key is None else key}", **(headers or {})}
        return self.url_open(URL + ("?wait=1" if wait else ""), data=body, headers=all_headers)

    def process_queue(self):
        return self.env["ecom.intake.request"]._cron_process_pending(auto_commit=False)

    @contextmanager
    def another_worker(self):
        """A second connection to the test database, as another worker's: its locks are real. This
        process's memory of a queue found busy is forgotten before and after."""
        dbname = self.env.cr.dbname
        journal_module.BUSY.forget(dbname)
        other = sql_db.db_connect(dbname).cursor()
        try:
            yield other
        finally:
            other.close()
            journal_module.BUSY.forget(dbname)


def untranslated_terms(env, module, lang="ru_RU"):
    """Terms of ``module`` that its shipped i18n/<lang>.po leaves untranslated (or misses)."""
    buffer = io.BytesIO()
    trans_export(lang, [module], buffer, "po", env.cr)
    path = file_path(f"{module}/i18n/{lang.split('_')[0]}.po")
    shipped = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(path)}
    return sorted(e.msgid for e in polib.pofile(buffer.getvalue().decode())
                  if not shipped.get((e.msgctxt, e.msgid)))
