"""Cross-sell: candidates of each kind, the acceptance probability, the recorded outcomes."""

import dataclasses

import numpy as np

from odoo.tests import BaseCase, tagged

from ..scoring import crosssell, season, synthetic
from ..scoring import model as order_model
from ..scoring.crosssell import COPURCHASE, POPULAR, REBUY
from ..scoring.history import from_lists

AS_OF = 900
MACHINE, CAPSULES, DESCALER, FILTER = 1, 2, 3, 7


def store():
    """Customers 0-3 bought a coffee machine with capsules; customer 4 the machine alone;
    customer 5 re-buys water filters every 30 days (last 40 days ago)."""
    orders, lines = [], []

    def order(customer, day, *products):
        orders.append((customer, day, 100.0 * len(products)))
        lines.extend((len(orders) - 1, p) for p in products)

    for c in range(4):
        order(c, 850 + c, MACHINE, CAPSULES)
    order(0, 870, DESCALER)
    order(4, 860, MACHINE)
    for day in (800, 830, 860):
        order(5, day, FILTER)
    order(4, 950, CAPSULES)  # after AS_OF: what customer 4 did next
    return from_lists(6, orders, lines)


class FixedModel:
    """Stands in for the fitted estimator: a probability per candidate kind."""

    def __init__(self, by_kind):
        self.by_kind = by_kind

    def predict_proba(self, X):
        p = X[:, 0] * self.by_kind[REBUY] + X[:, 1] * self.by_kind[COPURCHASE] + X[:, 2] * self.by_kind[POPULAR]
        return np.column_stack([1 - p, p])


