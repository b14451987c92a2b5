from datetime import date, datetime, timedelta

from odoo.tests import TransactionCase


def foreign_pricelist(env, rates):
    """A pricelist «Экспорт» in a currency other than the company's (EUR or USD, activated), whose only
    rates of the company are ``rates`` (``{day: rate}``): orders priced in it convert at known rates."""
    company = env.company
    currency = env["res.currency"].with_context(active_test=False).search(
        [("name", "in", ("EUR", "USD")), ("id", "!=", company.currency_id.id)], limit=1)
    currency.active = True
    currency.rate_ids.filtered(lambda rate: rate.company_id in (company, env["res.company"])).unlink()
    env["res.currency.rate"].create([{"currency_id": currency.id, "company_id": company.id, "name": day,
                                      "rate": rate} for day, rate in rates.items()])
    return env["product.pricelist"].create({"name": "Экспорт", "currency_id": currency.id})


class ScoringCase(TransactionCase):
    """A store with a product and the day the scores are for (2026-11-20)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Чайник Redmond", "list_price": 2990})
        cls.now = datetime(2026, 11, 20, 12, 0)
        cls.today = date(2026, 11, 20)
        cls.Score = cls.env["ecom.customer.score"]
        cls.Run = cls.env["ecom.scoring.run"]

    @classmethod
    def _customer_with_orders(cls, name, days_ago, amount=2990.0, user=None, product=None):
        """A customer with one confirmed order per entry of ``days_ago``."""
        partner = cls.env["res.partner"].create({"name": name, "user_id": user.id if user else False})
        for days in days_ago:
            cls._order(partner, days, amount, product)
        return partner

    @classmethod
    def _order(cls, partner, days_ago, amount=2990.0, product=None):
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "date_order": cls.now - timedelta(days=days_ago),
            "order_line": [(0, 0, {"product_id": (product or cls.product).id, "product_uom_qty": 1,
                                   "price_unit": amount})],
        })
        order.action_confirm()
        order.date_order = cls.now - timedelta(days=days_ago)
        return order

    def score_of(self, partner):
        return self.Score.search([("partner_id", "=", partner.id), ("company_id", "=", self.env.company.id)])

    def run_scoring(self, mode=None):
        return self.Run._score_customers(mode=mode, today=self.today)
