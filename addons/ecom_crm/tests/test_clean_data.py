import importlib.util
from unittest.mock import patch

from odoo.addons.phone_validation.tools import phone_validation
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import SQL
from odoo.tools.misc import file_path

from ..tools import phones
from ..tools.phones import formatted_phone, normalize_phone, phone_quality
from .common import EcomCrmCase

# how customers and managers really type Russian numbers
RUSSIAN_SPELLINGS = {
    "8 (916) 123-45-67": "+79161234567",
    "8-916-123-45-67": "+79161234567",
    "89161234567": "+79161234567",
    "79161234567": "+79161234567",
    "9161234567": "+79161234567",
    "+7 916 123 45 67": "+79161234567",
    "+7(916)1234567": "+79161234567",
    " +7 (916) 123-45-67 ": "+79161234567",
    "8 (495) 123-45-67": "+74951234567",
    "8(4712)12-34-56": "+74712123456",
    "8 800 555-35-35": "+78005553535",
    "8 916 123 45 67 доб. 12": "+79161234567 доб. 12",  # the extension is kept: see TestPhoneExtensions
}

# offices' numbers with an extension, as typed: the extension stays with the number, spelled «доб.»
EXTENSION_SPELLINGS = {
    "+7 (495) 123-45-67 доб. 123": "+74951234567 доб. 123",
    "8 495 1234567 ext. 45": "+74951234567 доб. 45",
    "+7 495 123 45 67, доб.12": "+74951234567 доб. 12",
    "+7 495 123 45 67 (доб. 3)": "+74951234567 доб. 3",
    "8 (495) 123-45-67 доб 123": "+74951234567 доб. 123",
    "8 (495) 123-45-67 ДОБ.123": "+74951234567 доб. 123",
    "8 (495) 123-45-67 ext 7": "+74951234567 доб. 7",
    "8 (495) 123-45-67 x7": "+74951234567 доб. 7",
    "8 (495) 123-45-67 #7": "+74951234567 доб. 7",
    "8 (495) 123-45-67 extension 7": "+74951234567 доб. 7",
    "8 (495) 123-45-67, 7": "+74951234567 доб. 7",
    "+74951234567;ext=7": "+74951234567 доб. 7",
    "8 (495) 123-45-67 доб. 007": "+74951234567 доб. 007",  # the extension's digits as given
    # Russian words libphonenumber does not read: read as «доб.» here
    "8 (495) 123-45-67 д. 123": "+74951234567 доб. 123",
    "8 (495) 123-45-67 вн. 123": "+74951234567 доб. 123",
    "8 (495) 123-45-67 (внутр. 5)": "+74951234567 доб. 5",
    "8 (495) 123-45-67 доп.12": "+74951234567 доб. 12",
    "8 (495) 123-45-67 добавочный 123": "+74951234567 доб. 123",
    "+375 29 123-45-67 доб. 5": "+375291234567 доб. 5",
}


