from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo.tests import tagged

from .common import EcomCrmCase, credit_note, invoice_order
from .test_sms_gateway_queue import REQUEST, smsru_sent

DAY0 = datetime(2026, 5, 4, 10, 0)


class WinbackCase(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Winback = cls.env["ecom.winback"]
        cls.reason_no_answer = cls.env.ref("ecom_crm.lost_reason_no_answer")
        cls.reason_stock = cls.env.ref("ecom_crm.lost_reason_out_of_stock")
        cls.winback_type = cls.env.ref("ecom_crm.mail_activity_type_winback")
        cls.customer = cls.Partner.create({"name": "Смирнова Елена", "email": "smirnova@mail.example",
                                           "mobile": "+79161110001"})
        cls.other = cls.Partner.create({"name": "Кузнецов Павел", "email": "kuznetsov@mail.example"})
        cls.product_b = cls.env["product.product"].create({"name": "Автокресло Britax", "list_price": 25000})

    def lose(self, reason, partner=None, product=None, quotation=False):
        """A request of ``partner`` about ``product``, lost for ``reason`` now."""
        lead = self._lead(partner_id=(partner or self.customer).id,
                          ecom_product_id=False if quotation else (product or self.product).id)
        if quotation:
            self.env["sale.order"].create({"partner_id": lead.partner_id.id, "opportunity_id": lead.id,
                                           "order_line": [(0, 0, {"product_id": (product or self.product).id})]})
        lead.action_set_lost(lost_reason_id=reason.id)
        return lead

    def order(self, partner=None, amount=1000.0, confirm=True):
        order = self.env["sale.order"].create({"partner_id": (partner or self.customer).id, "order_line": [
            (0, 0, {"product_id": self.product_b.id, "product_uom_qty": 1, "price_unit": amount, "tax_id": False})]})
        if confirm:
            order.action_confirm()
        return order

    def tasks(self, lead):
        return self.env["mail.activity"].search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id),
                                                 ("activity_type_id", "=", self.winback_type.id)])

    def run_cron(self, when):
        with freeze_time(when):
            return self.Winback._cron_evaluate()


