"""Order histories as real stores load them into Odoo (other people's import scripts): the
accounts that are no customers, orders in other currencies without their rate."""

from datetime import timedelta

import numpy as np

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, Form, new_test_user, tagged

from ..scoring import schedule
from ..scoring.history import from_lists
from ..scoring.segments import GROWTH, RISK
from .common import ScoringCase, foreign_pricelist


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestArchivedCustomers(BaseCase):
    def test_an_archived_customer_is_not_called(self):
        """A customer the store archived (a closed business, a duplicate kept for its history) is
        scored from their orders like any other, but planned no call: do not disturb, «archived»,
        and the day's list goes to the next ones."""
        group = np.array([RISK, RISK, GROWTH, GROWTH])
        plan = schedule.plan(100, group, np.array([0.9, 0.8, 0.7, 0.6]), np.full(4, 100.0), np.full(4, 1000.0),
                             np.full(4, 7), archived=np.array([True, False, False, False]),
                             settings=schedule.ScheduleSettings(daily_cap=2))
        self.assertEqual(plan.decision.tolist(), [schedule.DND, schedule.NOW, schedule.NOW, schedule.LATER])
        self.assertEqual(schedule.REASON_CODES[plan.reason[0]], "archived")

    def test_the_history_keeps_who_is_archived(self):
        history = from_lists(3, orders=[(0, 10, 5.0), (1, 12, 5.0), (2, 20, 5.0)], archived={1})
        self.assertEqual(history.archived.tolist(), [False, True, False])
        self.assertEqual(history.as_of(15).archived.tolist(), [False, True, False])
        self.assertEqual(history.restrict([1]).archived.tolist(), [False, True, False])
        self.assertEqual(history.compact([1, 2]).archived.tolist(), [True, False])
        self.assertIsNone(from_lists(1, orders=[(0, 1, 5.0)]).archived, "none known")


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

    def test_every_public_users_partner_is_no_customer(self):
        """Each website has a public user of its own (a partner of its own, not base.public_partner),
        as each company has: the partners of every public user (archived as they are) are no
        customers, a portal user's are."""
        guest = self.env["res.users"].with_context(active_test=False).create({
            "name": "Public user (site 2)", "login": "public_site_2",
            "groups_id": [Command.set([self.env.ref("base.group_public").id])]}).partner_id
        portal = new_test_user(self.env, login="portal_buyer", groups="base.group_portal").partner_id
        for partner in (guest, portal):
            for days in (40, 20):
                self._order(partner, days)
        _history, index = self.read()
        self.assertEqual(set(index), {self.customer.id, portal.id})

    def test_an_order_in_another_currency_without_its_rate(self):
        """An import that left an order's currency rate 0 or empty: its amount and lines are
        converted at the currency's rate of the order's day, as Odoo would have set it (counted as
        the company's currency, 90 roubles an order of a dollar store would be 90 dollars)."""
        pricelist = foreign_pricelist(self.env, {"2026-01-01": 2.0, "2026-11-01": 4.0})
        sales = self.env["sale.order"]
        for days in (60, 50, 10):
            sale = self.env["sale.order"].create({
                "partner_id": self.customer.id, "pricelist_id": pricelist.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1,
                                               "price_unit": 1000, "tax_id": [Command.clear()]})]})
            sale.action_confirm()
            sale.date_order = self.now - timedelta(days=days)
            sales |= sale
        sales.flush_recordset()
        self.env.cr.execute("UPDATE sale_order SET currency_rate = 0 WHERE id = %s", [sales[0].id])
        self.env.cr.execute("UPDATE sale_order SET currency_rate = NULL WHERE id IN %s", [tuple(sales[1:].ids)])
        history, _index = self.read()
        amounts = sorted(np.round(history.orders.amount, 2).tolist())
        self.assertEqual(amounts, [250.0, 500.0, 500.0, 2990.0, 2990.0], "1,000 at 2, at 2, at 4 (November)")
        self.assertEqual(sorted(np.round(history.lines.amount, 2).tolist()), amounts, "the lines alike")

    def test_a_branchs_order_without_its_rate_takes_its_root_companys_rates(self):
        """A branch (a company under another) has no rates of its own: Odoo converts its orders at its
        root company's rates (``res.currency._get_rates``), and so does the night an order whose
        rate an import left empty."""
        company = self.env.company
        branch = self.env["res.company"].create({"name": "Филиал Казань", "parent_id": company.id})
        self.env.user.company_ids |= branch
        currency = self.env["res.currency"].with_context(active_test=False).search(
            [("name", "in", ("EUR", "USD")), ("id", "!=", company.currency_id.id)], limit=1)
        currency.active = True
        currency.rate_ids.unlink()
        self.env["res.currency.rate"].create([
            {"currency_id": currency.id, "company_id": False, "name": "2020-01-01", "rate": 10.0},
            {"currency_id": currency.id, "company_id": company.id, "name": "2020-01-01", "rate": 2.0}])
        pricelist = self.env["product.pricelist"].create({"name": "Экспорт", "currency_id": currency.id,
                                                          "company_id": False})
        sale = self.env["sale.order"].with_company(branch).create({
            "partner_id": self.customer.id, "pricelist_id": pricelist.id, "company_id": branch.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1,
                                           "price_unit": 1000, "tax_id": [Command.clear()]})]})
        sale.action_confirm()
        self.assertEqual(sale.currency_rate, 2.0, "Odoo's rate: the root company's")
        sale.flush_recordset()
        self.env.cr.execute("UPDATE sale_order SET currency_rate = NULL WHERE id = %s", [sale.id])
        history, _partners = self.env["ecom.scoring.history"]._read(branch)
        self.assertEqual(np.round(history.orders.amount, 2).tolist(), [500.0])

    def test_a_shared_account_marked_so_is_no_customer(self):
        """The guest buyer an import script puts the web orders on, or a marketplace's account, is a
        partner like any other: marked a shared account, it is not scored, and marking it removes its
        score and its scheduled contact at once (not on today's list, nor in the audiences); the
        mark is its commercial partner's, its contacts' orders are the account's."""
        guest = self._customer_with_orders("Гость (сайт)", [90, 60, 30, 2])
        self.assertFalse(guest.ecom_scoring_excluded)
        self.run_scoring()
        self.assertTrue(self.score_of(guest))
        kind = self.env["mail.activity"]._ecom_scoring_activity_type()
        contact = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": guest.id,
            "activity_type_id": kind.id, "ecom_scoring_company_id": self.env.company.id,
            "user_id": self.env.uid, "date_deadline": self.today})
        buyer = self.env["res.partner"].create({"name": "Покупатель с сайта", "parent_id": guest.id})
        self._order(buyer, 1)
        guest.ecom_scoring_excluded = True
        self.assertFalse(self.score_of(guest), "its score goes with the mark")
        self.assertFalse(contact.exists(), "and its scheduled contact")
        _history, index = self.read()
        self.assertEqual(set(index), {self.customer.id})
        self.run_scoring()
        self.assertFalse(self.score_of(guest))
        guest.ecom_scoring_excluded = False
        self.run_scoring(mode="full")
        self.assertEqual(self.score_of(guest).order_count, 5, "a customer again, with its contact's order")
        buyer.ecom_scoring_excluded = True
        self.assertTrue(self.score_of(guest), "a contact person's mark is not its company's")
        self.run_scoring(mode="full")
        self.assertEqual(self.score_of(guest).order_count, 5, "nor read as the company's by the night")

    def test_only_a_team_leader_marks_a_shared_account(self):
        """The mark takes the account off every list, group and audience of every company at once, and
        any salesperson may edit any customer's card: a salesperson sees it, read-only, and cannot set
        or clear it; a team leader (seeing all the customers) can."""
        market = self._customer_with_orders("Маркетплейс", [30, 10])
        self.run_scoring()
        seller = new_test_user(self.env, login="scoring_seller", groups="sales_team.group_sale_salesman")
        leader = new_test_user(self.env, login="scoring_leader", groups="sales_team.group_sale_salesman_all_leads")
        with Form(market.with_user(seller)) as form:
            self.assertTrue(form._get_modifier("ecom_scoring_excluded", "readonly"))
        with self.assertRaises(AccessError):
            market.with_user(seller).ecom_scoring_excluded = True
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(seller).create({"name": "Озон", "ecom_scoring_excluded": True})
        self.assertTrue(self.score_of(market))
        with Form(market.with_user(leader)) as form:
            self.assertFalse(form._get_modifier("ecom_scoring_excluded", "readonly"))
            form.ecom_scoring_excluded = True
        self.assertTrue(market.ecom_scoring_excluded)
        self.assertFalse(self.score_of(market))
        market.with_user(seller).write({"ecom_scoring_excluded": True, "comment": "Озон"})  # unchanged: allowed
        self.assertFalse(market.with_user(seller).copy().ecom_scoring_excluded, "a copy is a new account, unmarked")
        market.with_user(leader).ecom_scoring_excluded = False
        self.assertFalse(market.ecom_scoring_excluded)

    def test_a_salesperson_merges_a_shared_account_and_the_mark_stays(self):
        """Merging contacts is any salesperson's (Odoo's merge wizard), the mark a team leader's: the
        merge carries it over itself. A duplicate marked shared merged into an unmarked contact makes
        the kept one shared (its score and scheduled contact go at once), and a marked contact kept
        in a merge stays so: a merge never takes a shared account back onto the lists."""
        seller = new_test_user(self.env, login="merging_seller",
                               groups="base.group_partner_manager,sales_team.group_sale_salesman")
        guest = self._customer_with_orders("Гость сайта", [40, 20])
        guest_copy = self._customer_with_orders("Гость сайта (импорт)", [10])
        market, market_copy = (self._customer_with_orders(name, [days]) for name, days in
                               (("Маркетплейс", 35), ("Маркетплейс (дубль)", 15)))
        (guest_copy | market).ecom_scoring_excluded = True
        self.run_scoring()
        self.assertTrue(self.score_of(guest))
        kind = self.env["mail.activity"]._ecom_scoring_activity_type()
        contact = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": guest.id,
            "activity_type_id": kind.id, "ecom_scoring_company_id": self.env.company.id,
            "user_id": seller.id, "date_deadline": self.today})
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(seller)
        for kept, merged in ((guest, guest_copy), (market, market_copy)):
            with self.subTest(kept=kept.name):
                wizard = Wizard.create({"partner_ids": [(6, 0, (kept | merged).ids)], "dst_partner_id": kept.id})
                wizard.action_merge()
                self.assertFalse(merged.exists())
                self.assertTrue(kept.ecom_scoring_excluded, "the merged contact is a shared account")
                self.assertFalse(self.score_of(kept), "off the lists at once")
        self.assertFalse(contact.exists(), "the kept contact's scheduled call went with the mark")
        self.assertEqual(guest.sale_order_count, 3)
        # an unmarked duplicate merged into an unmarked contact stays a customer, as before
        one, other = (self._customer_with_orders(name, [days]) for name, days in (("Иванов", 30), ("Иванов И.", 9)))
        Wizard.create({"partner_ids": [(6, 0, (one | other).ids)], "dst_partner_id": one.id}).action_merge()
        self.assertFalse(one.ecom_scoring_excluded)
        with self.assertRaises(AccessError):  # and a salesperson still cannot mark one by hand
            one.with_user(seller).ecom_scoring_excluded = True

    def test_a_shared_account_merged_into_a_companys_person_marks_the_company(self):
        """The scoring reads a customer's mark (the commercial partner's): a shared account a
        salesperson merges into a person of a company puts its orders on the company, which becomes
        a shared account too (its score goes at once); a person's own mark, which counts for nothing,
        marks no company by a merge."""
        seller = new_test_user(self.env, login="merging_seller_2",
                               groups="base.group_partner_manager,sales_team.group_sale_salesman")
        company = self._customer_with_orders("ООО Маркет", [50])
        company.is_company = True
        person = self.env["res.partner"].create({"name": "Пункт выдачи", "parent_id": company.id})
        market = self._customer_with_orders("Маркетплейс (аккаунт)", [40, 20, 5])
        market.ecom_scoring_excluded = True
        self.run_scoring()
        self.assertTrue(self.score_of(company))
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(seller)
        Wizard.create({"partner_ids": [(6, 0, (person | market).ids)], "dst_partner_id": person.id}).action_merge()
        self.assertFalse(market.exists())
        self.assertTrue(person.ecom_scoring_excluded)
        self.assertTrue(company.ecom_scoring_excluded, "the company now holds the shared account's orders")
        self.assertFalse(self.score_of(company), "off the lists at once")
        self.assertEqual(company.sale_order_count, 4)
        # a person's own mark (under a marked company: not read) merged into another customer's card
        other = self._customer_with_orders("Сидоров", [30])
        holder = self.env["res.partner"].create({"name": "Сотрудник", "parent_id": company.id})
        clerk = self.env["res.partner"].create({"name": "Сидоров (дубль)", "parent_id": holder.id})
        clerk.sudo().ecom_scoring_excluded = True
        other_person = self.env["res.partner"].create({"name": "Сидоров П.", "parent_id": other.id})
        Wizard.create({"partner_ids": [(6, 0, (other_person | clerk).ids)],
                       "dst_partner_id": other_person.id}).action_merge()
        self.assertFalse(other.ecom_scoring_excluded, "no customer's mark was merged")

    def test_a_merged_customer_is_rescored_by_the_next_hourly_run(self):
        """Odoo's merge moves the duplicate's orders onto the kept customer by SQL (their write dates
        stay): the day's next incremental run rescores the kept customer on all their orders, not
        the night."""
        seller = new_test_user(self.env, login="merging_seller_3",
                               groups="base.group_partner_manager,sales_team.group_sale_salesman")
        kept = self._customer_with_orders("Петрова Анна", [120, 60])
        duplicate = self._customer_with_orders("Петрова А.", [30, 10])
        self.run_scoring()
        self.assertEqual(self.score_of(kept).order_count, 2)
        self.shift_back()
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(seller)
        Wizard.create({"partner_ids": [(6, 0, (kept | duplicate).ids)], "dst_partner_id": kept.id}).action_merge()
        self.assertFalse(duplicate.exists())
        run = self.run_scoring()
        # the kept customer among those rescored (Odoo's merge may also touch the moved records' chatter)
        self.assertEqual((run.mode, run.state), ("incremental", "done"), run.error)
        self.assertGreaterEqual(run.partner_count, 1)
        self.assertEqual(self.score_of(kept).order_count, 4, "the duplicate's orders are the kept customer's")

    def test_an_unmarked_account_is_scored_by_the_next_hourly_run(self):
        """A team leader clears the shared mark: the day's next incremental run scores the account
        (a customer again), not the night; the other customers are not rescored for it."""
        guest = self._customer_with_orders("Гость (сайт)", [90, 60, 30, 12])
        guest.ecom_scoring_excluded = True
        self.run_scoring()
        self.assertFalse(self.score_of(guest))
        self.assertFalse(guest.ecom_scoring_changed_at and guest.ecom_scoring_changed_at > self.env.cr.now())
        self.shift_back()
        guest.ecom_scoring_excluded = False
        run = self.run_scoring()
        self.assertEqual((run.mode, run.state, run.partner_count), ("incremental", "done", 1), run.error)
        score = self.score_of(guest)
        self.assertEqual((score.order_count, score.scored_on), (4, self.today))
        self.shift_back()
        self.customer.comment = "Постоянный покупатель"  # a card's other edits rescore nobody
        self.assertEqual(self.run_scoring().partner_count, 0)

    def test_archiving_a_customer_takes_them_off_the_lists_at_once(self):
        """Archived, a customer is planned no call from that moment: their scheduled contact goes and
        their score says do not disturb, «archived in the contacts», without their offers (not
        at the next night); restored, the day's next incremental run plans their call again."""
        gone = self._customer_with_orders("ООО Закрылись", [400, 300, 200, 150])
        self.run_scoring()
        score = self.score_of(gone)
        self.assertTrue(score.group, "in a group: a call planned or to plan")
        kind = self.env["mail.activity"]._ecom_scoring_activity_type()
        contact = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": gone.id,
            "activity_type_id": kind.id, "ecom_scoring_company_id": self.env.company.id,
            "user_id": self.env.uid, "date_deadline": self.today})
        score.sudo().write({"decision": "now", "decision_code": "risk", "decision_date": self.today,
                            "activity_id": contact.id})
        self.env["ecom.customer.suggestion"].create({"score_id": score.id, "product_id": self.product.id,
                                                    "probability": 0.3, "sequence": 1, "kind": "popular"})
        self.assertTrue(score.suggestion_ids)
        seller = new_test_user(self.env, login="archiving_seller",
                               groups="base.group_partner_manager,sales_team.group_sale_salesman")
        self.shift_back()
        gone.with_user(seller).action_archive()
        self.assertFalse(contact.exists(), "the scheduled contact goes at once")
        self.assertEqual((score.decision, score.decision_code, score.decision_date), ("dnd", "archived", False))
        self.assertEqual(score.with_context(lang="en_US").decision_reason, "archived in the contacts: not to be called")
        self.assertFalse(score.suggestion_ids)
        self.assertFalse(self.Score.search([("decision", "=", "now"), ("partner_id", "=", gone.id)]),
                         "off today's list")
        run = self.run_scoring()
        self.assertEqual((run.mode, run.partner_count), ("incremental", 1))
        self.assertEqual((self.score_of(gone).decision, self.score_of(gone).decision_code), ("dnd", "archived"),
                         "the run says the same")
        self.shift_back()
        gone.with_user(seller).action_unarchive()
        run = self.run_scoring()
        self.assertEqual((run.mode, run.partner_count), ("incremental", 1))
        self.assertNotEqual(self.score_of(gone).decision_code, "archived", "restored: planned as any customer")

    def test_archiving_many_customers_takes_as_many_queries_as_a_few(self):
        """Archiving customers (a list's *Archive*, an import) stamps them and turns their scores to do
        not disturb in a statement each, whatever their number: 30 take the queries 3 take; an
        edit of other fields stamps nobody."""
        partners = self.env["res.partner"].create([{"name": f"Покупатель {i}"} for i in range(34)])
        self.Score.create([{"partner_id": partner.id, "company_id": self.env.company.id, "score": 40,
                            "group": "watch", "decision": "now", "decision_code": "watch"} for partner in partners])

        def queries(customers, vals):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            customers.write(vals)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        queries(partners[:1], {"active": False})  # the first warms the caches
        few, many = queries(partners[1:4], {"active": False}), queries(partners[4:], {"active": False})
        self.assertEqual(many, few)
        scores = self.Score.search([("partner_id", "in", partners.ids)])
        self.assertEqual(set(scores.mapped("decision_code")), {"archived"})
        stamped = "SELECT count(*) FROM res_partner WHERE id = ANY(%s) AND ecom_scoring_changed_at IS NOT NULL"
        self.env.cr.execute(stamped, [partners.ids])
        self.assertEqual(self.env.cr.fetchone()[0], 34)
        self.env.cr.execute("UPDATE res_partner SET ecom_scoring_changed_at = NULL WHERE id = ANY(%s)", [partners.ids])
        queries(partners, {"comment": "Закрылись"})
        self.env.cr.execute(stamped, [partners.ids])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "another field's edit")

    def shift_back(self):
        """Everything so far happened an hour before (a test is one transaction: one now())."""
        for table, column in (("ecom_customer_score", "write_date"), ("sale_order", "write_date"),
                              ("mail_activity", "write_date"), ("mail_message", "create_date"),
                              ("ecom_scoring_run", "date"), ("res_partner", "ecom_scoring_changed_at")):
            self.env.cr.execute(f"UPDATE {table} SET {column} = {column} - interval '1 hour'")
        self.env.invalidate_all()

    def test_an_order_of_negative_total_is_a_return(self):
        """A return an import typed in as a confirmed order of negative total (1C's «return from a
        customer» loaded as a sale order) is no purchase: not among the customer's orders nor their
        last order, and what it gives back comes off their orders placed before it, the latest
        first, from its own day, as a credit note typed in by hand does (its lines bought nothing)."""
        customer = self._customer_with_orders("Смирнов Олег", [100, 50])
        self._order(customer, 20, amount=-1000)
        history, index = self.read()
        mine = history.orders.customer == index[customer.id]
        self.assertEqual(mine.sum(), 2, "the two purchases only")
        self.assertTrue(history.orders.confirmed[mine].all())
        self.assertTrue((history.orders.amount[mine] > 0).all())
        self.assertEqual(history.orders.returned[mine].tolist(), [0, 1000], "the latest order gives it back")
        twenty_days_ago = (self.today - timedelta(days=20)).toordinal()
        before = history.as_of(twenty_days_ago)
        self.assertEqual(before.orders.returned[before.orders.customer == index[customer.id]].tolist(), [0, 0],
                         "not before its day")
        self.assertEqual(np.isin(history.lines.order, np.flatnonzero(mine)).sum(), 2, "nor its line")
        self.run_scoring()
        score = self.score_of(customer)
        self.assertEqual(score.order_count, 2)
        self.assertEqual(score.last_order, self.today - timedelta(days=50))

    def test_a_line_of_no_or_negative_quantity_bought_nothing(self):
        """An order's line of quantity 0 (an item taken off the order, an import's placeholder) or
        below (an item given back within the order) is not a purchase of its product: not among what
        the customer bought (the re-buys and offers count those); the order's amount is its total."""
        kettle, iron, lamp = self.env["product.product"].create(
            [{"name": "Чайник"}, {"name": "Утюг"}, {"name": "Лампа"}])
        order = self._order(self.customer, 15, amount=1000, product=kettle)
        order.order_line = [Command.create({"product_id": iron.id, "product_uom_qty": 0, "price_unit": 500}),
                            Command.create({"product_id": lamp.id, "product_uom_qty": -1, "price_unit": 300})]
        history, index = self.read()
        bought = set(history.lines.product[history.orders.customer[history.lines.order] == index[self.customer.id]]
                     .tolist())
        self.assertEqual(bought, {self.product.id, kettle.id})
        self.assertIn(700, np.round(history.orders.amount).tolist(), "1,000 less the 300 given back")

    def test_an_archived_customer_gets_no_scheduled_contact(self):
        """Archived, a customer keeps their score (their orders are the store's history) and gets no
        call: the night plans none and removes the one they had."""
        gone = self._customer_with_orders("ООО Закрылись", [400, 300, 200, 150])
        self.run_scoring()
        gone.active = False
        kind = self.env["mail.activity"]._ecom_scoring_activity_type()
        contact = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": gone.id,
            "activity_type_id": kind.id, "ecom_scoring_company_id": self.env.company.id,
            "user_id": self.env.uid, "date_deadline": self.today})
        history, index = self.read()
        self.assertEqual(history.archived.tolist(), [i == index[gone.id] for i in range(len(index))])
        self.run_scoring(mode="full")
        score = self.score_of(gone)
        self.assertTrue(score)
        self.assertEqual((score.decision, score.decision_code), ("dnd", "archived"))
        self.assertFalse(contact.exists())

    def test_orders_dated_before_1990_are_undated(self):
        """An import's placeholder dates (1970-01-01, the Unix epoch of an empty timestamp; 1900-01-01;
        a year typed 1025) are no day the customer ordered: read as orders without a date, they are
        left out. Counted, a customer's first order 125 years back made BG/NBD see one order in a
        century: on a test store such customers were told 11-13% where their peers of the same
        orders were told 22-28%."""
        placeholder = self._customer_with_orders("Кузнецов Иван", [30])
        only_placeholder = self.env["res.partner"].create({"name": "Без даты"})
        orders = self._order(placeholder, 10) | self._order(placeholder, 5) | self._order(only_placeholder, 3)
        orders.flush_recordset()
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s", ["1970-01-01 00:00", orders[0].id])
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s", ["1900-01-01 00:00", orders[1].id])
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s", ["1025-06-01 12:00", orders[2].id])
        history, index = self.read()
        self.assertNotIn(only_placeholder.id, index)
        mine = history.orders.customer == index[placeholder.id]
        self.assertEqual(history.orders.day[mine].tolist(), [(self.today - timedelta(days=30)).toordinal()])
        self.assertGreaterEqual(history.orders.day.min(), (self.today - timedelta(days=30)).toordinal())
