"""How the demo store's customers behave, in plain Python (no ORM, no database).

The story the SQL of :mod:`.sql` draws for every customer, whose numbers are here (with a
plain-Python model of the same draws, :func:`draw_buyer` and :func:`simulate_orders`, that
calibrates the volume and that the tests check the story on):

* 30 % of the customers only ever sent a request; the others arrive over the history as the
  store's demand and growth bring them (:class:`Seasonality`), with a first order that day;
* a buyer orders at a personal rate, Gamma-distributed across buyers (BG/NBD's story), for a
  personal lifetime (exponential, its mean Gamma across buyers: many buy once), after which
  they stop; some come back after a dormant spell, for a second lifetime;
* 45 % of the buyers come for a durable (a smartphone, a coffee machine, a printer, a
  dishwasher: :data:`data.DURABLES`); its complement (:data:`data.COMPLEMENTS`: cases, capsules,
  cartridges, tablets) brings them back: a consumable complement on a regular cycle for most
  owners, from a while after the durable (the others never buy it here: the cross-sell gap),
  another one now and then;
* other buyers come with a consumable habit (nappies, pet food, household chemicals:
  :data:`data.CONSUMABLES`), re-bought on their own cycle with gaps of low variance around it
  (coefficient of variation 0.12-0.35), the rest order irregularly (exponential gaps), around a
  favourite category; irregular orders follow the season, habits do not;
* an order's other lines are bought together with its main one (:data:`data.BOUGHT_TOGETHER`),
  taken from the customer's favourite category, or the same consumable; a customer's price
  level picks dearer or cheaper products in a category; some customers cancel more than others.

Each function here is deterministic given its arguments (a seeded ``random.Random`` where
something is drawn in Python).
"""

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import timedelta

from . import data

BUYER_SHARE = 0.70  # the others only ever sent a request
DURABLE_FIRST = 0.45  # buyers whose first order is built around a durable
ADOPT_CYCLE = 0.6  # owners of a durable with a consumable complement who re-buy it here, on a cycle
# ... from a while after the durable: the starter pack in the box, or bought elsewhere at first (days)
ADOPT_LAG_MEAN = 60.0
HABIT_SHARE = 0.2  # the other buyers who come with a consumable habit
# owners of a durable whose complement is no consumable (a smartphone's case): a share never buys it
# here, the others make it the main line of an order with a propensity of PROPENSITY_RANGE
NEVER_COMPLEMENT = 0.3
PROPENSITY_RANGE = (0.2, 0.6)
RATE_SHAPE = 0.9  # Gamma shape of the irregular buyers' order rates across buyers (BG/NBD's r)
BASE_GAP = 120.0  # their mean rate is 1 / BASE_GAP orders a day before the volume's scale
MIN_GAP = 7.0  # nobody orders irregularly more often than weekly on average
HABIT_RATE_SHAPE = 10.0  # a habit's mean gap: the consumable's cycle times Gamma(10) / 10 (personal use)
CV_RANGE = (0.12, 0.35)  # coefficient of variation of the gaps of a habit, uniform across buyers
LIFE_SHAPE, LIFE_MEAN = 0.8, 420.0  # mean lifetime (days), Gamma across buyers; a lifetime is exponential
HABIT_LIFE = 1.5  # a habit lasts longer
COMEBACK_SHARE = 0.3  # buyers who come back after their lifetime, for a second one
DORMANT_MIN, DORMANT_MEAN = 60.0, 240.0  # the dormant spell: 60 days + an exponential
PRICE_LEVEL_SIGMA = 0.5  # log-normal price level: picks a product at quantile U ** (1 / level) of price
CANCEL_BASE, CANCEL_HEAVY = 0.02, 0.2  # a buyer cancels an order with probability 0.02 + 0.2 * U ** 6
NEW_DURABLE_SHARE = 0.03  # a later irregular order built around a new durable
FAVOURITE_SHARE = 0.6  # a later irregular order's main line from the favourite category (else any)
# an order's other lines: bought together with the main one, the same consumable (or the favourite),
# the favourite, any category
EXTRA_LINE_SHARES = (0.45, 0.20, 0.20, 0.15)
USUAL_PRODUCT_SHARE = 0.8  # a consumable is the customer's usual product of the category
MEAN_LINES_PER_ORDER = 3.0  # 1 + a geometric tail: most orders have one to three lines
MAX_EXTRA_LINES = 7  # an order has at most 1 + MAX_EXTRA_LINES lines
MAX_ORDERS_PER_PERIOD = 400  # rows drawn for one active period at most
SEASON_POOL = 4096  # resolution of the seasonal day distribution
GROWTH = 0.4  # demand grows with the store: +40% from the first day of the history to the last
DAYS_PER_MONTH = 30.44
CALIBRATION_SAMPLE = 20_000  # buyers drawn in Python to find the rate scale that gives the volume


