"""The order probability: learned from the store's own history, calibrated, explained.

Training (:func:`fit`): criteria as of ``D - horizon`` for the customers who had ordered by
then, against the label "ordered at least once in ``[D - horizon, D)``".  Only data dated
before ``D`` is used, so the nightly job on day D and a backtest as of D see the same thing.

Model selection: two candidates and their blend, compared by cross-validated log loss (3
stratified folds, out-of-fold probabilities):

* ``logistic``: signed ``log1p`` of every criterion (amounts and day counts are heavy-tailed),
  median imputation with "missing" indicators, standardisation, L2 logistic regression;
* ``boosting``: scikit-learn's ``HistGradientBoostingClassifier`` on the raw criteria (it
  handles NaN natively, finds thresholds such as "overdue against the usual gap" itself);
* ``blend``: the mean log-odds of the two (often the best: the linear model's smooth trends,
  the trees' thresholds);
* ``rhythm``: a logistic regression on BG/NBD's own probability (its log-odds), recency and
  frequency only: in a small store (a few hundred customers) the full models' many criteria
  overfit and BG/NBD's rhythm alone predicts better; the comparison picks it there and only
  there (it stays out of the blend).

Calibration: the chosen candidate's out-of-fold probabilities are mapped to observed rates by
Platt scaling of their log-odds (a slope and a shift), then the candidate is refitted on all the
training rows
(``CalibratedClassifierCV(ensemble=False)``'s scheme, one model to evaluate at scoring time).
So "70%" means that 7 customers in 10 with that score ordered within the horizon, in the
store's own recent past.  Not isotonic regression: its steps are flat beyond the training range
and a step without buyers is 0%, so that where today's customers are quieter than any the model
learned from (a cohort store a season later) it promised 0% to customers who then ordered at 3-11%
(the real CDNOW sample, `tests/data/cdnow`). Platt scaling extends the trend: over 22 backtests
the same AUC, a Brier score lower or equal in 21, the worst decile closer or equal in 17.

Explanation (:func:`contributions`): the contribution of a criterion to a customer's score is
the change of the model's log-odds when that criterion alone is replaced by its typical value
(the training median).  For the logistic model this is exactly ``coef x (standardised value -
standardised typical value)``; for boosting it is the same question asked of the trees.
Vectorised: one extra prediction per criterion, not per customer.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

# isort: off
from . import openmp  # noqa: F401 (OpenMP's wait policy, before scikit-learn loads its runtime)
# isort: on
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
from threadpoolctl import threadpool_limits

CANDIDATES = ("logistic", "boosting")
# the order model's candidates; ``rhythm`` needs BG/NBD's probability among the criteria
ORDER_CANDIDATES = (*CANDIDATES, "rhythm")
RHYTHM_FEATURES = ("rhythm_probability", "recency", "frequency")
EPS = 1e-6
# the least a store's history must give to learn from: fewer examples made models that ranked at
# random or backwards (AUC 0.25-0.50 on 20 rows) and called everyone 0% or 100%; below it the
# engine scores by BG/NBD alone (engine._without_model)
MIN_TRAIN_ROWS = 200
MIN_PER_CLASS = 30
# Threads for scikit-learn's OpenMP/BLAS pools.  One by default: on a shared 2-core server,
# OpenMP's busy-waiting threads made gradient boosting 5-8x slower than a single thread.
THREADS = int(os.environ.get("ECOM_SCORING_THREADS", "1"))
# Predicting many rows is one parallel loop over them, without fitting's busy-waiting cost:
# 700,000 customers 1.8 s -> 1.0 s on two cores. Used from PARALLEL_ROWS rows up.
PREDICT_THREADS = int(os.environ.get("ECOM_SCORING_PREDICT_THREADS", str(min(2, os.cpu_count() or 1))))
PARALLEL_ROWS = 20_000
CONTRIBUTION_ROWS = 20_000  # rows explained at a time (:func:`contributions`)
# Cross-validation fits (candidates x folds) run side by side, each on one native thread: the
# fits release the GIL in their native loops, so two of them keep two cores busy without
# OpenMP's busy-waiting. The out-of-fold probabilities are the same as one after another.
FIT_THREADS = int(os.environ.get("ECOM_SCORING_FIT_THREADS", str(min(2, os.cpu_count() or 1))))


@contextmanager
def limited_threads(n=None):
    """Run scikit-learn/numpy with at most ``n`` (default :data:`THREADS`) native threads."""
    with threadpool_limits(limits=n or THREADS):
        yield


def _signed_log1p(x):
    return np.sign(x) * np.log1p(np.abs(x))


def _rhythm_columns(X, columns):
    """BG/NBD's probability as log-odds, then recency and frequency as ``log1p`` (NaN kept)."""
    p = np.clip(X[:, columns[0]].astype(np.float64), EPS, 1 - EPS)
    rest = [np.log1p(np.maximum(X[:, c].astype(np.float64), 0)) for c in columns[1:]]
    return np.column_stack([np.log(p / (1 - p)), *rest])


