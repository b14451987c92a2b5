"""The sales report's gross margin takes each order line's cost at the time of the sale (sale_margin's
``purchase_price``: the product's cost price when the line was made, per unit of the line, in the
order's currency), not the product's cost price of today: a cost price changed after the sale moves
no past margin, nor the cost of the quantities credited since; a line sold by the dozen costs twelve
units; an order in another currency counts at the order's rate, as its revenue does."""

from datetime import datetime

from lxml import etree

from odoo import Command
from odoo.tests import tagged

from .common import column_width, credit_note, header_length
from .test_reports_channels import ReportCase

NOON = datetime(2025, 11, 10, 9, 0)  # 12:00 in Moscow
FIELDS = ["order_count", "revenue", "margin_base", "cost", "margin", "margin_percent"]


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestMarginAtTheTimeOfTheSale(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seat = cls._car_seat()
        cls.buyer = cls.Partner.create({"name": "Покупатель автокресел"})

    def sales(self, domain=()):
        self.refresh()
        return self.groups("ecom.report.sales", None, FIELDS, domain)[None]

    def _invoice(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def test_a_cost_price_changed_after_the_sale_moves_no_margin(self):
        order = self._order(self.buyer, 1000, NOON, product=self.seat)
        order.order_line.product_uom_qty = 2
        self._order(self.buyer, 500, NOON)  # a product without a cost: no margin base, no cost
        self.assertEqual(order.order_line.purchase_price, 600)
        before = self.sales()
        self.assertEqual((before["order_count"], before["revenue"]), (2, 2500))
        self.assertEqual((before["margin_base"], before["cost"], before["margin"]), (2000, 1200, 800))
        self.assertAlmostEqual(before["margin_percent"], 40)
        # the supplier raised the price: today's cost price is 900, last month's sale cost 600 a seat
        self.seat.with_company(self.env.company).standard_price = 900
        after = self.sales()
        self.assertEqual((after["margin_base"], after["cost"], after["margin"]), (2000, 1200, 800))
        # one seat comes back after the change: what it takes from the cost is what it cost then
        credit_note(self._invoice(order), quantity=1)
        returned = self.sales()
        self.assertEqual((returned["revenue"], returned["margin_base"], returned["cost"], returned["margin"]),
                         (1500, 1000, 600, 400))
        # a sale made after the change costs the new price
        self._order(self.Partner.create({"name": "Новый покупатель"}), 1000, datetime(2025, 12, 1, 9, 0),
                    product=self.seat)
        december = self.sales([("date", ">=", "2025-12-01")])
        self.assertEqual((december["margin_base"], december["cost"], december["margin"]), (1000, 900, 100))

    def test_a_line_sold_by_the_dozen_costs_twelve_units(self):
        self.seat.with_company(self.env.company).standard_price = 10
        order = self._order(self.buyer, 150, NOON, product=self.seat)
        order.order_line.write({"product_uom": self.env.ref("uom.product_uom_dozen").id, "price_unit": 150,
                                "product_uom_qty": 2})
        self.assertEqual(order.order_line.purchase_price, 120)  # per dozen
        sales = self.sales()
        self.assertEqual((sales["margin_base"], sales["cost"], sales["margin"]), (300, 240, 60))
        # a dozen comes back: the credit note's line is in dozens too
        credit_note(self._invoice(order), quantity=1)
        sales = self.sales()
        self.assertEqual((sales["margin_base"], sales["cost"], sales["margin"]), (150, 120, 30))

    def test_a_credit_note_in_units_of_a_line_sold_by_the_dozen(self):
        """The credited quantity is read in the credit note line's unit and counted in the order line's: six
        units of a line sold by the dozen (its cost per dozen) take half a dozen's cost, not six dozens'."""
        self.seat.with_company(self.env.company).standard_price = 10
        order = self._order(self.buyer, 150, NOON, product=self.seat)
        order.order_line.write({"product_uom": self.env.ref("uom.product_uom_dozen").id, "price_unit": 150,
                                "product_uom_qty": 2})
        note = credit_note(self._invoice(order), post=False)
        note.invoice_line_ids[0].write({"product_uom_id": self.env.ref("uom.product_uom_unit").id,
                                        "quantity": 6, "price_unit": 12.5})
        note.action_post()
        sales = self.sales()
        # 300 less 75 credited; the cost 240 less half a dozen's 60
        self.assertEqual((sales["margin_base"], sales["cost"], sales["margin"]), (225, 180, 45))

    def test_an_order_in_another_currency_at_the_orders_rate(self):
        pricelist = self._pricelist_in_another_currency()
        order = self.env["sale.order"].create({
            "partner_id": self.buyer.id, "user_id": self.salesman.id, "pricelist_id": pricelist.id,
            "order_line": [Command.create({"product_id": self.seat.id, "product_uom_qty": 1, "price_unit": 2000,
                                           "tax_id": [Command.clear()]})]})
        order.action_confirm()
        # the cost of 600 in the company's currency is 1200 in the order's, at the order's rate
        self.assertEqual((order.currency_rate, order.order_line.purchase_price), (2.0, 1200))
        sales = self.sales()
        self.assertEqual((sales["revenue"], sales["margin_base"], sales["cost"], sales["margin"]),
                         (1000, 1000, 600, 400))

    def test_revenue_with_vat_margin_without(self):
        """Revenue is what the customer pays, VAT included; *Revenue excl. VAT* the accountant's figure; the
        margin is without VAT (the state's, not the store's): two seats at 1000 + 20% VAT bought for 600 are
        2400 of revenue, 2000 without VAT, and 800 of margin on 2000, 40%. One comes back: 1200 and 1000 less; a
        goodwill credit of 120 typed in by hand takes 120 from the revenue, 100 from the revenue without VAT
        (the order's share of VAT), nothing from the margin. The labels say so, in Russian too."""
        order = self._order(self.buyer, 1000, NOON, product=self.seat, taxes=self._vat())
        order.order_line.product_uom_qty = 2
        self.assertEqual((order.amount_untaxed, order.amount_total), (2000, 2400))
        fields = ["revenue", "revenue_untaxed", "margin_base", "cost", "margin"]
        self.refresh()
        sales = self.groups("ecom.report.sales", None, [*fields, "margin_percent"])[None]
        self.assertEqual([sales[name] for name in fields], [2400, 2000, 2000, 1200, 800])
        self.assertAlmostEqual(sales["margin_percent"], 40)
        channel = self.groups("ecom.report.channel", None, ["revenue"])[None]
        self.assertEqual(channel["revenue"], 2400)
        credit_note(self._invoice(order), quantity=1)
        self.refresh()
        sales = self.groups("ecom.report.sales", None, fields)[None]
        self.assertEqual([sales[name] for name in fields], [1200, 1000, 1000, 600, 400])
        goodwill = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.buyer.id,
            "invoice_line_ids": [Command.create({"name": "Компенсация за задержку", "quantity": 1, "price_unit": 120,
                                                 "tax_ids": [Command.clear()]})]})
        goodwill.action_post()
        self.refresh()
        sales = self.groups("ecom.report.sales", None, fields)[None]
        self.assertEqual([round(sales[name], 2) for name in fields], [1080, 900, 1000, 600, 400])
        # the credit typed by hand alike in the other reports of orders (one SQL for all of them)
        for model in ("ecom.report.channel", "ecom.report.attribution", "ecom.report.cohort"):
            with self.subTest(model):
                totals = self.groups(model, None, ["revenue", "revenue_untaxed"])[None]
                self.assertEqual([round(totals[name], 2) for name in ("revenue", "revenue_untaxed")], [1080, 900])
        labels = {fname: self.env["ir.model.fields"]._get("ecom.report.sales", fname).with_context(lang="ru_RU")
                  for fname in ("revenue", "revenue_untaxed", "margin_base", "margin")}
        self.assertEqual({fname: (label.with_context(lang="en_US").field_description, label.field_description)
                          for fname, label in labels.items()},
                         {"revenue": ("Revenue incl. VAT", "Выручка с НДС"),
                          "revenue_untaxed": ("Revenue excl. VAT", "Выручка без НДС"),
                          "margin_base": ("Margin base excl. VAT", "База маржи без НДС"),
                          "margin": ("Margin excl. VAT", "Маржа без НДС")})

    def test_the_labels_that_say_vat_fit_their_columns(self):
        """A list cuts a header longer than its column («Валовая прибыль (без…», «Gross margin (with…»): the
        money columns whose label says whether VAT is in (Odoo gives a money column 105 px, a number's 93,
        unless the view sets its width) show their whole label, in English as in Russian, measured in the
        list's header font (Roboto, 14 px, weight 500)."""
        lists = {"ecom.report.sales": ("revenue", "revenue_untaxed", "margin_base", "margin"),
                 "ecom.report.cohort": ("revenue", "revenue_untaxed"),
                 "ecom.report.channel": ("revenue", "revenue_untaxed"),
                 "ecom.report.attribution": ("revenue", "revenue_untaxed"),
                 "ecom.report.manager": ("revenue", "revenue_untaxed")}
        for lang, vat in (("en_US", "VAT"), ("ru_RU", "НДС")):
            for model, names in lists.items():
                view = self.env[model].with_context(lang=lang).get_views([(False, "list")])
                arch = etree.fromstring(view["views"]["list"]["arch"])
                for name in names:
                    with self.subTest(lang=lang, model=model, field=name):
                        [node] = arch.xpath(f"//field[@name='{name}']")
                        width = column_width(node, view["models"][model]["fields"][name])
                        label = self.env["ir.model.fields"]._get(model, name).with_context(lang=lang) \
                            .field_description
                        self.assertIn(vat, label)
                        self.assertLessEqual(header_length(label), width, f"«{label}» fits {width} px")

    def test_the_refunds_say_they_include_vat(self):
        """Beside «Выручка с НДС» and «Выручка без НДС», «Возвраты» (with VAT) says so in its help, in every report
        that has both revenues (the salespeople's said only «уже вычтено из выручки»): in the Russian shipped (a
        database upgraded before the help changed keeps its own until a migration reloads it)."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm"], ["ru_RU"], overwrite=True)
        for model in ("ecom.report.sales", "ecom.report.channel", "ecom.report.attribution", "ecom.report.cohort",
                      "ecom.report.manager"):
            fields = self.env[model]._fields
            if "refunded" not in fields:
                continue
            with self.subTest(model=model):
                self.assertIn("revenue_untaxed", fields)
                field = self.env["ir.model.fields"]._get(model, "refunded")
                self.assertIn("VAT included", field.with_context(lang="en_US").help)
                self.assertIn("с НДС", field.with_context(lang="ru_RU").help)
