"""18.0.1.6.4: the intake's technical user is created once (noupdate): an upgrade named it in English
again, then «Приём заявок», over the name a store gave it. Its xmlids are made noupdate here, as a new
install makes them from the data file: the user's and that of its partner, which Odoo names after it
(the name is the partner's).

Russia's Tax ID label «ИНН» (INN in English), on the country itself as Odoo labels every country's, is
not set here: every upgrade of ecom_crm loads its translations right after its post-migrations, and
that load labels it (``ir.module.module._load_module_terms``: ``res.country._ecom_label_russian_tax_id``)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE ir_model_data SET noupdate = true WHERE module = 'ecom_crm' "
               "AND name IN ('user_intake_api', 'user_intake_api_res_partner')")
