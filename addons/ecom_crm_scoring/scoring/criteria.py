"""Criteria: what a sales manager would look at, computed for every customer as of a day.

``compute(history, as_of)`` returns a :class:`Criteria`: a customers x criteria matrix
(float32, NaN = "no data" for that customer) with the criteria's names, plus a few extra
per-customer arrays the sentences need (the refusal reason, the re-bought product...).

Each criterion is explainable in one sentence; :data:`TEMPLATES` holds that sentence in
English with named placeholders (``%(days)s``), to be translated by the ORM side; the values
come from :func:`describe`.

"No data" is handled at two levels:

* a customer without the thing measured gets NaN (a usual gap needs two orders);
* a store without the data (no leads, no categories, no mailings, no returns recorded) gets a
  whole NaN column: :meth:`Criteria.available` lists the columns with data, and the model
  simply leaves the others out, so an orders-only store is scored from its orders.

Everything is vectorised over the order and line arrays (sorting, ``np.bincount``,
``np.add.reduceat``): no Python loop per customer or per order.
"""

from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np

from . import bgnbd
from .history import LEAD_LOST, LEAD_OPEN, LEAD_WON, MAIL_CLICK, NEVER, OUTCOME_REFUSED, distinct_purchases, unique_int
from .texts import CRITERIA_TEMPLATES

HALF_YEAR = 182
# name -> English sentence with named placeholders (translatable; the ORM side marks them
# for translation with _() at display time).  See PARAMS for where each placeholder's value
# comes from.
TEMPLATES = CRITERIA_TEMPLATES
NAMES = tuple(TEMPLATES)

# placeholder -> (source array, format): the source is a criterion or an ``extra`` array.
# Formats: int (rounded), money (rounded to units), pct (share x 100, rounded), dec (1 decimal),
# reason (a refusal reason id, turned into its text), ago (days since an event, told as of the
# last day counted: the nightly job scores as of tomorrow, so that today's orders count, and the
# criterion is one more than the days a person counts from today, the customer card's figure).
PARAMS = {
    "recency": {"days": ("recency", "ago")},
    "frequency": {"orders": ("frequency", "int")},
    "monetary": {"amount": ("monetary", "money")},
    "avg_order": {"amount": ("avg_order", "money")},
    "tenure": {"days": ("tenure", "ago")},
    "usual_gap": {"gap": ("usual_gap", "int")},
    "overdue": {"gap": ("usual_gap", "int"), "days": ("recency", "ago")},
    "regularity": {"pct": ("regularity", "pct")},
    "revenue_trend": {"recent": ("revenue_recent", "money"), "prior": ("revenue_prior", "money")},
    "frequency_trend": {"recent": ("orders_recent", "int"), "prior": ("orders_prior", "int")},
    "orders_90": {"orders": ("orders_90", "int")},
    "p_alive": {"pct": ("p_alive", "pct")},
    "expected_orders": {"orders": ("expected_orders", "dec"), "days": ("horizon", "int")},
    "rhythm_probability": {"pct": ("rhythm_probability", "pct"), "days": ("horizon", "int")},
    "category_breadth": {"count": ("category_breadth", "int")},
    "product_breadth": {"count": ("product_breadth", "int")},
    "return_share": {"pct": ("return_share", "pct")},
    "cancel_share": {"pct": ("cancel_share", "pct")},
    "discount_share": {"pct": ("discount_share", "pct")},
    "rebuy_due": {"cycle": ("rebuy_cycle", "int"), "days": ("rebuy_days", "ago")},
    "days_since_contact": {"days": ("days_since_contact", "ago")},
    "open_activities": {"count": ("open_activities", "int")},
    "open_opportunities": {"count": ("open_opportunities", "int")},
    "opportunity_stage": {"stage": ("opportunity_stage", "int")},
    "recent_refusals": {"count": ("recent_refusals", "int"), "reason": ("refusal_reason", "reason")},
    "won_opportunities": {"count": ("won_opportunities", "int")},
    "mail_engagement": {"count": ("mail_engagement", "int")},
    "days_since_mail": {"days": ("days_since_mail", "ago")},
    "opted_out": {},
    "complaints": {"count": ("complaints", "int")},
}


