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

    def test_a_caller_id_reads_as_international_only_what_the_country_cannot_write(self):
        """A caller id without its «+» is read as international only when it is not written as the
        store's country writes its own numbers: «8 (123) 456-78-90» (no such Russian code) became the
        Japanese +81 234 567 890 and «490 382 66 62» a German number, nobody's, and «valid». A Russian
        caller's «79991234567» stays +7 in Kazakhstan and in Belarus; «810…» is Russia's way out."""
        Call = self.env["ecom.call"]
        cases = {
            "base.ru": {"8 (123) 456-78-90": "8 (123) 456-78-90", "490 382 66 62": "490 382 66 62",
                        "9991234567": "+79991234567", "79991234567": "+79991234567", "89991234567": "+79991234567",
                        "810375291234567": "+375291234567", "375291234567": "+375291234567",
                        "00998901234567": "+998901234567", "8613912345678": "+8613912345678",
                        "7001234567": "+77001234567"},
            "base.kz": {"7011234567": "+77011234567", "87011234567": "+77011234567", "77011234567": "+77011234567",
                        "79991234567": "+79991234567", "8 (123) 456-78-90": "8 (123) 456-78-90",
                        "810375291234567": "+375291234567"},
            "base.by": {"80291234567": "+375291234567", "291234567": "+375291234567", "375291234567": "+375291234567",
                        "79991234567": "+79991234567", "77011234567": "+77011234567",
                        "998901234567": "+998901234567"},
        }
        for xmlid, numbers in cases.items():
            self.env.company.ecom_phone_country_id = self.env.ref(xmlid)
            for caller, stored in numbers.items():
                with self.subTest(country=xmlid, caller=caller):
                    self.assertEqual(Call._ecom_caller_number(caller), stored)

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
