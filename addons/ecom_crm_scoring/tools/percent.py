"""A chance written as the reader's language writes percentages: «40 %» in Russian (CLDR's ``#,##0 %``,
a no-break space before the sign, as the progress bars of the same lists show it), «40%» in English.
Plain Python (babel, which Odoo formats its dates and amounts with): tested without a database."""

from functools import lru_cache

import babel
import babel.numbers


@lru_cache(maxsize=64)
def _percent_pattern(lang):
    """(locale, its percent pattern) of an Odoo language code, parsed once: babel parses both at each
    ``format_percent`` call (40 µs, where applying the pattern takes 3: a list of hundreds of rows
    writes a chance or more on each)."""
    try:
        locale = babel.Locale.parse(lang)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        locale = babel.Locale.parse("en_US")
    return locale, locale.percent_formats[None]


def format_percent(fraction, lang):
    """``fraction`` (0.4) as a whole percentage in ``lang`` (an Odoo language code, ``ru_RU``); a language
    babel does not know writes it as English does."""
    locale, pattern = _percent_pattern(lang or "en_US")
    # whole percents, rounded as the stored chances always were (half away from zero in practice)
    return pattern.apply(round(fraction * 100) / 100, locale)
