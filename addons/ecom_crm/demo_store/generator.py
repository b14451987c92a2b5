"""Fill a database with a realistic Russian online store.

Reference data (company, sales team, managers, catalog) goes through the ORM (:mod:`.reference`):
it is small and must obey every business rule.  Customers, orders, order lines and leads are
generated inside PostgreSQL with the set-based ``INSERT ... SELECT`` of :mod:`.sql`, in chunks of
customers, so that a million customers and ten million order lines take minutes and the Python
process stays small whatever the scale.  The story they draw (order rates, lifetimes and
comebacks, durables and their complements, consumables on a cycle, categories bought together,
seasonality) and its numbers are :mod:`.distributions`'.

This module runs the steps: reference data, parameters, chunks (each its own transaction when
committing), statistics.
"""

import json
import logging
import random
import resource
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from odoo.tools import SQL

from . import data, distributions, reference, sql

_logger = logging.getLogger(__name__)

# customers, products, leads, sales managers
SCALES = {
    "tiny": {"customers": 120, "products": 40, "leads": 100, "managers": 3},
    "small": {"customers": 3_000, "products": 300, "leads": 1_200, "managers": 6},
    "medium": {"customers": 100_000, "products": 2_000, "leads": 30_000, "managers": 10},
    "large": {"customers": 1_000_000, "products": 5_000, "leads": 200_000, "managers": 12},
}
# requests of customers who arrived since are still open
OPEN_REQUESTS_SINCE = timedelta(days=45)
# the day's orders of the last days are placed until the evening of ``today``
DAY_END = dtime(18, 0)


def memory_mb(field="VmHWM"):
    """This process's peak resident memory since its last reset (``field="VmRSS"``: the current one),
    in MB; None where ``/proc`` does not tell (not Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak():
    """Start this process's peak resident memory (VmHWM) again from its current memory, so that the
    next step's peak is its own: whether it could (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


