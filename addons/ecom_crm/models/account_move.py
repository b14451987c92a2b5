from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._ecom_refresh_customer_cards()
        return posted

    def button_draft(self):
        res = super().button_draft()
        self._ecom_refresh_customer_cards()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        self._ecom_refresh_customer_cards()
        return res

    def _ecom_refresh_customer_cards(self):
        """The card's revenue is net of the credit notes: a credit note posted, reset or cancelled
        (of an order, or typed in by hand for the customer), or an invoice of an order that has one
        (a correction makes up for it), brings the cards of the customers up to date at once, not at
        the night's refresh."""
        moves = self.filtered(lambda move: move.move_type in ("out_refund", "out_invoice")).sudo()
        if not moves:
            return
        orders = moves.line_ids.sale_line_ids.order_id
        refunds = moves.filtered(lambda move: move.move_type == "out_refund")
        if not refunds:  # invoices only: those of orders with a credit note
            orders = orders.filtered(lambda order: any(move.move_type == "out_refund" for move in order.invoice_ids))
        partners = orders.partner_id.commercial_partner_id | refunds.commercial_partner_id
        if partners:
            self.env["res.partner"].sudo()._ecom_refresh_customer_card(partners.ids)
