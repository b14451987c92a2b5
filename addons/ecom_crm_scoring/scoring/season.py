"""The season ahead: the order model's percentages, checked against the same season last year.

The order model learns "ordered within 90 days" from the last months (snapshots at ``today - 90``,
``- 120``, ``- 150``). Its percentages hold for windows like those; when the coming 90 days are the
store's high season (autumn and the New Year for most stores) or its low one, they are off by the
season's swing, and not by the same amount for everyone: customers on a habit (capsules every month)
keep their rhythm, occasional buyers follow the season.

So the model is also applied as of ``today - 365``, to customers who were known then, and its
percentages are compared with what they did in the following ``horizon`` days, the same calendar
window as the coming one, last year. A logistic map of the model's log-odds (a slope and a shift,
so that the habits at the top and the occasional buyers in the middle are moved by different
amounts, and no percentage becomes 0 or 100) fitted to last year's outcomes recalibrates the coming
window. It needs a year of history before that day with enough customers on both sides; otherwise
there is no correction. Nor is there when the customers a year back were much newer than those the
model learned from (their median time as customers under half of theirs, :func:`comparable`): in a
store whose customers mostly came in its first months, "a year ago" is their first weeks, and the
map would move today's percentages by the difference between new and settled customers, not by the
season (on such a store it put a decile 21 points off, against 3 without it).
"""

import numpy as np

# isort: off
from . import openmp  # noqa: F401 (OpenMP's wait policy, before scikit-learn loads its runtime)
# isort: on
from sklearn.linear_model import LogisticRegression

EPS = 1e-6

YEAR = 365
MIN_CUSTOMERS = 2000  # customers known a year back, for a map of ten or more steps to mean something
MIN_EACH = 200  # buyers and non-buyers among them


MIN_TENURE_RATIO = 0.5  # median tenure a year back over the training customers' median tenure


def comparable(tenure_then, tenure_trained):
    """Whether customers of median tenure ``tenure_then`` (days, a year back) are like those the
    model learned from (median ``tenure_trained``; NaN or None: unknown, taken as comparable)."""
    if tenure_trained is None or not np.isfinite(tenure_trained) or tenure_trained <= 0:
        return True
    return bool(np.isfinite(tenure_then) and tenure_then >= MIN_TENURE_RATIO * tenure_trained)


def fit(probability, ordered, min_customers=MIN_CUSTOMERS, min_each=MIN_EACH):
    """The map from the model's percentages a year back (``probability``) to what those customers
    did (``ordered``, 0/1), or None when there are too few of them to tell."""
    probability = np.asarray(probability, dtype=np.float64)
    ordered = np.asarray(ordered).astype(np.float64)
    positives = int(ordered.sum())
    if len(ordered) < min_customers or positives < min_each or len(ordered) - positives < min_each:
        return None
    return SeasonMap(LogisticRegression(C=1e6).fit(_logit(probability)[:, None], ordered))


def _logit(p):
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


class SeasonMap:
    """Percentages → percentages, through the fitted logistic map of their log-odds (picklable)."""

    def __init__(self, logistic):
        self.logistic = logistic

    def predict(self, probability):
        return self.logistic.predict_proba(_logit(np.asarray(probability, dtype=np.float64))[:, None])[:, 1]
