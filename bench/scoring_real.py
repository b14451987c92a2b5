"""The scoring engine on a real store's history, against the models a data scientist would fit.

    python bench/scoring_real.py [FILE ...] [--as-of YYYY-MM-DD|DAYS ...] [--horizon 90]

Default: CDNOW, the master (23,570 customers) and its 1/10 sample (2,357), from
``addons/ecom_crm_scoring/tests/data/cdnow`` (sources in that folder's ``SOURCES.md``): orders only
(a date and an amount), one line each, as a bare store has them. For each file and each day
(default 1997-10-01, 1998-01-01, 1998-04-01) it runs the backtest of the nightly job
(``scoring.backtest``: data before the day, the next 90 days to compare) and prints beside the
engine's figures those of

* BG/NBD fitted by maximum likelihood on the whole history before the day;
* a logistic regression on log recency, log frequency, log average order and log tenure, learned
  as of (day - horizon) against who ordered in the horizon after, applied on the day;
* recency alone.

AUC, top-decile lift, the largest gap between predicted and observed by decile (points) and the
Brier score; then the cross-sell offers the job would have made (a one-product store: re-buys due
by the customer's cycle, told the customer's order chance) against what was bought. Run it with
the project's virtualenv from the repository root.
"""

import argparse
import datetime
import gzip
import os
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "addons", "ecom_crm_scoring"))

from scoring import backtest  # noqa: E402
from scoring.history import from_transactions  # noqa: E402

DATA = os.path.join(ROOT, "addons", "ecom_crm_scoring", "tests", "data", "cdnow")
START = datetime.date(1997, 1, 1)


def read_cdnow(path):
    """(customer keys, days since 1997-01-01, dollars) of a CDNOW file (master: ``id date cds
    dollars``; sample: ``id sample_id date cds dollars``)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        rows = [r[-4:] for r in (line.split() for line in f) if r and r[0].isdigit()]
    days = np.array([(datetime.date(int(r[1][:4]), int(r[1][4:6]), int(r[1][6:])) - START).days for r in rows])
    return np.array([r[0] for r in rows]), days, np.array([float(r[3]) for r in rows])


def rfm_logistic(customer, day, amount, n, as_of, horizon):
    """The logistic regression's probabilities on ``as_of`` and who ordered after, for the
    customers with an order before it."""

    def features(t):
        before = day < t
        c, d, a = customer[before], day[before], amount[before]
        freq = np.bincount(c, minlength=n).astype(float)
        value = np.bincount(c, weights=a, minlength=n)
        last = np.full(n, -1)
        np.maximum.at(last, c, d)
        first = np.full(n, t)
        np.minimum.at(first, c, d)
        X = np.column_stack([np.log1p(t - last), np.log1p(freq), np.log1p(value / np.maximum(freq, 1)),
                             np.log1p(t - first)])
        return X, freq > 0

    def ordered(t):
        y = np.zeros(n, dtype=bool)
        y[customer[(day >= t) & (day < t + horizon)]] = True
        return y

    X_train, known = features(as_of - horizon)
    lr = LogisticRegression(max_iter=1000).fit(X_train[known], ordered(as_of - horizon)[known])
    X, known = features(as_of)
    return lr.predict_proba(X[known])[:, 1], ordered(as_of)[known]


def day_number(text):
    """``--as-of``'s value: a date (YYYY-MM-DD) or a number of days since 1997-01-01."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return (datetime.date.fromisoformat(text) - START).days
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD) nor a number of days: {text!r}") from None


def row(name, auc, lift, gap, brier):
    return f"  {name:<10} AUC {auc:.4f}  lift {lift:5.2f}  worst decile {gap * 100:4.1f} pts  Brier {brier:.4f}"


def print_comparison(r, p, y):
    """The engine's backtest ``r`` against BG/NBD (fitted on the day, in ``r``), the logistic
    regression's chances ``p`` for outcomes ``y`` and recency alone: a line each."""
    base = r["baseline"]
    print(row("engine", r["auc"], r["top_decile_lift"], r["max_decile_gap"], r["brier"]))
    if "bgnbd" in base:
        bg = base["bgnbd"]
        bg_gap = max(abs(d["predicted"] - d["observed"]) for d in bg["deciles"] if d["n"])
        print(row("BG/NBD", bg["auc"], bg["top_decile_lift"], bg_gap, bg["brier"]))
    lr_gap = max(abs(d["predicted"] - d["observed"]) for d in backtest.deciles(p, y) if d["n"])
    print(row("logistic", backtest.auc(p, y), backtest.top_decile_lift(p, y), lr_gap, backtest.brier(p, y)))
    print(f"  {'recency':<10} AUC {base['recency']['auc']:.4f}  lift {base['recency']['top_decile_lift']:5.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", default=[os.path.join(DATA, "CDNOW_master.txt.gz"),
                                                     os.path.join(DATA, "CDNOW_sample.txt.gz")])
    parser.add_argument("--as-of", type=day_number, nargs="+", default=[273, 365, 455],
                        help="YYYY-MM-DD, or days since 1997-01-01")
    parser.add_argument("--horizon", type=int, default=90)
    args = parser.parse_args()
    for path in args.files:
        keys, day, amount = read_cdnow(path)
        history, names = from_transactions(keys, day, amount)
        customer = np.searchsorted(names, keys)
        print(f"{os.path.basename(path)}: {history.n_customers} customers, {len(day)} orders")
        for as_of in args.as_of:
            started = time.perf_counter()
            r = backtest.backtest(history, as_of, args.horizon)
            seconds = time.perf_counter() - started
            print(f" as of {START + datetime.timedelta(days=as_of)}: {r['customers']} customers, "
                  f"{r['positives']} ordered in {args.horizon} days; model {r['model']['kind']}, "
                  f"{r['model']['train_rows']} training rows, {seconds:.1f} s")
            print_comparison(r, *rfm_logistic(customer, day, amount, history.n_customers, as_of, args.horizon))
            xs = r["crosssell"]
            if xs["suggestions"]:
                print(f"  offers     {xs['suggestions']} ({xs['accepted']} bought), worst decile "
                      f"{xs['max_decile_gap'] * 100:4.1f} pts  Brier {xs['brier']:.4f}")


if __name__ == "__main__":
    main()
