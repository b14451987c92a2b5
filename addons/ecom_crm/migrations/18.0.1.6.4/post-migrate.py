"""18.0.1.6.4: Russia's Tax ID is labelled «ИНН» (INN in English) on the country itself, as Odoo labels
every country's: Odoo's forms, the company's and the addresses read it from there. Until now ecom_crm
relabelled the partner form only, and only in a Russian company. A label a store gave Russia is kept.

The intake's technical user is created once (noupdate): an upgrade named it in English again, then
«Приём заявок», over the name a store gave it. Its xmlids are made noupdate here, as a new install
makes them from the data file: the user's and that of its partner, which Odoo names after it (the name
is the partner's)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE ir_model_data SET noupdate = true WHERE module = 'ecom_crm' "
               "AND name IN ('user_intake_api', 'user_intake_api_res_partner')")
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.country"]._ecom_label_russian_tax_id()
