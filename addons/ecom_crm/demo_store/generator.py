"""Fill a database with a realistic Russian online store.

Reference data (company, sales team, managers, catalog) goes through the ORM: it
is small and must obey every business rule.  Customers, orders, order lines and
leads are generated inside PostgreSQL with set-based ``INSERT ... SELECT`` in
chunks of customers, so that a million customers and ten million order lines take
minutes and the Python process stays small whatever the scale.

Every column that Odoo stores for these records, computed ones included, is
written consistently with what the ORM would compute (the tests recompute a
sample through the ORM and compare).
"""

import bisect
import json
import logging
import math
import random
import resource
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from odoo.addons.iap.tools.iap_tools import mail_prepare_for_domain_search
from odoo.tools import SQL

from . import data

_logger = logging.getLogger(__name__)

# customers, products, leads, sales managers
SCALES = {
    "tiny": {"customers": 120, "products": 40, "leads": 100, "managers": 3},
    "small": {"customers": 3_000, "products": 300, "leads": 1_200, "managers": 6},
    "medium": {"customers": 100_000, "products": 2_000, "leads": 30_000, "managers": 10},
    "large": {"customers": 1_000_000, "products": 5_000, "leads": 200_000, "managers": 12},
}

# Share of customers by behaviour: never bought (a request only), bought once, repeat, loyal.
SEGMENTS = (("lead_only", 0.30), ("one_time", 0.38), ("repeat", 0.24), ("loyal", 0.08))
MEAN_LINES_PER_ORDER = 3.0  # 1 + a geometric tail: most orders have one to three lines
CHURN_SHARE = 0.35  # repeat and loyal buyers who stopped buying at some point
SEASON_POOL = 4096  # resolution of the seasonal day distribution


def _weighted_pool(weights, size=1000):
    """Indexes 1..n repeated proportionally to ``weights``: ``pool[random]`` draws by weight."""
    total = float(sum(weights))
    pool = []
    for idx, weight in enumerate(weights, start=1):
        pool.extend([idx] * max(1, round(size * weight / total)))
    return pool


def _female_translit(male, female, latin):
    """Transliteration of the female surname from the male one's: petrov → petrova, kozlovsky → kozlovskaya."""
    if male == female:
        return latin
    if latin.endswith(("sky", "oy")):
        return latin[:-3 if latin.endswith("sky") else -2] + ("skaya" if latin.endswith("sky") else "aya")
    return latin + "a"


