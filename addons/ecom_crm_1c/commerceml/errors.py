"""Why an exchange file, archive or name is refused, in words the exchange log translates.

The sniffer, the readers and the archive and path checks raise ``ValueError`` subclasses whose
message is a lazy translation (:data:`_lt`, plain Python: no database needed): :func:`reason`
says it in English, or translated (what 1C is answered and the exchange log writes: their language's).
"""

from odoo.tools.translate import LazyGettext, LazyTranslate

_lt = LazyTranslate(__name__, default_lang="en_US")


def reason(error, translate=None):
    """What ``error`` says: a refusal of this package translated by ``translate`` (``env._``), in English
    without; any other error as it says it."""
    message = error.args[0] if len(error.args) == 1 else None
    if not isinstance(message, LazyGettext):
        return str(error)
    return translate(message) if translate else message._translate("en_US")


def described(error):
    """What 1C's answer and the exchange log say of an unexpected ``error`` (not a refusal of this package):
    its class and its message; an OSError's reason alone, its text naming the server's paths; a database
    error's first line (PostgreSQL's DETAIL quotes the row it refused: a customer's data)."""
    detail = error.strerror if isinstance(error, OSError) and error.strerror else error
    primary = getattr(getattr(error, "diag", None), "message_primary", None)  # psycopg2's errors
    if primary:
        detail = primary
    return f"{error.__class__.__name__}: {detail}"
