"""The season ahead: the model's percentages recalibrated on the same season last year."""

import numpy as np

from odoo.tests import BaseCase, tagged

from ..scoring import backtest, engine, season, synthetic
from ..scoring.history import from_lists


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestSeasonMap(BaseCase):
    def test_the_map_follows_what_happened_per_level(self):
        """Last season the occasional buyers (20-40%) ordered more than the model said, the habits
        (90%) about as it said: the map moves each level by its own amount."""
        rng = np.random.default_rng(0)
        p = np.r_[np.full(4000, 0.2), np.full(4000, 0.4), np.full(2000, 0.9)]

        def truth(q):
            logit = np.log(q / (1 - q))
            return 1 / (1 + np.exp(-(0.8 * logit + 0.5)))

        y = rng.random(len(p)) < truth(p)
        m = season.fit(p, y)
        levels = np.array([0.2, 0.4, 0.9])
        np.testing.assert_allclose(m.predict(levels), truth(levels), atol=0.03)
        self.assertGreater(m.predict(np.array([0.0]))[0], 0.0, "no customer gets 0%")

    def test_too_few_customers_a_year_back_no_map(self):
        p = np.full(1000, 0.5)
        self.assertIsNone(season.fit(p, np.arange(1000) % 2), "fewer customers than MIN_CUSTOMERS")
        p = np.full(5000, 0.01)
        self.assertIsNone(season.fit(p, np.arange(5000) < 50), "too few buyers")

    def test_a_short_history_is_not_recalibrated(self):
        h = synthetic.generate(3000, days=400, seed=2)
        om = engine.learn_order_model(h, 390)
        self.assertIsNotNone(om)
        self.assertIsNone(om.season, "no customer known a year before day 390 with a window after")

    def test_customers_much_newer_a_year_back_are_no_season(self):
        self.assertTrue(season.comparable(300.0, 400.0))
        self.assertFalse(season.comparable(49.0, 414.0), "a year back they were in their first weeks")
        self.assertFalse(season.comparable(float("nan"), 400.0))
        self.assertTrue(season.comparable(49.0, None), "the model does not know the tenure: no reason to refuse")

    def test_a_store_whose_customers_all_came_at_its_start_is_not_recalibrated(self):
        """Every customer's first order in the store's first 80 days, then each at their own pace
        (CDNOW's shape): a year before day 455 they were all new, the model learned from settled
        customers; the difference is their age, not the season, and no map is learned from it."""
        rng = np.random.default_rng(4)
        orders = []
        for customer in range(4000):
            day, rate, life = int(rng.integers(0, 80)), rng.gamma(0.6, 1 / 30), rng.exponential(300)
            end = min(day + life, 700)
            while day < end:
                orders.append((customer, day, float(rng.lognormal(3, 0.5))))
                day += int(rng.exponential(1 / rate)) + 1
        h = from_lists(4000, orders)
        om = engine.learn_order_model(h, 455)
        self.assertIsNotNone(om)
        self.assertIsNone(om.season)


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestSeasonQuality(BaseCase):
    def test_high_season_ahead_stays_calibrated(self):
        """A store whose occasional buyers order three times more at the peak (day 330 of each year)
        than at the trough, scored as its high season starts: the model learned from the quieter
        months before; recalibrated on last year's same season, its percentages hold by decile."""
        h = synthetic.generate(20_000, seed=3, season=0.5)
        as_of, horizon = 1005, 90
        res = engine.run(h, as_of, engine.Settings(), explain=False, plan=False, suggest=False)
        om = res.order_model
        self.assertIsNotNone(om.season)
        rows = np.flatnonzero(res.criteria.has_orders)
        y = h.ordered_between(as_of, as_of + horizon)[rows]
        corrected = res.probability[rows]
        om.season = None
        raw = om.predict(res.criteria, rows)
        self.assertLess(abs(corrected.mean() - y.mean()), abs(raw.mean() - y.mean()) / 2)
        gaps = [abs(d["predicted"] - d["observed"]) for d in backtest.deciles(corrected, y)]
        raw_gaps = [abs(d["predicted"] - d["observed"]) for d in backtest.deciles(raw, y)]
        self.assertLessEqual(max(gaps), 0.04, gaps)  # 6.6 points without
        self.assertLess(max(gaps), max(raw_gaps))
