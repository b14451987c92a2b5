from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common_schedule import TODAY, ScheduleCase


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScoringAccess(ScheduleCase):
    """The scoring as each role meets it: salespeople, a sales manager of another company."""

    def test_another_company_sees_no_offers(self):
        with freeze_time(TODAY):
            self._morning()
        self.env["ecom.customer.suggestion"].create({"score_id": self.anna_now.ecom_score_ids.id, "kind": "rebuy",
                                                     "product_id": self.product.id, "probability": 0.5})
        company_b = self.env["res.company"].create({"name": "Второй магазин"})
        manager_b = new_test_user(self.env, login="score_manager_b", groups="sales_team.group_sale_manager",
                                  company_id=company_b.id, company_ids=[Command.set(company_b.ids)])
        for model in ("ecom.customer.score", "ecom.customer.suggestion", "ecom.scoring.outcome",
                      "ecom.scoring.run"):
            self.assertFalse(self.env[model].with_user(manager_b).search([]), model)
        self.assertTrue(self.env["ecom.customer.suggestion"].with_user(self.director).search([]))
