"""Clients of Russian SMS gateways: SMS.ru, SMSC.ru, SMS Aero (plain Python, no ORM).

Each client builds its HTTP request, parses the provider's answer and maps its error codes to the
``failure_type`` values of Odoo's ``sms.sms`` / ``mail.notification``, with a readable reason. Network
failures never raise: they come back as a failed :class:`SendResult` (``sms_server``). A failure of the
whole account (bad credentials, no money on the balance) is flagged ``fatal``: the caller stops the
batch instead of hammering the gateway with a request per message.

Numbers are given in E.164 (``+79161234567``); the providers want the digits only.

Delivery statuses come back as :class:`StatusResult` (``state`` is Odoo's SMS state: ``pending``
while on its way, ``sent`` once delivered, ``error`` with a delivery ``failure`` key understood by
``sms.tracker._action_update_from_provider_error``: expired, not_delivered, rejected,
invalid_destination, not_allowed).
"""

import logging
from dataclasses import dataclass

import requests

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

TIMEOUT = 15


@dataclass
class SendResult:
    ok: bool
    provider_ref: str | None = None
    failure_type: str | None = None  # sms.sms failure_type
    reason: str | None = None  # readable (a lazy translation or the provider's text)
    fatal: bool = False  # the whole account failed: stop the batch
    unreachable: bool = False  # the gateway did not answer: leave the rest of the batch for later


@dataclass
class StatusResult:
    provider_ref: str
    state: str  # "pending" (on its way), "sent" (delivered), "error"
    failure: str | None = None  # delivery error key: expired, not_delivered, rejected, ...
    reason: str | None = None


def digits(number):
    """``+7 916 123-45-67`` → ``79161234567`` (the providers' format)."""
    return "".join(ch for ch in str(number or "") if ch.isdigit())


def _fail(failure_type, reason, fatal=False):
    return SendResult(ok=False, failure_type=failure_type, reason=reason, fatal=fatal)


class SmsGateway:
    """One provider: subclasses give the request builders and answer parsers."""

    code = None
    label = None
    # failure types that fail the whole account, not one number
    FATAL = frozenset({"sms_acc", "sms_credit"})

    def __init__(self, login=None, password=None, sender=None, timeout=TIMEOUT):
        self.login = (login or "").strip()
        self.password = (password or "").strip()
        self.sender = (sender or "").strip()
        self.timeout = timeout

    # -- to override --------------------------------------------------------------------------
    def credentials_ok(self):
        return bool(self.password)

    def build_send_request(self, number, text):
        """Return ``(method, url, kwargs for requests.request)``."""
        raise NotImplementedError

    def parse_send_response(self, http_status, payload, number):
        """``payload``: the decoded JSON (or None when not JSON). Return a SendResult."""
        raise NotImplementedError

    def build_status_requests(self, refs):
        """``refs``: [(provider_ref, number)]. Yield ``(refs of the request, method, url, kwargs)``."""
        raise NotImplementedError

    def parse_status_response(self, http_status, payload, refs):
        """Return a list of StatusResult for the refs of one request."""
        raise NotImplementedError

    def parse_callback(self, params):
        """Statuses pushed by the provider (form or query parameters). None: no callbacks."""
        return None

    callback_answer = "OK"

    # -- HTTP -----------------------------------------------------------------------------------
    def _call(self, method, url, kwargs):
        """Return ``(http_status, json or None)``; raise requests' exceptions."""
        response = requests.request(method, url, timeout=self.timeout, **kwargs)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        return response.status_code, payload

    def send(self, number, text):
        if not self.credentials_ok():
            return _fail("sms_acc", _lt("The SMS gateway's credentials are not set."), fatal=True)
        if not digits(number):
            return _fail("sms_number_missing", _lt("No phone number."))
        method, url, kwargs = self.build_send_request(number, text)
        try:
            http_status, payload = self._call(method, url, kwargs)
        except requests.RequestException as exc:
            _logger.info("SMS gateway %s unreachable: %s", self.code, exc)
            result = _fail("sms_server", _lt("The SMS gateway could not be reached: %s", type(exc).__name__))
            result.unreachable = True
            return result
        try:
            return self.parse_send_response(http_status, payload, number)
        except (KeyError, TypeError, ValueError, AttributeError):
            _logger.warning("SMS gateway %s: unexpected answer %s %r", self.code, http_status, payload)
            return _fail("sms_server", _lt("Unexpected answer of the SMS gateway (HTTP %s).", http_status))

    def statuses(self, refs):
        """Ask the delivery statuses of ``refs`` [(provider_ref, number)]; unreachable: what came so far."""
        results = []
        for chunk, method, url, kwargs in self.build_status_requests(refs):
            try:
                http_status, payload = self._call(method, url, kwargs)
                results += self.parse_status_response(http_status, payload, chunk)
            except requests.RequestException as exc:
                _logger.info("SMS gateway %s unreachable for statuses: %s", self.code, exc)
                break  # not one timeout per SMS: the next run asks again
            except (KeyError, TypeError, ValueError, AttributeError):
                _logger.warning("SMS gateway %s: unexpected status answer for %s", self.code, chunk)
        return results