def weighted_pool(weights, size=1000):
    """Indexes 1..n repeated proportionally to ``weights``: ``pool[random]`` draws by weight.

    Every index appears at least once, so that a small weight still gets drawn.
    """
    total = float(sum(weights))
    pool = []
    for idx, weight in enumerate(weights, start=1):
        pool.extend([idx] * max(1, round(size * weight / total)))
    return pool


def female_translit(male, female, latin):
    """Transliteration of the female surname from the male one's: petrov → petrova, kozlovsky → kozlovskaya."""
    if male == female:
        return latin
    if latin.endswith(("sky", "oy")):
        return latin[:-3 if latin.endswith("sky") else -2] + ("skaya" if latin.endswith("sky") else "aya")
    return latin + "a"


class Seasonality:
    """The days of the history, ``months`` long and ending the day before ``today``.

    ``pool`` holds SEASON_POOL days spaced by the inverse of the cumulative demand, weighted by the
    month's demand (:data:`data.SEASONALITY`) and the store's growth: the day at
    ``pool[floor(q * SEASON_POOL)]`` for a uniform ``q`` follows the demand; customers arrive so.

    Irregular orders follow the season (not the growth, which brings customers, not orders):
    they are spaced in *season time*, whose days are as long as the demand of the calendar day is
    low.  ``season_time[i]``: the season time of the middle of day ``i`` (from 0 to ``len(days)``);
    ``warp``: SEASON_POOL day indexes, ``warp[floor(t / len(days) * SEASON_POOL)]`` is the day of
    season time ``t`` (:meth:`calendar_day`).
    """

    def __init__(self, today, months, size=SEASON_POOL):
        start = today - timedelta(days=int(months * DAYS_PER_MONTH))
        self.days = [start + timedelta(days=i) for i in range((today - start).days)]
        n = len(self.days)
        self.cumulative = _cumulative([data.SEASONALITY[d.month - 1] * (1 + GROWTH * i / n)
                                       for i, d in enumerate(self.days)])
        self.pool = [self.days[idx] for idx in _inverse(self.cumulative, size)]
        season = _cumulative([data.SEASONALITY[d.month - 1] for d in self.days])
        self.season_time = [n * (c - w / 2) for c, w in zip(season, _diffs(season), strict=True)]
        self.warp = _inverse(season, size)

    @property
    def n_days(self):
        return len(self.days)

    def quantile(self, day):
        """Share of the demand of the history up to ``day``: orders drawn at a quantile below it fall before."""
        idx = bisect.bisect_left(self.days, day)
        return self.cumulative[min(max(idx, 0), len(self.days) - 1)]

    def arrival(self, q):
        """Index of the day of a customer who arrives at demand quantile ``q`` (uniform in [0, 0.999))."""
        return (self.pool[math.floor(q * len(self.pool))] - self.days[0]).days

    def calendar_day(self, t):
        """Index of the day of season time ``t`` (``0 <= t < n_days``)."""
        return self.warp[min(math.floor(t / len(self.days) * len(self.warp)), len(self.warp) - 1)]


