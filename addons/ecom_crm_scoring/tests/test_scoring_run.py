from freezegun import freeze_time

from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScoringRun(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a loyal big spender who stopped, a fresh one-time buyer, and regulars between them
        cls.lapsed_vip = cls._customer_with_orders("Соколова Ирина Петровна", [400, 380, 360, 340, 320, 300],
                                                   amount=90000)
        cls.fresh = cls._customer_with_orders("Орлов Денис Игоревич", [1])
        cls.regulars = [cls._customer_with_orders(f"Постоянный покупатель {i}", [10 * i + 5, 10 * i + 60])
                        for i in range(8)]
        cls.lead_only = cls.env["res.partner"].create({"name": "Без заказов"})

    def test_daily_run_groups_customers(self):
        with freeze_time(self.now):
            run = self.env["ecom.scoring.run"]._cron_score_customers()
        self.assertGreaterEqual(run.partner_count, 10)
        self.assertEqual(run.partner_count, run.growth_count + run.risk_count + run.watch_count)
        self.assertEqual(self.lapsed_vip.ecom_group, "risk")
        self.assertEqual(self.lapsed_vip.ecom_recency, 1)
        self.assertEqual(self.lapsed_vip.ecom_monetary, 5)
        self.assertEqual(self.fresh.ecom_group, "growth")
        self.assertEqual(self.fresh.ecom_recency, 5)
        self.assertFalse(self.lead_only.ecom_group, "no orders, no score")
        self.assertEqual(str(self.fresh.ecom_scored_on), "2026-11-20")

    def test_cancelled_orders_drop_the_score(self):
        self.env["ecom.scoring.run"]._score_customers()
        self.assertTrue(self.fresh.ecom_group)
        self.fresh.sale_order_ids._action_cancel()
        self.env["ecom.scoring.run"]._score_customers()
        self.assertFalse(self.fresh.ecom_group)
        self.assertFalse(self.fresh.ecom_score)

    def test_scores_are_for_the_sales_team(self):
        from odoo.exceptions import AccessError
        from odoo.tests import new_test_user

        clerk = new_test_user(self.env, login="score_clerk", groups="base.group_user")
        seller = new_test_user(self.env, login="score_seller", groups="sales_team.group_sale_salesman")
        self.env["ecom.scoring.run"]._score_customers()
        self.assertTrue(self.fresh.with_user(seller).ecom_score >= 0)
        with self.assertRaises(AccessError):
            self.fresh.with_user(clerk).read(["ecom_score"])
