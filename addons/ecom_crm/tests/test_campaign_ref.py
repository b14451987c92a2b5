"""A campaign known by its ad system's id and by its title is one campaign: requests whose utm_campaign is
the campaign's number (a tracking template's {campaign_id}, a Yandex Direct lead form's campaign) and the
spend an export brings with its id and title meet, whichever comes first, and the channels' report sets
their revenue against that spend. Another ad system's campaign of the same number stays apart when the
request's source tells them apart; a number no export knows stays a campaign as typed."""

import base64

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import BaseCase, Form, new_test_user, tagged

from ..tools import ad_spend, adapters
from ..tools.campaign_ref import campaign_ref, one_campaign, ref_of_name, ref_systems, titled_ref
from ..tools.intake import validate_request
from .common import ReportCase, store_with_ad_sources
from .test_ad_spend_import import sample
from .test_adapters_map import fixture


@tagged("post_install", "-at_install", "ecom_crm")
class TestCampaignRefRule(BaseCase):
    def test_a_number_is_an_id(self):
        self.assertEqual(campaign_ref("91234567"), "91234567")
        self.assertEqual(campaign_ref(" 91234567 "), "91234567")
        self.assertEqual(campaign_ref(91234567.0), "91234567", "an XLSX's numeric cell")
        self.assertEqual(campaign_ref(777), "777")
        for value in ("Поиск — бренд", "{campaign_id}", "-5", "12.5", 12.5, "", None, True, "1" * 21):
            self.assertIsNone(campaign_ref(value), value)

    def test_the_source_says_which_ad_system(self):
        self.assertEqual(ref_systems("yandex_direct", True), ("yandex_direct",))
        self.assertEqual(ref_systems("vk", True), ("vk",))
        self.assertEqual(ref_systems(None, False), ("yandex_direct", "google_ads", "vk"), "no source: any")
        self.assertEqual(ref_systems(None, True), (), "a site's or a mailing's campaign «2026» is its own")
        self.assertEqual(ref_systems("avito", True), (), "Avito's export has no campaigns")

    def test_two_ad_systems_of_the_same_number_are_no_one_campaign(self):
        self.assertEqual(one_campaign([5]), 5)
        self.assertEqual(one_campaign([5, 5]), 5)
        self.assertIsNone(one_campaign([5, 6]))
        self.assertIsNone(one_campaign([]))

    def test_a_title_and_an_id_together(self):
        """Tracking templates' «{campaign_name}|{campaign_id}», «{campaign_name_lat}_{campaign_id}»: six digits or
        more beside a «|» are the id (a year or a short number is a title's: «Лето | 2026»); an «_» may be a
        title's own too («sale_2026»): only six digits or more beside a title not ending in a digit are an id to
        look up, never one to make a campaign of."""
        self.assertEqual(titled_ref("Поиск — бренд|91234567"), ("91234567", "Поиск — бренд", True))
        self.assertEqual(titled_ref(" 91234567 | poisk-brend "), ("91234567", "poisk-brend", True))
        self.assertEqual(titled_ref("a|b|7770001"), ("7770001", "a|b", True))
        self.assertEqual(titled_ref("poisk_brend_91234567"), ("91234567", "poisk_brend", False))
        self.assertEqual(titled_ref("91234567_poisk"), ("91234567", "poisk", False))
        for title in ("sale_2026", "promo_10", "2026_91234567", "Лето|", "a|b", "Лето 2026", "91234567", None,
                      "Лето | 2026", "2026|Лето", "Акция|12345"):  # a year, a short number: a title's
            self.assertIsNone(titled_ref(title), title)
        # the names a campaign stands for an id by: the id alone, or with its title across a «|»
        self.assertEqual([ref_of_name(name) for name in ("91234567", "Лето|91234567", "leto_91234567", "Лето")],
                         ["91234567", "91234567", None, None])

    def test_campaign_without_a_source_is_no_source_a_link_names(self):
        """«Кампания без источника» (the reports' row, copied into a link) is the store's mark, not a channel:
        a request naming it as its utm_source names no source."""
        for typed in ("Кампания без источника", " кампания  без ИСТОЧНИКА ", "Campaign without a source"):
            clean, errors = validate_request({"phone": "+7 916 555-01-01", "utm_source": typed, "utm_campaign": "x"})
            self.assertEqual((clean.get("utm_source"), clean["utm_campaign"], errors), (None, "x", {}), typed)
        clean, _errors = validate_request({"phone": "+7 916 555-01-01", "utm_source": "Кампания без источника 2"})
        self.assertEqual(clean["utm_source"], "Кампания без источника 2")

    def test_the_exports_campaign_id_columns(self):
        cabinet, rows = ad_spend.parse(sample("yandex_direct_api_ids.tsv"), "report.tsv")
        self.assertEqual(cabinet, "yandex_direct")
        self.assertEqual(sorted((r["date"].isoformat(), r["campaign_ref"], r["campaign"], r["cost"]) for r in rows), [
            ("2026-11-01", "91234567", "Поиск — бренд", 3000.0),
            ("2026-11-02", "91234567", "Поиск — бренд", 1000.0),
            ("2026-11-02", "91234568", "РСЯ — ретаргетинг", 700.0)])
        cabinet, rows = ad_spend.parse(sample("yandex_direct_wizard_ids.csv"), "report.csv")
        self.assertEqual(cabinet, "yandex_direct")
        self.assertEqual(sorted((r["campaign_ref"], r["campaign"], r["cost"]) for r in rows), [
            ("91234567", "Поиск — бренд", 2700.0), ("91234569", "91234569", 50.0)], "no title: named by its id")
        cabinet, rows = ad_spend.parse(sample("google_ads_ids.csv"), "report.csv")
        self.assertEqual((cabinet, [(r["campaign_ref"], r["campaign"]) for r in rows]),
                         ("google_ads", [("777", "Search — brand")]))
        # VK's export has had «ID кампании» all along
        cabinet, rows = ad_spend.parse(sample("vk_ads.xlsx"), "vk_ads.xlsx")
        self.assertEqual(cabinet, "vk")
        self.assertTrue(all(campaign_ref(r["campaign_ref"]) == r["campaign_ref"] for r in rows), rows)
        # an export without the column: no ids
        cabinet, rows = ad_spend.parse(sample("yandex_direct_api.tsv"), "report.tsv")
        self.assertEqual({r["campaign_ref"] for r in rows}, {None})

    def test_an_empty_or_dashed_id_and_the_totals_are_no_error(self):
        """A real export's rows with no campaign ID (an empty cell, «-», «--», a typographic dash) are taken by
        their title, and its totals lines («Итого», a date-less «Всего» row with «-» as its ID) are skipped:
        neither fails the import."""
        content = "\n".join([
            "День;№ Кампании;Кампания;Показы;Клики;Расход (руб.)",
            "01.11.2026;91234567;Поиск — бренд;3 000;90;2 700,00",
            "01.11.2026;-;Без номера;10;1;10,00",
            "01.11.2026;--;Без номера 2;10;1;11,00",
            "01.11.2026;\u2014;Без номера 3;10;1;12,00",
            "01.11.2026;;Без номера 4;10;1;13,00",
            "Итого;-;;3 040;93;2 746,00",
            ";-;Всего;3 040;93;2 746,00",
        ]).encode()
        cabinet, rows = ad_spend.parse(content, "report.csv")
        self.assertEqual(cabinet, "yandex_direct")
        self.assertEqual(sorted((r["campaign"], r["campaign_ref"], r["cost"]) for r in rows), [
            ("Без номера", None, 10.0), ("Без номера 2", None, 11.0), ("Без номера 3", None, 12.0),
            ("Без номера 4", None, 13.0), ("Поиск — бренд", "91234567", 2700.0)])

    def test_an_id_that_is_not_a_number_is_refused_naming_the_row(self):
        with self.assertRaises(ad_spend.AdSpendError) as caught:
            ad_spend.parse(sample("yandex_direct_bad_campaign_id.csv"), "report.csv")
        self.assertEqual(str(caught.exception.message),
                         "Row 3, column «№ Кампании»: «9123456a» is not a campaign ID (a number).")


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestCampaignRef(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store_with_ad_sources(cls)
        cls.google = cls.env.ref("ecom_crm.utm_source_google_ads")
        cls.campaign_only = cls.env.ref("ecom_crm.utm_source_campaign_only")
        cls.Campaign = cls.env["utm.campaign"].with_context(active_test=False)
        cls.site = cls.env["ecom.intake.source"].create({
            "name": "Сайт магазина", "kind": "website", "rate_limit": 1000,
            "utm_source_id": cls.env.ref("ecom_crm.utm_source_website").id})
        cls.phones = iter(range(100, 200))
        cls.env.ref("base.RUB").active = True  # Google's sample's currency

    def intake(self, **data):
        """The request the intake API makes of ``data`` (a new customer's each)."""
        clean, errors = validate_request({"name": "Ирина", "phone": f"+7 916 555-01-{next(self.phones) % 100:02d}",
                                          **data})
        self.assertFalse(errors)
        lead = self.env["ecom.intake.processor"]._process_one(clean, source=self.site).lead_id
        self.assertTrue(lead)
        return lead

    def import_file(self, name, company=None):
        wizard = Form(self.env["ecom.ad.spend.import"].with_user(self.sales_manager).with_company(
            company or self.env.company).with_context(default_filename=name))
        wizard.file = base64.b64encode(sample(name))
        return wizard.save().action_import()

    def channel_row(self, campaign, source):
        self._refresh()
        self.env["ecom.report.matview"]._ecom_refresh_all()
        rows = self.env["ecom.report.channel"].read_group(
            [("campaign_id", "=", campaign.id), ("source_id", "=", source.id)],
            ["spend:sum", "revenue:sum", "romi"], [])
        return rows[0]

    def test_requests_by_id_then_the_export_with_id_and_title_are_one_campaign(self):
        """The requests came in under «91234567»; Direct's export with the id and the title moves them to
        «Поиск — бренд», whose ROMI counts their revenue; the number's campaign is left empty."""
        alone = self.intake(utm_campaign="91234567")  # a landing link that kept only the campaign
        tagged_lead = self.intake(utm_source="yandex", utm_medium="cpc", utm_campaign="91234567")
        vk_lead = self.intake(utm_source="vk", utm_campaign="91234567")  # VK's campaign of that number
        number = tagged_lead.campaign_id
        self.assertEqual(number.name, "91234567")
        self.assertEqual((alone.campaign_id, alone.source_id), (number, self.campaign_only))
        self._order(tagged_lead, 12000)
        self._order(alone, 4000)

        self.import_file("yandex_direct_api_ids.tsv")
        brand = self.Campaign.search([("name", "=", "Поиск — бренд")])
        self.assertEqual(brand.ecom_yandex_direct_ref, "91234567")
        self.assertEqual(self.Campaign.search([("ecom_yandex_direct_ref", "=", "91234568")]).name,
                         "РСЯ — ретаргетинг")
        self.assertEqual((tagged_lead.campaign_id, tagged_lead.source_id, tagged_lead.medium_id),
                         (brand, self.yandex, self.cpc))
        self.assertEqual((alone.campaign_id, alone.source_id, alone.medium_id), (brand, self.yandex, self.cpc),
                         "the channel its former campaign gave follows the new one: the spend's")
        self.assertEqual(vk_lead.campaign_id, number, "VK's request is not Direct's campaign")
        self.assertTrue(number.exists())
        row = self.channel_row(brand, self.yandex)
        self.assertEqual((row["spend"], row["revenue"]), (4000, 16000))
        self.assertAlmostEqual(row["romi"], 300)  # (16000 - 4000) / 4000 × 100
        self.assertFalse(self.env["ecom.report.channel"].search_count(
            [("campaign_id", "=", number.id), ("source_id", "in", (self.yandex | self.campaign_only).ids)]))
        # a re-import finds the campaign by its id: nothing new, the days replaced
        self.import_file("yandex_direct_api_ids.tsv")
        self.assertEqual(self.Campaign.search_count([("name", "like", "Поиск — бренд")]), 1)

    def test_the_export_first_then_requests_by_id(self):
        self.import_file("yandex_direct_api_ids.tsv")
        brand = self.Campaign.search([("ecom_yandex_direct_ref", "=", "91234567")])
        tagged_lead = self.intake(utm_source="yandex", utm_campaign="91234567")
        clicked = self.intake(yclid="5712938465", utm_campaign="91234567")  # Direct's click id names the source
        alone = self.intake(utm_campaign="91234567")
        for lead in (tagged_lead, clicked, alone):
            self.assertEqual((lead.campaign_id, lead.source_id, lead.medium_id), (brand, self.yandex, self.cpc))
        self.assertFalse(self.Campaign.search([("name", "=", "91234567")]), "no campaign named by the number")
        self._order(tagged_lead, 8000)
        row = self.channel_row(brand, self.yandex)
        self.assertEqual((row["spend"], row["revenue"]), (4000, 8000))
        self.assertAlmostEqual(row["romi"], 100)

    def test_an_id_no_export_knows_stays_as_typed(self):
        self.import_file("yandex_direct_api_ids.tsv")
        lead = self.intake(utm_source="yandex", utm_campaign="55555555")
        self.assertEqual(lead.campaign_id.name, "55555555")
        self.assertFalse(lead.campaign_id.ecom_yandex_direct_ref)
        # a site's own campaign of a number is the site's, even when Direct has a campaign of that number
        site = self.intake(utm_source="newsletter", utm_campaign="91234567")
        self.assertEqual(site.campaign_id.name, "91234567")

    def test_a_campaign_is_found_in_one_query(self):
        """The intake's campaign lookup: a title (most requests) costs its one lookup by name and no lookup by
        ID; a number with an ad system's source that has its campaign, its one lookup by ID."""
        Processor = self.env["ecom.intake.processor"]
        title = self.Campaign.create({"name": "Весна 2026"})
        direct = self.Campaign.create({"name": "Директ — бренд", "ecom_yandex_direct_ref": "91234567"})
        for name, source, expected in (("Весна 2026", self.yandex, title), ("91234567", self.yandex, direct),
                                       ("91234567", self.env["utm.source"], direct)):
            Processor._utm_campaign(name, source, bool(source))  # the xmlids' cache warmed
            self.env.invalidate_all()
            with self.subTest(name=name, source=source.name), self.assertQueryCount(1):
                self.assertEqual(Processor._utm_campaign(name, source, bool(source)), expected)

    def test_two_companies_of_one_direct_account_share_its_campaigns(self):
        """Two stores of one database advertising from one Direct account import the same export: a campaign ID
        is the ad system's, so the second import finds the first's campaigns by their IDs (no error on the
        IDs being taken), and each company's spend is its own."""
        other = self.env["res.company"].create({"name": "Второй магазин"})
        self.sales_manager.company_ids |= other
        self.import_file("yandex_direct_api_ids.tsv")
        self.import_file("yandex_direct_api_ids.tsv", company=other)
        brand = self.Campaign.search([("ecom_yandex_direct_ref", "=", "91234567")])
        self.assertEqual(self.Campaign.search([("name", "like", "Поиск — бренд")]), brand)
        spend = self.env["ecom.ad.spend"].sudo().search([("campaign_id", "=", brand.id)])
        self.assertEqual({(row.company_id, row.amount) for row in spend if row.date.day == 1},
                         {(self.env.company, 3000), (other, 3000)})

    def test_one_campaign_with_the_same_number_in_two_ad_systems_takes_the_requests_of_no_source(self):
        """A campaign run in Direct and Google under the same number (a generic file's rows of both): the
        requests of no source under that number are its own, not two ad systems' to tell apart."""
        alone = self.intake(utm_campaign="888")
        both = self.Campaign.create({"name": "Бренд — везде"})
        both.with_user(self.sales_manager).write({"ecom_yandex_direct_ref": "888", "ecom_google_ads_ref": "888"})
        self.assertEqual(alone.campaign_id, both)
        self.assertEqual(self.intake(utm_campaign="888").campaign_id, both, "at intake too")

    def test_the_requests_moved_are_in_the_next_incremental_refresh(self):
        """The reports kept in tables, refreshed before the move, show the moved request under its new
        campaign and channel at their next (incremental) refresh: the move gives the rows a new write date."""
        lead = self.intake(utm_source="yandex", utm_campaign="91234567")  # its channel its own: only the move
        Funnel = self.env["ecom.report.funnel"]
        self._refresh()
        self.assertEqual(set(Funnel.search([("lead_id", "=", lead.id)]).campaign_id.mapped("name")), {"91234567"})
        # all written long before the refresh (a test is one transaction: every date in it is its start), so
        # that the next refresh is incremental and takes only the rows changed since
        self.env.flush_all()
        self.env.cr.execute("""
            UPDATE crm_lead SET write_date = write_date - interval '2 hours';
            UPDATE crm_stage SET write_date = write_date - interval '2 hours';
            UPDATE res_partner SET write_date = write_date - interval '2 hours';
            UPDATE mail_message SET date = date - interval '2 hours' WHERE model = 'crm.lead';
            UPDATE mail_activity SET write_date = write_date - interval '2 hours', date_deadline = date_deadline - 3
             WHERE res_model = 'crm.lead'
        """)
        self.env.invalidate_all()
        self.import_file("yandex_direct_api_ids.tsv")
        Funnel._cron_ecom_refresh_reports(wait=True)
        rows = Funnel.search([("lead_id", "=", lead.id)])
        self.assertEqual({(row.campaign_id.name, row.source_id) for row in rows}, {("Поиск — бренд", self.yandex)})

    def test_a_title_that_is_a_number_keeps_another_channels_requests(self):
        """A site's own campaign «2026» (a title, not an ad system's ID): when an ad system's campaign gets the
        ID 2026, the requests of the site's and the mailing's channels stay under «2026»; only the request
        that named that ad system moves, once (a second join moves nothing)."""
        site = self.intake(utm_source="website", utm_campaign="2026")
        mailing = self.intake(utm_source="newsletter", utm_medium="email", utm_campaign="2026")
        direct_lead = self.intake(utm_source="yandex", utm_campaign="2026")
        title = site.campaign_id
        self.assertEqual((mailing.campaign_id, direct_lead.campaign_id), (title, title))
        direct = self.Campaign.create({"name": "Директ — 2026"})
        direct.with_user(self.sales_manager).ecom_yandex_direct_ref = "2026"
        self.assertEqual((site.campaign_id, mailing.campaign_id, direct_lead.campaign_id), (title, title, direct))
        self.assertEqual((site.source_id, mailing.source_id.name), (self.env.ref("ecom_crm.utm_source_website"),
                                                                   "newsletter"))
        self.assertEqual(direct._ecom_join_refs(), {}, "nothing left to move")
        self.assertTrue(title.exists())

    def test_two_ad_systems_with_the_same_number_stay_apart(self):
        """Direct's campaign 777 and Google's 777: the request's source says which; a request of no source
        under «777» cannot be told, and stays."""
        before = {
            "yandex": self.intake(utm_source="yandex", utm_campaign="777"),
            "google": self.intake(utm_source="google", utm_medium="cpc", utm_campaign="777"),
            "alone": self.intake(utm_campaign="777"),
        }
        number = before["alone"].campaign_id
        direct = self.Campaign.create({"name": "Директ — бренд", "ecom_yandex_direct_ref": "777"})
        self.assertEqual(before["yandex"].campaign_id, direct)
        self.assertEqual(before["alone"].campaign_id, direct, "only Direct has a campaign 777 so far")
        self.import_file("google_ads_ids.csv")
        google = self.Campaign.search([("ecom_google_ads_ref", "=", "777")])
        self.assertEqual(google.name, "Search — brand")
        self.assertEqual(before["google"].campaign_id, google)
        self.assertEqual(before["yandex"].campaign_id, direct)
        # after both are known
        self.assertEqual(self.intake(utm_source="yandex", utm_campaign="777").campaign_id, direct)
        self.assertEqual(self.intake(utm_source="google", utm_campaign="777").campaign_id, google)
        vk_lead = self.intake(utm_source="vk", utm_campaign="777")
        self.assertEqual(vk_lead.campaign_id, number, "VK's is neither")
        late = self.intake(utm_campaign="777")
        self.assertEqual(late.campaign_id, number, "no source to tell Direct's from Google's")
        self.assertEqual(late.source_id, self.vk, "the number's campaign's channel: its requests' majority")
        # VK's campaign 777 made known: VK's request joins it; the one whose VK channel was only the number's
        # campaign's guess cannot be told from Direct's or Google's, and stays
        vk_campaign = self.Campaign.create({"name": "VK — таргет", "ecom_vk_ref": "777"})
        self.assertEqual(vk_lead.campaign_id, vk_campaign)
        self.assertEqual(late.campaign_id, number)

    def test_an_admin_links_a_campaign_by_hand(self):
        lead = self.intake(utm_source="yandex", utm_campaign="91234567")
        brand = self.Campaign.create({"name": "Поиск — бренд"})
        with self.assertRaises(AccessError):
            brand.with_user(self.salesman).ecom_yandex_direct_ref = "91234567"
        with self.assertRaisesRegex(ValidationError, "«Поиск — бренд» is not a campaign ID"):
            brand.with_user(self.sales_manager).ecom_yandex_direct_ref = "Поиск — бренд"
        brand.with_user(self.sales_manager).write({"ecom_yandex_direct_ref": " 91234567 "})
        self.assertEqual(brand.ecom_yandex_direct_ref, "91234567")
        self.assertEqual(lead.campaign_id, brand)
        other = self.Campaign.create({"name": "Поиск — бренд (копия)"})
        with self.assertRaisesRegex(ValidationError, "already belongs to the campaign «Поиск — бренд»"):
            other.with_user(self.sales_manager).ecom_yandex_direct_ref = "91234567"
        # the campaign's form shows its ids and takes them
        with Form(other) as form:
            form.ecom_google_ads_ref = "1234567890"
            form.ecom_vk_ref = ""
        self.assertEqual((other.ecom_google_ads_ref, other.ecom_vk_ref), ("1234567890", False))
        brand.with_user(self.sales_manager).ecom_yandex_direct_ref = ""
        self.assertFalse(brand.ecom_yandex_direct_ref)
        # the number's own campaign given its id by hand: the export's title names it
        number = self.intake(utm_source="yandex", utm_campaign="91234568").campaign_id
        self.assertEqual(number.name, "91234568")
        number.with_user(self.sales_manager).ecom_yandex_direct_ref = "91234568"
        self.import_file("yandex_direct_api_ids.tsv")
        self.assertEqual((number.name, number.ecom_yandex_direct_ref), ("РСЯ — ретаргетинг", "91234568"))
        self.assertEqual(brand.ecom_yandex_direct_ref, "91234567", "the export gives the titled campaign its id")

    def test_the_direct_lead_forms_requests_meet_the_spend(self):
        """The Direct lead form's webhook names the campaign by its number: mapped as the hook maps it, its
        request is the campaign's of the export, before and after it."""
        def lead_form(lead_id, phone):
            mapped = adapters.map_json_form(dict(fixture("yandex_direct")["lead"], lead_id=lead_id, answers=[
                {"name": "name", "value": "Олег"}, {"name": "phone", "value": phone}]), prefix="yandex_direct")
            mapped.setdefault("utm_source", adapters.PROVIDER_CHANNEL["yandex_direct"])  # as hooks.py does
            clean, errors = validate_request(mapped)
            self.assertFalse(errors)
            return self.env["ecom.intake.processor"]._process_one(clean, source=self.site).lead_id

        first = lead_form("dl-1", "+7 916 000-00-01")
        self.assertEqual(first.campaign_id.name, "91234567")
        brand = self.Campaign.create({"name": "Лид-форма — расчёт"})
        brand.with_user(self.sales_manager).ecom_yandex_direct_ref = "91234567"
        second = lead_form("dl-2", "+7 916 000-00-02")
        self.assertEqual((first.campaign_id, second.campaign_id), (brand, brand))
        self.assertEqual((second.source_id, second.medium_id), (self.yandex, self.cpc))
        self.import_file("yandex_direct_api_ids.tsv")  # finds the campaign by its id: its title kept
        self.assertEqual(brand.ecom_yandex_direct_ref, "91234567")
        self._order(first, 6000)
        row = self.channel_row(brand, self.yandex)
        self.assertEqual((row["spend"], row["revenue"]), (4000, 6000))
        self.assertAlmostEqual(row["romi"], 50)

    def test_a_title_and_an_id_in_one_utm_campaign(self):
        """«{campaign_name}|{campaign_id}» and «{campaign_name_lat}_{campaign_id}» templates: the request is the
        campaign of that id, known or made known later (a «|» name); else the campaign of the title beside it;
        a title ending in «_digits» is never misread."""
        early = self.intake(utm_source="yandex", utm_campaign="Поиск — бренд|91234567")
        placeholder = early.campaign_id
        self.assertEqual(placeholder.name, "Поиск — бренд|91234567", "no campaign of that id nor title yet: as typed")
        lat = self.intake(utm_source="yandex", utm_campaign="poisk-brend_91234567")
        self.assertEqual(lat.campaign_id.name, "poisk-brend_91234567")
        self.import_file("yandex_direct_api_ids.tsv")
        brand = self.Campaign.search([("ecom_yandex_direct_ref", "=", "91234567")])
        self.assertEqual(brand.name, "Поиск — бренд")
        self.assertEqual((early.campaign_id, early.source_id, early.medium_id), (brand, self.yandex, self.cpc),
                         "the export's id moved it")
        self.assertEqual(lat.campaign_id.name, "poisk-brend_91234567", "an «_» name is not moved: it may be a title")
        for value, data in (("Поиск — бренд|91234567", {"utm_source": "yandex"}), ("91234567|poisk", {}),
                            ("poisk-brend_91234567", {"utm_source": "yandex", "utm_medium": "cpc"}),
                            ("poisk-brend_91234567", {"yclid": "5712938465"})):
            with self.subTest(value=value, data=data):
                lead = self.intake(utm_campaign=value, **data)
                self.assertEqual((lead.campaign_id, lead.source_id, lead.medium_id), (brand, self.yandex, self.cpc))
        # another source's: its own, as typed
        self.assertEqual(self.intake(utm_source="newsletter", utm_campaign="Лето|91234567").campaign_id.name,
                         "Лето|91234567")
        # an id no campaign has, the title a campaign's: that campaign (not another Direct campaign of that title)
        summer = self.Campaign.create({"name": "Лето"})
        self.assertEqual(self.intake(utm_source="yandex", utm_campaign="Лето|44444444").campaign_id, summer)
        # a title holding a year beside a «|» is a campaign of its own, not «Лето»
        self.assertEqual(self.intake(utm_source="yandex", utm_campaign="Лето | 2026").campaign_id.name, "Лето | 2026")
        summer.with_user(self.sales_manager).ecom_yandex_direct_ref = "44444445"
        other = self.intake(utm_source="yandex", utm_campaign="Лето|44444444").campaign_id
        self.assertEqual(other.name, "Лето|44444444", "another Direct campaign of the same title")
        # titles ending in digits stay titles: too short for an id, or an id no Direct campaign has
        for title in ("sale_2026", "sale_55555555"):
            self.assertEqual(self.intake(utm_source="yandex", utm_campaign=title).campaign_id.name, title)
        # and the id of a Direct campaign beside a title is that campaign (the export's «РСЯ — ретаргетинг»)
        rsya = self.intake(utm_source="yandex", utm_campaign="rsya_91234568").campaign_id
        self.assertEqual((rsya.name, rsya.ecom_yandex_direct_ref), ("РСЯ — ретаргетинг", "91234568"))

    def test_a_request_naming_campaign_without_a_source_is_its_campaigns_alone(self):
        """utm_source «Кампания без источника» (copied from a report) names no source: the request is its
        campaign's alone (the campaign's channel, and it follows the campaign); with nothing else, the API
        source's channel, not a channel left empty."""
        self.import_file("yandex_direct_api_ids.tsv")
        brand = self.Campaign.search([("ecom_yandex_direct_ref", "=", "91234567")])
        lead = self.intake(utm_source="Кампания без источника", utm_campaign="Поиск — бренд")
        self.assertEqual((lead.campaign_id, lead.source_id, lead.medium_id, lead.ecom_channel_from_campaign),
                         (brand, self.yandex, self.cpc, True))
        waiting = self.intake(utm_source="Campaign without a source", utm_campaign="нет такой")
        self.assertEqual((waiting.source_id, waiting.ecom_channel_from_campaign), (self.campaign_only, True))
        alone = self.intake(utm_source="Кампания без источника")
        self.assertEqual(alone.source_id, self.env.ref("ecom_crm.utm_source_website"))

    def test_only_a_sales_manager_types_a_campaigns_ids_in_its_form(self):
        """The IDs are read-only on the campaign's form to a user who opens it and is no sales manager (a
        salesperson of the marketing team: the save would be refused), who still sees them and edits the rest
        of the campaign; a sales manager types them."""
        marketer = new_test_user(self.env, login="ecom_marketer", name="Мария Маркетова", lang="en_US",
                                 groups="sales_team.group_sale_salesman,mass_mailing.group_mass_mailing_user")
        campaign = self.Campaign.create({"name": "Поиск — бренд", "ecom_yandex_direct_ref": "91234567"})
        self.assertFalse(campaign.with_user(marketer).ecom_can_set_refs)
        with Form(campaign.with_user(marketer)) as form:
            self.assertEqual(form.ecom_yandex_direct_ref, "91234567")
            for field in ("ecom_yandex_direct_ref", "ecom_google_ads_ref", "ecom_vk_ref"):
                with self.assertRaisesRegex(AssertionError, "readonly field"):
                    setattr(form, field, "1234567890")
            form.title = "Поиск — бренд (весна)"
        self.assertEqual((campaign.title, campaign.ecom_google_ads_ref), ("Поиск — бренд (весна)", False))
        with Form(campaign.with_user(self.sales_manager)) as form:
            form.ecom_google_ads_ref = "1234567890"
        self.assertEqual(campaign.ecom_google_ads_ref, "1234567890")

    def test_the_campaign_form_opens_outside_email_marketing(self):
        """mass_mailing's campaign form reads how many A/B test mailings (and SMS) the campaign has with the
        user's rights: a sales manager or a salesperson outside Email Marketing, who types the campaign's IDs or
        opens it from a request, got an AccessError on mailing.mailing. They open and save it; its counts are
        those a marketing user sees, who still gets mass_mailing's form whole."""
        campaign = self.Campaign.create({"name": "Поиск — бренд"})
        other = self.Campaign.create({"name": "Рассылка — весна"})
        res_partner = self.env["ir.model"]._get_id("res.partner")
        self.env["mailing.mailing"].create([
            {"subject": subject, "campaign_id": target.id, "mailing_model_id": res_partner,
             "mailing_type": mailing_type, "ab_testing_enabled": ab_test, "body_plaintext": "Весна"}
            for subject, target, mailing_type, ab_test in (
                ("A", campaign, "mail", True), ("B", campaign, "mail", True), ("C", campaign, "mail", False),
                ("D", campaign, "sms", True), ("E", other, "mail", True))])
        marketer = new_test_user(self.env, login="ecom_marketer", name="Мария Маркетова", lang="en_US",
                                 groups="sales_team.group_sale_salesman,mass_mailing.group_mass_mailing_user,"
                                        "mass_mailing.group_mass_mailing_campaign")
        for user, title in ((self.sales_manager, "Поиск — бренд (весна)"), (self.salesman, "Поиск — бренд (лето)"),
                            (marketer, "Поиск — бренд (осень)")):
            with self.subTest(user=user.login):
                self.env.invalidate_all()
                with Form(campaign.with_user(user)) as form:
                    self.assertEqual((form.ab_testing_mailings_count, form.ab_testing_mailings_sms_count), (2, 1))
                    form.title = title
                self.assertEqual(campaign.title, title)
        self.env.invalidate_all()
        with Form(campaign.with_user(self.sales_manager)) as form:
            form.ecom_yandex_direct_ref = "91234567"
        self.assertEqual(campaign.ecom_yandex_direct_ref, "91234567")
        with Form(self.env["utm.campaign"].with_user(self.salesman)) as form:  # a new one too
            form.title = "Поиск — конкуренты"
        self.assertEqual((form.record.name, form.record.ab_testing_mailings_count), ("Поиск — конкуренты", 0))
        # the counts themselves stay Email Marketing's, as mass_mailing restricts them
        with self.assertRaises(AccessError):
            campaign.with_user(self.sales_manager).read(["mailing_mail_count"])
        self.env.invalidate_all()
        self.assertEqual(campaign.with_user(marketer).read(["mailing_mail_count", "mailing_sms_count"])[0],
                         {"id": campaign.id, "mailing_mail_count": 3, "mailing_sms_count": 1})
        # and the mailings: the A/B test group shows to the marketer only
        with Form(campaign.with_user(marketer)) as form:
            self.assertEqual(len(form.mailing_mail_ids), 3)
            self.assertEqual(form.ab_testing_winner_selection, "opened_ratio")
