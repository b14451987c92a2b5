"""Phone numbers in one stored format: E.164 (+7XXXXXXXXXX for Russia), whatever was typed.

A thin layer over Odoo's phone_validation (itself over Google's libphonenumber): no regexes.

An extension typed with the number (an office's «+7 (495) 123-45-67 доб. 123») is kept after it,
as «+74951234567 доб. 123»: libphonenumber reads it back with its extension, so Odoo's sanitized
number (phone_sanitized, what SMS and blacklists use) stays the E.164 number alone, and the
salesperson calling the company sees whom to ask for. What matches calls and requests to customers
is the number without its extension (:func:`phone_without_extension`).
"""

import functools
import re

from markupsafe import Markup, escape

from odoo.addons.phone_validation.tools.phone_validation import phone_format, phone_parse
from odoo.exceptions import UserError

try:
    import phonenumbers
except ImportError:  # phone_validation then checks nothing, neither do we
    phonenumbers = None

# how a kept extension is written after the number: libphonenumber reads «доб.» (any case, with or
# without the dot), «ext», «ext.», «extension», «x», «#» and «,» as extension markers, in any country
EXTENSION_SEPARATOR = " доб. "

# Russian spellings of an extension libphonenumber does not read: read as «доб.» when the number as
# typed cannot be read (a number that can is parsed once, as before)
EXTENSION_WORDS = ("добавочный", "доп.", "внутр.", "вн.", "д.")

# the valid values normalize_phone stored lately, with their E.164 number (without the extension):
# formatted in E.164 again they give it back without parsing, and they are valid whatever the country
# reading them (a dict, emptied when full)
_VALID_E164 = {}
_VALID_E164_MAX = 8192


def normalize_phone(number, country_code="RU", country_phone_code=7):
    """Return ``(stored_value, valid)`` for a typed ``number``.

    Valid numbers come back in E.164 («8 (916) 123-45-67» → «+79161234567»), an extension typed
    with them kept after them («8 495 1234567 ext. 45» → «+74951234567 доб. 45»); the country only
    matters for numbers typed without their international prefix.  An invalid number is kept as
    typed (stripped), so nothing the customer gave is lost, and flagged invalid.  Empty values stay
    as they are. A stored value gives itself again.
    """
    if not number or not str(number).strip():
        return number, True
    number = str(number).strip()
    if number in _VALID_E164:  # stored by this process lately (the intake's phone, then its customer's)
        return number, True
    parsed = parsed_phone(number, country_code or "RU")
    if not parsed:
        spelled = _extension_spelled(number)
        parsed = spelled and parsed_phone(spelled, country_code or "RU")
    if not parsed:
        return number, False
    e164, extension = parsed
    stored = f"{e164}{EXTENSION_SEPARATOR}{extension}" if extension else e164
    if len(_VALID_E164) >= _VALID_E164_MAX:
        _VALID_E164.clear()
    _VALID_E164[stored] = e164
    return stored, True


