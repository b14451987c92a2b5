from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.modules.migration import load_script
from odoo.tests import tagged
from odoo.tools import SQL

from .common import ReportCase


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestManagerReport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.at(0):
            cls.by_activity = cls._lead(partner_id=cls.customer.id, **cls._ready_for_payment())
            cls.by_message = cls._lead()
            cls.by_call = cls._lead()
            cls.silent = cls._lead()
        leads = cls.by_activity | cls.by_message | cls.by_call | cls.silent
        cls._set_created(leads, cls.T0)
        salesman_env = cls.env(user=cls.salesman)
        with cls.at(1):  # an internal note is no answer to the customer
            cls.by_message.with_env(salesman_env).message_post(body="позвонить вечером", message_type="comment",
                                                               subtype_xmlid="mail.mt_note")
        with cls.at(3):
            activity = cls.by_activity.activity_schedule("mail.mail_activity_data_call", user_id=cls.salesman.id)
            activity.with_env(salesman_env).action_feedback(feedback="договорились")
        with cls.at(5):
            cls.by_message.with_env(salesman_env).message_post(body="Здравствуйте!", message_type="comment",
                                                               subtype_xmlid="mail.mt_comment")
        cls.env["ecom.call"].create({"call_id": "c-1", "caller": "+79161234567", "state": "answered",
                                     "started_at": cls.T0 + timedelta(hours=2), "lead_id": cls.by_call.id,
                                     "user_id": cls.salesman.id})
        cls.silent.activity_schedule("mail.mail_activity_data_call", user_id=cls.salesman.id,
                                     date_deadline=fields.Date.today() - timedelta(days=2))
        with cls.at(50):
            cls.by_activity.stage_id = cls.stage_payment
            cls.by_activity.stage_id = cls.stage_sold
        cls._order(cls.by_activity, 89990)
        cls._order(cls.by_activity, 10000)
        cls._order(cls.by_activity, 5000, confirm=False)  # a quotation is no order
        cls._refresh()

    def test_salesperson_figures(self):
        [(requests, responded, rate, avg, median, p90, won, conversion, orders, revenue, avg_order, overdue)] = \
            self.Manager._read_group([("user_id", "=", self.salesman.id)], [], [
                "requests:sum", "responded:sum", "response_rate:ecom_ratio", "response_hours:avg",
                "median_response_hours:ecom_percentile", "p90_response_hours:ecom_percentile", "won:sum",
                "conversion:ecom_ratio", "orders:sum", "revenue:sum", "avg_order:ecom_ratio",
                "overdue_activities:sum"])
        self.assertEqual((requests, responded, won, orders, revenue, overdue), (4, 3, 1, 2, 99990, 1))
        self.assertAlmostEqual(rate, 75.0)
        # first responses: 3 h (activity done), 5 h (message; the note at 1 h does not count), 2 h (call)
        self.assertAlmostEqual(avg, 10 / 3)
        self.assertAlmostEqual(median, 3.0)
        self.assertAlmostEqual(p90, 4.6)
        self.assertAlmostEqual(conversion, 25.0)
        self.assertAlmostEqual(avg_order, 49995.0)
        by_lead = {r.lead_id: r.response_hours
                   for r in self.Manager.search([("user_id", "=", self.salesman.id), ("kind", "=", "request")])}
        # a request nobody answered has no first response (not one of 0 h)
        self.assertEqual(by_lead, {self.by_activity: 3.0, self.by_message: 5.0, self.by_call: 2.0, self.silent: False})
        self.assertFalse(self.Manager.search([("lead_id", "=", self.silent.id)]).responded)

    def test_the_list_leaves_the_unanswered_out(self):
        """The salespeople's list (ungrouped) shows no first response for a request nobody answered, nor for a
        call's row, and its footer's «Average» (the web client's, over the values of the rows it read: an empty
        one left out, a 0 counted) is the answered requests', as the pivot's: it showed 0,00 and counted it
        (2,50 h here instead of 3,33 h)."""
        list_view = self.env.ref("ecom_crm.ecom_report_manager_view_list")
        self.assertIn('name="response_hours" avg=', list_view.arch_db)
        self.env["ecom.call"].create({"call_id": "out-2", "caller": "+79161234567", "direction": "out",
                                      "state": "finished", "started_at": self.T0 + timedelta(hours=1),
                                      "user_id": self.salesman.id})
        self._refresh()
        rows = self.Manager.web_search_read([("user_id", "=", self.salesman.id)], {
            "lead_id": {"fields": {}}, "call_id": {"fields": {"call_id": {}}}, "response_hours": {}})["records"]
        by_row = {(row["lead_id"] and row["lead_id"]["id"]) or row["call_id"]["call_id"]: row["response_hours"]
                  for row in rows}
        self.assertEqual(by_row, {self.by_activity.id: 3.0, self.by_message.id: 5.0, self.by_call.id: 2.0,
                                  self.silent.id: False, "c-1": False, "out-2": False})
        # the list renderer's average: of the values that are a number (JavaScript's ``v || v === 0``)
        shown = [value for value in by_row.values() if value is not False]
        self.assertAlmostEqual(sum(shown) / len(shown), 10 / 3)
        # an export says nothing either, not 0
        exported = self.Manager.search([("lead_id", "=", self.silent.id), ("kind", "=", "request")]).export_data(
            ["response_hours"])["datas"]
        self.assertEqual(exported, [[""]])

    def test_calls_of_no_request(self):
        """Calls count for the salesperson who talked, with a request or not: a hidden number's answered call
        and an outgoing call to a customer with no open request too (none counted before: the report
        counted calls through their requests), one nobody answered for nobody; each in its company, which
        a salesperson reads with their lowest rights. The requests' figures stay the requests'."""
        other = self.env["res.company"].create({"name": "Второй магазин"})
        self.salesman.company_ids |= other
        when = self.T0 + timedelta(hours=4)
        hidden = {"hidden_caller": True, "state": "finished", "started_at": when, "user_id": self.salesman.id}
        self.env["ecom.call"].create([
            dict(hidden, call_id="hidden-1"),
            {"call_id": "out-1", "caller": "+79035554422", "direction": "out", "state": "missed",
             "started_at": when, "user_id": self.salesman.id},
            dict(hidden, call_id="hidden-missed", state="missed", user_id=False),
            # logged by hand: «the customer called», «not answered» (the salesperson missed it)
            {"call_id": "manual-missed", "caller": "+79035554423", "direction": "in", "state": "missed",
             "started_at": when, "user_id": self.salesman.id},
            dict(hidden, call_id="hidden-other", company_id=other.id),
        ])
        self.Funnel._cron_ecom_refresh_reports()  # the scheduled refresh: the calls changed since the last one
        measures = ["calls", "calls_without_request", "requests", "responded"]
        Manager = self.Manager.with_user(self.salesman).with_context(allowed_company_ids=self.env.company.ids)
        # the pivot's read, on the daily pre-aggregate and on the rows (a filter on no column of it)
        for domain in ([], [("date", "!=", False)]):
            [group] = Manager.read_group(domain, measures, ["user_id"])
            self.assertEqual((group["user_id"][0], *(group[m] for m in measures)), (self.salesman.id, 3, 2, 4, 3),
                             domain)
        both = Manager.with_context(allowed_company_ids=(self.env.company | other).ids)
        self.assertEqual(dict(both._read_group([], ["company_id"], ["calls:sum"])), {self.env.company: 3, other: 1})
        self.assertFalse(self.Manager.search_count([("kind", "=", "call"), ("user_id", "=", False)]),
                         "a call nobody answered is nobody's")
        self.assertEqual(self.Manager.search_count([("kind", "=", "call"), ("user_id", "=", self.salesman.id)]), 4,
                         "nor is one logged missed: the salesperson did not talk")
        # the list the pivot's cell opens, read by the salesperson
        rows = Manager.search_read([("kind", "=", "call")], ["date", "user_id", "calls", "calls_without_request",
                                                             "revenue"])
        self.assertEqual(sorted((row["calls"], row["calls_without_request"], row["revenue"]) for row in rows),
                         [(1, 0, 0), (1, 1, 0), (1, 1, 0)])

    def test_a_call_is_of_the_stores_day(self):
        """A call at 00:30 in Moscow (21:30 UTC the day before) counts on its Moscow day, as the requests do."""
        self.env.company.partner_id.tz = "Europe/Moscow"
        self.env["ecom.call"].create({"call_id": "late", "hidden_caller": True, "state": "finished",
                                      "started_at": datetime(2026, 11, 2, 21, 30), "user_id": self.salesman.id})
        self.Funnel._cron_ecom_refresh_reports()
        Moscow = self.Manager.with_context(tz="Europe/Moscow")
        period = [("date", ">=", "2026-11-01 21:00:00"), ("date", "<", "2026-11-03 21:00:00")]
        self.assertTrue(Moscow._ecom_rollup_serves(period, ["date:day"], ["calls:sum"], (), None))
        for domain in (period, [*period, ("date", "!=", False)]):  # the daily pre-aggregate, the rows
            days = [(str(day)[:10], calls) for day, calls in Moscow._read_group(domain, ["date:day"], ["calls:sum"])]
            self.assertEqual(days, [("2026-11-02", 1), ("2026-11-03", 1)], domain)

    def test_a_refresh_rebuilds_the_calls_changed_only(self):
        """The scheduled refresh rebuilds the rows of the calls written since the previous one (a new
        call, a call whose request was deleted), not the others; a call deleted leaves with its row and
        its day of the daily pre-aggregate."""
        self.env.flush_all()
        # what the setup wrote was written before the last refresh (this test runs in one transaction)
        for table in ("crm_lead", "sale_order", "mail_activity", "ecom_call", "crm_team_member", "crm_team",
                      "crm_stage", "res_partner"):
            self.env.cr.execute(SQL("UPDATE %s SET write_date = write_date - interval '1 day'", SQL.identifier(table)))
        self.env.cr.execute("UPDATE mail_message SET date = date - interval '1 day'")
        self.env.invalidate_all()
        [old] = self.Manager.search([("kind", "=", "call")])
        new = self.env["ecom.call"].create({"call_id": "new", "hidden_caller": True, "state": "answered",
                                            "started_at": self.T0 + timedelta(hours=6), "user_id": self.salesman.id})

        def calls():
            self.Funnel._cron_ecom_refresh_reports()
            rows = self.Manager.search([("kind", "=", "call")])
            [totals] = self.Manager._read_group([("user_id", "=", self.salesman.id)], [],  # the pre-aggregate
                                                ["calls:sum", "calls_without_request:sum"])
            return {row.id: row.calls_without_request for row in rows}, totals

        rows, totals = calls()
        self.assertEqual((rows.pop(old.id), list(rows.values()), totals), (0, [1], (2, 1)),
                         "the call not written since kept its row")
        new.unlink()
        self.assertEqual(calls(), ({old.id: 0}, (1, 0)))
        # the salesperson joins a team (the membership's write not looked at): their calls' rows move to it
        team = self.env["crm.team"].create({"name": "Колл-центр"})
        self.env["crm.team.member"].create({"crm_team_id": team.id, "user_id": self.salesman.id})
        self.env.cr.execute("UPDATE crm_team_member SET write_date = write_date - interval '1 day'")
        calls()
        [old] = self.Manager.search([("kind", "=", "call")])
        self.assertEqual(old.team_id, team)
        self.by_call.unlink()  # the call stays, outside any request
        rows, totals = calls()
        self.assertEqual((list(rows.values()), totals), ([1], (1, 1)))
        self.assertNotEqual(list(rows), [old.id], "rebuilt")

    def test_the_calls_of_a_merged_request_are_the_kept_ones(self):
        """Duplicates merged: the call of the one merged away is the kept request's, not outside requests."""
        duplicate = self._lead()
        call = self.env["ecom.call"].create({"call_id": "dup", "caller": "+79161234567", "state": "finished",
                                             "lead_id": duplicate.id, "user_id": self.salesman.id})
        kept = (self.by_call | duplicate).merge_opportunity()
        self.assertEqual((kept, duplicate.exists(), call.lead_id), (self.by_call, self.env["crm.lead"], self.by_call))
        self.Funnel._cron_ecom_refresh_reports()
        [(calls, outside)] = self.Manager._read_group([("kind", "=", "call")], [],
                                                      ["calls:sum", "calls_without_request:sum"])
        self.assertEqual((calls, outside), (2, 0))

    def test_an_order_moved_to_another_request(self):
        """An order moved to another request (a duplicate found late) counts for that one only after
        the next refresh: the request it left kept counting it."""
        moved = self.by_activity.order_ids.filtered(lambda order: order.amount_total == 89990)
        self.env.flush_all()
        # what the setup wrote was written before the last refresh (this test runs in one transaction)
        for table, column in (("crm_lead", "write_date"), ("sale_order", "write_date"), ("mail_message", "date"),
                              ("mail_activity", "write_date"), ("ecom_call", "write_date"),
                              ("crm_stage", "write_date"), ("res_partner", "write_date")):
            self.env.cr.execute(SQL("UPDATE %s SET %s = %s - interval '1 day'", SQL.identifier(table),
                                    SQL.identifier(column), SQL.identifier(column)))
        self.env.invalidate_all()
        moved.opportunity_id = self.by_message
        self.Funnel._cron_ecom_refresh_reports()
        rows = {row.lead_id: (row.orders, row.revenue) for row in self.Manager.search(
            [("lead_id", "in", (self.by_activity | self.by_message).ids)])}
        self.assertEqual(rows[self.by_activity], (1, 10000))
        self.assertEqual(rows[self.by_message], (1, 89990))
        [(orders, revenue)] = self.Manager._read_group([("user_id", "=", self.salesman.id)], [],
                                                       ["orders:sum", "revenue:sum"])
        self.assertEqual((orders, revenue), (2, 99990), "counted once")
        # the funnel's money realised is the won request's: what is left of it once the order moved
        [(realised,)] = self.Funnel._read_group([("lead_id", "=", self.by_activity.id)], [], ["amount_realised:sum"])
        self.assertEqual(realised, 10000)

    def test_parts_of_other_addons(self):
        """Another addon adds rows of its own kind with the columns it knows; the others stay empty
        and the salesperson's figures add up over both kinds."""
        Manager = type(self.Manager)
        base_parts = Manager._ecom_parts

        def parts(model, lead_ids=None):
            result = base_parts(model, lead_ids)
            result["other"] = ({"kind": SQL("'other'"), "user_id": SQL("u.id"), "date": SQL("%s", self.T0),
                                "overdue_activities": SQL("2")},
                               SQL("res_users u WHERE u.id = %s", self.salesman.id))
            return result

        with patch.object(Manager, "_ecom_parts", parts):
            self.Funnel._cron_ecom_refresh_reports()
        other = self.Manager.search([("kind", "=", "other")])
        self.assertEqual((other.user_id, other.requests, other.lead_id, other.overdue_activities),
                         (self.salesman, 0, self.env["crm.lead"], 2))
        self.assertFalse(other.action_ecom_open_lead(), "a click on its row opens nothing (no new request's form)")
        [(requests, overdue)] = self.Manager._read_group([("user_id", "=", self.salesman.id)], [],
                                                         ["requests:sum", "overdue_activities:sum"])
        self.assertEqual((requests, overdue), (4, 3))
        self.Funnel._cron_ecom_refresh_reports()
        self.assertFalse(self.Manager.search_count([("kind", "=", "other")]), "a kind no part gives is gone")

    def test_a_calls_channel(self):
        """A call's row has its request's channel (a channel's calls are its requests'); a call of no
        request its telephony line's, one logged by hand none. An incremental refresh follows a request's
        channel edited, and a line's, without the calls being written."""
        phone = self.env.ref("ecom_crm.utm_source_phone")
        direct = self.env.ref("ecom_crm.utm_source_yandex_direct")
        cpc, organic = (self.env["utm.medium"].create({"name": name}) for name in ("cpc-test", "organic-test"))
        campaign = self.env["utm.campaign"].create({"name": "Коляски зимой"})
        line = self.env["ecom.intake.source"].create({"name": "Манго", "kind": "calls", "utm_source_id": phone.id,
                                                      "utm_medium_id": organic.id})
        self.by_call.write({"source_id": direct.id, "medium_id": cpc.id, "campaign_id": campaign.id})
        when = self.T0 + timedelta(hours=4)
        talked = {"state": "finished", "started_at": when, "user_id": self.salesman.id, "source_id": line.id}
        of_request, of_none, by_hand = self.env["ecom.call"].create([
            dict(talked, call_id="req", caller="+79161234567", lead_id=self.by_call.id),
            dict(talked, call_id="hidden", hidden_caller=True),
            dict(talked, call_id="by-hand", caller="+79035554422", direction="out", source_id=False),
        ])
        self._refresh()

        def channels():
            return {row.call_id: (row.source_id, row.medium_id, row.campaign_id)
                    for row in self.Manager.search([("kind", "=", "call")])}

        nothing = (self.env["utm.source"], self.env["utm.medium"], self.env["utm.campaign"])
        self.assertEqual(channels(), {
            self.env["ecom.call"].search([("call_id", "=", "c-1")]): (direct, cpc, campaign),
            of_request: (direct, cpc, campaign),
            of_none: (phone, organic, self.env["utm.campaign"]),
            by_hand: nothing,
        })
        # grouped by source, the call counts with its request
        by_source = self.group(self.Manager, [("source_id", "=", direct.id)], ["kind"], ["requests:sum", "calls:sum"])
        self.assertEqual(by_source, {"request": {"requests:sum": 1, "calls:sum": 0},
                                     "call": {"requests:sum": 0, "calls:sum": 2}})
        self.assertEqual(self.group(self.Manager, [("kind", "=", "call")], ["source_id"], ["calls:sum"]),
                         {direct: {"calls:sum": 2}, phone: {"calls:sum": 1}, self.env["utm.source"]: {"calls:sum": 1}})
        # the request's channel edited, the line's channel changed: the calls not written since follow
        self.env.flush_all()
        for table in ("crm_lead", "sale_order", "mail_activity", "ecom_call", "ecom_intake_source", "crm_stage",
                      "res_partner"):
            self.env.cr.execute(SQL("UPDATE %s SET write_date = write_date - interval '1 day'", SQL.identifier(table)))
        self.env.cr.execute("UPDATE mail_message SET date = date - interval '1 day'")
        self.env.invalidate_all()
        rows = self.Manager.search([("kind", "=", "call")])
        self.by_call.write({"source_id": phone.id, "medium_id": False, "campaign_id": False})
        line.utm_source_id = direct
        self.Funnel._cron_ecom_refresh_reports()
        self.assertEqual(channels(), {
            self.env["ecom.call"].search([("call_id", "=", "c-1")]): (phone, self.env["utm.medium"],
                                                                     self.env["utm.campaign"]),
            of_request: (phone, self.env["utm.medium"], self.env["utm.campaign"]),
            of_none: (direct, organic, self.env["utm.campaign"]),
            by_hand: nothing,
        })
        self.assertIn(self.Manager.search([("call_id", "=", by_hand.id)]), rows, "a call whose channel stayed: kept")
        # 18.0.1.6.5's migration gives the calls' rows of an upgraded database their channel
        self.env.cr.execute("UPDATE ecom_report_manager SET source_id = NULL, medium_id = NULL, campaign_id = NULL "
                            "WHERE kind = 'call'")
        self.Manager.invalidate_model()
        migration = load_script("ecom_crm/migrations/18.0.1.6.5/post-migrate.py", "ecom_crm_post_migrate_18_0_1_6_5")
        self.assertEqual(migration.give_the_calls_their_channel(self.env.cr), 4)
        self.Manager.invalidate_model()
        self.assertEqual(channels()[of_none], (direct, organic, self.env["utm.campaign"]))
        self.assertEqual(channels()[of_request], (phone, self.env["utm.medium"], self.env["utm.campaign"]))

    def test_its_pivot_loads_with_odoos(self):
        """The report's pivot view (static/src/views/ecom_report_manager_pivot.js) is in the lazy bundle
        with Odoo's pivot view it extends, not in the main one: there it named modules not loaded yet and
        stopped the web client."""
        path = "/ecom_crm/static/src/views/ecom_report_manager_pivot.js"

        def paths(bundle):
            return {asset[0] for asset in self.env["ir.asset"]._get_asset_paths(bundle, {})}

        self.assertIn(path, paths("web.assets_backend_lazy"))
        self.assertIn("/web/static/src/views/pivot/pivot_view.js", paths("web.assets_backend_lazy"))
        self.assertNotIn(path, paths("web.assets_backend"))

    def test_a_call_opens_its_call(self):
        """A call's row opens its call (a click on the row, «Open»), a request's its request; a number of
        calls of the pivot opens the calls journal's list of the calls behind it, those of no request for
        «Calls outside requests», read by the salesperson."""
        hidden = self.env["ecom.call"].create({"call_id": "hidden", "hidden_caller": True, "state": "finished",
                                               "started_at": self.T0 + timedelta(hours=4),
                                               "user_id": self.salesman.id})
        # another salesperson's call from a hidden number: theirs, the salesperson sees it neither in the calls
        # journal nor in the report
        others = self.env["ecom.call"].create({"call_id": "others", "hidden_caller": True, "state": "finished",
                                               "started_at": self.T0 + timedelta(hours=5),
                                               "user_id": self.sales_manager.id})
        self._refresh()
        row = self.Manager.search([("call_id", "=", hidden.id)])
        self.assertEqual({key: row.action_ecom_open_lead()[key] for key in ("res_model", "res_id")},
                         {"res_model": "ecom.call", "res_id": hidden.id})
        request_row = self.Manager.search([("lead_id", "=", self.by_call.id)])
        self.assertEqual(request_row.action_ecom_open_lead()["res_id"], self.by_call.id)
        Manager = self.Manager.with_user(self.salesman)
        action = Manager.ecom_calls_action([("user_id", "=", self.salesman.id)], "calls")
        self.assertEqual(action["res_model"], "ecom.call")
        with_request = self.env["ecom.call"].search([("call_id", "=", "c-1")])
        self.assertEqual(self.env["ecom.call"].with_user(self.salesman).search(action["domain"]), hidden | with_request)
        action = Manager.ecom_calls_action([("user_id", "=", self.salesman.id)], "calls_without_request")
        self.assertEqual(self.env["ecom.call"].search(action["domain"]), hidden)
        self.assertEqual(action["name"], "Calls outside requests")
        # a group of no call (another salesperson's): none
        action = Manager.ecom_calls_action([("user_id", "=", self.sales_manager.id)], "calls")
        self.assertFalse(self.env["ecom.call"].with_user(self.salesman).search(action["domain"]))
        # the calls said by a domain on the report's rows, not a list of ids; the list reads them under the
        # report's rules of whoever searches: the salesperson's total, their calls only
        action = Manager.ecom_calls_action([], "calls")
        self.assertEqual([tuple(leaf[:2]) for leaf in action["domain"]], [("ecom_report_manager_ids", "any")])
        Calls = self.env["ecom.call"].with_user(self.salesman)
        self.assertNotIn(others, Calls.search([]))
        self.assertEqual(Calls.search(action["domain"]), hidden | with_request)
        self.assertEqual(self.env["ecom.call"].search(action["domain"]), hidden | with_request | others)
