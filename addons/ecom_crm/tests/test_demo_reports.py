from datetime import date

from odoo.tests import tagged

from ..demo_store import DemoStoreGenerator
from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestDemoStoreReports(EcomCrmCase):
    """The demo store's requests come with their stage history, and its reports are filled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stats = DemoStoreGenerator(cls.env, customers=300, products=40, leads=200, managers=2,
                                       today=date(2026, 11, 20), chunk_size=150).run()
        cls.env.cr.execute("""
            SELECT l.id, l.active, l.stage_id, l.ecom_lost_stage_id, l.create_date, l.date_closed,
                   array_agg(h.stage_id ORDER BY h.date_in, h.id), array_agg(h.date_in ORDER BY h.date_in, h.id),
                   array_agg(h.date_out ORDER BY h.date_in, h.id)
              FROM crm_lead l JOIN ecom_lead_stage_history h ON h.lead_id = l.id
             WHERE l.id IN (SELECT id FROM crm_lead WHERE create_uid = %s)
          GROUP BY l.id
        """, [cls.env.uid])
        cls.leads = cls.env.cr.fetchall()

    def test_every_request_went_through_the_pipeline(self):
        self.assertEqual(self.stats["stage_stays"], sum(len(row[6]) for row in self.leads))
        self.assertEqual(len(self.leads), self.stats["leads"], "every request has its stays")
        pipeline = [self.env.ref(f"ecom_crm.crm_stage_{x}").id for x in
                    ("new_request", "first_contact", "deciding", "awaiting_payment", "sold")]
        for lead_id, active, stage, lost_stage, created, closed, stages, ins, outs in self.leads:
            last = stage if active else lost_stage
            self.assertEqual(stages, pipeline[:pipeline.index(last) + 1], lead_id)
            self.assertEqual(ins[0], created)
            self.assertEqual(ins[1:], outs[:-1], "each stay starts when the previous one ends")
            if active:
                self.assertIsNone(outs[-1], "an open or won request is still in its stage")
            else:
                self.assertEqual(outs[-1], closed, "a lost request's last stay ends when it was lost")

    def test_reports_filled(self):
        Funnel = self.env["ecom.report.funnel"]
        [(requests, sales)] = Funnel._read_group([("lead_id", "in", [r[0] for r in self.leads])], [],
                                                 ["requests:sum", "sales:sum"])
        won = self.env.ref("ecom_crm.crm_stage_sold").id
        self.assertEqual(requests, len(self.leads))
        self.assertEqual(sales, sum(1 for r in self.leads if r[1] and r[2] == won))
        self.assertEqual(self.env["ecom.report.manager"].search_count([("kind", "=", "request")]),
                         self.env["crm.lead"].with_context(active_test=False).search_count([]))