# what separates the numbers of one field, as forms and imports carry them («+7 916 123-45-67, 8 (495)
# 765-43-21», «89161234567 / 89031112233», «тел. 8916…; моб. 8903…», a number a line, «… или …»)
NUMBERS_SEPARATOR = re.compile(r"\s*(?:[,;/\\|\n\r]+|\s(?:или|либо|and|or|и)\s)\s*", re.IGNORECASE)
# the same, the separators kept: what a piece comes after tells a shorthand from an extension
_NUMBERS_SPLIT = re.compile(f"({NUMBERS_SEPARATOR.pattern})", re.IGNORECASE)
# an extension has at most this many digits: such a piece after a number is its extension («…, доб. 12»,
# «8 (495) 765-43-21, 123»), not a number of its own (a number has more: see tools.intake.MIN_PHONE_DIGITS)
MAX_EXTENSION_DIGITS = 4
# the Russian shorthand of a second line: «123-45-67/68», «…67, 68», «8916…67/8» is …67 and …68, the
# number before with its last digits replaced (digits alone after a separator, the number and the line
# both valid). After a mobile, one or two digits after any separator, three or four after a slash or
# «или» only; after another number (a landline, a number of the USA's that may be either), one or two
# after a slash, «или» or a line break. Digits alone that make no line: after a comma or «;» they are a
# landline's extension, as a phone's contacts export it («+7 495 765-43-21,12», dialled after a pause) and
# as an office may write it («8 (495) 765-43-21, 123»), and after a slash three or four of them too
# («…21/123»); but a mobile has no extension, and a line break starts another value: there they are no
# number and no extension, kept apart as typed (the request's notes: «89161234567, 1234», «…21\n123»), never
# a bogus second number (…67 with its last four digits replaced) nor a mobile's extension
MAX_SHORTHAND_DIGITS = 2
# the separators that mark the shorthand of a line (a slash, «или»): one or two digits after them are a
# line of any number, three or four a mobile's
_LINE_SEPARATOR = re.compile(r"[/\\]|[^\W\d_]")
# a line break: what follows it is another value, never the extension of the number before (one or two
# digits there are the shorthand of a line of any number)
_NEW_VALUE = re.compile(r"[\n\r]")
# an «extension» of at least this many digits that is a valid number alone is a second number: what
# «8916…;8903…» became when read as one number (libphonenumber reads «;» and «,» as extension marks),
# and what Odoo's own formatting in the form makes of it («+7 916 123-45-67 ext. 89031112233»)
MIN_NUMBER_AS_EXTENSION_DIGITS = 7
# the numbers of one field read at most (an import's cell of a thousand pieces is read so far, the rest
# kept as typed)
MAX_NUMBERS = 8
# numbers typed with spaces alone between them («+7 916 123-45-67 +7 903 765-43-21», «89161234567
# 89037654321»): a field (or a piece of it) that is no valid number is read so when its words can be
# grouped into valid numbers in one way only; a field of more words is not (kept as typed). A group has
# the digits of one number: more than an extension's, at most E.164's 15 with a prefix typed before
# them («8 10», «00») and an extension after them
MAX_SPACED_WORDS = 24
MAX_NUMBER_DIGITS = 15 + 2 + MAX_EXTENSION_DIGITS


