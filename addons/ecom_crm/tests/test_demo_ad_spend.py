"""The demo store's year of ad spend: 50 paid campaigns a day, on the channels and campaigns its
requests carry, in the reports as soon as the store is loaded."""

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
        rows = self.env["ecom.report.channel"].read_group(
            [("date", ">=", self.today - timedelta(days=365))], ["spend:sum", "request_count:sum", "cpl:sum"],
            ["source_id"])
        yandex_id = self.env.ref("ecom_crm.utm_source_yandex_direct").id
        yandex = next(row for row in rows if row["source_id"] and row["source_id"][0] == yandex_id)
        self.assertGreater(yandex["spend"], 0)
        self.assertGreater(yandex["request_count"], 0)
        # a year of spend at the configured cost per request, over the year's share of the requests
        self.assertTrue(200 < yandex["cpl"] < 3000, yandex["cpl"])
