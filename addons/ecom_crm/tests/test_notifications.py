"""Customer notifications by stage and order status (once), opt-outs, reminders to salespeople."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import EcomCrmCase


class NotificationCase(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.ecom_sms_gateway = "iap"  # nothing leaves: the SMS stay queued
        cls.customer = cls.Partner.create({
            "name": "Мария Покупателева", "email": "maria@example.ru", "mobile": "+79161234567", "lang": "ru_RU"})
        cls.Log = cls.env["ecom.notification.log"]

    @classmethod
    def _order(cls, partner=None):
        return cls.env["sale.order"].create({
            "partner_id": (partner or cls.customer).id,
            "order_line": [fields.Command.create({"product_id": cls.product.id, "product_uom_qty": 1})],
        })

    def _send_queued(self):
        """What the scheduled action triggered by the status change does."""
        return self.Log._cron_ecom_send_notifications()

    def _sms(self, record):
        return self.env["sms.sms"].search([("mail_message_id", "in", record.message_ids.ids)])

    def _emails(self, record, subject_part):
        return record.message_ids.filtered(
            lambda m: m.message_type == "comment" and subject_part in (m.subject or ""))


@tagged("post_install", "-at_install", "ecom_crm", "ecom_notifications")
class TestStageNotifications(NotificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mail_template = cls.env["mail.template"].create({
            "name": "Мы связались", "model_id": cls.env["ir.model"]._get_id("crm.lead"),
            "subject": "Заявка {{ object.name }} в работе", "partner_to": "{{ object.partner_id.id }}",
            "body_html": "<p>Менеджер <t t-out='object.user_id.name'/> свяжется с вами.</p>"})
        cls.sms_template = cls.env["sms.template"].create({
            "name": "Мы связались", "model_id": cls.env["ir.model"]._get_id("crm.lead"),
            "body": "Заявка {{ object.name }} в работе"})
        cls.stage_contact.write({"ecom_mail_template_id": cls.mail_template.id,
                                 "ecom_sms_template_id": cls.sms_template.id})

    def test_once_per_stage_back_and_forth(self):
        lead = self._lead(partner_id=self.customer.id, name="Коляска")
        self.assertFalse(self.Log.search([("lead_id", "=", lead.id)]))  # «New request» sends nothing
        lead.stage_id = self.stage_contact
        lead.stage_id = self.stage_new
        lead.stage_id = self.stage_contact
        log = self.Log.search([("lead_id", "=", lead.id)])
        # nothing rendered yet: the click only wrote the row and woke the sending job up
        self.assertRecordValues(log, [{"mail_state": "pending", "sms_state": "pending", "done": False}])
        self.assertFalse(self._emails(lead, "в работе"))
        self.assertTrue(self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.env.ref("ecom_crm.ir_cron_send_notifications").id)]))
        self.assertEqual(self._send_queued(), log)
        self.assertFalse(self._send_queued(), "sent once")
        self.assertRecordValues(log, [{"stage_id": self.stage_contact.id, "partner_id": self.customer.id,
                                       "mail_state": "queued", "sms_state": "queued", "note": False}])
        emails = self._emails(lead, "Заявка Коляска в работе")
        self.assertEqual(len(emails), 1)
        self.assertEqual(log.mail_message_id, emails)
        self.assertIn(self.customer, emails.partner_ids)
        self.assertIn(self.salesman.name, str(emails.body))
        sms = self._sms(lead)
        self.assertRecordValues(sms, [{"number": "+79161234567", "body": "Заявка Коляска в работе",
                                       "state": "outgoing"}])
        # the email waits in the mail queue: the manager's click does not wait for SMTP
        self.assertEqual(self.env["mail.mail"].search([("mail_message_id", "=", emails.id)]).state, "outgoing")

    def test_created_in_the_stage(self):
        lead = self._lead(partner_id=self.customer.id, stage_id=self.stage_contact.id)
        self.assertEqual(len(self.Log.search([("lead_id", "=", lead.id)])), 1)

    def test_lead_without_partner_uses_its_phone(self):
        self.stage_contact.ecom_mail_template_id = False
        lead = self._lead(phone="8 916 000-11-22", stage_id=self.stage_contact.id)
        self.assertFalse(lead.partner_id)
        self._send_queued()
        self.assertEqual(self._sms(lead).number, "+79160001122")

    def test_archived_lead_not_notified(self):
        lead = self._lead(partner_id=self.customer.id)
        lead.write({"active": False, "lost_reason_id": self.reason_expensive.id, "stage_id": self.stage_contact.id})
        self.assertFalse(self.Log.search([("lead_id", "=", lead.id)]))


@tagged("post_install", "-at_install", "ecom_crm", "ecom_notifications")
class TestOrderNotifications(NotificationCase):
    def test_default_rules_and_tracking_number(self):
        order = self._order()
        order.action_confirm()
        self.assertEqual(order.ecom_status, "confirmed")
        order._ecom_set_status("paid")  # no default rule for «paid»
        order._ecom_set_status("shipped", tracking_number="RA123456789RU")
        self._send_queued()
        logs = self.Log.search([("order_id", "=", order.id)], order="id")
        self.assertEqual(logs.mapped("status"), ["confirmed", "shipped"])
        shipped_mail = logs[1].mail_message_id
        # the default templates are Russian for a Russian customer, with the tracking number
        self.assertIn("RA123456789RU", str(shipped_mail.body))
        self.assertIn("Трек-номер", str(shipped_mail.body))
        self.assertIn(order.name, shipped_mail.subject)
        shipped_sms = self.env["sms.sms"].search([("mail_message_id", "=", logs[1].sms_message_id.id)])
        self.assertIn("RA123456789RU", shipped_sms.body)
        self.assertIn("отправлен", shipped_sms.body)
        self.assertEqual(shipped_sms.number, "+79161234567")

    def test_the_order_statuses_speak_the_readers_language(self):
        """The rules' and the log's status column, its drop-down and a rule's name were English on a
        Russian screen («Confirmed», «Shipped»): their selection is a method's."""
        self.env["res.lang"]._activate_lang("ru_RU")
        for model in ("ecom.order.notification", "ecom.notification.log"):
            Model = self.env[model].with_context(lang="ru_RU")
            labels = dict(Model.fields_get(["status"])["status"]["selection"])
            self.assertEqual((labels["confirmed"], labels["shipped"], labels["returned"]),
                             ("Подтверждён", "Отправлен", "Отказ при получении"), model)
        rule = self.env.ref("ecom_crm.order_notification_shipped").with_context(lang="ru_RU")
        self.assertEqual(rule.display_name, "Отправлен")
        self.assertEqual(rule.with_context(lang="en_US").display_name, "Shipped")

    def test_once_per_status_back_and_forth(self):
        order = self._order()
        order.action_confirm()
        order._ecom_set_status("shipped", tracking_number="RA1")
        order._ecom_set_status("confirmed")  # e.g. 1C sends an older status again
        order._ecom_set_status("shipped", tracking_number="RA1")
        order._ecom_set_status("delivered")
        self._send_queued()
        logs = self.Log.search([("order_id", "=", order.id)])
        self.assertEqual(sorted(logs.mapped("status")), ["confirmed", "delivered", "shipped"])
        self.assertEqual(len(self._sms(order)), 3)
        self.assertEqual(len(order.message_ids.filtered(lambda m: m.message_type == "comment")), 3)

    def test_company_rule_wins_and_inactive_rule(self):
        own_template = self.env["sms.template"].create({
            "name": "Свой", "model_id": self.env["ir.model"]._get_id("sale.order"), "body": "Свой текст"})
        self.env["ecom.order.notification"].create({
            "status": "confirmed", "company_id": self.env.company.id, "sms_template_id": own_template.id})
        self.env.ref("ecom_crm.order_notification_shipped").active = False
        order = self._order()
        order.action_confirm()
        order._ecom_set_status("shipped", tracking_number="RA2")
        self._send_queued()
        self.assertEqual(self._sms(order).body, "Свой текст")
        log = self.Log.search([("order_id", "=", order.id)])
        self.assertRecordValues(log, [{"status": "confirmed", "mail_state": False, "sms_state": "queued"}])

    def test_company_rule_without_template_mutes_the_shared_one(self):
        self.env["ecom.order.notification"].create({"status": "confirmed", "company_id": self.env.company.id})
        order = self._order()
        order.action_confirm()
        self.assertFalse(self.Log.search([("order_id", "=", order.id)]))

    def test_logs_of_other_companies_hidden(self):
        other = self.env["res.company"].create({"name": "Второй магазин"})
        order = self._order()
        order.action_confirm()
        mine = self.Log.search([("order_id", "=", order.id)])
        theirs = self.Log.create({"order_id": order.id, "status": "paid", "company_id": other.id})
        visible = self.Log.with_user(self.sales_manager).search([("order_id", "=", order.id)])
        self.assertEqual(visible, mine)
        self.assertNotIn(theirs, visible)

    def test_status_without_rule_costs_one_query(self):
        order = self._order()
        order.action_confirm()
        events = self.env["ecom.order.status.event"].create(
            {"order_id": order.id, "status": "paid", "company_id": order.company_id.id})
        events.flush_recordset()
        with self.assertQueryCount(1):
            order._ecom_notify_status(events)

    def test_status_change_is_set_based(self):
        """The status change only writes the rows to send: the same queries for 1 or 10 orders."""
        for count in (1, 10):
            orders = self.env["sale.order"].concat(*[self._order() for _i in range(count)])
            orders.action_confirm()
            self._send_queued()
            orders.flush_recordset()
            with self.assertQueryCount(9):
                orders._ecom_set_status("shipped", tracking_number="RA3")
            self.assertEqual(len(self.Log.search([("order_id", "in", orders.ids), ("status", "=", "shipped")])), count)