@tagged("post_install", "-at_install", "ecom_crm")
class TestWinbackRules(WinbackCase):
    def test_start_once_per_lead_with_what_it_was_about(self):
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive, quotation=True)
        winback = self.Winback.search([("lead_id", "=", lead.id)])
        self.assertEqual((winback.rule, winback.state, winback.partner_id), ("price_drop", "waiting", self.customer))
        self.assertEqual(winback.line_ids.product_id, self.product, "the quotation's product")
        self.assertEqual(winback.line_ids.price_at_refusal, 89990)
        self.assertEqual(winback.date_refused, DAY0)
        other_reason = self.env.ref("ecom_crm.lost_reason_changed_mind")
        self.assertFalse(self.Winback.search([("lead_id", "=", self.lose(other_reason).id)]), "no rule, no follow-up")

    def test_price_drop_fires_once(self):
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive)
        self.run_cron(DAY0 + timedelta(days=1))
        self.assertFalse(self.tasks(lead), "the price has not moved")
        self.product.list_price = 79990
        self.run_cron(DAY0 + timedelta(days=2))
        task = self.tasks(lead)
        self.assertEqual(len(task), 1)
        self.assertEqual(task.user_id, self.salesman)
        self.assertIn(self.product.name, task.summary)
        winback = self.Winback.search([("lead_id", "=", lead.id)])
        self.assertEqual((winback.state, winback.attempts), ("done", 1))
        self.product.list_price = 69990  # dropped again: the rule has fired for this request already
        self.run_cron(DAY0 + timedelta(days=3))
        self.assertEqual(len(self.tasks(lead)), 1)

    def test_promotion_starting_after_the_refusal_fires(self):
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive, product=self.product_b)
        pricelist = self.env["product.pricelist"].create({"name": "Чёрная пятница", "item_ids": [(0, 0, {
            "applied_on": "1_product", "product_tmpl_id": self.product_b.product_tmpl_id.id,
            "compute_price": "percentage", "percent_price": 20,
            "date_start": DAY0 + timedelta(days=5), "date_end": DAY0 + timedelta(days=8)})]})
        self.run_cron(DAY0 + timedelta(days=4))
        self.assertFalse(self.tasks(lead), "the promotion has not started")
        self.run_cron(DAY0 + timedelta(days=6))
        self.assertEqual(len(self.tasks(lead)), 1)
        # a promotion that had started before the refusal is not news
        with freeze_time(DAY0 + timedelta(days=6, hours=1)):
            later = self.lose(self.reason_expensive, partner=self.other, product=self.product_b)
        self.run_cron(DAY0 + timedelta(days=7))
        self.assertFalse(self.tasks(later))
        self.assertTrue(pricelist.item_ids)

    def test_stops_when_the_customer_orders(self):
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive)
        with freeze_time(DAY0 + timedelta(days=1)):
            self.order()
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=2))
        self.assertFalse(self.tasks(lead))
        self.assertEqual(self.Winback.search([("lead_id", "=", lead.id)]).state, "ordered")

    def test_an_order_before_the_refusal_or_a_quotation_does_not_stop_it(self):
        with freeze_time(DAY0 - timedelta(days=30)):
            self.order()
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive)
            self.order(confirm=False)
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=1))
        self.assertEqual(len(self.tasks(lead)), 1)

    def test_restored_request_is_not_followed(self):
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive)
        lead.action_unarchive()
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=1))
        self.assertFalse(self.tasks(lead))
        self.assertEqual(self.Winback.search([("lead_id", "=", lead.id)]).state, "cancelled")

    def test_lost_again_after_a_restore_is_followed_again(self):
        """A follow-up that never fired starts again with the request's new refusal."""
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive)
        lead.action_unarchive()
        lead.with_context(ecom_lost_reason_id=self.reason_expensive.id).action_set_lost(
            lost_reason_id=self.reason_expensive.id)
        followed = self.Winback.search([("lead_id", "=", lead.id)])
        self.assertEqual(len(followed), 1)
        self.assertEqual(followed.state, "waiting")

    def test_no_answer_retries_on_schedule_up_to_the_maximum(self):
        self.assertEqual((self.reason_no_answer.ecom_winback_retry_days,
                          self.reason_no_answer.ecom_winback_max_attempts), (2, 3))
        with freeze_time(DAY0):
            lead = self.lose(self.reason_no_answer)
            stopped = self.lose(self.reason_no_answer, partner=self.other)
        counts = []
        for day in range(1, 10):
            if day == 5:
                with freeze_time(DAY0 + timedelta(days=day)):
                    self.order(partner=self.other)
            self.run_cron(DAY0 + timedelta(days=day, hours=1))
            counts.append((len(self.tasks(lead)), len(self.tasks(stopped))))
        # attempts on days 2, 4 and 6; the other customer ordered on day 5: no third attempt
        self.assertEqual(counts, [(0, 0), (1, 1), (1, 1), (2, 2), (2, 2), (3, 2), (3, 2), (3, 2), (3, 2)])
        winback = self.Winback.search([("lead_id", "=", lead.id)])
        self.assertEqual((winback.state, winback.attempts), ("done", 3))
        self.assertEqual(self.Winback.search([("lead_id", "=", stopped.id)]).state, "ordered")

    def test_message_to_the_customer_respects_do_not_disturb(self):
        template = self.env["mail.template"].create({
            "name": "Цена снизилась", "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "subject": "Цена снизилась", "body_html": "<p>Цена на товар снизилась!</p>"})
        self.reason_expensive.ecom_winback_mail_template_id = template
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive)
            quiet = self.lose(self.reason_expensive, partner=self.other)
        self.other.ecom_do_not_disturb = True
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=1))
        self.assertIn("Цена на товар снизилась", str(lead.message_ids.mapped("body")))
        self.assertIn(self.customer, lead.message_ids.filtered(lambda m: "снизилась" in m.body).partner_ids)
        self.assertNotIn("снизилась", str(quiet.message_ids.mapped("body")))
        self.assertEqual(len(self.tasks(quiet)), 1, "the manager's task is given all the same")

    def test_sms_to_the_customer_respects_the_phone_blacklist(self):
        self.reason_expensive.ecom_winback_sms_template_id = self.env["sms.template"].create({
            "name": "Цена снизилась", "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "body": "Цена снизилась, заходите!"})
        blocked = self.Partner.create({"name": "Блокова Ирина", "mobile": "+79161110002"})
        self.env["phone.blacklist"]._add([blocked.mobile])
        with freeze_time(DAY0):
            self.lose(self.reason_expensive)
            self.lose(self.reason_expensive, partner=blocked)
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=1))
        sms = self.env["sms.sms"].search([("partner_id", "in", (self.customer | blocked).ids)])
        self.assertEqual(sms.partner_id, self.customer)
        self.assertEqual((sms.number, sms.body), ("+79161110001", "Цена снизилась, заходите!"))


    def test_sms_to_the_number_an_sms_reaches(self):
        """An office's landline in «Mobile», the customer's mobile in «Phone»: the SMS goes to the
        mobile (the customer's SMS number, as the audiences' SMS); a landline alone takes none, and
        the SMS number's blacklisting is what counts."""
        self.reason_expensive.ecom_winback_sms_template_id = self.env["sms.template"].create({
            "name": "Цена снизилась", "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "body": "Цена снизилась, заходите!"})
        office = self.Partner.create({"name": "Офисная Ольга", "mobile": "+74951234567", "phone": "+79161112233"})
        landline = self.Partner.create({"name": "Городской Глеб", "mobile": "+74951234568"})
        blocked = self.Partner.create({"name": "Блокова Вера", "mobile": "+74951234569", "phone": "+79161112234"})
        self.env["phone.blacklist"]._add(["+79161112234"])
        with freeze_time(DAY0):
            for partner in (office, landline, blocked):
                self.lose(self.reason_expensive, partner=partner)
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=1))
        sms = self.env["sms.sms"].search([("partner_id", "in", (office | landline | blocked).ids)])
        self.assertEqual([(s.partner_id, s.number) for s in sms], [(office, "+79161112233")])

    def test_sms_waits_for_the_commit_a_crashed_run_sends_nothing(self):
        """The customer's SMS goes to the SMS queue: a run that dies before its commit (killed at
        its time limit, a serialization failure) has sent nothing, and the rerun sends it once."""
        self.env.company.write({"ecom_sms_gateway": "smsru", "ecom_sms_password": "API-ID"})
        self.reason_expensive.ecom_winback_sms_template_id = self.env["sms.template"].create({
            "name": "Цена снизилась", "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "body": "Цена снизилась, заходите!"})
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive)
        self.product.list_price = 50000
        with patch(REQUEST, return_value=smsru_sent("79161110001", "000-1")) as request:
            with self.assertRaises(InterruptedError), self.env.cr.savepoint():
                self.run_cron(DAY0 + timedelta(days=1))
                self.assertEqual(len(self.tasks(lead)), 1)
                raise InterruptedError("the worker is killed before the commit")
            self.env.invalidate_all()
            request.assert_not_called()
            self.run_cron(DAY0 + timedelta(days=1, hours=1))
            self.run_cron(DAY0 + timedelta(days=1, hours=2))
            self.env["sms.sms"]._process_queue()
        self.assertEqual(request.call_count, 1)
        self.assertEqual(len(self.tasks(lead)), 1)

    def price_drop_mail(self):
        return self.env["mail.template"].create({
            "name": "Цена снизилась", "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "subject": "Цена снизилась", "body_html": "<p>Цена на товар снизилась!</p>"})

    def test_one_message_per_address_when_several_requests_fire(self):
        """Two requests of a customer, and one of a duplicate contact with the same phone and
        email, fire together: each manager gets the task, the person one SMS and one email."""
        self.reason_expensive.write({
            "ecom_winback_sms_template_id": self.env["sms.template"].create({
                "name": "Цена снизилась", "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "body": "Цена снизилась, заходите!"}).id,
            "ecom_winback_mail_template_id": self.price_drop_mail().id})
        twin = self.Partner.create({"name": "Смирнова Е.", "email": "Smirnova@mail.example",
                                    "mobile": "8 (916) 111-00-01"})
        with freeze_time(DAY0):
            leads = self.lose(self.reason_expensive) | self.lose(self.reason_expensive) \
                | self.lose(self.reason_expensive, partner=twin)
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=1))
        self.assertEqual([len(self.tasks(lead)) for lead in leads], [1, 1, 1])
        self.assertEqual(len(self.env["sms.sms"].search([("number", "=", "+79161110001")])), 1)
        emails = self.env["mail.message"].search([
            ("model", "=", "crm.lead"), ("res_id", "in", leads.ids), ("subject", "=", "Цена снизилась")])
        self.assertEqual(len(emails), 1)

    def test_archived_customer_gets_no_message(self):
        self.reason_expensive.ecom_winback_sms_template_id = self.env["sms.template"].create({
            "name": "Цена снизилась", "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "body": "Цена снизилась, заходите!"})
        with freeze_time(DAY0):
            lead = self.lose(self.reason_expensive)
        self.customer.active = False
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=1))
        self.assertEqual(len(self.tasks(lead)), 1, "the manager's task is given all the same")
        self.assertFalse(lead.message_ids.filtered(lambda m: m.message_type in ("comment", "sms")))
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.customer.id)]))

    def test_broken_template_does_not_stop_the_job(self):
        """A template that fails to render (a field removed since it was written) costs that
        message only: the tasks are given, the other messages sent, the follow-ups move on."""
        self.reason_expensive.write({
            "ecom_winback_sms_template_id": self.env["sms.template"].create({
                "name": "Сломанный", "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "body": "{{ object.no_such_field }}"}).id,
            "ecom_winback_mail_template_id": self.price_drop_mail().id})
        with freeze_time(DAY0):
            leads = self.lose(self.reason_expensive) | self.lose(self.reason_expensive, partner=self.other)
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=1))
        self.assertEqual([len(self.tasks(lead)) for lead in leads], [1, 1])
        self.assertEqual(self.Winback.search([("lead_id", "in", leads.ids)]).mapped("state"), ["done", "done"])
        for lead in leads:
            self.assertIn("Цена на товар снизилась", str(lead.message_ids.mapped("body")))

    def test_a_concurrency_error_is_the_job_s_not_the_message_s(self):
        """A serialization failure while a message is posted is no broken template: it stops the run,
        rolled back and retried, rather than leaving a follow-up done without its message."""
        self.reason_expensive.ecom_winback_mail_template_id = self.price_drop_mail()
        with freeze_time(DAY0):
            self.lose(self.reason_expensive)
        self.product.list_price = 50000
        with patch.object(type(self.env["crm.lead"]), "message_post_with_source",
                          side_effect=SerializationFailure("could not serialize access")), \
                self.assertRaises(SerializationFailure):
            self.run_cron(DAY0 + timedelta(days=1))


