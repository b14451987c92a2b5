"""The demo store's distributions, in plain Python: no database."""

import math
import random
from collections import Counter
from datetime import date, timedelta

from odoo.tests import BaseCase, tagged

from ..demo_store import data, distributions


@tagged("post_install", "-at_install", "ecom_crm")
class TestDemoDistributions(BaseCase):
    def test_weighted_pool(self):
        pool = distributions.weighted_pool([30, 10, 0.01], size=400)
        counts = Counter(pool)
        self.assertEqual(counts[1], 3 * counts[2], "drawn in proportion to the weights")
        self.assertEqual(counts[3], 1, "a tiny weight is still drawn")
        self.assertEqual(set(pool), {1, 2, 3}, "1-based indexes, for SQL arrays")

    def test_segment_bounds(self):
        bounds = distributions.segment_bounds()
        self.assertEqual(len(bounds), len(distributions.SEGMENTS))
        self.assertEqual(bounds, sorted(bounds))
        self.assertAlmostEqual(bounds[-1], 1.0, places=9, msg="the buyer kinds cover every customer")

    def test_female_translit(self):
        cases = {("Петров", "Петрова", "petrov"): "petrova",
                 ("Козловский", "Козловская", "kozlovsky"): "kozlovskaya",
                 ("Толстой", "Толстая", "tolstoy"): "tolstaya",
                 ("Шевченко", "Шевченко", "shevchenko"): "shevchenko"}
        for args, expected in cases.items():
            self.assertEqual(distributions.female_translit(*args), expected)

    def test_seasonality(self):
        today = date(2026, 11, 20)
        season = distributions.Seasonality(today, 15)
        self.assertEqual(len(season.pool), distributions.SEASON_POOL)
        self.assertEqual(season.pool, sorted(season.pool), "quantiles map to days in order")
        self.assertLess(season.pool[-1], today, "the history ends the day before today")
        self.assertGreaterEqual(season.pool[0], today - timedelta(days=int(15 * distributions.DAYS_PER_MONTH)))
        # December 2025 (1.55) has far more orders per day than July 2026 (0.80), though the store
        # grew by some 20% between them
        per_day = {month: Counter(d.month for d in season.pool)[month] / 31 for month in (7, 12)}
        self.assertGreater(per_day[12], 1.5 * per_day[7])
        # a day's quantile is the share of the demand before it
        self.assertAlmostEqual(season.quantile(today), 1.0)
        self.assertLess(season.quantile(today - timedelta(days=150)), season.quantile(today - timedelta(days=45)))
        self.assertLess(season.quantile(season.days[0]), 0.01)

    def test_orders_scale_hits_lines_per_customer(self):
        # at least 0.38 * 1 + 0.24 * 2 + 0.08 * 6 orders per customer: from about 4.02 lines
        for lines in (5.0, 10.0, 25.0):
            scale = distributions.orders_scale(lines)
            self.assertAlmostEqual(distributions.orders_per_customer(scale) * distributions.MEAN_LINES_PER_ORDER,
                                   lines, places=6)
        self.assertLess(distributions.orders_scale(5.0), distributions.orders_scale(10.0))

    def test_line_tail_scale(self):
        scale = distributions.line_tail_scale()
        self.assertAlmostEqual(distributions.lines_per_order(scale), distributions.MEAN_LINES_PER_ORDER, places=9)
        # the SQL's draw, 1 + min(7, floor(-ln(1 - U) * scale)), averages that too
        rng = random.Random(7)
        draws = [1 + min(distributions.MAX_EXTRA_LINES, math.floor(-math.log(1 - rng.random()) * scale))
                 for _ in range(100_000)]
        self.assertAlmostEqual(sum(draws) / len(draws), distributions.MEAN_LINES_PER_ORDER, delta=0.03)
        self.assertEqual(max(draws), 1 + distributions.MAX_EXTRA_LINES)

    def test_orders_per_customer_by_simulation(self):
        """The SQL's order counts by buyer kind give the expected mean (a draw of 200,000 customers)."""
        scale = distributions.orders_scale(10.0)
        bounds = distributions.segment_bounds()
        rng = random.Random(42)

        def orders(u):
            kind = next(k for k, bound in enumerate(bounds, start=1) if u < bound or k == len(bounds))
            tail = -math.log(1 - rng.random())
            return {1: 0, 2: 1, 3: 2 + math.floor(tail * scale), 4: 6 + math.floor(tail * 3 * scale)}[kind]

        counts = [orders(rng.random()) for _ in range(200_000)]
        self.assertAlmostEqual(sum(counts) / len(counts), distributions.orders_per_customer(scale), delta=0.05)

    def test_catalog_plan(self):
        plan = distributions.catalog_plan(60, random.Random(42))
        self.assertEqual(plan, distributions.catalog_plan(60, random.Random(42)), "same seed, same catalog")
        self.assertNotEqual(plan, distributions.catalog_plan(60, random.Random(43)))
        self.assertEqual([(cat, parent) for cat, parent, _p in plan], [c[:2] for c in data.CATALOG])
        per_cat = 60 // len(data.CATALOG)
        codes = [p["default_code"] for _c, _p, products in plan for p in products]
        self.assertEqual(len(codes), per_cat * len(data.CATALOG))
        self.assertEqual(len(set(codes)), len(codes))
        self.assertEqual(len({p["barcode"] for _c, _p, products in plan for p in products}), len(codes))
        for (_cat, _parent, products), (*_x, (low, high)) in zip(plan, data.CATALOG, strict=True):
            for product in products:
                self.assertTrue(low <= product["list_price"] <= high, product)
                if high > 1000:
                    self.assertEqual(product["list_price"] % 10, 0, "an expensive price is in tens of roubles")
        # a category is a contiguous slice of the catalog
        starts, lengths = distributions.category_slices(60)
        self.assertEqual(starts, [1 + i * per_cat for i in range(len(data.CATALOG))])
        self.assertEqual(lengths, [per_cat] * len(data.CATALOG))
        # never an empty category, even with fewer products than categories
        self.assertEqual(distributions.category_slices(3)[1], [1] * len(data.CATALOG))
