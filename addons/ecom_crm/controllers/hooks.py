"""Incoming adapters: each provider's webhook at its source's own URL,
``/ecom_crm/hook/<provider>/<webhook token>``, checked as the provider signs it, mapped by
tools/adapters.py onto the intake API's request or the call webhook's event, and taken exactly as
those take theirs: one journal, the idempotency key (the provider's event id), the rate, the queue.

Each provider gets the answer it expects: the text «ok» (Tilda, VK), VK's confirmation string,
Zadarma's echo, JSON (forms, Yandex), a redirect (HTML forms). What cannot be mapped is journaled
as failed with its reason and, where the provider would otherwise retry forever, still answered
«ok»; a bad key or signature is refused (401/403) and journaled."""

import functools
import logging
from collections import namedtuple
from urllib.parse import urlencode

from psycopg2 import OperationalError

from odoo import http
from odoo.http import request

from ..tools import adapters
from ..tools.intake import MAX_TEXT, storable, validate_call, validate_request
from ..tools.json_http import MAX_BODY, RATE_HEADERS, BrokenBody, error, json_response, rate_limited, read_body
from .intake import method_not_allowed, process_after_answer

_logger = logging.getLogger(__name__)
HOOK = "/ecom_crm/hook"
# what became of a provider's request: queued (a new journal entry), replayed (its event id was
# known), failed (journaled as failed: ``reason``), limited (over the source's rate), done (a call
# event applied), ignored (an event that needs nothing)
Outcome = namedtuple("Outcome", "status request_id reason", defaults=(None, None))
Hook = namedtuple("Hook", "env source auth provider subpath remote_addr")


def text_response(body, status=200):
    """A provider's plain-text answer; a 429 says when to send again (Retry-After), as the API's does."""
    return request.make_response(body, status=status, headers=[
        ("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store"),
        *(RATE_HEADERS if status == 429 else [])])


