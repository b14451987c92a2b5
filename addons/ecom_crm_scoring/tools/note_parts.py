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


LISTS = ("ul", "ol")


def _items(part):
    """The items of a list part as HTML (none for another part)."""
    root = lxml.html.fragment_fromstring(str(part), create_parent="div")
    if len(root) != 1 or root[0].tag not in LISTS:
        return []
    return [lxml.html.tostring(item, encoding="unicode", with_tail=False) for item in root[0] if item.tag == "li"]


def generated_texts(note, person_note=None):
    """The texts of the parts of a note of the scoring that are not a person's words (``person_note``),
    and of each item of its lists (a line a person adds inside the score's list is told apart)."""
    theirs = {html_text(part) for part in html_parts(person_note)}
    theirs.update(html_text(item) for part in html_parts(person_note) for item in _items(part))
    texts = set()
    for part in html_parts(note):
        for text in [html_text(part), *map(html_text, _items(part))]:
            if text and text not in theirs:
                texts.add(text)
    return texts


def person_parts(note, generated):
    """The parts of ``note`` that are not the score's (``generated``: :func:`generated_texts`'s texts), as
    HTML: a list of the score's with lines a person added or changed keeps only those lines (as a list)."""
    parts = []
    for part in html_parts(note):
        if is_html_empty(part) or html_text(part) in generated:
            continue
        items = _items(part)
        if items and any(html_text(item) in generated for item in items):
            tag = lxml.html.fragment_fromstring(str(part), create_parent="div")[0].tag
            mine = [item for item in items if html_text(item) not in generated and not is_html_empty(item)]
            if mine:
                parts.append(f"<{tag}>{''.join(mine)}</{tag}>")
            continue
        parts.append(part)
    return parts
