from odoo import models
from odoo.tools import SQL


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _ecom_available_quantities(self):
        """{product id: quantity available to sell} of these products, from every stock source
        installed, in a few queries whatever their number: Odoo's inventory here (its internal
        locations, less what is reserved); other sources (the 1C exchange) add theirs by
        overriding. A product no source knows is left out (not in stock)."""
        if not self.ids or "stock.quant" not in self.env:
            return {}
        self.env["stock.quant"].flush_model(["product_id", "location_id", "quantity", "reserved_quantity"])
        self.env.cr.execute(SQL("""
            SELECT q.product_id, sum(q.quantity - q.reserved_quantity)
              FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal' AND q.product_id = ANY(%s)
          GROUP BY q.product_id
        """, self.ids))
        return dict(self.env.cr.fetchall())
