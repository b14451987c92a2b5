from unittest.mock import patch

from odoo import Command
from odoo.addons.ecom_crm.hooks import set_order_statuses_from_state
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestOrderStatus(EcomCrmCase):
    """The store status of an order: one entry point, one event per change, a hook told once per call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.Partner.create({"name": "Ирина Петрова", "phone": "+79161112233"})

    def _order(self, user=None):
        Order = self.env["sale.order"].with_user(user or self.salesman)
        return Order.create({"partner_id": self.customer.id, "user_id": self.salesman.id, "order_line": [
            Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 1000})]})

    def test_an_order_goes_from_confirmed_to_delivered_with_one_event_per_change(self):
        order = self._order()
        self.assertEqual(order.ecom_status, "draft")
        order.action_confirm()
        self.assertEqual(order.ecom_status, "confirmed")
        order.action_ecom_paid()
        action = order.action_ecom_shipped()
        wizard = Form(self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"]))
        wizard.tracking_number = "RA123456789RU"
        wizard.save().action_apply()
        self.assertEqual((order.ecom_status, order.ecom_tracking_number), ("shipped", "RA123456789RU"))
        order.action_ecom_delivered()
        events = order.ecom_status_event_ids.sorted("id")
        self.assertEqual(events.mapped("status"), ["confirmed", "paid", "shipped", "delivered"])
        self.assertEqual(events.mapped("previous_status"), ["draft", "confirmed", "paid", "shipped"])
        self.assertEqual(events[2].tracking_number, "RA123456789RU")
        self.assertEqual(events.user_id, self.salesman)
        self.assertEqual(order.ecom_status_date, events[-1].date)

    def test_setting_the_same_status_again_records_nothing(self):
        order = self._order()
        order.action_confirm()
        self.assertFalse(order._ecom_set_status("confirmed"))
        order._ecom_set_status("shipped", tracking_number="A1")
        self.assertFalse(order._ecom_set_status("shipped", tracking_number="B2"))
        self.assertEqual(order.ecom_tracking_number, "B2", "a second «shipped» corrects the tracking number")
        self.assertEqual(len(order.ecom_status_event_ids), 2)

    def test_refused_at_delivery_needs_a_reason_and_survives_the_cancellation(self):
        order = self._order()
        order.action_confirm()
        order._ecom_set_status("shipped")
        with self.assertRaises(UserError):
            order._ecom_set_status("returned")
        action = order.action_ecom_returned()
        wizard = Form(self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"]))
        wizard.reason_id = self.reason_delivery_refused
        wizard.save().action_apply()
        order._action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.ecom_status, "returned", "cancelling a refused parcel keeps the late refusal")
        self.assertEqual(order.ecom_return_reason_id, self.reason_delivery_refused)
        self.assertEqual(order.ecom_status_event_ids.mapped("status"), ["returned", "shipped", "confirmed"])

    def test_buttons_refuse_impossible_moves(self):
        order = self._order()
        with self.assertRaises(UserError):
            order.action_ecom_paid()  # a quotation is not paid
        order.action_confirm()
        order.action_ecom_delivered()
        with self.assertRaises(UserError):
            order.action_ecom_shipped()

    def test_the_status_dialog_checks_the_move_when_applied(self):
        """The dialog's moves are checked when it is applied too: the order may have been cancelled
        meanwhile, and the dialog can be created without the buttons."""
        order = self._order()
        order.action_confirm()
        action = order.action_ecom_shipped()
        wizard = Form(self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"])).save()
        order._action_cancel()
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertEqual(order.ecom_status, "cancelled")
        quotation = self._order()
        returned = self.env["ecom.order.status.wizard"].with_user(self.salesman).create({
            "order_ids": [Command.set(quotation.ids)], "status": "returned",
            "reason_id": self.reason_delivery_refused.id})
        with self.assertRaises(UserError):
            returned.action_apply()
        self.assertEqual(quotation.ecom_status, "draft")
        self.assertFalse(quotation.ecom_status_event_ids)

    def test_shipping_several_orders_without_a_number_keeps_theirs(self):
        first, second = self._order(), self._order()
        (first | second).action_confirm()
        first._ecom_set_status("shipped", tracking_number="RA111111111RU")
        second.ecom_tracking_number = "RA222222222RU"  # given by 1C before the shipment
        action = (first | second).action_ecom_shipped()
        Form(self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"])) \
            .save().action_apply()
        self.assertEqual((first.ecom_status, second.ecom_status), ("shipped", "shipped"))
        self.assertEqual((first.ecom_tracking_number, second.ecom_tracking_number), ("RA111111111RU", "RA222222222RU"))
        self.assertEqual(second.ecom_status_event_ids.filtered(lambda e: e.status == "shipped").tracking_number,
                         "RA222222222RU")

    def test_cancel_and_back_to_quotation(self):
        order = self._order()
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(order.ecom_status, "cancelled")
        order.action_draft()
        self.assertEqual(order.ecom_status, "draft")

    def test_the_hook_gets_the_changed_orders_and_their_events_once_per_call(self):
        orders = self._order() | self._order()
        orders.action_confirm()
        calls = []
        Order = type(self.env["sale.order"])
        original = Order._ecom_status_changed

        def spy(records, events):
            calls.append((records.ids, events.mapped("order_id").ids, events.mapped("status")))
            return original(records, events)

        with patch.object(Order, "_ecom_status_changed", spy):
            orders[0]._ecom_set_status("paid")
            orders._ecom_set_status("paid")
        self.assertEqual(calls, [([orders[0].id], [orders[0].id], ["paid"]),
                                 ([orders[1].id], [orders[1].id], ["paid"])])

    def test_existing_orders_get_the_status_their_state_says(self):
        draft, confirmed, cancelled = self._order(), self._order(), self._order()
        (confirmed | cancelled).action_confirm()
        cancelled._action_cancel()
        delivered = self._order()
        delivered.action_confirm()
        delivered.order_line.qty_delivered = 1
        everything = draft | confirmed | cancelled | delivered
        self.env.flush_all()  # the lines' delivered quantities too: the SQL below reads them
        self.env.cr.execute("UPDATE sale_order SET ecom_status = 'draft' WHERE id = ANY(%s)", [everything.ids])
        everything.invalidate_recordset(["ecom_status"])
        set_order_statuses_from_state(self.env)
        self.assertEqual(everything.mapped("ecom_status"), ["draft", "confirmed", "cancelled", "delivered"])


@tagged("post_install", "-at_install", "ecom_crm")
class TestStageChangedHook(EcomCrmCase):
    """``crm.lead._ecom_stage_changed``: told of each lead that changed stage or was lost/restored."""

    def _spy(self):
        calls = []
        Lead = type(self.env["crm.lead"])
        original = Lead._ecom_stage_changed

        def spy(records, previous):
            calls.append(dict(previous))
            return original(records, previous)

        return calls, patch.object(Lead, "_ecom_stage_changed", spy)

    def test_create_move_lose_restore(self):
        calls, spy = self._spy()
        with spy:
            lead = self._lead()
            lead.write({"stage_id": self.stage_contact.id})
            lead.write({"description": "no move"})
            lead.write({"stage_id": self.stage_contact.id})
            lead.with_context(ecom_lost_reason_id=self.reason_expensive.id).action_set_lost(
                lost_reason_id=self.reason_expensive.id)
            lead.action_unarchive()
        self.assertEqual(calls, [
            {lead.id: None},
            {lead.id: (self.stage_new.id, True)},
            {lead.id: (self.stage_contact.id, True)},
            {lead.id: (self.stage_contact.id, False)},
        ])