def make_estimator(kind, seed=0, n_rows=None, features=None):
    """A fresh, unfitted candidate (see the module docstring); ``features``: the names of the
    matrix's columns (``rhythm`` picks its own)."""
    if kind == "rhythm":
        columns = [list(features).index(f) for f in RHYTHM_FEATURES if f in features]
        return make_pipeline(
            FunctionTransformer(_rhythm_columns, kw_args={"columns": columns}),
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=False),
            StandardScaler(),
            LogisticRegression(C=1.0, max_iter=2000),
        )
    if kind == "logistic":
        return make_pipeline(
            FunctionTransformer(_signed_log1p),
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=False),
            StandardScaler(),
            LogisticRegression(C=1.0, max_iter=2000),
        )
    if kind == "boosting":
        return HistGradientBoostingClassifier(
            learning_rate=0.1, max_iter=200, max_leaf_nodes=15, min_samples_leaf=50,
            l2_regularization=1.0, early_stopping=True, validation_fraction=0.15, n_iter_no_change=15,
            random_state=seed)
    raise ValueError(f"unknown model kind {kind!r}")


class SigmoidCalibrator:
    """Platt scaling on the log-odds of the raw probability: increasing (the calibrated
    probabilities keep the model's ranking of the customers) when its slope is positive, as it
    is for any model that ranks its out-of-fold customers better than chance."""

    def fit(self, p, y):
        z = np.log(np.clip(p, EPS, 1 - EPS) / (1 - np.clip(p, EPS, 1 - EPS)))
        self.lr = LogisticRegression(C=1e4).fit(z.reshape(-1, 1), y)
        return self

    def predict(self, p):
        z = np.log(np.clip(p, EPS, 1 - EPS) / (1 - np.clip(p, EPS, 1 - EPS)))
        return self.lr.predict_proba(z.reshape(-1, 1))[:, 1]


class ShownRegionCalibrator:
    """The offers' calibration: Platt scaling (:class:`SigmoidCalibrator`) refitted on the rows
    whose Platt chance is at least ``threshold`` (where offers are shown, at 10 % and up, and
    just below) when held-out rows say it fits them better there.

    Nearly all the rows it learns from are offers under 10 %, and Platt's two parameters fit them,
    not the few that are shown; where the chance bends in the shown region, the shown offers are
    off (README, *Customer scoring*: one-line stores built from CDNOW's orders).  The refit is
    taken only on evidence: over ``folds`` folds by customer (``groups``), the region's fit must
    gain more than ``margin`` nats of held-out log-likelihood over Platt's on the held-out rows of
    the region.  A region of fewer than ``min_rows`` rows or ``min_per_class`` of a class is not
    refitted; a fold whose training rows hold one class only is left out."""

    def __init__(self, threshold=0.05, margin=3.0, folds=5, seed=0, min_rows=200, min_per_class=20):
        self.threshold, self.margin, self.folds, self.seed = threshold, margin, folds, seed
        self.min_rows, self.min_per_class = min_rows, min_per_class

    def _fit_both(self, p, y):
        """(Platt on all the rows, Platt on the region's rows or None when too few)."""
        platt = SigmoidCalibrator().fit(p, y)
        region = platt.predict(p) >= self.threshold
        n_pos = int(y[region].sum())
        n_neg = int(region.sum()) - n_pos
        if region.sum() < self.min_rows or min(n_pos, n_neg) < self.min_per_class or region.all():
            return platt, None
        return platt, SigmoidCalibrator().fit(p[region], y[region])

    def fit(self, p, y, groups=None):
        p = np.asarray(p, dtype=np.float64)
        y = np.asarray(y).astype(int)
        groups = np.arange(len(y)) if groups is None else np.asarray(groups)
        gain = 0.0
        if min(int(y.sum()), len(y) - int(y.sum())) >= 2:
            for train, test in group_folds(groups, y, self.folds, self.seed):
                if y[train].min() == y[train].max():  # one customer's purchases, all in the other fold
                    continue
                platt, local = self._fit_both(p[train], y[train])
                if local is None:
                    continue
                held = test[platt.predict(p[test]) >= self.threshold]
                gain += _log_likelihood(local, p[held], y[held]) - _log_likelihood(platt, p[held], y[held])
        platt, local = self._fit_both(p, y)
        self.gain = float(gain)
        self.on_region = local is not None and gain > self.margin
        self.calibrator = local if self.on_region else platt
        return self

    def predict(self, p):
        return self.calibrator.predict(p)