class Identity:
    def predict(self, p):
        return p


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestCrossSell(BaseCase):
    def candidates(self, customers):
        h = store()
        c, item, d = crosssell.purchases(h, AS_OF)
        stats = crosssell.item_stats(c, item, d, AS_OF)
        return crosssell.candidates(stats, c, item, d, customers, AS_OF), stats

    def test_co_purchase_statistics(self):
        _, stats = self.candidates([4])
        i, j = np.searchsorted(stats.items, [CAPSULES, MACHINE])
        # 5 machine buyers, 4 of them bought capsules: P(capsules | machine) = 4 / (5 + 10)
        self.assertAlmostEqual(float(stats.conf[j, i]), 4 / 15, places=6)
        self.assertEqual(float(stats.conf[j, j]), 0.0)

    def test_candidates_of_each_kind(self):
        cand, _ = self.candidates([4, 5])
        got = {(int(c), int(i), int(k)) for c, i, k in zip(cand.customer, cand.item, cand.kind, strict=True)}
        self.assertIn((4, CAPSULES, COPURCHASE), got, "bought a coffee machine, never capsules")
        self.assertIn((5, FILTER, REBUY), got, "filters every 30 days, 40 days since")
        self.assertNotIn((4, MACHINE, COPURCHASE), got, "nothing they already own is co-purchase")
        self.assertTrue(any(k == POPULAR and c == 5 for c, _, k in got), "popular items they lack")
        co = np.flatnonzero((cand.customer == 4) & (cand.item == CAPSULES) & (cand.kind == COPURCHASE))[0]
        self.assertEqual(int(cand.source[co]), MACHINE)
        rb = np.flatnonzero(cand.kind == REBUY)[0]
        self.assertEqual((float(cand.cycle[rb]), float(cand.since[rb])), (30.0, 40.0))
        self.assertEqual(cand.X.shape, (len(cand.customer), len(crosssell.FEATURES)))

    def test_bought_after(self):
        cand, _ = self.candidates([4])
        got = crosssell.bought_after(store(), cand, AS_OF, AS_OF + 90)
        expect = (cand.customer == 4) & (cand.item == CAPSULES)
        self.assertEqual(got.tolist(), expect.tolist())

    def test_suggestions_are_clipped_filtered_and_at_most_three(self):
        model = crosssell.CrossSellModel(level="product", kind="fixed", estimator=FixedModel({
            REBUY: 0.97, COPURCHASE: 0.5, POPULAR: 0.05}), calibrator=Identity(), base_rate=0.2, n_train=0)
        s = crosssell.suggest(model, store(), AS_OF, [4, 5])
        self.assertTrue(((s.probability >= 0.10) & (s.probability <= 0.90)).all())
        self.assertNotIn(POPULAR, s.kind.tolist(), "5% offers are not shown")
        self.assertLessEqual(np.bincount(s.customer).max(), 3)
        first = {int(c): (int(i), int(k)) for c, i, k in zip(s.customer[::-1], s.item[::-1], s.kind[::-1],
                                                              strict=True)}
        self.assertEqual(first[5], (FILTER, REBUY))
        self.assertEqual(first[4], (CAPSULES, COPURCHASE))
        i = int(np.flatnonzero(s.kind == REBUY)[0])
        self.assertAlmostEqual(float(s.probability[i]), 0.90)
        self.assertAlmostEqual(float(s.raw[i]), 0.97, places=5)
        template, params = s.describe(i)
        self.assertEqual(template % params, f"re-buys {FILTER} on average every 30 days, 39 days since the last time")
        j = int(np.flatnonzero(s.kind == COPURCHASE)[0])
        self.assertEqual(s.describe(j)[1], {"item": CAPSULES, "source": MACHINE})

    def test_no_offer_above_the_customers_order_chance(self):
        """Buying the item is ordering: an offer's chance is capped at the customer's chance of an
        order, one it brings under 10% is left out, the offers keep their model's order, and a
        customer whose order chance is not known (NaN) keeps theirs."""
        model = crosssell.CrossSellModel(level="product", kind="fixed", estimator=FixedModel({
            REBUY: 0.6, COPURCHASE: 0.5, POPULAR: 0.3}), calibrator=Identity(), base_rate=0.2, n_train=0)
        free = crosssell.suggest(model, store(), AS_OF, [4, 5])
        order = np.array([np.nan, np.nan, np.nan, np.nan, 0.4, 0.05])
        s = crosssell.suggest(model, store(), AS_OF, [4, 5], order_probability=order)
        self.assertEqual(set(s.customer.tolist()), {4}, "customer 5's 5% chance of an order: no offer")
        mine = free.customer == 4
        self.assertEqual(s.item.tolist(), free.item[mine].tolist(), "the same offers, in the same order")
        np.testing.assert_allclose(s.probability, np.minimum(free.probability[mine], 0.4))
        np.testing.assert_allclose(s.raw, free.raw[mine])
        unknown = crosssell.suggest(model, store(), AS_OF, [4, 5], order_probability=np.full(6, np.nan))
        np.testing.assert_allclose(unknown.probability, free.probability)

    def test_recorded_outcomes_correct_each_kind(self):
        outcomes = {"kind": [REBUY] * 40 + [COPURCHASE] * 10, "predicted": [0.5] * 40 + [0.2] * 10,
                    "accepted": [1] * 10 + [0] * 30 + [1] * 4 + [0] * 6}
        adjust = crosssell.outcome_adjustment(outcomes)
        # rebuy: 10 accepted of 20 expected -> (10 + 10) / (20 + 10); copurchase: (4 + 10) / (2 + 10)
        self.assertAlmostEqual(adjust[REBUY], 20 / 30)
        self.assertAlmostEqual(adjust[COPURCHASE], 14 / 12)
        self.assertAlmostEqual(adjust[POPULAR], 1.0, msg="no outcome, no correction")

    def test_store_without_lines(self):
        bare = from_lists(2, [(0, 800, 10.0), (1, 850, 20.0)])
        self.assertIsNone(crosssell.fit(bare, AS_OF))
        self.assertEqual(len(crosssell.suggest(None, bare, AS_OF, [0, 1]).item), 0)

    def test_a_store_without_co_purchases_learns_from_what_it_has(self):
        """Two products, each customer buying one of them only (two brands sold apart): no
        co-purchase can exist, so that feature has no value at all; the model learns from the
        others (re-buys, the other product as a popular one, seldom bought) instead of failing
        the night, and offers the re-buy."""
        rng = np.random.default_rng(3)
        orders, lines = [], []
        for customer in range(3000):
            product = FILTER if customer % 2 else CAPSULES
            day, rate = int(rng.integers(0, 300)), rng.gamma(0.8, 1 / 40)
            while day < 500:
                orders.append((customer, day, 30.0))
                lines.append((len(orders) - 1, product))
                day += int(rng.exponential(1 / rate)) + 1
        h = from_lists(3000, orders, lines)
        model = crosssell.fit(h, 400)
        self.assertIsNotNone(model)
        self.assertNotEqual(model.kind, crosssell.ORDER, "a customer who orders need not buy what is offered")
        self.assertIsInstance(model.calibrator, order_model.ShownRegionCalibrator)
        self.assertNotIn(crosssell.FEATURES.index("copurchase_score"), model.columns)
        s = crosssell.suggest(model, h, 400, np.arange(3000))
        self.assertTrue(len(s.item))
        self.assertEqual(set(s.item[s.kind == REBUY].tolist()), {FILTER, CAPSULES})
        self.assertNotIn(COPURCHASE, s.kind.tolist())

    def test_a_one_product_store_offers_its_customers_order_chance(self):
        """A store of one product (or of bare orders, each a line of one product): whoever orders
        buys it, so the offer's chance is the customer's order chance, times the share of the
        ordering customers who bought it in the training windows (here all of them)."""
        h = habits(1500, np.random.default_rng(3).integers(0, 300, 1500), 500)
        model = crosssell.fit(h, 400)
        self.assertEqual((model.kind, model.estimator, model.columns), (crosssell.ORDER, None, None))
        self.assertGreater(model.n_train, 100)
        self.assertEqual(sum(rows for _t0, rows in model.windows), model.n_train)
        # bought by every customer who ordered: (bought + 1) / (ordered + 2), a little under 1
        self.assertGreater(model.base_rate, 0.99)
        self.assertLess(model.base_rate, 1.0)
        self.assertGreater(model.order_rate, 0.2)
        self.assertLess(model.order_rate, 0.9)
        chance = np.random.default_rng(4).uniform(0.0, 0.8, 1500)
        chance[:10] = np.nan
        s = crosssell.suggest(model, h, 400, np.arange(1500), order_probability=chance)
        self.assertGreater(len(s.item), 50)
        self.assertEqual(set(s.item.tolist()), {FILTER})
        self.assertEqual(set(s.kind.tolist()), {REBUY})
        known = s.customer >= 10
        np.testing.assert_allclose(s.raw[known], model.base_rate * chance[s.customer[known]])
        np.testing.assert_allclose(s.probability, np.clip(s.raw, 0.10, 0.90))
        self.assertTrue((s.raw >= 0.10).all(), "an order chance under 10%: no offer")
        # a customer whose order chance is not known: that of the training offers' customers
        np.testing.assert_allclose(s.raw[~known], model.base_rate * model.order_rate)
        alone = crosssell.suggest(model, h, 400, np.arange(1500))
        np.testing.assert_allclose(alone.raw, model.base_rate * model.order_rate)
        # the corrections of the recorded outcomes apply to that share
        fixed = dataclasses.replace(model, adjust=np.array([0.5, 1.0, 1.0]))
        low = crosssell.suggest(fixed, h, 400, np.arange(1500), order_probability=chance)
        mine = low.customer >= 10
        np.testing.assert_allclose(low.raw[mine], 0.5 * model.base_rate * chance[low.customer[mine]])
        # what an incremental run rescales the offers it keeps with; nothing for other models
        self.assertEqual(crosssell.order_shares(fixed), {
            "rebuy": 0.5 * model.base_rate, "copurchase": model.base_rate, "popular": model.base_rate})
        self.assertIsNone(crosssell.order_shares(crosssell.fit(synthetic.generate(3000, seed=13), 900)))
        self.assertIsNone(crosssell.order_shares(None))

    def test_a_few_orders_without_the_product_still_make_a_one_product_store(self):
        """Orders that came without their lines (from 1C, or with a delivery line only) are orders
        without the product. One in 25 of them: about 1.5% of the offers to customers who ordered
        are left unbought, and buying the offer is still ordering. One in 5: the offers learn a
        model of their own (a re-buy is then not always bought by who orders)."""
        full = habits(4000, np.random.default_rng(3).integers(0, 300, 4000), 500)
        orders = list(zip(full.orders.customer.tolist(), full.orders.day.tolist(),
                          [30.0] * len(full.orders.day), strict=True))
        for every, one_product in ((25, True), (5, False)):
            with self.subTest(every=every):
                lines = [(o, FILTER) for o in range(len(orders)) if o % every]
                model = crosssell.fit(from_lists(4000, orders, lines), 400)
                self.assertIsNotNone(model)
                if one_product:
                    self.assertEqual(model.kind, crosssell.ORDER)
                    self.assertGreater(model.base_rate, 0.98)
                    self.assertLess(model.base_rate, 0.995, "some of the offers were left unbought")
                else:
                    self.assertNotEqual(model.kind, crosssell.ORDER)
                    self.assertNotIn(crosssell.FEATURES.index("copurchase_score"), model.columns)
                    self.assertLess(model.base_rate, 0.9)


