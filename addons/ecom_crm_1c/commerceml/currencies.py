"""Which currency 1C's «Валюта» names (plain Python, no ORM).

1C writes a price type's and a price's currency as the «Наименование» of its currency catalog: an ISO
4217 letter code (RUB, USD), its number (643, 840, 051), or a short name in the language of its base
(«руб.», «грн», «тенге», «бел. руб.», «$»), in any case, with or without dots and spaces. A code is
looked up among Odoo's currencies by the caller (``numbers``: {number: letter code} of res.currency,
:func:`odoo_numbers`); the short names 1C's bases use for the currencies of the CIS (and the few signs
they print) are here. A name two currencies share, or one that is no currency («у.е.»), names none:
:func:`ambiguous_codes` says which it may be, for the log to say so rather than guess.
"""

import re

# Russian short names and signs 1C writes, per ISO letter code; as :func:`currency_key` gives them
# (upper case, no dots nor spaces). RUR and 810: the rouble's code before 1998; BYR and 974: the
# Belarusian rouble's before 2016, which 1C still writes for the rouble of today.
SHORT_NAMES = {
    "RUB": ("руб", "рубль", "рубли", "рублей", "р", "₽", "RUR", "810", "рос руб", "росруб", "российский рубль"),
    "BYN": ("бел руб", "белруб", "бел рубль", "белорусский рубль", "бр", "BYR", "974"),
    "UAH": ("грн", "гривна", "гривня", "гривен", "₴", "украинская гривна"),
    "KZT": ("тенге", "тг", "тнг", "₸", "казахстанский тенге"),
    "UZS": ("сум", "сўм", "узб сум"),
    "KGS": ("сом", "кырг сом"),
    "TJS": ("сомони", "смн"),
    "AMD": ("драм", "֏"),
    "GEL": ("лари", "₾"),
    "AZN": ("азн", "азерб манат", "₼"),
    "TMT": ("туркм манат",),
    "MDL": ("молд лей",),
    "USD": ("$", "долл", "доллар", "доллары", "долларов", "долл сша", "дол", "доллар сша", "американский доллар"),
    "EUR": ("€", "евро"),
    "CNY": ("юань", "юаней", "китайский юань"),
    "GBP": ("£", "фунт", "фунтов"),
}
# names two currencies share: which they may be (none: no currency at all, «у.е.», conventional units
# a base pegs to the dollar or the euro at a rate of its own)
AMBIGUOUS = {
    "манат": ("AZN", "TMT"), "ман": ("AZN", "TMT"),
    "лей": ("MDL", "RON"), "леи": ("MDL", "RON"), "леев": ("MDL", "RON"),
    "¥": ("CNY", "JPY"),
    "у е": (), "уе": (),
}
# the ISO 4217 numbers of the currencies 1C's bases price in. They come before Odoo's own numbers, some of
# which are wrong (Odoo 18 gives the lats and the litas 840, the dollar's, and the Belarusian rouble 974)
NUMBERS = {"643": "RUB", "933": "BYN", "980": "UAH", "398": "KZT", "860": "UZS", "417": "KGS", "972": "TJS",
           "51": "AMD", "981": "GEL", "944": "AZN", "934": "TMT", "498": "MDL", "946": "RON", "840": "USD",
           "978": "EUR", "156": "CNY", "392": "JPY", "826": "GBP"}
# numbers Odoo 18's data gives an old currency and the one that replaced it (or, 858, a unit of account) alike
# (ISO 4217 gives them the old one: a 1C base made before the change still names its currency so): the one
# of them the store has active, else the current one (:func:`odoo_numbers`), else, Odoo's numbers not known,
# the current one; and the current one's own ISO number, which Odoo does not know (its VES, MRU, STN, SLE
# and UYW carry the old number)
CURRENT_OF_SHARED = {"858": "UYU", "937": "VES", "478": "MRU", "678": "STN", "694": "SLE"}
CURRENT_NUMBERS = {"928": "VES", "929": "MRU", "930": "STN", "925": "SLE", "927": "UYW"}
NUMBERS.update(CURRENT_NUMBERS)


def currency_key(written):
    """1C's «Валюта» ``written`` compared: upper case, without dots and spaces, a number without its
    leading zeros («бел. руб.»: «БЕЛРУБ», «051»: «51»); «» for none."""
    key = re.sub(r"[\s.]+", "", written or "").upper()
    return str(int(key)) if key.isascii() and key.isdigit() else key


_CODE_OF = {currency_key(name): code for code, names in SHORT_NAMES.items() for name in names}
_AMBIGUOUS = {currency_key(name): codes for name, codes in AMBIGUOUS.items()}


def odoo_numbers(currencies):
    """{number: letter code} of Odoo's currencies ``currencies`` [(letter code, ISO number, active)], as
    :func:`currency_code` takes them: a number two of them share (Odoo's data gives the old currency's
    to the new one) names the one of them active when only one is (a store still on the old ouguiya), else
    the current one of :data:`NUMBERS` or :data:`CURRENT_OF_SHARED` when it is one of them (937: VES, not
    VEF), else neither."""
    codes, active = {}, {}
    for code, number, *is_active in currencies:
        if number:
            key = currency_key(str(number))
            codes.setdefault(key, set()).add(code)
            if not is_active or is_active[0]:
                active.setdefault(key, set()).add(code)
    found = {}
    for number, named in codes.items():
        current = NUMBERS.get(number) or CURRENT_OF_SHARED.get(number)
        if len(named) == 1:
            found[number] = next(iter(named))
        elif len(active.get(number, ())) == 1 and number not in NUMBERS:
            found[number] = next(iter(active[number]))
        elif current in named:
            found[number] = current
    return found


def currency_code(written, numbers=None):
    """The ISO 4217 letter code of the currency 1C's «Валюта» ``written`` names, else «»: a short name
    of :data:`SHORT_NAMES`, a letter code as written (whether Odoo has that currency is the caller's to
    ask), a number by :data:`NUMBERS`, else ``numbers`` {number: letter code} (Odoo's currencies,
    :func:`odoo_numbers`), else :data:`CURRENT_OF_SHARED`; «» for what names no one currency (none
    written, a number no currency has, a word unknown, a name of :data:`AMBIGUOUS`)."""
    key = currency_key(written)
    if key in _CODE_OF:
        return _CODE_OF[key]
    if key.isascii() and key.isdigit():
        return NUMBERS.get(key) or (numbers or {}).get(key) or CURRENT_OF_SHARED.get(key, "")
    return key if re.fullmatch("[A-Z]{3}", key) else ""


def ambiguous_codes(written):
    """The currencies 1C's «Валюта» ``written`` may name when it names no one currency («манат»: AZN,
    TMT; «у.е.»: none, conventional units), else None."""
    return _AMBIGUOUS.get(currency_key(written))


def same_currency(first, second, numbers=None):
    """Whether two of 1C's spellings of a currency («руб.», «RUB», «643») are one currency: their codes
    (:func:`currency_code`) are, else they are written alike."""
    code = currency_code(first, numbers)
    if code:
        return code == currency_code(second, numbers)
    return bool(currency_key(first)) and currency_key(first) == currency_key(second)