def split_phones(number, country_code="RU", country_phone_code=7):
    """The numbers typed in one phone field, in order, each ``(stored_value, valid)`` as
    :func:`normalize_phone` gives it.

    A form or an import may carry two numbers in one field («+7 916 123-45-67, 8 (495) 765-43-21»,
    «89161234567 / 89031112233», «89161234567 89037654321»): read as one, they would be one invalid
    value (or the second number the first's extension) and the customer known by either number would
    not be found. The field is cut at commas, semicolons, slashes, bars, line breaks and «или»; a
    piece of digits alone is the shorthand of the next line when the number before with its last
    digits replaced is valid (see :data:`MAX_SHORTHAND_DIGITS`: «8 916 123-45-67/68», «…67, 68» are
    …67 and …68, a landline's after a slash, «или» or a line break only); digits alone that make no
    line after a mobile (which has no extension) or a line break (another value) are kept apart as
    typed, no number («89161234567, 1234»: the request's notes keep them); another piece of at most
    MAX_EXTENSION_DIGITS digits stays with the number before it as its extension («тел. 8916…, доб. 12;
    моб. 8903…» is two numbers, the first with its extension, «8 (495) 765-43-21, 12» one); a piece
    without digits (a word) is no number. A piece (or a field) that is no valid number is read as
    numbers typed with spaces between them when its words make valid numbers in one way only
    (:func:`_spaced_numbers`: never a number written with spaces, which is valid whole). A field of
    one number (most) is that number, as :func:`normalize_phone` reads it; if what it reads as the
    extension is a whole valid number («+79161234567 доб. 89031112233»), that is the second number. A
    field read as no valid number is kept whole, as typed (a date «12/05/2024» is not cut into
    pieces)."""
    if not number or not str(number).strip():
        return [(number, True)]
    text = str(number).strip()
    if not NUMBERS_SEPARATOR.search(text) or text in _VALID_E164:
        one = normalize_phone(text, country_code, country_phone_code)  # a valid number (most) is read once
        spaced = not one[1] and _spaced_numbers(text, country_code, country_phone_code)
        if spaced:
            return _numbers_read(spaced, country_code, country_phone_code, joined=" ")
        return _numbers_of(one, country_code, country_phone_code)
    groups, bases = [], []  # the numbers as typed (with their extensions), and each one's number alone
    apart = set()  # the groups of digits kept apart (no number, no extension: see _digits_after)
    words = False  # a piece without digits («мама»): a field of one number and it is kept as typed
    pieces = _NUMBERS_SPLIT.split(text)  # piece, separator, piece, …
    for index in range(0, len(pieces), 2):
        piece, separator = pieces[index], pieces[index - 1] if index else ""
        digits = sum(char.isdigit() for char in piece)
        if not digits:
            words = words or bool(piece)
            continue
        if groups and digits <= MAX_EXTENSION_DIGITS and piece.isascii() and piece.isdigit():
            line = _digits_after(bases[-1], piece, separator, country_code, country_phone_code)
            if line:  # the shorthand of a line, or digits kept apart (no number, no extension)
                if line == piece:
                    apart.add(len(groups))
                groups.append(line)
                bases.append(line)
                continue
        if groups and len(groups) - 1 in apart and digits <= MAX_EXTENSION_DIGITS:
            # more digits after digits kept apart («…67, 1234, 5»): kept with them as typed, no extension
            groups[-1] += _NEW_VALUE.sub(" ", separator) + piece
        elif groups and digits <= MAX_EXTENSION_DIGITS:
            # «доб. 12», «вн. 12», «ext 12» read as they are; digits alone as an extension
            groups[-1] += f" {piece}" if any(char.isalpha() for char in piece) else f"{EXTENSION_SEPARATOR}{piece}"
        else:
            # a piece of numbers typed with spaces between them: each a number (an import's cell of
            # a thousand pieces is not read past MAX_NUMBERS)
            spaced = len(groups) < MAX_NUMBERS and _spaced_numbers(piece, country_code, country_phone_code)
            groups += spaced or [piece]
            bases += spaced or [piece]
    if len(groups) < 2:  # one number, maybe with its extension after a comma or a slash («…67, доб. 12», «…67/123»)
        one = normalize_phone(text, country_code, country_phone_code)
        if not one[1] and groups and not words:
            one = normalize_phone(groups[0], country_code, country_phone_code)
            one = one if one[1] else (text, False)
        return _numbers_of(one, country_code, country_phone_code)
    return _numbers_read(groups, country_code, country_phone_code)


def _numbers_read(groups, country_code, country_phone_code, joined=", "):
    """The numbers typed ``groups`` as :func:`split_phones` gives them: the first MAX_NUMBERS read, the
    rest kept as typed (one value, ``joined``, flagged invalid)."""
    rest = [(joined.join(groups[MAX_NUMBERS:]), False)] if len(groups) > MAX_NUMBERS else []
    return [normalize_phone(group, country_code, country_phone_code) for group in groups[:MAX_NUMBERS]] + rest


