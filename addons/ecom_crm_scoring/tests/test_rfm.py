"""Scoring maths, no database."""


from odoo.tests import BaseCase, tagged

from ..scoring import RfmThresholds, classify, score


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestRfm(BaseCase):
    """Plain Python: BaseCase only so that Odoo's own runner (--test-tags) finds it too; no database."""

    def test_score_bounds_and_order(self):
        self.assertEqual(score(1, 1, 1), 0)
        self.assertEqual(score(5, 5, 5), 100)
        self.assertGreater(score(5, 1, 1), score(1, 5, 1), "recency weighs most")
        self.assertGreater(score(1, 5, 1), score(1, 1, 5), "then frequency")

    def test_groups(self):
        cases = {
            (1, 5, 5): "risk",      # a best customer who stopped buying
            (2, 1, 4): "risk",      # a big spender gone quiet
            (5, 1, 1): "growth",    # bought once, recently
            (4, 3, 2): "growth",
            (5, 5, 5): "watch",     # already at the top: keep, nothing urgent
            (3, 3, 3): "watch",
            (1, 1, 1): "watch",     # lapsed small buyer: not worth a call
        }
        for (r, f, m), group in cases.items():
            with self.subTest(rfm=(r, f, m)):
                self.assertEqual(classify(r, f, m), group)

    def test_thresholds(self):
        self.assertEqual(classify(3, 4, 1), "watch")
        self.assertEqual(classify(3, 4, 1, RfmThresholds(lapsed=3)), "risk")

    def test_rejects_out_of_range(self):
        for bad in ((0, 1, 1), (1, 6, 1), (1, 1, None)):
            with self.subTest(bad=bad), self.assertRaises((ValueError, TypeError)):
                score(*bad)
