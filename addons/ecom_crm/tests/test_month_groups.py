"""A report grouped by month names its months as a heading does: «декабрь 2026», not Odoo's
«декабря 2026» (the month of a date, in Russian its genitive); the same «December 2026» in English."""

from datetime import date, datetime
from types import SimpleNamespace

from odoo.tests import BaseCase, tagged

from ..tools.month_groups import WEEK_LABEL, month_groupings, month_label, name_months, week_groupings, week_label
from .test_reports_channels import ReportCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestMonthLabels(BaseCase):
    def test_the_month_standing_alone(self):
        self.assertEqual(month_label(date(2026, 12, 1), "ru_RU"), "декабрь 2026")
        self.assertEqual(month_label(datetime(2026, 5, 1, 0, 0), "ru_RU"), "май 2026")
        self.assertEqual(month_label(date(2026, 12, 1), "en_US"), "December 2026")
        self.assertEqual(month_label(date(2026, 3, 1), "uk_UA"), "березень 2026")

    def test_the_week_after_the_readers_pattern(self):
        """Odoo names a week «W50 2026», a Latin W in Russian; the reports name it after the translated
        pattern, with Odoo's week number and week-year (``date_utils.weeknumber``), not babel's ``w YYYY``,
        which puts 1 January 2027 in week 1 of 2026 and the Monday 30 December 2024 in week 1 of 2025 but
        the Sunday 29 December 2024 of an American week in week 53 of 2025."""
        ru = "%(week)s-я неделя %(year)s"
        self.assertEqual(week_label(date(2026, 12, 7), ru, "ru_RU"), "50-я неделя 2026")
        self.assertEqual(week_label(datetime(2026, 12, 28, 0, 0), ru, "ru_RU"), "53-я неделя 2026")
        # a Russian week begins on Monday; one begun on Sunday (the language's first day set so) is Odoo's too
        for day, label in [(date(2026, 12, 31), "53-я неделя 2026"), (date(2027, 1, 1), "53-я неделя 2026"),
                           (date(2027, 1, 3), "53-я неделя 2026"), (date(2027, 1, 4), "1-я неделя 2027"),
                           (date(2024, 12, 30), "1-я неделя 2025"), (date(2021, 1, 1), "53-я неделя 2020")]:
            self.assertEqual(week_label(day, ru, "ru_RU"), label, day)
        # English weeks begin on Sunday: Odoo's week 1 of 2027 begins on 27 December 2026
        for day, label in [(date(2026, 12, 7), "W50 2026"), (date(2026, 12, 27), "W1 2027"),
                           (date(2027, 1, 3), "W2 2027"), (date(2024, 12, 29), "W1 2025"),
                           (date(2024, 12, 22), "W52 2024")]:
            self.assertEqual(week_label(day, WEEK_LABEL, "en_US"), label, day)
        fields = {"date": SimpleNamespace(type="date"), "user_id": SimpleNamespace(type="many2one")}
        self.assertEqual(week_groupings(fields, ["date:week", "date:month", "date", "user_id:week", "x:week"]),
                         ["date:week"])

    def test_a_week_untranslated_keeps_odoos_name(self):
        """Where the pattern is not translated (English, German…), a week keeps the name Odoo gave it."""
        rows = [{"date:week": date(2026, 12, 27)}]

        def odoo_names():
            rows[0]["date:week"] = "W1 2027"

        name_months(rows, [], lambda: "en_US", odoo_names, weeks=["date:week"], pattern=lambda: WEEK_LABEL)
        self.assertEqual(rows, [{"date:week": "W1 2027"}])
        rows = [{"date:week": date(2026, 12, 28)}]
        name_months(rows, [], lambda: "ru_RU", odoo_names, weeks=["date:week"],
                    pattern=lambda: "%(week)s-я неделя %(year)s")
        self.assertEqual(rows, [{"date:week": "53-я неделя 2026"}])

    def test_month_groupings(self):
        fields = {"date": SimpleNamespace(type="date"), "moment": SimpleNamespace(type="datetime"),
                  "user_id": SimpleNamespace(type="many2one")}
        self.assertEqual(month_groupings(fields, ["date:month", "moment", "moment:week", "user_id", "date:year"]),
                         ["date:month", "moment"])
        self.assertEqual(month_groupings(fields, ["date:quarter", "nowhere:month"]), [])


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestMonthGroups(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.Partner.create({"name": "Покупатель"})
        cls._order(cls.buyer, 1000, datetime(2026, 12, 10, 9, 0))
        cls._order(cls.buyer, 500, datetime(2026, 11, 10, 9, 0))
        # 00:30 on 1 December in Moscow: a December request for its reader, November in UTC
        cls._request(datetime(2026, 11, 30, 21, 30), cls.yandex, cls.cpc, cls.campaign_a)
        cls._spend("2026-12-05", cls.yandex, cls.cpc, cls.campaign_a, 300)

    def months(self, model, groupby, lang, measure="__count"):
        rows = self.env[model].with_context(lang=lang, tz="Europe/Moscow").read_group(
            [], [measure], [groupby], lazy=False)
        key = measure.split(":")[0]
        return {row[groupby]: (row[key], row["__range"][groupby]["from"]) for row in rows}

    def test_sales_by_month_in_russian(self):
        self.refresh()
        self.assertEqual(self.months("ecom.report.sales", "date:month", "ru_RU", "revenue:sum"),
                         {"декабрь 2026": (1000, "2026-12-01"), "ноябрь 2026": (500, "2026-11-01")})
        self.env.ref("base.lang_en").active = True  # a database in Russian may have English off
        self.assertEqual(self.months("ecom.report.sales", "date:month", "en_US", "revenue:sum"),
                         {"December 2026": (1000, "2026-12-01"), "November 2026": (500, "2026-11-01")})
        # a date grouped without its granularity is grouped by month (the search panel's «Date»)
        self.assertEqual(set(self.months("ecom.report.sales", "date", "ru_RU")), {"декабрь 2026", "ноябрь 2026"})
        # the other groupings keep Odoo's names
        self.assertEqual(set(self.months("ecom.report.sales", "date:year", "ru_RU")), {"2026"})

    def test_sales_by_week_in_russian(self):
        """A week reads «50-я неделя 2026» in Russian, where Odoo writes «W50 2026»; «W50 2026» in English,
        as Odoo's."""
        self.refresh()
        self.assertEqual(self.months("ecom.report.sales", "date:week", "ru_RU", "revenue:sum"),
                         {"50-я неделя 2026": (1000, "2026-12-07"), "46-я неделя 2026": (500, "2026-11-09")})
        self.env.ref("base.lang_en").active = True
        self.assertEqual(set(self.months("ecom.report.sales", "date:week", "en_US")), {"W50 2026", "W46 2026"})

    def test_requests_by_month_in_the_readers_time(self):
        self.refresh(tables=True)
        self.assertEqual(self.months("ecom.report.funnel", "date:month", "ru_RU", "requests:sum"),
                         {"декабрь 2026": (1, "2026-11-30 21:00:00")})

    def test_ad_spend_by_month(self):
        self.assertEqual(self.months("ecom.ad.spend", "date:month", "ru_RU", "amount:sum"),
                         {"декабрь 2026": (300, "2026-12-01")})

    def test_weeks_at_new_year_are_odoos(self):
        """Around New Year a week has Odoo's number and week-year: a Russian week (from Monday) of
        31 December 2026 is the 53rd of 2026, an English one (from Sunday 27 December) Odoo's «W1 2027»."""
        self._spend("2026-12-31", self.yandex, self.cpc, self.campaign_a, 100)
        self._spend("2027-01-03", self.yandex, self.cpc, self.campaign_a, 40)
        self._spend("2024-12-30", self.yandex, self.cpc, self.campaign_a, 7)
        self.assertEqual(self.months("ecom.ad.spend", "date:week", "ru_RU", "amount:sum"),
                         {"49-я неделя 2026": (300, "2026-11-30"), "53-я неделя 2026": (140, "2026-12-28"),
                          "1-я неделя 2025": (7, "2024-12-30")})
        self.env.ref("base.lang_en").active = True
        self.assertEqual(self.months("ecom.ad.spend", "date:week", "en_US", "amount:sum"),
                         {"W49 2026": (300, "2026-11-29"), "W1 2027": (100, "2026-12-27"),
                          "W2 2027": (40, "2027-01-03"), "W1 2025": (7, "2024-12-29")})
        # the same names as Odoo gives a model of its own grouped by week in English
        Lead = self.env["crm.lead"].with_context(lang="en_US")
        Lead.create([{"name": f"Неделя {day}", "date_deadline": day}
                     for day in ("2026-12-31", "2027-01-03", "2024-12-30")])
        odoo = {row["date_deadline:week"] for row in Lead.read_group(
            [("date_deadline", "in", ["2026-12-31", "2027-01-03", "2024-12-30"])], ["__count"],
            ["date_deadline:week"], lazy=False)}
        self.assertEqual(odoo, {"W1 2027", "W2 2027", "W1 2025"})
