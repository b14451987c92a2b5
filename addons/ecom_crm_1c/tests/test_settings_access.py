"""The exchange's settings are the administrators': a salesperson cannot read the exchange login,
not even through default_get (Odoo reads parameters as the superuser there)."""

import json

from odoo.tests import HttpCase, new_test_user, tagged


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
