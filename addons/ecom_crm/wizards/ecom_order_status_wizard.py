from odoo import fields, models


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
        if self.status == "shipped":
            self.order_ids._ecom_set_status("shipped", tracking_number=self.tracking_number or False)
        else:
            self.order_ids._ecom_set_status("returned", reason=self.reason_id)
        return {"type": "ir.actions.act_window_close"}
