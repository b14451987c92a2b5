"""Every upgrade to a new version of ecom_crm brings the Russian it ships
(``ecom_crm.tools.i18n.reload_on_upgrade``)."""

from odoo.addons.ecom_crm.tools.i18n import reload_on_upgrade

migrate = reload_on_upgrade("ecom_crm")