@dataclass
class Criteria:
    """Criteria of every customer as of a day.

    ``values``: float32 array (n_customers, len(names)), NaN = no data.  ``extra``: named
    per-customer arrays used by the sentences (and by other modules: ``last_order``,
    ``first_order``, ``last_contact`` days, ``bgnbd_x``...).  ``bgnbd_params``: the fitted BG/NBD
    parameters (None if it could not be fitted).  ``has_orders``: customers with at least one
    confirmed order before ``as_of``.
    """

    as_of: int
    names: tuple
    values: np.ndarray
    has_orders: np.ndarray
    extra: dict = field(default_factory=dict)
    bgnbd_params: "bgnbd.BgNbdParams | None" = None
    reason_texts: dict = field(default_factory=dict)
    horizon: int = 90  # the days BG/NBD's expectations look ahead (the sentences say it)

    def column(self, name):
        return self.values[:, self.names.index(name)]

    def subset(self, rows):
        """The criteria of ``rows`` only (no extras): what training keeps of a snapshot."""
        return Criteria(as_of=self.as_of, names=self.names, values=self.values[rows], has_orders=self.has_orders[rows],
                        bgnbd_params=self.bgnbd_params, reason_texts=self.reason_texts, horizon=self.horizon)

    def available(self, rows=None):
        """Names of the criteria that have data (not all NaN, not constant) among ``rows``."""
        return [self.names[j] for j in informative_columns(self.values if rows is None else self.values[rows])]


def informative_columns(X):
    """Indexes of the columns of ``X`` with at least two distinct finite values: the others say
    nothing to a model (and gradient boosting refuses a column without any value)."""
    out = []
    for j in range(X.shape[1]):
        col = X[:, j]
        finite = col[np.isfinite(col)]
        if len(finite) and finite.min() != finite.max():
            out.append(j)
    return out


class _Columns:
    """The criteria matrix being filled: ``cols[name] = array`` writes the float32 column in
    place (no float64 copy of every criterion), ``cols[name]`` is a writable view of it. Filled
    column by column, kept by columns (each one contiguous: a column written into the rows'
    layout touched every row's cache line, 8 ms a column at 700,000 customers), laid out by rows
    once at the end (:meth:`by_rows`), as the models read it."""

    def __init__(self, n):
        self.values = np.full((len(NAMES), n), np.nan, dtype=np.float32).T
        self.index = {name: j for j, name in enumerate(NAMES)}

    def by_rows(self):
        return np.ascontiguousarray(self.values)

    def __setitem__(self, name, column):
        self.values[:, self.index[name]] = column

    def __getitem__(self, name):
        return self.values[:, self.index[name]]


def _per_customer_first_last(cust, day, n):
    """First and last value of ``day`` per customer for arrays sorted by (customer, day)."""
    first = np.full(n, -1, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    if len(cust):
        starts = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1]])
        ends = np.r_[starts[1:], len(cust)] - 1
        first[cust[starts]] = day[starts]
        last[cust[ends]] = day[ends]
    return first, last


def _median_by_group(group, values, n):
    """Median of ``values`` per group id (NaN for empty groups). Whole values (days between
    orders) are sorted as one integer key, group x span + value: six times faster than
    ``np.lexsort`` of the two (1 s at 2.6 million gaps); other values by that lexsort."""
    out = np.full(n, np.nan)
    if len(group) == 0:
        return out
    values = np.asarray(values)
    low, high = values.min(), values.max()
    span = int(high - low) + 1 if np.isfinite(high - low) else 0
    if (span and group.min() >= 0 and span * (int(group.max()) + 1) < 2 ** 62
            and np.array_equal(values, np.round(values))):
        key = group.astype(np.int64)  # built and sorted in place: two 64-bit arrays at most
        key *= span
        # whole values added as 64-bit integers (exact), converted by blocks: no full copy
        np.add(key, values, out=key, casting="unsafe", dtype=np.int64)
        key -= int(low)
        key.sort()
        g = key // span
        starts, lo, hi = _median_positions(g)
        out[g[starts]] = (key[lo] % span + key[hi] % span) / 2.0 + low
        return out
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    starts, lo, hi = _median_positions(g)
    out[g[starts]] = (v[lo] + v[hi]) / 2.0
    return out


def _median_positions(g):
    """For sorted group ids ``g``: each group's first position and its middle one(s)."""
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, len(g)])
    return starts, starts + (sizes - 1) // 2, starts + sizes // 2


def _count(cust, n, mask=None, weights=None):
    if mask is not None:
        cust = cust[mask]
        weights = None if weights is None else weights[mask]
    return np.bincount(cust, weights=weights, minlength=n).astype(np.float64)


