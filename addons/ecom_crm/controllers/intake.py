"""Intake API: one authenticated JSON endpoint for every site, plugin, form, marketplace and
telephony that sends requests, with well-formed errors (see docs/intake-openapi.yaml)."""

import functools
import json
import logging

from psycopg2 import OperationalError
from psycopg2.errors import UniqueViolation

from odoo import SUPERUSER_ID, api, http
from odoo.http import request
from odoo.modules.registry import Registry

from ..tools.intake import validate_call, validate_request
from ..tools.json_http import API, MAX_BODY, BrokenBody, error, json_response, rate_limited, read_body

_logger = logging.getLogger(__name__)
MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id names nothing


def process_after_answer(dbname):
    """Called by the WSGI server once the answer has been sent: this worker turns queued requests
    into leads (one worker at a time, see ``ecom.intake.request._process_queue``): finding the queue
    taken, it leaves at once, the holder looking once more after it lets the queue go. Tests drive
    the queue themselves: their server shares the test's cursor."""
    registry = Registry(dbname)
    if registry.in_test_mode():
        return
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env = env(user=env["ecom.intake.request"]._api_user_id())
            env["ecom.intake.request"]._process_after_answer()
    except Exception:  # the answer is gone; the cron will take the queue
        _logger.exception("processing the intake queue after an answer failed")


def method_not_allowed(*allowed):
    """405 for a method the resource does not take (Odoo would answer an HTML page)."""
    return error(405, "method_not_allowed", f"use {' or '.join(allowed)}", headers=[("Allow", ", ".join(allowed))])


