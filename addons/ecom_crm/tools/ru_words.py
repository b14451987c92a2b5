"""Amounts in words and number/date formats of Russian business documents (plain Python, no database).

``amount_in_words(1234.56)`` -> «одна тысяча двести тридцать четыре рубля 56 копеек»: the whole
units in words with the gender and plural form the currency needs, the hundredths in digits, as
invoices, offers and contracts write them.  ``num2words`` (Odoo's optional dependency) is not used:
its Russian currency form of 0.5.10 reads an integer as kopecks (1000 -> «десять рублей, ноль копеек»)
and spells the kopecks in words after a comma.
"""
from decimal import ROUND_HALF_UP, Decimal

_UNITS = {
    "m": ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
    "f": ("", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
}
_TEENS = ("десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
          "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать")
_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
         "девяносто")
_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
             "девятьсот")
# powers of a thousand: (gender, forms for 1 / 2-4 / 5+)
_SCALES = (
    ("f", ("тысяча", "тысячи", "тысяч")),
    ("m", ("миллион", "миллиона", "миллионов")),
    ("m", ("миллиард", "миллиарда", "миллиардов")),
    ("m", ("триллион", "триллиона", "триллионов")),
)
# currency: (gender of the unit, unit forms, gender of the hundredth, hundredth forms)
CURRENCIES = {
    "RUB": ("m", ("рубль", "рубля", "рублей"), "f", ("копейка", "копейки", "копеек")),
    "USD": ("m", ("доллар США", "доллара США", "долларов США"), "m", ("цент", "цента", "центов")),
    "EUR": ("m", ("евро", "евро", "евро"), "m", ("цент", "цента", "центов")),
    "KZT": ("m", ("тенге", "тенге", "тенге"), "m", ("тиын", "тиына", "тиынов")),
    "BYN": ("m", ("белорусский рубль", "белорусских рубля", "белорусских рублей"), "f",
            ("копейка", "копейки", "копеек")),
    "CNY": ("m", ("юань", "юаня", "юаней"), "m", ("фэнь", "фэня", "фэней")),
}
_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря")


def plural(number, forms):
    """The form of a noun after ``number``: forms = (1, 2-4, 5+): 1 рубль, 3 рубля, 11 рублей, 21 рубль."""
    number = abs(int(number))
    if 11 <= number % 100 <= 14:
        return forms[2]
    return forms[0] if number % 10 == 1 else forms[1] if 2 <= number % 10 <= 4 else forms[2]


def _triple(number, gender):
    """Words of 1..999 (an empty list for 0)."""
    hundreds, rest = divmod(number, 100)
    words = [_HUNDREDS[hundreds]] if hundreds else []
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        tens, units = divmod(rest, 10)
        if tens:
            words.append(_TENS[tens])
        if units:
            words.append(_UNITS[gender][units])
    return words


def number_in_words(number, gender="m"):
    """A whole number in words: 1 -> «один» (gender "m") / «одна» ("f"), 2000 -> «две тысячи»."""
    number = int(number)
    if number < 0:
        return "минус " + number_in_words(-number, gender)
    if number == 0:
        return "ноль"
    if number >= 1000 ** (len(_SCALES) + 1):
        raise ValueError(f"{number} is too large to be written in words")
    groups = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words = []
    for power in range(len(groups) - 1, -1, -1):
        group = groups[power]
        if not group:
            continue
        if power == 0:
            words += _triple(group, gender)
        else:
            scale_gender, forms = _SCALES[power - 1]
            words += [*_triple(group, scale_gender), plural(group, forms)]
    return " ".join(words)


def to_hundredths(amount):
    """``amount`` rounded half up to hundredths, as an integer (1234.565 -> 123457)."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def amount_in_words(amount, currency="RUB"):
    """«одна тысяча двести тридцать четыре рубля 56 копеек» for 1234.56 (currency: an ISO code)."""
    hundredths = to_hundredths(amount)
    sign = "минус " if hundredths < 0 else ""
    units, cents = divmod(abs(hundredths), 100)
    if currency not in CURRENCIES:
        return f"{sign}{number_in_words(units)} {currency} {cents:02d}"
    gender, forms, _cent_gender, cent_forms = CURRENCIES[currency]
    return f"{sign}{number_in_words(units, gender)} {plural(units, forms)} {cents:02d} {plural(cents, cent_forms)}"


def capitalize(text):
    """The first letter in upper case, the rest untouched («доллар США» keeps its «США»)."""
    return text[:1].upper() + text[1:]


def format_amount(amount):
    """1234567.5 -> «1 234 567,50»: a space between thousands, a decimal comma."""
    hundredths = to_hundredths(amount)
    units, cents = divmod(abs(hundredths), 100)
    return f"{'-' if hundredths < 0 else ''}{units:,}".replace(",", " ") + f",{cents:02d}"


def format_quantity(quantity):
    """2.0 -> «2», 1.5 -> «1,5»: no useless decimals."""
    text = f"{quantity:,.3f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")
    return text


def format_date(day):
    """date(2026, 12, 2) -> «2 декабря 2026 г.»."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year} г."