def _cumulative(weights):
    total, acc, out = float(sum(weights)), 0.0, []
    for weight in weights:
        acc += weight / total
        out.append(acc)
    return out


def _diffs(cumulative):
    return [b - a for a, b in zip([0.0, *cumulative[:-1]], cumulative, strict=True)]


def _inverse(cumulative, size):
    """Indexes of the days at the ``size`` mid-quantiles of a cumulative distribution."""
    last = len(cumulative) - 1
    return [min(bisect.bisect_left(cumulative, (k + 0.5) / size), last) for k in range(size)]


# ------------------------------------------------------------------------------------- draws
def normal(u1, u2):
    """A standard normal from two uniforms in [0, 1) (Box-Muller), as the SQL draws it."""
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def gamma_variate(shape, u1, u2, u3):
    """A Gamma(``shape``, 1) from three uniforms in [0, 1), as the SQL draws it (no loop, no rejection).

    Wilson-Hilferty: at shape ``k = shape + 1`` (at least 1, where it is accurate), ``k * (1 - c +
    z * sqrt(c)) ** 3`` with ``c = 1 / (9k)`` and ``z`` normal is Gamma(k); times ``U ** (1 / shape)`` it
    is Gamma(``shape``) (Marsaglia and Tsang's boost), which also keeps small shapes' mass near zero.
    """
    k = shape + 1.0
    c = 1.0 / (9.0 * k)
    cube = max(1.0 - c + normal(u1, u2) * math.sqrt(c), 0.05) ** 3
    return k * cube * (1.0 - u3) ** (1.0 / shape)


NORMAL_SQL = "(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))"  # :func:`normal` in SQL


def gamma_sql(shape):
    """The SQL expression of :func:`gamma_variate` at a fixed ``shape`` (three ``random()`` calls)."""
    k = float(shape) + 1.0
    c = 1.0 / (9.0 * k)
    return (f"({k!r} * power(greatest(1 - {c!r} + {math.sqrt(c)!r} * {NORMAL_SQL}, 0.05), 3)"
            f" * power(1 - random(), {1.0 / shape!r}))")


def lognormal_sigma(cv):
    """The sigma of a log-normal whose coefficient of variation is ``cv``."""
    return math.sqrt(math.log(1.0 + cv * cv))


def _weighted_choice(rng, weights):
    """A key of ``weights`` (a dict) drawn by its weight."""
    u = rng.random() * sum(weights.values())
    for key, weight in weights.items():
        u -= weight
        if u < 0:
            return key
    return key


@dataclass
class Buyer:
    """A buyer as :func:`draw_buyer` draws it: what the SQL's ``demo_customer`` row of a buyer holds.

    ``periods``: the active periods ``[(start, end)]``, the second one after a comeback, in days
    of the history for a habit, in season time otherwise (:class:`Seasonality`); they may run past
    the history's end.  ``rate``: orders a day of an irregular buyer, before the volume's scale
    (:func:`rate_scale`); ``gap``, ``sigma``: a habit's mean days between orders and the log-normal
    sigma of its gaps; ``lag``: the days a habit started by a durable waits beyond its first gap.
    ``propensity``: the chance that a later order is built around the durable's complement when
    that is no consumable.
    """

    acquired: int
    durable: str | None = None
    complement: str | None = None
    habit: str | None = None
    propensity: float = 0.0
    rate: float = 0.0
    gap: float = 0.0
    sigma: float = 0.0
    lag: float = 0.0
    periods: list = field(default_factory=list)

    def mean_gap(self, scale):
        """Mean days (season time for an irregular buyer) between orders at the volume's ``scale``."""
        return self.gap if self.habit else max(MIN_GAP, 1.0 / (self.rate * scale))


_STEMS = {cat: stems for cat, _parent, stems, _brands, _prices in data.CATALOG}


