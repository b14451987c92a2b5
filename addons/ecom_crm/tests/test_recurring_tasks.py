from datetime import date

from freezegun import freeze_time

from odoo.tests import BaseCase, tagged

from ..tools.recurrence import due_occurrence, first_occurrence, next_occurrence, occurrence_after
from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestRecurrenceDates(BaseCase):
    """The dates alone (plain Python, no database)."""

    def test_first_occurrence(self):
        wednesday = date(2026, 5, 6)
        self.assertEqual(first_occurrence(wednesday, "daily"), wednesday)
        self.assertEqual(first_occurrence(wednesday, "weekly", weekday=0), date(2026, 5, 11))  # next Monday
        self.assertEqual(first_occurrence(wednesday, "weekly", weekday=2), wednesday)
        self.assertEqual(first_occurrence(wednesday, "monthly", month_day=10), date(2026, 5, 10))
        self.assertEqual(first_occurrence(wednesday, "monthly", month_day=1), date(2026, 6, 1))

    def test_months_keep_their_day_or_the_last(self):
        jan31 = date(2026, 1, 31)
        feb = next_occurrence(jan31, "monthly", 1, month_day=31)
        self.assertEqual(feb, date(2026, 2, 28))
        self.assertEqual(next_occurrence(feb, "monthly", 1, month_day=31), date(2026, 3, 31))
        self.assertEqual(next_occurrence(date(2026, 11, 30), "monthly", 3, month_day=30), date(2027, 2, 28))
        self.assertEqual(next_occurrence(date(2026, 5, 11), "weekly", 2), date(2026, 5, 25))

    def test_the_occurrence_after_a_changed_rule_keeps_every_n(self):
        friday = date(2026, 5, 8)
        # every two weeks, moved from Friday to Monday: the Monday of the week two weeks later
        self.assertEqual(occurrence_after(friday, "weekly", 2, weekday=0), date(2026, 5, 18))
        self.assertEqual(occurrence_after(friday, "weekly", 1, weekday=0), date(2026, 5, 11))
        self.assertEqual(occurrence_after(friday, "weekly", 1, weekday=4), date(2026, 5, 15))
        self.assertEqual(occurrence_after(friday, "weekly", 2, weekday=6), date(2026, 5, 24))
        # every three months, moved from the 31st to the 15th; a day the next month has not
        self.assertEqual(occurrence_after(date(2026, 1, 31), "monthly", 3, month_day=15), date(2026, 4, 15))
        self.assertEqual(occurrence_after(date(2026, 1, 15), "monthly", 1, month_day=31), date(2026, 2, 28))
        self.assertEqual(occurrence_after(friday, "daily", 3), date(2026, 5, 11))

    def test_missed_occurrences_collapse(self):
        self.assertEqual(due_occurrence(date(2026, 5, 1), date(2026, 5, 4), "daily"),
                         (date(2026, 5, 4), date(2026, 5, 5)))
        self.assertEqual(due_occurrence(date(2026, 5, 11), date(2026, 5, 10), "weekly"),
                         (None, date(2026, 5, 11)))


