{
    "name": "E-commerce CRM: customer scoring",
    "summary": "Daily scoring of every customer: growth, risk and watch groups for the sales team",
    "version": "18.0.2.3.19",
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
        "security/ecom_scoring_dashboard_security.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/ecom_scoring_run_views.xml",
        "views/ecom_customer_score_views.xml",
        "views/res_partner_views.xml",
        "views/ecom_crm_scoring_menus.xml",
        "views/mail_activity_views.xml",
        "views/ecom_scoring_today_views.xml",
        "views/ecom_scoring_dashboard_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/ecom_scoring_outcome_wizard_views.xml",
        "views/ecom_mailing_audience_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "ecom_crm_scoring/static/src/**/*",
        ],
        "web.assets_tests": [
            "ecom_crm_scoring/static/tests/tours/**/*",
        ],
    },
    "external_dependencies": {
        "python": ["numpy", "scipy", "scikit-learn"],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
