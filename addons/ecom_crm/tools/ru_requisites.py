"""Russian requisites: ИНН, ОГРН/ОГРНИП, КПП, bank codes (plain Python, no database).

The checksums are python-stdnum's (``stdnum.ru.inn``, ``stdnum.ru.ogrn``).  Each check returns
None when the value is right, else the kind of error, which the ORM turns into a translated message.
"""
import re

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

KPP_RE = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def compact(value):
    """Digits and letters only: « 7707 083 893 » -> «7707083893»."""
    return re.sub(r"[\s\-.]", "", value or "").upper()


def inn_error(value, is_company):
    """None, or "format" / "length" / "person_length" / "checksum".

    A company has 10 digits (an organisation) or 12 (a sole trader, ИП); a person 12.
    """
    inn = compact(value)
    if not inn.isdigit():
        return "format"
    if len(inn) not in (10, 12):
        return "length"
    if not is_company and len(inn) != 12:
        return "person_length"
    try:
        stdnum_inn.validate(inn)
    except InvalidChecksum:
        return "checksum"
    except ValidationError:
        return "format"
    return None


def ogrn_error(value, inn=None):
    """None, or "format" / "length" / "checksum" / "mismatch" (ОГРН, 13 digits, goes with a 10-digit ИНН,
    ОГРНИП, 15 digits, with a 12-digit one)."""
    ogrn = compact(value)
    if not ogrn.isdigit():
        return "format"
    if len(ogrn) not in (13, 15):
        return "length"
    try:
        stdnum_ogrn.validate(ogrn)
    except InvalidChecksum:
        return "checksum"
    except ValidationError:
        return "format"
    inn = compact(inn)
    if inn.isdigit() and len(inn) in (10, 12) and {10: 13, 12: 15}[len(inn)] != len(ogrn):
        return "mismatch"
    return None


def kpp_error(value, inn=None):
    """None, or "format" (9 characters: 4 digits, 2 digits or capital letters, 3 digits) / "not_organisation"
    (only an organisation, with a 10-digit ИНН, has a КПП)."""
    if not KPP_RE.match(compact(value)):
        return "format"
    if len(compact(inn)) == 12:
        return "not_organisation"
    return None


def digits_error(value, length):
    """None, or "format" when ``value`` is not ``length`` digits (БИК 9, accounts 20)."""
    return None if re.fullmatch(rf"\d{{{length}}}", compact(value)) else "format"


def registration_label(inn):
    """«ОГРНИП» for a sole trader (12-digit ИНН), else «ОГРН»."""
    return "ОГРНИП" if len(compact(inn)) == 12 else "ОГРН"