def _log_likelihood(calibrator, p, y):
    q = np.clip(calibrator.predict(p), EPS, 1 - EPS)
    return float(np.sum(y * np.log(q) + (1 - y) * np.log(1 - q)))


@dataclass
class OrderModel:
    """A fitted, calibrated order-probability model.

    ``features``: criteria names it uses (those with data in training); ``kind``: the chosen
    candidate; ``cv``: per candidate, out-of-fold ``log_loss``, ``auc`` and ``brier``;
    ``typical``: training medians (for contributions); ``base_rate``: share of buyers in
    training; ``horizon``: days.
    """

    kind: str
    features: list
    estimator: object
    calibrator: object
    typical: np.ndarray
    base_rate: float
    horizon: int
    n_train: int
    cv: dict = field(default_factory=dict)
    season: object = None  # the same season last year's recalibration (:mod:`.season`), or None
    # BG/NBD's parameters its criteria were computed with, which the scoring's must share (None:
    # BG/NBD fitted on the day's history)
    bgnbd_params: object = None
    # the longest silence (days since the last order) among the training customers: beyond it the
    # model extrapolates (None: not known)
    recency_max: float | None = None

    def matrix(self, criteria, rows=None):
        idx = [criteria.names.index(f) for f in self.features]
        v = criteria.values if rows is None else criteria.values[rows]
        return np.ascontiguousarray(v[:, idx], dtype=np.float32)

    def raw_proba(self, X):
        return self.estimator.predict_proba(X)[:, 1]

    def log_odds(self, X):
        return _logit(self.raw_proba(X))

    def predict(self, criteria, rows=None, chunk=200_000):
        """Calibrated probability of an order within the horizon, per row (float64)."""
        index = _as_index(rows, criteria.values.shape[0])
        n = len(index)
        out = np.empty(n)
        with limited_threads(PREDICT_THREADS if n >= PARALLEL_ROWS else None):
            for s in range(0, n, chunk):
                X = self.matrix(criteria, index[s:s + chunk])
                p = self.calibrator.predict(self.raw_proba(X))
                if self.season is not None:
                    p = self.season.predict(p)
                out[s:s + chunk] = p
        return np.clip(out, 0.0, 1.0)


def _as_index(rows, n):
    if rows is None:
        return np.arange(n)
    rows = np.asarray(rows)
    return np.flatnonzero(rows) if rows.dtype == bool else rows


def training_rows(criteria, history, horizon, max_customers=200_000, seed=0):
    """Rows and labels for training from criteria computed as of ``D - horizon``: customers
    with an order by then (sampled to ``max_customers``), label = ordered in the horizon."""
    rows = np.flatnonzero(criteria.has_orders)
    if len(rows) > max_customers:
        rows = np.sort(np.random.default_rng(seed).choice(rows, max_customers, replace=False))
    y = history.ordered_between(criteria.as_of, criteria.as_of + horizon)[rows].astype(np.int8)
    return rows, y


def fit(criteria, rows, y, horizon=90, candidates=ORDER_CANDIDATES, folds=3, seed=0, groups=None):
    """Select, calibrate and fit the order model (see the module docstring).

    ``criteria``: as of the training day; ``rows``: training customers; ``y``: their labels.
    Lists of each (one entry per training snapshot) stack several snapshots.  ``groups``: the
    customer of each training row (default: ``rows`` themselves), kept to one CV fold.
    Raises ``ValueError`` with fewer than :data:`MIN_TRAIN_ROWS` rows or :data:`MIN_PER_CLASS` of a class.
    """
    with limited_threads():
        return _fit(criteria, rows, y, horizon, candidates, folds, seed, groups)


