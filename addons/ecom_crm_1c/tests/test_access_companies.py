"""Each company's 1C exchanges are its own: an exchange manager of one company reads neither the
files nor the sessions of another company's 1C base."""

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestExchangeCompanies(TransactionCase):
    def test_exchange_files_and_sessions_stay_in_their_company(self):
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Второй магазин"})
        Session, Exchange = self.env["ecom.1c.session"], self.env["ecom.1c.exchange"]
        shared, _token = Session._open("10.0.0.1")
        own_b, _token = Session._open("10.0.0.2", company_b)
        exchanges = Exchange.create([{"exchange_type": "catalog", "company_id": company.id, "session_id": session.id}
                                     for company, session in ((company_a, shared), (company_b, own_b))])
        files = self.env["ecom.1c.exchange.file"].create([
            {"exchange_id": exchange.id, "name": f"import_{exchange.company_id.id}.xml"} for exchange in exchanges])
        for company, own_files, own_sessions in ((company_a, files[0], shared), (company_b, files[1], shared | own_b)):
            manager = new_test_user(self.env, login=f"1c_co_{company.id}", groups="ecom_crm_1c.group_exchange_manager",
                                    company_id=company.id, company_ids=[Command.set(company.ids)])
            with self.subTest(company=company.name):
                self.assertEqual(files.with_user(manager).search([("id", "in", files.ids)]), own_files)
                self.assertEqual(Session.with_user(manager).search([("id", "in", (shared | own_b).ids)]),
                                 own_sessions, "the sessions of Settings' login (every company's) and its own 1C's")