@tagged("post_install", "-at_install", "ecom_crm")
class TestPhones(EcomCrmCase):
    def test_spellings_table(self):
        for typed, stored in RUSSIAN_SPELLINGS.items():
            with self.subTest(typed=typed):
                self.assertEqual(normalize_phone(typed), (stored, True))

    def test_partner_and_lead_store_one_format(self):
        for typed, stored in RUSSIAN_SPELLINGS.items():
            with self.subTest(typed=typed):
                partner = self.Partner.create({"name": "Иванов Иван", "phone": typed, "mobile": typed})
                self.assertEqual((partner.phone, partner.mobile), (stored, stored))
                self.assertFalse(partner.ecom_phone_invalid)
                lead = self._lead(phone=typed)
                self.assertEqual(lead.phone, stored)
        partner.write({"phone": "8 (903) 000-11-22"})
        self.assertEqual(partner.phone, "+79030001122")

    def test_other_countries_e164(self):
        belarus = self.env.ref("base.by")
        partner = self.Partner.create({"name": "Лукашевич Ян", "country_id": belarus.id, "phone": "8 029 123-45-67"})
        self.assertEqual(partner.phone, "+375291234567", "national spelling read with the partner's country")
        partner = self.Partner.create({"name": "Müller", "phone": "+49 30 1234567"})
        self.assertEqual(partner.phone, "+49301234567")

    def test_invalid_kept_and_flagged(self):
        partner = self.Partner.create({"name": "Петров", "phone": "12-34"})
        self.assertEqual(partner.phone, "12-34", "kept as typed: nothing the customer gave is lost")
        self.assertTrue(partner.ecom_phone_invalid)
        partner.phone = "+7 916 123-45-67"
        self.assertFalse(partner.ecom_phone_invalid)
        lead = self._lead(phone="+7 916 123-45-6")
        self.assertEqual(lead.phone, "+7 916 123-45-6")
        self.assertEqual(lead.phone_state, "incorrect")


    def test_cached_phone_fields_agree_with_odoo(self):
        """The per-process memory of formatted numbers gives Odoo's own answers, invalid numbers
        and other countries included, and never keeps a failure."""
        belarus, russia = self.env.ref("base.by"), self.env.ref("base.ru")
        numbers = ["+79161234567", "8 (916) 123-45-67", "8 029 123-45-67", "+375291234567", "12-34",
                   "+7 916 123-45-6", "+49301234567"]
        # numbers normalised here are known valid in E.164 (answered without parsing again)
        self.assertEqual(normalize_phone("8 (916) 123-45-67"), ("+79161234567", True))
        self.assertEqual(normalize_phone("8 029 123-45-67", "BY", 375), ("+375291234567", True))
        for number in numbers:
            for country in (russia, belarus):
                with self.subTest(number=number, country=country.code):
                    try:
                        expected = phone_validation.phone_format(
                            number, country.code, country.phone_code, force_format="E164", raise_exception=True)
                    except UserError:
                        expected = False
                    for _round in range(2):  # the second answer comes from the memory
                        self.assertEqual(self.Partner._phone_format_number(number, country), expected)
                    try:
                        quality = "correct" if phone_validation.phone_parse(number, country.code) else False
                    except UserError:
                        quality = "incorrect"
                    self.assertEqual(phone_quality(number, country.code), quality)
        # a number normalised here is answered without being parsed again, in any country
        self.assertEqual(normalize_phone("8 (916) 555-12-34"), ("+79165551234", True))
        with patch.object(phones, "phone_format", side_effect=AssertionError("parsed again")), \
                patch.object(phones, "phone_parse", side_effect=AssertionError("parsed again")):
            self.assertEqual(self.Partner._phone_format_number("+79165551234", belarus), "+79165551234")
            self.assertEqual(phone_quality("+79165551234", "BY"), "correct")
        with self.assertRaises(UserError):  # a failure is Odoo's, raised again each time
            self.Partner._phone_format_number("12-34", russia, raise_exception=True)
        with self.assertRaises(UserError):
            self.Partner._phone_format_number("12-34", russia, raise_exception=True)
        self.assertIsNone(formatted_phone("12-34", "RU", 7))
        lead = self._lead(phone="8 029 123-45-67", country_id=belarus.id)
        self.assertEqual((lead.phone_state, lead.phone_sanitized), ("correct", lead.phone))
        partner = self.Partner.create({"name": "Лукашевич Ян", "country_id": belarus.id, "phone": "8 029 123-45-67"})
        self.assertEqual(partner.phone_sanitized, "+375291234567")
        self.assertFalse(self._lead(phone=False).phone_state)
        lead.phone = "12-34"  # crm's dependencies still hold with our computation
        self.assertEqual(lead.phone_state, "incorrect")
        lead.phone = "8 029 765-43-21"  # read with the lead's country, Belarus
        self.assertEqual((lead.phone, lead.phone_state), ("+375297654321", "correct"))


