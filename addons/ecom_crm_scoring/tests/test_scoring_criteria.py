"""Each criterion on a tiny hand-made history, and the history's slicing "as of a day"."""

import threading
from unittest.mock import patch

import numpy as np

from odoo.tests import BaseCase, tagged

from ..scoring import bgnbd, criteria, history, synthetic, texts
from ..scoring.history import (
    LEAD_LOST,
    LEAD_OPEN,
    LEAD_WON,
    MAIL_CLICK,
    MAIL_OPEN,
    NEVER,
    OUTCOME_REFUSED,
    OUTCOME_SUCCESS,
    from_lists,
)

AS_OF = 1000


def store():
    """Customer 0: a regular (orders every 30 days, last 40 days ago), customer 1: one order,
    customer 2: no order at all, customer 3: an old customer whose orders slowed down."""
    orders = [
        # customer 0: days 840, 870, 900, 930, 960 (gaps 30), amounts 1000..; one cancelled, one returned
        (0, 840, 1000.0), (0, 870, 1000.0, True, 0.0, 100.0), (0, 900, 2000.0, True, 500.0),
        (0, 930, 1000.0), (0, 960, 1000.0), (0, 965, 700.0, False),
        (1, 990, 3000.0),
        # customer 3: four orders in the year before last half-year, one in the last half-year
        (3, 500, 100.0), (3, 700, 100.0), (3, 720, 100.0), (3, 740, 100.0), (3, 900, 400.0),
        # after AS_OF: must be ignored
        (1, 1000, 99999.0), (2, 1010, 5.0),
    ]
    lines = [
        (0, 10, 1), (1, 11, 2), (2, 11, 2), (2, 12, 1), (3, 11, 2), (4, 11, 2), (5, 13, 3),
        (6, 20, 4), (7, 30, -1), (8, 30, -1), (9, 30, -1), (10, 31, -1), (11, 31, -1), (12, 99, 9), (13, 99, 9),
    ]
    leads = [(0, 700, 720, LEAD_WON, -1), (3, 780, 800, LEAD_LOST, 1), (3, 950, 960, LEAD_LOST, 2),
             (3, 980, NEVER, LEAD_OPEN, -1, 2), (1, 990, 1005, LEAD_LOST, 1)]
    activities = [(0, 950, 955, OUTCOME_SUCCESS), (0, 990, NEVER, 0), (3, 900, 910, OUTCOME_REFUSED)]
    calls = [(1, 970), (1, 1001)]
    mailings = [(0, 950, MAIL_OPEN), (0, 951, MAIL_CLICK), (0, 800, MAIL_OPEN), (3, 600, MAIL_OPEN)]
    complaints = [(3, 995, NEVER), (0, 500, 510)]
    return from_lists(4, orders, lines, leads=leads, activities=activities, calls=calls, mailings=mailings,
                      complaints=complaints, opt_out={1: 900, 3: 1005}, reason_texts={1: "too expensive", 2: "not now"})


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestCriteria(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c = criteria.compute(store(), AS_OF, fit_bgnbd=False)

    def value(self, name, customer):
        return float(self.c.column(name)[customer])

    def assertNoData(self, name, customer):
        self.assertTrue(np.isnan(self.value(name, customer)), f"{name} of {customer} should be NaN")

    def test_the_rhythms_sentences_say_the_horizon(self):
        """BG/NBD's expectations look as far ahead as the store's horizon: their sentences say it
        (they said 90 days whatever it was)."""
        for horizon in (90, 30):
            c = criteria.compute(store(), AS_OF, horizon=horizon)
            for name in ("expected_orders", "rhythm_probability"):
                template, params = criteria.describe(c, 0, name)
                self.assertEqual(params["days"], str(horizon))
                self.assertIn(f"next {horizon} days", template % params)
            self.assertEqual(c.subset(np.array([0])).horizon, horizon)

    def test_every_criterion_has_a_sentence(self):
        self.assertGreaterEqual(len(criteria.NAMES), 17)
        self.assertEqual(set(criteria.NAMES), set(criteria.TEMPLATES))
        self.assertEqual(set(criteria.NAMES), set(criteria.PARAMS))
        self.assertEqual(self.c.values.shape, (4, len(criteria.NAMES)))
        self.assertEqual(self.c.values.dtype, np.float32)
        for name in criteria.NAMES:
            template, params = criteria.describe(self.c, 0, name)
            self.assertIsInstance(template % params, str)
        # the amounts the ORM side writes in the store's currency (texts has no numpy to read PARAMS)
        money = {(name, key) for name, params in criteria.PARAMS.items()
                 for key, (_source, kind) in params.items() if kind == "money"}
        self.assertEqual(money, {(name, key) for name, keys in texts.MONEY_PARAMS.items() for key in keys})
        # and the decimal numbers it writes with the reader's decimal separator («0,9» in Russian)
        decimals = {(name, key) for name, params in criteria.PARAMS.items()
                    for key, (_source, kind) in params.items() if kind == "dec"}
        self.assertEqual(decimals, {(name, key) for name, keys in texts.DECIMAL_PARAMS.items() for key in keys})

    def test_recency_frequency_monetary(self):
        self.assertEqual(self.value("recency", 0), 40)
        self.assertEqual(self.value("recency", 1), 10)
        self.assertEqual(self.value("frequency", 0), 5, "the cancelled order does not count")
        self.assertEqual(self.value("monetary", 0), 6000 - 500, "net of the returned amount")
        # the average order the customer kept (what the model weighs and the sentence says alike):
        # 6,000 ordered in 5 orders, 500 of it sent back
        self.assertEqual(self.value("avg_order", 0), 1100)
        self.assertEqual(criteria.describe(self.c, 0, "avg_order")[1], {"amount": "1100"})
        self.assertEqual(self.value("tenure", 0), 160)
        # told from the last day counted (as_of - 1), as the customer card counts: 39 and 159 days
        self.assertEqual(criteria.describe(self.c, 0, "recency")[1], {"days": "39"})
        self.assertEqual(criteria.describe(self.c, 0, "tenure")[1], {"days": "159"})
        for name in ("recency", "frequency", "monetary", "avg_order", "tenure"):
            self.assertNoData(name, 2)

    def test_usual_gap_overdue_regularity(self):
        self.assertEqual(self.value("usual_gap", 0), 30)
        self.assertAlmostEqual(self.value("overdue", 0), 40 / 30, places=5)
        self.assertEqual(self.value("regularity", 0), 0.0, "clockwork")
        self.assertNoData("usual_gap", 1)  # a single order has no gap
        self.assertNoData("overdue", 1)
        # customer 3: gaps 200, 20, 20, 160 -> median 90; variation std/mean
        self.assertEqual(self.value("usual_gap", 3), 90)
        gaps = np.array([200, 20, 20, 160.0])
        self.assertAlmostEqual(self.value("regularity", 3), gaps.std() / gaps.mean(), places=5)
        # the criterion counts to the day before as_of's end (40); a person counts from that day: 39
        self.assertEqual(criteria.describe(self.c, 0, "overdue"),
                         ("usually orders every %(gap)s days, %(days)s days since the last order",
                          {"gap": "30", "days": "39"}))

    def test_trends_and_recent_orders(self):
        # customer 3: last 182 days (from 818): 1 order of 400; the 182 before (636-818): 3 of 100
        self.assertAlmostEqual(self.value("revenue_trend", 3), (400 - 300) / 700, places=5)
        self.assertAlmostEqual(self.value("frequency_trend", 3), (1 - 3) / 4, places=5)
        self.assertNoData("revenue_trend", 0)  # a customer for less than a year: no trend yet
        self.assertEqual(self.value("orders_90", 0), 2)  # 930 and 960 (965 was cancelled)
        self.assertEqual(self.value("orders_90", 1), 1)

    def test_breadth_returns_cancellations_discounts(self):
        self.assertEqual(self.value("category_breadth", 0), 2)  # categories 1 and 2 (3 is on the cancelled order)
        self.assertEqual(self.value("product_breadth", 0), 3)  # 10, 11, 12
        self.assertAlmostEqual(self.value("return_share", 0), 500 / 6000, places=5)
        self.assertAlmostEqual(self.value("cancel_share", 0), 1 / 6, places=5)
        self.assertAlmostEqual(self.value("discount_share", 0), 100 / 6100, places=5)
        self.assertEqual(self.value("return_share", 1), 0)

    def test_rebuy_cycle(self):
        # customer 0 bought product 11 on days 870, 900, 930, 960: every 30 days, 40 days ago
        self.assertAlmostEqual(self.value("rebuy_due", 0), 40 / 30, places=5)
        self.assertEqual(criteria.describe(self.c, 0, "rebuy_due")[1], {"cycle": "30", "days": "39"})
        self.assertEqual(int(self.c.extra["rebuy_product"][0]), 11)
        self.assertNoData("rebuy_due", 1)

    def test_interactions(self):
        self.assertEqual(self.value("days_since_contact", 0), 45)  # activity done on 955
        self.assertEqual(self.value("days_since_contact", 1), 30)  # the call of 970 (1001 is later)
        self.assertEqual(self.value("open_activities", 0), 1)
        self.assertEqual(self.value("open_opportunities", 3), 1)
        # the lead lost on 1005 was still open as of 1000
        self.assertEqual(self.value("open_opportunities", 1), 1)
        self.assertEqual(self.value("opportunity_stage", 3), 2)
        self.assertNoData("opportunity_stage", 1)  # its stage is not known
        self.assertEqual(self.value("won_opportunities", 0), 1)
        # customer 3: refused on 800 (too old), 910 (activity) and 960 (lead, "not now")
        self.assertEqual(self.value("recent_refusals", 3), 2)
        template, params = criteria.describe(self.c, 3, "recent_refusals")
        self.assertEqual(template % params, "refused 2 times in the last 6 months: not now")
        self.assertEqual(self.value("mail_engagement", 0), 3)  # an open and a click (counted twice) since 910
        self.assertEqual(self.value("days_since_mail", 0), 49)
        self.assertNoData("days_since_mail", 1)
        self.assertEqual(self.value("opted_out", 1), 1)
        self.assertEqual(self.value("opted_out", 3), 0, "opting out on 1005 is not known on 1000")
        self.assertEqual(self.value("complaints", 3), 1)
        self.assertTrue(self.c.extra["open_complaint"][3])
        self.assertFalse(self.c.extra["open_complaint"][0])

    def test_orders_only_store_drops_what_it_lacks(self):
        bare = from_lists(3, [(0, 900, 10.0), (0, 950, 20.0), (1, 990, 5.0), (2, 100, 7.0)])
        c = criteria.compute(bare, AS_OF, fit_bgnbd=False)
        available = set(c.available())
        self.assertTrue({"recency", "frequency", "monetary", "tenure"} <= available)
        for name in ("category_breadth", "product_breadth", "days_since_contact", "open_activities",
                     "mail_engagement", "opted_out", "return_share", "cancel_share", "discount_share",
                     "recent_refusals", "complaints", "opportunity_stage"):
            self.assertNotIn(name, available)
            self.assertTrue(np.isnan(c.column(name)).all(), name)

    def test_bgnbd_criteria(self):
        h = synthetic.generate(800, seed=3, orders_only=True)
        c = criteria.compute(h, 1000)
        self.assertIsNotNone(c.bgnbd_params)
        p = c.column("p_alive")[c.has_orders]
        self.assertTrue(((p > 0) & (p <= 1)).all())
        self.assertTrue((c.column("expected_orders")[c.has_orders] >= 0).all())
        self.assertTrue(np.isnan(c.column("p_alive")[~c.has_orders]).all())
        # BG/NBD's own figures for each customer with orders (computed beside the lines' criteria)
        x, t_x, T = (c.extra[name][c.has_orders] for name in ("bgnbd_x", "bgnbd_t_x", "bgnbd_T"))
        params = c.bgnbd_params
        for name, figures in (("p_alive", bgnbd.p_alive(params, x, t_x, T)),
                              ("expected_orders", bgnbd.expected_purchases(params, 90, x, t_x, T)),
                              ("rhythm_probability", bgnbd.prob_purchase(params, 90, x, t_x, T))):
            np.testing.assert_array_equal(c.column(name)[c.has_orders], figures.astype(np.float32), name)
        self.assertTrue(c.values.flags.c_contiguous, "laid out by rows, as the models read them")

    def test_the_lines_criteria_computed_in_their_thread_are_those_computed_inline(self):
        """With ``beside``, the lines' criteria run in a thread while BG/NBD's columns are
        computed, both writing into the criteria: every column and extra the same as one after
        the other."""
        h = synthetic.generate(800, seed=5)
        threads = []
        line_criteria = criteria._line_criteria

        def recording(*args):
            threads.append(threading.current_thread().name)
            return line_criteria(*args)

        with patch.object(criteria, "_line_criteria", recording):
            threaded = criteria.compute(h, 1000, beside=True)
            inline = criteria.compute(h, 1000)
        self.assertTrue(threads[0].startswith("ecom_scoring_lines"), threads)
        self.assertEqual(threads[1], threading.current_thread().name)
        for name in ("product_breadth", "category_breadth", "rebuy_due", "p_alive"):
            self.assertTrue(np.isfinite(threaded.column(name)).any(), name)
        np.testing.assert_array_equal(threaded.values, inline.values)
        self.assertEqual(list(threaded.extra), list(inline.extra))
        for name, values in inline.extra.items():
            self.assertEqual(threaded.extra[name].dtype, values.dtype, name)
            np.testing.assert_array_equal(threaded.extra[name], values, name)

    def test_as_of_slicing(self):
        h = store()
        past = h.as_of(AS_OF)
        self.assertTrue((past.orders.day < AS_OF).all())
        self.assertEqual(len(past.orders), 12)
        self.assertEqual(len(past.lines), 13, "lines follow their orders")
        self.assertTrue((past.orders.customer[past.lines.order] <= 3).all())
        # the lead lost on 1005 is open as of 1000
        self.assertEqual(int(past.leads.status[past.leads.customer == 1][0]), LEAD_OPEN)
        self.assertEqual(h.ordered_between(AS_OF, AS_OF + 90).tolist(), [False, True, True, False])

    def test_a_sample_on_its_own_history(self):
        """A training sample's history, renumbered: the same criteria as those customers' rows in
        the store's history (its numbering kept), every table and per-customer column following."""
        h = synthetic.generate(3000, seed=4)
        sample = np.sort(np.random.default_rng(0).choice(h.n_customers, 700, replace=False))
        small = h.compact(sample)
        self.assertEqual(small.n_customers, 700)
        self.assertEqual(small.manager.tolist(), h.manager[sample].tolist())
        self.assertEqual(small.opt_out_day.tolist(), h.opt_out_day[sample].tolist())
        for name in ("leads", "activities", "calls", "mailings"):
            table = getattr(h, name)
            if table is not None:
                kept = np.isin(table.customer, sample)
                self.assertEqual(sample[getattr(small, name).customer].tolist(), table.customer[kept].tolist(), name)
        whole = criteria.compute(h.restrict(sample), 900, seed=3)
        alone = criteria.compute(small, 900, seed=3)
        np.testing.assert_array_equal(alone.values, whole.values[sample])
        np.testing.assert_array_equal(alone.has_orders, whole.has_orders[sample])
        self.assertEqual(alone.bgnbd_params, whole.bgnbd_params)
        np.testing.assert_array_equal(small.ordered_between(900, 990), h.ordered_between(900, 990)[sample])

    def test_median_by_group(self):
        """Medians per group by hand (odd and even sizes, an empty group, negative values), then
        whole values by their integer key against fractional ones by lexsort on random groups."""
        group = np.array([0, 0, 0, 2, 2, 3, 3, 3, 3])
        values = np.array([5.0, 1.0, 3.0, 10.0, -4.0, 7.0, 2.0, 2.0, 9.0])
        np.testing.assert_array_equal(criteria._median_by_group(group, values, 5),
                                      [3.0, np.nan, 3.0, 4.5, np.nan])
        np.testing.assert_array_equal(criteria._median_by_group(group, values + 0.5, 5),
                                      [3.5, np.nan, 3.5, 5.0, np.nan])
        rng = np.random.default_rng(3)
        group = np.sort(rng.integers(0, 5000, 40_000))
        days = rng.integers(0, 800, len(group)).astype(np.float64)
        by_key = criteria._median_by_group(group, days, 5001)
        by_lexsort = criteria._median_by_group(group, days + 0.25, 5001) - 0.25
        np.testing.assert_allclose(by_key, by_lexsort)
        self.assertTrue(np.isnan(by_key[5000]))

    def test_distinct_purchases_unpacked_by_blocks(self):
        """The distinct (customer, product, day) of random lines, unpacked from their packed keys a
        few at a time, and by the three-key sort when they do not fit in 62 bits: what a plain
        ``np.unique`` of the rows gives, in its order."""
        rng = np.random.default_rng(5)
        cust = rng.integers(0, 300, 20_000).astype(np.int32)
        prod = rng.integers(0, 40, len(cust)).astype(np.int32)
        day = rng.integers(500, 560, len(cust)).astype(np.int32)
        expected = np.unique(np.column_stack([cust, prod, day]), axis=0)
        for block in (7, 4096, history.UNPACK_BLOCK):
            with patch.object(history, "UNPACK_BLOCK", block):
                got = history.distinct_purchases(cust, prod, day, 300)
            self.assertEqual([a.dtype for a in got], [np.int32] * 3)
            np.testing.assert_array_equal(np.column_stack(got), expected, f"blocks of {block}")
        # 30-bit product ids of a store counted in billions of customers: no packed key
        got = history.distinct_purchases(cust, prod * (1 << 24), day, 1 << 30)
        np.testing.assert_array_equal(np.column_stack(got), expected * [1, 1 << 24, 1])

    def test_rebuy_cycle_against_each_customers_purchases(self):
        """The re-buy criterion of every customer of a synthetic store against its definition, one
        customer at a time: of the products bought on three days or more, the one bought on most
        days (ties: the last bought, then the lowest id), the median of its gaps, the days since."""
        h = synthetic.generate(400, seed=7)
        as_of = 900
        c = criteria.compute(h, as_of, fit_bgnbd=False)
        o, li = h.orders, h.lines
        on = (o.day[li.order] < as_of) & o.confirmed[li.order] & (li.product >= 0)
        customer, product, day = o.customer[li.order][on], li.product[on], o.day[li.order][on]
        checked = 0
        for k in range(h.n_customers):
            days = {}
            for p, d in zip(product[customer == k].tolist(), day[customer == k].tolist(), strict=True):
                days.setdefault(p, set()).add(d)
            often = [(-len(ds), as_of - max(ds), p, sorted(ds)) for p, ds in days.items() if len(ds) >= 3]
            if not often:
                self.assertEqual(int(c.extra["rebuy_product"][k]), -1)
                self.assertTrue(np.isnan(c.column("rebuy_due")[k]))
                continue
            _n, since, p, ds = min(often)
            cycle = float(np.median(np.diff(ds)))
            self.assertEqual(int(c.extra["rebuy_product"][k]), p, k)
            self.assertEqual(float(c.extra["rebuy_cycle"][k]), cycle, k)
            self.assertEqual(float(c.extra["rebuy_days"][k]), since, k)
            self.assertAlmostEqual(float(c.column("rebuy_due")[k]), since / max(cycle, 1), places=5)
            checked += 1
        self.assertGreater(checked, 20)

    def test_a_day_before_every_order_gives_criteria_without_data(self):
        """Orders with lines, all after the day (a backtest's early date): nobody has orders yet,
        every order criterion is empty, none fails; a day later the first customer has one."""
        h = from_lists(2, [(0, 500, 100.0), (1, 600, 50.0)], [(0, 10, 1), (1, 11, 2)])
        before = criteria.compute(h, 400)
        self.assertEqual(before.has_orders.tolist(), [False, False])
        self.assertTrue(np.isnan(before.column("recency")).all())
        self.assertTrue(np.isnan(before.column("usual_gap")).all())
        between = criteria.compute(h, 550)
        self.assertEqual(between.has_orders.tolist(), [True, False])
        self.assertEqual(between.column("recency")[0], 50)
