"""What a manager sees on the lead and the customer: the views and their defaults."""

import json
import re

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import convert_file

from ..models.utm_source import SHIPPED_NAMES
from .common import EcomCrmCase, load_migration


@tagged("post_install", "-at_install", "ecom_crm")
class TestScreens(EcomCrmCase):
    def arch(self, model, view_type="form"):
        return etree.fromstring(self.env[model].with_user(self.salesman).get_view(view_type=view_type)["arch"])

    def test_the_lead_shows_the_customer_and_the_channel(self):
        arch = self.arch("crm.lead")
        customer = arch.xpath("//group[@name='ecom_customer_card']")[0]
        self.assertEqual([f.get("name") for f in customer.iter("field") if f.get("invisible") != "1"],
                         ["ecom_customer_status", "ecom_customer_order_count", "ecom_customer_revenue",
                          "ecom_customer_last_order"])
        channel = arch.xpath("//group[@name='ecom_channel']")[0]
        self.assertEqual([f.get("name") for f in channel.iter("field")][:3], ["source_id", "medium_id", "campaign_id"])
        self.assertTrue(arch.xpath("//button[@name='action_ecom_view_intake']"), "a link to the incoming requests")
        kanban = self.arch("crm.lead", "kanban")
        self.assertTrue(kanban.xpath("//field[@name='ecom_customer_status']"), "the card says who the customer is")
        customer = self.Partner.create({"name": "Постоянная Покупательница"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            (0, 0, {"product_id": self.product.id, "price_unit": 4000})]})
        order.action_confirm()
        lead = self._lead(partner_id=customer.id)
        self.assertEqual((lead.ecom_customer_status, lead.ecom_customer_order_count, lead.ecom_customer_revenue),
                         ("first_purchase", 1, 4000))
        self.assertEqual(lead.ecom_customer_last_order, order.date_order.date())

    def test_the_forecast_card_reads_only_what_it_loads(self):
        """CRM > Reporting > Forecast is the pipeline's card as a primary view whose `//div` replace puts its
        prorated revenue in place of the card's first div. The customer's block was a div, inserted before
        Odoo's revenue one: the forecast replaced the block and kept the revenue div, which reads
        `record.expected_revenue`, a field the forecast does not load, and the screen broke («Cannot read
        properties of undefined (reading 'raw_value')»). Every `record.<field>.raw_value` or `.value` of
        both cards must be a field the view loads, and both show the customer; the leads' card (CRM > Leads, with
        «Leads» on) too, which shows no customer block. The tour of test_kanban_cards_tour opens them."""
        archs = {}
        pipeline, forecast, leads = ("crm.crm_case_kanban_view_leads", "crm.crm_lead_view_kanban_forecast",
                                     "crm.view_crm_lead_kanban")
        for xmlid in (pipeline, forecast, leads):
            view = self.env.ref(xmlid)
            result = self.Lead.with_user(self.salesman).get_views([(view.id, "kanban")])
            archs[xmlid] = arch = etree.fromstring(result["views"]["kanban"]["arch"])
            loaded = set(result["models"]["crm.lead"]["fields"])
            read, guarded = set(), set()
            for node in arch.iter():
                for attr, value in node.attrib.items():
                    if attr.startswith("t-"):
                        read |= set(re.findall(r"\brecord\.(\w+)\.(?:raw_value|value)\b", value))
                        # `record.x and record.x.raw_value`: a field some users' views leave out, read only if there
                        guarded |= set(re.findall(r"\brecord\.(\w+) and\b", value))
            self.assertEqual(read - guarded - loaded, set(), f"{xmlid}: read on the card but not loaded")
        for xmlid in (pipeline, forecast):
            self.assertTrue(archs[xmlid].xpath("//*[hasclass('o_ecom_customer')]/field[@name='ecom_customer_status']"),
                            f"{xmlid}: the card says who the customer is")
        self.assertTrue(archs[forecast].xpath("//field[@name='prorated_revenue'][@widget='monetary']"),
                        "the forecast card shows its prorated revenue")

    def test_the_delivery_address_starts_from_the_customers(self):
        customer = self.Partner.create({"name": "С Адресом", "street": "ул. Ленина, 1", "city": "Тула",
                                        "zip": "300000"})
        with Form(self.Lead.with_user(self.salesman).with_context(default_type="opportunity")) as form:
            form.name = "Заявка"
            form.partner_id = customer
            self.assertEqual((form.ecom_delivery_street, form.ecom_delivery_city, form.ecom_delivery_zip),
                             ("ул. Ленина, 1", "Тула", "300000"))
        lead = form.record
        lead.write({"phone": "+79161234567", "ecom_delivery_date": "2026-12-01 10:00:00"})
        lead.write({"stage_id": self.stage_contact.id})
        lead.write({"stage_id": self.stage_deciding.id})
        lead.write({"stage_id": self.stage_payment.id})  # the address is known: no refusal
        self.assertEqual(lead.stage_id, self.stage_payment)
        other = self._lead(partner_id=customer.id, ecom_delivery_street="пр. Мира, 5")
        self.assertEqual(other.ecom_delivery_street, "пр. Мира, 5", "an address given is kept")

    def test_the_customer_form_labels_the_name_parts_and_says_when_there_are_no_orders(self):
        arch = self.arch("res.partner")
        parts = arch.xpath("//group[@name='ecom_name_parts']//field")
        self.assertEqual([f.get("name") for f in parts], ["lastname", "firstname", "patronymic", "ecom_gender"])
        self.assertFalse([f for f in parts if f.get("nolabel")], "each part has its label")
        card = arch.xpath("//page[@name='ecom_customer_card']")[0]
        self.assertTrue(card.xpath(".//div[hasclass('alert')][@invisible='ecom_order_count']"),
                        "a card with no orders says so")
        self.assertEqual(card.xpath(".//field[@name='ecom_days_since_order']/../@invisible"), ["not ecom_order_count"])

    def test_the_card_tells_its_confirmed_orders_from_odoos_sales_button(self):
        """Odoo's «Продажи» button on the same form counts quotations and cancelled orders too: the
        card's count, of confirmed orders, says so (27 beside 25 read as a mistake)."""
        self.env["res.lang"]._activate_lang("ru_RU")
        Partner = self.Partner.with_user(self.salesman).with_context(lang="ru_RU")
        arch = etree.fromstring(Partner.get_view(view_type="form")["arch"])
        count = arch.xpath("//page[@name='ecom_customer_card']//field[@name='ecom_order_count']")[0]
        self.assertEqual(count.get("string"), "Подтверждённые заказы")
        self.assertIn("«Продажи»", count.get("help"))

    def test_a_russian_store_labels_the_tax_id_inn(self):
        """Odoo labels a partner's Tax ID after the company's country's vat_label and gives Russia none
        («Налоговый ID»): ecom_crm gives Russia «ИНН», and a label the store gives it wins."""
        self.env["res.lang"]._activate_lang("ru_RU")
        Partner = self.Partner.with_user(self.salesman).with_context(lang="ru_RU")
        arch = etree.fromstring(Partner.get_view(view_type="form")["arch"])
        self.assertEqual(set(arch.xpath("//field[@name='vat']/@string")), {"ИНН"})
        self.assertEqual(Partner.new({"name": "ООО «Ромашка»"}).vat_label, "ИНН")
        russia = self.env.ref("base.ru")
        self.assertEqual(russia.with_context(lang="en_US").vat_label, "INN")
        self.assertEqual(russia.with_context(lang="ru_RU").vat_label, "ИНН", "the company form's label too")
        russia.with_context(lang="ru_RU").vat_label = "ИНН/КПП"  # a label set on the country wins
        self.env["res.country"]._ecom_label_russian_tax_id()  # an install, a language loaded
        load_migration("18.0.1.6.4", "post-migrate").migrate(self.env.cr, "18.0.1.6.3")
        self.assertEqual(Partner.new({"name": "ООО «Ромашка»"}).vat_label, "ИНН/КПП")
        arch = etree.fromstring(Partner.get_view(view_type="form")["arch"])
        self.assertEqual(set(arch.xpath("//field[@name='vat']/@string")), {"ИНН/КПП"})

    def test_a_russian_company_id_is_labelled_ogrn(self):
        """Odoo labels the Company ID «ID компании» whatever the country: a Russian partner's and company's
        read «ОГРН» (Odoo's hook of the label, and the forms' labels), another country's Odoo's label."""
        self.env["res.lang"]._activate_lang("ru_RU")
        russia, france = self.env.ref("base.ru"), self.env.ref("base.fr")
        Partner = self.Partner.with_user(self.salesman).with_context(lang="ru_RU")
        self.assertEqual(Partner.new({"name": "ООО «Ромашка»", "country_id": russia.id}).company_registry_label,
                         "ОГРН")
        self.assertEqual(Partner.new({"name": "Société", "country_id": france.id}).company_registry_label,
                         "ID компании")
        for model, group in (("res.partner", "//group[@name='misc']"), ("res.company", "//sheet")):
            arch = etree.fromstring(self.env[model].with_context(lang="ru_RU").get_view(view_type="form")["arch"])
            labels = {label.get("string"): label.get("invisible")
                      for label in arch.xpath(group + "//label[@for='company_registry']")}
            with self.subTest(model=model):
                self.assertEqual(set(labels), {None, "ОГРН"})
                self.assertIn("country_code != 'RU'", labels["ОГРН"])
                self.assertIn("country_code == 'RU'", labels[None])
                self.assertEqual(arch.xpath(group + "//field[@name='company_registry']/@nolabel"), ["1"])
                # the labels sit right before the field (a group's label cell, then the field's)
                field = arch.xpath(group + "//field[@name='company_registry']")[0]
                self.assertEqual([node.get("for") for node in field.itersiblings(preceding=True)][:2],
                                 ["company_registry", "company_registry"])
                if model == "res.partner":  # a contact person's is hidden, label and field, as Odoo's form has it
                    self.assertTrue(all(value.startswith("parent_id or ") for value in labels.values()), labels)
                    self.assertEqual(field.get("invisible"), "parent_id")

    def test_the_inn_placeholder_is_one_the_inn_check_takes(self):
        """Odoo's placeholder of a Russian Tax ID was base_vat's «RU123456789047», which the ИНН check refuses
        (digits only): a Russian partner's and company's show an organisation's ИНН, another country's Odoo's."""
        self.env["res.lang"]._activate_lang("ru_RU")
        russia, france = self.env.ref("base.ru"), self.env.ref("base.fr")
        Partner = self.Partner.with_user(self.salesman).with_context(lang="ru_RU")
        placeholder = Partner.new({"name": "ООО «Ромашка»", "country_id": russia.id}).partner_vat_placeholder
        self.assertEqual(placeholder, "7707083893 (10 или 12 цифр), или / если не применимо")
        Partner.create({"name": "ООО «Ромашка»", "is_company": True, "country_id": russia.id,
                        "vat": placeholder.split()[0]})  # the example passes the check
        self.assertIn("FR", Partner.new({"name": "Société", "country_id": france.id}).partner_vat_placeholder)
        company = self.env["res.company"].with_context(lang="ru_RU").new({"name": "Магазин", "country_id": russia.id})
        self.assertEqual(company.company_vat_placeholder, placeholder)

    def test_russias_tax_id_label_is_set_once_whenever_russian_is_loaded(self):
        russia = self.env.ref("base.ru")
        Country = self.env["res.country"]

        def labels():
            russia.flush_recordset(["vat_label"])
            self.env.cr.execute("SELECT vat_label FROM res_country WHERE id = %s", [russia.id])
            return self.env.cr.fetchone()[0]

        def store(value):
            russia.flush_recordset(["vat_label"])
            self.env.cr.execute("UPDATE res_country SET vat_label = %s WHERE id = %s",
                                [value and json.dumps(value), russia.id])
            russia.invalidate_recordset(["vat_label"])

        def form_label():  # the partner form of a Russian company (EcomCrmCase's)
            arch = etree.fromstring(self.Partner.with_context(lang="ru_RU").get_view(view_type="form")["arch"])
            return set(arch.xpath("//field[@name='vat']/@string"))

        # Russian loaded before the install (or the upgrade): both languages at once, and only once
        store(None)
        self.env.registry.clear_cache("templates")
        self.assertNotIn("ИНН", form_label())
        Country._ecom_label_russian_tax_id()
        self.assertEqual(form_label(), {"ИНН"}, "the forms compiled before are labelled again")
        self.assertEqual(labels(), {"en_US": "INN", "ru_RU": "ИНН"})
        Country._ecom_label_russian_tax_id()
        load_migration("18.0.1.6.4", "post-migrate").migrate(self.env.cr, "18.0.1.6.3")
        self.assertEqual(labels(), {"en_US": "INN", "ru_RU": "ИНН"})
        # an upgrade from before 18.0.1.6.4 (no label): the translations it loads after its migrations label it
        store(None)
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["en_US", "ru_RU"])
        self.assertEqual(labels(), {"en_US": "INN", "ru_RU": "ИНН"})
        # Russian loaded after the install: loading its translations adds its word
        store({"en_US": "INN"})
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"])
        self.assertEqual(labels(), {"en_US": "INN", "ru_RU": "ИНН"})
        # a store's own label, in English only or in Russian over ours, is never replaced
        for own in ({"en_US": "Tax number"}, {"en_US": "INN", "ru_RU": "ИНН/КПП"}):
            store(own)
            Country._ecom_label_russian_tax_id()
            self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"])
            load_migration("18.0.1.6.4", "post-migrate").migrate(self.env.cr, "18.0.1.6.3")
            self.assertEqual(labels(), own)

    def test_each_company_labels_the_tax_id_after_its_own_country(self):
        """Odoo labels the forms after the current company's country (and caches them per company, for
        their address format): a Russian company and one elsewhere in one database each read their own,
        whichever opened the form first."""
        russian = self.env.company
        other = self.env["res.company"].create({"name": "ТОО «Степь»", "country_id": self.env.ref("base.kz").id})
        user = new_test_user(self.env, login="ecom_two_companies", groups="sales_team.group_sale_salesman",
                             company_id=russian.id, company_ids=[(6, 0, (russian | other).ids)])

        def labels(company):
            Partner = self.Partner.with_user(user).with_company(company).with_context(lang="ru_RU")
            return set(etree.fromstring(Partner.get_view(view_type="form")["arch"]).xpath(
                "//field[@name='vat']/@string"))

        self.env.registry.clear_cache("templates")
        self.assertNotIn("ИНН", labels(other))
        self.assertEqual(labels(russian), {"ИНН"})
        self.assertNotIn("ИНН", labels(other))

    def test_a_team_assigns_by_load_without_odoos_rule_based_assignment(self):
        """Odoo hides the team form's group «right» unless its own rule-based assignment is on (a new store's
        default): the checkbox is in the team's details, and the members by load are listed as memberships,
        whose forms hold each one's availability and maximum."""
        arch = etree.fromstring(self.env["crm.team"].with_user(self.sales_manager).get_view(view_type="form")["arch"])
        field = arch.xpath("//field[@name='ecom_assign_by_load']")[0]
        self.assertEqual([g.get("invisible") for g in field.iterancestors("group") if g.get("invisible")], [])
        self.assertEqual(arch.xpath("//field[@name='crm_team_member_ids']/@invisible"),
                         ["not assignment_enabled and not ecom_assign_by_load"])
        member_form = etree.fromstring(self.env["crm.team.member"].get_view(
            self.env.ref("sales_team.crm_team_member_view_form_from_team").id)["arch"])
        self.assertTrue(member_form.xpath("//field[@name='ecom_max_open_leads']"))