@tagged("post_install", "-at_install", "ecom_crm", "ecom_notifications")
class TestNotificationOptOuts(NotificationCase):
    def _notify_confirmed(self, partner):
        order = self._order(partner)
        order.action_confirm()
        self._send_queued()
        return self.Log.search([("order_id", "=", order.id)]), order

    def test_blacklisted_email(self):
        self.env["mail.blacklist"].create({"email": "maria@example.ru"})
        log, order = self._notify_confirmed(self.customer)
        self.assertRecordValues(log, [{"mail_state": "skipped", "sms_state": "queued", "mail_message_id": False}])
        self.assertIn("blacklisted", log.note)
        self.assertFalse(order.message_ids.filtered(lambda m: m.message_type == "comment"))
        self.assertEqual(len(self._sms(order)), 1)

    def test_blacklisted_phone(self):
        self.env["phone.blacklist"].create({"number": "+79161234567"})
        log, order = self._notify_confirmed(self.customer)
        self.assertRecordValues(log, [{"mail_state": "queued", "sms_state": "skipped"}])
        self.assertFalse(self._sms(order))

    def test_sms_go_to_the_number_an_sms_reaches(self):
        """An office's landline in «Mobile», the customer's mobile in «Phone»: the SMS goes to the
        mobile (the customer's SMS number, as the audiences' SMS), and that number's blacklisting
        is what keeps it from being sent."""
        office = self.Partner.create({"name": "Офисная Ольга", "mobile": "+74951234567", "phone": "+79161112233"})
        log, order = self._notify_confirmed(office)
        self.assertRecordValues(log, [{"sms_state": "queued"}])
        self.assertEqual(self._sms(order).mapped("number"), ["+79161112233"])
        self.env["phone.blacklist"].create({"number": "+79161112233"})
        self.env.invalidate_all()  # the next run's transaction
        log, order = self._notify_confirmed(office)
        self.assertRecordValues(log, [{"sms_state": "skipped"}])
        self.assertFalse(self._sms(order))

    def test_no_sms_to_a_landline(self):
        landline = self.Partner.create({"name": "Городской Глеб", "mobile": "+74951234567"})
        log, order = self._notify_confirmed(landline)
        self.assertRecordValues(log, [{"sms_state": "skipped"}])
        self.assertFalse(self._sms(order))

    def test_do_not_disturb(self):
        company = self.Partner.create({"name": "ООО Ромашка", "is_company": True, "ecom_do_not_disturb": True})
        self.customer.parent_id = company  # the company's wish covers its people
        log, order = self._notify_confirmed(self.customer)
        self.assertRecordValues(log, [{"mail_state": "skipped", "sms_state": "skipped"}])
        self.assertFalse(self._sms(order))
        self.assertFalse(order.message_ids.filtered(lambda m: m.message_type == "comment"))
        # remembered: lifting the wish later does not send the old status
        company.ecom_do_not_disturb = False
        order._ecom_set_status("paid")
        order._ecom_set_status("confirmed")
        self.assertEqual(len(self.Log.search([("order_id", "=", order.id)])), 1)

    def test_archived_customer(self):
        """A customer archived before the job sends (a duplicate put away, a contact closed) is
        not messaged: the row says why."""
        order = self._order()
        order.action_confirm()
        self.customer.active = False
        self._send_queued()
        log = self.Log.search([("order_id", "=", order.id)])
        self.assertRecordValues(log, [{"mail_state": "skipped", "sms_state": "skipped", "done": True}])
        self.assertIn("archived", log.note)
        self.assertFalse(self._sms(order))
        self.assertFalse(order.message_ids.filtered(lambda m: m.message_type == "comment"))

    def test_broken_template_does_not_block_the_order(self):
        self.env.ref("ecom_crm.order_notification_confirmed").sms_template_id = self.env["sms.template"].create({
            "name": "Сломанный", "model_id": self.env["ir.model"]._get_id("sale.order"),
            "body": "{{ object.no_such_field }}"})
        log, order = self._notify_confirmed(self.customer)
        self.assertEqual(order.ecom_status, "confirmed")
        self.assertRecordValues(log, [{"mail_state": "queued", "sms_state": "error"}])