def draw_buyer(rng, season):
    """One buyer of the story of the module's docstring, drawn with ``rng`` as the SQL draws its buyers."""
    buyer = Buyer(acquired=season.arrival(rng.random() * 0.999))
    if rng.random() < DURABLE_FIRST:
        stems = _STEMS[_weighted_choice(rng, data.DURABLES)]
        buyer.durable = stems[math.floor(rng.random() * len(stems))]
        buyer.complement = data.COMPLEMENTS.get(buyer.durable)
    u = rng.random()
    if buyer.complement in data.CONSUMABLES:
        buyer.habit = buyer.complement if u < ADOPT_CYCLE else None
        buyer.lag = ADOPT_LAG_MEAN * -math.log(1.0 - rng.random()) if buyer.habit else 0.0
    elif u < HABIT_SHARE:
        buyer.habit = _weighted_choice(rng, {cat: weight for cat, (_cycle, weight) in data.CONSUMABLES.items()})
    if buyer.complement and buyer.complement not in data.CONSUMABLES and rng.random() >= NEVER_COMPLEMENT:
        buyer.propensity = rng.uniform(*PROPENSITY_RANGE)
    if buyer.habit:
        cycle = data.CONSUMABLES[buyer.habit][0]
        buyer.gap = cycle * gamma_variate(HABIT_RATE_SHAPE, rng.random(), rng.random(), rng.random()) \
            / HABIT_RATE_SHAPE
        buyer.sigma = lognormal_sigma(rng.uniform(*CV_RANGE))
    else:
        buyer.rate = gamma_variate(RATE_SHAPE, rng.random(), rng.random(), rng.random()) / (RATE_SHAPE * BASE_GAP)
    life = LIFE_MEAN / LIFE_SHAPE * gamma_variate(LIFE_SHAPE, rng.random(), rng.random(), rng.random())
    life *= HABIT_LIFE if buyer.habit else 1.0
    start = buyer.acquired if buyer.habit else season.season_time[buyer.acquired]
    end = start + life * -math.log(1.0 - rng.random())
    buyer.periods.append((start, end))
    if rng.random() < COMEBACK_SHARE:
        back = end + DORMANT_MIN + DORMANT_MEAN * -math.log(1.0 - rng.random())
        buyer.periods.append((back, back + life * -math.log(1.0 - rng.random())))
    return buyer


def simulate_orders(rng, buyer, season, scale):
    """The days (indexes into the history) of a buyer's orders, as the SQL places them: each active
    period that starts within the history opens with an order, the next ones follow at the buyer's
    gaps (log-normal around a habit's cycle, exponential otherwise; the first one of a habit a
    durable started longer by its ``lag``) until the period or the history ends.  The first order
    is on the day the buyer arrived."""
    n_days = season.n_days
    gap = buyer.mean_gap(scale)
    days = []
    for period, (start, end) in enumerate(buyer.periods):
        t, end = start, min(end, n_days)
        while t < n_days and (t == start or t < end):
            days.append(math.floor(t) if buyer.habit else season.calendar_day(t))
            if buyer.habit:
                t += gap * math.exp(buyer.sigma * normal(rng.random(), rng.random()) - buyer.sigma ** 2 / 2)
                t += buyer.lag if period == 0 and len(days) == 1 else 0.0
            else:
                t += gap * -math.log(1.0 - rng.random())
    if days:
        days[0] = buyer.acquired
    return days


