"""The reports' numbers that must agree do: on a small store of known figures (requests through two
channels, won and lost, orders with VAT, one refused at delivery, one partly returned, one from 1C
without a request), the requests in, the won and lost requests, the orders, the revenue with and
without VAT, the refunds and the new customers are the same in every report that shows them, and
differ only where a report counts otherwise by design (the salespeople's report and the funnel's
money realised count the requests' orders only; the refusals count a lost request whose parcel came
back once, at delivery)."""

from odoo import Command
from odoo.modules.migration import load_script
from odoo.tests import tagged

from ..tools import owner_dashboard
from .common import ReportCase, credit_note, invoice_order, store_with_ad_sources


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestReportConsistency(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store_with_ad_sources(cls)
        cls.vat = cls._vat()
        ready = cls._ready_for_payment()
        buyers = [cls.Partner.create({"name": name}) for name in ("Иван Первый", "Пётр Второй", "Сидор Третий")]
        leads = [cls._lead(partner_id=partner.id, source_id=source.id, expected_revenue=expected, **ready)
                 for partner, source, expected in ((buyers[0], cls.yandex, 1000), (buyers[1], cls.yandex, 2000),
                                                   (buyers[2], cls.vk, 500))]
        # the channels are whole: the second request came by Yandex's context ads of a campaign, the third by VK's
        # social posts; their orders' own UTM (a source only, below) is each order's channel, not a mix of the two
        cls.spring = cls.env["utm.campaign"].create({"name": "Весна"})
        leads[1].write({"medium_id": cls.cpc.id, "campaign_id": cls.spring.id})
        leads[2].medium_id = cls.social
        cls.lost = cls._lead(source_id=cls.yandex.id, expected_revenue=700)
        for stage in (cls.stage_payment, cls.stage_sold):
            for lead in leads:
                lead.stage_id = stage
        cls.lost.action_set_lost(lost_reason_id=cls.reason_expensive.id)
        # won: 1000 + 20% VAT; 2 × 1000 + VAT, one unit given back (its order's own UTM is VK, its request's
        # Yandex: the order's is its channel, last touch, in the reports of orders); 500 + VAT refused at
        # delivery (its own UTM Yandex, its request's VK: the refusal is Yandex's)
        cls.kept = cls._taxed_order(buyers[0], 1000, 1, lead=leads[0])
        cls.returned_in_part = cls._taxed_order(buyers[1], 1000, 2, lead=leads[1])
        cls.returned_in_part.source_id = cls.vk
        cls.refused = cls._taxed_order(buyers[2], 500, 1, lead=leads[2])
        cls.refused.source_id = cls.yandex
        # the first buyer's next order, from 1C: no request, no channel
        cls.from_1c = cls._taxed_order(buyers[0], 300, 1)
        invoice_order(cls.kept)
        credit_note(invoice_order(cls.returned_in_part), quantity=1)
        cls.refused._ecom_set_status("returned", reason=cls.reason_delivery_refused)
        cls._refresh()
        cls.env["ecom.report.matview"]._ecom_refresh_all()

    @classmethod
    def _taxed_order(cls, partner, price, quantity, lead=None):
        order = cls.env["sale.order"].create({
            "partner_id": partner.id, "opportunity_id": lead.id if lead else False, "user_id": cls.salesman.id,
            "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": quantity,
                                           "price_unit": price, "tax_id": [Command.set(cls.vat.ids)]})]})
        order.action_confirm()
        return order

    @property
    def mine(self):
        return [("user_id", "=", self.salesman.id)]

    def total(self, model, fields, domain=()):
        """``{field: sum}`` of the report ``model`` over ``domain``, the salesman's rows (the store of the test:
        the database may hold others)."""
        row = self.env[model].read_group([*self.mine, *domain], [f"{name}:sum" for name in fields], [], lazy=False)[0]
        return {name: row[name] or 0 for name in fields}

    def by_channel(self, model, groupby, field):
        return {row[groupby] and row[groupby][0]: row[field]
                for row in self.env[model].read_group(self.mine, [f"{field}:sum"], [groupby], lazy=False)}

    def test_requests_won_and_lost(self):
        funnel = self.total("ecom.report.funnel", ["requests", "sales", "dropped"])
        manager = self.total("ecom.report.manager", ["requests", "won"], [("kind", "=", "request")])
        channel = self.total("ecom.report.channel", ["request_count"])
        self.assertEqual((funnel["requests"], manager["requests"], channel["request_count"]), (4, 4, 4))
        self.assertEqual((funnel["sales"], manager["won"]), (3, 3))
        # the lost request is the refusals' request lost; the parcel refused at delivery one more refusal
        # (its request was won: a sale of the funnel and of the salespeople, by design)
        lost = self.total("ecom.report.refusal", ["refusals"], [("kind", "=", "request")])
        delivery = self.total("ecom.report.refusal", ["refusals", "amount"], [("kind", "=", "delivery")])
        self.assertEqual((funnel["dropped"], lost["refusals"]), (1, 1))
        self.assertEqual((delivery["refusals"], delivery["amount"]), (1, 600))
        by_reason = self.env["ecom.report.refusal"].read_group(self.mine, ["refusals:sum"], ["reason_id"], lazy=False)
        self.assertEqual({row["reason_id"][0]: row["refusals"] for row in by_reason},
                         {self.reason_expensive.id: 1, self.reason_delivery_refused.id: 1})

    def test_orders_revenue_and_customers(self):
        money = ["order_count", "revenue", "revenue_untaxed", "refunded"]
        # every order sold: the one given back in part and the 1C one too; not the one refused at delivery
        expected = {"order_count": 3, "revenue": 1200 + 1200 + 360, "revenue_untaxed": 1000 + 1000 + 300,
                    "refunded": 1200}
        for model in ("ecom.report.channel", "ecom.report.sales", "ecom.report.attribution"):
            self.assertEqual(self.total(model, money), expected, model)
        cohort = self.total("ecom.report.cohort", ["customer_count", "order_count", "revenue", "revenue_untaxed"])
        self.assertEqual(cohort, {"customer_count": 2, "order_count": 3, "revenue": 2760, "revenue_untaxed": 2300})
        for model in ("ecom.report.sales", "ecom.report.attribution"):
            self.assertEqual(self.total(model, ["new_customer_count"])["new_customer_count"], 2, model)
        # the requests' orders only: the salespeople's, the channels' orders from requests, the funnel's realised
        manager = self.total("ecom.report.manager", ["orders", "revenue", "revenue_untaxed", "refunded"],
                             [("kind", "=", "request")])
        self.assertEqual(manager, {"orders": 2, "revenue": 2400, "revenue_untaxed": 2000, "refunded": 1200})
        channel = self.total("ecom.report.channel", ["request_order_count", "channel_revenue"])
        self.assertEqual((channel["request_order_count"], channel["channel_revenue"]), (2, 2400))
        self.assertEqual(self.total("ecom.report.funnel", ["amount_realised"])["amount_realised"], 2400)

    def test_revenue_by_last_touch_channel(self):
        """An order's channel is its own UTM, else its request's: the same in the channels' report, the
        revenue by last touch and the refusals at delivery."""
        expected = {self.yandex.id: 1200, self.vk.id: 1200, False: 360}
        self.assertEqual(self.by_channel("ecom.report.channel", "source_id", "revenue"), expected)
        self.assertEqual(self.by_channel("ecom.report.attribution", "lt_source_id", "revenue"), expected)
        # the refusals too: the lost request is its own channel's, the parcel refused at delivery its order's
        self.assertEqual(self.by_channel("ecom.report.refusal", "source_id", "refusals"), {self.yandex.id: 2})

    def test_an_orders_channel_is_one_records(self):
        """An order with a source of its own and no medium nor campaign is that source's, with no medium nor
        campaign: not its source with its request's medium and campaign (Yandex's context ads of the spring
        campaign, VK's social posts), a channel nobody used. The same in the channels' report, the revenue
        by last touch, the refusals at delivery and the owner's dashboard (which reads the channels')."""
        nothing = (False, False, False)

        def by_triple(model, fields, measure, domain=()):
            rows = self.env[model].read_group([*self.mine, *domain], [f"{measure}:sum"], list(fields), lazy=False)
            found = {}
            for row in rows:
                if row[measure]:
                    key = tuple(row[name] and row[name][0] for name in fields)
                    found[key] = found.get(key, 0) + row[measure]
            return found

        expected = {(self.yandex.id, False, False): 1200, (self.vk.id, False, False): 1200, nothing: 360}
        self.assertEqual(by_triple("ecom.report.channel", ("source_id", "medium_id", "campaign_id"), "revenue"),
                         expected)
        self.assertEqual(by_triple("ecom.report.attribution", ("lt_source_id", "lt_medium_id", "lt_campaign_id"),
                                   "revenue"), expected)
        # the parcel refused at delivery: its order's Yandex, not Yandex of its request's social posts
        self.assertEqual(by_triple("ecom.report.refusal", ("source_id", "medium_id", "campaign_id"), "refusals",
                                   [("kind", "=", "delivery")]), {(self.yandex.id, False, False): 1})
        # the requests keep their own channels, whole, where the requests are counted
        self.assertEqual(by_triple("ecom.report.channel", ("source_id", "medium_id", "campaign_id"), "request_count"),
                         {(self.yandex.id, False, False): 2, (self.yandex.id, self.cpc.id, self.spring.id): 1,
                          (self.vk.id, self.social.id, False): 1})
        # an upgraded database's refusals get their orders' channel (18.0.1.6.9's migration)
        self.env.cr.execute("UPDATE ecom_report_refusal SET medium_id = %s WHERE order_id = %s",
                            [self.social.id, self.refused.id])
        migration = load_script("ecom_crm/migrations/18.0.1.6.9/post-migrate.py", "ecom_crm_post_migrate_18_0_1_6_9")
        self.assertEqual(migration.give_the_refused_orders_their_channel(self.env.cr), 1)
        self.assertEqual(migration.give_the_refused_orders_their_channel(self.env.cr), 0)
        self.env["ecom.report.refusal"].invalidate_model()
        self.assertEqual(by_triple("ecom.report.refusal", ("source_id", "medium_id", "campaign_id"), "refusals",
                                   [("kind", "=", "delivery")]), {(self.yandex.id, False, False): 1})

    def test_a_campaign_alone_is_its_channels_in_every_report(self):
        """A request or order that named only its campaign is the campaign's channel (the one of its ad spend)
        in every report that reads a channel; one of a campaign of no known channel is «Campaign without a
        source» in all of them, never «no channel». Their revenue meets the campaign's spend (ROMI)."""
        summer = self.env["utm.campaign"].create({"name": "summer_sale"})
        autumn = self.env["utm.campaign"].create({"name": "autumn_sale"})
        unknown = self.env.ref("ecom_crm.utm_source_campaign_only")
        self.env["ecom.ad.spend"].create({"date": "2026-11-01", "source_id": self.yandex.id, "medium_id": self.cpc.id,
                                          "campaign_id": summer.id, "amount": 600})
        ready = self._ready_for_payment()
        buyers = [self.Partner.create({"name": name}) for name in ("Олег Летний", "Инна Осенняя", "Глеб Кассовый")]
        won = [self._lead(partner_id=buyer.id, campaign_id=campaign.id, **ready)
               for buyer, campaign in ((buyers[0], summer), (buyers[1], autumn))]
        lost = self._lead(campaign_id=summer.id)
        for stage in (self.stage_payment, self.stage_sold):
            for lead in won:
                lead.stage_id = stage
        lost.action_set_lost(lost_reason_id=self.reason_expensive.id)
        self._taxed_order(buyers[0], 1000, 1, lead=won[0])
        self._taxed_order(buyers[1], 500, 1, lead=won[1])
        # an order typed in with only the campaign (no request): its own UTM, the campaign's channel
        at_till = self._taxed_order(buyers[2], 300, 1)
        at_till.campaign_id = summer
        self._refresh()
        self.env["ecom.report.matview"]._ecom_refresh_all()
        summer_channel, autumn_channel = (self.yandex.id, self.cpc.id, summer.id), (unknown.id, False, autumn.id)
        campaigns = [summer.id, autumn.id]

        def by_triple(model, measure, prefix="", domain=()):
            fields = [f"{prefix}source_id", f"{prefix}medium_id", f"{prefix}campaign_id"]
            rows = self.env[model].read_group([(fields[2], "in", campaigns), *domain], [f"{measure}:sum"], fields,
                                              lazy=False)
            return {tuple(row[name] and row[name][0] for name in fields): row[measure] for row in rows if row[measure]}

        requests = {summer_channel: 2, autumn_channel: 1}
        self.assertEqual(by_triple("ecom.report.funnel", "requests"), requests)
        self.assertEqual(by_triple("ecom.report.channel", "request_count"), requests)
        self.assertEqual(by_triple("ecom.report.manager", "requests", domain=[("kind", "=", "request")]), requests)
        self.assertEqual(by_triple("ecom.report.refusal", "refusals"), {summer_channel: 1})
        revenue = {summer_channel: 1200 + 360, autumn_channel: 600}
        self.assertEqual(by_triple("ecom.report.channel", "revenue"), revenue)
        self.assertEqual(by_triple("ecom.report.attribution", "revenue", "lt_"), revenue)
        self.assertEqual(by_triple("ecom.report.attribution", "revenue", "ft_"), revenue)
        self.assertEqual(by_triple("ecom.report.cohort", "revenue"), revenue)
        self.assertEqual(by_triple("ecom.report.manager", "revenue", domain=[("kind", "=", "request")]),
                         {summer_channel: 1200, autumn_channel: 600})
        # the campaign's revenue meets its spend: ROMI (1560 − 600) / 600
        [row] = self.env["ecom.report.channel"].read_group(
            [("campaign_id", "=", summer.id)], ["spend:sum", "paid_revenue:sum", "romi"], [])
        self.assertEqual((row["spend"], row["paid_revenue"]), (600, 1560))
        self.assertAlmostEqual(row["romi"], 160)

    def test_the_dashboard_reads_the_same_figures(self):
        """The owner's dashboard's requests are the funnel's, its orders and revenue the channels'."""
        pivots = owner_dashboard.PIVOTS
        self.assertEqual(pivots[owner_dashboard.REQUESTS_CUR]["model"], "ecom.report.funnel")
        money = pivots[owner_dashboard.MONEY_CUR]
        self.assertEqual(money["model"], "ecom.report.channel")
        self.assertTrue({"order_count", "revenue", "revenue_untaxed"} <= {m["fieldName"] for m in money["measures"]})
