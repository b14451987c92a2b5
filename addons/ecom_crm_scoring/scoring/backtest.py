"""Backtest: would the advice have been right?  ``backtest(history, as_of, horizon=90)``.

The customers who had at least one confirmed order before ``as_of`` are scored exactly as
the nightly job would have scored them that day (:func:`.engine.run` on the history, which
reads only data dated before ``as_of``; the model learns as of ``as_of - horizon``), then
compared with what happened in the ``horizon`` days from ``as_of``.

The result (JSON-serialisable):

* ``customers``, ``positives`` (customers who ordered in the horizon), ``base_rate``;
* ``auc`` (probability that a random buyer is ranked above a random non-buyer, ties half),
  ``top_decile_lift`` (share of buyers among the 10 % with the highest score over the share
  among all), ``brier`` (mean squared error of the probability);
* ``deciles``: ten ``{"predicted", "observed", "n"}``, customers sorted by the predicted
  probability, mean predicted vs observed share; ``max_decile_gap`` the largest difference;
* ``baseline``: ``auc`` and ``top_decile_lift`` of recency alone, then ``recency`` (fewer
  days since the last order ranks higher) and ``bgnbd``
  (BG/NBD fitted on the same history: probability of an order within the horizon), each
  with ``auc`` and ``top_decile_lift`` (and ``brier``/``deciles`` for BG/NBD);
* ``model``: the chosen candidate and the cross-validated figures of each;
* ``crosssell``: for up to ``crosssell_customers`` of those customers, the suggestions the
  job would have made (probability >= 10 %, at most the customer's order chance) against
  "bought that item in the horizon":
  ``suggestions``, ``accepted``, ``brier``, ``deciles``, ``max_decile_gap``.  A hundred
  thousand customers by default: about 27,000 offers on the demo store, deciles of 2,700 whose
  observed share is known within a point (20,000 customers gave deciles of 550, within two
  points by chance alone, half the five-point margin a decile is judged by).
"""

import dataclasses

import numpy as np
from scipy.stats import rankdata

from . import bgnbd, crosssell, engine


def auc(score, y):
    """ROC AUC by the rank-sum (Mann-Whitney) formula, ties counted half."""
    y = np.asarray(y).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(np.asarray(score, dtype=float))
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def top_decile_lift(score, y):
    """Share of positives among the top 10 % by score (at least one customer; ties broken by
    order of appearance) divided by the share among all."""
    y = np.asarray(y, dtype=float)
    if len(y) == 0 or y.mean() == 0:
        return float("nan")
    k = max(1, round(len(y) * 0.1))
    top = np.argsort(-np.asarray(score, dtype=float), kind="stable")[:k]
    return float(y[top].mean() / y.mean())


def brier(p, y):
    return float(np.mean((np.asarray(p, float) - np.asarray(y, float)) ** 2)) if len(y) else float("nan")


def deciles(p, y, bins=10):
    """Ten groups of (almost) equal size by increasing ``p``: mean predicted vs observed."""
    p = np.asarray(p, float)
    y = np.asarray(y, float)
    order = np.argsort(p, kind="stable")
    out = []
    for part in np.array_split(order, bins):
        if len(part) == 0:
            continue
        out.append({"predicted": float(p[part].mean()), "observed": float(y[part].mean()), "n": len(part)})
    return out


def _max_gap(dec):
    return float(max((abs(d["predicted"] - d["observed"]) for d in dec), default=float("nan")))


def backtest(history, as_of, horizon=90, settings=None, crosssell_customers=100_000, seed=0):
    """Score as of ``as_of`` with data before it, compare with the next ``horizon`` days."""
    settings = settings or engine.Settings(horizon=horizon, seed=seed)
    if settings.horizon != horizon:
        raise ValueError("settings.horizon and horizon differ")
    as_of = int(as_of)
    res = engine.run(history, as_of, settings, explain=False, plan=False, suggest=False)
    c = res.criteria
    rows = np.flatnonzero(c.has_orders)
    y = history.ordered_between(as_of, as_of + horizon)[rows]
    p = res.probability[rows]
    out = {
        "as_of": as_of, "horizon": horizon, "customers": len(rows), "positives": int(y.sum()),
        "base_rate": float(y.mean()) if len(y) else float("nan"),
        "auc": auc(p, y), "top_decile_lift": top_decile_lift(p, y), "brier": brier(p, y),
        "deciles": deciles(p, y),
    }
    out["max_decile_gap"] = _max_gap(out["deciles"])
    recency = -c.column("recency")[rows].astype(float)
    base = {"recency": {"auc": auc(recency, y), "top_decile_lift": top_decile_lift(recency, y)}}
    # BG/NBD fitted on the whole history before as_of, on its own (the engine's criteria use the
    # parameters of its latest training day, a horizon earlier: the comparison would favour it)
    ex = c.extra
    x, t_x, T = ex["bgnbd_x"][rows], ex["bgnbd_t_x"][rows], ex["bgnbd_T"][rows]
    try:
        params = bgnbd.fit(x, t_x, T, seed=seed) if len(rows) >= 20 else None
    except ValueError:
        params = None
    if params is not None:
        pb = bgnbd.prob_purchase(params, horizon, x, t_x, T)
        base["bgnbd"] = {"auc": auc(pb, y), "top_decile_lift": top_decile_lift(pb, y), "brier": brier(pb, y),
                         "deciles": deciles(pb, y),
                         "params": {k: float(v) for k, v in zip("r alpha a b".split(), params.as_tuple(),
                                                                 strict=True)}}
    # the baseline the interface names is recency alone (its figures at the top level); BG/NBD's
    # and recency's own entries stay for the table
    out["baseline"] = {"auc": base["recency"]["auc"], "top_decile_lift": base["recency"]["top_decile_lift"], **base}
    om = res.order_model
    out["model"] = {"kind": om.kind if om else None, "features": list(om.features) if om else [],
                    "train_rows": om.n_train if om else 0, "cv": om.cv if om else {},
                    "season": bool(om and om.season is not None)}
    out["crosssell"] = _crosssell(history, as_of, horizon, rows, settings, crosssell_customers, seed,
                                  res.probability)
    return out


