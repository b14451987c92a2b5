from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestCustomerCard(EcomCrmCase):
    def _order(self, partner, day, price=1000.0):
        order = self.env["sale.order"].create({"partner_id": partner.id, "order_line": [
            (0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": price})]})
        order.action_confirm()
        order.date_order = day
        return order

    def refresh(self):
        self.Partner._ecom_refresh_customer_card()

    def test_status_moves_with_orders_and_time(self):
        customer = self.Partner.create({"name": "Лебедева Вера"})
        with freeze_time("2026-03-01"):
            self.refresh()
            self.assertEqual(customer.ecom_customer_status, "new")
            self._order(customer, datetime(2026, 3, 1, 12))
            self.refresh()
            self.assertEqual(customer.ecom_customer_status, "first_purchase")
            self.assertEqual((customer.ecom_order_count, customer.ecom_revenue), (1, 1000))
            self._order(customer, datetime(2026, 3, 1, 13), price=3000)
            self.refresh()
        self.assertEqual(customer.ecom_customer_status, "repeat")
        self.assertEqual(customer.ecom_avg_order, 2000)
        self.assertEqual(str(customer.ecom_first_order_date), "2026-03-01")
        with freeze_time("2026-06-15"):
            self.refresh()
        self.assertEqual(customer.ecom_customer_status, "sleeping")
        self.assertEqual(customer.ecom_days_since_order, 106)
        with freeze_time("2027-03-02"):
            self.refresh()
        self.assertEqual(customer.ecom_customer_status, "lost")

    def test_vip_thresholds_from_settings(self):
        customer = self.Partner.create({"name": "Крупный покупатель"})
        with freeze_time("2026-11-20"):
            self._order(customer, datetime(2026, 11, 19), price=50000)
            self.refresh()
            self.assertEqual(customer.ecom_customer_status, "first_purchase")
            self.env.company.ecom_vip_revenue = 40000
            self.refresh()
            self.assertEqual(customer.ecom_customer_status, "vip")

    def test_confirmation_updates_the_card(self):
        customer = self.Partner.create({"name": "Сразу видно"})
        self._order(customer, datetime.now())
        self.assertEqual(customer.ecom_order_count, 1, "updated when the order is confirmed")
        self.assertEqual(customer.ecom_customer_status, "first_purchase")

    def test_funnel_lost_without_orders(self):
        customer = self.Partner.create({"name": "Так и не купил"})
        lead = self._lead(partner_id=customer.id)
        self.refresh()
        self.assertEqual(customer.ecom_customer_status, "new")
        lead.action_set_lost(lost_reason_id=self.reason_expensive.id)
        self.refresh()
        self.assertEqual(customer.ecom_customer_status, "lost")

    def test_timeline(self):
        customer = self.Partner.create({"name": "С историей"})
        self._lead(partner_id=customer.id, name="Заявка на коляску")
        self._order(customer, datetime(2026, 5, 1))
        customer.message_post(body="Просила перезвонить вечером", message_type="comment")
        self.env.flush_all()
        kinds = set(self.env["ecom.customer.timeline"].search([("partner_id", "=", customer.id)]).mapped("kind"))
        self.assertEqual(kinds, {"request", "order", "message"})
