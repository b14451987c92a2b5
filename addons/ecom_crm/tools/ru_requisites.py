"""Russian requisites: ИНН, ОГРН/ОГРНИП, КПП, bank codes (plain Python, no database).

The checksums are python-stdnum's (``stdnum.ru.inn``, ``stdnum.ru.ogrn``).  Each check returns
None when the value is right, else the kind of error, which the ORM turns into a translated message.
"""
import io
import re

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from .russian_names import split_russian_name

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


# the Bank of Russia's control key of an account (Положение ЦБ РФ № 579-П, приложение): 3 digits of
# the БИК then the 20 digits of the account, weighted 7, 1, 3, 7, 1, 3…; the sum's last digit is 0
ACCOUNT_KEY_WEIGHTS = ((7, 1, 3) * 8)[:23]
# БИК ending in 000-002: a division of the Bank of Russia (РКЦ), whose accounts take «0» and the БИК's
# 5th-6th digits, as correspondent accounts do
CENTRAL_BANK_BIK_ENDINGS = ("000", "001", "002")


def is_bik(value):
    """Whether a bank code is a Russian БИК (9 digits), not a SWIFT code (8 or 11 letters and digits)."""
    return bool(re.fullmatch(r"\d{9}", compact(value)))


def account_error(account, bik, correspondent=False):
    """None, or "format" (not 20 digits) / "key" (the control key does not match the БИК: a typo in the
    account or the БИК) for a settlement account (р/с) or, with ``correspondent``, a bank's к/с."""
    account, bik = compact(account), compact(bik)
    if not re.fullmatch(r"\d{20}", account):
        return "format"
    if not is_bik(bik) or not bik.startswith("04"):
        # nothing to check it against; or a treasury's БИК (Федеральное казначейство's offices, 00… and
        # 01…, since 2021), whose treasury accounts (03…) carry no key of the Bank of Russia's rule:
        # «03100643000000018500» at БИК 017003983 is a real account for taxes
        return None
    if correspondent or bik[-3:] in CENTRAL_BANK_BIK_ENDINGS:
        prefix = "0" + bik[4:6]
    else:
        prefix = bik[-3:]
    digits = prefix + account
    total = sum(int(digit) * weight for digit, weight in zip(digits, ACCOUNT_KEY_WEIGHTS, strict=True))
    return None if total % 10 == 0 else "key"


# a foreign party's tax number as Russian documents name it: Kazakhstan's БИН (an organisation) or ИИН
# (a person), Belarus's УНП; other countries' «налоговый номер»
FOREIGN_TAX_ID_LABELS = {"KZ": "БИН/ИИН", "BY": "УНП"}


def tax_id_label(country_code, russian=True):
    """«ИНН» for a Russian party, else its country's name for a tax number (a 12-digit БИН is no ИНН)."""
    return "ИНН" if russian else FOREIGN_TAX_ID_LABELS.get(country_code, "Налоговый номер")


# the title before a sole trader's own name: «ИП Петров Пётр Петрович», «ип. Петрова …», «И.П. Алиева …», «ИП: …»,
# «Индивидуальный предприниматель …»; not a word starting with «Ип» («ООО Ипподром», «Ипатов Иван», «ИП-Телеком»)
SOLE_TRADER_TITLE = re.compile(
    r"^\s*(?:(?P<short>ип)(?![\w-])\.?|(?P<dotted>и\.\s*п(?![\w-])\.?)|индивидуальный\s+предприниматель\b)"
    r"[\s.,:]*",
    re.IGNORECASE)


def sole_trader_own_name(name):
    """The own name of a sole trader whose ``name`` starts with their title, «Алиева Лейла Гасановна» for «ИП
    Алиева Лейла Гасановна» (or «И.П. …», «Индивидуальный предприниматель …», in any case), its spaces collapsed;
    None for a name without the title. «И. П. Сидоров», initials before a surname alone, is a person's name: the
    dotted title is read before a full name (two words at least)."""
    match = SOLE_TRADER_TITLE.match(name or "")
    if not match:
        return None
    own = " ".join(name[match.end():].split())
    if not own or (match.group("dotted") and len(own.split()) < 2):
        return None
    # the title typed twice («ИП ИП Петров», «Индивидуальный предприниматель ИП Петров»): printed once
    while (again := SOLE_TRADER_TITLE.match(own)) and own[again.end():]:
        own = own[again.end():]
    return own


def split_person_name(name):
    """``split_russian_name`` of a person's name, a sole trader's title kept before the surname: «ИП Ким Саша» is
    ("ИП Ким", "Саша", False), whose gender the first name tells (none: the card's, set by hand), not ("ИП",
    "Ким", "Саша") read as a man named Ким; the parts compose the name as typed. The card's reading of a name
    typed in and the intake's of a request's."""
    own_name = sole_trader_own_name(name)
    if not own_name:
        return split_russian_name(name)
    title = SOLE_TRADER_TITLE.match(name).group(0).strip()
    lastname, firstname, patronymic = split_russian_name(own_name)
    return f"{title} {lastname}" if lastname else title, firstname, patronymic


