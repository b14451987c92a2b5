"""The nightly job end to end on a small synthetic store (what the ORM side will store)."""

import dataclasses
import os
import subprocess
import sys
import threading
from concurrent.futures import Future
from contextlib import contextmanager
from unittest.mock import patch

import numpy as np

from odoo.tests import BaseCase, tagged

from ..scoring import criteria, crosssell, engine, model, schedule, segments, synthetic
from ..scoring.history import NEVER, Table, from_lists


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestEngine(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h = synthetic.generate(3000, seed=21, n_managers=3)
        cls.settings = engine.Settings(snapshots=2, contact=schedule.ScheduleSettings(daily_cap=10))
        cls.r = engine.run(cls.h, 1095, cls.settings)

    def test_scores(self):
        r = self.r
        has = r.criteria.has_orders
        self.assertTrue(np.isnan(r.probability[~has]).all())
        self.assertTrue(((r.probability[has] >= 0) & (r.probability[has] <= 1)).all())
        self.assertTrue(((r.score[has] >= 0) & (r.score[has] <= 100)).all())
        self.assertTrue((r.score[~has] == -1).all())
        self.assertTrue((r.segment[has] >= 0).all())
        self.assertEqual(set(np.unique(r.group)) - {-1, 0, 1, 2}, set())
        for g in (segments.GROWTH, segments.RISK, segments.WATCH):
            self.assertGreater((r.group == g).sum(), 0, segments.GROUPS[g])

    def test_the_value_at_stake_stays_until_the_customer_orders_again(self):
        """A year of spending at the pace from the first order to the last: a month later, with the
        same model, it has not moved for who did not order meanwhile (over the tenure up to the
        day, it fell a little every night), and it grew for nobody without an order."""
        later = engine.score(self.h, 1125, criteria.compute(self.h, 1125, horizon=self.settings.horizon),
                             self.r.order_model, self.settings)
        quiet = self.r.criteria.has_orders & ~self.h.ordered_between(1095, 1125)
        self.assertGreater(quiet.sum(), 100)
        old_enough = quiet & (1095 - self.r.criteria.extra["first_order"] > 400)
        self.assertGreater(old_enough.sum(), 50, "customers whose tenure is over a year")
        np.testing.assert_allclose(later.stake[quiet], self.r.stake[quiet])
        c = self.r.criteria
        span = np.maximum(c.extra["last_order"] - c.extra["first_order"], 365)[old_enough]
        np.testing.assert_allclose(self.r.stake[old_enough], c.column("monetary")[old_enough] / span * 365, rtol=1e-6)

    def test_daily_cap_and_reasons(self):
        r = self.r
        now = r.schedule.decision == schedule.NOW
        per_manager = np.bincount(self.h.manager[now])
        self.assertLessEqual(per_manager.max(), 10)
        self.assertEqual(len(per_manager), 3)
        self.assertTrue((r.group[now] >= 0).all())
        dnd = r.schedule.decision == schedule.DND
        self.assertGreater(dnd.sum(), 0)
        self.assertFalse((now & r.criteria.extra["opted_out"]).any())
        for customer in np.flatnonzero(now):
            sentences = [template % params for template, params in r.reasons(customer)]
            self.assertTrue(sentences, customer)
            self.assertTrue(all(s and "%(" not in s for s in sentences), sentences)
        # the risk group's reasons say why they slip away (contributions lowering the chance)
        risk = np.flatnonzero(np.isin(r.reason_rows, np.flatnonzero(now & (r.group == segments.RISK))))
        self.assertTrue(risk.size == 0 or (np.nan_to_num(r.reason_values[risk], nan=-1) <= 0).all())

    def test_the_plan_counts_its_days_from_the_day_of_its_list(self):
        """The nightly job scores with the day's data (as of the day after) the day's list
        (``list_day``): a waiting customer's first day is the day after the list's, and the quiet
        days after an order end on the day they say, as a plan made as of the list's day has them;
        the day after the data, one day later each (a customer called the day before their quiet
        days end)."""
        c = criteria.compute(self.h, 1096, horizon=self.settings.horizon, bgnbd_params=self.r.criteria.bgnbd_params)
        ours = engine.score(self.h, 1096, c, self.r.order_model, self.settings, list_day=1095).schedule
        then = engine.score(self.h, 1096, c, self.r.order_model, self.settings).schedule
        over = ours.reason == schedule.REASON_CODES.index("over_cap")
        self.assertEqual(int(ours.date[over].min()), 1096, "the day after the list's")
        self.assertEqual(int(then.date[then.reason == schedule.REASON_CODES.index("over_cap")].min()), 1097)
        np.testing.assert_array_equal(ours.date[ours.decision == schedule.NOW], 1095)
        last_order = c.extra["last_order"]
        quiet = (last_order == 1089) & (ours.decision != schedule.NONE)
        self.assertGreater(quiet.sum(), 0, "customers who ordered six days before the list's day")
        recent = schedule.REASON_CODES.index("ordered_recently")
        self.assertTrue((ours.reason[quiet] == recent).all(), "quiet until the day after the list's")
        np.testing.assert_array_equal(ours.date[quiet], 1096)
        self.assertFalse((then.reason[quiet] == recent).any(), "a day later: on a list the day before")

    def test_a_handed_customer_fills_the_list_of_who_took_it(self):
        """A customer whose scheduled contact a team leader handed from their salesperson (0) to
        another (1) is ranked in the taker's list, against the taker's cap: the salesperson's list
        takes the next customer of theirs, the taker's holds the best of theirs and the handed one
        up to the cap; the third salesperson's list does not move."""
        r, n = self.r, self.h.n_customers
        before = r.schedule
        candidates = (before.decision == schedule.NOW) | np.isin(
            before.reason, [schedule.REASON_CODES.index("over_cap"), schedule.REASON_CODES.index("beyond_plan")])
        own = np.flatnonzero((before.decision == schedule.NOW) & (self.h.manager == 0))
        self.assertEqual(len(own), 10, "salesperson 0's list is full")
        handed = own[np.argmax(before.priority[own])]  # the best of their list
        handed_to = np.full(n, -1, dtype=np.int32)
        handed_to[handed] = 1
        history = dataclasses.replace(self.h, handed_to=handed_to)
        self.assertEqual(history.list_of()[handed], 1)
        self.assertEqual(history.list_of()[handed + 1], self.h.manager[handed + 1])
        after = engine.score(history, 1095, r.criteria, r.order_model, self.settings).schedule
        now = after.decision == schedule.NOW
        lists = history.list_of()
        np.testing.assert_array_equal(np.bincount(lists[now]), [10, 10, 10], "every list at its cap")
        for user in (0, 1):
            ranked = np.flatnonzero(candidates & (lists == user))
            best = ranked[np.argsort(-before.priority[ranked], kind="stable")][:10]
            self.assertEqual(set(np.flatnonzero(now & (lists == user))), set(best), f"list {user}: its best ten")
        self.assertIn(handed, np.flatnonzero(now & (lists == 1)), "the best of 0's is among 1's best ten")
        newcomer = np.setdiff1d(np.flatnonzero(now & (self.h.manager == 0)), own)
        self.assertEqual(len(newcomer), 1, "salesperson 0 calls another customer of theirs")
        self.assertEqual(before.reason_code(newcomer[0]), "over_cap", "the first waiting one")
        dropped = np.setdiff1d(np.flatnonzero(before.decision == schedule.NOW), np.flatnonzero(now))
        self.assertEqual(self.h.manager[dropped].tolist(), [1], "the taker's last one waits for tomorrow")
        self.assertEqual(after.reason_code(dropped[0]), "over_cap")
        self.assertEqual(after.date[dropped[0]], 1096)
        third = self.h.manager == 2
        np.testing.assert_array_equal(after.decision[third], before.decision[third])

    def test_an_order_refused_at_delivery_is_no_purchase(self):
        """An order the customer refused at delivery is no purchase from the day it was refused (the
        store's reports count none): not in their orders, spending or last order, among their
        cancelled ones; as of a day before the refusal it still was one."""
        orders = [(0, 900, 100.0), (0, 1000, 100.0), (0, 1080, 300.0, True, 0.0, 0.0, 1085),
                  (1, 900, 100.0), (1, 1000, 100.0), (1, 1080, 300.0)]
        h = from_lists(2, orders)
        c = criteria.compute(h, 1095, fit_bgnbd=False)
        self.assertEqual(c.column("frequency").tolist(), [2, 3])
        self.assertEqual(c.column("monetary").tolist(), [200, 500])
        self.assertEqual(c.column("recency").tolist(), [95, 15])
        self.assertAlmostEqual(float(c.column("cancel_share")[0]), 1 / 3, places=6)
        self.assertEqual(c.extra["last_order"].tolist(), [1000, 1080])
        before = criteria.compute(h, 1083, fit_bgnbd=False)
        self.assertEqual(before.column("frequency").tolist(), [3, 3], "not refused yet on day 1083")
        self.assertEqual(before.column("monetary").tolist(), [500, 500])
        self.assertEqual(h.ordered_between(1050, 1095).tolist(), [False, True], "no order in the window")
        self.assertEqual(h.known(1083).ordered_between(1050, 1083).tolist(), [True, True])

    def test_a_past_day_does_not_know_the_refusals_made_after_it(self):
        """A run as of a past day on the whole history is the run on the history as of that day,
        refusals at delivery made after it included: the labels it learns from (an order in the
        training window refused after the day still counts), the criteria and the offers'
        purchases know them as that day did."""
        h = synthetic.generate(1500, seed=5, n_managers=2)
        day = 1000
        cols = h.orders.columns
        rng = np.random.default_rng(1)
        refused = cols["confirmed"] & (cols["day"] >= day - 150) & (rng.random(len(h.orders)) < 0.3)
        cols["refused"] = np.where(refused, np.where(rng.random(len(h.orders)) < 0.5, day + 3, cols["day"] + 2),
                                   NEVER).astype(np.int32)
        cols["confirmed"] = cols["confirmed"] & ~refused
        full = dataclasses.replace(h, orders=Table("orders", cols))
        self.assertGreater(int(((cols["refused"] >= day) & refused & (cols["day"] < day)).sum()), 50,
                           "orders placed before the day and refused after it")
        settings = engine.Settings(snapshots=2, contact=schedule.ScheduleSettings(daily_cap=10))
        r_full = engine.run(full, day, settings)
        r_then = engine.run(full.as_of(day), day, settings)
        np.testing.assert_array_equal(r_full.probability, r_then.probability)
        np.testing.assert_array_equal(r_full.schedule.decision, r_then.schedule.decision)
        self.assertEqual(r_full.order_model.n_train, r_then.order_model.n_train)
        np.testing.assert_array_equal(r_full.suggestions.item, r_then.suggestions.item)
        np.testing.assert_array_equal(r_full.suggestions.probability, r_then.suggestions.probability)
        # the refusals made before the day are known: the same orders are no purchases
        r_known = engine.run(full.as_of(day + 30), day, settings)
        np.testing.assert_array_equal(r_known.probability, r_full.probability)
        without = engine.run(dataclasses.replace(h, orders=Table("orders", {**cols, "refused": np.full(
            len(cols["day"]), NEVER, np.int32), "confirmed": h.orders.confirmed})), day, settings)
        self.assertFalse(np.array_equal(np.nan_to_num(without.probability), np.nan_to_num(r_full.probability)),
                         "the refusals known by then change the scores")
        bought = crosssell.purchases(full, day + 30)
        bought_then = crosssell.purchases(full.known(day), day)
        self.assertLess(len(bought[0][bought[2] < day]), len(bought_then[0]),
                        "what was refused since is no purchase of the offers")

    def test_a_risk_customer_whose_criteria_all_raise_the_chance_gets_the_facts_of_the_group(self):
        """On the demo store the model learned was one of rhythm and frequency: for 103 of the 140
        customers to call, all in the risk group, every criterion raised the chance, and their card
        said nothing under «Why». Slots the model leaves empty take the facts behind the group:
        late against their usual gap (or long silent), BG/NBD doubting they are still a customer
        (below the group's 50%), what they spent."""
        r, om = self.r, self.r.order_model
        rows = np.flatnonzero(r.criteria.has_orders & (r.group == segments.RISK))[:40]
        late = np.isfinite(r.criteria.column("overdue")[rows])
        doubted = r.criteria.column("p_alive")[rows] < 0.5
        self.assertGreater(late.sum(), 10)
        self.assertTrue(doubted.any() and not doubted.all(), "some doubted by BG/NBD, some not")

        def reasons(contributions, group=r.group[rows]):
            with patch.object(model, "contributions", return_value=contributions):
                return engine._reasons(om, r.criteria, rows, group, 3)

        column = {name: i for i, name in enumerate(om.features)}
        raising = np.full((len(rows), len(om.features)), 0.2)
        names, values = reasons(raising)
        self.assertTrue((names != "").all(), "three reasons each")
        self.assertTrue(np.isnan(values).all(), "facts: no contribution to the chance")
        for named, is_late, is_doubted in zip(names, late, doubted, strict=True):
            self.assertLessEqual(set(named), set(engine.RISK_FACTS))
            self.assertEqual(named[0], "overdue" if is_late else "recency")
            self.assertEqual("p_alive" in named, bool(is_doubted), "only a doubt is a reason to slip")
        # a criterion lowering the chance comes first, the facts after it
        lowering = raising.copy()
        lowering[:, column["frequency"]] = -0.5
        names, values = reasons(lowering)
        self.assertTrue((names[:, 0] == "frequency").all())
        np.testing.assert_array_equal(values[:, 0], -0.5)
        self.assertTrue((names[:, 1] == np.where(late, "overdue", "recency")).all())
        self.assertNotIn("frequency", names[:, 1:])
        # the days since the last order said once, whoever said them first
        silent = raising.copy()
        silent[:, column["recency"]] = -0.5
        names, _values = reasons(silent)
        self.assertTrue((names[:, 0] == "recency").all())
        self.assertFalse(np.isin(names[:, 1:], ("overdue", "recency")).any(), names[:5])
        # the others: what raises the chance first, then the facts of the chance without a model
        one_up = np.full((len(rows), len(om.features)), -0.2)
        one_up[:, column["frequency"]] = 0.6
        names, values = reasons(one_up, np.full(len(rows), segments.GROWTH))
        self.assertTrue((names[:, 0] == "frequency").all())
        self.assertTrue(np.isnan(values[:, 1:]).all())
        self.assertLessEqual(set(names[:, 1:].ravel()) - {""}, set(engine.FACTS))

    def test_suggestions_for_customers_to_call_now(self):
        s = self.r.suggestions
        self.assertGreater(len(s.item), 0)
        now = np.flatnonzero(self.r.schedule.decision == schedule.NOW)
        self.assertTrue(np.isin(s.customer, now).all())
        self.assertTrue(((s.probability >= 0.10) & (s.probability <= 0.90)).all())
        self.assertLessEqual(np.bincount(s.customer).max(), 3)
        for i in range(len(s.item)):
            template, params = s.describe(i)
            self.assertIn(template, crosssell.TEMPLATES.values())
            self.assertNotIn("%(", template % params)

    def test_the_nightly_jobs_steps_give_what_one_run_gives(self):
        """prepare (the order model, the cross-sell model and the criteria, each step's memory
        given back before the next), score, suggest: the same numbers as engine.run."""
        om, c, xs, upcoming = engine.prepare(self.h, 1095, self.settings)
        self.assertIsNone(upcoming, "none asked for")
        r = engine.suggest(engine.score(self.h, 1095, c, om, self.settings), self.h, xs)
        np.testing.assert_array_equal(r.probability, self.r.probability)
        np.testing.assert_array_equal(r.schedule.decision, self.r.schedule.decision)
        np.testing.assert_array_equal(r.reason_names, self.r.reason_names)
        for name in ("customer", "item", "kind", "probability"):
            np.testing.assert_array_equal(getattr(r.suggestions, name), getattr(self.r.suggestions, name), name)
        # given the model (a run resumed after a kill), nothing is learned
        again = engine.prepare(self.h, 1095, self.settings, order_model=om)
        self.assertIs(again[0], om)

    @contextmanager
    def fitted_after_todays_criteria(self, module):
        """``module.fit`` waiting (30 s at most) until this thread began today's criteria (day 1095),
        computed once, here: yields the list of its calls' (thread name, whether they had begun)."""
        began, fit, compute = threading.Event(), module.fit, criteria.compute
        fits, job = [], threading.current_thread()

        def compute_today(history, day, **kwargs):
            if day == 1095:
                self.assertIs(threading.current_thread(), job, "today's criteria in the job's thread")
                self.assertFalse(began.is_set(), "today's criteria computed once")
                began.set()
            return compute(history, day, **kwargs)

        def fit_after_them(*args, **kwargs):
            fits.append((threading.current_thread().name, began.wait(30)))
            return fit(*args, **kwargs)

        with patch.object(criteria, "compute", side_effect=compute_today), \
                patch.object(module, "fit", side_effect=fit_after_them):
            yield fits

    def test_the_order_model_is_learned_beside_todays_criteria(self):
        """Today's criteria need only the BG/NBD parameters the model learns with: they are computed
        in the job's thread while the model's cross-validation runs in another. Proven by a fit
        that waits until today's criteria have begun: one after the other, it would wait in vain."""
        with self.fitted_after_todays_criteria(model) as fits:
            om, c, _xs, _next = engine.prepare(self.h, 1095, dataclasses.replace(self.settings, crosssell=False))
        self.assertEqual(len(fits), 1)
        self.assertTrue(fits[0][0].startswith("ecom_scoring_learn"), fits[0][0])
        self.assertTrue(fits[0][1], "the model was fitted only after today's criteria")
        np.testing.assert_array_equal(om.predict(c), self.r.order_model.predict(self.r.criteria))
        np.testing.assert_array_equal(c.values, self.r.criteria.values)

    def test_a_model_for_the_next_nights_is_learned_beside_the_one_in_use(self):
        """A night whose model falls due scores with the model in use and learns the next one
        beside today's criteria (its fit waits until they began: one after the other, it would
        wait in vain): the same model as learned alone, the same criteria as without."""
        kept = engine.learn_order_model(self.h, 1095 - 30, self.settings)
        settings = dataclasses.replace(self.settings, crosssell=False)
        with self.fitted_after_todays_criteria(model) as fits:
            om, c, xs, upcoming = engine.prepare(self.h, 1095, settings, order_model=kept, learn_next=True)
        self.assertEqual(len(fits), 1)
        self.assertTrue(fits[0][0].startswith("ecom_scoring_learn"), fits[0][0])
        self.assertTrue(fits[0][1], "the next model was fitted only after today's criteria")
        self.assertIs(om, kept)
        self.assertIsNone(xs)
        np.testing.assert_array_equal(c.values, engine.todays_criteria(self.h, 1095, kept, settings).values)
        np.testing.assert_array_equal(upcoming.predict(c), self.r.order_model.predict(c))
        self.assertEqual(upcoming.bgnbd_params, self.r.order_model.bgnbd_params)
        self.assertIsNone(engine.prepare(self.h, 1095, settings, order_model=kept).next_order_model)

    def test_todays_criteria_take_the_second_core_only_when_nothing_is_learned(self):
        """Today's criteria compute their lines' part in a thread of its own (``beside``) only
        when no model is learned beside them: a model being learned keeps the cores busy."""
        kept, compute, calls = self.r.order_model, criteria.compute, []

        def recording(history, day, **kwargs):
            if day == 1095:  # today's, not the learning's
                calls.append(kwargs.get("beside", False))
            return compute(history, day, **kwargs)

        without_offers = dataclasses.replace(self.settings, crosssell=False)
        with patch.object(criteria, "compute", side_effect=recording):
            engine.prepare(self.h, 1095, without_offers, order_model=kept)
            engine.prepare(self.h, 1095, without_offers, order_model=kept, learn_next=True)
            engine.prepare(self.h, 1095, self.settings, order_model=kept)
            engine.prepare(self.h, 1095, without_offers)
        self.assertEqual(calls, [True, False, False, False],
                         "models kept; the next order model, the offers', the order model learned")

    def test_the_offers_model_is_learned_beside_todays_criteria(self):
        """A night that learns the cross-sell model with the order model kept learns it in a thread
        while today's criteria are computed (its fit waits until they began: one after the other,
        it would wait in vain), the same model as learned alone; the next order model after it."""
        kept = self.r.order_model
        with self.fitted_after_todays_criteria(crosssell) as fits:
            om, c, xs, upcoming = engine.prepare(self.h, 1095, self.settings, order_model=kept, learn_next=True)
        self.assertEqual(len(fits), 1)
        self.assertTrue(fits[0][0].startswith("ecom_scoring_learn"), fits[0][0])
        self.assertTrue(fits[0][1], "the offers' model was fitted only after today's criteria")
        self.assertIs(om, kept)
        np.testing.assert_array_equal(c.values, self.r.criteria.values)
        alone = engine.learn_crosssell_model(self.h, 1095, self.settings)
        self.assertEqual(xs.cv, alone.cv)
        self.assertEqual(xs.windows, alone.windows)
        np.testing.assert_array_equal(upcoming.predict(c), kept.predict(c))

    def test_a_store_too_young_to_learn_from_gets_criteria_with_its_own_bgnbd(self):
        """The model could not be learned: the criteria computed beside it with the snapshot's BG/NBD
        are computed again with BG/NBD fitted on today's history, as without a model."""
        h = synthetic.generate(60, seed=5, orders_only=True)
        settings = engine.Settings(snapshots=1, crosssell=False)
        told = Future()
        self.assertIsNone(engine.learn_order_model(h, 1095, settings, bgnbd=told))
        self.assertIsNot(told.result(), engine.LEARN, "BG/NBD was fitted on the snapshot")
        om, c, _xs, _next = engine.prepare(h, 1095, settings)
        self.assertIsNone(om)
        again = engine.todays_criteria(h, 1095, None, settings)
        self.assertEqual(c.bgnbd_params, again.bgnbd_params)
        np.testing.assert_array_equal(c.values, again.values)

    def test_a_learning_that_fails_reaches_the_job_before_todays_criteria(self):
        """An error in the learning thread before it hands the BG/NBD parameters over is handed over
        instead: the job gets it at once, without computing today's criteria for nothing."""
        compute, computed = criteria.compute, []

        def counted(history, day, **kwargs):
            computed.append(day)
            return compute(history, day, **kwargs)

        with patch.object(engine, "_learn_order_model", side_effect=RuntimeError("boom")), \
                patch.object(criteria, "compute", side_effect=counted):
            told = Future()
            with self.assertRaisesRegex(RuntimeError, "boom"):
                engine.learn_order_model(self.h, 1095, self.settings, bgnbd=told)
            with self.assertRaisesRegex(RuntimeError, "boom"):
                told.result(0)
            with self.assertRaisesRegex(RuntimeError, "boom"):
                engine.prepare(self.h, 1095, dataclasses.replace(self.settings, crosssell=False))
        self.assertEqual(computed, [], "no criteria computed")

    def test_a_learner_that_never_tells_its_bgnbd_is_not_waited_for(self):
        """A learner done without telling the parameters (another implementation): today's
        criteria go on once it is done, with the parameters of the model it gave."""
        learned = self.r.order_model
        with patch.object(engine, "learn_order_model", side_effect=lambda *args: learned):
            om, c, _xs, _next = engine.prepare(self.h, 1095, dataclasses.replace(self.settings, crosssell=False))
        self.assertIs(om, learned)
        np.testing.assert_array_equal(c.values, self.r.criteria.values)

    def test_todays_criteria_use_the_bgnbd_the_model_learned_with(self):
        """BG/NBD is fitted once, on the latest training snapshot: today's «probably still active»
        and «expected orders» mean what they meant when the model learned from them."""
        params = self.r.order_model.bgnbd_params
        self.assertIsNotNone(params)
        self.assertEqual(self.r.criteria.bgnbd_params, params)
        self.assertEqual(self.r.state().bgnbd_params, params, "the incremental runs score with them too")
        # recomputed with those parameters, without a fit of its own: the same criteria
        again = criteria.compute(self.h, 1095, bgnbd_params=params, fit_bgnbd=False, horizon=self.settings.horizon)
        np.testing.assert_array_equal(again.column("p_alive"), self.r.criteria.column("p_alive"))

    def test_too_little_history_to_learn_from_scores_by_bgnbd_with_the_facts_as_reasons(self):
        """A young store (60 customers): a model learned from a few dozen examples ranked at random
        or backwards; the chance is BG/NBD's and the reasons are the facts it rests on."""
        h = synthetic.generate(60, seed=5, orders_only=True)
        r = engine.run(h, 1095, engine.Settings(snapshots=1, contact=schedule.ScheduleSettings(daily_cap=50)))
        self.assertIsNone(r.order_model)
        has = r.criteria.has_orders
        np.testing.assert_allclose(r.probability[has], engine._without_model(r.criteria, np.flatnonzero(has), 90))
        self.assertTrue(len(r.reason_rows))
        for row, names in zip(r.reason_rows, r.reason_names, strict=True):
            named = [name for name in names if name]
            self.assertTrue(named)
            self.assertLessEqual(set(named), set(engine.FACTS))
            self.assertFalse({"overdue", "recency"} <= set(named), "the days since the last order said once")
            for name in named:
                template, params = criteria.describe(r.criteria, row, name)
                self.assertNotIn("nan", template % params)

    def test_an_order_sent_back_is_not_the_value_of_a_call(self):
        """UCI's Online Retail has a customer whose one order, 74,215 paperweights for 77,184, was
        cancelled the same day: valued by what they ordered, they led the morning's list. A call is
        worth what the customer keeps (their orders less what they gave back, an order at a time)."""
        rng = np.random.default_rng(3)
        orders = [(c, int(d), 100.0) for c in range(80) for d in sorted(rng.choice(1090, 4, replace=False))]
        orders += [(80, 1080, 77_184.0, True, 77_184.0),  # sent back whole
                   (81, 1000, 100.0), (81, 1060, 100.0, True, 50.0)]  # half of one order back
        r = engine.run(from_lists(82, orders), 1095,
                       engine.Settings(snapshots=1, contact=schedule.ScheduleSettings(daily_cap=50)))
        self.assertEqual(r.expected_value[80], 0)
        self.assertAlmostEqual(r.expected_value[81], 75)
        self.assertAlmostEqual(r.expected_value[0], 100)
        prio = schedule.priority(r.probability, r.group, r.expected_value, r.stake)
        self.assertEqual(prio[80], 0)
        self.assertLess(prio[80], np.median(prio[:80]))

    def test_orders_imported_with_one_date_are_not_extrapolated(self):
        """Every order before day 700 dated 700 (a 1C transfer dated the day it ran): the training
        days, 90-150 days before day 800, knew customers silent for ten days at most, today's are
        silent up to 100; the model would extrapolate for nearly all, BG/NBD scores them. The same
        store with its true dates keeps its learned model."""
        rng = np.random.default_rng(8)
        orders = []
        for customer in range(5000):
            day, rate, end = float(rng.uniform(0, 1000)), rng.gamma(0.7, 1 / 45), rng.uniform(100, 1200)
            while day < min(end, 1000):
                orders.append((customer, int(day), float(rng.lognormal(4, 0.5))))
                day += rng.exponential(1 / rate) + 1
        true = engine.run(from_lists(5000, orders), 800, engine.Settings(seasonal=False), suggest=False)
        self.assertIsNotNone(true.order_model)
        imported = from_lists(5000, [(c, max(day, 700), amount) for c, day, amount in orders])
        with self.assertLogs("odoo.addons.ecom_crm_scoring.scoring.engine", "WARNING"):
            r = engine.run(imported, 800, engine.Settings(seasonal=False), suggest=False)
        self.assertIsNone(r.order_model, "the state of the incremental runs says so too")
        rows = np.flatnonzero(r.criteria.has_orders)
        np.testing.assert_allclose(r.probability[rows], engine._without_model(r.criteria, rows, 90))

    def test_an_incremental_run_keeps_the_full_runs_decision_to_use_the_model(self):
        """A young store (160 days): a few of today's customers are silent for over twice as long as
        any the model learned from, too few for the full run to drop it. An incremental run of one
        of them and two recent buyers scores them with the model, as the full run did."""
        rng = np.random.default_rng(1)
        orders = []
        for customer in range(6000):
            day, rate, end = float(rng.uniform(0, 160)), rng.gamma(0.7, 1 / 30), rng.uniform(0, 400)
            while day < min(end, 160):
                orders.append((customer, int(day), 50.0))
                day += rng.exponential(1 / rate) + 1
        store, settings = from_lists(6000, orders), engine.Settings(seasonal=False)
        full = engine.run(store, 161, settings, suggest=False)
        om = full.order_model
        self.assertIsNotNone(om)
        recency = np.nan_to_num(full.criteria.column("recency"), nan=-1)
        far, recent = np.flatnonzero(recency > 2 * om.recency_max), np.flatnonzero((recency >= 0) & (recency < 10))
        some = np.sort(np.r_[far[:1], recent[:2]])
        self.assertEqual(len(some), 3)
        again = engine.rescore(store.compact(some), 161, full.state(), settings)
        self.assertIs(again.order_model, om)
        np.testing.assert_allclose(again.probability, full.probability[some])

    def test_explain_gives_every_scored_customer_reasons(self):
        """The card asks why a customer no list took has their score: the same scores as the night's,
        reasons for each, and for a customer of no group with a low chance what lowers it."""
        r = self.r
        listed = np.isin(r.schedule.decision, (schedule.NOW, schedule.LATER))
        off_lists = np.flatnonzero(r.criteria.has_orders & ~listed)
        self.assertGreater(len(off_lists), 500)
        some = np.sort(off_lists[:: max(1, len(off_lists) // 300)])
        explained = engine.explain(self.h.compact(some), 1095, r.state(), self.settings)
        np.testing.assert_allclose(explained.probability, r.probability[some], rtol=1e-6)
        np.testing.assert_array_equal(explained.reason_rows, np.arange(len(some)))
        named = (explained.reason_names != "").sum(axis=1)
        self.assertTrue((named >= 1).all(), "every scored customer gets at least one reason")
        # below a typical customer's chance (the criteria's contributions add up to less than none)
        total = np.nansum(model.contributions(r.order_model, explained.criteria, explained.reason_rows), axis=1)
        no_group = explained.group[explained.reason_rows] == segments.NO_GROUP
        for low, sign in ((no_group & (total < 0), -1), (no_group & (total > 0), 1)):
            self.assertGreater(low.sum(), 10)
            values = explained.reason_values[low]
            said = np.isfinite(values)
            self.assertGreater(said.sum(), 10)
            self.assertTrue((values[said] * sign > 0).all(), "a chance is told by what moved it the way it went")
        self.assertLess(explained.probability[explained.reason_rows][no_group & (total < 0)].mean(),
                        explained.probability[explained.reason_rows][no_group & (total > 0)].mean())
        texts = explained.reasons(int(explained.reason_rows[np.flatnonzero(no_group & (total < 0))[0]]))
        self.assertTrue(texts and all(template for template, _params in texts))
        # one sentence of the days since the last order per customer, «overdue» or «recency»
        for names in (explained.reason_names, r.reason_names):
            self.assertFalse((np.isin(names, engine.SAME_DAYS).sum(axis=1) > 1).any())
        self.assertTrue(np.isin(explained.reason_names, engine.SAME_DAYS).any())
        # the night's own reasons are the lists' only: explain adds the others'
        self.assertFalse(np.isin(some, r.reason_rows).any())

    def test_offers_that_cannot_be_learned_leave_the_scores(self):
        """The cross-sell model failing on a store's purchases costs the offers, not the night."""
        with patch.object(crosssell, "fit", side_effect=ValueError("no usable purchases")), \
                self.assertLogs("odoo.addons.ecom_crm_scoring.scoring.engine", "ERROR"):
            r = engine.add_suggestions(engine.run(self.h, 1095, self.settings, suggest=False), self.h, self.settings)
        self.assertIsNone(r.suggestions)
        np.testing.assert_array_equal(r.probability, self.r.probability)

    def test_orders_only_store(self):
        h = synthetic.generate(2000, seed=22, orders_only=True)
        r = engine.run(h, 1095, engine.Settings(snapshots=1))
        self.assertIsNotNone(r.order_model)
        for name in ("mail_engagement", "category_breadth", "days_since_contact"):
            self.assertNotIn(name, r.order_model.features)
        self.assertTrue(np.isfinite(r.probability[r.criteria.has_orders]).all())
        self.assertEqual(set(r.order_model.features) - set(criteria.NAMES), set())

    def test_a_tiny_store_still_gets_an_answer(self):
        h = synthetic.generate(60, seed=23, orders_only=True)
        r = engine.run(h, 1095, engine.Settings(snapshots=1))
        has = r.criteria.has_orders
        self.assertTrue(np.isfinite(r.probability[has]).all())

    def test_a_small_store_may_trust_bgnbds_rhythm(self):
        """In a store of a few hundred customers the full models' criteria overfit: the rhythm
        candidate (BG/NBD's probability, recency, frequency) is judged with them, picked when its
        out-of-fold log loss is the lowest, and never blended."""
        from ..scoring import model

        h = synthetic.generate(400, seed=1, orders_only=True)
        om = engine.learn_order_model(h, 1005, engine.Settings(seasonal=False))
        self.assertEqual(set(om.cv), {"logistic", "boosting", "blend", "rhythm"})
        self.assertEqual(om.kind, min(om.cv, key=lambda kind: om.cv[kind]["log_loss"]))
        self.assertEqual(om.kind, "rhythm", "on this store BG/NBD's rhythm predicts best out of fold")
        c = criteria.compute(h, 1005)
        p = om.predict(c, np.flatnonzero(c.has_orders))
        self.assertTrue(((p >= 0) & (p <= 1)).all())
        # the more orders BG/NBD expects, the higher the chance (same recency and frequency aside)
        rows = np.flatnonzero(c.has_orders)
        rhythm = c.column("rhythm_probability")[rows]
        self.assertGreater(np.corrcoef(rhythm, p)[0, 1], 0.8)
        # the same store a quarter earlier: the blend wins, of the full models alone
        earlier = engine.learn_order_model(h, 1005 - 90, engine.Settings(seasonal=False))
        self.assertIn("rhythm", earlier.cv)
        self.assertEqual(earlier.kind, "blend")
        self.assertEqual([type(e).__name__ for e in earlier.estimator.estimators],
                         ["Pipeline", "HistGradientBoostingClassifier"])
        # criteria without BG/NBD's probability: no rhythm candidate
        c = criteria.compute(h, 1005 - 90, fit_bgnbd=False)
        rows, y = model.training_rows(c, h, 90)
        om = model.fit(c, rows, y)
        self.assertNotIn("rhythm_probability", om.features)
        self.assertNotIn("rhythm", om.cv)


# run in a process of its own (the threshold is process-wide and its default moves as blocks are
# freed): an array of 700,000 floats allocated, freed, allocated and freed again; prints how much of
# the second one the process still holds after it was freed (MB)
HELD_AFTER_FREE = """
import os, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from scoring import memory
if sys.argv[2] == "bound":
    assert memory.bound_memory()
page = os.sysconf("SC_PAGE_SIZE")

def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page / 2**20

a = np.ones(700_000)
del a
before = resident()
b = np.ones(700_000)
del b
print(round(resident() - before, 1))
"""


# the same for an array of 2 MB, under the mmap threshold: prints the page faults its second
# allocation cost (a heap that gave its free top back to the system faults each page in again)
FAULTS_ON_REUSE = """
import ctypes, resource, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from scoring import memory
if sys.argv[2] == "bound":
    assert memory.bound_memory()
else:  # the mmap threshold alone fixed: the trim threshold stays at glibc's default
    assert ctypes.CDLL("libc.so.6").mallopt(memory.M_MMAP_THRESHOLD, memory.MMAP_THRESHOLD)
a = np.ones(250_000)
del a
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
b = np.ones(250_000)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestBoundMemory(BaseCase):
    def setUp(self):
        super().setUp()
        try:
            glibc = os.confstr("CS_GNU_LIBC_VERSION")
        except (ValueError, OSError):
            glibc = None
        if not glibc or not os.path.exists("/proc/self/statm"):
            self.skipTest("glibc on Linux only")

    def probe(self, script, mode):
        addon = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run([sys.executable, "-c", script, addon, mode], capture_output=True, text=True,
                             check=True, timeout=120)
        return float(out.stdout.strip().splitlines()[-1])

    def held_after_free(self, mode):
        return self.probe(HELD_AFTER_FREE, mode)

    def test_a_smaller_array_reuses_the_heap_without_faulting_its_pages_again(self):
        self.assertGreater(self.probe(FAULTS_ON_REUSE, "mmap threshold only"), 400,
                           "512 pages of 4 KB given back and faulted in again")
        self.assertLess(self.probe(FAULTS_ON_REUSE, "bound"), 100, "the heap kept its free top")

    def test_a_freed_array_goes_back_to_the_system_at_once(self):
        self.assertGreater(self.held_after_free("default"), 4.0,
                           "by default the second array comes from the heap and stays there")
        self.assertLess(self.held_after_free("bound"), 1.0, "its own mapping, given back when freed")


# prints the heavy libraries loaded by what the Odoo job uses before the engine: the settings, the
# memory thresholds and the history's helpers (the ORM side's imports)
LIGHT_IMPORTS = """
import sys
sys.path.insert(0, sys.argv[1])
from scoring import history, memory, settings, texts
settings.Settings()
print(sorted(name for name in ("scipy", "sklearn", "threadpoolctl") if name in sys.modules) or "none")
"""


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestLightImports(BaseCase):
    def test_what_the_job_reads_first_does_not_load_the_engines_libraries(self):
        """The job imports the engine (scipy and scikit-learn: about a second in a fresh worker) in
        a thread while the history is read; the company's settings, the memory thresholds and the
        read's helpers, used before, load none of them."""
        addon = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run([sys.executable, "-c", LIGHT_IMPORTS, addon], capture_output=True, text=True,
                             check=True, timeout=120)
        self.assertEqual(out.stdout.strip().splitlines()[-1], "none")


# prints the OpenMP wait policy in the environment when scikit-learn is first imported (and loads
# its OpenMP runtime, which reads it then) by the engine, the policy given beforehand in argv[2]
WAIT_POLICY = """
import builtins, os, sys
sys.path.insert(0, sys.argv[1])
os.environ.pop("OMP_WAIT_POLICY", None)
if sys.argv[2] != "none":
    os.environ["OMP_WAIT_POLICY"] = sys.argv[2]
seen, real_import = [], builtins.__import__

def recording_import(name, *args, **kwargs):
    if name.split(".")[0] == "sklearn" and not seen:
        seen.append(os.environ.get("OMP_WAIT_POLICY"))
    return real_import(name, *args, **kwargs)

builtins.__import__ = recording_import
from scoring import engine
print(seen[0] if seen else "sklearn not imported")
"""


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestOpenMPWaitPolicy(BaseCase):
    def policy(self, given):
        addon = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run([sys.executable, "-c", WAIT_POLICY, addon, given], capture_output=True, text=True,
                             check=True, timeout=120)
        return out.stdout.strip().splitlines()[-1]

    def test_scikit_learns_threads_wait_asleep_unless_the_server_says_otherwise(self):
        """The engine's OpenMP threads wait for each other asleep, not spinning on a core another
        process needs (scoring/openmp.py): the policy is in the environment before scikit-learn is
        imported; a server that set one keeps it."""
        self.assertEqual(self.policy("none"), "PASSIVE")
        self.assertEqual(self.policy("ACTIVE"), "ACTIVE")
