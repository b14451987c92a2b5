"""The store's season: how much more (or less) it sells in the coming horizon than in the windows the
order model learned from.

The order model learns "ordered within 90 days" from the last months (snapshots at ``today - 90``,
``- 120``, ``- 150``). Its probabilities hold for a window like those; when the coming 90 days are
the store's high season (autumn and the New Year for most stores) or its low one, they are off by
the season's swing. The swing is read from the store's own last year, the same way for the training
windows and the coming one, so that a store's growth cancels out:

    index(D) = orders per day in [D - 365, D - 365 + horizon) / orders per day in [D - 365, D)

(how the window that starts at D went last year, against last year's average), and

    factor = index(today) / mean(index(training days)).

A customer's order rate scales with the factor, so a probability p of at least one order becomes
``1 - (1 - p) ** factor``. Without a year of history before every training day, or with too few
orders for the count to mean something, the factor is 1 (no correction).
"""

import numpy as np

YEAR = 365
MIN_ORDERS = 200  # orders in a window for its count to be read (Poisson noise about 7%)
BOUNDS = (0.5, 2.0)  # a correction beyond these is more likely noise or a change of business


def season_index(order_days, day, horizon, min_orders=MIN_ORDERS):
    """Last year's window starting at ``day`` against last year's average (None when unknown).

    ``order_days``: the days of the store's confirmed orders, sorted."""
    start = day - YEAR
    if len(order_days) == 0 or order_days[0] > start:
        return None  # no full year of history before ``day``
    lo, mid, hi = np.searchsorted(order_days, [start, start + horizon, day])
    window, year = mid - lo, hi - lo
    if window < min_orders or year < min_orders:
        return None
    return (window / horizon) / (year / YEAR)


def season_factor(order_days, today, train_days, horizon, min_orders=MIN_ORDERS, bounds=BOUNDS):
    """The factor of the coming ``horizon`` days against the training windows (1.0 when unknown)."""
    target = season_index(order_days, today, horizon, min_orders)
    trained = [season_index(order_days, day, horizon, min_orders) for day in train_days]
    if target is None or not trained or any(index is None for index in trained):
        return 1.0
    return float(np.clip(target / np.mean(trained), *bounds))


def adjust(probability, factor):
    """Probabilities of at least one order when the order rate is ``factor`` times higher."""
    if factor == 1.0:
        return probability
    return 1.0 - np.power(np.clip(1.0 - probability, 0.0, 1.0), factor)