class IntakeController(http.Controller):
    def _authenticate(self):
        """``(env, source)`` of the API key in the request, or ``(None, error response)``; the
        source's ``SourceAuth`` (company, rate) is in ``request.ecom_source_auth``."""
        header = request.httprequest.headers.get("Authorization", "")
        key = header[7:].strip() if header.lower().startswith("bearer ") else \
            request.httprequest.headers.get("X-Api-Key", "").strip()
        # the API's technical user: the rights the intake needs, nothing more (see security/)
        env = request.env(user=request.env["ecom.intake.request"].sudo()._api_user_id(), su=False)
        source, auth = env["ecom.intake.source"]._authenticate(key) if key else (None, None)
        if not source:
            return None, error(401, "unauthorized", "a valid API key is required (Authorization: Bearer <key>)")
        request.ecom_source_auth = auth
        env = env(context=dict(env.context, allowed_company_ids=[auth.company_id], tracking_disable=False))
        return env, source.with_env(env)

    def _read_json(self):
        try:
            body = read_body(MAX_BODY)
        except BrokenBody:
            return None, error(400, "invalid_body",
                               "the body could not be read (cut short, or its chunked encoding broken)")
        if body is None:
            return None, error(413, "payload_too_large", f"the body is limited to {MAX_BODY} bytes")
        try:
            # a UTF-8 byte order mark is UTF-8 still (.NET's UTF8 writer puts one): skipped, as RFC 8259 allows
            return json.loads(body.decode("utf-8-sig")), None
        except (UnicodeDecodeError, ValueError):
            return None, error(400, "invalid_json", "the body is not UTF-8 JSON")
        except RecursionError:
            return None, error(400, "invalid_json", "the body nests too deeply")

    def _accept(self, validate):
        """``(env, source, data, clean)`` of an authenticated, well-formed POST, or
        ``(None, error response, None, None)``: 413, 401, 400 in that order."""
        data, failure = self._read_json()
        env, source = self._authenticate()
        if env is None:
            return None, source, None, None
        if failure:
            return None, failure, None, None
        clean, errors = validate(data, tz=source._company_tz(request.ecom_source_auth.company_id))
        if errors:
            return None, error(400, "invalid_request", "some fields are invalid", fields=errors), None, None
        return env, source, data, clean

    def _rate_limited(self, env, source):
        """429 when the source's journal already holds ``rate_limit`` requests of the last minute."""
        limit = request.ecom_source_auth.rate_limit
        if env["ecom.intake.request"]._rate_exceeded(source.id, limit):
            return self._too_many(limit)
        return None

    def _too_many(self, limit):
        return rate_limited(f"at most {limit} requests per minute")

    # Routes take every method and answer the wrong ones themselves: a JSON 405 with Allow, not
    # the HTML page Odoo's router gives; unknown paths under the API get a JSON 404.
    @http.route(f"{API}/requests", type="http", auth="none", methods=None, csrf=False,
                save_session=False, readonly=False)
    def post_request(self, **_kwargs):
        if request.httprequest.method != "POST":
            return method_not_allowed("POST")
        env, source, data, clean = self._accept(validate_request)
        if env is None:
            return source  # the error response
        Journal = env["ecom.intake.request"]
        key = clean.get("idempotency_key")
        clean["_raw"] = data
        remote_addr = request.httprequest.remote_addr
        auth = request.ecom_source_auth
        if request.httprequest.args.get("wait", "").lower() not in ("1", "true", "yes"):
            # journaled now (a known key answered, the rate checked, in one statement), turned into a
            # lead in arrival order after the answer has left (below) or by the cron
            after_answer = Journal._process_after_answer_enabled()
            queued = Journal._enqueue(clean, source, auth.company_id, auth.rate_limit, remote_addr,
                                      wake=not after_answer)
            if queued.limited:
                return self._too_many(auth.rate_limit)
            if not queued.request_id:
                if not queued.replay_id:  # not expected: the database makes a concurrent duplicate retry
                    return error(409, "conflict", "this idempotency key is being used by a concurrent request: retry")
                return self._replay(Journal.browse(queued.replay_id))
            response = json_response(202, {"request_id": queued.request_id, "status": "pending", "replayed": False})
            if after_answer:
                response.call_on_close(functools.partial(process_after_answer, env.cr.dbname))
            return response
        if key:  # the same key sent at the same instant: one request creates, the others replay it
            env["res.partner"]._ecom_lock_customer_keys([f"key:{source.id}:{key}"])
        previous = key and Journal._find_key(source, key)
        if previous:
            return self._replay(previous)
        rate_seq = Journal._rate_reserve(source.id, auth.rate_limit)
        if rate_seq is None:
            return self._too_many(auth.rate_limit)
        try:  # the client wants the lead now: process in this request
            with env.cr.savepoint():
                entry = Journal._journal(clean, source, "api", remote_addr, rate_seq=rate_seq)
                env["ecom.intake.processor"]._process_one(clean, source=source, channel="api", entry=entry)
        except OperationalError:
            raise  # a concurrency error: Odoo retries the whole request
        except Exception as exc:
            # a concurrent duplicate idempotency key: answer with the first one
            previous = key and Journal._find_key(source, key)
            if previous:
                return self._replay(previous)
            if isinstance(exc, UniqueViolation) and \
                    exc.diag.constraint_name == "ecom_intake_request_idempotency_unique":
                # the key queued by a request without ?wait=1 (which takes no decision lock) that committed after
                # this one began: this transaction cannot see it, nor journal the key again (that was a 500)
                return error(409, "conflict", "this idempotency key is being used by a concurrent request: retry")
            # not processed now, not lost: journaled and queued, answered as a queued request is; the queue
            # takes it (failing there too, it is failed with its reason, for a person to see)
            _logger.exception("intake within the call failed: request queued")
            entry = Journal._journal(clean, source, "api", remote_addr, rate_seq=rate_seq)
            Journal._wake_processor()
            response = json_response(202, {"request_id": entry.id, "status": "pending", "replayed": False})
            if Journal._process_after_answer_enabled():  # as a queued request: where no cron runs too
                response.call_on_close(functools.partial(process_after_answer, env.cr.dbname))
            return response
        return json_response(201 if entry.result == "created" else 200, self._answer(entry))

    def _replay(self, entry):
        return json_response(200 if entry.state == "done" else 202, self._answer(entry, replay=True))

    @http.route(f"{API}/requests/<int:request_id>", type="http", auth="none", methods=None,
                csrf=False, save_session=False)
    def get_request(self, request_id, **_kwargs):
        if request.httprequest.method not in ("GET", "HEAD"):
            return method_not_allowed("GET")
        env, source = self._authenticate()
        if env is None:
            return source
        entry = env["ecom.intake.request"].search([("id", "=", request_id), ("source_id", "=", source.id)]) \
            if 0 < request_id <= MAX_ID else env["ecom.intake.request"]
        if not entry:
            return error(404, "not_found", "no such request for this API key")
        return json_response(200, self._answer(entry))

    def _answer(self, entry, replay=False):
        answer = {"request_id": entry.id, "status": entry.state, "replayed": replay}
        if entry.state == "done":
            # null, not false, once the request or the customer was deleted (or merged away)
            answer.update({"lead_id": entry.lead_id.id or None, "partner_id": entry.partner_id.id or None,
                           "result": entry.result,
                           "repeat_customer": entry.repeat_customer, "new_customer": entry.new_customer})
        elif entry.state == "failed":
            answer["error"] = entry.error
        return answer

    @http.route(f"{API}/calls", type="http", auth="none", methods=None, csrf=False,
                save_session=False, readonly=False)
    def post_call(self, **_kwargs):
        if request.httprequest.method != "POST":
            return method_not_allowed("POST")
        env, source, data, clean = self._accept(validate_call)
        if env is None:
            return source  # the error response
        limited = self._rate_limited(env, source)
        if limited:
            return limited
        try:
            with env.cr.savepoint():
                call = env["ecom.call"]._ecom_process_event(clean, source)
        except OperationalError:
            raise  # a concurrency error: Odoo retries the whole request
        except Exception as exc:
            _logger.exception("call event failed")
            # not lost: journaled as failed with its reason; the 500 tells the telephony to send it again
            entry = env["ecom.intake.request"]._journal_failed(
                source, f"{exc.__class__.__name__}: {exc}", data, channel="call",
                remote_addr=request.httprequest.remote_addr, data={"phone": clean.get("caller")})
            return error(500, "internal_error", str(exc.__class__.__name__), request_id=entry.id)
        # null, not false, for an outgoing call outside any request (or to a number nobody has)
        return json_response(200, {"call": call.id, "state": call.state, "lead_id": call.lead_id.id or None,
                                   "partner_id": call.partner_id.id or None})

    @http.route([API, f"{API}/<path:_unknown>"], type="http", auth="none", methods=None, csrf=False,
                save_session=False)
    def unknown(self, **_kwargs):
        return error(404, "not_found", f"no such resource: the API has {API}/requests, {API}/requests/<id> and "
                                       f"{API}/calls")
