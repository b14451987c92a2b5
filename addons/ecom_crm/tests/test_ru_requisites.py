"""ИНН, ОГРН/ОГРНИП and КПП of Russian contacts: python-stdnum's checksums, translated errors."""
from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged

from ..tools import ru_requisites
from .common import EcomCrmCase

ORG_INN, ORG_OGRN, ORG_KPP = "7707083893", "1027700132195", "773601001"  # Сбербанк
TRADER_INN, TRADER_OGRNIP = "500100732259", "304500116000157"


@tagged("post_install", "-at_install", "ecom_crm")
class TestRequisiteChecks(BaseCase):
    def test_inn(self):
        self.assertIsNone(ru_requisites.inn_error(ORG_INN, is_company=True))
        self.assertIsNone(ru_requisites.inn_error(" 7707 083 893 ", is_company=True))
        self.assertIsNone(ru_requisites.inn_error(TRADER_INN, is_company=True))
        self.assertIsNone(ru_requisites.inn_error(TRADER_INN, is_company=False))
        self.assertEqual(ru_requisites.inn_error("7707083894", is_company=True), "checksum")
        self.assertEqual(ru_requisites.inn_error("500100732258", is_company=False), "checksum")
        self.assertEqual(ru_requisites.inn_error(ORG_INN, is_company=False), "person_length")
        self.assertEqual(ru_requisites.inn_error("77070838", is_company=True), "length")
        self.assertEqual(ru_requisites.inn_error("RU7707083893", is_company=True), "format")

    def test_ogrn(self):
        self.assertIsNone(ru_requisites.ogrn_error(ORG_OGRN, ORG_INN))
        self.assertIsNone(ru_requisites.ogrn_error(TRADER_OGRNIP, TRADER_INN))
        self.assertEqual(ru_requisites.ogrn_error("1027700132196", ORG_INN), "checksum")
        self.assertEqual(ru_requisites.ogrn_error("304500116000158", TRADER_INN), "checksum")
        self.assertEqual(ru_requisites.ogrn_error(TRADER_OGRNIP, ORG_INN), "mismatch")
        self.assertEqual(ru_requisites.ogrn_error(ORG_OGRN, TRADER_INN), "mismatch")
        self.assertEqual(ru_requisites.ogrn_error("10277001321", ORG_INN), "length")
        self.assertEqual(ru_requisites.ogrn_error("1027700I32195", ORG_INN), "format")

    def test_kpp_and_bank_codes(self):
        self.assertIsNone(ru_requisites.kpp_error(ORG_KPP, ORG_INN))
        self.assertIsNone(ru_requisites.kpp_error("7736AB001", ORG_INN))
        self.assertEqual(ru_requisites.kpp_error("77360100", ORG_INN), "format")
        self.assertEqual(ru_requisites.kpp_error(ORG_KPP, TRADER_INN), "not_organisation")
        self.assertIsNone(ru_requisites.digits_error("30101810400000000225", 20))
        self.assertEqual(ru_requisites.digits_error("3010181040000000022", 20), "format")
        self.assertEqual(ru_requisites.registration_label(TRADER_INN), "ОГРНИП")

    def test_account_keys(self):
        """The Bank of Russia's control key ties an account to its bank's БИК: a typo in either is caught."""
        self.assertIsNone(ru_requisites.account_error("40702810938000000001", "044525225"))  # Сбербанк
        self.assertIsNone(ru_requisites.account_error("4070 2810 9380 0000 0001", " 044525225 "))
        self.assertIsNone(ru_requisites.account_error("40702810700000012345", "044525187"))  # ВТБ
        self.assertEqual(ru_requisites.account_error("40702810100000012345", "044525187"), "key")
        self.assertEqual(ru_requisites.account_error("40702810938000000002", "044525225"), "key")
        self.assertEqual(ru_requisites.account_error("40702810938000000001", "044525226"), "key")
        self.assertEqual(ru_requisites.account_error("4070281093800000000", "044525225"), "format")
        self.assertEqual(ru_requisites.account_error("DE89370400440532013000", "044525225"), "format")
        # correspondent accounts take «0» and the БИК's 5th-6th digits
        self.assertIsNone(ru_requisites.account_error("30101810400000000225", "044525225", correspondent=True))
        self.assertIsNone(ru_requisites.account_error("30101810700000000187", "044525187", correspondent=True))
        self.assertEqual(ru_requisites.account_error("30101810400000000226", "044525225", correspondent=True),
                         "key")
        # the treasury's accounts (a state customer's, the tax office's) follow their own numbering:
        # the account and the single treasury account (ЕКС) of the tax office of Tula, as published
        self.assertIsNone(ru_requisites.account_error("03100643000000018500", "017003983"))
        self.assertIsNone(ru_requisites.account_error("40102810445370000059", "017003983", correspondent=True))
        self.assertEqual(ru_requisites.account_error("0310064300000001850", "017003983"), "format")
        # a SWIFT code is not a БИК: nothing to check the account against
        self.assertIsNone(ru_requisites.account_error("40702810100000012345", "SABRRUMM"))
        self.assertTrue(ru_requisites.is_bik("044525225"))
        self.assertFalse(ru_requisites.is_bik("SABRRUMMXXX"))
        self.assertEqual(ru_requisites.registration_label(ORG_INN), "ОГРН")
        self.assertEqual(ru_requisites.tax_id_label("RU"), "ИНН")
        self.assertEqual(ru_requisites.tax_id_label("KZ", russian=False), "БИН/ИИН")
        self.assertEqual(ru_requisites.tax_id_label("BY", russian=False), "УНП")
        self.assertEqual(ru_requisites.tax_id_label("DE", russian=False), "Налоговый номер")

    def test_sole_trader_own_name(self):
        """A sole trader's own name after the title however it is typed; a name merely starting with «Ип», a
        company's, initials before a surname, a title alone: no sole trader's."""
        own = "Алиева Лейла Гасановна"
        for name in (f"ИП {own}", f"ип {own}", f"Ип  {own}", f"ИП. {own}", f"ИП.{own}", f"ИП: {own}",
                     f"И.П. {own}", f"и. п. {own}", f"И.П.{own}", "  ИП   Алиева  Лейла Гасановна ",
                     f"Индивидуальный предприниматель {own}", f"ИНДИВИДУАЛЬНЫЙ  ПРЕДПРИНИМАТЕЛЬ {own}", f"И.П {own}",
                     # the title typed twice is printed once, not «Индивидуальный предприниматель ИП Алиева …»
                     f"ИП ИП {own}", f"Индивидуальный предприниматель ИП {own}", f"ИП И.П. {own}"):
            with self.subTest(name=name):
                self.assertEqual(ru_requisites.sole_trader_own_name(name), own)
        for name in ("ООО Ипподром", "Ипподром", "Ипатов Иван", "ИПАТОВ ИВАН", "И. П. Сидоров", "И.П. Сидоров",
                     "ИП", "ИП ", "Индивидуальный предприниматель", own, "Сидоров И. П.", "", None,
                     # a Latin «IP» is no Russian title (and «IP-телефония» is no sole trader)
                     "IP Ivanov", "IP Иванов Иван", "ИПК Вектор", "ИП-Телеком"):
            with self.subTest(name=name):
                self.assertIsNone(ru_requisites.sole_trader_own_name(name))

    def test_split_person_name(self):
        """A person's name in its parts, a sole trader's title kept with the surname (the parts compose the name)."""
        self.assertEqual(ru_requisites.split_person_name("ИП Ким Саша"), ("ИП Ким", "Саша", False))
        self.assertEqual(ru_requisites.split_person_name("И.П. Лейла Гасановна Алиева"),
                         ("И.П. Алиева", "Лейла", "Гасановна"))
        self.assertEqual(ru_requisites.split_person_name("Индивидуальный  предприниматель Петров"),
                         ("Индивидуальный  предприниматель Петров", False, False))
        self.assertEqual(ru_requisites.split_person_name("Ипатов Иван"), ("Ипатов", "Иван", False))
        self.assertEqual(ru_requisites.split_person_name("Сидоров И. П."), ("Сидоров", "И.", "П."))
        for name in ("", None, "ИП", "ИП "):
            with self.subTest(name=name):
                self.assertEqual(ru_requisites.split_person_name(name),
                                 (False, "ИП", False) if name and name.strip() else (False, False, False))

    def test_is_sole_trader(self):
        """The name's title, else a 12-digit ИНН on a company's card or on a person's with an ОГРНИП."""
        def sole_trader(name, inn="", ogrn="", is_company=False, russian=True):
            return ru_requisites.is_sole_trader(name, inn, ogrn, is_company, russian)
        self.assertTrue(sole_trader("ИП Алиева Лейла Гасановна"))  # a person's card, no ИНН nor ОГРНИП
        self.assertTrue(sole_trader("ИП Алиева Лейла Гасановна", TRADER_INN))
        self.assertTrue(sole_trader("И.П. Алиева Лейла Гасановна", TRADER_INN, is_company=True))
        self.assertTrue(sole_trader("Петров Пётр Петрович", TRADER_INN, TRADER_OGRNIP))
        self.assertTrue(sole_trader("Петров Пётр Петрович", TRADER_INN, is_company=True))
        self.assertFalse(sole_trader("Петров Пётр Петрович", TRADER_INN))  # a private person with an ИНН
        self.assertFalse(sole_trader("Ипатов Иван", TRADER_INN))
        self.assertFalse(sole_trader("ООО Ипподром", ORG_INN, ORG_OGRN, is_company=True))
        self.assertFalse(sole_trader("ИП Петров Пётр Петрович", ORG_INN, is_company=True))  # an organisation's ИНН
        self.assertFalse(sole_trader("ИП Петров Пётр Петрович", TRADER_INN, russian=False))

    def test_a_surname_ip_reads_as_the_title(self):
        """«Ип Ман» (the Chinese surname Ип) is read as the sole trader Ман, as README says: «Ип» as a name is typed
        so by sole traders too («Ип Петров»), and a single word after the title is as often a sole trader's surname
        («ИП Ким», «ИП Рахмон»): nothing tells them apart, neither the ИНН (a person's 12 digits are a sole
        trader's). Typed first name first, «Ман Ип», the name is a private person's."""
        self.assertEqual(ru_requisites.sole_trader_own_name("Ип Ман"), "Ман")
        self.assertTrue(ru_requisites.is_sole_trader("Ип Ман", "", "", False))
        self.assertEqual(ru_requisites.sole_trader_own_name("Ип Петров"), "Петров")
        self.assertIsNone(ru_requisites.sole_trader_own_name("Ман Ип"))
        self.assertFalse(ru_requisites.is_sole_trader("Ман Ип", TRADER_INN, "", False))


