"""What a spreadsheet makes of a text cell, in plain Python.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice (OWASP's «CSV injection»), and Odoo's XLSX export writes such a string as
a formula too; a plain number («-1», «+7», «2,5») is a number, not a formula.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[-+]?\d+([.,]\d+)?")


def runs_as_formula(text):
    """Whether a spreadsheet would run ``text`` as a formula."""
    text = str(text or "")
    return text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text)
