import io

from lxml import etree
from psycopg2.extras import Json

from odoo.addons.ecom_crm.tests.common import column_width, cut_list_headers, header_length, untranslated_terms
from odoo.modules.migration import load_script
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

    def _migrate(self, version, previous):
        """Run ecom_crm's post-migration of ``version`` on a database at ``previous``."""
        migration = load_script(f"ecom_crm/migrations/{version}/post-migrate.py",
                                "ecom_crm_post_migrate_" + version.replace(".", "_"))
        migration.migrate(self.env.cr, previous)
        self.env.invalidate_all()

    def test_everything_is_translated_into_russian(self):
        self.assertEqual(untranslated_terms(self.env, "ecom_crm"), [], "add these terms to i18n/ru.po")

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

    def test_the_1_6_3_upgrade_renames_the_calls_labels(self):
        """18.0.1.6.3's migration: the calls journal's labels as 18.0.1.6.2 had them in Russian («Номер
        звонящего», «Ответил»: ``-u`` keeps them) become the shipped ones, right for an outgoing call too."""
        self.env["res.lang"]._activate_lang("ru_RU")
        model_fields = self.env["ir.model.fields"]
        old = {"caller": "Номер звонящего", "called": "Набранный номер", "user_id": "Ответил"}
        self._russian_as_before("field_description", {("ecom.call", name): text for name, text in old.items()})
        self._migrate("18.0.1.6.3", "18.0.1.6.2")
        # who talked is «Менеджер» since 18.0.1.6.5, as in the salespeople's report (it was «Сотрудник»)
        self.assertEqual({name: model_fields._get("ecom.call", name).with_context(lang="ru_RU").field_description
                          for name in old},
                         {"caller": "Номер клиента", "called": "Номер магазина", "user_id": "Менеджер"})
        arch = self.env["ecom.call"].with_context(lang="ru_RU").get_views([(False, "list"), (False, "search")])
        self.assertIn('string="Номер клиента"', arch["views"]["list"]["arch"])
        self.assertIn('string="Менеджер"', arch["views"]["search"]["arch"])

    def test_the_1_6_5_upgrade_says_one_thing_one_way(self):
        """18.0.1.6.5's migration: the calls journal's «Сотрудник» and the sales report's «Повторные покупки (%)»,
        which ``-u`` keeps, become the salespeople's report's «Менеджер» and revenue by channel's «Повторные
        заказы (%)», in the fields and in the calls' search view."""
        self.env["res.lang"]._activate_lang("ru_RU")
        model_fields = self.env["ir.model.fields"]
        old = {("ecom.call", "user_id"): "Сотрудник", ("ecom.report.sales", "repeat_rate"): "Повторные покупки (%)"}
        self._russian_as_before("field_description", old)
        self._migrate("18.0.1.6.5", "18.0.1.6.4")
        labels = {key: model_fields._get(*key).with_context(lang="ru_RU").field_description for key in old}
        self.assertEqual(labels, {("ecom.call", "user_id"): "Менеджер",
                                  ("ecom.report.sales", "repeat_rate"): "Повторные заказы (%)"})
        self.assertEqual(labels[("ecom.report.sales", "repeat_rate")],
                         model_fields._get("ecom.report.attribution", "repeat_share").with_context(
                             lang="ru_RU").field_description)
        manager = model_fields._get("ecom.report.manager", "user_id").with_context(lang="ru_RU")
        self.assertEqual(manager.field_description, labels[("ecom.call", "user_id")])
        arch = self.env["ecom.call"].with_context(lang="ru_RU").get_views([(False, "search")])
        self.assertIn('string="Менеджер"', arch["views"]["search"]["arch"])
        self.assertNotIn("Сотрудник", arch["views"]["search"]["arch"])

    def test_the_1_6_6_upgrade_says_on_which_date_the_reports_count(self):
        """18.0.1.6.6's migration: the help of the funnel's *Realised* and of the salespeople's revenue as
        18.0.1.6.4 had it in Russian (``-u`` keeps it) becomes the shipped one, which says the date it counts on."""
        self.env["res.lang"]._activate_lang("ru_RU")
        model_fields = self.env["ir.model.fields"]
        helps = {("ecom.report.funnel", "amount_realised"): "Заказы выигранных заявок с НДС.",
                 ("ecom.report.manager", "revenue"): "Сумма подтверждённых заказов заявки с НДС."}
        self._russian_as_before("help", helps)
        self._migrate("18.0.1.6.6", "18.0.1.6.5")
        for model, name in helps:
            self.assertIn("на дату заявки", model_fields._get(model, name).with_context(lang="ru_RU").help.lower())

    def test_the_1_6_7_upgrade_says_romi_is_the_paid_channels(self):
        """18.0.1.6.7's migration: ROMI's help as 18.0.1.6.6 had it in Russian (``-u`` keeps it), «Выручка
        известных каналов − …», becomes the shipped one, the paid channels' revenue."""
        self.env["res.lang"]._activate_lang("ru_RU")
        field = self.env["ir.model.fields"]._get("ecom.report.channel", "romi")
        self._russian_as_before("help", {("ecom.report.channel", "romi"):
                                         "(Выручка известных каналов − рекламные расходы) / рекламные расходы"})
        self._migrate("18.0.1.6.7", "18.0.1.6.6")
        self.assertIn("Выручка платных каналов", field.with_context(lang="ru_RU").help)

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
        """18.0.1.6.2's migration run again changes nothing more (the renamed labels' Russian loaded, the subjects
        already named), and a store that deleted the supply contract's e-mail templates upgrades all the same."""
        self.env["res.lang"]._activate_lang("ru_RU")
        label = self.env["ir.model.fields"]._get("ecom.report.sales", "revenue").with_context(lang="ru_RU")
        self.env.cr.execute("UPDATE ir_model_fields SET field_description = field_description || %s WHERE id = %s",
                            ['{"ru_RU": "Выручка"}', label.id])  # as 18.0.1.6.1 had it: -u keeps it
        self.env.invalidate_all()
        migration = load_script("ecom_crm/migrations/18.0.1.6.2/post-migrate.py", "ecom_crm_post_migrate_18_0_1_6_2")
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.6.1")
            self.env.invalidate_all()
            self.assertEqual(label.field_description, "Выручка с НДС")
            self.assertEqual(self.env.ref("ecom_crm.mail_template_contract_sale_order").subject,
                             "{{ object._ecom_document_title('contract') }}")
        self.env.ref("ecom_crm.mail_template_contract_sale_order").unlink()
        self.env.ref("ecom_crm.mail_template_contract_crm_lead").unlink()
        self.env.flush_all()
        self.assertEqual(migration.name_the_document_in_edited_subjects(self.env.cr), {})
        migration.migrate(self.env.cr, "18.0.1.6.1")