def is_sole_trader(name, inn, ogrn, is_company, russian=True):
    """Whether a Russian party is a sole trader (ИП): its name says so («ИП …», see ``sole_trader_own_name``),
    unless its ИНН is an organisation's (10 digits); or a 12-digit ИНН on a company's card, or on a person's with
    a 15-digit ОГРНИП (a person's card is how many stores enter a sole trader). A person with only an ИНН is a
    private person; a party of another country (a Kazakh LLP's 12-digit БИН) no Russian sole trader."""
    inn, ogrn = compact(inn), compact(ogrn)
    if not russian or len(inn) == 10:
        return False
    if sole_trader_own_name(name):
        return True
    return len(inn) == 12 and (is_company or len(ogrn) == 15)


def registration_label(inn):
    """«ОГРНИП» for a sole trader (12-digit ИНН), else «ОГРН»."""
    return "ОГРНИП" if len(compact(inn)) == 12 else "ОГРН"


def town(city):
    """A town as documents name it, «г. Москва» for «Москва»; one typed with its kind («г. Москва»,
    «пос. Развилка», «пгт Селятино») as it is."""
    city = " ".join((city or "").split())
    if not city:
        return ""
    kind = city.split()[0]
    return city if kind.endswith(".") or kind[0].islower() else f"г. {city}"


# ГОСТ Р 56042-2014, the payment QR code a Russian bank's app reads: «ST0001» (the standard's version),
# «2» (UTF-8), then «|» before each «Key=value»; the mandatory keys first, in this order
PAYMENT_QR_HEADER = "ST00012"
PAYMENT_QR_FIELDS = (  # key, the standard's maximum length
    ("Name", 160), ("PersonalAcc", 20), ("BankName", 45), ("BIC", 9), ("CorrespAcc", 20),
    ("Sum", 18), ("Purpose", 210), ("PayeeINN", 12), ("KPP", 9),
)


def payment_qr_value(value, limit):
    """``value`` as a field of the payment QR code: no «|» (the separator: a value holding it would be cut
    in two by the bank's app, «/» instead), no line break or control character, its spaces collapsed, at
    most ``limit`` characters."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", str(value)).replace("|", "/")
    return " ".join(text.split())[:limit].rstrip()


def payment_qr_payload(**values):
    """The text of a payment QR code by ГОСТ Р 56042-2014: Name, PersonalAcc, BankName, BIC and
    CorrespAcc (mandatory; «0» for a bank without a к/с), then Sum (an integer: kopecks), Purpose,
    PayeeINN, KPP when given; ``ValueError`` when a mandatory one is missing."""
    values = dict(values, CorrespAcc=values.get("CorrespAcc") or "0")
    unknown = set(values) - {key for key, _limit in PAYMENT_QR_FIELDS}
    if unknown:
        raise ValueError(f"not a field of the payment QR code: {', '.join(sorted(unknown))}")
    parts = [PAYMENT_QR_HEADER]
    for key, limit in PAYMENT_QR_FIELDS:
        value = payment_qr_value(values.get(key) if values.get(key) is not None else "", limit)
        if value:
            parts.append(f"{key}={value}")
        elif key in ("Name", "PersonalAcc", "BankName", "BIC"):
            raise ValueError(f"the payment QR code needs {key}")
    return "|".join(parts)


# the payment QR code as printed: 4 modules of white around it (the quiet zone a reader finds it by), each
# module 0.5 mm on paper (3 pixels of a 150 dpi scan; a phone's camera a hand's width away reads it): 38 mm
# for a usual invoice (version 13), 62 mm for the longest payload the standard allows (984 bytes, version
# 25), where a fixed 38 mm printed the latter's modules at 0.23 mm, blurred (a 300 px image)
PAYMENT_QR_BORDER = 4
PAYMENT_QR_MODULE_MM = 0.5
# wkhtmltopdf prints the documents' CSS millimetres at 3/4 of a millimetre (the paper format's 90 dpi and
# its smart shrinking of a 96 dpi page): the size the template is given for one on paper
PAYMENT_QR_CSS_PER_MM = 4 / 3


def payment_qr_png(payload, box_size=8):
    """``(png, size_mm)``: the payment QR code of ``payload`` as a black and white PNG, each module
    ``box_size`` pixels (sharp at any print scale), its quiet zone in it, and the width it is printed at
    on paper (0.5 mm a module: a long payload is larger, not denser).  Error correction M, as banks'
    payment codes have it; the text in byte mode as one segment of its UTF-8 bytes, what «ST00012»
    announces."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=PAYMENT_QR_BORDER)
    code.add_data(payload.encode("utf-8"), optimize=0)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    size_mm = (code.modules_count + 2 * PAYMENT_QR_BORDER) * PAYMENT_QR_MODULE_MM
    return buffer.getvalue(), size_mm
