"""The set-based SQL that generates a chunk of customers with their orders and requests.

Each function returns the ``odoo.tools.SQL`` of one step for the parameters ``p`` of the run
(:meth:`.generator.DemoStoreGenerator._params`: reference ids, the distributions' numbers, the
static lists as arrays) and the chunk (``start``, ``stop``: 1-based numbers of its customers).
The steps run in this order, each reading the temporary tables of the previous ones:

1. :func:`customers`: who the chunk's customers are and how they behave (``demo_customer``);
2. :func:`partners_tmp`: their names, addresses and arrival (``demo_partner``);
3. :func:`orders_tmp`, :func:`lines_tmp`: their orders and order lines, with seasonality, churn
   and category affinity (``demo_order``, ``demo_line``);
4. :func:`requests_tmp`: their requests (``demo_lead``), a won one before the customer's first order
   (:func:`first_orders_index` finds it);
5. :func:`partners`, :func:`orders`, :func:`order_lines`, :func:`leads`: the ``res_partner``,
   ``sale_order``, ``sale_order_line`` and ``crm_lead`` rows, a customer created no later than their
   first order and their request;
6. :func:`stage_history`: the stays of those requests in each stage they went through;
   :func:`link_orders`: the won ones linked to the customer's first order.

After the chunks, :func:`order_channels` gives the orders their channels and :func:`ad_spend` the
paid channels a year of spend sized to their revenue; both draw by hashes of their own.

Every other draw is PostgreSQL's ``random()``, seeded once per run: the order in which the queries
call it is part of the data a seed gives.  So each statement draws in an order the data fixes, never
in the order a plan happens to visit the rows (which other statistics or free space in a table
change): row by row over a series, or over rows sorted by a unique key (the customer's ``seq``, the
order's or the request's id) inside a ``MATERIALIZED`` CTE, read without a join or through nested
loops over lateral series, which keep the order.  ``random()`` in a target list is evaluated after
the query's sort; in a filter or a join it would be drawn as the scan or the join goes, so a filter
draws in a CTE of its own first.  Stored computed columns are written as the ORM computes them (the
tests recompute a sample through the ORM and compare).
"""

from odoo.tools import SQL

from ..models.ecom_report_mixin import order_channel

TEMP_TABLES = SQL("demo_customer, demo_partner, demo_order, demo_line, demo_lead")


def drop_temp_tables():
    return SQL("DROP TABLE IF EXISTS %s", TEMP_TABLES)


def array_lengths(p):
    """Lengths of the arrays the SQL picks from at random, as parameters of their own."""
    return {
        "n_sur": len(p["sur_m"]), "n_first": len(p["first_m"]), "n_patr": len(p["patr_m"]),
        "dpool": len(p["domain_pool"]), "cpool": len(p["city_pool"]), "n_streets": len(p["streets"]),
        "chpool": len(p["ch_pool"]),
    }


