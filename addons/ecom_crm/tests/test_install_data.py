from odoo.tests import tagged

from ..models.utm_source import SHIPPED_NAMES
from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestInstallData(EcomCrmCase):
    def test_store_pipeline(self):
        stages = self.env["crm.stage"].search([("team_id", "=", False), ("ecom_is_refusal", "=", False)])
        self.assertEqual(
            stages.mapped("name"),
            ["New request", "First contact", "Deciding", "Awaiting payment / delivery", "Sold"],
            "a fresh database shows the store funnel, in order, and only it")
        self.assertEqual(stages.filtered("is_won"), self.env.ref("ecom_crm.crm_stage_sold"))

    def test_refusal_reasons(self):
        reasons = self.env["crm.lost.reason"].search([])
        self.assertEqual(len(reasons), 10, "managers pick from the store's ten reasons, Odoo's are archived")
        self.assertIn(self.env.ref("ecom_crm.lost_reason_refused_at_delivery"), reasons)
        self.assertFalse(self.env.ref("crm.lost_reason_1").active)

    def test_channels(self):
        # the names depend on the database's language (Russian once loaded: see utm_source._ecom_localize)
        sources = self.env["utm.source"].search([])
        names = set(sources.mapped("name"))
        for xmlid, (english, russian) in SHIPPED_NAMES.items():
            if xmlid.startswith("ecom_crm.utm_source_"):
                self.assertIn(self.env.ref(xmlid), sources)
                self.assertTrue({english, russian} & names, f"{english} is offered under its own name")
