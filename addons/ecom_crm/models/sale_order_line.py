from odoo import api, models

# what a line of a confirmed order changes of its order's amount
PRICED = frozenset(("product_uom_qty", "price_unit", "discount", "tax_id", "product_id", "order_id"))


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._ecom_refresh_customer_cards(lines._ecom_confirmed_customers())
        return lines

    def write(self, vals):
        before = self._ecom_confirmed_customers() if "order_id" in vals else None
        res = super().write(vals)
        if PRICED.intersection(vals):
            self._ecom_refresh_customer_cards(self._ecom_confirmed_customers() | (before or self.env["res.partner"]))
        return res

    def unlink(self):
        customers = self._ecom_confirmed_customers()
        res = super().unlink()
        self._ecom_refresh_customer_cards(customers)
        return res

    def _ecom_confirmed_customers(self):
        return self.order_id.filtered(lambda order: order.state == "sale").partner_id.commercial_partner_id

    def _ecom_refresh_customer_cards(self, customers):
        """A confirmed order's lines edited (by hand, or 1C sending the order back changed) change
        what its customer bought: their card follows at once, not at night. Lines written through
        their order's write are refreshed by it, once (``ecom_card_after_lines``)."""
        if customers and not self.env.context.get("ecom_card_after_lines"):
            self.env["res.partner"]._ecom_refresh_customer_card(customers.ids)