def customers(p):
    """``demo_customer``: the chunk's customers and how they behave (:mod:`.distributions`' story):
    who buys, the day they arrive (``a``, an index into the history's days), their price level, the
    durable of their first order (``dur``, a product index) and its complement (``comp``, a
    category), their habit (a consumable category bought on a cycle; ``lag``: the wait before a
    habit a durable started) or irregular rate, their mean gap between orders (``gap``: days for a
    habit, season time otherwise) and its log-normal ``sigma``, their active periods ``[t0, e1)``
    and, after a comeback, ``[s2, e2)``."""
    return SQL("""
        CREATE TEMP TABLE demo_customer AS
        SELECT nextval('res_partner_id_seq') AS id, g AS seq, b.female, b.si, b.fi, b.pi, b.ci, b.q_first, b.a,
               b.buyer, b.user_id, b.fav_cat, b.has_email, b.has_phone, b.di, b.num, b.pl, b.cancel,
               b.dur, b.comp, b.habit, b.comp_prop, b.gap, b.sigma,
               CASE WHEN b.habit > 0 AND b.habit = b.comp THEN %(adopt_lag)s * b.xl ELSE 0 END AS lag,
               b.t0, b.t0 + b.life * b.x1 AS e1,
               CASE WHEN b.back THEN b.t0 + b.life * b.x1 + %(dormant_min)s + %(dormant_mean)s * b.xd END AS s2,
               CASE WHEN b.back THEN b.t0 + b.life * (b.x1 + b.x2) + %(dormant_min)s + %(dormant_mean)s * b.xd
                    END AS e2
          FROM generate_series(%(start)s, %(stop)s) g,
               LATERAL (SELECT random() < 0.56 AS female,
                               1 + floor(random() * %(n_sur)s)::int AS si,
                               1 + floor(random() * %(n_first)s)::int AS fi,
                               1 + floor(random() * %(n_patr)s)::int AS pi,
                               (%(city_pool)s::int[])[1 + floor(random() * %(cpool)s)::int] AS ci,
                               random() * 0.999 AS q_first, random() < %(buyer_share)s AS buyer,
                               (%(managers)s::int[])[1 + floor(random() * %(n_managers)s)::int] AS user_id,
                               1 + floor(random() * %(n_cats)s)::int AS fav_cat,
                               random() < 0.75 AS has_email, random() < 0.97 AS has_phone,
                               (%(domain_pool)s::int[])[1 + floor(random() * %(dpool)s)::int] AS di,
                               floor(random() * 1000)::int AS num,
                               exp(%(price_sigma)s * %(normal)s) AS pl,
                               %(cancel_base)s + %(cancel_heavy)s * random() ^ 6 AS cancel,
                               CASE WHEN random() < %(durable_first)s
                                    THEN (%(dur_pool)s::int[])[1 + floor(random() * %(n_dur_pool)s)::int]
                                    ELSE 0 END AS dcat,
                               random() AS u_habit, random() AS u_never, random() AS u_prop,
                               (%(habit_pool)s::int[])[1 + floor(random() * %(n_habit_pool)s)::int] AS habit_any,
                               %(rate)s / (%(rate_shape)s * %(base_gap)s) AS rate,
                               %(habit_rate)s / %(habit_rate_shape)s AS habit_factor,
                               sqrt(ln(1 + (%(cv_low)s + (%(cv_high)s - %(cv_low)s) * random()) ^ 2)) AS sigma,
                               %(life_mean)s / %(life_shape)s * %(life)s AS life0,
                               -ln(1 - random()) AS x1, random() < %(comeback)s AS back,
                               -ln(1 - random()) AS xd, -ln(1 - random()) AS x2, -ln(1 - random()) AS xl,
                               g AS anchor) b0,
               LATERAL (SELECT (%(season)s::date[])[1 + floor(b0.q_first * %(n_season)s)::int] - %(day0)s::date AS a,
                               CASE WHEN b0.dcat > 0 THEN (%(cat_sorted)s::int[])[
                                        (%(cat_start)s::int[])[b0.dcat] + floor((%(cat_len)s::int[])[b0.dcat]
                                                                                * random() ^ (1 / b0.pl))::int]
                                    ELSE 0 END AS dur,
                               -- the customer's number: a plan memoizing this draw finds no two rows alike
                               b0.anchor) b1,
               LATERAL (SELECT CASE WHEN b1.dur > 0 THEN (%(prod_comp)s::int[])[b1.dur] ELSE 0 END AS comp) b2,
               LATERAL (SELECT CASE WHEN b2.comp > 0 AND (%(cycle)s::int[])[b2.comp] > 0
                                    THEN CASE WHEN b0.u_habit < %(adopt)s THEN b2.comp ELSE 0 END
                                    WHEN b0.u_habit < %(habit_share)s THEN b0.habit_any
                                    ELSE 0 END AS habit,
                               CASE WHEN b2.comp > 0 AND (%(cycle)s::int[])[b2.comp] = 0
                                         AND b0.u_never >= %(never_complement)s
                                    THEN %(prop_low)s + (%(prop_high)s - %(prop_low)s) * b0.u_prop
                                    ELSE 0 END AS comp_prop) b3,
               LATERAL (SELECT b0.*, b1.a, b1.dur, b2.comp, b3.habit, b3.comp_prop,
                               CASE WHEN b3.habit > 0 THEN (%(cycle)s::int[])[b3.habit] * b0.habit_factor
                                    ELSE greatest(%(min_gap)s, 1 / (%(scale)s * b0.rate)) END AS gap,
                               b0.life0 * CASE WHEN b3.habit > 0 THEN %(habit_life)s ELSE 1 END AS life,
                               CASE WHEN b3.habit > 0 THEN b1.a
                                    ELSE (%(season_time)s::float8[])[b1.a + 1] END AS t0) b
    """, **p)


def partners_tmp(p):
    """``demo_partner``: the customers' names in their gender, an e-mail built from the transliterated
    name, a mobile number, an address in a city drawn by population, and the time they arrived
    (``created``, on the day ``a``). Drawn here, in the customers' order; :func:`partners` writes them
    once their orders and requests are drawn (a customer is created no later than either)."""
    return SQL("""
        CREATE TEMP TABLE demo_partner AS
        WITH c AS MATERIALIZED (
            -- drawn in the customers' order (random() is evaluated after the sort), then read in it below
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
                   %(day0)s::date + c.a
                       + make_interval(hours => 8 + floor(random() * 14)::int,
                                       mins => floor(random() * 60)::int) AS created
              FROM demo_customer c
             ORDER BY c.seq
        )
        SELECT c.id, c.seq, concat_ws(' ', c.last, c.first, c.patr) AS name, c.last, c.first, c.patr, c.email,
               c.phone,
               (%(streets)s::text[])[1 + floor(random() * %(n_streets)s)::int] || ', д. '
                   || (1 + floor(random() * 120))::text || ', кв. ' || (1 + floor(random() * 300))::text AS street,
               (%(city_names)s::text[])[c.ci] AS city,
               ((%(city_zip)s::int[])[c.ci] + floor(random() * (%(city_zips)s::int[])[c.ci]))::text AS zip,
               c.buyer, c.user_id, c.female, c.created
          FROM c
    """, **p)


