"""The store reports' daily pre-aggregate (the «rollup»): the pivot reads it when it gives the same
answers as the rows (filters and groupings by its columns and by whole days of the company's time
zone), and the rows otherwise; it is rebuilt for the days whose rows changed only; the reports are
found in the registry; ratios and percentiles have no columns of their own."""

from datetime import datetime, timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .common import ReportCase

AGGREGATES = ["__count", "requests:sum", "reached:sum", "advanced:sum", "dropped:sum", "conversion_next:ecom_ratio",
              "win_rate:ecom_ratio", "hours:avg", "median_hours:ecom_percentile", "p90_hours:ecom_percentile",
              "expected_revenue:sum", "amount_lost:sum"]
# the first Moscow midnight of the requests (1 November 2026), in UTC
NOV_1 = "2026-10-31 21:00:00"
ROWS = ("lead_id", "!=", False)  # a condition on the requests: the rows answer


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestReportRollup(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.company"].search([]).partner_id.tz = "Europe/Moscow"  # a store in Moscow
        cls.campaign = cls.env["utm.campaign"].create({"name": "Кампания R"})
        with cls.at(0):
            cls.leads = [cls._lead(expected_revenue=100 * (i + 1), campaign_id=cls.campaign.id if i % 2 else False,
                                   user_id=(cls.salesman if i < 4 else cls.sales_manager).id) for i in range(6)]
        # two requests a day (in Moscow): 1, 2 (the second at 23:30, 20:30 UTC) and 3 November
        cls.days = [datetime(2026, 11, 1, 7), datetime(2026, 11, 2, 20, 30), datetime(2026, 11, 3, 7)]
        for lead, when in zip(cls.leads, cls.days * 2, strict=True):
            cls._set_created(lead, when)
        # hours in «New request»: 2, 3, 4, 4 (the 5th skips «First contact»), 5 (lost there) and 13
        moves = {2: [(0, "contact")], 3: [(1, "contact")], 4: [(2, "contact"), (4, "deciding")], 5: [(3, "lost")],
                 11: [(1, "deciding")], 13: [(5, "contact")], 20: [(0, "deciding")]}
        for hour, steps in sorted(moves.items()):
            with cls.at(hour):
                for index, step in steps:
                    lead = cls.leads[index]
                    if step == "lost":
                        lead.action_set_lost(lost_reason_id=cls.reason_expensive.id)
                    else:
                        lead.stage_id = getattr(cls, f"stage_{step}")
        cls._refresh()
        cls.Moscow = cls.Funnel.with_context(tz="Europe/Moscow")

    def both(self, domain, groupby, aggregates=AGGREGATES, model=None):
        """What the rollup answers (it must serve the question) and what the rows answer."""
        model = model or self.Moscow
        self.assertTrue(model._ecom_rollup_serves(domain, groupby, aggregates, (), None), (domain, groupby))
        return model._read_group(domain, groupby, aggregates), model._read_group([*domain, ROWS], groupby, aggregates)

    def assertSameGroups(self, rollup, rows):
        self.assertEqual(len(rollup), len(rows))
        for got, expected in zip(rollup, rows, strict=True):
            self.assertEqual(len(got), len(expected))
            for a, b in zip(got, expected, strict=True):
                if isinstance(b, float):
                    self.assertAlmostEqual(a, b, msg=(got, expected))
                else:
                    self.assertEqual(a, b, (got, expected))

    def test_same_answers_as_the_rows(self):
        period = [("date", ">=", NOV_1), ("date", "<=", "2026-11-03 20:59:59")]
        for groupby in ([], ["stage_id"], ["user_id", "stage_id"], ["date:day", "stage_id"], ["date:month"],
                        ["team_id", "company_id"]):
            self.assertSameGroups(*self.both(period, groupby))
        # the request of 23:30 in Moscow is of its Moscow day
        [_rollup, rows] = self.both(period, ["date:day"], ["requests:sum"])
        self.assertEqual([(str(day)[:10], count) for day, count in rows],
                         [("2026-11-01", 2), ("2026-11-02", 2), ("2026-11-03", 2)])
        # a period of whole days
        only_2nd = [("date", ">=", "2026-11-01 21:00:00"), ("date", "<", "2026-11-02 21:00:00")]
        rollup, rows = self.both(only_2nd, ["stage_id"])
        self.assertSameGroups(rollup, rows)
        self.assertEqual(sum(row[2] for row in rollup), 2, "the requests of 2 November")
        # the known figures, read from the rollup
        new = self.Moscow._read_group([*period, ("stage_id", "=", self.stage_new.id)], [],
                                      ["reached:sum", "median_hours:ecom_percentile", "p90_hours:ecom_percentile",
                                       "hours:avg"])
        self.assertEqual(new[0][0], 6)
        self.assertAlmostEqual(new[0][1], 4.0)  # 2, 3, 4, 4, 5 and 13 h
        self.assertAlmostEqual(new[0][2], 9.0)
        self.assertAlmostEqual(new[0][3], 31 / 6)

    def test_the_pivot_reads_the_rollup(self):
        period = [("date", ">=", NOV_1)]
        [(reached,)] = self.Moscow._read_group(period, [], ["reached:sum"])
        self.env.cr.execute("UPDATE ecom_report_funnel_day SET reached = reached + 1000 WHERE stage_id = %s "
                            "AND date >= %s RETURNING id", [self.stage_new.id, NOV_1])
        tampered = len(self.env.cr.fetchall())
        self.assertEqual(tampered, 5, "a row per day and salesperson: both on the 2nd and 3rd, one on the 1st")
        self.assertEqual(self.Moscow._read_group(period, [], ["reached:sum"]), [(reached + 1000 * tampered,)])
        # the web client's read_group and its count
        [group] = self.Moscow.read_group(period, ["reached"], ["stage_id"], lazy=True, orderby="stage_id")[:1]
        self.assertEqual(group["stage_id_count"], 6)
        self.assertEqual(group["reached"], 6 + 1000 * tampered)
        # what the rollup cannot answer reads the rows (not tampered)
        self.assertEqual(self.Moscow._read_group([*period, ROWS], [], ["reached:sum"]), [(reached,)])
        utc_midnight = [("date", ">=", "2026-11-01 00:00:00")]
        for domain, groupby, aggregates in [
            (utc_midnight, [], ["reached:sum"]),  # not a Moscow midnight
            ([("date", ">", NOV_1)], [], ["reached:sum"]),  # not a day's bound either
            ([("campaign_id", "=", self.campaign.id)], [], ["reached:sum"]),  # not a column of the rollup
            (period, ["campaign_id"], ["reached:sum"]),
            (period, ["source_id"], ["reached:sum"]),
            (period, [], ["reached:max"]),
            (period, ["date:hour"], ["reached:sum"]),
        ]:
            self.assertFalse(self.Moscow._ecom_rollup_serves(domain, groupby, aggregates, (), None), domain)
        self.assertFalse(self.Funnel.with_context(tz="UTC")._ecom_rollup_serves(period, ["date:day"], [], (), None),
                         "days of another time zone than the company's")
        [(max_reached,)] = self.Moscow._read_group(period, [], ["reached:max"])
        self.assertEqual(max_reached, 1)

    def test_salesperson_reads_own_figures_from_the_rollup(self):
        for user, leads in ((self.salesman, 4), (self.sales_manager, 6)):
            Report = self.Moscow.with_user(user)
            rollup, rows = self.both([("date", ">=", NOV_1)], ["stage_id"], model=Report)
            self.assertSameGroups(rollup, rows)
            self.assertEqual(Report._read_group([], [], ["requests:sum"]), [(leads,)], user.name)

    def test_incremental_refresh_rebuilds_only_the_changed_days(self):
        cr = self.env.cr
        # everything so far happened before the previous run
        past = self.T0 - timedelta(days=1)
        for table, column in (("crm_lead", "write_date"), ("sale_order", "write_date"), ("crm_stage", "write_date"),
                              ("res_partner", "write_date"),
                              ("mail_activity", "write_date"), ("ecom_call", "write_date"), ("mail_message", "date")):
            cr.execute(SQL("UPDATE %s SET %s = %s", SQL.identifier(table), SQL.identifier(column), past))
        self.env.invalidate_all()

        def rollup_ids():
            cr.execute("SELECT date, array_agg(id ORDER BY id) FROM ecom_report_funnel_day GROUP BY date")
            return dict(cr.fetchall())

        def row_ids():
            cr.execute("SELECT lead_id, array_agg(id ORDER BY id) FROM ecom_report_funnel GROUP BY lead_id")
            return dict(cr.fetchall())

        rollup_before, rows_before = rollup_ids(), row_ids()
        moved = self.leads[5]  # of 3 November
        with self.at(30):
            moved.stage_id = self.stage_deciding
        self.Funnel._cron_ecom_refresh_reports()
        rollup_after, rows_after = rollup_ids(), row_ids()
        nov_3 = datetime(2026, 11, 2, 21)
        self.assertEqual(set(rollup_after), set(rollup_before))
        for day, ids in rollup_after.items():
            if day == nov_3:
                self.assertFalse(set(ids) & set(rollup_before[day]), "the changed day is rebuilt")
            else:
                self.assertEqual(ids, rollup_before[day], f"{day} left alone")
        for lead_id, ids in rows_after.items():
            if lead_id == moved.id:
                self.assertFalse(set(ids) & set(rows_before[lead_id]))
                self.assertEqual(len(ids), 3)
            else:
                self.assertEqual(ids, rows_before[lead_id], "an unchanged request's rows are left alone")
        deciding = self.Moscow._read_group([("date", ">=", NOV_1), ("stage_id", "=", self.stage_deciding.id)], [],
                                           ["reached:sum"])
        self.assertEqual(deciding, [(4,)])

    def test_deleted_request_leaves_the_rollup(self):
        period = [("date", ">=", NOV_1)]
        [(requests, amount)] = self.Moscow._read_group(period, [], ["requests:sum", "expected_revenue:sum"])
        self.leads[5].unlink()
        self.assertEqual(self.Moscow._read_group(period, [], ["requests:sum", "expected_revenue:sum"]),
                         [(requests - 1, amount - 600)])

    def test_reports_found_in_the_registry(self):
        Table = self.env["ecom.report.table"]
        self.assertEqual([report._name for report in Table._ecom_table_reports()],
                         ["ecom.report.funnel", "ecom.report.manager", "ecom.report.refusal"])
        self.assertEqual(Table._ecom_report_models("ecom.report.matview"),
                         ["ecom.report.attribution", "ecom.report.channel", "ecom.report.cohort", "ecom.report.sales"])

    def test_ratios_and_percentiles_have_no_columns(self):
        self.env.cr.execute("SELECT column_name FROM information_schema.columns "
                            "WHERE table_name = 'ecom_report_funnel'")
        columns = {name for (name,) in self.env.cr.fetchall()}
        self.assertFalse(columns & {"median_hours", "p90_hours", "conversion_next", "drop_rate", "win_rate",
                                    "sale_rate"})
        # a row's own figures: its hours, its own ratio
        rows = self.Funnel.search([("lead_id", "=", self.leads[3].id)], order="stage_sequence")
        self.assertEqual(rows.mapped("hours"), [5.0])
        self.assertEqual(rows.mapped("median_hours"), rows.mapped("hours"))
        self.assertEqual((rows.drop_rate, rows.conversion_next), (100.0, 0.0))
        # a domain on a ratio reads the rows' own ratios
        self.assertEqual(self.Funnel.search([("drop_rate", "=", 100), ("date", ">=", NOV_1)]).lead_id, self.leads[3])
