from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        """A customer who orders has no contact to wait for: their open scheduled contact is
        closed with the outcome «ordered»."""
        result = super()._action_confirm()
        self.env["mail.activity"]._ecom_close_ordered(self)
        return result

    def _ecom_status_changed(self, events):
        """An order refused at delivery sold nothing: the outcome of the contact it closed says so
        (and says «ordered» again if the order leaves that status). Only orders entering or
        leaving that status cost a query."""
        res = super()._ecom_status_changed(events)
        moved = events.filtered(lambda e: "returned" in (e.status, e.previous_status)).order_id
        if moved:
            self.env["ecom.scoring.outcome"].sudo()._ecom_order_refusals(moved)
        return res
