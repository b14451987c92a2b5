"""What to offer: up to three products (or categories) per customer, with a calibrated chance.

Candidates, per customer, as of a day (everything from confirmed order lines before it):

* ``rebuy`` -- what they should re-buy now: an item they bought on at least two days, whose
  own cycle (mean gap between their purchases of it) says it is due: between half a cycle
  and four cycles since the last time;
* ``copurchase`` -- what customers buy together: items often bought by the buyers of what
  this customer owns (item-to-item co-purchase, ``P(i | j) = buyers of both / (buyers of j
  + 10)``, summed over the customer's items; sparse customer x item matrix, scipy.sparse),
  that they have not bought ("bought a coffee machine, never capsules");
* ``popular`` -- what they have not bought yet among the items most bought lately.

The acceptance probability is learned from the store's history: as of ``D - horizon`` (and,
in a store old enough, as of ``D - 365``: the season ahead, last year; :func:`training_windows`)
the same candidates are generated for a sample of customers and labelled "bought that item in
the following ``horizon`` days"; a model of :mod:`.model` (logistic regression, gradient
boosting or their blend on the candidate's kind, strength, the item's popularity and the
customer's recency/frequency, by cross-validated log loss) is calibrated (sigmoid) on the
candidates that would have been suggested -- the three best per customer -- since picking
the best-looking candidates and calibrating on all of them would over-promise; refitted on those
whose chance is 5 % and up when held-out rows say it fits the shown offers better
(:class:`.model.ShownRegionCalibrator`).  Outcomes
that managers record (offered, accepted or not) then correct each kind by its observed /
expected ratio with a prior of 10 expected acceptances:
``p * (accepted + 10) / (sum of predicted + 10)``.

A store whose customers buy the offered item whenever they order (one product, as a store of
bare orders has it: of the training windows' offers to customers who ordered, at least 20, at
most 2 % or four not bought, such as orders that came from 1C without their lines) has nothing
for that model to learn but when they order: the offer's chance is then the customer's order
chance times the share of the ordering customers who bought it (``kind`` :data:`ORDER`), from
the order model, which learns on every customer with the rhythm of their orders and the season.
On CDNOW (orders only) the offers learned apart were 8.2-10.5 points off in a decile on three of
four days; told the order chance, 3.5-8.7 (``bench/scoring_real.py``).

A suggestion's probability is never above the customer's chance of an order (buying it is
ordering: :func:`suggest`'s ``order_probability``); it is shown when at least 10 %, clipped to
at most 90 % (``[0.10, 0.90]``: below 10 % an offer is not worth the manager's breath, above
90 % history is too thin to promise more).  Items are product ids (or category ids with
``level="category"``); the ORM side turns them into names.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from . import model as order_model
from . import season
from .criteria import days_told, informative_columns
from .history import distinct_purchases, unique_int
from .texts import CROSSSELL_TEMPLATES, KINDS

REBUY, COPURCHASE, POPULAR = 0, 1, 2
# English sentences with placeholders (translated by the ORM side; items are ids to name).
TEMPLATES = CROSSSELL_TEMPLATES
MIN_PROBABILITY, MAX_PROBABILITY = 0.10, 0.90
# the kind of the model of a store where buying the offer is ordering (see the module docstring);
# taken so when at least ALWAYS_BOUGHT_MIN offers were made to customers who ordered, and at most
# four of them (or 2 %) were left unbought
ORDER = "order"
ALWAYS_BOUGHT_MIN, ALWAYS_BOUGHT_SLACK = 20, 4
SHRINK = 10.0
STATS_CUSTOMERS = 200_000  # customers sampled for the co-purchase statistics
# customers whose co-purchase scores are computed at a time (:func:`candidates`): dense arrays of
# customers x items (up to 1,000), floats and argpartition's 64-bit indexes; 20,000 at a time
# took 0.3 GB at the cross-sell model's peak
CHUNK = 2_000
FEATURES = ("is_rebuy", "is_copurchase", "is_popular", "copurchase_score", "popularity", "rebuy_ratio",
            "item_purchases", "customer_orders", "customer_recency", "customer_items", "customer_tenure")


def purchases(history, as_of, level="product", start=None, customers=None):
    """Distinct ``(customer, item, day)`` of confirmed lines dated in ``[start, as_of)``,
    sorted by customer, item, day (int64 arrays); ``customers``: of these customers only
    (indexes or a mask, as :meth:`.history.History.restrict`, without a copy of their history).

    Every condition is the order's: one mask over the orders, taken to the lines once."""
    li, o = history.lines, history.orders
    if li is None or len(li) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    wanted = o.confirmed & (o.day < as_of)
    if start is not None:
        wanted &= o.day >= start
    if customers is not None:
        keep = np.zeros(history.n_customers, dtype=bool)
        keep[customers] = True
        wanted &= keep[o.customer]
        del keep
    m = wanted[li.order]
    del wanted
    item = (li.category if level == "category" else li.product)[m]
    order = li.order[m]
    del m
    c, d = o.customer[order], o.day[order]
    del order
    ok = item >= 0
    if not ok.all():
        c, item, d = c[ok], item[ok], d[ok]
    # one sort of a packed key, as the criteria's distinct purchases (a lexsort of three int64
    # columns cost twice the memory and the time)
    c, item, d = distinct_purchases(c, item, d, history.n_customers)
    return c.astype(np.int64), item.astype(np.int64), d.astype(np.int64)


