from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .utm_campaign import FROM_CAMPAIGN, UTM_FIELDS, channel_write, give_campaign_channels

# The store's order statuses, in the order an order normally goes through them. «returned» is the
# late refusal: the customer did not take the parcel (or sent it back), the money is lost.
ORDER_STATUSES = [
    ("draft", "Quotation"),
    ("confirmed", "Confirmed"),
    ("paid", "Paid"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("returned", "Refused at delivery"),
    ("cancelled", "Cancelled"),
]
# the statuses the «Shipped» / «Refused at delivery» dialog may move an order from
STATUS_WIZARD_FROM = {"shipped": ("confirmed", "paid", "shipped"),
                      "returned": ("confirmed", "paid", "shipped", "delivered")}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecom_status = fields.Selection(
        ORDER_STATUSES, "Store status", default="draft", required=True, copy=False, index=True, tracking=True,
        help="Where the order is for the customer: confirmed, paid, shipped, delivered, or refused at "
             "delivery (the parcel came back). Set by the buttons of the order, by confirming or cancelling "
             "it, and by the statuses 1C sends back.")
    ecom_tracking_number = fields.Char("Tracking number", copy=False, tracking=True)
    ecom_return_reason_id = fields.Many2one(
        "crm.lost.reason", "Refusal reason at delivery", copy=False, tracking=True, index="btree_not_null",
        help="Why the customer refused the order at delivery.")
    ecom_status_date = fields.Datetime("Status since", copy=False, readonly=True)
    ecom_status_event_ids = fields.One2many("ecom.order.status.event", "order_id", "Status history", readonly=True)
    ecom_channel_from_campaign = fields.Boolean(
        "Channel from its campaign", readonly=True,
        help="The order named only its campaign: its channel and medium are the campaign's (its ad spend's, "
             "else a clear majority of the requests and orders that named theirs), or «Campaign without a "
             "source» while not known. They follow its campaign when it is changed; a channel or medium picked "
             "ends it.")

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # an order made from a request (its «New quotation», the intake's quotation of the request's lines)
        # with the request's channel: that channel is the campaign's when the request's is, and follows it
        from_request = self.browse([
            order.id for order, vals in zip(orders, vals_list, strict=True)
            if FROM_CAMPAIGN not in vals and order.opportunity_id.ecom_channel_from_campaign
            and all(order[name] == order.opportunity_id[name] for name in UTM_FIELDS)])
        if from_request:
            from_request.write({FROM_CAMPAIGN: True})
        give_campaign_channels(orders)  # an order naming only its campaign counts in its channel
        return orders

    def write(self, vals):
        vals, channel_after = channel_write(self, vals)
        res = self._ecom_write_order(vals)
        if channel_after:
            # an order left with only its campaign, or given another one or another company, counts in its
            # campaign's channel
            channel_after()
        return res

    def _ecom_write_order(self, vals):
        moved_from = self.opportunity_id if "opportunity_id" in vals else None
        # its lines written through the order (the form, 1C's order sent back) are written one by one:
        # their customers' cards are refreshed once here, not once per line (see sale_order_line.py)
        lines_later = "order_line" in vals and not self.env.context.get("ecom_card_after_lines")
        customers = self.filtered(lambda order: order.state == "sale").partner_id.commercial_partner_id \
            if "partner_id" in vals or lines_later else None
        orders = self.with_context(ecom_card_after_lines=True) if lines_later else self
        res = super(SaleOrder, orders).write(vals)
        if moved_from:
            # the reports' tables rebuild the requests written since their last run: the request an
            # order left no longer names it, and its rows would keep counting the order
            left = moved_from - self.opportunity_id
            if left:
                left.flush_recordset()
                self.env.cr.execute(SQL(
                    "UPDATE crm_lead SET write_date = (now() AT TIME ZONE 'UTC') WHERE id = ANY(%s)", left.ids))
                left.invalidate_recordset(["write_date"])
        if customers is not None:  # a confirmed order given to another customer: both cards change
            # (or its lines changed: the cards of the customers of the orders confirmed before or after)
            customers |= self.filtered(lambda order: order.state == "sale").partner_id.commercial_partner_id
            if customers:
                self.env["res.partner"]._ecom_refresh_customer_card(customers.ids)
        return res

    def action_confirm(self):
        res = super().action_confirm()
        self._ecom_set_status("confirmed")
        self.env["res.partner"]._ecom_refresh_customer_card(self.partner_id.commercial_partner_id.ids)
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        # a parcel refused at delivery is cancelled in Odoo all the same: it stays «refused at delivery»
        self.filtered(lambda o: o.ecom_status != "returned")._ecom_set_status("cancelled")
        self.env["res.partner"]._ecom_refresh_customer_card(self.partner_id.commercial_partner_id.ids)
        return res

    def action_draft(self):
        res = super().action_draft()
        self._ecom_set_status("draft")
        return res

    # ------------------------------------------------------------------ statuses
    def _ecom_set_status(self, status, tracking_number=None, reason=None):
        """Move the orders to a store status: the one entry point (buttons, confirm/cancel, 1C).

        Orders already in that status are left alone (a second «shipped» only updates the tracking
        number). Each change is one ``ecom.order.status.event``; ``_ecom_status_changed`` gets them
        all at once, so that whatever reacts (notifications, webhooks) works set-based.
        """
        if status not in dict(ORDER_STATUSES):
            raise UserError(_("Unknown order status %s.", status))
        if status == "returned" and not reason:
            raise UserError(_("Pick the reason the customer refused the order at delivery."))
        reason_id = reason.id if isinstance(reason, models.BaseModel) else reason
        now = fields.Datetime.now()
        changing = self.filtered(lambda o: o.ecom_status != status)
        if tracking_number is not None:
            (self - changing).filtered(lambda o: o.ecom_tracking_number != tracking_number).write(
                {"ecom_tracking_number": tracking_number})
        if not changing:
            return self.env["ecom.order.status.event"]
        events = self.env["ecom.order.status.event"].sudo().create([{
            "order_id": order.id, "status": status, "previous_status": order.ecom_status, "date": now,
            "user_id": self.env.uid, "tracking_number": tracking_number or order.ecom_tracking_number or False,
            "reason_id": reason_id or False, "company_id": order.company_id.id,
        } for order in changing])
        vals = {"ecom_status": status, "ecom_status_date": now}
        if tracking_number is not None:
            vals["ecom_tracking_number"] = tracking_number
        if status == "returned":
            vals["ecom_return_reason_id"] = reason_id
        changing.write(vals)
        if status == "returned":  # no purchase any more: off the customer's card
            self.env["res.partner"]._ecom_refresh_customer_card(changing.partner_id.commercial_partner_id.ids)
        changing._ecom_status_changed(events)
        return events

    def _ecom_status_changed(self, events):
        """Hook: ``self`` moved to a new store status, ``events`` the status events just recorded.
        Overridden to notify the customer, tell the shop, win customers back."""

    def action_ecom_paid(self):
        self._ecom_check_status_move(("confirmed",))
        self._ecom_set_status("paid")

    def action_ecom_delivered(self):
        self._ecom_check_status_move(("confirmed", "paid", "shipped"))
        self._ecom_set_status("delivered")

    def action_ecom_shipped(self):
        self._ecom_check_status_move(STATUS_WIZARD_FROM["shipped"])
        return self._ecom_status_wizard("shipped")

    def action_ecom_returned(self):
        self._ecom_check_status_move(STATUS_WIZARD_FROM["returned"])
        return self._ecom_status_wizard("returned")

    def _ecom_check_status_move(self, allowed_from):
        wrong = self.filtered(lambda o: o.ecom_status not in allowed_from)
        if wrong:
            labels = dict(self._fields["ecom_status"]._description_selection(self.env))
            raise UserError(_("%(orders)s: not possible from the status «%(status)s».",
                              orders=", ".join(wrong.mapped("name")[:5]), status=labels[wrong[0].ecom_status]))

    def _ecom_status_wizard(self, status):
        return {
            "type": "ir.actions.act_window",
            "name": _("Shipped") if status == "shipped" else _("Refused at delivery"),
            "res_model": "ecom.order.status.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids, "default_status": status,
                        "default_tracking_number": self[:1].ecom_tracking_number if len(self) == 1 else False},
        }


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
        vals_list = []
        for event in events.sorted("id"):
            order = event.order_id
            rule = rules.get((order.company_id.id, event.status))
            if not rule or (order.id, event.status) in done:
                continue
            done.add((order.id, event.status))
            vals_list.append({
                "order_id": order.id, "status": event.status, "partner_id": order.partner_id.id,
                "company_id": order.company_id.id, "mail_template_id": rule.mail_template_id.id,
                "sms_template_id": rule.sms_template_id.id})
        Log._ecom_queue(vals_list)
