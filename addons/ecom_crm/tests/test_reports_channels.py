"""The owner's numbers on a small hand-built store with known answers: the channel report (CPL,
CPO, conversion, ROMI, ДРР from the groups' sums), lifetime revenue by first and last touch, the
cohorts' repeat shares, the sales report; who sees which figures; and every report read through
a read-only cursor (what a replica gives)."""

from datetime import datetime

import psycopg2

from odoo import Command, api
from odoo.tests import new_test_user, tagged

from .common import EcomCrmCase, store_with_ad_sources


class ReportCase(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store_with_ad_sources(cls)
        cls.campaign_a = cls.env["utm.campaign"].create({"name": "Кампания A"})
        cls.campaign_v = cls.env["utm.campaign"].create({"name": "Кампания V"})
        cls.all_docs = new_test_user(cls.env, login="report_all_docs",
                                     groups="sales_team.group_sale_salesman_all_leads", lang="en_US")

    @classmethod
    def _request(cls, when, source, medium, campaign, partner=None, user=None):
        lead = cls._lead(source_id=source.id, medium_id=medium.id, campaign_id=campaign.id,
                         partner_id=partner.id if partner else False, user_id=(user or cls.salesman).id)
        cls.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", [when, lead.id])
        return lead

    @classmethod
    def _order(cls, partner, amount, when, user=None, lead=None, product=None, taxes=None, pricelist=None):
        """A confirmed order of one unit at ``amount`` on ``when`` (UTC), without taxes unless ``taxes``, in
        the company's currency unless ``pricelist``'s."""
        order = cls.env["sale.order"].create({
            "partner_id": partner.id, "user_id": (user or cls.salesman).id,
            "opportunity_id": lead.id if lead else False, **({"pricelist_id": pricelist.id} if pricelist else {}),
            "order_line": [Command.create({"product_id": (product or cls.product).id, "product_uom_qty": 1,
                                           "price_unit": amount,
                                           "tax_id": [Command.set(taxes.ids)] if taxes else [Command.clear()]})]})
        order.action_confirm()
        order.flush_recordset()
        cls.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s", [when, order.id])
        return order

    @classmethod
    def _car_seat(cls):
        """A product with a cost: «Автокресло» at 1000, its cost price 600 in the company, no taxes,
        invoiced on order (the margin's and the refunds' tests sell it)."""
        seat = cls.env["product.product"].create(
            {"name": "Автокресло", "list_price": 1000, "taxes_id": [Command.clear()], "invoice_policy": "order"})
        seat.with_company(cls.env.company).standard_price = 600
        return seat

    def _pricelist_in_another_currency(self, rate=2.0):
        """A pricelist in a currency other than the company's (EUR, USD or RUB, activated), at
        ``rate`` to the company's currency on every day (its other rates removed)."""
        company_currency = self.env.company.currency_id
        other = self.env["res.currency"].with_context(active_test=False).search(
            [("name", "in", ("EUR", "USD", "RUB")), ("id", "!=", company_currency.id)], limit=1)
        other.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", other.id)]).unlink()
        self.env["res.currency.rate"].create({"currency_id": other.id, "rate": rate, "name": "2000-01-01"})
        return self.env["product.pricelist"].create({"name": "В валюте", "currency_id": other.id})

    @classmethod
    def _spend(cls, day, source, medium, campaign, amount):
        return cls.env["ecom.ad.spend"].create({"date": day, "source_id": source.id, "medium_id": medium.id,
                                                "campaign_id": campaign.id, "amount": amount})

    def refresh(self, tables=False):
        """Refresh the reports kept in materialized views (and, ``tables``, those kept in tables)."""
        if tables:
            self.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
        self.env["ecom.report.matview"]._ecom_refresh_all()

    def groups(self, model, groupby, fields, domain=(), user=None):
        Report = self.env[model].with_user(user) if user else self.env[model]
        rows = Report.read_group(list(domain), [f"{name}:sum" for name in fields], [groupby] if groupby else [],
                                 lazy=False)
        key = (lambda row: row[groupby][0] if isinstance(row[groupby], tuple) else row[groupby]) if groupby \
            else (lambda row: None)
        return {key(row): {name: row[name] for name in fields} for row in rows}


@tagged("post_install", "-at_install", "ecom_crm")
class TestChannelReport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._spend("2025-11-10", cls.yandex, cls.cpc, cls.campaign_a, 1000)
        cls._spend("2025-11-10", cls.vk, cls.social, cls.campaign_v, 500)
        noon = datetime(2025, 11, 10, 9, 0)  # 12:00 in Moscow
        leads = [cls._request(noon, cls.yandex, cls.cpc, cls.campaign_a) for _i in range(4)]
        cls._request(noon, cls.vk, cls.social, cls.campaign_v, user=cls.sales_manager)
        # 22:30 UTC is already the 11th in Moscow: the next day's request
        cls._request(datetime(2025, 11, 10, 22, 30), cls.yandex, cls.cpc, cls.campaign_a)
        for index, amount in enumerate((3000, 1000)):
            partner = cls.Partner.create({"name": f"Покупатель {index}"})
            cls._order(partner, amount, noon, lead=leads[index])

    def test_ratios_of_each_channel_and_of_the_total(self):
        self.refresh()
        fields = ["spend", "request_count", "order_count", "revenue", "cpl", "cpo", "conversion", "romi", "drr"]
        day = [("date", "=", "2025-11-10")]
        by_channel = self.groups("ecom.report.channel", "source_id", fields, day)
        yandex = by_channel[self.yandex.id]
        self.assertEqual((yandex["spend"], yandex["request_count"], yandex["order_count"], yandex["revenue"]),
                         (1000, 4, 2, 4000))
        self.assertAlmostEqual(yandex["cpl"], 250)
        self.assertAlmostEqual(yandex["cpo"], 500)
        self.assertAlmostEqual(yandex["conversion"], 50)
        self.assertAlmostEqual(yandex["romi"], 300)
        self.assertAlmostEqual(yandex["drr"], 25)
        vk = by_channel[self.vk.id]
        self.assertEqual((vk["spend"], vk["request_count"], vk["order_count"]), (500, 1, 0))
        self.assertAlmostEqual(vk["cpl"], 500)
        self.assertAlmostEqual(vk["romi"], -100)
        self.assertFalse(vk["cpo"])  # no order: no cost per order (not a division by zero)
        self.assertFalse(vk["drr"])
        total = self.groups("ecom.report.channel", None, fields, day)[None]
        self.assertAlmostEqual(total["cpl"], 300)  # 1500 / 5, not the average of 250 and 500
        self.assertAlmostEqual(total["cpo"], 750)
        self.assertAlmostEqual(total["conversion"], 40)
        self.assertAlmostEqual(total["romi"], 2500 / 15)  # (4000 - 1500) / 1500 × 100
        self.assertAlmostEqual(total["drr"], 37.5)

    def test_orders_without_request_or_channel_are_sales_not_conversions(self):
        """An order placed without any request or channel (from 1C, at the till) counts as an order
        and as revenue, not in the request to order conversion nor in ROMI: a store of many such
        orders showed 800% conversion and 85,400% ROMI on the total row."""
        self._order(self.Partner.create({"name": "Покупатель без заявки"}), 6000, datetime(2025, 11, 10, 9, 0))
        self.refresh()
        fields = ["order_count", "revenue", "request_order_count", "channel_revenue", "conversion", "romi", "drr"]
        day = [("date", "=", "2025-11-10")]
        total = self.groups("ecom.report.channel", None, fields, day)[None]
        self.assertEqual((total["order_count"], total["revenue"], total["request_order_count"],
                          total["channel_revenue"]), (3, 10000, 2, 4000))
        self.assertAlmostEqual(total["conversion"], 40, msg="2 orders of 5 requests, not 3 of 5")
        self.assertAlmostEqual(total["romi"], 2500 / 15, msg="(4000 - 1500) / 1500, not (10000 - 1500) / 1500")
        self.assertAlmostEqual(total["drr"], 15, msg="ad spend's share of all revenue")
        none = self.groups("ecom.report.channel", "source_id", fields, day)[False]
        self.assertEqual(none["order_count"], 1)
        self.assertFalse(none["conversion"])

    def test_spend_not_imported_is_no_cost(self):
        """A channel whose ad spend was never imported (Avito here) showed a cost per request and
        per order of 0 and a ДРР of 0%, as if it were free: its spend and costs are empty, and the
        total's costs still count the spend there is."""
        avito = self.env.ref("ecom_crm.utm_source_avito")
        noon = datetime(2025, 11, 10, 9, 0)
        lead = self._request(noon, avito, self.social, self.campaign_v)
        self._order(self.Partner.create({"name": "Покупатель с Авито"}), 2000, noon, lead=lead)
        self.refresh()
        fields = ["spend", "request_count", "order_count", "revenue", "cpl", "cpo", "romi", "drr"]
        day = [("date", "=", "2025-11-10")]
        row = self.groups("ecom.report.channel", "source_id", fields, day)[avito.id]
        self.assertEqual((row["request_count"], row["order_count"], row["revenue"]), (1, 1, 2000))
        for name in ("spend", "cpl", "cpo", "romi", "drr"):
            self.assertIn(row[name], (None, False), name)
        total = self.groups("ecom.report.channel", None, fields, day)[None]
        self.assertEqual(total["spend"], 1500)
        self.assertAlmostEqual(total["cpl"], 250)  # 1500 / 6

    def test_the_total_romi_is_that_of_the_paid_channels(self):
        """The total row's ROMI sets the paid channels' revenue against the ad spend, as the owner's dashboard
        («ROMI платных каналов»): it counted the revenue of every known channel, the site's and a channel
        nothing was spent on (Avito here) a return of the ads: on the demo store's September 2026, 6,971%
        where the paid channels made 4,516%."""
        avito = self.env.ref("ecom_crm.utm_source_avito")
        noon = datetime(2025, 11, 10, 9, 0)
        lead = self._request(noon, avito, self.social, self.campaign_v)
        self._order(self.Partner.create({"name": "Покупатель с Авито"}), 2000, noon, lead=lead)
        self.refresh()
        fields = ["spend", "revenue", "channel_revenue", "paid_revenue", "romi"]
        day = [("date", "=", "2025-11-10")]
        total = self.groups("ecom.report.channel", None, fields, day)[None]
        self.assertEqual((total["spend"], total["channel_revenue"], total["paid_revenue"]), (1500, 6000, 4000))
        self.assertAlmostEqual(total["romi"], 2500 / 15, msg="(4000 - 1500) / 1500, not (6000 - 1500) / 1500")
        by_channel = self.groups("ecom.report.channel", "source_id", fields, day)
        self.assertIn(by_channel[avito.id]["romi"], (None, False), "no spend: no ROMI of its own")
        dashboard_paid = self.env["ecom.report.channel"].read_group(
            [*day, ("source_id.ecom_ad_spend_ids", "!=", False)], ["romi"], [])[0]
        self.assertAlmostEqual(dashboard_paid["romi"], total["romi"], msg="the dashboard's paid channels' ROMI")

    def test_a_rows_ratios_are_its_own(self):
        """An ungrouped list shows each row's ratios, computed from its own columns (the view has no
        column for them); a filter on a ratio filters the rows by theirs."""
        self.refresh()
        rows = self.env["ecom.report.channel"].search([])
        self.assertGreaterEqual(len(rows), 4)

        def ratio(numerator, denominator, factor=1, offset=0):
            return factor * numerator / denominator + offset if denominator else 0.0

        for row in rows:
            self.assertAlmostEqual(row.cpl, ratio(row.spend, row.request_count))
            self.assertAlmostEqual(row.cpo, ratio(row.spend, row.order_count))
            self.assertAlmostEqual(row.conversion, ratio(row.request_order_count, row.request_count, 100))
            self.assertAlmostEqual(row.romi, ratio(row.paid_revenue, row.spend, 100, -100))
            self.assertAlmostEqual(row.drr, ratio(row.spend, row.revenue, 100))
        self.assertEqual(self.env["ecom.report.channel"].search([("conversion", ">", 0)]),
                         rows.filtered(lambda row: row.request_count and row.order_count))
        self.env.cr.execute("SELECT attname FROM pg_attribute WHERE attrelid = 'ecom_report_channel'::regclass "
                            "AND attnum > 0")
        columns = {name for (name,) in self.env.cr.fetchall()}
        self.assertIn("spend", columns)
        self.assertFalse(columns & {"cpl", "cpo", "romi", "drr", "conversion"})

    def test_a_pivot_is_a_fixed_number_of_queries(self):
        self.refresh()
        Report = self.env["ecom.report.channel"].with_user(self.sales_manager)
        measures = ["spend:sum", "request_count:sum", "order_count:sum", "revenue:sum", "cpl:sum", "romi:sum"]
        Report.read_group([], measures, ["source_id"], lazy=False)  # warm the caches (rules, the user)
        # one query for the figures, grouped with their ratios, whatever the data; the others fetch
        # the channels' names for the group labels
        with self.assertQueryCount(3):
            Report.read_group([("date", ">=", "2025-11-01")], measures, ["source_id", "date:month"], lazy=False)

    def test_the_menus_open_their_views(self):
        menus = {"menu_ecom_report_channel": self.salesman, "menu_ecom_report_attribution": self.salesman,
                 "menu_ecom_report_cohort": self.salesman, "menu_ecom_report_sales": self.salesman,
                 "menu_ecom_ad_spend": self.sales_manager, "menu_ecom_ad_spend_import": self.sales_manager,
                 "menu_ecom_offline_conversions": self.sales_manager}
        for xmlid, user in menus.items():
            menu = self.env.ref(f"ecom_crm.{xmlid}")
            self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(user)._visible_menu_ids(), xmlid)
            action = menu.action
            modes = action.view_mode.split(",")
            views = self.env[action.res_model].with_user(user).get_views(
                [(False, mode) for mode in modes] + [(False, "search")])["views"]
            self.assertEqual(set(views), {*modes, "search"}, xmlid)
        spend_menu = self.env.ref("ecom_crm.menu_ecom_ad_spend")
        self.assertNotIn(spend_menu.id, self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids())

    def test_days_are_the_stores_days(self):
        self.refresh()
        next_day = self.groups("ecom.report.channel", "source_id", ["request_count"], [("date", "=", "2025-11-11")])
        self.assertEqual(next_day[self.yandex.id]["request_count"], 1)

    def test_a_salesperson_sees_their_own_figures(self):
        self.refresh()
        fields = ["spend", "request_count", "order_count", "revenue"]
        mine = self.groups("ecom.report.channel", None, fields, user=self.salesman)[None]
        self.assertEqual((mine["request_count"], mine["order_count"], mine["revenue"]), (5, 2, 4000))
        self.assertIn(mine["spend"], (None, False), "the spend is nobody's: not in a salesperson's rows")
        everything = self.groups("ecom.report.channel", None, fields, user=self.sales_manager)[None]
        self.assertEqual((everything["spend"], everything["request_count"]), (1500, 6))
        self.assertEqual(self.groups("ecom.report.channel", None, ["spend"], user=self.all_docs)[None]["spend"], 1500)

    def test_the_list_shows_each_rows_ratio(self):
        self.refresh()
        row = self.env["ecom.report.channel"].search([("date", "=", "2025-11-10"), ("source_id", "=", self.yandex.id),
                                                      ("user_id", "=", self.salesman.id)])
        self.assertEqual((row.request_count, row.order_count, row.revenue, row.spend), (4, 2, 4000, 0))
        self.assertAlmostEqual(row.conversion, 50)