def _fit(criteria, rows, y, horizon, candidates, folds, seed, groups):
    if not isinstance(criteria, list | tuple):
        criteria, rows, y = [criteria], [rows], [y]
    y = np.concatenate([np.asarray(v).astype(int) for v in y])
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos < MIN_PER_CLASS or n_neg < MIN_PER_CLASS or len(y) < MIN_TRAIN_ROWS:
        raise ValueError("order model: too few buyers or non-buyers in the training window")
    # each snapshot's informative criteria, found once (a scan of its whole matrix)
    available = [set(c.available(r)) for c, r in zip(criteria, rows, strict=True)]
    features = [f for f in criteria[0].names if all(f in a for a in available)]
    if not features:
        raise ValueError("order model: no criterion has data")
    X = np.concatenate([np.ascontiguousarray(c.values[r][:, [c.names.index(f) for f in features]],
                                             dtype=np.float32) for c, r in zip(criteria, rows, strict=True)])
    if groups is None:
        groups = np.concatenate([np.asarray(r) for r in rows])
    if "rhythm_probability" not in features:  # BG/NBD could not be fitted: no rhythm to learn from
        candidates = tuple(c for c in candidates if c != "rhythm")
    kind, estimator, calibrator, scores = select_and_calibrate(X, y, candidates, folds, seed, groups=groups,
                                                               features=features)
    with np.errstate(all="ignore"):
        typical = np.nanmedian(X, axis=0)
        recency_max = float(np.nanmax(X[:, features.index("recency")])) if "recency" in features else None
    return OrderModel(kind=kind, features=features, estimator=estimator, calibrator=calibrator,
                      typical=typical.astype(np.float32), base_rate=float(y.mean()), horizon=horizon,
                      n_train=len(y), cv=scores, recency_max=recency_max)


def _logit(p):
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


class Blend:
    """The mean log-odds of fitted candidates (a third candidate when both are there)."""

    def __init__(self, estimators):
        self.estimators = estimators

    def predict_proba(self, X):
        z = np.mean([_logit(e.predict_proba(X)[:, 1]) for e in self.estimators], axis=0)
        p = 1 / (1 + np.exp(-z))
        return np.column_stack([1 - p, p])


def group_folds(groups, y, k, seed=0):
    """``k`` (train, test) index pairs where every group (a customer's rows) is in one fold, and
    groups with a positive row and groups without are each dealt round-robin in random order, so
    that every fold keeps the share of positives.  What scikit-learn's StratifiedGroupKFold does,
    vectorised: its Python loop over groups costs a minute at 100,000 customers.  ``k`` shrinks to
    the number of groups of the rarer kind (every training fold must see both classes)."""
    uniq, inv = np.unique(np.asarray(groups), return_inverse=True)
    positive = np.zeros(len(uniq), dtype=bool)
    np.logical_or.at(positive, inv, np.asarray(y).astype(bool))
    k = max(2, min(k, int(positive.sum()), int((~positive).sum())))
    order = np.lexsort((np.random.default_rng(seed).random(len(uniq)), positive))
    fold_of_group = np.empty(len(uniq), dtype=np.int64)
    fold_of_group[order] = np.arange(len(uniq)) % k
    fold = fold_of_group[inv]
    return [(np.flatnonzero(fold != f), np.flatnonzero(fold == f)) for f in range(k)]


def out_of_fold(X, y, candidates, folds, seed=0, features=None):
    """``{kind: out-of-fold probability of every row}``: each candidate fitted on each fold's
    training rows and asked about its held-out rows (scikit-learn's ``cross_val_predict``), the
    ``len(candidates) x len(folds)`` fits spread over :data:`FIT_THREADS` threads of one native
    thread each; the longest (boosting) first."""

    def one(kind, train, test):
        with limited_threads(1):
            estimator = make_estimator(kind, seed, len(y), features).fit(X[train], y[train])
            return estimator.predict_proba(X[test])[:, 1]

    jobs = sorted(((kind, train, test) for kind in candidates for train, test in folds),
                  key=lambda job: job[0] != "boosting")
    if FIT_THREADS > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(FIT_THREADS, thread_name_prefix="ecom_scoring_fit") as pool:
            results = list(pool.map(lambda job: one(*job), jobs))
    else:
        results = [one(*job) for job in jobs]
    oof = {kind: np.empty(len(y)) for kind in candidates}
    for (kind, _train, test), p in zip(jobs, results, strict=True):
        oof[kind][test] = p
    return oof