@tagged("post_install", "-at_install", "ecom_crm")
class TestPhoneExtensions(EcomCrmCase):
    """An extension typed with the number is kept with it; Odoo's sanitized number, the phone's
    quality, matching and SMS use the number alone."""

    def test_extension_spellings(self):
        belarus = self.env.ref("base.by")
        for typed, stored in EXTENSION_SPELLINGS.items():
            with self.subTest(typed=typed):
                self.assertEqual(normalize_phone(typed), (stored, True))
                # idempotent, whatever the country reading it again
                self.assertEqual(normalize_phone(stored), (stored, True))
                self.assertEqual(normalize_phone(stored, belarus.code, belarus.phone_code), (stored, True))
                # phone_validation reads the stored value back with its extension
                parsed = phone_validation.phone_parse(stored, "RU")
                self.assertEqual(parsed.extension, stored.partition(" доб. ")[2])
                self.assertEqual(phone_validation.phone_format(stored, "RU", 7, force_format="E164"),
                                 stored.partition(" ")[0])
                self.assertEqual(phones.phone_without_extension(stored), stored.partition(" ")[0])

    def test_unreadable_extension_kept_as_typed(self):
        """What cannot be read stays as typed and is flagged, as any invalid number."""
        for typed in ("8 (495) 123-45-67 доб.", "8 (495) 123-45-67 доб 12-34", "12-34 вн. 5", "вн. 5"):
            with self.subTest(typed=typed):
                self.assertEqual(normalize_phone(typed), (typed, False))
                partner = self.Partner.create({"name": "ООО «Вектор»", "is_company": True, "phone": typed})
                self.assertEqual((partner.phone, partner.ecom_phone_invalid), (typed, True))

    def test_partner_and_lead_keep_the_extension(self):
        partner = self.Partner.create({"name": "ООО «Вектор»", "is_company": True,
                                       "phone": "+7 (495) 123-45-67 доб. 123", "mobile": "8 916 123-45-67"})
        self.assertRecordValues(partner, [{
            "phone": "+74951234567 доб. 123", "ecom_phone_number": "+74951234567", "ecom_phone_invalid": False,
            "mobile": "+79161234567", "ecom_mobile_number": "+79161234567", "phone_sanitized": "+79161234567"}])
        partner.mobile = False  # Odoo's sanitized number is the number alone, without the extension
        self.assertEqual(partner.phone_sanitized, "+74951234567")
        partner.write({"phone": "8 495 765-43-21 вн. 5"})
        self.assertRecordValues(partner, [{"phone": "+74957654321 доб. 5", "ecom_phone_number": "+74957654321",
                                           "phone_sanitized": "+74957654321"}])
        lead = self._lead(phone="+7 495 123 45 67, доб.12")
        self.assertRecordValues(lead, [{"phone": "+74951234567 доб. 12", "phone_sanitized": "+74951234567",
                                        "phone_state": "correct"}])
        lead.phone = "8 (495) 123-45-67 ext. 45"
        self.assertRecordValues(lead, [{"phone": "+74951234567 доб. 45", "phone_state": "correct"}])
        self.assertEqual(self.Partner._phone_format_number("+74951234567 доб. 45", self.env.ref("base.by")),
                         "+74951234567", "the stored value's E.164 number, in any country, as Odoo gives it")

    def test_one_parse_per_typed_number(self):
        """Normalising parses a typed number once; its stored value is known afterwards: the computed
        phone fields (sanitized number, phone quality) and normalising it again parse nothing."""
        phones.parsed_phone.cache_clear()
        with patch.object(phones, "phone_parse", wraps=phones.phone_parse) as parse:
            self.assertEqual(normalize_phone("8 (495) 555-12-34 доб. 77"), ("+74955551234 доб. 77", True))
        self.assertEqual(parse.call_count, 1)
        with patch.object(phones, "phone_format", side_effect=AssertionError("parsed again")), \
                patch.object(phones, "phone_parse", side_effect=AssertionError("parsed again")):
            self.assertEqual(normalize_phone("+74955551234 доб. 77"), ("+74955551234 доб. 77", True))
            self.assertEqual(phone_quality("+74955551234 доб. 77", "BY"), "correct")
            self.assertEqual(formatted_phone("+74955551234 доб. 77", "RU", 7), "+74955551234")

    def test_an_extension_typed_on_the_request_reaches_its_customer(self):
        """Odoo compares a request's phone with its customer's in E.164, which has no extension: an
        extension typed on the request (or changed on the customer) was never carried over, nor
        announced. It is now, as another number is; a number without extension (the switchboard's)
        does not wipe the customer's."""
        partner = self.Partner.create({"name": "ООО «Вектор»", "is_company": True, "phone": "+7 495 123-45-67"})
        lead = self._lead(partner_id=partner.id).with_user(self.salesman)
        self.assertEqual(lead.phone, "+74951234567")
        with Form(lead) as form:
            form.phone = "8 495 123-45-67 доб. 12"
            self.assertTrue(form.partner_phone_update, "the form says the customer's phone will change")
        self.assertEqual((lead.phone, partner.phone), ("+74951234567 доб. 12", "+74951234567 доб. 12"))
        lead.phone = "+7 495 123-45-67 доб. 13"
        self.assertEqual(partner.phone, "+74951234567 доб. 13")
        partner.phone = "+7 495 123-45-67 доб. 14"
        self.assertEqual(lead.phone, "+74951234567 доб. 14", "the customer's new extension reaches the request")
        lead.phone = "+7 495 123-45-67"
        self.assertEqual(partner.phone, "+74951234567 доб. 14", "the bare number keeps the customer's extension")
        self.assertFalse(lead.partner_phone_update)
        lead.phone = "+7 495 765-43-21 доб. 14"  # another number: Odoo's own rule, unchanged
        self.assertEqual(partner.phone, "+74957654321 доб. 14")

    def test_a_bare_number_on_the_request_takes_the_customers_new_extension(self):
        """A request with the switchboard's bare number (a call, or a customer without an extension then)
        takes the extension typed on its customer later, as a request with another extension did: «Call»
        on it reaches the person. Typed bare again on the request, it wipes nothing of the customer's."""
        partner = self.Partner.create({"name": "ООО «Вектор»", "is_company": True, "phone": "+7 495 123-45-67"})
        lead = self._lead(partner_id=partner.id)
        self.assertEqual(lead.phone, "+74951234567")
        partner.phone = "+7 495 123-45-67 доб. 12"
        self.assertEqual(lead.phone, "+74951234567 доб. 12", "the bare number takes the customer's extension")
        lead.phone = "+7 495 123-45-67"
        self.assertEqual(partner.phone, "+74951234567 доб. 12")
        partner.phone = "+7 495 123-45-67 доб. 14"
        self.assertEqual(lead.phone, "+74951234567 доб. 14")
        self.assertFalse(lead.partner_phone_update)

    def test_upgrade_fills_the_numbers_as_the_compute_does(self):
        """The 18.0.1.5.4 upgrade fills the number columns in SQL, as the compute would (invalid phones,
        «ext.» spelled by Odoo before the addon, empty values), run twice or on columns there already."""
        spec = importlib.util.spec_from_file_location(
            "ecom_crm_pre_migrate_1_5_4", file_path("ecom_crm/migrations/18.0.1.5.4/pre-migrate.py"))
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        values = ["+74951234567 доб. 123", "+7 495 123-45-67 ext. 12", "12-34 вн. 5", "", "+79161234567", None]
        partners = self.Partner.create([{"name": f"Клиент {index}"} for index in range(len(values))])
        for partner, value in zip(partners, values, strict=True):  # as left by SQL, stale numbers and all
            self.env.cr.execute(SQL("UPDATE res_partner SET phone = %s, mobile = %s, ecom_phone_number = 'old', "
                                    "ecom_mobile_number = 'old' WHERE id = %s", value, value, partner.id))
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.5.3")
        partners.invalidate_recordset()
        for partner, value in zip(partners, values, strict=True):
            with self.subTest(value=value):
                number = phones.phone_without_extension(value) or False
                self.assertEqual((partner.ecom_phone_number, partner.ecom_mobile_number), (number, number))

    def test_the_sms_numbers_fill_restricted_by_any_condition(self):
        """The SMS numbers' fill restricted by a condition (the demo store's few numbers) takes it
        whole: «a OR b» is not read as «the batch's ids and a, or b» (b's rows every batch: a fill
        that never ended)."""
        partners = self.Partner.create([{"name": f"Клиент {index}", "phone": "+79161234567"} for index in range(3)])
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE res_partner SET ecom_sms_number = 'old' WHERE id = ANY(%s)", partners.ids))
        queries = []
        execute = type(self.env.cr).execute

        def counted(cr, query, params=None, log_exceptions=True):
            queries.append(query)
            if len(queries) > 20:
                raise AssertionError("the fill does not end")
            return execute(cr, query, params, log_exceptions)

        with patch.object(type(self.env.cr), "execute", counted):
            changed = self.Partner._ecom_fill_sms_numbers(
                batch=1, only=SQL("id = %s OR id = %s", partners[0].id, partners[1].id))
        self.assertEqual(changed, 2)
        partners.invalidate_recordset()
        self.assertEqual(partners.mapped("ecom_sms_number"), ["+79161234567", "+79161234567", "old"])

    def test_customer_matched_by_number_whatever_the_extension(self):
        """The same switchboard number is the same customer (a company), with or without an extension;
        a customer with that very extension comes first (companies sharing a business centre's
        switchboard)."""
        vector = self.Partner.create({"name": "ООО «Вектор»", "is_company": True,
                                      "phone": "+7 495 123-45-67 доб. 123"})
        for typed in ("+7 495 123-45-67", "8 495 123-45-67 доб. 123", "8 495 123-45-67 доб. 9", "84951234567 x1"):
            with self.subTest(typed=typed):
                self.assertEqual(self.Partner._ecom_match_customer(phone=typed), vector)
        # a contact of the company matched by its mobile's number: the company
        ivanov = self.Partner.create({"name": "Иванов Иван", "parent_id": vector.id, "mobile": "+79030001122"})
        self.assertEqual(self.Partner._ecom_match_customer(phone="8 903 000-11-22 доб. 3"), vector)
        self.assertEqual(ivanov.ecom_mobile_number, "+79030001122")
        # a customer stored without the extension is found by a number typed with one
        bare = self.Partner.create({"name": "ООО «Ромашка»", "is_company": True, "phone": "+7 495 700-00-00"})
        self.assertEqual(self.Partner._ecom_match_customer(phone="+7 495 700-00-00 доб. 45"), bare)
        # a second company on the same switchboard, another extension: each its own
        orbita = self.Partner.create({"name": "ООО «Орбита»", "is_company": True,
                                      "phone": "+7 495 123-45-67 доб. 200"})
        by_phone, _by_email = self.Partner._ecom_match_customers(
            ["+74951234567 доб. 200", "+74951234567 доб. 123", "+74951234567", "+74951234567 доб. 5"])
        self.assertEqual(by_phone, {"+74951234567 доб. 200": orbita, "+74951234567 доб. 123": vector,
                                    "+74951234567": vector, "+74951234567 доб. 5": vector},
                         "an unknown extension or none: the first customer of that number, as for duplicates")


