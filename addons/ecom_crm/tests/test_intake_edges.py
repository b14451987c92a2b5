"""The intake API's edges: hostile and malformed input gets a JSON 4xx, never a 500 or an HTML page,
and what is accepted can always be stored and processed."""

import json
import threading
from contextlib import closing
from datetime import datetime
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from ..tools import json_http
from ..tools.intake import MAX_AMOUNT, storable, unstorable, validate_call, validate_request
from .common import URL, IntakeCase, raw_post, send_whole

CALLS = "/ecom_crm/api/v1/calls"
# a chunk announced longer than what is sent, of which 64 KiB + 1 byte are sent and the body never
# ends: the server reads every byte sent (a server that closes with bytes unread resets the
# connection, and its answer may be lost) and must answer without waiting for more
OVER_LIMIT_CHUNK = b"20000\r\n" + b"a" * (64 * 1024 + 1)
OK = {"phone": "+79160001234"}
# (label, raw body, the field the 400 names): each must be refused at the door
HOSTILE_REQUESTS = [
    ("NUL in the name", json.dumps({**OK, "name": "Ива\u0000нов"}), "name"),
    ("NUL in a message", json.dumps({**OK, "message": "\u0000"}), "message"),
    ("NUL in a line's name", json.dumps({**OK, "lines": [{"name": "a\u0000b", "qty": 1}]}), "lines[0].name"),
    ("NUL in an unknown key", json.dumps({**OK, "x\u0000": 1}), "_"),
    ("lone surrogate in the name", '{"phone": "+79160001234", "name": "\\ud800"}', "name"),
    ("lone surrogate in the city", '{"phone": "+79160001234", "city": "a\\udfffb"}', "city"),
    ("integer beyond floats in amount", '{"phone": "+79160001234", "amount": 1' + "0" * 400 + "}", "amount"),
    ("amount 1e308", json.dumps({**OK, "amount": 1e308}), "amount"),
    ("amount above the bound", json.dumps({**OK, "amount": MAX_AMOUNT * 10}), "amount"),
    ("amount as a huge string", json.dumps({**OK, "amount": "9" * 400}), "amount"),
    ("qty beyond floats", '{"phone": "+79160001234", "lines": [{"qty": 1' + "0" * 400 + "}]}", "lines[0]"),
    ("price beyond floats", '{"phone": "+79160001234", "lines": [{"price": 1' + "0" * 400 + "}]}", "lines[0]"),
    ("price 1e300", json.dumps({**OK, "lines": [{"qty": 1, "price": 1e300}]}), "lines[0]"),
    ("lines' total overflowing", json.dumps({**OK, "lines": [{"qty": 1e6, "price": 1e9}] * 3}), "lines"),
    ("delivery date out of range", json.dumps({**OK, "delivery_date": "0001-01-01T00:00:00+14:00"}),
     "delivery_date"),
    ("delivery date not a date", json.dumps({**OK, "delivery_date": "tomorrow"}), "delivery_date"),
    ("moderately deep nesting", json.dumps({**OK, "lines": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}), "lines"),
    # each of these once passed the door and failed in processing: a 500, or a failed queue entry
    ("delivery date 1899 in UTC", json.dumps({**OK, "delivery_date": "1900-01-01T00:00:00+05:00"}), "delivery_date"),
    ("delivery date 9001 in UTC", json.dumps({**OK, "delivery_date": "9000-12-31T23:00:00-05:00"}), "delivery_date"),
    ("email of an at sign", json.dumps({"email": "@"}), "email"),
    ("email without a domain", json.dumps({"email": "a@"}), "email"),
    ("two emails", json.dumps({"email": "a@b.c;d@e.f"}), "email"),
    ("phone without digits", json.dumps({"phone": "abc"}), "phone"),
    ("phone of a plus", json.dumps({"phone": "+"}), "phone"),
    ("phone of SQL", json.dumps({"phone": "' OR 1=1 --"}), "phone"),
    ("phone as a fraction", json.dumps({"phone": 79.5}), "phone"),
    # a line's sku or name of the wrong JSON type was taken as its Python text: «{'a': 1}» a sku, «['x']» a name
    ("an object as a line's sku", json.dumps({**OK, "lines": [{"sku": {"a": 1}, "qty": 1}]}), "lines[0]"),
    ("a list as a line's name", json.dumps({**OK, "lines": [{"name": ["x"], "qty": 1}]}), "lines[0]"),
    ("a boolean as a line's sku", json.dumps({**OK, "lines": [{"sku": True, "qty": 1}]}), "lines[0]"),
    # a number jsonb refuses where no field is read (a line's own key) failed as it was journaled: a 500
    ("NaN in a line's own key", '{"phone": "+79160001234", "lines": [{"name": "a", "qty": 1, "note": NaN}]}',
     "lines[0].note"),
    ("-Infinity in a line's own key", '{"phone": "+79160001234", "lines": [{"qty": 1, "note": -Infinity}]}',
     "lines[0].note"),
    ("1e999 in a line's own key", '{"phone": "+79160001234", "lines": [{"qty": 1, "note": [1e999]}]}',
     "lines[0].note[0]"),
]
HOSTILE_CALLS = [
    ("NUL in the caller", json.dumps({"event": "incoming", "call_id": "n1", "caller": "+7916\u0000"}), "caller"),
    ("lone surrogate in the call id", '{"event": "incoming", "call_id": "\\ud800", "caller": "+79160001234"}',
     "call_id"),
    # a hidden number is a call the store got (see test_calls), but no number a salesperson dialled
    ("a hidden number dialled", json.dumps({"event": "missed", "call_id": "h1", "caller": "anonymous",
                                            "direction": "out"}), "caller"),
    ("duration of 2**31 s", json.dumps({"event": "finished", "call_id": "d1", "caller": "+79160001234",
                                        "duration": 2**31}), "duration"),
    ("duration beyond 64 bits", '{"event": "finished", "call_id": "d2", "caller": "+79160001234", "duration": 1'
     + "0" * 30 + "}", "duration"),
    ("duration NaN", '{"event": "finished", "call_id": "d3", "caller": "+79160001234", "duration": NaN}', "duration"),
    # a field the call does not read: refused too, as a NUL there is, as the API says (and as UIS's webhook does)
    ("Infinity in a field not read", '{"event": "incoming", "call_id": "d4", "caller": "+79160001234", '
     '"mos": Infinity}', "mos"),
]


