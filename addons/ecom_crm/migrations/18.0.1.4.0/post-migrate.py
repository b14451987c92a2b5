"""18.0.1.4.0: orders have a store status (confirmed, paid, shipped, delivered, refused at delivery,
cancelled). The new column starts as «quotation» everywhere: existing orders get the status their
state and 1C's flags say."""

from odoo import SUPERUSER_ID, api
from odoo.addons.ecom_crm.hooks import set_order_statuses_from_state


def migrate(cr, version):
    if not version:
        return
    set_order_statuses_from_state(api.Environment(cr, SUPERUSER_ID, {}))