@tagged("post_install", "-at_install", "ecom_crm")
class TestPhonesStoredBefore(EcomCrmCase):
    def test_phones_typed_before_the_addon_are_normalised_at_installation(self):
        """A store already on Odoo has its customers' phones as they were typed: requests and calls
        never found them (a duplicate customer for each). The installation stores them as the addon
        does, each read in its customer's country; what cannot be read stays as typed."""
        kz = self.env.ref("base.kz")
        partners = self.Partner.create([{"name": f"Старый клиент {i}"} for i in range(5)])
        partners[3].country_id = kz
        raw = [("8 (916) 123-45-67", None), ("+7 (495) 123-45-67 ext. 12", "8 903 111 22 33"),
               (None, "89161112233 доб 7"), ("8 (701) 123-45-67", None), ("звонить после шести", None)]
        for partner, (phone, mobile) in zip(partners, raw, strict=True):
            self.env.cr.execute(SQL("UPDATE res_partner SET phone = %s, mobile = %s WHERE id = %s",
                                    phone, mobile, partner.id))
        self.env.invalidate_all()
        self.assertFalse(self.Partner._ecom_match_customer(phone="+79161234567"), "not found as typed")
        self.assertEqual(self.Partner._ecom_normalize_stored_phones(), 4)
        self.assertEqual([(p.phone, p.mobile) for p in partners], [
            ("+79161234567", False), ("+74951234567 доб. 12", "+79031112233"), (False, "+79161112233 доб. 7"),
            ("+77011234567", False), ("звонить после шести", False)])
        self.assertEqual(self.Partner._ecom_match_customer(phone="8 916 123-45-67"), partners[0])
        self.assertEqual(self.Partner._ecom_match_customer(phone="+7 495 123 45 67"), partners[1])
        self.assertEqual(self.Partner._ecom_match_customer(phone="+7 903 111-22-33"), partners[1])
        self.assertEqual(partners[2].ecom_mobile_number, "+79161112233")
        self.assertEqual(self.Partner._ecom_normalize_stored_phones(), 0, "once stored, left alone")

    def test_an_upgrade_normalises_what_an_earlier_installation_left_as_typed(self):
        """A store that installed an earlier version kept its older customers' and requests' phones as
        typed: the 18.0.1.5.5 upgrade stores them (twice: nothing more), archived requests too."""
        spec = importlib.util.spec_from_file_location(
            "ecom_crm_post_migrate_1_5_5", file_path("ecom_crm/migrations/18.0.1.5.5/post-migrate.py"))
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        partner = self.Partner.create({"name": "Старый клиент"})
        leads = self.env["crm.lead"].create([{"name": "Старая заявка"}, {"name": "Старый отказ"}])
        leads[1].action_set_lost(lost_reason_id=self.env["crm.lost.reason"].search([], limit=1).id)
        self.env.cr.execute(SQL("UPDATE res_partner SET phone = '8 (916) 765-43-21' WHERE id = %s", partner.id))
        self.env.cr.execute(SQL("UPDATE crm_lead SET phone = '8 (495) 765-43-21 ext. 5', mobile = '8 903 765 43 21' "
                                "WHERE id = ANY(%s)", leads.ids))
        self.env.invalidate_all()
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.5.4")
        self.assertEqual((partner.phone, partner.ecom_phone_number), ("+79167654321", "+79167654321"))
        self.assertEqual(self.Partner._ecom_match_customer(phone="+7 916 765-43-21"), partner)
        self.assertEqual([(lead.phone, lead.mobile) for lead in leads],
                         [("+74957654321 доб. 5", "+79037654321")] * 2)
        self.assertEqual(self.env["crm.lead"]._ecom_normalize_stored_phones(), 0, "once stored, left alone")

    def test_normalised_phones_keep_sms_and_blacklist_matching(self):
        """Odoo keeps beside the phones a sanitized number (SMS, the phone blacklist, a request's
        phone state), computed when the phone is written: the normalisation writes the phones in SQL,
        and they are recomputed with them, in batches. A customer whose number Odoo could not read
        when it was typed (no country) and who asked for no SMS is found blacklisted once it is."""
        self.env.company.country_id = False
        self.env.company.ecom_phone_country_id = self.env.ref("base.ru")
        partners = self.Partner.create([{"name": f"Старый клиент {i}"} for i in range(3)])
        lead = self.env["crm.lead"].create({"name": "Старая заявка", "type": "opportunity"})
        self.env.cr.execute(SQL("UPDATE res_partner SET phone = '8 (916) 765-43-2' || right(id::text, 1), "
                                "phone_sanitized = NULL WHERE id = ANY(%s)", partners.ids))
        self.env.cr.execute(SQL("UPDATE crm_lead SET phone = '8 (916) 765-00-11', phone_sanitized = NULL, "
                                "phone_state = NULL WHERE id = %s", lead.id))
        self.env.invalidate_all()
        self.env["phone.blacklist"].sudo().create({"number": partners[0].phone.replace("8 (916) ", "+7916")
                                                   .replace("-", "")})
        self.assertEqual(self.Partner._ecom_normalize_stored_phones(batch=2), 3)
        self.assertEqual(self.env["crm.lead"]._ecom_normalize_stored_phones(), 1)
        self.assertEqual(partners.mapped("phone_sanitized"), partners.mapped("phone"))
        self.assertTrue(partners[0].phone_sanitized_blacklisted)
        self.assertEqual(self.Partner.search([("phone_sanitized_blacklisted", "=", True),
                                              ("id", "in", partners.ids)]), partners[0])
        self.assertEqual((lead.phone, lead.phone_sanitized, lead.phone_state),
                         ("+79167650011", "+79167650011", "correct"))


