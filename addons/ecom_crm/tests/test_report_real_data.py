"""The reports on what a real store's data holds: days and months of the store's time zone (Moscow,
Vladivostok) at a month's end, two companies, orders in a foreign currency, cancelled orders and
orders set back to draft, a deleted channel and an archived salesperson."""

from datetime import date, datetime

from odoo import Command
from odoo.tests import tagged

from .test_reports_channels import ReportCase

# a month's end, in UTC, for a store in Moscow (UTC+3) and one in Vladivostok (UTC+10): 23:30 on
# 31 January and 00:30 on 1 February, local time
MONTH_END = {
    "Europe/Moscow": (datetime(2025, 1, 31, 20, 30), datetime(2025, 1, 31, 21, 30)),
    "Asia/Vladivostok": (datetime(2025, 1, 31, 13, 30), datetime(2025, 1, 31, 14, 30)),
}


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestReportsOnRealData(ReportCase):
    def refresh_all(self):
        self.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
        self.refresh()

    def second_company(self):
        return self.env["res.company"].create({"name": "Магазин Б", "currency_id": self.env.company.currency_id.id})

    def order_of(self, company, partner, price, when, user=None):
        """A confirmed order of ``company`` for ``partner`` at ``price`` without tax, placed at ``when`` (UTC)."""
        order = self.env["sale.order"].with_company(company).create({
            "partner_id": partner.id, "user_id": user.id if user else False, "company_id": company.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": price,
                                           "tax_id": [Command.clear()]})]})
        order.action_confirm()
        order.flush_recordset()
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s", [when, order.id])
        return order

    def month_end(self, tz):
        """A request and its order at 23:30 on the month's last day, another pair at 00:30 on the
        next month's first, in a store of time zone ``tz``; the reports refreshed."""
        self.env.company.partner_id.tz = tz
        late, early = MONTH_END[tz]
        for index, when in enumerate((late, early)):
            partner = self.Partner.create({"name": f"Покупатель {tz} {index}"})
            lead = self._request(when, self.yandex, self.cpc, self.campaign_a, partner=partner)
            self._order(partner, 1000 * (index + 1), when, lead=lead)
        self.refresh_all()

    def check_month_end(self, tz):
        self.month_end(tz)
        january, february = date(2025, 1, 1), date(2025, 2, 1)
        # the reports of days: 31 January and 1 February
        for model, measure in (("ecom.report.channel", "order_count"), ("ecom.report.channel", "request_count"),
                               ("ecom.report.sales", "order_count")):
            days = self.groups(model, "date:day", [measure])
            self.assertEqual(len(days), 2, (tz, model, measure, days))
            self.assertEqual([days[key][measure] for key in sorted(days)], [1, 1], (tz, model, measure))
        for model in ("ecom.report.channel", "ecom.report.sales"):
            revenue = {row["date"]: row["revenue"] for row in self.env[model].search_read([], ["date", "revenue"])
                       if row["revenue"]}
            self.assertEqual(revenue, {date(2025, 1, 31): 1000, date(2025, 2, 1): 2000}, (tz, model))
        # the reports of months: the first order's month is January, the second's February
        by_month = {row.date: row.revenue for row in self.env["ecom.report.attribution"].search([])}
        self.assertEqual(by_month, {january: 1000, february: 2000}, (tz, "attribution"))
        cohorts = {row.date: (row.customer_count, row.revenue)
                   for row in self.env["ecom.report.cohort"].search([("customer_count", ">", 0)])}
        self.assertEqual(cohorts, {january: (1, 1000), february: (1, 2000)}, (tz, "cohort"))
        # the reports kept in tables, grouped by the web client in the store's time zone
        for model, measure in (("ecom.report.manager", "requests"), ("ecom.report.funnel", "requests")):
            months = self.env[model].with_context(tz=tz)._read_group([], ["date:month"], [f"{measure}:sum"])
            self.assertEqual(len(months), 2, (tz, model))
            self.assertEqual([count for _month, count in months], [1, 1], (tz, model))

    def test_month_end_in_moscow(self):
        self.check_month_end("Europe/Moscow")

    def test_month_end_in_vladivostok(self):
        self.check_month_end("Asia/Vladivostok")

    def test_a_request_of_no_company_is_of_the_stores_day(self):
        """A request with no company (no team, no salesperson yet) counts on the store's day, as in
        the funnel and the salespeople's report (the main company's time zone), not on UTC's."""
        lead = self._request(MONTH_END["Europe/Moscow"][1], self.yandex, self.cpc, self.campaign_a)
        self.env.cr.execute("UPDATE crm_lead SET company_id = NULL WHERE id = %s", [lead.id])
        self.refresh_all()
        self.env.cr.execute("SELECT DISTINCT day FROM ecom_report_funnel WHERE lead_id = %s", [lead.id])
        self.assertEqual(self.env.cr.fetchall(), [(datetime(2025, 1, 31, 21, 0),)])  # Moscow's 1 February
        rows = self.env["ecom.report.channel"].search_read([("request_count", ">", 0)], ["date"])
        self.assertEqual([row["date"] for row in rows], [date(2025, 2, 1)])

    def test_each_company_its_own_customers(self):
        """A customer who bought from company A, then from company B: B's new customer, of B's
        cohort, with B's revenue only; A's cohort has A's revenue only (its managers do not see B's)."""
        company_a = self.env.company
        company_b = self.second_company()
        self.sales_manager.company_ids = [Command.link(company_b.id)]
        customer = self.Partner.create({"name": "Общий покупатель"})
        self._order(customer, 1000, datetime(2025, 1, 10, 9, 0), user=self.sales_manager)
        self.order_of(company_b, customer, 300, "2025-03-10 09:00", user=self.sales_manager)
        self.refresh_all()
        for company, revenue, month in ((company_a, 1000, date(2025, 1, 1)), (company_b, 300, date(2025, 3, 1))):
            manager = self.sales_manager.with_context(allowed_company_ids=[company.id])
            env = self.env(user=manager, context=manager.env.context)
            cohorts = env["ecom.report.cohort"].search_read([("customer_count", ">", 0)],
                                                            ["date", "customer_count", "revenue"])
            self.assertEqual([(row["date"], row["customer_count"], row["revenue"]) for row in cohorts],
                             [(month, 1, revenue)], company.name)
            [(new, kind_revenue)] = env["ecom.report.sales"]._read_group(
                [("customer_kind", "=", "new")], [], ["new_customer_count:sum", "revenue:sum"])
            self.assertEqual((new, kind_revenue), (1, revenue), company.name)
            [(new,)] = env["ecom.report.attribution"]._read_group([], [], ["new_customer_count:sum"])
            self.assertEqual(new, 1, company.name)

    def test_a_company_without_a_time_zone_counts_utc_days_everywhere(self):
        """A second company whose partner has no time zone: its days are UTC's in the reports of views
        as in those kept in tables, not the main company's (Moscow's)."""
        self.env.company.partner_id.tz = "Europe/Moscow"
        company_b = self.second_company()
        company_b.partner_id.tz = False
        # 22:30 UTC on 31 July: 1 August in Moscow, still 31 July in UTC
        self.order_of(company_b, self.Partner.create({"name": "Покупатель Б"}), 300, "2025-07-31 22:30")
        self.refresh_all()
        self.assertEqual(self.env["ecom.report.funnel"]._ecom_day_tzs()[0][company_b.id], "UTC", "the tables' day")
        for model in ("ecom.report.sales", "ecom.report.channel"):
            days = {row["date"] for row in self.env[model].sudo().search_read([("company_id", "=", company_b.id)],
                                                                              ["date"])}
            self.assertEqual(days, {date(2025, 7, 31)}, model)

    def test_foreign_currency_orders_in_company_currency(self):
        """An order in another currency than the company's counts at the order's rate, in every report."""
        other = self.env["res.currency"].with_context(active_test=False).search(
            [("name", "in", ("EUR", "USD")), ("id", "!=", self.env.company.currency_id.id)], limit=1)
        other.active = True
        self.env["res.currency.rate"].create({"name": "2000-01-01", "rate": 0.5, "currency_id": other.id,
                                              "company_id": self.env.company.id})
        pricelist = self.env["product.pricelist"].create({"name": other.name, "currency_id": other.id})
        partner = self.Partner.create({"name": "Покупатель в валюте"})
        lead = self._request(datetime(2025, 5, 5, 9, 0), self.yandex, self.cpc, self.campaign_a, partner=partner)
        order = self.env["sale.order"].create({
            "partner_id": partner.id, "user_id": self.salesman.id, "opportunity_id": lead.id,
            "pricelist_id": pricelist.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 100,
                                           "tax_id": [Command.clear()]})]})
        order.action_confirm()
        self.assertEqual(order.currency_id, other)
        lead.with_context(ecom_stage_override=True).stage_id = self.stage_sold
        self.refresh_all()
        expected = {"ecom.report.channel": "revenue", "ecom.report.sales": "revenue",
                    "ecom.report.attribution": "revenue", "ecom.report.cohort": "revenue",
                    "ecom.report.manager": "revenue", "ecom.report.funnel": "amount_realised"}
        for model, measure in expected.items():
            [(total,)] = self.env[model]._read_group([], [], [f"{measure}:sum"])
            self.assertAlmostEqual(total, 200, msg=model)
        [(base,)] = self.env["ecom.report.sales"]._read_group([], [], ["margin_base:sum"])
        self.assertFalse(base)  # the product has no cost: no margin base

    def test_cancelled_and_draft_orders_are_no_sales(self):
        partner = self.Partner.create({"name": "Передумавший покупатель"})
        kept = self._order(partner, 1000, datetime(2025, 6, 1, 9, 0))
        cancelled = self._order(partner, 2000, datetime(2025, 6, 2, 9, 0))
        redrafted = self._order(partner, 4000, datetime(2025, 6, 3, 9, 0))
        cancelled._action_cancel()
        redrafted._action_cancel()
        redrafted.action_draft()
        self.assertEqual((kept.state, cancelled.state, redrafted.state), ("sale", "cancel", "draft"))
        self.refresh_all()
        for model in ("ecom.report.channel", "ecom.report.sales", "ecom.report.attribution", "ecom.report.cohort"):
            [(orders, revenue)] = self.env[model]._read_group([], [], ["order_count:sum", "revenue:sum"])
            self.assertEqual((orders, revenue), (1, 1000), model)

    def test_deleted_channel_and_archived_salesperson(self):
        """A channel deleted and a salesperson archived after their requests: the reports still read,
        the requests stay counted (under no channel; under the archived salesperson)."""
        avito = self.env["utm.source"].create({"name": "Авито"})
        leaver = self.salesman.copy({"login": "ecom_leaver", "name": "Уволенный Продавец"})
        lead = self._request(datetime(2025, 7, 1, 9, 0), avito, self.cpc, self.campaign_a, user=leaver)
        lead.action_set_lost(lost_reason_id=self.reason_expensive.id)
        self.refresh_all()
        leaver.active = False
        avito.unlink()
        for model in ("ecom.report.funnel", "ecom.report.refusal", "ecom.report.manager", "ecom.report.channel"):
            Report = self.env[model].with_user(self.sales_manager)
            measure = {"ecom.report.refusal": "refusals", "ecom.report.channel": "request_count"}.get(model, "requests")
            by_source = Report.read_group([], [f"{measure}:sum"], ["source_id"], lazy=False)
            self.assertEqual(sum(row[measure] for row in by_source), 1, model)
            by_user = Report.read_group([], [f"{measure}:sum"], ["user_id"], lazy=False)
            self.assertEqual([row["user_id"] and row["user_id"][0] for row in by_user], [leaver.id], model)
            self.assertEqual([row["source_id"] for row in by_source], [False], model)
            # ordered by a grouping, NULLS included (a grouping error when the order left the GROUP BY)
            for order in ("user_id asc nulls last", "source_id desc nulls first, user_id", f"{measure} desc, user_id"):
                rows = Report.read_group([], [f"{measure}:sum"], ["user_id", "source_id"], orderby=order, lazy=False)
                self.assertEqual(sum(row[measure] for row in rows), 1, (model, order))