@tagged("post_install", "-at_install", "ecom_crm", "ecom_notifications")
class TestManagerReminders(EcomCrmCase):
    def _reminders(self, lead):
        return lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("ecom_crm.mail_activity_type_deadline_reminder"))

    def test_expected_closing_reminded_once_per_date(self):
        today = fields.Date.context_today(self.Lead)
        lead = self._lead(date_deadline=today + timedelta(days=1))
        later = self._lead(date_deadline=today + timedelta(days=10))
        self.Lead._cron_ecom_manager_reminders()
        self.Lead._cron_ecom_manager_reminders()
        reminder = self._reminders(lead)
        self.assertRecordValues(reminder, [{"user_id": self.salesman.id, "date_deadline": today + timedelta(days=1)}])
        self.assertFalse(self._reminders(later))
        reminder.action_done()
        lead.date_deadline = today  # moved: reminded again
        self.Lead._cron_ecom_manager_reminders()
        self.assertEqual(self._reminders(lead).date_deadline, today)

    def test_reminder_in_the_salespersons_language(self):
        """The job writes each salesperson's reminder in their language, not the job's."""
        today = fields.Date.context_today(self.Lead)
        russian = self.salesman.copy({"login": "ecom_salesman_ru", "lang": "ru_RU", "name": "Иван Продавцов"})
        english = self._lead(date_deadline=today + timedelta(days=1))
        self.Lead.with_context(lang="ru_RU")._cron_ecom_manager_reminders()
        self.assertRegex(self._reminders(english).summary, r"^Expected closing on ")
        russian_lead = self._lead(date_deadline=today + timedelta(days=1), user_id=russian.id)
        self.Lead.with_context(lang="en_US")._cron_ecom_manager_reminders()
        self.assertRegex(self._reminders(russian_lead).summary, r"^Ожидаемое закрытие \d\d\.\d\d\.\d{4}$")

    def test_meeting_without_activity(self):
        lead = self._lead()
        start = fields.Datetime.now() + timedelta(hours=5)
        event = self.env["calendar.event"].create({
            "name": "Встреча в шоуруме", "start": start, "stop": start + timedelta(hours=1),
            "opportunity_id": lead.id, "user_id": self.sales_manager.id})
        self.assertFalse(event.activity_ids)  # Odoo gives none to a meeting not scheduled from the lead
        self.Lead._cron_ecom_manager_reminders()
        self.Lead._cron_ecom_manager_reminders()
        self.assertRecordValues(event.activity_ids, [{
            "user_id": self.salesman.id, "res_id": lead.id, "summary": "Встреча в шоуруме",
            "activity_type_id": self.env.ref("mail.mail_activity_data_meeting").id}])
