"""The demo store's year of ad spend: 50 paid campaigns a day, on the channels and campaigns its
requests carry, sized to the revenue of each channel's orders, in the reports as soon as the store is
loaded."""

from datetime import date, timedelta

from odoo.tests import tagged

from ..demo_store import DemoStoreGenerator
from ..demo_store import data as demo_data
from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestDemoAdSpend(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date(2026, 11, 20)
        cls.stats = DemoStoreGenerator(cls.env, customers=600, products=40, leads=1200, managers=3,
                                       today=cls.today, chunk_size=600).run()

    def test_a_year_of_daily_spend_of_fifty_campaigns(self):
        cr = self.env.cr
        cr.execute("SELECT count(DISTINCT campaign_id), count(DISTINCT date), min(date), max(date), count(*) "
                   "FROM ecom_ad_spend")
        campaigns, days, first, last, rows = cr.fetchone()
        self.assertEqual((campaigns, days), (50, demo_data.AD_SPEND_DAYS))
        self.assertEqual((first, last), (self.today - timedelta(days=365), self.today - timedelta(days=1)))
        self.assertEqual(rows, 50 * 365)
        self.assertEqual(self.stats["ad_spend"], rows)

    def test_spend_is_on_the_requests_channels(self):
        cr = self.env.cr
        # every campaign that spends is one the requests of its channel and medium are drawn from
        cr.execute("""
            SELECT count(*) FROM (SELECT DISTINCT source_id, medium_id FROM ecom_ad_spend) s
             WHERE NOT EXISTS (SELECT 1 FROM crm_lead l WHERE l.source_id = s.source_id AND l.medium_id = s.medium_id)
        """)
        self.assertEqual(cr.fetchone()[0], 0)
        cr.execute("""
            SELECT count(*) FROM (SELECT DISTINCT source_id, campaign_id FROM ecom_ad_spend) s
             WHERE NOT EXISTS (SELECT 1 FROM crm_lead l WHERE l.source_id = s.source_id
                                                           AND l.campaign_id = s.campaign_id)
        """)
        self.assertLess(cr.fetchone()[0], 10, "most spending campaigns brought requests")

    def test_the_reports_show_it(self):
        """The spend is sized to the channels' revenue (a Russian store's ДРР, data.AD_DRR), not to their
        requests: most of the store's orders come without a request, so a cost per request is no longer
        a bound to pin (this store's Yandex Direct reads about 6,000 ₽ a request, its requests a small
        part of what the channel sells), only that it is there. Sized to the requests (650 ₽ each), the
        paid channels' ROMI read about +32,000%, ДРР 0.3%, once the orders carried their channels.
        What is pinned instead is what the owner reads: the paid channels' ДРР over the year of spend
        between 3% and 15%, their ROMI several hundred to about two thousand percent."""
        year = [("date", ">=", self.today - timedelta(days=365)), ("date", "<", self.today)]
        Report = self.env["ecom.report.channel"]
        rows = Report.read_group(year, ["spend:sum", "request_count:sum", "cpl:sum", "drr:sum", "romi:sum"],
                                 ["source_id"])
        by_source = {row["source_id"][0]: row for row in rows if row["source_id"]}
        for xmlid in ("yandex_direct", "google_ads", "vk"):
            row = by_source[self.env.ref(f"ecom_crm.utm_source_{xmlid}").id]
            self.assertGreater(row["spend"], 0, xmlid)
            self.assertGreater(row["request_count"], 0, xmlid)
            self.assertGreater(row["cpl"], 0, xmlid)
            self.assertTrue(3 <= row["drr"] <= 15, (xmlid, row["drr"]))
            self.assertTrue(500 <= row["romi"] <= 3000, (xmlid, row["romi"]))
        self.env.cr.execute("SELECT array_agg(DISTINCT source_id) FROM ecom_ad_spend")
        paid = Report.read_group([*year, ("source_id", "in", self.env.cr.fetchone()[0])],
                                 ["spend:sum", "revenue:sum", "drr:sum", "romi:sum"], [])[0]
        self.assertTrue(3 <= paid["drr"] <= 15, paid["drr"])
        self.assertTrue(500 <= paid["romi"] <= 3000, paid["romi"])