def partners(p):
    """The customers' ``res_partner`` rows (:func:`partners_tmp`), once their orders and requests are
    drawn: a customer is created when they arrived, or with their first order or their request when
    either came before (an order placed earlier that day; a won request moved before its order,
    :func:`requests_tmp`)."""
    sanitized_col = SQL(", phone_sanitized") if p["has_sanitized"] else SQL("")
    sanitized_val = SQL(", c.phone") if p["has_sanitized"] else SQL("")
    return SQL("""
        WITH o AS (
            SELECT partner_id, min(date_order) AS date_order FROM demo_order GROUP BY partner_id
        ), c AS (
            SELECT c.*, least(c.created, o.date_order, l.create_date) AS since
              FROM demo_partner c
              LEFT JOIN o ON o.partner_id = c.id
              LEFT JOIN demo_lead l ON l.id = c.id
        )
        INSERT INTO res_partner (id, name, complete_name, lastname, firstname, patronymic, email,
               email_normalized, phone, street, city, zip, country_id, lang, tz, type, is_company,
               active, commercial_partner_id, partner_share, customer_rank, supplier_rank, user_id,
               color, message_bounce, invoice_warn, sale_warn, autopost_bills, ecom_gender, ecom_phone_invalid,
               ecom_phone_number, ecom_sms_number, create_date, write_date, create_uid, write_uid
               %(sanitized_col)s)
        SELECT c.id, c.name, c.name, c.last, c.first, c.patr, c.email, lower(c.email), c.phone, c.street, c.city,
               c.zip, %(country)s, %(lang)s, 'Europe/Moscow', 'contact', false, true, c.id, true,
               CASE WHEN c.buyer THEN 1 ELSE 0 END, 0,
               CASE WHEN c.buyer THEN c.user_id END,
               0, 0, 'no-message', 'no-message', 'ask',
               CASE WHEN c.female THEN 'female' ELSE 'male' END, false,
               c.phone, c.phone, c.since, c.since, %(uid)s, %(uid)s %(sanitized_val)s
          FROM c
         ORDER BY c.seq
    """, **p, sanitized_col=sanitized_col, sanitized_val=sanitized_val)


def orders_tmp(p):
    """``demo_order``: each buyer's orders.  An active period opens with an order (the first on the
    day the buyer arrived); the next ones follow at the buyer's gaps, log-normal around a habit's
    cycle (the first one longer by the lag of a habit a durable started), exponential otherwise,
    summed by a window function: gaps are drawn for the period's expected count of orders plus four
    standard deviations (and three), those that end past the period's or the history's end are
    dropped.  A habit's times are days; irregular ones are season time, mapped to days by
    ``warp``.  Each order gets its main category (``anchor``): the durable of the first order, the
    habit's consumable, now and then the durable's complement or a new durable, else the favourite
    or any category (what goes with it for a durable).  The last three days' orders may still be
    quotations; buyers cancel at their own rate."""
    return SQL("""
        CREATE TEMP TABLE demo_order AS
        WITH per AS MATERIALIZED (
            -- the active periods in the customers' order: the steps below are drawn in it (a nested loop
            -- over the lateral series keeps its order)
            SELECT c.id AS partner_id, c.seq, c.user_id, c.fav_cat, c.a, c.habit, c.dur, c.comp, c.comp_prop, c.pl,
                   c.cancel, c.gap, c.sigma, c.lag, p.n AS period, p.s, least(p.e, %(n_days)s) AS e
              FROM demo_customer c, LATERAL (VALUES (1, c.t0, c.e1), (2, c.s2, c.e2)) p(n, s, e)
             WHERE c.buyer AND p.s < %(n_days)s
             ORDER BY c.seq, p.n
        ), steps AS MATERIALIZED (
            SELECT per.*, k,
                   CASE WHEN k = 1 THEN 0
                        WHEN per.habit > 0 THEN per.gap * exp(per.sigma * %(normal)s - per.sigma ^ 2 / 2)
                                                + CASE WHEN k = 2 AND per.period = 1 THEN per.lag ELSE 0 END
                        ELSE -per.gap * ln(1 - random()) END AS step
              FROM per, LATERAL (SELECT greatest(per.e - per.s, 0) / per.gap AS m,
                                        CASE WHEN per.habit > 0 THEN per.sigma ELSE 1 END AS sd) m,
                   LATERAL generate_series(1, least(%(max_orders)s, ceil(m.m + 4 * m.sd * sqrt(m.m) + 3))::int) k
        ), timed AS (
            SELECT steps.*, steps.s + sum(steps.step) OVER (PARTITION BY steps.partner_id, steps.period
                                                            ORDER BY steps.k) AS t
              FROM steps
        ), dated AS MATERIALIZED (
            -- drawn in the orders' order (the partner's id follows the customers' order), read in it below
            SELECT timed.*, timed.period = 1 AND timed.k = 1 AS first,
                   %(day0)s::date
                   + CASE WHEN timed.period = 1 AND timed.k = 1 THEN timed.a
                          WHEN timed.habit > 0 THEN floor(timed.t)::int
                          ELSE (%(warp)s::int[])[1 + floor(timed.t / %(n_days)s * %(n_warp)s)::int] END
                   + make_interval(hours => 8 + floor(random() * 14)::int,
                                   mins => floor(random() * 60)::int) AS date_order
              FROM timed
             WHERE timed.k = 1 OR timed.t < timed.e
             ORDER BY timed.partner_id, timed.period, timed.k
        )
        SELECT nextval('sale_order_id_seq') AS id, o.partner_id, o.seq, o.user_id, o.fav_cat, o.first, o.dur, o.comp,
               o.pl, o.date_order,
               1 + least(%(max_extra_lines)s, floor(-ln(1 - random()) * %(tail)s))::int AS n_lines,
               CASE WHEN o.date_order > %(now)s::timestamp - interval '3 days'
                    THEN (ARRAY['draft', 'sent', 'sale', 'sale'])[1 + floor(random() * 4)::int]
                    WHEN random() < o.cancel THEN 'cancel' ELSE 'sale' END AS state,
               CASE WHEN o.first AND o.dur > 0 THEN (%(prod_cat)s::int[])[o.dur]
                    WHEN o.habit > 0 THEN o.habit
                    WHEN o.comp_prop > 0 AND random() < o.comp_prop THEN o.comp
                    WHEN random() < %(new_durable)s
                        THEN (%(dur_pool)s::int[])[1 + floor(random() * %(n_dur_pool)s)::int]
                    WHEN random() < %(favourite)s THEN (%(repeat_cat)s::int[])[o.fav_cat]
                    ELSE (%(repeat_cat)s::int[])[1 + floor(random() * %(n_cats)s)::int] END AS anchor
          FROM dated o
    """, **p)