@tagged("post_install", "-at_install", "ecom_crm")
class TestGender(EcomCrmCase):
    def test_gender_from_first_name(self):
        cases = [
            ({"lastname": "Иванова", "firstname": "Светлана"}, "female"),
            ({"lastname": "Петров", "firstname": "Игорь", "patronymic": "Сергеевич"}, "male"),
            ({"firstname": "Никита"}, "male"),
            ({"firstname": "Любовь"}, "female"),
            ({"firstname": "Саша", "patronymic": "Петровна"}, "female"),
            ({"firstname": "Саша", "patronymic": "Петрович"}, "male"),
            ({"name": "Кузнецова Алёна Игоревна"}, "female"),
            ({"firstname": "Женя"}, False),  # both: left for a person to set
            ({"lastname": "Смирнова", "firstname": "Женя"}, "female"),  # then the last name tells
            ({"name": "Светлана Петровна Иванова"}, "female"),
            ({"name": "Женя Смирнова"}, "female"),
            ({"name": "Александр Сергеевич Пушкин"}, "male"),
        ]
        for vals, gender in cases:
            with self.subTest(vals=vals):
                self.assertEqual(self.Partner.create(vals).ecom_gender, gender)

    def test_gender_stays_editable(self):
        with Form(self.Partner.with_user(self.salesman)) as form:
            form.firstname = "Светлана"
            self.assertEqual(form.ecom_gender, "female")
            form.ecom_gender = "male"
        partner = form.save()
        self.assertEqual(partner.ecom_gender, "male")
        partner.write({"street": "ул. Ленина, 1", "phone": "+79161234567"})
        self.assertEqual(partner.ecom_gender, "male", "a manual choice survives unrelated edits")

    def test_companies_have_no_gender(self):
        self.assertFalse(self.Partner.create({"name": "ООО Вектор", "is_company": True}).ecom_gender)


