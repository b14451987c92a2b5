from datetime import timedelta

from odoo.tests import tagged

from .common import ReportCase


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestRefusalReport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_product = cls.env["product.product"].create({"name": "Автокресло", "list_price": 15000})
        with cls.at(0):
            cls.lost_new = cls._lead(expected_revenue=200, ecom_product_id=cls.other_product.id)
            cls.lost_contact = cls._lead(expected_revenue=500, ecom_product_id=cls.product.id)
            cls.lost_contact_too = cls._lead(expected_revenue=700, ecom_product_id=cls.product.id)
            cls.delivered = cls._lead(expected_revenue=90000, partner_id=cls.customer.id)
            cls.returned = cls._lead(expected_revenue=90000, partner_id=cls.customer.id, ecom_product_id=cls.product.id)
        with cls.at(1):
            cls.lost_new.action_set_lost(lost_reason_id=cls.reason_no_answer.id)
            (cls.lost_contact | cls.lost_contact_too).stage_id = cls.stage_contact
        with cls.at(30):
            cls.lost_contact.action_set_lost(lost_reason_id=cls.reason_expensive.id)
            cls.lost_contact_too.write({"stage_id": cls.stage_refused.id, "lost_reason_id": cls.reason_expensive.id})
        cls.kept_order = cls._order(cls.delivered, 1000)
        cls.returned_order = cls._order(cls.returned, 89990)
        with cls.at(200):
            cls.returned_order._ecom_set_status("returned", reason=cls.reason_delivery_refused)
        cls._refresh()

    def test_by_stage_and_reason(self):
        by_stage = self.group(self.Refusal, [("kind", "=", "request")], ["stage_id"],
                              ["refusals:sum", "amount:sum"])
        self.assertEqual(by_stage, {
            self.stage_new: {"refusals:sum": 1, "amount:sum": 200},
            self.stage_contact: {"refusals:sum": 2, "amount:sum": 1200},
        })
        by_reason = self.group(self.Refusal, [], ["kind", "reason_id"], ["refusals:sum", "amount:sum"])
        self.assertEqual(by_reason, {
            ("request", self.reason_no_answer): {"refusals:sum": 1, "amount:sum": 200},
            ("request", self.reason_expensive): {"refusals:sum": 2, "amount:sum": 1200},
            ("delivery", self.reason_delivery_refused): {"refusals:sum": 1, "amount:sum": 89990},
        })
        by_product = self.group(self.Refusal, [], ["product_id"], ["refusals:sum"])
        self.assertEqual(by_product, {self.product: {"refusals:sum": 3}, self.other_product: {"refusals:sum": 1}})
        by_month = self.group(self.Refusal, [], ["date:month"], ["refusals:sum"])
        self.assertEqual(sum(g["refusals:sum"] for g in by_month.values()), 4)

    def test_refused_at_delivery(self):
        row = self.Refusal.search([("kind", "=", "delivery")])
        self.assertEqual((row.order_id, row.lead_id, row.reason_id, row.phase, row.amount, row.user_id),
                         (self.returned_order, self.returned, self.reason_delivery_refused, "delivery", 89990,
                          self.salesman))
        self.assertEqual(row.date, self.T0 + timedelta(hours=200))
        self.assertEqual(row.action_ecom_open_document()["res_model"], "sale.order")
        self.assertEqual(row.action_ecom_open_document()["res_id"], self.returned_order.id)
        # a drill-down from a number opens its requests
        lost = self.Refusal.search([("stage_id", "=", self.stage_contact.id)])
        self.assertEqual(lost.lead_id, self.lost_contact | self.lost_contact_too)
        self.assertEqual({r.phase for r in lost}, {"early"})

    def test_refresh_follows_the_requests_and_orders(self):
        """The report is a table: the next run adds a request lost since, and an order refused at
        delivery since, one of no request too (a 1C order)."""
        with self.at(300):
            self.delivered.action_set_lost(lost_reason_id=self.reason_no_answer.id)
            order = self.env["sale.order"].create({
                "partner_id": self.customer.id, "user_id": self.salesman.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 500,
                                       "tax_id": [(5, 0, 0)]})]})
            order.action_confirm()
            order._ecom_set_status("returned", reason=self.reason_delivery_refused)
        self.assertFalse(self.Refusal.search([("order_id", "=", order.id)]), "not before the next run")
        self.Funnel._cron_ecom_refresh_reports()
        row = self.Refusal.search([("order_id", "=", order.id)])
        self.assertEqual((row.kind, row.lead_id, row.amount), ("delivery", self.env["crm.lead"], 500))
        self.assertEqual(self.Refusal.search([("lead_id", "=", self.delivered.id), ("kind", "=", "request")]).reason_id,
                         self.reason_no_answer)
        self.assertEqual(self.Refusal.search_count([]), 6)