class DemoStoreGenerator:
    def __init__(self, env, customers, products=300, leads=None, managers=6, lines_per_customer=10.0,
                 months=24, seed=42, chunk_size=50_000, today=None, commit=False, fast_load=None):
        self.env = env
        self.cr = env.cr
        self.n_customers = int(customers)
        self.n_products = int(products)
        self.n_leads = int(leads if leads is not None else customers * 0.3)
        self.n_managers = int(managers)
        self.lines_per_customer = float(lines_per_customer)
        self.months = int(months)
        self.seed = seed
        self.chunk_size = int(chunk_size)
        self.today = today or date.today()
        self.commit = commit
        # skipping FK triggers is only confined to a chunk when each chunk is its own transaction
        self.fast_load = commit if fast_load is None else fast_load
        # Python draws (the catalog's prices, the calibration's buyers) come from seeded generators,
        # SQL ones from setseed()
        self.rng = random.Random(seed)
        self.stats = {"customers": 0, "orders": 0, "order_lines": 0, "leads": 0, "stage_stays": 0, "ad_spend": 0}
        self.timings = {}
        # the peak resident memory of each step (MB), and of the steps before the last reset
        self.peaks = {}
        self._peak_before = 0.0

    # ------------------------------------------------------------------ driver
    def run(self):
        started = time.perf_counter()
        self._step_begins()
        self._prepare()
        params = self._params()
        self._step_ends("reference")
        self.cr.execute("SELECT setseed(%s)", [(self.seed % 1000) / 1000.0])
        self.cr.execute("SELECT coalesce(max(id), 0) FROM sale_order")
        first_order = self.cr.fetchone()[0]  # the orders after it are the run's
        column_defaults = self._set_required_defaults()
        try:
            for start in range(0, self.n_customers, self.chunk_size):
                size = min(self.chunk_size, self.n_customers - start)
                self._generate_chunk(dict(params, start=start + 1, stop=start + size))
                if self.commit:
                    self.cr.commit()
                _logger.info("demo store: %d/%d customers, %d order lines, %d leads",
                             start + size, self.n_customers, self.stats["order_lines"], self.stats["leads"])
        finally:
            for table, column in column_defaults:
                self.cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", SQL.identifier(table),
                                    SQL.identifier(column)))
        self._order_channels(first_order)
        self._ad_spend(params)
        self._finish()
        wall = time.perf_counter() - started
        rows = sum(self.stats.values())
        self.stats["seconds_by_step"] = {k: round(v, 1) for k, v in self.timings.items()}
        self.stats.update({
            "wall_seconds": round(wall, 1),
            "rows_per_second": round(rows / wall) if wall else rows,
            "peak_rss_mb": round(self._peak(), 1),
            "peak_rss_mb_by_step": {k: round(v) for k, v in self.peaks.items()},
        })
        # what was loaded, for people and for the start scripts (load once)
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm.demo_store", json.dumps(self.stats))
        if self.commit:
            self.cr.commit()
        return self.stats

    # --------------------------------------------------------- reference data
    def _prepare(self):
        """The reference data through the ORM, and the history's seasonal days."""
        env = self.env
        self.russia = env.ref("base.ru")
        self.company = reference.setup_company(env, self.russia)
        self.lang, self.lang_id = reference.demo_lang(env)
        self.team = reference.setup_team(env, self.company)
        self.managers = reference.setup_managers(env, self.team, self.company, self.lang, self.n_managers)
        self.products = reference.setup_catalog(env, distributions.catalog_plan(self.n_products, self.rng))
        self.cat_start, self.cat_len = distributions.category_slices(self.n_products)
        self.stages = reference.stage_ids(env)
        self.reasons = reference.lost_reason_ids(env)
        self.channels = reference.setup_channels(env)
        self.uom_unit = env.ref("uom.product_uom_unit").id
        self.season = distributions.Seasonality(self.today, self.months)

    def _params(self):
        """The named parameters of the SQL of :mod:`.sql`, the same for every chunk."""
        surnames = data.SURNAMES
        cities = data.CITIES
        d = distributions
        behaviour = d.catalog_behaviour(self.n_products, [p[2] for p in self.products])
        params = {
            # who the customers are
            "first_m": [n for n, _t in data.MALE_FIRST_NAMES], "first_f": [n for n, _t in data.FEMALE_FIRST_NAMES],
            "first_m_lat": [t for _n, t in data.MALE_FIRST_NAMES],
            "first_f_lat": [t for _n, t in data.FEMALE_FIRST_NAMES],
            "patr_m": [m for m, _f in data.PATRONYMICS], "patr_f": [f for _m, f in data.PATRONYMICS],
            "sur_m": [m for m, _f, _t in surnames], "sur_f": [f for _m, f, _t in surnames],
            "sur_lat": [t for _m, _f, t in surnames],
            "sur_lat_f": [d.female_translit(m, f, t) for m, f, t in surnames],
            "domains": data.EMAIL_DOMAINS,
            "domain_generic": reference.generic_email_domains(self.env, data.EMAIL_DOMAINS),
            "domain_pool": d.weighted_pool(data.EMAIL_DOMAIN_WEIGHTS),
            "city_names": [c[0] for c in cities], "city_zip": [c[1] for c in cities],
            "city_zips": [c[2] for c in cities], "city_pool": d.weighted_pool([c[3] for c in cities]),
            "streets": data.STREETS,
            # when they arrive and when they order
            "managers": self.managers, "n_managers": len(self.managers),
            "season": self.season.pool, "n_season": len(self.season.pool), "day0": self.season.days[0],
            "n_days": self.season.n_days, "season_time": self.season.season_time, "warp": self.season.warp,
            "n_warp": len(self.season.warp),
            "q_recent": self.season.quantile(self.today - OPEN_REQUESTS_SINCE),
            # how they buy (the story of distributions)
            "buyer_share": d.BUYER_SHARE, "durable_first": d.DURABLE_FIRST, "adopt": d.ADOPT_CYCLE,
            "adopt_lag": d.ADOPT_LAG_MEAN, "habit_share": d.HABIT_SHARE, "never_complement": d.NEVER_COMPLEMENT,
            "prop_low": d.PROPENSITY_RANGE[0], "prop_high": d.PROPENSITY_RANGE[1],
            "rate": SQL(d.gamma_sql(d.RATE_SHAPE)), "rate_shape": d.RATE_SHAPE, "base_gap": d.BASE_GAP,
            "min_gap": d.MIN_GAP, "scale": d.rate_scale(self.lines_per_customer, self.season, seed=self.seed),
            "habit_rate": SQL(d.gamma_sql(d.HABIT_RATE_SHAPE)), "habit_rate_shape": d.HABIT_RATE_SHAPE,
            "cv_low": d.CV_RANGE[0], "cv_high": d.CV_RANGE[1],
            "life": SQL(d.gamma_sql(d.LIFE_SHAPE)), "life_shape": d.LIFE_SHAPE, "life_mean": d.LIFE_MEAN,
            "habit_life": d.HABIT_LIFE, "comeback": d.COMEBACK_SHARE, "dormant_min": d.DORMANT_MIN,
            "dormant_mean": d.DORMANT_MEAN, "normal": SQL(d.NORMAL_SQL), "price_sigma": d.PRICE_LEVEL_SIGMA,
            "cancel_base": d.CANCEL_BASE, "cancel_heavy": d.CANCEL_HEAVY, "max_orders": d.MAX_ORDERS_PER_PERIOD,
            "new_durable": d.NEW_DURABLE_SHARE, "favourite": d.FAVOURITE_SHARE,
            "together": d.EXTRA_LINE_SHARES[0], "same": sum(d.EXTRA_LINE_SHARES[:2]),
            "fav": sum(d.EXTRA_LINE_SHARES[:3]), "usual": d.USUAL_PRODUCT_SHARE,
            "tail": d.line_tail_scale(), "max_extra_lines": d.MAX_EXTRA_LINES,
            # what they buy
            "cat_start": self.cat_start, "cat_len": self.cat_len, "n_cats": len(self.cat_start),
            "prod_ids": [p[0] for p in self.products], "prod_names": [p[1] for p in self.products],
            "prod_titles": [p[3] for p in self.products],
            "prod_prices": [p[2] for p in self.products], "prod_costs": [p[4] for p in self.products],
            "n_products": len(self.products),
            "delivered_method": reference.delivered_method(self.env, self.products[0][0]),
            **behaviour, "n_dur_pool": len(behaviour["dur_pool"]), "n_habit_pool": len(behaviour["habit_pool"]),
            # where their requests come from and how they end
            "ch_pool": distributions.weighted_pool([c[2] for c in self.channels]),
            "ch_source": [c[0] for c in self.channels], "ch_medium": [c[1] for c in self.channels],
            "ch_campaigns": [",".join(map(str, c[3])) for c in self.channels],
            "lead_share": min(1.0, self.n_leads / max(self.n_customers, 1)),
            "stages": self.stages,
            "r": self.reasons,
            "returned_reason": self.reasons["refused_at_delivery"],
            # the requests' expected closing dates: hashes of their own (sql.expected_closing), not random()
            "deadline_salt": self.seed * 1000 + 17,
            # the records' fixed values
            "country": self.russia.id, "lang": self.lang, "lang_id": self.lang_id,
            "company": self.company.id, "currency": self.company.currency_id.id, "team": self.team.id,
            "uom": self.uom_unit, "today": self.today, "uid": self.env.uid,
            "now": datetime.combine(self.today, DAY_END),
            "has_sanitized": self._has_column("res_partner", "phone_sanitized"),
        }
        params.update(sql.array_lengths(params))
        return params

    def _set_required_defaults(self):
        """Apps installed next to ours add required columns the SQL does not know (Inventory's
        shipping policy on orders): while the generator inserts, such columns get the ORM's default
        as a column default. Returns the ``(table, column)`` pairs to reset afterwards."""
        added = []
        for model_name, table in (("res.partner", "res_partner"), ("sale.order", "sale_order"),
                                  ("sale.order.line", "sale_order_line"), ("crm.lead", "crm_lead")):
            Model = self.env[model_name]
            self.cr.execute("""
                SELECT column_name FROM information_schema.columns
                 WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
            """, [table])
            names = [name for (name,) in self.cr.fetchall() if name in Model._fields]
            for name, value in Model.default_get(names).items():
                value = Model._fields[name].convert_to_column(value, Model)
                if value is None or value is False:
                    continue
                self.cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", SQL.identifier(table),
                                    SQL.identifier(name), value))
                added.append((table, name))
        return added

    def _has_column(self, table, column):
        self.cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name=%s AND column_name=%s",
                        [table, column])
        return bool(self.cr.fetchone())

    # ------------------------------------------------------------ bulk chunks
    def _skip_fk_checks(self):
        """Bulk-load without per-row foreign-key triggers when the database role may (superuser).

        Every id the generator writes comes from the referenced table itself, so the checks
        would only cost time; ``SET LOCAL`` confines this to the chunk's transaction.
        """
        self.cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if self.cr.fetchone()[0]:
            self.cr.execute("SET LOCAL session_replication_role = replica")

    def _generate_chunk(self, p):
        """Customers ``p["start"]`` to ``p["stop"]``, their orders and their requests."""
        if self.fast_load:
            self._skip_fk_checks()
        self.cr.execute(sql.drop_temp_tables())
        # drawn first, in the order the seed's draws have always been made (customers, their names and
        # addresses, orders, lines, requests, stays), and written once their customers' creation is known:
        # no later than their first order or request
        self._timed("customers_tmp", sql.customers(p))
        self.cr.execute("ANALYZE demo_customer")
        self._timed("partners", sql.partners_tmp(p))
        self.cr.execute("ANALYZE demo_partner")  # joined by the requests, not costed as millions of rows
        self._timed("orders_tmp", sql.orders_tmp(p))
        self._timed("lines_tmp", sql.lines_tmp(p))
        self._timed("leads", sql.first_orders_index())  # the won requests' orders, read by sql.requests_tmp
        self._timed("leads", sql.requests_tmp(p))
        self.cr.execute("ANALYZE demo_lead")
        self.stats["customers"] += self._timed("partners", sql.partners(p))
        self.stats["orders"] += self._timed("orders", sql.orders(p))
        self.stats["order_lines"] += self._timed("order_lines", sql.order_lines(p))
        self.stats["leads"] += self._timed("leads", sql.leads(p))
        self.stats["stage_stays"] += self._timed("stage_history", sql.stage_history(p))
        self._timed("link_orders", sql.link_orders())

    def _timed(self, label, query):
        """Execute ``query``, add its duration and peak memory to the per-step figures of the run;
        returns its row count."""
        started = time.perf_counter()
        self._step_begins()
        self.cr.execute(query)
        self._step_ends(label)
        self.timings[label] = self.timings.get(label, 0.0) + time.perf_counter() - started
        return self.cr.rowcount

    # ------------------------------------------------------------- memory
    def _step_begins(self):
        """The peak memory of what came before is kept; the next step's counts from now."""
        self._peak_before = max(self._peak_before, memory_mb() or 0.0)
        reset_peak()

    def _step_ends(self, label):
        peak = memory_mb()
        if peak is not None:
            self.peaks[label] = max(self.peaks.get(label, 0.0), peak)

    def _peak(self):
        """The run's peak resident memory (MB): the steps' and what came between them."""
        whole = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # since the last reset on Linux
        return max(whole, self._peak_before, memory_mb() or 0.0, *self.peaks.values())

    def _order_channels(self, first_order):
        """The run's orders' channels (:func:`.sql.order_channels`), drawn apart from the rest: the same
        seed gives the same customers, orders and requests as before the orders had channels."""
        site = [(source, medium, campaigns) for (xmlid, _m, _w, _n), (source, medium, _w2, campaigns)
                in zip(data.CHANNELS, self.channels, strict=True) if xmlid in data.SITE_ORDER_CHANNELS]
        weights = [data.SITE_ORDER_CHANNELS[xmlid] for xmlid, *_rest in data.CHANNELS
                   if xmlid in data.SITE_ORDER_CHANNELS]
        pool = distributions.weighted_pool(weights)
        # the chunks' orders and requests are not analyzed yet (_finish does): the planner, which took the
        # tables for empty, joined the orders to their channels by a nested loop, the update quadratic in the
        # orders (600 customers: 65 s for 2,000 orders, 40 ms analyzed); the ad spend reads them too
        for table in ("sale_order", "crm_lead"):
            self.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        self._timed("order_channels", sql.order_channels({
            "first_order": first_order, "order_salt": self.seed * 1000 + 7,
            "so_share": data.SITE_ORDER_CHANNEL_SHARE, "so_pool": pool, "so_pool_len": len(pool),
            "so_source": [c[0] for c in site], "so_medium": [c[1] for c in site],
            "so_campaigns": [",".join(map(str, c[2])) for c in site],
        }))
        if self.commit:
            self.cr.commit()

    def _ad_spend(self, params):
        """A year of daily spend of the paid campaigns, on the requests' and orders' channels, sized to
        the revenue of each channel's orders (data.AD_DRR), once the orders have their channels. Its day
        to day noise is a hash of the campaign, the day and the seed, not ``random()``: what the rest of
        the store draws stays the same."""
        p = dict(params, **reference.ad_campaigns(self.channels), spend_days=data.AD_SPEND_DAYS,
                 spend_salt=self.seed * 1000 + 11)
        self.stats["ad_spend"] = self._timed("ad_spend", sql.ad_spend(p))
        if self.commit:
            self.cr.commit()

    def _finish(self):
        cr = self.cr
        cr.execute(sql.drop_temp_tables())
        # new orders continue after the generated ones
        seq = self.env["ir.sequence"].search([("code", "=", "sale.order"), ("company_id", "in", (False,
                                              self.company.id))], limit=1)
        cr.execute("SELECT coalesce(max(id), 0) + 1 FROM sale_order")
        next_number = cr.fetchone()[0]
        if seq and seq.number_next_actual < next_number:
            seq.number_next = next_number
        # the generated mobiles are stored as the number SMS go to; libphonenumber knows a few
        # +7 9300… numbers as no mobile's (one customer in a thousand): those told apart as Odoo would
        self.env["res.partner"]._ecom_fill_sms_numbers(only=SQL("phone LIKE %s", "+79300%"))
        for table in ("res_partner", "sale_order", "sale_order_line", "crm_lead", "ecom_lead_stage_history"):
            cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        # the first day shows no zeros: the customer cards and, with the scoring, the scores now,
        # not at the first nightly run
        started = time.perf_counter()
        self._step_begins()
        self.env["res.partner"]._ecom_refresh_customer_card()
        self._step_ends("cards")
        if "ecom.scoring.run" in self.env:
            # the one step whose memory grows with the store: the scoring engine reads the whole
            # history into this process (README, the generator's bench)
            self._step_begins()
            # a full run: the history was written by SQL, an incremental run would not see it as changed
            self.env["ecom.scoring.run"]._score_customers(mode="full")
            self._step_ends("scores")
        self.timings["cards_and_scores"] = self.timings.get("cards_and_scores", 0) + time.perf_counter() - started
        # the store's reports from the generated history: the funnel and the salespeople's (tables),
        # the channels, cohorts and sales (materialized views)
        started = time.perf_counter()
        self._step_begins()
        self.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
        self.env["ecom.report.matview"]._ecom_refresh_all()
        self._step_ends("reports")
        self.timings["reports"] = time.perf_counter() - started