@tagged("post_install", "-at_install", "ecom_crm")
class TestHostileInput(IntakeCase):
    def send(self, url, body, method="POST", key=None):
        """``method`` ``url`` with ``body`` as raw bytes (a lone surrogate kept as JSON escapes it)."""
        return self.opener.request(
            method, self.base_url() + url, data=body.encode("utf-8", "surrogatepass") if body is not None else None,
            timeout=30, headers={"Content-Type": "application/json", "Authorization": f"Bearer {key or self.key}"})

    def assert_json_error(self, response, status, label=""):
        self.assertEqual(response.status_code, status, f"{label}: {response.text[:300]}")
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8", label)
        self.assertIn("error", response.json(), label)

    def test_hostile_payloads_get_their_400(self):
        for path in (URL, URL + "?wait=1"):
            for label, body, field in HOSTILE_REQUESTS:
                with self.subTest(label=label, path=path):
                    response = self.send(path, body)
                    self.assert_json_error(response, 400, label)
                    self.assertTrue(any(name.startswith(field) for name in response.json()["fields"]),
                                    f"{label}: {response.json()['fields']}")
        for label, body, field in HOSTILE_CALLS:
            with self.subTest(label=label):
                response = self.send(CALLS, body)
                self.assert_json_error(response, 400, label)
                self.assertIn(field, response.json()["fields"], label)
        self.assertFalse(self.env["ecom.intake.request"].search([("phone", "=", OK["phone"])]),
                         "nothing of a refused request is journaled")

    def test_a_body_is_read_no_further_than_its_limit(self):
        """A chunked upload has no Content-Length: the body is refused once past 64 KiB, while the
        client is still sending, not after reading it whole into memory; one under the limit is
        read and taken."""
        tilda = self.env["ecom.intake.source"].create({"name": "Tilda", "provider": "tilda", "team_id": self.team.id})
        json_ = {"Content-Type": "application/json", "Authorization": f"Bearer {self.key}",
                 "Transfer-Encoding": "chunked"}
        for path in (URL, URL + "?wait=1"):
            with self.subTest(path=path):
                answer = self.raw(path, json_, OVER_LIMIT_CHUNK)  # before the fix: a timeout, the body never ends
                self.assertRegex(answer.split("\r\n")[0], r"^HTTP/1\.[01] 413 ", answer[:300])
        answer = self.raw(f"/ecom_crm/hook/tilda/{tilda.sudo().hook_token}", json_, OVER_LIMIT_CHUNK)
        self.assertRegex(answer.split("\r\n")[0], r"^HTTP/1\.[01] 200 ", answer[:300])  # Tilda hears «ok»…
        self.assertIn("over 65536 bytes", self.env["ecom.intake.request"].search(  # …and the journal why
            [("source_id", "=", tilda.id)], limit=1).error or "")
        body = json.dumps({"phone": "+79160005555"}).encode()
        response = self.opener.post(self.base_url() + URL + "?wait=1", data=iter([body[:10], body[10:]]), timeout=30,
                                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"})
        self.assertEqual(response.status_code, 201, response.text[:300])

    def test_a_refused_body_is_read_to_its_end_and_answered(self):
        """A site, Tilda or a telephony sends its request's body whole before it reads the answer. One refused
        before its end (over the limit: at once for its Content-Length, once past the limit sent chunked; for a
        bad key, a wrong path or method) has the rest of its body read and dropped once the answer is sent: the client
        reads the answer whole, not a connection reset (a server closing the connection with bytes of the body
        unread resets it, and the client's sending fails)."""
        tilda = self.env["ecom.intake.source"].create({"name": "Tilda", "provider": "tilda", "team_id": self.team.id})
        hook = f"/ecom_crm/hook/tilda/{tilda.sudo().hook_token}"
        json_ = {"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"}
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        body = b'{"phone": "+79160001234", "message": "' + b"a" * (16 << 20) + b'"}'  # past the connection's buffers
        both, chunked, sized = (True, False), (True,), (False,)
        for path, headers, framings, status, said in (
                (URL, json_, both, 413, b'"payload_too_large"'),
                (URL + "?wait=1", json_, both, 413, b'"payload_too_large"'),
                (CALLS, json_, both, 413, b'"payload_too_large"'),
                (URL, {**json_, "Authorization": "Bearer nosuchkey"}, both, 401, b'"unauthorized"'),
                (URL, {**json_, **form}, both, 413, b'"payload_too_large"'),  # bounded before Odoo parses the form
                ("/ecom_crm/api/v1/nothing", json_, both, 404, b'"not_found"'),
                (f"{URL}/1", json_, both, 405, b'"method_not_allowed"'),
                ("/ecom_crm/api/v2/requests", json_, both, 404, b'"http_error"'),  # no route: ir.http's error
                (hook, json_, chunked, 200, b"ok"),  # over the limit once read: Tilda hears «ok», the journal why
                (hook, json_, sized, 413, b'"payload_too_large"'),  # its length over the limit: refused at once
                (hook, form, both, 413, b'"payload_too_large"'),
                ("/ecom_crm/hook/tilda/nosuchtoken", json_, both, 404, b'"not_found"'),
                ("/ecom_crm/sms/status/smsru/nosuchtoken", form, both, 413, b"bad request body")):
            for is_chunked in framings:
                with self.subTest(path=path, status=status, chunked=is_chunked):
                    try:
                        status_line, answer_headers, answer = send_whole(
                            self.base_url(), path, headers, body, is_chunked)
                    except ConnectionError as exc:  # the server closed with bytes of the body unread
                        self.fail(f"the connection was reset instead of answered: {exc!r}")
                    self.assertRegex(status_line, rf"^HTTP/1\.[01] {status} ", answer[:300])
                    self.assertEqual(int(answer_headers["content-length"]), len(answer), "the answer whole")
                    self.assertIn(said, answer)
        self.assertIn("over 65536 bytes", self.env["ecom.intake.request"].search(
            [("source_id", "=", tilda.id)], limit=1).error or "")
        response = self.send(URL + "?wait=1", json.dumps({"phone": "+79160005556"}))
        self.assertEqual(response.status_code, 201, "the next request is taken as ever")

    def test_an_answer_after_the_body_read_whole_reads_nothing_more(self):
        """A request whose body was read whole before its answer (every request taken, or refused for what its body
        says) costs nothing once answered: no timer thread is started for the drain, whose reading stops at the
        body's end at once. A refused one whose body was left unread is drained (its timer: the test's own check)."""
        timers = []
        timer = threading.Timer

        def counted(*args, **kwargs):
            timers.append(timer(*args, **kwargs))
            return timers[-1]
        json_ = {"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"}
        with patch.object(json_http.threading, "Timer", side_effect=counted):
            for path, body, status in ((URL + "?wait=1", b'{"phone": "+79160005557"}', "20[01]"),  # then updated
                                       (URL, b'{"phone": "+79160005558"}', 202),
                                       (URL, b'{"phone": "12"}', 400),
                                       (CALLS, b'{"event": "incoming", "call_id": "drain-1", "caller": "+79160005559"}',
                                        "20[01]")):
                for is_chunked in (True, False):
                    with self.subTest(path=path, chunked=is_chunked):
                        status_line, _headers, answer = send_whole(self.base_url(), path, json_, body, is_chunked)
                        self.assertRegex(status_line, rf"^HTTP/1\.[01] {status} ", answer[:300])
            self.assertEqual(timers, [], "no drain's timer after a body read whole")
            status_line, _headers, answer = send_whole(  # a wrong method: refused before its body is read
                self.base_url(), f"{URL}/1", json_, b'{"phone": "+79160005560"}', chunked=False)
            self.assertRegex(status_line, r"^HTTP/1\.[01] 405 ", answer[:300])
        self.assertEqual(len(timers), 1, "the body a refusal left unread is drained")

    def test_odoo_upload_limit_does_not_bound_the_intake_bodies(self):
        """Odoo's bound of a request's body (web.max_file_upload_size, 128 MiB by default), which werkzeug 3 (Python
        3.12: the odoo:18 image) applies to every body's stream (its HTML «413» over it; werkzeug 2.2 only to the
        forms it parses): the intake API's bodies are bounded by the API's own limit, and answered in its words."""
        self.env["ir.config_parameter"].sudo().set_param("web.max_file_upload_size", "1000")
        json_ = {"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"}
        for index, is_chunked in enumerate((False, True)):
            with self.subTest(chunked=is_chunked):
                body = json.dumps({"phone": f"+7916000757{index}", "message": "а" * 2000}).encode()
                status_line, _headers, answer = send_whole(self.base_url(), URL + "?wait=1", json_, body, is_chunked)
                self.assertRegex(status_line, r"^HTTP/1\.[01] 20[01] ", answer[:300])
                body = json.dumps({"phone": "+79160007579", "message": "а" * 70_000}).encode()
                status_line, _headers, answer = send_whole(self.base_url(), URL, json_, body, is_chunked)
                self.assertRegex(status_line, r"^HTTP/1\.[01] 413 ", answer[:300])
                self.assertIn(b'"payload_too_large"', answer)

    def raw(self, path, headers, body, read_all=False, cut=False):
        return raw_post(self.base_url(), path, headers, body, read_all=read_all, cut=cut)

    def test_a_form_body_is_bounded_before_odoo_parses_it(self):
        """Odoo parses a form-encoded body before the controller: sent chunked, werkzeug read it whole
        (400 MiB took a worker to 1.8 GB); over 10 MB with a length, Odoo answered HTML or a 500."""
        tilda = self.env["ecom.intake.source"].create({"name": "Tilda", "provider": "tilda", "team_id": self.team.id})
        form = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Bearer {self.key}"}
        hook = f"/ecom_crm/hook/tilda/{tilda.sudo().hook_token}"
        for path in (URL, hook):
            with self.subTest(path=path, sent="chunked"):
                answer = self.raw(path, {**form, "Transfer-Encoding": "chunked"}, OVER_LIMIT_CHUNK)
                self.assertRegex(answer.split("\r\n")[0], r"^HTTP/1\.[01] 413 ", answer[:300])
            with self.subTest(path=path, sent="11 MB announced"):  # the headers alone: refused before any byte
                # (the client then sends nothing: the rest of the body the server reads after its answer ends at once)
                answer = self.raw(path, {**form, "Content-Length": str(11 << 20)}, b"", read_all=True, cut=True)
                self.assertRegex(answer.split("\r\n")[0], r"^HTTP/1\.[01] 413 ", answer[:300])
                self.assertIn('"payload_too_large"', answer)
        answer = self.raw(URL, {**form, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                          b"zz\r\n", read_all=True)  # a chunk size that is no number
        self.assertRegex(answer.split("\r\n")[0], r"^HTTP/1\.[01] 400 ", answer[:300])
        self.assertIn('"invalid_body"', answer)
        # a body cut short: 10-odd bytes of the 100 announced, then the client stops sending (was werkzeug's
        # «The browser (or proxy) sent a request that this server could not understand»; a form's too, parsed by
        # werkzeug before the controller). A webhook's JSON: Tilda hears «ok», the journal why (as over the limit)
        for path, content_type, body in ((URL, "application/json", b'{"phone": '),
                                         (URL, form["Content-Type"], b"phone=%2B7916"),
                                         (hook, form["Content-Type"], b"Phone=%2B7916"),
                                         (hook, "application/json", b'{"Phone": ')):
            with self.subTest(path=path, sent="cut short", type=content_type):
                answer = self.raw(path, {**form, "Content-Type": content_type, "Content-Length": "100"}, body,
                                  read_all=True, cut=True)
                if (path, content_type) == (hook, "application/json"):
                    self.assertRegex(answer.split("\r\n")[0], r"^HTTP/1\.[01] 200 ", answer[:300])
                    self.assertIn("could not be read", self.env["ecom.intake.request"].search(
                        [("source_id", "=", tilda.id)], limit=1).error or "")
                    continue
                self.assertRegex(answer.split("\r\n")[0], r"^HTTP/1\.[01] 400 ", answer[:300])
                self.assertIn('"invalid_body"', answer)

    def test_a_quiet_minute_takes_the_lock_when_queued_too(self):
        Journal = self.env["ecom.intake.request"]
        Lock = type(self.env["ecom.decision.lock"])
        with patch.object(Lock, "_take", autospec=True, side_effect=Lock._take) as take:
            clean, _errors = validate_request({"phone": "+79160007001"})
            Journal._enqueue(clean, self.source, self.env.company.id, 3, wake=False)
            self.assertEqual(take.call_args.args[1], [f"rate:{self.source.id}"])
            take.reset_mock()
            clean, _errors = validate_request({"phone": "+79160007002"})
            Journal._enqueue(clean, self.source, self.env.company.id, 3, wake=False)
            self.assertFalse(take.called, "a minute with a request: counted from it, no lock")

    def test_requests_in_flight_count_against_the_rate(self):
        """A request processed while its client waits takes its running number when it passes the
        rate check: requests checked at the same time, none journaled yet, count each other; the
        first ones of a quiet minute pass one at a time (the source's decision lock)."""
        Journal = self.env["ecom.intake.request"]
        Lock = type(self.env["ecom.decision.lock"])
        with patch.object(Lock, "_take", autospec=True, side_effect=Lock._take) as take:
            first = Journal._rate_reserve(self.source.id, 3)
            self.assertEqual(take.call_args.args[1], [f"rate:{self.source.id}"], "a quiet minute: one at a time")
            Journal._journal({"phone": "+79160006661"}, self.source, rate_seq=first)
            take.reset_mock()
            self.assertTrue(Journal._rate_reserve(self.source.id, 3))
            self.assertTrue(Journal._rate_reserve(self.source.id, 3))
            self.assertFalse(take.called, "counted from the minute's first request: no lock")
        self.assertIsNone(Journal._rate_reserve(self.source.id, 3), "one journaled and two in flight: over 3")
        self.source.rate_limit = 3
        response = self.send(URL + "?wait=1", json.dumps({"phone": "+79160006666"}))
        self.assertEqual((response.status_code, response.json()["error"]), (429, "rate_limited"))

    def test_a_key_with_a_nul_character_is_no_key(self):
        """A NUL character in the API key (header ``Authorization`` or ``X-Api-Key``) names no source: a 401,
        not the 500 of PostgreSQL refusing it in the key's lookup."""
        body = json.dumps(OK).encode()
        for path in (URL, URL + "?wait=1", CALLS):
            for header in ("Authorization", "X-Api-Key"):
                key = self.key.replace("_", "_\x00", 1)
                value = f"Bearer {key}" if header == "Authorization" else key
                with self.subTest(path=path, header=header):
                    answer = raw_post(self.base_url(), path, {
                        "Content-Type": "application/json", "Content-Length": len(body), header: value,
                        "Connection": "close"}, body, read_all=True)
                    self.assertIn(" 401 ", answer.split("\r\n", 1)[0], answer[:300])
                    self.assertIn('"error": "unauthorized"', answer)

    def test_a_channel_is_found_by_its_very_name(self):
        """A source, medium or campaign a request names is the one of that very name, whatever its case: «%»,
        «_» and «\\» are characters of it, not a pattern. «Face_ook» took the medium Facebook, «%» whatever source came
        first, and a name ending in «\\» made PostgreSQL refuse the lookup (a 500)."""
        campaign = self.env["utm.campaign"].create({"title": "Весна 2026"})
        cases = [({"utm_source": "%", "utm_medium": "Face_ook", "utm_campaign": "весна%"}, ("%", "Face_ook", "весна%")),
                 ({"utm_source": "site\\", "utm_medium": "\\", "utm_campaign": "promo\\"},
                  ("site\\", "\\", "promo\\")),
                 ({"utm_source": "Yandex", "utm_medium": "CPC", "utm_campaign": "ВЕСНА 2026"},
                  (self.env.ref("ecom_crm.utm_source_yandex_direct").name, self.env.ref("ecom_crm.utm_medium_cpc").name,
                   campaign.name))]
        for index, (names, expected) in enumerate(cases):
            with self.subTest(names=names):
                response = self.post({"phone": f"+7916000810{index}", **names})
                self.assertEqual(response.status_code, 201, response.text[:300])
                lead = self.env["crm.lead"].browse(response.json()["lead_id"])
                self.assertEqual((lead.source_id.name, lead.medium_id.name, lead.campaign_id.name), expected)

    def test_a_channel_named_again_is_found_in_one_query(self):
        """A source, medium or campaign that exists is found with its name in one query, whatever its case and
        the spaces around it, no lock taken: the very spelling before another case's, else the first made of
        those differing only by case. «ё» is not «е»: another name, made."""
        Processor = self.env["ecom.intake.processor"]
        upper, lower = self.env["utm.source"].create([{"name": "ПАРТНЁР Ёлка"}, {"name": "партнёр ёлка"}])
        for name, expected in ((" партнёр ёлка ", lower), ("ПАРТНЁР Ёлка", upper), ("Партнёр Ёлка", upper)):
            self.env.invalidate_all()
            with self.subTest(name=name), self.assertQueryCount(1):
                self.assertEqual(Processor._utm_record("utm.source", name), expected)
        other = Processor._utm_record("utm.source", "Партнер Елка")
        self.assertEqual((other.name, bool(other & (upper | lower))), ("Партнер Елка", False))

    def test_a_request_the_call_could_not_process_is_queued_not_lost(self):
        """``?wait=1`` whose processing fails unexpectedly (no conflict to retry, nothing its checks refused): the
        request is journaled and queued, answered 202 pending as a queued one is (its key replays it), and the
        queue takes it; failing there too, it is failed with its reason for a person to see, and the API says
        so. It was a 500, the request rolled back with its journal entry: lost."""
        Processor = type(self.env["ecom.intake.processor"])
        Journal = self.env["ecom.intake.request"]
        broken = patch.object(Processor, "_process_entries", autospec=True, side_effect=RuntimeError("catalog broken"))
        with broken:
            response = self.post({"phone": "+79160008201", "name": "Ольга", "idempotency_key": "wait-fails-1"})
            self.assertEqual(response.status_code, 202, response.text[:300])
            self.assertEqual((response.json()["status"], response.json()["replayed"]), ("pending", False))
            entry = Journal.browse(response.json()["request_id"])
            self.assertEqual((entry.state, entry.phone, entry.idempotency_key),
                             ("pending", "+79160008201", "wait-fails-1"))
            replay = self.post({"phone": "+79160008201", "idempotency_key": "wait-fails-1"})
            self.assertEqual((replay.status_code, replay.json()["request_id"]), (202, entry.id))
        self.process_queue()
        self.env.invalidate_all()
        self.assertEqual((entry.state, entry.lead_id.phone), ("done", "+79160008201"))
        with broken:
            response = self.post({"phone": "+79160008202"})
            self.assertEqual(response.status_code, 202, response.text[:300])
            self.process_queue()
        self.env.invalidate_all()
        entry = Journal.browse(response.json()["request_id"])
        self.assertEqual(entry.state, "failed")
        self.assertIn("catalog broken", entry.error)
        answer = self.url_open(f"{URL}/{entry.id}", headers={"Authorization": f"Bearer {self.key}"}).json()
        self.assertEqual((answer["status"], answer["error"]), ("failed", entry.error))

    def test_a_call_event_that_fails_is_journaled(self):
        """A call event whose processing fails unexpectedly (no conflict to retry): still the JSON 500 that tells
        the telephony to send it again, and the event journaled as failed with its reason, for a person to see.
        It was not journaled at all: rolled back with the processing."""
        Call = type(self.env["ecom.call"])
        event = {"event": "incoming", "call_id": "fails-1", "caller": "+79160008301"}
        with patch.object(Call, "_ecom_process_event", autospec=True, side_effect=RuntimeError("pbx broken")):
            response = self.send(CALLS, json.dumps(event))
        self.assert_json_error(response, 500)
        entry = self.env["ecom.intake.request"].browse(response.json()["request_id"])
        self.assertEqual((entry.state, entry.channel, entry.phone), ("failed", "call", "+79160008301"))
        self.assertIn("pbx broken", entry.error)
        self.assertEqual(entry.sudo().payload, event)
        self.assertFalse(self.env["ecom.call"].search([("call_id", "=", "fails-1")]))

    def test_markup_and_sql_in_a_request_are_text(self):
        """HTML, script and SQL in a request's name, message, city and lines, and in a call's caller name, are kept
        as the text they are and shown escaped: the lead's description and every chatter note hold no tag of
        theirs, the customer is named as typed, and the SQL ran nowhere."""
        hostile = {"name": "<script>alert(1)</script>'; DROP TABLE res_partner; --",
                   "message": "<img src=x onerror=alert(1)>\nвторая строка", "city": '"><svg onload=alert(1)>',
                   "lines": [{"name": "<b>Пылесос</b>", "qty": 1, "price": 10}]}
        partners = self.env["res.partner"].search_count([])
        response = self.post({"phone": "+79160008401", **hostile})
        self.assertEqual(response.status_code, 201, response.text[:300])
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual(lead.partner_id.name, hostile["name"])
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 1)
        call = self.send(CALLS, json.dumps({"event": "incoming", "call_id": "markup-1", "caller": "+79160008402",
                                            "caller_name": "<script>alert(2)</script>"}))
        self.assertEqual(call.status_code, 200, call.text[:300])
        call_lead = self.env["crm.lead"].browse(call.json()["lead_id"])
        self.assertEqual(call_lead.partner_id.name, "<script>alert(2)</script>")
        for record in (lead, call_lead):
            shown = [str(record.description or "")] + [str(body) for body in record.message_ids.mapped("body")]
            for tag in ("<script", "<img", "<svg", "<b>"):
                self.assertFalse([body for body in shown if tag in body], f"{tag} shown as markup")
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", str(lead.description))
        shown = " ".join([str(lead.description)] + [str(body) for body in lead.message_ids.mapped("body")])
        self.assertIn("&lt;b&gt;Пылесос&lt;/b&gt;", shown, "the line, as text")

    def test_nul_in_a_webhook_url_is_no_token(self):
        response = self.opener.post(self.base_url() + "/ecom_crm/hook/tilda/ab%00cd", data={"test": "test"}, timeout=30)
        self.assert_json_error(response, 404)

    def test_a_payload_refused_for_nul_is_journaled(self):
        entry = self.env["ecom.intake.request"]._journal_failed(
            self.source, "tilda: name: contains a NUL character", {"Name": "Ив\x00ан", "Phone": "+7916"},
            data={"name": "Ив\x00ан"})
        self.assertEqual(entry.state, "failed")
        self.assertEqual(entry.data["name"], "Ив\ufffdан")

    def test_deep_nesting_is_refused(self):
        deep = "[" * 30000 + "]" * 30000
        for path in (URL, URL + "?wait=1", CALLS):
            with self.subTest(path=path):
                self.assert_json_error(self.send(path, deep), 400)
                self.assert_json_error(self.send(path, '{"phone": "1", "lines": ' + deep + "}"), 400)

    def test_wrong_methods_and_unknown_paths_answer_json(self):
        for method in ("GET", "PUT", "DELETE", "PATCH"):
            with self.subTest(method=method):
                response = self.send(URL, "{}" if method != "GET" else None, method=method)
                self.assert_json_error(response, 405, method)
                self.assertEqual(response.headers["Allow"], "POST")
        self.assert_json_error(self.send(CALLS, None, method="GET"), 405)
        entry = self.env["ecom.intake.request"]._journal({"phone": "+79160007777"}, self.source)
        self.assert_json_error(self.send(f"{URL}/{entry.id}", "{}", method="POST"), 405)
        self.assertEqual(self.send(f"{URL}/{entry.id}", None, method="GET").status_code, 200)
        for path in (f"{URL}/abc", f"{URL}/2147483648", f"{URL}/99999999999999999999", f"{URL}/0",
                     "/ecom_crm/api/v1/nothing", "/ecom_crm/api/v1", f"{URL}/1/more",
                     # outside the version's routes (was Odoo's HTML page): the version left out or another one,
                     # the webhooks' root
                     "/ecom_crm/api", "/ecom_crm/api/requests", "/ecom_crm/api/v2/requests", "/ecom_crm/hook"):
            with self.subTest(path=path):
                self.assert_json_error(self.send(path, None, method="GET"), 404, path)

    def test_a_request_whose_lead_was_deleted_answers_null(self):
        """The status of a request whose lead was deleted since says null (an integer or null, as the
        OpenAPI says), not false."""
        answer = self.post({"phone": "+7 916 000-77-88", "name": "Тест Удалённый"}).json()
        self.env["crm.lead"].browse(answer["lead_id"]).unlink()
        status = self.send(f"{URL}/{answer['request_id']}", None, method="GET").json()
        self.assertEqual((status["status"], status["lead_id"]), ("done", None))
        self.assertIsInstance(status["partner_id"], int)

    def test_delivery_date_honours_its_offset(self):
        self.env.company.partner_id.tz = "Europe/Moscow"
        answer = self.post({"phone": "+79160003001", "delivery_date": "2025-06-01T10:00:00+03:00"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual(lead.ecom_delivery_date, datetime(2025, 6, 1, 7, 0))
        queued = self.post({"phone": "+79160003002", "delivery_date": "2025-06-01T10:00:00+05:00"}, wait=False)
        self.assertEqual(queued.status_code, 202)
        self.process_queue()
        entry = self.env["ecom.intake.request"].browse(queued.json()["request_id"])
        self.assertEqual(entry.lead_id.ecom_delivery_date, datetime(2025, 6, 1, 5, 0))
        # without an offset: the store's time (Moscow, UTC+3)
        answer = self.post({"phone": "+79160003003", "delivery_date": "2025-06-01T10:00:00"}).json()
        self.assertEqual(self.env["crm.lead"].browse(answer["lead_id"]).ecom_delivery_date, datetime(2025, 6, 1, 7, 0))

    def test_product_name_wildcards_match_nothing(self):
        self.env["product.product"].create({"name": "Чайник Xiaomi"})
        for wildcard in ("%", "_%", "Чайник%", "%Xiaomi"):
            with self.subTest(product=wildcard):
                answer = self.post({"phone": "+79160004000", "product": wildcard}).json()
                self.assertFalse(self.env["crm.lead"].browse(answer["lead_id"]).ecom_product_id, wildcard)
        answer = self.post({"phone": "+79160004001", "product": "чайник xiaomi"}).json()
        self.assertEqual(self.env["crm.lead"].browse(answer["lead_id"]).ecom_product_id.name, "Чайник Xiaomi")

    def test_largest_accepted_values_are_processed(self):
        """The bounds are storable: a request at the limits becomes a lead, queued or not."""
        payload = {"phone": "+79160005000", "amount": MAX_AMOUNT, "name": "Я" * 256, "message": "ж" * 10_000,
                   "lines": [{"sku": "X", "name": "n" * 100, "qty": 1_000_000, "price": 1_000_000} for _ in range(100)]}
        self.assertEqual(self.post(payload).status_code, 201)
        queued = self.post({**payload, "phone": "+79160005001"}, wait=False).json()
        self.process_queue()
        self.assertEqual(self.env["ecom.intake.request"].browse(queued["request_id"]).state, "done")


@tagged("post_install", "-at_install", "ecom_crm")
class TestValidationBounds(BaseCase):
    """Plain Python, no database."""

    def test_unstorable_values(self):
        self.assertIsNone(unstorable({"a": ["b", {"c": 1.5, "d": None}]}))
        self.assertEqual(unstorable({"a": ["ok", "x\x00"]}), ("a[1]", "contains a NUL character"))
        self.assertEqual(unstorable({"a": "\ud800"})[0], "a")
        for number in (float("nan"), float("inf"), float("-inf")):  # jsonb stores none of them
            self.assertEqual(unstorable({"a": [{"b": number}]}),
                             ("a[0].b", "is not a finite number (NaN, Infinity, 1e999)"))
        self.assertIsNone(unstorable({"a": 10**400, "b": 1e308}), "a big integer and a big float are stored")
        nested = current = []
        for _depth in range(40):
            current.append([])
            current = current[0]
        self.assertEqual(unstorable({"a": nested})[1], "nested too deeply")

    def test_storable_copy(self):
        self.assertEqual(storable({"a\x00": ["x\x00y", "ok", 1, None]}), {"a\ufffd": ["x\ufffdy", "ok", 1, None]})
        self.assertIsNone(unstorable(storable({"name": "a\ud800b"})))
        # one U+FFFD for each character PostgreSQL refuses, whatever it is; the rest of the text as it came
        self.assertEqual(storable({"k\udc80": ["a\ud800b\x00c\udfff", "ж\U0001f600"]}),
                         {"k\ufffd": ["a\ufffdb\ufffdc\ufffd", "ж\U0001f600"]})
        clean = {"name": "Ольга", "lines": [{"qty": 1}], "n": None}
        self.assertEqual(storable(clean), clean)

    def test_phones_and_emails(self):
        self.assertEqual(validate_request({"phone": 7.916e10}), ({"phone": "79160000000"}, {}))
        self.assertEqual(validate_request({"phone": 79161234567})[0]["phone"], "79161234567")
        self.assertIn("phone", validate_request({"phone": 10**400})[1])
        self.assertEqual(validate_request({"email": "Иван <ivan@mail.ru>"})[1], {})
        self.assertIn("email", validate_request({"email": "a@@b.ru"})[1])
        self.assertEqual(validate_request({"phone": "12-34-5"})[1], {}, "a town's five-digit number")

    def test_dates_and_numbers(self):
        clean, errors = validate_request({**OK, "delivery_date": "2025-06-01T10:00:00+03:00", "amount": "1 990,50"})
        self.assertFalse(errors)
        self.assertEqual(clean["delivery_date"], datetime(2025, 6, 1, 7, 0))
        self.assertEqual(clean["amount"], 1990.5)
        self.assertEqual(validate_request({**OK, "delivery_date": "2025-06-01"}, tz="Asia/Yekaterinburg")[0]
                         ["delivery_date"], datetime(2025, 5, 31, 19, 0))
        self.assertIn("duration", validate_call({"event": "finished", "call_id": "1", "caller": "+79160001234",
                                                 "duration": 10**19})[1])


@tagged("post_install", "-at_install", "ecom_crm")
class TestConcurrencyExhausted(IntakeCase):
    def test_a_conflict_that_outlasts_odoos_retries_is_a_json_503(self):
        from unittest.mock import patch

        from odoo.service import model as service_model

        def conflict(processor, entries):  # a real one, with its SQLSTATE, as PostgreSQL raises it
            processor.env.cr.execute("DO $$ BEGIN RAISE EXCEPTION 'concurrent update' "
                                     "USING ERRCODE = 'serialization_failure'; END $$", log_exceptions=False)

        with patch.object(type(self.env["ecom.intake.processor"]), "_process_entries", conflict), \
                patch.object(service_model, "MAX_TRIES_ON_CONCURRENCY_FAILURE", 1):
            response = self.post({"phone": "+79160006001"})
        self.assertEqual(response.status_code, 503, response.text[:200])
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(response.json()["error"], "busy")


@tagged("post_install", "-at_install", "ecom_crm")
class TestKeyQueuedByAnotherTransaction(IntakeCase):
    """Two transactions, as two workers have them: the test's (the ``?wait=1`` request's, begun first) and another
    connection's, which queues the same idempotency key without ``?wait=1`` and commits. The source and a request
    of the minute are committed before the test's transaction begins (both see them), and removed after."""

    @classmethod
    def setUpClass(cls):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            source = env["ecom.intake.source"].create({
                "name": "Сайт (другое соединение)", "kind": "website", "rate_limit": 1000,
                "team_id": env.ref("sales_team.team_sales_department").id})
            cls.committed_source_id, cls.committed_key = source.id, source._generate_key()
            # a request of the minute, seen by both: the source's rate is counted from it and takes no lock (in a
            # quiet minute, the rate's lock serialises the two, and Odoo's retry of the later one replays the key)
            clean, _errors = validate_request({"phone": "+79160008300"})
            env["ecom.intake.request"]._enqueue(clean, source, env.company.id, 1000, wake=False)
        cls.addClassCleanup(cls._remove_committed, registry)
        super().setUpClass()

    @classmethod
    def _remove_committed(cls, registry):
        with registry.cursor() as cr:
            cr.execute("DELETE FROM ecom_intake_request WHERE source_id = %s", [cls.committed_source_id])
            api.Environment(cr, SUPERUSER_ID, {})["ecom.intake.source"].browse(cls.committed_source_id).unlink()

    def test_a_key_queued_by_a_concurrent_request_is_a_conflict_not_a_500(self):
        """The same idempotency key sent with and without ``?wait=1`` at the same instant: the request queued takes
        no decision lock and commits after the other began; the one processing within its call cannot see its
        entry (its snapshot is older) and the database refuses its key. It answered 500 «ValidationError»; it is
        the API's 409 «conflict: retry», nothing of it kept, one entry for the key."""
        payload = {"phone": "+79160008301", "name": "Ольга", "idempotency_key": "queued-and-waited"}
        self.env.cr.execute("SELECT 1")  # the test's transaction has its snapshot (it has long had it: setUpClass)
        # the request without ?wait=1, on another worker's connection (the registry's cursors are the test's own)
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            clean, errors = validate_request(payload)
            self.assertFalse(errors)
            source = env["ecom.intake.source"].browse(self.committed_source_id)
            queued = env["ecom.intake.request"]._enqueue(dict(clean, _raw=payload), source, env.company.id, 1000,
                                                         wake=False)
            self.assertTrue(queued.request_id)
            cr.commit()
        response = self.post(payload, key=self.committed_key)
        self.assertEqual((response.status_code, response.json().get("error")), (409, "conflict"), response.text[:300])
        self.assertFalse(self.env["crm.lead"].search([("phone", "=", "+79160008301")]), "nothing processed")
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:  # a retry's new transaction: the queued
            cr.execute("SELECT id FROM ecom_intake_request WHERE source_id = %s AND idempotency_key = %s",
                       [self.committed_source_id, "queued-and-waited"])
            self.assertEqual(cr.fetchall(), [(queued.request_id,)])