@dataclass
class ItemStats:
    """Co-purchase statistics as of a day: ``items`` (sorted ids of the top items), ``conf``
    (dense float32 K x K, ``conf[j, i] = P(i | j)`` shrunk), ``popularity`` (share of the last
    90 days' buyers who bought each item), ``top_popular`` (indexes, most popular first)."""

    items: np.ndarray
    conf: np.ndarray
    popularity: np.ndarray
    top_popular: np.ndarray


def item_stats(c, item, d, as_of, max_items=1000, max_customers=200_000, seed=0):
    """:class:`ItemStats` from :func:`purchases` rows (top ``max_items`` by buyers)."""
    pair = np.r_[True, (c[1:] != c[:-1]) | (item[1:] != item[:-1])] if len(c) else np.zeros(0, bool)
    pc, pi = c[pair], item[pair]
    ids, buyers = np.unique(pi, return_counts=True)
    top = np.sort(ids[np.argsort(-buyers, kind="stable")[:max_items]])
    k = len(top)
    if k == 0:
        return ItemStats(top, np.zeros((0, 0), np.float32), np.zeros(0), np.zeros(0, np.int64))
    pos = np.searchsorted(top, pi)
    known = (pos < k) & (top[np.minimum(pos, k - 1)] == pi)
    pc, pos = pc[known], pos[known]
    custs = unique_int(pc)
    if len(custs) > max_customers:
        sample = np.random.default_rng(seed).choice(custs, max_customers, replace=False)
        keep = np.isin(pc, sample)
        pc, pos = pc[keep], pos[keep]
    row = np.cumsum(np.r_[True, pc[1:] != pc[:-1]]) - 1 if len(pc) else pc  # pc is sorted
    B = sparse.csr_matrix((np.ones(len(row), np.float32), (row, pos)), shape=(row.max() + 1 if len(row) else 0, k))
    cooc = (B.T @ B).toarray().astype(np.float32)
    count = np.diag(cooc).copy()
    conf = cooc / (count[:, None] + SHRINK)
    np.fill_diagonal(conf, 0.0)
    recent = d >= as_of - 90
    rp = np.searchsorted(top, item[recent])
    rk = (rp < k) & (top[np.minimum(rp, k - 1)] == item[recent])
    rkey = unique_int(c[recent][rk] * k + rp[rk])
    n_recent = max(len(unique_int(c[recent])), 1)
    popularity = np.bincount(rkey % k, minlength=k) / n_recent
    return ItemStats(top, conf, popularity, np.argsort(-popularity, kind="stable")[:20])


@dataclass
class Candidates:
    customer: np.ndarray
    item: np.ndarray  # item id
    kind: np.ndarray
    source: np.ndarray  # the owned item behind a co-purchase, -1 otherwise
    cycle: np.ndarray  # rebuy: the customer's cycle for the item (days), NaN otherwise
    since: np.ndarray  # rebuy: days since the last purchase of it, NaN otherwise
    X: np.ndarray  # features (FEATURES)