@tagged("post_install", "-at_install", "ecom_crm")
class TestLifetimeAndCohorts(ReportCase):
    """X came by VK, bought from a Yandex request, then again (a 1C order, no channel); Y bought
    with no channel, then from a Yandex request six months later; Z came and bought by VK."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.costly = cls.env["product.product"].create(
            {"name": "Автокресло", "list_price": 1000, "taxes_id": [(5, 0, 0)]})
        cls.costly.with_company(cls.env.company).standard_price = 600
        x, y, z = (cls.Partner.create({"name": name}) for name in ("Покупатель X", "Покупатель Y", "Покупатель Z"))
        at = lambda day: datetime.fromisoformat(f"{day} 09:00")  # noqa: E731
        cls._request(at("2025-01-05"), cls.vk, cls.social, cls.campaign_v, partner=x)
        x_yandex = cls._request(at("2025-01-25"), cls.yandex, cls.cpc, cls.campaign_a, partner=x)
        cls._order(x, 1000, at("2025-02-01"), lead=x_yandex, product=cls.costly)
        cls._order(x, 500, at("2025-03-01"))
        cls._order(y, 200, at("2025-02-10"), user=cls.sales_manager)
        y_yandex = cls._request(at("2025-08-01"), cls.yandex, cls.cpc, cls.campaign_a, partner=y,
                                user=cls.sales_manager)
        cls.y_second = cls._order(y, 300, at("2025-08-10"), user=cls.sales_manager, lead=y_yandex)
        z_vk = cls._request(at("2025-02-03"), cls.vk, cls.social, cls.campaign_v, partner=z, user=cls.sales_manager)
        cls._order(z, 800, at("2025-02-20"), user=cls.sales_manager, lead=z_vk)
        cls._spend("2025-02-15", cls.vk, cls.social, cls.campaign_v, 460)

    def test_lifetime_revenue_by_first_and_last_touch(self):
        self.refresh()
        fields = ["order_count", "new_customer_count", "revenue", "revenue_per_customer"]
        first = self.groups("ecom.report.attribution", "ft_source_id", fields)
        self.assertEqual(first[self.vk.id]["revenue"], 2300)  # X's two orders (1C's included) and Z's
        self.assertEqual(first[self.vk.id]["new_customer_count"], 2)
        self.assertAlmostEqual(first[self.vk.id]["revenue_per_customer"], 1150)
        self.assertEqual(first[False]["revenue"], 500)
        self.assertNotIn(self.yandex.id, first)
        last = self.groups("ecom.report.attribution", "lt_source_id", ["revenue", "order_count"])
        self.assertEqual((last[self.yandex.id]["revenue"], last[self.yandex.id]["order_count"]), (1300, 2))
        self.assertEqual(last[self.vk.id]["revenue"], 800)
        self.assertEqual(last[False]["revenue"], 700)

    def test_cohort_shares_and_acquisition_cost(self):
        self.refresh()
        fields = ["customer_count", "revenue", "spend", "repeat_3m_share", "repeat_6m_share", "repeat_12m_share",
                  "cac", "lifetime_romi", "revenue_per_customer"]
        february = [("date", "=", "2025-02-01")]
        by_channel = self.groups("ecom.report.cohort", "source_id", fields, february)
        vk = by_channel[self.vk.id]
        self.assertEqual((vk["customer_count"], vk["revenue"], vk["spend"]), (2, 2300, 460))
        self.assertAlmostEqual(vk["repeat_3m_share"], 50)
        self.assertAlmostEqual(vk["repeat_12m_share"], 50)
        self.assertAlmostEqual(vk["cac"], 230)
        self.assertAlmostEqual(vk["lifetime_romi"], 400)
        self.assertAlmostEqual(vk["revenue_per_customer"], 1150)
        none = by_channel[False]
        # no ad spend for customers without a channel: no acquisition cost, not a cost of 0
        self.assertIn(none["spend"], (None, False))
        self.assertIn(none["cac"], (None, False))
        self.assertIn(none["lifetime_romi"], (None, False))
        self.assertAlmostEqual(none["repeat_3m_share"], 0)
        self.assertAlmostEqual(none["repeat_6m_share"], 100)  # Y's second order, six months to the day
        total = self.groups("ecom.report.cohort", None, fields, february)[None]
        self.assertEqual(total["customer_count"], 3)
        self.assertAlmostEqual(total["repeat_3m_share"], 100 / 3)
        self.assertAlmostEqual(total["repeat_6m_share"], 200 / 3)

    def test_sales_report(self):
        self.refresh()
        fields = ["order_count", "revenue", "average_order", "new_customer_count", "repeat_rate", "margin_base",
                  "margin", "margin_percent"]
        total = self.groups("ecom.report.sales", None, fields)[None]
        self.assertEqual((total["order_count"], total["revenue"], total["new_customer_count"]), (5, 2800, 3))
        self.assertAlmostEqual(total["average_order"], 560)
        self.assertAlmostEqual(total["repeat_rate"], 40)
        self.assertEqual((total["margin_base"], total["margin"]), (1000, 400))  # only the line with a cost
        self.assertAlmostEqual(total["margin_percent"], 40)
        february = self.groups("ecom.report.sales", "customer_kind", ["order_count", "revenue"],
                               [("date", ">=", "2025-02-01"), ("date", "<", "2025-03-01")])
        self.assertEqual(february, {"new": {"order_count": 3, "revenue": 2000}})

    def test_an_order_refused_at_delivery_is_no_sale(self):
        self.y_second._ecom_set_status("returned", reason=self.reason_delivery_refused)
        self.refresh()
        total = self.groups("ecom.report.sales", None, ["order_count", "revenue"])[None]
        self.assertEqual((total["order_count"], total["revenue"]), (4, 2500))
        last = self.groups("ecom.report.attribution", "lt_source_id", ["revenue"])
        self.assertEqual(last[self.yandex.id]["revenue"], 1000)

    def test_access_follows_the_orders(self):
        self.refresh()
        mine = self.groups("ecom.report.sales", None, ["order_count", "revenue"], user=self.salesman)[None]
        self.assertEqual((mine["order_count"], mine["revenue"]), (2, 1500))
        theirs = self.groups("ecom.report.sales", None, ["order_count"], user=self.sales_manager)[None]
        self.assertEqual(theirs["order_count"], 5)
        own_cohorts = self.groups("ecom.report.cohort", None, ["customer_count"], user=self.salesman)[None]
        self.assertEqual(own_cohorts["customer_count"], 1)  # X: the salesperson made the first sale
        own_attribution = self.groups("ecom.report.attribution", None, ["revenue"], user=self.salesman)[None]
        self.assertEqual(own_attribution["revenue"], 1500)

    def test_reports_read_on_a_read_only_cursor(self):
        self.refresh()
        specs = {"ecom.report.channel": "source_id", "ecom.report.attribution": "ft_source_id",
                 "ecom.report.cohort": "source_id", "ecom.report.sales": "date:month"}
        # as Odoo serves a read-only request (read_group, web_read_group and search_read are
        # @api.readonly): a cursor of the replica, here the test's transaction made read-only
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        with self.env.registry.cursor(readonly=True) as cr:
            self.assertTrue(cr.readonly)
            env = api.Environment(cr, self.sales_manager.id, {"lang": "en_US"})
            for model, groupby in specs.items():
                Report = env[model]
                measures = [f"{name}:sum" for name, field in Report._fields.items()
                            if field.aggregator == "sum" and field.store]
                rows = Report.read_group([], measures, [groupby], lazy=False)
                self.assertTrue(rows, model)
                self.assertTrue(Report.web_read_group([], measures, [groupby])["groups"], model)
                Report.search_read([], limit=5)
            self.assertEqual(sum(r["revenue"] for r in env["ecom.report.sales"].read_group(
                [], ["revenue:sum"], ["date:month"])), 2800)
            with self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction):
                env["ecom.report.matview"]._ecom_refresh_all()  # the refresh writes: it runs on the primary
