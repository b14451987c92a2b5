import io
import json
from datetime import datetime

import babel.dates
import openpyxl
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import column_width, header_length


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestReportChannelColumnsTour(HttpCase):
    """«Сквозная аналитика», «Выручка по каналам» and «Когорты клиентов» at a laptop's 1366 px (the test browser's),
    in Russian: each list within the screen, its headers and channels whole, a campaign's long name whole (wrapped),
    its month a month («декабрь 2026»); they scrolled sideways, cut «Кампания последнего касания», «Команда продаж»,
    the channels and the campaigns, and wrote the month «01.12.2026»."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.manager = new_test_user(cls.env, login="ecom_channel_columns", groups="sales_team.group_sale_manager",
                                    name="Ольга Каналова", lang="ru_RU")
        phone = cls.env.ref("ecom_crm.utm_source_phone")  # «Телефонный звонок», the longest of the store's channels
        email = cls.env.ref("ecom_crm.utm_source_email")  # «Электронная почта»
        campaign = cls.env["utm.campaign"].create({"name": "Рассылка — брошенная корзина, ширина списка"})
        customer = cls.env["res.partner"].create({"name": "Покупатель по телефону"})
        # the customer called first (the first touch), then bought from a mailing (the order's own channel: the last)
        cls.env["crm.lead"].create({"name": "Звонок: коляска", "type": "opportunity", "partner_id": customer.id,
                                    "user_id": cls.manager.id, "source_id": phone.id})
        product = cls.env["product.product"].create({"name": "Коляска", "list_price": 15000})
        order = cls.env["sale.order"].create({
            "partner_id": customer.id, "user_id": cls.manager.id, "source_id": email.id, "campaign_id": campaign.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 15000})],
        })
        order.action_confirm()
        # a customer a month for the 20 months up to September 2025, each list a page of more rows than the screen
        # shows, as a store's (its vertical scrollbar takes the room of a column: a list of a few rows fitted where
        # the store's scrolled sideways), September the month longest to write in Russian («сентябрь 2025»)
        # whatever the month the tests run in
        earlier = cls.env["sale.order"].create([{
            "partner_id": cls.env["res.partner"].create({"name": f"Покупатель {n}"}).id, "user_id": cls.manager.id,
            "source_id": (phone if n % 2 else email).id,  # a phone call a last touch too
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 15000})],
        } for n in range(20)])
        earlier.action_confirm()
        for n, past in enumerate(earlier):
            past.date_order = datetime(2025, 9, 15, 12) - relativedelta(months=n)
        cls.env["ecom.ad.spend"].create({"date": order.date_order.date(), "source_id": email.id,
                                         "campaign_id": campaign.id, "amount": 1500})
        cls.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
        cls.env["ecom.report.matview"]._ecom_refresh_all()

    def test_the_channels_list_fits(self):
        action = self.env.ref("ecom_crm.ecom_report_channel_action")
        self.start_tour(f"/odoo/action-{action.id}?view_type=list", "ecom_crm_channel_columns",
                        login="ecom_channel_columns")

    def test_the_revenue_by_channel_list_fits_its_months_are_months(self):
        action = self.env.ref("ecom_crm.ecom_report_attribution_action")
        self.start_tour(f"/odoo/action-{action.id}?view_type=list", "ecom_crm_attribution_columns",
                        login="ecom_channel_columns")

    def test_the_cohorts_list_fits_its_months_are_months(self):
        action = self.env.ref("ecom_crm.ecom_report_cohort_action")
        self.start_tour(f"/odoo/action-{action.id}?view_type=list", "ecom_crm_cohort_columns",
                        login="ecom_channel_columns")

    def test_the_lists_columns(self):
        """The minimum widths the tours need are the views' own (a view of another addon inheriting them keeps
        them), each at least its Russian header's length; the secondary columns are a click away (optional,
        hidden), not gone; the month is written as a month."""
        shown = {
            "ecom.report.channel": {"source_id": 150},
            "ecom.report.attribution": {"ft_source_id": 150, "ft_campaign_id": 155, "lt_source_id": 140,
                                        "lt_campaign_id": 165},
            "ecom.report.cohort": {"source_id": 150},
        }
        hidden = {
            "ecom.report.channel": ["medium_id", "team_id", "user_id", "revenue_untaxed", "refunded", "conversion"],
            "ecom.report.attribution": ["team_id", "user_id", "revenue_untaxed", "refunded"],
            "ecom.report.cohort": ["medium_id", "campaign_id", "team_id", "user_id", "repeat_6m_share"],
        }
        for model, names in shown.items():
            view = self.env[model].with_context(lang="ru_RU").get_views([(False, "list")])
            arch = etree.fromstring(view["views"]["list"]["arch"])
            fields = view["models"][model]["fields"]
            for name, width in names.items():
                [field] = arch.xpath(f"//field[@name='{name}']")
                self.assertEqual(field.get("widget"), "ecom_many2one_min_width", f"{model}: {name}")
                self.assertEqual(safe_eval(field.get("options")), {"min_width": width, "no_open": True},
                                 f"{model}: {name}")
                self.assertLessEqual(header_length(field.get("string") or fields[name]["string"]), width,
                                     f"{model}: {name}")
                self.assertIsNone(field.get("optional"), f"{model}: {name}")
            for name in hidden[model]:
                [field] = arch.xpath(f"//field[@name='{name}']")
                self.assertEqual(field.get("optional"), "hide", f"{model}: {name}")
            for name in ("campaign_id", "ft_campaign_id", "lt_campaign_id"):  # a long name wrapped, whole
                for field in arch.xpath(f"//field[@name='{name}']"):
                    self.assertEqual(field.get("class"), "ecom_wrap", f"{model}: {name}")
            if model != "ecom.report.channel":  # its date is a day
                [date] = arch.xpath("//field[@name='date']")
                self.assertEqual(date.get("widget"), "ecom_month", model)
                # its width fixed, as wide as the longest month of the year written in Russian and in English
                # («сентябрь 2026», «September 2026»: «Septemb…» at 100 px)
                for lang in ("ru", "en"):
                    longest = max(babel.dates.get_month_names("wide", "stand-alone", locale=lang).values(),
                                  key=lambda month: header_length(f"{month} 2026", bold=False))
                    self.assertLessEqual(header_length(f"{longest} 2026", bold=False), column_width(date, {}),
                                         f"{model}: {longest}")

    def _export(self, model, names, **params):
        """The sheet of an Excel export of ``model``'s ``names``, as the list's *Export* asks it of a Russian user."""
        fields = self.env[model]._fields
        data = {"model": model, "fields": [{"name": name, "label": fields[name].string, "type": fields[name].type}
                                           for name in names],
                "ids": False, "domain": [], "import_compat": False, "context": {"lang": "ru_RU"}, **params}
        response = self.url_open("/web/export/xlsx", data={"data": json.dumps(data),
                                                           "csrf_token": http.Request.csrf_token(self)})
        self.assertEqual(response.status_code, 200, response.text[-1000:])
        return openpyxl.load_workbook(io.BytesIO(response.content)).active

    def test_an_excel_export_writes_the_month_as_a_month(self):
        """The month the list writes «сентябрь 2025» was exported «2025-09-01», a day: it is a date still (the sheet
        sorts and filters it as one), shown as its month, in Russian for a Russian user; grouped too. A day's date
        (*Channels end to end*) stays a day."""
        new_test_user(self.env, login="ecom_month_export", name="Ольга Выгрузкина", lang="ru_RU",
                      groups="sales_team.group_sale_manager,base.group_allow_export")
        self.authenticate("ecom_month_export", "ecom_month_export")
        for model in ("ecom.report.attribution", "ecom.report.cohort"):
            with self.subTest(model=model):
                sheet = self._export(model, ["date", "ft_source_id" if model == "ecom.report.attribution" else
                                             "source_id"])
                cells = {cell.value: cell for (cell,) in sheet.iter_rows(min_row=2, max_col=1)}
                september = cells[datetime(2025, 9, 1)]
                self.assertEqual(september.number_format, "[$-419]mmmm yyyy")
                self.assertTrue(september.is_date)
                # grouped by channel: the rows under each group's header the same
                sheet = self._export(model, ["date", "order_count" if model == "ecom.report.attribution" else
                                             "customer_count"],
                                     groupby=["ft_source_id" if model == "ecom.report.attribution" else "source_id"])
                dates = [cell for (cell,) in sheet.iter_rows(min_row=2, max_col=1) if isinstance(cell.value, datetime)]
                self.assertTrue(dates)
                self.assertEqual({cell.number_format for cell in dates}, {"[$-419]mmmm yyyy"})
                headers = [cell.value for (cell,) in sheet.iter_rows(min_row=2, max_col=1)
                           if isinstance(cell.value, str)]
                self.assertTrue(any("Телефонный звонок" in header for header in headers), headers)
        # in English, in the reader's Excel's language
        sheet = self._export("ecom.report.attribution", ["date"], context={"lang": "en_US"})
        self.assertEqual(sheet.cell(2, 1).number_format, "mmmm yyyy")
        sheet = self._export("ecom.report.channel", ["date", "source_id"])
        days = [cell for (cell,) in sheet.iter_rows(min_row=2, max_col=1) if isinstance(cell.value, datetime)]
        self.assertTrue(days)
        self.assertEqual({cell.number_format for cell in days}, {"yyyy-mm-dd"})