@tagged("post_install", "-at_install", "ecom_crm")
class TestPartnerRequisites(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.russia = cls.env.ref("base.ru")

    def test_valid_requisites_are_kept(self):
        org = self.Partner.create({"name": "ПАО Сбербанк", "is_company": True, "country_id": self.russia.id,
                                   "vat": ORG_INN, "company_registry": ORG_OGRN, "ecom_kpp": ORG_KPP})
        trader = self.Partner.create({"name": "ИП Петров П. П.", "is_company": True, "country_id": self.russia.id,
                                      "vat": TRADER_INN, "company_registry": TRADER_OGRNIP})
        person = self.Partner.create({"name": "Петров Пётр", "country_id": self.russia.id, "vat": TRADER_INN})
        self.assertEqual((org.vat, trader.company_registry, person.vat), (ORG_INN, TRADER_OGRNIP, TRADER_INN))
        self.assertEqual(trader._ecom_requisites()["ogrn_label"], "ОГРНИП")

    def test_bad_requisites_are_refused_in_russian(self):
        partner = self.Partner.with_context(lang="ru_RU").create(
            {"name": "ООО Ромашка", "is_company": True, "country_id": self.russia.id})
        cases = [
            ({"vat": "7707083894"}, "контрольн"),  # a typo: the check digits do not match
            ({"vat": "77070838"}, "10 цифр"),
            ({"vat": ORG_INN, "company_registry": "1027700132196"}, "ОГРН"),
            ({"vat": ORG_INN, "company_registry": TRADER_OGRNIP}, "ОГРНИП"),
            ({"vat": ORG_INN, "ecom_kpp": "12345"}, "КПП"),
            ({"vat": TRADER_INN, "ecom_kpp": ORG_KPP}, "КПП"),
        ]
        for vals, fragment in cases:
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as caught:
                partner.write(vals)
            self.assertIn(fragment, str(caught.exception))
        with self.assertRaisesRegex(ValidationError, "12 цифр"):
            self.Partner.with_context(lang="ru_RU").create(
                {"name": "Петров Пётр", "country_id": self.russia.id, "vat": ORG_INN})

    def test_a_companys_contacts_share_its_requisites(self):
        """A contact person of a company carries the company's ИНН and ОГРН (Odoo copies them to its
        contacts): a company with a 10-digit ИНН can have contacts, added later or before, and its
        ИНН changed with them."""
        org = self.Partner.create({"name": "ПАО Сбербанк", "is_company": True, "country_id": self.russia.id,
                                   "vat": ORG_INN, "company_registry": ORG_OGRN, "ecom_kpp": ORG_KPP})
        buyer = self.Partner.create({"name": "Закупщица Анна", "parent_id": org.id, "country_id": self.russia.id})
        self.assertEqual((buyer.vat, buyer.company_registry), (ORG_INN, ORG_OGRN))
        newcomer = self.Partner.create({"name": "Бухгалтер", "country_id": self.russia.id})
        newcomer.parent_id = org
        self.assertEqual(newcomer.vat, ORG_INN)
        org.write({"vat": "7736207543", "company_registry": "1027700229193", "ecom_kpp": "773601001"})
        self.assertEqual(buyer.vat, "7736207543")
        with self.assertRaises(ValidationError):
            org.vat = "7707083894"  # the company's own ИНН is still checked

    def test_the_help_says_a_10_digit_inn_is_an_organisations(self):
        """«ИП …» with an organisation's 10-digit ИНН is no sole trader: the card's help of the ИНН and of the sole
        trader's fields say so, in Russian, as the rule has it."""
        org = self.Partner.create({"name": "ИП Петров Пётр Петрович", "is_company": True, "country_id": self.russia.id,
                                   "vat": ORG_INN})
        self.assertFalse(org.ecom_sole_trader)
        self.assertFalse(org._ecom_requisites()["is_sole_trader"])
        Partner = self.Partner.with_context(lang="ru_RU")
        helps = Partner.fields_get(["ecom_sole_trader", "ecom_gender"], ["help"])
        for name in ("ecom_sole_trader", "ecom_gender"):
            with self.subTest(field=name):
                self.assertIn("ИНН из 10 цифр", helps[name]["help"])
                self.assertIn("«ИП …»", helps[name]["help"])
        arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        vat = etree.fromstring(arch).xpath("//field[@name='vat']")[0]
        self.assertIn("контакт с ИНН из 10 цифр — организация, а не индивидуальный предприниматель", vat.get("help"))
        self.assertIn("10 цифр у организации, 12 у физического лица или индивидуального предпринимателя",
                      vat.get("help"))

    def test_foreign_and_untaxed_contacts_are_not_checked(self):
        german = self.Partner.create({"name": "Kinderwagen GmbH", "is_company": True,
                                      "country_id": self.env.ref("base.de").id, "vat": "DE123456789"})
        self.assertEqual(german.vat, "DE123456789")
        untaxed = self.Partner.create({"name": "Без ИНН", "country_id": self.russia.id, "vat": "/"})
        self.assertEqual(untaxed.vat, "/")

    def test_bank_correspondent_account(self):
        bank = self.env["res.bank"].create({"name": "ПАО Сбербанк", "bic": "044525225",
                                            "ecom_corr_account": "30101810400000000225"})
        with self.assertRaises(ValidationError):
            bank.ecom_corr_account = "3010181040000000022"
        with self.assertRaisesRegex(ValidationError, "БИК"):  # a typo: its key does not match the БИК
            bank.with_context(lang="ru_RU").ecom_corr_account = "30101810400000000226"
        with self.assertRaisesRegex(ValidationError, "БИК"):  # or a typo in the БИК
            bank.with_context(lang="ru_RU").bic = "044525226"

    def test_settlement_account_against_the_bik(self):
        """A р/с with a typo is refused, in Russian, rather than printed on a contract the customer pays to."""
        self.env["res.lang"]._activate_lang("ru_RU")
        bank = self.env["res.bank"].create({"name": "Банк ВТБ (ПАО)", "bic": "044525187"})
        partner = self.Partner.create({"name": "ООО Ромашка", "is_company": True, "country_id": self.russia.id})
        Account = self.env["res.partner.bank"].with_context(lang="ru_RU")
        account = Account.create({"partner_id": partner.id, "bank_id": bank.id, "acc_number": "40702810700000012345"})
        self.assertEqual(partner._ecom_requisites()["account"], "40702810700000012345")
        with self.assertRaisesRegex(ValidationError, "БИК.*контрольн"):
            Account.create({"partner_id": partner.id, "bank_id": bank.id, "acc_number": "40702810100000012345"})
        with self.assertRaisesRegex(ValidationError, "20 цифр"):
            Account.create({"partner_id": partner.id, "bank_id": bank.id, "acc_number": "4070281070000001234"})
        with self.assertRaisesRegex(ValidationError, "БИК.*контрольн"):  # the account moved to another bank
            account.with_context(lang="ru_RU").bank_id = self.env["res.bank"].create(
                {"name": "ПАО Сбербанк", "bic": "044525225"})
        # a foreign bank (a SWIFT code) or no bank: an IBAN or any account is kept
        swift = self.env["res.bank"].create({"name": "Deutsche Bank", "bic": "DEUTDEFF"})
        Account.create({"partner_id": partner.id, "bank_id": swift.id, "acc_number": "DE89370400440532013000"})
        Account.create({"partner_id": partner.id, "acc_number": "40702810200000012345"})
