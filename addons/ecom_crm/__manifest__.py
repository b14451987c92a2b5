{
    "name": "E-commerce CRM",
    "summary": "CRM for an online store: store pipeline, refusal reasons, request channels, "
    "Russian customer names and a demo store generator",
    "version": "18.0.1.0.0",
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
        "data/crm_stage_data.xml",
        "data/crm_lost_reason_data.xml",
        "data/utm_data.xml",
        "views/res_partner_views.xml",
        "views/utm_source_views.xml",
        "views/ecom_crm_menus.xml",
    ],
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