@tagged("post_install", "-at_install", "ecom_crm")
class TestLeadTitle(EcomCrmCase):
    def test_title_convention(self):
        lead = self.Lead.create({"type": "opportunity", "ecom_product_id": self.product.id,
                                 "ecom_delivery_city": "Казань"})
        day = lead.create_date.strftime("%d.%m.%Y")  # the day the request came
        self.assertEqual(lead.name, f"Коляска Cybex Priam, {day}, Казань")
        lead.ecom_delivery_city = "Самара"
        self.assertEqual(lead.name, f"Коляска Cybex Priam, {day}, Самара")
        self.assertFalse(lead.ecom_name_manual)

    def test_city_of_the_customer_and_form(self):
        with Form(self.Lead.with_user(self.salesman).with_context(default_type="opportunity")) as form:
            form.ecom_product_id = self.product
            form.city = "Тула"
            day = self.env.cr.now().strftime("%d.%m.%Y")
            self.assertEqual(form.name, f"Коляска Cybex Priam, {day}, Тула")
        self.assertEqual(form.record.name, f"Коляска Cybex Priam, {day}, Тула")

    def test_manual_title_kept(self):
        lead = self.Lead.create({"name": "Звонок по коляске", "type": "opportunity",
                                 "ecom_product_id": self.product.id, "city": "Казань"})
        self.assertEqual(lead.name, "Звонок по коляске")
        lead.write({"name": "Перезвонить"})
        lead.city = "Пермь"
        self.assertEqual(lead.name, "Перезвонить")
        self.assertTrue(lead.ecom_name_manual)

    def test_no_product_or_city_no_convention(self):
        self.assertFalse(self.Lead._ecom_title_from_vals({"city": "Казань"}))
        self.assertFalse(self.Lead._ecom_title_from_vals({"ecom_product_id": self.product.id}))
        lead = self.Lead.create({"type": "opportunity", "ecom_product_id": self.product.id, "city": "Казань"})
        title = lead.name
        lead.write({"city": False, "ecom_product_id": False})
        self.assertEqual(lead.name, title, "an automatic title is kept, never blanked")
