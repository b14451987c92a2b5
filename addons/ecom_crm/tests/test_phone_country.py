"""National phone numbers are read in the store's country (a setting), on every path."""

import json

from odoo.tests import Form, tagged

from .common import EcomCrmCase, IntakeCase

NATIONAL = "916 765 43 21"


@tagged("post_install", "-at_install", "ecom_crm")
class TestPhoneCountry(EcomCrmCase):
    def test_setting_reads_national_numbers_everywhere(self):
        us, ru = self.env.ref("base.us"), self.env.ref("base.ru")
        self.env.company.write({"country_id": us.id, "ecom_phone_country_id": us.id})
        partner = self.Partner.create({"name": "Читаемый Номер", "phone": NATIONAL})
        self.assertEqual(partner.phone, "+19167654321", "read in the company's country while it says so")
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.ecom_phone_country_id, us, "the setting shows the country that reads numbers")
        settings.ecom_phone_country_id = ru
        settings.save().execute()
        self.assertEqual(self.env.company.ecom_phone_country_id, ru)
        partner = self.Partner.create({"name": "Читаемый Номер", "phone": NATIONAL})
        self.assertEqual(partner.phone, "+79167654321")
        self.assertEqual(partner.phone_sanitized, "+79167654321", "Odoo's own phone fields agree")
        lead = self.Lead.create({"name": "Заявка", "phone": "8 " + NATIONAL})
        self.assertEqual(lead.phone, "+79167654321")
        self.assertEqual(lead.phone_sanitized, "+79167654321")
        self.assertEqual(lead.phone_state, "correct")
        self.assertEqual(self.Partner._ecom_match_customer(phone=NATIONAL), partner.commercial_partner_id,
                         "matching reads the number the same way")
        # a contact's own country still reads its own numbers
        belarus = self.env.ref("base.by")
        foreign = self.Partner.create({"name": "Иностранец", "phone": "29 123 45 67", "country_id": belarus.id})
        self.assertEqual(foreign.phone, "+375291234567")

    def test_new_companies_default_to_their_country_else_russia(self):
        Company = self.env["res.company"]
        self.assertEqual(Company.create({"name": "Без страны"}).ecom_phone_country_id, self.env.ref("base.ru"))
        kz = self.env.ref("base.kz")
        self.assertEqual(Company.create({"name": "Казахстан", "country_id": kz.id}).ecom_phone_country_id, kz)


@tagged("post_install", "-at_install", "ecom_crm")
class TestPhoneCountryIntake(IntakeCase):
    def test_intake_and_calls_read_in_the_setting(self):
        us = self.env.ref("base.us")
        self.env.company.write({"country_id": us.id, "ecom_phone_country_id": self.env.ref("base.ru").id})
        answer = self.post({"phone": "8 " + NATIONAL, "name": "Звонкова Анна"}).json()
        self.assertEqual(self.env["res.partner"].browse(answer["partner_id"]).phone, "+79167654321")
        call = self.url_open("/ecom_crm/api/v1/calls", data=json.dumps(
            {"event": "incoming", "call_id": "pc-1", "caller": NATIONAL}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"}).json()
        self.assertEqual(call["partner_id"], answer["partner_id"], "the call finds the same customer")