def lines_tmp(p):
    """``demo_line``: an order's lines.  The first is of the order's main category (the first
    order's durable itself); the others are bought together with it, the same consumable (or of
    the favourite category), of the favourite or any category; with a durable, its complement
    half the time.  The durable's complement is mostly the one that fits it (``prod_match``), another
    consumable mostly the customer's usual product; otherwise the price level picks the product, by
    its rank of price in the category."""
    return SQL("""
        CREATE TEMP TABLE demo_line AS
        -- drawn order by order in the orders' order (a nested loop over the lateral series keeps it); each
        -- lateral draw names the order and the line (o.id, ln): PostgreSQL may cache a lateral subquery in
        -- a Memoize node keyed by the outer values it reads, random() included, and two lines alike in
        -- those (the same customer's, category and line number) would share their draws, as the plan has it
        WITH o AS MATERIALIZED (SELECT * FROM demo_order ORDER BY id)
        SELECT o.id AS order_id, ln AS seq, x.pidx,
               (%(prod_ids)s::int[])[x.pidx] AS product_id, (%(prod_names)s::text[])[x.pidx] AS name,
               (%(prod_prices)s::numeric[])[x.pidx] AS price, (%(prod_costs)s::numeric[])[x.pidx] AS cost,
               (CASE WHEN (%(prod_consumable)s::bool[])[x.pidx] THEN 1 + (x.q < 0.5)::int + (x.q < 0.15)::int
                     ELSE 1 + (x.q < 0.15)::int + (x.q < 0.03)::int END)::numeric AS qty
          FROM o, LATERAL generate_series(1, o.n_lines) ln,
               LATERAL (SELECT random() AS r, o.id AS order_id, ln AS anchor) r,
               LATERAL (SELECT CASE
                   WHEN ln = 1 THEN o.anchor
                   WHEN ln = 2 AND o.first AND o.comp > 0 AND r.r < 0.5 THEN o.comp
                   WHEN r.r < %(together)s AND (%(tog_len)s::int[])[o.anchor] > 0
                       THEN (%(tog_list)s::int[])[(%(tog_start)s::int[])[o.anchor]
                                                  + floor(random() * (%(tog_len)s::int[])[o.anchor])::int]
                   WHEN r.r < %(same)s AND (%(cycle)s::int[])[o.anchor] > 0 THEN o.anchor
                   WHEN r.r < %(fav)s THEN (%(repeat_cat)s::int[])[o.fav_cat]
                   ELSE (%(repeat_cat)s::int[])[1 + floor(random() * %(n_cats)s)::int] END AS cat,
                   o.id AS order_id) y,
               LATERAL (SELECT CASE
                   WHEN ln = 1 AND o.first AND o.dur > 0 THEN o.dur
                   WHEN y.cat = o.comp AND random() < %(usual)s THEN (%(prod_match)s::int[])[o.dur]
                   ELSE (%(cat_sorted)s::int[])[(%(cat_start)s::int[])[y.cat] + floor(
                            (%(cat_len)s::int[])[y.cat]
                            * CASE WHEN (%(cycle)s::int[])[y.cat] > 0 AND random() < %(usual)s
                                   THEN mod(o.seq::bigint * 2654435761 + y.cat * 97, 10007) / 10007.0
                                   ELSE random() END ^ (1 / o.pl))::int] END AS pidx,
                       random() AS q, o.id AS order_id, ln AS anchor) x
    """, **p)


def orders(p):
    """The ``sale_order`` rows, their amounts summed from their lines (no taxes)."""
    return SQL("""
        INSERT INTO sale_order (id, name, partner_id, partner_invoice_id, partner_shipping_id, date_order,
               state, company_id, currency_id, currency_rate, user_id, team_id, amount_untaxed, amount_tax,
               amount_total, invoice_status, require_signature, require_payment, prepayment_percent,
               locked, ecom_status, ecom_status_date, ecom_return_reason_id, margin, margin_percent,
               create_date, write_date, create_uid, write_uid)
        SELECT o.id, 'S' || lpad(o.id::text, 5, '0'), o.partner_id, o.partner_id, o.partner_id, o.date_order,
               o.state, %(company)s, %(currency)s, 1.0, o.user_id, %(team)s, t.total, 0, t.total,
               CASE WHEN o.state = 'sale' THEN 'to invoice' ELSE 'no' END, false, false, 1.0,
               false, s.status, o.date_order + s.days * interval '1 day',
               CASE WHEN s.status = 'returned' THEN %(returned_reason)s END,
               t.margin, CASE WHEN t.total <> 0 THEN t.margin / t.total ELSE 0 END,
               o.date_order, o.date_order, %(uid)s, %(uid)s
          FROM demo_order o
          JOIN (SELECT order_id, sum(price * qty) AS total, sum((price - cost) * qty) AS margin
                  FROM demo_line GROUP BY order_id) t
            ON t.order_id = o.id,
               -- the store status: a confirmed order is delivered after a few days; a third of the
               -- cancelled ones are parcels refused at delivery (the late refusals)
               LATERAL (SELECT CASE
                   WHEN o.state = 'sale' AND o.date_order < %(now)s - interval '5 days' THEN 'delivered'
                   WHEN o.state = 'sale' THEN 'confirmed'
                   WHEN o.state = 'cancel' AND mod(o.id, 3) = 0 THEN 'returned'
                   WHEN o.state = 'cancel' THEN 'cancelled'
                   ELSE 'draft' END AS status,
                   CASE WHEN o.state IN ('sale', 'cancel') THEN 2 + mod(o.id, 4) ELSE 0 END AS days) s
    """, **p)


