"""The incoming adapters through HTTP, as each provider posts: a valid event becomes the lead or
call the generic API would make, a repeated one is deduplicated, a bad key or signature is
refused as the provider expects, and whatever cannot be taken is journaled as failed with why.
Payloads are the hand-made fixtures of tests/data/adapters/ (see test_adapters_map.py)."""

import json

from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext

from ..tools import adapters
from ..tools.intake import validate_request
from .common import IntakeCase
from .test_adapters_map import fixture


@tagged("post_install", "-at_install", "ecom_crm")
class AdapterCase(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Journal = cls.env["ecom.intake.request"]

    @classmethod
    def _source(cls, provider, **vals):
        return cls.env["ecom.intake.source"].create({
            "name": f"{provider} source", "provider": provider, "team_id": cls.team.id, "rate_limit": 1000, **vals})

    def url(self, source, subpath=""):
        return f"/ecom_crm/hook/{source.provider}/{source.sudo().hook_token}{subpath}"

    def post_json(self, source, payload, headers=None, subpath=""):
        return self.url_open(self.url(source, subpath), data=json.dumps(payload, ensure_ascii=False).encode(),
                             headers={"Content-Type": "application/json", **(headers or {})})

    def post_form(self, source, fields, headers=None, subpath="", allow_redirects=True):
        return self.url_open(self.url(source, subpath), data=fields, headers=headers,
                             allow_redirects=allow_redirects)

    def entries(self, source):
        return self.Journal.search([("source_id", "=", source.id)], order="id")

    def assert_failed(self, source, reason, count=1):
        failed = self.entries(source).filtered(lambda e: e.state == "failed")
        self.assertEqual(len(failed), count, failed.mapped("error"))
        self.assertIn(reason, failed[-1:].error)
        return failed[-1:]

    def assert_journaled_as_the_api(self, entry, mapped):
        """The journal holds exactly what the generic API would have journaled for ``mapped``."""
        clean, errors = validate_request(mapped)
        self.assertFalse(errors)
        self.assertEqual(entry.data, self.Journal._stored_data(clean))


@tagged("post_install", "-at_install", "ecom_crm")
class TestFormAdapters(AdapterCase):
    def test_tilda(self):
        source = self._source("tilda", provider_secret="tilda-api-key")
        sample = fixture("tilda")
        response = self.post_form(source, sample["test"])
        self.assertEqual((response.status_code, response.text), (200, "ok"), "Tilda's check when adding the URL")
        self.assertFalse(self.entries(source))
        form = dict(sample["form"], api_key="tilda-api-key")
        response = self.post_form(source, form)
        self.assertEqual((response.status_code, response.text), (200, "ok"))
        self.process_queue()
        entry = self.entries(source)
        self.assertEqual((entry.state, entry.idempotency_key), ("done", "tilda:5107323:3216857641"))
        self.assert_journaled_as_the_api(entry, adapters.map_tilda(sample["form"]))
        self.assertNotIn("api_key", entry.sudo().payload, "the key is not journaled")
        lead = entry.lead_id
        self.assertEqual((lead.partner_id.name, lead.phone, lead.email_from, lead.team_id),
                         ("Смирнова Ольга Петровна", "+79165551234", "olga@mail.ru", self.team))
        self.assertEqual(lead.source_id, self.env.ref("ecom_crm.utm_source_yandex_direct"))
        self.assertEqual(lead.campaign_id.name, "Коляски")
        self.assertIn("Какой цвет?: Серый", html2plaintext(lead.description))
        self.assertEqual((entry.yandex_client_id, lead.ecom_yandex_client_id), ("1700000000123456789",) * 2,
                         "Metrica's ClientID from the page's cookies: the sale can go back to Metrica")
        # Tilda sends it again: one entry, one lead
        self.assertEqual(self.post_form(source, form).text, "ok")
        self.process_queue()
        self.assertEqual(len(self.entries(source)), 1)
        self.assertEqual(self.env["crm.lead"].search_count([("partner_id", "=", lead.partner_id.id)]), 1)
        # a wrong key: refused and journaled, nothing made
        response = self.post_form(source, dict(form, api_key="wrong", tranid="5107323:1"))
        self.assertEqual(response.status_code, 403)
        failed = self.assert_failed(source, "bad API key")
        self.assertNotIn("api_key", failed.sudo().payload)
        # a form without a phone or an email: answered «ok» (a retry would fail again), journaled
        response = self.post_form(source, {"Name": "Без контактов", "tranid": "5107323:2", "api_key": "tilda-api-key"})
        self.assertEqual((response.status_code, response.text), (200, "ok"))
        failed = self.assert_failed(source, "a phone or an email is required", count=2)
        self.assertEqual((failed.contact_name, failed.sudo().payload["Name"]), ("Без контактов", "Без контактов"))

    def test_the_lead_is_the_one_the_api_makes(self):
        """The same request through Tilda's webhook and through the intake API gives the same lead
        (another customer's phone and email, so that it is not added to the first one)."""
        source = self._source("tilda")
        sample = fixture("tilda")["form"]
        self.assertEqual(self.post_form(source, sample).text, "ok")
        mapped = dict(adapters.map_tilda(sample), phone="+79165550000", email="olga2@mail.ru",
                      idempotency_key="api-twin")
        response = self.post(mapped, wait=False)
        self.assertEqual(response.status_code, 202, response.text)
        self.process_queue()
        by_hook = self.entries(source).lead_id
        by_api = self.Journal.browse(response.json()["request_id"]).lead_id
        self.assertNotEqual(by_hook, by_api)
        fields = ["type", "name", "contact_name", "stage_id", "team_id", "user_id", "source_id", "medium_id",
                  "campaign_id", "description", "expected_revenue", "ecom_product_id", "city", "company_id"]
        self.assertEqual(by_hook.read(fields)[0] | {"id": 0}, by_api.read(fields)[0] | {"id": 0})
        self.assertEqual(by_hook.partner_id.name, by_api.partner_id.name)

    def test_tilda_cart_gets_its_lines(self):
        source = self._source("tilda", provider_key="token", provider_secret="tilda-api-key")
        cart = dict(fixture("tilda")["cart"], token="tilda-api-key")
        self.assertEqual(self.post_json(source, cart).text, "ok", "Tilda set to send JSON")
        self.process_queue()
        lead = self.entries(source).lead_id
        self.assertEqual(lead.source_id, self.env.ref("ecom_crm.utm_source_vk"), "from Tilda's UTM cookie")
        self.assertEqual(lead.expected_revenue, 49980)
        self.assertTrue(lead.ecom_quotation_todo, "its lines become a quotation, as the API's do")
        self.assertNotIn("tilda-api-key", lead.description, "a key in a field of its own name is not a note")
        self.assertNotIn("token", self.entries(source).sudo().payload)

    def test_form_post(self):
        sample = fixture("form")
        source = self._source("form", form_redirect_url="https://shop.example/thanks")
        response = self.post_form(source, sample["cf7"], allow_redirects=False)
        self.assertEqual((response.status_code, response.headers["Location"]), (303, "https://shop.example/thanks"))
        # a script asking for JSON gets JSON; the same fields again the same day are the same request
        response = self.post_form(source, sample["cf7"], headers={"Accept": "application/json"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(response.json()["replayed"])
        self.process_queue()
        lead = self.entries(source).lead_id
        self.assertEqual(len(self.entries(source)), 1)
        self.assertEqual((lead.partner_id.name, lead.phone, lead.source_id),
                         ("Зайцева Дарья", "+79037778899", self.env.ref("ecom_crm.utm_source_google_ads")))
        # a plain HTML form: its price «по договорённости» goes to the message, the request is taken
        response = self.post_form(source, sample["html"], headers={"X-Requested-With": "XMLHttpRequest"})
        self.assertEqual(response.status_code, 202, response.text)
        self.process_queue()
        lead = self.Journal.browse(response.json()["request_id"]).lead_id
        self.assertEqual((lead.city, lead.expected_revenue), ("Тверь", 0))
        self.assertIn("amount: по договорённости", html2plaintext(lead.description))
        # nothing to reach the customer by: the page says so, the journal keeps it
        response = self.post_form(source, {"your-name": "Аноним"}, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("ecom_error=", response.headers["Location"])
        self.assert_failed(source, "a phone or an email is required")

    def test_bitrix_form_with_a_key(self):
        sample = fixture("form")
        source = self._source("form", provider_secret="form-key", form_field_map=sample["bitrix_map"])
        response = self.post_form(source, sample["bitrix"])
        self.assertEqual(response.status_code, 401)
        self.assert_failed(source, "bad key")
        response = self.post_form(source, dict(sample["bitrix"], ecom_key="form-key"))
        self.assertEqual(response.status_code, 202, response.text)
        self.process_queue()
        entry = self.Journal.browse(response.json()["request_id"])
        self.assertEqual(entry.sudo().payload["form_text_7"], "Кузнецов Андрей", "the form as it came...")
        self.assertNotIn("ecom_key", entry.sudo().payload, "...without its key")
        lead = entry.lead_id
        self.assertEqual((lead.partner_id.name, lead.phone, lead.email_from),
                         ("Кузнецов Андрей", "+79123456789", "andrey@mail.ru"))

    def test_yandex_forms(self):
        source = self._source("yandex_forms", provider_secret="ya-forms-key")
        sample = fixture("yandex_forms")
        headers = {"X-Api-Key": "ya-forms-key"}
        response = self.post_json(source, sample["jsonrpc"], headers)
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual((answer["jsonrpc"], answer["id"], answer["result"]["status"]),
                         ("2.0", sample["jsonrpc"]["id"], "queued"))
        again = self.post_json(source, sample["jsonrpc"], headers).json()
        self.assertEqual(again["result"], {"request_id": answer["result"]["request_id"], "status": "replayed"})
        self.process_queue()
        entry = self.entries(source)
        self.assertEqual(len(entry), 1)
        self.assert_journaled_as_the_api(entry, adapters.map_json_form(sample["jsonrpc"]))
        partner = entry.lead_id.partner_id
        self.assertEqual((partner.lastname, partner.firstname), ("Соколов", "Павел"), "«Имя Фамилия» read as such")
        self.assertEqual(self.post_json(source, sample["body"]).status_code, 401)
        self.assert_failed(source, "bad key")
        response = self.post_json(source, {"answer_id": "7", "fields": {"Имя": "Без телефона"}}, headers)
        self.assertEqual(response.status_code, 400)
        self.assert_failed(source, "a phone or an email is required", count=2)

    def test_yandex_direct(self):
        source = self._source("yandex_direct")
        response = self.post_json(source, fixture("yandex_direct")["lead"])
        self.assertEqual(response.status_code, 202, response.text)
        self.process_queue()
        lead = self.entries(source).lead_id
        self.assertEqual((lead.partner_id.name, lead.city), ("Олег", "Казань"))
        self.assertEqual(lead.source_id, self.env.ref("ecom_crm.utm_source_yandex_direct"),
                         "Direct's leads are Direct's channel when they name none")
        self.assertEqual(self.post_json(source, fixture("yandex_direct")["lead"]).json()["status"], "replayed")
        source.provider_secret = "direct-key"
        lead = dict(fixture("yandex_direct")["lead"], lead_id="dl-2")
        self.assertEqual(self.post_json(source, dict(lead, secret="wrong")).status_code, 401)
        self.assert_failed(source, "bad key")
        response = self.post_json(source, dict(lead, secret="direct-key"))
        self.assertEqual(response.status_code, 202)
        self.assertNotIn("secret", self.Journal.browse(response.json()["request_id"]).sudo().payload)
        self.assertEqual(self.post_json(source, lead, {"X-Api-Key": "direct-key"}).json()["status"], "replayed")

    def test_yandex_direct_lead_forms_campaign_is_the_campaign_of_that_id(self):
        """Direct's lead form names its campaign by its number: the request is the campaign's that has that
        Yandex Direct id (the spend import gives it from an export with the id and the title), not a
        campaign «91234567» of its own."""
        brand = self.env["utm.campaign"].create({"name": "Поиск — бренд", "ecom_yandex_direct_ref": "91234567"})
        source = self._source("yandex_direct")
        response = self.post_json(source, fixture("yandex_direct")["lead"])
        self.assertEqual(response.status_code, 202, response.text)
        self.process_queue()
        lead = self.entries(source).lead_id
        direct, cpc = self.env.ref("ecom_crm.utm_source_yandex_direct"), self.env.ref("ecom_crm.utm_medium_cpc")
        self.assertEqual((lead.campaign_id, lead.source_id, lead.medium_id), (brand, direct, cpc))
        self.assertFalse(self.env["utm.campaign"].search([("name", "=", "91234567")]))

    def test_vk_lead_ads(self):
        source = self._source("vk_leads", provider_key="a1b2c3d4", provider_secret="s3cr3t-vk")
        sample = fixture("vk_leads")
        response = self.post_json(source, sample["confirmation"])
        self.assertEqual((response.status_code, response.text), (200, "a1b2c3d4"))
        response = self.post_json(source, dict(sample["lead"], secret="wrong"))
        self.assertEqual(response.status_code, 403)
        failed = self.assert_failed(source, "bad secret")
        self.assertNotIn("secret", failed.sudo().payload)
        for _attempt in range(2):  # VK repeats an event until it gets «ok»
            response = self.post_json(source, sample["lead"])
            self.assertEqual((response.status_code, response.text), (200, "ok"))
        self.process_queue()
        done = self.entries(source).filtered(lambda e: e.state == "done")
        self.assertEqual((len(done), done.idempotency_key), (1, "vk:218765432:4411"))
        self.assertEqual((done.lead_id.partner_id.name, done.lead_id.phone), ("Орлова Светлана", "+79254445566"))
        self.assertEqual(done.lead_id.source_id, self.env.ref("ecom_crm.utm_source_vk"))
        response = self.post_json(source, {"type": "message_new", "secret": "s3cr3t-vk", "object": {}})
        self.assertEqual(response.text, "ok", "VK is told to stop; the journal says what came")
        self.assert_failed(source, "message_new", count=2)

    def test_over_the_rate_each_provider_is_told_when_to_send_again(self):
        """A source over its requests per minute: each provider's 429 (its own words: text, JSON) with the
        Retry-After header HTTP clients and providers read."""
        tilda = self._source("tilda", rate_limit=1)
        form = self._source("form", rate_limit=1)
        for index in range(2):
            tilda_answer = self.url_open(self.url(tilda), data=dict(fixture("tilda")["form"], tranid=f"rate:{index}",
                                                                    Phone=f"+7916557{index:04d}"))
            form_answer = self.post_json(form, {"name": "Ольга", "phone": f"+7916558{index:04d}"})
        self.assertEqual((tilda_answer.status_code, tilda_answer.text, tilda_answer.headers.get("Retry-After")),
                         (429, "rate limited", "60"))
        self.assertEqual((form_answer.status_code, form_answer.json()["error"], form_answer.headers.get("Retry-After")),
                         (429, "rate_limited", "60"))

    def test_an_adapter_costs_what_the_api_costs(self):
        """A webhook is answered on the API's hot path: the source from the worker's memory, the
        journal's one statement; the mapping adds no query."""
        source = self._source("tilda")
        form = dict(fixture("tilda")["form"])

        def queries(send):
            before = self.cr.sql_log_count
            response = send()
            self.assertIn(response.status_code, (200, 202), response.text)
            return self.cr.sql_log_count - before

        for index in range(2):  # the first of each warms the caches
            api = queries(lambda index=index: self.post({"name": "Смирнова Ольга", "phone": f"+7916555{index:04d}",
                                                         "idempotency_key": f"cost-{index}"}, wait=False))
            url = self.url(source)  # the test reads the token: not the webhook's cost
            tilda = queries(lambda index=index, url=url: self.url_open(
                url, data=dict(form, tranid=f"cost:{index}", Phone=f"+7916556{index:04d}")))
        self.assertLessEqual(tilda, api, f"Tilda's webhook took {tilda} queries, the API {api}")

    def test_unknown_webhook_and_methods(self):
        source = self._source("tilda")
        self.assertEqual(self.url_open("/ecom_crm/hook/tilda/nope", data={"test": "test"}).status_code, 404)
        self.assertEqual(self.url_open(f"/ecom_crm/hook/vk_leads/{source.sudo().hook_token}",
                                       data={"test": "test"}).status_code, 404, "the token is another provider's")
        response = self.url_open(self.url(source))
        self.assertEqual((response.status_code, response.json()["error"]), (405, "method_not_allowed"))
        api_source = self.source
        response = self.url_open(f"/ecom_crm/hook/api/{api_source.sudo().hook_token}", data={"phone": "1"})
        self.assertEqual(response.status_code, 404, "an API source takes no webhook")
        self.assertTrue(api_source.sudo().hook_token, "sources made before the adapters get a URL too")
        self.assertFalse(api_source.hook_url, "shown for providers only")
        old = source.sudo().hook_token
        source.with_user(self.env.ref("base.user_admin")).action_new_hook_token()
        self.assertNotEqual(source.sudo().hook_token, old)
        self.assertEqual(self.url_open(f"/ecom_crm/hook/tilda/{old}", data={"test": "test"}).status_code, 404)
        self.assertTrue(source.hook_url.endswith(f"/ecom_crm/hook/tilda/{source.sudo().hook_token}"))


    def test_a_key_or_a_field_name_not_unicode_is_refused_not_a_500(self):
        """A lone surrogate (``"\\ud800"``: valid JSON, no Unicode text) as the sender's key or secret is a bad
        key, as the provider expects it refused and journaled; as a form's field name, a request refused for it
        and journaled. Both were a 500: the key compared, and the form's fields hashed, as UTF-8."""
        lone = "\ud800"
        refused = [
            (self._source("vk_leads", provider_secret="vk-secret", provider_key="conf"),
             {"type": "lead_forms_new", "secret": lone}, {}, 403, "bad secret"),
            (self._source("yandex_forms", provider_secret="yf-key"),
             {"ecom_key": lone, "fields": {"phone": "+79160007001"}}, {}, 401, "bad key"),
            (self._source("yandex_direct", provider_secret="yd-key"),
             {"secret": lone, "lead_id": "L1", "fields": {"phone": "+79160007002"}}, {}, 401, "bad key"),
            (self._source("tilda", provider_secret="tilda-key"),
             {"Phone": "+79160007003", "api_key": lone}, {}, 403, "bad API key"),
            (self._source("uis", kind="calls", provider_secret="uis-key"),
             {"event": "incoming", "key": lone, "call_session_id": 1, "contact_phone_number": "79160007004"}, {},
             401, "bad key"),
            (self._source("form", provider_secret="form-key"),
             {"phone": "+79160007005", "ecom_key": lone}, {}, 401, "bad key"),
        ]
        for source, payload, headers, status, reason in refused:
            with self.subTest(provider=source.provider):
                # json.dumps writes the lone surrogate as its escape, as a sender's JSON library would
                response = self.url_open(self.url(source), data=json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json", **headers})
                self.assertEqual(response.status_code, status, response.text[:300])
                self.assert_failed(source, reason)
        source = self._source("form")
        response = self.url_open(self.url(source), data=json.dumps({"phone": "+79160007006", lone: "x"}).encode(),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_request"),
                         response.text[:300])
        self.assert_failed(source, "lone surrogate")
        self.assertFalse(self.env["crm.lead"].search([("phone", "like", "7916000700%")]))


@tagged("post_install", "-at_install", "ecom_crm")
class TestTelephonyAdapters(AdapterCase):
    def calls(self, source):
        return self.env["ecom.call"].search([("source_id", "=", source.id)])

    def notes(self, call):
        return call.lead_id.message_ids.filtered(lambda m: call.caller in html2plaintext(m.body or ""))

    def mango(self, source, kind, event, key="mango-key", salt="mango-salt"):
        text = json.dumps(event, ensure_ascii=False)
        return self.post_form(source, {"vpbx_api_key": key, "sign": adapters.mango_sign(key, text, salt), "json": text},
                              subpath=f"/events/{kind}")

    def test_mango(self):
        source = self._source("mango", kind="calls", provider_key="mango-key", provider_secret="mango-salt")
        sample = fixture("mango")
        for kind, name in (("call", "appeared"), ("call", "connected"), ("call", "disconnected"),
                           ("summary", "summary")):
            self.assertEqual(self.mango(source, kind, sample[name]).status_code, 200, name)
        call = self.calls(source)
        self.assertEqual((call.state, call.duration, call.caller, call.call_id),
                         ("finished", 185, "+79165551234", "MjQ1NjM4OTE2Mzo0NjU="))
        self.assertEqual(call.lead_id.partner_id.phone, "+79165551234")
        entry = self.entries(source)
        self.assertEqual((len(entry), entry.channel, entry.lead_id), (1, "call", call.lead_id),
                         "the call's request journaled once, as the call webhook journals it")
        self.assertEqual(entry.sudo().payload["json"]["call_state"], "Appeared")
        notes = len(self.notes(call))
        self.assertEqual(self.mango(source, "summary", sample["summary"]).status_code, 200)
        self.assertEqual(len(self.notes(call)), notes, "Mango sent the summary again: no second note")
        response = self.mango(source, "summary", sample["missed_summary"], salt="wrong")
        self.assertEqual(response.status_code, 403)
        self.assert_failed(source, "bad vpbx_api_key or sign")
        self.assertEqual(self.mango(source, "summary", sample["missed_summary"]).status_code, 200)
        missed = self.calls(source) - call
        self.assertEqual(missed.state, "missed")
        self.assertEqual(self.mango(source, "call", {"call_state": "Appeared"}).status_code, 200)
        self.assert_failed(source, "without entry_id", count=2)

    def test_numbers_beyond_range_and_json_nested_too_deep_are_not_a_500(self):
        """A duration of «1e999» (infinity once read), a JSON number PostgreSQL cannot store (NaN,
        Infinity, 1e999) or JSON nested a few thousand levels deep is malformed input: taken or
        refused as the provider expects, journaled, never a 500."""
        zadarma = self._source("zadarma", kind="calls", provider_secret="zd-secret")
        end = dict(fixture("zadarma")["end"], pbx_call_id="in_overflow", duration="1e999")
        response = self.zadarma(zadarma, end)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.calls(zadarma).state, "finished")
        uis = self._source("uis", kind="calls", provider_secret="uis-key-42")
        finished = dict(fixture("uis")["finished"], talk_time_duration="1e999")
        self.assertEqual(self.post_json(uis, finished).status_code, 200, "a string: read as no duration")
        for number in ("1e999", "NaN", "-Infinity"):
            response = self.url_open(self.url(uis), headers={"Content-Type": "application/json"}, data=json.dumps(
                fixture("uis")["lost"]).replace('"talk_time_duration": 0', f'"talk_time_duration": {number}').encode())
            self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_json"), number)
        self.assert_failed(uis, "out of range", count=3)
        self.assertEqual(len(self.calls(uis)), 1)
        tilda = self._source("tilda")
        response = self.url_open(self.url(tilda), headers={"Content-Type": "application/json"},
                                 data=b'{"Phone": "+79165551234", "tranid": "1:nan", "score": NaN}')
        self.assertEqual((response.status_code, response.text), (200, "ok"))
        self.assert_failed(tilda, "out of range")
        mango = self._source("mango", kind="calls", provider_key="mango-key", provider_secret="mango-salt")
        summary = json.dumps(fixture("mango")["summary"]).replace('"talk_time": 1764666012', '"talk_time": 1e999')
        deep = "[" * 3000 + "]" * 3000
        for text in (summary, deep):
            response = self.post_form(mango, {"vpbx_api_key": "mango-key", "json": text,
                                              "sign": adapters.mango_sign("mango-key", text, "mango-salt")},
                                      subpath="/events/summary")
            self.assertEqual(response.status_code, 200, response.text)
        failed = self.entries(mango).filtered(lambda e: e.state == "failed").sorted("id")
        self.assertEqual([entry.error for entry in failed], [
            "mango: a number of json is out of range (NaN, Infinity, 1e999)",
            f"mango: json nests too deeply (at most {adapters.MAX_DEPTH} levels)"])
        self.assertFalse(self.calls(mango))
        response = self.post_form(tilda, {"Phone": "+79165551234", "tranid": "1:deep", "payment": deep})
        self.assertEqual((response.status_code, response.text), (200, "ok"))
        self.assert_failed(tilda, "payment is not JSON", count=2)

    def test_json_nested_hundreds_of_levels_deep_is_refused_not_a_500(self):
        """JSON nested some hundreds of levels deep reads in Python (its parser stops near a thousand), but
        mapping it, copying it for the journal and storing it as jsonb recursed past Python's limit: each
        webhook answered a 500 «RecursionError» and journaled nothing. Beyond the intake API's nesting bound
        (MAX_DEPTH) it is refused as the provider expects and journaled, whatever the body's depth."""
        nest = "[" * 500 + "]" * 500
        cases = [  # (source, body, expected status, expected text or JSON error code)
            (self._source("tilda", provider_secret="t-key"),
             f'{{"Phone": "+79160007101", "api_key": "t-key", "x": {nest}}}', 200, "ok"),
            (self._source("vk_leads", provider_secret="vk-s"),
             f'{{"type": "lead_forms_new", "secret": "vk-s", "object": {{"lead_id": 1, "x": {nest}}}}}', 200, "ok"),
            (self._source("form"), f'{{"phone": "+79160007102", "x": {nest}}}', 400, "invalid_request"),
            (self._source("yandex_forms"), f'{{"fields": {{"phone": "+79160007103"}}, "x": {nest}}}', 400,
             "invalid_request"),
            (self._source("yandex_direct"), f'{{"lead_id": "L9", "fields": {{"phone": "+79160007104"}}, "x": {nest}}}',
             400, "invalid_request"),
            (self._source("uis", kind="calls", provider_secret="uis-k"),
             f'{{"event": "incoming", "key": "uis-k", "x": {nest}}}', 400, "invalid_json"),
            # just past the bound
            (self._source("form"), '{"phone": "+79160007105", "x": ' + "[" * 65 + "]" * 65 + "}", 400,
             "invalid_request"),
        ]
        for source, body, status, expected in cases:
            with self.subTest(provider=source.provider, size=len(body)):
                response = self.url_open(self.url(source), data=body.encode(),
                                         headers={"Content-Type": "application/json"})
                self.assertEqual(response.status_code, status, response.text[:300])
                if response.headers["Content-Type"].startswith("application/json"):
                    self.assertEqual(response.json()["error"], expected)
                else:
                    self.assertEqual(response.text, expected)
                self.assert_failed(source, "the body nests too deeply")
        mango = self._source("mango", kind="calls", provider_key="mango-key", provider_secret="mango-salt")
        text = '{"entry_id": "deep", "call_id": "deep", "x": ' + nest + "}"
        response = self.post_form(mango, {"vpbx_api_key": "mango-key", "json": text,
                                          "sign": adapters.mango_sign("mango-key", text, "mango-salt")},
                                  subpath="/events/call")
        self.assertEqual(response.status_code, 200, response.text)
        self.assert_failed(mango, "json nests too deeply")
        self.assertFalse(self.env["crm.lead"].search([("phone", "like", "7916000710%")]))

    def test_json_nested_deeper_than_the_apis_bound_is_a_providers_own_and_taken(self):
        """A provider's payload is its own format, not the intake API's (two levels, bounded at 16): a form
        builder's answer nested deeper than 16 is taken, up to adapters.MAX_DEPTH."""
        source = self._source("form")
        deepest = '"Цвет"' + "]" * (adapters.MAX_DEPTH - 1)
        body = '{"phone": "+79160007106", "x": ' + "[" * (adapters.MAX_DEPTH - 1) + deepest + "}"
        response = self.url_open(self.url(source), data=body.encode(), headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 202, response.text[:300])
        self.process_queue()
        entry = self.entries(source)
        self.assertEqual((entry.state, entry.lead_id.phone), ("done", "+79160007106"))
        self.assertIn("x: Цвет", html2plaintext(entry.lead_id.description))

    def test_a_text_over_the_limit_is_cut_the_lead_made(self):
        """A form's text over the intake's 10,000 characters (a long letter, a quiz's many answers) was journaled
        as failed and no lead made: the store lost the customer. The lead is made, its text cut to the limit
        with a note in the store's language; the journal keeps the whole body."""
        letter = "Здравствуйте! " + "Подскажите по коляске. " * 600  # 13,814 characters
        cases = [
            (self._source("form"), lambda source: self.post_json(source, {"phone": "+79160007201", "message": letter}),
             202, "+79160007201"),
            (self._source("tilda"), lambda source: self.post_json(  # JSON: form-encoded, it is over the body's limit
                source, {"Phone": "+79160007202", "Textarea": letter, "tranid": "5107323:7202"}), 200, "+79160007202"),
        ]
        for source, send, status, phone in cases:
            with self.subTest(provider=source.provider):
                response = send(source)
                self.assertEqual(response.status_code, status, response.text[:300])
                self.process_queue()
                entry = self.entries(source)
                self.assertEqual((entry.state, entry.lead_id.phone), ("done", phone), entry.error)
                text = html2plaintext(entry.lead_id.description)
                self.assertIn("Подскажите по коляске. " * 300, text)
                self.assertIn(f"[Текст сокращён (длина в знаках — {len(letter.strip())}). Заявка целиком — в CRM > "
                              "Продажи > Входящие заявки.]", text)
                self.assertLessEqual(len(entry.message), 10_000, "within the intake's limit, note included")
                self.assertIn(letter, json.dumps(entry.sudo().payload, ensure_ascii=False), "the whole text journaled")

    def zadarma(self, source, fields, secret="zd-secret"):
        signature = adapters.zadarma_signature(fields, secret)
        return self.post_form(source, fields, headers={"Signature": signature} if signature else None)

    def test_zadarma(self):
        source = self._source("zadarma", kind="calls", provider_secret="zd-secret")
        response = self.url_open(self.url(source) + "?zd_echo=8a3f1c")
        self.assertEqual((response.status_code, response.text), (200, "8a3f1c"), "Zadarma's check of the URL")
        sample = fixture("zadarma")
        for name in ("start", "answer", "end", "end"):
            self.assertEqual(self.zadarma(source, sample[name]).status_code, 200, name)
        call = self.calls(source)
        self.assertEqual((call.state, call.duration, call.caller), ("finished", 185, "+79031112233"))
        self.assertEqual(len(self.notes(call)), 1, "NOTIFY_END twice: one note")
        response = self.zadarma(source, sample["out_end"], secret="wrong")
        self.assertEqual(response.status_code, 403)
        self.assert_failed(source, "bad Signature")
        self.assertEqual(self.zadarma(source, sample["out_end"]).status_code, 200)
        out = self.calls(source) - call
        self.assertEqual((out.state, out.direction, out.caller), ("missed", "out", "+79261230000"))

    def test_uis(self):
        source = self._source("uis", kind="calls", provider_secret="uis-key-42")
        sample = fixture("uis")
        self.assertEqual(self.post_json(source, sample["incoming"]).status_code, 200)
        response = self.post_json(source, sample["finished"])
        self.assertEqual(response.status_code, 200, response.text)
        call = self.calls(source)
        self.assertEqual((call.state, call.duration, call.recording_url),
                         ("finished", 74, sample["finished"]["full_record_file_link"]))
        self.assertNotIn("key", self.entries(source).sudo().payload, "the key is not journaled")
        response = self.post_json(source, dict(sample["lost"], key="wrong"))
        self.assertEqual(response.status_code, 401)
        self.assert_failed(source, "bad key")
        self.post_json(source, sample["lost"])
        lost = self.calls(source) - call
        self.assertEqual(lost.state, "missed")
        activity = lost.lead_id.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(len(activity), 1, "a missed call asks someone to call back")
        self.post_json(source, sample["lost"])
        self.assertEqual(len(lost.lead_id.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))), len(activity),
            "the same missed call again: no second call-back task")
        response = self.post_json(source, dict(sample["incoming"], event="sms"))
        self.assertEqual(response.status_code, 400)
        self.assert_failed(source, "unknown event 'sms'", count=2)

    def test_an_extension_nobody_has_is_taken_as_any(self):
        """The managers' extensions (Mango's «extension», Zadarma's «internal») name nobody in Odoo: a call
        from or to one nobody has is taken as any other, logged with nobody as who answered."""
        mango = self._source("mango", kind="calls", provider_key="mango-key", provider_secret="mango-salt")
        appeared = dict(fixture("mango")["appeared"], entry_id="ext-in-1")
        connected = dict(fixture("mango")["connected"], entry_id="ext-in-1",
                         to={"extension": "777", "line_number": "74951234567"})
        out = {"entry_id": "ext-out-1", "call_state": "Appeared", "from": {"extension": "999"},
               "to": {"number": "79261239999"}}
        for event in (appeared, connected, out):
            self.assertEqual(self.mango(mango, "call", event).status_code, 200)
        calls = self.calls(mango).sorted("call_id")
        self.assertEqual([(c.call_id, c.direction, c.state, c.caller) for c in calls],
                         [("ext-in-1", "in", "answered", "+79165551234"),
                          ("ext-out-1", "out", "ringing", "+79261239999")])
        zadarma = self._source("zadarma", kind="calls", provider_secret="zd-secret")
        start = {"event": "NOTIFY_OUT_START", "call_start": "2026-12-02 11:00:00", "pbx_call_id": "out_ext_999",
                 "caller_id": "74951234567", "destination": "79261238888", "internal": "999"}
        self.assertEqual(self.zadarma(zadarma, start).status_code, 200)
        self.assertEqual([(c.direction, c.caller, c.called) for c in self.calls(zadarma)],
                         [("out", "+79261238888", "74951234567")])
        self.assertFalse((self.calls(mango) | self.calls(zadarma)).user_id)
        self.assertFalse((self.entries(mango) | self.entries(zadarma)).filtered(lambda e: e.state == "failed"))

    def test_the_salesperson_by_their_extension(self):
        """Each provider's extension of who answered or dialled makes the call theirs, and the request
        the incoming call made; an extension that is an object or a list is refused as the provider
        expects, journaled, no call made of it."""
        anna, boris, vera = (new_test_user(self.env, login=login, groups="sales_team.group_sale_salesman", name=name)
                             for login, name in (("ext_anna", "Анна Мангова"), ("ext_boris", "Борис Задармов"),
                                                 ("ext_vera", "Вера Уисова")))
        anna.ecom_pbx_extension, boris.ecom_pbx_extension, vera.ecom_pbx_extension = "101", "100", "103"
        mango = self._source("mango", kind="calls", provider_key="mango-key", provider_secret="mango-salt")
        sample = fixture("mango")
        for kind, name in (("call", "appeared"), ("call", "connected"), ("call", "out_appeared")):
            self.assertEqual(self.mango(mango, kind, sample[name]).status_code, 200, name)
        incoming, out = self.calls(mango).sorted(lambda c: c.direction)
        self.assertEqual((incoming.user_id, incoming.lead_id.user_id), (anna, anna))
        self.assertEqual((out.direction, out.user_id), ("out", self.env["res.users"]), "102: nobody's")
        zadarma = self._source("zadarma", kind="calls", provider_secret="zd-secret")
        sample = fixture("zadarma")
        for name in ("start", "answer", "out_start"):
            self.assertEqual(self.zadarma(zadarma, sample[name]).status_code, 200, name)
        incoming, out = self.calls(zadarma).sorted(lambda c: c.direction)
        self.assertEqual((incoming.user_id, incoming.lead_id.user_id), (boris, boris))
        self.assertEqual((out.direction, out.user_id), ("out", anna), "NOTIFY_OUT_START's internal 101")
        uis = self._source("uis", kind="calls", provider_secret="uis-key-42")
        sample = fixture("uis")
        for name in ("incoming", "answered"):
            self.assertEqual(self.post_json(uis, sample[name]).status_code, 200, name)
        call = self.calls(uis)
        self.assertEqual((call.state, call.user_id, call.lead_id.user_id), ("answered", vera, vera))
        response = self.post_json(uis, dict(sample["answered"], call_session_id=1, employee_extension={"ext": 103}))
        self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_request"))
        self.assert_failed(uis, "employee_extension is not a string or a number")
        connected = dict(fixture("mango")["connected"], entry_id="bad-ext", to={"extension": ["101"]})
        self.assertEqual(self.mango(mango, "call", connected).status_code, 200)
        self.assert_failed(mango, "the extension is not a string or a number")
        self.assertEqual(len(self.calls(uis) | self.calls(mango)), 3)

    def assert_hidden_calls(self, source, count, journaled=None):
        """``count`` calls of ``source`` from hidden numbers, each logged without a number, a customer or a
        request, and journaled done (``journaled``: how many entries, one per call unless said), nothing failed."""
        calls = self.calls(source).filtered("hidden_caller")
        self.assertEqual(len(calls), count)
        self.assertEqual(set(calls.mapped(lambda c: (c.caller, c.partner_id.id, c.lead_id.id, c.direction))),
                         {(False, False, False, "in")})
        self.assertEqual(set(calls.mapped("display_name")), {"Hidden number"})
        entries = self.entries(source)
        self.assertEqual(entries.mapped("state"), ["done"] * (count if journaled is None else journaled),
                         entries.mapped("error"))
        self.assertFalse(entries.lead_id or entries.partner_id)
        return calls

    def assert_nobody_hidden(self):
        """No customer, request or call back was made of a hidden number (every hidden caller would be one)."""
        self.assertFalse(self.env["res.partner"].search([("phone", "in", ("anonymous", "Unknown", "0", "+"))]))
        self.assertFalse(self.env["crm.lead"].search([("phone", "in", ("anonymous", "Unknown", "0", "+"))]))

    def test_mango_hidden_numbers_are_calls(self):
        """Mango gives a hidden caller as «anonymous», «Unknown», or no number at all: before, the call was
        journaled as failed and not logged. It is a call without a number, answered 200, journaled done; the
        salesperson who answered it (``to.extension``) is who took it; missed, it asks nobody to call back."""
        anna = new_test_user(self.env, login="ecom_mango_hidden", groups="sales_team.group_sale_salesman")
        anna.ecom_pbx_extension = "101"
        mango = self._source("mango", kind="calls", provider_key="mango-key", provider_secret="mango-salt")
        sample = fixture("mango")
        for index, origin in enumerate(({"number": "anonymous"}, {"number": "Unknown"}, {"number": ""}, {})):
            event = dict(sample["appeared"], entry_id=f"hidden-{index}", **{"from": origin})
            self.assertEqual(self.mango(mango, "call", event).status_code, 200, origin)
        answered = dict(sample["connected"], entry_id="hidden-0", **{"from": {"number": "anonymous"}})
        self.assertEqual(self.mango(mango, "call", answered).status_code, 200)
        summary = dict(sample["summary"], entry_id="hidden-0", **{"from": {"number": "anonymous"}})
        self.assertEqual(self.mango(mango, "summary", summary).status_code, 200)
        missed = dict(sample["missed_summary"], entry_id="hidden-1", **{"from": {}})
        self.assertEqual(self.mango(mango, "summary", missed).status_code, 200)
        calls = self.assert_hidden_calls(mango, 4)
        by_id = {call.call_id: call for call in calls}
        talked, lost = by_id["hidden-0"], by_id["hidden-1"]
        self.assertEqual((talked.state, talked.duration, talked.user_id), ("finished", 185, anna))
        self.assertEqual((lost.state, lost.user_id), ("missed", self.env["res.users"]))
        self.assertFalse(self.env["mail.activity"].search([("ecom_call_id", "in", calls.ids)]), "nobody to call back")
        self.assert_nobody_hidden()
        # an extension's SIP address is no hidden number: refused as before; a SIP URI with a number is that number
        event = dict(sample["appeared"], entry_id="sip-ext", **{"from": {"number": "sip:101@vpbx.example"}})
        self.assertEqual(self.mango(mango, "call", event).status_code, 200)
        self.assert_failed(mango, "caller: not a phone number")
        customer = self.env["res.partner"].create({"name": "Скрытая Анна", "phone": "+79165551234"})
        event = dict(sample["appeared"], entry_id="sip-1", **{"from": {"number": "sip:+79165551234@trunk.example"}})
        self.assertEqual(self.mango(mango, "call", event).status_code, 200)
        self.assertEqual(self.calls(mango).filtered(lambda c: c.call_id == "sip-1").partner_id, customer)
        # an outgoing call needs the number dialled
        out = dict(sample["out_appeared"], entry_id="out-nobody", to={})
        self.assertEqual(self.mango(mango, "call", out).status_code, 200)
        self.assert_failed(mango, "no customer number", count=2)

    def test_zadarma_hidden_numbers_are_calls(self):
        """Zadarma gives a hidden caller as «0» (or «anonymous», or an empty caller_id): a call without a number,
        answered 200, journaled done; ``internal`` of its NOTIFY_ANSWER and NOTIFY_END is who took it."""
        boris = new_test_user(self.env, login="ecom_zd_hidden", groups="sales_team.group_sale_salesman")
        boris.ecom_pbx_extension = "100"
        zadarma = self._source("zadarma", kind="calls", provider_secret="zd-secret")
        sample = fixture("zadarma")
        for index, number in enumerate(("0", "anonymous", "")):
            response = self.zadarma(zadarma, dict(sample["start"], pbx_call_id=f"hidden-{index}", caller_id=number))
            self.assertEqual(response.status_code, 200, number)
        self.assertEqual(self.zadarma(zadarma, dict(sample["answer"], pbx_call_id="hidden-0", caller_id="0"))
                         .status_code, 200)
        self.assertEqual(self.zadarma(zadarma, dict(sample["end"], pbx_call_id="hidden-0", caller_id="0"))
                         .status_code, 200)
        lost = dict(sample["end"], pbx_call_id="hidden-1", caller_id="anonymous", disposition="no answer",
                    duration="0", internal="")
        self.assertEqual(self.zadarma(zadarma, lost).status_code, 200)
        calls = self.assert_hidden_calls(zadarma, 3)
        by_id = {call.call_id: call for call in calls}
        self.assertEqual((by_id["hidden-0"].state, by_id["hidden-0"].duration, by_id["hidden-0"].user_id),
                         ("finished", 185, boris))
        self.assertEqual(by_id["hidden-1"].state, "missed")
        self.assertFalse(self.env["mail.activity"].search([("ecom_call_id", "in", calls.ids)]))
        self.assert_nobody_hidden()
        # a notification without caller_id at all is no Zadarma's (it sends and signs it, «0» when hidden)
        nobody = {k: v for k, v in sample["start"].items() if k != "caller_id"}
        self.assertEqual(self.zadarma(zadarma, dict(nobody, pbx_call_id="no-caller")).status_code, 200)
        self.assert_failed(zadarma, "no caller_id")
        self.assertEqual(len(self.calls(zadarma)), 3)

    def test_uis_hidden_numbers_are_calls(self):
        """UIS gives a hidden caller's ``contact_phone_number`` empty (null, "") or as a word: answered with its
        usual JSON 200 (it was a 400), journaled done; the employee's extension, also as UIS's own variable
        ``extension_phone_number``, is who took it."""
        vera = new_test_user(self.env, login="ecom_uis_hidden", groups="sales_team.group_sale_salesman")
        vera.ecom_pbx_extension = "103"
        uis = self._source("uis", kind="calls", provider_secret="uis-key-42")
        sample = fixture("uis")
        for index, number in enumerate((None, "", "anonymous", "Private")):
            response = self.post_json(uis, dict(sample["incoming"], call_session_id=900 + index,
                                                contact_phone_number=number))
            self.assertEqual((response.status_code, response.json()["ok"]), (200, True), number)
        answered = {k: v for k, v in sample["answered"].items() if k != "employee_extension"}
        response = self.post_json(uis, dict(answered, call_session_id=900, contact_phone_number=None,
                                            extension_phone_number="103"))
        self.assertEqual(response.status_code, 200, response.text)
        response = self.post_json(uis, dict(sample["lost"], call_session_id=901, contact_phone_number=""))
        self.assertEqual(response.status_code, 200, response.text)
        calls = self.assert_hidden_calls(uis, 4)
        by_id = {call.call_id: call for call in calls}
        self.assertEqual((by_id["900"].state, by_id["900"].user_id), ("answered", vera))
        self.assertEqual(by_id["901"].state, "missed")
        self.assert_nobody_hidden()
        # an outgoing call without the number dialled is still refused
        response = self.post_json(uis, dict(sample["incoming"], call_session_id=950, direction="out",
                                            contact_phone_number=""))
        self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_request"))
        self.assert_failed(uis, "no contact_phone_number")
        # a template without the number's variable is the store's mistake, not a hidden caller: refused, no call
        body = {k: v for k, v in sample["incoming"].items() if k != "contact_phone_number"}
        response = self.post_json(uis, dict(body, call_session_id=960))
        self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_request"))
        self.assert_failed(uis, "no contact_phone_number", count=2)
        self.assertEqual(len(self.calls(uis)), 4)

    def test_objects_and_lists_are_no_call_id_or_number(self):
        """An object or a list where a call's id or a phone number is expected is refused with the
        field's name and journaled: it was written as its Python text («['79161230011']»), a
        customer and a call made under it."""
        uis = self._source("uis", kind="calls", provider_secret="uis-key-42")
        incoming = fixture("uis")["incoming"]
        for field, value in (("contact_phone_number", ["79161230011"]), ("call_session_id", {"id": 3829104471}),
                             ("virtual_phone_number", {"number": "74951112233"}), ("contact_phone_number", True)):
            response = self.post_json(uis, dict(incoming, **{field: value}))
            self.assertEqual(response.status_code, 400, response.text)
            self.assertIn(f"{field} is not a string or a number", response.json()["message"])
        mango = self._source("mango", kind="calls", provider_key="mango-key", provider_secret="mango-salt")
        appeared = fixture("mango")["appeared"]
        for event in (dict(appeared, entry_id=["MjQ1"]), dict(appeared, **{"from": {"number": ["79165551234"]}})):
            self.assertEqual(self.mango(mango, "call", event).status_code, 200)
        self.assert_failed(mango, "is not a string or a number", count=2)
        self.assertFalse(self.calls(uis) | self.calls(mango))
        self.assertFalse(self.env["res.partner"].search([("phone", "like", "[")]))

    def test_a_conflict_that_outlasts_odoos_retries_is_a_json_503(self):
        """The same call's events at the same instant: one waits, the other is retried by Odoo. A
        conflict that outlasts Odoo's retries is the intake API's JSON 503 (it was Odoo's HTML
        500 page); the provider sends the event again."""
        from unittest.mock import patch

        from odoo.service import model as service_model

        source = self._source("mango", kind="calls", provider_key="mango-key", provider_secret="mango-salt")

        def conflict(calls, data, source, raw=None):
            calls.env.cr.execute("DO $$ BEGIN RAISE EXCEPTION 'concurrent update' "
                                 "USING ERRCODE = 'serialization_failure'; END $$", log_exceptions=False)

        with patch.object(type(self.env["ecom.call"]), "_ecom_process_event", conflict), \
                patch.object(service_model, "MAX_TRIES_ON_CONCURRENCY_FAILURE", 1):
            response = self.mango(source, "call", fixture("mango")["appeared"])
        self.assertEqual(response.status_code, 503, response.text[:200])
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual((response.json()["error"], response.headers["Retry-After"]), ("busy", "1"))
        self.assertFalse(self.calls(source))

    def test_what_an_adapter_does_not_read_may_hold_what_the_database_cannot(self):
        """A provider's payload is journaled as it came. A NUL character or a lone surrogate in a part of it the
        adapter does not read (a field of the provider's own, a field name read without it) is kept there as
        U+FFFD, and the call or request is taken: it was a 500, the journal's JSON column refusing the payload."""
        junk = {"junk": "a\u0000b\ud800", "k\u0000": 1}
        kept = "a\ufffdb\ufffd"
        mango = self._source("mango", kind="calls", provider_key="mango-key", provider_secret="mango-salt")
        text = json.dumps(dict(fixture("mango")["appeared"], **junk))  # the surrogate as its JSON escape
        response = self.post_form(mango, {"vpbx_api_key": "mango-key", "sign": adapters.mango_sign(
            "mango-key", text, "mango-salt"), "json": text}, subpath="/events/call")
        self.assertEqual(response.status_code, 200, response.text[:300])
        uis = self._source("uis", kind="calls", provider_secret="uis-key-42")
        response = self.url_open(self.url(uis), data=json.dumps(dict(fixture("uis")["incoming"], **junk)).encode(),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual((response.status_code, response.json().get("status")), (200, "done"), response.text[:300])
        for source in (mango, uis):
            self.assertEqual(len(self.calls(source)), 1, source.provider)
            self.assertIn(f'"{kept}"', json.dumps(self.entries(source).sudo().payload, ensure_ascii=False),
                          source.provider)
        vk = self._source("vk_leads", provider_key="a1b2c3d4", provider_secret="s3cr3t-vk")
        response = self.url_open(self.url(vk), data=json.dumps(dict(fixture("vk_leads")["lead"], **junk)).encode(),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual((response.status_code, response.text), (200, "ok"))
        form = self._source("form")
        response = self.url_open(self.url(form), headers={"Content-Type": "application/json"},
                                 data=json.dumps({"name": "Ольга", "phone\u0000": "+79160007101"}).encode())
        self.assertEqual(response.status_code, 202, response.text[:300])
        self.process_queue()
        for source, stored in ((vk, kept), (form, "phone\ufffd")):
            entry = self.entries(source)
            self.assertEqual((len(entry), entry.state), (1, "done"), source.provider)
            self.assertTrue(entry.lead_id, source.provider)
            self.assertIn(stored, json.dumps(entry.sudo().payload, ensure_ascii=False), source.provider)

    def test_a_call_event_that_fails_is_journaled(self):
        """A provider's call event whose processing fails unexpectedly: the webhook's JSON 500 (the provider sends
        it again), and the event journaled as failed with its reason. It was rolled back with the processing."""
        from unittest.mock import patch

        source = self._source("uis", kind="calls", provider_secret="uis-key-42")
        with patch.object(type(self.env["ecom.call"]), "_ecom_process_event", autospec=True,
                          side_effect=RuntimeError("pbx broken")):
            response = self.post_json(source, fixture("uis")["incoming"])
        self.assertEqual((response.status_code, response.json()["error"]), (500, "internal_error"))
        failed = self.assert_failed(source, "pbx broken")
        self.assertEqual(failed.channel, "call")
        self.assertNotIn("key", failed.sudo().payload, "the key is not journaled")
        self.assertFalse(self.calls(source))

    def test_uis_body_that_is_not_an_object(self):
        """The key in the header (as UIS may send it) and a body that is JSON but no object: a 400
        saying so, journaled, not a 500."""
        source = self._source("uis", kind="calls", provider_secret="uis-key-42")
        for body in ([fixture("uis")["incoming"]], "incoming", 42, None):
            response = self.post_json(source, body, {"X-Api-Key": "uis-key-42"})
            self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_request"), body)
        self.assert_failed(source, "the body is not a JSON object", count=4)
        self.assertFalse(self.calls(source))
