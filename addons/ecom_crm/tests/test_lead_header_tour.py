from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm")
class TestLeadHeaderTour(HttpCase):
    """A request's form in Russian at a laptop's 1366 px (the tours' window): every stage shows as an arrow,
    on a line of its own under Odoo's buttons and ours when they do not fit beside them. Odoo folds them all
    into one dropdown of the current stage when they do not fit on the buttons' line: at a middle stage,
    «Принимает решение», the next one's long name («Ожидание оплаты / доставки») did that.
    Its «КП» opens the e-mail with the offer attached, in a dialog titled with the document."""

    def test_every_stage_shows_as_an_arrow(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env.company.country_id = self.env.ref("base.ru")
        salesman = new_test_user(self.env, login="ecom_header_salesman", groups="sales_team.group_sale_salesman",
                                 name="Кравченко Алина Сергеевна", lang="ru_RU")
        customer = self.env["res.partner"].create({"name": "Петров Денис Игоревич", "phone": "+79278585808",
                                                   "email": "denis.petrov190@mail.ru", "user_id": salesman.id})
        product = self.env["product.product"].create({"name": "Детская смесь NAN", "list_price": 2030})
        lead = self.env["crm.lead"].create({
            "name": "Детская смесь NAN, 05.12.2026, Санкт-Петербург", "type": "opportunity",
            "partner_id": customer.id, "user_id": salesman.id, "expected_revenue": 2030,
            "ecom_product_id": product.id,  # what the offer its «КП» opens offers
            "stage_id": self.env.ref("ecom_crm.crm_stage_first_contact").id})
        self.start_tour(f"/odoo/crm/{lead.id}", "ecom_crm_lead_header", login="ecom_header_salesman")
        self.assertEqual(lead.stage_id, self.env.ref("ecom_crm.crm_stage_deciding"), "moved by its arrow")
