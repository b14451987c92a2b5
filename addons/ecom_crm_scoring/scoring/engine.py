"""The nightly job in one call: :func:`run` scores every customer as of a day.

Steps (each in its own module, all vectorised over customers):

1. learn the order model from the store's own recent past (:mod:`.model`): criteria as of
   ``today - horizon`` (and ``snapshots - 1`` earlier days, ``snapshot_step`` apart, for
   more and steadier examples) against "ordered within the horizon after"; its percentages
   are recalibrated on how they held in the same season last year (:mod:`.season`);
2. criteria as of today (:mod:`.criteria`), the calibrated probability of an order in the
   next ``horizon`` days, shown as 0-100;
3. RFM segments and the growth / risk / watch groups (:mod:`.segments`);
4. the contact schedule with the daily cap per manager (:mod:`.schedule`), a customer whose
   scheduled contact was handed to another salesperson in that one's list (``History.list_of``);
5. the reasons in words for scheduled customers (criteria contributions) and up to three
   cross-sell suggestions for those to call now (:mod:`.crosssell`).

Only data dated before ``today`` is read, so ``run(history, day)`` on a full history is
exactly what the job would have produced on that day (:mod:`.backtest` relies on it).
"""

from __future__ import annotations

import dataclasses
import logging
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import criteria as crit
from . import crosssell, model, schedule, season, segments
from .memory import release_memory
from .settings import Settings

_logger = logging.getLogger(__name__)
DEFAULTS = Settings()  # frozen: shared by the functions that take no settings


@dataclass
class State:
    """The store-wide facts of a full run: the learned order model, BG/NBD's parameters, the
    RFM quintile boundaries and the growth threshold (picklable)."""

    today: int
    order_model: model.OrderModel | None
    bgnbd_params: object
    rfm_bounds: dict | None
    growth_threshold: float | None
    # the day the order model was learned (as of), the cross-sell model, and what they were
    # learned with (the job's key: settings and version): the following nights score with them
    # until they are due again (None: a state from before the models were kept)
    learned_on: int | None = None
    learned_customers: int | None = None  # customers with orders then
    crosssell_model: crosssell.CrossSellModel | None = None
    learn_key: str | None = None
    # the day the cross-sell model was learned (None: with the order model, on ``learned_on``)
    crosssell_learned_on: int | None = None
    # an order model learned on a night that scored with the one before, used from the next night
    # on, with the day it was learned (as of) and the customers with orders then
    next_order_model: model.OrderModel | None = None
    next_learned_on: int | None = None
    next_learned_customers: int | None = None


@dataclass
class Result:
    """What the nightly job stores (arrays are per customer unless said otherwise).

    ``probability``: calibrated P(order within the horizon), NaN for customers without
    orders; ``score``: the same as 0-100 (-1 when not scored); ``r``, ``f``, ``m``: RFM
    scores 1-5 (0 = no orders); ``segment``: index into ``segments.SEGMENTS`` (-1);
    ``group``: ``segments.GROWTH/RISK/WATCH`` or -1; ``expected_value``: their average order net of returns;
    ``stake``: a year of their spending at the pace they bought (first to last order, at least a
    year); ``schedule``: :class:`.schedule.Schedule`;
    ``reason_rows``: customers with reasons, ``reason_names``/``reason_values``: their top
    criteria (rows x n_reasons, ``""`` when fewer) and each one's contribution to the chance
    (NaN: a fact behind the group the model did not name, :func:`_reasons`); ``suggestions``: cross-sell for the
    customers to call now.
    """

    today: int
    criteria: crit.Criteria
    order_model: model.OrderModel | None
    probability: np.ndarray
    score: np.ndarray
    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    segment: np.ndarray
    group: np.ndarray
    expected_value: np.ndarray
    stake: np.ndarray
    schedule: schedule.Schedule
    reason_rows: np.ndarray
    reason_names: np.ndarray
    reason_values: np.ndarray
    crosssell_model: crosssell.CrossSellModel | None = None
    suggestions: crosssell.Suggestions | None = None
    rfm_bounds: dict | None = None
    growth_threshold: float | None = None

    def state(self):
        """What an incremental run of the same day needs to score a few customers as this run
        scored the whole store (see :func:`rescore`)."""
        return State(today=self.today, order_model=self.order_model, bgnbd_params=self.criteria.bgnbd_params,
                     rfm_bounds=self.rfm_bounds, growth_threshold=self.growth_threshold)

    def reasons(self, customer):
        """``[(template, params), ...]`` of one customer's reasons (English templates)."""
        pos = np.searchsorted(self.reason_rows, customer)
        if pos >= len(self.reason_rows) or self.reason_rows[pos] != customer:
            return []
        return [crit.describe(self.criteria, customer, name) for name in self.reason_names[pos] if name]


