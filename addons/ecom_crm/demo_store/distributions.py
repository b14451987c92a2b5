"""How the demo store's customers behave, in plain Python (no ORM, no database).

Buyer kinds, seasonality, the catalog's categories and prices, the scales of the random
draws: the numbers the SQL of :mod:`.sql` draws from.  Each function here is deterministic
given its arguments (a seeded ``random.Random`` where something is drawn in Python).
"""

import bisect
import math
from datetime import timedelta

from . import data

# Share of customers by behaviour: never bought (a request only), bought once, repeat, loyal.
SEGMENTS = (("lead_only", 0.30), ("one_time", 0.38), ("repeat", 0.24), ("loyal", 0.08))
MEAN_LINES_PER_ORDER = 3.0  # 1 + a geometric tail: most orders have one to three lines
MAX_EXTRA_LINES = 7  # an order has at most 1 + MAX_EXTRA_LINES lines
CHURN_SHARE = 0.35  # repeat and loyal buyers who stopped buying at some point
SEASON_POOL = 4096  # resolution of the seasonal day distribution
# share of an order's lines from the customer's favourite category, the others from the whole catalog
FAVOURITE_CATEGORY_SHARE = 0.7
GROWTH = 0.4  # demand grows with the store: +40% from the first day of the history to the last
DAYS_PER_MONTH = 30.44


def weighted_pool(weights, size=1000):
    """Indexes 1..n repeated proportionally to ``weights``: ``pool[random]`` draws by weight.

    Every index appears at least once, so that a small weight still gets drawn.
    """
    total = float(sum(weights))
    pool = []
    for idx, weight in enumerate(weights, start=1):
        pool.extend([idx] * max(1, round(size * weight / total)))
    return pool


def segment_bounds(segments=SEGMENTS):
    """Cumulative shares of the buyer kinds: a uniform draw under ``bounds[k]`` (and not under the
    previous bound) is of kind ``k + 1``, as the SQL numbers them."""
    bounds, acc = [], 0.0
    for _name, share in segments:
        acc += share
        bounds.append(acc)
    return bounds


def female_translit(male, female, latin):
    """Transliteration of the female surname from the male one's: petrov → petrova, kozlovsky → kozlovskaya."""
    if male == female:
        return latin
    if latin.endswith(("sky", "oy")):
        return latin[:-3 if latin.endswith("sky") else -2] + ("skaya" if latin.endswith("sky") else "aya")
    return latin + "a"


class Seasonality:
    """The days of the history, ``months`` long and ending the day before ``today``, weighted by the
    month's demand (:data:`data.SEASONALITY`) and the store's growth.

    ``pool`` holds SEASON_POOL days spaced by the inverse of the cumulative demand: the day at
    ``pool[floor(q * SEASON_POOL)]`` for a uniform ``q`` follows the demand, and a customer's
    first and last orders are drawn as such quantiles ``q``.
    """

    def __init__(self, today, months, size=SEASON_POOL):
        start = today - timedelta(days=int(months * DAYS_PER_MONTH))
        self.days = [start + timedelta(days=i) for i in range((today - start).days)]
        weights = [data.SEASONALITY[d.month - 1] * (1 + GROWTH * i / len(self.days))
                   for i, d in enumerate(self.days)]
        total = sum(weights)
        self.cumulative, acc = [], 0.0
        for weight in weights:
            acc += weight / total
            self.cumulative.append(acc)
        last = len(self.days) - 1
        self.pool = [self.days[min(bisect.bisect_left(self.cumulative, (k + 0.5) / size), last)]
                     for k in range(size)]

    def quantile(self, day):
        """Share of the demand of the history up to ``day``: orders drawn at a quantile below it fall before."""
        idx = bisect.bisect_left(self.days, day)
        return self.cumulative[min(max(idx, 0), len(self.days) - 1)]


def _floor_exp_mean(scale):
    """E[floor(X)] for X ~ Exp(mean ``scale``): the mean of a geometric count."""
    return 1.0 / (math.exp(1.0 / scale) - 1.0)


def orders_per_customer(scale, segments=SEGMENTS):
    """Mean orders per customer when repeat buyers place 2 + floor(Exp(scale)) orders and loyal
    ones 6 + floor(Exp(3 * scale)); one-time buyers place one, lead-only customers none."""
    shares = dict(segments)
    return (shares["one_time"] + shares["repeat"] * (2 + _floor_exp_mean(scale))
            + shares["loyal"] * (6 + _floor_exp_mean(3 * scale)))


def orders_scale(lines_per_customer):
    """Scale of the repeat buyers' order counts so that lines per customer hit ``lines_per_customer``
    (at MEAN_LINES_PER_ORDER lines an order), solved for by bisection."""
    target = lines_per_customer / MEAN_LINES_PER_ORDER
    low, high = 0.01, 500.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if orders_per_customer(mid) < target else (low, mid)
    return (low + high) / 2


def lines_per_order(scale):
    """Mean of the lines-per-order draw 1 + min(MAX_EXTRA_LINES, floor(Exp(scale))):
    E[min(n, floor(Exp(m)))] = sum_{k=1..n} exp(-k/m)."""
    return 1 + sum(math.exp(-k / scale) for k in range(1, MAX_EXTRA_LINES + 1))


def line_tail_scale():
    """Scale of the lines-per-order draw whose mean is MEAN_LINES_PER_ORDER, solved for by bisection."""
    low, high = 0.01, 100.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if lines_per_order(mid) < MEAN_LINES_PER_ORDER else (low, mid)
    return (low + high) / 2


def product_price(rng, low, high):
    """A shelf price in the category's range: in whole tens of roubles above 1 000 (a round figure
    less ten), in whole roubles below."""
    if high > 1000:
        price = round(rng.uniform(low, high) / 10) * 10 - 10
    else:
        price = round(rng.uniform(low, high))
    return max(price, low)


def catalog_plan(n_products, rng):
    """The demo catalog: ``n_products`` spread evenly over the categories of :data:`data.CATALOG`.

    Returns ``(category, parent category, products)`` in catalog order, each product a dict of
    ``product.template`` values without the category.  Products of a category are contiguous, so a
    category is a slice of the catalog (:func:`category_slices`), which is how a customer's favourite
    category is drawn from in SQL.  Prices come from ``rng``, in catalog order.
    """
    per_cat = products_per_category(n_products)
    plan = []
    for cat_idx, (cat_name, parent_name, stems, brands, (low, high)) in enumerate(data.CATALOG):
        products = []
        for i in range(per_cat):
            stem, brand = stems[i % len(stems)], brands[(i // len(stems)) % len(brands)]
            suffix = data.SIZES[(i // (len(stems) * len(brands))) % len(data.SIZES)]
            products.append({
                "name": f"{stem} {brand}{suffix}", "default_code": f"DEMO-{cat_idx:02d}-{i:04d}",
                "list_price": product_price(rng, low, high), "type": "consu", "sale_ok": True,
                "barcode": f"46{cat_idx:02d}{i:08d}"[:12] + "0",
            })
        plan.append((cat_name, parent_name, products))
    return plan


def products_per_category(n_products):
    return max(1, n_products // len(data.CATALOG))


def category_slices(n_products):
    """(first 1-based index, length) of each category's products in the catalog of :func:`catalog_plan`."""
    per_cat = products_per_category(n_products)
    return [1 + idx * per_cat for idx in range(len(data.CATALOG))], [per_cat] * len(data.CATALOG)
