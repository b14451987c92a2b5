from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        """A customer who orders has no contact to wait for: their open scheduled contact is
        closed with the outcome «ordered». An order confirmed again after its cancellation sold
        after all: the contact it closed is «ordered» again, and it closes no other (one order, one
        sale: ``mail.activity._ecom_close_ordered``)."""
        result = super()._action_confirm()
        self.env["ecom.scoring.outcome"].sudo()._ecom_follow_orders(self)
        self.env["mail.activity"]._ecom_close_ordered(self)
        return result

    def _action_cancel(self):
        """An order cancelled (the form's «Cancel», its dialog, many orders at once, a 1C exchange)
        sold nothing: the contact it closed is «ordered, cancelled»."""
        result = super()._action_cancel()
        self.env["ecom.scoring.outcome"].sudo()._ecom_follow_orders(self)
        return result

    def _ecom_status_changed(self, events):
        """An order refused at delivery sold nothing: the outcome of the contact it closed says so
        (and says «ordered» again if the order leaves that status). Only orders entering or
        leaving that status cost a query."""
        res = super()._ecom_status_changed(events)
        moved = events.filtered(lambda e: "returned" in (e.status, e.previous_status)).order_id
        if moved:
            self.env["ecom.scoring.outcome"].sudo()._ecom_follow_orders(moved)
        return res
