from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm")
class TestKanbanCardsTour(HttpCase):
    """The kanban cards of requests, clicked in a browser by a salesperson in Russian with «Leads» on
    (static/tests/tours/ecom_crm_kanban_cards_tour.js): the pipeline's, CRM > Reporting > Forecast's and
    the leads'. Odoo's forecast card is the pipeline's, rebuilt: it broke on opening in every database
    («Cannot read properties of undefined (reading 'raw_value')») when the card's customer block took the
    place of the forecast's revenue; a view test reads the cards, the browser shows them."""

    def test_the_pipeline_the_forecast_and_the_leads_open(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        salesman = new_test_user(self.env, login="ecom_cards_salesman", name="Кравченко Алина Сергеевна",
                                 groups="sales_team.group_sale_salesman,crm.group_use_lead", lang="ru_RU")
        customer = self.env["res.partner"].create({"name": "Петров Денис Игоревич", "user_id": salesman.id})
        product = self.env["product.product"].create({"name": "Капсулы для кофемашины", "list_price": 990})
        self.env["sale.order"].create({
            "partner_id": customer.id, "user_id": salesman.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 990})],
        }).action_confirm()
        opportunity = self.env["crm.lead"].create({
            "name": "Кофемашина для офиса", "type": "opportunity", "partner_id": customer.id,
            "user_id": salesman.id, "expected_revenue": 24990, "probability": 40,
            "date_deadline": date.today()})
        self.assertEqual(opportunity.ecom_customer_status, "first_purchase")
        self.env["crm.lead"].create({"name": "Пылесос в подарок", "type": "lead", "partner_id": customer.id,
                                     "user_id": salesman.id})
        self.start_tour("/odoo/crm", "ecom_crm_kanban_cards", login="ecom_cards_salesman")