class DemoStoreGenerator:
    def __init__(self, env, customers, products=300, leads=None, managers=6, lines_per_customer=10.0,
                 months=15, seed=42, chunk_size=50_000, today=None, commit=False, fast_load=None):
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
        self.rng = random.Random(seed)
        self.stats = {"customers": 0, "orders": 0, "order_lines": 0, "leads": 0}
        self.timings = {}

    # ------------------------------------------------------------------ driver
    def run(self):
        started = time.perf_counter()
        self._prepare()
        self.cr.execute("SELECT setseed(%s)", [(self.seed % 1000) / 1000.0])
        column_defaults = self._set_required_defaults()
        try:
            for start in range(0, self.n_customers, self.chunk_size):
                size = min(self.chunk_size, self.n_customers - start)
                self._generate_chunk(start, size)
                if self.commit:
                    self.cr.commit()
                _logger.info("demo store: %d/%d customers, %d order lines, %d leads",
                             start + size, self.n_customers, self.stats["order_lines"], self.stats["leads"])
        finally:
            for table, column in column_defaults:
                self.cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", SQL.identifier(table),
                                    SQL.identifier(column)))
        self._finish()
        wall = time.perf_counter() - started
        rows = sum(self.stats.values())
        self.stats["seconds_by_step"] = {k: round(v, 1) for k, v in self.timings.items()}
        self.stats.update({
            "wall_seconds": round(wall, 1),
            "rows_per_second": round(rows / wall) if wall else rows,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        })
        # what was loaded, for people and for the start scripts (load once)
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm.demo_store", json.dumps(self.stats))
        if self.commit:
            self.cr.commit()
        return self.stats

    # --------------------------------------------------------- reference data
    def _prepare(self):
        env = self.env
        self.company = env.company
        self.russia = env.ref("base.ru")
        self._setup_company()
        lang = env["res.lang"]._lang_get("ru_RU") or env["res.lang"]._lang_get("en_US")
        self.lang, self.lang_id = lang.code, lang.id
        self.team = self._setup_team()
        self.managers = self._setup_managers()
        self.products = self._setup_catalog()
        self.stages = [env.ref(f"ecom_crm.crm_stage_{x}") for x in
                       ("new_request", "first_contact", "deciding", "awaiting_payment", "sold")]
        self.reasons = {x: env.ref(f"ecom_crm.lost_reason_{x}").id for x in (
            "too_expensive", "out_of_stock", "delivery", "no_answer", "changed_mind", "bought_elsewhere",
            "payment_method", "refused_at_delivery", "duplicate_spam", "other")}
        self.channels = self._setup_channels()
        self.uom_unit = env.ref("uom.product_uom_unit").id
        self.season_days = self._season_days()
        self.q_churn_cut = self._quantile(self.today - timedelta(days=150))
        self.q_recent = self._quantile(self.today - timedelta(days=45))

    def _setup_company(self):
        company = self.company
        vals = {}
        if company.country_id != self.russia:
            vals["country_id"] = self.russia.id
        rub = self.env.ref("base.RUB")
        if company.currency_id != rub and not self.env["account.move.line"].sudo().search_count(
                [("company_id", "=", company.id)], limit=1):
            rub.active = True
            vals["currency_id"] = rub.id
        if company.name == "My Company":
            vals["name"] = "Интернет-магазин «Домашний»"
        if vals:
            company.write(vals)

    def _setup_team(self):
        team = self.env["crm.team"].search([("name", "=", "Интернет-магазин")], limit=1)
        if not team:
            team = self.env["crm.team"].create({
                "name": "Интернет-магазин", "use_leads": True, "use_opportunities": True,
                "company_id": self.company.id,
            })
        return team

    def _setup_managers(self):
        users = self.env["res.users"].with_context(no_reset_password=True)
        salesman = self.env.ref("sales_team.group_sale_salesman")
        managers = users.browse()
        for idx, (last, first, patronymic) in enumerate(data.MANAGER_NAMES[: self.n_managers], start=1):
            login = f"manager{idx}@demo-store.ru"
            user = users.search([("login", "=", login)], limit=1)
            if not user:
                user = users.create({
                    "login": login, "email": login, "lastname": last, "firstname": first,
                    "patronymic": patronymic, "lang": self.lang, "tz": "Europe/Moscow",
                    "groups_id": [(6, 0, [self.env.ref("base.group_user").id, salesman.id])],
                    "company_id": self.company.id, "company_ids": [(6, 0, [self.company.id])],
                })
            managers |= user
        # the person who opens the demo (admin) works requests too, so that «My pipeline» is not empty
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        if admin and admin.active:
            managers = admin | managers
        self.team.member_ids = [(4, uid) for uid in managers.ids]
        return managers.ids

    def _setup_catalog(self):
        """Products in categories, in catalog order so that a category is a contiguous slice."""
        Category = self.env["product.category"]
        Template = self.env["product.template"]
        existing = Template.search([("default_code", "=like", "DEMO-%")], order="default_code")
        per_cat = max(1, self.n_products // len(data.CATALOG))
        self.cat_start, self.cat_len = [], []
        products = []
        parents = {}
        for cat_idx, (cat_name, parent_name, stems, brands, (low, high)) in enumerate(data.CATALOG):
            if parent_name not in parents:
                parents[parent_name] = (Category.search([("name", "=", parent_name), ("parent_id", "=", False)],
                                                        limit=1) or Category.create({"name": parent_name}))
            parent = parents[parent_name]
            categ = Category.search([("name", "=", cat_name), ("parent_id", "=", parent.id)], limit=1) \
                or Category.create({"name": cat_name, "parent_id": parent.id})
            self.cat_start.append(len(products) + 1)
            vals_list = []
            for i in range(per_cat):
                code = f"DEMO-{cat_idx:02d}-{i:04d}"
                stem, brand = stems[i % len(stems)], brands[(i // len(stems)) % len(brands)]
                suffix = data.SIZES[(i // (len(stems) * len(brands))) % len(data.SIZES)]
                price = round(self.rng.uniform(low, high) / 10) * 10 - 10 if high > 1000 else \
                    round(self.rng.uniform(low, high))
                vals_list.append({
                    "name": f"{stem} {brand}{suffix}", "default_code": code, "categ_id": categ.id,
                    "list_price": max(price, low), "type": "consu", "sale_ok": True,
                    "barcode": f"46{cat_idx:02d}{i:08d}"[:12] + "0",
                })
            known = {t.default_code: t for t in existing}
            missing = [v for v in vals_list if v["default_code"] not in known]
            if missing:
                created = Template.create(missing)
                known.update({t.default_code: t for t in created})
            for vals in vals_list:
                tmpl = known[vals["default_code"]]
                variant = tmpl.product_variant_id
                products.append((variant.id, variant.get_product_multiline_description_sale(), tmpl.list_price,
                                 variant.name))
            self.cat_len.append(per_cat)
        return products

    def _setup_channels(self):
        env = self.env
        channels = []
        for source_xmlid, medium_xmlid, weight, campaigns in data.CHANNELS:
            campaign_ids = []
            for name in campaigns:
                campaign = env["utm.campaign"].search([("name", "=", name)], limit=1) \
                    or env["utm.campaign"].create({"name": name})
                campaign_ids.append(campaign.id)
            channels.append((env.ref(source_xmlid).id, env.ref(medium_xmlid).id, weight, campaign_ids))
        return channels

    def _season_days(self):
        """SEASON_POOL days of the period, spaced by the seasonal demand curve (inverse CDF)."""
        start = self.today - timedelta(days=int(self.months * 30.44))
        days = [start + timedelta(days=i) for i in range((self.today - start).days)]
        # demand also grows with the store: +40% over the period
        weights = [data.SEASONALITY[d.month - 1] * (1 + 0.4 * i / len(days)) for i, d in enumerate(days)]
        total = sum(weights)
        cumulative, acc = [], 0.0
        for weight in weights:
            acc += weight / total
            cumulative.append(acc)
        self._cumulative, self._days = cumulative, days
        return [days[min(bisect.bisect_left(cumulative, (k + 0.5) / SEASON_POOL), len(days) - 1)]
                for k in range(SEASON_POOL)]

    def _quantile(self, day):
        idx = bisect.bisect_left(self._days, day)
        return self._cumulative[min(max(idx, 0), len(self._days) - 1)]

    def _orders_scale(self):
        """Scale of the repeat buyers' order counts so that lines per customer hit the target.

        Expected orders per customer: one_time 1, repeat 2 + E[floor(Exp(a))], loyal 6 + E[floor(Exp(3a))]
        with E[floor(Exp(m))] = 1 / (exp(1/m) - 1), solved for ``a`` by bisection.
        """
        shares = dict(SEGMENTS)
        target = self.lines_per_customer / MEAN_LINES_PER_ORDER

        def expected(a):
            tail = lambda m: 1.0 / (math.exp(1.0 / m) - 1.0)  # noqa: E731
            return (shares["one_time"] + shares["repeat"] * (2 + tail(a)) + shares["loyal"] * (6 + tail(3 * a)))

        low, high = 0.01, 500.0
        for _ in range(60):
            mid = (low + high) / 2
            low, high = (mid, high) if expected(mid) < target else (low, mid)
        return (low + high) / 2

    @staticmethod
    def _line_tail_scale():
        """Scale m of the lines-per-order draw 1 + min(7, floor(Exp(m))) whose mean is MEAN_LINES_PER_ORDER.

        E[min(7, floor(Exp(m)))] = sum_{k=1..7} exp(-k/m), solved for m by bisection.
        """
        low, high = 0.01, 100.0
        for _ in range(60):
            mid = (low + high) / 2
            mean = 1 + sum(math.exp(-k / mid) for k in range(1, 8))
            low, high = (mid, high) if mean < MEAN_LINES_PER_ORDER else (low, mid)
        return (low + high) / 2

    # ------------------------------------------------------------ bulk chunks
    def _params(self):
        if hasattr(self, "_cached_params"):
            return self._cached_params
        first_m = [n for n, _t in data.MALE_FIRST_NAMES]
        first_f = [n for n, _t in data.FEMALE_FIRST_NAMES]
        generic = {d: not (mail_prepare_for_domain_search(f"x@{d}") or "").startswith("@")
                   for d in data.EMAIL_DOMAINS}
        cities = data.CITIES
        channel_pool = _weighted_pool([c[2] for c in self.channels])
        segment_bounds = []
        acc = 0.0
        for _name, share in SEGMENTS:
            acc += share
            segment_bounds.append(acc)
        self._cached_params = {
            "first_m": first_m, "first_f": first_f,
            "first_m_lat": [t for _n, t in data.MALE_FIRST_NAMES],
            "first_f_lat": [t for _n, t in data.FEMALE_FIRST_NAMES],
            "patr_m": [m for m, _f in data.PATRONYMICS], "patr_f": [f for _m, f in data.PATRONYMICS],
            "sur_m": [m for m, _f, _t in data.SURNAMES], "sur_f": [f for _m, f, _t in data.SURNAMES],
            "sur_lat": [t for _m, _f, t in data.SURNAMES],
            "sur_lat_f": [_female_translit(m, f, t) for m, f, t in data.SURNAMES],
            "domains": data.EMAIL_DOMAINS,
            "domain_generic": [generic[d] for d in data.EMAIL_DOMAINS],
            "domain_pool": _weighted_pool(data.EMAIL_DOMAIN_WEIGHTS),
            "city_names": [c[0] for c in cities], "city_zip": [c[1] for c in cities],
            "city_zips": [c[2] for c in cities], "city_pool": _weighted_pool([c[3] for c in cities]),
            "streets": data.STREETS,
            "managers": self.managers, "n_managers": len(self.managers),
            "season": self.season_days, "n_season": len(self.season_days),
            "q_churn": self.q_churn_cut, "q_recent": self.q_recent,
            "seg1": segment_bounds[0], "seg2": segment_bounds[1], "seg3": segment_bounds[2],
            "churn": CHURN_SHARE, "a": self._orders_scale(),
            "cat_start": self.cat_start, "cat_len": self.cat_len, "n_cats": len(self.cat_start),
            "prod_ids": [p[0] for p in self.products], "prod_names": [p[1] for p in self.products],
            "prod_titles": [p[3] for p in self.products],
            "prod_prices": [p[2] for p in self.products], "n_products": len(self.products),
            "delivered_method": self._delivered_method(),
            "tail": self._line_tail_scale(),
            "country": self.russia.id, "lang": self.lang, "lang_id": self.lang_id,
            "company": self.company.id, "currency": self.company.currency_id.id, "team": self.team.id,
            "uom": self.uom_unit, "today": self.today, "uid": self.env.uid,
            "now": datetime.combine(self.today, dtime(18, 0)),
            "ch_pool": channel_pool, "ch_source": [c[0] for c in self.channels],
            "ch_medium": [c[1] for c in self.channels],
            "ch_campaigns": [",".join(map(str, c[3])) for c in self.channels],
            "lead_share": min(1.0, self.n_leads / max(self.n_customers, 1)),
            "stages": [s.id for s in self.stages],
            "r": self.reasons,
            "has_sanitized": self._has_column("res_partner", "phone_sanitized"),
        }
        return self._cached_params

    def _set_required_defaults(self):
        """Apps installed next to ours add required columns the SQL below does not know (Inventory's
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

    def _skip_fk_checks(self):
        """Bulk-load without per-row foreign-key triggers when the database role may (superuser).

        Every id the generator writes comes from the referenced table itself, so the checks
        would only cost time; ``SET LOCAL`` confines this to the chunk's transaction.
        """
        self.cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if self.cr.fetchone()[0]:
            self.cr.execute("SET LOCAL session_replication_role = replica")

    def _generate_chunk(self, start, size):
        p = dict(self._params(), start=start + 1, stop=start + size)
        cr = self.cr
        if self.fast_load:
            self._skip_fk_checks()
        cr.execute("DROP TABLE IF EXISTS demo_customer, demo_order, demo_line")
        # 1. who the customers are and how they behave
        self._timed("customers_tmp", SQL("""
            CREATE TEMP TABLE demo_customer AS
            SELECT nextval('res_partner_id_seq') AS id, g AS seq, b.female, b.si, b.fi, b.pi, b.ci, b.seg,
                   b.q_first,
                   CASE WHEN b.seg >= 3 AND b.churn_r < %(churn)s AND b.q_first < %(q_churn)s
                        THEN b.q_first + (%(q_churn)s - b.q_first) * b.churn_r / %(churn)s
                        ELSE 1.0 END AS q_last,
                   CASE b.seg WHEN 1 THEN 0 WHEN 2 THEN 1
                        WHEN 3 THEN 2 + floor(-ln(1 - random()) * %(a)s)
                        ELSE 6 + floor(-ln(1 - random()) * 3 * %(a)s) END::int AS n_orders,
                   (%(managers)s::int[])[1 + floor(random() * %(n_managers)s)::int] AS user_id,
                   1 + floor(random() * %(n_cats)s)::int AS fav_cat,
                   random() < 0.75 AS has_email, random() < 0.97 AS has_phone,
                   (%(domain_pool)s::int[])[1 + floor(random() * %(dpool)s)::int] AS di,
                   floor(random() * 1000)::int AS num
              FROM generate_series(%(start)s, %(stop)s) g,
                   LATERAL (SELECT random() < 0.56 AS female,
                                   1 + floor(random() * %(n_sur)s)::int AS si,
                                   1 + floor(random() * %(n_first)s)::int AS fi,
                                   1 + floor(random() * %(n_patr)s)::int AS pi,
                                   (%(city_pool)s::int[])[1 + floor(random() * %(cpool)s)::int] AS ci,
                                   random() AS seg_r, random() AS churn_r,
                                   random() * 0.999 AS q_first, g AS anchor) b0,
                   LATERAL (SELECT b0.*, CASE WHEN b0.seg_r < %(seg1)s THEN 1 WHEN b0.seg_r < %(seg2)s THEN 2
                                              WHEN b0.seg_r < %(seg3)s THEN 3 ELSE 4 END AS seg) b
        """, **self._sql_params(p)))
        cr.execute("ANALYZE demo_customer")
        # 2. partners
        sanitized_col = SQL(", phone_sanitized") if p["has_sanitized"] else SQL("")
        sanitized_val = SQL(", c.phone") if p["has_sanitized"] else SQL("")
        self._timed("partners", SQL("""
            WITH c AS (
                SELECT c.*,
                       CASE WHEN c.female THEN (%(sur_f)s::text[])[c.si] ELSE (%(sur_m)s::text[])[c.si] END AS last,
                       CASE WHEN c.female THEN (%(first_f)s::text[])[c.fi]
                            ELSE (%(first_m)s::text[])[c.fi] END AS first,
                       CASE WHEN c.female THEN (%(patr_f)s::text[])[c.pi]
                            ELSE (%(patr_m)s::text[])[c.pi] END AS patr,
                       CASE WHEN c.has_email THEN
                           (CASE WHEN c.female THEN (%(first_f_lat)s::text[])[c.fi]
                                 ELSE (%(first_m_lat)s::text[])[c.fi] END)
                           || '.' || (CASE WHEN c.female THEN (%(sur_lat_f)s::text[])[c.si]
                                           ELSE (%(sur_lat)s::text[])[c.si] END)
                           || c.num::text || '@' || (%(domains)s::text[])[c.di] END AS email,
                       CASE WHEN c.has_phone
                            THEN '+79' || lpad(mod(c.id::bigint * 982451653 + 104729, 1000000000)::text, 9, '0')
                       END AS phone,
                       (%(season)s::date[])[1 + floor(c.q_first * %(n_season)s)::int]
                           + make_interval(hours => 8 + floor(random() * 14)::int,
                                           mins => floor(random() * 60)::int) AS created
                  FROM demo_customer c
            )
            INSERT INTO res_partner (id, name, complete_name, lastname, firstname, patronymic, email,
                   email_normalized, phone, street, city, zip, country_id, lang, tz, type, is_company,
                   active, commercial_partner_id, partner_share, customer_rank, supplier_rank, user_id,
                   color, message_bounce, invoice_warn, sale_warn, autopost_bills, ecom_gender, ecom_phone_invalid,
                   create_date, write_date, create_uid, write_uid %(sanitized_col)s)
            SELECT c.id, concat_ws(' ', c.last, c.first, c.patr), concat_ws(' ', c.last, c.first, c.patr),
                   c.last, c.first, c.patr, c.email, lower(c.email), c.phone,
                   (%(streets)s::text[])[1 + floor(random() * %(n_streets)s)::int] || ', д. '
                       || (1 + floor(random() * 120))::text || ', кв. ' || (1 + floor(random() * 300))::text,
                   (%(city_names)s::text[])[c.ci],
                   ((%(city_zip)s::int[])[c.ci] + floor(random() * (%(city_zips)s::int[])[c.ci]))::text,
                   %(country)s, %(lang)s, 'Europe/Moscow', 'contact', false, true, c.id, true,
                   CASE WHEN c.n_orders > 0 THEN 1 ELSE 0 END, 0,
                   CASE WHEN c.n_orders > 0 THEN c.user_id END,
                   0, 0, 'no-message', 'no-message', 'ask',
                   CASE WHEN c.female THEN 'female' ELSE 'male' END, false,
                   c.created, c.created, %(uid)s, %(uid)s %(sanitized_val)s
              FROM c
        """, **self._sql_params(p), sanitized_col=sanitized_col, sanitized_val=sanitized_val))
        self.stats["customers"] += cr.rowcount
        # 3. orders and their lines, with seasonality, churn and category affinity
        self._timed("orders_tmp", SQL("""
            CREATE TEMP TABLE demo_order AS
            SELECT nextval('sale_order_id_seq') AS id, o.partner_id, o.user_id, o.fav_cat, o.k,
                   o.date_order, 1 + least(7, floor(-ln(1 - random()) * %(tail)s))::int AS n_lines,
                   CASE WHEN o.date_order > %(now)s::timestamp - interval '3 days'
                        THEN (ARRAY['draft', 'sent', 'sale', 'sale'])[1 + floor(random() * 4)::int]
                        WHEN random() < 0.07 THEN 'cancel' ELSE 'sale' END AS state
              FROM (SELECT c.id AS partner_id, c.user_id, c.fav_cat, k,
                           (%(season)s::date[])[1 + floor(
                                CASE WHEN k = 1 THEN c.q_first
                                     ELSE c.q_first + random() * (c.q_last - c.q_first) END
                                * %(n_season)s)::int]
                             + make_interval(hours => 8 + floor(random() * 14)::int,
                                             mins => floor(random() * 60)::int) AS date_order
                      FROM demo_customer c, LATERAL generate_series(1, c.n_orders) k) o
        """, **self._sql_params(p)))
        self._timed("lines_tmp", SQL("""
            CREATE TEMP TABLE demo_line AS
            SELECT o.id AS order_id, ln AS seq, x.pidx,
                   (%(prod_ids)s::int[])[x.pidx] AS product_id, (%(prod_names)s::text[])[x.pidx] AS name,
                   (%(prod_prices)s::numeric[])[x.pidx] AS price,
                   (CASE WHEN x.q < 0.8 THEN 1 WHEN x.q < 0.95 THEN 2 ELSE 3 END)::numeric AS qty
              FROM demo_order o, LATERAL generate_series(1, o.n_lines) ln,
                   LATERAL (SELECT CASE WHEN random() < 0.7
                                        THEN (%(cat_start)s::int[])[o.fav_cat]
                                             + floor(random() * (%(cat_len)s::int[])[o.fav_cat])::int
                                        ELSE 1 + floor(%(n_products)s * random() ^ 2)::int END AS pidx,
                                   random() AS q, ln AS anchor) x
        """, **self._sql_params(p)))
        self._timed("orders", SQL("""
            INSERT INTO sale_order (id, name, partner_id, partner_invoice_id, partner_shipping_id, date_order,
                   state, company_id, currency_id, currency_rate, user_id, team_id, amount_untaxed, amount_tax,
                   amount_total, invoice_status, require_signature, require_payment, prepayment_percent,
                   locked, create_date, write_date, create_uid, write_uid)
            SELECT o.id, 'S' || lpad(o.id::text, 5, '0'), o.partner_id, o.partner_id, o.partner_id, o.date_order,
                   o.state, %(company)s, %(currency)s, 1.0, o.user_id, %(team)s, t.total, 0, t.total,
                   CASE WHEN o.state = 'sale' THEN 'to invoice' ELSE 'no' END, false, false, 1.0,
                   false, o.date_order, o.date_order, %(uid)s, %(uid)s
              FROM demo_order o
              JOIN (SELECT order_id, sum(price * qty) AS total FROM demo_line GROUP BY order_id) t
                ON t.order_id = o.id
        """, **self._sql_params(p)))
        self.stats["orders"] += cr.rowcount
        self._timed("order_lines", SQL("""
            INSERT INTO sale_order_line (order_id, sequence, product_id, name, product_uom_qty, product_uom,
                   price_unit, discount, price_subtotal, price_tax, price_total, price_reduce_taxexcl,
                   price_reduce_taxinc, qty_delivered, qty_delivered_method, qty_invoiced, qty_to_invoice,
                   untaxed_amount_invoiced, untaxed_amount_to_invoice, invoice_status, customer_lead,
                   state, company_id, currency_id, order_partner_id, salesman_id, product_packaging_qty,
                   create_date, write_date, create_uid, write_uid)
            SELECT l.order_id, 10 * l.seq, l.product_id, l.name, l.qty, %(uom)s, l.price, 0, l.price * l.qty, 0,
                   l.price * l.qty, l.price, l.price, 0, %(delivered_method)s, 0,
                   CASE WHEN o.state = 'sale' THEN l.qty ELSE 0 END, 0,
                   CASE WHEN o.state = 'sale' THEN l.price * l.qty ELSE 0 END,
                   CASE WHEN o.state = 'sale' THEN 'to invoice' ELSE 'no' END, 0,
                   o.state, %(company)s, %(currency)s, o.partner_id, o.user_id, 0,
                   o.date_order, o.date_order, %(uid)s, %(uid)s
              FROM demo_line l JOIN demo_order o ON o.id = l.order_id
        """, **self._sql_params(p)))
        self.stats["order_lines"] += cr.rowcount
        self._generate_leads(p)

    def _generate_leads(self, p):
        """Requests from every channel: recent ones open in every stage, older ones won or lost."""
        cr = self.cr
        r = p["r"]
        self._timed("leads", SQL("""
            WITH c AS (
                SELECT c.id, c.seq, c.n_orders, c.user_id, c.fav_cat, c.q_first,
                       p.name AS pname, p.email, p.phone, p.city, p.zip, p.street, p.create_date,
                       (%(ch_pool)s::int[])[1 + floor(random() * %(chpool)s)::int] AS ch,
                       (%(cat_start)s::int[])[c.fav_cat] + floor(random() * (%(cat_len)s::int[])[c.fav_cat])::int
                           AS pidx,
                       random() AS r1, random() AS r2, random() AS r3
                  FROM demo_customer c JOIN res_partner p ON p.id = c.id
                 WHERE random() < %(lead_share)s * CASE WHEN c.n_orders = 0 THEN 1.6 ELSE 0.75 END
            ), l AS (
                SELECT c.*,
                       CASE WHEN c.q_first >= %(q_recent)s THEN
                                CASE WHEN c.r1 < 0.30 THEN 1 WHEN c.r1 < 0.52 THEN 2 WHEN c.r1 < 0.72 THEN 3
                                     WHEN c.r1 < 0.86 THEN 4 WHEN c.r1 < 0.93 THEN 5 ELSE -3 END
                            WHEN c.n_orders > 0 THEN 5
                            ELSE -(1 + floor(c.r1 * 4)::int) END AS st,
                       (%(prod_titles)s::text[])[c.pidx] AS product, (%(prod_prices)s::numeric[])[c.pidx] AS price,
                       (%(prod_ids)s::int[])[c.pidx] AS product_id,
                       (string_to_array((%(ch_campaigns)s::text[])[c.ch], ','))::int[] AS campaigns
                  FROM c
            ), m AS (
                SELECT l.*, (%(stages)s::int[])[abs(l.st)] AS stage_id, l.st < 0 AS lost,
                       l.create_date + make_interval(days => 1 + floor(l.r2 * 9)::int) AS closed,
                       CASE WHEN l.st > 0 THEN NULL
                            WHEN l.st = -4 AND l.r3 < 0.6 THEN %(r_refused)s
                            ELSE (ARRAY[%(r_expensive)s, %(r_expensive)s, %(r_stock)s, %(r_delivery)s,
                                        %(r_no_answer)s, %(r_no_answer)s, %(r_no_answer)s, %(r_changed)s,
                                        %(r_elsewhere)s, %(r_elsewhere)s, %(r_payment)s, %(r_spam)s,
                                        %(r_other)s])[1 + floor(l.r3 * 13)::int] END AS reason
                  FROM l
            )
            INSERT INTO crm_lead (name, type, active, partner_id, contact_name, email_from, email_normalized,
                   email_state, email_domain_criterion, phone, phone_sanitized, phone_state, street, city, zip,
                   country_id, lang_id, stage_id, user_id, team_id, company_id, priority, color, probability,
                   automated_probability, expected_revenue, prorated_revenue, recurring_revenue,
                   recurring_revenue_monthly, recurring_revenue_monthly_prorated, recurring_revenue_prorated,
                   lost_reason_id, date_open, date_last_stage_update, date_closed, day_open, day_close,
                   source_id, medium_id, campaign_id, message_bounce, ecom_product_id, ecom_delivery_city,
                   ecom_delivery_zip, ecom_delivery_street, ecom_delivery_date, ecom_name_manual, ecom_overdue,
                   ecom_lost_stage_id, ecom_refusal_phase,
                   create_date, write_date, create_uid, write_uid)
            SELECT m.product || ', ' || to_char(m.create_date, 'DD.MM.YYYY') || ', ' || m.city, 'opportunity',
                   NOT m.lost, m.id, m.pname, m.email, lower(m.email),
                   CASE WHEN m.email IS NOT NULL THEN 'correct' END,
                   CASE WHEN m.email IS NULL THEN NULL
                        WHEN (%(domain_generic)s::bool[])[array_position(%(domains)s::text[],
                                                                         split_part(m.email, '@', 2))]
                        THEN lower(m.email) ELSE '@' || split_part(m.email, '@', 2) END,
                   m.phone, m.phone, CASE WHEN m.phone IS NOT NULL THEN 'correct' END,
                   m.street, m.city, m.zip, %(country)s, %(lang_id)s, m.stage_id, m.user_id, %(team)s,
                   %(company)s, CASE WHEN m.r2 < 0.15 THEN '2' WHEN m.r2 < 0.45 THEN '1' ELSE '0' END, 0,
                   CASE WHEN m.lost THEN 0 WHEN m.st = 5 THEN 100 ELSE 10 + 20 * (m.st - 1) END,
                   CASE WHEN m.lost THEN 0 WHEN m.st = 5 THEN 100 ELSE 10 + 20 * (m.st - 1) END,
                   m.price, CASE WHEN m.lost THEN 0 WHEN m.st = 5 THEN m.price
                                 ELSE round(m.price * (10 + 20 * (m.st - 1)) / 100.0, 2) END,
                   0, 0, 0, 0,
                   m.reason, m.create_date, CASE WHEN m.st IN (1, -1) THEN m.create_date ELSE m.closed END,
                   CASE WHEN m.lost OR m.st = 5 THEN m.closed END, 0,
                   CASE WHEN m.lost OR m.st = 5 THEN extract(day FROM m.closed - m.create_date) END,
                   (%(ch_source)s::int[])[m.ch], (%(ch_medium)s::int[])[m.ch],
                   m.campaigns[1 + floor(m.r3 * coalesce(array_length(m.campaigns, 1), 0))::int],
                   0, m.product_id, m.city, m.zip, CASE WHEN m.st >= 4 OR m.st = -4 THEN m.street END,
                   CASE WHEN m.st >= 4 OR m.st = -4 THEN m.closed END, false, false,
                   CASE WHEN m.lost THEN m.stage_id END,
                   CASE WHEN NOT m.lost THEN NULL
                        WHEN m.st = -4 OR m.reason = %(r_refused)s THEN 'late' ELSE 'early' END,
                   m.create_date, GREATEST(m.create_date, m.closed), %(uid)s, %(uid)s
              FROM m
        """, **self._sql_params(p),
            r_refused=r["refused_at_delivery"], r_expensive=r["too_expensive"], r_stock=r["out_of_stock"],
            r_delivery=r["delivery"], r_no_answer=r["no_answer"], r_changed=r["changed_mind"],
            r_elsewhere=r["bought_elsewhere"], r_payment=r["payment_method"], r_spam=r["duplicate_spam"],
            r_other=r["other"]))
        self.stats["leads"] += cr.rowcount
        # the won request led to the customer's first order
        self._timed("link_orders", SQL("""
            UPDATE sale_order so SET opportunity_id = l.id
              FROM crm_lead l JOIN demo_order o ON o.partner_id = l.partner_id AND o.k = 1
             WHERE so.id = o.id AND l.probability = 100 AND l.active
        """))

    def _timed(self, label, query):
        """Execute ``query`` and add its duration to the per-step timings of the run."""
        started = time.perf_counter()
        self.cr.execute(query)
        self.timings[label] = self.timings.get(label, 0.0) + time.perf_counter() - started
        return self.cr.rowcount

    def _delivered_method(self):
        """How Odoo counts what was delivered of the demo products' order lines: by hand with Sales
        alone, by stock moves with Inventory installed. Asked of the ORM, not assumed."""
        return self.env["sale.order.line"].new({"product_id": self.products[0][0]}).qty_delivered_method

    def _sql_params(self, p):
        """SQL() wants only the named arguments it uses; precompute lengths for array picks."""
        derived = {
            "n_sur": len(p["sur_m"]), "n_first": len(p["first_m"]), "n_patr": len(p["patr_m"]),
            "dpool": len(p["domain_pool"]), "cpool": len(p["city_pool"]), "n_streets": len(p["streets"]),
            "chpool": len(p["ch_pool"]),
        }
        params = {**p, **derived}
        params.pop("r", None)
        params.pop("has_sanitized", None)
        return params

    def _finish(self):
        cr = self.cr
        cr.execute("DROP TABLE IF EXISTS demo_customer, demo_order, demo_line")
        # new orders continue after the generated ones
        seq = self.env["ir.sequence"].search([("code", "=", "sale.order"), ("company_id", "in", (False,
                                              self.company.id))], limit=1)
        cr.execute("SELECT coalesce(max(id), 0) + 1 FROM sale_order")
        next_number = cr.fetchone()[0]
        if seq and seq.number_next_actual < next_number:
            seq.number_next = next_number
        for table in ("res_partner", "sale_order", "sale_order_line", "crm_lead"):
            cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        self.env.invalidate_all()
        self.env.registry.clear_cache()
