"""Validation of intake API payloads, in plain Python: what a site may send and what we keep.

``validate_request(data)`` and ``validate_call(data)`` return ``(clean, errors)``: ``errors``
maps each bad field to a short English message for the API client (400 lists them all at once).
Whatever passes is storable as it is (PostgreSQL text and jsonb, Odoo's monetary fields): bounds
are checked here, at the door, so that nothing accepted can fail later in the queue.
"""

import math
import re
from datetime import UTC, datetime

import pytz

from odoo.tools.mail import email_normalize

from .phones import SEPARATOR_CHARS

MAX_TEXT = 10_000
MAX_SHORT = 256
MAX_LINES = 200
TEXT_FIELDS = {  # field: max length
    "name": MAX_SHORT, "phone": 64, "email": 254, "message": MAX_TEXT, "city": 128, "zip": 16,
    "address": MAX_SHORT, "utm_source": 128, "utm_medium": 128, "utm_campaign": 256, "referrer": 2048,
    "idempotency_key": 128, "yclid": 128, "gclid": 256, "rb_clickid": 128, "product": MAX_SHORT,
    "product_sku": 64, "yandex_client_id": 64, "google_client_id": 128,
}
NUMBER_FIELDS = ("amount",)
# sane bounds of a store's request: a quantity, a unit price, a request's amount (roubles)
MAX_QTY = 1_000_000
MAX_PRICE = 1_000_000_000
MAX_AMOUNT = 1_000_000_000_000
# how deep a payload may nest (ours is two levels: the request, its lines)
MAX_DEPTH = 16
CALL_EVENTS = ("incoming", "answered", "missed", "finished")
MAX_CALL_SECONDS = 7 * 24 * 3600
# a phone number has at least this many digits (a town's short number has five): "abc", "+" or
# "-" name nobody, and a customer stored under them would take every such request
MIN_PHONE_DIGITS = 5
# a caller id is a number: digits and their separators, an extension maybe after them («доб. 12», «x12»,
# «#12»); its number has at most E.164's fifteen digits. Letters before the digits («abc12345», «ext12345»)
# or thirty digits are no number a salesperson can call back, and as a customer's phone (kept as typed,
# unmatched to the customer who has the number) they would make a duplicate customer. A URI's scheme
# is no such letters: a «tel:» or «sip:» caller id is read by its number (see caller_number).
# Invisible marks are no letters: a phone's app copies a number between direction marks («\u202a+7…\u202c»)
CALLER_NUMBER = re.compile(rf"[\d+{SEPARATOR_CHARS}]*")
MAX_PHONE_DIGITS = 15
# a caller id given as a URI, as SIP telephony and RFC 3966 write it: «tel:+74951234567;ext=12»,
# «sip:+74951234567@pbx.example;user=phone»: its number, then its parameters, before any «@host»
CALLER_URI = re.compile(r"(?:tel|sips?):([^@;]*)((?:;[^@;]*)*)", re.IGNORECASE)
# a caller id with its display name, as a SIP From header writes it (RFC 3261's name-addr):
# «"Anonymous" <sip:anonymous@anonymous.invalid>», «Anna <sip:+7916…@pbx>»: read by the URI in the brackets
CALLER_NAME_ADDR = re.compile(r'\s*(?:"(?:[^"\\]|\\.)*"|[^"<>]*)\s*<([^<>]*)>\s*')
# a hidden number, as telephony gives a caller who withheld theirs: a word (Asterisk's and SIP's «anonymous»,
# «Unknown», «private», «restricted», «withheld»… in either case, a Russian PBX's «скрыт»), nothing but zeros
# («0», Zadarma's), a lone «+», or nothing at all (Mango's and UIS's empty number); «sip:anonymous@anonymous.invalid»
# (RFC 3323) by its user part, with or without its «sip:» or a display name («Unknown Caller», «Нет номера»…
# as PBXes word it). Not a short number or an extension («101», «sip:101@pbx»): those are refused;
# nor a program's placeholder for a value it lost («None», «null», «undefined», «n/a»): a broken integration
# sending it for every caller would turn each of its calls into one from nobody, no request made, and not be seen.
HIDDEN_CALLER_WORDS = frozenset({
    "anonymous", "anonym", "unknown", "private", "restricted", "withheld", "hidden", "blocked", "unavailable",
    "not available", "no caller id", "caller id withheld", "private number", "private caller", "unknown caller",
    "unknown number", "hidden number", "anonymous caller", "number withheld", "withheld number", "no number",
    "скрыт", "скрытый", "скрытый номер", "номер скрыт", "нет номера", "номер не определен", "номер не определён",
    "номер неизвестен", "неизвестен", "неизвестный", "неизвестный номер", "аноним", "анонимный",
})
# the caller a provider's adapter gives for an incoming call whose number the PBX left empty
HIDDEN_CALLER = "anonymous"
# what Odoo's email_normalize gives for one address: a local part, "@", a domain
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
YEARS = (1900, 9000)  # the dates a request may carry, before and after the move to UTC
KNOWN_FIELDS = set(TEXT_FIELDS) | set(NUMBER_FIELDS) | {"lines", "delivery_date"}
# click ids name their advertising channel (a channel shipped with the addon, utm_source_<name>)
# even when UTM tags were lost on the way
CLICK_ID_CHANNELS = {"yclid": "yandex_direct", "gclid": "google_ads", "rb_clickid": "vk"}
CLICK_IDS = tuple(CLICK_ID_CHANNELS)
CLICK_ID_TYPES = [("yclid", "Yandex Direct (yclid)"), ("gclid", "Google Ads (gclid)"),
                  ("rb_clickid", "VK Ads (rb_clickid)")]