class SmsRu(SmsGateway):
    """https://sms.ru/api — ``api_id`` as the key (``password``)."""

    code = "smsru"
    label = "SMS.ru"
    URL = "https://sms.ru"
    BATCH = 100  # ids per status request

    ERRORS = {
        200: "sms_acc", 300: "sms_acc", 301: "sms_acc", 302: "sms_acc",
        201: "sms_credit",
        202: "sms_number_format",
        204: "sms_registration_needed",  # sender name not approved
        207: "sms_not_allowed",
        209: "sms_blacklist",  # the number is in the account's stop list
        220: "sms_server",
    }
    # delivery status codes → (state, delivery failure)
    STATUSES = {
        100: ("pending", None), 101: ("pending", None), 102: ("pending", None),
        103: ("sent", None), 110: ("sent", None),
        104: ("error", "expired"), 105: ("error", "rejected"), 106: ("error", "not_delivered"),
        107: ("error", "not_delivered"), 108: ("error", "rejected"), 150: ("error", "invalid_destination"),
        -1: ("error", "not_delivered"),
    }
    callback_answer = "100"  # SMS.ru retries until it reads 100

    def build_send_request(self, number, text):
        data = {"api_id": self.password, "to": digits(number), "msg": text, "json": 1}
        if self.sender:
            data["from"] = self.sender
        return "POST", f"{self.URL}/sms/send", {"data": data}

    def _error(self, code, text):
        failure_type = self.ERRORS.get(code, "unknown")
        reason = f"SMS.ru {code}: {text}" if text else f"SMS.ru {code}"
        return _fail(failure_type, reason, fatal=failure_type in self.FATAL)

    def parse_send_response(self, http_status, payload, number):
        if payload is None:
            return _fail("sms_server", _lt("Unexpected answer of the SMS gateway (HTTP %s).", http_status))
        if payload.get("status") != "OK":
            return self._error(int(payload.get("status_code") or 0), payload.get("status_text"))
        sms = (payload.get("sms") or {}).get(digits(number))
        if not sms:
            return _fail("unknown", _lt("The SMS gateway did not answer for this number."))
        if sms.get("status") != "OK":
            return self._error(int(sms.get("status_code") or 0), sms.get("status_text"))
        return SendResult(ok=True, provider_ref=str(sms["sms_id"]))

    def build_status_requests(self, refs):
        for start in range(0, len(refs), self.BATCH):
            chunk = refs[start:start + self.BATCH]
            yield chunk, "POST", f"{self.URL}/sms/status", {
                "data": {"api_id": self.password, "sms_id": ",".join(ref for ref, _number in chunk), "json": 1}}

    def _status(self, ref, code, text=None):
        state, failure = self.STATUSES.get(code, ("pending", None))
        reason = f"SMS.ru {code}: {text}" if text else f"SMS.ru {code}"
        return StatusResult(ref, state, failure, reason if state == "error" else None)

    def parse_status_response(self, http_status, payload, refs):
        if not payload or payload.get("status") != "OK":
            _logger.info("SMS.ru statuses refused: %s", payload and payload.get("status_text"))
            return []
        return [self._status(ref, int(item.get("status_code") or 0), item.get("status_text"))
                for ref, item in (payload.get("sms") or {}).items()]

    def parse_callback(self, params):
        """SMS.ru posts ``data[0]``, ``data[1]``...: ``sms_status\\n<sms_id>\\n<code>\\n<time>``."""
        results = []
        for key, value in params.items():
            if not key.startswith("data"):
                continue
            lines = str(value).split("\n")
            if len(lines) >= 3 and lines[0].strip() == "sms_status":
                try:
                    code = int(lines[2].strip())
                except ValueError:
                    continue
                results.append(self._status(lines[1].strip(), code))
        return results


