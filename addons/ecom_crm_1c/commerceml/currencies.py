"""Which currency 1C's «Валюта» names (plain Python, no ORM).

1C writes a price type's and a price's currency as the «Наименование» of its currency catalog: an ISO
4217 letter code (RUB, USD), its number (643, 840, 051), or a short name in the language of its base
(«руб.», «грн», «тенге», «бел. руб.», «$»), in any case, with or without dots and spaces. A code is
looked up among Odoo's currencies by the caller (``numbers``: {number: letter code} of res.currency);
the short names 1C's bases use for the currencies of the CIS (and the few signs they print) are here.
"""

import re

# Russian short names and signs 1C writes, per ISO letter code; as :func:`currency_key` gives them
# (upper case, no dots nor spaces). RUR and 810: the rouble's code before 1998, which 1C still writes.
# Names two currencies share («манат»: Azerbaijan's and Turkmenistan's, «¥») are left out.
SHORT_NAMES = {
    "RUB": ("руб", "рубль", "рубли", "рублей", "р", "₽", "RUR", "810", "рос руб", "росруб"),
    "BYN": ("бел руб", "белруб", "бел рубль", "белорусский рубль", "бр"),
    "UAH": ("грн", "гривна", "гривня", "гривен", "₴"),
    "KZT": ("тенге", "тг", "тнг", "₸"),
    "UZS": ("сум", "сўм", "узб сум"),
    "KGS": ("сом", "кырг сом"),
    "TJS": ("сомони", "смн"),
    "AMD": ("драм", "֏"),
    "GEL": ("лари", "₾"),
    "AZN": ("ман", "азн", "₼"),
    "MDL": ("лей", "леев", "молд лей"),
    "USD": ("$", "долл", "доллар", "доллары", "долларов", "долл сша", "дол"),
    "EUR": ("€", "евро"),
    "CNY": ("юань", "юаней"),
    "GBP": ("£", "фунт", "фунтов"),
}
# the ISO numbers of those currencies, for a number 1C writes where no Odoo currency is at hand
NUMBERS = {"643": "RUB", "933": "BYN", "980": "UAH", "398": "KZT", "860": "UZS", "417": "KGS", "972": "TJS",
           "51": "AMD", "981": "GEL", "944": "AZN", "498": "MDL", "840": "USD", "978": "EUR", "156": "CNY",
           "826": "GBP"}


def currency_key(written):
    """1C's «Валюта» ``written`` compared: upper case, without dots and spaces, a number without its
    leading zeros («бел. руб.»: «БЕЛРУБ», «051»: «51»); «» for none."""
    key = re.sub(r"[\s.]+", "", written or "").upper()
    return str(int(key)) if key.isascii() and key.isdigit() else key


_CODE_OF = {currency_key(name): code for code, names in SHORT_NAMES.items() for name in names}


def currency_code(written, numbers=None):
    """The ISO 4217 letter code of the currency 1C's «Валюта» ``written`` names, else «»: a short name
    of :data:`SHORT_NAMES`, a letter code as written (whether Odoo has that currency is the caller's to
    ask), a number by ``numbers`` {number: letter code} (Odoo's currencies, :func:`currency_key`'s
    numbers), else :data:`NUMBERS`; «» for what names no currency (none written, a number no currency
    has, a word unknown)."""
    key = currency_key(written)
    if key in _CODE_OF:
        return _CODE_OF[key]
    if key.isascii() and key.isdigit():
        return (numbers or {}).get(key) or NUMBERS.get(key, "")
    return key if re.fullmatch("[A-Z]{3}", key) else ""


def same_currency(first, second, numbers=None):
    """Whether two of 1C's spellings of a currency («руб.», «RUB», «643») are one currency: their codes
    (:func:`currency_code`) are, else they are written alike."""
    code = currency_code(first, numbers)
    if code:
        return code == currency_code(second, numbers)
    return bool(currency_key(first)) and currency_key(first) == currency_key(second)