def _digits_after(typed, digits, separator, country_code, country_phone_code):
    """What ``digits`` (one to MAX_EXTENSION_DIGITS of them, alone) typed after the number ``typed`` and
    ``separator`` are, as :data:`MAX_SHORTHAND_DIGITS` tells: the next line they write in shorthand
    («…67/68», «…67, 68»: ``typed`` with its last digits replaced, when both are valid numbers and
    differ); ``digits`` themselves, kept apart as typed, where they can be no extension (after a mobile,
    which has none, or a line break, which starts another value: «89161234567, 1234», «…21\\n123»); else
    None, the number's extension (a landline's «…21, 12», «…21/123»; digits after a number with an
    extension already, or after no valid number)."""
    stored, valid = normalize_phone(typed, country_code, country_phone_code)
    if not valid or EXTENSION_SEPARATOR in stored:
        return None
    mobile, marked = _is_mobile(stored), bool(_LINE_SEPARATOR.search(separator))
    new_value = not marked and bool(_NEW_VALUE.search(separator))
    # a line: one or two digits after a mobile, a slash, «или» or a line break; more after a mobile's slash
    shorthand = (mobile or marked or new_value) if len(digits) <= MAX_SHORTHAND_DIGITS else (mobile and marked)
    if shorthand:
        line = _last_digits_replaced(typed, digits)
        line_stored, line_valid = normalize_phone(line, country_code, country_phone_code)
        if line_valid and line_stored != stored:
            return line
    return digits if mobile or new_value else None


@functools.lru_cache(maxsize=8192)
def _is_mobile(stored):
    """Whether a stored valid number is a mobile's, as libphonenumber knows it (a Russian +7 9xx)."""
    if phonenumbers is None or stored.startswith(LANDLINE_PREFIXES):
        return False
    try:
        parsed = phonenumbers.parse(stored, None)  # stored: E.164, its country in it
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE


def _spaced_numbers(text, country_code, country_phone_code):
    """The numbers of ``text`` typed with spaces alone between them, each as typed («+7 916 123-45-67 +7
    903 765-43-21» → «+7 916 123-45-67», «+7 903 765-43-21»): when ``text`` is no valid number, and its
    words (what spaces separate, at most MAX_SPACED_WORDS) make valid numbers read in one way only, each
    of a few words in a row. Else None: a number written with spaces («8 916 123 45 67», «+44 20 7946
    0958») is valid whole; a field whose words make no valid numbers, or different numbers depending
    on where they are cut, is kept as typed (nothing is guessed)."""
    words = text.split()
    if not 2 <= len(words) <= MAX_SPACED_WORDS or normalize_phone(text, country_code, country_phone_code)[1]:
        return None
    counts = [sum(char.isdigit() for char in word) for word in words]
    readings = {len(words): [((), ())]}  # a word's index: the readings of the words from it, two at most

    def read(start):
        # [(numbers as typed, their stored values)] of words[start:], up to two with different values
        if start not in readings:
            found, digits = [], 0
            for end in range(start + 1, len(words) + 1):
                digits += counts[end - 1]
                if digits > MAX_NUMBER_DIGITS or len(found) > 1:
                    break
                if digits <= MAX_EXTENSION_DIGITS:
                    continue
                typed = " ".join(words[start:end])
                stored, valid = normalize_phone(typed, country_code, country_phone_code)
                if not valid:
                    continue
                for typed_rest, stored_rest in read(end):
                    if (stored, *stored_rest) not in [values for _typed, values in found]:
                        found.append(((typed, *typed_rest), (stored, *stored_rest)))
            readings[start] = found[:2]
        return readings[start]

    found = read(0)
    return list(found[0][0]) if len(found) == 1 and len(found[0][0]) > 1 else None


def _last_digits_replaced(typed, digits):
    """``typed`` (a number as typed) with its last ``len(digits)`` digits replaced by ``digits``."""
    chars, count = list(typed), len(digits)
    for position in range(len(chars) - 1, -1, -1):
        if count and chars[position].isdigit():
            count -= 1
            chars[position] = digits[count]
    return "".join(chars)


def _numbers_of(normalized, country_code, country_phone_code):
    """``[normalized]``, the ``(stored_value, valid)`` of a field read as one number; two numbers when its
    «extension» is a valid number of its own (:data:`MIN_NUMBER_AS_EXTENSION_DIGITS`)."""
    stored, valid = normalized
    number, _sep, extension = stored.partition(EXTENSION_SEPARATOR) if valid else (stored, "", "")
    if len(extension) >= MIN_NUMBER_AS_EXTENSION_DIGITS:
        second = normalize_phone(extension, country_code, country_phone_code)
        if second[1]:
            return [normalize_phone(number, country_code, country_phone_code), second]
    return [normalized]