# the visitor's analytics ids (Yandex Metrica's ClientID, Google Analytics' client id from the _ga
# cookie): with them the sales go back to the ad systems as offline conversions
ANALYTICS_IDS = ("yandex_client_id", "google_client_id")
# what sites and CMS plugins put in utm_medium, mapped to the media shipped with the addon or Odoo
UTM_MEDIUM_ALIASES = {
    "cpc": "ecom_crm.utm_medium_cpc", "ppc": "ecom_crm.utm_medium_cpc", "paid": "ecom_crm.utm_medium_cpc",
    "paid_search": "ecom_crm.utm_medium_cpc", "context": "ecom_crm.utm_medium_cpc",
    "organic": "ecom_crm.utm_medium_organic", "seo": "ecom_crm.utm_medium_organic",
    "social": "ecom_crm.utm_medium_social", "smm": "ecom_crm.utm_medium_social", "social_network":
    "ecom_crm.utm_medium_social", "classifieds": "ecom_crm.utm_medium_classifieds",
    "marketplace": "ecom_crm.utm_medium_marketplace", "email": "utm.utm_medium_email",
    "e-mail": "utm.utm_medium_email", "newsletter": "utm.utm_medium_email", "banner": "utm.utm_medium_banner",
    "display": "utm.utm_medium_banner", "cpm": "utm.utm_medium_banner", "phone": "utm.utm_medium_phone",
    "direct": "utm.utm_medium_direct", "none": "utm.utm_medium_direct", "website": "utm.utm_medium_website",
    "referral": "utm.utm_medium_website",
}
# what sites and CMS plugins put in utm_source, mapped to the channels shipped with the addon
UTM_SOURCE_ALIASES = {
    "yandex": "yandex_direct", "yandex_direct": "yandex_direct", "yandex-direct": "yandex_direct",
    "direct": "yandex_direct", "ya": "yandex_direct", "google": "google_ads", "google_ads": "google_ads",
    "adwords": "google_ads", "avito": "avito", "vk": "vk", "vkontakte": "vk", "vk.com": "vk",
    "site": "website", "website": "website", "phone": "phone", "email": "email",
    "marketplace": "marketplace", "ozon": "marketplace", "wildberries": "marketplace", "wb": "marketplace",
}


# the store's «Campaign without a source» (``ecom_crm.utm_source_campaign_only``, named in the database's language)
# is its mark of a request that named its campaign alone, never a channel a link names: a utm_source spelling it
# (copied from a report) is no source, the request its campaign's alone
CAMPAIGN_ONLY_NAMES = frozenset({"campaign without a source", "кампания без источника"})