def candidates(stats, c, item, d, customers, as_of, n_co=3, n_popular=2, n_rebuy=2, chunk=CHUNK):
    """Candidates for ``customers`` (customer indexes) from their :func:`purchases` rows."""
    customers = np.unique(np.asarray(customers, dtype=np.int64))
    sel = np.isin(c, customers)
    c, item, d = c[sel], item[sel], d[sel]
    k = len(stats.items)
    row_of = np.searchsorted(customers, c)
    # per customer facts
    n_days = np.zeros(len(customers))
    last_day = np.full(len(customers), -1, np.int64)
    first_day = np.full(len(customers), -1, np.int64)
    if len(c):
        first_day[:] = np.iinfo(np.int64).max
        _min_into(first_day, row_of, d)
        cd = unique_int(row_of * (1 << 32) + d)
        n_days = np.bincount(cd >> 32, minlength=len(customers)).astype(float)
        _max_into(last_day, row_of, d)
    recency = np.where(last_day >= 0, as_of - last_day, np.nan)
    pair_start = np.r_[True, (c[1:] != c[:-1]) | (item[1:] != item[:-1])] if len(c) else np.zeros(0, bool)
    starts = np.flatnonzero(pair_start)
    sizes = np.diff(np.r_[starts, len(c)])
    p_row, p_item = row_of[starts], item[starts]
    n_items = np.bincount(p_row, minlength=len(customers)).astype(float)
    keys = ("row", "item", "kind", "source", "cycle", "since", "score", "pop", "count")
    # each kind's rows apart, then one kind after the other: the same rows in the same order
    # whatever the chunk
    outs = {kind: {key: [] for key in keys} for kind in (REBUY, COPURCHASE, POPULAR)}

    def add(row, it, kind, source, cycle, since, score, count):
        out = outs[kind]
        out["row"].append(row)
        out["item"].append(it)
        out["kind"].append(np.full(len(row), kind, np.int8))
        out["source"].append(source)
        out["cycle"].append(cycle)
        out["since"].append(since)
        out["score"].append(score)
        out["count"].append(count)
        pos = np.searchsorted(stats.items, it)
        found = (pos < k) & (stats.items[np.minimum(pos, max(k - 1, 0))] == it) if k else np.zeros(len(it), bool)
        out["pop"].append(np.where(found, stats.popularity[np.minimum(pos, max(k - 1, 0))] if k else 0.0, 0.0))

    # rebuy: items bought on >= 2 days, due by their own cycle
    multi = sizes >= 2
    if multi.any():
        first = d[starts[multi]]
        last = d[starts[multi] + sizes[multi] - 1]
        cycle = (last - first) / (sizes[multi] - 1)
        since = as_of - last
        ratio = since / np.maximum(cycle, 1)
        due = (ratio >= 0.5) & (ratio <= 4)
        rr, ri, rc, rs, rn = p_row[multi][due], p_item[multi][due], cycle[due], since[due], sizes[multi][due]
        order = np.lexsort((np.abs(np.log(np.maximum(rs, 1) / np.maximum(rc, 1))), -rn, rr))
        rr, ri, rc, rs, rn = rr[order], ri[order], rc[order], rs[order], rn[order]
        rank = _rank_in_runs(rr)
        take = rank < n_rebuy
        add(rr[take], ri[take], REBUY, np.full(take.sum(), -1), rc[take].astype(float), rs[take].astype(float),
            (rs[take] / np.maximum(rc[take], 1)).astype(float), rn[take].astype(float))

    if k:
        pos = np.searchsorted(stats.items, p_item)
        known = (pos < k) & (stats.items[np.minimum(pos, k - 1)] == p_item)
        B = sparse.csr_matrix((np.ones(known.sum(), np.float32), (p_row[known], pos[known])),
                              shape=(len(customers), k))
        conf = stats.conf
        for s in range(0, len(customers), chunk):
            Bc = B[s:s + chunk]
            S = np.asarray(Bc @ conf)
            owned = Bc.toarray() > 0
            S[owned] = 0
            # co-purchase: top n_co per row
            m = min(n_co, k)
            top = np.argpartition(-S, m - 1, axis=1)[:, :m] if k > m else np.tile(np.arange(k), (S.shape[0], 1))
            sc = np.take_along_axis(S, top, axis=1)
            rows = np.repeat(np.arange(S.shape[0]), top.shape[1])
            items_idx = top.ravel()
            scv = sc.ravel()
            ok = scv > 0
            rows, items_idx, scv = rows[ok], items_idx[ok], scv[ok]
            # the owned item contributing most to each (row, item)
            indptr, indices = Bc.indptr, Bc.indices
            cnt = np.diff(indptr)[rows]
            rep_rows = np.repeat(np.arange(len(rows)), cnt)
            starts_r = np.repeat(indptr[rows], cnt)
            offs = np.arange(len(rep_rows)) - np.repeat(np.cumsum(cnt) - cnt, cnt)  # run starts; empty-safe
            owned_j = indices[starts_r + offs]
            vals = conf[owned_j, items_idx[rep_rows]]
            order = np.lexsort((-vals, rep_rows))
            firsts = order[np.r_[True, rep_rows[order][1:] != rep_rows[order][:-1]]] if len(order) else order
            source = np.full(len(rows), -1, np.int64)
            source[rep_rows[firsts]] = stats.items[owned_j[firsts]]
            add(rows + s, stats.items[items_idx], COPURCHASE, source, np.full(len(rows), np.nan),
                np.full(len(rows), np.nan), scv.astype(float), np.zeros(len(rows)))
            # popular: the first n_popular most popular items not owned
            tp = stats.top_popular
            not_owned = ~owned[:, tp]
            rank = np.cumsum(not_owned, axis=1) - 1
            take = not_owned & (rank < n_popular) & (stats.popularity[tp][None, :] > 0)
            rr, cc = np.nonzero(take)
            add(rr + s, stats.items[tp[cc]], POPULAR, np.full(len(rr), -1), np.full(len(rr), np.nan),
                np.full(len(rr), np.nan), stats.popularity[tp[cc]].astype(float), np.zeros(len(rr)))

    out = {key: [part for kind in outs.values() for part in kind[key]] for key in keys}
    cat = {key: (np.concatenate(v) if v else np.zeros(0)) for key, v in out.items()}
    row = cat["row"].astype(np.int64)
    kind = cat["kind"].astype(np.int8)
    X = np.column_stack([
        kind == REBUY, kind == COPURCHASE, kind == POPULAR,
        np.where(kind == COPURCHASE, cat["score"], np.nan),
        cat["pop"],
        np.where(kind == REBUY, cat["score"], np.nan),
        cat["count"],
        n_days[row] if len(row) else np.zeros(0), recency[row] if len(row) else np.zeros(0),
        n_items[row] if len(row) else np.zeros(0),
        as_of - first_day[row] if len(row) else np.zeros(0),
    ]).astype(np.float32) if len(row) else np.zeros((0, len(FEATURES)), np.float32)
    return Candidates(customer=customers[row] if len(row) else np.zeros(0, np.int64),
                      item=cat["item"].astype(np.int64), kind=kind, source=cat["source"].astype(np.int64),
                      cycle=cat["cycle"].astype(float), since=cat["since"].astype(float), X=X)


