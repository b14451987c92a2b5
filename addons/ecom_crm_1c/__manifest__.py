{
    "name": "E-commerce CRM: 1C exchange (CommerceML 2)",
    "summary": "Be the «site» 1C exchanges with: catalog, prices and stock in, orders out, statuses back",
    "version": "18.0.1.2.22",
    "category": "Sales/CRM",
    "author": "ecom_crm",
    "license": "LGPL-3",
    "depends": [
        "ecom_crm",
        "sale",
    ],
    "external_dependencies": {
        "python": ["lxml", "passlib"],
    },
    "data": [
        "security/ecom_crm_1c_security.xml",
        "security/ir.model.access.csv",
        "data/ecom_crm_1c_data.xml",
        "views/ecom_1c_exchange_views.xml",
        "views/ecom_1c_price_type_views.xml",
        "views/ecom_1c_status_map_views.xml",
        "views/product_template_views.xml",
        "views/product_product_views.xml",
        "views/res_config_settings_views.xml",
        "views/ecom_crm_1c_menus.xml",
    ],
    "installable": True,
    "application": False,
}
