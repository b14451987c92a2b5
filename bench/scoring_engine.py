"""Timings and peak memory of the scoring engine at the nightly job's scale.

    python bench/scoring_engine.py [--customers 1000000] [--full [--lines-per-order 2.15]]
                                   [--dated-returns [--credit-ahead]] [--backtest 20000]

1. generates a synthetic store (orders only with one line each, or --full for lines,
   categories and interactions) and saves its arrays to a temporary .npz: what the ORM side
   hands over after its SQL;
2. in a fresh process (so that the generator's memory does not count), loads the arrays,
   builds the History and runs the whole nightly job (``engine.run``), printing the time of
   each step and the process's peak resident memory;
3. optionally (--backtest N) a backtest on a store of N customers, printed as a table.

``--dated-returns``: each order's return also as a dated return (``refunds``, up to 60 days after
the order, as the database's reader gives them), so that every past view (the training's snapshots)
recomputes what the orders gave back as of its day; ``--credit-ahead`` adds a credit note dated
after the run's day (typed in ahead), which the run's own view leaves out.

Run it with the project's virtualenv (numpy, scipy, scikit-learn) from the repository root.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "addons", "ecom_crm_scoring"))

import numpy as np  # noqa: E402
from scoring import backtest, criteria, crosssell, engine, synthetic  # noqa: E402
from scoring.history import History  # noqa: E402

TODAY = 1095  # the run's day (the synthetic store's orders are before it)


def peak_mb():
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not inherit the
    high-water mark of the process that started it)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path, customers, full, seed, lines_per_order, dated_returns=False, credit_ahead=False):
    start = time.perf_counter()
    h = synthetic.generate(customers, seed=seed, orders_only=not full, lines_per_order=lines_per_order)
    arrays = {f"orders_{k}": v for k, v in h.orders.columns.items()}
    if dated_returns:
        rng = np.random.default_rng(seed)
        back = np.flatnonzero(h.orders.returned > 0)
        arrays.update(refunds_order=back.astype(np.int32), refunds_credited=h.orders.returned[back],
                      refunds_day=np.minimum(h.orders.day[back] + rng.integers(0, 60, len(back)),
                                             TODAY - 1).astype(np.int32))
        print(f"{len(back):,} dated returns")
    if credit_ahead:
        arrays.update(credits_customer=np.array([0], np.int32), credits_day=np.array([TODAY + 10], np.int32),
                      credits_amount=np.array([1.0]))
    arrays.update({f"lines_{k}": v for k, v in h.lines.columns.items()})
    for table in ("leads", "activities", "calls", "mailings", "complaints"):
        t = getattr(h, table)
        if t is not None:
            arrays.update({f"{table}_{k}": v for k, v in t.columns.items()})
    if h.opt_out_day is not None:
        arrays["opt_out_day"] = h.opt_out_day
    if h.manager is not None:
        arrays["manager"] = h.manager
    np.savez(path, n_customers=customers, **arrays)
    print(f"generated {customers:,} customers, {len(h.orders):,} orders, {len(h.lines):,} lines "
          f"in {time.perf_counter() - start:.1f} s")


def run(path, today):
    t0 = time.perf_counter()
    data = np.load(path)
    tables = {}
    for key in data.files:
        if "_" in key and key.split("_", 1)[0] in ("orders", "lines", "leads", "activities", "calls", "mailings",
                                                   "complaints", "refunds", "credits"):
            table, col = key.split("_", 1)
            tables.setdefault(table, {})[col] = data[key]
    h = History.build(int(data["n_customers"]), tables.pop("orders"), lines=tables.pop("lines", None),
                      opt_out_day=data["opt_out_day"] if "opt_out_day" in data.files else None,
                      manager=data["manager"] if "manager" in data.files else None, **tables)
    del data, tables
    t1 = time.perf_counter()
    print(f"history built in {t1 - t0:.1f} s ({len(h.orders):,} orders, {len(h.lines):,} lines), "
          f"peak {peak_mb():.0f} MB")
    c = criteria.compute(h, today)
    t2 = time.perf_counter()
    print(f"criteria of {h.n_customers:,} customers (BG/NBD fit included): {t2 - t1:.1f} s, peak {peak_mb():.0f} MB")
    del c
    om = engine.learn_order_model(h, today)
    t3 = time.perf_counter()
    print(f"learning (on {om.n_train:,} rows -> {om.kind}, the season included): {t3 - t2:.1f} s, "
          f"peak {peak_mb():.0f} MB")
    res = engine.run(h, today, suggest=False, order_model=om)
    t4 = time.perf_counter()
    s = res.schedule
    print(f"scoring (criteria, probability, segments, plan, reasons): {t4 - t3:.1f} s, peak {peak_mb():.0f} MB")
    print(f"  now {int((s.decision == 1).sum())}, later {int((s.decision == 2).sum())}, "
          f"dnd {int((s.decision == 3).sum())}")
    settings = engine.Settings()
    cm = engine.learn_crosssell_model(h, today, settings)  # as the nightly job learns it
    suggestions = crosssell.suggest(cm, h, today, np.flatnonzero(s.decision == 1), order_probability=res.probability)
    t5 = time.perf_counter()
    print(f"cross-sell (learn and suggest, {len(suggestions.item):,} suggestions): {t5 - t4:.1f} s, "
          f"peak {peak_mb():.0f} MB")
    print(f"total from arrays to results: {t5 - t0:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--full", action="store_true", help="lines with categories and interactions")
    parser.add_argument("--backtest", type=int, default=0, help="customers of a backtest store (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lines-per-order", type=float, default=1.6, help="with --full; 2.15 gives 10M lines")
    parser.add_argument("--dated-returns", action="store_true", help="the returns dated (refunds)")
    parser.add_argument("--credit-ahead", action="store_true", help="a credit note dated after the run's day")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.run, TODAY)
        return
    if args.generate:
        generate(args.generate, args.customers, args.full, args.seed, args.lines_per_order, args.dated_returns,
                 args.credit_ahead)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "store.npz")
        # each step in a process of its own: the job's peak memory is its own
        subprocess.run([sys.executable, __file__, "--generate", path, "--customers", str(args.customers),
                        "--seed", str(args.seed), "--lines-per-order", str(args.lines_per_order)]
                       + (["--full"] if args.full else []) + (["--dated-returns"] if args.dated_returns else [])
                       + (["--credit-ahead"] if args.credit_ahead else []), check=True)
        subprocess.run([sys.executable, __file__, "--run", path], check=True)
    if args.backtest:
        h = synthetic.generate(args.backtest, seed=args.seed, orders_only=not args.full)
        start = time.perf_counter()
        result = backtest.backtest(h, 1005, 90)
        print(backtest.format_table(result))
        print(f"backtest: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
