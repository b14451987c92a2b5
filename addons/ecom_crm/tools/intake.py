"""Validation of intake API payloads, in plain Python: what a site may send and what we keep.

``validate_request(data)`` returns ``(clean, errors)``: ``errors`` maps each bad field to a
short English message for the API client (400 lists them all at once).
"""

from datetime import datetime

MAX_TEXT = 10_000
MAX_SHORT = 256
MAX_LINES = 200
TEXT_FIELDS = {  # field: max length
    "name": MAX_SHORT, "phone": 64, "email": 254, "message": MAX_TEXT, "city": 128, "zip": 16,
    "address": MAX_SHORT, "utm_source": 128, "utm_medium": 128, "utm_campaign": 256, "referrer": 2048,
    "idempotency_key": 128, "yclid": 128, "gclid": 256, "rb_clickid": 128, "product": MAX_SHORT,
    "product_sku": 64,
}
NUMBER_FIELDS = ("amount",)
KNOWN_FIELDS = set(TEXT_FIELDS) | set(NUMBER_FIELDS) | {"lines", "delivery_date"}
# click ids tell the advertising channel even when UTM tags were lost on the way
CLICK_IDS = ("yclid", "gclid", "rb_clickid")


def _number(value):
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace(",", ".")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError
    return number


def validate_request(data):
    """Check a request payload; see the OpenAPI file (docs/intake-openapi.yaml) for the format."""
    errors = {}
    if not isinstance(data, dict):
        return {}, {"_": "the body must be a JSON object"}
    clean = {}
    for key in set(data) - KNOWN_FIELDS:
        errors[key] = "unknown field"
    for key, limit in TEXT_FIELDS.items():
        value = data.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("phone", "zip"):
            value = str(value)
        if not isinstance(value, str):
            errors[key] = "must be a string"
        elif len(value) > limit:
            errors[key] = f"longer than {limit} characters"
        elif value.strip():
            clean[key] = value.strip()
    for key in NUMBER_FIELDS:
        if data.get(key) not in (None, ""):
            try:
                clean[key] = _number(data[key])
                if clean[key] < 0:
                    errors[key] = "must not be negative"
            except (TypeError, ValueError):
                errors[key] = "must be a number"
    if data.get("delivery_date") not in (None, ""):
        try:
            clean["delivery_date"] = datetime.fromisoformat(str(data["delivery_date"]).replace("Z", "+00:00"))
        except ValueError:
            errors["delivery_date"] = "must be an ISO 8601 date or date-time"
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
                    qty = _number(line.get("qty", 1))
                    price = _number(line.get("price", 0))
                    if qty <= 0 or price < 0:
                        raise ValueError("qty must be positive and price not negative")
                    label = str(line.get("name") or line.get("sku") or "").strip()[:MAX_SHORT]
                    clean["lines"].append({"sku": str(line.get("sku") or "").strip()[:64], "name": label,
                                           "qty": qty, "price": price})
                except (TypeError, ValueError) as error:
                    errors[f"lines[{index}]"] = str(error) or "qty and price must be numbers"
    if "email" in clean and ("@" not in clean["email"] or " " in clean["email"]):
        errors["email"] = "not an email address"
    if not clean.get("phone") and not clean.get("email"):
        errors.setdefault("phone", "a phone or an email is required")
    if "amount" not in clean and clean.get("lines"):
        clean["amount"] = round(sum(line["qty"] * line["price"] for line in clean["lines"]), 2)
    return clean, errors