@tagged("post_install", "-at_install", "ecom_crm")
class TestWinbackRecovery(WinbackCase):
    def test_recovery_rate_per_reason(self):
        third = self.Partner.create({"name": "Попова Мария"})
        with freeze_time(DAY0):
            won = self.lose(self.reason_expensive)
            self.lose(self.reason_expensive, partner=self.other)
            ordered_first = self.lose(self.reason_expensive, partner=third)
        with freeze_time(DAY0 + timedelta(days=1)):
            self.order(partner=third, amount=700)  # ordered before the rule fired: stopped, not won back by it
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=2))
        with freeze_time(DAY0 + timedelta(days=3)):
            self.order(amount=3000)
            self.order(amount=2000)
        with freeze_time(DAY0 + timedelta(days=200)):
            self.order(amount=9999)  # outside the 90-day window
        self.run_cron(DAY0 + timedelta(days=4))
        winback = self.Winback.search([("lead_id", "=", won.id)])
        self.assertEqual(winback.won_amount, 5000)
        self.assertEqual(winback.won_order_id.amount_total, 3000)
        self.assertEqual(self.Winback.search([("lead_id", "=", ordered_first.id)]).state, "ordered")
        reason = self.reason_expensive.with_company(self.env.company)
        reason.invalidate_recordset()
        self.assertEqual((reason.ecom_winback_count, reason.ecom_winback_fired_count, reason.ecom_winback_won_count),
                         (3, 2, 1))
        self.assertEqual(reason.ecom_winback_rate, 50.0)
        self.assertEqual(reason.ecom_winback_revenue, 5000)

    def won_back(self, amount):
        """A request lost as too expensive, its price-drop rule fired, then its customer's order of
        ``amount``: ``(follow-up, order)``, the recovery recorded."""
        with freeze_time(DAY0):
            won = self.lose(self.reason_expensive)
        self.product.list_price = 50000
        self.run_cron(DAY0 + timedelta(days=2))
        with freeze_time(DAY0 + timedelta(days=3)):
            order = self.order(amount=amount)
        self.run_cron(DAY0 + timedelta(days=4))
        winback = self.Winback.search([("lead_id", "=", won.id)])
        self.assertEqual((winback.won_order_id, winback.won_amount), (order, amount))
        return winback, order

    def test_returns_win_nobody_back(self):
        """What a customer won back kept is what counts: a partial return's credit note takes its amount
        off the revenue won back, and a recovery whose only order was returned whole is none (the
        next run takes it back, even once recorded)."""
        winback, order = self.won_back(3000)

        invoice = invoice_order(order)
        credit_note(invoice, price=1000)
        self.run_cron(DAY0 + timedelta(days=5))
        self.assertEqual(winback.won_amount, 2000)
        credit_note(invoice, price=2000)
        self.run_cron(DAY0 + timedelta(days=6))
        self.assertFalse(winback.won_order_id, "returned whole: nobody won back")
        self.assertFalse(winback.won_amount)

    def test_an_order_won_back_then_deleted_wins_nobody_back(self):
        """The order a recovery was recorded with, cancelled and deleted before the next run, leaves
        no revenue won back behind it (the reason's revenue counted money of an order that is gone)."""
        winback, order = self.won_back(3000)
        order._action_cancel()
        order.unlink()
        self.run_cron(DAY0 + timedelta(days=5))
        self.assertFalse(winback.won_order_id)
        self.assertFalse(winback.won_amount, "nothing won back")
        reason = self.reason_expensive.with_company(self.env.company)
        reason.invalidate_recordset()
        self.assertEqual((reason.ecom_winback_won_count, reason.ecom_winback_revenue), (0, 0))

    def test_evaluation_is_set_based(self):
        with freeze_time(DAY0):
            leads = [self.lose(self.reason_expensive, partner=self.Partner.create({"name": f"Клиент {i}"}))
                     for i in range(3)]
            leads += [self.lose(self.reason_no_answer, partner=self.Partner.create({"name": f"Молчун {i}"}))
                      for i in range(3)]
        self.env.invalidate_all()
        with freeze_time(DAY0 + timedelta(hours=1)), self.assertQueryCount(8):
            self.Winback._cron_evaluate()  # nothing due: the same queries for 6 follow-ups or 6,000
        self.assertEqual(len(leads), 6)
