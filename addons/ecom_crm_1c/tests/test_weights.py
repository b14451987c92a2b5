"""Which variants of a product take the weight 1C gives it (:func:`..tools.weights.weight_takers`). No database."""

from odoo.tests import BaseCase, tagged

from ..tools.weights import weight_takers


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestWeightTakers(BaseCase):
    def test_variants_of_1c_s_weight_before_or_none_take_the_new(self):
        """1C weighed the product 0.5: the sizes weighing 0.5 or nothing take 1C's 0.6; the store weighed one size
        0.7 itself: it keeps it."""
        self.assertEqual(weight_takers({"s": 0.5, "m": 0.7, "l": 0.0, "xl": 0.5}, 0.6, 0.5, 2), ["s", "l", "xl"])

    def test_sizes_the_store_weighed_one_weight_keep_it(self):
        """The store weighed every size 0.8 (not 1C's 0.5): they keep it, though they weigh one weight."""
        self.assertEqual(weight_takers({"s": 0.8, "m": 0.8}, 0.6, 0.5, 2), [])

    def test_the_same_weight_again_writes_nothing(self):
        """1C gives its weight before again: only a size of no weight takes it."""
        self.assertEqual(weight_takers({"s": 0.5, "m": 0.7, "l": 0.0}, 0.5, 0.5, 2), ["l"])
        self.assertEqual(weight_takers({"s": 0.5, "m": 0.7}, 0.5, 0.5, 2), [])

    def test_1c_s_weight_not_known_yet(self):
        """No 1C weight remembered (a product made before the database remembered it, the store's product 1C just
        bound): variants of one weight or of none take 1C's; of weights that differ, only those of none."""
        self.assertEqual(weight_takers({"s": 0.5, "m": 0.5, "l": 0.0}, 0.6, 0.0, 2), ["s", "m", "l"])
        self.assertEqual(weight_takers({"s": 0.0, "m": 0.0}, 0.6, 0.0, 2), ["s", "m"])
        self.assertEqual(weight_takers({"s": 0.2, "m": 0.25, "l": 0.0}, 0.4, 0.0, 2), ["l"])
        self.assertEqual(weight_takers({"s": 0.4, "m": 0.4}, 0.4, 0.0, 2), [], "weighing 1C's already")

    def test_weights_compared_as_odoo_keeps_them(self):
        """Weights are compared to the decimal places Odoo keeps (a float's last bit aside), exactly without."""
        self.assertEqual(weight_takers({"s": 0.13000000000000003, "m": 0.2}, 0.14, 0.13, 2), ["s"])
        self.assertEqual(weight_takers({"s": 0.13000000000000003, "m": 0.2}, 0.14, 0.13), [])
        self.assertEqual(weight_takers({"s": 0.004, "m": 0.2}, 0.3, 0.2, 2), ["s", "m"], "0.004 kept as none")
