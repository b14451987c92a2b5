"""RFM scores and segments, the growth / risk / watch groups, the contact schedule."""

import numpy as np

from odoo.tests import BaseCase, tagged

from ..scoring import schedule, segments
from ..scoring.segments import GROWTH, NO_GROUP, RISK, WATCH


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestSegments(BaseCase):
    def test_quintile_scores(self):
        v = np.arange(1, 11, dtype=float)  # boundaries 2.8, 4.6, 6.4, 8.2
        self.assertEqual(segments.quintile_scores(v).tolist(), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        self.assertEqual(segments.quintile_scores(v, higher_is_better=False).tolist(),
                         [5, 5, 4, 4, 3, 3, 2, 2, 1, 1])
        # ties stay together: six one-order customers out of ten all get F=1
        f = np.array([1, 1, 1, 1, 1, 1, 2, 3, 5, 9.0])
        self.assertEqual(segments.quintile_scores(f).tolist(), [1, 1, 1, 1, 1, 1, 4, 4, 5, 5])
        self.assertEqual(segments.quintile_scores([np.nan, 1.0]).tolist(), [0, 1])

    def test_the_eleven_segments(self):
        cases = {  # (R, F, M): segment
            (5, 5, 5): "champions", (5, 4, 4): "champions", (4, 5, 5): "champions",
            (4, 4, 3): "loyal", (3, 5, 4): "loyal",
            (5, 2, 3): "potential_loyalists", (4, 3, 2): "potential_loyalists",
            (5, 1, 1): "new", (4, 1, 1): "promising",
            (3, 3, 3): "need_attention", (3, 1, 2): "about_to_sleep",
            (2, 3, 3): "at_risk", (1, 3, 3): "at_risk", (1, 3, 4): "cant_lose",
            (1, 5, 5): "cant_lose", (2, 5, 5): "cant_lose",
            (2, 1, 2): "hibernating", (1, 1, 1): "lost", (1, 2, 2): "lost",
        }
        r, f, m = (np.array([k[i] for k in cases], dtype=np.int8) for i in range(3))
        got = [segments.SEGMENTS[s] for s in segments.rfm_segments(r, f, m)]
        self.assertEqual(dict(zip(cases, got, strict=True)), cases)
        self.assertEqual(set(segments.GRID.ravel()), set(range(11)), "every segment is reachable")
        self.assertEqual(segments.rfm_segments(np.array([0], np.int8), np.array([0], np.int8),
                                               np.array([0], np.int8)).tolist(), [-1])

    def test_groups(self):
        rules = segments.GroupRules()
        # growth threshold: max(70th percentile, 25%)
        p = np.array([0.6, 0.6, 0.3, 0.2, 0.02, 0.5, 0.9, np.nan])
        r = np.array([5, 4, 1, 3, 1, 2, 5, 0], np.int8)
        f = np.array([2, 1, 5, 2, 5, 2, 5, 0], np.int8)
        m = np.array([2, 2, 5, 2, 5, 2, 5, 0], np.int8)
        overdue = np.array([0.5, np.nan, 3.0, 1.0, 5.0, 0.8, 0.2, np.nan])
        p_alive = np.array([0.9, 0.95, 0.3, 0.8, 0.1, 0.7, 0.99, np.nan])
        got = segments.assign_groups(p, r, f, m, overdue, p_alive, rules).tolist()
        self.assertEqual(got, [
            GROWTH,    # likely, small buyer so far
            GROWTH,
            RISK,      # valuable, overdue, 30% chance
            WATCH,     # uncertain
            NO_GROUP,  # valuable but gone for good (2%)
            WATCH,     # below the growth threshold (60%)
            NO_GROUP,  # a champion buying at their best
            NO_GROUP,  # no orders
        ])

    def test_a_valuable_customer_about_to_order_anyway_is_not_slipping_away(self):
        """On the demo store a customer who buys every four days, a week after the last order, was
        «a valuable customer slipping away» with a 100% chance on the same card, at the top of the
        list (the priority weighs the chance). Late by their gap, they order anyway: no group."""
        p = np.array([0.30, 0.89, 0.90, 0.99])
        five = np.full(4, 5, np.int8)
        overdue = np.full(4, 1.75)  # 7 days against a usual gap of 4
        got = segments.assign_groups(p, five, five, five, overdue, np.full(4, 0.98), segments.GroupRules(),
                                     threshold=0.6).tolist()
        self.assertEqual(got, [RISK, RISK, NO_GROUP, NO_GROUP])


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestSchedule(BaseCase):
    TODAY = 1000

    def plan(self, n, **facts):
        group = facts.pop("group", np.full(n, GROWTH, np.int8))
        probability = facts.pop("probability", np.full(n, 0.5))
        value = facts.pop("value", np.full(n, 1000.0))
        stake = facts.pop("stake", value)
        manager = facts.pop("manager", np.zeros(n, np.int64))
        settings = facts.pop("settings", schedule.ScheduleSettings())
        return schedule.plan(self.TODAY, group, probability, value, stake, manager, settings=settings, **facts)

    def test_hard_do_not_disturb_rules(self):
        n = 8
        s = self.plan(
            n,
            opted_out=np.array([1, 0, 0, 0, 0, 0, 0, 0], bool),
            open_complaint=np.array([1, 1, 0, 0, 0, 0, 0, 0], bool),
            last_refusal=np.array([-1, -1, 990, 900, -1, -1, -1, -1]),
            open_activities=np.array([0, 0, 0, 1, 1, 0, 0, 0]),
            last_contact=np.array([-1, -1, -1, -1, -1, 995, 900, -1]),
            last_order=np.array([-1, -1, -1, -1, -1, -1, 997, 800]),
        )
        codes = [s.reason_code(i) for i in range(n)]
        self.assertEqual(codes, ["opted_out", "open_complaint", "open_refusal", "open_activity", "open_activity",
                                 "contacted_recently", "ordered_recently", "growth"])
        self.assertEqual(s.decision.tolist(), [schedule.DND] * 7 + [schedule.NOW])
        self.assertEqual(int(s.date[2]), 1020, "refused on 990: not before 30 days later")
        self.assertEqual(int(s.date[5]), 1009, "contacted on 995: not before 14 days later")
        self.assertEqual(int(s.date[6]), 1004, "ordered on 997: not before 7 days later")

    def test_due_later(self):
        s = self.plan(2, last_order=np.array([980, 900]), usual_gap=np.array([60.0, 60.0]))
        self.assertEqual(s.reason_code(0), "due_later")
        self.assertEqual(s.decision[0], schedule.LATER)
        self.assertEqual(int(s.date[0]), 980 + 60 - 7)
        self.assertEqual(s.decision[1], schedule.NOW)

    def test_daily_cap_per_manager_by_priority(self):
        n = 7
        s = self.plan(
            n, probability=np.array([0.1, 0.9, 0.5, 0.7, 0.3, 0.2, 0.8]),
            manager=np.array([1, 1, 1, 1, 1, 2, 2]),
            settings=schedule.ScheduleSettings(daily_cap=2))
        self.assertEqual(s.decision.tolist(), [schedule.LATER, schedule.NOW, schedule.LATER, schedule.NOW,
                                               schedule.LATER, schedule.NOW, schedule.NOW])
        self.assertEqual([s.reason_code(i) for i in (0, 2, 4)], ["over_cap"] * 3)
        self.assertEqual(s.date.tolist(), [1002, 1000, 1001, 1000, 1001, 1000, 1000])

    def test_customers_without_a_salesperson_fill_what_the_team_has_left(self):
        """The customers without a salesperson (-1) share one list: one salesperson's cap a day for
        the team leader to hand out, or, when the team's salespeople take them, what those
        salespeople's own lists leave of their cap each day (a salesperson with a full list
        today has room later)."""
        # salesperson 7 has 3 own customers to call, 8 has none; cap 2: today 7 has no room, 8 has 2
        manager = np.array([7, 7, 7] + [-1] * 8)
        probability = np.array([0.9, 0.8, 0.7] + [0.8 - 0.05 * i for i in range(8)])
        s = self.plan(11, probability=probability, manager=manager,
                      settings=schedule.ScheduleSettings(daily_cap=2, plan_days=3, shared_takers=(7, 8)))
        self.assertEqual(s.date[:3].tolist(), [1000, 1000, 1001], "their own customers: their cap a day")
        # room for the shared list: today 0 + 2 (at least one cap: 2), tomorrow 1 + 2 = 3, then 2 + 2
        self.assertEqual(schedule.shared_per_day([3, 0], 2, 3).tolist(), [2, 3, 4])
        self.assertEqual(s.date[3:].tolist(), [1000, 1000, 1001, 1001, 1001, 1002, 1002, 1002],
                         "the best first, each day's room filled")
        self.assertEqual(s.decision[3:5].tolist(), [schedule.NOW] * 2)
        # a team of three idle salespeople: three lists today
        s = self.plan(8, probability=np.linspace(0.9, 0.5, 8), manager=np.full(8, -1),
                      settings=schedule.ScheduleSettings(daily_cap=2, shared_takers=(7, 8, 9)))
        self.assertEqual(int((s.decision == schedule.NOW).sum()), 6)
        self.assertEqual(s.date[6:].tolist(), [1001, 1001])
        # nobody takes them: one list, for the team leader
        s = self.plan(8, probability=np.linspace(0.9, 0.5, 8), manager=np.full(8, -1),
                      settings=schedule.ScheduleSettings(daily_cap=2))
        self.assertEqual(int((s.decision == schedule.NOW).sum()), 2)
        self.assertEqual(schedule.shared_per_day([], 2, 2).tolist(), [2, 2])

    def test_beyond_the_planned_days_no_decision_and_why(self):
        s = self.plan(5, probability=np.array([0.9, 0.8, 0.7, 0.6, 0.5]), manager=np.ones(5, dtype=np.int64),
                      settings=schedule.ScheduleSettings(daily_cap=1, plan_days=3))
        self.assertEqual(s.decision.tolist(), [schedule.NOW, schedule.LATER, schedule.LATER, schedule.NONE,
                                               schedule.NONE])
        self.assertEqual([s.reason_code(i) for i in (3, 4)], ["beyond_plan"] * 2)
        self.assertEqual(s.date.tolist()[3:], [schedule.NO_DATE] * 2)

    def test_priority_weighs_the_stake_for_the_risk_group(self):
        group = np.array([GROWTH, RISK], np.int8)
        prio = schedule.priority(np.array([0.5, 0.2]), group, np.array([1000.0, 1000.0]), np.array([1000.0, 12000.0]))
        self.assertEqual(prio.tolist(), [500.0, 2400.0])
        s = self.plan(2, group=group, probability=np.array([0.5, 0.2]), stake=np.array([1000.0, 12000.0]),
                      settings=schedule.ScheduleSettings(daily_cap=1))
        self.assertEqual(s.decision.tolist(), [schedule.LATER, schedule.NOW])
        self.assertEqual(s.reason_code(1), "risk")

    def test_customers_without_group_are_not_planned(self):
        s = self.plan(2, group=np.array([NO_GROUP, WATCH], np.int8))
        self.assertEqual(s.decision.tolist(), [schedule.NONE, schedule.NOW])
        self.assertEqual(s.reason_code(0), "")
        self.assertEqual(s.reason_code(1), "watch")
