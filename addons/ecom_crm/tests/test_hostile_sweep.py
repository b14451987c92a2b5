"""Every door of the product probed with the same malformed requests: the intake API, each ready connector's
webhook, the SMS delivery reports. Whatever comes (a wrong content type, invalid UTF-8, an empty body, an array
where an object is expected, numbers as strings, duplicated and unknown keys, a body over 10 MB, long headers, a
wrong method), the answer is the door's own — JSON, or the provider's plain-text protocol — never a 500 nor an
HTML page."""

import json
from contextlib import closing
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.service import model as service_model
from odoo.tests import get_db_name, tagged

from ..tools import adapters
from ..tools.intake import validate_request
from .common import IntakeCase, raw_post

API = "/ecom_crm/api/v1"
OK = {"phone": "+79160009901", "name": "Проба"}
# (label, content type, body)
BODIES = [
    ("empty JSON", "application/json", b""),
    ("empty form", "application/x-www-form-urlencoded", b""),
    ("no content type", None, json.dumps(OK).encode()),
    ("JSON sent as text", "text/plain", json.dumps(OK).encode()),
    ("JSON sent as a form", "application/x-www-form-urlencoded", json.dumps(OK).encode()),
    ("JSON sent as XML", "application/xml", json.dumps(OK).encode()),
    ("multipart without its boundary", "multipart/form-data", b"--x\r\n\r\nphone=1\r\n--x--\r\n"),
    ("multipart broken", "multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data\r\n\r\n"),
    ("form of invalid UTF-8", "application/x-www-form-urlencoded", b"phone=%FF%FE&name=\xff\xfe"),
    ("invalid UTF-8", "application/json", b'{"phone": "+7916\xff\xfe0009901"}'),
    ("a charset nobody knows", "application/json; charset=klingon", json.dumps(OK).encode()),
    ("Latin-1 declared", "application/json; charset=latin-1", '{"name": "Müller"}'.encode("latin-1")),
    ("an array", "application/json", json.dumps([OK, OK]).encode()),
    ("a string", "application/json", b'"phone"'),
    ("a number", "application/json", b"42"),
    ("null", "application/json", b"null"),
    ("numbers as strings", "application/json",
     json.dumps({**OK, "amount": "1500.50", "lines": [{"name": "a", "qty": "2", "price": "10"}]}).encode()),
    ("strings as numbers", "application/json", json.dumps({"phone": 79160009901, "name": 12, "call_id": 7,
                                                           "event": 1, "caller": 79160009901}).encode()),
    ("objects where strings are", "application/json",
     json.dumps({"phone": {"a": 1}, "name": [1], "event": {}, "call_id": [], "caller": {}}).encode()),
    ("duplicated keys", "application/json", b'{"phone": "+79160009901", "phone": "+79160009902", "name": "A"}'),
    ("unknown keys", "application/json", json.dumps({**OK, "zzz": {"deep": [1, 2]}, "": 1}).encode()),
    ("truncated JSON", "application/json", b'{"phone": "+7916'),
    ("NaN and Infinity", "application/json", b'{"phone": "+79160009901", "amount": NaN, "x": Infinity}'),
    ("10 MB", "application/json", b'{"phone": "+79160009901", "message": "' + b"a" * (10 * 1024 * 1024) + b'"}'),
]
METHODS = ("GET", "PUT", "PATCH", "DELETE", "OPTIONS")
# the 10 MB body goes to one door of each controller: every connector's webhook is refused over its size by the
# hooks' one check, before its provider's code (sent to all thirteen doors, it took 14 s of the sweep's 25)
BIG_BODY_DOORS = ("API requests", "API calls", "tilda", "form", "SMS.ru reports")


