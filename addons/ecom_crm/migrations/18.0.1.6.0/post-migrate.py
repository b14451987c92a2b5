"""18.0.1.6.0: the orders confirmed before 18.0.1.5.9 kept no quotation's date (``ecom_quotation_date``):
confirming had set their date to the confirmation's, which their invoice for payment printed as its own
date (and its «Основание», its QR code's purpose, its due date) when printed again. They are dated by
their creation, the day the quotation was made (Odoo keeps no other trace of a quotation's date), in the
time zone the invoice printed its date in: its salesperson's, else the store's (its company's), else UTC.

Only the orders of which that changes the date printed: confirmed (``sale``), without a quotation's date,
made a day before the one they were confirmed. An order confirmed the day it was quoted prints that day
either way and is left alone; so is one dated before its creation (an order an import dated as the shop or
1C had it: its date is no confirmation's), a quotation (its date is still its own) and a cancelled order
(nothing tells whether it was confirmed). A quotation dated again by hand before its confirmation had that
date, which nothing kept: its creation's day is printed. One query, set-based; run again, it finds
nothing left to date.

The supply contract's e-mail templates (created once, ``noupdate``) name the specification to the order's
contract when it is one: «Спецификация № S00042 к договору № 15/2026», asking for it to be signed. A template
the store did not edit gets this version's subject and body, each on its own: every language it holds has the
text shipped before (its whitespace aside), English in a language it has no translation of. The subject and the
body are translated whole (jsonb by language): this version's come from the data file and the shipped
translations, as on a new database. A subject or body edited in any language is left as the store has it."""

import logging

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools import file_path
from odoo.tools.translate import TranslationImporter, get_po_paths

_logger = logging.getLogger(__name__)
SPECIFICATION_TEMPLATES = ("mail_template_contract_sale_order", "mail_template_contract_crm_lead")
# what 18.0.1.3.0 to 18.0.1.5.9 shipped for both, by language (compared with their whitespace collapsed)
SHIPPED_BEFORE = {
    "subject": {
        "en_US": "Supply contract {{ object._ecom_document_source_number() }}",
        "ru_RU": "Договор поставки {{ object._ecom_document_source_number() }}",
    },
    "body_html": {
        "en_US": """<div style="margin: 0px; padding: 0px;"> <p style="margin: 0px; padding: 0px; font-size: 13px;">
            Hello,<br/><br/> please find attached the supply contract with its specification. Please sign it and send
            us a scanned copy; the original can be sent by post or handed over with the goods.<br/><br/>
            Best regards,<br/> <t t-out="object.user_id.name or user.name or ''">Manager</t> </p> </div>""",
        "ru_RU": """<div style="margin: 0px; padding: 0px;"> <p style="margin: 0px; padding: 0px; font-size: 13px;">
            Здравствуйте!<br/><br/> Направляем вам договор поставки со спецификацией. Пожалуйста, подпишите его и
            пришлите нам скан; оригинал можно отправить почтой или передать вместе с товаром.<br/><br/>
            С уважением,<br/> <t t-out="object.user_id.name or user.name or ''">Менеджер</t> </p> </div>""",
    },
}


def date_confirmed_orders_by_their_creation(cr):
    """Set the quotation's date of the orders confirmed before 18.0.1.5.9 (see the module's docstring);
    return how many."""
    cr.execute("""
        WITH zones AS (SELECT name FROM pg_timezone_names),
        confirmed AS (
            SELECT o.id, COALESCE(user_zone.name, store_zone.name, 'UTC') AS zone
              FROM sale_order o
              JOIN res_company company ON company.id = o.company_id
              JOIN res_partner store ON store.id = company.partner_id
              LEFT JOIN zones store_zone ON store_zone.name = store.tz
              LEFT JOIN res_users salesperson ON salesperson.id = o.user_id
              LEFT JOIN res_partner person ON person.id = salesperson.partner_id
              LEFT JOIN zones user_zone ON user_zone.name = person.tz
             WHERE o.state = 'sale' AND o.ecom_quotation_date IS NULL AND o.create_date IS NOT NULL
        )
        UPDATE sale_order o
           SET ecom_quotation_date = (o.create_date AT TIME ZONE 'UTC' AT TIME ZONE c.zone)::date
          FROM confirmed c
         WHERE o.id = c.id
           AND (o.create_date AT TIME ZONE 'UTC' AT TIME ZONE c.zone)::date
               < (o.date_order AT TIME ZONE 'UTC' AT TIME ZONE c.zone)::date
    """)
    return cr.rowcount


