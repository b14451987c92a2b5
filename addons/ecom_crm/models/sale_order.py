from odoo import fields, models


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


class SaleOrderNotification(models.Model):
    """The customer's notification when an order reaches a status, once per order and status."""

    _inherit = "sale.order"

    ecom_notification_ids = fields.One2many("ecom.notification.log", "order_id", "Customer notifications")

    def _ecom_status_changed(self, events):
        res = super()._ecom_status_changed(events)
        self._ecom_notify_status(events)
        return res

    def _ecom_notify_status(self, events):
        events = events.sudo()
        rules = self.env["ecom.order.notification"]._ecom_rules(events.company_id.ids, set(events.mapped("status")))
        if not rules:  # one query when nothing is to be sent
            return
        Log = self.env["ecom.notification.log"].sudo()
        done = {(log.order_id.id, log.status) for log in Log.search([("order_id", "in", events.order_id.ids)])}
        for event in events.sorted("id"):
            order = event.order_id
            rule = rules.get((order.company_id.id, event.status))
            if not rule or (order.id, event.status) in done:
                continue
            done.add((order.id, event.status))
            Log._ecom_notify(order, order.partner_id, rule.mail_template_id, rule.sms_template_id,
                             {"order_id": order.id, "status": event.status})
