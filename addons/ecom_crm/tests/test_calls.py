import json
from itertools import permutations

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval
from odoo.tools.sql import column_exists

from ..models.ecom_call import call_state_after
from ..tools.intake import is_hidden_caller, validate_call
from .common import IntakeCase, load_migration

URL = "/ecom_crm/api/v1/calls"


@tagged("post_install", "-at_install", "ecom_crm")
class TestCallStateAfter(BaseCase):
    def test_every_state_and_event(self):
        """The whole rule, state by event (no database): nothing goes back; a miss after an answer is another
        phone's leg; an answer after a miss reaches the customer; a missed call's end stays missed."""
        expected = {
            "ringing": {"incoming": "ringing", "answered": "answered", "missed": "missed", "finished": "finished"},
            "answered": {"incoming": "answered", "answered": "answered", "missed": "answered", "finished": "finished"},
            "missed": {"incoming": "missed", "answered": "answered", "missed": "missed", "finished": "missed"},
            "finished": {"incoming": "finished", "answered": "finished", "missed": "finished", "finished": "finished"},
        }
        for state, after in expected.items():
            for event, result in after.items():
                self.assertEqual(call_state_after(state, event), result, (state, event))


@tagged("post_install", "-at_install", "ecom_crm")
class TestCallWebhook(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(cls.env, login="ecom_caller", groups="sales_team.group_sale_salesman",
                                     name="Ольга Звонкова")

    def call(self, payload, key=None):
        return self.url_open(URL, data=json.dumps(payload).encode(), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {key or self.key}"})

    def test_answered_call_creates_request_and_logs(self):
        self.assertEqual(self.call({"event": "incoming", "call_id": "c-1", "caller": "8 (903) 111-22-33",
                                    "called": "+74951234567"}).status_code, 200)
        self.call({"event": "answered", "call_id": "c-1", "caller": "89031112233"})
        answer = self.call({"event": "finished", "call_id": "c-1", "caller": "89031112233", "duration": 185,
                            "recording_url": "https://telephony.example/rec/c-1.mp3"}).json()
        call = self.env["ecom.call"].browse(answer["call"])
        self.assertEqual((call.state, call.duration), ("finished", 185))
        self.assertEqual(call.caller, "+79031112233")
        self.assertEqual(call.partner_id.phone, "+79031112233")
        self.assertEqual(call.lead_id.partner_id, call.partner_id)
        self.assertEqual(self.env["ecom.call"].search_count([("call_id", "=", "c-1")]), 1, "one call, three events")
        for record in (call.lead_id, call.partner_id):
            body = record.message_ids[0].body
            self.assertRegex(body, r"\b3\D{1,6}5\b", "duration as minutes and seconds")
            self.assertIn("https://telephony.example/rec/c-1.mp3", body)

    def test_an_outgoing_call_is_told_as_one(self):
        """A salesperson's call to a customer (Mango's, UIS's «out») is logged as an outgoing call on
        the customer's open request."""
        self.env.company.partner_id.lang = "ru_RU"
        self.call({"event": "incoming", "call_id": "c-in", "caller": "+7 903 555-44-33", "called": "+74951234567"})
        lead = self.env["ecom.call"].search([("call_id", "=", "c-in")]).lead_id
        self.call({"event": "incoming", "call_id": "c-out", "caller": "+7 903 555-44-33", "called": "+74951234567",
                   "direction": "out"})
        answer = self.call({"event": "finished", "call_id": "c-out", "caller": "+79035554433", "duration": 60,
                            "direction": "out"}).json()
        call = self.env["ecom.call"].browse(answer["call"])
        self.assertEqual((call.direction, call.lead_id, call.partner_id), ("out", lead, lead.partner_id))
        self.assertEqual(answer["lead_id"], lead.id)
        log = " ".join(lead.message_ids.mapped("body"))
        self.assertIn("Исходящий звонок на номер +79035554433", log)
        self.assertEqual(len(lead.ecom_intake_ids), 1,
                         "the customer's call is the request; the store's call back is not")

    def test_an_outgoing_call_opens_no_request(self):
        """The store calling a customer who has no open request (or a number nobody has) makes no
        request: the funnel and the channels count what customers ask for."""
        customer = self.env["res.partner"].create({"name": "Белова Нина", "phone": "+79035550011",
                                                   "user_id": self.salesman.id})
        requests = self.env["crm.lead"].search_count([])
        journal = self.env["ecom.intake.request"].search_count([])
        answer = self.call({"event": "finished", "call_id": "c-out-1", "caller": "8 903 555-00-11",
                            "direction": "out", "duration": 40}).json()
        call = self.env["ecom.call"].browse(answer["call"])
        self.assertEqual((call.partner_id, call.lead_id, answer["lead_id"]), (customer, self.env["crm.lead"], None))
        self.assertIn("+79035550011", customer.message_ids[0].body, "logged on the customer")
        answer = self.call({"event": "finished", "call_id": "c-out-2", "caller": "+7 916 000-00-01",
                            "direction": "out"}).json()
        stranger = self.env["ecom.call"].browse(answer["call"])
        self.assertEqual((answer["lead_id"], answer["partner_id"]), (None, None))
        self.assertEqual((stranger.partner_id, stranger.lead_id, stranger.caller),
                         (self.env["res.partner"], self.env["crm.lead"], "+79160000001"))
        self.assertFalse(self.env["res.partner"].search_count([("phone", "=", "+79160000001")]), "no customer made up")
        self.assertEqual(self.env["crm.lead"].search_count([]), requests)
        self.assertEqual(self.env["ecom.intake.request"].search_count([]), journal)

    def test_an_outgoing_call_not_answered_is_no_missed_call(self):
        """A salesperson's call the customer did not pick up (reported «missed» too) asks to call again,
        not to call back a missed call the customer never made: on the request, or on the customer
        for their salesperson when there is none."""
        self.salesman.lang = "ru_RU"
        customer = self.env["res.partner"].create({"name": "Белова Нина", "phone": "+79035554422",
                                                   "user_id": self.salesman.id})
        self.call({"event": "incoming", "call_id": "c-out-2", "caller": "+7 903 555-44-22", "direction": "out"})
        self.call({"event": "missed", "call_id": "c-out-2", "caller": "+79035554422", "direction": "out"})
        activity = customer.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual((activity.summary, activity.user_id), ("Позвонить ещё раз +79035554422: не ответили",
                                                                self.salesman))
        # a customer without a salesperson: the line's team leader calls again
        self.team.user_id = self.salesman
        orphan = self.env["res.partner"].create({"name": "Сиротина Ася", "phone": "+79035554400"})
        self.call({"event": "missed", "call_id": "c-out-4", "caller": "+79035554400", "direction": "out"})
        self.assertEqual(orphan.activity_ids.user_id, self.salesman)
        self.call({"event": "incoming", "call_id": "c-in-3", "caller": "+7 903 555-44-22"})
        lead = self.env["ecom.call"].search([("call_id", "=", "c-in-3")]).lead_id
        lead._ecom_responsible().lang = "ru_RU"
        self.call({"event": "missed", "call_id": "c-out-3", "caller": "+79035554422", "direction": "out"})
        activity = lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.summary, "Позвонить ещё раз +79035554422: не ответили")

    def test_missed_call_attaches_to_customer_and_asks_to_call_back(self):
        customer = self.env["res.partner"].create({"name": "Зайцева Дарья", "phone": "+79037778899"})
        self.call({"event": "incoming", "call_id": "c-2", "caller": "+7 903 777-88-99"})
        answer = self.call({"event": "missed", "call_id": "c-2", "caller": "+79037778899"}).json()
        call = self.env["ecom.call"].browse(answer["call"])
        self.assertEqual(call.state, "missed")
        self.assertEqual(call.partner_id, customer)
        activity = call.lead_id.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(len(activity), 1)
        # a call the next day from the same number joins the same open request
        answer = self.call({"event": "incoming", "call_id": "c-3", "caller": "89037778899"}).json()
        self.assertEqual(answer["lead_id"], call.lead_id.id)

    def test_one_call_back_however_many_calls_and_done_once_reached(self):
        """A customer who calls three times without an answer gets one «call back» to do, brought up
        to the last call (not three); when a call with them is answered (theirs, or the salesperson's
        back), it is done by itself, with a note of the call that reached them."""
        self.env["res.partner"].create({"name": "Настойчивая Нина", "phone": "+79037770011"})
        call_type = self.env.ref("mail.mail_activity_data_call")
        for n in range(3):
            self.call({"event": "incoming", "call_id": f"c-nn-{n}", "caller": "+79037770011"})
            answer = self.call({"event": "missed", "call_id": f"c-nn-{n}", "caller": "+79037770011"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        pending = lead.activity_ids.filtered(lambda a: a.activity_type_id == call_type)
        self.assertEqual(len(pending), 1, "one call back for three missed calls")
        self.assertEqual(pending.ecom_call_id.call_id, "c-nn-2", "brought up to the last call")
        self.assertFalse(lead.partner_id.activity_ids)
        # the salesperson's call back, answered
        self.call({"event": "incoming", "call_id": "c-nn-back", "caller": "+79037770011", "direction": "out"})
        self.call({"event": "answered", "call_id": "c-nn-back", "caller": "+79037770011", "direction": "out"})
        self.call({"event": "finished", "call_id": "c-nn-back", "caller": "+79037770011", "direction": "out",
                   "duration": 95})
        self.assertFalse(lead.activity_ids.filtered(lambda a: a.activity_type_id == call_type), "done: reached")
        self.assertFalse(pending.exists() and pending.active, "done, not left open")
        self.assertTrue(lead.message_ids.filtered(lambda m: "Reached" in str(m.body) or "Дозвонились" in str(m.body)),
                        "the feedback of the done activity")
        # a missed call after that: a new one to do
        self.call({"event": "incoming", "call_id": "c-nn-4", "caller": "+79037770011"})
        self.call({"event": "missed", "call_id": "c-nn-4", "caller": "+79037770011"})
        self.assertEqual(len(lead.activity_ids.filtered(lambda a: a.activity_type_id == call_type)), 1)

    def test_reached_outside_the_request_the_call_back_is_done_too(self):
        """The store's call that reaches the customer after their request's window (no request of its
        own: its first event «finished») does the call back waiting on that request all the same."""
        call_type = self.env.ref("mail.mail_activity_data_call")
        self.call({"event": "incoming", "call_id": "c-ow-1", "caller": "+79037770022"})
        answer = self.call({"event": "missed", "call_id": "c-ow-1", "caller": "+79037770022"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        pending = lead.activity_ids.filtered(lambda a: a.activity_type_id == call_type)
        self.assertEqual(len(pending), 1)
        days = lead.company_id.ecom_repeat_window_days + 1
        self.env.cr.execute("UPDATE crm_lead SET create_date = create_date - make_interval(days => %s) WHERE id = %s",
                            [days, lead.id])
        lead.invalidate_recordset(["create_date"])
        answer = self.call({"event": "finished", "call_id": "c-ow-back", "caller": "+79037770022",
                            "direction": "out", "duration": 60}).json()
        self.assertEqual((answer["lead_id"], answer["partner_id"]), (None, lead.partner_id.id),
                         "outside the request's window: the customer's call only")
        self.assertFalse(pending.exists() and pending.active, "reached: done")

    def test_a_deleted_call_leaves_its_call_back_working(self):
        """A sales manager deletes a missed call (a duplicate the telephony sent under two ids, a test call):
        the call back it asked for stays on the list and is still done by itself once the customer is
        reached, on the request and from the customer's other request alike."""
        call_type = self.env.ref("mail.mail_activity_data_call")
        manager = new_test_user(self.env, login="ecom_call_manager", groups="sales_team.group_sale_manager",
                                name="Мария Главная")
        self.call({"event": "incoming", "call_id": "c-del-1", "caller": "+79037770033"})
        answer = self.call({"event": "missed", "call_id": "c-del-1", "caller": "+79037770033"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        pending = lead.activity_ids.filtered(lambda a: a.activity_type_id == call_type)
        self.assertEqual(len(pending), 1)
        self.env["ecom.call"].browse(answer["call"]).with_user(manager).unlink()
        self.assertTrue(pending.exists() and pending.active, "still to do")
        self.assertFalse(pending.ecom_call_id)
        # another missed call brings the same call back up, not a second one
        self.call({"event": "missed", "call_id": "c-del-2", "caller": "+79037770033"})
        self.assertEqual(lead.activity_ids.filtered(lambda a: a.activity_type_id == call_type), pending)
        self.assertEqual(pending.ecom_call_id.call_id, "c-del-2")
        self.env["ecom.call"].search([("call_id", "=", "c-del-2")]).with_user(manager).unlink()
        # the customer reached by the store's call outside the request: done
        days = lead.company_id.ecom_repeat_window_days + 1
        self.env.cr.execute("UPDATE crm_lead SET create_date = create_date - make_interval(days => %s) WHERE id = %s",
                            [days, lead.id])
        lead.invalidate_recordset(["create_date"])
        answer = self.call({"event": "finished", "call_id": "c-del-back", "caller": "+79037770033",
                            "direction": "out", "duration": 60}).json()
        self.assertEqual(answer["lead_id"], None)
        self.assertFalse(pending.exists() and pending.active, "reached: done")

    def test_upgrade_keeps_the_open_call_backs_on_them(self):
        """18.0.1.5.9: the call backs open before the upgrade get their call's customer, company and time,
        and outlive their call as new ones do."""
        call_type = self.env.ref("mail.mail_activity_data_call")
        self.call({"event": "incoming", "call_id": "c-up-1", "caller": "+79037770044"})
        answer = self.call({"event": "missed", "call_id": "c-up-1", "caller": "+79037770044"}).json()
        call = self.env["ecom.call"].browse(answer["call"])
        pending = call.lead_id.activity_ids.filtered(lambda a: a.activity_type_id == call_type)
        self.env.flush_all()
        self.env.cr.execute("UPDATE mail_activity SET ecom_call_at = NULL, ecom_call_partner_id = NULL, "
                            "ecom_call_company_id = NULL WHERE id = %s", [pending.id])
        for _run in range(2):
            load_migration("18.0.1.5.9").migrate(self.env.cr, "18.0.1.5.7")
        self.env.invalidate_all()
        self.assertEqual((pending.ecom_call_at, pending.ecom_call_partner_id, pending.ecom_call_company_id),
                         (call.started_at, call.partner_id, call.company_id))
        call.unlink()
        self.call({"event": "finished", "call_id": "c-up-back", "caller": "+79037770044", "direction": "out",
                   "duration": 30})
        self.assertFalse(pending.exists() and pending.active, "reached: done")

    def test_upgrade_from_before_the_call_backs_named_their_call(self):
        """A store upgrading from a release whose call backs did not name their call (18.0.1.2.0: no
        mail_activity.ecom_call_id) gets the columns, with no call back to fill: the upgrade ran into
        the missing column and stopped."""
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE mail_activity DROP COLUMN ecom_call_id, DROP COLUMN ecom_call_at, "
                            "DROP COLUMN ecom_call_partner_id, DROP COLUMN ecom_call_company_id")
        for _run in range(2):
            load_migration("18.0.1.5.9").migrate(self.env.cr, "18.0.1.2.0")
        self.assertTrue(all(column_exists(self.env.cr, "mail_activity", column) for column in (
            "ecom_call_at", "ecom_call_partner_id", "ecom_call_company_id")))

    def test_the_call_back_is_to_the_number_that_called(self):
        """A customer found by their mobile, or a company's contact, is called back on the number
        that called, not on the customer's (or the company's) main phone."""
        customer = self.env["res.partner"].create({"name": "Орлова Вера", "phone": "+74957001122",
                                                   "mobile": "+79035556677"})
        self.call({"event": "incoming", "call_id": "c-21", "caller": "8 903 555-66-77"})
        call = self.env["ecom.call"].browse(self.call({"event": "missed", "call_id": "c-21",
                                                       "caller": "89035556677"}).json()["call"])
        self.assertEqual((call.partner_id, call.caller), (customer, "+79035556677"))
        activity = call.lead_id.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertIn("+79035556677", activity.summary)
        company = self.env["res.partner"].create({"name": "ООО «Ромашка»", "is_company": True, "phone": "+74951110000"})
        self.env["res.partner"].create({"name": "Сидоров Пётр", "parent_id": company.id, "mobile": "+79160002233"})
        answer = self.call({"event": "incoming", "call_id": "c-22", "caller": "+7 916 000-22-33"}).json()
        self.assertEqual(self.env["ecom.call"].browse(answer["call"]).caller, "+79160002233")

    def test_a_call_from_an_office_finds_the_company_and_keeps_its_extension(self):
        """Caller ids carry no extension: a call from a company's switchboard finds the company whose
        phone was typed with an extension, and the call back keeps the extension it was given."""
        company = self.env["res.partner"].create({"name": "ООО «Вектор»", "is_company": True,
                                                  "phone": "+7 (495) 123-45-67 доб. 12"})
        answer = self.call({"event": "missed", "call_id": "c-31", "caller": "8 495 123-45-67"}).json()
        call = self.env["ecom.call"].browse(answer["call"])
        self.assertEqual((call.partner_id, call.caller), (company, "+74951234567 доб. 12"))
        self.assertEqual(call.lead_id.phone, "+74951234567 доб. 12", "the request of the call too")
        activity = call.lead_id.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertIn("+74951234567 доб. 12", activity.summary)
        # another number: the caller's own, normalised
        answer = self.call({"event": "incoming", "call_id": "c-32", "caller": "8 495 123-45-68"}).json()
        self.assertEqual(self.env["ecom.call"].browse(answer["call"]).caller, "+74951234568")

    def test_a_shared_switchboard_call_joins_the_company_in_talks(self):
        """Two companies of a business centre share a switchboard; a caller id has no extension. The call
        went to the first of them (the last to buy, else the oldest) even when the other had an open
        request: a second request for the wrong company, the open one never hearing of the call. It joins
        the company whose request is open; with none open or both, the first as before; an extension
        given (a form) still decides."""
        vector = self.env["res.partner"].create({"name": "ООО «Вектор»", "is_company": True,
                                                 "phone": "+7 (495) 123-45-67 доб. 1"})
        orbita = self.env["res.partner"].create({"name": "ООО «Орбита»", "is_company": True,
                                                 "phone": "+7 (495) 123-45-67 доб. 2"})
        Partner = self.env["res.partner"]
        self.assertEqual(Partner._ecom_match_customer(phone="8 495 123-45-67"), vector, "nobody in talks: the first")
        talks = self.post({"name": "Орлов Олег", "phone": "8 495 123-45-67 доб. 2", "message": "Счёт на 10 колясок"})
        lead = self.env["crm.lead"].browse(talks.json()["lead_id"])
        self.assertEqual(lead.partner_id, orbita)
        answer = self.call({"event": "finished", "call_id": "c-sw-1", "caller": "8 495 123-45-67",
                            "duration": 40}).json()
        self.assertEqual((answer["partner_id"], answer["lead_id"]), (orbita.id, lead.id), "the request in talks")
        self.assertEqual(self.env["ecom.call"].browse(answer["call"]).caller, "+74951234567 доб. 2")
        self.assertEqual(Partner._ecom_match_customer(phone="8 495 123-45-67 доб. 1"), vector, "an extension decides")
        # the very extension decides without looking for requests: no query more than a number one customer has
        self.env["res.partner"].create({"name": "ООО «Сириус»", "is_company": True, "phone": "+7 (499) 000-00-01"})
        def queries(phone):
            self.env.invalidate_all()
            count = self.env.cr.sql_log_count
            Partner._ecom_match_customer(phone=phone)
            return self.env.cr.sql_log_count - count
        self.assertEqual(queries("8 495 123-45-67 доб. 1"), queries("8 499 000-00-01"))
        self.assertGreater(queries("8 495 123-45-67"), queries("8 499 000-00-01"), "the shared number looks")
        # both in talks: the first again
        self.post({"name": "Волков Виктор", "phone": "8 495 123-45-67 доб. 1", "message": "Прайс"})
        self.assertEqual(Partner._ecom_match_customer(phone="8 495 123-45-67"), vector)
        # the contacts of one company are no two companies: the company
        self.env["res.partner"].create({"name": "Орлов Олег", "parent_id": orbita.id, "phone": "+74951234567 доб. 7"})
        self.assertEqual(Partner._ecom_match_customer(phone="8 495 123-45-67 доб. 7"), orbita)

    def test_a_private_person_is_no_company_of_a_switchboard(self):
        """Someone of an office gave its switchboard as their own number, buying for themselves: a private
        customer (no company, not the company's contact). They counted among the switchboard's companies:
        a call from it went to them whenever they had bought last, or had the bare number (a request of
        the company's on a private customer's card, the company's open request never hearing of it). The
        switchboard is the company's; a private customer gets its calls by their open request (someone
        in talks calls from the office about their purchase) or by the very extension they gave."""
        Partner = self.env["res.partner"]
        vector = Partner.create({"name": "ООО «Вектор»", "is_company": True, "phone": "+7 (495) 123-45-67 доб. 1"})
        ivan = Partner.create({"name": "Иванов Иван", "phone": "+7 (495) 123-45-67"})  # the bare switchboard
        petr = Partner.create({"name": "Петров Пётр", "phone": "+7 (495) 123-45-67 доб. 3"})
        (ivan | petr).ecom_last_order_date = "2026-11-30"  # they bought last: they came first
        self.assertEqual(Partner._ecom_match_customer(phone="8 495 123-45-67"), vector,
                         "the switchboard's bare number is the company's, whoever spelled it so")
        ivan.active = False
        self.assertEqual(Partner._ecom_match_customer(phone="8 495 123-45-67"), vector, "nor the last to buy")
        self.assertEqual(Partner._ecom_match_customer(phone="8 495 123-45-67 доб. 3"), petr, "their very extension")
        # in talks: a private customer's call from the office joins their request, not a new one of the company
        talks = self.post({"name": "Петров Пётр", "phone": "8 495 123-45-67 доб. 3", "message": "Коляска для дочки"})
        lead = self.env["crm.lead"].browse(talks.json()["lead_id"])
        self.assertEqual(lead.partner_id, petr)
        answer = self.call({"event": "missed", "call_id": "c-pp-1", "caller": "8 495 123-45-67"}).json()
        self.assertEqual((answer["partner_id"], answer["lead_id"]), (petr.id, lead.id))
        self.assertEqual(self.env["ecom.call"].browse(answer["call"]).caller, "+74951234567 доб. 3")
        # the company in talks too: the switchboard is the company's
        talks = self.post({"name": "Смирнова Анна", "phone": "8 495 123-45-67 доб. 1", "message": "Счёт на 5 колясок"})
        company_lead = self.env["crm.lead"].browse(talks.json()["lead_id"])
        self.assertEqual(company_lead.partner_id, vector)
        answer = self.call({"event": "missed", "call_id": "c-pp-2", "caller": "8 495 123-45-67"}).json()
        self.assertEqual((answer["partner_id"], answer["lead_id"]), (vector.id, company_lead.id))
        self.assertEqual(self.env["crm.lead"].search_count([("partner_id", "in", (vector | petr).ids)]), 2,
                         "no request more")

    def test_private_persons_sharing_a_number_are_no_switchboard(self):
        """A number only private persons have (a family's landline, a duplicate not merged yet), each with
        it bare: a caller id was theirs exactly, and went to the last to buy even while the other had an
        open request (a second request beside it). The one in talks, else the last to buy; no company
        to prefer."""
        Partner = self.env["res.partner"]
        wife = Partner.create({"name": "Орлова Вера", "phone": "+7 (495) 700-11-22"})
        husband = Partner.create({"name": "Орлов Олег", "phone": "8 495 700 11 22"})
        husband.ecom_last_order_date = "2026-11-30"
        self.assertEqual(Partner._ecom_match_customer(phone="+74957001122"), husband)
        talks = self.post({"name": "Орлова Вера", "phone": "+7 (495) 700-11-22", "email": "vera@example.com",
                           "message": "Кроватка"}).json()
        self.assertEqual(talks["partner_id"], husband.id, "the phone first: the last to buy")
        self.env["crm.lead"].browse(talks["lead_id"]).partner_id = wife
        answer = self.call({"event": "missed", "call_id": "c-fam-1", "caller": "8 495 700-11-22"}).json()
        self.assertEqual((answer["partner_id"], answer["lead_id"]), (wife.id, talks["lead_id"]), "the one in talks")

    def test_an_event_costs_the_same_queries_every_time(self):
        """The telephony's hot path, pinned: a call's first event from an unknown caller (a customer and a
        request made), from a known one (a request made), from a known one in talks (the call joins the
        open request), the call's end not answered (notes, a call back), and an event sent again."""
        def event(**values):
            data, errors = validate_call(values)
            self.assertFalse(errors)
            return self.env["ecom.call"]._ecom_process_event(data, self.source)

        def pinned(count, **values):
            self.env.invalidate_all()
            with self.assertQueryCount(count):
                return event(**values)

        self.env["res.partner"].create({"name": "Известная Анна", "phone": "+79035550001"})
        # crm's predictive scoring reads its frequencies once there are any (a store that won or lost
        # requests has them; a database's other tests may have left some): there are, whatever the database
        self.env["crm.lead.scoring.frequency"].create({"variable": "stage_id", "value": "0", "won_count": 0.1,
                                                       "lost_count": 0.1, "team_id": self.team.id})
        # the first call of a process reads what the later ones keep (xmlids, defaults, the stages)
        event(event="incoming", call_id="q-warm", caller="+79035550099")
        event(event="missed", call_id="q-warm", caller="+79035550099")
        self.salesman.ecom_pbx_extension = "101"  # and what a salesperson's taking a request reads once
        event(event="incoming", call_id="q-warm-2", caller="+79035550098")
        event(event="answered", call_id="q-warm-2", caller="+79035550098", extension="101")
        # the lock, the call, the journal, the customer's match and creation, the request and its
        # history, the call
        unknown = pinned(46, event="incoming", call_id="q-1", caller="+79035550002")
        self.assertEqual((unknown.state, unknown.partner_id.phone), ("ringing", "+79035550002"))
        known = pinned(43, event="incoming", call_id="q-2", caller="8 903 555-00-01")
        self.assertEqual(known.partner_id.name, "Известная Анна")
        # not answered: the state, a note on the request and on the customer, the call back
        pinned(26, event="missed", call_id="q-2", caller="+79035550001")
        self.assertEqual(known.state, "missed")
        self.assertEqual(len(known.lead_id.activity_ids), 1)
        # the customer calls again: the open request, no new one
        again = pinned(23, event="incoming", call_id="q-3", caller="+79035550001")
        self.assertEqual(again.lead_id, known.lead_id)
        # sent again: the lock, the call, its state
        pinned(3, event="incoming", call_id="q-3", caller="+79035550001")
        # answered at an extension nobody has: the lock, the call, who has it (the one query an extension
        # adds), the state
        pinned(5, event="answered", call_id="q-3", caller="+79035550001", extension="999")
        self.assertFalse(again.user_id)
        # answered by a salesperson: who has the extension, the call theirs, the request it made theirs
        # (crm's own write of a salesperson: the team's check, their following, no mail), once a call
        pinned(32, event="answered", call_id="q-1", caller="+79035550002", extension="101")
        self.assertEqual((unknown.user_id, unknown.lead_id.user_id), (self.salesman, self.salesman))

    def test_bad_events(self):
        response = self.call({"event": "exploded", "caller": "", "duration": -1,
                              "recording_url": "javascript:alert(1)"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["fields"]), {"event", "call_id", "caller", "duration", "recording_url"})
        self.assertEqual(self.call({"event": "incoming", "call_id": "x", "caller": "1"}, key="nope").status_code, 401)

    def test_a_caller_id_that_is_no_number_is_refused(self):
        """Letters before the digits («abc12345») or thirty digits are no number anyone calls back: they
        were kept as typed on a new customer. A JSON 400 naming the caller; no call, no request, no
        customer. A URI with no number in it (a SIP extension, «tel:») is none either; a hidden number is a
        call (see test_a_hidden_number_is_a_call_without_a_request)."""
        counts = [self.env[model].search_count([]) for model in ("ecom.call", "crm.lead", "res.partner")]
        # a program's placeholder for a number it lost is no hidden number: each call would make no request
        for caller in ("abc12345", "1" * 30, "+7" + "9" * 28, "sip:101@pbx.example", "tel:", "101",
                       "None", "null", "undefined", "n/a"):
            with self.subTest(caller=caller):
                response = self.call({"event": "incoming", "call_id": f"c-bad-{caller}", "caller": caller})
                self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_request"))
                self.assertEqual(set(response.json()["fields"]), {"caller"})
        self.assertEqual([self.env[model].search_count([]) for model in ("ecom.call", "crm.lead", "res.partner")],
                         counts)

    def test_a_hidden_number_is_a_call_without_a_request(self):
        """A call from a hidden number was refused (400): the store got it all the same. It is logged as a
        call with no number («Hidden number», «Скрытый номер»), no customer and no request (nothing to match
        nor to call back), journaled done; whoever answered it took it; missed, it asks nobody to call back."""
        self.salesman.ecom_pbx_extension = "101"
        counts = [self.env[model].search_count([]) for model in ("crm.lead", "res.partner", "mail.activity")]
        Journal = self.env["ecom.intake.request"]
        before = Journal.search([], order="id desc", limit=1).id or 0
        for index, caller in enumerate(("anonymous", "Unknown", "0", "+", "private", "RESTRICTED",
                                        "sip:anonymous@anonymous.invalid", "Скрытый номер")):
            with self.subTest(caller=caller):
                response = self.call({"event": "incoming", "call_id": f"h-{index}", "caller": caller,
                                      "called": "+74951234567"})
                self.assertEqual(response.status_code, 200, response.text)
                self.assertEqual(response.json() | {"call": 0},
                                 {"call": 0, "state": "ringing", "lead_id": None, "partner_id": None})
        self.call({"event": "answered", "call_id": "h-0", "caller": "anonymous", "extension": "101"})
        self.call({"event": "finished", "call_id": "h-0", "caller": "anonymous", "extension": "101", "duration": 42})
        self.call({"event": "missed", "call_id": "h-1", "caller": "Unknown"})
        calls = self.env["ecom.call"].search([("call_id", "like", "h-")])
        self.assertEqual(len(calls), 8)
        self.assertEqual(set(calls.mapped(lambda c: (c.caller, c.hidden_caller, c.partner_id.id, c.lead_id.id))),
                         {(False, True, False, False)})
        talked, lost = calls.filtered(lambda c: c.call_id == "h-0"), calls.filtered(lambda c: c.call_id == "h-1")
        self.assertEqual((talked.state, talked.duration, talked.user_id), ("finished", 42, self.salesman))
        self.assertEqual(lost.state, "missed")
        self.assertEqual(talked.with_context(lang="en_US").display_name, "Hidden number")
        self.env["res.lang"]._activate_lang("ru_RU")
        self.assertEqual(talked.with_context(lang="ru_RU").display_name, "Скрытый номер")
        self.assertEqual(self.env["ecom.call"].search([("hidden_caller", "=", True)]), calls)
        self.assertEqual([self.env[model].search_count([]) for model in ("crm.lead", "res.partner", "mail.activity")],
                         counts, "no request, no customer, nobody to call back")
        entries = Journal.search([("id", ">", before)])
        self.assertEqual((len(entries), set(entries.mapped("state")), set(entries.mapped("channel"))),
                         (8, {"done"}, {"call"}), "journaled done, one entry per call")
        self.assertFalse(entries.lead_id or entries.partner_id)
        self.assertIn(entries[0].message, ("Incoming call from a hidden number to +74951234567",  # the API's language
                                           "Входящий звонок со скрытого номера на +74951234567"))
        # a hidden number is no number the store dialled
        response = self.call({"event": "incoming", "call_id": "h-out", "caller": "anonymous", "direction": "out"})
        self.assertEqual((response.status_code, set(response.json()["fields"])), (400, {"caller"}))
        # the calls list shows it as such
        self.assertIn("Hidden number", str(calls.with_context(lang="en_US").web_search_read(
            [("id", "in", calls.ids)], {"display_name": {}})))

    def test_what_is_a_hidden_number(self):
        """A hidden number is what telephony writes for a withheld one, nothing that could be a real number, an
        extension, a customer's name or a program's lost value (those are refused or taken as they are)."""
        for caller in ("anonymous", "ANONYMOUS", " Unknown ", "0", "000", "+", "", "sip:anonymous@anonymous.invalid",
                       "tel:0", "Скрытый номер", "скрыт", "Withheld",
                       # RFC 3323's address without its «sip:», and with a display name (a SIP From header)
                       "anonymous@anonymous.invalid", '"Anonymous" <sip:anonymous@anonymous.invalid>',
                       "Anonymous <sip:anonymous@anonymous.invalid>", "<sip:anonymous@anonymous.invalid>",
                       "Unknown Caller", "Private Number", "Number withheld", "Нет номера", "Номер скрыт"):
            with self.subTest(caller=caller):
                self.assertTrue(is_hidden_caller(caller))
        for caller in ("+7 000 000-00-00", "8 000 000 00 00", "0800", "101", "sip:101@pbx.example", "tel:",
                       "sip:@pbx", "Скрытая Анна", "неизвестный клиент", "None", "null", "undefined", "n/a",
                       "+79161234567", "None@pbx", "@pbx", "anna@example.com", '"Anonymous" <sip:101@pbx>',
                       '"Anonymous" <>', '"Anna" <sip:+79161234567@pbx>', "Номер Анны"):
            with self.subTest(caller=caller):
                self.assertFalse(is_hidden_caller(caller))

    def test_the_forms_of_a_hidden_number_telephony_sends(self):
        """RFC 3323's anonymous address without its «sip:» or with a display name, and the words PBXes write
        («Unknown Caller», «Number withheld», «Нет номера»…) were refused (400, a failed journal entry): each is
        a call from a hidden number. A display name before a number's URI is no part of the number."""
        Journal = self.env["ecom.intake.request"]
        before = Journal.search([], order="id desc", limit=1).id or 0
        forms = ("anonymous@anonymous.invalid", '"Anonymous" <sip:anonymous@anonymous.invalid>', "Unknown Caller",
                 "Private Number", "Number withheld", "Нет номера", "Номер скрыт")
        for index, caller in enumerate(forms):
            with self.subTest(caller=caller):
                response = self.call({"event": "incoming", "call_id": f"hf-{index}", "caller": caller,
                                      "called": "+74951234567"})
                self.assertEqual(response.status_code, 200, response.text)
                call = self.env["ecom.call"].browse(response.json()["call"])
                self.assertEqual((call.caller, call.hidden_caller, call.lead_id.id), (False, True, False))
        entries = Journal.search([("id", ">", before)])
        self.assertEqual((len(entries), set(entries.mapped("state"))), (len(forms), {"done"}))
        response = self.call({"event": "incoming", "call_id": "hf-named", "caller": '"Анна" <sip:+79035551470@pbx>'})
        self.assertEqual(response.status_code, 200, response.text)
        call = self.env["ecom.call"].browse(response.json()["call"])
        self.assertEqual((call.caller, call.hidden_caller, call.partner_id.phone_sanitized),
                         ("+79035551470", False, "+79035551470"))
        # a lost value stays refused, in any of these forms
        for caller in ("None", "null", "undefined", "n/a", "None@pbx", '"Anonymous" <sip:101@pbx>'):
            with self.subTest(caller=caller):
                response = self.call({"event": "incoming", "call_id": f"hf-bad-{caller}", "caller": caller})
                self.assertEqual((response.status_code, set(response.json()["fields"])), (400, {"caller"}))

    def test_a_call_without_its_line_has_no_to_in_its_journal(self):
        """A PBX that sends no line (``called``) journaled «Incoming call to » with nothing after «to»: the call
        is «Incoming call» then, hidden or not; with a line, «… to <line>» as before."""
        Journal = self.env["ecom.intake.request"]
        messages = {}
        for call_id, caller, called in (("nl-1", "+79035551480", None), ("nl-2", "anonymous", None),
                                        ("nl-3", "+79035551481", ""), ("nl-4", "anonymous", "+74951234567")):
            before = Journal.search([], order="id desc", limit=1).id or 0
            payload = {"event": "incoming", "call_id": call_id, "caller": caller}
            if called is not None:
                payload["called"] = called
            self.assertEqual(self.call(payload).status_code, 200)
            messages[call_id] = Journal.search([("id", ">", before)]).message
        self.assertIn(messages["nl-1"], ("Incoming call", "Входящий звонок"))  # the API's language
        self.assertIn(messages["nl-3"], ("Incoming call", "Входящий звонок"))
        self.assertIn(messages["nl-2"], ("Incoming call from a hidden number", "Входящий звонок со скрытого номера"))
        self.assertIn(messages["nl-4"], ("Incoming call from a hidden number to +74951234567",
                                         "Входящий звонок со скрытого номера на +74951234567"))

    def test_the_calls_list_sorts_by_the_number(self):
        """The number column shows display_name («Hidden number» for a withheld one), which the list could not
        sort: sorting it sorts by the number, the hidden calls together after the numbers (before, going down)."""
        for call_id, caller in (("s-1", "+79035551492"), ("s-2", "anonymous"), ("s-3", "+79035551490"),
                                ("s-4", "+79035551491")):
            self.assertEqual(self.call({"event": "incoming", "call_id": call_id, "caller": caller}).status_code, 200)
        Call = self.env["ecom.call"].with_user(self.salesman).with_context(lang="en_US")
        self.assertTrue(Call.fields_get(["display_name"], ["sortable"])["display_name"]["sortable"])
        domain = [("call_id", "in", ["s-1", "s-2", "s-3", "s-4"])]
        for order, expected in (("display_name asc", ["+79035551490", "+79035551491", "+79035551492",
                                                      "Hidden number"]),
                                ("display_name desc", ["Hidden number", "+79035551492", "+79035551491",
                                                       "+79035551490"])):
            with self.subTest(order=order):
                rows = Call.web_search_read(domain, {"display_name": {}}, order=order)["records"]
                self.assertEqual([row["display_name"] for row in rows], expected)
        arch = self.env.ref("ecom_crm.ecom_call_view_list").arch
        self.assertIn('name="display_name"', arch)

    def test_upgrade_lets_a_call_have_no_number(self):
        """18.0.1.6.1: ``caller`` loses its NOT NULL and ``hidden_caller`` is there, run twice as an upgrade
        interrupted and started again would; a hidden call is logged after it."""
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE ecom_call DROP COLUMN hidden_caller")
        self.env.cr.execute("UPDATE ecom_call SET caller = '+70000000001' WHERE caller IS NULL")
        self.env.cr.execute("ALTER TABLE ecom_call ALTER COLUMN caller SET NOT NULL")
        for _run in range(2):
            load_migration("18.0.1.6.1").migrate(self.env.cr, "18.0.1.6.0")
        self.env.cr.execute("SELECT is_nullable FROM information_schema.columns "
                            "WHERE table_name = 'ecom_call' AND column_name = 'caller'")
        self.assertEqual(self.env.cr.fetchone(), ("YES",))
        self.assertTrue(column_exists(self.env.cr, "ecom_call", "hidden_caller"))
        response = self.call({"event": "incoming", "call_id": "h-up", "caller": "anonymous"})
        self.assertEqual(response.status_code, 200, response.text)
        call = self.env["ecom.call"].browse(response.json()["call"])
        self.assertEqual((call.caller, call.hidden_caller), (False, True))

    def test_a_caller_id_given_as_a_uri_is_its_number(self):
        """SIP telephony and RFC 3966 give a caller as a URI: «tel:+7…» (libphonenumber reads it: the
        customer who has the number) was refused with a 400, «sip:+7…@pbx» made a customer of the URI.
        Each is read by its number, its extension («;ext=12») kept as a typed one is."""
        Partner = self.env["res.partner"]
        anna = Partner.create({"name": "Сипова Анна", "phone": "+7 916 555-12-34"})
        for call_id, caller in (("c-uri-1", "tel:+7-916-555-12-34"),
                                ("c-uri-2", "sip:+79165551234@pbx.example;user=phone"),
                                ("c-uri-3", "SIP:79165551234@10.0.0.1")):
            response = self.call({"event": "missed", "call_id": call_id, "caller": caller})
            self.assertEqual(response.status_code, 200, response.text)
            call = self.env["ecom.call"].browse(response.json()["call"])
            self.assertEqual((call.partner_id, call.caller), (anna, "+79165551234"), caller)
        answer = self.call({"event": "missed", "call_id": "c-uri-4", "caller": "tel:+74955559876;ext=12"}).json()
        self.assertEqual(self.env["ecom.call"].browse(answer["call"]).partner_id.phone, "+74955559876 доб. 12")
        self.assertEqual(Partner.search_count([("phone", "like", "%:%")]), 0, "no customer made of a URI")

    def test_foreign_and_national_caller_ids_find_their_customer(self):
        """Telephony gives numbers in international digits without their «+»: a Belarusian or Uzbek caller
        («375291234567») was kept as typed, flagged invalid, a new customer beside the one with
        «+375 29 …» and another request with each spelling. They are read as international; a Russian
        number with its 8 is the +7 one; a short number that cannot be valid is kept as typed, once. The
        invisible marks a phone's app copies a number between are no letters."""
        Partner = self.env["res.partner"]
        olesya = Partner.create({"name": "Ковальчук Олеся", "phone": "+375 29 123-45-67"})
        for call_id, caller in (("c-by-1", "375291234567"), ("c-by-2", "+375 (29) 123-45-67"),
                                ("c-by-3", "00375291234567"), ("c-by-4", "\u202a375291234567\u202c")):
            answer = self.call({"event": "missed", "call_id": call_id, "caller": caller}).json()
            self.assertEqual(answer["partner_id"], olesya.id, caller)
            self.assertEqual(self.env["ecom.call"].browse(answer["call"]).caller, "+375291234567")
        self.assertEqual(self.env["crm.lead"].search_count([("partner_id", "=", olesya.id)]), 1)
        calls = self.env["ecom.call"]
        for call_id, caller in (("c-uz-1", "998901234567"), ("c-uz-2", "+998 90 123-45-67"),
                                ("c-ru-1", "8 (916) 700-11-22"), ("c-ru-2", "79167001122"),
                                ("c-short-1", "+7 (999) 12"), ("c-short-2", "+7 (999) 12")):
            calls |= self.env["ecom.call"].browse(self.call({"event": "incoming", "call_id": call_id,
                                                             "caller": caller}).json()["call"])
        self.assertEqual(calls.mapped("caller"), ["+998901234567"] * 2 + ["+79167001122"] * 2 + ["+7 (999) 12"] * 2)
        for pair in (calls[0:2], calls[2:4], calls[4:6]):
            self.assertEqual((len(pair.partner_id), len(pair.lead_id)), (1, 1), pair.mapped("caller"))
        self.assertEqual(calls.partner_id.mapped("ecom_phone_invalid"), [False, False, True])

    def test_an_end_before_its_ring_is_the_call(self):
        """The telephony lost a call's first events, or sends them late: its end, for a call id never seen
        (the caller hung up before it rang), is the call, its request made and a call back asked when it was
        missed; the ring, its end and the miss sent again arriving afterwards change nothing, make no second
        call nor request."""
        answer = self.call({"event": "missed", "call_id": "c-late-1", "caller": "+79035550111"}).json()
        call = self.env["ecom.call"].browse(answer["call"])
        self.assertEqual((call.state, call.direction, call.partner_id.phone), ("missed", "in", "+79035550111"))
        call_back = self.env.ref("mail.mail_activity_data_call")
        self.assertEqual(len(call.lead_id.activity_ids.filtered(lambda a: a.activity_type_id == call_back)), 1)
        for event in ("incoming", "finished", "missed"):
            answer = self.call({"event": event, "call_id": "c-late-1", "caller": "+79035550111"}).json()
            self.assertEqual((answer["call"], answer["state"]), (call.id, "missed"), event)
        self.assertEqual(self.env["crm.lead"].search_count([("partner_id", "=", call.partner_id.id)]), 1)
        self.assertEqual(len(call.lead_id.activity_ids.filtered(lambda a: a.activity_type_id == call_back)), 1)
        # answered, its end first: finished with its duration, nobody asked to call back
        answer = self.call({"event": "finished", "call_id": "c-late-2", "caller": "+79035550112",
                            "duration": 42}).json()
        self.call({"event": "incoming", "call_id": "c-late-2", "caller": "+79035550112"})
        finished = self.env["ecom.call"].browse(answer["call"])
        self.assertEqual((finished.state, finished.duration), ("finished", 42))
        self.assertFalse(finished.lead_id.activity_ids.filtered(lambda a: a.activity_type_id == call_back))
        self.assertEqual(self.env["ecom.call"].search_count([("call_id", "in", ("c-late-1", "c-late-2"))]), 2)

    def _call_backs(self, call):
        call_back = self.env.ref("mail.mail_activity_data_call")
        return call.lead_id.activity_ids.filtered(lambda a: a.activity_type_id == call_back)

    def test_a_leg_missed_after_the_call_ended_leaves_it_finished(self):
        """A PBX rings a group of phones and reports the leg of each that only rang as «missed», after
        somebody answered and the call finished: the call stays finished with its talk's duration and
        whoever talked, nobody is asked to call back, and no second note is logged."""
        self.salesman.ecom_pbx_extension = "101"
        for event, extra in (("incoming", {}), ("answered", {"extension": "101"}),
                             ("finished", {"duration": 95, "extension": "101"})):
            self.call({"event": event, "call_id": "c-leg-1", "caller": "+79035550131", **extra})
        call = self.env["ecom.call"].search([("call_id", "=", "c-leg-1")])
        notes = call.lead_id.message_ids
        answer = self.call({"event": "missed", "call_id": "c-leg-1", "caller": "+79035550131", "duration": 20,
                            "extension": "102"}).json()
        self.assertEqual(answer["state"], "finished")
        self.assertEqual((call.state, call.duration, call.user_id), ("finished", 95, self.salesman))
        self.assertFalse(self._call_backs(call), "the customer talked to the store: nobody calls back")
        self.assertEqual(call.lead_id.message_ids, notes, "nothing happened to the call: no note")
        # a leg missed while the answered call goes on: still answered, then finished
        self.call({"event": "incoming", "call_id": "c-leg-2", "caller": "+79035550132"})
        self.call({"event": "answered", "call_id": "c-leg-2", "caller": "+79035550132"})
        self.assertEqual(self.call({"event": "missed", "call_id": "c-leg-2", "caller": "+79035550132"}).json()["state"],
                         "answered")
        self.assertEqual(self.call({"event": "finished", "call_id": "c-leg-2", "caller": "+79035550132",
                                    "duration": 30}).json()["state"], "finished")
        self.assertFalse(self._call_backs(self.env["ecom.call"].search([("call_id", "=", "c-leg-2")])))

    def test_a_leg_missed_before_another_answered_ends_reached(self):
        """The first phone of a group rang out («missed», a call back asked), then another picked up: the
        call is answered, then finished, and the call back its miss asked for is done — the customer was
        reached."""
        self.call({"event": "incoming", "call_id": "c-leg-3", "caller": "+79035550133"})
        self.call({"event": "missed", "call_id": "c-leg-3", "caller": "+79035550133"})
        call = self.env["ecom.call"].search([("call_id", "=", "c-leg-3")])
        self.assertEqual((call.state, len(self._call_backs(call))), ("missed", 1))
        answer = self.call({"event": "answered", "call_id": "c-leg-3", "caller": "+79035550133"}).json()
        self.assertEqual(answer["state"], "answered")
        self.assertFalse(self._call_backs(call), "reached: the call back is done")
        self.call({"event": "finished", "call_id": "c-leg-3", "caller": "+79035550133", "duration": 50})
        self.assertEqual((call.state, call.duration), ("finished", 50))
        self.assertFalse(self._call_backs(call))

    def test_a_missed_calls_events_in_any_order_end_missed(self):
        """A call nobody answered — its ring, its miss, the end some telephony sends for every call — ends
        missed with one call back whatever order the events arrive in; an answered call's events (one leg
        missed among them) end finished with none, in every order but an answer arriving after its end
        (the end of a missed call then: nothing tells them apart)."""
        for n, order in enumerate(permutations(("incoming", "missed", "finished"))):
            with self.subTest(order=order):
                call_id, caller = f"c-ord-m{n}", f"+7903555{n:04d}"
                for event in order:
                    self.call({"event": event, "call_id": call_id, "caller": caller})
                call = self.env["ecom.call"].search([("call_id", "=", call_id)])
                expected = "finished" if order.index("finished") < order.index("missed") else "missed"
                self.assertEqual(call.state, expected)
                self.assertEqual(len(self._call_backs(call)), int(expected == "missed"))
        for n, order in enumerate(permutations(("incoming", "answered", "missed", "finished"))):
            if order.index("answered") > order.index("finished") > order.index("missed"):
                continue
            with self.subTest(order=order):
                call_id, caller = f"c-ord-a{n}", f"+7903556{n:04d}"
                for event in order:
                    self.call({"event": event, "call_id": call_id, "caller": caller, "duration": 70})
                call = self.env["ecom.call"].search([("call_id", "=", call_id)])
                self.assertEqual(call.state, "finished")
                self.assertFalse(self._call_backs(call))

    def test_an_unknown_direction_is_refused(self):
        """A direction misspelt («outgoing», «OUT») was read as incoming: the store's call made the
        customer a request. It is refused, as the OpenAPI's enum says."""
        requests = self.env["crm.lead"].search_count([])
        for direction in ("outgoing", "OUT", 2):
            with self.subTest(direction=direction):
                response = self.call({"event": "incoming", "call_id": f"c-dir-{direction}", "caller": "+79035550077",
                                      "direction": direction})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(set(response.json()["fields"]), {"direction"})
        self.assertEqual(self.env["crm.lead"].search_count([]), requests)

    def test_a_salesperson_sees_the_calls_to_their_customers_outside_any_request(self):
        """A salesperson who sees their own requests only sees the calls to their customers that
        joined no request, and those of nobody's customer or a stranger, not another's customers'."""
        other = new_test_user(self.env, login="ecom_other_caller", groups="sales_team.group_sale_salesman")
        mine = self.env["res.partner"].create({"name": "Моя Клиентка", "phone": "+79035550021",
                                               "user_id": self.salesman.id})
        self.env["res.partner"].create({"name": "Чужая Клиентка", "phone": "+79035550022", "user_id": other.id})
        self.env["res.partner"].create({"name": "Ничья Клиентка", "phone": "+79035550023"})
        calls = self.env["ecom.call"]
        for number in ("+79035550021", "+79035550022", "+79035550023", "+79035550024"):
            answer = self.call({"event": "finished", "call_id": f"c-own-{number}", "caller": number,
                                "direction": "out"}).json()
            calls |= self.env["ecom.call"].browse(answer["call"])
        self.assertEqual(calls[0].partner_id, mine)
        self.assertFalse(calls.lead_id)
        visible = self.env["ecom.call"].with_user(self.salesman).search([("id", "in", calls.ids)])
        self.assertEqual(visible, calls[0] | calls[2] | calls[3])
        # one they made themselves (their extension) to another's customer is theirs: their report counts it
        self.salesman.ecom_pbx_extension = "101"
        made = self.env["ecom.call"].browse(self.call({"event": "finished", "call_id": "c-own-made", "direction": "out",
                                                       "caller": "+79035550022", "extension": "101"}).json()["call"])
        self.assertEqual((made.user_id, made.lead_id), (self.salesman, self.env["crm.lead"]))
        self.assertIn(made, self.env["ecom.call"].with_user(self.salesman).search([]))
        # the customer's timeline too: another's customer's call is not shown to them
        timeline = self.env["ecom.customer.timeline"].with_user(self.salesman).search(
            [("res_model", "=", "ecom.call"), ("res_id", "in", calls.ids)])
        self.assertEqual(sorted(timeline.mapped("res_id")), (calls[0] | calls[2]).sorted("id").ids)

    def test_repeated_and_late_events_change_nothing(self):
        """Telephony sends an event again when it missed our answer: no second note, no going back."""
        for event in ("incoming", "answered", "finished"):
            self.call({"event": event, "call_id": "c-9", "caller": "+79035550909", "duration": 61})
        call = self.env["ecom.call"].search([("call_id", "=", "c-9")])
        notes = call.lead_id.message_ids
        for event in ("finished", "answered", "incoming"):
            self.assertEqual(self.call({"event": event, "call_id": "c-9", "caller": "+79035550909",
                                        "duration": 61}).json()["state"], "finished", event)
        self.assertEqual(call.lead_id.message_ids, notes, "the same end again: no second note")
        self.call({"event": "finished", "call_id": "c-9", "caller": "+79035550909", "duration": 61,
                   "recording_url": "https://telephony.example/rec/c-9.mp3"})
        self.assertEqual(call.recording_url, "https://telephony.example/rec/c-9.mp3", "news is still taken")
        self.assertIn("c-9.mp3", call.lead_id.message_ids[0].body)

    # --- the salesperson who talked, by their PBX extension -------------------------------------
    def _by_load(self):
        """The source's team assigns by load between the salesman (extension 101, one open request
        already) and another, free: the load gives a new request to the other."""
        other = new_test_user(self.env, login="ecom_loaded", groups="sales_team.group_sale_salesman",
                              name="Пётр Грузов")
        self.team.ecom_assign_by_load = True
        self.env["crm.team.member"].create([{"crm_team_id": self.team.id, "user_id": user.id}
                                            for user in (self.salesman, other)])
        self.env["crm.lead"].create({"name": "Занята", "type": "opportunity", "team_id": self.team.id,
                                     "user_id": self.salesman.id})
        self.salesman.ecom_pbx_extension = "101"
        return other

    def test_who_answers_a_call_takes_the_request_it_made(self):
        """The request an incoming call made goes to whom the load picked while it rings, then to the
        salesperson who answered it (their extension): they already spoke to the customer. They follow
        it, the other does not any more; the call is theirs («Salesperson»)."""
        other = self._by_load()
        call = self.env["ecom.call"].browse(self.call({"event": "incoming", "call_id": "c-x1",
                                                       "caller": "+79035551101"}).json()["call"])
        lead = call.lead_id
        self.assertEqual((lead.user_id, call.user_id), (other, self.env["res.users"]), "ringing: the load's")
        answer = self.call({"event": "answered", "call_id": "c-x1", "caller": "+79035551101", "extension": "101"})
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertEqual((call.user_id, lead.user_id), (self.salesman, self.salesman))
        self.assertIn(self.salesman.partner_id, lead.message_partner_ids)
        self.assertNotIn(other.partner_id, lead.message_partner_ids)
        self.call({"event": "finished", "call_id": "c-x1", "caller": "+79035551101", "duration": 40,
                   "extension": "101"})
        self.assertEqual((call.state, call.user_id, lead.user_id), ("finished", self.salesman, self.salesman))
        self.assertIn(self.salesman, self.env["ecom.call"].search([("user_id", "=", self.salesman.id)]).user_id)

    def test_an_open_request_keeps_its_salesperson(self):
        """A customer in talks calls again and another salesperson answers: the call is theirs, the
        request stays with its own; the extension of a phone that only rang names nobody."""
        other = self._by_load()
        first = self.call({"event": "incoming", "call_id": "c-x2", "caller": "+79035551102"}).json()
        lead = self.env["crm.lead"].browse(first["lead_id"])
        self.assertEqual(lead.user_id, other)
        again = self.env["ecom.call"].browse(self.call({
            "event": "incoming", "call_id": "c-x3", "caller": "+79035551102", "extension": "101"}).json()["call"])
        self.assertEqual((again.lead_id, again.user_id), (lead, self.env["res.users"]), "ringing at 101: not answered")
        self.call({"event": "answered", "call_id": "c-x3", "caller": "+79035551102", "extension": "101"})
        self.assertEqual((again.user_id, lead.user_id), (self.salesman, other))

    def test_an_outgoing_call_is_of_whom_made_it(self):
        """The store's call is of the salesperson who dialled, from its first event, answered or not; an
        open request of the customer without a salesperson becomes theirs; a call not answered outside
        any request asks them to call again (the customer has no salesperson)."""
        nobody = self.call({"event": "incoming", "call_id": "c-x4", "caller": "+79035551104"}).json()
        lead = self.env["crm.lead"].browse(nobody["lead_id"])
        self.assertFalse(lead.user_id, "the team does not assign by load")
        self.salesman.ecom_pbx_extension = "101"
        out = self.env["ecom.call"].browse(self.call({
            "event": "incoming", "call_id": "c-x5", "caller": "+79035551104", "direction": "out",
            "extension": "101"}).json()["call"])
        self.assertEqual((out.lead_id, out.user_id, lead.user_id), (lead, self.salesman, self.salesman))
        known = self.env["res.partner"].create({"name": "Знакомая Вера", "phone": "+79035551106"})
        stranger = self.env["ecom.call"].browse(self.call({
            "event": "missed", "call_id": "c-x6", "caller": "+79035551106", "direction": "out",
            "extension": "101"}).json()["call"])
        self.assertEqual((stranger.user_id, stranger.lead_id, stranger.partner_id),
                         (self.salesman, self.env["crm.lead"], known))
        self.assertEqual(known.activity_ids.user_id, self.salesman, "who dialled calls again")

    def test_an_extension_nobody_of_the_company_has_changes_nothing(self):
        """An extension nobody has, an archived salesperson's, another company's salesperson's or a
        portal user's: the call is nobody's, the request the load's."""
        self._by_load()
        company = self.env["res.company"].create({"name": "Другой магазин"})
        new_test_user(self.env, login="ecom_other_shop", groups="sales_team.group_sale_salesman",
                      company_id=company.id, company_ids=[(6, 0, company.ids)]).ecom_pbx_extension = "102"
        new_test_user(self.env, login="ecom_gone", groups="sales_team.group_sale_salesman").write(
            {"ecom_pbx_extension": "103", "active": False})
        new_test_user(self.env, login="ecom_portal", groups="base.group_portal").ecom_pbx_extension = "104"
        for index, extension in enumerate(("999", "102", "103", "104", "10 1")):
            call_id = f"c-x7-{index}"
            call = self.env["ecom.call"].browse(self.call({"event": "incoming", "call_id": call_id,
                                                           "caller": f"+7903555120{index}"}).json()["call"])
            by_load = call.lead_id.user_id
            self.assertTrue(by_load)
            self.assertEqual(self.call({"event": "answered", "call_id": call_id, "caller": f"+7903555120{index}",
                                        "extension": extension}).status_code, 200, extension)
            self.assertEqual((call.state, call.user_id, call.lead_id.user_id),
                             ("answered", self.env["res.users"], by_load), extension)
        response = self.call({"event": "answered", "call_id": "c-x7-0", "caller": "+79035551200",
                              "extension": {"number": "101"}})
        self.assertEqual((response.status_code, list(response.json()["fields"])), (400, ["extension"]))

    def test_a_pbx_extension_is_digits_and_one_salespersons_per_company(self):
        """Checked in the user's language: digits only, and not another active salesperson's of the same
        company (an archived one's, another company's or a portal user's is free)."""
        self.salesman.lang = "ru_RU"
        user = self.salesman.with_user(self.salesman).with_context(lang="ru_RU")
        user.ecom_pbx_extension = "101"  # their own preferences
        self.assertEqual(self.salesman.ecom_pbx_extension, "101")
        for bad in ("10a", "доб. 12", "+101"):
            with self.assertRaisesRegex(ValidationError, "АТС состоит только из цифр"), self.cr.savepoint():
                user.ecom_pbx_extension = bad
        colleague = new_test_user(self.env, login="ecom_colleague", groups="sales_team.group_sale_salesman",
                                  name="Иван Соседов")
        with self.assertRaisesRegex(ValidationError, "уже назначен пользователю «Ольга Звонкова»"), self.cr.savepoint():
            colleague.with_context(lang="ru_RU").ecom_pbx_extension = "101"
        company = self.env["res.company"].create({"name": "Другой магазин"})
        elsewhere = new_test_user(self.env, login="ecom_elsewhere", groups="sales_team.group_sale_salesman",
                                  company_id=company.id, company_ids=[(6, 0, company.ids)])
        elsewhere.ecom_pbx_extension = "101"
        with self.assertRaisesRegex(ValidationError, "101"), self.cr.savepoint():
            elsewhere.company_ids = [(4, self.env.company.id)]
        self.salesman.active = False
        colleague.ecom_pbx_extension = "101"
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.salesman.active = True

    def test_a_sales_manager_sets_the_salespeoples_extensions(self):
        """The user form is the administrator's: a sales manager gives the salespeople their PBX extensions in
        CRM > Configuration > Salespeople's extensions, the only field of a user they can write (of internal
        users of their companies), checked as anywhere else. A salesperson cannot set a colleague's."""
        manager = new_test_user(self.env, login="ecom_ext_manager", groups="sales_team.group_sale_manager")
        colleague = new_test_user(self.env, login="ecom_ext_colleague", groups="sales_team.group_sale_salesman")
        portal = new_test_user(self.env, login="ecom_ext_portal", groups="base.group_portal")
        company = self.env["res.company"].create({"name": "Другой магазин"})
        elsewhere = new_test_user(self.env, login="ecom_ext_elsewhere", groups="sales_team.group_sale_salesman",
                                  company_id=company.id, company_ids=[(6, 0, company.ids)])
        menu = self.env.ref("ecom_crm.menu_ecom_crm_pbx_extensions")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids())
        action = self.env.ref("ecom_crm.res_users_action_ecom_pbx_extension")
        listed = self.env["res.users"].with_user(manager).search(safe_eval(action.domain))
        self.assertLessEqual(self.salesman | colleague, listed)
        self.assertNotIn(portal, listed)
        # the list's save, as the web client sends it
        self.salesman.with_user(manager).web_save({"ecom_pbx_extension": "201"}, {"ecom_pbx_extension": {}})
        self.assertEqual(self.salesman.ecom_pbx_extension, "201")
        colleague.with_user(manager).ecom_pbx_extension = "202"
        colleague.with_user(manager).ecom_pbx_extension = False
        self.assertFalse(colleague.ecom_pbx_extension)
        for bad in ("201", "2O1"):  # the same as a colleague's, a letter O
            with self.subTest(bad=bad), self.assertRaises(ValidationError), self.cr.savepoint():
                colleague.with_user(manager).ecom_pbx_extension = bad
        # nothing else of a user, nor anybody but an internal user of their companies
        name = colleague.name
        for user, vals in ((colleague, {"name": "Другое имя"}),
                           (colleague, {"ecom_pbx_extension": "203", "login": "x"}),
                           (colleague, {"groups_id": [(4, self.env.ref("base.group_system").id)]}),
                           (portal, {"ecom_pbx_extension": "204"}), (elsewhere, {"ecom_pbx_extension": "205"})):
            with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError), self.cr.savepoint():
                user.with_user(manager).write(vals)
        self.assertEqual((colleague.name, colleague.login, portal.ecom_pbx_extension, elsewhere.ecom_pbx_extension),
                         (name, "ecom_ext_colleague", False, False))
        self.assertFalse(colleague.has_group("base.group_system"))
        # nor an administrator's (theirs is set by them or their administrators), nor the superuser's; a list's
        # save with another field is refused whole
        admin = self.env.ref("base.user_admin")
        admin_extension = admin.ecom_pbx_extension
        for user in (admin, self.env.ref("base.user_root")):
            with self.subTest(user=user.login), self.assertRaises(AccessError), self.cr.savepoint():
                user.with_user(manager).write({"ecom_pbx_extension": "209"})
        with self.assertRaises(AccessError), self.cr.savepoint():
            (colleague | admin).with_user(manager).write({"ecom_pbx_extension": "210"})
        with self.assertRaises(AccessError), self.cr.savepoint():
            colleague.with_user(manager).web_save({"ecom_pbx_extension": "211", "name": "Другое имя"}, {})
        # an import writes the record's id along: refused, whatever it holds (the list offers none)
        for fields_, row in (([".id", "ecom_pbx_extension", "name"], [str(colleague.id), "212", "Другое имя"]),
                             ([".id", "ecom_pbx_extension"], [str(colleague.id), "213"])):
            result = self.env["res.users"].with_user(manager).load(fields_, [row])
            self.assertFalse(result["ids"], result["messages"])
        self.assertEqual((colleague.name, colleague.ecom_pbx_extension, admin.ecom_pbx_extension),
                         (name, False, admin_extension))
        # a salesperson sets their own (their preferences), not a colleague's
        with self.assertRaises(AccessError), self.cr.savepoint():
            colleague.with_user(self.salesman).ecom_pbx_extension = "206"
        self.assertFalse(colleague.ecom_pbx_extension)
        self.salesman.with_user(self.salesman).ecom_pbx_extension = "207"
        self.assertEqual(self.salesman.ecom_pbx_extension, "207")

    def test_an_administrators_extension_is_read_only_for_a_sales_manager(self):
        """Salespeople's extensions showed an administrator's (and the superuser's) row editable to a sales
        manager, whose save then met Odoo's message about users' rights: the row is read-only for them, and a
        save reached anyway (an old tab) says why, in their language. An administrator edits every row; a
        salesperson their own."""
        manager = new_test_user(self.env, login="ecom_ro_manager", groups="sales_team.group_sale_manager",
                                lang="ru_RU")
        colleague = new_test_user(self.env, login="ecom_ro_colleague", groups="sales_team.group_sale_salesman")
        portal = new_test_user(self.env, login="ecom_ro_portal", groups="base.group_portal")
        admin, root = self.env.ref("base.user_admin"), self.env.ref("base.user_root")
        company = self.env["res.company"].create({"name": "Другой магазин"})
        elsewhere = new_test_user(self.env, login="ecom_ro_elsewhere", groups="sales_team.group_sale_salesman",
                                  company_id=company.id, company_ids=[(6, 0, company.ids)])
        users = manager | colleague | self.salesman | admin | root | portal | elsewhere

        def readonly(viewer):
            return {user.login for user in users.with_user(viewer) if user.ecom_pbx_extension_readonly}

        self.assertEqual(readonly(manager), {admin.login, root.login, portal.login, elsewhere.login})
        self.assertEqual(readonly(admin), set())
        self.assertEqual(readonly(self.salesman), set(users.mapped("login")) - {self.salesman.login})
        # the list reads it for each row and makes the extension read-only by it
        view = self.env.ref("ecom_crm.res_users_view_list_ecom_pbx_extension")
        arch = self.env["res.users"].with_user(manager).get_views([(view.id, "list")])["views"]["list"]["arch"]
        self.assertIn('readonly="ecom_pbx_extension_readonly"', arch)
        rows = self.env["res.users"].with_user(manager).web_search_read(
            [("id", "in", (admin | colleague).ids)], {"ecom_pbx_extension_readonly": {}})["records"]
        self.assertEqual({row["id"]: row["ecom_pbx_extension_readonly"] for row in rows},
                         {admin.id: True, colleague.id: False})
        # a save reached anyway: why, in the manager's language, and nothing written
        admin_extension = admin.ecom_pbx_extension
        self.env["res.lang"]._activate_lang("ru_RU")
        as_manager = admin.with_user(manager).with_context(lang="ru_RU")
        with self.assertRaisesRegex(AccessError, f"внутренний номер АТС пользователям: {admin.name}\\. "
                                                 "Менеджер по продажам"), self.cr.savepoint():
            as_manager.web_save({"ecom_pbx_extension": "219"}, {})
        with self.assertRaisesRegex(AccessError, f"of {root.name}: a sales manager sets"), self.cr.savepoint():
            (colleague | root).with_user(manager).with_context(lang="en_US").write({"ecom_pbx_extension": "218"})
        self.assertEqual((admin.ecom_pbx_extension, colleague.ecom_pbx_extension), (admin_extension, False))
        # the others as before: the manager's own, a salesperson's
        (manager | colleague).with_user(manager).write({"ecom_pbx_extension": False})
        manager.with_user(manager).ecom_pbx_extension = "221"
        colleague.with_user(manager).ecom_pbx_extension = "222"
        self.assertEqual((manager.ecom_pbx_extension, colleague.ecom_pbx_extension), ("221", "222"))

    def test_a_taken_extension_names_only_a_colleague(self):
        """An extension taken by a salesperson of a company the current user is not in: the message named
        them all the same (Odoo lets any internal user read any internal user); it says the company now, not
        who. A colleague of theirs is named as before."""
        company = self.env["res.company"].create({"name": "Другой магазин"})
        rival = new_test_user(self.env, login="ecom_tk_rival", groups="sales_team.group_sale_salesman",
                              name="Секретная Соперница", company_id=company.id, company_ids=[(6, 0, company.ids)])
        rival.ecom_pbx_extension = "301"
        # a salesperson of both shops, given an extension by a sales manager of this one only
        both = new_test_user(self.env, login="ecom_tk_both", groups="sales_team.group_sale_salesman",
                             name="Пётр Двух", company_id=self.env.company.id,
                             company_ids=[(6, 0, (self.env.company | company).ids)])
        manager = new_test_user(self.env, login="ecom_tk_manager", groups="sales_team.group_sale_manager")
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            both.with_user(manager).with_context(lang="en_US").ecom_pbx_extension = "301"
        message = str(caught.exception)
        self.assertNotIn(rival.name, message)
        self.assertIn("already another salesperson's in Другой магазин", message)
        self.assertIn("Give Пётр Двух another one", message)
        self.env["res.lang"]._activate_lang("ru_RU")
        with self.assertRaisesRegex(ValidationError, "уже назначен другому продавцу компании «Другой магазин»"), \
                self.cr.savepoint():
            both.with_user(manager).with_context(lang="ru_RU").ecom_pbx_extension = "301"
        # a manager of both shops knows her: named
        manager.company_ids = [(4, company.id)]
        with self.assertRaisesRegex(ValidationError, "already Секретная Соперница's"), self.cr.savepoint():
            both.with_user(manager).with_context(lang="en_US").ecom_pbx_extension = "301"
        self.assertFalse(both.ecom_pbx_extension)

    def test_a_salesperson_chosen_while_it_rings_keeps_the_request(self):
        """A sales manager gives the request to somebody while the call rings: the one who answers has
        the call, not the request (the manager's choice wins over the load's pick, not over theirs)."""
        self._by_load()
        chosen = new_test_user(self.env, login="ecom_chosen", groups="sales_team.group_sale_salesman",
                               name="Нина Выбранная")
        call = self.env["ecom.call"].browse(self.call({"event": "incoming", "call_id": "c-y1",
                                                       "caller": "+79035551301"}).json()["call"])
        call.lead_id.user_id = chosen
        self.call({"event": "answered", "call_id": "c-y1", "caller": "+79035551301", "extension": "101"})
        self.assertEqual((call.user_id, call.lead_id.user_id), (self.salesman, chosen))

    def test_a_transferred_call_hands_the_request_on_with_its_call_backs(self):
        """The customer called twice at once (one call missed while the other rang): the call back is of
        the load's pick; the salesperson who answers takes the request and the call back, and one they
        transfer the call to takes both in turn."""
        other = self._by_load()
        colleague = new_test_user(self.env, login="ecom_transfer", groups="sales_team.group_sale_salesman",
                                  name="Семён Переводов")
        colleague.ecom_pbx_extension = "102"
        call = self.env["ecom.call"].browse(self.call({"event": "incoming", "call_id": "c-y2",
                                                       "caller": "+79035551302"}).json()["call"])
        lead = call.lead_id
        self.call({"event": "incoming", "call_id": "c-y3", "caller": "+79035551302"})
        self.call({"event": "missed", "call_id": "c-y3", "caller": "+79035551302"})
        self.assertEqual(lead.activity_ids.user_id, other)
        self.call({"event": "answered", "call_id": "c-y2", "caller": "+79035551302", "extension": "101"})
        self.assertEqual((lead.user_id, lead.activity_ids.user_id), (self.salesman, self.salesman))
        self.call({"event": "answered", "call_id": "c-y2", "caller": "+79035551302", "extension": "102"})
        self.assertEqual((call.user_id, lead.user_id, lead.activity_ids.user_id), (colleague, colleague, colleague))
        self.assertNotIn(self.salesman.partner_id, lead.message_partner_ids)

    def test_an_extension_two_salespeople_have_names_nobody(self):
        """Two administrators gave one extension at the same instant (the check saw neither): a call at it
        is nobody's rather than either's."""
        self._by_load()
        twin = new_test_user(self.env, login="ecom_twin", groups="sales_team.group_sale_salesman")
        self.env.cr.execute("UPDATE res_users SET ecom_pbx_extension = '101' WHERE id = %s", [twin.id])
        call = self.env["ecom.call"].browse(self.call({"event": "incoming", "call_id": "c-y4",
                                                       "caller": "+79035551304"}).json()["call"])
        by_load = call.lead_id.user_id
        self.call({"event": "answered", "call_id": "c-y4", "caller": "+79035551304", "extension": "101"})
        self.assertEqual((call.user_id, call.lead_id.user_id), (self.env["res.users"], by_load))

    def test_a_portal_user_cannot_set_an_extension(self):
        """The extension is in an internal user's own preferences; a portal user cannot write it on
        themselves."""
        portal = new_test_user(self.env, login="ecom_portal_self", groups="base.group_portal")
        with self.assertRaises(AccessError):
            portal.with_user(portal).write({"ecom_pbx_extension": "105"})
        self.assertFalse(portal.ecom_pbx_extension)
        self.salesman.with_user(self.salesman).write({"ecom_pbx_extension": "105"})
        self.assertEqual(self.salesman.ecom_pbx_extension, "105")