class IntakeHookController(http.Controller):
    @http.route([f"{HOOK}/<string:provider>/<string:token>", f"{HOOK}/<string:provider>/<string:token>/<path:subpath>"],
                type="http", auth="none", methods=None, csrf=False, save_session=False, readonly=False)
    def hook(self, provider, token, subpath="", **_kwargs):
        env = request.env(user=request.env["ecom.intake.request"].sudo()._api_user_id(), su=False)
        source, auth = env["ecom.intake.source"]._hook_authenticate(provider, token) \
            if provider in adapters.PROVIDERS else (None, None)
        if not source:
            return error(404, "not_found", "no such webhook: check the URL in the API source")
        method = request.httprequest.method
        if provider == "zadarma" and method == "GET" and "zd_echo" in request.httprequest.args:
            return text_response(request.httprequest.args["zd_echo"][:256])  # Zadarma checks the URL so
        if method != "POST":
            return method_not_allowed("POST")
        length = request.httprequest.content_length
        if getattr(request, "ecom_body_over", False) or (length is not None and length > MAX_BODY):
            return error(413, "payload_too_large", f"the body is limited to {MAX_BODY} bytes")
        if getattr(request, "ecom_body_broken", False):  # a form whose chunked encoding is broken
            return error(400, "invalid_body", "the body could not be read (cut short, or its chunked encoding broken)")
        env = env(context=dict(env.context, allowed_company_ids=[auth.company_id], tracking_disable=False))
        hook = Hook(env, source.with_env(env), auth, provider, subpath, request.httprequest.remote_addr)
        try:
            return getattr(self, f"_hook_{provider}")(hook)
        except OperationalError:
            raise  # a concurrency error: Odoo retries the whole request
        except Exception as exc:  # never an HTML page for a provider
            _logger.exception("%s webhook failed", provider)
            return error(500, "internal_error", exc.__class__.__name__)

    # --- reading ------------------------------------------------------------------------------------
    def _form(self):
        """The posted form's fields (werkzeug's MultiDict; files are not read)."""
        return request.httprequest.form

    def _json(self):
        """``(payload, error reason)`` of a JSON body."""
        try:
            body = read_body(MAX_BODY)
        except BrokenBody:
            return None, "the body could not be read (cut short, or its chunked encoding broken)"
        if body is None:
            return None, f"the body is over {MAX_BODY} bytes"
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None, "the body is not UTF-8 JSON"
        return self._loads(text, "the body")

    @staticmethod
    def _loads(text, what):
        """``(value, error reason)`` of the JSON ``text`` (the body, or Mango's field)."""
        try:
            return adapters.loads(text), None
        except adapters.OutOfRange:
            return None, f"a number of {what} is out of range (NaN, Infinity, 1e999)"
        except (adapters.TooDeep, RecursionError):
            return None, f"{what} nests too deeply (at most {adapters.MAX_DEPTH} levels)"
        except ValueError:
            return None, f"{what} is not UTF-8 JSON" if what == "the body" else f"{what} is not JSON"

    def _is_json(self):
        return request.httprequest.mimetype == "application/json"

    @staticmethod
    def _raw_form(form):
        """The form as the journal keeps it: each field's value, repeated fields as lists."""
        return {name: values[0] if len(values) == 1 else values for name, values in form.lists()}

    def _given_key(self, payload=None, field="ecom_key"):
        headers = request.httprequest.headers
        bearer = headers.get("Authorization", "")
        return (headers.get("X-Api-Key") or (bearer[7:].strip() if bearer.lower().startswith("bearer ") else "")
                or (payload or {}).get(field) or "")

    # --- taking a request or an event ------------------------------------------------------------------
    def _failed(self, hook, reason, raw, data=None, channel="api"):
        """Journal what could not be taken (unless the source is over its rate: then only logged)."""
        Journal = hook.env["ecom.intake.request"]
        if Journal._rate_exceeded(hook.source.id, hook.auth.rate_limit):
            _logger.warning("%s webhook of source %s over its rate, not journaled: %s", hook.provider,
                            hook.source.id, reason)
            return Outcome("limited", None, reason)
        with hook.env.cr.savepoint():
            entry = Journal._journal_failed(hook.source, f"{hook.provider}: {reason}", raw,
                                            channel=channel, remote_addr=hook.remote_addr, data=data)
        return Outcome("failed", entry.id, reason)

    def _take_request(self, hook, mapped, raw):
        """A mapped request into the intake's queue, as the API's POST /requests takes it."""
        if not mapped.get("utm_source") and adapters.PROVIDER_CHANNEL.get(hook.provider):
            mapped["utm_source"] = adapters.PROVIDER_CHANNEL[hook.provider]
        tz = hook.source._company_tz(hook.auth.company_id)
        self._cut_message(hook, mapped)
        clean, errors = validate_request(mapped, tz=tz)
        movable = set(errors) - {"phone", "email", "_"}
        if errors and movable <= set(mapped) and movable <= set(adapters.MOVABLE_FIELDS):
            # a price «on request», a city too long: kept as words in the message, the request taken
            notes = [f"{field}: {str(mapped.pop(field))[:1000]}" for field in sorted(movable)]
            mapped["message"] = "\n".join(filter(None, [str(mapped.get("message") or "")[:8000], *notes]))
            self._cut_message(hook, mapped)
            clean, errors = validate_request(mapped, tz=tz)
        if errors:
            return self._failed(hook, adapters.failure_reason(errors), raw, mapped)
        # the payload as the journal can keep it: what the adapter did not read may hold a NUL or a lone surrogate
        clean["_raw"] = storable(raw)
        Journal = hook.env["ecom.intake.request"]
        after_answer = Journal._process_after_answer_enabled()
        queued = Journal._enqueue(clean, hook.source, hook.auth.company_id, hook.auth.rate_limit, hook.remote_addr,
                                  wake=not after_answer)
        if queued.limited:
            return Outcome("limited")
        if not queued.request_id:
            return Outcome("replayed", queued.replay_id)
        return Outcome("queued", queued.request_id)

    @staticmethod
    def _cut_message(hook, mapped):
        """A message over the intake's MAX_TEXT (a long letter in a form, many questions' answers) cut to it with
        a note saying so, in the store's language: the customer's request is taken, not lost for its length;
        the whole body stays in the journal's payload."""
        message = mapped.get("message")
        if not isinstance(message, str) or len(message) <= MAX_TEXT:
            return
        company = hook.env["res.company"].sudo().browse(hook.auth.company_id)
        env = hook.env(context=dict(hook.env.context, lang=company.partner_id.lang or hook.env.lang))
        note = env._("[The text was cut short (its length: %(length)s characters). The whole request is in "
                     "CRM > Sales > Incoming requests.]", length=len(message))
        mapped["message"] = f"{message[:MAX_TEXT - len(note) - 2].rstrip()}\n\n{note}"

    def _take_call(self, hook, mapped, raw):
        """A mapped call event, applied as the API's POST /calls applies it."""
        clean, errors = validate_call(mapped)
        if errors:
            return self._failed(hook, adapters.failure_reason(errors), raw, {"phone": mapped.get("caller")}, "call")
        if hook.env["ecom.intake.request"]._rate_exceeded(hook.source.id, hook.auth.rate_limit):
            return Outcome("limited")
        try:
            with hook.env.cr.savepoint():
                call = hook.env["ecom.call"]._ecom_process_event(clean, hook.source, raw=storable(raw))
        except OperationalError:
            raise  # a concurrency error: Odoo retries the whole request
        except Exception as exc:  # not lost: journaled as failed; the webhook's 500 has the provider send it again
            self._failed(hook, f"{exc.__class__.__name__}: {exc}", raw, {"phone": clean.get("caller")}, "call")
            raise
        return Outcome("done", call.id)

    def _lead(self, hook, mapper, raw):
        try:
            mapped = mapper()
        except adapters.Malformed as exc:
            return self._failed(hook, str(exc), raw)
        return self._take_request(hook, mapped, raw)

    def _call(self, hook, mapper, raw):
        try:
            mapped = mapper()
        except adapters.Malformed as exc:
            return self._failed(hook, str(exc), raw, channel="call")
        if mapped is None:
            return Outcome("ignored")
        return self._take_call(hook, mapped, raw)

    def _refused(self, hook, reason, raw, status, body=None, channel="api"):
        """A bad key or signature: journaled (within the rate), refused as the provider expects."""
        self._failed(hook, reason, raw, channel=channel)
        return text_response(body or reason, status) if body is not None else error(status, "unauthorized", reason)

    @staticmethod
    def _after(response, outcome, hook):
        """The queue is processed once the answer has left, as the API does."""
        if outcome.status == "queued" and hook.env["ecom.intake.request"]._process_after_answer_enabled():
            response.call_on_close(functools.partial(process_after_answer, hook.env.cr.dbname))
        return response

    @staticmethod
    def _json_answer(outcome):
        if outcome.status == "limited":
            return rate_limited("too many requests per minute")
        if outcome.status == "failed":
            return error(400, "invalid_request", outcome.reason, request_id=outcome.request_id)
        return json_response(200 if outcome.status != "queued" else 202, {
            "ok": True, "request_id": outcome.request_id, "status": outcome.status,
            "replayed": outcome.status == "replayed"})

    # --- site builders and forms -------------------------------------------------------------------
    def _hook_tilda(self, hook):
        """Tilda posts the form's fields form-encoded (or as a JSON object, when so set in Tilda)."""
        if self._is_json():
            payload, reason = self._json()
            if reason or not isinstance(payload, dict):
                self._failed(hook, reason or "the body is not a JSON object", payload)
                return text_response("ok")
            raw = dict(payload)
        else:
            raw = self._raw_form(self._form())
        if raw.get("test") == "test":  # Tilda's check when the webhook is added
            return text_response("ok")
        field = hook.auth.key or "api_key"
        given = raw.pop(field, None) or request.httprequest.headers.get(field) or self._given_key()
        if hook.auth.secret and not adapters.same(given, hook.auth.secret):
            return self._refused(hook, "bad API key", raw, 403, "bad key")
        extra = adapters.parse_field_map(hook.auth.field_map)
        outcome = self._lead(hook, lambda: adapters.map_tilda(raw, extra), raw)
        if outcome.status == "limited":
            return text_response("rate limited", 429)  # Tilda sends it again later
        return self._after(text_response("ok"), outcome, hook)  # failed: journaled; a retry would fail again

    def _hook_form(self, hook):
        if self._is_json():
            payload, reason = self._json()
            if reason or not isinstance(payload, dict):
                outcome = self._failed(hook, reason or "the body is not a JSON object", payload)
                return self._form_answer(hook, outcome)
            fields, raw = payload, payload
        else:
            fields = self._form()
            raw = self._raw_form(fields)
        given = self._given_key(raw)
        raw = self._without_keys(raw)
        if hook.auth.secret and not adapters.same(given, hook.auth.secret):
            return self._refused(hook, "bad key", raw, 401)
        extra = adapters.parse_field_map(hook.auth.field_map)
        pairs = [(k, v) for k, v in (fields.items() if isinstance(fields, dict) else
                                     ((k, ", ".join(vs)) for k, vs in fields.lists())) if k != "ecom_key"]
        outcome = self._lead(hook, lambda: adapters.map_form(pairs, extra), raw)
        return self._after(self._form_answer(hook, outcome), outcome, hook)

    def _form_answer(self, hook, outcome):
        """A page after the form when the source has one and the visitor's browser posted it,
        else JSON (scripts, plugins)."""
        wants_json = self._is_json() or request.httprequest.headers.get("X-Requested-With") == "XMLHttpRequest" \
            or "application/json" in request.httprequest.headers.get("Accept", "")
        if hook.auth.redirect and not wants_json and outcome.status != "limited":
            target = hook.auth.redirect
            if outcome.status == "failed":
                target += ("&" if "?" in target else "?") + urlencode({"ecom_error": outcome.reason[:200]})
            return request.redirect(target, code=303, local=False)
        return self._json_answer(outcome)

    def _json_hook(self, hook, prefix):
        """Yandex Forms and Yandex Direct: a JSON body, the key in a header or the body."""
        payload, reason = self._json()
        if reason:
            return self._json_answer(self._failed(hook, reason, None))
        given = self._given_key(payload if isinstance(payload, dict) else None) or (
            payload.get("secret") if isinstance(payload, dict) else "")
        raw = self._without_keys(payload)
        if hook.auth.secret and not adapters.same(given, hook.auth.secret):
            return self._refused(hook, "bad key", raw, 401)
        extra = adapters.parse_field_map(hook.auth.field_map)
        outcome = self._lead(hook, lambda: adapters.map_json_form(raw, extra, prefix), raw)
        if isinstance(payload, dict) and payload.get("jsonrpc") and outcome.status in ("queued", "replayed"):
            return self._after(json_response(200, {"jsonrpc": "2.0", "id": payload.get("id"), "result": {
                "request_id": outcome.request_id, "status": outcome.status}}), outcome, hook)
        return self._after(self._json_answer(outcome), outcome, hook)

    @staticmethod
    def _without_keys(payload):
        """The payload as the journal keeps it: without the sender's key or secret."""
        if not isinstance(payload, dict):
            return payload
        raw = {k: v for k, v in payload.items() if k not in ("secret", "ecom_key")}
        if isinstance(raw.get("params"), dict):
            raw["params"] = {k: v for k, v in raw["params"].items() if k not in ("secret", "ecom_key")}
        return raw

    def _hook_yandex_forms(self, hook):
        return self._json_hook(hook, "yandex_forms")

    def _hook_yandex_direct(self, hook):
        return self._json_hook(hook, "yandex_direct")

    def _hook_vk_leads(self, hook):
        """VK's callback API: ``confirmation`` answered with the source's confirmation string,
        ``secret`` checked, ``lead_forms_new`` taken; anything else acknowledged with «ok» (VK
        repeats an event until it gets «ok»)."""
        payload, reason = self._json()
        if reason or not isinstance(payload, dict):
            self._failed(hook, reason or "the body is not a JSON object", payload)
            return text_response("ok")
        # VK adds the secret to every event; a confirmation from a server without one is answered
        # (the confirmation string only proves this URL is the community's)
        checked = payload.get("type") != "confirmation" or "secret" in payload
        if hook.auth.secret and checked and not adapters.same(payload.get("secret"), hook.auth.secret):
            return self._refused(hook, "bad secret", {k: v for k, v in payload.items() if k != "secret"}, 403,
                                 "bad secret")
        payload = {k: v for k, v in payload.items() if k != "secret"}
        if payload.get("type") == "confirmation":
            if not hook.auth.key:
                self._failed(hook, "confirmation asked: set the confirmation string in the API source", payload)
                return text_response("confirmation string not set", 400)
            return text_response(hook.auth.key)
        if payload.get("type") != "lead_forms_new":
            self._failed(hook, f"event type {payload.get('type')!r} is not a lead form's: untick it in VK", payload)
            return text_response("ok")
        outcome = self._lead(hook, lambda: adapters.map_vk_lead(payload), payload)
        if outcome.status == "limited":
            return text_response("rate limited", 429)
        return self._after(text_response("ok"), outcome, hook)

    # --- telephony ---------------------------------------------------------------------------------
    def _hook_mango(self, hook):
        """Mango Office posts ``vpbx_api_key``, ``sign`` and ``json`` to ``<url>/events/<kind>``."""
        form = self._form()
        text = form.get("json") or ""
        event, reason = self._loads(text, "json") if text else (None, "json is not JSON")
        raw = {"path": hook.subpath, "json": event if event is not None else text[:MAX_BODY]}
        expected = adapters.mango_sign(hook.auth.key or "", text, hook.auth.secret or "")
        if not (adapters.same(form.get("vpbx_api_key"), hook.auth.key) and adapters.same(form.get("sign"), expected)):
            return self._refused(hook, "bad vpbx_api_key or sign", raw, 403, "bad sign", channel="call")
        if event is None:
            self._failed(hook, reason or "json is not JSON", raw, channel="call")
            return text_response("", 200)
        outcome = self._call(hook, lambda: adapters.map_mango(hook.subpath, event), raw)
        return text_response("", 429 if outcome.status == "limited" else 200)

    def _hook_zadarma(self, hook):
        form = self._form()
        raw = self._raw_form(form)
        fields = {name: form.get(name) for name in form}
        expected = adapters.zadarma_signature(fields, hook.auth.secret or "")
        given = request.httprequest.headers.get("Signature")
        if expected is None and fields.get("event") not in ("NOTIFY_IVR", "NOTIFY_SMS", "SPEECH_RECOGNITION"):
            self._failed(hook, f"unknown event {fields.get('event')!r}", raw, channel="call")
            return text_response("", 200)
        if not hook.auth.secret or (expected is not None and not adapters.same(given, expected)):
            return self._refused(hook, "bad Signature", raw, 403, "bad signature", channel="call")
        outcome = self._call(hook, lambda: adapters.map_zadarma(fields), raw)
        return text_response("", 429 if outcome.status == "limited" else 200)

    def _hook_uis(self, hook):
        payload, reason = self._json()
        if reason:
            self._failed(hook, reason, None, channel="call")
            return error(400, "invalid_json", reason)
        given = self._given_key(payload if isinstance(payload, dict) else None, field="key")
        # a body that is no object (the key in a header) is refused by map_uis
        raw = {k: v for k, v in payload.items() if k != "key"} if isinstance(payload, dict) else payload
        if not adapters.same(given, hook.auth.secret):
            return self._refused(hook, "bad key", raw, 401, channel="call")
        outcome = self._call(hook, lambda: adapters.map_uis(raw), raw)
        if outcome.status == "limited":
            return rate_limited("too many requests per minute")
        if outcome.status == "failed":
            return error(400, "invalid_request", outcome.reason, request_id=outcome.request_id)
        return json_response(200, {"ok": True, "status": outcome.status})
