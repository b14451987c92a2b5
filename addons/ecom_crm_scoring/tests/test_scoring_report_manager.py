from datetime import date
from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm_scoring", "ecom_reports")
class TestScoringInManagersReport(TransactionCase):
    """The salespeople's report counts the scoring's contacts and their outcomes next to the requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.salesman = new_test_user(cls.env, login="scoring_rep_salesman", groups="sales_team.group_sale_salesman")
        cls.colleague = new_test_user(cls.env, login="scoring_rep_colleague", groups="sales_team.group_sale_salesman")
        customer = cls.env["res.partner"].create({"name": "Покупатель"})
        outcomes = {cls.salesman: ["ordered", "accepted", "declined", "not_reached"], cls.colleague: ["reached"]}
        cls.env["ecom.scoring.outcome"].create([
            {"partner_id": customer.id, "user_id": user.id, "outcome": outcome, "date": date(2026, 11, 2)}
            for user, user_outcomes in outcomes.items() for outcome in user_outcomes])
        cls.env["crm.lead"].create({"name": "Заявка", "type": "opportunity", "user_id": cls.salesman.id})
        cls.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)

    def test_contacts_and_outcomes_by_salesperson(self):
        Report = self.env["ecom.report.manager"]
        # a kind's cells of another kind's measures are 0 (its rates empty: no contact to divide by), from
        # the daily pre-aggregate (filtered by salesperson) as from the rows (filtered by source); a contact
        # sold nothing itself (its order counts on a request or in 1C's): its money is 0, with VAT and without
        for domain in ([], [("source_id", "=", False)]):
            rows = Report._read_group([("user_id", "=", self.salesman.id), *domain], ["kind"], [
                "requests:sum", "scoring_contacts:sum", "scoring_reached:sum", "scoring_sold:sum",
                "scoring_reach_rate:ecom_ratio", "scoring_sale_rate:ecom_ratio", "calls:sum",
                "calls_without_request:sum", "revenue:sum", "revenue_untaxed:sum", "refunded:sum"])
            # an empty cell (False, the pivot shows nothing) told from 0 (0 == False)
            self.assertEqual([tuple(None if value is False else value for value in row) for row in rows],
                             [("request", 1, 0, 0, 0, None, None, 0, 0, 0, 0, 0),
                              ("scoring", 0, 4, 3, 2, 75.0, 50.0, 0, 0, 0, 0, 0)], domain)
        [(requests, contacts, sale_rate)] = Report._read_group(
            [("user_id", "=", self.salesman.id)], [],
            ["requests:sum", "scoring_contacts:sum", "scoring_sale_rate:ecom_ratio"])
        self.assertEqual((requests, contacts, sale_rate), (1, 4, 50.0))
        # a salesperson sees their own contacts only
        seen = Report.with_user(self.colleague).search([("kind", "=", "scoring")])
        self.assertEqual((seen.user_id, seen.scoring_reached), (self.colleague, 1))


@tagged("post_install", "-at_install", "ecom_crm_scoring", "ecom_reports")
class TestManagersReportOnUpgrade(TransactionCase):
    """``-u ecom_crm`` upgrades ecom_crm_scoring too: ecom_crm's init sees the report without the scoring's
    measures, which ecom_crm_scoring's init adds later in the same update. The table is not recreated for
    them in between (every row rebuilt twice at each upgrade of a large store); a column of no addon still
    to load (an uninstalled one's) is dropped with the table, as before."""

    def _table_id(self, table):
        self.env.cr.execute("SELECT %s::regclass::oid", [table])
        return self.env.cr.fetchone()[0]

    def test_the_table_is_kept_for_the_measures_of_an_addon_loaded_later(self):
        Report = self.env["ecom.report.manager"]
        scoring = {"scoring_contacts", "scoring_reached", "scoring_sold"}
        own = [column for column in Report._ecom_columns() if column[0] not in scoring]
        table = Report._table
        before = self._table_id(table)
        registry = self.env.registry
        with patch.object(registry, "_init_modules", registry._init_modules - {"ecom_crm_scoring"}):
            self.assertFalse(Report._ecom_create_table([*own, ("day", "timestamp")]))
            self.assertFalse(Report._ecom_create_table(
                [column for column in Report._ecom_rollup_columns() if column[0] not in scoring],
                Report._ecom_rollup_table()))
        self.assertEqual(self._table_id(table), before, "the same table, its rows kept")
        # loaded already (or not installed): its columns are no longer this report's, the table is made anew
        self.assertTrue(Report._ecom_create_table([*own, ("day", "timestamp")]))
        self.assertNotEqual(self._table_id(table), before)
