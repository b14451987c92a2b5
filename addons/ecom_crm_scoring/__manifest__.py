{
    "name": "E-commerce CRM: customer scoring",
    "summary": "Daily scoring of every customer: growth, risk and watch groups for the sales team",
    "version": "18.0.2.0.0",
    "category": "Sales/CRM",
    "author": "ecom_crm",
    "license": "LGPL-3",
    "depends": [
        "ecom_crm",
        "sale",
        "mail",
    ],
    "data": [
        "security/ecom_crm_scoring_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/ecom_scoring_run_views.xml",
        "views/ecom_customer_score_views.xml",
        "views/res_partner_views.xml",
        "views/ecom_crm_scoring_menus.xml",
    ],
    "external_dependencies": {
        "python": ["numpy", "scipy", "scikit-learn"],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
