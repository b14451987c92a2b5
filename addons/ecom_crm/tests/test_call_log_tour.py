from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm")
class TestCallLogTour(HttpCase):
    """A salesperson with the lowest rights, in Russian, logs the calls they made outside the
    telephony: on the request, in the customer's history; one nobody answered asks to call again."""

    def setUp(self):
        super().setUp()
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env.company.country_id = self.env.ref("base.ru")
        self.salesman = new_test_user(self.env, login="ecom_call_salesman", groups="sales_team.group_sale_salesman",
                                      name="Ольга Звонкова", lang="ru_RU")
        self.other = new_test_user(self.env, login="ecom_call_other", groups="sales_team.group_sale_salesman",
                                   name="Пётр Другой", lang="ru_RU")
        self.customer = self.env["res.partner"].create({"name": "Иванова Мария", "phone": "8 916 123-45-67",
                                                        "user_id": self.salesman.id})
        self.lead = self.env["crm.lead"].create({
            "name": "Коляска для звонка", "type": "opportunity", "partner_id": self.customer.id,
            "user_id": self.salesman.id, "stage_id": self.env.ref("ecom_crm.crm_stage_new_request").id})

    def test_log_calls_of_a_request(self):
        self.start_tour(f"/odoo/crm/{self.lead.id}", "ecom_crm_call_log", login="ecom_call_salesman")
        calls = self.env["ecom.call"].search([("lead_id", "=", self.lead.id)], order="id")
        self.assertEqual(calls.mapped("state"), ["finished", "missed"])
        self.assertEqual(calls.mapped("direction"), ["out", "out"])
        self.assertEqual(calls.mapped("duration"), [240, 0])
        self.assertEqual(calls.mapped("caller"), ["+79161234567"] * 2)
        self.assertEqual(calls.user_id, self.salesman)
        self.assertEqual(calls.partner_id, self.customer)
        logged = self.lead.message_ids.filtered(lambda m: "Договорились о доставке в субботу" in m.body)
        self.assertEqual(logged.author_id, self.salesman.partner_id, "the salesperson's note")
        self.assertIn("4 мин", logged.body)
        again = self.lead.activity_ids
        self.assertEqual((again.user_id, again.activity_type_id),
                         (self.salesman, self.env.ref("mail.mail_activity_data_call")))
        self.assertEqual(again.summary, "Позвонить ещё раз +79161234567: не ответили")
        self.start_tour(f"/odoo/res.partner/{self.customer.id}", "ecom_crm_call_timeline", login="ecom_call_salesman")

    def test_open_a_call_from_the_journal(self):
        """Calls ▸ a row opens the call's form, read-only, in Russian: its number as title («Скрытый номер» for a
        withheld one), who talked, the recording; its customer and request as links, but not the request of
        another salesperson the rules keep from them (a call they made to it), nor a call of that request."""
        other_customer = self.env["res.partner"].create({"name": "Сидоров Иван", "user_id": self.other.id})
        other_lead = self.env["crm.lead"].create({"name": "Чужая заявка", "type": "opportunity",
                                                  "partner_id": other_customer.id, "user_id": self.other.id})
        Call = self.env["ecom.call"]
        Call.create({"call_id": "form-1", "caller": "+79161234567", "called": "+74951234567", "direction": "in",
                     "state": "finished", "duration": 185, "user_id": self.salesman.id, "lead_id": self.lead.id,
                     "partner_id": self.customer.id, "started_at": "2026-12-01 10:00:00",
                     "recording_url": "https://records.example.ru/call-1.mp3"})
        made = Call.create({"call_id": "form-2", "caller": "+79037770000", "direction": "out", "state": "finished",
                            "user_id": self.salesman.id, "lead_id": other_lead.id, "partner_id": other_customer.id,
                            "started_at": "2026-12-01 09:00:00"})
        Call.create({"call_id": "form-3", "hidden_caller": True, "direction": "in", "state": "answered",
                     "user_id": self.salesman.id, "started_at": "2026-12-01 08:00:00"})
        Call.create({"call_id": "form-4", "caller": "+79035550000", "direction": "in", "state": "finished",
                     "user_id": self.other.id, "lead_id": other_lead.id, "partner_id": other_customer.id})
        self.assertEqual((made.with_user(self.salesman).lead_readable, made.with_user(self.other).lead_readable),
                         (False, True))
        self.start_tour("/odoo/action-ecom_crm.ecom_call_action", "ecom_crm_call_form", login="ecom_call_salesman")

    def test_a_calls_request_is_linked_in_the_companies_chosen(self):
        """Multi-company: the call's form links a request of the second store only while that store is among the
        companies the reader chose (the companies' rule of crm.lead), computed for each choice anew."""
        second = self.env["res.company"].create({"name": "Второй магазин"})
        self.salesman.company_ids += second
        lead = self.env["crm.lead"].create({"name": "Заявка второго магазина", "company_id": second.id,
                                            "user_id": self.salesman.id})
        call = self.env["ecom.call"].create({"call_id": "mc-1", "caller": "+79161234567", "direction": "in",
                                             "state": "finished", "user_id": self.salesman.id, "lead_id": lead.id})
        call = call.with_user(self.salesman)
        self.assertFalse(call.with_context(allowed_company_ids=self.env.company.ids).lead_readable)
        self.assertTrue(call.with_context(allowed_company_ids=(self.env.company + second).ids).lead_readable)
        self.assertFalse(call.with_context(allowed_company_ids=self.env.company.ids).lead_readable)

    def test_another_salespersons_request_is_not_theirs_to_log(self):
        Wizard = self.env["ecom.call.log.wizard"].with_user(self.other)
        with self.assertRaises(AccessError):
            Wizard.create({"lead_id": self.lead.id, "phone": "+79161234567"}).action_log()
        wizard = Wizard.with_user(self.salesman).create({"lead_id": self.lead.id, "phone": "+79161234567",
                                                         "duration_minutes": -3})
        with self.assertRaisesRegex(UserError, "отрицательной"):
            wizard.with_context(lang="ru_RU").action_log()
        self.assertFalse(self.env["ecom.call"].search([("lead_id", "=", self.lead.id)]))

    def test_timeline_tells_the_call_in_the_users_language(self):
        """The history said «+79161234567 (missed)» in every language: the direction and status are
        the timeline's fields now, translated."""
        self.env["ecom.call"].create({"call_id": "t-1", "caller": "+79161234567", "state": "missed", "direction": "in",
                                      "lead_id": self.lead.id, "partner_id": self.customer.id})
        row = self.env["ecom.customer.timeline"].with_context(lang="ru_RU").search(
            [("partner_id", "=", self.customer.id), ("kind", "=", "call")])
        self.assertEqual(row.name, "+79161234567")
        self.assertEqual((row.call_direction, row.call_state), ("in", "missed"))
        labels = dict(row._fields["call_state"]._description_selection(row.env))
        self.assertEqual(labels["missed"], "Пропущен")
