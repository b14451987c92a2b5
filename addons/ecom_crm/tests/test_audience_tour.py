from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm")
class TestAudienceTour(HttpCase):
    """A marketer (Email Marketing's user, nothing more), in Russian: an audience of VIP customers,
    the emails and SMS it makes, its mailing list, a mailing to it."""

    def test_audience_list_and_mailing(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env.company.country_id = self.env.ref("base.ru")
        marketer = new_test_user(self.env, login="ecom_tour_marketer", groups="mass_mailing.group_mass_mailing_user",
                                 name="Мария Маркетолог", lang="ru_RU")
        Partner = self.env["res.partner"]
        vips = Partner.create([
            {"name": "Волкова Анна", "email": "anna@mail.example", "mobile": "+79161230001"},
            {"name": "ООО «Офис»", "email": "office@mail.example", "phone": "+74951234567"},
            {"name": "Без контактов"},
        ])
        vips.ecom_customer_status = "vip"
        Partner.create({"name": "Новый клиент", "email": "new@mail.example"}).ecom_customer_status = "new"
        self.start_tour("/odoo/action-ecom_crm.ecom_mailing_audience_action", "ecom_crm_audience",
                        login="ecom_tour_marketer")
        audience = self.env["ecom.mailing.audience"].search([("name", "=", "Наши VIP")])
        self.assertEqual((audience.kind, audience.customer_status), ("status", "vip"))
        self.assertEqual(audience.create_uid, marketer)
        self.assertEqual(sorted(audience.list_id.contact_ids.mapped("email")),
                         ["anna@mail.example", "office@mail.example"])
        mailing = audience.mailing_ids
        self.assertEqual((mailing.subject, mailing.mailing_type, mailing.create_uid), ("Наши VIP", "mail", marketer))
        self.assertEqual(mailing.state, "draft", "its sending's confirmation cancelled: not sent")
