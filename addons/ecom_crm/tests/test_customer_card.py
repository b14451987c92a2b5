from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import EcomCrmCase, credit_note, invoice_order


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

    def test_days_are_the_stores(self):
        """A Moscow store: an order of 01:30 on the 1st (22:30 UTC the day before) is the 1st's, and the
        days since it turn at Moscow's midnight, whoever refreshes the cards (a user of another zone,
        the scheduler in UTC)."""
        self.env.company.partner_id.tz = "Europe/Moscow"
        customer = self.Partner.create({"name": "Ночная покупательница"})
        self._order(customer, datetime(2026, 11, 30, 22, 30))
        for user_tz in ("America/New_York", False):
            self.env.user.tz = user_tz
            with freeze_time("2026-12-05 21:30"):  # 00:30 on the 6th in Moscow
                self.refresh()
            self.assertEqual(str(customer.ecom_last_order_date), "2026-12-01")
            self.assertEqual(str(customer.ecom_first_order_date), "2026-12-01")
            self.assertEqual(customer.ecom_days_since_order, 5)

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

    def test_orders_of_contacts_and_addresses_count_at_once(self):
        company = self.Partner.create({"name": "ООО Ромашка", "is_company": True})
        buyer = self.Partner.create({"name": "Закупщица Анна", "parent_id": company.id})
        address = self.Partner.create({"name": "Склад", "parent_id": company.id, "type": "delivery"})
        self._order(buyer, datetime.now())
        self.assertEqual(company.ecom_order_count, 1, "an order of a contact is the company's, at confirmation")
        order = self.env["sale.order"].create({"partner_id": company.id, "partner_shipping_id": address.id,
                                               "order_line": [Command.create({"product_id": self.product.id})]})
        order.action_confirm()
        self.assertEqual(company.ecom_order_count, 2)
        self.assertEqual(company.ecom_customer_status, "repeat")

    def test_backdated_first_order_is_picked_up(self):
        customer = self.Partner.create({"name": "Из прошлого"})
        self._order(customer, datetime(2026, 5, 1))
        older = self._order(customer, datetime(2026, 5, 1))
        self.refresh()
        older.date_order = datetime(2025, 1, 10)
        self.refresh()
        self.assertEqual(str(customer.ecom_first_order_date), "2025-01-10")

    def test_cards_are_per_company_in_its_currency_with_its_thresholds(self):
        first = self.env.company
        eur = self.env.ref("base.EUR")
        eur.active = True
        second = self.env["res.company"].create({"name": "Второй магазин", "currency_id": first.currency_id.id,
                                                 "ecom_sleeping_days": 10, "ecom_vip_orders": 100})
        first.write({"ecom_vip_orders": 2, "ecom_sleeping_days": 90})
        self.env.user.company_ids |= second
        customer = self.Partner.create({"name": "В двух магазинах"})
        # one order in the first company priced in euros at 2 EUR per unit of its currency
        self.env["res.currency.rate"].create({"currency_id": eur.id, "rate": 2.0, "name": "2026-01-01",
                                              "company_id": first.id})
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id,
                                                          "company_id": first.id})
        in_eur = self.env["sale.order"].create({"partner_id": customer.id, "pricelist_id": pricelist.id,
                                                "order_line": [Command.create({"product_id": self.product.id,
                                                                               "price_unit": 1000})]})
        in_eur.action_confirm()
        self._order(customer, datetime.now(), price=500)
        for _i in range(2):
            order = self.env["sale.order"].with_company(second).create({
                "partner_id": customer.id, "company_id": second.id,
                "order_line": [Command.create({"product_id": self.product.id, "price_unit": 700})]})
            order.action_confirm()
            order.date_order = datetime.now() - timedelta(days=20)
        self.refresh()
        here = customer.with_company(first)
        self.assertEqual(here.ecom_order_count, 2)
        self.assertAlmostEqual(here.ecom_revenue, 1000 / 2 + 500, 2, "euros converted at the order's rate")
        self.assertEqual(here.ecom_customer_status, "vip", "the first company's VIP rule: 2 orders")
        there = customer.with_company(second)
        self.assertEqual((there.ecom_order_count, there.ecom_revenue), (2, 1400))
        self.assertEqual(there.ecom_customer_status, "sleeping", "the second company sleeps after 10 days")
        self.refresh()  # the nightly job run again, by whoever: the same cards
        self.assertEqual((customer.with_company(first).ecom_customer_status,
                          customer.with_company(second).ecom_customer_status), ("vip", "sleeping"))

    def test_refused_at_delivery_is_no_purchase(self):
        """A parcel the customer refused at delivery is money lost, as in every report: the card
        counts neither its order nor its amount, as soon as it is refused."""
        customer = self.Partner.create({"name": "Отказница Ольга"})
        kept = self._order(customer, datetime.now() - timedelta(days=3), price=1000)
        refused = self._order(customer, datetime.now() - timedelta(days=1), price=9000)
        self.assertEqual(customer.ecom_order_count, 2)
        refused._ecom_set_status("returned", reason=self.env.ref("ecom_crm.lost_reason_refused_at_delivery").id)
        self.assertEqual((customer.ecom_order_count, customer.ecom_revenue), (1, 1000))
        self.assertEqual(customer.ecom_last_order_date, kept.date_order.date())
        self.assertEqual(customer.ecom_customer_status, "first_purchase")

    def _credit_note(self, order, price=None):
        return credit_note(invoice_order(order), price=price)

    def test_revenue_is_net_of_credit_notes_at_once(self):
        """What a customer bought is what they kept: a return's credit note takes its amount from the
        card's revenue (and its VIP status) as soon as it is posted, not at night; reset to draft or
        cancelled, it gives it back. Only the customers of its orders are refreshed."""
        self.env.company.ecom_vip_revenue = 40000
        self.product.taxes_id = [Command.clear()]
        customer = self.Partner.create({"name": "Возвращает половину"})
        other = self.Partner.create({"name": "Ничего не вернул"})
        order = self._order(customer, datetime.now() - timedelta(days=2), price=50000)
        self._order(other, datetime.now() - timedelta(days=2), price=700)
        self.assertEqual((customer.ecom_revenue, customer.ecom_customer_status), (50000, "vip"))
        with patch.object(type(self.Partner), "_ecom_refresh_customer_card",
                          autospec=True, side_effect=type(self.Partner)._ecom_refresh_customer_card) as refresh:
            credit_note = self._credit_note(order, price=30000)
        self.assertEqual(refresh.call_args.args[1], [customer.id], "the customer of the credit note's order")
        self.assertEqual((customer.ecom_order_count, customer.ecom_revenue), (1, 20000))
        self.assertEqual(customer.ecom_avg_order, 20000)
        self.assertEqual(customer.ecom_customer_status, "first_purchase", "no longer a VIP by what she kept")
        credit_note.button_draft()
        self.assertEqual(customer.ecom_revenue, 50000, "a draft gives nothing back")
        credit_note.action_post()
        self.assertEqual(customer.ecom_revenue, 20000)
        credit_note.button_draft()
        credit_note.button_cancel()
        self.assertEqual(customer.ecom_revenue, 50000)
        self.refresh()  # the night's refresh of everybody agrees
        self.assertEqual((customer.ecom_revenue, other.ecom_revenue), (50000, 700))
        self._credit_note(self._order(other, datetime.now() - timedelta(days=1), price=300))
        self.refresh()
        self.assertEqual((other.ecom_order_count, other.ecom_revenue), (1, 700),
                         "fully returned: nothing kept, a returned order (no order, as in the reports)")

    def test_a_credit_note_typed_in_by_hand(self):
        """A credit note typed in by hand for the customer or a contact of theirs (a manual refund of
        a cancelled order, a goodwill credit: no line from an order) is money given back: the card's
        revenue goes down by it, taxes included, as soon as it is posted, never below nothing, and
        back up when it is cancelled."""
        customer = self.Partner.create({"name": "Компенсация Ирина", "is_company": True})
        contact = self.Partner.create({"name": "Бухгалтер", "parent_id": customer.id})
        self._order(customer, datetime.now() - timedelta(days=5), price=10000)
        income = self.env["account.account"].search([("account_type", "=", "income"),
                                                     ("company_ids", "in", self.env.company.id)], limit=1)
        tax = self.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "type_tax_use": "sale"})

        def credit(partner, amount):
            move = self.env["account.move"].create({
                "move_type": "out_refund", "partner_id": partner.id, "invoice_date": fields.Date.today(),
                "invoice_line_ids": [Command.create({"name": "Компенсация за задержку", "quantity": 1,
                                                     "price_unit": amount, "account_id": income.id,
                                                     "tax_ids": [Command.set(tax.ids)]})],
            })
            move.action_post()
            return move

        goodwill = credit(contact, 1000)
        self.assertEqual(customer.ecom_revenue, 10000 - 1200, "at once, taxes included, the contact's is the firm's")
        cancelled_whole = credit(customer, 50000)
        self.assertEqual((customer.ecom_order_count, customer.ecom_revenue), (0, 0),
                         "never below nothing; the order given back in full is a returned order")
        cancelled_whole.button_draft()
        cancelled_whole.button_cancel()
        self.assertEqual((customer.ecom_order_count, customer.ecom_revenue), (1, 8800))
        self.refresh()  # the night's refresh agrees
        self.assertEqual(customer.ecom_revenue, 8800)
        goodwill.button_draft()
        self.assertEqual(customer.ecom_revenue, 10000)

    def test_an_order_given_to_another_customer(self):
        """A confirmed order put on the right customer (typed on a namesake) moves on both cards at once."""
        wrong = self.Partner.create({"name": "Однофамилец"})
        right = self.Partner.create({"name": "Настоящий покупатель"})
        order = self._order(wrong, datetime.now() - timedelta(days=1), price=4000)
        self.assertEqual((wrong.ecom_order_count, wrong.ecom_revenue), (1, 4000))
        order.partner_id = right
        self.assertEqual((wrong.ecom_order_count, wrong.ecom_revenue), (0, 0))
        self.assertEqual((right.ecom_order_count, right.ecom_revenue), (1, 4000))

    def test_lines_of_a_confirmed_order_edited(self):
        """A confirmed order's lines changed (by hand, or 1C sending it back changed): the card follows
        at once; a quotation's lines change nothing."""
        customer = self.Partner.create({"name": "Докупила к заказу"})
        order = self._order(customer, datetime.now() - timedelta(days=1), price=1000)
        self.product.taxes_id = [Command.clear()]
        order.order_line.tax_id = [Command.clear()]
        self.assertEqual(customer.ecom_revenue, 1000)
        order.order_line.write({"product_uom_qty": 3, "price_unit": 1000})
        self.assertEqual(customer.ecom_revenue, 3000)
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 500,
                                            "tax_id": [Command.clear()]})]
        self.assertEqual(customer.ecom_revenue, 3500)
        # Odoo keeps a confirmed order's lines: one taken back is set to 0
        order.order_line.filtered(lambda line: line.price_unit == 500).product_uom_qty = 0
        self.assertEqual(customer.ecom_revenue, 3000)
        quotation = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            Command.create({"product_id": self.product.id, "price_unit": 700, "tax_id": [Command.clear()]})]})
        with patch.object(type(self.Partner), "_ecom_refresh_customer_card") as refresh:
            quotation.order_line.product_uom_qty = 2
        refresh.assert_not_called()

    def test_lines_of_a_confirmed_order_edited_together_refresh_the_card_once(self):
        """The order's form saving its lines, or 1C sending the order back with 30 lines changed, writes
        them through the order, one line after the other: the card is refreshed once for the order
        (it was once per line, a full refresh of the customer each), and follows all of them."""
        customer = self.Partner.create({"name": "Оптовик с большим заказом"})
        self.product.taxes_id = [Command.clear()]
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 100,
                            "tax_id": [Command.clear()]}) for _i in range(30)]})
        order.action_confirm()
        self.assertEqual(customer.ecom_revenue, 3000)
        Partner = type(self.Partner)
        with patch.object(Partner, "_ecom_refresh_customer_card", autospec=True,
                          side_effect=Partner._ecom_refresh_customer_card) as refresh:
            order.write({"order_line": [Command.update(line.id, {"product_uom_qty": 2, "price_unit": 150})
                                        for line in order.order_line]
                         + [Command.create({"product_id": self.product.id, "price_unit": 500,
                                            "tax_id": [Command.clear()]})]})
        self.assertEqual(refresh.call_count, 1)
        self.assertEqual(customer.ecom_revenue, 30 * 300 + 500)
        # a line written on its own still moves the card
        order.order_line[0].product_uom_qty = 0
        self.assertEqual(customer.ecom_revenue, 29 * 300 + 500)