def select_and_calibrate(X, y, candidates=CANDIDATES, folds=3, seed=0, calibrate_on=None, groups=None,
                         features=None, calibrator=None):
    """Pick the candidate with the lowest out-of-fold log loss, calibrate it on its
    out-of-fold probabilities, refit it on everything: ``(kind, estimator, calibrator, scores)``.

    Candidates are those named plus ``blend`` (mean log-odds of all of them but ``rhythm``),
    judged on the same out-of-fold probabilities.  ``calibrate_on``: optional function of the out-of-fold
    probabilities returning the rows the calibration must hold for (the cross-sell model
    calibrates on the suggestions it would actually make, not on every candidate: picking
    the best-looking candidates would otherwise over-promise).  Also used by the cross-sell
    model.  ``groups``: rows of one customer (several snapshots, several candidates) stay in
    one fold, else the out-of-fold probabilities would know the customer and the calibration
    learnt on them would over-promise.  The calibration is :class:`SigmoidCalibrator`'s (see the
    module docstring), or ``calibrator``'s (unfitted, with ``fit(p, y, groups)``: the offers'
    :class:`ShownRegionCalibrator`).  Call inside :func:`limited_threads`.
    """
    y = np.asarray(y).astype(int)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    k = max(2, min(folds, n_pos, n_neg))
    if groups is None:
        splits = list(StratifiedKFold(k, shuffle=True, random_state=seed).split(X, y))
    else:
        splits = group_folds(groups, y, k, seed)
    scores = {}
    oof = {kind: np.clip(p, EPS, 1 - EPS) for kind, p in out_of_fold(X, y, candidates, splits, seed, features).items()}
    blended = [c for c in candidates if c != "rhythm"]
    if len(blended) > 1:
        z = np.mean([_logit(oof[c]) for c in blended], axis=0)
        oof["blend"] = np.clip(1 / (1 + np.exp(-z)), EPS, 1 - EPS)
    for kind, p in oof.items():
        scores[kind] = {"log_loss": float(log_loss(y, p)), "auc": float(roc_auc_score(y, p)),
                        "brier": float(np.mean((p - y) ** 2))}
    kind = min(scores, key=lambda c: scores[c]["log_loss"])
    rows = np.arange(len(y)) if calibrate_on is None else np.flatnonzero(calibrate_on(oof[kind]))
    yc, pc = y[rows], oof[kind][rows]
    if calibrator is None:
        calibrator = SigmoidCalibrator().fit(pc, yc)
    else:
        calibrator = calibrator.fit(pc, yc, groups=None if groups is None else np.asarray(groups)[rows])
    cal = calibrator.predict(pc)
    scores[kind]["calibrated_log_loss"] = float(log_loss(yc, np.clip(cal, EPS, 1 - EPS), labels=[0, 1]))
    scores[kind]["calibrated_brier"] = float(np.mean((cal - yc) ** 2))
    if kind == "blend":
        estimator = Blend([make_estimator(c, seed, len(y), features).fit(X, y) for c in blended])
    else:
        estimator = make_estimator(kind, seed, len(y), features).fit(X, y)
    return kind, estimator, calibrator, scores


def contributions(model, criteria, rows):
    """Log-odds contribution of each feature for ``rows``: ``(len(rows), len(features))``.

    Positive: the criterion raises this customer's chance against a typical value; NaN where
    the customer has no data for it (no sentence can be said about it).
    """
    X = model.matrix(criteria, rows)
    out = np.empty(X.shape, dtype=np.float32)
    lim = _logit(1 - EPS)  # what log_odds clips to (it goes through a probability)
    with limited_threads(PREDICT_THREADS if len(X) >= PARALLEL_ROWS else None):
        # by slices of rows: gradient boosting keeps each tree's values of the rows (200 trees x
        # 20,000 rows: 32 MB), whatever the number of customers to explain
        for s in range(0, len(X), CONTRIBUTION_ROWS):
            base, without = _log_odds_without_each(model.estimator, X[s:s + CONTRIBUTION_ROWS], model.typical)
            out[s:s + CONTRIBUTION_ROWS] = np.clip(base, -lim, lim)[:, None] - np.clip(without, -lim, lim)
    out[~np.isfinite(X)] = np.nan
    return out