def order_lines(p):
    """The ``sale_order_line`` rows, to invoice when their order is confirmed, with their cost
    (sale_margin's ``purchase_price``: the product's cost price, the store's currency being the
    order's) and margin."""
    return SQL("""
        INSERT INTO sale_order_line (order_id, sequence, product_id, name, product_uom_qty, product_uom,
               price_unit, discount, price_subtotal, price_tax, price_total, price_reduce_taxexcl,
               price_reduce_taxinc, qty_delivered, qty_delivered_method, qty_invoiced, qty_to_invoice,
               untaxed_amount_invoiced, untaxed_amount_to_invoice, invoice_status, customer_lead,
               state, company_id, currency_id, order_partner_id, salesman_id, product_packaging_qty,
               purchase_price, margin, margin_percent,
               create_date, write_date, create_uid, write_uid)
        SELECT l.order_id, 10 * l.seq, l.product_id, l.name, l.qty, %(uom)s, l.price, 0, l.price * l.qty, 0,
               l.price * l.qty, l.price, l.price, 0, %(delivered_method)s, 0,
               CASE WHEN o.state = 'sale' THEN l.qty ELSE 0 END, 0,
               CASE WHEN o.state = 'sale' THEN l.price * l.qty ELSE 0 END,
               CASE WHEN o.state = 'sale' THEN 'to invoice' ELSE 'no' END, 0,
               o.state, %(company)s, %(currency)s, o.partner_id, o.user_id, 0,
               l.cost, (l.price - l.cost) * l.qty,
               CASE WHEN l.price * l.qty <> 0 THEN (l.price - l.cost) / l.price ELSE 0 END,
               o.date_order, o.date_order, %(uid)s, %(uid)s
          FROM demo_line l JOIN demo_order o ON o.id = l.order_id
    """, **p)


def first_orders_index():
    """The customers' first orders by customer, for :func:`leads` to date a won request before its order.

    Unique (a buyer has one first order): the planner, which has no statistics of ``demo_order``, then
    costs :func:`leads`' lookup at a row per request, not hundreds; costed at tens of millions, the
    query was JIT-compiled with inlining and optimisation, half a second a chunk of 100,000 customers."""
    return SQL("CREATE UNIQUE INDEX demo_order_first ON demo_order (partner_id) WHERE first")


