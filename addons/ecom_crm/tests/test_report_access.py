import psycopg2

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import ReportCase


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestReportAccess(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = new_test_user(cls.env, login="ecom_colleague", groups="sales_team.group_sale_salesman",
                                      name="Иван Коллегин", lang="en_US")
        cls.all_leads = new_test_user(cls.env, login="ecom_all_leads", name="Пётр Всевидов", lang="en_US",
                                      groups="sales_team.group_sale_salesman_all_leads")
        with cls.at(0):
            cls.mine = cls._lead(expected_revenue=100)
            cls.theirs = cls._lead(expected_revenue=200, user_id=cls.colleague.id)
        with cls.at(3):
            (cls.mine | cls.theirs).action_set_lost(lost_reason_id=cls.reason_expensive.id)
        cls._refresh()
        cls.reports = (cls.Funnel, cls.Refusal, cls.Manager, cls.History)
        cls.leads = [("lead_id", "in", (cls.mine | cls.theirs).ids)]

    def seen(self, user):
        return {model._name: model.with_user(user).search(self.leads).lead_id for model in self.reports}

    def test_salesperson_sees_own_numbers(self):
        for name, leads in self.seen(self.salesman).items():
            self.assertEqual(leads, self.mine, name)
        for name, leads in self.seen(self.colleague).items():
            self.assertEqual(leads, self.theirs, name)
        [(amount,)] = self.Refusal.with_user(self.salesman)._read_group(self.leads, [], ["amount:sum"])
        self.assertEqual(amount, 100)

    def test_managers_see_everything(self):
        for user in (self.sales_manager, self.all_leads):
            for name, leads in self.seen(user).items():
                self.assertEqual(leads, self.mine | self.theirs, name)
        [(amount,)] = self.Refusal.with_user(self.sales_manager)._read_group(self.leads, [], ["amount:sum"])
        self.assertEqual(amount, 300)

    def test_reports_only_read(self):
        """Each report's default view answers in a read-only transaction (a replica's)."""
        with self.read_only():
            self.env.cr.execute("SHOW transaction_read_only")
            self.assertEqual(self.env.cr.fetchone()[0], "on")
            funnel = self.Funnel.with_user(self.salesman).read_group(
                self.leads, ["reached", "conversion_next", "median_hours"], ["stage_id"])
            refusals = self.Refusal.with_user(self.salesman).read_group(self.leads, ["refusals", "amount"],
                                                                         ["reason_id"])
            managers = self.Manager.with_user(self.sales_manager).read_group(
                self.leads, ["requests", "median_response_hours", "conversion"], ["user_id"])
            rows = self.Funnel.with_user(self.salesman).search_read(self.leads, ["lead_id", "stage_id"])
            # the pivot's default view reads the daily pre-aggregates (no condition on the requests)
            Funnel = self.Funnel.with_user(self.salesman)
            self.assertTrue(Funnel._ecom_rollup_serves([], ["stage_id"], ["reached:sum", "median_hours:sum"], (), None))
            funnel_rollup = Funnel.read_group([], ["reached", "conversion_next", "median_hours"], ["stage_id"])
            managers_rollup = self.Manager.with_user(self.salesman).read_group(
                [], ["requests", "median_response_hours", "conversion"], ["user_id"])
            with self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction), mute_logger("odoo.sql_db"):
                self.Funnel._cron_ecom_refresh_reports()
        self.assertEqual([g["reached"] for g in funnel], [1])
        self.assertEqual([(g["refusals"], g["amount"]) for g in refusals], [(1, 100)])
        self.assertEqual(sorted(g["requests"] for g in managers), [1, 1])
        self.assertEqual(len(rows), 1)
        self.assertEqual([(g["stage_id"][0], g["reached"]) for g in funnel_rollup], [(self.stage_new.id, 1)],
                         "the salesperson's own request only")
        self.assertAlmostEqual(funnel_rollup[0]["median_hours"], 3.0)
        self.assertEqual([(g["user_id"][0], g["requests"]) for g in managers_rollup], [(self.salesman.id, 1)])
