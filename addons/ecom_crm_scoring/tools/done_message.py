"""The «done» message Odoo posted for a scheduled contact of the scoring before 18.0.2.3.16, without
what told the customer's score: its «Original note» (the chance, why, what the scoring sees) and its
summary (the reason: the group and the chance). The outcome and the salesperson's feedback stay.

Odoo renders the message from ``mail.message_activity_done``: a first paragraph «<type> done
(originally assigned to …): <summary>», the note under a title of class ``o_mail_note_title``,
then the feedback. Plain Python (lxml): tested without a database."""

from lxml import etree, html


def _drop(element):
    """Remove ``element``, keeping the text that follows it (its tail)."""
    parent, tail = element.getparent(), element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def without_scoring_note(body):
    """``body`` (a «done» message's HTML) without the activity's note and summary, or ``None`` when
    it has neither (nothing to change)."""
    if not body or not body.strip():
        return None
    try:
        root = html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):  # not HTML lxml reads: not Odoo's message, left as it is
        return None
    changed = False
    for title in root.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " o_mail_note_title ")]'):
        note = title.getnext()
        if note is not None and note.tag == "div":
            _drop(note)
        _drop(title)
        changed = True
    # the summary: the span after the «: » span of the first paragraph (its separator, rendered with it)
    first = next(iter(root.iter("p")), None)
    if first is not None:
        for separator in first.findall("span"):
            summary = separator.getnext()
            if (separator.text or "").strip() == ":" and not len(separator) and summary is not None \
                    and summary.tag == "span":
                _drop(summary)
                _drop(separator)
                changed = True
                break
    if not changed:
        return None
    return (root.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)
