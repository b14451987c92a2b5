"""The ad spend import: each cabinet's export recognised by its columns and read to the known figures
(the hand-made samples of tests/data), a re-import replacing instead of adding, and a malformed
file refused with the row and column named and nothing stored."""

import base64
from datetime import date
from unittest.mock import patch

import psycopg2.errors

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, Form, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import file_open

from ..tools import ad_spend
from .common import EcomCrmCase


def sample(name):
    with file_open(f"ecom_crm/tests/data/{name}", "rb") as handle:
        return handle.read()


@tagged("post_install", "-at_install", "ecom_crm")
class TestAdSpendParser(EcomCrmCase):
    """The files as the parser reads them (plain Python)."""

    def test_yandex_direct_reports_api(self):
        cabinet, rows = ad_spend.parse(sample("yandex_direct_api.tsv"), "yandex_direct_api.tsv")
        self.assertEqual(cabinet, "yandex_direct")
        self.assertEqual(sorted((r["date"], r["campaign"], r["cost"], r["impressions"], r["clicks"]) for r in rows), [
            (date(2026, 11, 1), "Поиск — бренд", 1500.5, 1000, 50),
            (date(2026, 11, 1), "РСЯ — ретаргетинг", 700.0, 2000, 20),
            (date(2026, 11, 2), "Поиск — бренд", 1800.0, 1200, 60),
        ])

    def test_yandex_direct_report_wizard_in_windows_1251(self):
        cabinet, rows = ad_spend.parse(sample("yandex_direct_wizard.csv"), "report.csv")
        self.assertEqual(cabinet, "yandex_direct")
        self.assertEqual(sorted((r["date"], r["cost"], r["impressions"], r["currency"]) for r in rows), [
            (date(2026, 11, 1), 2700.0, 3000, "RUB"), (date(2026, 11, 2), 2850.5, 3100, "RUB")])

    def test_google_ads(self):
        cabinet, rows = ad_spend.parse(sample("google_ads.csv"), "google_ads.csv")
        self.assertEqual(cabinet, "google_ads")
        self.assertEqual(sorted((r["date"], r["campaign"], r["cost"], r["impressions"], r["currency"]) for r in rows), [
            (date(2026, 11, 1), "Search — brand", 1234.56, 1200, "RUB"),
            (date(2026, 11, 2), "Shopping", 300.0, 800, "RUB"),
        ])

    def test_vk_ads_xlsx(self):
        cabinet, rows = ad_spend.parse(sample("vk_ads.xlsx"), "vk_ads.xlsx")
        self.assertEqual(cabinet, "vk")
        self.assertEqual(sorted((r["date"], r["campaign"], r["cost"], r["clicks"]) for r in rows), [
            (date(2026, 11, 1), "VK — таргет", 1200.4, 70),
            (date(2026, 11, 2), "VK — сообщество", 210.6, 12),
            (date(2026, 11, 2), "VK — таргет", 1300.0, 75),
        ])

    def test_avito_sums_the_listings_of_a_day(self):
        cabinet, rows = ad_spend.parse(sample("avito.csv"), "avito.csv")
        self.assertEqual(cabinet, "avito")
        self.assertEqual(sorted((r["date"], r["campaign"], r["cost"], r["impressions"]) for r in rows), [
            (date(2026, 11, 1), None, 240.5, 370), (date(2026, 11, 2), None, 160.0, 300)])

    def test_generic(self):
        cabinet, rows = ad_spend.parse(sample("generic.csv"), "generic.csv")
        self.assertEqual(cabinet, "generic")
        self.assertEqual(sorted((r["source"], r["medium"], r["campaign"], r["cost"]) for r in rows), [
            ("telegram", "social", "Канал магазина", 50.0), ("yandex", "cpc", "Поиск — бренд", 100.0)])

    def test_numbers_written_either_way(self):
        self.assertEqual(ad_spend.parse_number("1 234,56"), 1234.56)
        self.assertEqual(ad_spend.parse_number("1,234.56"), 1234.56)
        self.assertEqual(ad_spend.parse_number("1,234", comma_decimal=False), 1234.0)
        self.assertEqual(ad_spend.parse_number("1,5"), 1.5)
        self.assertEqual(ad_spend.parse_number("--"), 0.0)
        self.assertEqual(ad_spend.parse_number("2 711 ₽"), 2711.0)
        self.assertEqual(ad_spend.parse_number("150,5 руб."), 150.5)
        for bad in ("lots", "12 abc", "1.2.3x"):
            with self.assertRaises(ValueError, msg=bad):
                ad_spend.parse_number(bad)