@tagged("post_install", "-at_install", "ecom_crm")
class TestRecurringTasks(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Task = cls.env["ecom.recurring.task"]
        cls.second = cls.env["res.users"].create({
            "name": "Игорь Второй", "login": "ecom_second",
            "groups_id": [(6, 0, cls.env.ref("sales_team.group_sale_salesman").ids)]})
        cls.team = cls.env["crm.team"].create(
            {"name": "Розница", "member_ids": [(6, 0, (cls.salesman | cls.second).ids)]})

    def activities(self, task):
        return self.env["mail.activity"].search([("res_model", "=", task._name), ("res_id", "=", task.id)],
                                                order="date_deadline, user_id")

    def test_weekly_for_a_team_with_priority_and_comments(self):
        task = self.Task.create({
            "name": "Перезвонить отказникам недели", "recurrence": "weekly", "weekday": "4", "priority": "2",
            "note": "<p>Начать с «Дорого»</p>", "assign_to": "team", "team_id": self.team.id,
            "date_start": date(2026, 5, 4)})
        self.assertEqual(task.next_date, date(2026, 5, 8))  # the first Friday
        self.Task._cron_schedule(today=date(2026, 5, 7))
        self.assertFalse(self.activities(task))
        self.Task._cron_schedule(today=date(2026, 5, 8))
        done = self.activities(task)
        self.assertEqual(done.user_id, self.salesman | self.second)
        self.assertEqual(set(done.mapped("date_deadline")), {date(2026, 5, 8)})
        self.assertEqual(set(done.mapped("ecom_priority")), {"2"})
        self.assertIn("Дорого", done[0].note)
        self.assertEqual((task.last_date, task.next_date), (date(2026, 5, 8), date(2026, 5, 15)))
        self.Task._cron_schedule(today=date(2026, 5, 8))
        self.assertEqual(len(self.activities(task)), 2, "once per occurrence")
        task.weekday = "0"
        self.assertEqual(task.next_date, date(2026, 5, 11), "the next Monday after the last time")
        task.weekday = "4"
        self.assertEqual(task.next_date, date(2026, 5, 15), "never the same Friday twice")
        # the job did not run for two weeks: one task for the latest Friday, not a pile
        self.Task._cron_schedule(today=date(2026, 5, 24))
        self.assertEqual(self.activities(task).mapped("date_deadline"),
                         [date(2026, 5, 8)] * 2 + [date(2026, 5, 22)] * 2)
        self.assertEqual(task.next_date, date(2026, 5, 29))

    def test_monthly_for_a_user(self):
        task = self.Task.create({"name": "Сверка с 1С", "recurrence": "monthly", "month_day": 31,
                                 "user_ids": [(6, 0, self.sales_manager.ids)], "date_start": date(2026, 1, 15)})
        for day in (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)):
            self.Task._cron_schedule(today=day)
        self.assertEqual(self.activities(task).mapped("date_deadline"),
                         [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)])
        self.assertEqual(self.activities(task).user_id, self.sales_manager)

    def test_daily_with_an_activity_plan(self):
        plan = self.env["mail.activity.plan"].create({
            "name": "Утро менеджера", "res_model": "ecom.recurring.task", "template_ids": [
                (0, 0, {"summary": "Разобрать новые заявки", "responsible_type": "on_demand",
                        "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id}),
                (0, 0, {"summary": "Обзвон", "responsible_type": "on_demand", "delay_count": 1,
                        "delay_from": "after_plan_date",
                        "activity_type_id": self.env.ref("mail.mail_activity_data_call").id})]})
        task = self.Task.create({"name": "Утро", "recurrence": "daily", "interval": 2, "plan_id": plan.id,
                                 "user_ids": [(6, 0, self.salesman.ids)], "date_start": date(2026, 5, 4)})
        self.Task._cron_schedule(today=date(2026, 5, 4))
        self.Task._cron_schedule(today=date(2026, 5, 5))
        self.Task._cron_schedule(today=date(2026, 5, 6))
        self.assertEqual([(a.summary, a.date_deadline) for a in self.activities(task)], [
            ("Разобрать новые заявки", date(2026, 5, 4)), ("Обзвон", date(2026, 5, 5)),
            ("Разобрать новые заявки", date(2026, 5, 6)), ("Обзвон", date(2026, 5, 7))])

    def test_a_plan_step_of_a_fixed_responsible_is_given_once(self):
        """A team's plan whose step goes to a fixed person (the manager's review) gives them that
        step once per occurrence, not once per member of the team."""
        plan = self.env["mail.activity.plan"].create({
            "name": "Неделя отдела", "res_model": "ecom.recurring.task", "template_ids": [
                (0, 0, {"summary": "Отчёт за неделю", "responsible_type": "on_demand",
                        "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id}),
                (0, 0, {"summary": "Проверить отчёты", "responsible_type": "other",
                        "responsible_id": self.sales_manager.id,
                        "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id})]})
        task = self.Task.create({"name": "Неделя", "recurrence": "weekly", "weekday": "4", "plan_id": plan.id,
                                 "assign_to": "team", "team_id": self.team.id, "date_start": date(2026, 5, 4)})
        self.Task._cron_schedule(today=date(2026, 5, 8))
        self.assertEqual(sorted((a.summary, a.user_id.login) for a in self.activities(task)), [
            ("Отчёт за неделю", "ecom_salesman"), ("Отчёт за неделю", "ecom_second"),
            ("Проверить отчёты", self.sales_manager.login)])

    def test_a_company_task_is_for_the_users_of_that_company(self):
        """A user not allowed in the task's company could not open its activity: not given."""
        other_company = self.env["res.company"].create({"name": "ООО «Второй магазин»"})
        self.second.company_ids = [(4, other_company.id)]
        task = self.Task.create({"name": "Сверка склада", "recurrence": "daily", "company_id": other_company.id,
                                 "assign_to": "team", "team_id": self.team.id, "date_start": date(2026, 5, 4)})
        self.Task._cron_schedule(today=date(2026, 5, 4))
        self.assertEqual(self.activities(task).user_id, self.second)
        self.assertTrue(self.activities(task).with_user(self.second).with_context(
            allowed_company_ids=other_company.ids).read(["summary"]))
        shared = self.Task.create({"name": "Планёрка", "recurrence": "daily", "company_id": False,
                                   "assign_to": "team", "team_id": self.team.id, "date_start": date(2026, 5, 4)})
        self.Task._cron_schedule(today=date(2026, 5, 4))
        self.assertEqual(self.activities(shared).user_id, self.salesman | self.second, "a shared task: everyone")

    def test_every_two_weeks_stays_every_two_weeks_when_its_weekday_changes(self):
        task = self.Task.create({"name": "Планёрка", "recurrence": "weekly", "interval": 2, "weekday": "4",
                                 "user_ids": [(6, 0, self.salesman.ids)], "date_start": date(2026, 5, 4)})
        self.Task._cron_schedule(today=date(2026, 5, 8))
        self.assertEqual(task.next_date, date(2026, 5, 22))
        task.weekday = "0"
        self.assertEqual(task.next_date, date(2026, 5, 18), "the Monday two weeks after, not the next one")
        task.interval = 3
        self.assertEqual(task.next_date, date(2026, 5, 25))
        task.date_start = date(2026, 6, 1)
        self.assertEqual(task.next_date, date(2026, 6, 1), "a start moved ahead is the next time")

    def test_a_task_is_given_on_its_company_s_day(self):
        """The job runs at 22:30 UTC on Sunday: it is Monday in Moscow, still Sunday in London (BST)."""
        moscow = self.env["res.company"].create({"name": "ООО «Москва»"})
        moscow.partner_id.tz = "Europe/Moscow"
        london = self.env["res.company"].create({"name": "Shop Ltd"})
        london.partner_id.tz = "Europe/London"
        self.salesman.company_ids = [(4, moscow.id), (4, london.id)]
        tasks = self.Task.create([{
            "name": f"Понедельник {company.name}", "recurrence": "weekly", "weekday": "0", "company_id": company.id,
            "user_ids": [(6, 0, self.salesman.ids)], "date_start": date(2026, 5, 4)} for company in (moscow, london)])
        self.assertEqual(tasks.mapped("next_date"), [date(2026, 5, 4)] * 2)
        with freeze_time("2026-05-10 22:30:00"):
            self.Task.with_user(self.env.ref("base.user_root")).with_context(tz="UTC")._cron_schedule()
            # Moscow: Monday 11 May is due (the missed 4 May collapses into it); London: Sunday 10 May,
            # the 4 May occurrence is the latest due
            self.assertEqual(self.activities(tasks[0]).mapped("date_deadline"), [date(2026, 5, 11)])
            self.assertEqual(tasks[0].next_date, date(2026, 5, 18))
            self.assertEqual(self.activities(tasks[1]).mapped("date_deadline"), [date(2026, 5, 4)])
            self.assertEqual(tasks[1].next_date, date(2026, 5, 11), "London's Monday is still to come")
            tasks.action_schedule_now()
            self.assertEqual(self.activities(tasks[0]).mapped("date_deadline"), [date(2026, 5, 11)] * 2,
                             "«Give now» on Moscow's day")
            self.assertEqual(self.activities(tasks[1]).mapped("date_deadline"), [date(2026, 5, 4), date(2026, 5, 10)])

    def test_a_task_of_no_company_is_given_on_the_store_s_day(self):
        """A task shared by every company (no company) was given on the job's user's day (UTC): a
        Moscow store's Monday task came a day late when the job ran before 03:00 Moscow time. It is
        given on the day of the job's company."""
        self.env.company.partner_id.tz = "Europe/Moscow"
        task = self.Task.create({"name": "Понедельник для всех", "recurrence": "weekly", "weekday": "0",
                                 "company_id": False, "user_ids": [(6, 0, self.salesman.ids)],
                                 "date_start": date(2026, 5, 11)})
        with freeze_time("2026-05-10 22:30:00"):
            self.Task.with_user(self.env.ref("base.user_root")).with_context(tz="UTC")._cron_schedule()
            self.assertEqual(self.activities(task).mapped("date_deadline"), [date(2026, 5, 11)])
            self.assertEqual(task.next_date, date(2026, 5, 18))
