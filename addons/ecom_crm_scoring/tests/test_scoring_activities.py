from datetime import timedelta
from types import SimpleNamespace
from unittest.mock import patch

import numpy as np
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import format_date
from odoo.tools.safe_eval import safe_eval

from ..scoring import handover, schedule
from ..scoring.history import OUTCOME_REFUSED, History
from .common_schedule import TODAY, ScheduleCase

SALES = "sales_team.group_sale_salesman"


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScoringActivities(ScheduleCase):
    def test_call_now_customers_become_activities_without_mail(self):
        mails, messages = self.env["mail.mail"].search_count([]), self.env["mail.message"].search_count([])
        with freeze_time(TODAY):
            self._morning()
        self.assertEqual(self.env["mail.mail"].search_count([]), mails, "no «assigned to you» mail")
        self.assertEqual(self.env["mail.message"].search_count([]), messages, "nothing posted either")

        activities = self._open_activities()
        self.assertEqual(len(activities), 3, "one per «call now» customer, none for «later» or «do not disturb»")
        by_partner = {activity.res_id: activity for activity in activities}
        self.assertEqual(by_partner[self.anna_now.id].user_id, self.anna)
        self.assertEqual(by_partner[self.boris_now.id].user_id, self.boris)
        self.assertEqual(by_partner[self.shared_now.id].user_id, self.vera,
                         "a customer without a salesperson goes to the default team, by load")
        for activity in activities:
            self.assertEqual(activity.date_deadline, TODAY)
            self.assertEqual(activity.ecom_scoring_company_id, self.company)
            self.assertEqual(activity.res_model, "res.partner")
        for partner in (self.anna_now, self.boris_now, self.shared_now):
            score = partner.ecom_score_ids
            self.assertEqual(score.activity_id, by_partner[partner.id])
            self.assertEqual(score.activity_user_id, by_partner[partner.id].user_id)
            self.assertEqual(score.activity_date, TODAY)
        self.assertFalse(self.anna_later.ecom_score_ids.activity_id)

        # the note says why and what for, in the salesperson's own language
        anna_note, boris_note = str(by_partner[self.anna_now.id].note), str(by_partner[self.boris_now.id].note)
        self.assertIn("Почему", anna_note)
        self.assertIn("точка роста", anna_note)
        self.assertIn("30 дн. с последнего заказа", anna_note)
        # a percentage as Russian writes it, its no-break space kept by the note's HTML as &nbsp;
        self.assertRegex(anna_note, r"Шанс заказа:</strong> \d+&nbsp;%")
        # rendered as it is stored: the next morning's sync finds it unchanged without sanitizing it again
        self.assertEqual(str(self.anna_now.ecom_score_ids._ecom_activity_texts(self.anna)[1]), anna_note)
        self.assertIn("Why", boris_note)
        self.assertRegex(boris_note, r"Chance of an order:</strong> \d+%")
        self.assertIn("risk group", boris_note)
        self.assertIn("30 days since the last order", boris_note)
        # the last order's date as each one's language writes dates
        last_order = TODAY - timedelta(days=30)
        self.assertIn(last_order.strftime("%d.%m.%Y"), anna_note)
        self.assertIn(format_date(self.env(context={"lang": self.boris.lang}), last_order), boris_note)
        # the summary is neutral (read by who may not read the score), in each one's language; why is in the note
        self.assertEqual(by_partner[self.boris_now.id].summary, "Call the customer")
        self.assertEqual(by_partner[self.anna_now.id].summary, "Позвонить клиенту")

    def test_installation_assigns_without_a_second_cursor(self):
        """At installation (the hook scores the store) the transaction holds the tables it altered:
        a second cursor reading the team's loads would wait for it forever."""
        team_class = type(self.env["crm.team"])
        with freeze_time(TODAY), patch.object(self.env.registry, "ready", False), \
                patch.object(team_class, "_ecom_user_loads", side_effect=AssertionError("second cursor")):
            self._morning()
        self.assertEqual(self._open_activities(self.shared_now).user_id, self.vera)

    def test_nobody_in_the_team_leaves_the_customer_on_the_shared_list(self):
        self.team.crm_team_member_ids.ecom_available = False
        with freeze_time(TODAY):
            self._morning()
        self.assertFalse(self._open_activities(self.shared_now))
        self.assertFalse(self.shared_now.ecom_score_ids.activity_id)
        self.assertEqual(len(self._open_activities()), 2)

    def test_a_salesperson_whose_day_is_full_takes_no_shared_customer(self):
        """The customers without a salesperson go to the team's members who have room left in their
        day: Vera, with her own customer to call and a daily list of one, takes none today (the
        customer stays on the shared list); with a list of two she takes them, and no more than
        her room."""
        vera_now = self._customer("Дежурный клиент Веры", self.vera)
        second_shared = self._customer("Второй без менеджера", None)
        self.company.ecom_scoring_daily_cap = 1
        with freeze_time(TODAY):
            self._score(vera_now, "now", TODAY, priority=400.0)
            self._score(second_shared, "now", TODAY, group="watch", priority=90.0)
            self._morning()
        self.assertEqual(self._open_activities(vera_now).user_id, self.vera)
        self.assertFalse(self._open_activities(self.shared_now), "her day is full: on the shared list")
        self.assertFalse(self._open_activities(second_shared))
        self.company.ecom_scoring_daily_cap = 2
        with freeze_time(TODAY):
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(self._open_activities(self.shared_now).user_id, self.vera, "the better chance first")
        self.assertFalse(self._open_activities(second_shared), "one place left in her day")
        self.company.ecom_scoring_daily_cap = 3
        with freeze_time(TODAY):
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(self._open_activities(self.shared_now).user_id, self.vera, "kept, and counted in her day")
        self.assertEqual(self._open_activities(second_shared).user_id, self.vera)

    def test_the_hourly_run_counts_the_whole_day_of_a_salesperson(self):
        """An incremental run syncs a few customers only: the day of a salesperson it hands a shared
        customer to is still the whole day (the morning's customers of the shared list she holds,
        and her own): Vera, whose list of one holds the morning's shared customer, takes no other."""
        self.company.ecom_scoring_daily_cap = 1
        with freeze_time(TODAY):
            self._morning()
        self.assertEqual(self._open_activities(self.shared_now).user_id, self.vera)
        newcomer = self._customer("Новенький без менеджера", None)
        with freeze_time(TODAY):
            self._score(newcomer, "now", TODAY, group="watch", priority=500.0)
            self.Score._ecom_sync_activities(self.company, self._run(mode="incremental"), [newcomer.id])
        self.assertFalse(self._open_activities(newcomer), "her day is full: on the shared list")
        # her own customer to call today, not in the run either, fills her day too
        self._open_activities(self.shared_now).unlink()
        vera_now = self._customer("Свой клиент Веры", self.vera)
        with freeze_time(TODAY):
            self._score(vera_now, "now", TODAY, priority=50.0)
            self.Score._ecom_sync_activities(self.company, self._run(mode="incremental"), [vera_now.id])
            self.Score._ecom_sync_activities(self.company, self._run(mode="incremental"), [newcomer.id])
        self.assertEqual(self._open_activities(vera_now).user_id, self.vera)
        self.assertFalse(self._open_activities(newcomer))

    def test_the_shared_customers_kept_fill_the_day_before_any_is_handed_out(self):
        """The shared customers a salesperson keeps count in her day before any other is handed out,
        whatever the order of the activities: Gleb leaves, his customer is not handed to Vera, whose
        list of one holds another already (it goes back to the shared list)."""
        self.company.ecom_scoring_daily_cap = 1
        gleb = new_test_user(self.env, login="score_gleb", groups=SALES, name="Глеб Уходящий", lang="en_US")
        second_shared = self._customer("Второй без менеджера", None)
        self.team.crm_team_member_ids = [Command.create({"user_id": gleb.id})]
        self.team.crm_team_member_ids.filtered(lambda m: m.user_id == self.vera).ecom_available = False
        with freeze_time(TODAY):
            self._score(second_shared, "now", TODAY, group="watch", priority=90.0)
            self._morning()  # Gleb takes the best one: his list is full
        gleb_activity = self._open_activities(self.shared_now)
        self.assertEqual(gleb_activity.user_id, gleb)
        self.team.crm_team_member_ids.filtered(lambda m: m.user_id == self.vera).ecom_available = True
        with freeze_time(TODAY):
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(self._open_activities(second_shared).user_id, self.vera)
        self.assertGreater(self._open_activities(second_shared).id, gleb_activity.id)
        gleb.active = False
        with freeze_time(TODAY):
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(self._open_activities(second_shared).user_id, self.vera, "kept")
        self.assertFalse(self._open_activities(self.shared_now), "her day is full: back on the shared list")
        self.assertEqual(len(self._open_activities().filtered(lambda a: a.user_id == self.vera)), 1)

    def test_next_run_moves_the_activity_instead_of_duplicating_it(self):
        with freeze_time(TODAY):
            self._morning()
        first = {partner: self._open_activities(partner) for partner in (self.anna_now, self.boris_now,
                                                                            self.shared_now)}
        # the same run again writes nothing
        stamps = {partner: activity.write_date for partner, activity in first.items()}
        self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual({p: a.write_date for p, a in first.items()}, stamps)

        tomorrow = TODAY + timedelta(days=1)
        with freeze_time(tomorrow):
            self._score(self.anna_now, "now", tomorrow, group="risk")  # still to call, for another reason
            self._score(self.boris_now, "later", tomorrow + timedelta(days=6))  # his list is full today
            self._score(self.shared_now, "dnd", tomorrow + timedelta(days=14))  # contacted by other means
            self.Score._ecom_sync_activities(self.company, self._run(tomorrow))

        moved = self._open_activities(self.anna_now)
        self.assertEqual(moved, first[self.anna_now], "the same activity, moved")
        self.assertEqual(moved.date_deadline, tomorrow)
        self.assertIn("группа риска", str(moved.note))
        self.assertEqual(self._open_activities(self.boris_now), first[self.boris_now])
        self.assertEqual(first[self.boris_now].date_deadline, tomorrow + timedelta(days=6),
                         "«call later»: moved to the decision's date")
        self.assertFalse(self._open_activities(self.shared_now), "«do not disturb»: removed")
        self.assertFalse(self.shared_now.ecom_score_ids.activity_id)
        self.assertEqual(len(self._open_activities()), 2)

    def test_a_date_the_salesperson_set_is_kept(self):
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now).with_user(self.anna)
        friday = TODAY + timedelta(days=3)
        activity.date_deadline = friday  # «call me back on Friday»
        tomorrow = TODAY + timedelta(days=1)
        with freeze_time(tomorrow):
            self._score(self.anna_now, "now", tomorrow)
            self.Score._ecom_sync_activities(self.company, self._run(tomorrow))
        self.assertEqual(activity.date_deadline, friday)
        self.assertEqual(self.anna_now.ecom_score_ids.activity_date, friday, "off today's list until Friday")

    def test_a_new_salesperson_takes_the_activity_over(self):
        with freeze_time(TODAY):
            self._morning()
            activity = self._open_activities(self.shared_now)
            self.shared_now.user_id = self.boris
            self._score(self.shared_now, "now", group="watch")
            self.Score._ecom_sync_activities(self.company, self._run(), [self.shared_now.id])
        self.assertEqual(activity.user_id, self.boris)
        self.assertEqual(self.shared_now.ecom_score_ids.activity_user_id, self.boris)

    def test_a_contact_handed_over_on_purpose_survives_the_night(self):
        """A team leader hands Anna's scheduled contact to Boris: the next nights leave it with him
        (the sync gave it back to the customer's salesperson every night) until it is done; the
        next contact is Anna's again."""
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        self.assertEqual(activity.ecom_scoring_user_id, self.anna, "the sync's own choice, recorded")
        activity.with_user(self.director).user_id = self.boris
        for day in (TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2)):
            with freeze_time(day):
                self._score(self.anna_now, "now", day)
                self.Score._ecom_sync_activities(self.company, self._run(day))
            self.assertEqual(self._open_activities(self.anna_now), activity, "moved, not duplicated")
            self.assertEqual(activity.user_id, self.boris, f"still Boris's on {day}")
            self.assertEqual(activity.date_deadline, day, "its date still the scoring's")
        score = self.score_of(self.anna_now)
        self.assertEqual(score.activity_user_id, self.boris)
        self.assertEqual(self.Score.with_user(self.boris).search([("id", "=", score.id)]), score,
                         "on Boris's list, the card shows him the score")
        # a contact Boris was given and handed on himself, and one moved back to Anna, are as anyone left them
        activity.with_user(self.boris).user_id = self.anna
        day = TODAY + timedelta(days=3)
        with freeze_time(day):
            self._score(self.anna_now, "now", day)
            self.Score._ecom_sync_activities(self.company, self._run(day))
        self.assertEqual(activity.user_id, self.anna)
        activity.with_user(self.director).user_id = self.boris
        # done: the next contact is the customer's salesperson's
        with freeze_time(day):
            activity.with_user(self.boris).action_done()
        day += timedelta(days=1)
        with freeze_time(day):
            self._score(self.anna_now, "now", day)
            self.Score._ecom_sync_activities(self.company, self._run(day))
        self.assertEqual(self._open_activities(self.anna_now).user_id, self.anna)

    def test_a_handed_contact_follows_a_new_salesperson_of_the_customer(self):
        """The hand-over holds while the customer's salesperson is the one it was handed from: a
        customer given to another salesperson has their contacts from the next night on."""
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        activity.with_user(self.director).user_id = self.boris
        self.anna_now.user_id = self.vera
        tomorrow = TODAY + timedelta(days=1)
        with freeze_time(tomorrow):
            self._score(self.anna_now, "now", tomorrow)
            self.Score._ecom_sync_activities(self.company, self._run(tomorrow))
        self.assertEqual(self._open_activities(self.anna_now), activity)
        self.assertEqual(activity.user_id, self.vera)
        self.assertEqual(activity.ecom_scoring_user_id, self.vera)
        self.assertIn("Why", str(activity.note), "in Vera's language")

    def test_a_handed_contact_fills_the_day_of_who_took_it(self):
        """A contact handed over counts in the day of who took it, not of the customer's salesperson
        (who no longer makes it): Vera, with a list of two, her own customer to call and Anna's
        contact handed to her, takes no customer of the shared list; Boris, who took Anna's other
        contact, neither, and the next one goes to Anna's colleague Gleb, whose day has room."""
        self.company.ecom_scoring_daily_cap = 2
        vera_now = self._customer("Свой клиент Веры", self.vera)
        gleb = new_test_user(self.env, login="score_gleb", groups=SALES, name="Глеб Свободный", lang="en_US")
        second_now, second_shared = self._customer("Второй клиент Анны", self.anna), \
            self._customer("Второй без менеджера", None)
        with freeze_time(TODAY):
            self._score(vera_now, "now", priority=400.0)
            self._score(self.anna_now, "now", priority=300.0)
            self._score(second_now, "now", priority=250.0)
            self._score(self.boris_now, "now", priority=200.0)
            self.Score._ecom_sync_activities(self.company, self._run())
        self._open_activities(self.anna_now).with_user(self.director).user_id = self.vera
        self.team.crm_team_member_ids = [Command.create({"user_id": self.boris.id})]
        self._open_activities(second_now).with_user(self.director).user_id = self.boris
        with freeze_time(TODAY):
            self._score(self.shared_now, "now", group="watch", priority=100.0)
            self.Score._ecom_sync_activities(self.company, self._run(mode="incremental"), [self.shared_now.id])
        self.assertEqual(self._open_activities(self.anna_now).user_id, self.vera, "handed: still Vera's")
        self.assertFalse(self._open_activities(self.shared_now),
                         "Vera's and Boris's days are full (their own and the contact handed to each)")
        self.team.crm_team_member_ids = [Command.create({"user_id": gleb.id})]
        with freeze_time(TODAY):
            self._score(second_shared, "now", group="watch", priority=90.0)
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(self._open_activities(self.shared_now).user_id, gleb)
        self.assertEqual(self._open_activities(second_shared).user_id, gleb, "his day has room for both")
        self.assertEqual(self._open_activities(second_now).user_id, self.boris)

    def test_the_hourly_run_counts_a_handed_contact_in_its_takers_list(self):
        """The hourly run adds to the morning's lists what their cap allows, a handed contact in the
        list of who took it: Anna, whose only contact of the day Vera took, has room for another
        customer of hers; the shared list, which Vera and Gleb take, holds one customer (Gleb's
        room), not two."""
        self.company.ecom_scoring_daily_cap = 1
        gleb = new_test_user(self.env, login="score_gleb", groups=SALES, name="Глеб Свободный", lang="en_US")
        self.team.crm_team_member_ids = [Command.create({"user_id": gleb.id})]
        second_shared = self._customer("Второй без менеджера", None)
        with freeze_time(TODAY):
            self._score(self.anna_now, "now", priority=300.0)
            self.Score._ecom_sync_activities(self.company, self._run())
        self._open_activities(self.anna_now).with_user(self.director).user_id = self.vera
        self.assertEqual(self.company._ecom_scoring_shared_takers(), tuple(sorted((self.vera | gleb).ids)))
        # the hourly run rescored three customers the model puts on today's list
        rescored = self.anna_later | self.shared_now | second_shared
        partner_ids = np.array(rescored.ids, dtype=np.int64)
        plan = schedule.Schedule(decision=np.full(3, schedule.NOW, np.int8), reason=np.zeros(3, np.int8),
                                 date=np.full(3, TODAY.toordinal(), np.int64),
                                 priority=np.array([200.0, 100.0, 90.0]))
        history = History.build(3, {"customer": [], "day": [], "amount": []}, manager=[self.anna.id, -1, -1])
        with freeze_time(TODAY):
            self._run(mode="incremental")._cap_with_todays_list(self.company, SimpleNamespace(schedule=plan),
                                                                history, partner_ids)
        self.assertEqual(plan.decision[0], schedule.NOW, "Anna's list has room: Vera makes her contact")
        self.assertEqual(plan.decision.tolist()[1:], [schedule.NOW, schedule.LATER],
                         "Vera's day is full with Anna's contact: the shared list is Gleb's room")
        self.assertEqual(plan.date[2], TODAY.toordinal() + 1)

    def test_the_night_and_the_hourly_run_give_a_waiting_customer_the_same_day(self):
        """A customer the daily cap leaves for tomorrow is due tomorrow in the night's plan as in the
        hourly run's: the night counts the day's orders and contacts (its data as of the day after)
        but plans the day's list, and its first waiting day is the day after it (it was the day
        after that: the contact's deadline moved from the 22nd to the 21st and back between runs)."""
        self.company.ecom_scoring_daily_cap = 2
        best, second = (self._customer_with_orders(f"Покупатель {i}", [10 * i + 20, 10 * i + 60, 10 * i + 200],
                                                   user=self.anna) for i in (7, 8))
        tomorrow = TODAY + timedelta(days=1)

        def plan(partner):
            score = self.Score.search([("partner_id", "=", partner.id), ("company_id", "=", self.company.id)])
            code = score.decision_code if score.decision == "later" else "list"
            return score.decision, code, score.decision_date, self._open_activities(partner).date_deadline

        self.Run._score_customers(self.company, today=TODAY)
        self.assertEqual((plan(best)[0], plan(second)[0]), ("now", "now"), "both on Anna's list of two")
        self.company.ecom_scoring_daily_cap = 1
        run = self.Run._score_customers(self.company, mode="full", today=TODAY)
        self.assertEqual((run.mode, run.state), ("full", "done"), run.error)
        self.assertEqual(plan(best), ("now", "list", TODAY, TODAY))
        self.assertEqual(plan(second), ("later", "over_cap", tomorrow, tomorrow), "the night: tomorrow")
        # something of the second customer changed: the hourly run rescores them, the list is full
        second.sale_order_ids[:1].client_order_ref = "A-2"
        run = self.Run._score_customers(self.company, today=TODAY)
        self.assertEqual((run.mode, run.state), ("incremental", "done"), run.error)
        self.assertEqual(plan(second), ("later", "over_cap", tomorrow, tomorrow), "the hourly run: tomorrow too")
        self.assertEqual(plan(best), ("now", "list", TODAY, TODAY))

    def test_the_customers_of_a_salesperson_of_another_company_are_on_the_shared_list(self):
        """A customer whose salesperson works in another company only is on the shared list in the
        night's plan, as the sync hands their contact out to the default team and the day's loads
        count it: one contact a day, Vera (the team) with none of her own, a customer without a
        salesperson and one of Dmitry's (of the other company): one of them today, the other
        tomorrow (Dmitry's list held one and the shared list the other: Vera was given both)."""
        self.company.ecom_scoring_daily_cap = 1
        other = self.env["res.company"].create({"name": "Другой магазин"})
        dmitry = new_test_user(self.env, login="score_dmitry", groups=SALES, name="Дмитрий Другой",
                               company_id=other.id, company_ids=[Command.set(other.ids)])
        self.shared_now.user_id = self.boris  # the class's customer without one: the only two shared
        dmitrys, nobodys = (self._customer_with_orders(f"Покупатель {i}", [10 * i + 20, 10 * i + 60, 10 * i + 200])
                            for i in (7, 8))
        dmitrys.user_id = dmitry
        both = dmitrys | nobodys
        self.Run._score_customers(self.company, today=TODAY)
        scores = self.Score.search([("partner_id", "in", both.ids), ("company_id", "=", self.company.id)])
        self.assertEqual(sorted(scores.mapped("decision")), ["later", "now"], "the shared list holds one a day")
        self.assertEqual(scores.filtered(lambda s: s.decision == "later").decision_date, TODAY + timedelta(days=1))
        self.assertEqual(scores.filtered(lambda s: s.partner_id == dmitrys).user_id, dmitry, "still their salesperson")
        contacts = self.Activity.search([("res_model", "=", "res.partner"), ("res_id", "in", both.ids),
                                         ("activity_type_id", "=", self.kind.id)])
        self.assertEqual(len(contacts), 1)
        self.assertEqual(contacts.user_id, self.vera)
        veras = {list_: count for list_, caller, count in self.Score._ecom_day_loads(self.company, TODAY)
                 if caller == self.vera.id}
        self.assertEqual(veras, {-1: 1}, "Vera's contact counted in the shared list, not in Dmitry's")

    def test_the_hand_over_rule_reads_the_same_over_ids_and_columns(self):
        """The one hand-over rule (scoring/handover.py) the sync applies to a contact's ids, the
        day's loads to a query's rows and the nightly read to numpy columns: the same answer for
        every case, an empty record's id (False) as nobody."""
        cases = [  # owner, holder, given, owner calls, holder calls -> holds
            (5, 6, 5, True, True, True),      # handed over by (or from) the salesperson: holds
            (5, 6, 5, True, False, False),    # the colleague left the company
            (5, 6, 5, False, True, False),    # the salesperson left the company
            (7, 6, 5, True, True, False),     # the customer has another salesperson since
            (5, 5, 5, True, True, False),     # given back
            (5, False, 5, True, True, False),  # nobody holds it
            (5, 6, False, True, True, False),  # the scoring gave it nobody (written before it kept whom)
            (False, 6, False, False, True, False),  # a customer of the shared list: no hand-over
        ]
        for owner, holder, given, owner_calls, holder_calls, holds in cases:
            with self.subTest(owner=owner, holder=holder, given=given):
                self.assertIs(bool(handover.handed_over(owner, holder, given, owner_calls, holder_calls)), holds)
        columns = [np.array([case[i] or -1 for case in cases]) for i in range(3)] + \
                  [np.array([case[i] for case in cases]) for i in (3, 4)]
        self.assertEqual(handover.handed_over(*columns).tolist(), [case[5] for case in cases])
        self.assertEqual([bool(handover.moved_on_purpose(holder, given)) for _o, holder, given, *_rest in cases],
                         [True, True, True, True, False, True, False, False])

    def test_who_can_call_a_companys_customers_is_one_set_of_ids(self):
        """Who can call the company's customers (res_company.scoring_callers): its active internal
        users, as ids (the sync asks once per contact); an archived salesperson, a portal user and
        a salesperson of another company only are not among them, and the sync gives none of them
        a contact (Gleb archived: his customer goes to the team)."""
        other = self.env["res.company"].create({"name": "Другая фирма"})
        gleb = new_test_user(self.env, login="score_gleb_left", groups=SALES, name="Глеб Уволенный")
        portal = new_test_user(self.env, login="score_portal_caller", groups="base.group_portal")
        elsewhere = new_test_user(self.env, login="score_elsewhere", groups=SALES, company_id=other.id,
                                  company_ids=[Command.set(other.ids)])
        callers = self.company._ecom_scoring_callers()
        self.assertIsInstance(callers, frozenset)
        self.assertLessEqual({self.anna.id, self.boris.id, self.vera.id, gleb.id}, callers)
        self.assertFalse({portal.id, elsewhere.id} & callers)
        self.anna_later.user_id = gleb
        gleb.active = False
        self.assertNotIn(gleb.id, self.company._ecom_scoring_callers(), "archived: calls nobody")
        self.assertEqual(other._ecom_scoring_callers() & {elsewhere.id, self.anna.id}, {elsewhere.id})
        with freeze_time(TODAY):
            self.assertEqual(self._score(self.anna_later, "now", TODAY, group="watch").user_id, gleb)
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(self._open_activities(self.anna_later).user_id, self.vera, "the team's, not Gleb's")

    def test_the_night_ranks_a_handed_customer_in_its_takers_list(self):
        """The nightly plan ranks a customer whose contact a team leader handed over in the list of
        who took it, against their daily cap, as the sync and the hourly runs count it: one contact
        a day each; Anna's best customer handed to Vera, Vera's list holds it (it comes before her
        own, who waits for tomorrow) and Anna's list takes her next customer. The hourly run after
        it keeps the lists so; the hand-over ends when the contact goes back to Anna."""
        self.company.ecom_scoring_daily_cap = 1
        # five customers past their usual gap, to call, the best first (by the priorities they get)
        best, vera_own, anna_next, boris_1, boris_2 = (
            self._customer_with_orders(f"Покупатель {i}", [10 * i + 20, 10 * i + 60, 10 * i + 200])
            for i in range(7, 12))
        (best | anna_next).user_id = self.anna
        vera_own.user_id = self.vera
        (boris_1 | boris_2).user_id = self.boris
        customers = best | vera_own | anna_next | boris_1 | boris_2

        def lists():
            scores = self.Score.search([("partner_id", "in", customers.ids), ("company_id", "=", self.company.id)])
            return {score.partner_id: (score.decision, score.decision_code, score.user_id,
                                       self._open_activities(score.partner_id).user_id) for score in scores}

        nobody = self.env["res.users"]
        self.Run._score_customers(self.company, today=TODAY)
        self.assertEqual(lists(), {
            best: ("now", "watch", self.anna, self.anna), anna_next: ("later", "over_cap", self.anna, nobody),
            vera_own: ("now", "watch", self.vera, self.vera),
            boris_1: ("now", "watch", self.boris, self.boris), boris_2: ("later", "over_cap", self.boris, nobody),
        })
        self._open_activities(best).with_user(self.director).user_id = self.vera
        handed = {
            best: ("now", "watch", self.anna, self.vera), anna_next: ("now", "watch", self.anna, self.anna),
            vera_own: ("later", "over_cap", self.vera, self.vera),
            boris_1: ("now", "watch", self.boris, self.boris), boris_2: ("later", "over_cap", self.boris, nobody),
        }
        run = self.Run._score_customers(self.company, mode="full", today=TODAY)
        self.assertEqual((run.mode, run.state), ("full", "done"), run.error)
        self.assertEqual(lists(), handed, "Vera's list: Anna's customer handed to her; Anna's: her next one")
        self.assertGreater(self._open_activities(vera_own).date_deadline, TODAY, "Vera's own: a later day")
        loads = {list_: count for list_, _caller, count in self.Score._ecom_day_loads(self.company, TODAY)}
        self.assertEqual(loads, {self.anna.id: 1, self.vera.id: 1, self.boris.id: 1}, "each at the cap")
        run = self.Run._score_customers(self.company, today=TODAY)
        self.assertEqual((run.mode, run.state), ("incremental", "done"), run.error)
        self.assertEqual(lists(), handed, "the hourly run counts it in Vera's list too")
        # given back to Anna: the hand-over ends, the night ranks it in her list again
        self._open_activities(best).with_user(self.director).user_id = self.anna
        self.Run._score_customers(self.company, mode="full", today=TODAY)
        self.assertEqual(lists()[best][:2], ("now", "watch"))
        self.assertEqual(lists()[anna_next][:2], ("later", "over_cap"))
        self.assertEqual(lists()[vera_own][:2], ("now", "watch"))

    def test_a_new_salesperson_of_the_customer_takes_score_and_contact_at_once(self):
        """The customer's salesperson changed on the card: the score's salesperson and the open
        scheduled contact move at once (they waited for the next run), without an «assigned to
        you» mail; a contact handed over on purpose stays with who has it today."""
        with freeze_time(TODAY):
            self._morning()
        now_activity, later = self._open_activities(self.anna_now), self.score_of(self.anna_later)
        handed = self._open_activities(self.boris_now)
        handed.with_user(self.director).user_id = self.vera
        customers = self.anna_now | self.anna_later | self.boris_now
        notify = type(self.Activity).action_notify
        with freeze_time(TODAY), patch.object(type(self.Activity), "action_notify", autospec=True,
                                              side_effect=notify) as notified:
            customers.with_user(self.director).write({"user_id": self.boris.id})
        self.assertFalse(notified.called, "no «assigned to you» mail for the contact")
        self.assertEqual((self.score_of(self.anna_now) | later | self.score_of(self.boris_now)).user_id, self.boris)
        self.assertEqual(now_activity.user_id, self.boris)
        self.assertEqual(now_activity.ecom_scoring_user_id, self.boris, "Boris's as the scoring's own")
        self.assertIn("Why", str(now_activity.note), "in Boris's language")
        self.assertEqual(self.score_of(self.anna_now).activity_user_id, self.boris)
        self.assertEqual(handed.user_id, self.vera, "handed over on purpose: still Vera's")
        # Boris sees them at once, Anna no longer
        scores = self.score_of(self.anna_now) | later
        self.assertEqual(self.Score.with_user(self.boris).search([("id", "in", scores.ids)]), scores)
        self.assertFalse(self.Score.with_user(self.anna).search([("id", "in", scores.ids)]))
        # the run writes the same: nothing moves back
        with freeze_time(TODAY):
            self._score(self.anna_now, "now", priority=300.0)
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(now_activity.user_id, self.boris)

    def test_a_new_salesperson_of_many_customers_costs_a_few_queries(self):
        """Customers handed to another salesperson at once (a leaving colleague's 10,000): their
        scores and open contacts move, the notes rewritten in the new salesperson's language, in
        as many queries for twelve customers as for three (it searched and wrote each contact's
        score and note on its own)."""
        partners = self.env["res.partner"].create([{"name": f"Покупатель {i}", "user_id": self.anna.id}
                                                   for i in range(15)])
        with freeze_time(TODAY):
            for partner in partners:
                self._score(partner, "now")
            self.Score._ecom_sync_activities(self.company, self._run())
        activities = self._open_activities().filtered(lambda a: a.res_id in partners.ids)
        self.assertEqual(len(activities), 15)
        self.assertTrue(all("Почему" in str(note) for note in activities.mapped("note")))
        # mail's own tracking of the field and its «you were assigned» message, a post each
        # customer, are Odoo's: left out of the count (a mass reassignment switches them off)
        director = self.env(user=self.director, context={"tracking_disable": True})
        for customers, queries in ((partners[:1], 100), (partners[1:4], 30), (partners[4:], 30)):
            self.env.flush_all()
            self.env.invalidate_all()
            with freeze_time(TODAY), self.assertQueryCount(queries):  # the first warms the caches
                customers.with_env(director).write({"user_id": self.boris.id})
        self.env.invalidate_all()
        self.assertEqual(activities.user_id, self.boris)
        self.assertEqual(set(activities.mapped("ecom_scoring_user_id")), {self.boris})
        self.assertTrue(all("Why" in str(note) for note in activities.mapped("note")), "in Boris's language")
        self.assertEqual(self.Score.search([("partner_id", "in", partners.ids)]).user_id, self.boris)

    def test_a_salesperson_removed_or_of_a_contact_person(self):
        """A contact person's salesperson is not the customer's; a salesperson removed leaves the
        customer to the team (the contact stays with who has it until the next run decides)."""
        with freeze_time(TODAY):
            self._morning()
        person = self.env["res.partner"].create({"name": "Мария (доставка)", "parent_id": self.anna_now.id,
                                                 "type": "delivery"})
        person.user_id = self.boris
        self.assertEqual(self.score_of(self.anna_now).user_id, self.anna)
        self.anna_now.user_id = False
        self.assertFalse(self.score_of(self.anna_now).user_id)
        self.assertEqual(self._open_activities(self.anna_now).user_id, self.anna)
        # a portal user is no salesperson (the run's rule): no one's
        portal = new_test_user(self.env, login="score_portal", groups="base.group_portal")
        self.anna_later.user_id = portal
        self.assertFalse(self.score_of(self.anna_later).user_id)

    def test_confirmed_order_closes_the_activity_as_ordered(self):
        suggestion_product = self.env["product.product"].create({"name": "Фильтр для чайника"})
        with freeze_time(TODAY):
            self._morning()
            score = self.anna_now.ecom_score_ids
            self.env["ecom.customer.suggestion"].create({"score_id": score.id, "kind": "copurchase",
                                                         "product_id": suggestion_product.id, "probability": 0.4})
            self.assertEqual(score.with_context(lang="en_US").main_offer, "Фильтр для чайника (40%)",
                             "what to offer first, and its chance")
            self.assertEqual(score.with_context(lang="ru_RU").main_offer, "Фильтр для чайника (40\N{NO-BREAK SPACE}%)",
                             "as Russian writes a percentage")
            _summary, note = score._ecom_activity_texts(self.anna)
            self.assertIn("Что предложить (шанс покупки):</strong> Фильтр для чайника (40&nbsp;%)", note,
                          "the offer's chance of being bought, named apart from the chance of an order")
            # the customer's contact person orders
            contact = self.env["res.partner"].create({"name": "Мария (доставка)", "parent_id": self.anna_now.id,
                                                      "type": "delivery"})
            order = self.env["sale.order"].create({
                "partner_id": contact.id,
                "order_line": [(0, 0, {"product_id": suggestion_product.id, "product_uom_qty": 1})]})
            order.action_confirm()
        self.assertFalse(self._open_activities(self.anna_now))
        self.assertTrue(self._open_activities(self.boris_now), "other customers' contacts stay")
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_now.id)])
        self.assertEqual(outcome.outcome, "ordered")
        self.assertEqual(outcome.user_id, self.anna)
        self.assertEqual(outcome.product_id, suggestion_product, "the first suggested offer")
        self.assertEqual((outcome.offer_kind, outcome.offer_probability), ("copurchase", 0.4))
        answers = self.env["ecom.scoring.history"]._offer_outcomes(self.company)
        self.assertEqual((answers["predicted"].tolist(), answers["accepted"].tolist()), ([0.4], [1.0]),
                         "the cross-sell learns that the offer was taken")
        self.assertEqual(outcome.group, "growth")
        self.assertEqual(outcome.date, TODAY)
        done = self.anna_now.message_ids.filtered(lambda m: m.mail_activity_type_id == self.kind)
        self.assertIn(order.name, str(done.body))

    def _refuse(self, orders, day):
        """The parcels of ``orders`` refused at delivery on ``day`` (as a 1C exchange marks them, at once)."""
        reason = self.env.ref("ecom_crm.lost_reason_refused_at_delivery")
        with freeze_time(day):
            orders._ecom_set_status("returned", reason=reason)

    def _sold_by_the_report(self, user):
        self.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
        [(contacts, reached, sold)] = self.env["ecom.report.manager"]._read_group(
            [("kind", "=", "scoring"), ("user_id", "=", user.id)], [],
            ["scoring_contacts:sum", "scoring_reached:sum", "scoring_sold:sum"])
        return contacts, reached, sold

    def _anna_orders_the_offer(self):
        """This morning's schedule; Anna's customer, offered a kettle filter (a 40% chance of buying
        it), orders it: the order and the outcome of the contact it closed."""
        product = self.env["product.product"].create({"name": "Фильтр для чайника"})
        with freeze_time(TODAY):
            self._morning()
            self.env["ecom.customer.suggestion"].create({"score_id": self.anna_now.ecom_score_ids.id,
                                                         "kind": "copurchase", "product_id": product.id,
                                                         "probability": 0.4})
            order = self._order(self.anna_now, 0, product=product)
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_now.id)])
        return order, outcome

    def test_a_contacts_order_refused_at_delivery_sold_nothing(self):
        """The contact closed by an order knows it; the parcel refused at delivery, the contact was
        made (reached) but sold nothing: not in the report's contacts that sold, the offer not
        accepted for the cross-sell's correction from the refusal's day on (a run of an earlier day
        still takes it as accepted). The order delivered after all: «ordered» again."""
        order, outcome = self._anna_orders_the_offer()
        self.assertEqual((outcome.outcome, outcome.order_id), ("ordered", order))
        self.assertEqual(self._sold_by_the_report(self.anna), (1, 1, 1))

        self._refuse(order, TODAY + timedelta(days=3))
        self.assertEqual((outcome.outcome, outcome.order_id), ("ordered_refused", order))
        self.assertEqual(self._sold_by_the_report(self.anna), (1, 1, 0), "made, reached, nothing sold")
        History = self.env["ecom.scoring.history"]
        accepted = {day: History._offer_outcomes(self.company, day)["accepted"].tolist()
                    for day in (TODAY, TODAY + timedelta(days=2), TODAY + timedelta(days=3), None)}
        self.assertEqual(accepted, {TODAY: [1.0], TODAY + timedelta(days=2): [1.0],
                                    TODAY + timedelta(days=3): [0.0], None: [0.0]},
                         "accepted until the refusal's day, not after; nor for today's run")
        self.assertIsNone(History._offer_outcomes(self.company, TODAY - timedelta(days=1)),
                          "an earlier day's run knows no answer recorded after it")
        # the sales director reads it by its name, in Russian too
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_scoring"], ["ru_RU"], overwrite=True)
        labels = dict(outcome.with_context(lang="ru_RU")._fields["outcome"]._description_selection(
            outcome.with_context(lang="ru_RU").env))
        self.assertEqual(labels["ordered_refused"], "Заказ сделан, отказ при получении")
        # never offered to a salesperson marking a contact done
        self.assertNotIn("ordered_refused", dict(self.Activity._fields["ecom_scoring_outcome"].selection))

        with freeze_time(TODAY + timedelta(days=4)):
            order._ecom_set_status("delivered")
        self.assertEqual(outcome.outcome, "ordered", "delivered after all: it sold")
        self.assertEqual(self._sold_by_the_report(self.anna), (1, 1, 1))

    def _three_customers_order_this_morning(self):
        """The morning's list made, three of its customers (Anna's, Boris's, one of the shared list's)
        order: their orders, each closing its customer's contact."""
        with freeze_time(TODAY):
            self._morning()
            orders = self.env["sale.order"]
            for partner in (self.anna_now, self.boris_now, self.shared_now):
                orders |= self._order(partner, 0)
        return orders

    def test_refusals_of_many_orders_at_once_in_one_query(self):
        """A 1C exchange creates orders and marks them refused at delivery in the same step (the
        order confirmed, then its status): the contacts they closed are «ordered, refused at
        delivery», moved in one statement for any number of orders; other statuses cost nothing."""
        orders = self._three_customers_order_this_morning()
        Outcome = self.env["ecom.scoring.outcome"]
        outcomes = Outcome.search([("order_id", "in", orders.ids)])
        self.assertEqual(len(outcomes), 3)
        self.assertEqual(set(outcomes.mapped("outcome")), {"ordered"})
        self.env.flush_all()
        with self.assertQueryCount(1):
            Outcome._ecom_follow_orders(orders[:1])
        self.assertEqual(outcomes.mapped("outcome"), ["ordered"] * 3, "not refused: nothing moves")
        orders.ecom_status = "returned"
        self.env.flush_all()
        with self.assertQueryCount(1):
            Outcome._ecom_follow_orders(orders)
        self.assertEqual(set(outcomes.mapped("outcome")), {"ordered_refused"})
        orders.ecom_status = "confirmed"
        self._refuse(orders, TODAY)  # the way 1C's statuses go: the hook of the status moves them
        self.assertEqual(set(outcomes.mapped("outcome")), {"ordered_refused"})
        order = self._order(self.anna_later, 0)
        with patch.object(type(Outcome), "_ecom_follow_orders", autospec=True) as moved:
            order._ecom_set_status("paid")
        self.assertFalse(moved.called, "a status other than a refusal's, to or from: no query")

    def test_a_contacts_order_cancelled_sold_nothing_until_confirmed_again(self):
        """The customer calls the order off, cancelled through the form's «Cancel» and its dialog:
        the contact was made (reached) but sold nothing: «ordered, cancelled» (the dashboard tells
        it from a parcel refused), not in the report's contacts that sold, the offer not accepted
        for the cross-sell, and the order no purchase for the nightly run's history. Set back to
        a quotation, still nothing sold; confirmed again, «ordered» again."""
        order, outcome = self._anna_orders_the_offer()
        self.assertEqual((outcome.outcome, outcome.order_id, outcome.segment), ("ordered", order, "loyal"))
        self.assertEqual(self._sold_by_the_report(self.anna), (1, 1, 1))

        with freeze_time(TODAY + timedelta(days=1)):
            action = order.action_cancel()
            self.assertEqual(action["res_model"], "sale.order.cancel", "Odoo asks first (a confirmed order)")
            self.assertEqual(order.state, "sale", "not cancelled by the question")
            dialog = self.env["sale.order.cancel"].with_context(action["context"]).create({"order_id": order.id})
            dialog.action_cancel()
        self.assertEqual((order.state, order.ecom_status), ("cancel", "cancelled"))
        self.assertEqual((outcome.outcome, outcome.order_id), ("ordered_cancelled", order))
        self.assertEqual(self._sold_by_the_report(self.anna), (1, 1, 0), "made, reached, nothing sold")
        History = self.env["ecom.scoring.history"]
        accepted = {day: History._offer_outcomes(self.company, day)["accepted"].tolist()
                    for day in (TODAY, TODAY + timedelta(days=1), None)}
        self.assertEqual(accepted, {TODAY: [0.0], TODAY + timedelta(days=1): [0.0], None: [0.0]},
                         "a cancelled order is no purchase on any day, as the orders' read takes it")
        history, ids = History._read(self.company, [self.anna_now.id])
        self.assertEqual(ids.tolist(), [self.anna_now.id])
        self.assertEqual((len(history.orders.customer), int(history.orders.confirmed.sum())), (3, 2),
                         "the nightly run reads the cancelled order as no purchase")
        run = self.Run._score_customers(self.company, mode="full", today=TODAY + timedelta(days=1))
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual((self.score_of(self.anna_now).order_count, self.score_of(self.anna_now).last_order),
                         (2, TODAY - timedelta(days=30)), "the night after: two orders, the last a month ago")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_scoring"], ["ru_RU"], overwrite=True)
        labels = dict(outcome.with_context(lang="ru_RU")._fields["outcome"]._description_selection(
            outcome.with_context(lang="ru_RU").env))
        self.assertEqual(labels["ordered_cancelled"], "Заказ сделан, отменён")
        self.assertNotIn("ordered_cancelled", dict(self.Activity._fields["ecom_scoring_outcome"].selection))

        order.action_draft()
        self.assertEqual(outcome.outcome, "ordered_cancelled", "a quotation again: nothing sold yet")
        with freeze_time(TODAY + timedelta(days=2)):
            order.action_confirm()
        self.assertEqual(outcome.outcome, "ordered", "confirmed again: it sold")
        self.assertEqual(self._sold_by_the_report(self.anna), (1, 1, 1))
        self.assertEqual(History._offer_outcomes(self.company)["accepted"].tolist(), [1.0])

    def test_an_order_confirmed_again_is_one_sale_of_the_contact_it_first_closed(self):
        """One order, one sale: cancelled, a new contact scheduled for the customer since, then
        confirmed again, the order is the sale of the contact it closed first («ordered» again);
        the new contact is not closed «ordered» by it (a second sale in the report, the dashboard and
        the offers' learning) but removed, as the nightly sync removes a contact the customer's
        order made needless, and the customer leaves today's list; a note on the customer says why,
        in the language of the salesperson the contact was for (Anna's Russian), notifying nobody. A
        new order confirmed with it is a sale of its own: it closes the new contact."""
        order, outcome = self._anna_orders_the_offer()
        with freeze_time(TODAY + timedelta(days=1)):
            order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(outcome.outcome, "ordered_cancelled")
        Outcome, day = self.env["ecom.scoring.outcome"], TODAY + timedelta(days=2)

        def new_contact():
            with freeze_time(day):
                self._score(self.anna_now, "now", day, priority=300.0)
                self.Score._ecom_sync_activities(self.company, self._run(day))
            contact = self._open_activities(self.anna_now)
            self.assertEqual((len(contact), contact.user_id), (1, self.anna), "a new contact for the customer")
            return contact

        contact = new_contact()
        order.action_draft()
        followers = self.anna_now.message_follower_ids
        with freeze_time(day):
            order.with_context(lang="en_US").action_confirm()  # confirmed by somebody reading English
        self.assertEqual(Outcome.search([("order_id", "=", order.id)]), outcome,
                         "the order closed one contact: the first")
        self.assertEqual((outcome.outcome, outcome.date), ("ordered", TODAY), "that one sold again")
        self.assertFalse(contact.exists(), "the new contact is no longer needed: the customer ordered")
        self.assertFalse(self._open_activities(self.anna_now))

        def removals():
            return self.anna_now.message_ids.filtered(lambda m: "Запланированный контакт удалён" in str(m.body))

        note = removals()
        self.assertEqual(str(note.body),
                         f"<p>Запланированный контакт удалён: заказ {order.name} снова подтверждён.</p>")
        self.assertEqual((note.subtype_id, note.notification_ids), (self.env.ref("mail.mt_note"),
                                                                    self.env["mail.notification"]), "nobody notified")
        self.assertEqual(self.anna_now.message_follower_ids, followers, "nobody made a follower")
        self.Activity._ecom_close_ordered(order)  # the confirmation's hook run again: nothing removed, no note
        self.assertEqual(removals(), note)
        self.assertEqual(Outcome.search_count([("partner_id", "=", self.anna_now.id)]), 1, "nor recorded as one")
        self.assertEqual(self._sold_by_the_report(self.anna), (1, 1, 1), "one contact, one sale")
        self.assertEqual(self.env["ecom.scoring.history"]._offer_outcomes(self.company)["accepted"].tolist(), [1.0],
                         "the offer taken once")
        score = self.score_of(self.anna_now)
        self.assertEqual((score.contacted_on, score.activity_id), (day, self.Activity))
        with freeze_time(day):
            action = self.env.ref("ecom_crm_scoring.ecom_scoring_today_action")
            domain = safe_eval(action.domain, {"context_today": lambda: day})
        self.assertNotIn(score, self.Score.search(domain), "not to be called today")

        # cancelled again, a new contact; confirmed again together with a new order of the customer
        with freeze_time(day):
            order.with_context(disable_cancel_warning=True).action_cancel()
            order.action_draft()
        contact = new_contact()
        with freeze_time(day):
            new = self.env["sale.order"].create({
                "partner_id": self.anna_now.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]})
            (order | new).action_confirm()
        self.assertFalse(contact.exists())
        self.assertEqual(Outcome.search([("partner_id", "=", self.anna_now.id)], order="id").mapped(
            lambda o: (o.order_id, o.outcome)), [(order, "ordered"), (new, "ordered")],
            "the new order closed the new contact: two orders, two sales")
        self.assertEqual(self._sold_by_the_report(self.anna), (2, 2, 2))
        self.assertEqual(removals(), note, "closed by the new order: no contact removed")

    def test_cancelling_many_orders_at_once_moves_their_contacts_in_one_statement(self):
        """Many orders cancelled at once (a list's «Cancel», no dialog asked): one statement moves
        the contacts of all; a parcel refused at delivery, cancelled in Odoo all the same, stays
        «ordered, refused at delivery»; and an order 1C brings cancelled closes its contact so."""
        orders = self._three_customers_order_this_morning()
        Outcome = self.env["ecom.scoring.outcome"]
        outcomes = Outcome.search([("order_id", "in", orders.ids)], order="id")
        self.assertEqual(outcomes.mapped("order_id"), orders)
        self._refuse(orders[2], TODAY)
        follow = type(Outcome)._ecom_follow_orders
        with patch.object(type(Outcome), "_ecom_follow_orders", autospec=True, side_effect=follow) as moved:
            orders.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(moved.call_count, 1)
        self.assertEqual(moved.call_args.args[1], orders)
        self.assertEqual(orders.mapped("state"), ["cancel"] * 3)
        self.assertEqual(outcomes.mapped("outcome"), ["ordered_cancelled", "ordered_cancelled", "ordered_refused"])
        self.env.flush_all()
        with self.assertQueryCount(1):
            Outcome._ecom_follow_orders(orders)
        self.assertEqual(self._sold_by_the_report(self.anna), (1, 1, 0))

        with freeze_time(TODAY):
            self._score(self.anna_later, "now", TODAY)
            self.Score._ecom_sync_activities(self.company, self._run(TODAY))
            brought = self.env["sale.order"].create({
                "partner_id": self.anna_later.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]})
            brought.write({"state": "cancel", "ecom_status": "cancelled"})
            self.Activity._ecom_close_ordered(brought)
        outcome = Outcome.search([("partner_id", "=", self.anna_later.id)])
        self.assertEqual((outcome.outcome, outcome.order_id), ("ordered_cancelled", brought))

    def test_an_order_refused_already_closes_the_contact_refused(self):
        """An order a 1C exchange brings already refused at delivery closes the customer's contact:
        they did order (the contact was not wasted), but nothing was sold."""
        with freeze_time(TODAY):
            self._morning()
            order = self.env["sale.order"].create({
                "partner_id": self.anna_now.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]})
            order.write({"state": "sale", "ecom_status": "returned"})
            self.Activity._ecom_close_ordered(order)
        self.assertFalse(self._open_activities(self.anna_now))
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_now.id)])
        self.assertEqual((outcome.outcome, outcome.order_id), ("ordered_refused", order))
        self.assertEqual(self._sold_by_the_report(self.anna), (1, 1, 0))

    def test_salesperson_records_the_outcome_when_marking_done(self):
        with freeze_time(TODAY):
            self._morning()
            activity = self._open_activities(self.anna_now).with_user(self.anna).with_context(lang="ru_RU")
            activity.ecom_scoring_outcome = "declined"
            activity.action_feedback(feedback="Дорого, купила в другом магазине")
        self.assertFalse(activity.exists())
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_now.id)])
        self.assertRecordValues(outcome, [{"outcome": "declined", "user_id": self.anna.id, "date": TODAY,
                                           "group": "growth", "company_id": self.company.id,
                                           "note": "Дорого, купила в другом магазине"}])
        score = self.anna_now.ecom_score_ids
        self.assertEqual(score.contacted_on, TODAY)
        self.assertFalse(score.activity_id)
        done = self.anna_now.message_ids.filtered(lambda m: m.mail_activity_type_id == self.kind)
        self.assertIn("Дорого", str(done.body))
        self.assertIn("Отказ", str(done.body), "the outcome, in Anna's language")

        # the next learning reads it as a refusal
        history, partner_ids = self.env["ecom.scoring.history"]._read(self.company)
        customer = list(partner_ids).index(self.anna_now.id)
        mine = history.activities.customer == customer
        self.assertIn(OUTCOME_REFUSED, history.activities.outcome[mine].tolist())
        self.assertIn(TODAY.toordinal(), history.activities.done[mine].tolist())

    def test_marked_done_without_an_outcome_counts_as_reached(self):
        with freeze_time(TODAY):
            self._morning()
            self._open_activities(self.boris_now).with_user(self.boris).action_done()
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.boris_now.id)])
        self.assertEqual(outcome.outcome, "reached")
        self.assertEqual(outcome.group, "risk")

    def test_outcome_dialog_of_todays_list(self):
        with freeze_time(TODAY):
            self._morning()
            score = self.anna_now.ecom_score_ids.with_user(self.anna)
            action = score.action_ecom_record_outcome()
            wizard = Form(self.env[action["res_model"]].with_user(self.anna).with_context(action["context"]))
            wizard.outcome = "accepted"
            wizard.note = "Возьмёт фильтр на следующей неделе"
            wizard.save().action_confirm()
        self.assertFalse(self._open_activities(self.anna_now))
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_now.id)])
        self.assertEqual(outcome.outcome, "accepted")
        self.assertEqual(outcome.user_id, self.anna)

    def test_outcome_dialog_without_a_scheduled_contact(self):
        self.company.ecom_scoring_activities = False
        with freeze_time(TODAY):
            self._score(self.anna_now, "now")
            self.env["ecom.customer.suggestion"].create({"score_id": self.anna_now.ecom_score_ids.id, "kind": "rebuy",
                                                         "product_id": self.product.id, "probability": 0.55,
                                                         "params": {"cycle": 30, "days": 28}})
            score = self.anna_now.ecom_score_ids.with_user(self.anna)
            self.assertFalse(score.activity_id)
            action = score.action_ecom_record_outcome()
            wizard = Form(self.env[action["res_model"]].with_user(self.anna).with_context(action["context"],
                                                                                           lang="ru_RU"))
            wizard.outcome = "not_reached"
            wizard.save().action_confirm()
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_now.id)])
        self.assertRecordValues(outcome, [{"outcome": "not_reached", "user_id": self.anna.id, "date": TODAY,
                                           "product_id": self.product.id, "offer_kind": "rebuy",
                                           "offer_probability": 0.55, "group": "growth", "segment": "loyal"}])
        self.assertEqual(self.anna_now.ecom_score_ids.contacted_on, TODAY)
        self.assertIn("Не дозвонились", str(self.anna_now.message_ids[0].body))

    def test_log_a_call_opens_the_scheduled_contact(self):
        with freeze_time(TODAY):
            self._morning()
        score = self.anna_now.ecom_score_ids.with_user(self.anna)
        action = score.action_ecom_log_call()
        self.assertEqual((action["res_model"], action["res_id"]), ("mail.activity", score.activity_id.id))
        # without a scheduled contact: Odoo's dialog of a new one for the current user, due today
        score = self.anna_later.ecom_score_ids.with_user(self.anna)
        with freeze_time(TODAY):
            context = score.action_ecom_log_call()["context"]
            activity = Form(self.env["mail.activity"].with_user(self.anna).with_context(context),
                            view="mail.mail_activity_view_form_popup")
            self.assertEqual(activity.activity_type_id, self.kind)
            activity.ecom_scoring_outcome = "reached"
            record = activity.save()
            record.action_done()
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_later.id)])
        self.assertEqual(outcome.outcome, "reached")
        self.assertEqual(outcome.company_id, self.company)

    def test_salesperson_sees_only_own_customers(self):
        with freeze_time(TODAY):
            self._morning()
        Score = self.Score.with_user(self.anna)
        seen = Score.search([])
        self.assertIn(self.anna_now.ecom_score_ids, seen)
        self.assertIn(self.shared_now.ecom_score_ids, seen, "customers without a salesperson are shared")
        self.assertNotIn(self.boris_now.ecom_score_ids.id, seen.ids)
        with self.assertRaises(AccessError):
            self.boris_now.ecom_score_ids.with_user(self.anna).read(["score"])
        self.assertFalse(self.boris_now.with_user(self.anna).ecom_score_id, "nor on the customer's card")
        self.assertEqual(len(self.Score.with_user(self.director).search([("decision", "=", "now")])), 3)


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestTodayList(ScheduleCase):
    def _today(self, user, mine=True):
        """The customers «Today» lists for ``user``: its action's domain, and its default filter
        «My contacts» unless removed."""
        action = self.env["ir.actions.act_window"]._for_xml_id("ecom_crm_scoring.ecom_scoring_today_action")
        context = {"uid": user.id, "context_today": lambda: TODAY}
        domain = safe_eval(action["domain"], context)
        self.assertEqual(safe_eval(action["context"], context), {"search_default_mine": 1})
        if mine:
            view = self.env.ref("ecom_crm_scoring.ecom_scoring_today_view_search")
            arch = view.get_combined_arch()
            from lxml import etree
            node = etree.fromstring(arch).xpath("//filter[@name='mine']")[0]
            domain = domain + safe_eval(node.get("domain"), context)
        return self.Score.with_user(user).search(domain).partner_id

    def test_todays_list_per_salesperson(self):
        with freeze_time(TODAY):
            self._morning()
            self.assertEqual(self._today(self.anna), self.anna_now)
            self.assertEqual(self._today(self.boris), self.boris_now)
            self.assertEqual(self._today(self.vera), self.shared_now, "the shared customer she was given")
            self.assertEqual(self._today(self.anna, mine=False), self.anna_now | self.shared_now,
                             "without the filter: her customers and the shared ones, nobody else's")
            self.assertEqual(self._today(self.director, mine=False),
                             self.anna_now | self.boris_now | self.shared_now, "a sales manager sees everyone")

            # a contact done leaves the list at once; a contact moved to Friday leaves it until Friday
            activity = self._open_activities(self.anna_now).with_user(self.anna)
            activity.action_feedback()
            self.assertFalse(self._today(self.anna))
            self._open_activities(self.boris_now).with_user(self.boris).date_deadline = TODAY + timedelta(days=3)
            self.assertFalse(self._today(self.boris))

    def test_the_list_is_under_crm(self):
        menu = self.env.ref("ecom_crm_scoring.menu_ecom_scoring_today")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_root"))
        self.assertIn(menu, self.env["ir.ui.menu"].with_user(self.anna).search([("id", "=", menu.id)]))
        views = self.Score.with_user(self.anna).get_views(
            [(self.env.ref("ecom_crm_scoring.ecom_scoring_today_view_list").id, "list")])
        arch = views["views"]["list"]["arch"]
        for button in ("action_ecom_log_call", "action_ecom_record_outcome", "action_ecom_open_customer"):
            self.assertIn(button, arch)
        self.assertIn('widget="phone"', arch)