def habits(n, first_days, end, seed=3):
    """``n`` customers re-buying water filters, each on their own rhythm from their first day
    (``first_days``) to ``end``."""
    rng = np.random.default_rng(seed)
    orders, lines = [], []
    for customer, day in enumerate(first_days):
        day, rate = int(day), rng.gamma(0.8, 1 / 40)
        while day < end:
            orders.append((customer, day, 30.0))
            lines.append((len(orders) - 1, FILTER))
            day += int(rng.exponential(1 / rate)) + 1
    return from_lists(n, orders, lines)


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestTrainingWindows(BaseCase):
    """The offers learn on the last 90 days and, in a store old enough, on the same 90 days a
    year back (the season ahead, last year)."""

    def test_a_store_of_two_years_learns_on_both_windows(self):
        n = 4000
        h = habits(n, np.random.default_rng(1).integers(0, 700, n), 800)
        self.assertGreaterEqual(int((h.first_order_day() < 800 - 365).sum()), season.MIN_CUSTOMERS)
        self.assertEqual(crosssell.training_windows(h, 800), [710, 435])
        model = crosssell.fit(h, 800, max_customers=1000)
        self.assertEqual([t0 for t0, _rows in model.windows], [710, 435])
        self.assertTrue(all(rows > 0 for _t0, rows in model.windows))
        self.assertEqual(sum(rows for _t0, rows in model.windows), model.n_train)
        alone = crosssell.fit(h, 800, max_customers=1000, year_back=False)
        self.assertEqual([t0 for t0, _rows in alone.windows], [710])
        # the customers to learn from are shared by the windows: the same learning cost
        self.assertLess(abs(model.n_train - alone.n_train), 0.25 * alone.n_train)

    def test_no_year_back_when_it_cannot_tell(self):
        rng = np.random.default_rng(2)
        cases = {
            "a store under a year old": (habits(4000, rng.integers(0, 250, 4000), 300), 300, 90),
            "fewer than 2,000 customers a year back": (habits(1500, rng.integers(0, 700, 1500), 800), 800, 90),
            # nearly every customer came in the store's first two months: a year back they were
            # weeks old, today they are a year old, and that difference is not the season
            "customers much newer a year back": (habits(4000, rng.integers(0, 60, 4000), 440), 440, 90),
            "a horizon of a year": (habits(4000, rng.integers(0, 700, 4000), 800), 800, 365),
        }
        for name, (h, as_of, horizon) in cases.items():
            with self.subTest(name):
                self.assertEqual(crosssell.training_windows(h, as_of, horizon), [as_of - horizon])

    def test_no_lines_a_year_back_learns_on_the_last_window_alone(self):
        """Orders of two years but their lines only since day 500 (the rest imported without
        them): nothing to learn from a year back; the last window gets every training customer."""
        n = 4000
        full = habits(n, np.random.default_rng(1).integers(0, 700, n), 800)
        keep = np.flatnonzero(full.orders.day[full.lines.order] >= 500)
        orders = list(zip(full.orders.customer.tolist(), full.orders.day.tolist(), [30.0] * len(full.orders.day),
                          strict=True))
        lines = [(int(o), FILTER) for o in full.lines.order[keep]]
        h = from_lists(n, orders, lines)
        self.assertEqual(crosssell.training_windows(h, 800), [710, 435])
        model = crosssell.fit(h, 800, max_customers=1000)
        alone = crosssell.fit(h, 800, max_customers=1000, year_back=False)
        self.assertEqual(model.windows, alone.windows)
        self.assertEqual([t0 for t0, _rows in model.windows], [710])

    def test_purchases_of_some_customers_without_a_copy_of_their_history(self):
        """The purchases of some customers, read with their mask over the store's history: those of
        their own history (``History.restrict``), indexes or mask, with a first day or without."""
        h = synthetic.generate(2000, seed=12)
        some = np.sort(np.random.default_rng(1).choice(2000, 300, replace=False))
        mask = np.zeros(2000, dtype=bool)
        mask[some] = True
        for start in (None, 600):
            for level in ("product", "category"):
                expected = crosssell.purchases(h.restrict(some), 900, level, start=start)
                for customers in (some, mask):
                    got = crosssell.purchases(h, 900, level, start=start, customers=customers)
                    for a, b in zip(got, expected, strict=True):
                        np.testing.assert_array_equal(a, b)
                        self.assertEqual(a.dtype, np.int64)
        self.assertGreater(len(expected[0]), 100)

    def test_candidates_are_the_same_whatever_the_chunk(self):
        """Customers' co-purchase scores are computed a chunk at a time (dense customers x items
        arrays): every chunk size gives the same candidates in the same order."""
        h = synthetic.generate(3000, seed=13)
        stats, c, item, d = crosssell.sampled_stats(h, 900, "product")
        customers = np.unique(c)
        whole = crosssell.candidates(stats, c, item, d, customers, 900, chunk=len(customers))
        self.assertEqual(set(np.unique(whole.kind)), {REBUY, COPURCHASE, POPULAR})
        for chunk in (1, 7, 500):
            part = crosssell.candidates(stats, c, item, d, customers, 900, chunk=chunk)
            for name in ("customer", "item", "kind", "source", "cycle", "since", "X"):
                np.testing.assert_array_equal(getattr(part, name), getattr(whole, name), f"{name}, chunks of {chunk}")


