"""A store in its first weeks: nobody, or nearly nobody, has ordered twice yet. BG/NBD's likelihood
alone is highest for a purchase rate of zero there and told every customer ~0% for the next 90
days; its weak prior (``bgnbd.PRIOR``) gives chances a sales director can read, still ranked by
recency and value, and leaves the fits of histories that identify the parameters as they were."""

import dataclasses

import numpy as np

from odoo.tests import BaseCase, tagged

from ..scoring import bgnbd, engine, segments, synthetic
from ..scoring.history import from_transactions
from .common import ScoringCase

DAYS = 21  # three weeks of history


def young_store(customers=300, repeaters=0, days=DAYS, seed=0):
    """``customers`` first orders spread over ``days`` days, ``repeaters`` of them (the first ones)
    with a second order 1-9 days after their first; amounts of 500-5,000."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, days - 1, customers)
    amount = np.round(rng.uniform(500, 5000, customers), 2)
    second = np.minimum(first[:repeaters] + rng.integers(1, 10, repeaters), days - 1)
    who = np.r_[np.arange(customers), np.arange(repeaters)]
    history, keys = from_transactions(who, np.r_[first, second], np.r_[amount, amount[:repeaters]])
    assert (keys == np.arange(customers)).all()
    return history, first, amount


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestYoungStoreBgNbd(BaseCase):
    def test_nobody_ordered_twice_yet(self):
        """300 customers over three weeks, none or a handful ordering again: every chance between 3%
        and 50% (the likelihood alone: 0.01% for everyone when nobody came back), the customer
        who ordered last the likeliest of the one-time buyers, a customer who ordered twice above
        them all."""
        for repeaters in (0, 1, 5):
            with self.subTest(repeaters=repeaters):
                history, first, _amount = young_store(repeaters=repeaters)
                result = engine.run(history, DAYS, explain=False, plan=False, suggest=False)
                self.assertIsNone(result.order_model, "too few examples to learn from: BG/NBD's chance")
                p = result.probability
                self.assertTrue(np.isfinite(p).all())
                self.assertGreater(p.min(), 0.03)
                self.assertLess(p.max(), 0.5)
                once = np.arange(len(p)) >= repeaters
                recency = DAYS - first
                order = np.argsort(recency[once], kind="stable")
                self.assertTrue((np.diff(p[once][order]) <= 1e-12).all(), "the more recent, the likelier")
                if repeaters:
                    self.assertGreater(p[~once].min(), p[once].max(), "who ordered twice is the likeliest")
                x, t_x, T, _has = bgnbd.summarise(history.orders.customer, history.orders.day, DAYS, len(p))
                bare = bgnbd.fit(x, t_x, T, prior=None)
                self.assertLess(bgnbd.prob_purchase(bare, 90, x, t_x, T)[once].max(),
                                0.01 if repeaters == 0 else 0.2, "the likelihood alone: next to nothing")

    def test_the_list_still_ranks_by_chance_and_value(self):
        """The day's list of such a store: the priority is the chance times the order's worth, so
        of the customers who ordered on the same day (the same chance) the bigger order comes
        first."""
        history, first, amount = young_store(repeaters=3)
        history = dataclasses.replace(history, manager=np.full(len(first), 7, dtype=np.int32))
        result = engine.run(history, DAYS, explain=True, plan=True, suggest=False)
        sched = result.schedule
        self.assertGreater((result.score > 0).sum(), 290, "percentages, not «0 %»")
        same_day = np.flatnonzero((first == first[10]) & (np.arange(len(first)) >= 3))
        self.assertGreater(len(same_day), 3)
        self.assertTrue(np.allclose(result.probability[same_day], result.probability[same_day[0]]))
        by_value = same_day[np.argsort(amount[same_day])]
        self.assertTrue((np.diff(sched.priority[by_value]) > 0).all(), "the bigger order, the higher priority")
        # a customer's priority is their chance times their average order: the list's order when
        # the quiet days after an order are over
        self.assertTrue(np.allclose(sched.priority[result.group != segments.RISK],
                                    (result.probability * result.expected_value)[result.group != segments.RISK]))
        self.assertGreater(sched.priority.min(), 0.0)

    def test_the_prior_fades_as_repeaters_come(self):
        """The prior weighs fully when nobody ordered twice, half at 100 customers who did, nothing
        from 200 on: a history that identifies the parameters (as CDNOW's, the demo store's) is
        fitted by its likelihood alone, to the last digit."""
        self.assertEqual(bgnbd.prior_weight(np.zeros(300)), 1.0)
        self.assertEqual(bgnbd.prior_weight(np.r_[np.ones(100), np.zeros(200)]), 0.5)
        self.assertEqual(bgnbd.prior_weight(np.r_[np.ones(200), np.zeros(100)]), 0.0)
        self.assertLess(bgnbd.prior_weight(np.r_[np.ones(199), np.zeros(100)]), 1e-4, "flat where it ends")
        cdnow = bgnbd.BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
        T = np.random.default_rng(4).integers(60, 270, 3000).astype(float)
        x, t_x, T, _ = bgnbd.simulate(cdnow, 3000, T, seed=5)
        self.assertGreater((x > 0).sum(), 200)
        self.assertEqual(bgnbd.fit(x, np.round(t_x), T), bgnbd.fit(x, np.round(t_x), T, prior=None))
        # between the two, a young store's fit moves from the prior towards its own data
        for repeaters in (0, 20, 60):
            with self.subTest(repeaters=repeaters):
                history, _first, _amount = young_store(repeaters=repeaters)
                x, t_x, T, _has = bgnbd.summarise(history.orders.customer, history.orders.day, DAYS, 300)
                params = bgnbd.fit(x, t_x, T)
                self.assertTrue(all(np.isfinite(params.as_tuple())))
                chance = bgnbd.prob_purchase(params, 90, x, t_x, T)
                self.assertTrue(((chance > 0.03) & (chance < 0.9)).all(), (repeaters, chance.min(), chance.max()))

    def test_the_200th_repeater_moves_the_chances_as_any_other(self):
        """Where the prior's weight reaches nothing, the store's chances do not jump: the customers'
        chances move by the 200th repeater no more than by the 201st, the first fitted without
        it (a weight falling linearly moved them by 0.40 points there, for 0.11 after)."""
        store = synthetic.generate(1500, days=90, seed=3, orders_only=True)
        x, t_x, T, has = bgnbd.summarise(store.orders.customer, store.orders.day, 60, store.n_customers)
        keep = has & (T > 0)
        x, t_x, T = x[keep], t_x[keep], T[keep]
        repeaters = np.random.default_rng(0).permutation(np.flatnonzero(x > 0))
        self.assertGreater(len(repeaters), 201)

        def chances(count):
            """The chances with the first ``count`` of the repeaters (the others' second orders unseen)."""
            xs, t_xs = x.copy(), t_x.copy()
            xs[repeaters[count:]] = 0
            t_xs[repeaters[count:]] = 0
            return bgnbd.prob_purchase(bgnbd.fit(xs, t_xs, T), 90, xs, t_xs, T)

        before, at, after = chances(199), chances(200), chances(201)
        others = np.ones(len(x), dtype=bool)
        others[repeaters[199:201]] = False
        step_at = np.abs(at - before)[others].max()
        step_after = np.abs(after - at)[others].max()
        self.assertLess(step_at, max(2 * step_after, 0.002), (step_at, step_after))


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestYoungStoreJob(ScoringCase):
    def test_the_job_on_a_store_of_three_weeks(self):
        """The nightly job on a store three weeks old, one customer of 25 having ordered twice: every
        customer gets a chance a sales director can read (not «0 %»), the latest buyer the highest of
        the one-time buyers, and of two who ordered the same day the bigger order ranks first."""
        days = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 20, 20, 21]
        once = [self._customer_with_orders(f"Покупатель {k}", [d], amount=1000.0 + 10 * k)
                for k, d in enumerate(days)]
        twice = self._customer_with_orders("Постоянный", [18, 4])
        big = self._customer_with_orders("Крупный заказ", [20], amount=25000.0)
        run = self.run_scoring()
        self.assertEqual((run.state, run.partner_count), ("done", len(once) + 2), run.error)
        scores = {partner: self.score_of(partner) for partner in [*once, twice, big]}
        self.assertTrue(all(scores.values()))
        for partner, score in scores.items():
            self.assertGreaterEqual(score.score, 3, partner.name)
            self.assertLessEqual(score.score, 50, partner.name)
        self.assertGreaterEqual(scores[once[0]].score, scores[once[-1]].score, "the latest buyer first")
        self.assertGreater(scores[once[0]].probability, scores[once[-1]].probability)
        self.assertGreater(scores[twice].score, max(scores[p].score for p in once), "who ordered twice")
        twentieth = once[19]
        self.assertEqual(scores[big].probability, scores[twentieth].probability, "the same day, the same chance")
        self.assertGreater(scores[big].priority, scores[twentieth].priority, "the bigger order first")