def _number(value, limit):
    """A finite number within ``[-limit, limit]`` from a JSON number or a string («1 990,50»)."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the float range
        raise ValueError from None
    if number != number or abs(number) > limit:
        raise ValueError
    return number


# what PostgreSQL's text and jsonb refuse: NUL, and a surrogate (in a Python string, always a lone one: JSON's
# escaped pairs are decoded as the character they encode)
UNSTORABLE_CHAR = re.compile("[\x00\ud800-\udfff]")


def unstorable(data):
    """``(path, problem)`` of the first value a database cannot store or a payload should not
    hold: a string with a NUL character or a lone surrogate (neither is valid in PostgreSQL text
    or jsonb), a number jsonb refuses (NaN, infinity), or nesting deeper than MAX_DEPTH; None when
    the payload is clean."""
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return path or "_", "nested too deeply"
        if isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                problem = _bad_text(key)
                if problem:
                    return path or "_", f"a key {problem}"
                stack.append((item, where, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        else:
            problem = _bad_text(value) or _bad_number(value)
            if problem:
                return path or "_", problem
    return None


def storable(value):
    """A copy of a payload that PostgreSQL can store: NUL characters and lone surrogates of its
    strings (keys included) replaced by U+FFFD, so that a payload refused for holding them can
    still be journaled as it came, as near as the database allows; so can a provider's payload taken
    whose adapter did not read them."""
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    if isinstance(value, str):
        # each one a single U+FFFD (a lone surrogate decoded as UTF-8 bytes would be three)
        return UNSTORABLE_CHAR.sub("\ufffd", value)
    return value


def is_email(value):
    """Whether ``value`` is one email address, as the processing normalises it (Odoo's
    ``email_normalize``): "@", "a@" or two addresses name no customer."""
    normalized = email_normalize(value, strict=True)  # strict: False unless exactly one address
    return bool(normalized and EMAIL.fullmatch(normalized))


def is_phone(value):
    """Whether ``value`` may be a phone number: at least MIN_PHONE_DIGITS digits."""
    return sum(char.isdigit() for char in value) >= MIN_PHONE_DIGITS


def caller_number(value):
    """A caller id's number: the user part of a ``tel:`` or ``sip:`` URI («sip:+7495…@pbx» → «+7495…»,
    its extension «;ext=12» kept), else the caller id itself. Read by its number, «tel:+7916…» is the
    customer with +7916… (libphonenumber read it so before the caller id was checked); a SIP
    extension, «sip:101@pbx», is still no number. A display name before the URI is no part of it."""
    if name_addr := CALLER_NAME_ADDR.fullmatch(value):
        value = name_addr.group(1)
    uri = CALLER_URI.fullmatch(value.strip().split("@", 1)[0])
    if not uri:
        return value
    number, parameters = uri.group(1).strip(), uri.group(2).split(";")
    extension = next((item[4:] for item in parameters if item.lower().startswith("ext=")), "")
    return f"{number};ext={extension}" if extension else number  # «;ext=» read as libphonenumber reads it


def is_hidden_caller(value):
    """Whether a caller id says the number is hidden (see HIDDEN_CALLER_WORDS), not that it is a bad one."""
    text = str(value or "").strip()
    if name_addr := CALLER_NAME_ADDR.fullmatch(text):
        text = name_addr.group(1).strip()  # the display name is anybody's: the URI says whether it is hidden
        if not text:  # «"Anonymous" <>»: a broken address, not a hidden number
            return False
    if uri := CALLER_URI.fullmatch(text.split("@", 1)[0]):
        text = uri.group(1).strip()
        if not text:  # «tel:», «sip:@pbx»: a broken URI, not a hidden number
            return False
    elif "@" in text:  # a SIP address without its «sip:» («anonymous@anonymous.invalid»): its user part
        text = text.split("@", 1)[0].strip()
        if not text:  # «@pbx»: as broken
            return False
    bare = re.sub(rf"[{SEPARATOR_CHARS}]", "", text)
    if not bare.strip("+0"):  # nothing, «+», «0», «000»
        return True
    return " ".join(text.lower().split()) in HIDDEN_CALLER_WORDS


def caller_error(value):
    """Why a call's number is no phone number (the API's English message), or None."""
    if not is_phone(value):
        # a hidden number ("anonymous") cannot be called back, and as a customer's phone it
        # would join every hidden caller into one customer
        return f"not a phone number (fewer than {MIN_PHONE_DIGITS} digits)"
    digits = sum(char.isdigit() for char in CALLER_NUMBER.match(value).group())
    if digits < MIN_PHONE_DIGITS:
        return "not a phone number (it must begin with its digits, not letters)"
    if digits > MAX_PHONE_DIGITS:
        return f"not a phone number (more than {MAX_PHONE_DIGITS} digits)"
    return None


def _bad_text(value):
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (a lone surrogate)"
    return None


def _bad_number(value):
    """Python's JSON reads ``NaN``, ``Infinity`` and ``1e999`` (infinity), which jsonb refuses: a request
    holding one where no field is read (a line's own key) failed as it was journaled, a 500."""
    if isinstance(value, float) and not math.isfinite(value):
        return "is not a finite number (NaN, Infinity, 1e999)"
    return None


def parse_datetime(value, tz=None):
    """A naive UTC datetime from an ISO 8601 date or date-time; one without an offset is a time of
    ``tz`` (the store's time zone, else UTC)."""
    moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = pytz.timezone(tz or "UTC").localize(moment)
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise ValueError
    moment = moment.astimezone(UTC).replace(tzinfo=None)
    # the stored value is read back by the same rule: 1900-01-01 at +05:00 is still 1899 in UTC
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise ValueError
    return moment


def _number_text(value):
    """A line's sku or name as text: an article number sent as a JSON number is its digits («4600», not
    «4600.0» for 4600.0 or 4.6e3), a fraction as Python writes it; nothing (None, 0, "") is ""."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 10**20:
        value = int(value)
    return str(value or "")


def validate_request(data, tz=None):
    """Check a request payload; see the OpenAPI file (docs/intake-openapi.yaml) for the format.
    ``tz``: the time zone of date-times sent without an offset."""
    errors = {}
    if not isinstance(data, dict):
        return {}, {"_": "the body must be a JSON object"}
    bad = unstorable(data)
    if bad:
        return {}, {bad[0]: bad[1]}
    clean = {}
    for key in set(data) - KNOWN_FIELDS:
        errors[key] = "unknown field"
    for key, limit in TEXT_FIELDS.items():
        value = data.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and key in ("phone", "zip"):
            # a phone sent as a JSON number (79161234567, 7.916e10) is its digits, not "79160000000.0";
            # a fraction names no phone and stays a number, refused below
            if abs(value) < 10**20 and float(value).is_integer():
                value = str(int(value))
        if not isinstance(value, str):
            errors[key] = "must be a string"
        elif len(value) > limit:
            errors[key] = f"longer than {limit} characters"
        elif value.strip():
            clean[key] = value.strip()
    if " ".join(clean.get("utm_source", "").split()).casefold() in CAMPAIGN_ONLY_NAMES:
        del clean["utm_source"]
    for key in NUMBER_FIELDS:
        if data.get(key) not in (None, ""):
            try:
                clean[key] = _number(data[key], MAX_AMOUNT)
                if clean[key] < 0:
                    errors[key] = "must not be negative"
            except (TypeError, ValueError):
                errors[key] = f"must be a number of at most {MAX_AMOUNT:.0f}"
    if data.get("delivery_date") not in (None, ""):
        try:
            clean["delivery_date"] = parse_datetime(data["delivery_date"], tz)
        except (TypeError, ValueError, OverflowError):
            errors["delivery_date"] = f"must be an ISO 8601 date or date-time from {YEARS[0]} to {YEARS[1]}"
    lines = data.get("lines")
    if lines not in (None, []):
        if not isinstance(lines, list) or len(lines) > MAX_LINES:
            errors["lines"] = f"must be a list of at most {MAX_LINES} order lines"
        else:
            clean["lines"] = []
            for index, line in enumerate(lines):
                try:
                    if not isinstance(line, dict):
                        raise ValueError("must be an object")
                    try:
                        qty = _number(line.get("qty", 1), MAX_QTY)
                        price = _number(line.get("price", 0), MAX_PRICE)
                    except (TypeError, ValueError):
                        raise ValueError(f"qty must be a number of at most {MAX_QTY} and price of at most "
                                         f"{MAX_PRICE}") from None
                    if qty <= 0 or price < 0:
                        raise ValueError("qty must be positive and price not negative")
                    if any(isinstance(line.get(key), bool) or not isinstance(line.get(key), str | int | float | None)
                           for key in ("sku", "name")):
                        # an object's or a list's Python text («{'a': 1}») is no sku nor name
                        raise ValueError("sku and name must be strings or numbers")
                    sku, name = (_number_text(line.get(key)) for key in ("sku", "name"))
                    label = (name or sku).strip()[:MAX_SHORT]
                    clean["lines"].append({"sku": sku.strip()[:64], "name": label, "qty": qty, "price": price})
                except ValueError as error:
                    errors[f"lines[{index}]"] = str(error)
    if "email" in clean and not is_email(clean["email"]):
        errors["email"] = "not an email address"
    if "phone" in clean and not is_phone(clean["phone"]):
        errors["phone"] = f"not a phone number (fewer than {MIN_PHONE_DIGITS} digits)"
    if not clean.get("phone") and not clean.get("email"):
        errors.setdefault("phone", "a phone or an email is required")
    if "amount" not in clean and clean.get("lines"):
        total = round(sum(line["qty"] * line["price"] for line in clean["lines"]), 2)
        if total > MAX_AMOUNT:
            errors["lines"] = f"the lines' total exceeds {MAX_AMOUNT:.0f}"
        else:
            clean["amount"] = total
    return clean, errors


def validate_call(data, tz=None):
    """Check a telephony event: the generic format providers' adapters map to."""
    errors, clean = {}, {}
    if not isinstance(data, dict):
        return {}, {"_": "the body must be a JSON object"}
    bad = unstorable(data)
    if bad:
        return {}, {bad[0]: bad[1]}
    if data.get("event") not in CALL_EVENTS:
        errors["event"] = f"one of {', '.join(CALL_EVENTS)}"
    for key, limit in (("call_id", 128), ("caller", 64), ("called", 64), ("caller_name", 256),
                       ("recording_url", 2048), ("extension", 32)):
        value = data.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, (str, int)) or isinstance(value, bool) or len(str(value)) > limit:
            errors[key] = f"a string of at most {limit} characters"
        else:
            clean[key] = str(value).strip()
    for key in ("call_id", "caller"):
        if not clean.get(key):
            errors.setdefault(key, "required")
    if clean.get("caller") and is_hidden_caller(clean["caller"]) and data.get("direction") != "out":
        # a hidden number: still a call the store got, logged without a number (nobody to match nor call back)
        del clean["caller"]
        clean["hidden"] = True
        errors.pop("caller", None)
    elif clean.get("caller"):
        clean["caller"] = caller_number(clean["caller"])
        if error := caller_error(clean["caller"]):
            errors["caller"] = error
    if clean.get("recording_url") and not clean["recording_url"].startswith(("https://", "http://")):
        errors["recording_url"] = "an http(s) URL"
    if data.get("duration") is not None:
        duration = data["duration"]
        if isinstance(duration, bool) or not isinstance(duration, int) or not 0 <= duration <= MAX_CALL_SECONDS:
            errors["duration"] = f"a whole number of seconds from 0 to {MAX_CALL_SECONDS}"
        else:
            clean["duration"] = duration
    if data.get("direction") in ("in", "out"):
        clean["direction"] = data["direction"]
    elif data.get("direction") not in (None, ""):
        # read as incoming, the store's own call would make the customer a request
        errors["direction"] = "in or out"
    if "event" not in errors:
        clean["event"] = data["event"]
    return clean, errors