def rate_scale(lines_per_customer, season, seed=0, sample=CALIBRATION_SAMPLE):
    """The scale of the irregular buyers' order rates that gives ``lines_per_customer`` order lines a
    customer on average (at MEAN_LINES_PER_ORDER lines an order), from ``sample`` buyers drawn with
    ``random.Random(seed)``.

    A period of an irregular buyer holds 1 + a Poisson count of mean ``length / gap`` orders, so
    the volume is, in expectation, the habits' orders (simulated: they do not depend on the scale)
    plus one order a period plus the sum of ``length * min(rate * scale, 1 / MIN_GAP)``:
    increasing in the scale, solved for by bisection.
    """
    rng = random.Random(seed)
    n_days = season.n_days
    fixed, windows = 0, []
    for _ in range(sample):
        buyer = draw_buyer(rng, season)
        if buyer.habit:
            fixed += len(simulate_orders(rng, buyer, season, 1.0))
            continue
        for start, end in buyer.periods:
            if start < n_days:
                fixed += 1
                windows.append((max(min(end, n_days) - start, 0.0), buyer.rate))
    target = lines_per_customer / MEAN_LINES_PER_ORDER / BUYER_SHARE * sample

    def orders(scale):
        return fixed + sum(length * min(rate * scale, 1.0 / MIN_GAP) for length, rate in windows)

    low, high = math.log(1e-3), math.log(1e3)
    for _ in range(50):
        mid = (low + high) / 2
        low, high = (mid, high) if orders(math.exp(mid)) < target else (low, mid)
    return math.exp((low + high) / 2)


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


def product_cost(rng, price, low, high):
    """What a product of shelf price ``price`` costs the store: a share of it drawn in ``[low, high]``
    (the category's :data:`data.COST_SHARE`), :func:`cost_at_share`."""
    return cost_at_share(price, rng.uniform(low, high))


def cost_at_share(price, share):
    """``share`` of ``price`` in whole roubles, at least one rouble below the price, never negative."""
    return max(0, min(price - 1, round(price * share)))


