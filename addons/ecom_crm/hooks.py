import logging

_logger = logging.getLogger(__name__)

# Odoo's generic pipeline and refusal reasons, which ours replace in a fresh database.
CRM_DEFAULT_STAGES = ("crm.stage_lead1", "crm.stage_lead2", "crm.stage_lead3", "crm.stage_lead4")


def post_init_hook(env):
    """Make the store pipeline the pipeline.

    Odoo's default stages are removed only when no lead uses them (a fresh
    database); in a database that already works with them they are kept, so
    that no lead changes stage behind its manager's back.  (Odoo's default
    refusal reasons are archived by data/crm_lost_reason_data.xml.)
    """
    # national phone numbers are read in each company's own country (Russia when it has none)
    for company in env["res.company"].search([("ecom_phone_country_id", "=", False)]):
        company.ecom_phone_country_id = company.country_id or env.ref("base.ru")
    # the customers' phones as the addon stores them, so that requests and calls find them
    env["res.partner"]._ecom_normalize_stored_phones()
    env["crm.lead"]._ecom_normalize_stored_phones()
    # the intake API serves every company's sources
    env.ref("ecom_crm.user_intake_api").company_ids = env["res.company"].search([])
    # the shipped channels in the database's language (utm names are not translatable)
    for lang in env["res.lang"].get_installed():
        env["utm.source"]._ecom_localize(lang[0])
    # a partner's Tax ID in a Russian company is its ИНН (Odoo gives Russia no label)
    env["res.country"]._ecom_label_russian_tax_id()
    # a store that already sells: its orders get the store status their state says
    set_order_statuses_from_state(env)
    # a store that already sells: every customer's card is computed now, not at the first nightly run
    env["res.partner"]._ecom_refresh_customer_card()
    Lead = env["crm.lead"].with_context(active_test=False)
    for xmlid in CRM_DEFAULT_STAGES:
        stage = env.ref(xmlid, raise_if_not_found=False)
        if stage and not Lead.search_count([("stage_id", "=", stage.id)], limit=1):
            _logger.info("ecom_crm: replacing unused default stage %r", stage.name)
            stage.unlink()
    # the stage history of the requests already there (from the stage tracking), then the funnel and
    # the salespeople's report, which are tables
    env["ecom.lead.stage.history"]._ecom_reconstruct()
    env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)


def set_order_statuses_from_state(env):
    """Give orders that predate the store status the one their state says: confirmed (delivered when
    Odoo counts them fully delivered, or paid/shipped when 1C said so), cancelled, else quotation."""
    cr = env.cr
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'sale_order' "
               "AND column_name IN ('ecom_1c_paid', 'ecom_1c_shipped')")
    flags = {row[0] for row in cr.fetchall()}
    shipped = "WHEN coalesce(ecom_1c_shipped, false) THEN 'shipped'" if "ecom_1c_shipped" in flags else ""
    paid = "WHEN coalesce(ecom_1c_paid, false) THEN 'paid'" if "ecom_1c_paid" in flags else ""
    cr.execute(f"""
        UPDATE sale_order o
           SET ecom_status = CASE
                   WHEN o.state = 'cancel' THEN 'cancelled'
                   WHEN o.state = 'sale' THEN CASE
                       WHEN NOT EXISTS (SELECT 1 FROM sale_order_line l
                                         WHERE l.order_id = o.id AND l.display_type IS NULL
                                           AND l.qty_delivered < l.product_uom_qty) THEN 'delivered'
                       {shipped} {paid}
                       ELSE 'confirmed' END
                   ELSE 'draft' END,
               ecom_status_date = coalesce(o.date_order, o.write_date)
         WHERE o.ecom_status IS NULL OR o.ecom_status = 'draft'
    """)


def uninstall_hook(env):
    """Odoo drops the tables and views of an uninstalled module's models, not materialized views
    nor the reports' daily pre-aggregates: they are dropped here."""
    for name in env["ecom.report.mixin"]._ecom_report_models("ecom.report.matview"):
        env.cr.execute(f"DROP MATERIALIZED VIEW IF EXISTS {env[name]._table} CASCADE")
    for name in env["ecom.report.mixin"]._ecom_report_models("ecom.report.table"):
        if env[name]._ecom_rollup_dims:
            env.cr.execute(f"DROP TABLE IF EXISTS {env[name]._ecom_rollup_table()} CASCADE")
