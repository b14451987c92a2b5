from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        res = super().action_confirm()
        self.env["res.partner"]._ecom_refresh_customer_card(self.partner_id.commercial_partner_id.ids)
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["res.partner"]._ecom_refresh_customer_card(self.partner_id.commercial_partner_id.ids)
        return res

    # ------------------------------------------------- status webhook to the shop
    def _ecom_status_changed(self, events):
        res = super()._ecom_status_changed(events)
        self.env["ecom.webhook.delivery"].sudo()._enqueue_order_events(events)
        return res