def catalog_plan(n_products, rng):
    """The demo catalog: ``n_products`` spread evenly over the categories of :data:`data.CATALOG`.

    Returns ``(category, parent category, products)`` in catalog order, each product a dict of
    ``product.template`` values without the category.  Products of a category are contiguous, so a
    category is a slice of the catalog (:func:`category_slices`), which is how a customer's favourite
    category is drawn from in SQL.  Prices come from ``rng``, in catalog order; then the costs
    (``standard_price``), from a generator seeded by ``rng``'s next draw: a seed's prices are those
    it gave before the catalog had costs.
    """
    per_cat = products_per_category(n_products)
    plan = []
    for cat_idx, (cat_name, parent_name, stems, brands, (low, high)) in enumerate(data.CATALOG):
        products = []
        for i in range(per_cat):
            stem, brand = product_stem(stems, i), product_brand(stems, brands, i)
            sizes = data.SIZES_BY_STEM.get(stem) or data.SIZES_BY_CATEGORY.get(cat_name, data.SIZES)
            suffix = sizes[(i // (len(stems) * len(brands))) % len(sizes)]
            products.append({
                "name": f"{stem} {brand}{suffix}", "default_code": f"DEMO-{cat_idx:02d}-{i:04d}",
                "list_price": product_price(rng, low, high), "type": "consu", "sale_ok": True,
                "barcode": f"46{cat_idx:02d}{i:08d}"[:12] + "0",
            })
        plan.append((cat_name, parent_name, products))
    cost_rng = random.Random(rng.getrandbits(64))
    for cat_name, _parent, products in plan:
        low, high = data.COST_SHARE[cat_name]
        for product in products:
            product["standard_price"] = product_cost(cost_rng, product["list_price"], low, high)
    return plan


def products_per_category(n_products):
    return max(1, n_products // len(data.CATALOG))


def category_slices(n_products):
    """(first 1-based index, length) of each category's products in the catalog of :func:`catalog_plan`."""
    per_cat = products_per_category(n_products)
    return [1 + idx * per_cat for idx in range(len(data.CATALOG))], [per_cat] * len(data.CATALOG)


def product_stem(stems, i):
    """The name stem of a category's ``i``-th product (0-based): the stems take turns."""
    return stems[i % len(stems)]


def product_brand(stems, brands, i):
    """The brand of a category's ``i``-th product: each brand in turn with every stem, the stem's own
    (:data:`data.BRANDS_BY_STEM`, as many) where not all the category's make it."""
    return data.BRANDS_BY_STEM.get(product_stem(stems, i), brands)[(i // len(stems)) % len(brands)]


def repeat_category(name):
    """The category a later order is built around when the customer's pick is ``name``: a durable
    is not bought again and again, what goes with it is (the first non-durable bought together)."""
    if name not in data.DURABLES:
        return name
    return next(other for other in data.BOUGHT_TOGETHER[name] if other not in data.DURABLES)


def catalog_behaviour(n_products, prices):
    """How the catalog of :func:`catalog_plan` is bought, as the SQL's 1-based arrays.

    ``prices``: the products' prices in catalog order (the database's, which keeps a product's
    price once it exists).  Per product: ``prod_cat`` (its category), ``prod_comp`` (the category
    of its complement, 0 if none), ``prod_match`` (the complement that fits it: the cartridge of
    the printer's brand, the capsules, the case of the model; 0 if none), ``prod_consumable``.
    Per category: ``cycle`` (a consumable's days between purchases, 0 otherwise), ``repeat_cat``
    (:func:`repeat_category`), the categories bought together with it (``tog_list[tog_start ..
    tog_start + tog_len - 1]``).  ``cat_sorted``: the products by category, cheapest first within
    each (a category's slice of it starts at :func:`category_slices`' start); ``dur_pool``,
    ``habit_pool``: the durable and consumable categories, repeated by their weights.
    """
    names = [cat[0] for cat in data.CATALOG]
    index = {name: idx for idx, name in enumerate(names, start=1)}
    per_cat = products_per_category(n_products)
    starts, lengths = category_slices(n_products)
    cycle = [data.CONSUMABLES[name][0] if name in data.CONSUMABLES else 0 for name in names]
    brand_of = {}  # (category index, first word of the brand) -> its products
    for cat_idx, (_name, _parent, stems, brands, _prices) in enumerate(data.CATALOG, start=1):
        for i in range(per_cat):
            word = product_brand(stems, brands, i).split()[0]
            brand_of.setdefault((cat_idx, word), []).append(starts[cat_idx - 1] + i)
    prod_cat, prod_comp, prod_match, cat_sorted = [], [], [], []
    for cat_idx, (_name, _parent, stems, brands, _prices) in enumerate(data.CATALOG, start=1):
        for i in range(per_cat):
            comp = index.get(data.COMPLEMENTS.get(product_stem(stems, i)), 0)
            prod_cat.append(cat_idx)
            prod_comp.append(comp)
            if comp:
                # a complement of the same brand when the category has one, another one otherwise
                fits = brand_of.get((comp, product_brand(stems, brands, i).split()[0]))
                fits = fits or range(starts[comp - 1], starts[comp - 1] + lengths[comp - 1])
                prod_match.append(fits[(i * 7 + cat_idx) % len(fits)])
            else:
                prod_match.append(0)
    for start, length in zip(starts, lengths, strict=True):
        cat_sorted.extend(sorted(range(start, start + length), key=lambda pidx: (prices[pidx - 1], pidx)))
    tog_start, tog_len, tog_list = [], [], []
    for name in names:
        together = [index[other] for other in data.BOUGHT_TOGETHER.get(name, [])]
        tog_start.append(len(tog_list) + 1)
        tog_len.append(len(together))
        tog_list.extend(together)
    durables = [index[name] for name in data.DURABLES]
    consumables = [index[name] for name in data.CONSUMABLES]
    return {
        "prod_cat": prod_cat, "prod_comp": prod_comp, "prod_match": prod_match,
        "prod_consumable": [cycle[c - 1] > 0 for c in prod_cat],
        "cycle": cycle, "repeat_cat": [index[repeat_category(name)] for name in names],
        "tog_start": tog_start, "tog_len": tog_len, "tog_list": tog_list or [0], "cat_sorted": cat_sorted,
        "dur_pool": [durables[i - 1] for i in weighted_pool(list(data.DURABLES.values()))],
        "habit_pool": [consumables[i - 1] for i in weighted_pool([w for _c, w in data.CONSUMABLES.values()])],
    }
