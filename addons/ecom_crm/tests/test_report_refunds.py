"""Revenue net of refunds: the reports take from an order's revenue what its posted customer credit
notes gave back (a partial return, a full one), never what a cancelled or draft credit note says,
nor a credit note that an invoice made up for (Odoo's correction: a credit note and a new invoice);
at the order's rate in the company's currency; each company's in its own rows; the tables' refresh
and the materialized views' pick a new or cancelled credit note up."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import credit_note
from .test_reports_channels import ReportCase

NOON = datetime(2025, 11, 10, 9, 0)  # 12:00 in Moscow


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestRefunds(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.costly = cls._car_seat()
        cls.lead = cls._request(NOON, cls.yandex, cls.cpc, cls.campaign_a)
        cls.buyer = cls.Partner.create({"name": "Покупатель с возвратом"})
        # 2 car seats, one of them returned
        cls.partly = cls._order(cls.buyer, 1000, NOON, lead=cls.lead, product=cls.costly)
        cls.partly.order_line.product_uom_qty = 2
        cls.partly_invoice = cls._invoice(cls.partly)
        cls._refund(cls.partly_invoice, quantity=1)

    @classmethod
    def _invoice(cls, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    @classmethod
    def _refund(cls, invoice, quantity=None, post=True, modify=False):
        """A credit note of ``invoice`` (of ``quantity`` of its first line; all of it when None);
        ``modify``: Odoo's «Full refund and new draft invoice», the new invoice posted."""
        if modify:
            wizard = cls.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=invoice.ids).create({"journal_id": invoice.journal_id.id})
            action = wizard.modify_moves()
            cls.env["account.move"].browse(action["res_id"]).action_post()
            return invoice.reversal_move_ids
        return credit_note(invoice, quantity=quantity, post=post)

    def totals(self, model, fields, domain=(), groupby=None, user=None):
        return self.groups(model, groupby, fields, domain, user=user)

    def test_revenue_is_net_of_credit_notes_in_every_report(self):
        fully = self._order(self.Partner.create({"name": "Вернул всё"}), 3000, NOON)
        self._refund(self._invoice(fully))
        cancelled = self._order(self.Partner.create({"name": "Передумал возвращать"}), 500, NOON)
        self._refund(self._invoice(cancelled)).button_cancel()
        drafted = self._order(self.Partner.create({"name": "Черновик возврата"}), 700, NOON)
        self._refund(self._invoice(drafted), post=False)
        corrected = self._order(self.Partner.create({"name": "Исправленный счёт"}), 800, NOON)
        self._refund(self._invoice(corrected), modify=True)
        self.refresh()
        fields = ["order_count", "revenue", "refunded", "margin_base", "cost", "margin", "average_order"]
        sales = self.totals("ecom.report.sales", fields)[None]
        # 2000 - 1000 returned, 3000 - 3000 (given back in full: a returned order, no order), 500 (credit
        # note cancelled), 700 (draft), 800 (re-invoiced)
        self.assertEqual((sales["order_count"], sales["revenue"], sales["refunded"]), (4, 3000, 4000))
        self.assertAlmostEqual(sales["average_order"], 750)
        # the car seat that came back is neither sold nor a cost: one of the two at 1000 for 600
        self.assertEqual((sales["margin_base"], sales["cost"], sales["margin"]), (1000, 600, 400))
        channel = self.totals("ecom.report.channel", ["revenue", "refunded", "channel_revenue", "romi"],
                              groupby="source_id")
        self.assertEqual((channel[self.yandex.id]["revenue"], channel[self.yandex.id]["refunded"],
                          channel[self.yandex.id]["channel_revenue"]), (1000, 1000, 1000))
        self.assertEqual(channel[False]["revenue"], 2000)
        last = self.totals("ecom.report.attribution", ["revenue", "refunded"], groupby="lt_source_id")
        self.assertEqual((last[self.yandex.id]["revenue"], last[self.yandex.id]["refunded"]), (1000, 1000))
        cohorts = self.totals("ecom.report.cohort", ["customer_count", "revenue"])[None]
        self.assertEqual((cohorts["customer_count"], cohorts["revenue"]), (4, 3000))

    def test_revenue_without_vat_in_every_report(self):
        """Every report that shows revenue shows it without VAT too, net of the same refunds: two prams at
        1000 + 20% VAT (2400, 2000 without VAT), one sent back (1200, 1000 without) leave 1200 and 1000 in
        the channels', revenue by channel, cohorts', sales and salespeople's reports, read by the salesperson
        (the lowest rights that see them); the order without VAT of the set-up (1000 left of 2000) is 1000
        in both. ROMI and ДРР stay on the revenue incl. VAT, as the ad spend (with VAT) they are set against."""
        buyer = self.Partner.create({"name": "Покупатель с НДС"})
        lead = self._request(NOON, self.vk, self.social, self.campaign_v, partner=buyer)
        order = self._order(buyer, 1000, NOON, lead=lead, taxes=self._vat())
        order.order_line.write({"product_uom_qty": 2, "price_unit": 1000})
        self.assertEqual((order.amount_untaxed, order.amount_total), (2000, 2400))
        self._refund(self._invoice(order), quantity=1)
        self._spend("2025-11-10", self.vk, self.social, self.campaign_v, 600)
        self.refresh(tables=True)
        revenues = ["revenue", "revenue_untaxed", "refunded"]
        expected = {self.vk.id: {"revenue": 1200, "revenue_untaxed": 1000, "refunded": 1200},
                    self.yandex.id: {"revenue": 1000, "revenue_untaxed": 1000, "refunded": 1000}}
        for model, groupby in (("ecom.report.channel", "source_id"), ("ecom.report.attribution", "lt_source_id")):
            with self.subTest(model):
                self.assertEqual(self.totals(model, revenues, groupby=groupby, user=self.salesman), expected)
        sales = self.totals("ecom.report.sales", revenues, user=self.salesman)[None]
        self.assertEqual(sales, {"revenue": 2200, "revenue_untaxed": 2000, "refunded": 2200})
        cohorts = self.totals("ecom.report.cohort", ["revenue", "revenue_untaxed"], [("source_id", "=", self.vk.id)],
                              user=self.salesman)[None]
        self.assertEqual(cohorts, {"revenue": 1200, "revenue_untaxed": 1000})
        [(revenue, untaxed, refunded)] = self.env["ecom.report.manager"].with_user(self.salesman)._read_group(
            [("lead_id", "=", lead.id)], [], ["revenue:sum", "revenue_untaxed:sum", "refunded:sum"])
        self.assertEqual((revenue, untaxed, refunded), (1200, 1000, 1200))
        # ROMI and ДРР of the channel: its 600 of spend against its 1200 incl. VAT
        [(romi, drr)] = self.env["ecom.report.channel"].with_user(self.sales_manager)._read_group(
            [("source_id", "=", self.vk.id)], [], ["romi:ecom_ratio", "drr:ecom_ratio"])
        self.assertEqual((round(romi, 6), round(drr, 6)), (100, 50))

    def test_revenue_without_vat_at_the_orders_rate(self):
        """An order in another currency at a rate of 2 with VAT: 1000 + 20% there is 600 here, 500 without
        VAT; half of it sent back leaves 300 and 250, in the reports of orders as in the salespeople's."""
        pricelist = self._pricelist_in_another_currency()
        buyer = self.Partner.create({"name": "Иностранный покупатель с НДС"})
        lead = self._request(NOON, self.vk, self.social, self.campaign_v, partner=buyer)
        order = self._order(buyer, 500, NOON, lead=lead, taxes=self._vat(), pricelist=pricelist)
        order.order_line.write({"product_uom_qty": 2, "price_unit": 500})
        self.assertEqual((order.currency_rate, order.amount_untaxed, order.amount_total), (2.0, 1000, 1200))
        self._refund(self._invoice(order), quantity=1)
        self.refresh(tables=True)
        for model in ("ecom.report.channel", "ecom.report.attribution", "ecom.report.cohort"):
            domain = [("lt_source_id" if model == "ecom.report.attribution" else "source_id", "=", self.vk.id)]
            with self.subTest(model):
                self.assertEqual(self.totals(model, ["revenue", "revenue_untaxed"], domain)[None],
                                 {"revenue": 300, "revenue_untaxed": 250})
        row = self.env["ecom.report.manager"].search([("lead_id", "=", lead.id)])
        self.assertEqual((row.revenue, row.revenue_untaxed, row.refunded), (300, 250, 300))

    def test_the_salespeoples_report_and_the_funnel_are_net(self):
        self.lead.write({**self._ready_for_payment(), "partner_id": self.buyer.id})
        self.lead.stage_id = self.stage_payment
        self.lead.stage_id = self.stage_sold
        self.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
        row = self.env["ecom.report.manager"].search([("lead_id", "=", self.lead.id)])
        self.assertEqual((row.orders, row.revenue, row.refunded), (1, 1000, 1000))
        [(revenue, refunded, average)] = self.env["ecom.report.manager"]._read_group(
            [("lead_id", "=", self.lead.id)], [], ["revenue:sum", "refunded:sum", "avg_order:ecom_ratio"])
        self.assertEqual((revenue, refunded, average), (1000, 1000, 1000))
        [(realised,)] = self.env["ecom.report.funnel"]._read_group(
            [("lead_id", "=", self.lead.id)], [], ["amount_realised:sum"])
        self.assertEqual(realised, 1000)

    def _age_everything(self):
        """Everything so far happened before the previous run of the tables' refresh."""
        for table in ("crm_lead", "sale_order", "sale_order_line", "account_move", "crm_stage", "res_partner",
                      "mail_activity", "ecom_call"):
            self.env.cr.execute(SQL("UPDATE %s SET write_date = %s", SQL.identifier(table),
                                    datetime.now() - timedelta(days=2)))
        self.env.cr.execute("UPDATE mail_message SET date = %s", [datetime.now() - timedelta(days=2)])
        self.env.invalidate_all()

    def _only_the_moves_changed(self):
        """Only the credit notes are new: the order, its lines and the request keep their dates (the
        refresh must find the request through its order's credit notes)."""
        self.env.flush_all()
        for table in ("crm_lead", "sale_order", "sale_order_line", "mail_message"):
            column = "date" if table == "mail_message" else "write_date"
            self.env.cr.execute(SQL("UPDATE %s SET %s = %s", SQL.identifier(table), SQL.identifier(column),
                                    datetime.now() - timedelta(days=2)))
        self.env.invalidate_all()

    def test_the_tables_refresh_picks_up_a_new_and_a_cancelled_credit_note(self):
        Funnel, Manager = self.env["ecom.report.funnel"], self.env["ecom.report.manager"]
        Funnel._cron_ecom_refresh_reports(full=True)
        self._age_everything()
        Funnel._ecom_mark_refreshed(datetime.now() - timedelta(days=1))
        self.assertEqual(Manager.search([("lead_id", "=", self.lead.id)]).revenue, 1000)
        # the other car seat comes back
        second = self._refund(self.partly_invoice, quantity=1)
        self._only_the_moves_changed()
        Funnel._cron_ecom_refresh_reports()
        row = Manager.search([("lead_id", "=", self.lead.id)])
        self.assertEqual((row.revenue, row.refunded), (0, 2000))
        # the salesperson's figures, read from the daily pre-aggregate: rebuilt too
        [(revenue, refunded)] = Manager._read_group([("user_id", "=", self.salesman.id)], [],
                                                    ["revenue:sum", "refunded:sum"])
        self.assertEqual((revenue, refunded), (0, 2000))
        # the credit note was a mistake: cancelled
        self._age_everything()
        Funnel._ecom_mark_refreshed(datetime.now() - timedelta(days=1))
        second.button_draft()
        second.button_cancel()
        self._only_the_moves_changed()
        Funnel._cron_ecom_refresh_reports()
        row = Manager.search([("lead_id", "=", self.lead.id)])
        self.assertEqual((row.revenue, row.refunded), (1000, 1000))

    def test_the_views_refresh_picks_up_a_new_and_a_cancelled_credit_note(self):
        self.refresh()
        self.assertEqual(self.totals("ecom.report.sales", ["revenue"])[None]["revenue"], 1000)
        second = self._refund(self.partly_invoice, quantity=1)
        self.refresh()
        self.assertEqual(self.totals("ecom.report.sales", ["revenue", "refunded"])[None], {"revenue": 0,
                                                                                        "refunded": 2000})
        second.button_draft()
        second.button_cancel()
        self.refresh()
        self.assertEqual(self.totals("ecom.report.sales", ["revenue", "refunded"])[None], {"revenue": 1000,
                                                                                        "refunded": 1000})

    def test_an_invoice_line_of_two_order_lines_is_counted_once(self):
        order = self._order(self.Partner.create({"name": "Две строки"}), 400, NOON)
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 600,
                                            "tax_id": [Command.clear()]})]
        credit_note = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": order.partner_id.id,
            "invoice_line_ids": [Command.create({"product_id": self.product.id, "quantity": 1, "price_unit": 300,
                                                 "tax_ids": [Command.clear()],
                                                 "sale_line_ids": [Command.set(order.order_line.ids)]})]})
        credit_note.action_post()
        self.refresh()
        sales = self.totals("ecom.report.sales", ["revenue", "refunded"], [("date", "=", "2025-11-10")])[None]
        self.assertEqual(sales, {"revenue": 1000 + 1000 - 300, "refunded": 1000 + 300})

    def test_a_down_payment_given_back_is_no_refund_of_the_order(self):
        """A down payment is how an order is paid, not what it sold: a down payment corrected («Full
        refund and new draft invoice») takes nothing from the order, however little of it is invoiced
        yet; the goods coming back take their amount, whatever the final invoice deducted."""
        order = self._order(self.Partner.create({"name": "С предоплатой"}), 1000, NOON)
        self.env["sale.advance.payment.inv"].with_context(active_model="sale.order", active_ids=order.ids).create(
            {"advance_payment_method": "fixed", "fixed_amount": 300}).create_invoices()
        down_payment = order.invoice_ids
        down_payment.action_post()
        self._refund(down_payment, modify=True)
        self.refresh()
        sales = self.totals("ecom.report.sales", ["revenue", "refunded"], [("date", "=", "2025-11-10")])[None]
        self.assertEqual(sales, {"revenue": 1000 + 1000, "refunded": 1000})
        # the final invoice (700: the down payment of 300 deducted), all of it given back: nothing left
        final = order._create_invoices(final=True)  # as the invoicing dialog, «Deduct down payments»
        final.action_post()
        self.assertEqual(final.amount_total, 700)
        self._refund(final)
        self.refresh()
        sales = self.totals("ecom.report.sales", ["revenue", "refunded"], [("date", "=", "2025-11-10")])[None]
        self.assertEqual(sales, {"revenue": 1000, "refunded": 1000 + 1000})

    def test_refunds_in_the_orders_currency_at_the_orders_rate(self):
        """An order in another currency: its credit note gives back what it says at the order's
        rate (a full refund leaves nothing, whatever the rate of the day of the credit note), and a
        credit note in a third currency is converted through the company's."""
        pricelist = self._pricelist_in_another_currency()
        order = self.env["sale.order"].create({
            "partner_id": self.Partner.create({"name": "Иностранный покупатель"}).id, "user_id": self.salesman.id,
            "pricelist_id": pricelist.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 1000,
                                           "tax_id": [Command.clear()]})]})
        order.action_confirm()
        self.assertEqual((order.currency_id, order.currency_rate), (pricelist.currency_id, 2.0))
        invoice = self._invoice(order)
        credit_note = self._refund(invoice, post=False)
        credit_note.invoice_currency_rate = 4.0  # the rate changed since the order
        credit_note.invoice_line_ids.price_unit = 400
        credit_note.action_post()
        # 100 of the company's currency given back on the order's line, in the company's currency
        own = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": order.partner_id.id,
            "currency_id": self.env.company.currency_id.id,
            "invoice_line_ids": [Command.create({"product_id": self.product.id, "quantity": 1, "price_unit": 100,
                                                 "tax_ids": [Command.clear()],
                                                 "sale_line_ids": [Command.set(order.order_line.ids)]})]})
        own.action_post()
        self.refresh()
        sales = self.totals("ecom.report.sales", ["revenue", "refunded"], [("user_id", "=", self.salesman.id)])[None]
        # the order: 1000 / 2 = 500; given back 400 / 2 = 200 and 100: 1000 of the first order besides
        self.assertAlmostEqual(sales["refunded"], 1000 + 200 + 100)
        self.assertAlmostEqual(sales["revenue"], 1000 + 500 - 300)
        # and all of it back, later at another rate: nothing left
        rest = self._refund(invoice, post=False)
        rest.invoice_currency_rate = 10.0
        rest.invoice_line_ids.price_unit = 400  # 400 + 400 + 100 × 2 = the order's 1000
        rest.action_post()
        self.refresh()
        sales = self.totals("ecom.report.sales", ["revenue", "refunded"], [("user_id", "=", self.salesman.id)])[None]
        self.assertAlmostEqual(sales["revenue"], 1000)
        self.assertAlmostEqual(sales["refunded"], 1000 + 500)

    def test_each_companys_refunds_in_its_own_rows(self):
        other = self.env["res.company"].create(
            {"name": "Второй магазин", "currency_id": self.env.company.currency_id.id})
        other.partner_id.tz = "Europe/Moscow"
        self.env["account.chart.template"].try_loading("generic_coa", other, install_demo=False)
        manager_b = new_test_user(self.env, login="refunds_manager_b", groups="sales_team.group_sale_manager",
                                  company_id=other.id, company_ids=[other.id], lang="en_US")
        self.sales_manager.company_ids = [Command.link(other.id)]
        order = self.env["sale.order"].with_company(other).create({
            "partner_id": self.buyer.id, "user_id": manager_b.id, "company_id": other.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 5000,
                                           "tax_id": [Command.clear()]})]})
        order.action_confirm()
        invoice = order.with_company(other)._create_invoices()
        invoice.action_post()
        self._refund(invoice.with_company(other))
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s", [NOON, order.id])
        self.refresh()
        by_company = self.totals("ecom.report.sales", ["order_count", "revenue", "refunded"], groupby="company_id")
        # given back in full: a returned order (no order, no new customer), its refund in its company's rows
        self.assertEqual(by_company[other.id], {"order_count": 0, "revenue": 0, "refunded": 5000})
        self.assertEqual(by_company[self.env.company.id], {"order_count": 1, "revenue": 1000, "refunded": 1000})
        # the buyer kept nothing of the second company's order: its customer in the first only
        kinds = self.totals("ecom.report.sales", ["new_customer_count"], groupby="company_id")
        self.assertEqual((kinds[other.id]["new_customer_count"], kinds[self.env.company.id]["new_customer_count"]),
                         (0, 1))
        seen_by_b = self.totals("ecom.report.sales", ["revenue", "refunded"], user=manager_b)[None]
        self.assertEqual(seen_by_b, {"revenue": 0, "refunded": 5000})
        Sales = self.env["ecom.report.sales"].with_user(self.sales_manager).with_context(
            allowed_company_ids=[self.env.company.id])
        mine = Sales.read_group([], ["refunded:sum"], [], lazy=False)[0]
        self.assertEqual(mine["refunded"], 1000, "a manager's figures of the company they work in")

    def test_a_won_request_whose_parcel_came_back_realised_nothing(self):
        """A won request's only order refused at delivery realised nothing: its expected revenue
        stood in for the order (as for a request won without any order), 5,000 realised for a parcel
        that came back."""
        lead = self._request(NOON, self.yandex, self.cpc, self.campaign_a)
        lead.write({**self._ready_for_payment(), "partner_id": self.buyer.id, "expected_revenue": 5000})
        lead.stage_id = self.stage_payment
        lead.stage_id = self.stage_sold
        order = self._order(self.buyer, 3000, NOON, lead=lead)
        without_order = self._request(NOON, self.yandex, self.cpc, self.campaign_a)
        without_order.write({**self._ready_for_payment(), "expected_revenue": 700})
        without_order.stage_id = self.stage_payment
        without_order.stage_id = self.stage_sold
        order._ecom_set_status("returned", reason=self.reason_delivery_refused)
        self.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
        realised = {row.lead_id: row.amount_realised
                    for row in self.env["ecom.report.funnel"].search([("lead_id", "in", (lead | without_order).ids),
                                                                      ("requests", "=", 1)])}
        self.assertEqual(realised, {lead: 0, without_order: 700})