def learn_order_model(history, today, settings=DEFAULTS, bgnbd=None):
    """The calibrated order model learned from data before ``today`` (None if impossible).

    ``bgnbd``: a :class:`~concurrent.futures.Future` given the BG/NBD parameters the model learns
    with as soon as they are fitted, on the latest snapshot, a few percent of the way in: today's
    criteria are computed with them (:func:`todays_criteria`) while the rest is learned
    (:func:`prepare`). Given :data:`LEARN` when the model learns with none, the learning's error
    when it fails before them (today's criteria are not computed for nothing). The labels are
    the orders as known on ``today`` (an order refused at delivery since is none:
    :meth:`.history.History.known`)."""
    try:
        om = _learn_order_model(history.known(today), today, settings, bgnbd)
    except BaseException as exc:
        if bgnbd is not None and not bgnbd.done():
            bgnbd.set_exception(exc)
        raise
    if bgnbd is not None and not bgnbd.done():
        bgnbd.set_result(LEARN)
    return om


def _learn_order_model(history, today, settings, bgnbd):
    h = settings.horizon
    cs, rows, ys, customers = [], [], [], []
    per_snapshot = max(settings.max_train_rows // max(settings.snapshots, 1), 1000)
    first = history.first_order_day()
    rng = np.random.default_rng(settings.seed)
    params = LEARN
    for k in range(max(settings.snapshots, 1)):
        day = today - h - k * settings.snapshot_step
        known = np.flatnonzero(first < day)
        if len(known) == 0:
            break
        if len(known) > per_snapshot:
            known = np.sort(rng.choice(known, per_snapshot, replace=False))
        # criteria of the sampled customers only, on their own history. BG/NBD is fitted once, on
        # the latest snapshot, and its parameters serve the earlier ones and today's criteria:
        # fitted at each day, on a young store they moved so much (a = 0.03 on a snapshot, 0.19
        # today) that "probably still active" meant another thing in training than in scoring
        sample = history.compact(known)
        c = crit.compute(sample, day, horizon=h, seed=settings.seed + k, **_bgnbd(params))
        if params is LEARN:
            params = c.bgnbd_params
            if bgnbd is not None:
                bgnbd.set_result(params)
        r, y = model.training_rows(c, sample, h, max_customers=per_snapshot, seed=settings.seed + k)
        cs.append(c.subset(r))
        rows.append(np.arange(len(r)))
        ys.append(y)
        customers.append(known[r])
        del c, sample
    if not cs:
        return None
    try:
        om = model.fit(cs, rows, ys, horizon=h, seed=settings.seed, groups=np.concatenate(customers))
    except ValueError:
        return None
    om.bgnbd_params = params
    if settings.seasonal:
        om.season = _season(history, today, om, first, per_snapshot, rng, settings)
    return om


def _bgnbd(params):
    """``crit.compute``'s BG/NBD arguments: fit (``LEARN``), or the parameters given (None: the
    BG/NBD criteria left empty, as the model learned them)."""
    return {} if params is LEARN else {"bgnbd_params": params, "fit_bgnbd": False}


def todays_criteria(history, today, om, settings=DEFAULTS, beside=False):
    """The criteria of every customer as of ``today`` for the order model ``om``: with its BG/NBD
    parameters (those it learned with), fitted on today's history without a model. ``beside``:
    their lines' part in a thread of its own (:func:`.criteria.compute`)."""
    return _todays_criteria(history, today, getattr(om, "bgnbd_params", None), settings, beside)


def _bgnbd_of(om):
    """The BG/NBD parameters today's criteria take with the order model ``om`` (:data:`LEARN`: fitted)."""
    params = getattr(om, "bgnbd_params", None)
    return LEARN if params is None else params


def _todays_criteria(history, today, params, settings, beside=False):
    """Today's criteria with the BG/NBD ``params`` of a model (None or :data:`LEARN`: fitted)."""
    return crit.compute(history, today, horizon=settings.horizon, seed=settings.seed, beside=beside,
                        **_bgnbd(LEARN if params is None else params))


def _season(history, today, om, first, n, rng, settings):
    """The model's percentages as of a year back against what followed (:mod:`.season`)."""
    day = today - season.YEAR
    known = np.flatnonzero(first < day)
    if len(known) < season.MIN_CUSTOMERS:
        return None
    if len(known) > n:
        known = np.sort(rng.choice(known, n, replace=False))
    sample = history.compact(known)
    c = crit.compute(sample, day, horizon=settings.horizon, seed=settings.seed, **_bgnbd(om.bgnbd_params))
    rows, y = model.training_rows(c, sample, settings.horizon, max_customers=n, seed=settings.seed)
    trained = float(om.typical[om.features.index("tenure")]) if "tenure" in om.features else None
    with np.errstate(all="ignore"):
        then = float(np.nanmedian(c.column("tenure")[rows])) if len(rows) else float("nan")
    if not season.comparable(then, trained):
        return None
    # a criterion without data a year back (the trends need a year before it) is filled as in
    # training, with its typical value: the map is learned on the model as it can be applied there
    return season.fit(om.predict(c, rows), y)


LEARN = object()  # run(order_model=LEARN): learn the order model (the default)


def run(history, today, settings=DEFAULTS, explain=True, plan=True, suggest=True, outcomes=None,
        order_model=LEARN):
    """Score every customer of ``history`` as of day ``today`` (see the module docstring).

    ``outcomes``: the cross-sell offers managers recorded (see :func:`.crosssell.fit`).
    ``order_model``: the model :func:`learn_order_model` returned for this day (None: nothing
    could be learned), when the caller learned it as a step of its own.
    """
    today = int(today)
    om = learn_order_model(history, today, settings) if order_model is LEARN else order_model
    c = todays_criteria(history, today, om, settings)
    result = _score(history, today, c, om, settings, explain=explain, plan=plan)
    if suggest:
        add_suggestions(result, history, settings, outcomes=outcomes)
    return result


def add_suggestions(result, history, settings=DEFAULTS, outcomes=None):
    """Learn the cross-sell model as of ``result``'s day and suggest up to three offers to each
    customer it schedules to call now (``result.crosssell_model``, ``result.suggestions``)."""
    if not settings.crosssell or result.schedule is None:
        return result
    return suggest(result, history, learn_crosssell_model(history, result.today, settings, outcomes))


def learn_crosssell_model(history, today, settings=DEFAULTS, outcomes=None):
    """The cross-sell model as of ``today`` (:func:`.crosssell.fit`; None when nothing to learn).
    The offers are an addition to the scores: a store whose purchases the model cannot learn
    from gets scores without offers (the error logged), never no scores at all."""
    try:
        return crosssell.fit(history, today, settings.horizon, level=settings.crosssell_level,
                             max_customers=settings.crosssell_train_customers, seed=settings.seed, outcomes=outcomes,
                             year_back=settings.seasonal)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        _logger.exception("cross-sell model not learned as of day %s: no offers", today)
        return None


class Prepared(NamedTuple):
    """What :func:`prepare` gives :func:`score` and :func:`suggest`, and the order model learned
    for the next nights (``learn_next``; else None)."""

    order_model: model.OrderModel | None
    criteria: crit.Criteria
    crosssell_model: crosssell.CrossSellModel | None
    next_order_model: model.OrderModel | None = None


def prepare(history, today, settings=DEFAULTS, outcomes=None, order_model=LEARN, crosssell_model=LEARN,
            learn_next=False):
    """The models and today's criteria for :func:`score` as of ``today`` (:class:`Prepared`): the
    cross-sell model (None without cross-sell) learned unless given (a given one takes the
    corrections of the offers' ``outcomes`` recorded until today; ``crosssell_model=None``: none,
    the Odoo job learns it while it writes the scores of a night that learns both models), the
    order model learned unless given, and ``learn_next`` (with an order model given; else
    ignored): an order model learned for the next nights beside the one given.

    What is learned is learned in a thread beside today's criteria, which need only the order
    model's BG/NBD parameters (fitted a few percent of the way in): the learning keeps 1.2-1.5 of
    the 2 cores busy, the criteria one (with nothing learned, their lines' part takes the other:
    :func:`.criteria.compute`'s ``beside``). On the 1M demo store the order model and today's
    criteria took 5.6-6.0 s; together they peak at +0.62-0.74 GB over the history (the criteria
    alone at +0.57-0.60 GB, the cross-sell model at +0.16 GB, the order model at +0.15 GB: its
    criteria are a sample's, on its own history). When both models are learned the cross-sell
    model is learned first, alone (the criteria wait for the order model's parameters); each
    step's freed memory goes back to the system before the next."""
    today = int(today)
    xs = None
    offers = settings.crosssell and crosssell_model is LEARN
    if offers and order_model is LEARN:  # alone: beside the order model's, the criteria wait for its parameters
        xs = learn_crosssell_model(history, today, settings, outcomes)
        release_memory()
        offers = False
    elif settings.crosssell and crosssell_model is not LEARN and crosssell_model is not None:
        # the corrections from the offers' outcomes recorded until today, as a model learned today has
        adjust = crosssell.outcome_adjustment(outcomes) if outcomes is not None else np.ones(len(crosssell.KINDS))
        xs = dataclasses.replace(crosssell_model, adjust=adjust)
    om, upcoming = order_model, None
    with ThreadPoolExecutor(1, thread_name_prefix="ecom_scoring_learn") as pool:
        if offers:  # beside today's criteria (an order model given)
            learning_offers = pool.submit(learn_crosssell_model, history, today, settings, outcomes)
        if order_model is LEARN:
            told = Future()
            learning = pool.submit(learn_order_model, history, today, settings, told)
            # the parameters as soon as they are fitted (or the learning's error, raised here); a
            # learner done without handing them over has none: today's criteria fit their own
            wait([told, learning], return_when=FIRST_COMPLETED)
            params = told.result() if told.done() else LEARN
            c = _todays_criteria(history, today, params, settings)
            om = learning.result()
            if _bgnbd_of(om) is not (LEARN if params is None else params):
                # nothing learned (today's criteria fit their own BG/NBD), or not with these
                del c
                c = todays_criteria(history, today, om, settings)
        else:
            learning = pool.submit(learn_order_model, history, today, settings) if learn_next else None
            # nothing learned beside: a core to spare for the criteria's lines
            c = todays_criteria(history, today, om, settings, beside=learning is None and not offers)
            upcoming = learning.result() if learning is not None else None
        if offers:
            xs = learning_offers.result()
    release_memory()
    return Prepared(om, c, xs, upcoming)


def score(history, today, c, om, settings=DEFAULTS, list_day=None):
    """Score every customer from the criteria and order model :func:`prepare` gave, as :func:`run`
    does (without cross-sell: :func:`suggest`). ``list_day``: the day whose list the plan makes
    (default ``today``), for a run on a day's data that plans that day's list: the nightly job
    counts the day's orders and contacts (``today`` the day after) and plans the day's list, and
    the quiet days and the days a waiting customer's rank reaches a list count from the list's day."""
    return _score(history, int(today), c, om, settings, list_day=list_day)


def suggest(result, history, xs_model):
    """Up to three offers of the cross-sell model ``xs_model`` (from :func:`prepare`) to each
    customer ``result`` schedules to call now. None (cross-sell off, or nothing to learn it
    from) suggests nothing."""
    if xs_model is not None and result.schedule is not None:
        result.crosssell_model = xs_model
        now = np.flatnonzero(result.schedule.decision == schedule.NOW)
        result.suggestions = crosssell.suggest(xs_model, history, result.today, now,
                                               order_probability=result.probability)
    return result


def rescore(history, today, state, settings=DEFAULTS, explain=True, list_day=None):
    """Score the customers of ``history`` (a few whose orders, leads or activities changed since
    the full run of ``state``) the way that run scored the whole store: its model, its BG/NBD
    parameters, its RFM boundaries and growth threshold; nothing is learned again.  The daily
    cap applies within these customers only (the ORM side counts the list already made).  No
    cross-sell: suggestions come from the whole store's co-purchases, kept from the full run.
    ``list_day``: as :func:`score`."""
    today = int(today)
    c = crit.compute(history, today, bgnbd_params=state.bgnbd_params, horizon=settings.horizon,
                     fit_bgnbd=False, seed=settings.seed)
    # whether the model is used at all was the full run's decision, on the whole store (its state
    # holds no model when it was dropped): a few customers rescored must not decide it again
    return _score(history, today, c, state.order_model, settings, explain=explain,
                  rfm_bounds=state.rfm_bounds, threshold=state.growth_threshold, store_wide=False,
                  list_day=list_day)


def _score(history, today, c, om, settings, explain=True, plan=True, rfm_bounds=None, threshold=None,
           store_wide=True, list_day=None):
    """Probability, RFM, segment, group, schedule and reasons from criteria ``c`` and model ``om``;
    the store-wide boundaries and growth threshold are this population's unless given (a rescore
    takes the full run's). ``store_wide``: ``c`` holds the whole store (not a rescore's few), which
    decides whether the model extrapolates for too many (:func:`_beyond_training`)."""
    rows = np.flatnonzero(c.has_orders)
    probability = np.full(history.n_customers, np.nan)
    beyond = _beyond_training(om, c, rows) if store_wide and om is not None and len(rows) else 0.0
    if beyond > MAX_BEYOND_TRAINING:
        _logger.warning("order model learned on silences up to %s days, %.0f%% of today's customers are silent "
                        "over twice as long: scored by BG/NBD instead", om.recency_max, 100 * beyond)
        om = None
    if om is not None and len(rows):
        probability[rows] = om.predict(c, rows)
    elif len(rows):  # too little history to learn from
        probability[rows] = _without_model(c, rows, settings.horizon)
    score = np.where(np.isfinite(probability), np.round(np.nan_to_num(probability) * 100), -1).astype(np.int16)
    if rfm_bounds is None:
        rfm_bounds = segments.rfm_bounds(c)
    r, f, m = segments.rfm_scores(c, rfm_bounds)
    seg = segments.rfm_segments(r, f, m)
    if threshold is None:
        threshold = segments.growth_threshold(probability[rows], settings.rules) if len(rows) else 1.0
    grp = segments.assign_groups(probability, r, f, m, c.column("overdue"), c.column("p_alive"), settings.rules,
                                 threshold=threshold)
    # what an order of theirs is worth: what they kept of their orders, an order at a time (an
    # order sent back whole is worth no call): the criterion ``avg_order``, which the model weighs
    # and the reasons tell, computed in float64 from the same net spending
    with np.errstate(invalid="ignore", divide="ignore"):
        expected_value = np.maximum(c.column("monetary").astype(np.float64), 0) / c.column("frequency")
    # a year of their spending at the pace they bought, from their first order to their last (at
    # least a year): what the store loses if they leave, and the same from one night to the next
    # until they order again (over their tenure up to today it fell a little every night)
    first, last = c.extra["first_order"], c.extra["last_order"]
    span = np.where((first >= 0) & (last >= first), last - first, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        stake = c.column("monetary") / np.maximum(span, 365) * 365
    sched = None
    if plan:
        ex = c.extra
        sched = schedule.plan(
            today if list_day is None else int(list_day), grp, probability, expected_value, stake, history.list_of(),
            opted_out=ex.get("opted_out"), last_contact=ex["last_contact"], last_order=ex["last_order"],
            open_complaint=ex["open_complaint"], last_refusal=ex["last_refusal"],
            open_activities=np.nan_to_num(c.column("open_activities")), usual_gap=c.column("usual_gap"),
            archived=history.archived, settings=settings.contact)
    reason_rows = np.zeros(0, np.int64)
    names = np.zeros((0, settings.n_reasons), dtype=object)
    values = np.zeros((0, settings.n_reasons))
    if explain and sched is not None:
        reason_rows = np.flatnonzero(np.isin(sched.decision, (schedule.NOW, schedule.LATER)))
        if len(reason_rows):
            names, values = (_reasons(om, c, reason_rows, grp[reason_rows], settings.n_reasons) if om is not None
                             else _facts(c, reason_rows, settings.n_reasons))
    return Result(today=today, criteria=c, order_model=om, probability=probability, score=score, r=r, f=f, m=m,
                  segment=seg, group=grp, expected_value=expected_value, stake=stake, schedule=sched,
                  reason_rows=reason_rows, reason_names=names, reason_values=values,
                  rfm_bounds=rfm_bounds, growth_threshold=threshold)


# the share of today's customers silent for over twice as long as any training customer above
# which the model is not used. After orders imported with one date (a 1C transfer dated the day it
# ran), the training days only knew customers silent for a few days and the model extrapolated for
# nearly everyone (AUC 0.80 against BG/NBD's 0.90, a decile 45 points off); a model that saw
# silences of 200 days still ranks those of 300 well (AUC 0.95, within a point by decile)
MAX_BEYOND_TRAINING = 0.25


def _beyond_training(om, c, rows):
    """Share of customers ``rows`` silent for over twice as long as the order model saw in training."""
    limit = getattr(om, "recency_max", None)
    if limit is None or not np.isfinite(limit) or "recency" not in c.names:
        return 0.0
    return float(np.mean(np.nan_to_num(c.column("recency")[rows], nan=0.0) > 2 * limit))


def _without_model(c, rows, horizon):
    """The chance of an order when nothing can be learned: BG/NBD's own probability, or, in a store
    too small to fit even BG/NBD (fewer than 20 customers), each customer's own order rate
    (orders over tenure) over the horizon, lowered as their silence exceeds their usual gap."""
    p = np.asarray(c.column("rhythm_probability")[rows], dtype=np.float64)
    missing = ~np.isfinite(p)
    if missing.any():
        take = rows[missing]
        orders = np.nan_to_num(c.column("frequency")[take], nan=1.0)
        tenure = np.maximum(np.nan_to_num(c.column("tenure")[take], nan=0.0), 0.0) + 30.0
        silence = np.maximum(np.nan_to_num(c.column("recency")[take], nan=0.0), 0.0)
        rate = np.maximum(orders, 1.0) / np.maximum(tenure, silence + 30.0)
        p[missing] = (1.0 - np.exp(-rate * horizon)) * np.exp(-np.maximum(silence * rate - 1.0, 0.0))
    return p


# without a learned model the chance is BG/NBD's, a function of the customer's orders, the days
# since the last one and their time as a customer: those facts are the reasons, the rhythm first
FACTS = ("overdue", "frequency", "recency", "tenure")
# what puts a customer in the risk group (:func:`.segments.assign_groups`): slipping (overdue
# against their usual gap, or long silent, or BG/NBD doubting they are still a customer: only
# below the group's bound, :data:`RISK_FACT_BELOW`) and valuable (what they spent, how often
# they bought)
RISK_FACTS = ("overdue", "recency", "p_alive", "monetary", "frequency")
RISK_FACT_BELOW = {"p_alive": segments.GroupRules.slipping_p_alive}
# two sentences that both say the days since the last order: one of them per customer
SAME_DAYS = ("overdue", "recency")


def _facts(c, rows, k):
    """Top ``k`` reasons per row when no model was learned: the first of :data:`FACTS` the
    customer has a value for («overdue» needs a usual gap, so a one-time buyer gets the others)."""
    names = np.full((len(rows), k), "", dtype=object)
    values = np.full((len(rows), k), np.nan)
    _add_facts(c, rows, np.arange(len(rows)), FACTS, names, values, with_values=True)
    return names, values


def _add_facts(c, rows, which, facts, names, values, with_values=False, below=None):
    """Fill the empty slots of reasons ``names`` (``""``, after the filled ones) of positions
    ``which`` of ``rows`` with the first of ``facts`` each customer has a value for (under
    ``below[name]`` when given) and does not have yet; ``values`` get the criterion's value
    (``with_values``) or NaN (a fact, no contribution to the chance). Of «overdue» and
    «recency», which both say the days since the last order, a customer gets one: a fact is left
    out after the other, named by the model or added before."""
    k = names.shape[1]
    which = np.asarray(which, dtype=np.int64)
    filled = (names[which] != "").sum(axis=1)
    for name in (name for name in facts if name in c.names):
        v = c.column(name)[rows[which]]
        ok = np.isfinite(v) & (filled < k) & ~(names[which] == name).any(axis=1)
        if below and name in below:
            with np.errstate(invalid="ignore"):
                ok &= v < below[name]
        if name in SAME_DAYS:
            ok &= ~np.isin(names[which], SAME_DAYS).any(axis=1)
        take = np.flatnonzero(ok)
        names[which[take], filled[take]] = name
        values[which[take], filled[take]] = v[take] if with_values else np.nan
        filled[take] += 1


def explain(history, today, state, settings=DEFAULTS):
    """Score the customers of ``history`` as :func:`rescore` does and give every one of them who
    has orders reasons, not only those on a list: what the card says when asked why a customer
    the lists leave out (most of a big store's) has the score they have."""
    today = int(today)
    c = crit.compute(history, today, bgnbd_params=state.bgnbd_params, horizon=settings.horizon,
                     fit_bgnbd=False, seed=settings.seed)
    result = _score(history, today, c, state.order_model, settings, explain=False,
                    rfm_bounds=state.rfm_bounds, threshold=state.growth_threshold, store_wide=False)
    rows = np.flatnonzero(result.score >= 0)
    if len(rows):
        result.reason_rows = rows
        result.reason_names, result.reason_values = (
            _reasons(om, c, rows, result.group[rows], settings.n_reasons, by_total=True)
            if (om := state.order_model) is not None else _facts(c, rows, settings.n_reasons))
    return result


def _reasons(om, c, rows, group, k, by_total=False):
    """Top ``k`` criteria per row: what lowers the chance for the risk group (why they slip),
    what raises it for the others (why to call); ``by_total``: for a customer of no group, what
    moves the chance the way it went from a typical customer's (a low score says what lowers
    it, a high one what raises it). Slots the model leaves empty take the facts
    behind the group (:data:`RISK_FACTS`, else :data:`FACTS`), with no value: a risk customer
    whose every criterion raises the chance (a loyal customer four usual gaps late, still 74%
    likely to order by a model of their rhythm and frequency) is at risk because they are late
    and valuable, which the model's contributions do not say."""
    contrib = model.contributions(om, c, rows)
    sign = np.where(group == segments.RISK, -1.0, 1.0)
    if by_total:
        lower = np.nansum(contrib, axis=1) < 0
        sign = np.where((group == segments.NO_GROUP) & lower, -1.0, sign)
    sign = sign[:, None]
    key = contrib * sign
    key = np.where(np.isfinite(key) & (key > 1e-6), key, -np.inf)
    # «overdue» and «recency» both say the days since the last order: the one that weighs less
    # leaves its slot to the next criterion («… 27 days since the last order | 27 days since …»)
    same = [om.features.index(name) for name in SAME_DAYS if name in om.features]
    if len(same) == 2:
        a, b = same
        both = np.isfinite(key[:, a]) & np.isfinite(key[:, b])
        drop_b, drop_a = both & (key[:, a] >= key[:, b]), both & (key[:, a] < key[:, b])
        key[drop_b, b] = -np.inf
        key[drop_a, a] = -np.inf
    k = min(k, key.shape[1])
    order = np.argsort(-key, axis=1)[:, :k]
    ok = np.isfinite(np.take_along_axis(key, order, axis=1))
    names = np.where(ok, np.asarray(om.features, dtype=object)[order], "")
    values = np.where(ok, np.take_along_axis(contrib, order, axis=1), np.nan)
    short = ~ok.all(axis=1)
    risk = group == segments.RISK
    _add_facts(c, rows, np.flatnonzero(short & risk), RISK_FACTS, names, values, below=RISK_FACT_BELOW)
    _add_facts(c, rows, np.flatnonzero(short & ~risk), FACTS, names, values)
    return names, values
