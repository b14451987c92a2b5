from datetime import datetime, timedelta

from odoo.tests import TransactionCase


class ScoringCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Чайник Redmond", "list_price": 2990})
        cls.now = datetime(2026, 11, 20, 12, 0)

    @classmethod
    def _customer_with_orders(cls, name, days_ago, amount=2990.0):
        """A customer with one confirmed order per entry of ``days_ago``."""
        partner = cls.env["res.partner"].create({"name": name})
        for days in days_ago:
            order = cls.env["sale.order"].create({
                "partner_id": partner.id,
                "date_order": cls.now - timedelta(days=days),
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 1, "price_unit": amount})],
            })
            order.action_confirm()
            order.date_order = cls.now - timedelta(days=days)
        return partner
