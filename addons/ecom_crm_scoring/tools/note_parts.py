"""The parts of a scheduled contact's note, told by their words: the editor of the activity's form
rewrites the markup of the note it sends back (bold dropped, no-break spaces as spaces), so the
score's own part of a note a person wrote on is recognised by its text, part by part."""

import lxml.html
from markupsafe import Markup

from odoo.tools import is_html_empty


def html_parts(html):
    """The top-level parts of an HTML fragment as HTML, each with the text after it (a text before
    any element as a paragraph); none for an empty one."""
    if is_html_empty(html):
        return []
    root = lxml.html.fragment_fromstring(str(html), create_parent="div")
    parts = [str(Markup("<p>%s</p>") % root.text.strip())] if root.text and root.text.strip() else []
    return parts + [lxml.html.tostring(child, encoding="unicode") for child in root]


def html_text(html):
    """The words of an HTML part, spaces (no-break ones too) normalized, a list's items apart."""
    return " ".join(" ".join(lxml.html.fragment_fromstring(str(html), create_parent="div").itertext()).split())


def generated_texts(note, person_note=None):
    """The texts of the parts of a note of the scoring that are not a person's words (``person_note``)."""
    theirs = {html_text(part) for part in html_parts(person_note)}
    return {text for text in map(html_text, html_parts(note)) if text and text not in theirs}
