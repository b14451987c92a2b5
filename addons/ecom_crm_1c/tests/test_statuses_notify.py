"""Statuses back from 1C notify the customer like the order form does: once per status."""

import io

from odoo.tests import tagged

from .common import ImporterCase
from .test_statuses_back import STATUS


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestStatusesNotify(ImporterCase):
    def test_delivered_from_1c_notifies_once(self):
        self.env.company.ecom_sms_gateway = "iap"  # queued only: nothing leaves
        partner = self.env["res.partner"].create({
            "name": "Покупатель", "email": "buyer@example.ru", "mobile": "+79161234567", "lang": "ru_RU"})
        order = self.env["sale.order"].create({"partner_id": partner.id, "order_line": [(0, 0, {
            "product_id": self.env["product.product"].create({"name": "Чайник"}).id, "product_uom_qty": 1})]})
        order.action_confirm()
        document = STATUS.format(id=f"odoo-order-{order.id}", number=order.name, n=order.id, status="Доставлен",
                                 deleted="false")
        self.env["ecom.1c.status.map"].create([{"name": "Доставлен", "ecom_status": "delivered"}])
        self.importer._import_documents(io.BytesIO(document.encode()))
        self.importer._import_documents(io.BytesIO(document.encode()))
        self.env["ecom.notification.log"]._cron_ecom_send_notifications()  # triggered by the import
        self.assertEqual(order.ecom_status, "delivered")
        logs = self.env["ecom.notification.log"].search([("order_id", "=", order.id)])
        # «paid» (1C's paid mark) has no default template; confirmed was notified at confirmation
        self.assertEqual(sorted(logs.mapped("status")), ["confirmed", "delivered"])
        delivered = logs.filtered(lambda log: log.status == "delivered")
        self.assertRecordValues(delivered, [{"mail_state": "queued", "sms_state": "queued"}])
        self.assertIn("доставлен", delivered.mail_message_id.subject)
        sms = self.env["sms.sms"].search([("mail_message_id", "=", delivered.sms_message_id.id)])
        self.assertIn("доставлен", sms.body)
