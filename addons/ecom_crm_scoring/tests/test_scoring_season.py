"""The season correction: last year's swing of the coming window against the training windows'."""

import numpy as np

from odoo.tests import BaseCase, tagged

from ..scoring import backtest, engine, season, synthetic


def days_at(rates):
    """Sorted order days: ``rates`` is a list of (first day, last day + 1, orders per day)."""
    return np.sort(np.concatenate([np.repeat(np.arange(a, b), r) for a, b, r in rates]))


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestSeasonMaths(BaseCase):
    def test_index_of_a_window_against_its_year(self):
        # a year of 10 orders a day, except 40 a day in the 90 days from day 300
        days = days_at([(0, 300, 10), (300, 390, 40), (390, 800, 10)])
        # the window starting at day 665 was days 300-390 last year: 40 a day against
        # (275 * 10 + 90 * 40) / 365 a day over the year before day 665
        self.assertAlmostEqual(season.season_index(days, 665, 90), 40 / ((275 * 10 + 90 * 40) / 365))
        # from day 765 on, last year (days 400-765) was flat: the window is the year's average
        self.assertAlmostEqual(season.season_index(days, 765, 90), 1.0)
        flat = days_at([(0, 800, 10)])
        self.assertAlmostEqual(season.season_index(flat, 500, 90), 1.0)
        self.assertIsNone(season.season_index(flat, 300, 90), "no full year before day 300")
        self.assertIsNone(season.season_index(days_at([(0, 800, 1)]), 500, 90, min_orders=200), "too thin")

    def test_factor_compares_the_coming_window_with_the_training_ones(self):
        days = days_at([(0, 300, 10), (300, 390, 40), (390, 900, 10)])
        # today 665: the coming window is last year's high season; the training windows
        # (starting 575, 545, 515) were quiet last year
        factor = season.season_factor(days, 665, [575, 545, 515], 90)
        expected = season.season_index(days, 665, 90) / np.mean(
            [season.season_index(days, d, 90) for d in (575, 545, 515)])
        self.assertAlmostEqual(factor, min(expected, season.BOUNDS[1]))
        self.assertGreater(factor, 1.5)
        self.assertEqual(season.season_factor(days, 665, [250], 90), 1.0, "a training day without a year before")
        self.assertEqual(season.season_factor(days_at([(0, 900, 10)]), 665, [575, 545], 90), 1.0)

    def test_a_growing_store_without_season_gets_no_correction(self):
        # steady relative growth (doubling every year) cancels out exactly
        days = np.sort(np.concatenate([np.repeat(d, int(5 * 2 ** (d / 365))) for d in range(1000)]))
        self.assertAlmostEqual(season.season_factor(days, 900, [810, 780, 750], 90), 1.0, delta=0.01)
        # five times more orders a day after three years, growing linearly: within 3%
        days = np.sort(np.concatenate([np.repeat(d, 5 + d // 50) for d in range(1000)]))
        self.assertAlmostEqual(season.season_factor(days, 900, [810, 780, 750], 90), 1.0, delta=0.03)

    def test_adjust_scales_the_order_rate(self):
        p = np.array([0.0, 0.1, 0.5, 1.0])
        np.testing.assert_allclose(season.adjust(p, 2.0), [0.0, 0.19, 0.75, 1.0])
        np.testing.assert_allclose(season.adjust(p, 0.5), [0.0, 1 - 0.9 ** 0.5, 1 - 0.5 ** 0.5, 1.0])
        self.assertIs(season.adjust(p, 1.0), p)


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestSeasonQuality(BaseCase):
    def test_high_season_ahead_stays_calibrated(self):
        """A store whose irregular buyers order three times more at the peak (day 330 of each year)
        than at the trough, scored as its high season starts: the model learned from the quieter
        months before; the correction brings its percentages back to what happens."""
        h = synthetic.generate(20_000, seed=3, season=0.5)
        as_of, horizon = 1005, 90
        res = engine.run(h, as_of, engine.Settings(), explain=False, plan=False, suggest=False)
        om = res.order_model
        self.assertGreater(om.season, 1.1)
        rows = np.flatnonzero(res.criteria.has_orders)
        y = h.ordered_between(as_of, as_of + horizon)[rows]
        corrected = res.probability[rows]
        om.season = 1.0
        raw = om.predict(res.criteria, rows)
        self.assertLess(abs(corrected.mean() - y.mean()), abs(raw.mean() - y.mean()) / 2)
        for i, d in enumerate(backtest.deciles(corrected, y), 1):
            with self.subTest(decile=i):
                self.assertLessEqual(abs(d["predicted"] - d["observed"]), 0.05, d)
