"""What a manager sees on the lead and the customer: the views and their defaults."""

from lxml import etree

from odoo.tests import Form, tagged

from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestScreens(EcomCrmCase):
    def arch(self, model, view_type="form"):
        return etree.fromstring(self.env[model].with_user(self.salesman).get_view(view_type=view_type)["arch"])

    def test_the_lead_shows_the_customer_and_the_channel(self):
        arch = self.arch("crm.lead")
        customer = arch.xpath("//group[@name='ecom_customer_card']")[0]
        self.assertEqual([f.get("name") for f in customer.iter("field") if f.get("invisible") != "1"],
                         ["ecom_customer_status", "ecom_customer_order_count", "ecom_customer_revenue",
                          "ecom_customer_last_order"])
        channel = arch.xpath("//group[@name='ecom_channel']")[0]
        self.assertEqual([f.get("name") for f in channel.iter("field")][:3], ["source_id", "medium_id", "campaign_id"])
        self.assertTrue(arch.xpath("//button[@name='action_ecom_view_intake']"), "a link to the incoming requests")
        kanban = self.arch("crm.lead", "kanban")
        self.assertTrue(kanban.xpath("//field[@name='ecom_customer_status']"), "the card says who the customer is")
        customer = self.Partner.create({"name": "Постоянная Покупательница"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            (0, 0, {"product_id": self.product.id, "price_unit": 4000})]})
        order.action_confirm()
        lead = self._lead(partner_id=customer.id)
        self.assertEqual((lead.ecom_customer_status, lead.ecom_customer_order_count, lead.ecom_customer_revenue),
                         ("first_purchase", 1, 4000))
        self.assertEqual(lead.ecom_customer_last_order, order.date_order.date())

    def test_the_delivery_address_starts_from_the_customers(self):
        customer = self.Partner.create({"name": "С Адресом", "street": "ул. Ленина, 1", "city": "Тула",
                                        "zip": "300000"})
        with Form(self.Lead.with_user(self.salesman).with_context(default_type="opportunity")) as form:
            form.name = "Заявка"
            form.partner_id = customer
            self.assertEqual((form.ecom_delivery_street, form.ecom_delivery_city, form.ecom_delivery_zip),
                             ("ул. Ленина, 1", "Тула", "300000"))
        lead = form.record
        lead.write({"phone": "+79161234567", "ecom_delivery_date": "2026-12-01 10:00:00"})
        lead.write({"stage_id": self.stage_contact.id})
        lead.write({"stage_id": self.stage_deciding.id})
        lead.write({"stage_id": self.stage_payment.id})  # the address is known: no refusal
        self.assertEqual(lead.stage_id, self.stage_payment)
        other = self._lead(partner_id=customer.id, ecom_delivery_street="пр. Мира, 5")
        self.assertEqual(other.ecom_delivery_street, "пр. Мира, 5", "an address given is kept")

    def test_the_customer_form_labels_the_name_parts_and_says_when_there_are_no_orders(self):
        arch = self.arch("res.partner")
        parts = arch.xpath("//group[@name='ecom_name_parts']//field")
        self.assertEqual([f.get("name") for f in parts], ["lastname", "firstname", "patronymic", "ecom_gender"])
        self.assertFalse([f for f in parts if f.get("nolabel")], "each part has its label")
        card = arch.xpath("//page[@name='ecom_customer_card']")[0]
        self.assertTrue(card.xpath(".//div[hasclass('alert')][@invisible='ecom_order_count']"),
                        "a card with no orders says so")
        self.assertEqual(card.xpath(".//field[@name='ecom_days_since_order']/../@invisible"), ["not ecom_order_count"])
