from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .common import ReportCase

AGGREGATES = ["requests:sum", "reached:sum", "advanced:sum", "dropped:sum", "conversion_next:ecom_ratio",
              "drop_rate:ecom_ratio", "win_rate:ecom_ratio", "hours:avg", "median_hours:ecom_percentile",
              "p90_hours:ecom_percentile", "amount_lost:sum"]


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestFunnelReport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ready = cls._ready_for_payment()
        with cls.at(0):
            cls.won = cls._lead(expected_revenue=1000, partner_id=cls.customer.id, **ready)
            cls.lost_contact = cls._lead(expected_revenue=500)
            cls.open = cls._lead(expected_revenue=300)
            cls.lost_new = cls._lead(expected_revenue=200)
            # another salesperson's request, created in «Deciding»: it passed the stages before it
            cls.skipped = cls._lead(expected_revenue=50, user_id=cls.sales_manager.id, stage_id=cls.stage_deciding.id)
        with cls.at(1):
            cls.lost_new.action_set_lost(lost_reason_id=cls.reason_no_answer.id)
        with cls.at(2):
            cls.won.stage_id = cls.stage_contact
        with cls.at(4):
            cls.lost_contact.stage_id = cls.stage_contact
        with cls.at(5):
            cls.skipped.action_set_lost(lost_reason_id=cls.reason_expensive.id)
        with cls.at(6):
            cls.open.stage_id = cls.stage_contact
        with cls.at(12):
            cls.won.stage_id = cls.stage_deciding
        with cls.at(26):
            cls.open.stage_id = cls.stage_deciding
        with cls.at(34):  # dropped in the refusal column
            cls.lost_contact.write({"stage_id": cls.stage_refused.id, "lost_reason_id": cls.reason_expensive.id})
        with cls.at(36):
            cls.won.stage_id = cls.stage_payment
        with cls.at(84):
            cls.won.stage_id = cls.stage_sold
        cls.order = cls._order(cls.won, 89990)
        cls._refresh()
        cls.mine = [("user_id", "=", cls.salesman.id)]

    def test_stages(self):
        by_stage = self.group(self.Funnel, self.mine, ["stage_id"], AGGREGATES)
        self.assertEqual(list(by_stage), [self.stage_new, self.stage_contact, self.stage_deciding, self.stage_payment,
                                          self.stage_sold], "the pipeline's order; no refusal stage")
        new, contact, deciding, payment, sold = by_stage.values()
        # requests in, reached, went further, dropped out
        self.assertEqual([(g["requests:sum"], g["reached:sum"], g["advanced:sum"], g["dropped:sum"])
                          for g in by_stage.values()],
                         [(4, 4, 3, 1), (0, 3, 2, 1), (0, 2, 1, 0), (0, 1, 1, 0), (0, 1, 0, 0)])
        self.assertAlmostEqual(new["conversion_next:ecom_ratio"], 75.0)
        self.assertAlmostEqual(contact["conversion_next:ecom_ratio"], 200 / 3)
        self.assertAlmostEqual(deciding["conversion_next:ecom_ratio"], 50.0)
        self.assertAlmostEqual(new["drop_rate:ecom_ratio"], 25.0)
        self.assertAlmostEqual(contact["drop_rate:ecom_ratio"], 100 / 3)
        self.assertAlmostEqual(new["win_rate:ecom_ratio"], 25.0)
        self.assertAlmostEqual(deciding["win_rate:ecom_ratio"], 50.0)
        # time in stage: New 1, 2, 4, 6 h; Contact 10, 20, 30 h; Deciding 24 h (the open stay does not count)
        self.assertAlmostEqual(new["hours:avg"], 3.25)
        self.assertAlmostEqual(new["median_hours:ecom_percentile"], 3.0)
        self.assertAlmostEqual(new["p90_hours:ecom_percentile"], 5.4)
        self.assertAlmostEqual(contact["median_hours:ecom_percentile"], 20.0)
        self.assertAlmostEqual(contact["p90_hours:ecom_percentile"], 28.0)
        self.assertAlmostEqual(deciding["median_hours:ecom_percentile"], 24.0)
        self.assertAlmostEqual(payment["median_hours:ecom_percentile"], 48.0)
        self.assertFalse(sold["median_hours:ecom_percentile"], "nobody left the won stage")
        # where the money dropped out
        self.assertEqual([g["amount_lost:sum"] for g in by_stage.values()], [200, 500, 0, 0, 0])

    def test_a_stay_still_going_has_no_hours_in_the_lists(self):
        """A request still in its stage has no hours there yet: the funnel's and the stage history's lists show
        none, not 0,00, and their footers' «Average» (the web client's, over the values of the rows read: an
        empty one left out, a 0 counted) is the ended stays', as the pivot's (SQL's avg leaves NULL out)."""
        for model, fname, view in ((self.Funnel, "hours", "ecom_crm.ecom_report_funnel_view_list"),
                                   (self.History, "duration", "ecom_crm.ecom_lead_stage_history_view_list")):
            with self.subTest(model=model._name):
                self.assertIn(f'name="{fname}" avg=', self.env.ref(view).arch_db)
                deciding = [*self.mine, ("stage_id", "=", self.stage_deciding.id)]
                rows = model.web_search_read(deciding,
                                             {"lead_id": {"fields": {}}, fname: {}})["records"]
                by_lead = {row["lead_id"]["id"]: row[fname] for row in rows}
                # «Deciding»: the won request stayed 24 h; the open one is still there
                self.assertEqual(by_lead, {self.won.id: 24.0, self.open.id: False})
                self.assertIs(by_lead[self.open.id], False, "nothing, not 0.0 (which equals False)")
                exported = model.search([*deciding, ("lead_id", "=", self.open.id)]).export_data([fname])["datas"]
                self.assertEqual(exported, [[""]])

    def test_totals_are_ratios_of_sums(self):
        """The pivot's total row: request to sale over the requests, money realised and not."""
        [(requests, sales, sale_rate, realised, lost, expected)] = self.Funnel._read_group(
            self.mine, [], ["requests:sum", "sales:sum", "sale_rate:ecom_ratio", "amount_realised:sum",
                            "amount_lost:sum", "expected_revenue:sum"])
        # confirming its order made the won request's expected revenue the order's (sale_crm)
        self.assertEqual(self.won.expected_revenue, 89990)
        self.assertEqual((requests, sales, realised, lost, expected), (4, 1, 89990, 700, 89990 + 500 + 300 + 200))
        self.assertAlmostEqual(sale_rate, 25.0)
        # the web client's read_group asks for the fields' own aggregators
        [row] = self.Funnel.read_group([*self.mine, ("stage_id", "=", self.stage_contact.id)],
                                       ["conversion_next", "median_hours", "p90_hours"], [])
        self.assertAlmostEqual(row["conversion_next"], 200 / 3)
        self.assertAlmostEqual(row["median_hours"], 20.0)
        self.assertAlmostEqual(row["p90_hours"], 28.0)

    def test_skipped_stages_count_as_passed(self):
        rows = self.Funnel.search([("lead_id", "=", self.skipped.id)], order="stage_sequence")
        self.assertEqual(rows.stage_id, self.stage_new | self.stage_contact | self.stage_deciding)
        self.assertEqual(rows.mapped("requests"), [1, 0, 0])
        self.assertEqual(rows.mapped("dropped"), [0, 0, 1])
        self.assertEqual(rows.mapped("hours"), [0.0, 0.0, 5.0])
        self.assertEqual(rows[0].action_ecom_open_lead()["res_id"], self.skipped.id)

    def test_incremental_refresh(self):
        """The next run rebuilds the rows of the request that changed, and leaves the others alone."""
        cr = self.env.cr
        # everything so far happened before the previous run
        for table, column in (("crm_lead", "write_date"), ("sale_order", "write_date"), ("crm_stage", "write_date"),
                              ("res_partner", "write_date"), ("mail_activity", "write_date"),
                              ("ecom_call", "write_date"), ("mail_message", "date")):
            cr.execute(SQL("UPDATE %s SET %s = %s", SQL.identifier(table), SQL.identifier(column),
                           self.T0 - timedelta(days=1)))
        self.env.invalidate_all()

        def row_ids(table):
            cr.execute(SQL("SELECT lead_id, array_agg(id ORDER BY id) FROM %s GROUP BY lead_id", SQL.identifier(table)))
            return dict(cr.fetchall())

        tables = ("ecom_report_funnel", "ecom_report_manager", "ecom_report_refusal")
        before = {table: row_ids(table) for table in tables}
        with self.at(40):
            self.open.write({**self._ready_for_payment(), "stage_id": self.stage_payment.id})
        self.Funnel._cron_ecom_refresh_reports()
        for table in tables:
            after = row_ids(table)
            self.assertEqual(set(after), set(before[table]), table)
            for lead_id, ids in after.items():
                if lead_id == self.open.id:
                    self.assertFalse(set(ids) & set(before[table][lead_id]), f"{table}: the changed request's rows")
                else:
                    self.assertEqual(ids, before[table][lead_id], f"{table}: an unchanged request's rows")
        deciding = self.group(self.Funnel, [*self.mine, ("stage_id", "=", self.stage_deciding.id)], ["stage_id"],
                              ["advanced:sum", "median_hours:ecom_percentile"])[self.stage_deciding]
        self.assertEqual(deciding["advanced:sum"], 2)
        self.assertAlmostEqual(deciding["median_hours:ecom_percentile"], 19.0)  # 24 h and 14 h
        self.assertEqual(self.Funnel.search_count([("lead_id", "=", self.open.id)]), 4)

    def test_deleted_request_leaves_the_reports(self):
        self.assertTrue(self.Funnel.search_count([("lead_id", "=", self.lost_new.id)]))
        self.lost_new.unlink()
        self.env.flush_all()
        self.assertFalse(self.Funnel.search_count([("lead_id", "=", self.lost_new.id)]))
        self.assertFalse(self.Manager.search_count([("lead_id", "=", self.lost_new.id)]))
        [(requests,)] = self.Funnel._read_group(self.mine, [], ["requests:sum"])
        self.assertEqual(requests, 3)

    def test_pipeline_change_rebuilds_everything(self):
        """A new stage changes every request's rows: the next run rebuilds the whole funnel."""
        # between «First contact» and «Deciding» (same sequence as the first, created after it)
        callback = self.env["crm.stage"].create({"name": "Перезвонить", "sequence": 2})
        self.Funnel._cron_ecom_refresh_reports()
        reached = {stage: g["reached:sum"] for stage, g in
                   self.group(self.Funnel, self.mine, ["stage_id"], ["reached:sum"]).items()}
        self.assertEqual(reached, {self.stage_new: 4, self.stage_contact: 3, callback: 2, self.stage_deciding: 2,
                                   self.stage_payment: 1, self.stage_sold: 1},
                         "the requests that went past the new stage passed through it")
