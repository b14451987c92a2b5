"""One customer base: requests matched to customers by phone and email, the repeat window, repeat
buyers, the mail alias, merges."""

from datetime import timedelta
from unittest.mock import patch

import phonenumbers

from odoo import fields
from odoo.tests import tagged

from .common import IntakeCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestDedup(IntakeCase):
    def test_phone_spellings_find_one_customer(self):
        spellings = ["8 (926) 765-43-21", "+7 926 765 43 21", "79267654321", "9267654321"]
        partners = {self.post({"name": "Петров Пётр", "phone": p}).json()["partner_id"] for p in spellings}
        self.assertEqual(len(partners), 1)
        self.assertEqual(self.env["res.partner"].search_count([("phone", "=", "+79267654321")]), 1)

    def test_an_office_number_with_extensions_is_one_customer(self):
        """A company's switchboard, with or without an extension, is one customer: the extension of
        the first request stays on the customer, later ones (in the same batch or not) find it."""
        Request = self.env["ecom.intake.request"]
        entries = Request.browse()
        for phone in ("+7 (495) 123-45-67 доб. 123", "8 495 1234567 ext. 45"):
            entries |= Request._journal({"name": "ООО «Вектор»", "phone": phone}, self.source, "api")
        self.env["ecom.intake.processor"]._process_entries(entries)
        self.assertEqual(len(entries.partner_id), 1, "one customer for the batch")
        self.assertEqual(entries.partner_id.phone, "+74951234567 доб. 123")
        for phone in ("+74951234567", "8 (495) 123-45-67 вн. 7"):
            answer = self.post({"name": "Иванов Иван", "phone": phone}).json()
            self.assertEqual(answer["partner_id"], entries.partner_id.id)
            self.assertFalse(answer["new_customer"])
        self.assertEqual(self.env["res.partner"].search_count([("ecom_phone_number", "=", "+74951234567")]), 1)

    def test_a_request_with_another_extension_keeps_the_customers(self):
        """A later request from the switchboard with another extension (someone else in the office, or
        another company of the business centre) is the customer's; it does not rewrite the customer's
        extension, which keeps finding them first."""
        company = self.env["res.partner"].create({"name": "ООО «Вектор»", "is_company": True,
                                                  "phone": "+7 495 123-45-67 доб. 1"})
        answer = self.post({"name": "Иванов Иван", "phone": "8 495 123-45-67 доб. 2"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual((lead.partner_id, lead.phone), (company, "+74951234567 доб. 2"))
        self.assertEqual(company.phone, "+74951234567 доб. 1")

    def test_a_request_from_the_switchboard_shows_the_customers_extension(self):
        """A call or a form from the bare number finds the company typed with its extension: the new
        request's phone is the company's, extension and all, so that «Call» on it reaches the person
        (it was the switchboard's bare number, the extension on the customer's card only)."""
        company = self.env["res.partner"].create({"name": "ООО «Вектор»", "is_company": True,
                                                  "phone": "+7 495 123-45-67 доб. 12"})
        answer = self.post({"name": "Иванов Иван", "phone": "8 495 123-45-67"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual((lead.partner_id, lead.phone), (company, "+74951234567 доб. 12"))
        self.assertEqual(company.phone, "+74951234567 доб. 12")

    def test_a_request_from_the_customers_mobile_keeps_their_phone(self):
        """A request found by the customer's mobile, or by the mobile of a company's contact, has that
        number: crm wrote it over the customer's phone (a different number, for Odoo), and the
        office's number, extension and all, was lost."""
        company = self.env["res.partner"].create({"name": "ООО «Вектор»", "is_company": True,
                                                  "phone": "+7 495 123-45-67 доб. 12", "mobile": "+7 916 000-11-22"})
        self.env["res.partner"].create({"name": "Сидоров Пётр", "parent_id": company.id, "mobile": "+79030001122"})
        for phone in ("8 916 000-11-22", "8 903 000-11-22"):
            with self.subTest(phone=phone):
                self.env["crm.lead"].search([("partner_id", "=", company.id)]).action_set_lost(
                    lost_reason_id=self.env["crm.lost.reason"].search([], limit=1).id)
                answer = self.post({"name": "Сидоров Пётр", "phone": phone}).json()
                lead = self.env["crm.lead"].browse(answer["lead_id"])
                self.assertEqual(lead.partner_id, company)
                self.assertEqual((company.phone, company.mobile), ("+74951234567 доб. 12", "+79160001122"))

    def test_a_request_phone_with_extension_is_parsed_once(self):
        """The intake's throughput: a request's phone, extension and all, is read by libphonenumber
        once (Odoo's parse reads it twice) for the customer, the lead and their computed phone fields."""
        entry = self.env["ecom.intake.request"]._journal(
            {"name": "ООО «Орбита»", "phone": "8 (495) 765-00-11 доб. 7"}, self.source, "api")
        with patch.object(phonenumbers, "parse", wraps=phonenumbers.parse) as parse:
            self.env["ecom.intake.processor"]._process_entries(entry)
            self.env.flush_all()
        self.assertEqual(parse.call_count, 2)
        self.assertRecordValues(entry.lead_id, [{"phone": "+74957650011 доб. 7", "phone_sanitized": "+74957650011",
                                                 "phone_state": "correct"}])
        self.assertEqual(entry.partner_id.phone_sanitized, "+74957650011")

    def test_new_customers_skip_the_defaults_of_form_only_fields(self):
        """Form-only fields (not stored, no compute, no inverse) are discarded by create(); their
        defaults (account counts the invoice reports) are not computed per new customer."""
        Partner = self.env["res.partner"]
        form_only = {name for name, field in Partner._fields.items() if field.default and not (
            field.store or field.compute or field.inverse or field.related)}
        self.assertIn("display_invoice_template_pdf_report_id", form_only)
        requested, default_get = [], type(Partner).default_get

        def spy(model, fields_list):
            if model._name == "res.partner":
                requested.extend(fields_list)
            return default_get(model, fields_list)

        with patch.object(type(Partner), "default_get", spy):
            answer = self.post({"name": "Новикова Ольга Петровна", "phone": "+79035550011"}).json()
        self.assertTrue(answer["new_customer"])
        self.assertIn("lang", requested, "the stored fields' defaults are still Odoo's")
        self.assertFalse(form_only & set(requested))
        partner = Partner.browse(answer["partner_id"])
        self.assertEqual((partner.lastname, partner.firstname, partner.patronymic, partner.phone),
                         ("Новикова", "Ольга", "Петровна", "+79035550011"))
        self.assertTrue(partner.lang)

    def test_a_sole_traders_name_is_read_as_the_card_reads_it(self):
        """A request from a sole trader makes the customer the card would be when typed so: the title kept with the
        surname. Read as any person's name, the title was a surname or a first name: «Индивидуальный предприниматель
        Ким Саша» became «Ким Саша Индивидуальный предприниматель» (no sole trader any more), «ИП Лейла Гасановна
        Алиева» «Гасановна Алиева ИП Лейла»."""
        Partner = self.env["res.partner"]
        for typed, phone, name, parts, gender in (
                ("ИП Ким Саша", "+79035550021", "ИП Ким Саша", ("ИП Ким", "Саша", False), False),
                ("Индивидуальный предприниматель Ким Саша", "+79035550022",
                 "Индивидуальный предприниматель Ким Саша", ("Индивидуальный предприниматель Ким", "Саша", False),
                 False),
                ("ИП Лейла Гасановна Алиева", "+79035550023", "ИП Алиева Лейла Гасановна",
                 ("ИП Алиева", "Лейла", "Гасановна"), "female"),
                ("ип Алиева Лейла Гасановна", "+79035550024", "ип Алиева Лейла Гасановна",
                 ("ип Алиева", "Лейла", "Гасановна"), "female")):
            with self.subTest(name=typed):
                partner = Partner.browse(self.post({"name": typed, "phone": phone}).json()["partner_id"])
                card = Partner.create({"name": typed})
                self.assertEqual(partner.name, name)
                self.assertEqual((partner.lastname, partner.firstname, partner.patronymic), parts)
                self.assertEqual((card.lastname, card.firstname, card.patronymic), parts)
                self.assertEqual(partner.ecom_gender, gender)
                self.assertTrue(partner.ecom_sole_trader)

    def test_email_matches_existing_customer(self):
        customer = self.env["res.partner"].create({"name": "Орлова Анна", "email": "Anna.Orlova@Mail.ru"})
        answer = self.post({"name": "Анна", "email": "anna.orlova@mail.ru"}).json()
        self.assertEqual(answer["partner_id"], customer.id)
        self.assertFalse(answer["new_customer"])

    def test_repeat_window_updates_the_open_request(self):
        first = self.post({"name": "Кузнецов", "phone": "+79161230000", "message": "Первый вопрос"}).json()
        second = self.post({"phone": "8 916 123 00 00", "message": "Второй вопрос",
                            "lines": [{"sku": "DR-L10", "qty": 1, "price": 24990}]}).json()
        self.assertEqual(second["lead_id"], first["lead_id"])
        self.assertEqual(second["result"], "updated")
        lead = self.env["crm.lead"].browse(first["lead_id"])
        self.assertEqual(lead.ecom_product_id, self.product, "the new request completes the open one")
        self.assertTrue(lead.message_ids.filtered(lambda m: "Второй вопрос" in (m.body or "")),
                        "the second request is in the chatter of the first")
        # outside the window: a new request
        self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", [
            fields.Datetime.now() - timedelta(days=self.env.company.ecom_repeat_window_days + 1), lead.id])
        lead.invalidate_recordset()
        third = self.post({"phone": "+79161230000", "message": "Через неделю"}).json()
        self.assertNotEqual(third["lead_id"], first["lead_id"])
        self.assertEqual(third["partner_id"], first["partner_id"])
        # the lead's link shows its two requests, the customer's all three
        Journal = self.env["ecom.intake.request"]
        self.assertEqual(len(Journal.search(lead.action_ecom_view_intake()["domain"])), 2)
        customer = self.env["res.partner"].browse(first["partner_id"])
        self.assertEqual(len(Journal.search(customer.action_ecom_view_intake()["domain"])), 3)

    def test_a_second_shop_s_request_is_not_added_to_the_first_shop_s(self):
        """Two shops (companies) in one Odoo share their customers: a request to the second shop
        within the first's repeat window is the second shop's own request, which its salespeople see;
        a request to a shop with an open one of no company joins it."""
        second = self.env["res.company"].create({"name": "Второй магазин"})
        self.env.ref("ecom_crm.user_intake_api").company_ids |= second
        source_b = self.env["ecom.intake.source"].create({
            "name": "Сайт второго магазина", "kind": "website", "company_id": second.id, "rate_limit": 1000,
            "team_id": self.env["crm.team"].create({"name": "Второй магазин", "company_id": second.id}).id})
        key_b = source_b._generate_key()
        first = self.post({"name": "Кузнецов", "phone": "+79161230001", "message": "В первый магазин"}).json()
        other = self.post({"phone": "8 916 123 00 01", "message": "Во второй магазин"}, key=key_b).json()
        self.assertNotEqual(other["lead_id"], first["lead_id"])
        self.assertEqual(other["partner_id"], first["partner_id"], "one customer base")
        self.assertEqual(self.env["crm.lead"].browse(other["lead_id"]).company_id, second)
        again = self.post({"phone": "+79161230001", "message": "Снова во второй"}, key=key_b).json()
        self.assertEqual((again["lead_id"], again["result"]), (other["lead_id"], "updated"))
        shared = self.env["crm.lead"].browse(first["lead_id"])
        shared.company_id = False
        other_lead = self.env["crm.lead"].browse(other["lead_id"])
        other_lead.action_set_lost(lost_reason_id=self.env.ref("ecom_crm.lost_reason_out_of_stock").id)
        joined = self.post({"phone": "+79161230001", "message": "Опять во второй"}, key=key_b).json()
        self.assertEqual(joined["lead_id"], shared.id, "an open request of no company is every shop's")

    def test_repeat_buyer_marked(self):
        customer = self.env["res.partner"].create({"name": "Покупатель", "phone": "+79169990011"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]})
        order.action_confirm()
        answer = self.post({"phone": "89169990011"}).json()
        self.assertTrue(answer["repeat_customer"])
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertTrue(lead.ecom_repeat_customer)
        self.assertEqual(lead.ecom_customer_status, "first_purchase")

    def test_a_refused_parcel_makes_no_repeat_buyer(self):
        """A customer whose only order was refused at delivery bought nothing: their next request is
        no repeat buyer's, as their card says."""
        customer = self.env["res.partner"].create({"name": "Отказник", "phone": "+79169990022"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]})
        order.action_confirm()
        order._ecom_set_status("returned", reason=self.env.ref("ecom_crm.lost_reason_refused_at_delivery").id)
        answer = self.post({"phone": "89169990022"}).json()
        self.assertEqual(answer["partner_id"], customer.id)
        self.assertFalse(answer["repeat_customer"])
        self.assertFalse(self.env["crm.lead"].browse(answer["lead_id"]).ecom_repeat_customer)

    def test_email_alias_goes_through_dedup(self):
        customer = self.env["res.partner"].create({"name": "Белова Ирина", "email": "irina@bk.ru"})
        existing = self.env["crm.lead"].create({"name": "Открытая", "type": "opportunity", "partner_id": customer.id})
        lead = self.env["crm.lead"].message_new(
            {"email_from": "Ирина <IRINA@bk.ru>", "subject": "Ещё вопрос", "body": "<p>Где заказ?</p>"})
        self.assertEqual(lead, existing, "within the repeat window the mail joins the open request")
        existing.action_set_lost(lost_reason_id=self.env.ref("ecom_crm.lost_reason_other").id)
        lead = self.env["crm.lead"].message_new({"email_from": "irina@bk.ru", "subject": "Новый заказ"})
        self.assertNotEqual(lead, existing)
        self.assertEqual(lead.partner_id, customer, "a new request, still attached to the customer")
        self.assertEqual(self.env["ecom.intake.request"].search_count(
            [("partner_id", "=", customer.id), ("channel", "=", "email")]), 2)

    def test_a_mail_to_the_second_shop_s_alias_is_its_own_request(self):
        """The mail gateway (run as the superuser, whom no company rule limits) of the second shop's
        team: the mail is that shop's request, not added to the first shop's open one."""
        customer = self.env["res.partner"].create({"name": "Белова Ирина", "email": "irina@bk.ru"})
        first_shop = self.env["crm.lead"].create({"name": "Открытая", "type": "opportunity", "partner_id": customer.id})
        second = self.env["res.company"].create({"name": "Второй магазин"})
        team_b = self.env["crm.team"].create({"name": "Второй магазин", "company_id": second.id})
        lead = self.env["crm.lead"].message_new({"email_from": "irina@bk.ru", "subject": "Вопрос второму"},
                                                custom_values={"team_id": team_b.id})
        self.assertNotEqual(lead, first_shop)
        self.assertEqual((lead.team_id, lead.company_id, lead.partner_id), (team_b, second, customer))
        again = self.env["crm.lead"].message_new({"email_from": "irina@bk.ru", "subject": "Ещё второму"},
                                                 custom_values={"team_id": team_b.id})
        self.assertEqual(again, lead, "the second shop's open request")
        team_a = self.env["crm.team"].create({"name": "Первый магазин", "company_id": self.env.company.id})
        self.assertEqual(self.env["crm.lead"].message_new({"email_from": "irina@bk.ru", "subject": "Первому"},
                                                          custom_values={"team_id": team_a.id}), first_shop)

    def test_merged_requests_keep_their_incoming_requests(self):
        """Two requests merged in the pipeline: the journal entry of the one merged away is the kept one's
        (it was left linked to nothing, the kept request counting one incoming request of two), and its
        idempotency key replayed answers the kept request."""
        first = self.post({"name": "Смирнова Ольга", "phone": "+79161110001", "idempotency_key": "m-1"}).json()
        second = self.post({"name": "Смирнова Ольга", "phone": "+79161110002", "idempotency_key": "m-2"}).json()
        leads = self.env["crm.lead"].browse([first["lead_id"], second["lead_id"]])
        kept = leads.merge_opportunity()
        self.assertEqual(kept.ecom_intake_count, 2)
        self.assertEqual(self.post({"name": "Смирнова Ольга", "phone": "+79161110002",
                                    "idempotency_key": "m-2"}).json()["lead_id"], kept.id)

    def test_merge_keeps_everything_and_logs(self):
        keep = self.env["res.partner"].create({"name": "Иванова Мария", "phone": "+79161110000",
                                               "email": "maria@mail.ru"})
        dupe = self.env["res.partner"].create({"name": "Мария Иванова", "email": "maria@mail.ru"})
        order = self.env["sale.order"].create({"partner_id": dupe.id, "order_line": [
            (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]})
        order.action_confirm()
        lead = self.env["crm.lead"].create({"name": "Заявка дубля", "partner_id": dupe.id})
        dupe.message_post(body="Звонила по доставке")
        wizard = self.env["base.partner.merge.automatic.wizard"].with_context(lang="en_US").create({
            "partner_ids": [(6, 0, (keep | dupe).ids)], "dst_partner_id": keep.id})
        dupe_id = dupe.id
        wizard.action_merge()
        self.assertFalse(dupe.exists())
        self.assertEqual(order.partner_id, keep)
        self.assertEqual(lead.partner_id, keep)
        self.assertTrue(keep.message_ids.filtered(lambda m: "Звонила по доставке" in (m.body or "")))
        self.assertTrue(keep.message_ids.filtered(lambda m: f"(ID {dupe_id})" in (m.body or "")),
                        "the merge is logged on the kept customer")
        self.assertEqual(keep.ecom_order_count, 1, "the card counts the merged customer's orders")
        log = keep.message_ids.filtered(lambda m: f"(ID {dupe_id})" in (m.body or ""))[:1].body
        self.assertIn("1 orders, 1 requests, 0 calls", log, "the chatter says what the merged customer brought")

    def test_merged_customers_numbers_still_find_the_kept_one(self):
        keep = self.env["res.partner"].create({"name": "Петров Олег", "phone": "+79161110001",
                                               "email": "oleg@mail.ru"})
        dupe = self.env["res.partner"].create({"name": "Олег Петров", "phone": "+79162220002",
                                               "email": "petrov.o@yandex.ru"})
        self.env["base.partner.merge.automatic.wizard"].create({
            "partner_ids": [(6, 0, (keep | dupe).ids)], "dst_partner_id": keep.id}).action_merge()
        for payload in ({"phone": "8 916 222-00-02"}, {"email": "Petrov.O@yandex.ru"}):
            with self.subTest(payload=payload):
                answer = self.post(payload).json()
                self.assertEqual(answer["partner_id"], keep.id, "no new duplicate from the merged customer's details")
                self.assertFalse(answer["new_customer"])

    def test_an_archived_duplicate_gives_way_to_the_active_customer(self):
        """A duplicate put away (archived) sharing a phone or email with the active customer does not
        take the active one's requests, even when it is the older record."""
        archived = self.env["res.partner"].create({"name": "Сидорова Анна (дубль)", "phone": "+79163330003",
                                                   "email": "anna.s@mail.ru"})
        active = self.env["res.partner"].create({"name": "Сидорова Анна", "phone": "+79163330003",
                                                 "email": "Anna.S@mail.ru"})
        archived.active = False
        for payload in ({"phone": "8 916 333-00-03"}, {"email": "ANNA.S@mail.ru"}):
            with self.subTest(payload=payload):
                self.assertEqual(self.post(payload).json()["partner_id"], active.id)

    def test_an_archived_duplicate_with_the_extension_gives_way_to_the_active_customer(self):
        """The duplicate put away kept the office's extension, the active customer has the bare number:
        a request with that extension goes to the active one, as any request of the number does."""
        archived = self.env["res.partner"].create({"name": "ООО «Вектор» (дубль)", "is_company": True,
                                                   "phone": "+7 495 123-45-67 доб. 12"})
        active = self.env["res.partner"].create({"name": "ООО «Вектор»", "is_company": True,
                                                 "phone": "+7 495 123-45-67"})
        archived.active = False
        for phone in ("8 495 123-45-67 доб. 12", "8 495 123-45-67", "8 495 123-45-67 доб. 5"):
            with self.subTest(phone=phone):
                self.assertEqual(self.post({"phone": phone}).json()["partner_id"], active.id)
        # nobody active: the archived one with that very extension still comes first
        active.active = False
        other = self.env["res.partner"].create({"name": "ООО «Орбита»", "is_company": True, "active": False,
                                                "phone": "+7 495 123-45-67 доб. 200"})
        by_phone, _by_email = self.env["res.partner"]._ecom_match_customers(
            ["+74951234567 доб. 200", "+74951234567 доб. 12"])
        self.assertEqual(by_phone, {"+74951234567 доб. 200": other, "+74951234567 доб. 12": archived})

    def test_merge_across_companies_is_refused(self):
        """Customers of two companies are not merged: the orders and requests of one company would
        belong to the other company's customer."""
        from odoo.exceptions import UserError
        other = self.env["res.company"].create({"name": "Другой магазин"})
        keep = self.env["res.partner"].create({"name": "Орлова Нина", "email": "nina@mail.ru",
                                               "company_id": self.env.company.id})
        dupe = self.env["res.partner"].create({"name": "Нина Орлова", "email": "nina@mail.ru",
                                               "company_id": other.id})
        wizard = self.env["base.partner.merge.automatic.wizard"].create({
            "partner_ids": [(6, 0, (keep | dupe).ids)], "dst_partner_id": keep.id})
        with self.assertRaises(UserError):
            wizard.action_merge()
        self.assertTrue(dupe.exists())
