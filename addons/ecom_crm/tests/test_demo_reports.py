import random
from datetime import date

from odoo import Command
from odoo.tests import tagged

from ..demo_store import DemoStoreGenerator, data, distributions, reference
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

    def test_products_cost_and_margin(self):
        """The demo products cost the store less than their price, and the orders of them show a
        store's margin in the sales report: neither nothing nor the whole revenue."""
        products = self.env["product.product"].search([("default_code", "=like", "DEMO-%")])
        self.assertEqual(len(products), 38)  # 2 a category
        self.assertTrue(all(0 < p.standard_price < p.list_price for p in products))
        team = self.env["crm.team"].search([("name", "=", "Интернет-магазин")])
        orders = self.env["sale.order"].search([("team_id", "=", team.id), ("state", "=", "sale"),
                                                ("ecom_status", "!=", "returned")])
        self.assertTrue(orders)
        self.env["ecom.report.matview"]._ecom_refresh_all()
        [(revenue_untaxed, base, cost, margin, percent)] = self.env["ecom.report.sales"]._read_group(
            [("team_id", "=", team.id)], [],
            ["revenue_untaxed:sum", "margin_base:sum", "cost:sum", "margin:sum", "margin_percent:ecom_ratio"])
        self.assertAlmostEqual(base, revenue_untaxed, 2, "every line has a cost")
        self.assertAlmostEqual(margin, sum(orders.mapped("margin")), 2, "the orders' own margin")
        self.assertAlmostEqual(margin, base - cost, 2)
        self.assertTrue(0 < margin < base, (margin, base))
        self.assertTrue(15 < percent < 50, percent)

    def test_orders_margins_as_sale_margin_computes_them(self):
        """The generator writes the cost and margins of its orders in SQL: they are those sale_margin
        computes for the same lines made through the ORM (the line's cost, its margin on the subtotal and
        its share of it; the order's margin and its share of the untaxed amount)."""
        team = self.env["crm.team"].search([("name", "=", "Интернет-магазин")])
        orders = self.env["sale.order"].search([("team_id", "=", team.id), ("state", "=", "sale")])
        sample = orders.filtered(lambda o: len(o.order_line) > 1)[:5] | orders.filtered(
            lambda o: any(line.product_uom_qty > 1 for line in o.order_line))[:5]
        self.assertGreater(len(sample), 5)
        for order in sample:
            made = self.env["sale.order"].create({"partner_id": order.partner_id.id, "order_line": [
                Command.create({"product_id": line.product_id.id, "product_uom_qty": line.product_uom_qty,
                                "price_unit": line.price_unit, "tax_id": [Command.clear()]})
                for line in order.order_line]})
            self.assertEqual(made.amount_untaxed, order.amount_untaxed)
            for line, orm in zip(order.order_line, made.order_line, strict=True):
                self.assertEqual(line.purchase_price, orm.purchase_price)
                self.assertAlmostEqual(line.margin, orm.margin, 2)
                self.assertAlmostEqual(line.margin_percent, orm.margin_percent, 6)
            self.assertAlmostEqual(order.margin, made.margin, 2)
            self.assertAlmostEqual(order.margin_percent, made.margin_percent, 6)

    def test_products_made_without_a_cost_get_one(self):
        """A demo store generated before its products had a cost: running the generator again gives them
        their category's share of their own price, and its new orders that cost."""
        product = self.env["product.product"].search([("default_code", "=", "DEMO-00-0001")])
        product.write({"standard_price": 0, "list_price": 50000})
        plan = distributions.catalog_plan(40, random.Random(42))  # the generator's default seed
        low, high = data.COST_SHARE[plan[0][0]]
        catalog = reference.setup_catalog(self.env, plan)
        self.assertEqual(product.list_price, 50000, "an existing product keeps its price")
        self.assertTrue(50000 * low - 1 <= product.standard_price <= 50000 * high + 1, product.standard_price)
        self.assertEqual(catalog[1][0], product.id)
        self.assertEqual(catalog[1][4], product.standard_price)

    def test_reports_filled(self):
        Funnel = self.env["ecom.report.funnel"]
        [(requests, sales)] = Funnel._read_group([("lead_id", "in", [r[0] for r in self.leads])], [],
                                                 ["requests:sum", "sales:sum"])
        won = self.env.ref("ecom_crm.crm_stage_sold").id
        self.assertEqual(requests, len(self.leads))
        self.assertEqual(sales, sum(1 for r in self.leads if r[1] and r[2] == won))
        self.assertEqual(self.env["ecom.report.manager"].search_count([("kind", "=", "request")]),
                         self.env["crm.lead"].with_context(active_test=False).search_count([]))
