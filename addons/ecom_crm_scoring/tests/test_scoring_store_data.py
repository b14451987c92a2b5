"""Order histories as real stores load them into Odoo (other people's import scripts): the
accounts that are no customers, orders in other currencies without their rate."""

from datetime import timedelta

import numpy as np

from odoo import Command
from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestStoreData(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer_with_orders("Петрова Ольга", [30, 5])

    def read(self):
        history, partner_ids = self.env["ecom.scoring.history"]._read(self.env.company)
        return history, {int(p): i for i, p in enumerate(partner_ids)}

    def test_the_public_partner_and_the_companies_are_no_customers(self):
        """Web orders placed as Odoo's public (guest) partner are thousands of people's, and orders
        of the company itself, of another company of the database or of their contacts are
        transfers: none of them is scored (the guest would be the store's first «champion»), and
        a score row an earlier night wrote for them goes."""
        public = self.env.ref("base.public_partner")
        company = self.env.company.partner_id
        other = self.env["res.company"].create({"name": "Филиал"}).partner_id
        desk = self.env["res.partner"].create({"name": "Склад", "parent_id": company.id})
        for partner in (public, company, other, desk):
            for days in (40, 20, 3):
                self._order(partner, days)
        history, index = self.read()
        self.assertEqual(set(index), {self.customer.id})
        self.assertEqual(history.orders.customer.tolist(), [0, 0], "their orders are not read")
        self.Score.create({"partner_id": public.id, "company_id": self.env.company.id, "score": 99})
        self.run_scoring()
        scored = self.Score.search([("company_id", "=", self.env.company.id)]).partner_id
        self.assertEqual(scored, self.customer)
        self.assertFalse(self.env["mail.activity"].search([("res_model", "=", "res.partner"),
                                                           ("res_id", "in", (public | company | other).ids)]))
