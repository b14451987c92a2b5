"""18.0.1.6.2: the owner's reports say which of their amounts include VAT («Выручка с НДС», «База маржи
без НДС», «Маржа без НДС»): the shipped translations of the renamed labels replace the
database's at every upgrade (``migrations/0.0.0``: ``-u`` alone keeps those it has, the Russian
pivot would still say «Выручка»). The dependency on sale_margin (the order lines' cost at the time of the sale) is
installed by the upgrade itself; the reports' views are made again as their SQL changed.

The supply contract's e-mail templates whose subject the store edited were left by 18.0.1.6.0: a
specification to a contract went out as «Договор поставки S00042 …». Where the edited subject still
holds the title as shipped before («Договор поставки {{ object._ecom_document_source_number() }}»,
«Supply contract …»: the store added words around it), that title alone becomes the placeholder
that names the document (``_ecom_document_title('contract')``: «Спецификация № S00042 к договору
№ 15/2026», else «Договор поставки № S00042»); the store's own words are kept. A subject that names
the contract in the store's own words is left as it is: only the store can say it otherwise."""

import json
import re

from odoo import SUPERUSER_ID, api

SPECIFICATION_TEMPLATES = ("mail_template_contract_sale_order", "mail_template_contract_crm_lead")
TITLE = "{{ object._ecom_document_title('contract') }}"
# the title 18.0.1.3.0 to 18.0.1.5.9 shipped in the subject, in the languages shipped (any spacing)
SHIPPED_TITLE = re.compile(r"(?:Supply\s+contract|Договор\s+поставки)\s+\{\{\s*object\._ecom_document_source_number"
                           r"\(\s*\)\s*\}\}")


def name_the_document_in_edited_subjects(cr):
    """Put the placeholder of the document's title where an edited subject of the supply contract's templates
    holds the title shipped before (see the module's docstring); return ``{xml id: [languages changed]}``."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    changed = {}
    for name in SPECIFICATION_TEMPLATES:
        template = env.ref(f"ecom_crm.{name}", raise_if_not_found=False)
        if not template:
            continue
        cr.execute("SELECT subject FROM mail_template WHERE id = %s", [template.id])
        subject = cr.fetchone()[0] or {}
        new = {lang: SHIPPED_TITLE.sub(lambda _match: TITLE, value) for lang, value in subject.items() if value}
        langs = sorted(lang for lang, value in new.items() if value != subject[lang])
        if langs:
            cr.execute("UPDATE mail_template SET subject = subject || %s::jsonb WHERE id = %s",
                       [json.dumps({lang: new[lang] for lang in langs}), template.id])
            changed[f"ecom_crm.{name}"] = langs
    env.invalidate_all()
    return changed


def migrate(cr, version):
    if not version:
        return
    name_the_document_in_edited_subjects(cr)