@tagged("post_install", "-at_install", "ecom_crm")
class TestHostileSweep(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sources = {provider: cls.env["ecom.intake.source"].create({
            "name": f"{provider} sweep", "provider": provider, "team_id": cls.team.id, "rate_limit": 100000,
            **({"kind": "calls"} if provider in ("mango", "zadarma", "uis") else {}),
            **({"provider_key": "mango-key", "provider_secret": "mango-salt"} if provider == "mango" else {}),
            **({"provider_secret": "zadarma-secret"} if provider == "zadarma" else {}),
            **({"provider_key": "vk-confirm", "provider_secret": "vk-secret"} if provider == "vk_leads" else {}),
        }) for provider in ("tilda", "form", "yandex_forms", "vk_leads", "yandex_direct", "mango", "zadarma", "uis")}
        cls.source.rate_limit = 100000
        company = cls.env.company
        company.write({"ecom_sms_gateway": "smsru"})
        company.sudo().ecom_sms_callback_token = cls.sms_token = "sweep-token-0123456789"

    def doors(self):
        """``(label, path, headers, answers JSON)`` of every door."""
        bearer = {"Authorization": f"Bearer {self.key}"}
        doors = [("API requests", f"{API}/requests?wait=1", bearer, True),
                 ("API requests queued", f"{API}/requests", bearer, True),
                 ("API calls", f"{API}/calls", bearer, True),
                 ("API unknown", f"{API}/nothing", bearer, True)]
        for provider, source in self.sources.items():
            subpath = "/events/call" if provider == "mango" else ""
            doors.append((provider, f"/ecom_crm/hook/{provider}/{source.sudo().hook_token}{subpath}", {},
                          provider in ("form", "yandex_forms", "yandex_direct", "uis")))
        doors.append(("SMS.ru reports", f"/ecom_crm/sms/status/smsru/{self.sms_token}", {}, False))
        return doors

    def assert_well_formed(self, response, json_answer, what):
        """Not a 500, not an HTML page; JSON where the door answers JSON (a form post may redirect)."""
        self.assertLess(response.status_code, 500, (what, response.status_code, response.text[:300]))
        kind = response.headers.get("Content-Type", "")
        self.assertNotIn("html", kind, (what, response.text[:300]))
        if json_answer and response.status_code not in (301, 302, 303, 204) and response.content:
            self.assertTrue(kind.startswith("application/json"), (what, kind, response.text[:200]))
            json.loads(response.text)

    def test_malformed_bodies_get_the_doors_own_answer(self):
        for label, path, headers, json_answer in self.doors():
            for name, kind, body in BODIES:
                if name == "10 MB" and label not in BIG_BODY_DOORS:
                    continue
                with self.subTest(door=label, body=name):
                    response = self.url_open(path, data=body, allow_redirects=False, timeout=60,
                                             headers={**headers, **({"Content-Type": kind} if kind else {})})
                    self.assert_well_formed(response, json_answer, (label, name))

    def test_wrong_methods_get_the_doors_own_answer(self):
        for label, path, headers, json_answer in self.doors():
            for method in METHODS:
                with self.subTest(door=label, method=method):
                    response = self.opener.request(method, self.base_url() + path, headers=headers, timeout=60,
                                                   allow_redirects=False)
                    self.assert_well_formed(response, json_answer, (label, method))

    def test_long_headers_get_the_doors_own_answer(self):
        """Headers as long as the server reads (an Authorization, an API key, a cookie of 8 KB; more is refused
        by the HTTP server itself before any door)."""
        long = "k" * 8000
        for label, path, _headers, json_answer in self.doors():
            for headers in ({"Authorization": f"Bearer ecom_{long}"}, {"Authorization": f"Basic {long}"},
                            {"X-Api-Key": long}, {"Cookie": f"session_id={long}"}, {"Content-Type": long},
                            {"Content-Type": f"application/json; charset={long}"}):
                with self.subTest(door=label, header=next(iter(headers))):
                    response = self.url_open(path, data=json.dumps(OK).encode(), headers=headers,
                                             allow_redirects=False, timeout=60)
                    self.assert_well_formed(response, json_answer, (label, headers))

    def test_a_length_announced_but_not_sent_gets_an_answer(self):
        """A Content-Length past the body (the client closes its side): the door answers, no 500."""
        for label, path, headers, _json in self.doors():
            with self.subTest(door=label):
                answer = raw_post(self.base_url(), path, {**headers, "Content-Type": "application/json",
                                                          "Content-Length": "5000", "Connection": "close"},
                                  b'{"phone": "+7916', read_all=True, cut=True)
                status = answer.split(" ", 2)[1] if answer.startswith("HTTP/") else "none"
                self.assertTrue(status.isdigit() and int(status) < 500, (label, answer[:300]))
                self.assertNotIn("text/html", answer.partition("\r\n\r\n")[0].lower(), (label, answer[:300]))


@tagged("post_install", "-at_install", "ecom_crm")
class TestConnectorDuplicateAtOnce(IntakeCase):
    """The same provider event at the same instant on two connections, as two workers take it: another
    connection's copy is journaled and committed after this test's transaction (the other request's) began, so
    this one cannot see it. Each connector's answer is its protocol's (a JSON 503 «busy» for a conflict Odoo's
    retries cannot overcome within the test's one transaction: the provider sends it again and hears it replayed)
    — never a 500 — and the journal holds the event once."""

    @classmethod
    def setUpClass(cls):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            team = env.ref("sales_team.team_sales_department")
            sources = env["ecom.intake.source"].create([
                {"name": f"{provider} (другое соединение)", "provider": provider, "rate_limit": 1000,
                 "team_id": team.id} for provider in ("tilda", "form", "yandex_direct")])
            cls.committed = {source.provider: (source.id, source.hook_token) for source in sources}
            # a request of the minute each (the rate counted from it takes no lock: see test_intake_edges)
            clean, _errors = validate_request({"phone": "+79160008400"})
            for source in sources:
                env["ecom.intake.request"]._enqueue(clean, source, env.company.id, 1000, wake=False)
        cls.addClassCleanup(cls._remove_committed, registry)
        super().setUpClass()

    @classmethod
    def _remove_committed(cls, registry):
        with registry.cursor() as cr:
            ids = [source_id for source_id, _token in cls.committed.values()]
            cr.execute("DELETE FROM ecom_intake_request WHERE source_id = ANY(%s)", [ids])
            api.Environment(cr, SUPERUSER_ID, {})["ecom.intake.source"].browse(ids).unlink()

    def test_the_same_event_on_two_connections_is_journaled_once(self):
        events = {
            "tilda": {"Name": "Ольга", "Phone": "+79160008401", "tranid": "777:1", "formid": "form1"},
            "form": {"name": "Ольга", "phone": "+79160008402", "message": "Перезвоните"},
            "yandex_direct": {"phone": "+79160008403", "name": "Ольга", "lead_id": "yd-777-1"},
        }
        self.env.cr.execute("SELECT 1")  # the test's transaction has its snapshot
        for provider, fields in events.items():
            source_id, token = self.committed[provider]
            with self.subTest(provider=provider):
                # the other worker's copy, taken and committed on a connection of its own
                response_other = self._take_elsewhere(provider, source_id, fields)
                body, headers = (json.dumps(fields).encode(), {"Content-Type": "application/json"}) \
                    if provider == "yandex_direct" else (fields, None)
                # Odoo's retries run in the test's one transaction, which never sees the other's: one is enough
                with patch.object(service_model, "MAX_TRIES_ON_CONCURRENCY_FAILURE", 1):
                    response = self.url_open(f"/ecom_crm/hook/{provider}/{token}", data=body, headers=headers,
                                             allow_redirects=False, timeout=60)
                self.assertNotIn("html", response.headers.get("Content-Type", ""), response.text[:300])
                if response.status_code >= 500:
                    self.assertEqual((response.status_code, response.json()["error"], response.headers["Retry-After"]),
                                     (503, "busy", "1"), response.text[:300])
                with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
                    cr.execute("SELECT idempotency_key FROM ecom_intake_request WHERE source_id = %s "
                               "AND idempotency_key IS NOT NULL", [source_id])
                    self.assertEqual(cr.fetchall(), [(response_other,)], "journaled once")

    def _take_elsewhere(self, provider, source_id, fields):
        """The event mapped and queued as the webhook does it, on another connection, committed: its key."""
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            source = env["ecom.intake.source"].browse(source_id)
            mapped = {"tilda": lambda: adapters.map_tilda(fields),
                      "form": lambda: adapters.map_form(list(fields.items())),
                      "yandex_direct": lambda: adapters.map_json_form(fields, None, "yandex_direct")}[provider]()
            clean, errors = validate_request(mapped)
            self.assertFalse(errors)
            queued = env["ecom.intake.request"]._enqueue(dict(clean, _raw=fields), source, env.company.id, 1000,
                                                         wake=False)
            self.assertTrue(queued.request_id)
            cr.commit()
            return clean["idempotency_key"]
