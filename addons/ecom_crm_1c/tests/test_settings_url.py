"""Settings show the address 1C is given: this database's web.base.url followed by /1c_exchange,
ready to paste; an administrator sees it in the settings form, anybody else cannot read it."""

import json

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSettingsExchangeUrl(TransactionCase):
    def set_base_url(self, url):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", url)

    def exchange_url(self):
        return self.env["res.config.settings"].create({}).ecom_1c_exchange_url

    def test_the_url_follows_web_base_url(self):
        for base, expected in [
            ("https://crm.example.ru", "https://crm.example.ru/1c_exchange"),
            ("https://crm.example.ru/", "https://crm.example.ru/1c_exchange"),
            ("http://10.0.0.5:8069", "http://10.0.0.5:8069/1c_exchange"),
            ("https://example.ru/odoo", "https://example.ru/odoo/1c_exchange"),
            ("https://example.ru/odoo/", "https://example.ru/odoo/1c_exchange"),
        ]:
            with self.subTest(base=base):
                self.set_base_url(base)
                self.assertEqual(self.exchange_url(), expected)

    def test_an_administrator_sees_it_in_the_settings_form(self):
        self.set_base_url("https://crm.example.ru/")
        admin = new_test_user(self.env, login="url_admin", groups="base.group_system,sales_team.group_sale_manager")
        Settings = self.env["res.config.settings"].with_user(admin)
        arch = etree.fromstring(Settings.get_views([(False, "form")])["views"]["form"]["arch"])
        fields = arch.xpath("//field[@name='ecom_1c_exchange_url']")
        self.assertTrue(fields, "the address is in an administrator's settings form")
        self.assertEqual(fields[0].get("widget"), "CopyClipboardChar")
        self.assertEqual(fields[0].get("readonly"), "1")
        # the order data choices are sentences: radio buttons, never a dropdown that cuts them
        self.assertEqual(arch.xpath("//field[@name='ecom_1c_order_direction']")[0].get("widget"), "radio")
        # what the form shows: the client opens Settings with onchange() on a new record
        values = Settings.onchange({}, [], {"ecom_1c_exchange_url": {}, "company_id": {}})["value"]
        self.assertEqual(values["ecom_1c_exchange_url"], "https://crm.example.ru/1c_exchange")

    def test_a_store_of_one_company_sees_one_login(self):
        """The company's own 1C login and password are for a store of several companies, each with its own
        1C base: a fresh demo store's administrator read «Логин обмена с 1С» and «Логин обмена с 1С этой
        компании», two logins and two passwords for one 1C. They show once the store has several companies,
        or where the company's own login is already set (its administrator still sees and changes it)."""
        admin = new_test_user(self.env, login="one_company_admin",
                              groups="base.group_system,sales_team.group_sale_manager")
        Settings = self.env["res.config.settings"].with_user(admin)
        arch = etree.fromstring(Settings.get_views([(False, "form")])["views"]["form"]["arch"])
        for name in ("ecom_1c_company_login", "ecom_1c_company_password"):
            row = arch.xpath(f"//setting[@id='ecom_1c_exchange']//field[@name='{name}']/..")[0]
            self.assertEqual(row.get("invisible"), "not ecom_1c_company_login_shown")

        def shown():
            self.env.invalidate_all()
            return Settings.create({}).ecom_1c_company_login_shown

        self.env.company.sudo().ecom_1c_login = False
        self.assertFalse(shown())
        self.env.company.sudo().ecom_1c_login = "shop-1c"
        self.assertTrue(shown(), "a login set is shown, to be changed or cleared")
        self.env.company.sudo().ecom_1c_login = False
        admin.company_ids |= self.env["res.company"].create({"name": "ООО «Вторая»"})
        self.assertTrue(admin.has_group("base.group_multi_company"), "Odoo gives it with a second company")
        self.assertTrue(shown())

    def test_a_non_administrator_cannot_read_it(self):
        self.set_base_url("https://crm.example.ru")
        manager = new_test_user(self.env, login="url_sales_manager", groups="sales_team.group_sale_manager")
        Settings = self.env["res.config.settings"].with_user(manager)
        with self.assertRaises(AccessError):  # Settings are the administrators' (base's access rule)
            Settings.get_views([(False, "form")])
        # and the 1C block stays theirs if another module opens Settings to sales managers
        self.env["ir.model.access"].create({
            "name": "test: Settings for sales managers", "perm_read": True,
            "model_id": self.env["ir.model"]._get_id("res.config.settings"),
            "group_id": self.env.ref("sales_team.group_sale_manager").id})
        arch = etree.fromstring(Settings.get_views([(False, "form")])["views"]["form"]["arch"])
        self.assertFalse(arch.xpath("//setting[@id='ecom_1c_exchange']"), "no 1C block in their form")
        self.assertFalse(arch.xpath("//field[starts-with(@name, 'ecom_1c_')]"))
        settings = self.env["res.config.settings"].create({}).with_user(manager)
        for name in ("ecom_1c_exchange_url", "ecom_1c_login"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                settings.read([name])


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSettingsPasswords(TransactionCase):
    """The exchange passwords are stored only hashed and their fields read empty after saving: beside
    each one the form says whether a password is set, and nothing shows the hash."""

    def test_the_form_says_whether_a_password_is_set_and_never_shows_it(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.password_hash", False)
        self.env.company.sudo().ecom_1c_password_hash = False
        admin = new_test_user(self.env, login="pw_admin", groups="base.group_system,sales_team.group_sale_manager")
        # a store of several companies (Odoo gives their users the multi-company group): each company's own
        # login and password show too
        other = self.env["res.company"].create({"name": "ООО «Вторая»"})
        admin.company_ids |= other
        Settings = self.env["res.config.settings"].with_user(admin)
        names = {"ecom_1c_password": {}, "ecom_1c_password_set": {}, "ecom_1c_company_password": {},
                 "ecom_1c_company_password_set": {}, "company_id": {}}

        def shown(lang, settings=Settings):
            """What the form says under each password: the client opens Settings with onchange() on a new
            record and shows the texts of the view whose ``invisible`` is false for those values."""
            settings = settings.with_context(lang=lang)
            values = settings.onchange({}, [], names)["value"]
            arch = etree.fromstring(settings.get_views([(False, "form")])["views"]["form"]["arch"])
            return tuple(" ".join(text.text.strip() for text in arch.xpath(f"//field[@name='{name}']/../div/div")
                                  if not safe_eval(text.get("invisible"), values))
                         for name in ("ecom_1c_password", "ecom_1c_company_password")), values

        self.assertEqual(shown("ru_RU")[0], ("Пароль не задан", "Пароль не задан"))
        Settings.create({"ecom_1c_password": "s3cret-1C"}).execute()
        self.assertEqual(shown("ru_RU")[0], ("Пароль задан", "Пароль не задан"))
        Settings.create({"ecom_1c_company_password": "pw-company"}).execute()
        texts, values = shown("en_US")
        self.assertEqual(texts, ("Password set", "Password set"))
        self.assertFalse(values.get("ecom_1c_password") or values.get("ecom_1c_company_password"))
        # another company's settings: the shared password is set, that company's own is not
        texts, values = shown("ru_RU", Settings.with_company(other))
        self.assertEqual(texts, ("Пароль задан", "Пароль не задан"))
        self.assertEqual((values["ecom_1c_password_set"], values["ecom_1c_company_password_set"]), (True, False))
        hashes = (self.env["ir.config_parameter"].sudo().get_param("ecom_crm_1c.password_hash"),
                  self.env.company.sudo().ecom_1c_password_hash)
        self.assertTrue(all(hashes))
        record = Settings.create({})
        read = json.dumps(record.read([name for name in names if name != "company_id"]))
        for secret in (*hashes, "s3cret-1C", "pw-company"):
            self.assertNotIn(secret, json.dumps(values))
            self.assertNotIn(secret, read)
        arch = etree.fromstring(Settings.get_views([(False, "form")])["views"]["form"]["arch"])
        for name in ("ecom_1c_password", "ecom_1c_company_password"):
            row = arch.xpath(f"//field[@name='{name}']/..")[0]
            self.assertEqual(len(row.xpath("./div/div[@invisible]")), 2, "beside its field")
            # under its field, not under the label: the row wraps it to a line of its own, from the label's side
            self.assertIn("offset-lg-5", row.xpath("./div[div]/@class")[0].split())