def _log_odds_without_each(estimator, X, typical):
    """``(z, zj)``: the log-odds of ``estimator`` for the rows ``X`` (n) and, for each feature
    j, for the rows with feature j set to ``typical[j]`` (n x features). A blend's are the mean
    of its candidates'; gradient boosting's re-evaluate only the trees that split on feature j
    (:func:`_boosting_without_each`); any other estimator is asked once per feature."""
    if isinstance(estimator, Blend):
        parts = [_log_odds_without_each(e, X, typical) for e in estimator.estimators]
        lim = _logit(1 - EPS)  # Blend.predict_proba takes each candidate's log-odds as _logit gives them
        return (np.mean([np.clip(z, -lim, lim) for z, _zj in parts], axis=0),
                np.mean([np.clip(zj, -lim, lim) for _z, zj in parts], axis=0))
    trees = _boosting_without_each(estimator, X, typical)
    if trees is not None:
        return trees
    base = _logit(estimator.predict_proba(X)[:, 1])
    without = np.empty(X.shape, dtype=np.float64)
    for j in range(X.shape[1]):
        saved = X[:, j].copy()
        X[:, j] = typical[j]
        without[:, j] = _logit(estimator.predict_proba(X)[:, 1])
        X[:, j] = saved
    return base, without


def _boosting_without_each(estimator, X, typical):
    """:func:`_log_odds_without_each` for scikit-learn's binary gradient boosting, or None for
    another estimator. Its log-odds are a sum over trees, and a tree that never splits on
    feature j gives the same leaf whatever j holds: setting j to its typical value changes only
    the trees that split on it. Each tree is evaluated once on the rows and once more per
    feature it splits on (a tree of 15 leaves splits on a few of the 30 criteria), instead of
    every tree once per feature: the reasons of 40,000 customers 2.7 s -> 1.2 s. Uses the
    estimator's fitted trees (``_predictors``, ``_bin_mapper``, scikit-learn's own predict loop);
    an estimator without them is asked once per feature instead."""
    predictors = getattr(estimator, "_predictors", None)
    mapper = getattr(estimator, "_bin_mapper", None)
    if (not isinstance(estimator, HistGradientBoostingClassifier) or predictors is None or mapper is None
            or getattr(estimator, "n_trees_per_iteration_", 0) != 1):
        return None
    X = estimator._preprocess_X(X, reset=False)
    bitsets, f_idx_map = mapper.make_known_categories_bitsets()
    threads = _openmp_effective_n_threads()

    def tree_values(predictor, rows):
        return predictor.predict(rows, known_cat_bitsets=bitsets, f_idx_map=f_idx_map, n_threads=threads)

    z = np.full(len(X), float(np.ravel(estimator._baseline_prediction)[0]))
    per_tree = []
    for (predictor,) in predictors:
        values = tree_values(predictor, X)
        z += values
        nodes = predictor.nodes
        per_tree.append((predictor, values, np.unique(nodes["feature_idx"][~nodes["is_leaf"].astype(bool)])))
    zj = np.repeat(z[:, None], X.shape[1], axis=1)
    for j in range(X.shape[1]):
        trees = [(predictor, values) for predictor, values, used in per_tree if j in used]
        if not trees:
            continue
        saved = X[:, j].copy()
        X[:, j] = typical[j]
        for predictor, values in trees:
            zj[:, j] += tree_values(predictor, X) - values
        X[:, j] = saved
    return z, zj


def top_reasons(model, criteria, rows, k=3, sign=1):
    """The ``k`` strongest reasons per row: ``(names, values)`` arrays of shape (rows, k).

    ``sign=1``: criteria that raise the chance most (why to call); ``sign=-1``: those that
    lower it most (why a customer is slipping away); ``sign=0``: the largest either way.
    Entries without a reason hold ``""`` and NaN.
    """
    contrib = contributions(model, criteria, rows)
    key = contrib * sign if sign else np.abs(contrib)
    key = np.where(np.isfinite(key) & (key > 1e-6), key, -np.inf)
    k = min(k, key.shape[1])
    order = np.argsort(-key, axis=1)[:, :k]
    vals = np.take_along_axis(contrib, order, axis=1)
    ok = np.isfinite(np.take_along_axis(key, order, axis=1))
    names = np.asarray(model.features, dtype=object)[order]
    names = np.where(ok, names, "")
    return names, np.where(ok, vals, np.nan)