def compute(history, as_of, bgnbd_params=None, horizon=90, fit_bgnbd=True, seed=0, beside=False):
    """Criteria of every customer of ``history`` as of day ``as_of`` (data dated before it).

    ``bgnbd_params``: BG/NBD parameters to use; when None they are fitted by maximum
    likelihood on this very history (sampled to 100k customers), unless ``fit_bgnbd`` is
    False (then the three BG/NBD criteria are NaN).  ``horizon``: the days of
    ``expected_orders``. A training sample is computed on its own history
    (:meth:`.history.History.compact`), at a fraction of the store's cost. ``beside``: the
    lines' criteria in a thread while BG/NBD's columns are computed, for a caller with a core to
    spare (at 700,000 customers 1.4-2.0 s instead of 2.3-3.2 s; beside a model being learned,
    which keeps the cores busy, nothing gained and the peak higher).
    """
    as_of = int(as_of)
    h = history.as_of(as_of)
    n = h.n_customers
    cols = _Columns(n)
    extra = {}
    o = h.orders
    conf = o.confirmed
    cust = o.customer[conf]
    day = o.day[conf]
    amount = o.amount[conf]
    returned = o.returned[conf]
    n_orders = _count(cust, n)
    has = n_orders > 0
    first, last = _per_customer_first_last(cust, day, n)
    nan = np.full(n, np.nan)

    def where_has(v):
        return np.where(has, v, np.nan)

    cols["recency"] = where_has(as_of - last)
    cols["frequency"] = where_has(n_orders)
    gross = _count(cust, n, weights=amount)
    net = gross - _count(cust, n, weights=returned)
    cols["monetary"] = where_has(net)
    with np.errstate(invalid="ignore", divide="ignore"):
        # the average order the customer kept: what they ordered less what they sent back or were
        # credited (an order returned whole is worth nothing), the model's value and the sentence's
        cols["avg_order"] = where_has(np.maximum(net, 0) / n_orders)
    cols["tenure"] = where_has(as_of - first)
    extra["first_order"] = np.where(has, first, -1)
    extra["last_order"] = np.where(has, last, -1)

    # usual gap: median gap between distinct order days
    key = cust.astype(np.int64)
    key <<= 32
    key |= day
    key = unique_int(key, inplace=True)  # distinct (customer, day): purchase occasions
    kc, kd = (key >> 32).astype(np.int32), (key & 0xFFFFFFFF).astype(np.int32)
    del key
    same = np.zeros(len(kc), dtype=bool)  # a gap: the customer's occasion before is the same's
    same[1:] = kc[1:] == kc[:-1]
    gaps = np.diff(kd, prepend=0)[same].astype(np.float64)
    del kd
    gc = kc[same]  # each gap's customer
    del same
    usual_gap = _median_by_group(gc, gaps, n)
    cols["usual_gap"] = usual_gap
    with np.errstate(invalid="ignore", divide="ignore"):
        cols["overdue"] = cols["recency"] / np.maximum(usual_gap, 1)
        # regularity: coefficient of variation of the gaps (needs two gaps): 0 = clockwork
        n_gaps = _count(gc, n)
        mean_gap = _count(gc, n, weights=gaps) / n_gaps
        var_gap = np.maximum(_count(gc, n, weights=gaps * gaps) / n_gaps - mean_gap**2, 0)
        cols["regularity"] = np.where(n_gaps >= 2, np.sqrt(var_gap) / np.maximum(mean_gap, 1), np.nan)
    del gc, gaps, n_gaps, mean_gap, var_gap

    recent = day >= as_of - HALF_YEAR
    prior = (day >= as_of - 2 * HALF_YEAR) & ~recent
    rev_recent, rev_prior = _count(cust, n, recent, amount), _count(cust, n, prior, amount)
    ord_recent, ord_prior = _count(cust, n, recent), _count(cust, n, prior)
    old_enough = has & (first < as_of - 2 * HALF_YEAR)
    with np.errstate(invalid="ignore", divide="ignore"):
        cols["revenue_trend"] = np.where(old_enough & (rev_recent + rev_prior > 0),
                                         (rev_recent - rev_prior) / (rev_recent + rev_prior), np.nan)
        cols["frequency_trend"] = np.where(old_enough & (ord_recent + ord_prior > 0),
                                           (ord_recent - ord_prior) / (ord_recent + ord_prior), np.nan)
    extra.update(revenue_recent=rev_recent, revenue_prior=rev_prior, orders_recent=ord_recent,
                 orders_prior=ord_prior)
    cols["orders_90"] = where_has(_count(cust, n, day >= as_of - 90))

    # BG/NBD
    # BG/NBD's summary from the purchase occasions (bgnbd.summarise, without sorting again)
    occasions = np.bincount(kc, minlength=n)
    del kc
    x = np.where(has, occasions - 1, 0).astype(np.float64)
    t_x = np.where(has, last - first, 0).astype(np.float64)
    T = np.where(has, as_of - first, 0).astype(np.float64)
    del occasions
    extra.update(bgnbd_x=x, bgnbd_t_x=t_x, bgnbd_T=T)
    params = bgnbd_params
    if params is None and fit_bgnbd and has.sum() >= 20:
        try:
            params = bgnbd.fit(x[has], t_x[has], T[has], seed=seed)
        except ValueError:
            params = None
    # returns, cancellations, discounts: only when the store records them at all
    all_cust = o.customer.astype(np.int64)
    n_all = _count(all_cust, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        cols["return_share"] = (where_has(_count(cust, n, weights=returned) / np.maximum(gross, 1e-9))
                                if (o.returned > 0).any() else nan.copy())
        cols["cancel_share"] = (np.where(n_all > 0, _count(all_cust, n, ~o.confirmed) / n_all, np.nan)
                                if (~o.confirmed).any() else nan.copy())
        cols["discount_share"] = (where_has(_count(cust, n, weights=o.discount[conf])
                                            / np.maximum(gross + _count(cust, n, weights=o.discount[conf]), 1e-9))
                                  if (o.discount > 0).any() else nan.copy())

    # the orders' arrays are not needed any more: freed before the lines' (ten million of those, the
    # criteria's peak), 80 MB less at its peak for 3.3 million orders
    del conf, cust, day, amount, returned, recent, prior, all_cust, n_all

    # ``beside``: the lines' criteria in a thread while BG/NBD's columns are computed here
    # (numpy's loops release the GIL): the quadrature, 0.45 s of one core at 700,000 customers,
    # keeps its blocks (3.8 MB matrices, taken from the C library's heap of the thread that asks)
    # in this thread's heap, where the memory the criteria freed before is
    lines = None
    if beside:
        pool = ThreadPoolExecutor(1, thread_name_prefix="ecom_scoring_lines")
        lines = pool.submit(_line_criteria, h, n, as_of, cols, extra)
        pool.shutdown(wait=False)
    else:
        _line_criteria(h, n, as_of, cols, extra)
    try:
        if params is not None:
            # for the customers with orders only: BG/NBD's expectation (a quadrature per customer)
            # of the others would be thrown away (as of a past day, the customers who came later)
            idx = np.flatnonzero(has)
            xi, t_xi, Ti = x[idx], t_x[idx], T[idx]
            for name, values in (("p_alive", bgnbd.p_alive(params, xi, t_xi, Ti)),
                                 ("expected_orders", bgnbd.expected_purchases(params, horizon, xi, t_xi, Ti)),
                                 ("rhythm_probability", bgnbd.prob_purchase(params, horizon, xi, t_xi, Ti))):
                column = cols[name]  # NaN for the others
                column[idx] = values
    finally:
        if lines is not None:
            wait([lines])  # it writes into the matrix: never left running
    if lines is not None:
        lines.result()

    _interactions(h, as_of, n, cols, extra)

    names = NAMES
    values = cols.by_rows()
    del cols
    return Criteria(as_of=as_of, names=names, values=values, has_orders=has, extra=extra, bgnbd_params=params,
                    reason_texts=h.reason_texts, horizon=horizon)


def _line_criteria(h, n, as_of, cols, extra):
    """The criteria of the order lines of ``h`` (as of ``as_of``): breadth of categories and of
    products, re-buy cycles; NaN without lines."""
    extra.update(rebuy_product=np.full(n, -1, np.int64), rebuy_cycle=np.full(n, np.nan), rebuy_days=np.full(n, np.nan))
    li, o = h.lines, h.orders
    if li is None or not len(li):
        return
    lconf = o.confirmed[li.order] & (li.product >= 0)
    lorder = li.order[lconf]
    lc = o.customer[lorder]
    has_lines = _count(lc, n) > 0
    cat = li.category[lconf]
    if (cat >= 0).any():
        m = cat >= 0
        key = lc[m].astype(np.int64)  # (customer, category) packed in place: one 64-bit array
        key <<= 32
        key |= cat[m]
        uc = unique_int(key, inplace=True) >> 32
        del key
        cols["category_breadth"] = np.where(has_lines, _count(uc, n), np.nan)
        del uc, m
    del cat
    prod, lday = li.product[lconf], o.day[lorder]
    del lorder, lconf
    pc, pp, pd = distinct_purchases(lc, prod, lday, n)
    del lc, prod, lday
    new_pair = np.empty(len(pc), dtype=bool)  # filled in place: no temporary as long
    new_pair[:1] = True
    np.not_equal(pc[1:], pc[:-1], out=new_pair[1:])
    new_pair[1:] |= pp[1:] != pp[:-1]
    cols["product_breadth"] = np.where(has_lines, _count(pc[new_pair], n), np.nan)
    _rebuy(pc, pp, pd, new_pair, as_of, cols, extra)


def _rebuy(lc, prod, ld, new_cp, as_of, cols, extra):
    """Re-buy cycle: for each customer, the product bought on the most distinct days (at least
    3, i.e. two gaps), its median gap and the days since it was last bought; ``rebuy_due`` =
    days since / cycle (1 = due today, 2 = one full cycle late).  Inputs: distinct purchases
    sorted by customer, product, day and the mask of each (customer, product) run's start."""
    starts = np.flatnonzero(new_cp)
    sizes = np.diff(np.r_[starts, len(lc)])
    ok = sizes >= 3
    if not ok.any():
        return
    # only the pairs bought on three days or more, a few of all (most products a customer bought
    # once or twice): their gaps, each gap's pair among them, and the pairs' facts, without an
    # array as long as the purchases but the masks (ten million purchases: 40 MB each)
    kept = np.repeat(ok, sizes)
    kept_start = new_cp & kept
    group = np.cumsum(kept_start, dtype=np.int32)
    group -= 1
    at = np.flatnonzero(kept & ~new_cp)  # a purchase after the first of its pair: never position 0
    del kept, kept_start
    group = group[at]
    gaps = ld[at] - ld[at - 1]
    del at
    starts, sizes = starts[ok], sizes[ok]
    cycle = _median_by_group(group, gaps, len(starts))
    del gaps, group
    pc = lc[starts]
    pprod = prod[starts]
    since = as_of - ld[starts + sizes - 1]  # days since the last purchase of that product
    # per customer the product with most purchases (ties: the most recent)
    order = np.lexsort((since, -sizes, pc))
    pc, pprod, since, cycle = pc[order], pprod[order], since[order], cycle[order]
    first = np.flatnonzero(np.r_[True, pc[1:] != pc[:-1]])
    c = pc[first]
    extra["rebuy_product"][c] = pprod[first]
    extra["rebuy_cycle"][c] = cycle[first]
    extra["rebuy_days"][c] = since[first]
    cols["rebuy_due"][c] = since[first] / np.maximum(cycle[first], 1)


def _interactions(h, as_of, n, cols, extra):
    """Criteria from leads, activities, calls, mailings, opt-outs and complaints (NaN columns
    for the tables the store does not have)."""
    nan = np.full(n, np.nan)
    for name in ("days_since_contact", "open_activities", "open_opportunities", "opportunity_stage",
                 "recent_refusals",
                 "won_opportunities", "mail_engagement", "days_since_mail", "opted_out", "complaints"):
        cols[name] = nan.copy()
    extra["last_contact"] = np.full(n, -1, dtype=np.int64)
    extra["refusal_reason"] = np.full(n, -1, dtype=np.int64)
    extra["open_complaint"] = np.zeros(n, dtype=bool)
    extra["open_refusal"] = np.zeros(n, dtype=bool)
    extra["last_refusal"] = np.full(n, -1, dtype=np.int64)

    contact_c, contact_d = [], []
    refused_c, refused_d, refused_r = [], [], []
    if h.activities is not None:
        a = h.activities
        done = a.done != NEVER
        contact_c.append(a.customer[done])
        contact_d.append(a.done[done])
        cols["open_activities"] = _count(a.customer, n, ~done)
        ref = done & (a.outcome == OUTCOME_REFUSED)
        refused_c.append(a.customer[ref])
        refused_d.append(a.done[ref])
        refused_r.append(np.full(ref.sum(), -1))
    if h.calls is not None:
        contact_c.append(h.calls.customer)
        contact_d.append(h.calls.day)
    if h.leads is not None:
        le = h.leads
        is_open = le.status == LEAD_OPEN
        cols["open_opportunities"] = _count(le.customer, n, is_open)
        staged = is_open & (le.stage >= 0)
        if staged.any():
            furthest = np.full(n, -1, dtype=np.int64)
            _max_by(furthest, le.customer[staged].astype(np.int64), le.stage[staged].astype(np.int64))
            cols["opportunity_stage"] = np.where(furthest >= 0, furthest, np.nan)
        cols["won_opportunities"] = _count(le.customer, n, le.status == LEAD_WON)
        lost = le.status == LEAD_LOST
        refused_c.append(le.customer[lost])
        refused_d.append(le.closed[lost])
        refused_r.append(le.reason[lost])
        closed = le.status != LEAD_OPEN
        contact_c.append(le.customer[closed])
        contact_d.append(le.closed[closed])
    if contact_c:
        c = np.concatenate(contact_c).astype(np.int64)
        d = np.concatenate(contact_d).astype(np.int64)
        last = np.full(n, -1, dtype=np.int64)
        _max_by(last, c, d)
        extra["last_contact"] = last
        cols["days_since_contact"] = np.where(last >= 0, as_of - last, np.nan)
    if refused_c:
        c = np.concatenate(refused_c).astype(np.int64)
        d = np.concatenate(refused_d).astype(np.int64)
        r = np.concatenate(refused_r).astype(np.int64)
        recent = d >= as_of - HALF_YEAR
        cols["recent_refusals"] = _count(c, n, recent)
        # the latest refusal and its reason (the last one with a reason, if any)
        order = np.lexsort((r >= 0, d, c))
        c2, d2, r2 = c[order], d[order], r[order]
        ends = np.flatnonzero(np.r_[c2[1:] != c2[:-1], True]) if len(c2) else np.zeros(0, int)
        extra["last_refusal"][c2[ends]] = d2[ends]
        with_reason = r2 >= 0
        if with_reason.any():
            cr, rr = c2[with_reason], r2[with_reason]
            e2 = np.flatnonzero(np.r_[cr[1:] != cr[:-1], True])
            extra["refusal_reason"][cr[e2]] = rr[e2]
        extra["open_refusal"] = (extra["last_refusal"] >= 0) & (extra["last_refusal"] >= as_of - 30)
    if h.mailings is not None:
        m = h.mailings
        recent = m.day >= as_of - 90
        cols["mail_engagement"] = _count(m.customer, n, recent) + _count(m.customer, n, recent & (m.kind == MAIL_CLICK))
        last = np.full(n, -1, dtype=np.int64)
        _max_by(last, m.customer, m.day)
        cols["days_since_mail"] = np.where(last >= 0, as_of - last, np.nan)
    if h.opt_out_day is not None:
        cols["opted_out"] = (h.opt_out_day < as_of).astype(np.float64)
        extra["opted_out"] = h.opt_out_day < as_of
    if h.complaints is not None:
        cp = h.complaints
        cols["complaints"] = _count(cp.customer, n, cp.day >= as_of - 365)
        extra["open_complaint"] = _count(cp.customer, n, cp.closed == NEVER) > 0


def _max_by(out, group, values):
    """``out[g] = max(out[g], values of g)``: ``np.maximum.at``, unbuffered, no sorted copies
    of tables with millions of rows (mailings)."""
    if len(group) == 0:
        return out
    np.maximum.at(out, group, np.asarray(values, dtype=out.dtype))
    return out


def days_told(days):
    """Days since an event as of ``as_of`` (exclusive: the nightly job scores as of tomorrow, so that
    today's orders count), told as a person counts them from the last day counted: one less."""
    return max(round(float(days)) - 1, 0)


def _fmt(value, kind, reason_texts):
    if kind == "reason":
        return reason_texts.get(int(value), "") if value is not None and value >= 0 else ""
    if value is None or not np.isfinite(value):
        return ""
    if kind == "pct":
        return str(round(float(value) * 100))
    if kind == "dec":
        return f"{float(value):.1f}"
    if kind == "ago":
        return str(days_told(value))
    return str(round(float(value)))


def describe(criteria, customer, name):
    """``(template, params)`` of criterion ``name`` for one customer: ``template % params`` is
    the English sentence; the ORM side translates the template first, then fills it in."""
    params = {}
    for placeholder, (source, kind) in PARAMS[name].items():
        if source == "horizon":
            value = criteria.horizon
        elif source in criteria.names:
            value = criteria.values[customer, criteria.names.index(source)]
        else:
            value = criteria.extra[source][customer]
        params[placeholder] = _fmt(value, kind, criteria.reason_texts)
    return TEMPLATES[name], params
