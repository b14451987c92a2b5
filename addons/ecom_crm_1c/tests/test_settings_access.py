"""The exchange's settings are the administrators': a salesperson cannot read the exchange login,
not even through default_get (Odoo reads parameters as the superuser there)."""

import json

from lxml import etree

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import ProtocolCase


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSettingsAccess(HttpCase):
    def test_salesperson_cannot_read_the_exchange_login(self):
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.login", "exchange-secret-login")
        seller = new_test_user(self.env, login="settings_seller", groups="sales_team.group_sale_salesman")
        manager = new_test_user(self.env, login="settings_manager", groups="sales_team.group_sale_manager")
        for user in (seller, manager):
            payload = {"jsonrpc": "2.0", "method": "call", "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.env.cr.dbname, user.id, user.login, "res.config.settings", "default_get",
                         [["ecom_1c_login", "ecom_1c_file_limit"]], {}]}}
            answer = self.url_open("/jsonrpc", data=json.dumps(payload),
                                   headers={"Content-Type": "application/json"}).json()
            with self.subTest(user=user.login):
                self.assertNotIn("exchange-secret-login", json.dumps(answer))
        admin_values = self.env["res.config.settings"].default_get(["ecom_1c_login"])
        self.assertEqual(admin_values["ecom_1c_login"], "exchange-secret-login", "an administrator sees it")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestExchangeAccount(ProtocolCase):
    """1C logs in with the exchange's own login, no user of the database: it reaches /1c_exchange and
    nothing else, neither by JSON-RPC with its password nor with its exchange cookie."""

    def test_the_exchange_login_opens_no_odoo_session(self):
        cookie = self.login()
        self.assertFalse(self.xmlrpc_common.authenticate(self.env.cr.dbname, "exchange", "s3cret-1C", {}))
        answer = self.url_open("/web/session/authenticate", data=json.dumps({"jsonrpc": "2.0", "params": {
            "db": self.env.cr.dbname, "login": "exchange", "password": "s3cret-1C"}}),
            headers={"Content-Type": "application/json"}).json()
        self.assertIn("error", answer)
        read = self.url_open("/web/dataset/call_kw/res.partner/search_read", data=json.dumps({
            "jsonrpc": "2.0", "params": {"model": "res.partner", "method": "search_read", "args": [],
                                         "kwargs": {"fields": ["name"]}}}),
            headers={"Content-Type": "application/json", "Cookie": f"{cookie[0]}={cookie[1]}"}).json()
        self.assertEqual(read["error"]["data"]["name"], "odoo.http.SessionExpiredException",
                         "the exchange's cookie is no session of Odoo's")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSettingsLayout(TransactionCase):
    def test_a_checkbox_in_a_settings_row_sits_beside_its_label(self):
        """A checkbox of ours in a label's row keeps its own width: a field of a row takes the row's whole width
        (Bootstrap's ``.row > *``), which put «Принимать zip-архивы от 1С»'s checkbox under its label, at the
        row's left edge (a number's or a text's input has a width of its own)."""
        Settings = self.env["res.config.settings"]
        arch = etree.fromstring(Settings.get_view(view_type="form")["arch"])
        checkboxes = [field for field in arch.xpath("//div[contains(concat(' ', @class, ' '), ' row ')]/field")
                      if field.get("name").startswith("ecom_") and Settings._fields[field.get("name")].type == "boolean"
                      and field.get("invisible") != "1"]
        self.assertIn("ecom_1c_use_zip", [field.get("name") for field in checkboxes])
        for field in checkboxes:
            with self.subTest(field=field.get("name")):
                self.assertIn("w-auto", (field.get("class") or "").split())
