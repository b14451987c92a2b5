"""What the owner's reports count as given back: a correction (a credit note and a corrected
invoice) is no return, even while the order is invoiced in part; an order given back in full is a
returned order (no revenue, no sale in the counts of orders); a credit note typed in by hand gives
back from its customer's orders placed on or before it, the latest first, so that the reports'
totals agree with the customer card."""

from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import credit_note
from .test_reports_channels import ReportCase

NOON = datetime(2025, 11, 10, 9, 0)  # 12:00 in Moscow


class ReturnsCase(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seat = cls.env["product.product"].create(
            {"name": "Автокресло", "list_price": 1000, "taxes_id": [Command.clear()], "invoice_policy": "order"})
        cls.income = cls.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", cls.env.company.id)], limit=1)

    @classmethod
    def _invoice(cls, order, quantity=None):
        """The order's invoice (``quantity`` of its first line only: a partial invoice), posted."""
        invoice = order._create_invoices()
        if quantity is not None:
            invoice.invoice_line_ids[0].quantity = quantity
        invoice.action_post()
        return invoice

    @classmethod
    def _correct(cls, invoice, price=None):
        """Odoo's «Full refund and new draft invoice»; the new invoice (its first line at ``price``
        when given) posted."""
        wizard = cls.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"journal_id": invoice.journal_id.id})
        new = cls.env["account.move"].browse(wizard.modify_moves()["res_id"])
        if price is not None:
            new.invoice_line_ids[0].price_unit = price
        new.action_post()
        return new

    @classmethod
    def _credit_by_hand(cls, partner, amount, day):
        """A credit note typed in by hand (no line from an order's), posted."""
        move = cls.env["account.move"].create({
            "move_type": "out_refund", "partner_id": partner.id, "invoice_date": day,
            "invoice_line_ids": [Command.create({"name": "Компенсация", "quantity": 1, "price_unit": amount,
                                                 "account_id": cls.income.id, "tax_ids": [Command.clear()]})]})
        move.action_post()
        return move

    def refresh_all(self):
        self.refresh()
        self.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)

    def sales(self, domain=()):
        return self.groups("ecom.report.sales", None, ["order_count", "revenue", "refunded"], domain)[None]


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestCorrections(ReturnsCase):
    def test_a_partial_invoice_corrected_is_no_return(self):
        """Two car seats, one invoiced, that invoice corrected (a credit note and a new invoice of
        the same seat): nothing was given back, though the order is not invoiced in full yet; the
        corrected invoice at a lower price gives back the difference; a seat sent back after the
        correction is a return."""
        lead = self._request(NOON, self.yandex, self.cpc, self.campaign_a)
        order = self._order(self.Partner.create({"name": "Исправленный частичный счёт"}), 1000, NOON,
                            lead=lead, product=self.seat)
        order.order_line.product_uom_qty = 2
        first = self._invoice(order, quantity=1)
        self._correct(first)
        self.refresh_all()
        self.assertEqual(self.sales(), {"order_count": 1, "revenue": 2000, "refunded": 0})
        row = self.env["ecom.report.manager"].search([("lead_id", "=", lead.id)])
        self.assertEqual((row.orders, row.revenue, row.refunded), (1, 2000, 0))
        channel = self.groups("ecom.report.channel", "source_id", ["order_count", "revenue", "refunded"])
        self.assertEqual(channel[self.yandex.id], {"order_count": 1, "revenue": 2000, "refunded": 0})
        # corrected again, at 900: 100 given back
        second = self._correct(order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice"
                                                          and m.state == "posted")[-1:], price=900)
        self.refresh()
        self.assertEqual(self.sales(), {"order_count": 1, "revenue": 1900, "refunded": 100})
        # the seat sent back afterwards: a return of its 900
        credit_note(second)
        self.refresh()
        self.assertEqual(self.sales(), {"order_count": 1, "revenue": 1000, "refunded": 1000})

    def test_a_return_of_one_line_is_not_made_up_by_another_lines_invoice(self):
        """Delivered in two parts: the first invoice's seat sent back, then the second part invoiced
        (another line): the return stands."""
        order = self._order(self.Partner.create({"name": "Две поставки"}), 1000, NOON, product=self.seat)
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 500,
                                            "tax_id": [Command.clear()]})]
        first = order._create_invoices()
        first.invoice_line_ids.filtered(lambda line: line.product_id == self.product).unlink()
        first.action_post()
        credit_note(first)
        rest = order._create_invoices()  # the rest: the second line (the seat is not sent again)
        rest.invoice_line_ids.filtered(lambda line: line.product_id == self.seat).unlink()
        rest.action_post()
        self.refresh()
        self.assertEqual(self.sales(), {"order_count": 1, "revenue": 500, "refunded": 1000})


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestFullReturns(ReturnsCase):
    def test_an_order_given_back_in_full_is_a_returned_order(self):
        """Everything given back: no revenue, no order in the counts (orders, conversion, average
        order, new customers, customers acquired), what was given back still shown as refunds."""
        lead = self._request(NOON, self.yandex, self.cpc, self.campaign_a)
        returned = self._order(self.Partner.create({"name": "Вернул всё"}), 3000, NOON, lead=lead)
        credit_note(self._invoice(returned))
        kept = self._order(self.Partner.create({"name": "Оставил"}), 1000, NOON)
        self._invoice(kept)
        lead.write(self._ready_for_payment())
        lead.stage_id = self.stage_payment
        lead.stage_id = self.stage_sold
        self.refresh_all()
        sales = self.groups("ecom.report.sales", None, ["order_count", "new_customer_count", "revenue",
                                                         "refunded", "average_order"])[None]
        self.assertEqual(sales, {"order_count": 1, "new_customer_count": 1, "revenue": 1000, "refunded": 3000,
                                 "average_order": 1000})
        channel = self.groups("ecom.report.channel", "source_id",
                              ["request_count", "order_count", "request_order_count", "revenue", "refunded",
                               "conversion"])
        self.assertEqual(channel[self.yandex.id], {"request_count": 1, "order_count": 0, "request_order_count": 0,
                                                   "revenue": 0, "refunded": 3000, "conversion": 0})
        attribution = self.groups("ecom.report.attribution", None, ["order_count", "new_customer_count",
                                                                    "revenue", "refunded"])[None]
        self.assertEqual(attribution, {"order_count": 1, "new_customer_count": 1, "revenue": 1000,
                                       "refunded": 3000})
        cohorts = self.groups("ecom.report.cohort", None, ["customer_count", "order_count", "revenue"])[None]
        self.assertEqual(cohorts, {"customer_count": 1, "order_count": 1, "revenue": 1000})
        row = self.env["ecom.report.manager"].search([("lead_id", "=", lead.id)])
        self.assertEqual((row.won, row.orders, row.revenue, row.refunded), (1, 0, 0, 3000))
        [(realised,)] = self.env["ecom.report.funnel"]._read_group(
            [("lead_id", "=", lead.id)], [], ["amount_realised:sum"])
        self.assertEqual(realised, 0)

    def test_the_next_order_of_a_customer_who_returned_everything_is_their_first(self):
        buyer = self.Partner.create({"name": "Вернул первый заказ"})
        credit_note(self._invoice(self._order(buyer, 3000, NOON)))
        self._order(buyer, 800, NOON + timedelta(days=3))
        self.refresh()
        by_kind = self.groups("ecom.report.sales", "customer_kind", ["order_count", "new_customer_count"])
        self.assertEqual(by_kind["new"], {"order_count": 1, "new_customer_count": 1})
        self.assertNotIn("returning", by_kind)

    def test_an_order_given_back_in_full_by_a_returning_customer_is_among_the_returning_customers(self):
        """What a customer who had bought before gives back in full is a returning customer's refund, not a
        new customer's: the order acquired nobody, but its customer was already acquired."""
        buyer = self.Partner.create({"name": "Вернул второй заказ"})
        self._invoice(self._order(buyer, 800, NOON))
        credit_note(self._invoice(self._order(buyer, 3000, NOON + timedelta(days=3))))
        self.refresh()
        by_kind = self.groups("ecom.report.sales", "customer_kind",
                              ["order_count", "new_customer_count", "returning_order_count", "revenue", "refunded"])
        self.assertEqual(by_kind, {
            "new": {"order_count": 1, "new_customer_count": 1, "returning_order_count": 0, "revenue": 800,
                    "refunded": 0},
            "returning": {"order_count": 0, "new_customer_count": 0, "returning_order_count": 0, "revenue": 0,
                          "refunded": 3000}})


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestCreditsByHand(ReturnsCase):
    def test_a_credit_note_typed_by_hand_gives_back_from_the_latest_orders_before_it(self):
        """1000 on the 10th, 500 on the 12th, 700 credited by hand on the 13th: the order of the
        12th gives back its 500 (everything: a returned order), that of the 10th 200; a credit of
        the 1st (before any order) gives back from none. The reports' totals are the card's."""
        lead = self._request(NOON, self.yandex, self.cpc, self.campaign_a)
        buyer = self.Partner.create({"name": "Компенсация Ирина", "is_company": True})
        contact = self.Partner.create({"name": "Бухгалтер", "parent_id": buyer.id})
        self._order(buyer, 1000, NOON, lead=lead)
        self._order(contact, 500, NOON + timedelta(days=2))
        self._credit_by_hand(contact, 700, date(2025, 11, 13))
        self._credit_by_hand(buyer, 100, date(2025, 11, 1))
        self.refresh_all()
        self.assertEqual(self.sales([("date", "=", "2025-11-10")]), {"order_count": 1, "revenue": 800, "refunded": 200})
        self.assertEqual(self.sales([("date", "=", "2025-11-12")]), {"order_count": 0, "revenue": 0, "refunded": 500})
        channel = self.groups("ecom.report.channel", "source_id", ["order_count", "revenue", "refunded"])
        self.assertEqual(channel[self.yandex.id], {"order_count": 1, "revenue": 800, "refunded": 200})
        row = self.env["ecom.report.manager"].search([("lead_id", "=", lead.id)])
        self.assertEqual((row.orders, row.revenue, row.refunded), (1, 800, 200))
        self.env["res.partner"]._ecom_refresh_customer_card([buyer.id])
        self.assertEqual(buyer.ecom_revenue, 800)
        self.assertEqual(self.sales()["revenue"], buyer.ecom_revenue, "the reports' total is the card's")

    def test_a_credit_note_typed_by_hand_and_reversed_gives_nothing_back(self):
        """A goodwill credit of 700 typed in by mistake and cancelled by its reversal (Odoo's
        *Reverse* of the credit note: an invoice whose reversed entry is it) gives nothing back, as
        the scoring counts it; one reversed in part gives back the rest. The card agrees."""
        buyer = self.Partner.create({"name": "Компенсация отменена"})
        self._order(buyer, 1000, NOON)
        credit = self._credit_by_hand(buyer, 700, date(2025, 11, 13))
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=credit.ids).create({"journal_id": credit.journal_id.id})
        wizard.refund_moves()
        reversal = credit.reversal_move_ids
        reversal.filtered(lambda m: m.state == "draft").action_post()
        self.assertEqual((reversal.move_type, reversal.state), ("out_invoice", "posted"))
        self.refresh()
        self.assertEqual(self.sales(), {"order_count": 1, "revenue": 1000, "refunded": 0})
        self.env["res.partner"]._ecom_refresh_customer_card([buyer.id])
        self.assertEqual(buyer.ecom_revenue, 1000)
        # the reversal put back to draft and posted at 500 instead: 200 given back
        reversal.button_draft()
        reversal.invoice_line_ids.price_unit = 500
        reversal.action_post()
        self.refresh()
        self.assertEqual(self.sales(), {"order_count": 1, "revenue": 800, "refunded": 200})

    def _refreshed_long_ago(self):
        """The report tables rebuilt, and everything written before their last refresh."""
        Funnel = self.env["ecom.report.funnel"]
        Funnel._cron_ecom_refresh_reports(full=True)
        self.env.flush_all()
        # (a stage or a company's partner written since would rebuild every row: not what is tested)
        for table in ("crm_lead", "crm_stage", "sale_order", "sale_order_line", "account_move", "res_partner"):
            self.env.cr.execute(SQL("UPDATE %s SET write_date = %s", SQL.identifier(table),
                                    datetime.now() - timedelta(days=2)))
        self.env.cr.execute("UPDATE mail_message SET date = %s", [datetime.now() - timedelta(days=2)])
        self.env.invalidate_all()
        Funnel._ecom_mark_refreshed(datetime.now() - timedelta(days=1))

    def test_the_tables_refresh_picks_up_a_credit_note_typed_by_hand(self):
        lead = self._request(NOON, self.yandex, self.cpc, self.campaign_a)
        buyer = self.Partner.create({"name": "Компенсация позже"})
        self._order(buyer, 1000, NOON, lead=lead)
        self._refreshed_long_ago()
        self._credit_by_hand(buyer, 300, date(2025, 11, 20))
        self.env["ecom.report.funnel"]._cron_ecom_refresh_reports()
        row = self.env["ecom.report.manager"].search([("lead_id", "=", lead.id)])
        self.assertEqual((row.revenue, row.refunded), (700, 300))

    def test_the_tables_refresh_rereads_the_requests_a_new_order_takes_a_credit_typed_by_hand_from(self):
        """700 credited by hand on the 20th gave back from the order of the 10th; an order of the
        12th placed since (another request) takes 500 of it: the 15-minute refresh reads the first
        request again (200 given back now), though nothing of it changed."""
        first = self._request(NOON, self.yandex, self.cpc, self.campaign_a)
        second = self._request(NOON, self.yandex, self.cpc, self.campaign_a)
        buyer = self.Partner.create({"name": "Компенсация и новый заказ", "is_company": True})
        contact = self.Partner.create({"name": "Закупщик", "parent_id": buyer.id})
        self._order(buyer, 1000, NOON, lead=first)
        self._credit_by_hand(buyer, 700, date(2025, 11, 20))
        self._refreshed_long_ago()
        Manager = self.env["ecom.report.manager"]
        row = Manager.search([("lead_id", "=", first.id)])
        self.assertEqual((row.revenue, row.refunded), (300, 700))
        self._order(contact, 500, NOON + timedelta(days=2), lead=second)
        self.env["ecom.report.funnel"]._cron_ecom_refresh_reports()
        rows = {row.lead_id: (row.revenue, row.refunded)
                for row in Manager.search([("lead_id", "in", (first + second).ids)])}
        self.assertEqual(rows, {first: (800, 200), second: (0, 500)})


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestCardOfReturnedOrders(ReturnsCase):
    def test_the_card_counts_no_returned_order(self):
        """3000 on the 10th given back in full, 1000 on the 12th kept, 500 on the 15th credited by
        hand in full that day: one order, as the reports count it, the 12th its first and last."""
        buyer = self.Partner.create({"name": "Возвращает заказы"})
        credit_note(self._invoice(self._order(buyer, 3000, NOON)))
        self._order(buyer, 1000, NOON + timedelta(days=2))
        self._order(buyer, 500, NOON + timedelta(days=5))
        self._credit_by_hand(buyer, 500, date(2025, 11, 15))
        self.env["res.partner"]._ecom_refresh_customer_card([buyer.id])
        card = (buyer.ecom_order_count, buyer.ecom_revenue, buyer.ecom_avg_order, buyer.ecom_first_order_date,
                buyer.ecom_last_order_date)
        self.assertEqual(card, (1, 1000, 1000, date(2025, 11, 12), date(2025, 11, 12)))
        self.refresh()
        self.assertEqual(self.sales(), {"order_count": 1, "revenue": 1000, "refunded": 3500})
        # the daily refresh of every card says the same
        buyer.invalidate_recordset()
        self.env["res.partner"]._ecom_refresh_customer_card()
        self.assertEqual((buyer.ecom_order_count, buyer.ecom_first_order_date), (1, date(2025, 11, 12)))

    def test_a_customer_who_gave_back_their_only_order_has_bought_nothing(self):
        buyer = self.Partner.create({"name": "Вернул единственный заказ"})
        credit_note(self._invoice(self._order(buyer, 3000, NOON)))
        self.env["res.partner"]._ecom_refresh_customer_card([buyer.id])
        self.assertEqual((buyer.ecom_order_count, buyer.ecom_revenue, buyer.ecom_avg_order, buyer.ecom_first_order_date,
                          buyer.ecom_last_order_date, buyer.ecom_days_since_order, buyer.ecom_customer_status),
                         (0, 0, 0, False, False, 0, "new"))
