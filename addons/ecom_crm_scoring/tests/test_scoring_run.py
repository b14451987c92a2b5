"""The scoring jobs in Odoo: the day's full run, incremental runs, a run killed midway, what a
salesperson may see. The engine's maths are tested without a database (test_scoring_*.py)."""

import base64
import copy
import dataclasses
import threading
import time
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from unittest.mock import MagicMock, patch

import numpy as np
from freezegun import freeze_time
from psycopg2.errors import DeadlockDetected, SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.migration import load_script
from odoo.sql_db import Cursor
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, format_date, mute_logger, sql

from ..hooks import post_init_hook
from ..models import ecom_customer_score, ecom_customer_suggestion, ecom_scoring_run
from ..models.ecom_customer_score import STORED, UPSERT_COLUMNS
from ..scoring import crosssell, engine, memory, schedule, synthetic
from .common import ScoringCase


class Killed(Exception):
    """What the test raises where a worker would have been killed."""


def run_to_kill(test, run, *args, **kwargs):
    """``run(*args, **kwargs)``, which ``test`` kills (raises Killed). Not assertRaises: its
    savepoint would roll back what the run wrote before the kill."""
    try:
        run(*args, **kwargs)
    except Killed:
        return
    test.fail("the run was not killed")


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScoringRun(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, login="score_seller", groups="sales_team.group_sale_salesman")
        cls.other_seller = new_test_user(cls.env, login="score_other", groups="sales_team.group_sale_salesman")
        # a loyal big spender who stopped, a fresh one-time buyer, and regulars between them
        cls.lapsed_vip = cls._customer_with_orders("Соколова Ирина Петровна", [400, 380, 360, 340, 320, 300],
                                                   amount=90000, user=cls.seller)
        cls.fresh = cls._customer_with_orders("Орлов Денис Игоревич", [1], user=cls.other_seller)
        cls.regulars = [cls._customer_with_orders(f"Постоянный покупатель {i}", [10 * i + 5, 10 * i + 60, 10 * i + 200])
                        for i in range(12)]
        cls.lead_only = cls.env["res.partner"].create({"name": "Без заказов"})
        firm = cls.env["res.partner"].create({"name": "ООО Закупки", "is_company": True})
        cls.buyer = cls.env["res.partner"].create({"name": "Закупщик", "parent_id": firm.id})
        cls._order(cls.buyer, 30)
        cls._order(cls.buyer, 90)
        cls.firm = firm

    def test_full_run_scores_every_customer_with_orders(self):
        run = self.run_scoring()
        self.assertEqual((run.mode, run.state), ("full", "done"), run.error)
        customers = self.lapsed_vip | self.fresh | self.firm | self.env["res.partner"].concat(*self.regulars)
        scores = self.Score.search([("company_id", "=", self.env.company.id)])
        self.assertEqual(scores.partner_id, customers, "the commercial partner is the customer; no orders, no score")
        self.assertEqual(run.partner_count, len(customers))
        for score in scores:
            self.assertTrue(0 <= score.probability <= 1)
            self.assertEqual(score.score, round(score.probability * 100))
            self.assertIn(score.segment, dict(score._fields["segment"].selection))
        vip, fresh = self.score_of(self.lapsed_vip), self.score_of(self.fresh)
        self.assertEqual((vip.recency, vip.monetary), (1, 5))
        self.assertEqual(vip.segment, "cant_lose", "bought much and often, nothing for 300 days")
        self.assertEqual(vip.user_id, self.seller)
        self.assertEqual((fresh.recency, fresh.segment), (5, "new"))
        for score in scores.filtered(lambda s: s.decision_code == "ordered_recently"):
            self.assertEqual(score.decision, "dnd")
            self.assertGreater(score.decision_date, self.today, "left alone for the quiet days after an order")
        self.assertEqual(bool(scores.filtered("decision")), bool(scores.filtered("group")),
                         "a contact is planned for the customers of the three groups")
        self.assertEqual(self.score_of(self.firm).order_count, 2)
        self.assertEqual(self.buyer.ecom_segment, self.firm.ecom_segment, "a contact shows its company's score")
        self.assertIn(self.buyer, self.env["res.partner"].search([("ecom_segment", "=", self.firm.ecom_segment)]))
        self.assertEqual(str(vip.last_order), "2026-01-24")

    def test_reasons_are_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.run_scoring()
        planned = self.Score.search([("decision", "!=", False)])
        self.assertTrue(planned)
        for score in planned:
            params = dict(score.decision_params, date=format_date(self.env, score.decision_params["date"]))
            english = schedule.REASONS[score.decision_code] % params
            self.assertEqual(score.with_context(lang="en_US").decision_reason, english)
            russian = score.with_context(lang="ru_RU").decision_reason
            self.assertNotEqual(russian, english, "the reason is written in the reader's language")
        explained = planned.filtered("reasons_data")
        self.assertTrue(explained, "the customers to call have their reasons")
        for score in explained:
            russian = score.with_context(lang="ru_RU")
            self.assertEqual(len(russian.reasons.splitlines()), len(score.reasons_data))
            # the Today list's «main reason»: the first of them, in the reader's language
            self.assertEqual(russian.main_reason, russian.reasons.splitlines()[0])
        for score in planned - explained:
            self.assertEqual(score.with_context(lang="ru_RU").main_reason,
                             score.with_context(lang="ru_RU").decision_reason)

    def test_beyond_the_planned_days_the_card_says_why(self):
        """A customer of a group whom no list of the planned days takes has no contact, and the card
        says why instead of an empty «Why»."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env.company.write({"ecom_scoring_daily_cap": 1, "ecom_scoring_plan_days": 1})
        self.run_scoring()
        grouped = self.Score.search([("group", "!=", False)])
        left = grouped.filtered(lambda score: not score.decision)
        self.assertTrue(left, "one call a day for one day: some of the groups' customers wait")
        for score in left:
            self.assertEqual(score.decision_code, "beyond_plan")
            self.assertEqual(score.with_context(lang="ru_RU").decision_reason,
                             "нет в списках ближайших дней: сначала звонят клиентам с лучшими шансами")
        self.assertFalse(self.Score.search([("group", "=", False), ("decision_code", "=", "beyond_plan")]))

    def test_customers_without_a_salesperson_fill_the_teams_lists(self):
        """The customers without a salesperson share one list of one salesperson's cap, for the team
        leader to hand out; when the default team's available salespeople take them (the scheduled
        contacts as activities), the list holds what those salespeople's own lists leave: two idle
        salespeople, two lists. An incremental run adds to it as far as that room goes."""
        self.env.company.write({"ecom_scoring_daily_cap": 1, "ecom_scoring_plan_days": 1,
                                "ecom_scoring_activities": False})
        team = self.env["crm.team"].with_company(self.env.company)._get_default_team_id(user_id=False)
        idle = [new_test_user(self.env, login=f"score_idle_{i}", groups="sales_team.group_sale_salesman")
                for i in range(2)]
        team.crm_team_member_ids = [(5, 0, 0)] + [(0, 0, {"user_id": user.id}) for user in idle]
        self.assertEqual(self.env.company._ecom_scoring_shared_takers(), (), "without activities: the team leader's")
        self.run_scoring()
        shared = [("user_id", "=", False), ("decision", "=", "now")]
        self.assertEqual(self.Score.search_count(shared), 1, "one salesperson's list")
        self.assertGreater(self.Score.search_count([("user_id", "=", False), ("decision", "!=", False)]), 2,
                           "enough customers without a salesperson to fill more")
        self.env.company.ecom_scoring_activities = True
        self.assertEqual(self.env.company._ecom_scoring_shared_takers(), tuple(sorted(u.id for u in idle)))
        self.run_scoring(mode="full")
        self.assertEqual(self.Score.search_count(shared), 2, "two idle salespeople: two lists")
        self.assertEqual(len(self.Score.search(shared).activity_user_id), 2, "one each, by load")
        # a salesperson at their maximum of open requests is given none of them (ecom_crm's
        # assignment by load): one list, the other's
        self.env["crm.lead"].create({"name": "Заявка", "type": "opportunity", "user_id": idle[0].id,
                                     "team_id": team.id})
        team.crm_team_member_ids.filtered(lambda m: m.user_id == idle[0]).ecom_max_open_leads = 1
        self.assertEqual(self.env.company._ecom_scoring_shared_takers(), (idle[1].id,))
        self.run_scoring(mode="full")
        self.assertEqual(self.Score.search_count(shared), 1, "one salesperson can take them: one list")
        team.crm_team_member_ids.filtered(lambda m: m.user_id == idle[0]).ecom_max_open_leads = 50
        team.crm_team_member_ids.filtered(lambda m: m.user_id == idle[1]).ecom_available = False
        self.assertEqual(self.env.company._ecom_scoring_shared_takers(), (idle[0].id,))

    def test_the_card_explains_a_score_no_list_explained(self):
        """The night explains the customers on the lists; the card of any other asks why («Why this
        score?»): the reasons are told in the reader's language, by the customer's salesperson only,
        and the next night writes the row again (they are that day's)."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.run_scoring()
        score = self.score_of(self.fresh)
        self.assertEqual(score.decision, "dnd", "ordered yesterday: not to be called")
        self.assertFalse(score.reasons_data)
        with self.assertRaises(AccessError):
            score.with_user(self.seller).action_ecom_explain()
        self.assertFalse(score.reasons_data)
        card = self.fresh.with_user(self.other_seller).with_context(lang="ru_RU")
        card.action_ecom_explain_score()
        self.env.invalidate_all()
        self.assertTrue(score.reasons_data)
        lines = card.ecom_score_reasons.splitlines()
        self.assertEqual(len(lines), len(score.reasons_data))
        self.assertTrue(all(any("а" <= ch <= "я" for ch in line.lower()) for line in lines), lines)
        self.env.cr.execute("SELECT row_hash FROM ecom_customer_score WHERE id = %s", [score.id])
        self.assertIsNone(self.env.cr.fetchone()[0], "the next run writes the row again")
        self.Run._score_customers(today=self.today + timedelta(days=1))
        score.invalidate_recordset()
        self.assertFalse(score.reasons_data, "the next night's row: no list took them, no reasons stored")
        other = self.lead_only.with_user(self.other_seller)
        self.assertFalse(other.ecom_score_id)
        with self.assertRaises(UserError):
            other.action_ecom_explain_score()

    def test_the_card_says_when_the_model_has_not_seen_the_customer(self):
        """Explained with the last readable state (the last run's could not be read: another
        version's), a customer whose orders all came after that run is told so, not that nothing in
        their history moves their chance."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.Run._score_customers(today=self.today - timedelta(days=10), mode="full")
        self.run_scoring(mode="full")
        latest = self.Run.search([("day", "=", self.today), ("mode", "=", "full")], order="id desc", limit=1)
        latest.sudo().engine_state = base64.b64encode(b"not a pickle")
        score = self.score_of(self.fresh)
        self.assertTrue(score)
        with self.assertRaises(UserError) as caught:
            score.with_user(self.other_seller).with_context(lang="ru_RU").action_ecom_explain()
        self.assertIn("не видел заказов", str(caught.exception))

    def test_old_runs_states_are_forgotten(self):
        """A full run keeps its models' state (600 KB a night at a million customers): after two
        weeks it is forgotten, but never the company's last two (the models kept between learnings,
        what «Why this score?» explains with) nor a run still going (it resumes with it)."""
        state = engine.State(today=1, order_model=None, bgnbd_params=None, rfm_bounds=None, growth_threshold=None)
        self.Run.search([]).unlink()  # the database's own (its installation scored it)
        runs = {}
        for days, run_state in ((40, "done"), (30, "running"), (20, "done"), (16, "failed"), (15, "done"),
                                (10, "done")):
            run = self.Run.create({"company_id": self.env.company.id, "day": self.today - timedelta(days=days),
                                   "mode": "full", "state": run_state})
            run._save_state(state)
            runs[days] = run
        other = self.env["res.company"].create({"name": "Второй магазин"})
        theirs = self.Run.create({"company_id": other.id, "day": self.today - timedelta(days=90), "mode": "full",
                                  "state": "done"})
        theirs._save_state(state)
        with freeze_time(self.today):
            self.Run._gc_engine_states()
        self.env.invalidate_all()
        kept = {days for days, run in runs.items() if run._load_state() is not None}
        self.assertEqual(kept, {30, 15, 10}, "a run going on, the last two done")
        self.assertIsNotNone(theirs._load_state(), "the other shop's last run")
        self.assertEqual(self.Run._ecom_last_state(self.env.company)[0], runs[10])

    def test_a_row_stored_before_the_sentences_said_the_horizon(self):
        """A row the night wrote before the rhythm's sentences said their days reads the company's
        horizon, not an empty «in the next  days»."""
        for code in ("ru_RU", "en_US"):  # read in both (a database may be installed with Russian alone)
            self.env["res.lang"]._activate_lang(code)
        self.env.company.ecom_scoring_horizon = 60
        self.run_scoring()
        score = self.Score.search([], limit=1)
        score.reasons_data = [["expected_orders", {"orders": "1.5"}],
                              ["rhythm_probability", {"pct": "40", "days": "90"}]]
        self.assertEqual(score.with_context(lang="en_US").reasons.splitlines(),
                         ["expected to place 1.5 orders in the next 60 days",
                          "by the rhythm of their orders alone, 40% likely to order in the next 90 days"])
        self.assertIn("ближайшие 60 дн.", score.with_context(lang="ru_RU").reasons)

    def test_decimal_numbers_in_the_reasons_are_written_as_the_reader_writes_them(self):
        """The Today list read «ожидается заказов в ближайшие 90 дн.: 0.9» in Russian: a decimal number is
        written with the reader's language's separator."""
        for code in ("ru_RU", "en_US"):
            self.env["res.lang"]._activate_lang(code)
        self.env.company.ecom_scoring_horizon = 90
        self.run_scoring()
        score = self.Score.search([], limit=1)
        score.reasons_data = [["expected_orders", {"orders": "0.9"}]]
        self.assertEqual(score.with_context(lang="ru_RU").reasons, "ожидается заказов в ближайшие 90 дн.: 0,9")
        self.assertEqual(score.with_context(lang="en_US").reasons, "expected to place 0.9 orders in the next 90 days")
        score.reasons_data = [["expected_orders", {"orders": ""}]]
        self.assertEqual(score.with_context(lang="ru_RU").reasons, "ожидается заказов в ближайшие 90 дн.: ",
                         "no number: as stored")

    def test_a_customers_rhythm_reads_as_russian_says_it_for_any_number_of_days(self):
        """«обычно заказывает каждые 1 дн.» was on a salesperson's Today list of the demo store (a customer
        ordering on consecutive days): «каждые» wants a plural, «раз в N дн.» reads for every N."""
        for code in ("ru_RU", "en_US"):
            self.env["res.lang"]._activate_lang(code)
        self.run_scoring()
        score = self.Score.search([], limit=1)
        score.reasons_data = [["overdue", {"gap": "1", "days": "43"}], ["usual_gap", {"gap": "21"}]]
        self.assertEqual(score.with_context(lang="ru_RU").reasons.splitlines(),
                         ["обычно заказывает раз в 1 дн., с последнего заказа прошло 43 дн.",
                          "обычно заказывает раз в 21 дн."])
        self.assertEqual(score.with_context(lang="en_US").reasons.splitlines()[1], "usually orders every 21 days")

    def test_amounts_in_the_reasons_are_in_the_stores_currency(self):
        """«spent 595760 in total» read as a phone number: amounts are written as the reader's
        language writes them, with the store's currency."""
        for code in ("ru_RU", "en_US"):  # a database may be installed with Russian alone
            self.env["res.lang"]._activate_lang(code)
        self.run_scoring()
        score = self.Score.search([], limit=1)
        score.reasons_data = [["monetary", {"amount": "595760"}], ["recency", {"days": "15"}],
                              ["revenue_trend", {"recent": "1200", "prior": "35000"}]]
        symbol = score.company_id.currency_id.symbol
        english = score.with_context(lang="en_US").reasons.splitlines()
        self.assertEqual(english[1], "15 days since the last order")
        self.assertTrue(english[0].startswith("spent ") and english[0].endswith(" in total"), english[0])
        self.assertIn("595,760", english[0])
        self.assertIn(symbol, english[0])
        self.assertNotIn("595,760.", english[0], "whole amounts")
        self.assertIn("1,200", english[2])
        self.assertIn("35,000", english[2])
        russian = score.with_context(lang="ru_RU").reasons.splitlines()
        self.assertIn("595\N{NO-BREAK SPACE}760", russian[0])
        self.assertIn(symbol, russian[0])
        # an amount left out, or not a number, stays as stored
        score.reasons_data = [["avg_order", {"amount": ""}], ["monetary", {}]]
        self.assertEqual(score.with_context(lang="en_US").reasons, "average order \nspent  in total")

    def test_incremental_run_rescores_only_the_changed_customers(self):
        full = self.run_scoring()
        planned = self.Score.search([("decision", "in", ("now", "later"))], limit=1)
        self.assertTrue(planned, "someone to call in this store")
        regular, orders_before = planned.partner_id, planned.order_count
        before = {s.partner_id: s.write_date for s in self.Score.search([])}
        self.shift_back()
        self._order(regular, 0)
        run = self.run_scoring()
        self.assertEqual(run.mode, "incremental")
        self.assertEqual(run.partner_count, 1, "only the customer who ordered")
        score = self.score_of(regular)
        self.assertNotEqual(score.decision, "now", "who ordered this morning is not on today's list any more")
        self.assertIn(score.decision_code, (False, "ordered_recently"))
        self.assertEqual(score.order_count, orders_before + 1)
        self.assertEqual(score.last_order, self.today)
        untouched = self.Score.search([("partner_id", "!=", regular.id)])
        self.assertTrue(all(s.write_date < before[s.partner_id] for s in untouched), "the others are not rewritten")
        self.assertTrue(full.sudo().engine_state, "the day's model is kept for the incremental runs")

    def test_an_incremental_run_stopped_by_a_concurrent_change_writes_again(self):
        """The day's runs meet the salespeople at work: an incremental run's writes stopped by a
        concurrent change are rolled back and made again, in a transaction of their own."""
        self.run_scoring()
        regular = self.regulars[0]
        self.shift_back()
        self._order(regular, 0)
        upsert = type(self.Score)._ecom_upsert
        tries = []

        def contested_upsert(model, company, rows, text=None, new=False, held=False):
            tries.append(list(rows.get("partner_id", [])))
            if len(tries) == 1:
                raise DeadlockDetected("deadlock detected")
            return upsert(model, company, rows, text=text, new=new, held=held)

        cr = self.env.cr
        with patch.object(ecom_scoring_run, "RETRY_WAIT", 0), \
                patch.object(type(self.Score), "_ecom_upsert", contested_upsert), \
                patch.object(type(self.Run), "_read_committed", return_value=True), \
                patch.object(cr, "commit") as commit, patch.object(cr, "rollback") as rollback:
            run = self.Run._score_customers(today=self.today, auto_commit=True)
        self.assertEqual((run.mode, run.state, run.changed_count), ("incremental", "done", 1), run.error)
        self.assertEqual(tries, [[regular.id], [regular.id]])
        self.assertEqual(rollback.call_count, 1)
        self.assertGreaterEqual(commit.call_count, 2, "the writes committed apart from the reads before them")
        self.assertEqual(self.score_of(regular).last_order, self.today)

    def shift_back(self):
        """Everything so far happened an hour before (a test is one transaction: one now())."""
        for table, column in (("ecom_customer_score", "write_date"), ("sale_order", "write_date"),
                              ("crm_lead", "write_date"), ("mail_activity", "write_date"),
                              ("mail_message", "create_date"), ("ecom_scoring_run", "date")):
            self.env.cr.execute(f"UPDATE {table} SET {column} = {column} - interval '1 hour'")
        self.env.invalidate_all()

    def test_a_store_whose_first_orders_come_after_the_days_full_run(self):
        """Installed before its first orders, the store's full run of the day scored nobody. The
        next run scores the store as the day's full run and keeps its models (it was an incremental
        run that learned them, kept nothing, and every run of the day learned them again); the runs
        after it rescore the changed customers with them."""
        company = self.env["res.company"].create({"name": "Новый магазин"})
        first = self.Run._score_customers(company, today=self.today)
        self.assertEqual((first.mode, first.state, first.partner_count), ("full", "done", 0))
        self.assertFalse(first.sudo().engine_state)
        SaleOrder = self.env["sale.order"].with_company(company)
        customers = self.env["res.partner"].create([{"name": f"Первый покупатель {i}"} for i in range(3)])

        def order(partner, days_ago):
            sale = SaleOrder.create({"partner_id": partner.id, "company_id": company.id, "order_line": [
                (0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 990.0})]})
            sale.action_confirm()
            sale.date_order = self.now - timedelta(days=days_ago)

        for i, partner in enumerate(customers):
            order(partner, 40 + i)
            order(partner, 10 + i)
        self.shift_back()
        second = self.Run._score_customers(company, today=self.today)
        self.assertEqual((second.mode, second.state, second.partner_count), ("full", "done", 3))
        self.assertTrue(second.sudo().engine_state, "the models kept for the day's next runs")
        self.assertEqual(self.Score.search_count([("company_id", "=", company.id)]), 3)
        order(customers[0], 0)
        self.shift_back()
        third = self.Run._score_customers(company, today=self.today)
        self.assertEqual((third.mode, third.state, third.partner_count), ("incremental", "done", 1))
        self.assertEqual(self.Score.search([("company_id", "=", company.id), ("partner_id", "=", customers[0].id)])
                         .last_order, self.today)

    def test_offers_kept_by_an_incremental_run_are_capped_at_the_new_order_chance(self):
        """An incremental run keeps the morning's offers for whom is still to be called now; their
        chances are capped at the customer's order chance as rescored (one under 10% goes), as
        the full run makes them; the other customers' offers are left alone."""
        self.run_scoring()
        high, low, other = self.Score.search([("probability", "!=", False)], limit=3)
        high.probability, low.probability, other.probability = 0.3, 0.05, 0.05
        Suggestion = self.env["ecom.customer.suggestion"]
        offers = Suggestion.create([
            {"score_id": high.id, "kind": "rebuy", "product_id": self.product.id, "probability": 0.6},
            {"score_id": high.id, "kind": "popular", "product_id": self.product.id, "probability": 0.2},
            {"score_id": low.id, "kind": "rebuy", "product_id": self.product.id, "probability": 0.5},
            {"score_id": other.id, "kind": "rebuy", "product_id": self.product.id, "probability": 0.5}])
        self.env.flush_all()
        Suggestion._ecom_cap_at_order_chance(self.env.company, (high | low).partner_id.ids)
        self.assertEqual(offers.exists(), offers[:2] | offers[3])
        self.assertEqual(offers[:2].mapped("probability"), [0.3, 0.2])
        self.assertEqual(offers[3].probability, 0.5, "a customer not rescored keeps the morning's offer")

    def test_offers_told_a_share_of_the_order_chance_follow_it(self):
        """In a store of one product the morning's offers were told a share of the order chance
        (``crosssell.order_shares``): the kept ones are told that share of the rescored chance, up
        as well as down, at most 90%; one under 10% goes; the other customers' are left alone."""
        self.run_scoring()
        up, down, top, other = self.Score.search([("probability", "!=", False)], limit=4)
        up.probability, down.probability, top.probability, other.probability = 0.6, 0.1, 0.97, 0.2
        Suggestion = self.env["ecom.customer.suggestion"]
        offers = Suggestion.create([
            {"score_id": s.id, "kind": "rebuy", "product_id": self.product.id, "probability": 0.3}
            for s in (up, down, top, other)])
        together = Suggestion.create({"score_id": up.id, "kind": "copurchase", "product_id": self.product.id,
                                      "probability": 0.2})
        self.env.flush_all()
        Suggestion._ecom_cap_at_order_chance(self.env.company, (up | down | top).partner_id.ids,
                                             {"rebuy": 0.95, "copurchase": 0.5, "popular": 1.0})
        self.assertEqual(offers.exists(), offers[0] | offers[2] | offers[3], "9.5%: no offer")
        self.assertAlmostEqual(offers[0].probability, 0.57)
        self.assertAlmostEqual(together.probability, 0.3, msg="each kind its own share")
        self.assertAlmostEqual(offers[2].probability, 0.90)
        self.assertEqual(offers[3].probability, 0.3, "a customer not rescored keeps the morning's offer")

    def test_an_incremental_run_rescales_the_kept_offers_by_the_days_model(self):
        """The shares an incremental run rescales the kept offers with are those of the cross-sell
        model the day's full run used (``crosssell.order_shares``): here one of a one-product
        store's, the recorded outcomes' corrections included; in a store of many products none
        (the kept offers are capped only)."""
        full = self.run_scoring()
        state = full._load_state()
        self.assertIsNone(crosssell.order_shares(state.crosssell_model))
        one_product = crosssell.CrossSellModel(level="product", kind=crosssell.ORDER, estimator=None, calibrator=None,
                                               base_rate=0.95, n_train=100, order_rate=0.4,
                                               adjust=np.array([0.5, 1.0, 2.0]))
        full._save_state(dataclasses.replace(state, crosssell_model=one_product))
        self.shift_back()
        self._order(self.regulars[0], 0)
        Suggestion = type(self.env["ecom.customer.suggestion"])
        with patch.object(Suggestion, "_ecom_cap_at_order_chance", autospec=True) as rescaled:
            run = self.run_scoring()
        self.assertEqual(run.mode, "incremental")
        self.assertEqual(rescaled.call_args.args[1:], (self.env.company, [self.regulars[0].id],
                                                       {"rebuy": 0.475, "copurchase": 0.95, "popular": 1.0}))

    def test_a_run_without_changes_writes_nothing(self):
        self.run_scoring()
        self.shift_back()
        with patch.object(type(self.Score), "_ecom_upsert", side_effect=AssertionError("nothing to write")):
            run = self.run_scoring()
        self.assertEqual((run.mode, run.state, run.partner_count), ("incremental", "done", 0))

    def test_a_full_run_sends_only_the_rows_that_changed(self):
        self.run_scoring()
        sent = []
        upsert = type(self.Score)._ecom_upsert

        def recording_upsert(model, company, rows, text=None, new=False, held=False):
            sent.extend(rows.get("partner_id", []))
            return upsert(model, company, rows, text=text, new=new, held=held)

        with patch.object(type(self.Score), "_ecom_upsert", recording_upsert):
            again = self.run_scoring(mode="full")
        self.assertEqual((again.state, again.changed_count, sent), ("done", 0, []),
                         "the same day on the same data: every row's fingerprint is the stored one")
        vip, fresh = self.score_of(self.lapsed_vip), self.score_of(self.fresh)
        segment = vip.segment
        vip.sudo().write({"segment": "lost"})  # someone else changed a value the job writes
        self.env.cr.execute("UPDATE ecom_customer_score SET row_hash = NULL WHERE id = %s", [fresh.id])
        with patch.object(type(self.Score), "_ecom_upsert", recording_upsert):
            third = self.run_scoring(mode="full")
        self.assertEqual(sorted(sent), sorted([self.lapsed_vip.id, self.fresh.id]),
                         "the row changed by hand and the row without a fingerprint are written again")
        self.assertEqual(third.changed_count, 2)
        vip.invalidate_recordset()
        self.assertEqual(vip.segment, segment, "the job's value is back")

    def stored_rows(self):
        """The company's score rows as the job wrote them: ``{partner id: (values of STORED, row_hash)}``."""
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT partner_id, %s, row_hash FROM ecom_customer_score WHERE company_id = %s",
                                SQL(", ").join(SQL.identifier(c) for c in STORED), self.env.company.id))
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def test_a_partner_s_scores_are_found_through_the_unique_constraint_s_index(self):
        """One index starts with ``partner_id``: the unique constraint's. The migration to 18.0.2.3.2
        drops the one of its own a database had before (each insert wrote it for nothing)."""
        cr = self.env.cr

        def indexes():
            cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'ecom_customer_score' "
                       "AND indexdef LIKE '%%(partner_id%%'")
            return {name for name, in cr.fetchall()}

        self.assertEqual(indexes(), {"ecom_customer_score_partner_company_uniq"})
        cr.execute("CREATE INDEX ecom_customer_score__partner_id_index ON ecom_customer_score (partner_id)")
        load_script("ecom_crm_scoring/migrations/18.0.2.3.2/post-migrate.py",
                    "ecom_crm_scoring_post_migrate_18_0_2_3_2").migrate(cr, "18.0.2.3.1")
        self.assertEqual(indexes(), {"ecom_customer_score_partner_company_uniq"})
        self.run_scoring(mode="full")
        partner = self.Score.search([], limit=1).partner_id
        cr.execute("SET LOCAL enable_seqscan = off")
        cr.execute("EXPLAIN SELECT id FROM ecom_customer_score WHERE partner_id = %s", [partner.id])
        self.assertIn("ecom_customer_score_partner_company_uniq", " ".join(line for line, in cr.fetchall()))
        self.assertEqual(self.Score.search([("partner_id", "=", partner.id)]).partner_id, partner)

    def test_the_group_and_contact_indexes_hold_only_the_rows_with_one(self):
        """The group's and the contact's indexes leave out the customers without one (most of a
        night's rows) and a filter on a value uses them; an older database's full indexes are
        dropped by 18.0.2.3.10 and made anew by Odoo with the condition. (An index made within the
        test's transaction may be hidden from its snapshot: the plan is read before.)"""
        cr = self.env.cr

        def definitions():
            cr.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
                       [["ecom_customer_score__group_index", "ecom_customer_score__decision_index"]])
            return dict(cr.fetchall())

        for definition in definitions().values():
            self.assertTrue(definition.endswith("IS NOT NULL)"), definition)
        self.run_scoring(mode="full")
        with cr.savepoint():
            cr.execute("SET LOCAL enable_seqscan = off")
            cr.execute("EXPLAIN SELECT id FROM ecom_customer_score WHERE decision = 'now'")
            self.assertIn("ecom_customer_score__decision_index", " ".join(line for line, in cr.fetchall()))
        for column in ("group", "decision"):  # as the versions before made them
            cr.execute(SQL("DROP INDEX %s", SQL.identifier(f"ecom_customer_score__{column}_index")))
            cr.execute(SQL("CREATE INDEX %s ON ecom_customer_score (%s)",
                           SQL.identifier(f"ecom_customer_score__{column}_index"), SQL.identifier(column)))
        self.registry.check_indexes(cr, ["ecom.customer.score"])
        self.assertFalse(any("WHERE" in definition for definition in definitions().values()), "Odoo kept them")
        load_script("ecom_crm_scoring/migrations/18.0.2.3.10/pre-migrate.py",
                    "ecom_crm_scoring_pre_migrate_18_0_2_3_10").migrate(cr, "18.0.2.3.9")
        self.assertEqual(definitions(), {})
        self.registry.check_indexes(cr, ["ecom.customer.score"])
        self.assertEqual(len(definitions()), 2)
        for definition in definitions().values():
            self.assertTrue(definition.endswith("IS NOT NULL)"), definition)

    @contextmanager
    def recorded_writes(self):
        """The full run's chunks of 4 customers: each write as ``(new, held, partner ids)`` and
        every SQL statement run meanwhile."""
        upsert, execute = type(self.Score)._ecom_upsert, Cursor.execute
        paths, statements = [], []

        def recording_upsert(model, company, rows, text=None, new=False, held=False):
            paths.append((new, held, sorted(rows.get("partner_id", []))))
            return upsert(model, company, rows, text=text, new=new, held=held)

        def recording_execute(cr, query, params=None, log_exceptions=True):
            statements.append(str(query.code if isinstance(query, SQL) else query))
            return execute(cr, query, params, log_exceptions)

        with patch.object(ecom_scoring_run, "CHUNK", 4), \
                patch.object(type(self.Score), "_ecom_upsert", recording_upsert), \
                patch.object(Cursor, "execute", recording_execute):
            yield paths, statements

    def test_the_first_run_copies_its_rows_into_the_table(self):
        """Chunks of customers the table does not hold (the first run's) are COPYed straight into
        it, the others upserted: both store the same rows, and a row the table holds after all
        (another run wrote it) is upserted, not refused."""
        with self.recorded_writes() as (paths, statements):
            first = self.run_scoring()
        self.assertEqual(first.state, "done", first.error)
        self.assertEqual(([new for new, _held, _ids in paths], first.changed_count), ([True] * 4, 15))
        self.assertFalse([q for q in statements if "ecom_score_in" in q], "no upsert through the temporary table")
        copied = self.stored_rows()
        self.assertEqual(len(copied), 15)
        self.env.cr.execute("SELECT count(*) FROM ecom_customer_score WHERE create_uid IS NOT NULL "
                            "OR write_uid IS NOT NULL OR create_date IS NULL OR write_date IS NULL")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the job's rows, dated, naming no user")
        # the same rows by the upsert: the first chunk's customers deleted, a full run again
        gone = paths[0][2]
        self.env.cr.execute("DELETE FROM ecom_customer_score WHERE partner_id = ANY(%s)", [gone])
        with self.recorded_writes() as (paths, _statements):
            again = self.run_scoring(mode="full")
        self.assertEqual(again.state, "done", again.error)
        self.assertEqual([(new, ids) for new, _held, ids in paths if ids], [(True, gone)],
                         "only the deleted customers are written, COPYed in")
        self.env.cr.execute("DELETE FROM ecom_customer_score")
        upsert = type(self.Score)._ecom_upsert
        with self.recorded_writes() as (_paths, statements), \
                patch.object(type(self.Score), "_ecom_upsert",
                             lambda model, company, rows, text=None, **_flags: upsert(model, company, rows, text)):
            upserted = self.run_scoring(mode="full")
        self.assertEqual((upserted.state, upserted.changed_count), ("done", 15), upserted.error)
        self.assertTrue([q for q in statements if "INSERT INTO ecom_customer_score" in q], "the upsert's way this time")
        self.assertEqual(self.stored_rows(), copied, "the COPY stores what the upsert does")
        # a chunk said new while another run wrote one of its customers meanwhile
        vip = self.score_of(self.lapsed_vip)
        self.env.cr.execute(SQL("SELECT %s FROM ecom_customer_score WHERE id = %s",
                                SQL(", ").join(SQL.identifier(c) for c in UPSERT_COLUMNS), vip.id))
        row = dict(zip(UPSERT_COLUMNS, self.env.cr.fetchone(), strict=True))
        row.update(probability=0.5, score=50, row_hash=None, decision_params=None, reasons_data=None)
        self.assertEqual(self.Score._ecom_upsert(self.env.company, {k: [v] for k, v in row.items()}, new=True), 1)
        vip.invalidate_recordset()
        self.assertEqual((vip.probability, len(self.score_of(self.lapsed_vip))), (0.5, 1))

    def test_the_other_nights_update_the_rows_the_table_holds(self):
        """Chunks of customers who all have a row are written by an UPDATE, which stores what the
        upsert does; a chunk with a customer who has none goes the upsert's way; a customer whose
        row is gone meanwhile (deleted with them) is not written again by the UPDATE. A customer
        who is not scored (a cancelled order only) has no row and sends none: their chunk updates."""
        unscored = self._customer_with_orders("Только отменённый заказ", [20])
        unscored.sale_order_ids._action_cancel()
        self.run_scoring()
        self.assertFalse(self.score_of(unscored))
        expected = self.stored_rows()
        self.env.cr.execute("UPDATE ecom_customer_score SET row_hash = NULL, probability = 0.01, segment = 'lost'")
        missing = self.score_of(self.lapsed_vip)
        missing_partner = missing.partner_id.id
        missing.unlink()
        with self.recorded_writes() as (paths, statements):
            again = self.run_scoring(mode="full")
        self.assertEqual((again.state, again.changed_count), ("done", 15), again.error)
        mixed = [(new, held) for new, held, ids in paths if missing_partner in ids]
        self.assertEqual(mixed, [(False, False)], "the chunk with a customer without a row: upserted")
        self.assertEqual([(new, held) for new, held, ids in paths if missing_partner not in ids], [(False, True)] * 3,
                         "the others, the unscored customer's too: updated")
        self.assertEqual(len([q for q in statements if "UPDATE ecom_customer_score AS s" in q]), 3)
        self.assertEqual(len([q for q in statements if "INSERT INTO ecom_customer_score" in q]), 1)
        self.assertEqual(self.stored_rows(), expected, "the UPDATE stores what the upsert does")
        self.env.cr.execute(SQL("SELECT %s FROM ecom_customer_score WHERE partner_id = %s",
                                SQL(", ").join(SQL.identifier(c) for c in UPSERT_COLUMNS), missing_partner))
        row = dict(zip(UPSERT_COLUMNS, self.env.cr.fetchone(), strict=True))
        self.score_of(self.lapsed_vip).unlink()
        row.update(probability=0.5, row_hash=None)
        self.assertEqual(self.Score._ecom_upsert(self.env.company, {k: [v] for k, v in row.items()}, held=True), 0)
        self.assertFalse(self.score_of(self.lapsed_vip), "not written again")

    def test_a_run_killed_midway_resumes_after_the_last_chunk(self):
        upsert = type(self.Score)._ecom_upsert
        written = []

        def dying_upsert(model, company, rows, text=None, new=False, held=False):
            if len(written) == 2:
                raise Killed
            written.append(list(rows.get("partner_id", [])))
            return upsert(model, company, rows, text=text, new=new, held=held)

        with patch.object(ecom_scoring_run, "CHUNK", 4), \
                patch.object(type(self.Score), "_ecom_upsert", dying_upsert):
            run_to_kill(self, self.run_scoring)
        run = self.Run.search([("day", "=", self.today)])
        killed_at = max(written[1])
        self.assertEqual((run.state, run.position), ("running", killed_at))
        run.error = "Traceback: what stopped it"  # as the hourly job notes it (_note_failure)
        resumed = []

        def counting_upsert(model, company, rows, text=None, new=False, held=False):
            resumed.extend(rows.get("partner_id", []))
            return upsert(model, company, rows, text=text, new=new, held=held)

        with patch.object(ecom_scoring_run, "CHUNK", 4), \
                patch.object(type(self.Score), "_ecom_upsert", counting_upsert), \
                patch.object(engine, "learn_order_model", side_effect=AssertionError("learned again")):
            again = self.run_scoring()
        self.assertEqual(again, run, "the same run goes on")
        self.assertEqual(again.state, "done", again.error)
        self.assertFalse(again.error, "done: what stopped it before is no error of the run any more")
        self.assertEqual(set(again.model_info["steps_seconds"]), {"read", "score", "cross_sell"},
                         "the model kept from the kill: no learning step")
        self.assertTrue(resumed and min(resumed) > killed_at, "the chunks already written are skipped")
        self.assertEqual(len(self.Score.search([])), 15)

    @contextmanager
    def second_writer(self, die_at=None):
        """The full run's second connection (``_second_writer``) as the job has it, but writing on
        the test's cursor at once (a test's rows are invisible to another connection): yields the
        partner ids of each chunk it wrote; raises Killed after writing its ``die_at``-th chunk.
        Whether the run asked for it while learning the cross-sell model beside the writes (it
        then has none: :meth:`test_a_night_learning_both_models_writes_on_one_connection`) goes to
        ``self.writers_learning``; this one writes all the same (the tests' small stores learn
        both models every night)."""
        beside, self.writers_learning = [], []

        @contextmanager
        def second_writer(run, auto_commit, learning=False):
            self.writers_learning.append(learning)

            def write(result, partner_ids, rows, chunk):
                future = Future()
                written = run._write_apart(lambda: run._write_rows(result, partner_ids, rows, chunk), auto_commit)
                beside.append(sorted(partner_ids[rows].tolist()))
                # killed once the job's connection wrote its chunk of the pair too, when it asks for this one
                future.set_exception(Killed()) if len(beside) == die_at else future.set_result(written)
                return future

            yield write

        with patch.object(type(self.Run), "_second_writer", second_writer):
            yield beside

    def test_a_night_learning_both_models_writes_on_one_connection(self):
        """While the cross-sell model is learned beside the writes (a night that learns both models:
        the first run), the chunks are written one at a time on the job's connection, leaving the
        learning a core: the run asks for no second connection, and gets none."""
        with self.second_writer():
            run = self.run_scoring(mode="full")
        self.assertEqual(run.state, "done", run.error)
        self.assertIn("learn_offers", run.model_info["steps_seconds"], "both models learned")
        self.assertEqual(self.writers_learning, [True])
        with patch.object(ecom_scoring_run.odoo_module, "current_test", None), \
                patch.object(self.env.cr, "commit"), \
                patch.object(type(self.registry), "cursor", side_effect=AssertionError("a second connection")), \
                self.Run._second_writer(True, learning=True) as write_beside:
            self.assertIsNone(write_beside)

    def test_chunks_are_written_two_at_a_time(self):
        """With a second connection (the scheduled job's), every other chunk is written by it while
        the job's connection writes the one before; the run's position and progress move after
        both. A run killed between the second connection's commit and the position's resumes
        after the pair before: the rows already written are found unchanged and not sent again."""
        self.assertIsNone(self.Run._second_writer(False).__enter__(), "no second connection without commits")
        self.env["res.partner"].create({"name": "Не записан"}).flush_recordset()
        with patch.object(ecom_scoring_run.odoo_module, "current_test", None), \
                patch.object(self.env.cr, "commit") as commit, \
                patch.object(type(self.registry), "cursor", side_effect=AssertionError("a second connection")), \
                self.Run._second_writer(True) as write_beside:
            self.assertIsNone(write_beside, "none while this transaction holds what it could not commit")
        self.assertTrue(commit.called, "what the job's transaction holds is committed first")
        self.run_scoring()
        expected = self.stored_rows()
        self.env.cr.execute("DELETE FROM ecom_customer_score")
        progress = []
        notify = type(self.env["ir.cron"])._notify_progress
        with self.second_writer() as beside, self.recorded_writes() as (paths, _statements), \
                patch.object(type(self.env["ir.cron"]), "_notify_progress",
                             lambda cron, done, remaining: progress.append((done, remaining)) or notify(
                                 cron, done=done, remaining=remaining)):
            run = self.run_scoring(mode="full")
        self.assertEqual((run.state, run.changed_count), ("done", 15), run.error)
        chunks = sorted(ids for _new, _held, ids in paths)  # the second connection's are begun first
        self.assertEqual(len(chunks), 4)
        self.assertEqual(beside, [chunks[1], chunks[3]], "the second and the fourth chunk beside")
        self.assertEqual(progress, [(8, 7), (15, 0)], "the progress after each pair")
        self.assertEqual(run.position, max(chunks[3]))
        self.assertEqual(self.stored_rows(), expected, "the same rows as one connection writes")
        # killed after the second connection wrote the fourth chunk: the position is after the second
        self.env.cr.execute("DELETE FROM ecom_customer_score")
        self.env.cr.execute("DELETE FROM ecom_scoring_run")
        with self.second_writer(die_at=2), self.recorded_writes() as (paths, _statements):
            run_to_kill(self, self.run_scoring)
        killed = self.Run.search([("day", "=", self.today)])
        self.assertEqual((killed.state, killed.position), ("running", max(chunks[1])))
        self.assertEqual(len(self.stored_rows()), 15, "the last pair's rows were written before the kill")
        with self.second_writer() as beside, self.recorded_writes() as (paths, _statements):
            again = self.run_scoring()
        self.assertEqual((again, again.state), (killed, "done"), again.error)
        self.assertEqual([ids for _new, _held, ids in paths if ids], [], "nothing sent again")
        self.assertEqual(again.position, max(chunks[3]))
        self.assertEqual(again.changed_count, 15, "the rows written before the kill counted with them")
        self.assertEqual(self.stored_rows(), expected)

    def test_a_chunk_stopped_by_a_concurrent_change_is_written_again(self):
        """A salesperson's outcome written while the job upserts the same rows: PostgreSQL refuses
        the job's update (repeatable read); the chunk is rolled back and written again, the run
        goes on instead of failing the morning's list."""
        upsert = type(self.Score)._ecom_upsert
        tries = []

        def contested_upsert(model, company, rows, text=None, new=False, held=False):
            tries.append(list(rows.get("partner_id", [])))
            if len(tries) == 2:  # the second chunk's first try
                raise SerializationFailure("could not serialize access due to concurrent update")
            return upsert(model, company, rows, text=text, new=new, held=held)

        cr = self.env.cr
        # the test's transaction stays open (commit and rollback are mocked): no isolation to set
        with patch.object(ecom_scoring_run, "CHUNK", 4), patch.object(ecom_scoring_run, "RETRY_WAIT", 0), \
                patch.object(type(self.Score), "_ecom_upsert", contested_upsert), \
                patch.object(type(self.Run), "_read_committed", return_value=True), \
                patch.object(cr, "commit") as commit, patch.object(cr, "rollback") as rollback:
            run = self.Run._score_customers(mode="full", today=self.today, auto_commit=True)
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(rollback.call_count, 1, "the contested chunk's transaction only")
        self.assertEqual(len(tries), 5, "four chunks of 15 customers, the second one twice")
        self.assertEqual(tries[1], tries[2], "the same rows again")
        self.assertGreaterEqual(commit.call_count, 4, "each chunk committed")
        self.assertEqual(len(self.Score.search([])), 15, "every customer scored")
        self.assertEqual(run.position, max(max(rows) for rows in tries))
        self.assertEqual(run.changed_count, 15, "the rolled back try is not counted")

        # without the job's own transactions (a test, the install) nothing is rolled back: the error goes up
        tries.clear()
        with patch.object(ecom_scoring_run, "CHUNK", 4), \
                patch.object(type(self.Score), "_ecom_upsert", contested_upsert), \
                patch.object(cr, "rollback") as rollback:
            try:
                self.Run._score_customers(mode="full", today=self.today + timedelta(days=1))
            except SerializationFailure:
                pass
            else:
                self.fail("the concurrent change was hidden")
            self.assertFalse(rollback.called)

    def test_a_chunk_updates_a_row_a_salesperson_changed_meanwhile(self):
        """On two real connections: a score row changed and committed by a salesperson after the
        chunk's transaction began. In Odoo's REPEATABLE READ the job's upsert of it fails; in the
        chunk's READ COMMITTED it waits for the change and updates the row it left: both the
        job's values and the salesperson's stay. Committed data of its own, removed after."""
        company_id = self.env.company.id
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}
        with self.registry.cursor() as cr:
            partner_id = api.Environment(cr, SUPERUSER_ID, quiet)["res.partner"].create({"name": "Параллельный"}).id

        def remove():  # the partner and what hangs on it (its score: ON DELETE CASCADE)
            with self.registry.cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})["res.partner"].browse(partner_id).unlink()
        self.addCleanup(remove)

        def upsert(env, probability):
            row = {column: [None] for column in UPSERT_COLUMNS}
            row.update(partner_id=[partner_id], probability=[probability], score=[round(probability * 100)],
                       row_hash=[round(probability * 100)])
            return env["ecom.customer.score"]._ecom_upsert(env["res.company"].browse(company_id), row)

        with self.registry.cursor() as cr:
            upsert(api.Environment(cr, SUPERUSER_ID, {}), 0.1)

        def contested(read_committed, probability):
            """The job's chunk and the salesperson's change, interleaved: what the job wrote."""
            with self.registry.cursor() as job_cr, self.registry.cursor() as user_cr:
                job = api.Environment(job_cr, SUPERUSER_ID, {})
                self.assertEqual(job["ecom.scoring.run"]._read_committed(), True, "no transaction open yet")
                if not read_committed:
                    job_cr.rollback()  # back to Odoo's REPEATABLE READ
                job_cr.execute("SELECT count(*) FROM ecom_customer_score")  # the chunk's transaction began
                self.assertEqual(job["ecom.scoring.run"]._read_committed(), False, "too late for this transaction")
                user_cr.execute("UPDATE ecom_customer_score SET contacted_on = CURRENT_DATE WHERE partner_id = %s",
                                [partner_id])
                user_cr.commit()
                return upsert(job, probability)

        with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
            contested(False, 0.2)
        self.assertEqual(contested(True, 0.3), 1)
        with self.registry.cursor() as cr:
            cr.execute("SELECT probability, contacted_on IS NOT NULL FROM ecom_customer_score WHERE partner_id = %s",
                       [partner_id])
            self.assertEqual(cr.fetchall(), [(0.3, True)], "the job's score and the salesperson's outcome")

    def test_writes_apart_are_read_committed_on_every_try(self):
        """On a connection of its own (as the scheduled job's): the writes run in READ COMMITTED,
        the try after a deadlock too (nothing may begin its transaction before SET TRANSACTION)."""
        levels = []

        def write():
            job_cr.execute("SELECT current_setting('transaction_isolation')")
            levels.append(job_cr.fetchone()[0])
            if len(levels) == 1:
                raise DeadlockDetected("deadlock detected")
            return "written"

        with self.registry.cursor() as job_cr, patch.object(ecom_scoring_run, "RETRY_WAIT", 0):
            run = api.Environment(job_cr, SUPERUSER_ID, {})["ecom.scoring.run"].create(
                {"company_id": self.env.company.id, "day": self.today, "mode": "incremental"})
            self.addCleanup(self._remove_committed_run, run.id)
            job_cr.execute("SELECT 1")  # what the job read before: committed first
            self.assertEqual(run._write_apart(write, auto_commit=True), "written")
            job_cr.execute("SELECT current_setting('transaction_isolation')")
            self.assertEqual(job_cr.fetchone()[0], "repeatable read", "the next transaction is Odoo's again")
        self.assertEqual(levels, ["read committed", "read committed"])

    def _keys_state(self):
        """``{constraint: validated}`` of the score table's keys the first run may drop."""
        self.env.cr.execute("""SELECT conname, convalidated FROM pg_constraint
                                WHERE conrelid = 'ecom_customer_score'::regclass AND contype = 'f'
                                  AND conname = ANY(%s)""", [[key[0] for key in self.Score._ecom_keys()]])
        return dict(self.env.cr.fetchall())

    def _run_watching_keys(self, today, **patches):
        """A full run as the scheduled job makes it (its commits mocked), and the keys the table
        lacked at each of its writes."""
        upsert = type(self.Score)._ecom_upsert
        missing = []

        def watched(model, company, rows, text=None, new=False, held=False):
            missing.append(sorted(key[0] for key in model._ecom_missing_keys()))
            return upsert(model, company, rows, text=text, new=new, held=held)

        cr = self.env.cr
        def no_orphans(model, keys):  # a run's own rows all have their customer, company, salesperson
            self.fail(f"rows without their {keys} looked for")

        with patch.object(ecom_scoring_run, "CHUNK", 4), patch.object(ecom_scoring_run, "UNCHECKED_ROWS", 10), \
                patch.object(type(self.Score), "_ecom_upsert", watched), \
                patch.object(type(self.Score), "_ecom_drop_orphans", no_orphans), \
                patch.object(type(self.Run), "_read_committed", return_value=True), \
                patch.object(cr, "commit"), patch.object(cr, "rollback"), \
                patch.multiple(ecom_customer_score, KEY_RETRY_WAIT=0, **patches):
            run = self.Run._score_customers(mode="full", today=today, auto_commit=True)
        self.assertEqual(run.state, "done", run.error)
        return missing

    def test_a_large_first_run_inserts_without_the_keys_checks_and_adds_them_back(self):
        """The first run of a store (no score of the company yet, enough customers) writes its rows
        without the keys that check each row's customer, company and salesperson one at a time,
        and adds them back after, checked over the whole table; later runs keep them."""
        keys = sorted(key[0] for key in self.Score._ecom_keys())
        self.assertEqual(keys, ["ecom_customer_score_company_id_fkey", "ecom_customer_score_partner_id_fkey",
                                "ecom_customer_score_user_id_fkey"], "the ORM's own keys")
        self.assertEqual(self._keys_state(), dict.fromkeys(keys, True))
        missing = self._run_watching_keys(self.today)
        self.assertEqual(missing, [keys] * 4, "four chunks of 15 customers, none checked row by row")
        self.assertEqual(self._keys_state(), dict.fromkeys(keys, True), "added back and validated")
        self.assertEqual(len(self.Score.search([])), 15)
        self.assertEqual(self.score_of(self.lapsed_vip).user_id, self.seller)
        # the next night updates the rows the table holds: the keys stay
        self.env["sale.order"].search([("partner_id", "=", self.fresh.id)]).action_cancel()
        missing = self._run_watching_keys(self.today + timedelta(days=1))
        self.assertTrue(missing, "a changed row written")
        self.assertEqual(missing, [[]] * len(missing), "checked as usual")
        self.assertEqual(self._keys_state(), dict.fromkeys(keys, True))

    def test_keys_are_added_back_after_a_first_run_stopped_by_an_error(self):
        """A first run whose writes fail midway (its chunk's error goes up to the job) adds the keys
        it dropped back before the error goes on: the rows written before it stay checked."""
        keys = sorted(key[0] for key in self.Score._ecom_keys())
        upsert = type(self.Score)._ecom_upsert
        calls = []

        def failing(model, company, rows, text=None, new=False, held=False):
            calls.append(sorted(key[0] for key in model._ecom_missing_keys()))
            if len(calls) == 2:
                raise Killed
            return upsert(model, company, rows, text=text, new=new, held=held)

        cr = self.env.cr
        with patch.object(ecom_scoring_run, "CHUNK", 4), patch.object(ecom_scoring_run, "UNCHECKED_ROWS", 10), \
                patch.object(type(self.Score), "_ecom_upsert", failing), \
                patch.object(type(self.Run), "_read_committed", return_value=True), \
                patch.object(cr, "commit"), patch.object(cr, "rollback"):
            run_to_kill(self, self.Run._score_customers, mode="full", today=self.today, auto_commit=True)
        self.assertEqual(calls, [keys, keys], "written unchecked until the error")
        self.assertEqual(self._keys_state(), dict.fromkeys(keys, True), "added back and validated")
        self.assertEqual(len(self.Score.search([])), 4, "the first chunk's rows")

    def test_a_busy_customers_table_keeps_the_checks(self):
        """A transaction of the store holding the customers' table longer than the wait: the first
        run does not drop the keys (it would stop every reader of the customers meanwhile), it writes
        its rows checked, as a small store's."""
        keys = sorted(key[0] for key in self.Score._ecom_keys())
        with self.registry.cursor() as other:
            other.execute("LOCK TABLE res_partner IN ROW EXCLUSIVE MODE")  # a salesperson saving a customer
            missing = self._run_watching_keys(self.today, KEY_LOCK_TIMEOUT="50ms")
            other.rollback()
        self.assertEqual(missing, [[]] * 4)
        self.assertEqual(self._keys_state(), dict.fromkeys(keys, True))
        self.assertEqual(len(self.Score.search([])), 15)

    def test_a_first_run_beside_more_rows_of_another_company_keeps_the_checks(self):
        """A company's first run while the table holds more rows of another company than it writes: the
        keys added back would check them all (more than the run's own checks cost) and leave the other
        company's rows unchecked meanwhile: its rows are written checked."""
        keys = sorted(key[0] for key in self.Score._ecom_keys())
        other = self.env["res.company"].create({"name": "Второй магазин"})
        self.env.cr.execute("""INSERT INTO ecom_customer_score (partner_id, company_id, create_date, write_date)
                               SELECT id, %s, now(), now() FROM res_partner ORDER BY id LIMIT 16""", [other.id])
        self.assertGreater(self.Score._ecom_row_count(), 15)
        missing = self._run_watching_keys(self.today)
        self.assertEqual(missing, [[]] * 4, "checked row by row")
        self.assertEqual(self._keys_state(), dict.fromkeys(keys, True))
        self.assertEqual(len(self.Score.search([("company_id", "=", self.env.company.id)])), 15)

    def _drop_keys_with_orphans(self):
        """The table as a run killed between dropping and adding back the keys leaves it, after a
        customer and a salesperson were deleted meanwhile: their rows are still there."""
        cr = self.env.cr
        self.Run._score_customers(mode="full", today=self.today)
        cr.execute(SQL("ALTER TABLE ecom_customer_score %s", SQL(", ").join(
            SQL("DROP CONSTRAINT %s", SQL.identifier(key[0])) for key in self.Score._ecom_keys())))
        cr.execute("SELECT max(id) + 1000 FROM res_partner")
        gone_partner = cr.fetchone()[0]
        cr.execute("SELECT max(id) + 1000 FROM res_users")
        gone_user = cr.fetchone()[0]
        cr.execute("""INSERT INTO ecom_customer_score (partner_id, company_id, create_date, write_date)
                      VALUES (%s, %s, now(), now())""", [gone_partner, self.env.company.id])
        cr.execute("UPDATE ecom_customer_score SET user_id = %s WHERE partner_id = %s", [gone_user, self.fresh.id])
        self.Score.invalidate_model()
        return gone_partner

    def test_keys_a_stopped_run_left_dropped_are_added_back_by_the_next_run(self):
        """A run killed after dropping the keys: the next run adds them back before anything else,
        doing first what they would have done to the rows of a customer (deleted) and a salesperson
        (no salesperson) deleted meanwhile."""
        keys = sorted(key[0] for key in self.Score._ecom_keys())
        gone_partner = self._drop_keys_with_orphans()
        self.assertEqual(self._keys_state(), {})
        self.Run._score_customers(mode="full", today=self.today + timedelta(days=1))
        self.assertEqual(self._keys_state(), dict.fromkeys(keys, True))
        self.assertFalse(self.Score.search([("partner_id", "=", gone_partner)]))
        self.assertEqual(self.score_of(self.fresh).user_id, self.other_seller, "the run wrote its salesperson again")
        self.assertEqual(len(self.Score.search([])), 15)

    def test_an_upgrade_clears_the_way_for_odoos_keys(self):
        """Upgrading the addon while the keys are dropped: Odoo adds missing keys after the model's
        init(), which fails on a row of a deleted customer; init() removes such rows first."""
        gone_partner = self._drop_keys_with_orphans()
        self.Score.init()
        self.env.cr.execute("SELECT count(*) FROM ecom_customer_score WHERE partner_id = %s", [gone_partner])
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.env.cr.execute("SELECT user_id FROM ecom_customer_score WHERE partner_id = %s", [self.fresh.id])
        self.assertEqual(self.env.cr.fetchone()[0], None, "the deleted salesperson's key set to none")
        for _name, column, target, ondelete in self.Score._ecom_keys():  # as Odoo's registry adds them
            sql.add_foreign_key(self.env.cr, "ecom_customer_score", column, target, "id", ondelete)
        self.assertEqual(sorted(self._keys_state()), sorted(key[0] for key in self.Score._ecom_keys()))

    def test_the_keys_ddl_waits_for_its_locks_a_bounded_time(self):
        """The keys' statements wait for their tables' locks at most KEY_LOCK_TIMEOUT: a store's
        transaction writing customers meanwhile makes them give up, nothing done, the job's
        transaction still usable and its own lock timeout as it was."""
        cr = self.env.cr
        cr.execute("SHOW lock_timeout")
        before = cr.fetchone()[0]
        with self.registry.cursor() as other, patch.object(ecom_customer_score, "KEY_LOCK_TIMEOUT", "50ms"):
            other.execute("LOCK TABLE res_partner IN ROW EXCLUSIVE MODE")  # a salesperson saving a customer
            self.assertFalse(self.Score._ecom_locking(SQL("LOCK TABLE res_partner IN SHARE ROW EXCLUSIVE MODE")))
            other.rollback()
        cr.execute("SHOW lock_timeout")
        self.assertEqual(cr.fetchone()[0], before)
        self.assertTrue(self.Score._ecom_locking(SQL("LOCK TABLE res_partner IN SHARE ROW EXCLUSIVE MODE")))

    def test_keys_busy_past_every_try_are_left_to_the_next_run(self):
        """Adding the keys back needs the customers' table free of writers for an instant: busy past
        every try (as _ecom_locking says, above), the keys are left to the next run (logged), the
        rows untouched; a later try adds them."""
        self._drop_keys_with_orphans()
        tries = []

        def busy(model, statement):
            tries.append(statement)
            return False

        with patch.object(type(self.Score), "_ecom_locking", busy), \
                patch.multiple(ecom_customer_score, KEY_RESTORE_TRIES=3, KEY_RETRY_WAIT=0), \
                self.assertLogs(ecom_customer_score.__name__, "WARNING") as logs:
            self.assertFalse(self.Score._ecom_restore_keys())
        self.assertEqual(len(tries), 3)
        self.assertIn("not added back", logs.output[0])
        self.assertEqual(self._keys_state(), {})
        self.assertEqual(len(self.Score.search([])), 16, "the rows as they were, the deleted customer's too")
        self.assertTrue(self.Score._ecom_restore_keys())
        self.assertEqual(len(self._keys_state()), 3)
        self.assertEqual(len(self.Score.search([])), 15)

    def test_the_second_connection_commits_its_chunks_and_is_waited_for(self):
        """On connections of their own (as the scheduled job's): the second connection writes and
        commits a chunk in a thread, counted on the run; when the job fails while such a write
        runs, the job's transaction is rolled back and the write is waited for, committed all the
        same (its cursor is not closed under it). Committed data of its own, removed after."""
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, quiet)
            partner_ids = env["res.partner"].create([{"name": "Вторая связь 1"}, {"name": "Вторая связь 2"}]).ids
            run_id = env["ecom.scoring.run"].create({"company_id": self.env.company.id, "day": self.today}).id
        self.addCleanup(self._remove_committed_run, run_id)

        def remove():  # the partners and their scores (ON DELETE CASCADE)
            with self.registry.cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})["res.partner"].browse(partner_ids).unlink()
        self.addCleanup(remove)
        result, ids = SimpleNamespace(score=np.array([50, 60])), np.array(partner_ids)

        def chunk(i):  # as the run builds it: the values, no text yet, new customers, none held
            row = {column: [None] for column in UPSERT_COLUMNS}
            row.update(partner_id=[partner_ids[i]], probability=[0.5 + i / 10], score=[50 + 10 * i], row_hash=[i + 1])
            return row, None, True, False

        def committed():
            with self.registry.cursor() as cr:
                cr.execute("SELECT partner_id, probability FROM ecom_customer_score WHERE partner_id = ANY(%s) "
                           "ORDER BY partner_id", [partner_ids])
                rows = cr.fetchall()
                cr.execute("SELECT changed_count, position FROM ecom_scoring_run WHERE id = %s", [run_id])
                return rows, cr.fetchone()

        write_rows, threads = type(self.Run)._write_rows, []

        def slow_write_rows(run, *args):
            threads.append(threading.current_thread().name)
            time.sleep(0.3)  # still writing when the job fails
            return write_rows(run, *args)

        with self.registry.cursor() as job_cr, patch.object(ecom_scoring_run.odoo_module, "current_test", None), \
                patch.object(type(self.Run), "_write_rows", slow_write_rows):
            run = api.Environment(job_cr, SUPERUSER_ID, {})["ecom.scoring.run"].browse(run_id)
            with run._second_writer(True) as write_beside:
                self.assertEqual(write_beside(result, ids, np.array([0]), chunk(0)).result(), 1)
            self.assertEqual(committed(), ([(partner_ids[0], 0.5)], (1, None)), "committed and counted")
            with self.assertRaises(Killed), run._second_writer(True) as write_beside:
                writing = write_beside(result, ids, np.array([1]), chunk(1))
                job_cr.execute("UPDATE ecom_scoring_run SET position = 99 WHERE id = %s", [run_id])
                raise Killed
            self.assertTrue(writing.done(), "waited for before its cursor was closed")
            self.assertEqual(writing.result(), 1)
        self.assertEqual(committed(), ([(partner_ids[0], 0.5), (partner_ids[1], 0.6)], (2, None)),
                         "the second chunk committed; the job's transaction rolled back")
        self.assertEqual(set(threads), {threads[0]}, "written by the connection's thread")
        self.assertTrue(threads[0].startswith("ecom_scoring_write"), threads)

    def _remove_committed_run(self, run_id):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM ecom_scoring_run WHERE id = %s", [run_id])

    def test_cron_tries_a_company_again_and_goes_on_past_a_failed_one(self):
        """The hourly job: a company's run stopped by a concurrent change runs again (a full run
        resumes after its last chunk); a company whose run fails does not keep the next ones from
        being scored, its error is noted on its runs (a full one stays to resume, an incremental
        one is failed); the scheduler gets an error only when every company failed."""
        first = self.env.company
        second, third = self.env["res.company"].create([{"name": "Второй магазин"}, {"name": "Третий магазин"}])
        companies = self.env["res.company"].search([])
        today = self.Run._store_today(second)  # the hourly job's day
        full, incremental, older = self.Run.create([
            {"company_id": second.id, "day": today, "mode": "full"},
            {"company_id": second.id, "day": today, "mode": "incremental"},
            {"company_id": second.id, "day": today - timedelta(days=3), "mode": "incremental"}])
        calls = []
        outcomes = {first: [SerializationFailure("concurrent update"), None], second: [ValueError("broken")],
                    third: [DeadlockDetected("deadlock")] * (ecom_scoring_run.RETRIES + 1)}

        def score_company(run_model, company, mode=None, auto_commit=False, today=None, learn=False):
            calls.append((company, auto_commit))
            queue = outcomes.get(company)
            error = queue.pop(0) if queue else None
            if error is not None:
                raise error
            return run_model.browse()

        cr = self.env.cr
        with patch.object(type(self.Run), "_score_company", score_company), \
                patch.object(ecom_scoring_run, "RETRY_WAIT", 0), patch.object(cr, "rollback") as rollback, \
                patch.object(cr, "commit"):
            self.Run._cron_score_customers()
            tries = {first: 2, second: 1, third: ecom_scoring_run.RETRIES + 1}
            self.assertEqual([company for company, _auto in calls],
                             [company for company in companies for _try in range(tries.get(company, 1))])
            self.assertTrue(all(auto for _company, auto in calls), "the job commits its chunks")
            self.assertEqual(rollback.call_count, 1 + 1 + ecom_scoring_run.RETRIES + 1)
            self.assertEqual((full.state, incremental.state), ("running", "failed"))
            self.assertIn("broken", full.error, "the error shown on the run that resumes")
            self.assertIn("broken", incremental.error)
            self.assertEqual((older.state, older.error), ("running", False), "another day's run is not this failure's")

            # every company failing: the scheduler is told (its failure count, Odoo's log)
            calls.clear()
            outcomes.update({company: [RuntimeError(f"down {company.id}")] for company in companies})
            with self.assertRaisesRegex(RuntimeError, f"down {companies[0].id}"):
                self.Run._cron_score_customers()
            self.assertEqual(len(calls), len(companies), "each company tried once, none left out")

    def test_installation_scores_the_store_and_survives_a_failing_company(self):
        """The addon's installation scores every company's customers; one whose scoring fails
        leaves nothing half written and does not fail the installation (the hourly job scores it)."""
        other = self.env["res.company"].create({"name": "Магазин со сбоем"})
        score_company = type(self.Run)._score_company

        def failing_for_other(run_model, company, *args, **kwargs):
            if company == other:
                run_model.create({"company_id": other.id, "day": self.today, "mode": "full"})
                raise RuntimeError("broken history")
            return score_company(run_model, company, *args, **kwargs)

        with patch.object(type(self.Run), "_score_company", failing_for_other), \
                self.assertLogs("odoo.addons.ecom_crm_scoring.hooks", "ERROR") as logs:
            post_init_hook(self.env)
        self.assertIn("Магазин со сбоем", logs.output[0])
        self.assertEqual(len(self.Score.search([("company_id", "=", self.env.company.id)])), 15, "scored")
        self.assertFalse(self.Run.search([("company_id", "=", other.id)]), "the failed scoring rolled back")

    def test_cancelled_orders_drop_the_score(self):
        self.run_scoring()
        self.assertTrue(self.score_of(self.fresh))
        self.fresh.sale_order_ids._action_cancel()
        self.run_scoring(mode="full")
        self.assertFalse(self.score_of(self.fresh))
        self.assertFalse(self.fresh.ecom_score)

    def test_a_customer_without_orders_any_more_loses_the_score(self):
        """Orders deleted: the customer is not read any more and the full run removes the row, one
        without a fingerprint too; the other customers keep theirs."""
        self.run_scoring()
        kept = self.Score.search([("partner_id", "!=", self.fresh.id)])
        orders = self.fresh.sale_order_ids
        orders._action_cancel()
        orders.unlink()
        self.env.cr.execute("UPDATE ecom_customer_score SET row_hash = NULL WHERE partner_id = %s", [self.fresh.id])
        run = self.run_scoring(mode="full")
        self.assertEqual(run.state, "done", run.error)
        self.assertFalse(self.score_of(self.fresh))
        self.assertEqual(self.Score.search([]), kept)

    def test_scores_are_for_the_sales_team_and_each_sees_their_own(self):
        clerk = new_test_user(self.env, login="score_clerk", groups="base.group_user")
        self.run_scoring()
        with self.assertRaises(AccessError):
            self.fresh.with_user(clerk).read(["ecom_score"])
        visible = self.Score.with_user(self.seller).search([])
        self.assertIn(self.lapsed_vip, visible.partner_id)
        self.assertNotIn(self.fresh, visible.partner_id, "another salesperson's customer")
        self.assertIn(self.regulars[0], visible.partner_id, "customers without a salesperson are the team's")
        manager = new_test_user(self.env, login="score_manager", groups="sales_team.group_sale_manager")
        self.assertIn(self.fresh, self.Score.with_user(manager).search([]).partner_id)
        with self.assertRaises(AccessError):
            self.score_of(self.lapsed_vip).with_user(self.seller).write({"score": 100})
        Outcome = self.env["ecom.scoring.outcome"]
        theirs = Outcome.with_user(self.other_seller).create({"partner_id": self.fresh.id, "outcome": "declined"})
        mine = Outcome.with_user(self.seller).create({"partner_id": self.lapsed_vip.id, "outcome": "reached"})
        self.assertEqual(Outcome.with_user(self.seller).search([]), mine, "what another salesperson heard is theirs")
        self.assertEqual(Outcome.with_user(manager).search([]), mine | theirs)

    def test_an_empty_store_is_scored_without_error(self):
        orders = self.env["sale.order"].search([])
        orders._action_cancel()
        orders.unlink()
        run = self.run_scoring(mode="full")
        self.assertEqual((run.state, run.partner_count), ("done", 0), run.error)
        self.assertFalse(self.Score.search([]))


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestModelsKept(ScoringCase):
    """The models are learned every few days (the company's setting), the nights between score with
    them; settings, growth, a failure or the administrator's wish learn them at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for i in range(10):
            cls._customer_with_orders(f"Покупатель {i}", [7 * i + 3, 7 * i + 50, 7 * i + 140])
        # this store is too small to learn from (200 rows at least): the models of a synthetic store
        # of the same criteria stand for those it would learn
        store = synthetic.generate(3000, days=700, seed=5)
        cls.model = engine.learn_order_model(store, 650)
        cls.offers = crosssell.fit(store, 650)
        assert cls.model is not None and cls.offers is not None

    def learning(self):
        """Learning counted: the order model (the synthetic store's, marked with the day it is
        learned as of: ``learned_as_of``) and the cross-sell model."""
        def learn_order_model(history, today, settings=None, bgnbd=None):
            learned = copy.copy(self.model)
            learned.learned_as_of = today
            return learned

        return patch.object(engine, "learn_order_model", MagicMock(side_effect=learn_order_model)), \
            patch.object(engine, "learn_crosssell_model", MagicMock(return_value=self.offers))

    def as_of(self, days):
        """The day a run ``days`` after the first night learns as of."""
        return (self.today + timedelta(days=days)).toordinal() + 1

    def scoring(self):
        """``engine.score`` recording the day the order model it is given was learned as of
        (``self.scored_with``)."""
        score = engine.score

        def recording_score(history, today, c, om, **kwargs):
            self.scored_with = getattr(om, "learned_as_of", None)
            return score(history, today, c, om, **kwargs)

        return patch.object(engine, "score", recording_score)

    def night(self, days, learn=False, mode="full", together=True):
        """The full run of ``days`` after the first night: (run, whether it learned the order model)."""
        orders, offers = self.learning()
        with orders as order_model, offers as crosssell_model, self.scoring():
            run = self.Run._score_customers(mode=mode, today=self.today + timedelta(days=days), learn=learn)
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(run.mode, "full")
        if together:
            self.assertEqual(crosssell_model.call_count, order_model.call_count, "the two models learned together")
        self.offers_learned = bool(crosssell_model.call_count)
        return run, bool(order_model.call_count)

    def test_the_card_explains_by_the_model_that_scored(self):
        """Asked from the card, a customer no list took is explained by the contributions of the
        model that scored them (the state the day's full run kept), as the lists' customers are."""
        run, _learned = self.night(0, learn=True)
        state = run._load_state()
        self.assertIsNotNone(state.order_model)
        scores = self.Score.search([("company_id", "=", self.env.company.id)])
        unexplained = scores.filtered(lambda s: not s.reasons_data)
        self.assertTrue(unexplained)
        with patch.object(engine, "explain", wraps=engine.explain) as explain:
            unexplained.action_ecom_explain()
        self.assertEqual(explain.call_count, 1, "the company's customers at once")
        self.assertEqual(explain.call_args.args[1], run.day.toordinal() + 1, "as of the run, as it scored")
        self.assertIs(explain.call_args.args[2].order_model.__class__, state.order_model.__class__)
        for score in unexplained:
            self.assertTrue(score.reasons_data, score.partner_id.name)
            names = [name for name, _params in score.reasons_data]
            self.assertTrue(set(names) <= set(state.order_model.features) | set(engine.FACTS) | set(engine.RISK_FACTS))

    def test_only_a_night_learning_both_models_gives_up_the_second_writer(self):
        """The first night learns the cross-sell model beside its writes and asks for no second
        connection (``learning``); the next night, both models kept, writes on two as before."""
        asked, second_writer = [], type(self.Run)._second_writer

        def recording(run, auto_commit, learning=False):
            asked.append(learning)
            return second_writer(run, auto_commit, learning=learning)

        with patch.object(type(self.Run), "_second_writer", recording):
            self.night(0, learn=True)
            _run, learned = self.night(1)
        self.assertFalse(learned)
        self.assertEqual(asked, [True, False])

    def test_the_models_are_learned_every_few_days_and_kept_between(self):
        self.assertEqual(self.env.company.ecom_scoring_relearn_days, 7)
        first, learned = self.night(0, learn=True)
        self.assertTrue(learned)
        self.assertEqual(set(first.model_info["steps_seconds"]),
                         {"read", "learn", "score", "learn_offers", "cross_sell"},
                         "the offers' model learned while the chunks were written")
        self.assertEqual(first.model_info["learned_on"], "2026-11-20")
        used = []
        suggest = engine.suggest

        def recording_suggest(result, history, xs_model):
            used.append(xs_model)
            return suggest(result, history, xs_model)

        for days in range(1, 7):
            with patch.object(engine, "suggest", recording_suggest):
                run, learned = self.night(days)
            self.assertFalse(learned, f"night {days}: the week's models")
            self.assertEqual(run.model_info["learned_on"], "2026-11-20")
            self.assertEqual(str(run.learned_on), "2026-11-20", "shown in the list of runs")
            self.assertEqual(set(run.model_info["steps_seconds"]), {"read", "criteria", "score", "cross_sell"})
        self.assertEqual([m.n_train for m in used], [self.offers.n_train] * 6, "the offers' model kept too")
        run, learned = self.night(7, together=False)
        self.assertTrue(learned, "a week later: the order model learned again")
        self.assertFalse(self.offers_learned)
        self.assertEqual((run.model_info["learned_on"], run.model_info["next_learned_on"]),
                         ("2026-11-20", "2026-11-27"), "the night that learns it scores with the model in use")
        self.assertEqual(self.scored_with, self.as_of(0))
        self.assertIn("learn", run.model_info["steps_seconds"])
        run, learned = self.night(8)
        self.assertFalse(learned or self.offers_learned, "the night after: scored with it, nothing learned")
        self.assertEqual(self.scored_with, self.as_of(7))
        self.assertEqual(run.model_info["learned_on"], "2026-11-27")
        self.assertNotIn("next_learned_on", run.model_info)
        self.assertEqual(str(run.learned_on), "2026-11-27")
        run, learned = self.night(9, together=False)
        self.assertFalse(learned)
        self.assertTrue(self.offers_learned, "then the offers' model")
        self.assertEqual((run.model_info["learned_on"], run.model_info["crosssell_learned_on"]),
                         ("2026-11-27", "2026-11-29"))
        for days in (10, 13):
            run, learned = self.night(days)
            self.assertFalse(learned, f"night {days}: both kept")
            self.assertEqual(set(run.model_info["steps_seconds"]), {"read", "criteria", "score", "cross_sell"})
        for days, orders, offers in ((14, True, False), (15, False, False), (16, False, True), (17, False, False)):
            run, learned = self.night(days, together=False)
            self.assertEqual((learned, self.offers_learned), (orders, offers), f"night {days}")
        self.assertEqual((run.model_info["learned_on"], run.model_info["crosssell_learned_on"]),
                         ("2026-12-04", "2026-12-06"))
        incremental = self.Run._score_customers(today=self.today + timedelta(days=17))
        self.assertEqual((incremental.mode, incremental.state), ("incremental", "done"), incremental.error)

    def test_a_night_killed_while_learning_the_order_model_resumes_with_it_waiting(self):
        """Killed after learning the order model: the resumed run scores with the model in use and
        keeps the new one for the next night, without learning it again."""
        self.night(0, learn=True)
        upsert = type(self.Score)._ecom_upsert

        def dying_upsert(model, company, rows, text=None, new=False, held=False):
            raise Killed

        orders, offers = self.learning()
        with orders, offers, self.scoring(), patch.object(type(self.Score), "_ecom_upsert", dying_upsert):
            run_to_kill(self, self.Run._score_customers, mode="full", today=self.today + timedelta(days=7),
                        auto_commit=False)
        with patch.object(engine, "learn_order_model", side_effect=AssertionError("learned again")), \
                patch.object(type(self.Score), "_ecom_upsert", upsert), self.scoring():
            run = self.Run._score_customers(mode="full", today=self.today + timedelta(days=7))
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual((run.model_info["learned_on"], run.model_info["next_learned_on"]),
                         ("2026-11-20", "2026-11-27"))
        self.assertEqual(self.scored_with, self.as_of(0), "the model in use")
        run, learned = self.night(8)
        self.assertFalse(learned)
        self.assertEqual(self.scored_with, self.as_of(7), "the one learned before the kill")
        self.assertEqual(run.model_info["learned_on"], "2026-11-27", "the next night scores with it")

    def test_a_night_learning_both_models_learns_the_offers_while_the_scores_are_written(self):
        threads, offered = [], []
        orders, _offers = self.learning()

        def learn_crosssell_model(history, today, settings=None, outcomes=None):
            threads.append(threading.current_thread().name)
            return self.offers

        suggest = engine.suggest

        def recording_suggest(result, history, xs_model):
            offered.append(xs_model)
            return suggest(result, history, xs_model)

        with orders, patch.object(engine, "learn_crosssell_model", side_effect=learn_crosssell_model), \
                patch.object(engine, "suggest", recording_suggest), \
                patch.object(memory, "bound_memory", wraps=memory.bound_memory) as bound_memory:
            run = self.Run._score_customers(mode="full", today=self.today, learn=True)
        self.assertEqual(run.state, "done", run.error)
        bound_memory.assert_called_once_with()  # the worker's memory thresholds (test_scoring_engine)
        self.assertEqual(len(threads), 1)
        self.assertTrue(threads[0].startswith("ecom_scoring_learn"), threads)
        self.assertEqual(len(offered), 1, "offers made once, with the model learned beside the chunks")
        self.assertIs(offered[0], self.offers)
        self.assertEqual(run.model_info["crosssell_learned_on"], str(self.today))
        self.assertEqual(self.Run.search([], order="id desc", limit=1)._load_state().crosssell_model.n_train,
                         self.offers.n_train, "kept for the next nights")

    def test_offers_that_fail_to_learn_leave_the_night_scored(self):
        orders, _offers = self.learning()
        with orders, patch.object(engine, "learn_crosssell_model", side_effect=MemoryError), \
                self.assertLogs("odoo.addons.ecom_crm_scoring.models.ecom_scoring_run", "ERROR"):
            run = self.Run._score_customers(mode="full", today=self.today, learn=True)
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(set(self.Score.search([]).mapped("scored_on")), {self.today}, "every customer written")
        self.assertNotIn("crosssell_learned_on", run.model_info)
        self.assertFalse(self.env["ecom.customer.suggestion"].search([]))
        run, learned = self.night(1, together=False)
        self.assertFalse(learned, "the order model kept")
        self.assertTrue(self.offers_learned, "the offers' model: the next night tries again")
        self.assertIn("crosssell_learned_on", run.model_info)

    def test_offers_are_made_while_the_scores_are_written(self):
        """A night with both models kept makes its offers in a thread while the chunks are
        written: the offers wait for the first chunk to have begun, the second chunk for the
        offers to have begun; made before or after the chunks, one of them would wait in vain."""
        self.night(0, learn=True)
        threads, written, waited = [], [], []
        begun, writing = threading.Event(), threading.Event()
        suggest, upsert = engine.suggest, type(self.Score)._ecom_upsert

        def recording_suggest(result, history, xs_model):
            threads.append(threading.current_thread().name)
            begun.set()
            waited.append(writing.wait(timeout=20))
            return suggest(result, history, xs_model)

        def recording_upsert(score, *args, **kwargs):
            written.append(threading.current_thread().name)
            writing.set()
            if len(written) == 2:
                waited.append(begun.wait(timeout=20))
            return upsert(score, *args, **kwargs)

        with patch.object(ecom_scoring_run, "CHUNK", 4), patch.object(engine, "suggest", recording_suggest), \
                patch.object(type(self.Score), "_ecom_upsert", recording_upsert):
            run, learned = self.night(1)
        self.assertFalse(learned)
        self.assertEqual(waited, [True, True], "the offers made while the chunks were written")
        self.assertEqual(len(threads), 1, "offers made once")
        self.assertTrue(threads[0].startswith("ecom_scoring_learn"), threads)
        self.assertEqual(set(written), {threading.current_thread().name}, "the chunks on the job's cursor")
        self.assertGreater(len(written), 2)
        self.assertIn("cross_sell", run.model_info["steps_seconds"])
        offers = self.env["ecom.customer.suggestion"].search([])
        self.assertTrue(offers, "the offers written after the chunks")
        self.assertEqual(set(offers.score_id.mapped("scored_on")), {self.today + timedelta(days=1)})

    def test_the_stored_fingerprints_are_read_while_the_criteria_are_computed(self):
        """The rows' fingerprints are read on the job's cursor, in a thread, while the models and
        criteria are prepared: the preparation waits for the read to have begun; done one after
        the other, it would wait in vain. The run writes only what changed, as before."""
        self.night(0, learn=True)
        prepare, stored_hashes = engine.prepare, type(self.Run)._stored_hashes
        reading, waited, threads = threading.Event(), [], []

        def waiting_prepare(*args, **kwargs):
            waited.append(reading.wait(timeout=20))
            return prepare(*args, **kwargs)

        def recording_stored_hashes(run, company):
            threads.append(threading.current_thread().name)
            reading.set()
            return stored_hashes(run, company)

        with patch.object(engine, "prepare", waiting_prepare), \
                patch.object(type(self.Run), "_stored_hashes", recording_stored_hashes):
            run, _learned = self.night(0)
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(waited, [True], "prepared while the fingerprints were read")
        self.assertTrue(threads[0].startswith("ecom_scoring_stored"), threads)
        self.assertEqual(run.changed_count, 0, "the same night again: every row as stored")

    def test_the_engine_is_imported_while_the_history_is_read(self):
        """The engine's module (scipy, scikit-learn: about a second in a fresh worker) is imported in
        a thread of its own while the history is read: the import waits for the read to have
        begun; done before it, it would wait in vain."""
        import_module, read = ecom_scoring_run.import_module, type(self.env["ecom.scoring.history"])._read
        reading, waited = threading.Event(), []

        def waiting_import(name):
            waited.append((name, threading.current_thread().name, reading.wait(timeout=20)))
            return import_module(name)

        def recording_read(history, *args, **kwargs):
            reading.set()
            return read(history, *args, **kwargs)

        with patch.object(ecom_scoring_run, "import_module", waiting_import), \
                patch.object(type(self.env["ecom.scoring.history"]), "_read", recording_read):
            run, _learned = self.night(0, learn=True)
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(len(waited), 1)
        name, thread, began = waited[0]
        self.assertEqual(name, engine.__name__)
        self.assertTrue(thread.startswith("ecom_scoring_import"), thread)
        self.assertTrue(began, "imported while the history was read")

    def test_offers_that_fail_leave_the_night_scored(self):
        """Offers that cannot be made with the kept model: the scores are written, no offers, and
        the next night learns the cross-sell model again."""
        self.night(0, learn=True)
        with patch.object(engine, "suggest", side_effect=ValueError("no offers")), \
                self.assertLogs("odoo.addons.ecom_crm_scoring.models.ecom_scoring_run", "ERROR"):
            run, learned = self.night(1)
        self.assertFalse(learned)
        self.assertEqual(set(self.Score.search([]).mapped("scored_on")), {self.today + timedelta(days=1)},
                         "every customer written")
        self.assertFalse(self.env["ecom.customer.suggestion"].search([]))
        self.assertNotIn("crosssell_learned_on", run.model_info)
        run, learned = self.night(2, together=False)
        self.assertFalse(learned, "the order model kept")
        self.assertTrue(self.offers_learned, "the offers' model learned again")
        self.assertTrue(self.env["ecom.customer.suggestion"].search([]))

    def test_kept_models_score_as_the_night_that_learned_them(self):
        """The same day again with the kept models: the scores of the night that learned them."""
        self.night(0, learn=True)
        before = {s.partner_id.id: s.probability for s in self.Score.search([])}
        self.assertFalse(self.night(0)[1])
        self.assertEqual({s.partner_id.id: s.probability for s in self.Score.search([])}, before)

    def test_what_learns_at_once(self):
        self.night(0, learn=True)
        self.assertTrue(self.night(1, learn=True)[1], "asked for")
        self.assertTrue(self.night(1, learn=True, mode=None)[1], "asked for when the day's full run is done")
        self.assertFalse(self.night(2)[1])
        self.env.company.ecom_scoring_horizon = 60
        self.assertTrue(self.night(3)[1], "a setting the models are learned with changed")
        self.env.company.ecom_scoring_daily_cap = 5
        self.assertFalse(self.night(4)[1], "the daily list's settings apply to the scores, not the models")
        self.env.ref("base.module_ecom_crm_scoring").sudo().latest_version = "18.0.99.0.0"
        self.assertTrue(self.night(5)[1], "the addon was updated")
        for i in range(3):
            self._customer_with_orders(f"Новый покупатель {i}", [1])
        run, learned = self.night(6, together=False)
        self.assertTrue(learned, "the store has a fifth more customers than the model learned from")
        self.assertFalse(self.offers_learned, "the offers' model, learned the night before, is kept")
        self.assertEqual(run.model_info["next_learned_on"], str(self.today + timedelta(days=6)),
                         "used from the next night")
        self.env.company.ecom_scoring_relearn_days = 1
        self.assertTrue(self.night(7)[1], "every night")
        with self.assertRaises(ValidationError):
            self.env.company.ecom_scoring_relearn_days = 0

    def test_a_night_after_one_without_an_order_model_learns(self):
        with patch.object(engine, "learn_order_model", return_value=None):
            run = self.Run._score_customers(mode="full", today=self.today, learn=True)
        self.assertEqual(run.state, "done", run.error)
        self.assertFalse(run.learned_on, "no model, no day to show")
        self.assertTrue(self.night(1)[1], "no model to keep (the store was too small to learn from)")
        self.assertFalse(self.night(2)[1])

    def test_a_night_after_a_failed_one_learns(self):
        self.night(0, learn=True)
        with patch.object(engine, "score", side_effect=ValueError("broken")):
            failed = self.Run._score_customers(mode="full", today=self.today + timedelta(days=1))
        self.assertEqual(failed.state, "failed")
        self.assertTrue(self.night(2)[1], "the kept models might be what failed")

    def test_a_run_resumed_with_an_older_versions_models_is_followed_by_learning(self):
        """A run killed before the update, resumed after it, finishes with its models; the next
        night learns (the older state has no key)."""
        self.night(0, learn=True)
        killed = self.Run.create({"company_id": self.env.company.id, "day": self.today + timedelta(days=1),
                                  "mode": "full"})
        killed._save_state(engine.State(today=(self.today + timedelta(days=2)).toordinal(), order_model=self.model,
                                        bgnbd_params=None, rfm_bounds=None, growth_threshold=None))
        run, learned = self.night(1, together=False)
        self.assertEqual(run, killed)
        self.assertFalse(learned, "the order model it had")
        self.assertTrue(self.offers_learned, "the offers' model learned: it had none")
        self.assertTrue(self.night(2)[1])


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestLightImports(ScoringCase):
    """The models name the engine's codes and defaults without importing its maths (an Odoo worker
    that never scores does not load scikit-learn): they must stay the engine's."""

    def test_codes_and_defaults_are_the_engines(self):
        from ..scoring import segments

        self.assertEqual((ecom_scoring_run.NOW, ecom_scoring_run.LATER, ecom_scoring_run.DND),
                         (schedule.NOW, schedule.LATER, schedule.DND))
        self.assertEqual((ecom_scoring_run.GROWTH, ecom_scoring_run.RISK, ecom_scoring_run.WATCH),
                         (segments.GROWTH, segments.RISK, segments.WATCH))
        self.assertEqual((ecom_customer_suggestion.MIN_PROBABILITY, ecom_customer_suggestion.MAX_PROBABILITY),
                         (crosssell.MIN_PROBABILITY, crosssell.MAX_PROBABILITY))
        company = self.env["res.company"].create({"name": "Новый магазин"})
        rules = company._ecom_scoring_settings().rules
        self.assertEqual(rules, segments.GroupRules(), "a new company starts from the engine's rules")
