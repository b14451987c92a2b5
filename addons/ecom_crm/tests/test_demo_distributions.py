"""The demo store's distributions, in plain Python: no database."""

import math
import random
import re
import statistics
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise
from unittest.mock import patch

from odoo.tests import BaseCase, tagged

from ..demo_store import data, distributions

TODAY = date(2026, 11, 20)


def sql_to_python(expression, uniforms):
    """Evaluate an SQL expression of :mod:`.distributions` (``power``, ``greatest``, ``sqrt``, ``ln``,
    ``cos``, ``pi()``, ``random()``) in Python, ``random()`` taking the next of ``uniforms`` in the
    order PostgreSQL evaluates them (left to right)."""
    draws = iter(uniforms)
    code = re.sub(r"\brandom\(\)", "_next()", expression)
    code = code.replace("pi()", "math.pi")
    names = {"power": pow, "greatest": max, "sqrt": math.sqrt, "ln": math.log, "cos": math.cos, "math": math,
             "_next": lambda: next(draws)}
    return eval(code, {"__builtins__": {}}, names)


def gaps(days):
    return [b - a for a, b in pairwise(days)]


def cv(values):
    return statistics.pstdev(values) / statistics.mean(values)


@tagged("post_install", "-at_install", "ecom_crm")
class TestDemoDistributions(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.season = distributions.Seasonality(TODAY, 24)
        cls.scale = distributions.rate_scale(10.0, cls.season, seed=1)
        # the story of 20,000 buyers, drawn as the SQL draws them: (buyer, days of their orders)
        rng = random.Random(7)
        cls.buyers = []
        for _ in range(20_000):
            buyer = distributions.draw_buyer(rng, cls.season)
            cls.buyers.append((buyer, distributions.simulate_orders(rng, buyer, cls.season, cls.scale)))

    def test_weighted_pool(self):
        pool = distributions.weighted_pool([30, 10, 0.01], size=400)
        counts = Counter(pool)
        self.assertEqual(counts[1], 3 * counts[2], "drawn in proportion to the weights")
        self.assertEqual(counts[3], 1, "a tiny weight is still drawn")
        self.assertEqual(set(pool), {1, 2, 3}, "1-based indexes, for SQL arrays")

    def test_female_translit(self):
        cases = {("Петров", "Петрова", "petrov"): "petrova",
                 ("Козловский", "Козловская", "kozlovsky"): "kozlovskaya",
                 ("Толстой", "Толстая", "tolstoy"): "tolstaya",
                 ("Шевченко", "Шевченко", "shevchenko"): "shevchenko"}
        for args, expected in cases.items():
            self.assertEqual(distributions.female_translit(*args), expected)

    def test_seasonality(self):
        season = self.season
        self.assertEqual(len(season.pool), distributions.SEASON_POOL)
        self.assertEqual(season.pool, sorted(season.pool), "quantiles map to days in order")
        self.assertLess(season.pool[-1], TODAY, "the history ends the day before today")
        self.assertEqual(season.days[0], TODAY - timedelta(days=int(24 * distributions.DAYS_PER_MONTH)))
        self.assertEqual(season.n_days, 730, "two years of history")
        # December (1.55) has far more arrivals per day than July (0.80), though the store grew between
        # the Decembers and the Julys of the two years
        per_day = {month: Counter(d.month for d in season.pool)[month] / 31 for month in (7, 12)}
        self.assertGreater(per_day[12], 1.5 * per_day[7])
        # a day's quantile is the share of the demand before it
        self.assertAlmostEqual(season.quantile(TODAY), 1.0)
        self.assertLess(season.quantile(TODAY - timedelta(days=150)), season.quantile(TODAY - timedelta(days=45)))
        self.assertLess(season.quantile(season.days[0]), 0.01)
        self.assertEqual(season.arrival(0.0), 0)
        self.assertGreaterEqual(season.arrival(0.9989), season.n_days - 2)

    def test_season_time(self):
        """Irregular orders follow the season, not the growth: season time runs faster in December."""
        season = self.season
        st = season.season_time
        self.assertEqual(st, sorted(st))
        self.assertTrue(0 < st[0] < 1 and season.n_days - 1 < st[-1] < season.n_days)
        self.assertEqual(season.warp, sorted(season.warp))
        # a day's middle maps back to that day
        self.assertTrue(all(abs(season.calendar_day(t) - i) <= 1 for i, t in enumerate(st)))
        lengths = list(zip(gaps(st), season.days, strict=False))

        def mean_length(year, month):
            # from the middle of a day to the middle of the next one of the same month
            return statistics.mean(length for length, d in lengths
                                   if (d.year, d.month) == (year, month) == (d + timedelta(days=1)).timetuple()[:2])

        ratio = mean_length(2025, 12) / mean_length(2025, 7)
        self.assertAlmostEqual(ratio, data.SEASONALITY[11] / data.SEASONALITY[6], places=6)
        # no growth in season time: a December day of the first year is as long as one of the second
        self.assertAlmostEqual(mean_length(2024, 12), mean_length(2025, 12), places=9)

    def test_gamma_variate(self):
        """The SQL's Gamma draw (three uniforms, no rejection) has the Gamma's mean and variance."""
        rng = random.Random(3)
        for shape in (distributions.RATE_SHAPE, distributions.LIFE_SHAPE, distributions.HABIT_RATE_SHAPE):
            draws = [distributions.gamma_variate(shape, rng.random(), rng.random(), rng.random())
                     for _ in range(100_000)]
            self.assertTrue(all(x > 0 for x in draws))
            self.assertAlmostEqual(statistics.mean(draws) / shape, 1.0, delta=0.02, msg=shape)
            self.assertAlmostEqual(statistics.pvariance(draws) / shape, 1.0, delta=0.06, msg=shape)
            # the share below the median of the exact distribution (scipy-free: by rejection sampling)
            exact = sorted(rng.gammavariate(shape, 1.0) for _ in range(20_000))
            median = exact[len(exact) // 2]
            self.assertAlmostEqual(sum(x < median for x in draws) / len(draws), 0.5, delta=0.02, msg=shape)

    def test_gamma_sql_is_gamma_variate(self):
        """The SQL text draws what gamma_variate computes, from the same uniforms."""
        rng = random.Random(5)
        for shape in (0.8, 0.9, 6.0):
            expression = distributions.gamma_sql(shape)
            self.assertEqual(expression.count("random()"), 3)
            for _ in range(50):
                u = [rng.random() for _ in range(3)]
                self.assertAlmostEqual(sql_to_python(expression, u), distributions.gamma_variate(shape, *u), places=9)
        u = [rng.random(), rng.random()]
        self.assertAlmostEqual(sql_to_python(distributions.NORMAL_SQL, u), distributions.normal(*u), places=12)

    def test_rate_scale_hits_lines_per_customer(self):
        """The calibrated scale gives the asked volume when the orders are simulated one by one."""
        orders = sum(len(days) for _b, days in self.buyers) / len(self.buyers)
        lines = orders * distributions.BUYER_SHARE * distributions.MEAN_LINES_PER_ORDER
        self.assertAlmostEqual(lines / 10.0, 1.0, delta=0.05)
        self.assertLess(distributions.rate_scale(6.0, self.season, seed=1), self.scale)
        self.assertEqual(distributions.rate_scale(10.0, self.season, seed=1), self.scale, "deterministic by seed")

    def test_buyers_differ(self):
        """Buy once or for years: one-time buyers, loyal ones, lifetimes that end, comebacks."""
        counts = [len(days) for _b, days in self.buyers]
        self.assertTrue(all(c >= 1 for c in counts), "a buyer orders on the day they arrive")
        one_time = sum(c == 1 for c in counts) / len(counts)
        self.assertTrue(0.25 < one_time < 0.5, one_time)
        self.assertGreater(sum(c >= 10 for c in counts) / len(counts), 0.05)
        # Gamma-heterogeneous rates: the irregular buyers' rates spread over orders of magnitude
        rates = sorted(b.rate for b, _d in self.buyers if not b.habit)
        self.assertGreater(rates[len(rates) * 9 // 10] / rates[len(rates) // 10], 20)
        # lifetimes end: many buyers who arrived in the first year no longer order in the last 6 months
        early = [days for b, days in self.buyers if b.acquired < 365 and len(days) >= 2]
        lapsed = sum(days[-1] < self.season.n_days - 180 for days in early) / len(early)
        self.assertTrue(0.2 < lapsed < 0.8, lapsed)
        # some come back after a dormant spell of months
        back = [b for b, _d in self.buyers if len(b.periods) == 2 and b.periods[1][0] < self.season.n_days]
        self.assertGreater(len(back) / len(self.buyers), 0.05)
        longest = [max(gaps(days)) for b, days in self.buyers if len(days) > 2 and len(b.periods) == 2]
        self.assertGreater(sum(g >= 120 for g in longest), 500)

    def test_habits_are_regular(self):
        """A habit's gaps vary little around its cycle; irregular buyers' gaps vary as much as they are long."""
        habits = [(b, days) for b, days in self.buyers if b.habit and len(days) >= 5 and len(b.periods) == 1]
        irregular = [(b, days) for b, days in self.buyers if not b.habit and len(days) >= 5 and len(b.periods) == 1]
        self.assertGreater(len(habits), 500)
        self.assertLess(statistics.median(cv(gaps(days)) for _b, days in habits), 0.35)
        self.assertGreater(statistics.median(cv(gaps(days)) for _b, days in irregular), 0.7)
        # around the consumable's cycle
        for category, (cycle, _weight) in data.CONSUMABLES.items():
            mean_gaps = [statistics.mean(gaps(days)) for b, days in habits if b.habit == category]
            self.assertAlmostEqual(statistics.median(mean_gaps) / cycle, 1.0, delta=0.25, msg=category)

    def test_complements_of_durables(self):
        """Owners of a durable with a consumable complement mostly re-buy it on a cycle, others never;
        those of a durable whose complement is no consumable come back for it at a propensity."""
        owners = [b for b, _d in self.buyers if b.complement in data.CONSUMABLES]
        self.assertGreater(len(owners), 1000)
        adopted = sum(b.habit == b.complement for b in owners) / len(owners)
        self.assertAlmostEqual(adopted, distributions.ADOPT_CYCLE, delta=0.03)
        self.assertTrue(all(b.habit in (None, b.complement) for b in owners))
        # they start a while after the durable: their first gap exceeds their cycle by a lag, others' does not
        beyond = {True: [], False: []}
        for b, days in self.buyers:
            if b.habit and len(days) >= 2:
                beyond[b.habit == b.complement].append(days[1] - days[0] - b.gap)
        self.assertLess(abs(statistics.median(beyond[False])), 3)
        self.assertTrue(20 < statistics.median(beyond[True]) < distributions.ADOPT_LAG_MEAN, beyond[True][:50])
        phones = [b for b, _d in self.buyers if b.durable == "Смартфон"]
        self.assertTrue(all(b.complement == "Аксессуары для телефонов" for b in phones))
        never = sum(b.propensity == 0 for b in phones) / len(phones)
        self.assertAlmostEqual(never, distributions.NEVER_COMPLEMENT, delta=0.05)
        low, high = distributions.PROPENSITY_RANGE
        self.assertTrue(all(b.propensity == 0 or low <= b.propensity <= high for b in phones))
        share = sum(b.durable is not None for b, _d in self.buyers) / len(self.buyers)
        self.assertAlmostEqual(share, distributions.DURABLE_FIRST, delta=0.02)

    def test_catalog_behaviour(self):
        n_products = 95
        plan = distributions.catalog_plan(n_products, random.Random(42))
        prices = [p["list_price"] for _c, _p, products in plan for p in products]
        names = [p["name"] for _c, _p, products in plan for p in products]
        cats = [c for c, _p, _x in plan]
        b = distributions.catalog_behaviour(n_products, prices)
        self.assertEqual(len(b["prod_cat"]), len(prices))
        for pidx, name in enumerate(names, start=1):
            comp = b["prod_comp"][pidx - 1]
            if name.startswith("Кофемашина"):
                self.assertEqual(cats[comp - 1], "Кофе и капсулы")
            elif name.startswith(("Принтер лазерный", "МФУ лазерное")):
                self.assertEqual(cats[comp - 1], "Картриджи и бумага")
            elif name.startswith("Чайник"):
                self.assertEqual(comp, 0)
            self.assertEqual(b["prod_consumable"][pidx - 1], cats[b["prod_cat"][pidx - 1] - 1] in data.CONSUMABLES)
            # the complement that fits: of the complement's category, of the same brand when there is one
            match = b["prod_match"][pidx - 1]
            self.assertEqual(b["prod_cat"][match - 1] if match else 0, comp)
            if name.startswith("Принтер лазерный HP"):
                self.assertIn(" HP", names[match - 1])
        kitchen = [pidx for pidx, name in enumerate(names, start=1) if name.startswith("Кофемашина")]
        self.assertTrue(kitchen)
        self.assertTrue(all(names[b["prod_match"][pidx - 1] - 1].startswith(("Капсулы", "Кофе")) for pidx in kitchen))
        starts, lengths = distributions.category_slices(n_products)
        self.assertEqual(sorted(b["cat_sorted"]), list(range(1, len(prices) + 1)))
        for cat_idx, (start, length) in enumerate(zip(starts, lengths, strict=True), start=1):
            ranked = b["cat_sorted"][start - 1:start - 1 + length]
            self.assertTrue(all(b["prod_cat"][p - 1] == cat_idx for p in ranked), "a category's own products")
            self.assertEqual([prices[p - 1] for p in ranked], sorted(prices[p - 1] for p in ranked), "cheapest first")
            together = b["tog_list"][b["tog_start"][cat_idx - 1] - 1:][:b["tog_len"][cat_idx - 1]]
            self.assertEqual([cats[c - 1] for c in together], data.BOUGHT_TOGETHER[cats[cat_idx - 1]])
            self.assertEqual(b["cycle"][cat_idx - 1], data.CONSUMABLES.get(cats[cat_idx - 1], (0, 0))[0])
            self.assertNotIn(cats[b["repeat_cat"][cat_idx - 1] - 1], data.DURABLES, "a durable is not re-bought")
        self.assertEqual({cats[c - 1] for c in b["dur_pool"]}, set(data.DURABLES))
        self.assertEqual({cats[c - 1] for c in b["habit_pool"]}, set(data.CONSUMABLES))
        pool = Counter(cats[c - 1] for c in b["dur_pool"])
        self.assertAlmostEqual(pool["Смартфоны"] / pool["Ноутбуки"], 3.0, delta=0.05)

    def test_catalog_metadata(self):
        cats = {c[0] for c in data.CATALOG}
        stems = {stem for c in data.CATALOG for stem in c[2]}
        self.assertLessEqual(set(data.DURABLES) | set(data.CONSUMABLES) | set(data.BOUGHT_TOGETHER), cats)
        self.assertFalse(set(data.DURABLES) & set(data.CONSUMABLES))
        self.assertLessEqual(set(data.COMPLEMENTS), stems)
        self.assertLessEqual(set(data.COMPLEMENTS.values()), cats)
        for category, together in data.BOUGHT_TOGETHER.items():
            self.assertNotIn(category, together)
            self.assertLessEqual(set(together), cats)

    def test_catalog_costs(self):
        """Every demo product costs the store a share of its price in its category's range (so the
        reports' margins are a store's, neither nothing nor the whole revenue), drawn by the seed; the
        costs leave a seed's prices as they were."""
        plan = distributions.catalog_plan(190, random.Random(42))
        self.assertEqual(set(data.COST_SHARE), {c[0] for c in data.CATALOG})
        shares = []
        for cat, _parent, products in plan:
            low, high = data.COST_SHARE[cat]
            for product in products:
                price, cost = product["list_price"], product["standard_price"]
                self.assertTrue(0 < cost < price, product)
                self.assertTrue(low * price - 1 <= cost <= high * price + 1, product)  # whole roubles
            category_shares = [p["standard_price"] / p["list_price"] for p in products]
            self.assertEqual(len(set(category_shares)), len(products), f"each product of {cat} its own share")
            shares += category_shares
        self.assertAlmostEqual(statistics.mean(shares), 0.67, delta=0.05)
        again = distributions.catalog_plan(190, random.Random(42))
        other = distributions.catalog_plan(190, random.Random(43))
        costs = [[p["standard_price"] for p in products] for _c, _p, products in plan]
        self.assertEqual(costs, [[p["standard_price"] for p in products] for _c, _p, products in again])
        self.assertNotEqual(costs, [[p["standard_price"] for p in products] for _c, _p, products in other])
        # the prices are drawn first, from the seed's own sequence
        rng = random.Random(42)
        self.assertEqual(plan[0][2][0]["list_price"], distributions.product_price(rng, *data.CATALOG[0][4]))

    def test_cost_at_share(self):
        """A cost in whole roubles below the price; a product priced under a rouble costs nothing rather
        than less than nothing (the cost given to a demo product made before the products had one)."""
        self.assertEqual(distributions.cost_at_share(1990, 0.8), 1592)
        self.assertEqual(distributions.cost_at_share(10, 0.99), 9)
        self.assertEqual(distributions.cost_at_share(1, 0.8), 0)
        self.assertEqual(distributions.cost_at_share(0.5, 0.8), 0)

    def test_line_tail_scale(self):
        scale = distributions.line_tail_scale()
        self.assertAlmostEqual(distributions.lines_per_order(scale), distributions.MEAN_LINES_PER_ORDER, places=9)
        # the SQL's draw, 1 + min(7, floor(-ln(1 - U) * scale)), averages that too
        rng = random.Random(7)
        draws = [1 + min(distributions.MAX_EXTRA_LINES, math.floor(-math.log(1 - rng.random()) * scale))
                 for _ in range(100_000)]
        self.assertAlmostEqual(sum(draws) / len(draws), distributions.MEAN_LINES_PER_ORDER, delta=0.03)
        self.assertEqual(max(draws), 1 + distributions.MAX_EXTRA_LINES)

    def test_catalog_plan(self):
        rng = random.Random(42)
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
        # gigabytes where they belong, on smartphones and laptops, not on pet food, headphones or baby formula
        # (a fresh demo store read «Детская смесь Pampers 64 ГБ»)
        names = {cat: [p["name"] for p in products] for cat, _p, products in distributions.catalog_plan(2000, rng)}
        for cat, *_rest in data.CATALOG:
            self.assertEqual(any("ГБ" in name or "ТБ" in name for name in names[cat]), cat in ("Смартфоны", "Ноутбуки"),
                             cat)
        for cat in set(data.SIZES_BY_CATEGORY) - {"Смартфоны", "Ноутбуки"}:
            self.assertEqual(len(set(names[cat])), len(names[cat]), "names tell the products apart")
        small = [p["name"] for _c, _p, products in distributions.catalog_plan(300, rng) for p in products]
        self.assertFalse([name for name in small if "ГБ" in name and not name.startswith(("Смартфон", "Ноутбук"))])

    def test_a_stem_has_brands_and_sizes_that_fit_it(self):
        """A fresh demo store sold «Детская смесь Pampers», «Кукла Hot Wheels», «Сухой корм для собак Whiskas»,
        «Фен Oral-B»: every stem took every brand of its category (and its suffixes). A stem has brands and
        suffixes of its own where not all fit it, as many as its category's, so that names alone change: a
        seed's prices, costs, and the complements that fit a durable (the cartridges of the printer's brand),
        which the histories are drawn from, are those of the category's brands and suffixes."""
        names = [p["name"] for _c, _p, products in distributions.catalog_plan(300, random.Random(42))
                 for p in products]
        for wrong in ("Детская смесь Pampers", "Кукла Hot Wheels", "Сухой корм для собак Whiskas", "Фен Oral-B",
                      "Наушники накладные Apple AirPods", "Отпариватель Dyson", "Таблетки для посудомоечной машины "
                      "Persil", "Наполнитель для кошачьего туалета Royal Canin"):
            self.assertFalse([name for name in names if name.startswith(wrong)], wrong)
        for wanted in ("Детская смесь Nutrilon", "Подгузники Pampers", "Кукла Barbie", "Сухой корм для собак Pedigree",
                       "Фен Philips", "Картридж HP", "Тонер-картридж Canon"):
            self.assertTrue([name for name in names if name.startswith(wanted)], wanted)
        # nor, in a bigger store, a suffix that does not fit the stem: «Бумага офисная А4 HP голубой»,
        # «Кофе в зёрнах Lavazza 16 шт.», «Наполнитель для кошачьего туалета Catsan курица»
        bigger = [p["name"] for _c, _p, products in distributions.catalog_plan(2000, random.Random(42))
                  for p in products]
        for stem, wrong in (("Бумага", " голубой"), ("Кофе в зёрнах", " шт."), ("Наполнитель", " курица"),
                            ("Влажный корм", " 15 кг"), ("Средство для мытья посуды", " шт."),
                            ("Капсулы для стирки", " л"), ("Картридж", " листов")):
            self.assertFalse([name for name in bigger if name.startswith(stem) and name.endswith(wrong)], stem)
        stems = {stem: (brands, data.SIZES_BY_CATEGORY.get(cat, data.SIZES))
                 for cat, _p, stems, brands, _r in data.CATALOG for stem in stems}
        for stem, brands in data.BRANDS_BY_STEM.items():
            self.assertEqual(len(brands), len(stems[stem][0]), stem)
        for stem, sizes in data.SIZES_BY_STEM.items():
            self.assertEqual(len(sizes), len(stems[stem][1]), stem)
        for n_products in (40, 300, 2000, 5000):
            plans = []
            for by_stem in ((data.BRANDS_BY_STEM, data.SIZES_BY_STEM), ({}, {})):
                with (patch.object(data, "BRANDS_BY_STEM", by_stem[0]),
                      patch.object(data, "SIZES_BY_STEM", by_stem[1])):
                    rng = random.Random(42)
                    plan = distributions.catalog_plan(n_products, rng)
                    prices = [p["list_price"] for _c, _p, products in plan for p in products]
                    plans.append(([[{k: v for k, v in p.items() if k != "name"} for p in products]
                                   for _c, _p, products in plan], rng.random(),
                                  distributions.catalog_behaviour(n_products, prices)))
            self.assertEqual(plans[0], plans[1], f"{n_products} products: the same draws and histories")