def requests_tmp(p):
    """``demo_lead``: the chunk's requests, from every channel: recent ones open in every stage, older
    ones won or lost (:func:`leads` writes them, once their customers are: :func:`partners`).

    A request comes when its customer arrives (``demo_partner.created``) and reaches its last stage (is won
    or lost) one to nine days later. A won one led to the customer's first order (:func:`link_orders`),
    placed the same day: when that order was drawn before the customer's arrival, the request comes
    as long before the order as the order came before the arrival, all its dates moved with it (its
    stays keep their lengths), so that it is created before its order and won after it, and the
    customer with it (:func:`partners`). Nothing of a
    request is dated after the store's ``now``: one whose days would reach past it reaches its stage
    after a tenth of the time it has had since it came (since its order, for a won one) for each of
    its days (one to nine: before ``now``); an open request awaiting delivery keeps its delivery date
    ahead. These use none of ``random()``:
    the seed's draws stay what they were."""
    r = p["r"]
    return SQL("""
        CREATE TEMP TABLE demo_lead AS
        WITH f AS MATERIALIZED (
            -- whether a customer comes with a request: a draw each, in the customers' order (random() in a
            -- join's filter would be drawn in the order the plan visits the rows, interleaved with the
            -- draws below as the plan has it)
            SELECT c.seq, random() AS u FROM demo_customer c ORDER BY c.seq
        ), d AS MATERIALIZED (
            -- the requests' draws, in their customers' order (drawn after the sort)
            SELECT c.id, c.seq, c.buyer, c.user_id, c.fav_cat, c.q_first, c.dur,
                   (%(ch_pool)s::int[])[1 + floor(random() * %(chpool)s)::int] AS ch,
                   CASE WHEN c.dur > 0 THEN c.dur
                        ELSE (%(cat_start)s::int[])[c.fav_cat] + floor(random() * (%(cat_len)s::int[])[c.fav_cat])::int
                        END AS pidx,
                   random() AS r1, random() AS r2, random() AS r3
              FROM demo_customer c JOIN f ON f.seq = c.seq
             WHERE f.u < %(lead_share)s * CASE WHEN c.buyer THEN 0.75 ELSE 1.6 END
             ORDER BY c.seq
        ), c AS (
            SELECT d.*, p.name AS pname, p.email, p.phone, p.city, p.zip, p.street, p.created AS arrived
              FROM d JOIN demo_partner p ON p.id = d.id
        ), l AS (
            SELECT c.*,
                   CASE WHEN c.q_first >= %(q_recent)s THEN
                            CASE WHEN c.r1 < 0.30 THEN 1 WHEN c.r1 < 0.52 THEN 2 WHEN c.r1 < 0.72 THEN 3
                                 WHEN c.r1 < 0.86 THEN 4 WHEN c.r1 < 0.93 THEN 5 ELSE -3 END
                        WHEN c.buyer THEN 5
                        ELSE -(1 + floor(c.r1 * 4)::int) END AS st,
                   (%(prod_titles)s::text[])[c.pidx] AS product, (%(prod_prices)s::numeric[])[c.pidx] AS price,
                   (%(prod_ids)s::int[])[c.pidx] AS product_id,
                   (string_to_array((%(ch_campaigns)s::text[])[c.ch], ','))::int[] AS campaigns
              FROM c
        ), w AS MATERIALIZED (
            -- a won request's order (the customer's first: link_orders), through first_orders_index(): a
            -- subquery, not a join, which could change the order the requests are inserted in (their ids);
            -- once (inlined, its every use below would be a subquery of its own)
            SELECT l.*, 1 + floor(l.r2 * 9)::int AS days,
                   CASE WHEN l.st = 5 THEN (SELECT o.date_order FROM demo_order o WHERE o.partner_id = l.id AND o.first)
                        END AS ordered
              FROM l
             ORDER BY l.seq  -- in their customers' order, whatever the join's plan (leads: their ids)
        ), t AS (
            SELECT w.*, CASE WHEN w.ordered < w.arrived THEN w.ordered - (w.arrived - w.ordered)
                             ELSE w.arrived END AS create_date
              FROM w
        ), u AS (
            -- when its days would end (due), and since when it may change stage (a won one: after its order)
            SELECT t.*, t.create_date + make_interval(days => t.days) AS due,
                   greatest(t.create_date, t.ordered) AS since
              FROM t
        ), m AS (
            SELECT u.*, (%(stages)s::int[])[abs(u.st)] AS stage_id, u.st < 0 AS lost,
                   CASE WHEN u.due <= %(now)s::timestamp THEN u.due
                        ELSE u.since + (%(now)s::timestamp - u.since) * (u.days / 10.0) END AS closed,
                   CASE WHEN u.st > 0 THEN NULL
                        WHEN u.st = -4 AND u.r3 < 0.6 THEN %(r_refused)s
                        ELSE (ARRAY[%(r_expensive)s, %(r_expensive)s, %(r_stock)s, %(r_delivery)s,
                                    %(r_no_answer)s, %(r_no_answer)s, %(r_no_answer)s, %(r_changed)s,
                                    %(r_elsewhere)s, %(r_elsewhere)s, %(r_payment)s, %(r_spam)s,
                                    %(r_other)s])[1 + floor(u.r3 * 13)::int] END AS reason
              FROM u
        )
        SELECT * FROM m
    """, **p,
        r_refused=r["refused_at_delivery"], r_expensive=r["too_expensive"], r_stock=r["out_of_stock"],
        r_delivery=r["delivery"], r_no_answer=r["no_answer"], r_changed=r["changed_mind"],
        r_elsewhere=r["bought_elsewhere"], r_payment=r["payment_method"], r_spam=r["duplicate_spam"],
        r_other=r["other"])


def leads(p):
    """The ``crm_lead`` rows of the chunk's requests (:func:`requests_tmp`), their ids in their customers'
    order."""
    return SQL("""
        INSERT INTO crm_lead (name, type, active, partner_id, contact_name, email_from, email_normalized,
               email_state, email_domain_criterion, phone, phone_sanitized, phone_state, street, city, zip,
               country_id, lang_id, stage_id, user_id, team_id, company_id, priority, color, probability,
               automated_probability, expected_revenue, prorated_revenue, recurring_revenue,
               recurring_revenue_monthly, recurring_revenue_monthly_prorated, recurring_revenue_prorated,
               lost_reason_id, date_open, date_last_stage_update, date_closed, date_deadline, day_open, day_close,
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
               CASE WHEN m.lost OR m.st = 5 THEN m.closed END, %(expected_closing)s, 0,
               CASE WHEN m.lost OR m.st = 5 THEN extract(day FROM m.closed - m.create_date) END,
               (%(ch_source)s::int[])[m.ch], (%(ch_medium)s::int[])[m.ch],
               m.campaigns[1 + floor(m.r3 * coalesce(array_length(m.campaigns, 1), 0))::int],
               0, m.product_id, m.city, m.zip, CASE WHEN m.st >= 4 OR m.st = -4 THEN m.street END,
               CASE WHEN m.st = 4 THEN m.due WHEN m.st = 5 OR m.st = -4 THEN m.closed END, false, false,
               CASE WHEN m.lost THEN m.stage_id END,
               CASE WHEN NOT m.lost THEN NULL
                    WHEN m.st = -4 OR m.reason = %(r_refused)s THEN 'late' ELSE 'early' END,
               m.create_date, GREATEST(m.create_date, m.closed), %(uid)s, %(uid)s
          FROM demo_lead m
         ORDER BY m.seq
    """, **p, r_refused=p["r"]["refused_at_delivery"], expected_closing=expected_closing(p))


# the expected closing date a salesperson gives an open request at its last stage change: (fewest, most) days
# after it, by stage (new request, first contact, deciding, awaiting payment/delivery), later for earlier ones
EXPECTED_CLOSING_DAYS = ((7, 30), (5, 21), (3, 14), (1, 7))
# a won or lost request's: days after it came, the date given when it came
CLOSED_EXPECTED_DAYS = (2, 14)
# the share of the open requests whose expected date passed that the salesperson moved ahead, and by at most
# how many days after today
POSTPONED_SHARE, POSTPONED_DAYS = 0.5, 14


def _hash_unit(key, salt):
    """A number in [0, 1) from a hash of ``key`` and ``salt`` (SQL), not ``random()``."""
    return SQL("((hashint8extended(%s, %s) & 2147483647)::float8 / 2147483648)", key, salt)


