"""RFM segments and the three groups managers act on.

RFM scores
----------
R (recency: fewer days since the last order is better), F (number of orders) and M (money
spent, net of returns) are each scored 1 (worst) to 5 (best) against the store's quintiles
among customers with orders: ``score = 1 + number of quintile boundaries (20/40/60/80th
percentiles) strictly below the value`` (for R the value is minus the days).  Ties stay
together: every one-order customer gets the same F, whatever their share.

RFM segments (the standard eleven)
----------------------------------
From R and FM = the rounded-up mean of F and M, by this table (rows R, columns FM 1..5)::

    R=5  new        potential  potential  champions  champions
    R=4  promising  potential  potential  loyal      champions
    R=3  about to sleep  about to sleep  need attention  loyal  loyal
    R=2  hibernating  hibernating  at risk  at risk  can't lose
    R=1  lost       lost       at risk    can't lose  can't lose

("potential" = potential loyalists.)

Groups (what a manager does about a customer)
---------------------------------------------
With ``p`` the calibrated probability of an order in the next 90 days (:mod:`.model`):

* **risk group** (valuable customers slipping away): FM >= 4 (top two fifths by orders and
  spend) **and** slipping: more than 1.5 times their usual gap since the last order, or
  BG/NBD's probability of still being active below 50 %, or R <= 2; **and** not gone for
  good: ``p >= 5 %``; **and** not about to order anyway: ``p < 90 %`` (a customer who buys
  every four days, a week after the last order, is late by their gap, and 99 % likely to order:
  calling them as «slipping away» would fill the list with orders that come by themselves).
  Priority weighs what is at stake (a year of their spending).
* **growth points** (likely to buy more than they do): not in the risk group, ``p`` at
  least the growth threshold (the store's 70th percentile of ``p``, and at least 25 %),
  and FM <= 3 (they do not yet buy as often or as much as the best customers).
* **watch group** (unclear prospects worth watching): the others with
  ``10 % <= p <`` the growth threshold, where a call can tip the balance.

Everyone else (champions already buying at their best, customers gone for good, customers
without orders) is in no group: no call is suggested.
"""

from dataclasses import dataclass

import numpy as np

from .texts import GROUP_LABELS, GROUP_REASONS, GROUPS, SEGMENT_LABELS, SEGMENTS  # noqa: F401 (the engine's names)

# English labels, translated by the ORM side.
_S = {name: i for i, name in enumerate(SEGMENTS)}
# GRID[R - 1][FM - 1]
GRID = np.array([
    [_S["lost"], _S["lost"], _S["at_risk"], _S["cant_lose"], _S["cant_lose"]],
    [_S["hibernating"], _S["hibernating"], _S["at_risk"], _S["at_risk"], _S["cant_lose"]],
    [_S["about_to_sleep"], _S["about_to_sleep"], _S["need_attention"], _S["loyal"], _S["loyal"]],
    [_S["promising"], _S["potential_loyalists"], _S["potential_loyalists"], _S["loyal"], _S["champions"]],
    [_S["new"], _S["potential_loyalists"], _S["potential_loyalists"], _S["champions"], _S["champions"]],
], dtype=np.int8)

GROWTH, RISK, WATCH, NO_GROUP = 0, 1, 2, -1


@dataclass(frozen=True)
class GroupRules:
    """The thresholds of the module docstring (defaults as documented there)."""

    valuable_fm: int = 4
    slipping_overdue: float = 1.5
    slipping_p_alive: float = 0.5
    slipping_r: int = 2
    risk_min_probability: float = 0.05
    risk_max_probability: float = 0.90
    growth_quantile: float = 0.70
    growth_min_probability: float = 0.25
    growth_max_fm: int = 3
    watch_min_probability: float = 0.10


def quintile_bounds(values, higher_is_better=True):
    """The four quintile boundaries of the finite ``values`` (negated when lower is better)."""
    v = np.asarray(values, dtype=np.float64)
    if not higher_is_better:
        v = -v
    v = v[np.isfinite(v)]
    return np.quantile(v, [0.2, 0.4, 0.6, 0.8]) if len(v) else np.full(4, np.inf)


def quintile_scores(values, higher_is_better=True, bounds=None):
    """1..5 per value against its own quintile boundaries (or ``bounds`` from
    :func:`quintile_bounds` of another population: an incremental run scores a few customers
    against the whole store's); 0 where the value is NaN."""
    v = np.asarray(values, dtype=np.float64)
    if not higher_is_better:
        v = -v
    out = np.zeros(len(v), dtype=np.int8)
    ok = np.isfinite(v)
    if not ok.any():
        return out
    if bounds is None:
        bounds = np.quantile(v[ok], [0.2, 0.4, 0.6, 0.8])
    out[ok] = 1 + np.searchsorted(bounds, v[ok], side="left")
    return out


RFM = (("recency", False), ("frequency", True), ("monetary", True))


def rfm_bounds(criteria):
    """The quintile boundaries of recency, frequency and monetary value in this store."""
    return {name: quintile_bounds(criteria.column(name), better) for name, better in RFM}


def rfm_scores(criteria, bounds=None):
    """``(R, F, M)`` int8 arrays 1..5 (0 for customers without orders), against ``bounds``
    (:func:`rfm_bounds`) when given."""
    return tuple(quintile_scores(criteria.column(name), better, None if bounds is None else bounds[name])
                 for name, better in RFM)


def fm_score(f, m):
    return ((f.astype(np.int16) + m + 1) // 2).astype(np.int8)


def rfm_segments(r, f, m):
    """Segment index into :data:`SEGMENTS` per customer (-1 without orders)."""
    fm = fm_score(f, m)
    ok = (r > 0) & (fm > 0)
    out = np.full(len(r), -1, dtype=np.int8)
    out[ok] = GRID[r[ok] - 1, fm[ok] - 1]
    return out


def growth_threshold(probability, rules=GroupRules()):
    p = probability[np.isfinite(probability)]
    q = float(np.quantile(p, rules.growth_quantile)) if len(p) else 1.0
    return max(q, rules.growth_min_probability)


def assign_groups(probability, r, f, m, overdue, p_alive, rules=GroupRules(), threshold=None):
    """Group code per customer: ``GROWTH``, ``RISK``, ``WATCH`` or ``NO_GROUP`` (see above).

    ``probability``: calibrated order probability (NaN for customers not scored);
    ``overdue``: days since the last order / usual gap (NaN if unknown); ``p_alive``: BG/NBD
    (NaN if unknown).
    """
    p = np.asarray(probability, dtype=np.float64)
    scored = np.isfinite(p) & (r > 0)
    fm = fm_score(f, m)
    with np.errstate(invalid="ignore"):
        slipping = (np.nan_to_num(overdue, nan=0.0) >= rules.slipping_overdue) \
            | (np.nan_to_num(p_alive, nan=1.0) < rules.slipping_p_alive) | (r <= rules.slipping_r)
        risk = (scored & (fm >= rules.valuable_fm) & slipping & (p >= rules.risk_min_probability)
                & (p < rules.risk_max_probability))
        if threshold is None:  # given by an incremental run: the whole store's
            threshold = growth_threshold(p[scored], rules) if scored.any() else 1.0
        growth = scored & ~risk & (p >= threshold) & (fm <= rules.growth_max_fm)
        watch = scored & ~risk & ~growth & (p >= rules.watch_min_probability) & (p < threshold)
    out = np.full(len(p), NO_GROUP, dtype=np.int8)
    out[growth] = GROWTH
    out[risk] = RISK
    out[watch] = WATCH
    return out
