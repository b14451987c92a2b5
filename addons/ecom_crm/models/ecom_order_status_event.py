from odoo import fields, models

from .sale_order import ORDER_STATUSES


class EcomOrderStatusEvent(models.Model):
    """One change of an order's store status: when, by whom, from what to what.

    The history the reports count late refusals and delivery times from, and what notifications and
    the shop's webhooks are sent for."""

    _name = "ecom.order.status.event"
    _description = "Order status change"
    _order = "date desc, id desc"
    _rec_name = "status"

    order_id = fields.Many2one("sale.order", "Order", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    status = fields.Selection(ORDER_STATUSES, "Status", required=True, index=True)
    previous_status = fields.Selection(ORDER_STATUSES, "Previous status")
    date = fields.Datetime("Date", required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", "By", ondelete="set null")
    tracking_number = fields.Char("Tracking number")
    reason_id = fields.Many2one("crm.lost.reason", "Refusal reason", ondelete="set null")
    company_id = fields.Many2one("res.company", "Company", index=True)
