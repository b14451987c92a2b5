"""The intake API as a site uses it: requests, answers, keys, errors, channels."""

import json
from datetime import timedelta

from odoo import fields
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tools import SQL, html2plaintext

from ..tools.intake import validate_request
from .common import IntakeCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestIntakeApi(IntakeCase):
    def test_create_request(self):
        response = self.post({
            "name": "Смирнова Ольга Петровна", "phone": "8 (916) 555-12-34", "email": "olga@mail.ru",
            "message": "Нужен пылесос до пятницы", "city": "Казань", "zip": "420000",
            "lines": [{"sku": "DR-L10", "name": "Пылесос Dreame L10", "qty": 1, "price": 24990}],
            "utm_source": "yandex", "utm_medium": "cpc", "utm_campaign": "Пылесосы", "yclid": "123456",
            "referrer": "https://ya.ru/", "idempotency_key": "order-1001"})
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        answer = response.json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual(answer["result"], "created")
        self.assertTrue(answer["new_customer"])
        self.assertEqual(lead.partner_id.name, "Смирнова Ольга Петровна")
        self.assertEqual(lead.partner_id.ecom_gender, "female")
        self.assertEqual(lead.phone, "+79165551234")
        self.assertEqual(lead.source_id, self.env.ref("ecom_crm.utm_source_yandex_direct"))
        self.assertEqual(lead.medium_id, self.env.ref("ecom_crm.utm_medium_cpc"), "cpc: Odoo's paid search medium")
        self.assertEqual(lead.campaign_id.name, "Пылесосы")
        self.assertEqual(lead.ecom_click_id, "123456")
        self.assertEqual(lead.ecom_product_id, self.product)
        self.assertEqual(lead.expected_revenue, 24990)
        self.assertEqual(lead.team_id, self.team)
        self.assertIn("Пылесос Dreame L10, ", lead.name)
        self.assertIn("Казань", lead.name)
        entry = self.env["ecom.intake.request"].browse(answer["request_id"])
        self.assertEqual((entry.source_id, entry.lead_id, entry.channel), (self.source, lead, "api"))

    def test_dates_without_zone_are_the_stores(self):
        """A delivery date sent without a time zone is the store's local time (its company's zone),
        stored in UTC as Odoo does; one with a zone is taken as sent."""
        self.env.company.partner_id.tz = "Asia/Yekaterinburg"  # UTC+5
        self.assertEqual(self.source._company_tz(self.env.company.id), "Asia/Yekaterinburg")
        for phone, sent, stored in (("+79165550101", "2026-12-10T15:00:00", "2026-12-10 10:00:00"),
                                    ("+79165550102", "2026-12-10T15:00:00+03:00", "2026-12-10 12:00:00")):
            response = self.post({"name": "Покупатель", "phone": phone, "delivery_date": sent})
            self.assertEqual(response.status_code, 201, response.text)
            lead = self.env["crm.lead"].browse(response.json()["lead_id"])
            self.assertEqual(fields.Datetime.to_string(lead.ecom_delivery_date), stored, sent)

    def test_private_customers_are_not_left_to_company_enrichment(self):
        if "iap_enrich_done" not in self.env["crm.lead"]._fields:
            self.skipTest("Odoo's lead enrichment (crm_iap_enrich) is not installed")
        Lead = self.env["crm.lead"]
        no_email = Lead.browse(self.post({"phone": "+79160004401"}).json()["lead_id"])
        public = Lead.browse(self.post({"phone": "+79160004402", "email": "ivan@yandex.ru"}).json()["lead_id"])
        company = Lead.browse(self.post({"phone": "+79160004403", "email": "zakupki@zavod-ural.ru"}).json()["lead_id"])
        self.assertEqual((no_email.iap_enrich_done, public.iap_enrich_done, company.iap_enrich_done),
                         (True, True, False), "a company's address is left to Odoo's enrichment")

    def test_enrichment_job_search_can_use_its_index(self):
        """Odoo's enrichment job runs after every creation of leads; with thousands of requests an
        hour, its search must not read them all (the domain is the job's own, see crm_iap_enrich)."""
        if "iap_enrich_done" not in self.env["crm.lead"]._fields:
            self.skipTest("Odoo's lead enrichment (crm_iap_enrich) is not installed")
        self.env.cr.execute(SQL("""
            INSERT INTO crm_lead (name, type, active, probability, iap_enrich_done, company_id, create_date, write_date)
            SELECT 'history ' || i, 'opportunity', true, 10, true, %s, now() - interval '20 minutes', now()
              FROM generate_series(1, 5000) i
        """, self.env.company.id))
        self.env.cr.execute("ANALYZE crm_lead")
        query = self.env["crm.lead"]._search([
            ("iap_enrich_done", "=", False), ("reveal_id", "=", False),
            "|", ("probability", "<", 100), ("probability", "=", False),
            ("create_date", ">", fields.Datetime.now() - timedelta(hours=1))])
        self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("crm_lead_ecom_to_enrich_idx", plan)

    def test_titles_without_city_or_product(self):
        with_product = self.post({"name": "Без города", "phone": "+79161112200", "product_sku": "DR-L10"}).json()
        self.assertIn("Без города", self.env["crm.lead"].browse(with_product["lead_id"]).name)
        answer = self.post({"phone": "+79161112201", "city": "Тверь"}).json()
        self.assertTrue(self.env["crm.lead"].browse(answer["lead_id"]).name)

    def test_a_request_naming_no_product_is_titled_from_whom_in_the_genitive(self):
        """«Заявка от» takes the genitive: a request naming no product titles its lead «Заявка от Ивановой Марии
        Сергеевны» (it read «Заявка от Иванова Мария Сергеевна»), a first name alone «Заявка от Марии»."""
        for index, (name, title) in enumerate((("Иванова Мария Сергеевна", "Заявка от Ивановой Марии Сергеевны"),
                                               ("Мария", "Заявка от Марии"),
                                               ("Мария Иванова", "Заявка от Марии Ивановой"),
                                               ("ООО Ромашка", "Заявка от ООО Ромашка"))):
            with self.subTest(name=name):
                answer = self.post({"name": name, "phone": f"+7916333440{index}"}).json()
                self.assertEqual(self.env["crm.lead"].browse(answer["lead_id"]).name, title)

    def test_a_request_to_an_english_speaking_store_is_titled_in_english(self):
        """The title is in the store's language: an English-speaking company's request from a Russian
        customer reads «Request from Иванова Мария Сергеевна», the name undeclined."""
        self.env["res.lang"]._activate_lang("en_US")
        self.env.company.partner_id.lang = "en_US"
        answer = self.post({"name": "Иванова Мария Сергеевна", "phone": "+79163334410"}).json()
        self.assertEqual(self.env["crm.lead"].browse(answer["lead_id"]).name, "Request from Иванова Мария Сергеевна")

    def test_idempotency_key_returns_the_same_lead(self):
        payload = {"name": "Иван", "phone": "+79031112233", "idempotency_key": "form-42"}
        first = self.post(payload).json()
        second = self.post(payload)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json()["lead_id"], first["lead_id"])
        self.assertTrue(second.json()["replayed"])
        self.assertEqual(self.env["crm.lead"].search_count([("partner_id", "=", first["partner_id"])]), 1)
        self.assertEqual(self.env["ecom.intake.request"].search_count([("idempotency_key", "=", "form-42")]), 1)

    def test_click_id_gives_the_channel(self):
        for index, (click, xmlid) in enumerate((("gclid", "google_ads"), ("yclid", "yandex_direct"),
                                                 ("rb_clickid", "vk"))):
            answer = self.post({"phone": f"+791600000{index:02d}", click: "abc"}).json()
            lead = self.env["crm.lead"].browse(answer["lead_id"])
            self.assertEqual(lead.source_id, self.env.ref(f"ecom_crm.utm_source_{xmlid}"), click)

    def test_source_default_channel(self):
        answer = self.post({"email": "no-utm@yandex.ru"}).json()
        self.assertEqual(self.env["crm.lead"].browse(answer["lead_id"]).source_id,
                         self.env.ref("ecom_crm.utm_source_website"))

    def test_a_utf8_byte_order_mark_is_utf8_json(self):
        """A client writing UTF-8 with a byte order mark (.NET's UTF8 writer does) was answered «the body is
        not UTF-8 JSON»: it is, and the request is taken."""
        response = self.post(None, raw=b"\xef\xbb\xbf" + '{"phone": "+79160007001", "name": "Иван"}'.encode())
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(self.env["crm.lead"].browse(response.json()["lead_id"]).contact_name, "Иван")

    def test_a_request_naming_its_channel_takes_it_whole(self):
        """A request naming any of its channel (UTM tags, a click id) has it whole: the API source's medium
        is its channel's only when it names none (a paid click tagged with its source only is not «yandex
        / organic»); an ad system's source with no medium has the medium its spend is imported with."""
        ref = self.env.ref
        organic = ref("ecom_crm.utm_medium_organic")
        self.source.utm_medium_id = organic
        Lead = self.env["crm.lead"]
        cases = [
            ({}, ("ecom_crm.utm_source_website", organic, "")),
            ({"utm_source": "newsletter"}, ("newsletter", False, "")),
            # a campaign alone, of no known channel: «Campaign without a source», not the API source's channel
            ({"utm_campaign": "Осень"}, ("ecom_crm.utm_source_campaign_only", False, "Осень")),
            ({"utm_source": "yandex"}, ("ecom_crm.utm_source_yandex_direct", ref("ecom_crm.utm_medium_cpc"), "")),
            ({"gclid": "abc"}, ("ecom_crm.utm_source_google_ads", ref("ecom_crm.utm_medium_cpc"), "")),
            ({"rb_clickid": "abc"}, ("ecom_crm.utm_source_vk", ref("ecom_crm.utm_medium_social"), "")),
            ({"yclid": "abc", "utm_medium": "email"}, ("ecom_crm.utm_source_yandex_direct",
                                                       ref("utm.utm_medium_email"), "")),
        ]
        for index, (utm, (source, medium, campaign)) in enumerate(cases):
            answer = self.post({"phone": f"+791600011{index:02d}", **utm}).json()
            lead = Lead.browse(answer["lead_id"])
            expected = ref(source) if source and "." in source else source
            self.assertEqual(lead.source_id.name if isinstance(expected, str) else lead.source_id,
                             expected or self.env["utm.source"], utm)
            self.assertEqual(lead.medium_id, medium or self.env["utm.medium"], utm)
            self.assertEqual(lead.campaign_id.name or "", campaign, utm)
            entry = self.env["ecom.intake.request"].search([("lead_id", "=", lead.id)])
            self.assertEqual((entry.utm_source_id, entry.utm_medium_id), (lead.source_id, lead.medium_id),
                             "the journal shows the channel the request got")

    def test_a_campaign_alone_gets_its_channel(self):
        """A landing link that lost its utm_source and utm_medium (``?utm_campaign=summer_sale``): the request
        is the channel the campaign's ad spend is recorded under, in the lead and in the journal, so that its
        revenue meets that spend; a campaign spent on in two channels is no guess between them."""
        ref = self.env.ref
        yandex, cpc = ref("ecom_crm.utm_source_yandex_direct"), ref("ecom_crm.utm_medium_cpc")
        summer = self.env["utm.campaign"].create({"name": "summer_sale"})
        self.env["ecom.ad.spend"].create({"date": "2026-11-01", "source_id": yandex.id, "medium_id": cpc.id,
                                          "campaign_id": summer.id, "amount": 1500})
        answer = self.post({"phone": "+79160012001", "utm_campaign": "summer_sale"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual((lead.source_id, lead.medium_id, lead.campaign_id), (yandex, cpc, summer))
        self.assertTrue(lead.ecom_channel_from_campaign, "the campaign's: it follows the campaign")
        tagged = self.env["crm.lead"].browse(self.post(
            {"phone": "+79160012003", "utm_source": "yandex", "utm_campaign": "summer_sale"}).json()["lead_id"])
        self.assertEqual((tagged.source_id, tagged.medium_id), (yandex, cpc))
        self.assertFalse(tagged.ecom_channel_from_campaign, "a channel the request named is its own")
        entry = self.env["ecom.intake.request"].search([("lead_id", "=", lead.id)])
        self.assertEqual((entry.utm_source_id, entry.utm_medium_id, entry.utm_campaign_id), (yandex, cpc, summer))
        self.assertTrue(any(f"{yandex.name} / {cpc.name} / summer_sale" in html2plaintext(message.body or "")
                            for message in lead.message_ids), "the chatter names the channel")
        # the same campaign paid for in VK too: the request waits under «Campaign without a source»
        self.env["ecom.ad.spend"].create({"date": "2026-11-01", "source_id": ref("ecom_crm.utm_source_vk").id,
                                          "medium_id": ref("ecom_crm.utm_medium_social").id,
                                          "campaign_id": summer.id, "amount": 700})
        answer = self.post({"phone": "+79160012002", "utm_campaign": "summer_sale"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual((lead.source_id, lead.medium_id), (ref("ecom_crm.utm_source_campaign_only"),
                                                            self.env["utm.medium"]))

    def test_400_lists_bad_fields(self):
        response = self.post({"name": 12, "amount": "много", "email": "нет", "lines": [{"qty": 0}], "x": 1})
        self.assertEqual(response.status_code, 400)
        answer = response.json()
        self.assertEqual(answer["error"], "invalid_request")
        self.assertEqual(set(answer["fields"]), {"name", "amount", "email", "lines[0]", "x"})
        response = self.post(None, raw=b"{not json")
        self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_json"))
        for label, body in (("windows-1251", '{"phone": "+79160007000", "name": "Иван"}'.encode("cp1251")),
                            ("UTF-16", '{"phone": "+79160007000"}'.encode("utf-16"))):
            response = self.post(None, raw=body)
            self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_json"), label)
        response = self.post({"name": "Без контактов"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("phone", response.json()["fields"])
        self.assertFalse(self.env["crm.lead"].search([("contact_name", "=", "Без контактов")]))

    def test_401(self):
        for key in ("", "ecom_deadbeef_wrong", "garbage"):
            response = self.post({"phone": "+79160000001"}, key=key)
            self.assertEqual(response.status_code, 401, key)
            self.assertEqual(response.json()["error"], "unauthorized")
        self.source.active = False
        self.assertEqual(self.post({"phone": "+79160000001"}).status_code, 401)

    def test_413(self):
        response = self.post(None, raw=json.dumps({"message": "x" * 70_000}).encode())
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"], "payload_too_large")

    def test_429(self):
        self.source.rate_limit = 2
        self.assertEqual(self.post({"phone": "+79160000011"}).status_code, 201)
        self.assertEqual(self.post({"phone": "+79160000012"}).status_code, 201)
        response = self.post({"phone": "+79160000013"})
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["error"], "rate_limited")
        # said in the header HTTP clients read (urllib3's and requests' retries, a proxy), not only in the body
        self.assertEqual(response.headers.get("Retry-After"), "60")
        # a minute later the source may send again
        self.env["ecom.intake.request"].search([("source_id", "=", self.source.id)]).write({})
        self.env.cr.execute("UPDATE ecom_intake_request SET create_date = create_date - interval '2 minutes'")
        self.assertEqual(self.post({"phone": "+79160000013"}).status_code, 201)

    def test_key_is_stored_hashed(self):
        self.assertNotIn(self.key, str(self.source.sudo().read()[0]))
        source, auth = self.env["ecom.intake.source"]._authenticate(self.key)
        self.assertEqual((source, auth.rate_limit, auth.company_id), (self.source, 1000, self.env.company.id))
        self.assertFalse(self.env["ecom.intake.source"]._authenticate(self.key[:-1] + "x")[0])

    def test_a_new_key_replaces_the_old_one_at_once(self):
        """Sources are remembered per worker between requests: a change must reach the API at once."""
        self.assertEqual(self.post({"phone": "+79160000021"}).status_code, 201)
        new_key = self.source._generate_key()
        self.assertEqual(self.post({"phone": "+79160000022"}).status_code, 401, "the old key is refused")
        self.assertEqual(self.post({"phone": "+79160000022"}, key=new_key).status_code, 201)
        self.source.rate_limit = 1
        self.assertEqual(self.post({"phone": "+79160000023"}, key=new_key).status_code, 429)

    def test_made_up_keys_cost_nothing_and_push_no_key_out(self):
        """A flood of random keys (a scan) neither queries the database nor fills the worker's cache with
        one entry per key tried (which would push the real keys, and everything else Odoo remembers, out
        of it); the real key is still known, its revocation (archiving) and a new key take effect at once."""
        Source = self.env["ecom.intake.source"]
        other = Source.create({"name": "Второй сайт"})
        other_key = other._generate_key()
        self.assertEqual(Source._authenticate(self.key)[0], self.source)  # read once for the worker
        cache = self.env.registry._Registry__caches["default"]

        def entries():  # the sources' in the worker's cache (its key: the model's name, the method, its arguments)
            return [key for key in list(cache.d) if key[0] == Source._name]

        known = entries()
        with self.assertQueryCount(0):
            for n in range(2000):
                self.assertFalse(Source._authenticate(f"ecom_{n:08x}_{'x' * 43}")[0])
            self.assertFalse(Source._authenticate(self.key[:-1] + "x")[0], "the right prefix, the wrong key")
            self.assertEqual(Source._authenticate(self.key)[0], self.source)
            self.assertEqual(Source._authenticate(other_key)[0], other)
        self.assertEqual(entries(), known, "no entry per key tried")
        other.active = False
        self.assertFalse(Source._authenticate(other_key)[0], "an archived source's key is refused at once")
        self.assertEqual(Source._authenticate(self.key)[0], self.source)
        new_key = self.source._generate_key()
        self.assertFalse(Source._authenticate(self.key)[0], "the old key is refused at once")
        self.assertEqual(Source._authenticate(new_key)[0], self.source)
        # the webhooks' URLs alike: made-up tokens cost no query
        provider, token = self.source.provider, self.source.hook_token
        Source._hook_entries()
        with self.assertQueryCount(0):
            for n in range(500):
                self.assertFalse(Source._hook_authenticate("tilda", f"token-{n}")[0])
            self.assertEqual(Source._hook_authenticate(provider, token)[0], self.source)

    def test_replayed_key_in_the_same_instant_is_not_journaled_twice(self):
        Journal = self.env["ecom.intake.request"]
        data = {"phone": "+79160000031", "idempotency_key": "same-instant"}
        first = Journal._enqueue(data, self.source, self.env.company.id, 1000, "127.0.0.1")
        self.assertTrue(first.request_id)
        self.assertEqual(Journal._enqueue(data, self.source, self.env.company.id, 1000, "127.0.0.1"),
                         (None, first.request_id, False), "the known key, not a second entry")
        self.assertEqual(Journal._find_key(self.source, "same-instant").id, first.request_id)
        # over the rate: nothing journaled, but a known key is still answered
        count = Journal.search_count([("source_id", "=", self.source.id)])
        limited = Journal._enqueue({"phone": "+79160000032"}, self.source, self.env.company.id, count, "127.0.0.1")
        self.assertEqual(limited, (None, None, True))
        self.assertEqual(Journal._enqueue(data, self.source, self.env.company.id, count, "127.0.0.1"),
                         (None, first.request_id, False))
        self.assertEqual(Journal.search_count([("source_id", "=", self.source.id)]), count)
        entry = Journal.browse(first.request_id)
        self.assertEqual((entry.state, entry.channel, entry.phone, entry.company_id, entry.create_uid.id),
                         ("pending", "api", "+79160000031", self.env.company, self.env.uid))
        self.assertEqual(entry.data, data)


@tagged("post_install", "-at_install", "ecom_crm")
class TestPayloadValidation(BaseCase):
    """Plain Python, no database."""

    def test_plain_validation(self):
        clean, errors = validate_request({"phone": 79161234567, "delivery_date": "2026-12-01T10:00:00Z",
                                          "lines": [{"sku": "A", "qty": "2", "price": "1 990,50"}]})
        self.assertFalse(errors)
        self.assertEqual(clean["amount"], 3981.0)
        self.assertEqual(clean["phone"], "79161234567")
        self.assertEqual(clean["delivery_date"].isoformat(), "2026-12-01T10:00:00", "naive UTC, as Odoo stores it")
        self.assertEqual(validate_request([])[1], {"_": "the body must be a JSON object"})
        # an article number sent as a JSON number is a sku (its digits), not refused with the objects and lists
        clean, errors = validate_request({"phone": "+79160001234", "lines": [
            {"sku": 4600, "qty": 1}, {"sku": 4.6e3, "name": 2024, "qty": 1}, {"sku": "A-1", "name": 1.5, "qty": 1}]})
        self.assertFalse(errors)
        self.assertEqual([(line["sku"], line["name"]) for line in clean["lines"]],
                         [("4600", "4600"), ("4600", "2024"), ("A-1", "1.5")])
        for bad in ({"phone": "1", "amount": "NaN"}, {"phone": "1", "amount": True}, {"phone": "1", "amount": -5}):
            self.assertIn("amount", validate_request(bad)[1], bad)
        self.assertIn("lines", validate_request({"phone": "1", "lines": [{}] * 201})[1])


@tagged("post_install", "-at_install", "ecom_crm")
class TestNotesInTheStoresLanguage(IntakeCase):
    def test_note_and_title_use_the_stores_formats(self):
        self.env.company.currency_id = self.env.ref("base.RUB")
        self.env["product.product"].create({"name": "Пылесос, беспроводной", "default_code": "VC-1"})
        answer = self.post({"phone": "+79160009001", "city": "Казань", "product_sku": "VC-1",
                            "lines": [{"sku": "VC-1", "name": "Пылесос, беспроводной", "qty": 2, "price": 12495},
                                      {"name": "Фильтр", "qty": 1.5, "price": 99.9}]}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        note = html2plaintext(lead.description)
        self.assertIn("Пылесос, беспроводной × 2", note, "a product's name keeps its commas")
        self.assertRegex(note, r"12\s495,00", "Russian digit grouping and decimal comma")
        self.assertRegex(note, r"Фильтр × 1,50")
        self.assertRegex(note, r"Сумма: 25\s139,85")
        self.assertRegex(lead.name, r"^Пылесос, беспроводной, \d\d\.\d\d\.\d{4}, Казань$")



@tagged("post_install", "-at_install", "ecom_crm")
class TestRequestArrivesReady(IntakeCase):
    """The README's own example, sent by a site: the lead is ready to work on."""

    README = {"name": "Смирнова Ольга Петровна", "phone": "8 (916) 555-12-34", "email": "olga@mail.ru",
              "message": "Нужен пылесос до пятницы", "city": "Казань",
              "lines": [{"sku": "NO-SUCH-SKU", "name": "Пылесос Dreame L20", "qty": 1, "price": 24990},
                        {"sku": "DR-L10", "name": "Dreame L10", "qty": 2, "price": 19990}],
              "utm_source": "yandex", "utm_medium": "cpc", "yclid": "4827365012"}

    def test_the_readme_example_arrives_ready(self):
        teamless = self.env["ecom.intake.source"].create({"name": "Сайт без команды"})
        key = teamless._generate_key()
        for wait in (True, False):
            payload = dict(self.README, phone=f"+7916555{1234 + wait}", email=f"olga{wait}@mail.ru",
                           idempotency_key=f"ready-{wait}")
            response = self.post(payload, key=key, wait=wait)
            answer = response.json()
            self.assertIn("request_id", answer, response.text)
            if not wait:
                self.process_queue()
            seller = self.env["res.users"].search([("login", "=", "ready_seller")]) or new_test_user(
                self.env, login="ready_seller", groups="sales_team.group_sale_salesman", email="seller@example.com")
            self.env["ecom.intake.request"].browse(answer["request_id"]).lead_id.user_id = seller
            api_user = self.env.ref("ecom_crm.user_intake_api")  # as the scheduled action runs it
            made = self.env["ecom.intake.processor"].with_user(api_user).with_context(
                allowed_company_ids=self.env.company.ids)._cron_create_quotations(auto_commit=False)
            self.assertEqual(made, 1, "the quotation is made right after, by a scheduled action")
            self.env.cr.precommit.run()  # tracking messages are written at commit, as the technical user
            entry = self.env["ecom.intake.request"].browse(answer["request_id"])
            lead = entry.lead_id
            with self.subTest(wait=wait):
                self.assertEqual(lead.ecom_product_id, self.product, "the product of interest: the catalog's")
                self.assertRegex(lead.name, r"^Пылесос Dreame L10, \d\d\.\d\d\.\d{4}, Казань$")
                self.assertTrue(lead.team_id, "a source without a team gives its requests the company's team")
                self.assertEqual(lead.medium_id, self.env.ref("ecom_crm.utm_medium_cpc"), "cpc is paid search")
                self.assertEqual(lead.source_id, self.env.ref("ecom_crm.utm_source_yandex_direct"))
                marker = f'data-oe-id="{entry.id}"'
                origin = lead.message_ids.filtered(lambda m, marker=marker: marker in (m.body or ""))
                self.assertTrue(origin, "the chatter says which request the lead came from")
                self.assertIn("4827365012", origin.body)
                quotation = lead.order_ids
                self.assertEqual(len(quotation), 1, "a draft quotation of the request's lines")
                self.assertEqual(quotation.state, "draft")
                self.assertEqual(quotation.order_line.mapped("product_id"),
                                 self.env.ref("ecom_crm.product_site_item") | self.product)
                unknown = quotation.order_line.filtered(lambda line: line.product_id != self.product)
                self.assertEqual((unknown.name, unknown.product_uom_qty, unknown.price_unit),
                                 ("Пылесос Dreame L20", 1, 24990), "an unknown line kept as described")
                known = quotation.order_line - unknown
                self.assertEqual((known.product_uom_qty, known.price_unit), (2, 19990))
                self.assertEqual(quotation.amount_untaxed, 24990 + 2 * 19990)

    def test_lines_the_catalog_does_not_know_still_title_the_lead(self):
        answer = self.post({"phone": "+79165559999", "city": "Казань", "lines": [
            {"sku": "NO-SUCH-SKU", "name": "Пылесос Dreame L20", "qty": 1, "price": 24990}]}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertRegex(lead.name, r"^Пылесос Dreame L20, \d\d\.\d\d\.\d{4}, Казань$",
                         "titled by the first line's product though the catalog does not know it")
        self.assertFalse(lead.ecom_product_id)
        self.assertFalse(lead.ecom_name_manual, "a product set later titles it again")
        lead.ecom_product_id = self.product
        self.assertTrue(lead.name.startswith("Пылесос Dreame L10, "))

