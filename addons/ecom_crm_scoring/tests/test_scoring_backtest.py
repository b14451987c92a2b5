"""Backtest metrics on cases computed by hand, the result's shape, the order model's parts."""

import dataclasses
import json
from unittest.mock import patch

import numpy as np

from odoo.tests import BaseCase, tagged

from ..scoring import backtest, criteria, engine, model, synthetic
from ..scoring.history import from_lists


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestBacktestMetrics(BaseCase):
    SCORE = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
    Y = np.array([1, 0, 1, 0, 0, 1, 0, 0, 0, 0])

    def test_auc_by_hand(self):
        # buyers at 0.9, 0.7 and 0.4 rank above 7, 6 and 4 of the 7 non-buyers: 17 / 21 pairs
        self.assertAlmostEqual(backtest.auc(self.SCORE, self.Y), 17 / 21)
        self.assertAlmostEqual(backtest.auc([0.5, 0.5, 0.1], [1, 0, 0]), (0.5 + 1) / 2, msg="ties count half")
        self.assertTrue(np.isnan(backtest.auc([0.1, 0.2], [0, 0])))

    def test_top_decile_lift_by_hand(self):
        # the top 10% is the first customer, a buyer: 100% against 30% overall
        self.assertAlmostEqual(backtest.top_decile_lift(self.SCORE, self.Y), 1 / 0.3)
        y = np.r_[np.zeros(18), np.ones(2)]
        self.assertAlmostEqual(backtest.top_decile_lift(np.arange(20.0), y), 1.0 / 0.1)  # 2 buyers on top
        self.assertAlmostEqual(backtest.top_decile_lift(-np.arange(20.0), y), 0.0)

    def test_brier_and_deciles_by_hand(self):
        expected = sum((s - y) ** 2 for s, y in zip(self.SCORE, self.Y, strict=True)) / 10
        self.assertAlmostEqual(backtest.brier(self.SCORE, self.Y), expected)
        p = np.linspace(0.05, 0.95, 20)
        y = np.array([0, 0] * 5 + [1, 1] * 5)
        dec = backtest.deciles(p, y)
        self.assertEqual(len(dec), 10)
        self.assertEqual([d["n"] for d in dec], [2] * 10)
        self.assertAlmostEqual(dec[0]["predicted"], (p[0] + p[1]) / 2)
        self.assertEqual([d["observed"] for d in dec], [0.0] * 5 + [1.0] * 5)

    def test_result_shape(self):
        h = synthetic.generate(3000, seed=11)
        settings = engine.Settings(snapshots=1, seed=0)
        r = backtest.backtest(h, 1005, 90, settings=settings, crosssell_customers=3000)
        json.dumps(r)  # serialisable as it is
        for key in ("customers", "positives", "auc", "top_decile_lift", "brier", "deciles", "baseline", "crosssell"):
            self.assertIn(key, r)
        known = h.as_of(1005).customers_with_orders()
        self.assertEqual(r["customers"], int(known.sum()))
        self.assertEqual(r["positives"], int((h.ordered_between(1005, 1095) & known).sum()))
        self.assertEqual(len(r["deciles"]), 10)
        self.assertEqual(sum(d["n"] for d in r["deciles"]), r["customers"])
        self.assertTrue(set(d) == {"predicted", "observed", "n"} for d in r["deciles"])
        for name in ("recency", "bgnbd"):
            self.assertEqual({"auc", "top_decile_lift"} - set(r["baseline"][name]), set())
        self.assertEqual({"brier", "deciles"} - set(r["crosssell"]), set())
        self.assertGreater(r["crosssell"]["suggestions"], 0)
        # under 2,000 customers a year back: the offers learn on the last 90 days alone
        self.assertEqual([w["days_before"] for w in r["crosssell"]["windows"]], [90])
        self.assertEqual(r["crosssell"]["windows"][0]["rows"], r["crosssell"]["train_rows"])
        text = backtest.format_table(r)
        self.assertIn("learned on the windows beginning 90 days before", text)
        self.assertIn("top-decile lift", text)
        # BG/NBD, the comparison, is fitted on everything before the day, not on the engine's
        # training day a horizon earlier (whose parameters the engine's criteria use)
        c = criteria.compute(h, 1005)
        self.assertEqual(r["baseline"]["bgnbd"]["params"],
                         dict(zip("r alpha a b".split(), map(float, c.bgnbd_params.as_tuple()), strict=True)))
        om = engine.learn_order_model(h, 1005, settings)
        self.assertNotEqual(tuple(map(float, om.bgnbd_params.as_tuple())), tuple(map(float, c.bgnbd_params.as_tuple())))
        self.assertIn("bgnbd", text)


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestOrderModel(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h = synthetic.generate(4000, seed=5)
        cls.train = criteria.compute(cls.h, 915)
        cls.rows, cls.y = model.training_rows(cls.train, cls.h, 90)
        cls.m = model.fit(cls.train, cls.rows, cls.y, horizon=90)

    def test_selection_by_cross_validated_log_loss(self):
        self.assertIn(self.m.kind, ("logistic", "boosting", "blend", "rhythm"))
        self.assertEqual({"logistic", "boosting", "blend", "rhythm"}, set(self.m.cv))
        best = min(v["log_loss"] for v in self.m.cv.values())
        self.assertEqual(self.m.cv[self.m.kind]["log_loss"], best)
        self.assertEqual(self.m.n_train, len(self.rows))

    def test_out_of_fold_fits_side_by_side_give_scikit_learns_answer(self):
        """The candidates x folds fits on two threads: each row's probability is the one
        ``cross_val_predict`` gives from the same folds, one fit after another."""
        from unittest.mock import patch

        from sklearn.model_selection import cross_val_predict

        X = np.ascontiguousarray(self.train.values[self.rows][:, :8], dtype=np.float32)
        y = self.y.astype(int)
        folds = model.group_folds(self.rows, y, 3)
        with model.limited_threads(), patch.object(model, "FIT_THREADS", 2):
            threaded = model.out_of_fold(X, y, ("logistic", "boosting"), folds)
        with model.limited_threads(), patch.object(model, "FIT_THREADS", 1):
            serial = model.out_of_fold(X, y, ("logistic", "boosting"), folds)
        for kind in ("logistic", "boosting"):
            with model.limited_threads():
                expected = cross_val_predict(model.make_estimator(kind, 0, len(y)), X, y, cv=folds,
                                             method="predict_proba")[:, 1]
            np.testing.assert_allclose(threaded[kind], expected, rtol=1e-9, err_msg=kind)
            np.testing.assert_array_equal(threaded[kind], serial[kind], err_msg=kind)

    def test_probabilities_and_reasons(self):
        c = criteria.compute(self.h, 1005)
        rows = np.flatnonzero(c.has_orders)
        p = self.m.predict(c, rows)
        self.assertTrue(((p >= 0) & (p <= 1)).all())
        names, values = model.top_reasons(self.m, c, rows[:200], k=3)
        self.assertEqual(names.shape, (200, 3))
        ok = names != ""
        self.assertTrue((values[ok] > 0).all(), "reasons to call raise the chance")
        self.assertTrue(set(names[ok]) <= set(self.m.features))
        # setting a criterion to its typical value removes its contribution
        contrib = model.contributions(self.m, c, rows[:50])
        self.assertEqual(contrib.shape, (50, len(self.m.features)))
        self.assertTrue(np.isnan(contrib[~np.isfinite(self.m.matrix(c, rows[:50]))]).all())

    def test_contributions_ask_each_tree_only_about_the_criteria_it_splits_on(self):
        """Gradient boosting's contributions, evaluated tree by tree (only the trees that split on
        a criterion asked again), are the model's log-odds asked once per criterion, alone and
        in a blend; the logistic model is asked once per criterion."""
        c = criteria.compute(self.h, 1005)
        rows = np.flatnonzero(c.has_orders)[:300]
        with model.limited_threads():
            X = self.m.matrix(self.train, self.rows)
            fitted = {kind: model.make_estimator(kind, 0, len(self.y)).fit(X, self.y)
                      for kind in ("logistic", "boosting")}
        fitted["blend"] = model.Blend([fitted["logistic"], fitted["boosting"]])
        for kind, est in fitted.items():
            m = dataclasses.replace(self.m, kind=kind, estimator=est)
            Xr = m.matrix(c, rows)
            self.assertTrue(np.isnan(Xr).any(), "criteria without data among them")
            base, expected = m.log_odds(Xr), np.empty(Xr.shape)
            for j in range(Xr.shape[1]):
                typical = Xr.copy()
                typical[:, j] = m.typical[j]
                expected[:, j] = base - m.log_odds(typical)
            expected[~np.isfinite(Xr)] = np.nan
            got = model.contributions(m, c, rows)
            np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4, err_msg=kind)
            with patch.object(model, "CONTRIBUTION_ROWS", 70):  # explained by slices of rows
                np.testing.assert_allclose(model.contributions(m, c, rows), got, rtol=1e-5, atol=1e-5, err_msg=kind)
            self.assertGreater(np.nanmax(np.abs(got)), 0.1, kind)
        with patch.object(type(fitted["boosting"]), "predict_proba", side_effect=AssertionError("asked per criterion")):
            model.contributions(dataclasses.replace(self.m, estimator=fitted["boosting"]), c, rows)

    def test_the_recent_customer_outranks_the_lapsed_one(self):
        h = from_lists(2, [(0, 900, 100.0), (0, 960, 100.0), (0, 990, 100.0),
                           (1, 300, 100.0), (1, 330, 100.0), (1, 360, 100.0)])
        c = criteria.compute(h, 1000, bgnbd_params=self.train.bgnbd_params)
        self.assertGreater(*self.m.predict(c, [0, 1]))

    def test_calibration_improves_the_out_of_fold_brier_score(self):
        """Calibrating the out-of-fold probabilities (customers kept to one fold) brings them
        closer to the observed outcomes (Platt scaling minimises their log loss, and the Brier
        score follows)."""
        with model.limited_threads():
            X = self.m.matrix(self.train, self.rows)
            kind, _est, _cal, scores = model.select_and_calibrate(X, self.y, seed=1, groups=self.rows)
        self.assertLess(scores[kind]["calibrated_brier"], scores[kind]["brier"] + 1e-9)

    def test_needs_both_classes(self):
        with self.assertRaises(ValueError):
            model.fit(self.train, self.rows[:10], np.zeros(10))