def _collapsed(text):
    return " ".join((text or "").split())


def _as_shipped(values, field):
    """Whether a template's ``field`` (its jsonb by language) holds in every language what was shipped."""
    shipped = SHIPPED_BEFORE[field]
    return bool(values) and all(_collapsed(value) == _collapsed(shipped.get(lang, shipped["en_US"]))
                                for lang, value in values.items())


def _shipped_now(name):
    """The subject and body of the template ``name`` in the data file of the version upgraded to, as Odoo loads
    them; None when that version ships it otherwise (this step runs with a later version's code when a store
    upgrades from 18.0.1.5.9 to it: another file, a subject computed, the template gone): it is then left as it
    is, an upgrade that does not fail."""
    try:
        tree = etree.parse(file_path("ecom_crm/data/ecom_document_mail_templates.xml"))
    except (OSError, etree.XMLSyntaxError):
        tree = None
    record = tree.xpath("//record[@id=$name]", name=name) if tree is not None else []
    subject = record[0].xpath("field[@name='subject'][not(@eval)]") if record else []
    body = record[0].xpath("field[@name='body_html'][@type='html']") if record else []
    if not (subject and subject[0].text and body and len(body[0])):
        _logger.warning("ecom_crm: %s is not in the data file as this step knows it: its texts are left", name)
        return None
    return {"subject": subject[0].text,
            "body_html": "".join(etree.tostring(node, method="html", encoding="unicode") for node in body[0])}


def name_the_specification_in_its_mail(cr):
    """Give the supply contract's e-mail templates the store did not edit this version's subject and body (see
    the module's docstring); return the XML ids of those changed, with the fields."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    changed = {}
    for name in SPECIFICATION_TEMPLATES:
        template = env.ref(f"ecom_crm.{name}", raise_if_not_found=False)
        if not template:
            continue
        cr.execute("SELECT subject, body_html FROM mail_template WHERE id = %s", [template.id])
        [stored] = cr.dictfetchall()
        fields = [field for field in ("subject", "body_html") if _as_shipped(stored[field], field)]
        new = fields and _shipped_now(name)
        if not new:
            continue
        # written as loading the data file writes them (the body sanitized alike), then their translations
        # dropped: the shipped ones are loaded below for the languages that have some
        template.with_context(lang="en_US").write({field: new[field] for field in fields})
        env.flush_all()
        for field in fields:
            cr.execute(f"""UPDATE mail_template SET "{field}" = jsonb_build_object('en_US', "{field}"->'en_US')
                            WHERE id = %s""", [template.id])
        changed[f"ecom_crm.{name}"] = fields
    if changed:
        env.invalidate_all()
        importer = TranslationImporter(cr, verbose=False)
        for lang, _name in env["res.lang"].get_installed():
            for path in get_po_paths("ecom_crm", lang):
                importer.load_file(path, lang, xmlids=set(changed))
        importer.save()
    return changed


def migrate(cr, version):
    if not version:
        return
    dated = date_confirmed_orders_by_their_creation(cr)
    changed = name_the_specification_in_its_mail(cr)
    _logger.info("ecom_crm 18.0.1.6.0: %s orders dated by their creation; the specification's texts given to %s",
                 dated, ", ".join(f"{name} ({', '.join(fields)})" for name, fields in changed.items()) or "no template")