def expected_closing(p):
    """The ``date_deadline`` of the request ``m`` in :func:`leads` (the *Expected closing* Odoo's forecast
    groups by), as a salesperson gives it: an open request's some days after its last stage change
    (:data:`EXPECTED_CLOSING_DAYS`, later for earlier stages), those whose date passed half moved ahead to
    the next days, half left overdue; a won or lost request's the date given when it came
    (:data:`CLOSED_EXPECTED_DAYS`), which it beat or overran. Drawn by hashes of the customer's id and the
    run's ``deadline_salt``, not by ``random()``: the seed's customers, orders and requests stay what they
    were without it."""
    key = SQL("m.id::bigint")
    salt = p["deadline_salt"]
    u_days, u_moved, u_ahead = (_hash_unit(key, salt + k) for k in range(3))
    lows = [low for low, _high in EXPECTED_CLOSING_DAYS]
    widths = [high - low + 1 for low, high in EXPECTED_CLOSING_DAYS]
    low, high = CLOSED_EXPECTED_DAYS
    return SQL("""
        CASE WHEN m.lost OR m.st = 5
             THEN (m.create_date + make_interval(days => %(low)s + floor(%(u_days)s * %(width)s)::int))::date
             ELSE (SELECT CASE WHEN e.planned < %(today)s::date AND %(u_moved)s < %(moved_share)s
                               THEN %(today)s::date + 1 + floor(%(u_ahead)s * %(moved_days)s)::int
                               ELSE e.planned END
                     FROM (SELECT (CASE WHEN m.st = 1 THEN m.create_date ELSE m.closed END
                                   + make_interval(days => (%(lows)s::int[])[m.st]
                                                           + floor(%(u_days)s * (%(widths)s::int[])[m.st])::int)
                                  )::date AS planned) e)
        END""", low=low, width=high - low + 1, u_days=u_days, u_moved=u_moved, u_ahead=u_ahead, today=p["today"],
               moved_share=POSTPONED_SHARE, moved_days=POSTPONED_DAYS, lows=lows, widths=widths)


# how long a request stays in each stage of the pipeline, relative to the others (new request,
# first contact, deciding, awaiting payment/delivery, sold)
STAGE_WEIGHTS = (0.3, 1.5, 4.0, 3.0, 1.0)


def stage_history(p):
    """The stays of the chunk's requests (``ecom_lead_stage_history``): each went through the
    pipeline's stages in order up to its stage (the one it was lost at, for a lost one). The stays
    that ended share the time from its creation to its last stage change (its closing, for a lost
    one), each a random share weighted by its stage's :data:`STAGE_WEIGHTS`; an open or won
    request's last stay is open."""
    return SQL("""
        WITH l AS MATERIALIZED (
            SELECT l.id, l.create_date AS t0, NOT l.active AS lost,
                   CASE WHEN l.active THEN l.date_last_stage_update ELSE l.date_closed END AS t_end,
                   array_position(%(stages)s::int[], coalesce(l.ecom_lost_stage_id, l.stage_id)) AS n,
                   l.user_id, l.team_id, l.company_id, l.source_id, l.medium_id, l.campaign_id
              FROM crm_lead l JOIN demo_customer c ON c.id = l.partner_id
        ), s AS MATERIALIZED (
            -- drawn in the requests' order (random() is evaluated after the sort), not the join's
            SELECT l.*, k, (%(stages)s::int[])[k] AS stage_id, (k < l.n OR l.lost) AS closed,
                   (%(stage_weights)s::float[])[k] * (0.25 + random()) AS w
              FROM l CROSS JOIN LATERAL generate_series(1, l.n) k
             ORDER BY l.id, k
        ), c AS (
            SELECT s.*,
                   sum(w) FILTER (WHERE closed) OVER (PARTITION BY id ORDER BY k) AS cum,
                   sum(w) FILTER (WHERE closed) OVER (PARTITION BY id) AS total
              FROM s
        ), d AS (
            SELECT c.*,
                   CASE WHEN closed THEN t0 + (t_end - t0) * ((cum - w) / total) ELSE t_end END AS date_in,
                   CASE WHEN closed THEN t0 + (t_end - t0) * (cum / total) END AS date_out
              FROM c
        )
        INSERT INTO ecom_lead_stage_history (lead_id, stage_id, date_in, date_out, duration, user_id, team_id,
               company_id, source_id, medium_id, campaign_id, create_uid, create_date, write_uid, write_date)
        SELECT id, stage_id, date_in, date_out, extract(epoch FROM date_out - date_in) / 3600.0, user_id, team_id,
               company_id, source_id, medium_id, campaign_id, %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM d
    """, **p, stage_weights=list(STAGE_WEIGHTS))


def link_orders():
    """The won request led to the customer's first order (placed after it: :func:`leads` dates it so)."""
    return SQL("""
        UPDATE sale_order so SET opportunity_id = l.id
          FROM crm_lead l JOIN demo_order o ON o.partner_id = l.partner_id AND o.first
         WHERE so.id = o.id AND l.probability = 100 AND l.active
    """)