def _rank_in_runs(sorted_keys):
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return np.arange(len(sorted_keys)) - np.repeat(starts, np.diff(np.r_[starts, len(sorted_keys)]))


def _min_into(out, group, values):
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    out[g[starts]] = np.minimum(out[g[starts]], v[starts])


def _max_into(out, group, values):
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    ends = np.flatnonzero(np.r_[g[1:] != g[:-1], True])
    out[g[ends]] = np.maximum(out[g[ends]], v[ends])


def bought_after(history, cand, start, end, level="product"):
    """Boolean per candidate: the customer bought the item in ``[start, end)``."""
    c, item, _ = purchases(history, end, level, start=start, customers=cand.customer)
    if len(c) == 0 or len(cand.customer) == 0:
        return np.zeros(len(cand.customer), bool)
    base = int(max(item.max(), cand.item.max())) + 1
    return np.isin(cand.customer * base + cand.item, unique_int(c * base + item))


@dataclass
class CrossSellModel:
    """Item statistics and the calibrated acceptance model (see the module docstring); for kind
    :data:`ORDER`, the share of the offers the ordering customers bought instead."""

    level: str
    kind: str
    estimator: object
    calibrator: object
    base_rate: float
    n_train: int
    cv: dict = field(default_factory=dict)
    adjust: np.ndarray = field(default_factory=lambda: np.ones(len(KINDS)))
    columns: tuple | None = None  # the FEATURES it learned from (indexes; None: all)
    windows: tuple = ()  # (first day, rows) of each window it learned on (:func:`training_windows`)
    # kind "order" (no estimator): ``base_rate`` is the share of the offers bought by the customers
    # who ordered, ``order_rate`` the share of the offers' customers who ordered (the order chance
    # of a customer the caller gives none)
    order_rate: float = float("nan")

    def raw_probability(self, cand):
        """The calibrated chance of each candidate, corrected by the recorded outcomes; for kind
        ``"order"``, the chance that a customer who orders buys it (see :func:`suggest`)."""
        if len(cand.customer) == 0:
            return np.zeros(0)
        if self.kind == ORDER:
            return np.clip(self.base_rate * self.adjust[cand.kind], 0.0, 1.0)
        X = cand.X if self.columns is None else cand.X[:, list(self.columns)]
        with order_model.limited_threads():
            p = self.calibrator.predict(self.estimator.predict_proba(X)[:, 1])
        return np.clip(p * self.adjust[cand.kind], 0.0, 1.0)


