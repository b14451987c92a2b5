"""BG/NBD: the likelihood against direct integration, predictions against simulation."""

import numpy as np
from scipy import integrate, stats

from odoo.tests import BaseCase, tagged

from ..scoring import bgnbd

PARAMS = bgnbd.BgNbdParams(r=0.8, alpha=3.0, a=1.5, b=4.0)


def likelihood_by_integration(params, x, t_x, T):
    """The individual-level likelihood integrated over lambda ~ Gamma(r, alpha) and
    p ~ Beta(a, b) numerically: an independent check of the closed form."""
    r, alpha, a, b = params.as_tuple()

    def integrand(p, lam):
        alive = (1 - p) ** x * lam ** x * np.exp(-lam * T)
        gone = p * (1 - p) ** (x - 1) * lam ** x * np.exp(-lam * t_x) if x > 0 else 0.0
        return (alive + gone) * stats.gamma.pdf(lam, r, scale=1 / alpha) * stats.beta.pdf(p, a, b)

    value, _ = integrate.dblquad(integrand, 0, 50, 0, 1, epsabs=1e-11, epsrel=1e-8)
    return value


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestBgNbd(BaseCase):
    def test_likelihood_matches_numerical_integration(self):
        for x, t_x, T in ((0, 0.0, 10.0), (2, 5.0, 10.0), (5, 8.5, 12.0), (1, 0.5, 30.0)):
            with self.subTest(x=x, t_x=t_x, T=T):
                closed = np.exp(bgnbd.log_likelihood(PARAMS.as_tuple(), [x], [t_x], [T]))[0]
                self.assertAlmostEqual(closed / likelihood_by_integration(PARAMS, x, t_x, T), 1.0, places=5)

    def test_weighted_likelihood_is_the_sum(self):
        x, t_x, T = np.array([0, 1, 3]), np.array([0, 2.0, 7.0]), np.array([9.0, 9.0, 9.0])
        rows = bgnbd.log_likelihood(PARAMS.as_tuple(), x, t_x, T)
        self.assertAlmostEqual(bgnbd.log_likelihood(PARAMS.as_tuple(), x, t_x, T, np.array([1, 2, 3])),
                               rows[0] + 2 * rows[1] + 3 * rows[2])

    def test_closed_forms(self):
        # nobody who never repeated can have left (dropout happens only after a purchase)
        self.assertTrue(np.allclose(bgnbd.p_alive(PARAMS, [0, 0], [0, 0], [30, 300]), 1.0))
        # buying just now: alive; a long silence after a busy start: probably gone
        alive = bgnbd.p_alive(PARAMS, [5, 5], [300, 60], [300, 300])
        self.assertAlmostEqual(alive[0], 1.0 / (1 + PARAMS.a / (PARAMS.b + 4)), places=9)
        self.assertLess(alive[1], 0.2)
        # a brand-new customer's conditional expectation is the unconditional one
        self.assertAlmostEqual(bgnbd.expected_purchases(PARAMS, 200, np.zeros(1), np.zeros(1), np.zeros(1))[0],
                               bgnbd.unconditional_expected(PARAMS, 200), places=9)
        # the hypergeometric form agrees with the quadrature used when a <= 1
        x, t_x, T = np.array([0.0, 1, 4, 10]), np.array([0.0, 20, 100, 140]), np.array([150.0, 150, 150, 150])
        closed = bgnbd.expected_purchases(PARAMS, 90, x, t_x, T)
        quad = bgnbd._expected_by_quadrature(PARAMS, 90 / 7, x, t_x / 7, T / 7)
        self.assertTrue(np.allclose(closed, quad, rtol=1e-6), (closed, quad))

    def test_predictions_match_simulation(self):
        n = 40_000
        T = np.random.default_rng(1).integers(60, 400, n).astype(float)
        x, t_x, T, future = bgnbd.simulate(PARAMS, n, T, seed=2, future_days=90)
        expected = bgnbd.expected_purchases(PARAMS, 90, x, t_x, T)
        prob = bgnbd.prob_purchase(PARAMS, 90, x, t_x, T)
        self.assertAlmostEqual(expected.sum() / future.sum(), 1.0, delta=0.04)
        self.assertAlmostEqual(prob.sum() / (future > 0).sum(), 1.0, delta=0.04)
        # and per group of customers: the busiest repeaters
        busy = x >= 5
        self.assertAlmostEqual(expected[busy].sum() / future[busy].sum(), 1.0, delta=0.08)
        # the unconditional mean of a cohort observed 200 days
        x200, _, _, _ = bgnbd.simulate(PARAMS, n, 200, seed=3)
        self.assertAlmostEqual(x200.mean() / bgnbd.unconditional_expected(PARAMS, 200), 1.0, delta=0.04)

    def test_fit_recovers_known_parameters(self):
        """Parameters of the CDNOW fit (Fader, Hardie & Lee 2005), recovered from a population
        simulated from them (daily data, observed 27 to 39 weeks as in the CDNOW cohort)."""
        cdnow = bgnbd.BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
        n = 30_000
        T = np.random.default_rng(4).integers(27 * 7, 39 * 7, n).astype(float)
        x, t_x, T, _ = bgnbd.simulate(cdnow, n, T, seed=5)
        fitted = bgnbd.fit(x, np.round(t_x), T)
        for name, true, tol in (("r", 0.243, 0.15), ("alpha", 4.414, 0.2), ("a", 0.793, 0.3), ("b", 2.426, 0.35)):
            with self.subTest(parameter=name):
                self.assertAlmostEqual(getattr(fitted, name) / true, 1.0, delta=tol)
        # the fitted likelihood is at least as good as the true parameters'
        true_ll = bgnbd.log_likelihood((0.243, 4.414, 0.793, 2.426), x, np.round(t_x) / 7, T / 7).sum()
        fit_ll = bgnbd.log_likelihood(fitted.as_tuple(), x, np.round(t_x) / 7, T / 7).sum()
        self.assertGreaterEqual(fit_ll, true_ll - 1e-6)

    def test_summarise(self):
        # customer 0: orders on days 10, 10 (same day: one occasion), 30, 50; customer 2: one order
        x, t_x, T, has = bgnbd.summarise([0, 0, 0, 0, 2], [10, 10, 30, 50, 40], as_of=100, n_customers=3)
        self.assertEqual(list(x), [2, 0, 0])
        self.assertEqual(list(t_x), [40, 0, 0])
        self.assertEqual(list(T), [90, 0, 60])
        self.assertEqual(list(has), [True, False, True])

    def test_nothing_to_fit(self):
        with self.assertRaises(ValueError):
            bgnbd.fit([0, 0], [0, 0], [0, 0])
