"""Base classes and helpers of the 1C exchange tests."""

import base64
import os

from odoo.tests import HttpCase, TransactionCase, new_test_user

DATA = os.path.join(os.path.dirname(__file__), "data")


def path(*parts):
    """A fixture file under tests/data/ (sources in tests/data/SOURCES.md)."""
    return os.path.join(DATA, *parts)


def read(*parts):
    with open(path(*parts), "rb") as f:
        return f.read()


class Ecom1cCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(cls.env, login="1c_salesman", groups="sales_team.group_sale_salesman")
        cls.exchange_manager = new_test_user(
            cls.env, login="1c_manager", groups="ecom_crm_1c.group_exchange_manager")


class ProtocolCase(HttpCase):
    """Drives /1c_exchange the way 1C does; the exchange login is set in Settings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        settings = cls.env["res.config.settings"].create({
            "ecom_1c_login": "exchange", "ecom_1c_password": "s3cret-1C", "ecom_1c_file_limit": 5})
        settings.execute()

    def call(self, mode, type_="catalog", data=None, cookie=None, auth=None, filename=None, route="/1c_exchange",
             extra="", headers=None):
        url = f"{route}?type={type_}&mode={mode}" + (f"&filename={filename}" if filename else "") + extra
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        if cookie:
            headers["Cookie"] = f"{cookie[0]}={cookie[1]}"
        response = self.url_open(url, data=data, headers=headers) if data is not None else \
            self.url_open(url, headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
        return response.text.splitlines()

    def login(self, route="/1c_exchange"):
        lines = self.call("checkauth", auth=("exchange", "s3cret-1C"), route=route)
        self.assertEqual(lines[0], "success")
        self.assertTrue(lines[3].startswith("sessid=") and lines[4].startswith("timestamp="))
        return lines[1], lines[2]