def default_level(history):
    return "product"


def _best_per_customer(customer, item, p, k):
    """Mask of the rows :func:`suggest` would keep: the ``k`` best items per customer."""
    order = np.lexsort((-p, item, customer))
    first = np.r_[True, (customer[order][1:] != customer[order][:-1]) | (item[order][1:] != item[order][:-1])]
    order = order[first]
    order = order[np.lexsort((-p[order], customer[order]))]
    mask = np.zeros(len(p), bool)
    mask[order[_rank_in_runs(customer[order]) < k]] = True
    return mask


def sampled_stats(history, as_of, level, seed=0, n_customers=STATS_CUSTOMERS):
    """:class:`ItemStats` as of a day from (a sample of ``n_customers`` of) the customers who
    bought before it, with that sample's purchases.  Learning and suggesting use samples of
    the same size, so that co-purchase strengths mean the same in both."""
    first = history.first_order_day()
    known = np.flatnonzero(first < as_of)
    if len(known) > n_customers:
        known = np.sort(np.random.default_rng(seed).choice(known, n_customers, replace=False))
    if len(known) == 0 or history.lines is None:
        return None, None, None, None
    c, item, d = purchases(history, as_of, level, customers=known)
    if len(c) == 0:
        return None, None, None, None
    return item_stats(c, item, d, as_of, seed=seed), c, item, d


