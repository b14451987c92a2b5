from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm")
class TestPhoneTour(HttpCase):
    def test_call_link_dials_the_extension(self):
        """The card's «Call» on «+7 (495) 123-45-67 доб. 123»: tel:+74951234567,123 (Odoo's link was
        «tel:+74951234567доб.123», one long wrong number)."""
        new_test_user(self.env, login="ecom_phone_salesman", groups="sales_team.group_sale_salesman",
                      name="Менеджер звонков", lang="ru_RU")
        self.env["res.lang"]._activate_lang("ru_RU")
        partner = self.env["res.partner"].create({
            "name": "ООО «Офис»", "is_company": True, "country_id": self.env.ref("base.ru").id,
            "phone": "+7 (495) 123-45-67 доб. 123", "mobile": "8 916 123-45-67"})
        self.assertEqual(partner.phone, "+74951234567 доб. 123")
        self.start_tour(f"/odoo/res.partner/{partner.id}", "ecom_crm_phone_extension", login="ecom_phone_salesman")
