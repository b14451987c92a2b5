"""A synthetic store's history for tests, benchmarks and the demo (deterministic by seed).

Why a generator: the engine's quality has to be checked against "what happened next", and
real stores' histories are not in the repository.  The story is deliberately richer than
BG/NBD's own assumptions, so that beating BG/NBD means something:

* customers arrive uniformly over the history; each has an order rate (Gamma across
  customers) and a **regularity**: gaps between orders are Gamma-distributed with shape 1
  (Poisson, irregular), 3 or 8 (consumables bought on a cycle);
* each lives for an exponential time (its mean varies across customers) and then stops; a
  share of lapsed customers **come back** for a second period after a dormant spell;
* a customer's first order usually holds a "durable" (coffee machine, printer, phone) whose
  **complement** (capsules, cartridges, cases) they re-buy with a personal propensity (some
  never do: the cross-sell gap); consumable categories are re-bought on the customer's cycle;
* order values depend on a personal price level; some orders are cancelled, some returned,
  some discounted (heavy returners leave sooner);
* optional interactions that carry signal the way real ones do: mailing opens/clicks while
  active (far fewer once gone), opt-outs, leads won when an order follows and lost with a
  refusal reason otherwise, activities with outcomes, calls, complaints.

``generate(..., orders_only=True)`` gives what a bare store has: orders and one product line
each, no categories, no interactions.
"""

import numpy as np

from .history import (
    LEAD_LOST,
    LEAD_OPEN,
    LEAD_WON,
    MAIL_CLICK,
    MAIL_OPEN,
    NEVER,
    OUTCOME_COMPLAINT,
    OUTCOME_REFUSED,
    OUTCOME_SUCCESS,
    History,
)

# (name, price, durable, complement category or -1, repurchase cycle in days or 0)
CATEGORIES = (
    ("coffee machines", 25000, True, 1, 0),
    ("coffee capsules", 1500, False, -1, 30),
    ("printers", 12000, True, 3, 0),
    ("cartridges", 2500, False, -1, 60),
    ("phones", 30000, True, 5, 0),
    ("phone cases", 1200, False, -1, 0),
    ("pet food", 2000, False, -1, 30),
    ("cosmetics", 1800, False, -1, 45),
    ("kitchenware", 3000, False, -1, 0),
    ("books", 800, False, -1, 0),
    ("household chemicals", 900, False, -1, 40),
    ("toys", 2500, False, -1, 0),
)
PRODUCTS_PER_CATEGORY = 8
REASONS = {1: "too expensive", 2: "not now", 3: "bought elsewhere"}


def _group_cumsum(values, counts):
    """Cumulative sums restarting at each group of a flat array made of runs of ``counts``."""
    cs = np.cumsum(values)
    ends = np.cumsum(counts)
    before = np.r_[0.0, cs[ends[:-1] - 1]] if len(counts) else np.zeros(0)
    return cs - np.repeat(before, counts)


def _events_in(rng, owner, start, end, rate):
    """Poisson events of ``rate`` per day in ``[start, end)`` per row: (owner, day) arrays."""
    length = np.maximum(end - start, 0)
    n = rng.poisson(rate * length)
    idx = np.repeat(np.arange(len(owner)), n)
    day = start[idx] + rng.random(len(idx)) * length[idx]
    return owner[idx], day.astype(np.int32)


