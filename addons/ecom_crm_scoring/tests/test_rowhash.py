"""Row fingerprints without a database: equal rows, equal fingerprints; any value changed, in
any column and of any kind, a different one; stable across processes."""

import numpy as np

from odoo.tests import BaseCase, tagged

from ..tools.rowhash import row_hashes, salt


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestRowHashes(BaseCase):
    def columns(self):
        return [np.array([1, 2, -1, 2]), np.array([0.25, np.nan, 0.0, np.nan]),
                [None, '{"days": 47}', "x", '{"days": 47}'], np.array([True, False, True, False])]

    def test_equal_rows_have_equal_fingerprints(self):
        h = row_hashes(self.columns())
        self.assertEqual(h.dtype, np.int64, "what an int8 column holds")
        self.assertEqual(h[1], h[3], "rows 1 and 3 hold the same values")
        self.assertEqual(len(set(h.tolist())), 3)
        np.testing.assert_array_equal(h, row_hashes(self.columns()))

    def test_any_value_changed_changes_the_fingerprint(self):
        base = row_hashes(self.columns())
        for k in range(4):
            cols = self.columns()
            column = cols[k]
            if isinstance(column, list):
                column[1] = '{"days": 48}'
            elif column.dtype == bool:
                column[1] = True
            elif column.dtype.kind == "f":
                column[1] = 0.2501
            else:
                column[1] = 3
            changed = row_hashes(cols)
            self.assertNotEqual(changed[1], base[1], f"column {k}")
            self.assertEqual(np.delete(changed, 1).tolist(), np.delete(base, 1).tolist(), "other rows unchanged")

    def test_none_nan_zero_and_empty_text_are_told_apart(self):
        h = row_hashes([[None, 0, "", "0", 1, 1.0, -0.0, 0.5]])
        self.assertEqual(len(set(h[:5].tolist())), 5, "None, 0, '', '0' and 1 are five values")
        self.assertEqual((h[5], h[6]), (h[4], h[1]), "1.0 is 1 and -0.0 is 0 in a list of values")
        self.assertNotIn(h[7], h[:7].tolist())
        floats = row_hashes([np.array([np.nan, 0.0, -0.0, 1e-4])])
        self.assertEqual(floats[1], floats[2], "-0.0 is stored as 0.0")
        self.assertEqual(row_hashes([np.array([np.nan])])[0], row_hashes([[None]])[0], "NaN is stored as NULL")
        self.assertEqual(len({floats[0], floats[1], floats[3]}), 3)

    def test_the_order_of_the_columns_and_the_salt_count(self):
        a, b = np.array([1, 2]), np.array([2, 1])
        self.assertNotEqual(row_hashes([a, b])[0], row_hashes([b, a])[0])
        self.assertNotEqual(row_hashes([a], salt=salt(("x", "y")))[0], row_hashes([a], salt=salt(("y", "x")))[0])
        self.assertEqual(salt(("x", "y")), salt(("x", "y")))

    def test_stable_across_processes(self):
        # fixed arithmetic and BLAKE2b, no hash(): what a run stored last night, tonight's run recomputes
        self.assertEqual(row_hashes([np.array([7]), ["текст"]], salt=salt("codes")).tolist(),
                         [4259331745876101976])

    def test_columns_of_different_lengths_are_refused(self):
        with self.assertRaises(ValueError):
            row_hashes([np.array([1, 2]), [None]])