@tagged("post_install", "-at_install", "ecom_crm")
class TestAdSpendImport(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marketer = new_test_user(cls.env, login="spend_manager", groups="sales_team.group_sale_manager",
                                     lang="en_US")
        cls.Spend = cls.env["ecom.ad.spend"]
        cls.env.ref("base.RUB").active = True  # the samples' currency
        cls.yandex = cls.env.ref("ecom_crm.utm_source_yandex_direct")
        cls.cpc = cls.env.ref("ecom_crm.utm_medium_cpc")

    def _import(self, name, lang="en_US", content=None, **values):
        # the file widget sets the file's name as it uploads the file
        wizard = Form(self.env["ecom.ad.spend.import"].with_user(self.marketer).with_context(
            default_filename=name, lang=lang))
        wizard.file = base64.b64encode(sample(name) if content is None else content)
        for key, value in values.items():
            setattr(wizard, key, value)
        record = wizard.save()
        record.action_import()
        return record

    def _spend(self, source):
        return self.Spend.search([("source_id", "=", source.id)], order="date, campaign_id")

    def test_each_cabinet_lands_on_its_channel(self):
        self.env["res.currency.rate"].create({"currency_id": self.env.ref("base.RUB").id, "name": "2026-10-01",
                                             "rate": 100.0, "company_id": self.env.company.id})
        self.assertNotEqual(self.env.company.currency_id, self.env.ref("base.RUB"))
        expected = {
            "yandex_direct_api.tsv": ("utm_source_yandex_direct", "utm_medium_cpc", 4000.5, 3),
            "google_ads.csv": ("utm_source_google_ads", "utm_medium_cpc", 1534.56, 2),
            "vk_ads.xlsx": ("utm_source_vk", "utm_medium_social", 2711.0, 3),
            "avito.csv": ("utm_source_avito", "utm_medium_classifieds", 400.5, 2),
        }
        for name, (source, medium, total, count) in expected.items():
            wizard = self._import(name)
            spend = self._spend(self.env.ref(f"ecom_crm.{source}"))
            self.assertEqual(len(spend), count, name)
            self.assertAlmostEqual(sum(spend.mapped("amount")), total, places=2, msg=name)
            self.assertEqual(spend.medium_id, self.env.ref(f"ecom_crm.{medium}"), name)
            self.assertEqual(wizard.created_count, count, name)
            self.assertEqual(set(spend.mapped("cabinet")), {wizard.cabinet}, name)
        brand = self.Spend.search([("campaign_id.name", "=", "Поиск — бренд"), ("date", "=", "2026-11-01")])
        self.assertEqual((brand.amount, brand.impressions, brand.clicks), (1500.5, 1000, 50))
        # a file that names no currency is in the wizard's (the company's); Google's names it: the
        # reports add that spend up in the company's currency, at the day's rate
        company = self.env.company
        self.assertEqual(brand.currency_id, company.currency_id)
        self.assertEqual(brand.amount_company, 1500.5)
        google = self.Spend.search([("campaign_id.name", "=", "Search — brand")])
        rub = self.env.ref("base.RUB")
        self.assertEqual((google.currency_id, google.amount), (rub, 1234.56))
        self.assertAlmostEqual(google.amount_company, 12.35, places=2)  # 100 roubles a unit of the company's

    def test_one_rate_per_currency_and_day(self):
        """A batch of spend in another currency is converted at each day's rate, looked up once per
        currency and day, not once per line."""
        rub, company = self.env.ref("base.RUB"), self.env.company
        for day, rate in (("2026-11-01", 100.0), ("2026-11-02", 80.0)):
            self.env["res.currency.rate"].create({"currency_id": rub.id, "name": day, "rate": rate,
                                                 "company_id": company.id})
        campaigns = self.env["utm.campaign"].create([{"name": f"Кампания {i}"} for i in range(3)])
        rows = [{"date": day, "company_id": company.id, "currency_id": rub.id, "amount": 1000.0 * (i + 1),
                 "source_id": self.yandex.id, "medium_id": self.cpc.id, "campaign_id": campaign.id}
                for day in (date(2026, 11, 1), date(2026, 11, 2)) for i, campaign in enumerate(campaigns)]
        Currency = type(self.env["res.currency"])
        with patch.object(Currency, "_get_conversion_rate", autospec=True,
                          side_effect=Currency._get_conversion_rate) as lookup:
            self.Spend._ecom_upsert(rows, "yandex_direct")
        self.assertEqual(lookup.call_count, 2)
        spend = self.Spend.search([("campaign_id", "in", campaigns.ids)], order="date, amount")
        self.assertEqual(spend.mapped("amount_company"), [10.0, 20.0, 30.0, 12.5, 25.0, 37.5])

    def test_campaigns_by_name_and_a_campaign_for_avito(self):
        existing = self.env["utm.campaign"].create({"name": "Поиск — бренд"})
        avito_campaign = self.env["utm.campaign"].create({"name": "Авито — объявления"})
        self._import("yandex_direct_api.tsv")
        self._import("avito.csv", campaign_id=avito_campaign)
        self.assertEqual(self._spend(self.yandex).filtered(lambda s: s.date == date(2026, 11, 2)).campaign_id, existing)
        self.assertTrue(self.env["utm.campaign"].search([("name", "=", "РСЯ — ретаргетинг")]))
        self.assertEqual(self._spend(self.env.ref("ecom_crm.utm_source_avito")).campaign_id, avito_campaign)

    def test_names_are_matched_exactly_not_as_patterns(self):
        """``%`` and ``_`` in a name are characters, not wildcards: «Скидка 50%» is not «Скидка 500
        рублей», «WILDCARD_TARGET» not «WILDCARD-TARGET»; case aside, the same name is the same record."""
        Campaign, Source = self.env["utm.campaign"], self.env["utm.source"]
        roubles = Campaign.create({"name": "Скидка 500 рублей"})
        dash = Campaign.create({"name": "WILDCARD-TARGET"})
        other = Campaign.create({"name": "Другая"})
        same = Campaign.create({"name": "Весна"})
        Source.create({"name": "partner-site"})
        content = ("date;source;medium;campaign;cost\n2026-11-01;partner_site;cpc;Скидка 50%;10\n"
                   "2026-11-01;yandex;cpc;WILDCARD_TARGET;20\n2026-11-01;yandex;cpc;%;30\n"
                   "2026-11-01;yandex;cpc;ВЕСНА;40\n").encode()
        self._import("wild.csv", content=content)
        spend = self.Spend.search([("date", "=", "2026-11-01")])
        self.assertEqual(sorted(spend.mapped("campaign_id.name")), ["%", "WILDCARD_TARGET", "Весна", "Скидка 50%"])
        self.assertFalse(spend.campaign_id & (roubles | dash | other))
        self.assertEqual(spend.filtered(lambda s: s.amount == 40).campaign_id, same)
        self.assertEqual(spend.filtered(lambda s: s.amount == 10).source_id.name, "partner_site")

    def test_reimport_replaces_the_days(self):
        self._import("yandex_direct_api.tsv")
        self.Spend.search([("source_id", "=", self.yandex.id)]).write({"amount": 1.0})
        wizard = self._import("yandex_direct_api.tsv")
        self.assertEqual((wizard.created_count, wizard.updated_count), (0, 3))
        self.assertAlmostEqual(sum(self._spend(self.yandex).mapped("amount")), 4000.5, places=2)

    def test_generic_file_maps_known_channels_and_creates_others(self):
        self._import("generic.csv")
        brand = self._spend(self.yandex)
        self.assertEqual((brand.amount, brand.medium_id, brand.campaign_id.name), (100.0, self.cpc, "Поиск — бренд"))
        telegram = self.Spend.search([("source_id.name", "=", "telegram")])
        self.assertEqual((telegram.amount, telegram.medium_id, telegram.campaign_id.name),
                         (50.0, self.env.ref("ecom_crm.utm_medium_social"), "Канал магазина"))

    def test_malformed_files_are_refused_whole(self):
        cases = {
            "yandex_direct_bad_date.csv": ("Row 4", "День", "32.11.2026"),
            "google_ads_bad_cost.csv": ("Row 3", "Cost", "lots"),
            "unknown_columns.csv": ("generic format",),
        }
        for name, fragments in cases.items():
            with self.assertRaises(UserError, msg=name) as caught:
                self._import(name)
            for fragment in fragments:
                self.assertIn(fragment, str(caught.exception), name)
        self.assertFalse(self.Spend.search([]))  # the good rows before the bad one are not stored either

    def test_a_picture_is_refused_not_crashed_on(self):
        # the wizard's file is no attachment: ir.attachment's type guessing failed on a PNG named .csv
        with self.assertRaises(UserError) as caught:
            self._import("spend.csv", content=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\xff\xd8")
        self.assertIn("NUL", str(caught.exception))

    def test_the_error_is_in_the_users_language(self):
        with self.assertRaises(UserError) as caught:
            self._import("yandex_direct_bad_date.csv", lang="ru_RU")
        self.assertIn("Строка 4", str(caught.exception))

    def test_typed_in_spend_is_unique_per_day_and_campaign(self):
        values = {"date": "2026-11-05", "source_id": self.yandex.id, "medium_id": self.cpc.id, "amount": 10}
        self.Spend.with_user(self.marketer).create(values)
        with self.assertRaises(UserError):
            self.Spend.with_user(self.marketer).create(values)

    def test_the_upsert_refuses_negative_figures_as_the_form_does(self):
        row = {"date": "2026-11-05", "company_id": self.env.company.id, "currency_id": self.env.company.currency_id.id,
               "amount": 10, "source_id": self.yandex.id, "impressions": -3, "clicks": 0}
        for field, value in (("impressions", -3), ("amount", -1), ("clicks", -2)):
            with self.subTest(field=field), self.assertRaises(UserError):
                self.Spend.with_user(self.marketer)._ecom_upsert([{**row, "impressions": 0, field: value}], "generic")
        self.assertFalse(self.Spend.search([("date", "=", "2026-11-05"), ("source_id", "=", self.yandex.id)]))
        # and in the database itself: the upsert is SQL
        with self.assertRaises(psycopg2.errors.CheckViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env.cr.execute("INSERT INTO ecom_ad_spend (date, company_id, currency_id, amount, source_id, clicks) "
                                "VALUES ('2026-11-06', %s, %s, 1, %s, -1)",
                                [self.env.company.id, self.env.company.currency_id.id, self.yandex.id])

    def test_salesperson_cannot_import(self):
        with self.assertRaises(AccessError):
            self.env["ecom.ad.spend.import"].with_user(self.salesman).create({"file": b"", "filename": "x.csv"})


def error_of(content, filename="spend.csv"):
    """The English message of the AdSpendError the parser raises on ``content``."""
    try:
        ad_spend.parse(content, filename)
    except ad_spend.AdSpendError as error:
        return str(error.message)
    raise AssertionError("the file was accepted")


GENERIC = "date;source;medium;campaign;cost;currency;impressions;clicks\n"


@tagged("post_install", "-at_install", "ecom_crm")
class TestAdSpendFileReading(BaseCase):
    """Reading the file itself (plain Python, no database): encodings, separators, quotes, line numbers,
    limits, broken workbooks."""

    def test_separator_is_the_one_that_makes_the_header(self):
        # a Yandex «Мастер отчётов» export: `;`, but more commas than semicolons (campaign names)
        lines = ["Статистика по дням", "01.11.2026 - 07.11.2026", "День;Кампания;Показы;Клики;Расход (руб.)"]
        lines += [f"0{day}.11.2026;Поиск, Москва, СПб, МО, бренд, скидки, акции;3 000;90;2 700,00"
                  for day in range(1, 8)]
        cabinet, rows = ad_spend.parse("\r\n".join(lines).encode("cp1251"), "report.csv")
        self.assertEqual((cabinet, len(rows)), ("yandex_direct", 7))
        self.assertEqual(rows[0]["campaign"], "Поиск, Москва, СПб, МО, бренд, скидки, акции")

    def test_utf16_with_a_bom(self):
        text = ("Day\tCampaign\tCurrency code\tImpr.\tClicks\tCost\r\n"
                "2026-11-01\tSearch — brand\tRUB\t1200\t40\t1234.56\r\n")
        for encoding in ("utf-16-le", "utf-16-be"):
            content = ("\ufeff" + text).encode(encoding)
            cabinet, rows = ad_spend.parse(content, "google.csv")
            self.assertEqual((cabinet, rows[0]["campaign"], rows[0]["cost"]),
                             ("google_ads", "Search — brand", 1234.56))

    def test_utf8_with_a_bad_byte_names_its_line_and_cp1251_still_reads(self):
        content = ((GENERIC + "2026-11-01;yandex;cpc;Мясо;10;RUB;1;1\n").encode()
                   + b"2026-11-02;yandex;cpc;\xff\xfe bad;10;RUB;1;1\n")
        self.assertIn("Line 3", error_of(content))
        _cabinet, rows = ad_spend.parse((GENERIC + "2026-11-01;yandex;cpc;Ёлка «ёж»;10;RUB;1;1\n").encode("cp1251"))
        self.assertEqual(rows[0]["campaign"], "Ёлка «ёж»")

    def test_an_open_quote_does_not_swallow_the_next_lines(self):
        content = (GENERIC + '2026-11-01;yandex;cpc;"Open quote;10;RUB;1;1\n2026-11-02;yandex;cpc;Next;20;RUB;1;1\n'
                   '2026-11-03;yandex;cpc;Third";30;RUB;1;1\n').encode()
        self.assertIn("Line 2: a quote is not closed", error_of(content))
        self.assertIn("Line 2: a quote is not closed",
                      error_of((GENERIC + '2026-11-01;yandex;cpc;"Open;10\n').encode()))

    def test_errors_name_the_files_own_lines(self):
        content = "Статистика\n\n01.11.2026 - 02.11.2026\n\nДень;Кампания;Показы;Клики;Расход (руб.)\n\n\n"
        content += "01.11.2026;Поиск;3 000;90;2 700,00\n\n\n02.11.2026;Поиск;3 000;90;abc\n"
        self.assertIn("Row 11,", error_of(content.encode("cp1251")))
        self.assertIn("Row 4,", error_of(sample("bad_blank_row_error.xlsx"), "x.xlsx"))
        # U+2028 is a character of the campaign, not a line break
        _cabinet, rows = ad_spend.parse((GENERIC + "2026-11-01;yandex;cpc;Line\u2028Sep;10;RUB;1;1\n").encode())
        self.assertEqual(rows[0]["campaign"], "Line\u2028Sep")

    def test_nul_and_huge_cells_are_refused(self):
        nul = (GENERIC + "2026-11-01;yandex;cpc;a\x00b;10;RUB;1;1\n").encode()
        self.assertIn("Line 2: the file holds a NUL", error_of(nul))
        huge = (GENERIC + "2026-11-01;yandex;cpc;" + "К" * 200_000 + ";10\n").encode()
        self.assertIn("Line 2: a cell is longer", error_of(huge))
        self.assertIn("NUL", error_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "spend.csv"))

    def test_size_limits(self):
        row = "2026-11-01;yandex;cpc;Кампания;10;RUB;1;1\n"
        self.assertIn("more than 100000 rows", error_of((GENERIC + row * 100_002).encode()))
        with patch.object(ad_spend, "MAX_BYTES", 1000):
            self.assertIn("larger than", error_of((GENERIC + row * 30).encode()))

    def test_broken_workbooks(self):
        self.assertIn("not a readable XLSX workbook", error_of(sample("bad_badxml.xlsx"), "x.xlsx"))
        self.assertIn("not a readable XLSX workbook", error_of(sample("bad_nan.xlsx"), "x.xlsx"))
        self.assertIn("Row 2, column F: a formula whose value is not stored",
                      error_of(sample("bad_formula_cost.xlsx"), "x.xlsx"))
        self.assertIn("first sheet («Info») is empty", error_of(sample("bad_second_sheet.xlsx"), "x.xlsx"))
        self.assertIn(".xls) are not supported", error_of(sample("bad_old_format.xls"), "old.xls"))


@tagged("post_install", "-at_install", "ecom_crm")
class TestAdSpendValues(BaseCase):
    """The cells' values (plain Python, no database): totals lines, numbers, counts, dates, micros, names."""

    def test_only_a_totals_date_makes_a_totals_line(self):
        content = ("campaign;date;source;cost\nИтоговая распродажа;2026-11-01;yandex;500\n"
                   "Всесезонная;2026-11-01;yandex;300\nTotally new;2026-11-01;yandex;200\nИтого;;;1000\n").encode()
        _cabinet, rows = ad_spend.parse(content)
        self.assertEqual(sorted(row["campaign"] for row in rows),
                         ["Totally new", "Всесезонная", "Итоговая распродажа"])
        # a campaign row that only misses its date is refused for it, not skipped as a totals line
        with self.assertRaisesRegex(ad_spend.AdSpendError, "not a date"):
            ad_spend.parse("campaign;date;source;cost\nИтоговая распродажа;;yandex;500\n".encode())

    def test_a_comma_groups_thousands_under_an_english_header(self):
        _cabinet, rows = ad_spend.parse(b'date,source,medium,campaign,cost\n2026-11-01,google,cpc,EN,"1,234"\n')
        self.assertEqual(rows[0]["cost"], 1234.0)
        vk = b'Date,Campaign,Impressions,Clicks,Spent\n2026-11-01,VK EN,"12,000",30,"2,500"\n'
        cabinet, rows = ad_spend.parse(vk)
        self.assertEqual((cabinet, rows[0]["impressions"], rows[0]["cost"]), ("vk", 12000, 2500.0))
        ambiguous = b'date,source,medium,campaign,cost\n2026-11-01,g,cpc,EN,"1,5"\n'
        self.assertIn("«1,5» is not an amount", error_of(ambiguous))
        # a Russian Excel's «;» keeps the decimal comma, whatever the header
        _cabinet, rows = ad_spend.parse((GENERIC + "2026-11-01;yandex;cpc;Промо;1 234,50;RUB;1;1\n").encode())
        self.assertEqual(rows[0]["cost"], 1234.5)

    def test_counts_are_whole_numbers_an_integer_column_holds(self):
        for value in ("99999999999", "-3", "1,5"):
            message = error_of((GENERIC + f"2026-11-01;yandex;cpc;Промо;10;RUB;{value};1\n").encode())
            self.assertIn(f"Row 2, column «impressions»: «{value}» is not a whole number", message)
        self.assertIn("Row 2, column «Impr.»", error_of(sample("bad_big_impr.xlsx"), "x.xlsx"))  # 1e15
        self.assertIn("Row 2, column «Cost»: «inf» is not an amount", error_of(sample("bad_e400.xlsx"), "x.xlsx"))

    def test_dates_are_whole_and_plausible(self):
        for value in ("2026-11-01garbage", "0001-01-01", "1900-01-01", "2999-01-01", "9999-12-31"):
            message = error_of((GENERIC + f"{value};yandex;cpc;Промо;10;RUB;1;1\n").encode())
            self.assertIn("Row 2, column «date»", message, value)
            self.assertNotIn("garbage", message.replace("«2026-11-01garbage»", ""), value)
        self.assertIn("years 2000 to", error_of((GENERIC + "1900-01-01;yandex;cpc;Промо;10\n").encode()))
        _cabinet, rows = ad_spend.parse((GENERIC + "2026-11-01T23:30:00+03:00;yandex;cpc;Промо;10\n").encode())
        self.assertEqual(rows[0]["date"], date(2026, 11, 1))

    def test_yandex_micros_are_refused(self):
        content = ("Date\tCampaignName\tImpressions\tClicks\tCost\n2026-11-01\tПоиск\t1000\t50\t1500500000\n"
                   "2026-11-02\tПоиск\t1000\t50\t700000000\nTotal rows: 2\n").encode()
        self.assertIn("returnMoneyInMicros: false", error_of(content, "report.tsv"))
        _cabinet, rows = ad_spend.parse(content.replace(b"700000000", b"700.5"), "report.tsv")
        self.assertEqual(len(rows), 2)  # one amount in currency units: no micros

    def test_names_a_spreadsheet_would_run_are_refused(self):
        for campaign in ('=HYPERLINK("http://evil.example/","x")', "@SUM(1+1)", "+cmd", "-2+3"):
            message = error_of((GENERIC + f"2026-11-01;yandex;cpc;{campaign};10\n").encode())
            self.assertIn("Row 2, column «campaign»", message, campaign)
            self.assertIn("formula", message, campaign)
        self.assertIn("column «source»", error_of((GENERIC + "2026-11-01;=1+1;cpc;Промо;10\n").encode()))
        _cabinet, rows = ad_spend.parse((GENERIC + "2026-11-01;yandex;cpc;-1;10\n").encode())
        self.assertEqual(rows[0]["campaign"], "-1")  # a number, no formula