class Smsc(SmsGateway):
    """https://smsc.ru/api/http/ — login and password (or an API key as the password)."""

    code = "smsc"
    label = "SMSC.ru"
    URL = "https://smsc.ru/sys"

    ERRORS = {
        1: "unknown",  # parameters
        2: "sms_acc",  # login or password
        3: "sms_credit",
        4: "sms_server",  # IP blocked for a while
        6: "sms_not_allowed",  # forbidden text or sender name
        7: "sms_number_format",
        8: "sms_not_allowed",  # cannot be delivered to this number
        9: "sms_server",  # too many requests
    }
    STATUSES = {
        -1: ("pending", None), 0: ("pending", None),
        1: ("sent", None), 2: ("sent", None), 4: ("sent", None),
        3: ("error", "expired"), 20: ("error", "not_delivered"), 22: ("error", "invalid_destination"),
        23: ("error", "not_allowed"), 24: ("error", "not_delivered"), 25: ("error", "not_delivered"),
        -3: ("error", "not_delivered"),
    }

    def credentials_ok(self):
        return bool(self.login and self.password)

    def _auth(self):
        return {"login": self.login, "psw": self.password, "fmt": 3, "charset": "utf-8"}

    def build_send_request(self, number, text):
        data = {**self._auth(), "phones": digits(number), "mes": text}
        if self.sender:
            data["sender"] = self.sender
        return "POST", f"{self.URL}/send.php", {"data": data}

    def parse_send_response(self, http_status, payload, number):
        if payload is None:
            return _fail("sms_server", _lt("Unexpected answer of the SMS gateway (HTTP %s).", http_status))
        if "error_code" in payload or "error" in payload:
            code = int(payload.get("error_code") or 0)
            failure_type = self.ERRORS.get(code, "unknown")
            return _fail(failure_type, f"SMSC {code}: {payload.get('error') or ''}".strip(),
                         fatal=failure_type in self.FATAL)
        return SendResult(ok=True, provider_ref=str(payload["id"]))

    def build_status_requests(self, refs):
        for ref, number in refs:
            yield [(ref, number)], "POST", f"{self.URL}/status.php", {
                "data": {**self._auth(), "phone": digits(number), "id": ref}}

    def _status(self, ref, code, err=None):
        state, failure = self.STATUSES.get(code, ("pending", None))
        reason = f"SMSC {code}" + (f" (err {err})" if err not in (None, "", "0", 0) else "")
        return StatusResult(str(ref), state, failure, reason if state == "error" else None)

    def parse_status_response(self, http_status, payload, refs):
        if payload is None or "error_code" in payload:
            _logger.info("SMSC statuses refused: %s", payload)
            return []
        return [self._status(refs[0][0], int(payload["status"]), payload.get("err"))]

    def parse_callback(self, params):
        """SMSC calls the account's handler URL with ``id``, ``phone``, ``status``, ``err``..."""
        if "id" not in params or "status" not in params:
            return []
        try:
            code = int(params["status"])
        except (TypeError, ValueError):
            return []
        return [self._status(params["id"], code, params.get("err"))]


class SmsAero(SmsGateway):
    """https://smsaero.ru/integration/documentation/api/ (v2) — account email and API key."""

    code = "smsaero"
    label = "SMS Aero"
    URL = "https://gate.smsaero.ru/v2"

    STATUSES = {
        0: ("pending", None), 3: ("pending", None), 4: ("pending", None), 8: ("pending", None),
        1: ("sent", None),
        2: ("error", "not_delivered"), 6: ("error", "rejected"),
    }

    def credentials_ok(self):
        return bool(self.login and self.password)

    def build_send_request(self, number, text):
        params = {"number": digits(number), "text": text, "sign": self.sender or "SMS Aero"}
        return "POST", f"{self.URL}/sms/send", {"data": params, "auth": (self.login, self.password)}

    def parse_send_response(self, http_status, payload, number):
        message = (payload or {}).get("message") or ""
        if http_status in (401, 403):
            return _fail("sms_acc", f"SMS Aero {http_status}: {message}".strip(), fatal=True)
        if http_status == 402 or any(word in message.lower() for word in ("balance", "funds", "баланс", "средств")):
            return _fail("sms_credit", f"SMS Aero: {message}".strip(), fatal=True)
        if payload is None:
            return _fail("sms_server", _lt("Unexpected answer of the SMS gateway (HTTP %s).", http_status))
        if not payload.get("success"):
            errors = payload.get("data") or {}
            if isinstance(errors, dict) and "number" in errors:
                return _fail("sms_number_format", f"SMS Aero: {message} {errors['number']}".strip())
            if http_status >= 500:
                return _fail("sms_server", f"SMS Aero {http_status}: {message}".strip())
            return _fail("unknown", f"SMS Aero: {message}".strip())
        data = payload["data"]
        code = int(data.get("status") or 0)
        if self.STATUSES.get(code, ("pending",))[0] == "error":
            return _fail("sms_rejected", f"SMS Aero: {data.get('extendStatus') or code}")
        return SendResult(ok=True, provider_ref=str(data["id"]))

    def build_status_requests(self, refs):
        for ref, number in refs:
            yield [(ref, number)], "POST", f"{self.URL}/sms/status", {
                "data": {"id": ref}, "auth": (self.login, self.password)}

    def parse_status_response(self, http_status, payload, refs):
        if not payload or not payload.get("success"):
            _logger.info("SMS Aero statuses refused: %s", payload)
            return []
        data = payload["data"]
        code = int(data.get("status") or 0)
        state, failure = self.STATUSES.get(code, ("pending", None))
        reason = f"SMS Aero {code}: {data.get('extendStatus') or ''}".strip()
        return [StatusResult(refs[0][0], state, failure, reason if state == "error" else None)]


GATEWAYS = {cls.code: cls for cls in (SmsRu, Smsc, SmsAero)}


def get_gateway(code, **credentials):
    """The client of ``code`` (``smsru``, ``smsc``, ``smsaero``), or None (Odoo IAP)."""
    cls = GATEWAYS.get(code)
    return cls(**credentials) if cls else None