def _crosssell(history, as_of, horizon, rows, settings, n_customers, seed, order_probability):
    # the model the nightly job learns that day (engine.learn_crosssell_model)
    xs = engine.learn_crosssell_model(history, as_of, dataclasses.replace(settings, horizon=horizon, seed=seed))
    if xs is None:
        return {"suggestions": 0, "accepted": 0, "brier": float("nan"), "deciles": [], "max_decile_gap": float("nan")}
    custs = rows
    if len(custs) > n_customers:
        custs = np.sort(np.random.default_rng(seed).choice(custs, n_customers, replace=False))
    # the offers as the job shows them: none above the customer's order chance
    sug = crosssell.suggest(xs, history, as_of, custs, order_probability=order_probability)
    cand = crosssell.Candidates(customer=sug.customer, item=sug.item, kind=sug.kind, source=sug.source,
                                cycle=sug.cycle, since=sug.since, X=np.zeros((len(sug.item), 0)))
    got = crosssell.bought_after(history, cand, as_of, as_of + horizon, xs.level)
    dec = deciles(sug.probability, got)
    by_kind = {}
    for i, kind in enumerate(crosssell.KINDS):
        m = sug.kind == i
        if m.any():
            by_kind[kind] = {"n": int(m.sum()), "predicted": float(sug.probability[m].mean()),
                             "observed": float(got[m].mean())}
    return {"customers": len(custs), "suggestions": len(sug.item), "accepted": int(got.sum()),
            "brier": brier(sug.probability, got), "deciles": dec, "max_decile_gap": _max_gap(dec),
            "by_kind": by_kind, "model": xs.kind, "train_rows": xs.n_train,
            # the windows it learned on: how many days before as_of each began, its candidates
            "windows": [{"days_before": int(as_of - t0), "rows": n} for t0, n in xs.windows]}


def format_table(result):
    """The backtest as readable text (for ``odoo-bin ecom_scoring_backtest`` and bench)."""
    r = result
    lines = [
        f"Backtest as of day {r['as_of']}, horizon {r['horizon']} days: {r['customers']} customers, "
        f"{r['positives']} ordered ({r['base_rate']:.1%})",
        f"model ({r['model']['kind']}):  AUC {r['auc']:.3f}  top-decile lift {r['top_decile_lift']:.2f}  "
        f"Brier {r['brier']:.4f}" + ("  (recalibrated on last year's season)" if r["model"].get("season") else ""),
    ]
    for name, b in r["baseline"].items():
        if not isinstance(b, dict):
            continue
        lines.append(f"{name + ':':18s}AUC {b['auc']:.3f}  top-decile lift {b['top_decile_lift']:.2f}"
                     + (f"  Brier {b['brier']:.4f}" if "brier" in b else ""))
    lines.append("order probability by decile:  predicted  observed      n")
    for i, d in enumerate(r["deciles"], 1):
        lines.append(f"  {i:2d}                          {d['predicted']:7.1%}  {d['observed']:7.1%}  {d['n']:6d}")
    lines.append(f"  largest gap: {r['max_decile_gap']:.1%}")
    xs = r["crosssell"]
    if xs.get("suggestions"):
        lines.append(f"cross-sell: {xs['suggestions']} suggestions to {xs['customers']} customers, "
                     f"{xs['accepted']} bought within the horizon, Brier {xs['brier']:.4f}")
        if xs.get("windows"):
            lines.append("  learned on the windows beginning " + ", ".join(
                f"{w['days_before']} days before ({w['rows']} candidates)" for w in xs["windows"]))
        lines.append("cross-sell by decile:          predicted  observed      n")
        for i, d in enumerate(xs["deciles"], 1):
            lines.append(f"  {i:2d}                          {d['predicted']:7.1%}  {d['observed']:7.1%}  {d['n']:6d}")
        lines.append(f"  largest gap: {xs['max_decile_gap']:.1%}")
    else:
        lines.append("cross-sell: no suggestion (no order lines or no history to learn from)")
    return "\n".join(lines)
