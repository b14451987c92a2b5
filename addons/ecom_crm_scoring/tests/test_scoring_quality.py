"""Quality on synthetic stores: the advice beats the baselines and its percentages hold.

The stores are large enough for the checks to mean something (about 1,850 customers per
decile for the order probability, about 1,000 suggestions per decile for cross-sell: a
5-point gap is then 3 to 4 standard errors).  They take a minute or two of CPU in all.
"""

import numpy as np

from odoo.tests import BaseCase, tagged

from ..scoring import backtest, crosssell, engine, synthetic

AS_OF = 1005  # the synthetic stores' histories run from day 0 to day 1095
HORIZON = 90


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestQuality(BaseCase):
    def check_order_model(self, result):
        base = result["baseline"]
        for name in ("recency", "bgnbd"):
            with self.subTest(baseline=name):
                self.assertGreater(result["auc"], base[name]["auc"])
                self.assertGreater(result["top_decile_lift"], base[name]["top_decile_lift"])
        for i, d in enumerate(result["deciles"], 1):
            with self.subTest(decile=i):
                self.assertLessEqual(abs(d["predicted"] - d["observed"]), 0.05, d)
        self.assertLess(result["brier"], base["bgnbd"]["brier"])

    def test_full_store(self):
        """Orders with lines and categories, leads, activities, calls, mailings, opt-outs."""
        h = synthetic.generate(20_000, seed=3)
        result = backtest.backtest(h, AS_OF, HORIZON, crosssell_customers=0)
        self.assertGreater(result["customers"], 18_000)
        self.check_order_model(result)

    def test_orders_only_store(self):
        """What a bare store has: orders with one product line each, nothing else."""
        h = synthetic.generate(20_000, seed=1, orders_only=True)
        self.assertTrue((h.lines.category == -1).all())
        self.assertIsNone(h.leads)
        result = backtest.backtest(h, AS_OF, HORIZON, crosssell_customers=0)
        self.assertNotIn("mail_engagement", result["model"]["features"])
        self.check_order_model(result)

    def test_crosssell_calibration(self):
        h = synthetic.generate(40_000, seed=4)
        rows = np.flatnonzero(h.as_of(AS_OF).customers_with_orders())
        # the offers as the job shows them: none above the customer's chance of an order
        ordered = engine.run(h, AS_OF, engine.Settings(), explain=False, plan=False, suggest=False).probability
        result = backtest._crosssell(h, AS_OF, HORIZON, rows, engine.Settings(), len(rows), 0, ordered)
        self.assertGreater(result["suggestions"], 8000)
        for i, d in enumerate(result["deciles"], 1):
            with self.subTest(decile=i):
                self.assertLessEqual(abs(d["predicted"] - d["observed"]), 0.05, d)
                self.assertGreaterEqual(d["predicted"], crosssell.MIN_PROBABILITY)
                self.assertLessEqual(d["predicted"], crosssell.MAX_PROBABILITY)
