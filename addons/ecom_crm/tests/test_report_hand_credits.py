"""The credit notes typed in by hand against a plain reference: random small stores (orders and
hand-typed credit notes on random days, the same day, credits beyond every earlier order, two
companies, an order's and a credit note's own currency, a customer's contacts, draft, cancelled
and reversed credit notes, orders given back in part on their lines) built in the database, and
what :func:`order_refunds` says each order gave back compared with a loop that gives each credit
note, in the order of the days, from the customer's orders placed on or before its day, the latest
first, each up to what its own credit notes left of it."""

import random
from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.ecom_report_mixin import order_refunds
from .common import credit_note
from .test_report_returns import ReturnsCase

FIRST_DAY = date(2025, 11, 3)


def reference(orders, credits):
    """What each order gives back of the credit notes typed in by hand: ``orders`` ``(key, day,
    id, capacity)``, ``credits`` ``(key, day, id, amount)`` (company's currency, a key a company
    and a customer). Each credit in the order of the days (then of the ids) takes from its
    customer's orders of that day or before, the latest first (the day, then the id), each at
    most what it has left; what none can take is lost."""
    left = {order_id: capacity for _key, _day, order_id, capacity in orders}
    for key, day, _credit_id, amount in sorted(credits, key=lambda c: (c[0], c[1], c[2])):
        mine = sorted((o for o in orders if o[0] == key and o[1] <= day), key=lambda o: (o[1], o[2]), reverse=True)
        for _key, _day, order_id, _capacity in mine:
            give = min(left[order_id], amount)
            left[order_id] -= give
            amount -= give
    return {order_id: capacity - left[order_id] for _key, _day, order_id, capacity in orders}


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestHandCreditsAgainstAReference(ReturnsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create(
            {"name": "Магазин во Владивостоке", "currency_id": cls.company_a.currency_id.id})
        cls.company_b.partner_id.tz = "Asia/Vladivostok"
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company_b, install_demo=False)
        cls.env.user.company_ids = [Command.link(cls.company_b.id)]
        cls.foreign = cls.env["res.currency"].with_context(active_test=False).search(
            [("name", "in", ("EUR", "USD", "KZT")), ("id", "!=", cls.company_a.currency_id.id)], limit=1)
        cls.foreign.active = True
        cls.env["res.currency.rate"].search([("currency_id", "=", cls.foreign.id)]).unlink()
        cls.env["res.currency.rate"].create({"currency_id": cls.foreign.id, "rate": 2.0, "name": "2000-01-01"})
        cls.pricelists = {
            (company, foreign): cls.env["product.pricelist"].create({
                "name": f"{company.name} {foreign}", "company_id": company.id,
                "currency_id": (cls.foreign if foreign else company.currency_id).id})
            for company in (cls.company_a, cls.company_b) for foreign in (False, True)}

    def _place(self, company, partner, amount, day, late, foreign):
        """An order of ``amount`` (in its currency), placed on ``day`` of its company (``late``: in
        the small hours, the evening before in UTC)."""
        Order = self.env["sale.order"].with_company(company)
        order = Order.create({
            "partner_id": partner.id, "user_id": self.salesman.id, "company_id": company.id,
            "pricelist_id": self.pricelists[company, foreign].id,
            "order_line": [Command.create({"product_id": self.seat.id, "product_uom_qty": 1, "price_unit": amount,
                                           "tax_id": [Command.clear()]})]})
        order.action_confirm()
        order.flush_recordset()
        # 01:30 in Moscow and 08:30 in Vladivostok are 22:30 UTC of the day before; noon is that day's
        when = datetime.combine(day, datetime.min.time()) + (timedelta(hours=-1.5) if late else timedelta(hours=2))
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s", [when, order.id])
        order.invalidate_recordset(["date_order"])
        return order

    def _hand(self, company, partner, amount, day, foreign, rate):
        move = self.env["account.move"].with_company(company).create({
            "move_type": "out_refund", "partner_id": partner.id, "invoice_date": day, "company_id": company.id,
            "currency_id": (self.foreign if foreign else company.currency_id).id,
            "invoice_line_ids": [Command.create({"name": "Компенсация", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})]})
        if foreign:
            move.invoice_currency_rate = rate
        return move

    def _store(self, rnd, customers):
        """A random store; returns (orders, credits, linked) for :func:`reference`: what each order
        gave back on its lines (order's currency) apart."""
        orders, credits, linked, rates = [], [], {}, {}
        for index in range(customers):
            buyer = self.Partner.create({"name": f"Покупатель {index}", "is_company": True})
            people = [buyer, self.Partner.create({"name": f"Сотрудник {index}", "parent_id": buyer.id})]
            companies = [self.company_a, self.company_b] if rnd.random() < 0.3 else [rnd.choice(
                [self.company_a, self.company_b])]
            for _i in range(rnd.randint(1, 4)):
                company = rnd.choice(companies)
                day = FIRST_DAY + timedelta(days=rnd.randint(0, 5))
                amount = rnd.choice([300, 500, 1000, 1500, 2500])
                order = self._place(company, rnd.choice(people), amount, day, rnd.random() < 0.3,
                                    rnd.random() < 0.3)
                back = 0
                if rnd.random() < 0.25:  # a part given back on the order's line
                    back = rnd.choice([100, amount / 2, amount])
                    credit_note(self._invoice(order.with_company(company)).with_company(company), price=back)
                linked[order.id] = back
                rates[order.id] = order.currency_rate
                orders.append(((company.id, buyer.id), day, order.id, (amount - back) / order.currency_rate))
            for _i in range(rnd.randint(0, 3)):
                company = rnd.choice(companies)
                day = FIRST_DAY + timedelta(days=rnd.randint(-1, 6))
                foreign = rnd.random() < 0.3
                rate = rnd.choice([1.5, 2.0, 4.0])
                amount = rnd.choice([200, 400, 700, 1200, 6000])
                move = self._hand(company, rnd.choice(people), amount, day, foreign, rate)
                fate = rnd.random()
                if fate < 0.1:
                    continue  # a draft
                move.action_post()
                if fate < 0.2:
                    move.button_draft()
                    move.button_cancel()
                    continue
                if fate < 0.3:  # given back by a reversal: nothing was credited
                    credit_note(move.with_company(company))
                    continue
                credits.append(((company.id, buyer.id), day, move.id, amount / (rate if foreign else 1)))
        return orders, credits, linked, rates

    def _given_back(self, **scope):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT order_id, refunded, returned FROM (%s) rf", order_refunds(**scope)))
        return {order_id: (float(refunded), returned) for order_id, refunded, returned in self.env.cr.fetchall()}

    def test_the_reference_on_a_history_worked_out_by_hand(self):
        """50 on the 9th, before any order: lost; 600 on the 12th: both orders of the 12th (the
        later one first) give back theirs and 400; 1000 on the 13th: the 12th's last 100, then 900
        of the 10th's; 100 on the 21st: the order of the 20th."""
        key = (1, 1)
        orders = [(key, 10, 1, 1000), (key, 12, 2, 500), (key, 12, 3, 200), (key, 20, 4, 300)]
        credits = [(key, 12, 9, 600), (key, 13, 8, 1000), (key, 9, 7, 50), (key, 21, 6, 100)]
        self.assertEqual(reference(orders, credits), {1: 900, 2: 500, 3: 200, 4: 100})

    def test_random_stores_give_back_as_the_reference(self):
        for seed in range(8):
            with self.env.cr.savepoint(flush=False) as savepoint:
                rnd = random.Random(seed)
                orders, credits, linked, rates = self._store(rnd, 6)
                taken = reference(orders, credits)
                expected = {order_id: linked[order_id] + taken[order_id] * rates[order_id]
                            for order_id in taken}
                got = self._given_back()
                some = [o[2] for o in orders[: len(orders) // 2]]
                got_card = self._given_back(orders=SQL("SELECT unnest(%s::int[])", some))
                got_rows = self._given_back(where=SQL("AND so.id = ANY(%s)", some))
                mismatches = {}
                for order_id, amount in expected.items():
                    refunded = got.get(order_id, (0, False))[0]
                    if abs(refunded - amount) > 0.01:
                        mismatches[order_id] = (amount, refunded)
                    for mode, partial in (("card", got_card), ("rows", got_rows)):
                        if order_id in some and abs(partial.get(order_id, (0, False))[0] - amount) > 0.01:
                            mismatches[order_id, mode] = (amount, partial.get(order_id))
                self.assertFalse(mismatches, f"seed {seed}: (expected, SQL) by order; credits {credits}, "
                                             f"orders {orders}")
                savepoint.rollback()

    def test_a_reversed_credit_note_gives_nothing_back(self):
        buyer = self.Partner.create({"name": "Сторнированная компенсация"})
        order = self._place(self.company_a, buyer, 1000, FIRST_DAY, False, False)
        note = self._hand(self.company_a, buyer, 400, FIRST_DAY, False, 1)
        note.action_post()
        self.assertEqual(self._given_back().get(order.id), (400, False))
        credit_note(note)
        self.assertNotIn(order.id, self._given_back())

    def test_a_credit_notes_hand_lines_less_than_nothing_give_nothing(self):
        """A credit note of an order's line with a line typed beside it that takes something off
        (a discount on the credit note): the typed line gives nothing back, nor takes anything
        from another credit typed by hand."""
        buyer = self.Partner.create({"name": "Скидка в возврате"})
        first = self._place(self.company_a, buyer, 1000, FIRST_DAY, False, False)
        second = self._place(self.company_a, buyer, 1000, FIRST_DAY + timedelta(days=1), False, False)
        note = credit_note(self._invoice(second), post=False)
        note.invoice_date = FIRST_DAY + timedelta(days=1)
        note.invoice_line_ids = [Command.create({"name": "Удержание", "quantity": 1, "price_unit": -100,
                                                 "tax_ids": [Command.clear()]})]
        note.action_post()
        self._hand(self.company_a, buyer, 300, FIRST_DAY + timedelta(days=2), False, 1).action_post()
        got = self._given_back()
        self.assertEqual(got[second.id], (1000, True))
        self.assertEqual(got[first.id], (300, False))

