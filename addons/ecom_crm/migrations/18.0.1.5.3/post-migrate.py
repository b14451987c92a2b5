"""18.0.1.5.3: the reports' revenue is net of the orders' credit notes. The materialized views
(their SQL changed) and the salespeople's table (a new column, «Refunds») are rebuilt by the
upgrade itself; the funnel's table keeps its columns, so its money realised is recomputed here."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    api.Environment(cr, SUPERUSER_ID, {})["ecom.report.funnel"]._ecom_refresh()