@tagged("post_install", "-at_install", "ecom_crm")
class TestWords(EcomCrmCase):
    def test_an_overdue_task_is_written_in_its_readers_language(self):
        self.salesman.lang = "ru_RU"
        lead = self._lead()
        lead.write({"date_last_stage_update": "2026-11-20 09:00:00"})
        with freeze_time("2026-11-20 12:00:00"):
            self.Lead.with_context(lang="en_US")._cron_ecom_stage_time_limits()
        activity = lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("ecom_crm.mail_activity_type_stage_overdue"))
        self.assertEqual(activity.summary, "Больше 2 ч на этапе «Новая заявка»")

    def test_the_channel_placeholder_names_the_shipped_channel(self):
        """A new channel's name (CRM > Configuration > channels) and an API source's read «например, Сайт
        интернет-магазина» as their example while the channel shipped is «Сайт магазина»: the example is the
        shipped channel's own name, in English and in Russian."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"], overwrite=True)
        english, russian = SHIPPED_NAMES["ecom_crm.utm_source_website"]
        self.env["utm.source"]._ecom_localize("ru_RU")
        self.assertEqual(self.env.ref("ecom_crm.utm_source_website").name, russian)
        for xml_id, kind in (("ecom_crm.utm_source_view_list", "list"),
                             ("ecom_crm.ecom_intake_source_view_form", "form")):
            view = self.env.ref(xml_id)
            for lang, example in (("en_US", f"e.g. {english}"), ("ru_RU", f"например, {russian}")):
                with self.subTest(view=view.xml_id, lang=lang):
                    model = self.env[view.model].with_context(lang=lang)
                    arch = etree.fromstring(model.get_view(view.id, kind)["arch"])
                    self.assertEqual(arch.xpath("//field[@name='name']/@placeholder"), [example])

    def test_channels_speak_the_stores_language_and_job_boards_stay_out(self):
        Source = self.env["utm.source"]
        Source._ecom_localize("ru_RU")
        self.assertEqual(self.env.ref("ecom_crm.utm_source_website").name, "Сайт магазина")
        self.assertEqual(self.env.ref("ecom_crm.utm_medium_cpc").name, "Платный поиск (CPC)")
        self.assertEqual(self.env.ref("ecom_crm.user_intake_api").name, "Приём заявок", "the chatter's author")
        # an upgrade's data names the technical user in English again; its translations, in Russian
        self.env.ref("ecom_crm.user_intake_api").name = "E-commerce CRM intake API"
        module = self.env["ir.module.module"].search([("name", "=", "ecom_crm")])
        module.state = "to upgrade"
        module._load_module_terms(["ecom_crm"], ["ru_RU"])
        self.assertEqual(self.env.ref("ecom_crm.user_intake_api").name, "Приём заявок")
        # a store's own name survives an upgrade: its data files loaded again (the user is created once),
        # its translations, its migration
        intake_user = self.env.ref("ecom_crm.user_intake_api")
        intake_user.name = "Робот сайта"
        convert_file(self.env, "ecom_crm", "security/ecom_crm_security.xml", {}, mode="update")
        module._load_module_terms(["ecom_crm"], ["ru_RU"])
        load_migration("18.0.1.6.4", "post-migrate").migrate(self.env.cr, "18.0.1.6.3")
        self.assertEqual(intake_user.name, "Робот сайта")
        xmlids = self.env["ir.model.data"].search([
            ("module", "=", "ecom_crm"), ("name", "in", ("user_intake_api", "user_intake_api_res_partner"))])
        xmlids.noupdate = False  # as a database before 18.0.1.6.4 has them
        xmlids.flush_recordset(["noupdate"])
        load_migration("18.0.1.6.4", "post-migrate").migrate(self.env.cr, "18.0.1.6.3")
        xmlids.invalidate_recordset(["noupdate"])
        self.assertEqual(xmlids.mapped("noupdate"), [True, True], "as a new install makes them")
        self.env.ref("ecom_crm.utm_source_avito").name = "Авито (объявления)"  # an admin's own name stays
        Source._ecom_localize("ru_RU")
        self.assertEqual(self.env.ref("ecom_crm.utm_source_avito").name, "Авито (объявления)")
        store = Source.search([("ecom_store_channel", "=", True)])
        self.assertNotIn(self.env.ref("utm.utm_source_monster"), store)
        self.assertIn(self.env.ref("ecom_crm.utm_source_vk"), store)
        domain = etree.fromstring(self.Lead.get_view(view_type="form")["arch"]).xpath(
            "//group[@name='ecom_channel']/field[@name='source_id']/@domain")
        self.assertEqual(domain, ["[('ecom_store_channel', '=', True)]"])


@tagged("post_install", "-at_install", "ecom_crm")
class TestWhereThingsAre(EcomCrmCase):
    def test_stages_menu_for_crm_administrators_without_developer_mode(self):
        menu = self.env.ref("crm.menu_crm_lead_stage_act")
        visible = self.env["ir.ui.menu"].with_user(self.sales_manager)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids())

    def test_crm_administrators_open_the_stages_with_their_required_fields(self):
        """The stage rules' required fields are Odoo's field records, which only «Access Rights» may read:
        a sales manager opening «Awaiting payment / delivery» (or the stages' list) got an access error."""
        stage = self.env.ref("ecom_crm.crm_stage_awaiting_payment").with_user(self.sales_manager)
        [read] = stage.web_read({"ecom_required_field_ids": {"fields": {"display_name": {}}}})
        self.assertTrue(read["ecom_required_field_ids"])
        found = self.env["ir.model.fields"].with_user(self.sales_manager).with_context(lang="en_US").name_search(
            "Delivery zip", [("model", "=", "crm.lead")])
        self.assertEqual(len(found), 1, "a field to add is picked by its name")
        with self.assertRaises(AccessError):
            self.env["ir.model.fields"].with_user(self.sales_manager).browse(found[0][0]).write({"help": "x"})

    def test_a_bare_sales_manager_opens_a_stage_form_with_required_fields(self):
        """The lowest rights of a CRM administrator (sales manager only, no «Access Rights»): the stage's form
        and list load and read its required fields; without the ACL row, the same read is an access error."""
        manager = new_test_user(self.env, "bare_sales_manager", groups="sales_team.group_sale_manager")
        self.assertFalse(manager.has_group("base.group_erp_manager"))
        stage = self.env.ref("ecom_crm.crm_stage_awaiting_payment")
        self.assertTrue(stage.ecom_required_field_ids, "the shipped stage has required fields")
        Stage = self.env["crm.stage"].with_user(manager)
        with Form(Stage.browse(stage.id)) as form:
            self.assertEqual(len(form.ecom_required_field_ids), len(stage.ecom_required_field_ids))
            form.ecom_time_limit_hours = 48  # and saves it
        self.assertEqual(stage.ecom_time_limit_hours, 48)
        Stage.get_views([(False, "list")])
        self.assertTrue(Stage.search_read([("id", "=", stage.id)], ["ecom_required_field_ids"]))
        self.env.ref("ecom_crm.access_ir_model_fields_sale_manager").active = False
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            Stage.browse(stage.id).web_read({"ecom_required_field_ids": {"fields": {"display_name": {}}}})

    def test_new_salespeople_land_on_their_pipeline(self):
        self.assertEqual(self.salesman.action_id.id, self.env.ref("crm.crm_lead_action_pipeline").id)
        chosen = self.env.ref("base.action_res_users")
        other = self.env["res.users"].create({
            "name": "Своя стартовая", "login": "own_home", "action_id": chosen.id,
            "groups_id": [(6, 0, self.env.ref("sales_team.group_sale_salesman").ids)]})
        self.assertEqual(other.action_id.id, chosen.id, "a home action given is kept")

    def test_every_report_explains_an_empty_screen_in_russian(self):
        """A company with no data yet opening a report of CRM > Reporting (any of the three addons') sees what
        will appear there and where it comes from, in Russian, not bare headers: the stage history had no help."""
        self.env["res.lang"]._activate_lang("ru_RU")
        menus = self.env["ir.ui.menu"].sudo().search([("id", "child_of", self.env.ref("crm.crm_menu_report").id)])
        actions = {menu.action for menu in menus
                   if menu.action and menu.action._name == "ir.actions.act_window"
                   and menu.action.target != "new" and menu.action.xml_id.startswith("ecom_crm")}
        self.assertIn(self.env.ref("ecom_crm.ecom_report_funnel_action"), actions)
        self.assertIn(self.env.ref("ecom_crm.ecom_lead_stage_history_action"), actions)
        for action in actions:
            help_en = str(action.help or "")
            help_ru = str(action.with_context(lang="ru_RU").help or "")
            self.assertIn("o_view_nocontent_", help_en, action.xml_id)
            self.assertNotEqual(help_ru, help_en, f"{action.xml_id}: not translated")
            self.assertRegex(etree.fromstring(f"<div>{help_ru}</div>").xpath("string(//p[1])"), "[а-яА-Я]",
                             action.xml_id)
        funnel = str(self.env.ref("ecom_crm.ecom_report_funnel_action").with_context(lang="ru_RU").help)
        self.assertIn("API", funnel, "where the requests come from")

    def test_the_reports_menu_names_each_report_apart_in_russian(self):
        """CRM > Reporting in Russian listed Odoo's pipeline analysis «Воронка» and the store's report by stage
        «Воронка продаж»: a sales director could not tell them apart. The store's says what it is, «Воронка по
        этапам» (its menu, its window's title and its views), Odoo's is left as it is, and no two entries of the
        menu read the same."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"], overwrite=True)
        ours = self.env.ref("ecom_crm.menu_ecom_report_funnel")
        action = self.env.ref("ecom_crm.ecom_report_funnel_action")
        self.assertEqual(ours.action, action)
        for lang, name in (("en_US", "Funnel by stage"), ("ru_RU", "Воронка по этапам")):
            with self.subTest(lang=lang):
                self.assertEqual(ours.with_context(lang=lang).name, name)
                self.assertEqual(action.with_context(lang=lang).name, name, "the window's title")
                for kind in ("pivot", "graph", "list", "search"):
                    arch = etree.fromstring(self.env["ecom.report.funnel"].with_context(lang=lang).get_view(
                        self.env.ref(f"ecom_crm.ecom_report_funnel_view_{kind}").id, kind)["arch"])
                    self.assertEqual(arch.get("string"), name, kind)
        pipeline = self.env.ref("crm.crm_opportunity_report_menu")
        self.assertEqual(pipeline.action, self.env.ref("crm.crm_opportunity_report_action"), "Odoo's own menu kept")
        self.assertEqual(pipeline.with_context(lang="en_US").name, "Pipeline")
        menus = self.env["ir.ui.menu"].sudo().with_context(lang="ru_RU").search(
            [("parent_id", "=", self.env.ref("crm.crm_menu_report").id)])
        self.assertIn(pipeline, menus)
        names = menus.mapped("name")
        self.assertEqual(sorted(names), sorted(set(names)), "no two entries alike")
        self.assertEqual(sorted(name for name in names if "Воронка" in name),
                         sorted([pipeline.with_context(lang="ru_RU").name, "Воронка по этапам"]),
                         "Odoo's pipeline analysis and the store's report by stage, each named its own way")

    def test_a_report_of_own_rows_tells_a_salesperson_why_it_is_empty(self):
        """A salesperson of «own documents only» opening a report whose rows are all some salesperson's (sales,
        channels, cohorts, revenue by channel) with no order of their own finds it empty: its screen says that
        they see only their own figures there, not only «no figures yet», as if the store had none. Whoever
        sees all documents (a salesperson of all documents, a sales manager) is not told so."""
        self.env["res.lang"]._activate_lang("ru_RU")
        salesman = self.env.ref("sales_team.group_sale_salesman")
        rules = self.env["ir.rule"].sudo().search([("groups", "in", salesman.ids),
                                                   ("model_id.model", "=like", "ecom.report.%")])
        own_only = {rule.model_id.model for rule in rules
                    if "user.id" in rule.domain_force and "False" not in rule.domain_force}
        self.assertTrue({"ecom.report.sales", "ecom.report.channel"} <= own_only, own_only)
        seller = new_test_user(self.env, login="ecom_own_rows", groups="sales_team.group_sale_salesman",
                               lang="ru_RU")
        all_documents = new_test_user(self.env, login="ecom_all_rows", lang="ru_RU",
                                      groups="sales_team.group_sale_salesman_all_leads")
        manager = new_test_user(self.env, login="ecom_all_rows_manager", lang="ru_RU",
                                groups="sales_team.group_sale_manager")

        def help_of(action, user, lang="ru_RU"):  # as the web client loads an action (/web/action/load)
            return str(action.with_user(user).with_context(lang=lang).sudo()._get_action_dict()["help"])

        for model in own_only:
            self.assertFalse(self.env[model].with_user(seller).search_count([]), model)
            actions = self.env["ir.actions.act_window"].search([("res_model", "=", model)])
            self.assertTrue(actions, model)
            for action in actions:
                help_ru = help_of(action, seller)
                self.assertIn("Пока нет данных", help_ru, action.xml_id)
                self.assertIn("Вам доступны только собственные документы", help_ru, action.xml_id)
                self.assertIn("only your own figures", help_of(action, seller, "en_US"),
                              action.xml_id)
                for user in (all_documents, manager, self.env.ref("base.user_admin")):
                    help_ru = help_of(action, user)
                    self.assertIn("Пока нет данных", help_ru, (action.xml_id, user.login))
                    self.assertNotIn("документы", help_ru, (action.xml_id, user.login))

    def test_the_sales_reports_new_or_returning_column_is_not_a_customers_name(self):
        """The Sales report's column reading «Новый клиент» / «Повторный клиент» is titled as its grouping is,
        «Новый или повторный», not «Клиент», where a reader looks for a customer's name."""
        self.env["res.lang"]._activate_lang("ru_RU")
        Sales = self.env["ecom.report.sales"].with_context(lang="ru_RU")
        label = Sales.fields_get(["customer_kind"])["customer_kind"]["string"]
        self.assertEqual(label, "Новый или повторный")
        search = etree.fromstring(Sales.get_view(view_type="search")["arch"])
        [grouping] = search.xpath("//filter[@name='group_kind']")
        self.assertEqual(grouping.get("string"), label)
        arch = etree.fromstring(Sales.get_view(view_type="list")["arch"])
        self.assertTrue(arch.xpath("//field[@name='customer_kind']"))

    def test_empty_lists_explain_themselves_and_a_request_has_a_name(self):
        self.assertIn("/ecom_crm/api/v1/calls", str(self.env.ref("ecom_crm.ecom_call_action").help))
        source = self.env["ecom.intake.source"].create({"name": "Сайт"})
        entry = self.env["ecom.intake.request"]._journal({"phone": "+79160001111", "name": "Иванова Анна"}, source)
        self.assertRegex(entry.display_name, r"^Сайт · Иванова Анна · ")
