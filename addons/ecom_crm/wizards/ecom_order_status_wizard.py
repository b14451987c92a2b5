from odoo import fields, models

from ..models.sale_order import STATUS_WIZARD_FROM


class EcomOrderStatusWizard(models.TransientModel):
    """Asks what a status needs: the tracking number of a shipment, the reason of a refusal at delivery."""

    _name = "ecom.order.status.wizard"
    _description = "Set the store status of orders"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    status = fields.Selection([("shipped", "Shipped"), ("returned", "Refused at delivery")], required=True)
    tracking_number = fields.Char("Tracking number")
    reason_id = fields.Many2one("crm.lost.reason", "Refusal reason")

    def action_apply(self):
        self.ensure_one()
        # checked again: the orders may have moved since the dialog opened (or it was not opened
        # from the buttons)
        self.order_ids._ecom_check_status_move(STATUS_WIZARD_FROM[self.status])
        if self.status == "shipped":
            # no number typed: each order keeps its own (several orders shipped at once, a number from 1C)
            self.order_ids._ecom_set_status("shipped", tracking_number=self.tracking_number or None)
        else:
            self.order_ids._ecom_set_status("returned", reason=self.reason_id)
        return {"type": "ir.actions.act_window_close"}
