"""Phone numbers in one stored format: E.164 (+7XXXXXXXXXX for Russia), whatever was typed.

A thin layer over Odoo's phone_validation (itself over Google's libphonenumber): no regexes.
"""

import functools

from odoo.addons.phone_validation.tools.phone_validation import phone_format, phone_parse
from odoo.exceptions import UserError

# the valid numbers normalize_phone wrote in E.164 lately: formatted in E.164 again they come back
# unchanged, and they are valid whatever the country reading them (a set, emptied when full)
_VALID_E164 = set()
_VALID_E164_MAX = 8192


def normalize_phone(number, country_code="RU", country_phone_code=7):
    """Return ``(stored_value, valid)`` for a typed ``number``.

    Valid numbers come back in E.164 («8 (916) 123-45-67» → «+79161234567»); the country
    only matters for numbers typed without their international prefix.  An invalid number
    is kept as typed (stripped), so nothing the customer gave is lost, and flagged invalid.
    Empty values stay as they are.
    """
    if not number or not str(number).strip():
        return number, True
    number = str(number).strip()
    formatted = formatted_phone(number, country_code or "RU", country_phone_code or 7)
    if not formatted:
        return number, False
    if len(_VALID_E164) >= _VALID_E164_MAX:
        _VALID_E164.clear()
    _VALID_E164.add(formatted)
    return formatted, True


def normalize_phone_vals(env, vals, records=None, fnames=("phone", "mobile")):
    """Normalise the phone fields of a create/write ``vals`` dict in place.

    The country that reads national numbers is the one being written, else the records'
    common country, else the company's country of national numbers (a setting), else Russia.
    """
    if not any(vals.get(f) for f in fnames):
        return vals
    country = env["res.country"].browse(vals["country_id"]) if vals.get("country_id") else None
    if country is None and records:
        countries = records.country_id
        country = countries if len(countries) == 1 else None
    country = country or env.company._ecom_phone_country()
    for fname in fnames:
        if vals.get(fname):
            vals[fname] = normalize_phone(vals[fname], country.code, country.phone_code)[0]
    return vals


# Odoo formats and checks the same number again in each computed phone field (the lead's and the
# customer's sanitized numbers, the lead's phone quality): three more parses of a request's phone,
# ≈ 10% of turning it into a lead. A number normalised here is known valid in E.164; others'
# answers are kept per process. A failure is kept as None only: Odoo's own code then runs again,
# for its error in the user's language (see models/base.py).

@functools.lru_cache(maxsize=8192)
def formatted_phone(number, country_code, country_phone_code, force_format="E164"):
    """``phone_format(...)`` of a number, or None if it cannot be formatted."""
    if force_format == "E164" and number in _VALID_E164:
        return number
    try:
        return phone_format(number, country_code, country_phone_code, force_format=force_format,
                            raise_exception=True)
    except UserError:
        return None


@functools.lru_cache(maxsize=8192)
def phone_quality(number, country_code=None):
    """crm's phone quality of a number: "correct", "incorrect", or False without the library."""
    if number in _VALID_E164:
        return "correct"
    try:
        return "correct" if phone_parse(number, country_code) else False
    except UserError:
        return "incorrect"
