{
    "name": "E-commerce CRM",
    "summary": "CRM for an online store: store pipeline, refusal reasons, request channels, "
    "Russian customer names and a demo store generator",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "author": "ecom_crm",
    "license": "LGPL-3",
    "depends": [
        "crm",
        "sale_crm",
        "utm",
        "phone_validation",
    ],
    "external_dependencies": {
        "python": ["phonenumbers", "pymorphy3"],
    },
    "data": [
        "security/ecom_crm_security.xml",
        "security/ir.model.access.csv",
        "data/crm_stage_data.xml",
        "data/crm_lost_reason_data.xml",
        "data/utm_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "wizards/crm_lead_lost_views.xml",
        "wizards/ecom_crm_stage_override_views.xml",
        "views/res_partner_views.xml",
        "views/crm_stage_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_lost_reason_views.xml",
        "views/res_config_settings_views.xml",
        "views/utm_source_views.xml",
        "views/ecom_crm_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "ecom_crm/static/src/views/**/*",
        ],
        "web.assets_tests": [
            "ecom_crm/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
