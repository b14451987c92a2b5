from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        """A customer who orders has no contact to wait for: their open scheduled contact is
        closed with the outcome «ordered»."""
        result = super()._action_confirm()
        self.env["mail.activity"]._ecom_close_ordered(self)
        return result
