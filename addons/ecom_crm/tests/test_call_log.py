import uuid
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_datetime

from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestCallLogWizard(EcomCrmCase):
    """«Log a call» on a request: what a salesperson types is checked as the telephony's events are,
    and kept as typed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.Partner.create({"name": "Иванова Мария", "phone": "+79161234567",
                                           "user_id": cls.salesman.id})
        cls.lead = cls._lead(partner_id=cls.customer.id)

    def log(self, **vals):
        wizard = self.env["ecom.call.log.wizard"].with_user(self.salesman).with_context(lang="ru_RU").create(
            {"lead_id": self.lead.id, "phone": "+79161234567", **vals})
        wizard.action_log()
        return self.env["ecom.call"].search([("lead_id", "=", self.lead.id)], order="id desc", limit=1)

    def test_a_number_that_is_none_is_refused(self):
        """«с мобильного» or «-» is no number: the call would be told as «Исходящий звонок на номер
        с мобильного» and the call-again activity would ask to call it (the telephony's webhook
        refuses such a caller)."""
        for phone in ("с мобильного", "-", "12", "sip:101@pbx", "1" * 30):
            with self.subTest(phone=phone), self.assertRaisesRegex(UserError, "номер"):
                self.log(phone=phone, answered="no")
        self.assertFalse(self.env["ecom.call"].search([("lead_id", "=", self.lead.id)]))
        self.assertFalse(self.lead.activity_ids)

    def test_a_foreign_number_typed_without_its_plus_is_read_as_international(self):
        """A Belarusian number typed as the telephony gives it, «375291234567», was kept as typed: the
        call again asked to call a number nobody can dial from Odoo. It is read as international."""
        call = self.log(phone="375291234567", answered="no")
        self.assertEqual(call.caller, "+375291234567")
        self.assertIn("+375291234567", self.lead.activity_ids.summary)
        # copied from a phone's contacts, between its invisible direction marks
        self.assertEqual(self.log(phone="\u202a+375 29 123-45-67\u202c").caller, "+375291234567")
        # copied from a site's «tel:» link: its number, as the telephony's webhook reads it
        self.assertEqual(self.log(phone="tel:+375-29-123-45-67").caller, "+375291234567")
        # a Russian number mistyped (no such code) is kept as typed, not made a Japanese one (+81…)
        self.assertEqual(self.log(phone="8 (123) 456-78-90").caller, "8 (123) 456-78-90")

    def test_the_number_is_read_in_the_country_of_the_requests_shop(self):
        """A salesperson of two shops logs a call on the Belarusian shop's request while the Russian one is
        their current company: «29 123-45-67» was read in Russia's plan and kept as typed (a call back
        nobody can dial); it is read in the request's shop's country, as its telephony's calls are."""
        belarus = self.env["res.company"].create({"name": "Магазин в Минске", "country_id": self.env.ref("base.by").id})
        self.salesman.company_ids |= belarus
        lead = self._lead(partner_id=self.customer.id, company_id=belarus.id)
        wizard = self.env["ecom.call.log.wizard"].with_user(self.salesman).with_context(
            allowed_company_ids=[self.salesman.company_id.id, belarus.id]).create(
            {"lead_id": lead.id, "phone": "29 123-45-67", "answered": "no"})
        wizard.action_log()
        call = self.env["ecom.call"].search([("lead_id", "=", lead.id)])
        self.assertEqual((call.caller, call.company_id), ("+375291234567", belarus))

    def test_a_duration_beyond_any_call_is_refused(self):
        """A mistyped duration (minutes typed as seconds, a phone number in the wrong field) is told
        in the user's language; before, beyond 2^31 seconds it stopped on a database error."""
        for minutes in (8 * 24 * 60, 50_000_000):
            with self.subTest(minutes=minutes), self.assertRaisesRegex(UserError, "Длительность"):
                self.log(duration_minutes=minutes)
        self.assertFalse(self.env["ecom.call"].search([("lead_id", "=", self.lead.id)]))
        self.assertEqual(self.log(duration_minutes=90).duration, 5400, "an hour and a half is a call")

    def test_the_note_is_kept_as_typed(self):
        """What was said, as the salesperson typed it: its lines kept, markup shown as text."""
        call = self.log(note="Перезвонить в субботу\nДоставка <b>до двери</b> & подъём")
        for record in (self.lead, self.customer):
            body = record.message_ids[0].body
            self.assertIn("Перезвонить в субботу<br>Доставка &lt;b&gt;до двери&lt;/b&gt; &amp; подъём", body)
            self.assertNotIn("<b>", body)
        self.assertEqual(call.user_id, self.salesman)

    def test_not_on_another_companys_request(self):
        """A salesperson of the first shop cannot log a call on the second shop's request, unassigned
        as it may be."""
        other = self.env["res.company"].create({"name": "Второй магазин"})
        lead = self._lead(partner_id=self.customer.id, user_id=False, company_id=other.id)
        wizard = self.env["ecom.call.log.wizard"].with_user(self.salesman).create(
            {"lead_id": lead.id, "phone": "+79161234567"})
        with self.assertRaises(AccessError):
            wizard.action_log()
        self.assertFalse(self.env["ecom.call"].search([("lead_id", "=", lead.id)]))

    def test_a_manager_logs_on_a_salespersons_request(self):
        """A sales manager logs the call they made on a salesperson's request: the call again is the
        request's salesperson's, the note is the manager's."""
        manager = new_test_user(self.env, login="ecom_call_manager", groups="sales_team.group_sale_manager",
                                name="Олег Звонов")
        self.env["ecom.call.log.wizard"].with_user(manager).create(
            {"lead_id": self.lead.id, "phone": "+79161234567", "answered": "no"}).action_log()
        self.assertEqual(self.lead.activity_ids.user_id, self.salesman)
        self.assertEqual(self.lead.message_ids[0].author_id, manager.partner_id)

    def test_an_unassigned_requests_call_again_is_the_callers(self):
        """A salesperson who called the customer of a request nobody has yet is asked to call again,
        not the team's leader or a sales manager who never called."""
        lead = self._lead(partner_id=self.customer.id, user_id=False)
        lead.team_id.user_id = self.sales_manager
        self.env["ecom.call.log.wizard"].with_user(self.salesman).create(
            {"lead_id": lead.id, "phone": "+79161234567", "answered": "no"}).action_log()
        self.assertEqual(lead.activity_ids.user_id, self.salesman)

    def test_a_hidden_duration_is_not_checked(self):
        """The duration typed before choosing «Not answered» is hidden then, and not kept: it stops
        nothing."""
        call = self.log(answered="no", duration_minutes=50_000_000)
        self.assertEqual((call.state, call.duration), ("missed", 0))

    def test_reached_at_last_the_call_again_is_done(self):
        """Two calls not answered: one «call again» to do; the third, answered, does it, with the
        feedback in the salesperson's language."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.salesman.lang = "ru_RU"
        self.log(answered="no")
        self.log(answered="no")
        self.assertEqual(len(self.lead.activity_ids), 1, "one to do, not two")
        self.log(answered="yes", duration_minutes=4)
        self.assertFalse(self.lead.activity_ids, "reached: done")
        self.assertIn("Дозвонились", str(self.lead.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.env.ref("mail.mail_activity_data_call"))[:1].body))

    def test_a_call_logged_later_keeps_its_time(self):
        """A call logged after the fact (in the evening, of the morning's) keeps the time it took
        place; one left without a time just ended; one in the future is refused in words."""
        morning = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=6)
        self.assertEqual(self.log(called_at=morning, duration_minutes=3).started_at, morning)
        just = self.log(duration_minutes=2)
        self.assertAlmostEqual(just.started_at, fields.Datetime.now() - timedelta(minutes=2),
                               delta=timedelta(seconds=30))
        with self.assertRaisesRegex(UserError, "будущем"):
            self.log(called_at=fields.Datetime.now() + timedelta(days=1))

    def _missed(self, **vals):
        """A call of the customer's the telephony reported missed, on the request."""
        call = self.env["ecom.call"].sudo().create({
            "call_id": f"t-{uuid.uuid4()}", "caller": "+79161234567", "state": "missed", "lead_id": self.lead.id,
            "partner_id": self.customer.id, **vals})
        call._ecom_ask_to_call()
        return call

    def test_the_call_back_of_a_salesperson_who_left_goes_to_who_follows_up(self):
        """A call missed again when the salesperson of the open call back has left: the call back goes
        to whom a new one would (it stayed with the archived salesperson, nobody's to do)."""
        self.log(answered="no")
        pending = self.lead.activity_ids
        self.salesman.active = False
        self._missed()
        self.assertEqual(self.lead.activity_ids, pending, "the same one")
        follower = self.Lead._ecom_first_responsible((self.lead.user_id, self.lead.team_id.user_id),
                                                     self.lead.company_id)
        self.assertTrue(follower.active)
        self.assertEqual(pending.user_id, follower)

    def test_another_companys_call_back_is_not_done(self):
        """A customer both shops know: reached by the first shop's salesperson, the second shop's call
        back on the customer is still the second shop's to do."""
        other = self.env["res.company"].create({"name": "Второй магазин"})
        their_manager = new_test_user(self.env, login="ecom_call_other_manager", name="Павел Второй",
                                      groups="sales_team.group_sale_manager", company_id=other.id,
                                      company_ids=[(6, 0, other.ids)])
        customer = self.Partner.create({"name": "Общая Ольга", "phone": "+79161230000"})
        theirs = self.env["ecom.call"].sudo().create({
            "call_id": "t-other", "caller": "+79161230000", "state": "missed", "direction": "out",
            "partner_id": customer.id, "company_id": other.id})
        theirs._ecom_ask_to_call()
        pending = customer.activity_ids
        self.assertEqual(pending.user_id, their_manager)
        lead = self._lead(partner_id=customer.id)
        self.env["ecom.call.log.wizard"].with_user(self.salesman).create(
            {"lead_id": lead.id, "phone": "+79161230000", "duration_minutes": 2}).action_log()
        self.assertTrue(pending.exists() and pending.active, "the second shop's to do")
        # the first shop's missed call on the customer is its own call back, not the second shop's
        ours = self.env["ecom.call"].sudo().create({
            "call_id": "t-ours", "caller": "+79161230000", "state": "missed", "direction": "out",
            "partner_id": customer.id, "company_id": self.env.company.id})
        ours._ecom_ask_to_call()
        self.assertEqual(len(customer.activity_ids), 2)
        self.assertEqual(pending.ecom_call_id, theirs)

    def test_a_call_logged_later_leaves_the_call_back_of_a_later_call(self):
        """The morning's talk, logged in the evening, does not do the call back of the customer's call
        missed at noon: they were not reached since; a talk after it does."""
        now = fields.Datetime.now().replace(microsecond=0)
        self._missed(started_at=now - timedelta(hours=2))
        self.log(called_at=now - timedelta(hours=6), duration_minutes=3)
        self.assertEqual(len(self.lead.activity_ids), 1, "the noon's call still to return")
        self.log(called_at=now - timedelta(hours=1), duration_minutes=3)
        self.assertFalse(self.lead.activity_ids, "reached after it: done")

    def test_the_feedback_tells_the_time_as_the_salespersons_language_writes_it(self):
        """The note of the call back done by a call tells the call's time as the salesperson's
        language writes it (an English one: not «20.11.2026 14:30»), in their time zone."""
        self.env["res.lang"]._activate_lang("en_US")
        self.salesman.tz = "Asia/Vladivostok"
        at = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=1)
        self.log(answered="no", called_at=at - timedelta(hours=1))
        self.log(called_at=at, duration_minutes=4)
        self.assertFalse(self.lead.activity_ids)
        done = self.lead.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.env.ref("mail.mail_activity_data_call"))[:1]
        when = format_datetime(self.env(context={"lang": "en_US"}), at, tz="Asia/Vladivostok", dt_format="short")
        self.assertIn(f"Reached: the call of {when} was answered.", str(done.body))
