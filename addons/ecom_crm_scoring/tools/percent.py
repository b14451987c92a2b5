"""A chance written as the reader's language writes percentages: «40 %» in Russian (CLDR's ``#,##0 %``,
a no-break space before the sign, as the progress bars of the same lists show it), «40%» in English.
Plain Python (babel, which Odoo formats its dates and amounts with): tested without a database."""

import babel
import babel.numbers


def format_percent(fraction, lang):
    """``fraction`` (0.4) as a whole percentage in ``lang`` (an Odoo language code, ``ru_RU``); a language
    babel does not know writes it as English does."""
    try:
        locale = babel.Locale.parse(lang or "en_US")
    except (ValueError, TypeError, babel.UnknownLocaleError):
        locale = babel.Locale.parse("en_US")
    # whole percents, rounded as the stored chances always were (half away from zero in practice)
    return babel.numbers.format_percent(round(fraction * 100) / 100, locale=locale)
