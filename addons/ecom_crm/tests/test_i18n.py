import io

from lxml import etree
from psycopg2.extras import Json

from odoo.addons.ecom_crm.tests.common import (
    column_width,
    cut_list_headers,
    header_length,
    untranslated_terms,
    upgrade_from,
)
from odoo.modules.migration import load_script
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL
from odoo.tools.translate import trans_export


@tagged("post_install", "-at_install", "ecom_crm")
class TestI18n(TransactionCase):
    def _russian_as_before(self, attribute, texts):
        """Write ``texts`` ({(model, field name): Russian}) as the Russian of the fields' ``attribute``
        (``field_description`` or ``help``), as a database upgraded by ``-u`` keeps an older text."""
        for (model, name), text in texts.items():
            self.env.cr.execute(SQL("UPDATE ir_model_fields SET %(column)s = %(column)s || %(text)s WHERE id = %(id)s",
                                    column=SQL.identifier(attribute), text=Json({"ru_RU": text}),
                                    id=self.env["ir.model.fields"]._get(model, name).id))
        self.env.invalidate_all()

    def test_everything_is_translated_into_russian(self):
        self.assertEqual(untranslated_terms(self.env, "ecom_crm"), [], "add these terms to i18n/ru.po")

    def test_the_pipelines_activity_bar_is_in_russian(self):
        """The pipeline's activity bar said «4 Today» in a database where Russian was loaded before CRM was
        installed (Odoo creates a model's activity states with its module under mail's name and translates
        them when mail is installed): ecom_crm's load of its terms (at its install and each upgrade) gives
        the activity states of every model mail's Russian where they have none, and keeps one a store gave."""
        self.env["res.lang"]._activate_lang("ru_RU")

        def labels(model, field="activity_state"):
            self.env.registry.clear_cache()
            self.env.invalidate_all()
            return dict(self.env[model].with_context(lang="ru_RU").fields_get([field])[field]["selection"])

        states = self.env["ir.model.fields"].search([("model", "in", ("crm.lead", "sale.order")), (
            "name", "in", ("activity_state", "activity_exception_decoration"))]).selection_ids
        self.assertEqual(len(states), 10)
        self.env.cr.execute("UPDATE ir_model_fields_selection SET name = jsonb_build_object('en_US', name->>'en_US') "
                            "WHERE id = ANY(%s)", [states.ids])
        self.env.cr.execute("UPDATE ir_model_fields_selection SET name = name || '{\"ru_RU\": \"В плане\"}' "
                            "WHERE id = ANY(%s) AND value = 'planned' AND field_id = %s",
                            [states.ids, self.env["ir.model.fields"]._get("crm.lead", "activity_state").id])
        self.assertEqual(labels("crm.lead")["today"], "Today", "as such a database has it")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["en_US"])  # a database without Russian
        self.assertEqual(labels("crm.lead")["today"], "Today")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"])
        self.assertEqual(labels("crm.lead"), {"overdue": "Просроченные", "today": "Сегодня", "planned": "В плане"})
        self.assertEqual(labels("sale.order"),
                         {"overdue": "Просроченные", "today": "Сегодня", "planned": "Запланированные"})
        self.assertEqual(labels("sale.order", "activity_exception_decoration"),
                         {"warning": "Оповещение", "danger": "Ошибка"})

    def test_every_russian_list_header_fits_its_column(self):
        """Odoo's list cuts a header to its column's width («Рекламные р…», «Средний пе…», «Просроч…» in the owner's
        reports): every column of every list view of the three addons, and of the lists in their forms (an
        extension of another's view: the columns it adds) whose width is fixed (its ``width``, or the one Odoo
        gives a number, an amount, a date, a checkbox) shows its whole Russian header."""
        self.env["res.lang"]._activate_lang("ru_RU")
        addons = self.env["ir.module.module"].search([("name", "in", ("ecom_crm", "ecom_crm_1c", "ecom_crm_scoring")),
                                                      ("state", "=", "installed")]).mapped("name")
        # the shipped Russian, not the one an upgraded database kept
        self.env["ir.module.module"]._load_module_terms(addons, ["ru_RU"], overwrite=True)
        ours = self.env["ir.model.data"].search([("module", "in", addons), ("model", "=", "ir.ui.view")])
        views = self.env["ir.ui.view"].browse(ours.mapped("res_id")).filtered(
            lambda view: view.type in ("list", "form"))
        self.assertGreaterEqual(set(views.mapped("model")), {"ecom.report.channel", "ecom.report.manager",
                                                              "ecom.report.cohort", "ecom.call", "ecom.intake.request"})
        cut = [(view.xml_id, *column) for view in views for column in cut_list_headers(self.env, view)]
        self.assertEqual(cut, [], "widen the column (width) or say it shorter in i18n/ru.po")

    def test_the_calls_journal_shows_the_whole_number(self):
        """The calls journal's customer's number was cut («+7913435…») in a list of nine columns, the request's
        name taking the room: its column is as wide as a number written in full or «Скрытый номер»."""
        self.env["res.lang"]._activate_lang("ru_RU")
        Call = self.env["ecom.call"].with_context(lang="ru_RU")
        arch = etree.fromstring(Call.get_view(self.env.ref("ecom_crm.ecom_call_view_list").id, "list")["arch"])
        fields = Call.fields_get()
        number = arch.xpath("//field[@name='display_name']")[0]
        longest = max(header_length(text, bold=False)
                      for text in ("+79134352809", "+7 (913) 435-28-09", "Скрытый номер"))
        self.assertGreaterEqual(column_width(number, fields["display_name"]) or 0, longest)

    def test_the_intake_journal_shows_the_number_the_channel_and_the_result_whole(self):
        """The incoming requests' journal showed twelve columns at 1366 px and cut the number («+7927858…»), the
        channel («Google Ре…»), the result («Добавле…») and every name: how the request came, its API source,
        the name as the form sent it, the e-mail and «repeat customer» are in the columns' menu, and the
        number, the channel and the result have the width of their longest Russian value."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"], overwrite=True)
        Request = self.env["ecom.intake.request"].with_context(lang="ru_RU")
        arch = etree.fromstring(Request.get_view(self.env.ref("ecom_crm.ecom_intake_request_view_list").id,
                                                 "list")["arch"])
        shown = [node.get("name") for node in arch.xpath("./field") if node.get("optional") != "hide"
                 and node.get("column_invisible") not in ("1", "True")]
        self.assertEqual(shown, ["create_date", "state", "utm_source_id", "phone", "partner_id", "lead_id", "result",
                                 "amount"])
        fields = Request.fields_get(["utm_source_id", "phone", "result"])
        results = dict(fields["result"]["selection"])
        for name, values in (("phone", ["+79278585808", "+7 (913) 435-28-09"]),
                             ("utm_source_id", ["Google Реклама", "Яндекс Директ"]),
                             ("result", [results["updated"], results["created"]])):
            with self.subTest(column=name):
                node = arch.xpath(f"./field[@name='{name}']")[0]
                self.assertGreaterEqual(column_width(node, fields[name]) or 0,
                                        max(header_length(value, bold=False) for value in values))

    def test_a_customers_region_reads_region_in_russian(self):
        """Odoo's Russian names res.partner's state_id «Состояние» (a condition): the customer card's address
        (and its contacts' addresses) and the customers' list say «Регион», a Russian address's oblast or krai."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"], overwrite=True)
        Partner = self.env["res.partner"].with_context(lang="ru_RU")
        form = etree.fromstring(Partner.get_view(self.env.ref("base.view_partner_form").id, "form")["arch"])
        regions = form.xpath("//div[hasclass('o_address_format')]/field[@name='state_id']")
        self.assertEqual(len(regions), 2, "the card's address and its contacts'")
        self.assertEqual([field.get("placeholder") for field in regions], ["Регион", "Регион"])
        listed = etree.fromstring(Partner.get_view(self.env.ref("base.view_partner_tree").id, "list")["arch"])
        self.assertEqual([field.get("string") for field in listed.xpath("//field[@name='state_id']")], ["Регион"])
        # in English too: a Russian address's region is no state
        english = etree.fromstring(self.env["res.partner"].with_context(lang="en_US").get_view(
            self.env.ref("base.view_partner_form").id, "form")["arch"])
        placeholders = {field.get("placeholder") for field in english.xpath("//field[@name='state_id'][@placeholder]")}
        self.assertEqual(placeholders, {"Region"})

    def test_a_customers_form_of_address_reads_obrashchenie_in_russian(self):
        """Odoo's Russian names res.partner's title (Mister, Madam) «Название», a thing's name: the customer card
        and its contacts' forms say «Обращение»."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"], overwrite=True)
        form = etree.fromstring(self.env["res.partner"].with_context(lang="ru_RU").get_view(
            self.env.ref("base.view_partner_form").id, "form")["arch"])
        titles = form.xpath("//field[@name='title']")
        self.assertEqual(len(titles), 2, "the card's and its contacts'")
        self.assertEqual([field.get("string") for field in titles], ["Обращение", "Обращение"])

    def test_a_recurring_tasks_frequency_is_no_repeat_customer(self):
        """The recurring tasks' «Repeat» shared its Russian with the repeat customer's status: the list and the
        form headed the frequency «Повторный» (an adjective, «a repeat one»). It reads «Периодичность»; the
        customer's status stays «Повторный»."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"], overwrite=True)
        fields_ = self.env["ecom.recurring.task"].with_context(lang="ru_RU").fields_get(["recurrence"])
        self.assertEqual(fields_["recurrence"]["string"], "Периодичность")
        statuses = dict(self.env["res.partner"].with_context(lang="ru_RU").fields_get(
            ["ecom_customer_status"])["ecom_customer_status"]["selection"])
        self.assertEqual(statuses["repeat"], "Повторный")

    def test_the_stores_mailing_list_is_named_in_russian(self):
        """Email Marketing's list «Newsletter», which mass_mailing creates once (its name not translatable): a
        Russian store's mailing lists and mailing forms showed it in English. The load of ecom_crm's Russian
        (its install, an upgrade, the language loaded) names it «Новостная рассылка»; a name the store gave it
        is kept, and so is a list of the store's own named «Newsletter»."""
        self.env["res.lang"]._activate_lang("ru_RU")
        newsletter = self.env.ref("mass_mailing.mailing_list_data")
        newsletter.name = "Newsletter"
        own = self.env["mailing.list"].create({"name": "Newsletter"})
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"])
        self.assertEqual(newsletter.name, "Новостная рассылка")
        self.assertEqual(own.name, "Newsletter")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["en_US"])
        self.assertEqual(newsletter.name, "Новостная рассылка", "a language loaded after Russian renames nothing")
        newsletter.name = "Новости магазина"
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"])
        self.assertEqual(newsletter.name, "Новости магазина")

    def test_every_file_gives_its_terms_to_the_export(self):
        """Odoo's export reads the arguments of ``_()`` as literals: an f-string there (a name in it) stops
        the reading of its file, whose later terms leave the export without a word but a logged error."""
        with self.assertNoLogs("odoo.tools.translate", "ERROR"):
            trans_export("ru_RU", ["ecom_crm"], io.BytesIO(), "po", self.env.cr)

    def test_every_upgrade_brings_the_shipped_russian(self):
        """A database at 18.0.1.6.2 holds the Russian of its day, which ``-u`` keeps: the calls journal's
        «Номер звонящего», «Ответил» (its list too), the sales report's «Продавец», «Выручка» and «Повторные
        покупки (%)», the help of the funnel's *Realised* and of ROMI of before. The upgrade to this version
        (``migrations/0.0.0``: on any version change, with no migration of the version's own) loads the
        shipped Russian over them; the English stays."""
        self.env["res.lang"]._activate_lang("ru_RU")
        model_fields = self.env["ir.model.fields"]
        labels = {("ecom.call", "caller"): ("Номер звонящего", "Номер клиента"),
                  ("ecom.call", "called"): ("Набранный номер", "Номер магазина"),
                  ("ecom.call", "user_id"): ("Ответил", "Менеджер"),
                  ("ecom.report.sales", "user_id"): ("Продавец", "Менеджер"),
                  ("ecom.report.sales", "revenue"): ("Выручка", "Выручка с НДС"),
                  ("ecom.report.sales", "repeat_rate"): ("Повторные покупки (%)", "Повторные заказы (%)")}
        helps = {("ecom.report.funnel", "amount_realised"): "Заказы выигранных заявок с НДС.",
                 ("ecom.report.manager", "revenue"): "Сумма подтверждённых заказов заявки с НДС.",
                 ("ecom.report.channel", "romi"): "(Выручка известных каналов − рекламные расходы) / рекламные расходы"}
        english = {key: model_fields._get(*key).field_description for key in labels}
        self._russian_as_before("field_description", {key: old for key, (old, _new) in labels.items()})
        self._russian_as_before("help", helps)
        list_view = self.env.ref("ecom_crm.ecom_call_view_list")
        self.env.cr.execute("UPDATE ir_ui_view SET arch_db = jsonb_set(arch_db, '{ru_RU}', to_jsonb(replace("
                            "arch_db->>'ru_RU', 'Номер клиента', 'Номер звонящего'))) WHERE id = %s", [list_view.id])
        self.env.invalidate_all()
        self.assertIn("Номер звонящего", list_view.with_context(lang="ru_RU").arch_db)
        upgrade_from(self.env, "ecom_crm", "18.0.1.6.2")
        self.assertEqual({key: model_fields._get(*key).with_context(lang="ru_RU").field_description for key in labels},
                         {key: new for key, (_old, new) in labels.items()})
        self.assertEqual({key: model_fields._get(*key).field_description for key in labels}, english)
        russian_help = {key: model_fields._get(*key).with_context(lang="ru_RU").help for key in helps}
        self.assertIn("на дату заявки", russian_help[("ecom.report.funnel", "amount_realised")].lower())
        self.assertIn("на дату заявки", russian_help[("ecom.report.manager", "revenue")].lower())
        self.assertIn("Выручка платных каналов", russian_help[("ecom.report.channel", "romi")])
        arch = self.env["ecom.call"].with_context(lang="ru_RU").get_views([(False, "list"), (False, "search")])
        self.assertIn('string="Номер клиента"', arch["views"]["list"]["arch"])
        self.assertNotIn("Номер звонящего", arch["views"]["list"]["arch"])
        self.assertIn('string="Менеджер"', arch["views"]["search"]["arch"])

    def test_an_upgrade_renames_the_report_by_stage_in_russian(self):
        """A store's database held «Воронка продаж» for the report by stage, next to Odoo's «Воронка»: Odoo's
        ``-u`` writes the new English name and keeps that Russian; the upgrade to a new version brings
        «Воронка по этапам» to its menu, its window's title and its model."""
        self.env["res.lang"]._activate_lang("ru_RU")
        records = (self.env.ref("ecom_crm.menu_ecom_report_funnel"), self.env.ref("ecom_crm.ecom_report_funnel_action"),
                   self.env["ir.model"]._get("ecom.report.funnel"))
        for record in records:
            self.env.cr.execute(SQL("UPDATE %(table)s SET name = name || %(old)s WHERE id = %(id)s",
                                    table=SQL.identifier(record._table), old=Json({"ru_RU": "Воронка продаж"}),
                                    id=record.id))
        self.env.invalidate_all()
        self.assertEqual({record.with_context(lang="ru_RU").name for record in records}, {"Воронка продаж"})
        upgrade_from(self.env, "ecom_crm", "18.0.1.6.22")
        self.assertEqual([record.with_context(lang="ru_RU").name for record in records], ["Воронка по этапам"] * 3)
        self.assertEqual([record.with_context(lang="en_US").name for record in records], ["Funnel by stage"] * 3)

    def test_no_version_change_no_reload(self):
        """Odoo runs ``migrations/0.0.0`` only when the installed version is below the manifest's: ``-u``
        of the version installed, or a new installation (which loads the shipped translations itself),
        leaves the database's Russian as it is. A version that changes a label bumps the version."""
        self.env["res.lang"]._activate_lang("ru_RU")
        field = self.env["ir.model.fields"]._get("ecom.report.sales", "user_id").with_context(lang="ru_RU")
        self._russian_as_before("field_description", {("ecom.report.sales", "user_id"): "Продавец"})
        version = get_manifest("ecom_crm")["version"]
        upgrade_from(self.env, "ecom_crm", version)
        upgrade_from(self.env, "ecom_crm", None, state="to install")
        self.assertEqual(field.field_description, "Продавец")
        load_script("ecom_crm/migrations/0.0.0/end-reload_translations.py",
                    "ecom_crm_end_reload_translations").migrate(self.env.cr, None)
        self.env.invalidate_all()
        self.assertEqual(field.field_description, "Продавец")
        upgrade_from(self.env, "ecom_crm", "18.0.1.6.2")  # from an older version: loaded
        self.assertEqual(field.field_description, "Менеджер")

    def test_an_upgrade_keeps_the_names_a_store_gave_to_records_created_once(self):
        """The stages, refusal reasons, activity types and e-mail templates the data files create once
        (``noupdate``) keep the Russian a store gave them through every upgrade that loads the shipped
        Russian, and a record created once whose Russian the store left gets none over it either: its name
        as the store sees it."""
        self.env["res.lang"]._activate_lang("ru_RU")
        renamed = {"ecom_crm.crm_stage_new_request": "Новый лид", "ecom_crm.lost_reason_too_expensive": "Цена",
                   "ecom_crm.mail_activity_type_stage_overdue": "Заявка застряла"}
        records = {xmlid: self.env.ref(xmlid).with_context(lang="ru_RU") for xmlid in renamed}
        for xmlid, record in records.items():
            record.name = renamed[xmlid]
        template = self.env.ref("ecom_crm.mail_template_contract_sale_order").with_context(lang="ru_RU")
        template.subject = "Договор от магазина «Детский мир у дома»"
        kept = self.env.ref("ecom_crm.lost_reason_delivery").with_context(lang="ru_RU")
        self.env.cr.execute("UPDATE crm_lost_reason SET name = name || %s WHERE id = %s",
                            [Json({"ru_RU": "Долго везти"}), kept.id])  # as an older version shipped it
        label = self.env["ir.model.fields"]._get("ecom.report.sales", "user_id").with_context(lang="ru_RU")
        self._russian_as_before("field_description", {("ecom.report.sales", "user_id"): "Продавец"})

        def stored():  # the names in every language, as the database holds them
            names = {}
            for xmlid, record in (*records.items(), ("kept", kept)):
                self.env.cr.execute(SQL("SELECT name FROM %s WHERE id = %s", SQL.identifier(record._table), record.id))
                names[xmlid] = self.env.cr.fetchone()[0]
            return names

        before = stored()
        upgrade_from(self.env, "ecom_crm", "18.0.1.6.2")
        self.assertEqual(label.field_description, "Менеджер", "the shipped Russian is loaded")
        self.assertEqual({xmlid: record.name for xmlid, record in records.items()}, renamed)
        self.assertEqual(template.subject, "Договор от магазина «Детский мир у дома»")
        self.assertEqual(stored(), before)
        self.assertEqual(kept.name, "Долго везти")

    def test_the_corrected_stage_name_replaces_only_the_one_shipped_before(self):
        """The stage «Awaiting payment / delivery» is created once (``noupdate``) and was shipped as «Ожидание
        оплаты» in Russian before: any load of ecom_crm's terms (``-u`` of any version, Russian loaded again)
        corrects that name, and only that one: a name the store gave the stage, in Russian or in English,
        survives every upgrade."""
        self.env["res.lang"]._activate_lang("ru_RU")
        stage = self.env.ref("ecom_crm.crm_stage_awaiting_payment")
        Module = self.env["ir.module.module"]

        def names():
            self.env.flush_all()
            self.env.cr.execute("SELECT name FROM crm_stage WHERE id = %s", [stage.id])
            return self.env.cr.fetchone()[0]

        def name_as(names):
            self.env.cr.execute("UPDATE crm_stage SET name = %s WHERE id = %s", [Json(names), stage.id])
            self.env.invalidate_all()

        name_as({"en_US": "Awaiting payment / delivery", "ru_RU": "Ожидание оплаты"})  # as shipped before
        Module._load_module_terms(["ecom_crm"], ["ru_RU"])  # -u: Odoo's load keeps the database's translations
        self.assertEqual(names(), {"en_US": "Awaiting payment / delivery", "ru_RU": "Ожидание оплаты / доставки"})
        name_as({"en_US": "Awaiting payment / delivery", "ru_RU": "Ожидание оплаты"})
        upgrade_from(self.env, "ecom_crm", "18.0.1.6.2")
        self.assertEqual(stage.with_context(lang="ru_RU").name, "Ожидание оплаты / доставки")
        for own in ({"en_US": "Awaiting payment / delivery", "ru_RU": "Ждём оплату"},
                    {"en_US": "Awaiting payment", "ru_RU": "Ожидание оплаты / доставки"},
                    {"en_US": "Awaiting payment", "ru_RU": "Ждём оплату и доставку"}):
            name_as(own)
            Module._load_module_terms(["ecom_crm"], ["ru_RU"])
            Module._load_module_terms(["ecom_crm"], ["en_US", "ru_RU"], overwrite=True)
            upgrade_from(self.env, "ecom_crm", "18.0.1.6.2")
            self.assertEqual(names(), own)

    def test_the_1_5_2_upgrade_renames_the_unassigned_task(self):
        """18.0.1.5.2's migration: the activity type the data files create once is renamed while it has
        18.0.1.5.1's Russian name («Нет свободного продавца»); a name a user gave it is kept."""
        self.env["res.lang"]._activate_lang("ru_RU")
        kind = self.env.ref("ecom_crm.mail_activity_type_unassigned").with_context(lang="ru_RU")
        self.env.cr.execute("UPDATE mail_activity_type SET name = name || %s, summary = summary || %s WHERE id = %s",
                            ['{"ru_RU": "Нет свободного продавца"}', '{"ru_RU": "Распределите сами"}', kind.id])
        migration = load_script("ecom_crm/migrations/18.0.1.5.2/post-migrate.py", "ecom_crm_post_migrate_18_0_1_5_2")
        migration.migrate(self.env.cr, "18.0.1.5.1")
        kind.invalidate_model()
        self.assertEqual((kind.name, kind.summary), ("Нет свободного менеджера", "Распределите сами"))
        self.assertEqual(kind.with_context(lang="en_US").name, "No salesperson available")
        upgrade_from(self.env, "ecom_crm", "18.0.1.5.1")  # and the upgrade's reload leaves it (created once)
        self.assertEqual((kind.name, kind.summary), ("Нет свободного менеджера", "Распределите сами"))

    def test_an_upgrade_names_the_specification_in_the_templates_not_edited(self):
        """18.0.1.6.0's migration: the supply contract's e-mail templates as 18.0.1.5.9 shipped them (created
        once: an upgrade leaves them) get the subject and body naming the specification to a contract, in
        English and Russian as a new database has them; a text the store edited in a language is kept."""
        self.env["res.lang"]._activate_lang("ru_RU")
        order_template = self.env.ref("ecom_crm.mail_template_contract_sale_order")
        lead_template = self.env.ref("ecom_crm.mail_template_contract_crm_lead")
        self.env.flush_all()
        self.env.cr.execute("SELECT subject, body_html FROM mail_template WHERE id = %s", [order_template.id])
        shipped = self.env.cr.fetchone()
        self.assertIn("_ecom_document_title('contract')", shipped[0]["ru_RU"])
        self.assertIn("Направляем вам спецификацию к договору поставки №", shipped[1]["ru_RU"])

        def body(text, regards, manager):
            return (f'<div style="margin: 0px; padding: 0px;">\n    <p style="margin: 0px; padding: 0px; font-size: '
                    f'13px;">\n        {text}<br/><br/>\n        {regards}<br/>\n        <t t-out="object.user_id.name '
                    f"or user.name or ''\">{manager}</t>\n    </p>\n</div>\n        ")
        old_subject = {"en_US": "Supply contract {{ object._ecom_document_source_number() }}",
                       "ru_RU": "Договор поставки {{ object._ecom_document_source_number() }}"}
        old_body = {
            "en_US": body("Hello,<br/><br/>\n        please find attached the supply contract with its specification. "
                          "Please sign it and send us a scanned copy; the original can be sent by post or handed "
                          "over with the goods.", "Best regards,", "Manager"),
            "ru_RU": body("Здравствуйте!<br/><br/>\n        Направляем вам договор поставки со спецификацией. "
                          "Пожалуйста, подпишите его и пришлите нам скан; оригинал можно отправить почтой или "
                          "передать вместе с товаром.", "С уважением,", "Менеджер"),
        }
        edited_body = {**old_body, "ru_RU": old_body["ru_RU"].replace("Здравствуйте!", "Добрый день!")}
        self.env.cr.execute("UPDATE mail_template SET subject = %s, body_html = %s WHERE id = %s",
                            [Json(old_subject), Json(old_body), order_template.id])
        self.env.cr.execute("UPDATE mail_template SET subject = %s, body_html = %s WHERE id = %s",
                            [Json(old_subject), Json(edited_body), lead_template.id])
        self.env.invalidate_all()
        migration = load_script("ecom_crm/migrations/18.0.1.6.0/post-migrate.py", "ecom_crm_post_migrate_18_0_1_6_0")
        self.assertEqual(migration.name_the_specification_in_its_mail(self.env.cr), {
            "ecom_crm.mail_template_contract_sale_order": ["subject", "body_html"],
            "ecom_crm.mail_template_contract_crm_lead": ["subject"]})
        self.env.cr.execute("SELECT id, subject, body_html FROM mail_template WHERE id IN %s",
                            [(order_template.id, lead_template.id)])
        rows = {id_: (subject, body_html) for id_, subject, body_html in self.env.cr.fetchall()}
        self.assertEqual(rows[order_template.id], shipped)
        self.assertEqual(rows[lead_template.id], (shipped[0], edited_body))
        self.assertEqual(migration.name_the_specification_in_its_mail(self.env.cr), {})  # nothing left
        # a later version's data file without the template (this step runs with its code): left, no failure
        self.assertIsNone(migration._shipped_now("mail_template_no_such"))
        self.assertEqual(migration._shipped_now("mail_template_contract_sale_order")["subject"],
                         "{{ object._ecom_document_title('contract') }}")

    def test_an_upgrade_names_the_specification_in_a_subject_the_store_edited_around_the_title(self):
        """18.0.1.6.2's migration: a subject the store edited around the title shipped before («Договор поставки
        {{ number }} — магазин») left «Договор поставки» on a specification's e-mail. The title alone becomes the
        placeholder that names the document; the store's words around it are kept; a subject in the store's own
        words is left as it is (only the store can say it otherwise)."""
        self.env["res.lang"]._activate_lang("ru_RU")
        order_template = self.env.ref("ecom_crm.mail_template_contract_sale_order")
        lead_template = self.env.ref("ecom_crm.mail_template_contract_crm_lead")
        edited = {"en_US": "Supply contract {{ object._ecom_document_source_number() }} from Kids' World",
                  "ru_RU": "Договор поставки  {{object._ecom_document_source_number()}} — «Детский мир у дома»"}
        own = {"en_US": "Our contract", "ru_RU": "Договор поставки для {{ object.partner_id.name }}"}
        self.env.flush_all()
        self.env.cr.execute("UPDATE mail_template SET subject = %s WHERE id = %s", [Json(edited), order_template.id])
        self.env.cr.execute("UPDATE mail_template SET subject = %s WHERE id = %s", [Json(own), lead_template.id])
        self.env.invalidate_all()
        migration = load_script("ecom_crm/migrations/18.0.1.6.2/post-migrate.py", "ecom_crm_post_migrate_18_0_1_6_2")
        self.assertEqual(migration.name_the_document_in_edited_subjects(self.env.cr),
                         {"ecom_crm.mail_template_contract_sale_order": ["en_US", "ru_RU"]})
        self.assertEqual(migration.name_the_document_in_edited_subjects(self.env.cr), {})  # nothing left
        self.env.cr.execute("SELECT id, subject FROM mail_template WHERE id IN %s",
                            [(order_template.id, lead_template.id)])
        rows = dict(self.env.cr.fetchall())
        self.assertEqual(rows[order_template.id], {
            "en_US": "{{ object._ecom_document_title('contract') }} from Kids' World",
            "ru_RU": "{{ object._ecom_document_title('contract') }} — «Детский мир у дома»"})
        self.assertEqual(rows[lead_template.id], own)
        # the e-mail of an order under a contract names its specification, in the store's subject
        customer = self.env["res.partner"].create({"name": "ООО «Покупатель»", "lang": "ru_RU"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "ecom_contract_number": "15/2026"})
        subject = order_template._render_field("subject", order.ids, compute_lang=True)[order.id]
        self.assertEqual(subject, f"Спецификация № {order.name} к договору № 15/2026 — «Детский мир у дома»")
        order.ecom_contract_number = False
        subject = order_template._render_field("subject", order.ids, compute_lang=True)[order.id]
        self.assertEqual(subject, f"Договор поставки {order.name} — «Детский мир у дома»")

    def test_the_1_6_2_upgrade_runs_twice_and_without_the_contract_templates(self):
        """18.0.1.6.2's migration run again changes nothing more (the subjects already named), and a store that
        deleted the supply contract's e-mail templates upgrades all the same."""
        self.env["res.lang"]._activate_lang("ru_RU")
        migration = load_script("ecom_crm/migrations/18.0.1.6.2/post-migrate.py", "ecom_crm_post_migrate_18_0_1_6_2")
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.6.1")
            self.env.invalidate_all()
            self.assertEqual(self.env.ref("ecom_crm.mail_template_contract_sale_order").subject,
                             "{{ object._ecom_document_title('contract') }}")
        self.env.ref("ecom_crm.mail_template_contract_sale_order").unlink()
        self.env.ref("ecom_crm.mail_template_contract_crm_lead").unlink()
        self.env.flush_all()
        self.assertEqual(migration.name_the_document_in_edited_subjects(self.env.cr), {})
        migration.migrate(self.env.cr, "18.0.1.6.1")
