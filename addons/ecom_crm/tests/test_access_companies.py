"""Record rules of the store's tables a salesperson reads: each company's figures stay its own, and
a salesperson of their own documents reads the history of their own orders only, as sale's orders."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm")
class TestAccessCompanies(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Второй магазин"})

        def user(login, groups, company=cls.company_a):
            return new_test_user(cls.env, login=login, groups=groups, company_id=company.id,
                                 company_ids=[Command.set(company.ids)])

        cls.own = user("acc_co_own", "sales_team.group_sale_salesman")
        cls.other = user("acc_co_other", "sales_team.group_sale_salesman")
        cls.all_docs = user("acc_co_all", "sales_team.group_sale_salesman_all_leads")
        cls.manager_b = user("acc_co_manager_b", "sales_team.group_sale_manager", cls.company_b)
        cls.customer = cls.env["res.partner"].create({"name": "Покупатель Общий"})
        cls.product = cls.env["product.product"].create({"name": "Товар", "list_price": 100})

    def order(self, company, user=None):
        order = self.env["sale.order"].with_company(company).create({
            "partner_id": self.customer.id, "company_id": company.id, "user_id": user.id if user else False,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1,
                                           "price_unit": 100})]})
        order.action_confirm()
        return order

    def test_customer_order_figures_stay_in_their_company(self):
        """The customer's orders and revenue of another company are that company's figures."""
        self.order(self.company_a, self.own)
        self.order(self.company_b)
        self.order(self.company_b)
        self.env.flush_all()
        Stats = self.env["ecom.customer.order.stats"]
        domain = [("partner_id", "=", self.customer.id)]
        self.assertEqual(len(Stats.search(domain)), 2, "one row per company")
        for user, company, count in ((self.own, self.company_a, 1), (self.manager_b, self.company_b, 2)):
            rows = Stats.with_user(user).search(domain)
            self.assertEqual(rows.company_id, company, user.login)
            self.assertEqual(rows.order_count, count)

    def test_salesperson_reads_the_status_history_of_their_own_orders(self):
        mine, theirs, nobodys = (self.order(self.company_a, u) for u in (self.own, self.other, None))
        other_company = self.order(self.company_b)
        Event = self.env["ecom.order.status.event"]
        events = Event.create([{"order_id": order.id, "status": "shipped", "company_id": order.company_id.id}
                               for order in (mine, theirs, nobodys, other_company)])
        Log = self.env["ecom.notification.log"]
        logs = Log.create([{"order_id": order.id, "status": "shipped", "company_id": order.company_id.id,
                            "partner_id": self.customer.id} for order in (mine, theirs, nobodys, other_company)])
        for records, field in ((events, "order_id"), (logs, "order_id")):
            Model = records.browse()
            self.assertEqual(Model.with_user(self.own).search([("id", "in", records.ids)])[field], mine | nobodys,
                             f"{Model._name}: another salesperson's orders stay theirs, as the orders themselves")
            self.assertEqual(Model.with_user(self.other).search([("id", "in", records.ids)])[field],
                             theirs | nobodys)
            self.assertEqual(Model.with_user(self.all_docs).search([("id", "in", records.ids)])[field],
                             mine | theirs | nobodys, f"{Model._name}: all documents, of the user's company")
            self.assertEqual(Model.with_user(self.manager_b).search([("id", "in", records.ids)])[field],
                             other_company)
        self.assertTrue(logs[0].with_user(self.own).read(["status"]))
        with self.assertRaises(AccessError):
            logs[1].with_user(self.own).read(["status"])

    def test_salesperson_reads_the_notifications_of_their_own_requests(self):
        Lead = self.env["crm.lead"]
        mine = Lead.create({"name": "Моя заявка", "user_id": self.own.id, "partner_id": self.customer.id})
        theirs = Lead.create({"name": "Чужая заявка", "user_id": self.other.id, "partner_id": self.customer.id})
        stage = self.env["crm.stage"].search([], limit=1)
        logs = self.env["ecom.notification.log"].create([
            {"lead_id": lead.id, "stage_id": stage.id, "company_id": self.company_a.id} for lead in (mine, theirs)])
        self.assertEqual(logs.with_user(self.own).search([("id", "in", logs.ids)]).lead_id, mine)
        # the rule checked on the records read (Python's reading of the domain) as in a search (its SQL joins)
        self.assertTrue(logs[0].with_user(self.own).read(["res_name"]))
        with self.assertRaises(AccessError):
            logs[1].with_user(self.own).read(["res_name"])
        self.assertEqual(logs.with_user(self.all_docs).search([("id", "in", logs.ids)]).lead_id, mine | theirs)

    def test_winbacks_stay_in_their_company_and_with_their_salesperson(self):
        reason = self.env["crm.lost.reason"].search([("company_id", "=", False)], limit=1)
        winbacks = self.env["ecom.winback"]
        for company in (self.company_a, self.company_b):
            lead = self.env["crm.lead"].with_company(company).create({
                "name": f"Заявка {company.name}", "company_id": company.id, "partner_id": self.customer.id,
                "user_id": False})
            winbacks |= winbacks.create({
                "lead_id": lead.id, "partner_id": self.customer.id, "reason_id": reason.id, "rule": "retry",
                "company_id": company.id, "date_refused": "2026-01-10 10:00:00",
                "line_ids": [Command.create({"product_id": self.product.id, "qty_at_refusal": 0})]})
        theirs = winbacks.create({
            "lead_id": self.env["crm.lead"].create({"name": "Чужая", "user_id": self.other.id}).id,
            "partner_id": self.customer.id, "reason_id": reason.id, "rule": "retry", "company_id": self.company_a.id,
            "date_refused": "2026-01-10 10:00:00",
            "line_ids": [Command.create({"product_id": self.product.id, "qty_at_refusal": 0})]})
        self.assertEqual(winbacks.with_user(self.own).search([("id", "in", (winbacks | theirs).ids)]), winbacks[0],
                         "another salesperson's lost requests stay theirs")
        self.assertEqual(winbacks.with_user(self.all_docs).search([("id", "in", (winbacks | theirs).ids)]),
                         winbacks[0] | theirs)
        Line = self.env["ecom.winback.line"]
        lines = winbacks.line_ids
        self.assertEqual(Line.with_user(self.own).search([("id", "in", (lines | theirs.line_ids).ids)]),
                         winbacks[0].line_ids, "the products of another salesperson's win-back, as the win-back")
        self.assertEqual(Line.with_user(self.all_docs).search([("id", "in", theirs.line_ids.ids)]), theirs.line_ids)
        self.assertEqual(Line.with_user(self.all_docs).search([("id", "in", lines.ids)]).winback_id.company_id,
                         self.company_a)
        self.assertEqual(Line.with_user(self.manager_b).search([("id", "in", lines.ids)]).winback_id.company_id,
                         self.company_b)

    def test_customer_card_counts_the_requests_the_reader_may_open(self):
        """The card's «Requests» button counts what its list shows the reader: not another company's
        requests of the customer, nor another salesperson's; an accountant reads the card, no count."""
        Lead, Journal = self.env["crm.lead"], self.env["ecom.intake.request"]
        leads = Lead.create([{"name": "Моя", "user_id": self.own.id, "partner_id": self.customer.id},
                             {"name": "Чужая", "user_id": self.other.id, "partner_id": self.customer.id},
                             {"name": "Второго магазина", "partner_id": self.customer.id,
                              "company_id": self.company_b.id}])
        Journal.create([{"lead_id": lead.id, "partner_id": self.customer.id, "company_id": lead.company_id.id,
                         "state": "done"} for lead in leads])
        for user, count in ((self.own, 1), (self.all_docs, 2), (self.manager_b, 1)):
            self.assertEqual(self.customer.with_user(user).ecom_intake_count, count, user.login)
        accountant = new_test_user(self.env, login="acc_co_accountant", groups="account.group_account_invoice")
        self.assertEqual(self.customer.with_user(accountant).ecom_intake_count, 0)

    def test_only_sales_managers_refresh_the_reports(self):
        with self.assertRaises(AccessError):
            self.env["ecom.report.channel"].with_user(self.all_docs).action_ecom_refresh()