def first_phone(number, country_code="RU", country_phone_code=7):
    """``(stored_value, valid, others)``: the first valid number of a field (:func:`split_phones`),
    and the other numbers it carries (stored values, the invalid ones as typed); a field without a
    valid number is kept whole as typed, flagged invalid, with no others."""
    numbers = split_phones(number, country_code, country_phone_code)
    if len(numbers) == 1:
        return (*numbers[0], [])
    first = next((index for index, (_stored, valid) in enumerate(numbers) if valid), None)
    if first is None:
        return str(number).strip(), False, []
    others = [stored for index, (stored, _valid) in enumerate(numbers) if index != first]
    # the same number twice is one («8916…, +7916…»)
    kept = numbers[first][0]
    others = [other for index, other in enumerate(others)
              if phone_without_extension(other) != phone_without_extension(kept) and other not in others[:index]]
    return kept, True, others


# the separators a caller id's digits may come with, and the invisible marks around a number copied
SEPARATOR_CHARS = r"\s\-\u2010-\u2015().\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
SEPARATORS = re.compile(f"[{SEPARATOR_CHARS}]")


def caller_id_number(number, country_code="RU", country_phone_code=7):
    """A telephony's caller id stored as :func:`normalize_phone` stores a typed number. Telephony gives
    numbers in international digits without their «+» («79161234567», «375291234567», «00998901234567»):
    one the country cannot read is read as international, else a Belarusian or Uzbek caller is kept
    as typed, flagged invalid and matched to nobody (a duplicate of the customer with «+375…»).

    Not a number written as the country writes its own («8 495 123 456», a digit short; «8 1xx…»): the
    country's, invalid, it stays as typed, flagged, rather than become a Vietnamese or Japanese one
    (+84…, +81…) nobody gave (see :func:`_national_shape`)."""
    stored, valid = normalize_phone(number, country_code, country_phone_code)
    digits = SEPARATORS.sub("", stored) if stored and not valid else ""
    if digits.isascii() and digits.isdigit() and not _national_shape(digits, country_code or "RU"):
        international, valid = normalize_phone(f"+{digits.removeprefix('00')}", country_code, country_phone_code)
        if valid:
            return international
    return stored


def _national_shape(digits, country_code):
    """Whether ``digits`` are written as ``country_code``'s own numbers are: read in that country (its
    trunk prefix, «8» in Russia, taken off, no country code of its own before them), as long as its
    mobiles' or landlines' numbers. Such a number the country cannot read is one of its own, mistyped
    or of a range libphonenumber does not know yet, not a foreign one: «84951234567»-like digits are
    a Russian number there, whatever +84 would make of them. A Russian caller («79161234567») in
    Kazakhstan keeps its +7 (the same country code, read off the digits); in Belarus it has eleven
    digits, none of its numbers' lengths."""
    if phonenumbers is None:
        return False
    try:
        parsed = phonenumbers.parse(digits, country_code, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return False
    if parsed.country_code_source != phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY:
        return False
    return any(phonenumbers.is_possible_number_for_type_with_reason(parsed, kind) in (
        phonenumbers.ValidationResult.IS_POSSIBLE, phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY)
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE))


def _extension_spelled(number):
    """``number`` with its first Russian extension word libphonenumber does not read («вн. 12»,
    «д. 12», «добавочный 12») spelled «доб.», or None."""
    lowered = number.lower()
    for word in EXTENSION_WORDS:
        index = lowered.find(word)
        if index > 0:
            return f"{number[:index]} доб. {number[index + len(word):]}"
    return None


# Russia's geographic and 8xx numbers (+7 3xx, 4xx, 8xx): landlines, which take no SMS; its mobiles
# are +7 9xx, and +7 6xx / 7xx are Kazakhstan's (what is read without the phonenumbers library)
LANDLINE_PREFIXES = ("+73", "+74", "+78")

