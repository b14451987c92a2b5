"""18.0.1.2.7: the orders export reads the confirmed and cancelled orders by their write date, through an
index (``sale_order_ecom_1c_export_idx``), rather than the whole table at each of 1C's polls; and it looks
back for what the last acknowledged export's snapshot missed no further than the start of the oldest
transaction then in progress in the database (``ecom_1c_session.export_horizon``, the system parameter
``ecom_crm_1c.orders_committed_horizon``).

The column is made here, empty; the index is built here (a few seconds for millions of orders, writes to
the orders wait meanwhile: the upgrade runs with the store stopped). An export acknowledged before the
upgrade has no horizon: the next export reaches back by the window alone, as before 18.0.1.2.6."""

from odoo.addons.ecom_crm_1c.models.sale_order import EXPORT_INDEX


def migrate(cr, version):
    if not version:
        return
    cr.execute('ALTER TABLE "ecom_1c_session" ADD COLUMN IF NOT EXISTS "export_horizon" varchar')
    cr.execute(f"""CREATE INDEX IF NOT EXISTS {EXPORT_INDEX}
                       ON sale_order (write_date) WHERE state IN ('sale', 'cancel')""")