def raw_offers(n, bend, seed=0):
    """``(raw probability, bought, customer, true chance)`` of ``n`` offers, three per customer, mostly under
    5 %: bought at the raw chance under 5 %, and above it at a chance whose log-odds rise ``bend``
    times as fast (1: Platt's straight line everywhere; under 1: it flattens where offers are shown)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(-3.5, 1.5, n)
    knee = np.log(0.05 / 0.95)
    truth = 1 / (1 + np.exp(-np.where(z < knee, z, knee + bend * (z - knee))))
    return 1 / (1 + np.exp(-z)), (rng.random(n) < truth).astype(int), np.arange(n) // 3, truth


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestShownRegionCalibration(BaseCase):
    """The offers' calibration: Platt scaling, refitted on the shown region when held-out rows say
    it fits there better."""

    def test_refitted_where_the_chance_flattens_above_the_bulk(self):
        p, y, customer, truth = raw_offers(60_000, bend=0.4)
        cal = order_model.ShownRegionCalibrator().fit(p, y, groups=customer)
        self.assertTrue(cal.on_region)
        self.assertGreater(cal.gain, cal.margin)
        platt = order_model.SigmoidCalibrator().fit(p, y)
        shown = platt.predict(p) >= crosssell.MIN_PROBABILITY
        # Platt's line, fitted by the bulk, over-promises the offers it would show
        self.assertGreater(platt.predict(p[shown]).mean() - truth[shown].mean(), 0.02)
        self.assertLess(abs(cal.predict(p[shown]).mean() - truth[shown].mean()), 0.01)
        self.assertTrue(np.all(np.diff(cal.predict(np.sort(p))) >= 0), "keeps the ranking")

    def test_platt_where_its_line_fits(self):
        p, y, customer, _truth = raw_offers(60_000, bend=1.0)
        cal = order_model.ShownRegionCalibrator().fit(p, y, groups=customer)
        self.assertFalse(cal.on_region)
        np.testing.assert_allclose(cal.predict(p), order_model.SigmoidCalibrator().fit(p, y).predict(p))

    def test_platt_when_the_region_is_too_small_to_tell(self):
        p, y, customer, _truth = raw_offers(600, bend=0.4)
        cal = order_model.ShownRegionCalibrator().fit(p, y, groups=customer)
        self.assertFalse(cal.on_region)
        np.testing.assert_allclose(cal.predict(p), order_model.SigmoidCalibrator().fit(p, y).predict(p))

    def test_one_customer_s_purchases_in_one_fold(self):
        """The folds are by customer: when one customer made every purchase, a fold learns from
        rows of one class only; it is left out (Platt's regression refuses one class), not the
        night's offers."""
        p, _y, customer, _truth = raw_offers(3_000, bend=0.4)
        y = np.zeros(len(p), int)
        y[:3] = 1  # customer 0's three offers
        cal = order_model.ShownRegionCalibrator().fit(p, y, groups=customer)
        self.assertFalse(cal.on_region)
        np.testing.assert_allclose(cal.predict(p), order_model.SigmoidCalibrator().fit(p, y).predict(p))

    def test_the_order_model_keeps_platt(self):
        rng = np.random.default_rng(3)
        X = rng.normal(size=(600, 2))
        y = (rng.random(600) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
        with order_model.limited_threads():
            _kind, _est, cal, _scores = order_model.select_and_calibrate(X, y, candidates=("logistic",))
            _kind, _est, offers, _scores = order_model.select_and_calibrate(
                X, y, candidates=("logistic",), groups=np.arange(600) // 3,
                calibrator=order_model.ShownRegionCalibrator())
        self.assertIsInstance(cal, order_model.SigmoidCalibrator)
        self.assertIsInstance(offers, order_model.ShownRegionCalibrator)