# the kinds of numbers an SMS reaches (libphonenumber's number types): a mobile, or a number whose
# plan does not tell a mobile from a landline (the USA's, Canada's)
SMS_NUMBER_TYPES = () if phonenumbers is None else (
    phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@functools.lru_cache(maxsize=8192)
def takes_sms(value):
    """Whether a stored phone may be sent an SMS: a valid number that libphonenumber reads as a
    mobile (a Russian +7 9xx, a Kazakh +7 7xx, a foreign mobile); a landline (+7 495…, a toll-free
    8 800, a foreign office's), a number kept as typed (invalid) take none."""
    number = phone_without_extension(value)
    if not number:
        return False
    if number.startswith(LANDLINE_PREFIXES):
        # a Russian landline, toll-free or special number (+7 3…, 4…, 8…: libphonenumber knows none
        # of them as a mobile): told without parsing it again, a request's phone is parsed once
        return False
    if phonenumbers is None:
        return True
    try:
        parsed = phonenumbers.parse(number, None)  # stored: E.164, its country in it
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in SMS_NUMBER_TYPES


def sms_number(*values):
    """The number (E.164, without its extension) an SMS to a contact goes to: the first of its stored
    phones ``values`` (the mobile, then the phone) that takes SMS; False when none does. The same
    for a mailing to customers, an audience's list contact and the counts."""
    return next((phone_without_extension(value) for value in values if takes_sms(value)), False)


def sms_phone(*values):
    """The stored phone of ``values`` (its extension kept) whose number :func:`sms_number` gives, or False."""
    return next((value for value in values if takes_sms(value)), False)


def phone_without_extension(value):
    """The number of a stored phone without its extension: «+74951234567 доб. 123» → «+74951234567».

    What requests and calls are matched by (an office's switchboard is the company's, whichever
    extension was given) and what an SMS is sent to. Other values come back as they are."""
    return value.partition(EXTENSION_SEPARATOR)[0] if value else value


def phone_extension(value, country_code="RU", country_phone_code=7):
    """The extension of a phone, stored or typed («8 495 123-45-67 доб. 12» → «12»); "" without one,
    or when the number cannot be read. A stored phone is not parsed again."""
    stored, valid = normalize_phone(value, country_code, country_phone_code)
    return stored.partition(EXTENSION_SEPARATOR)[2] if value and valid else ""


def normalize_phone_vals(env, vals, records=None, fnames=("phone", "mobile"), others=None):
    """Normalise the phone fields of a create/write ``vals`` dict in place.

    The country that reads national numbers is the one being written, else the records'
    common country, else the company's country of national numbers (a setting), else Russia.

    A field carrying several numbers (:func:`split_phones`) keeps its first valid one; the next ones
    go to the other phone fields left empty (not written, and empty on every one of the ``records``):
    «+7 916 123-45-67, 8 (495) 765-43-21» typed as the phone is the phone and the mobile. Those no
    field takes are appended to the list ``others``, for the caller to keep them in a note.
    """
    if not any(vals.get(f) for f in fnames):
        return vals
    country = env["res.country"].browse(vals["country_id"]) if vals.get("country_id") else None
    if country is None and records:
        countries = records.country_id
        country = countries if len(countries) == 1 else None
    country = country or env.company._ecom_phone_country()
    extra = []
    for fname in fnames:
        if vals.get(fname):
            vals[fname], _valid, more = first_phone(vals[fname], country.code, country.phone_code)
            extra += more
    if extra:
        given = {phone_without_extension(vals[fname]) for fname in fnames if vals.get(fname)}
        extra = [number for number in extra if phone_without_extension(number) not in given]
        # digits too few for a number («89161234567, 1234»: see MAX_SHORTHAND_DIGITS) fill no phone field
        kept = [number for number in extra if _too_short(number)]
        extra = [number for number in extra if number not in kept]
        for fname in fnames:
            if extra and not vals.get(fname) and (fname in vals or not records or not any(records.mapped(fname))):
                vals[fname] = extra.pop(0)
        if others is not None:
            others += extra + kept
    return vals


def normalize_phone_pair(phone, mobile, country_code="RU", country_phone_code=7):
    """``(phone, mobile)`` stored as :func:`normalize_phone_vals` stores a record's typed ``phone`` and
    ``mobile`` (a pass over the numbers stored as typed): a field of two numbers gives its second to the
    other field when it is empty. A field whose other numbers no field can take stays as typed, flagged
    invalid: such a pass writes no notes, and nothing typed is lost (digits too few for a number, kept
    apart after it, «89161234567, 1234», are taken by no field: the field stays as typed)."""
    typed = {"phone": phone, "mobile": mobile}
    stored, others = dict(typed), {}
    for fname, value in typed.items():
        if value:
            stored[fname], _valid, others[fname] = first_phone(value, country_code, country_phone_code)
    for fname, more in others.items():
        given = {phone_without_extension(value) for value in stored.values() if value}
        more = [number for number in more if phone_without_extension(number) not in given]
        free = [other for other in stored if not stored[other]]
        if len(more) > len(free) or any(_too_short(number) for number in more):
            stored[fname] = typed[fname].strip()
        else:
            stored.update(zip(free, more, strict=False))  # more free fields than numbers
    return stored["phone"], stored["mobile"]


def _too_short(value):
    """Whether a piece of a phone field has too few digits to be a number (at most an extension's in
    each of its parts): what :func:`split_phones` keeps apart after a mobile or a line break
    («89161234567, 1234», «…67, 1234, 5»)."""
    return all(sum(char.isdigit() for char in part) <= MAX_EXTENSION_DIGITS
               for part in NUMBERS_SEPARATOR.split(str(value)))


def with_other_phones(env, note, numbers, own=()):
    """An HTML ``note`` (a customer's, a request's) with a line of the other ``numbers`` a phone field
    gave that no phone field took (:func:`normalize_phone_vals`): nothing the customer gave is lost.
    The numbers the record has (``own``: its phone and mobile) or its note has already are left out (a
    form saved again, an import run again adds no line); None when none is left."""
    own = {phone_without_extension(number) for number in own if number}
    text = str(note or "")
    numbers = [number for number in dict.fromkeys(numbers)
               if phone_without_extension(number) not in own and str(escape(number)) not in text]
    if not numbers:
        return None
    line = Markup("<p>%s</p>") % env._("Other phones: %(phones)s", phones=", ".join(numbers))
    return Markup(note or "") + line


def several_phones(value, country_code="RU", country_phone_code=7):
    """Whether a typed phone field carries several numbers (:func:`split_phones`)."""
    return bool(value) and len(split_phones(value, country_code, country_phone_code)) > 1


# Odoo formats and checks the same number again in each computed phone field (the lead's and the
# customer's sanitized numbers, the lead's phone quality): three more parses of a request's phone,
# ≈ 10% of turning it into a lead. A number normalised here is known valid, with its E.164 number;
# others' answers are kept per process. A failure is kept as None only: Odoo's own code then runs
# again, for its error in the user's language (see models/base.py).

@functools.lru_cache(maxsize=8192)
def parsed_phone(number, country_code):
    """``(E.164 number, extension or "")`` of a valid ``number`` read by phone_validation (one parse),
    None for an invalid one; ``(number, "")`` when the phonenumbers library is missing (Odoo then
    checks nothing either)."""
    try:
        parsed = phone_parse(number, country_code)
    except UserError:
        return None
    if not parsed or phonenumbers is None:
        return number, ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), parsed.extension or ""


@functools.lru_cache(maxsize=8192)
def formatted_phone(number, country_code, country_phone_code, force_format="E164"):
    """``phone_format(...)`` of a number, or None if it cannot be formatted."""
    if force_format == "E164" and number in _VALID_E164:
        return _VALID_E164[number]
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