def order_channels(p):
    """The orders' channels (UTM), once every chunk is written: a won request's order its request's (as
    Odoo's sale_crm copies it), and a share of the orders placed without a request a site visitor's
    (:data:`.data.SITE_ORDER_CHANNELS`). Drawn by a hash of the order's id and the run's ``order_salt``,
    not by ``random()``: a draw of its own, so that the seed's customers, orders, lines and requests
    stay what they were without it."""
    return SQL("""
        WITH o AS (
            SELECT so.id, so.opportunity_id,
                   (hashint8extended(so.id, %(order_salt)s) & 2147483647)::float8 / 2147483648 AS u_share,
                   (hashint8extended(so.id, %(order_salt)s + 1) & 2147483647)::float8 / 2147483648 AS u_channel,
                   (hashint8extended(so.id, %(order_salt)s + 2) & 2147483647)::float8 / 2147483648 AS u_campaign
              FROM sale_order so
             WHERE so.id > %(first_order)s
        ), site AS (
            SELECT o.id, (%(so_pool)s::int[])[1 + floor(o.u_channel * %(so_pool_len)s)::int] AS ch, o.u_campaign
              FROM o
             WHERE o.opportunity_id IS NULL AND o.u_share < %(so_share)s
        ), utm AS (
            SELECT o.id, l.source_id, l.medium_id, l.campaign_id
              FROM o JOIN crm_lead l ON l.id = o.opportunity_id
            UNION ALL
            SELECT site.id, (%(so_source)s::int[])[site.ch], (%(so_medium)s::int[])[site.ch],
                   c.campaigns[1 + floor(site.u_campaign * coalesce(array_length(c.campaigns, 1), 0))::int]
              FROM site,
                   LATERAL (SELECT string_to_array((%(so_campaigns)s::text[])[site.ch], ',')::int[] AS campaigns) c
        )
        UPDATE sale_order so SET source_id = utm.source_id, medium_id = utm.medium_id, campaign_id = utm.campaign_id
          FROM utm
         WHERE so.id = utm.id
    """, **p)


def ad_spend(p):
    """A year of daily ad spend of every paid campaign, up to yesterday, sized to its channel's
    revenue: the channel's ДРР (``sp_drr``) of its orders' revenue incl. VAT (as the channels report
    counts it: confirmed, not returned; an order's channel its own UTM, else its request's, as a whole), half of a
    day's the month's revenue spread over its days, half the year's; the campaign's share of it, ±30%
    from day to day; impressions and clicks to match. The noise is a hash of the campaign, the day and
    ``spend_salt``, not ``random()``: what the rest of the store draws is the same with or without."""
    return SQL("""
        WITH days AS (
            SELECT d::date AS day, date_trunc('month', d)::date AS month
              FROM generate_series(%(today)s::date - %(spend_days)s, %(today)s::date - 1, interval '1 day') d
        ), month_days AS (
            SELECT month, count(*) AS n FROM days GROUP BY month
        ), orders AS (
            SELECT %(order_source)s AS source, date_trunc('month', so.date_order)::date AS month,
                   so.amount_total
              FROM sale_order so
              LEFT JOIN crm_lead l ON l.id = so.opportunity_id
             WHERE so.company_id = %(company)s AND so.state = 'sale' AND so.ecom_status IS DISTINCT FROM 'returned'
               AND so.date_order >= %(today)s::date - %(spend_days)s AND so.date_order < %(today)s::date
        ), month_revenue AS (
            SELECT source, month, sum(amount_total) AS revenue FROM orders GROUP BY source, month
        ), year_revenue AS (
            SELECT source, sum(amount_total) AS revenue FROM orders GROUP BY source
        ), s AS (
            SELECT days.day, c.source, c.medium, c.campaign, c.cabinet,
                   round((c.drr * c.share
                          * (0.5 * COALESCE(mr.revenue, 0) / md.n + 0.5 * COALESCE(yr.revenue, 0) / %(spend_days)s)
                          * (0.7 + 0.6 * h.u1))::numeric, 2) AS amount, h.u2, h.u3
              FROM days
              JOIN month_days md ON md.month = days.month
             CROSS JOIN unnest(%(sp_source)s::int[], %(sp_medium)s::int[], %(sp_campaign)s::int[],
                               %(sp_drr)s::float[], %(sp_share)s::float[], %(sp_cabinet)s::text[])
                        AS c(source, medium, campaign, drr, share, cabinet)
              LEFT JOIN month_revenue mr ON mr.source = c.source AND mr.month = days.month
              LEFT JOIN year_revenue yr ON yr.source = c.source
             CROSS JOIN LATERAL (
                SELECT (hashint8extended(c.campaign::bigint * 100000 + (days.day - date '2000-01-01'),
                                         %(spend_salt)s) & 2147483647)::float8 / 2147483648 AS u1,
                       (hashint8extended(c.campaign::bigint * 100000 + (days.day - date '2000-01-01'),
                                         %(spend_salt)s + 1) & 2147483647)::float8 / 2147483648 AS u2,
                       (hashint8extended(c.campaign::bigint * 100000 + (days.day - date '2000-01-01'),
                                         %(spend_salt)s + 2) & 2147483647)::float8 / 2147483648 AS u3
             ) h
        )
        INSERT INTO ecom_ad_spend (date, company_id, currency_id, amount, amount_company, source_id, medium_id,
                                   campaign_id, impressions, clicks, cabinet, create_uid, write_uid, create_date,
                                   write_date)
        SELECT s.day, %(company)s, %(currency)s, s.amount, s.amount, s.source, s.medium, s.campaign,
               round(s.amount * (20 + 10 * s.u2))::int, round(s.amount / (25 + 20 * s.u3))::int, s.cabinet,
               %(uid)s, %(uid)s, %(now)s, %(now)s
          FROM s
        ON CONFLICT DO NOTHING
    """, **p, order_source=order_channel()["source"])