def fit(history, as_of, horizon=90, level=None, max_customers=30_000, seed=0, outcomes=None, k=3,
        year_back=True):
    """The cross-sell model learned as of ``as_of - horizon`` and, when the store is old enough,
    also as of ``as_of - 365`` (data before ``as_of`` only): see :func:`training_windows`.

    ``outcomes``: optional recorded offers, a dict of arrays ``kind`` (KINDS index),
    ``predicted`` (probability shown) and ``accepted`` (bool).  Returns a model of kind
    :data:`ORDER` when the customers who ordered bought (nearly) every offer (see the module
    docstring), else None when the store has no order lines or no positive example. The orders
    as known on ``as_of`` (one refused at delivery since is no purchase: ``History.known``).
    """
    history = history.known(as_of)
    level = level or default_level(history)
    starts = training_windows(history, as_of, horizon) if year_back else [as_of - horizon]
    parts = []
    for i, t0 in enumerate(starts):
        part = _window(history, t0, t0 + horizon, level, max_customers // len(starts), seed + i)
        if part is not None:
            parts.append((t0, *part))
    if not parts:
        return None
    if len(starts) > 1 and [t0 for t0, _cand, _y in parts] == starts[:1]:
        # nothing to learn from a year back (no order lines then, as when only the last months'
        # orders came with their lines): the last window alone, with every training customer
        return fit(history, as_of, horizon, level, max_customers, seed, outcomes, k, year_back=False)
    X = np.vstack([cand.X for _t0, cand, _y in parts])
    y = np.concatenate([y for _t0, _cand, y in parts])
    customer = np.concatenate([cand.customer for _t0, cand, _y in parts])
    item = np.concatenate([cand.item for _t0, cand, _y in parts])
    # a customer's rows of both windows stay in one fold (``groups``); the three best offers are
    # picked per customer and window, as each day's suggestions would have been
    offer_of = customer * len(parts) + np.concatenate([np.full(len(y), i) for i, (_t0, _c, y) in enumerate(parts)])
    windows = tuple((int(t0), len(y)) for t0, _cand, y in parts)
    ordered = np.concatenate([history.ordered_between(t0, t0 + horizon)[cand.customer] for t0, cand, _y in parts])
    bought_when_ordered = y[ordered]
    n_ordered = len(bought_when_ordered)
    unbought = n_ordered - int(bought_when_ordered.sum())
    if n_ordered >= ALWAYS_BOUGHT_MIN and unbought <= max(ALWAYS_BOUGHT_SLACK, 0.02 * n_ordered):
        # buying the item is ordering (see the module docstring)
        m = CrossSellModel(level=level, kind=ORDER, estimator=None, calibrator=None,
                           base_rate=(n_ordered - unbought + 1) / (n_ordered + 2),
                           n_train=len(y), windows=windows, order_rate=float(ordered.mean()))
        if outcomes is not None:
            m.adjust = outcome_adjustment(outcomes)
        return m
    if len(y) < 20 or y.sum() < 5 or y.sum() > len(y) - 5:
        return None
    # a feature without data or without variation in this store (a one-product store has no
    # co-purchases) says nothing, and gradient boosting refuses a column without any value
    columns = tuple(informative_columns(X))
    if not columns:
        return None
    with order_model.limited_threads():
        kind, est, cal, scores = order_model.select_and_calibrate(
            X[:, list(columns)], y, seed=seed,
            calibrate_on=lambda p: _best_per_customer(offer_of, item, p, k),
            groups=customer, calibrator=order_model.ShownRegionCalibrator(seed=seed))
    m = CrossSellModel(level=level, kind=kind, estimator=est, calibrator=cal, base_rate=float(y.mean()),
                       n_train=len(y), cv=scores, columns=columns, windows=windows)
    if outcomes is not None:
        m.adjust = outcome_adjustment(outcomes)
    return m


def training_windows(history, as_of, horizon=90):
    """The first days of the windows the offers are learned on: the last ``horizon`` days, and the
    same calendar days a year back (the season ahead, last year) when the store had
    :data:`.season.MIN_CUSTOMERS` customers then and they were not much newer than those of the
    last window (:func:`.season.comparable`, the order model's rule for its season map).

    Why: learned on the last 90 days alone, the offers carried the season just behind into the
    one ahead (on the demo store, as of 2026-09-03, 4 to 6 points under what the autumn bought in
    the middle deciles). Learned on both windows, half of the customers each, the level is the
    mean of the two seasons, and the sample of customers costs the same."""
    recent = as_of - horizon
    year = as_of - season.YEAR
    if horizon >= season.YEAR:
        return [recent]
    first = history.first_order_day()
    then = first[first < year]
    if len(then) < season.MIN_CUSTOMERS:
        return [recent]
    trained = first[first < recent]
    if not season.comparable(float(np.median(year - then)), float(np.median(recent - trained))):
        return [recent]
    return [recent, year]


def _window(history, t0, end, level, max_customers, seed):
    """``(candidates, bought)`` of a sample of ``max_customers`` customers as of ``t0``: the
    offers that day's job would have considered and whether each was bought in ``[t0, end)``;
    None without any candidate."""
    stats, c, item, d = sampled_stats(history, t0, level, seed)
    if stats is None:
        return None
    custs = unique_int(c)
    if len(custs) > max_customers:
        custs = np.random.default_rng(seed).choice(custs, max_customers, replace=False)
    cand = candidates(stats, c, item, d, custs, t0)
    if len(cand.customer) == 0:
        return None
    return cand, bought_after(history, cand, t0, end, level).astype(int)


def order_shares(xs_model):
    """For a model of kind ``"order"`` (the offer's chance is a share of the order chance), that
    share per kind of offer (``{"rebuy": 0.99, ...}``, the recorded outcomes' corrections
    included); None for any other model.  An incremental run rescales the offers it keeps with it."""
    if xs_model is None or xs_model.kind != ORDER:
        return None
    return {kind: float(min(1.0, xs_model.base_rate * xs_model.adjust[i])) for i, kind in enumerate(KINDS)}


def outcome_adjustment(outcomes, prior=10.0):
    """Per kind: ``(accepted + prior) / (sum of predicted + prior)`` from recorded offers."""
    kind = np.asarray(outcomes["kind"], dtype=np.int64)
    pred = np.asarray(outcomes["predicted"], dtype=float)
    acc = np.asarray(outcomes["accepted"], dtype=float)
    expected = np.bincount(kind, weights=pred, minlength=len(KINDS))[:len(KINDS)]
    accepted = np.bincount(kind, weights=acc, minlength=len(KINDS))[:len(KINDS)]
    return (accepted + prior) / (expected + prior)


@dataclass
class Suggestions:
    """Up to ``k`` suggestions per customer, best first (flat arrays, grouped by customer).

    ``probability``: shown, in ``[0.10, 0.90]`` and at most the customer's order chance;
    ``raw``: calibrated, before that cap and the clip (for a model of kind :data:`ORDER`, already
    the share times the order chance).
    """

    customer: np.ndarray
    item: np.ndarray
    kind: np.ndarray
    probability: np.ndarray
    raw: np.ndarray
    source: np.ndarray
    cycle: np.ndarray
    since: np.ndarray
    popularity: np.ndarray

    def describe(self, i):
        """``(template, params)`` of suggestion ``i`` (item ids to be named by the ORM side)."""
        kind = KINDS[self.kind[i]]
        params = {"item": int(self.item[i])}
        if kind == "rebuy":
            params.update(cycle=round(float(self.cycle[i])), days=days_told(self.since[i]))
        elif kind == "copurchase":
            params["source"] = int(self.source[i])
        else:
            params["pct"] = round(float(self.popularity[i]) * 100)
        return TEMPLATES[kind], params


def suggest(xs_model, history, as_of, customers, k=3, min_probability=MIN_PROBABILITY,
            max_probability=MAX_PROBABILITY, level=None, order_probability=None):
    """Suggestions for ``customers`` as of ``as_of`` (see the module docstring).

    ``order_probability``: each customer's chance of an order within the horizon (an array by
    customer index, NaN: not known), which no offer's chance exceeds, since buying the item is
    ordering; an offer it brings under ``min_probability`` is left out. The offers are still
    chosen and ranked by their own model. A model of kind ``"order"`` gives the share of the
    ordering customers who buy the item, and the chance is that share times the order chance
    (the training offers' share of customers who ordered where none is given).

    Two models learned apart disagreed there: on the 20,000-customer synthetic store 11% of the
    offers were above their customer's order chance (37% against 30% on average), and 23% of those
    were bought; capped, the same offers' Brier score went down on 8 of 9 backtests (CDNOW, the
    synthetic stores). The purchases as known on ``as_of`` (``History.known``)."""
    history = history.known(as_of)
    level = xs_model.level if xs_model is not None else (level or default_level(history))
    empty = Suggestions(*(np.zeros(0, t) for t in (np.int64, np.int64, np.int8, float, float, np.int64,
                                                    float, float, float)))
    if xs_model is None:
        return empty
    stats, *_ = sampled_stats(history, as_of, level)
    if stats is None:
        return empty
    customers = np.unique(np.asarray(customers, dtype=np.int64))
    c, item, d = purchases(history, as_of, level, customers=customers)
    cand = candidates(stats, c, item, d, customers, as_of)
    raw = xs_model.raw_probability(cand)
    if xs_model.kind == ORDER:
        chance = np.full(len(raw), xs_model.order_rate)
        if order_probability is not None and len(raw):
            given = np.asarray(order_probability, dtype=float)[cand.customer]
            chance = np.where(np.isnan(given), chance, given)
        raw = raw * chance
    keep = raw >= min_probability
    idx = np.flatnonzero(keep)
    # best first per customer, one suggestion per item
    order = idx[np.lexsort((-raw[idx], cand.item[idx], cand.customer[idx]))]
    first_of_item = np.r_[True, (cand.customer[order][1:] != cand.customer[order][:-1])
                          | (cand.item[order][1:] != cand.item[order][:-1])] if len(order) else np.zeros(0, bool)
    order = order[first_of_item]
    order = order[np.lexsort((-raw[order], cand.customer[order]))]
    rank = _rank_in_runs(cand.customer[order]) if len(order) else np.zeros(0, np.int64)
    order = order[rank < k]
    probability = raw[order]
    if order_probability is not None and len(order):
        cap = np.asarray(order_probability, dtype=float)[cand.customer[order]]
        probability = np.minimum(probability, np.where(np.isnan(cap), 1.0, cap))
        shown = probability >= min_probability
        order, probability = order[shown], probability[shown]
    return Suggestions(customer=cand.customer[order], item=cand.item[order], kind=cand.kind[order],
                       probability=np.clip(probability, min_probability, max_probability), raw=raw[order],
                       source=cand.source[order], cycle=cand.cycle[order], since=cand.since[order],
                       popularity=cand.X[order, FEATURES.index("popularity")].astype(float))
