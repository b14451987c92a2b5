"""RFM scoring: recency, frequency and monetary value, each as a quintile 1 (worst) to 5 (best).

The quintiles themselves are computed in SQL over the whole customer base (``NTILE(5)``);
this module turns them into a 0-100 score and a group a sales manager acts on:

* ``growth``: bought recently and can buy more (recent, not yet frequent or big);
* ``risk``: a valuable customer (frequent or big spender) who has not bought for a while;
* ``watch``: everybody else, nothing urgent.
"""

from dataclasses import dataclass

GROUPS = ("growth", "risk", "watch")
WEIGHTS = {"recency": 0.45, "frequency": 0.30, "monetary": 0.25}


@dataclass(frozen=True)
class RfmThresholds:
    recent: int = 4  # recency quintile from which a customer counts as recent
    lapsed: int = 2  # recency quintile up to which a customer counts as lapsed
    valuable: int = 4  # frequency or monetary quintile from which a customer is valuable


def _check(value, name):
    if not 1 <= value <= 5:
        raise ValueError(f"{name} quintile must be between 1 and 5, got {value!r}")


def score(recency, frequency, monetary):
    """Weighted RFM score from 0 (worst on every axis) to 100 (best on every axis)."""
    for value, name in ((recency, "recency"), (frequency, "frequency"), (monetary, "monetary")):
        _check(value, name)
    weighted = (WEIGHTS["recency"] * recency + WEIGHTS["frequency"] * frequency
                + WEIGHTS["monetary"] * monetary)
    return round((weighted - 1) / 4 * 100)


def classify(recency, frequency, monetary, thresholds=RfmThresholds()):
    """The group of a customer from their quintiles (see the module docstring)."""
    for value, name in ((recency, "recency"), (frequency, "frequency"), (monetary, "monetary")):
        _check(value, name)
    valuable = frequency >= thresholds.valuable or monetary >= thresholds.valuable
    if recency <= thresholds.lapsed and valuable:
        return "risk"
    if recency >= thresholds.recent and not (frequency >= thresholds.valuable and monetary >= thresholds.valuable):
        return "growth"
    return "watch"