def generate(n_customers=5000, days=1095, seed=0, orders_only=False, n_managers=5, start_day=0,
             lines_per_order=1.6, season=0.0, peak_day=330):
    """A synthetic :class:`~.history.History` of ``n_customers`` over ``days`` days.

    ``lines_per_order``: the mean number of lines of an order (1 + Poisson, at most 5) unless
    ``orders_only`` (one line each).  ``season``: the amplitude of a yearly season of irregular
    customers' orders (0: none; 0.5: the peak, around day ``peak_day`` of each year, sells three
    times the trough); habits on a cycle and first orders do not follow it.

    Day numbers run from ``start_day`` to ``start_day + days``.  Vectorised: a million
    customers take a few tens of seconds.
    """
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    end_day = float(days)
    cats = len(CATEGORIES)
    price = np.array([c[1] for c in CATEGORIES], dtype=float)
    durable = np.array([c[2] for c in CATEGORIES])
    complement = np.array([c[3] for c in CATEGORIES])
    cycle = np.array([c[4] for c in CATEGORIES], dtype=float)

    # -- customers --------------------------------------------------------------------------
    acquired = rng.random(n) * end_day * 0.97
    mean_gap = np.clip(1.0 / rng.gamma(1.3, 1 / 60.0, n), 7, 720)  # days between orders
    shape = rng.choice([1.0, 3.0, 8.0], n, p=[0.5, 0.3, 0.2])
    returner = rng.beta(1, 12, n)  # share of orders returned
    life_mean = rng.gamma(0.8, 400.0, n) / (1 + 6 * returner)  # many one-off buyers
    life_end = acquired + rng.exponential(life_mean)
    comeback = rng.random(n) < 0.25
    back_start = life_end + 60 + rng.exponential(240, n)
    back_end = back_start + rng.exponential(200, n)
    price_level = rng.lognormal(0, 0.35, n)
    main = np.where(rng.random(n) < 0.6, rng.choice(np.flatnonzero(durable), n), -1)
    consumables = np.flatnonzero(cycle > 0)
    favourite = rng.choice(consumables, n)  # the consumable they re-buy when they have no durable
    comp_cat = np.where(main >= 0, complement[np.maximum(main, 0)], favourite)
    comp_prop = np.where(rng.random(n) < 0.3, 0.0, rng.beta(3, 2, n))
    other_a = rng.integers(0, cats, n)
    other_b = rng.integers(0, cats, n)
    engagement = rng.gamma(2, 0.02, n) * (30 / mean_gap) ** 0.5  # mail opens per day while active

    # -- orders: two active periods per customer, Gamma gaps -------------------------------------
    periods_owner = np.r_[np.arange(n), np.flatnonzero(comeback)]
    p_start = np.r_[acquired, back_start[comeback]]
    p_end = np.minimum(np.r_[life_end, back_end[comeback]], end_day)
    p_first = np.r_[np.ones(n, bool), np.zeros(comeback.sum(), bool)]
    active = p_start < p_end
    periods_owner, p_start, p_end, p_first = (a[active] for a in (periods_owner, p_start, p_end, p_first))
    g = mean_gap[periods_owner]
    counts = np.minimum(np.ceil((p_end - p_start) / g * 1.6).astype(np.int64) + 2, 200)
    flat_owner = np.repeat(periods_owner, counts)
    k = shape[flat_owner]
    gaps = rng.gamma(k, g.repeat(counts) / k)
    first_of_period = np.r_[0, np.cumsum(counts)[:-1]]
    gaps[first_of_period] = 0.0  # a period starts with an order
    offs = _group_cumsum(gaps, counts)
    day = np.repeat(p_start, counts) + offs
    seq = np.arange(len(day)) - np.repeat(first_of_period, counts)
    first_order = (seq == 0) & np.repeat(p_first, counts)
    keep = day < np.repeat(p_end, counts)
    if season:
        wave = np.cos(2 * np.pi * (day - peak_day) / 365.0)
        off_season = rng.random(len(day)) > (1 + season * wave) / (1 + season)
        keep &= ~(off_season & (k == 1.0) & (seq > 0))
    cust, day, first_order = flat_owner[keep].astype(np.int32), day[keep].astype(np.int32), first_order[keep]
    n_orders = len(cust)

    # -- lines ------------------------------------------------------------------------------
    if orders_only:
        n_lines = np.ones(n_orders, dtype=np.int64)
    else:
        n_lines = 1 + np.minimum(rng.poisson(max(lines_per_order - 1, 0), n_orders), 4)
    line_order = np.repeat(np.arange(n_orders), n_lines)
    line_seq = np.arange(len(line_order)) - np.repeat(np.r_[0, np.cumsum(n_lines)[:-1]], n_lines)
    lc = cust[line_order]
    u = rng.random(len(line_order))
    category = np.where(u < 0.3, other_a[lc], other_b[lc])
    category = np.where(u > 0.7, rng.integers(0, cats, len(line_order)), category)
    wants_comp = rng.random(len(line_order)) < comp_prop[lc]
    category = np.where(wants_comp, comp_cat[lc], category)
    is_first_line = first_order[line_order] & (line_seq == 0) & (main[lc] >= 0)
    category = np.where(is_first_line, main[lc], category)
    # durables are bought once: a later durable line becomes the complement instead
    later_durable = durable[category] & ~is_first_line
    category = np.where(later_durable, comp_cat[lc], category)
    zipf = 1.0 / np.arange(1, PRODUCTS_PER_CATEGORY + 1)
    product_rank = rng.choice(PRODUCTS_PER_CATEGORY, len(line_order), p=zipf / zipf.sum())
    loyal_rank = (lc.astype(np.int64) * 2654435761 + category * 97) % PRODUCTS_PER_CATEGORY  # their usual product
    product_rank = np.where((cycle[category] > 0) & (rng.random(len(line_order)) < 0.8), loyal_rank, product_rank)
    product = (category * 100 + product_rank).astype(np.int32)
    qty = np.where(cycle[category] > 0, rng.integers(1, 4, len(line_order)), 1).astype(np.float32)
    line_amount = np.round(price[category] * (1 + 0.15 * product_rank) * qty * price_level[lc]
                           * rng.lognormal(0, 0.1, len(line_order)), 2)
    amount = np.bincount(line_order, weights=line_amount, minlength=n_orders)
    confirmed = rng.random(n_orders) >= 0.04
    returned = np.where(rng.random(n_orders) < returner[cust], np.round(amount * rng.uniform(0.3, 1, n_orders), 2), 0.0)
    discount = np.where(rng.random(n_orders) < 0.25, np.round(amount * rng.uniform(0.05, 0.2, n_orders), 2), 0.0)
    start = int(start_day)
    orders = {"customer": cust, "day": day + start, "amount": amount, "confirmed": confirmed,
              "returned": returned, "discount": discount}
    lines = {"order": line_order.astype(np.int32), "product": product,
             "category": np.full(len(product), -1, np.int32) if orders_only else category.astype(np.int32),
             "qty": qty, "amount": line_amount}
    if orders_only:
        return History.build(n, orders, lines=lines)

    # -- interactions -----------------------------------------------------------------------
    owner = np.arange(n)
    alive_end = np.minimum(life_end, end_day)
    mo, md = _events_in(rng, owner, acquired, alive_end, engagement)
    do, dd = _events_in(rng, owner, alive_end, np.full(n, end_day), engagement * 0.15)
    m_cust = np.r_[mo, do]
    m_day = np.r_[md, dd]
    m_kind = np.where(rng.random(len(m_cust)) < 0.3, MAIL_CLICK, MAIL_OPEN).astype(np.int8)

    opt_out = np.full(n, NEVER, dtype=np.int64)
    opting = rng.random(n) < 0.04
    opt_out[opting] = (acquired[opting] + rng.random(opting.sum()) * (end_day - acquired[opting])).astype(np.int64)
    # nobody opens mailings after opting out
    keep_m = m_day < opt_out[m_cust]
    m_cust, m_day, m_kind = m_cust[keep_m], m_day[keep_m], m_kind[keep_m]

    # next order day after a given day, per customer (for leads' and activities' outcomes)
    order_key = cust.astype(np.int64) * (1 << 32) + day
    order_key.sort()

    def next_order(c, d):
        key = c.astype(np.int64) * (1 << 32) + d
        pos = np.searchsorted(order_key, key, side="right")
        nxt = np.full(len(c), NEVER, dtype=np.int64)
        ok = pos < len(order_key)
        same = ok.copy()
        same[ok] = (order_key[pos[ok]] >> 32) == c[ok]
        nxt[same] = order_key[pos[same]] & 0xFFFFFFFF
        return nxt

    lead_c = rng.choice(n, int(n * 0.15))
    lead_d = (acquired[lead_c] + rng.random(len(lead_c)) * (end_day - acquired[lead_c])).astype(np.int64)
    nxt = next_order(lead_c, lead_d)
    won = nxt - lead_d <= 30
    decided = lead_d + rng.integers(5, 31, len(lead_c))
    status = np.where(won, LEAD_WON, LEAD_LOST)
    closed = np.where(won, nxt, decided)
    still_open = closed >= end_day
    status = np.where(still_open, LEAD_OPEN, status).astype(np.int8)
    closed = np.where(still_open, NEVER, closed)
    reason = np.where(status == LEAD_LOST, rng.choice([1, 2, 3], len(lead_c), p=[0.5, 0.3, 0.2]), -1)

    act_c = rng.choice(n, int(n * 0.25))
    act_d = (acquired[act_c] + rng.random(len(act_c)) * (end_day - acquired[act_c])).astype(np.int64)
    act_done = act_d + rng.integers(0, 11, len(act_c))
    nxt = next_order(act_c, act_d)
    outcome = np.where(nxt - act_d <= 60, OUTCOME_SUCCESS, OUTCOME_REFUSED)
    outcome = np.where(rng.random(len(act_c)) < 0.04, OUTCOME_COMPLAINT, outcome)
    act_open = act_done >= end_day
    act_done = np.where(act_open, NEVER, act_done)
    outcome = np.where(act_open, 0, outcome).astype(np.int8)
    call_c, call_d = act_c[~act_open], act_done[~act_open]

    comp_c = rng.choice(n, int(n * 0.02))
    comp_d = (acquired[comp_c] + rng.random(len(comp_c)) * (end_day - acquired[comp_c])).astype(np.int64)
    comp_closed = comp_d + rng.integers(3, 21, len(comp_c))
    comp_closed = np.where(comp_closed >= end_day, NEVER, comp_closed)

    def shift(d):
        d = np.asarray(d, dtype=np.int64)
        return np.where(d == NEVER, NEVER, d + start).astype(np.int32)

    return History.build(
        n, orders, lines=lines,
        leads={"customer": lead_c, "day": shift(lead_d), "closed": shift(closed), "status": status,
               "reason": reason, "stage": np.where(status == LEAD_OPEN, rng.integers(1, 5, len(lead_c)), -1)},
        activities={"customer": act_c, "day": shift(act_d), "done": shift(act_done), "outcome": outcome},
        calls={"customer": call_c, "day": shift(call_d)},
        mailings={"customer": m_cust, "day": shift(m_day), "kind": m_kind},
        complaints={"customer": comp_c, "day": shift(comp_d), "closed": shift(comp_closed)},
        opt_out_day=shift(opt_out), manager=(np.arange(n) % max(n_managers, 1)).astype(np.int32),
        reason_texts=REASONS)


def category_names():
    """Category id -> name of the synthetic catalogue (products are ``category * 100 + k``)."""
    return {i: c[0] for i, c in enumerate(CATEGORIES)}
