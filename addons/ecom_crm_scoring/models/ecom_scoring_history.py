"""The store's history for the scoring engine, read with set-based SQL (one pass per table).

Customers are the commercial partners with a confirmed or cancelled sale order in the company
(except Odoo's public partners, the companies themselves and the accounts marked shared: see
``_no_customer``), numbered 0..n-1 in partner id order; every table comes through binary COPY straight into numpy
columns (tools/pgcopy.py), so that a million customers and ten million order lines cost a few
sequential scans, no Python object per row.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ, ISOLATION_LEVEL_SERIALIZABLE

from odoo import api, models, sql_db
from odoo.addons.ecom_crm.models.ecom_report_mixin import credited_documents, credited_orders
from odoo.modules import module as odoo_module
from odoo.tools import SQL

from ..scoring import texts
from ..scoring.handover import handed_over
from ..scoring.history import (
    LEAD_LOST,
    LEAD_OPEN,
    LEAD_WON,
    MAIL_CLICK,
    MAIL_OPEN,
    NEVER,
    OUTCOME_NONE,
    OUTCOME_REFUSED,
    OUTCOME_SUCCESS,
    SHARED_LIST,
    History,
    lookup,
    positions,
    sort_order,
    unique_int,
)
from ..tools.pgcopy import SharedSlices, copy_columns, copy_in, local_days, no_jit, table_slices
from .ecom_scoring_outcome import ORDERED_CANCELLED, ORDERED_REFUSED, UNSOLD_ORDERED
from .res_company import scoring_callers

# day numbers are date.toordinal(): days since 0001-01-01, plus one
ORDINAL = SQL("- DATE '0001-01-01' + 1")
# an order dated before this is an import's placeholder (1970-01-01, the Unix epoch of an empty
# timestamp; 1900-01-01; a mistyped year), read as an order without a date: left out
EARLIEST_ORDER = "1990-01-01"


class EcomScoringHistory(models.AbstractModel):
    _name = "ecom.scoring.history"
    _description = "Customer history for scoring (SQL reader)"

    def _day(self, column):
        """SQL of a timestamp column's day number in the store's time zone."""
        return SQL("((%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date %s)::int4", column, self._tz(), ORDINAL)

    def _refusal_day(self):
        """SQL of the day an order (``so``) was refused at delivery, as the store's refusals report dates
        it: its status's day, else its last change's (the orders' read and the offers' answers alike)."""
        return self._day(SQL("COALESCE(so.ecom_status_date, so.write_date, so.date_order)"))

    def _tz(self):
        return self.env.company.partner_id.tz or self.env.user.tz or "UTC"

    def _beside(self, queries):
        """Start the binary COPY reads ``queries`` (``{name: (query, columns)}``, as
        :func:`copy_columns` takes them) on a second connection, in a thread, while this one goes
        on: the caller gets a function that waits and returns ``{name: columns}``. The second
        connection's transaction imports this one's snapshot, so both see the same data; what
        this transaction wrote and did not commit would be invisible to it, so then it returns
        None and the caller reads them itself.
        PostgreSQL then works on both cores, and the ten million lines' rows are parsed while
        the orders are read. The reads cut in slices (lists of queries) come last and are
        shared (:class:`SharedSlices`): when the caller asks for the result, this connection,
        done with its own reads, reads the slices the other has not begun. On the 1M demo store
        (three lines an order) both are done within a slice of each other; with this one done
        3 s sooner (the other tables not read), the lines came 0.8-1.2 s sooner: a store with
        bigger baskets has more lines to share."""
        cr = self.env.cr
        # a test runs in a savepoint, whose snapshot cannot be exported (nor its data seen outside)
        if odoo_module.current_test:
            return None
        cr.execute("SELECT txid_current_if_assigned() IS NULL")
        if not cr.fetchone()[0]:
            return None
        cr.execute("SELECT pg_export_snapshot()")
        snapshot = cr.fetchone()[0]
        shared = {name: SharedSlices(query, columns) for name, (query, columns) in queries.items()
                  if isinstance(query, list | tuple)}
        # this transaction keeps the snapshot it exported only in repeatable read (Odoo's cursors)
        helps = cr.connection.isolation_level in (ISOLATION_LEVEL_REPEATABLE_READ, ISOLATION_LEVEL_SERIALIZABLE)

        def read():
            with sql_db.db_connect(cr.dbname).cursor() as other:
                other.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                no_jit(other)
                result = {name: copy_columns(other, query, columns) for name, (query, columns) in queries.items()
                          if name not in shared}
                for slices in shared.values():
                    slices.read(other)
                other.rollback()
                return result

        pool = ThreadPoolExecutor(1, thread_name_prefix="ecom_scoring_read")
        future = pool.submit(read)
        pool.shutdown(wait=False)

        def result():
            if helps:
                for slices in shared.values():
                    slices.read(cr)
            columns = future.result()
            columns.update({name: slices.columns() for name, slices in shared.items()})
            return columns

        return result

    @api.model
    def _read(self, company, partner_ids=None):
        """``(history, partner_ids)``: the history of ``company``'s customers (all, or the commercial
        partners ``partner_ids``), and the partner id of each customer number."""
        self = self.with_company(company)
        cr = self.env.cr
        no_jit(cr)
        for model in ("sale.order", "sale.order.line", "res.partner", "crm.lead", "mail.activity",
                      "ecom.scoring.outcome", "ecom.call", "mail.blacklist"):
            self.env[model].flush_model()
        # a full read: the lines (what takes longest) come by a second connection meanwhile
        lines = self._beside(self._line_queries(None)) if partner_ids is None else None
        orders, ids, customers = self._customer_orders(company, partner_ids)
        # the customers as a temporary table, for the joins of the other tables' reads
        cr.execute("""
            DROP TABLE IF EXISTS ecom_scoring_customers;
            CREATE TEMP TABLE ecom_scoring_customers (partner_id int4 PRIMARY KEY, idx int4 NOT NULL);
        """)
        copy_in(cr, "ecom_scoring_customers", [("partner_id", "int4", ids),
                                               ("idx", "int4", np.arange(len(ids), dtype=np.int32))])
        cr.execute("ANALYZE ecom_scoring_customers")
        n = len(ids)
        tables = self._tables(company, n, customers)
        history = History.build(n, **self._orders(orders, lines, ids), **tables)
        cr.execute("DROP TABLE IF EXISTS ecom_scoring_customers")
        return history, ids

    def _customer_orders(self, company, partner_ids=None):
        """The confirmed and cancelled orders of ``company`` (of the commercial partners
        ``partner_ids`` only, if given; dated, from :data:`EARLIEST_ORDER` on) with their customer
        number and the day each order refused
        at delivery was refused (``refused``, ``NEVER`` if not; ecom_crm's store status «Refused at
        delivery», dated as the store's refusals report dates it: the day of that status, else of the
        order's last change; a refused order is no purchase, as the store's reports count it, from
        that day on), the customers' partner ids
        (sorted: customer ``i`` is ``ids[i]``), and each customer's salesperson (``user``, -1 if
        none), the day their address was blacklisted (``opt_out``, ``NEVER`` if not) and whether
        the store archived them (``archived``: scored, planned no call).

        Read without joins: the orders, then every partner's commercial partner, salesperson and
        opt-out (one pass over the partners), joined here by their ids; dates converted to the
        store's days in numpy. At three million orders, PostgreSQL's join with the partners, its
        DISTINCT of the customers and its time-zone conversion cost three times reading the
        orders; a second pass over the million partners for the salespeople and opt-outs, 1.1 s."""
        cr = self.env.cr
        if partner_ids is not None:
            only = SQL("AND so.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
                       list(partner_ids))
            partners_scope = SQL("commercial_partner_id = ANY(%s)", list(partner_ids))
            order_slices = partner_slices = [SQL("TRUE")]
        else:
            only = SQL()
            partners_scope = SQL("TRUE")
            order_slices = [SQL(condition) for condition in table_slices(cr, "sale_order", "so")]
            partner_slices = [SQL(condition) for condition in table_slices(cr, "res_partner", "p")]
        # the refusals' days in the store's time zone by PostgreSQL: the few refused orders only
        orders = copy_columns(cr, [SQL("""
            SELECT so.id, so.partner_id, so.date_order, so.state = 'sale',
                   %(rate)s::float8, COALESCE(so.amount_untaxed, 0)::float8,
                   CASE WHEN so.ecom_status = 'returned' THEN %(refused)s ELSE %(never)s END
              FROM sale_order so
             WHERE so.company_id = %(company)s AND so.state IN ('sale', 'cancel')
               AND so.partner_id IS NOT NULL AND so.date_order >= %(earliest)s AND %(part)s %(only)s
        """, company=company.id, only=only, part=part, never=NEVER, earliest=EARLIEST_ORDER,
            refused=self._refusal_day(), rate=self._order_rate())
            for part in order_slices],
            [("id", "int4"), ("partner", "int4"), ("date", "timestamp"), ("confirmed", "bool"), ("rate", "float8"),
             ("amount", "float8"), ("refused", "int4")])
        # a blacklisted address is unique (mail_blacklist's constraint): one row a partner
        partners = copy_columns(cr, [SQL("""
            SELECT p.id, COALESCE(p.commercial_partner_id, p.id), COALESCE(p.user_id, -1),
                   COALESCE(%(blacklisted)s, %(never)s)::int4, %(no_customer)s, NOT COALESCE(p.active, TRUE)
              FROM res_partner p
              LEFT JOIN mail_blacklist b ON b.active AND b.email = p.email_normalized
             WHERE %(scope)s AND %(part)s
        """, blacklisted=self._day(SQL("b.create_date")), never=NEVER, scope=partners_scope, part=part,
            no_customer=self._no_customer())
            for part in partner_slices], [("id", "int4"), ("commercial", "int4"), ("user", "int4"),
                                          ("opt_out", "int4"), ("no_customer", "bool"), ("archived", "bool")])
        at = positions(partners["id"], orders.pop("partner"))
        # a partner outside the scope (partial read): not these customers'; an account that is no
        # customer (:meth:`_no_customer`, the commercial partner's): its orders are not theirs
        keep = at >= 0
        keep[keep] = ~lookup(partners["no_customer"], positions(partners["id"], partners["commercial"][at[keep]]),
                             False)
        if not keep.all():
            orders = {name: column[keep] for name, column in orders.items()}
            at = at[keep]
        commercial = partners["commercial"][at]
        ids = unique_int(commercial)
        orders["customer"] = np.searchsorted(ids, commercial).astype(np.int32)
        # refused at delivery (``refused``): no purchase from that day, History.build unconfirms it
        orders["day"] = local_days(orders.pop("date"), self._tz())
        orders["amount"] /= orders["rate"]
        at = positions(partners["id"], ids)  # each customer's own row (a commercial partner)
        customers = {"user": lookup(partners["user"], at, -1).astype(np.int32),
                     "opt_out": lookup(partners["opt_out"], at, NEVER).astype(np.int32),
                     "archived": lookup(partners["archived"], at, False).astype(bool),
                     # every partner read and its customer number (-1: not a customer), for the
                     # other tables' rows, which name a partner, a contact of the customer or itself
                     "partner_ids": partners["id"],
                     "partner_customer": positions(ids, partners["commercial"]).astype(np.int32),
                     "only": partner_ids}
        return orders, ids, customers

    def _order_rate(self):
        """SQL of an order's (``so``) rate, the units of its currency to one of its company's: its
        own, or, when an import left it 0 or empty, the currencies' rates of the order's day as
        Odoo would have set it (``res.currency._get_rates``: the rates of the company's root, a
        branch having none of its own, else the shared ones; the first known when the order is
        older than them; 1 when the currency has none or is the company's)."""
        company_currency = SQL("(SELECT currency_id FROM res_company WHERE id = so.company_id)")
        root = SQL("(SELECT split_part(parent_path, '/', 1)::int4 FROM res_company WHERE id = so.company_id)")

        def rate(currency):
            return SQL("""COALESCE(
                (SELECT r.rate FROM res_currency_rate r
                  WHERE r.currency_id = %(currency)s AND r.rate > 0 AND r.name <= so.date_order::date
                    AND (r.company_id = %(root)s OR r.company_id IS NULL)
                  ORDER BY r.company_id, r.name DESC LIMIT 1),
                (SELECT r.rate FROM res_currency_rate r
                  WHERE r.currency_id = %(currency)s AND r.rate > 0
                    AND (r.company_id = %(root)s OR r.company_id IS NULL)
                  ORDER BY r.company_id, r.name LIMIT 1), 1)""", currency=currency, root=root)

        return SQL("""(CASE WHEN so.currency_rate > 0 THEN so.currency_rate
                            WHEN so.currency_id IS NULL OR so.currency_id = %(company_currency)s THEN 1
                            ELSE %(rate)s / %(company_rate)s END)""",
                   company_currency=company_currency, rate=rate(SQL("so.currency_id")),
                   company_rate=rate(company_currency))

    def _no_customer(self):
        """SQL of whether a partner (``p``) is an account whose orders are no customer's: one marked
        a shared account (``ecom_scoring_excluded``: a guest buyer an import puts the web orders on,
        a marketplace's account), Odoo's
        public partners (the website's guest checkout, a point of sale's anonymous buyer: the
        partners of the public users, archived as they are), whose thousands of orders are as many
        people's, and the database's companies, whose orders (transfers, samples, orders between
        companies) are no sale to a customer. Read on the commercial partner: a contact of the
        company (a warehouse, an employee's address) is the company's."""
        return SQL("""(COALESCE(p.ecom_scoring_excluded, FALSE)
                       OR p.id IN (SELECT partner_id FROM res_company)
                       OR p.id IN (SELECT u.partner_id FROM res_users u
                                     JOIN res_groups_users_rel g ON g.uid = u.id AND g.gid = %s))""",
                   self.env.ref("base.group_public").id)

    def _line_queries(self, order_ids=None, partner_ids=None):
        """The reads of the order lines, their products' categories, their refunds and the credit
        notes linked to no order (of the orders ``order_ids`` and the commercial partners
        ``partner_ids``, or all, the lines then read by slices of the table), for
        :func:`copy_columns` (see :meth:`_orders`)."""
        Line = self.env["sale.order.line"]
        if order_ids is None:
            scope = refunds_scope = credits_scope = SQL("TRUE")
            slices = [SQL(condition) for condition in table_slices(self.env.cr, "sale_order_line", "sol")]
        else:
            scope = SQL("sol.order_id = ANY(%s)", order_ids)
            refunds_scope = SQL("csol.order_id = ANY(%s)", order_ids)
            # by the credit notes' partners (indexed; their commercial partner is not): a scan of
            # every credit note of the store at each hourly run otherwise
            credits_scope = SQL("am.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
                                list(partner_ids or ()))
            slices = [SQL("TRUE")]
        not_delivery = SQL("AND NOT COALESCE(sol.is_delivery, FALSE)") if "is_delivery" in Line._fields else SQL()
        return {
            # the orders with a posted credit note on their lines: what their posted credit notes
            # and invoices say (untaxed, in the company's currency at the order's rate, as its
            # amount: a document in the order's currency at the order's rate, another at its own),
            # as the store's reports read them (a line linked to several order lines counts once;
            # down payments are how an order is paid, not what it sold); see _orders for what was
            # given back. At the invoice's rate, a rate moved since the order made the invoicing
            # beyond the order (or short of it): a correction taken from the returns. A line
            # invoiced again after its first credit note (a later document: Odoo's «Full refund and
            # new draft invoice», of a whole or a partial invoice) makes up for what it was credited,
            # as the store's reports count it (``order_refunds``). By the documents' own days, an
            # order and a day a row: a backtest as of a day knows the returns made before it only;
            # ``reinvoiced`` is what the day added to the sum over the order's lines of
            # min(credited, invoiced again) as of its end (each line's running sums by day).
            "refunds": (SQL("""
                WITH docs AS (
                    SELECT sol.order_id, sol.id AS line_id, m.id AS move_id,
                           (COALESCE(m.invoice_date, m.date) %(ordinal)s)::int4 AS day,
                           CASE WHEN m.move_type = 'out_refund' THEN %(amount)s ELSE 0 END AS credited,
                           CASE WHEN m.move_type = 'out_invoice' THEN -%(amount)s ELSE 0 END AS invoiced,
                           MIN(m.id) FILTER (WHERE m.move_type = 'out_refund') OVER (PARTITION BY sol.id)
                               AS first_credit
                    %(documents)s
                ), line_days AS (  -- per order line and day
                    SELECT order_id, line_id, day, SUM(credited) AS credited, SUM(invoiced) AS invoiced,
                           SUM(invoiced) FILTER (WHERE move_id > first_credit) AS again
                      FROM docs
                  GROUP BY order_id, line_id, day
                ), running AS (  -- each line's min(credited, invoiced again) as of the end of each day
                    SELECT order_id, line_id, day, credited, invoiced,
                           LEAST(SUM(credited) OVER w, COALESCE(SUM(again) OVER w, 0)) AS made_up
                      FROM line_days
                    WINDOW w AS (PARTITION BY line_id ORDER BY day)
                )
                SELECT order_id, day, COALESCE(SUM(credited), 0)::float8, COALESCE(SUM(invoiced), 0)::float8,
                       COALESCE(SUM(made_up - COALESCE(prev, 0)), 0)::float8
                  FROM (SELECT running.*, LAG(made_up) OVER (PARTITION BY line_id ORDER BY day) AS prev
                          FROM running) r
              GROUP BY order_id, day
            """, documents=credited_documents(credited_orders(SQL("AND %s", refunds_scope)),
                                              where=SQL("AND COALESCE(m.invoice_date, m.date) IS NOT NULL")),
                ordinal=ORDINAL, amount=SQL("""
                (CASE WHEN m.currency_id = so.currency_id
                      THEN aml.amount_currency / %(rate)s
                      ELSE aml.balance END)""", rate=self._order_rate())),
                [("order_id", "int4"), ("day", "int4"), ("credited", "float8"), ("invoiced", "float8"),
                 ("reinvoiced", "float8")]),
            # the posted credit notes' lines linked to no order's line (typed in by hand: a manual
            # refund, a goodwill credit), each credit note's sum on its day (company currency), and
            # what the posted invoices reversing it (Odoo's «Reverse» of the credit note: their
            # reversed entry is it) took back of those lines, on the day of the last of them
            "credits": (SQL("""
                SELECT c.partner, c.day, c.amount, COALESCE(r.amount, 0)::float8,
                       COALESCE(r.day, %(never)s)::int4
                  FROM (SELECT am.id, am.commercial_partner_id AS partner,
                               (COALESCE(am.invoice_date, am.date) %(ordinal)s)::int4 AS day,
                               COALESCE(SUM(aml.balance), 0)::float8 AS amount
                          FROM account_move am
                          JOIN account_move_line aml ON aml.move_id = am.id
                         WHERE am.move_type = 'out_refund' AND am.state = 'posted' AND am.company_id = %(company)s
                           AND aml.display_type = 'product' AND am.commercial_partner_id IS NOT NULL
                           AND COALESCE(am.invoice_date, am.date) IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM sale_order_line_invoice_rel rel
                                            WHERE rel.invoice_line_id = aml.id)
                           AND %(scope)s
                         GROUP BY am.id) c
                  LEFT JOIN LATERAL (
                        SELECT -SUM(rl.balance) AS amount,
                               MAX((COALESCE(rm.invoice_date, rm.date) %(ordinal)s)::int4) AS day
                          FROM account_move rm
                          JOIN account_move_line rl ON rl.move_id = rm.id
                         WHERE rm.reversed_entry_id = c.id AND rm.move_type = 'out_invoice' AND rm.state = 'posted'
                           AND rl.display_type = 'product' AND COALESCE(rm.invoice_date, rm.date) IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM sale_order_line_invoice_rel rel
                                            WHERE rel.invoice_line_id = rl.id)
                       ) r ON TRUE
            """, ordinal=ORDINAL, company=self.env.company.id, scope=credits_scope, never=NEVER),
                [("partner", "int4"), ("day", "int4"), ("amount", "float8"), ("undone", "float8"),
                 ("undone_day", "int4")]),
            # the discount's numeric arithmetic costs more than reading the rest of the line:
            # computed only for the lines that have one. A line of quantity 0 (an item taken off
            # the order) or below (one given back within it) bought nothing: the order's amount
            # counts it, what the customer bought does not
            "lines": ([SQL("""
                SELECT sol.order_id, sol.product_id, COALESCE(sol.product_uom_qty, 0)::float4,
                       COALESCE(sol.price_subtotal, 0)::float8,
                       CASE WHEN sol.discount <> 0
                            THEN COALESCE(sol.price_unit * sol.product_uom_qty * sol.discount / 100, 0)::float8
                            ELSE 0 END
                  FROM sale_order_line sol
                 WHERE sol.display_type IS NULL AND sol.product_id IS NOT NULL AND sol.product_uom_qty > 0
                   AND %s AND %s %s
            """, scope, part, not_delivery) for part in slices],
                [("order_id", "int4"), ("product", "int4"), ("qty", "float4"), ("amount", "float8"),
                 ("discount", "float8")]),
            # whether a product was ever sold (an order line of it: the index of the lines'
            # products, a probe a product), for what the store sells (see _orders)
            "products": (SQL("""
                SELECT pp.id, COALESCE(pt.categ_id, -1)::int4, COALESCE(pt.type = 'service', FALSE),
                       COALESCE(pt.type = 'consu', FALSE),
                       EXISTS (SELECT 1 FROM sale_order_line sold WHERE sold.product_id = pp.id)
                  FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
            """), [("id", "int4"), ("category", "int4"), ("service", "bool"), ("goods", "bool"), ("sold", "bool")]),
        }

    def _orders(self, orders, lines=None, customer_ids=None):
        """Orders (sorted by customer and day, so that History.build copies nothing) and their lines.

        Each table is read once, unsorted, and joined here in numpy: orders to their customer
        number (:meth:`_customer_orders`), lines to their order and product by their ids. At ten
        million lines, PostgreSQL's hash joins of the lines with the orders and products and its
        sort of them cost three times the reading itself. ``lines``: what :meth:`_beside` gave
        for every line (a full read), else the lines of these orders are read here, found by the
        lines' order index. ``customer_ids``: each customer number's partner id (for the credit
        notes linked to no order).

        What an order gave back is what its credit notes gave back less what its lines were
        invoiced again after their first credit note (Odoo's «Full refund and new draft invoice»:
        a correction, not a return, even of a partial invoice), or, if more, what its invoicing
        beyond the order made up for, at most the order's amount, as the store's reports count it
        (``order_refunds``)::

            reinvoiced = sum over the order's lines of min(line credited, line invoiced after its first credit note)
            returned = min(ordered, max(0, credited - max(reinvoiced, invoiced - ordered)))

        A credit note typed in by hand (no line from an order's line), and a confirmed order of
        negative total (a return typed in as an order: no purchase), give back from the
        customer's orders placed on or before its day, the latest first
        (:func:`~..scoring.history.credit_unlinked`): a manual refund of a cancelled order, a
        goodwill credit; money given back all the same, less what invoices reversing it took back
        (a credit note cancelled by its reversal gives nothing back). The returns and credits go
        to the history dated (``refunds``, ``credits``): as of a past day (a backtest, the
        training's snapshots) an order has given back only what was credited before it."""
        # a confirmed order of negative total is a return an import typed in as an order (1C's
        # «return from a customer» loaded as a sale order): no purchase, its lines bought nothing;
        # it gives back as a credit note typed in by hand does, from its own day
        returns = orders["confirmed"] & (orders["amount"] < 0)
        order = sort_order(orders["customer"], orders["day"], orders["id"])
        if returns.any():
            order = order[~returns[order]]
            returns = {"customer": orders["customer"][returns], "day": orders["day"][returns],
                       "amount": -orders["amount"][returns], "undone": np.zeros(int(returns.sum())),
                       "undone_day": np.full(int(returns.sum()), NEVER, dtype=np.int32)}
        else:
            returns = None
        orders = {name: column[order] for name, column in orders.items()}
        ids, rate = orders.pop("id"), orders.pop("rate")
        n_orders = len(ids)
        if lines is None:
            read = {name: copy_columns(self.env.cr, query, columns)
                    for name, (query, columns) in self._line_queries(
                        ids.tolist(), None if customer_ids is None else customer_ids.tolist()).items()}
        else:
            read = lines()
        refunds, lines, products = read["refunds"], read["lines"], read["products"]
        # the lines of other companies' or draft orders are dropped here
        at = positions(ids, refunds.pop("order_id"))
        refunds = {name: column[at >= 0] for name, column in refunds.items()}
        refunds["order"] = at[at >= 0].astype(np.int32)
        credits = read["credits"]
        if customer_ids is not None:
            who = positions(customer_ids, credits.pop("partner"))
            credits = {name: column[who >= 0] for name, column in credits.items()}
            credits["customer"] = who[who >= 0].astype(np.int32)
        else:
            credits = None
        if returns is not None:
            credits = returns if credits is None else \
                {name: np.concatenate([credits[name], returns[name]]).astype(credits[name].dtype) for name in credits}
        # what each order gave back (at most what it was) History.build counts from these dated returns
        at = positions(ids, lines.pop("order_id"))
        if not (at >= 0).all():
            keep = at >= 0
            for name in list(lines):  # one column copied at a time: ten million lines
                lines[name] = lines[name][keep]
            at = at[keep]
        lines["order"] = at.astype(np.int32)
        if (rate != 1).any():  # orders in another currency than the company's (else nothing to divide)
            line_rate = rate[at]
            lines["amount"] /= line_rate
            lines["discount"] /= line_rate
            del line_rate
        at = positions(products["id"], lines["product"])
        lines["category"] = lookup(products["category"], at, -1).astype(np.int32)
        service = lookup(products["service"], at, False)
        lines = {name: lines[name] for name in ("order", "product", "category", "qty", "amount", "discount")}
        orders["discount"] = np.bincount(lines["order"], weights=lines.pop("discount"), minlength=n_orders)
        # postage, delivery charges and fees (service products) are in what the customer paid, not
        # among what they bought (breadth, re-buys, the products offered); a store that sold more
        # services than goods (courses, tickets, repairs; a book now and then, a test product never
        # sold) keeps them as its products (the products ever sold, not the lines read: an
        # incremental run's few customers see what the night's full run saw)
        sold = products["sold"]
        if service.any() and (products["goods"] & sold).sum() >= (products["service"] & sold).sum():
            for name in list(lines):
                lines[name] = lines[name][~service]
        del service
        category = lines["category"]
        if not (category != category[:1]).any():  # one category for everything: the store has none
            category[:] = -1
        return {"orders": orders, "lines": lines, "refunds": refunds, "credits": credits}

    @api.model
    def _offer_outcomes(self, company, day=None):
        """The offers managers recorded an answer to (accepted or declined), as the cross-sell's
        ``outcomes``: kind, the chance given, accepted or not (None when there are none). As of
        ``day`` (the run's; None: all): the answers recorded until then, and an offer whose
        customer ordered counts as accepted unless the order was refused at delivery by then (the
        refusal's day, as the orders' read dates it: a run of an earlier day does not know it), or
        was cancelled (on no day: the orders' read takes a cancelled order for no purchase on any
        day, Odoo keeping no day of the cancellation)."""
        self.env["ecom.scoring.outcome"].flush_model()
        self.env["sale.order"].flush_model(["ecom_status", "ecom_status_date"])
        until = SQL("AND o.date <= %s", day) if day else SQL()
        refused_by = SQL("(%s) <= %s", self._refusal_day(), day.toordinal()) if day else SQL("TRUE")
        self.env.cr.execute(SQL("""
            SELECT o.offer_kind, COALESCE(o.offer_probability, 0),
                   o.outcome IN ('accepted', 'ordered') OR (o.outcome = %(refused)s AND NOT %(refused_by)s)
              FROM ecom_scoring_outcome o
              LEFT JOIN sale_order so ON o.outcome = %(refused)s AND so.id = o.order_id
             WHERE o.company_id = %(company)s AND o.offer_kind IS NOT NULL
               AND o.outcome IN ('accepted', 'ordered', 'declined', %(refused)s, %(cancelled)s) %(until)s
             ORDER BY o.id
        """, company=company.id, refused=ORDERED_REFUSED, cancelled=ORDERED_CANCELLED, refused_by=refused_by,
           until=until))
        rows = self.env.cr.fetchall()
        if not rows:
            return None
        kinds = {kind: i for i, kind in enumerate(texts.KINDS)}
        return {"kind": np.array([kinds[r[0]] for r in rows]), "predicted": np.array([r[1] for r in rows]),
                "accepted": np.array([r[2] for r in rows], dtype=float)}

    def _leads(self, company, customers):
        """The leads of the customers (``customers`` as :meth:`_customer_orders` read them): their
        customer number, the day they came, the day they were won or lost (``NEVER`` while open),
        won, lost or open, the refusal reason of a lost one and the sequence of their stage.
        Read without joins, mapped to the customers by the partners' pass and to their stage here,
        the days turned in numpy (:func:`local_days`): PostgreSQL's joins with the million partners
        and its time-zone conversions cost twice reading the half million leads of the demo store.
        A lead with no date at all (written around the ORM) is left out: nothing tells when."""
        cr = self.env.cr
        only = SQL()
        if customers["only"] is not None:
            only = SQL("AND l.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
                       list(customers["only"]))
        leads = copy_columns(cr, SQL("""
            SELECT l.partner_id, COALESCE(l.create_date, l.write_date),
                   COALESCE(l.date_closed, l.create_date, l.write_date), l.date_closed IS NOT NULL,
                   COALESCE(l.active, TRUE),
                   COALESCE(l.stage_id, -1), COALESCE(l.lost_reason_id, -1)
              FROM crm_lead l
             WHERE (l.company_id = %(company)s OR l.company_id IS NULL) AND l.partner_id IS NOT NULL
               AND COALESCE(l.create_date, l.write_date) IS NOT NULL %(only)s
        """, company=company.id, only=only), [
            ("partner", "int4"), ("created", "timestamp"), ("closed", "timestamp"), ("dated", "bool"),
            ("active", "bool"), ("stage", "int4"), ("reason", "int4")])
        stages = copy_columns(cr, SQL("""
            SELECT id, COALESCE(is_won, FALSE), COALESCE(sequence, -1)::int4 FROM crm_stage
        """), [("id", "int4"), ("won", "bool"), ("sequence", "int4")])
        customer = lookup(customers["partner_customer"], positions(customers["partner_ids"], leads.pop("partner")), -1)
        keep = customer >= 0
        leads = {name: column[keep] for name, column in leads.items()}
        at = positions(stages["id"], leads.pop("stage"))  # -1: no stage, or one deleted
        won = lookup(stages["won"], at, False)
        active = leads.pop("active")
        tz = self._tz()
        return {
            "customer": customer[keep].astype(np.int32),
            "day": local_days(leads.pop("created"), tz),
            "closed": np.where(leads.pop("dated") & (~active | won), local_days(leads.pop("closed"), tz),
                               NEVER).astype(np.int32),
            "status": np.where(won & active, LEAD_WON, np.where(active, LEAD_OPEN, LEAD_LOST)).astype(np.int16),
            "reason": np.where(active, -1, leads.pop("reason")).astype(np.int32),
            "stage": lookup(stages["sequence"], at, -1).astype(np.int32),
        }

    def _tables(self, company, n, customers):
        """Leads, activities, calls, mailings, opt-outs and salespeople of the customers (the last
        two from ``customers``, as :meth:`_customer_orders` read them: the salesperson kept if an
        active internal user), and whom a customer's scheduled contact was handed to
        (:meth:`_handed_to`); a table the store does not have (no mass mailing installed) is
        None, so its criteria drop out."""
        cr = self.env.cr
        lead_table = self._leads(company, customers)
        reasons = self.env["crm.lost.reason"].with_context(active_test=False).search_read([], ["name"])
        # an activity's day is when it was created (it counts as of the days after); one written
        # around the ORM without its dates counts from its last change or, with neither, from its
        # deadline if that has passed, else from today: it is open now
        activities = copy_columns(cr, SQL("""
            SELECT c.idx, %(created)s, %(never)s::int4, %(none)s::int2
              FROM mail_activity a
              LEFT JOIN crm_lead l ON a.res_model = 'crm.lead' AND l.id = a.res_id
              JOIN res_partner p ON p.id = CASE WHEN a.res_model = 'res.partner' THEN a.res_id ELSE l.partner_id END
              JOIN ecom_scoring_customers c ON c.partner_id = p.commercial_partner_id
             WHERE a.res_model IN ('res.partner', 'crm.lead')
               -- the open scheduled contact is the scoring's own: moved, not a reason to leave them alone
               AND a.activity_type_id IS DISTINCT FROM %(scoring_type)s
            UNION ALL  -- activities done: their message; scheduled contacts: the outcome recorded
            SELECT c.idx, %(done)s, %(done)s, %(none)s::int2
              FROM mail_message m
              LEFT JOIN crm_lead l ON m.model = 'crm.lead' AND l.id = m.res_id
              JOIN res_partner p ON p.id = CASE WHEN m.model = 'res.partner' THEN m.res_id ELSE l.partner_id END
              JOIN ecom_scoring_customers c ON c.partner_id = p.commercial_partner_id
             WHERE m.model IN ('res.partner', 'crm.lead') AND m.mail_activity_type_id IS NOT NULL
               AND m.mail_activity_type_id != %(scoring_type)s AND m.date IS NOT NULL
            UNION ALL
            SELECT c.idx, %(outcome_day)s, %(outcome_day)s,
                   -- a contact whose order was refused at delivery or cancelled ordered on its day:
                   -- the refusal or cancellation is the order's, in the orders' read (a past day's
                   -- learning does not know a refusal dated after it)
                   (CASE WHEN o.outcome IN ('ordered', 'accepted') OR o.outcome IN %(unsold)s THEN %(success)s
                         WHEN o.outcome = 'declined' THEN %(refused)s ELSE %(none)s END)::int2
              FROM ecom_scoring_outcome o
              JOIN res_partner p ON p.id = o.partner_id
              JOIN ecom_scoring_customers c ON c.partner_id = p.commercial_partner_id
             WHERE o.company_id = %(company)s
        """, created=SQL("COALESCE(%s, %s, (LEAST(a.date_deadline, (now() AT TIME ZONE %s)::date) %s)::int4)",
                         self._day(SQL("a.create_date")), self._day(SQL("a.write_date")), self._tz(), ORDINAL),
             done=self._day(SQL("m.date")), never=NEVER,
             none=OUTCOME_NONE, success=OUTCOME_SUCCESS, refused=OUTCOME_REFUSED, company=company.id,
             unsold=UNSOLD_ORDERED,
             outcome_day=SQL("(o.date %s)::int4", ORDINAL),
             scoring_type=self.env["mail.activity"]._ecom_scoring_activity_type().id or 0),
            [("customer", "int4"), ("day", "int4"), ("done", "int4"), ("outcome", "int2")])
        calls = copy_columns(cr, SQL("""
            SELECT c.idx, %(day)s
              FROM ecom_call k
              JOIN res_partner p ON p.id = k.partner_id
              JOIN ecom_scoring_customers c ON c.partner_id = p.commercial_partner_id
             WHERE k.started_at IS NOT NULL AND (k.company_id = %(company)s OR k.company_id IS NULL)
        """, day=self._day(SQL("k.started_at")), company=company.id),
            [("customer", "int4"), ("day", "int4")])
        mailings = None
        if "mailing.trace" in self.env:
            self.env["mailing.trace"].flush_model()
            mailings = copy_columns(cr, SQL("""
                SELECT c.idx, %(opened)s, %(open)s::int2
                  FROM mailing_trace t
                  JOIN res_partner p ON t.model = 'res.partner' AND p.id = t.res_id
                  JOIN ecom_scoring_customers c ON c.partner_id = p.commercial_partner_id
                 WHERE t.open_datetime IS NOT NULL
                UNION ALL
                SELECT c.idx, %(clicked)s, %(click)s::int2
                  FROM mailing_trace t
                  JOIN res_partner p ON t.model = 'res.partner' AND p.id = t.res_id
                  JOIN ecom_scoring_customers c ON c.partner_id = p.commercial_partner_id
                 WHERE t.links_click_datetime IS NOT NULL
            """, opened=self._day(SQL("t.open_datetime")), clicked=self._day(SQL("t.links_click_datetime")),
                 open=MAIL_OPEN, click=MAIL_CLICK), [("customer", "int4"), ("day", "int4"),
                                                                    ("kind", "int2")])
        users = copy_columns(cr, SQL("""
            SELECT u.id, COALESCE(u.active, FALSE) AND NOT COALESCE(u.share, FALSE), u.id IN (%s)
              FROM res_users u
        """, scoring_callers(company.id)), [("id", "int4"), ("internal", "bool"), ("can_call", "bool")])
        at = positions(users["id"], customers["user"])
        manager = np.where(lookup(users["internal"], at, False), customers["user"], -1).astype(np.int32)
        return {
            "leads": lead_table, "activities": activities, "calls": calls, "mailings": mailings,
            "opt_out_day": customers["opt_out"], "archived": customers["archived"], "manager": manager,
            "reason_texts": {r["id"]: r["name"] for r in reasons},
            "handed_to": self._handed_to(company, manager, users),
        }

    def _handed_to(self, company, manager, users):
        """Per customer, the salesperson their open scheduled contact was handed to while the
        hand-over holds (-1 if none), as the sync keeps it with them and the day's loads count it
        for them (``ecom.customer.score``'s ``_ecom_sync_activities`` and ``_ecom_day_loads``): the
        customer's first open contact of the scoring's type (of this company's scoring, or of
        none) is assigned to someone else than the scoring gave it to, the scoring gave it to the
        customer's salesperson (``manager``), and both can call the company's customers (active
        internal users of the company): :func:`..scoring.handover.handed_over`.
        A customer whose salesperson cannot call the company's customers (not in the company) is
        on the shared list (``SHARED_LIST``), as the sync hands their contact out to the default
        team's members and the day's loads count it there, unless handed over.
        One read of the scoring's open contacts (a few per salesperson and day), joined to the
        customers' temporary table."""
        can_call = users["can_call"]
        handed = np.where((manager > 0) & ~lookup(can_call, positions(users["id"], manager), False),
                          SHARED_LIST, -1).astype(np.int32)
        kind = self.env["mail.activity"]._ecom_scoring_activity_type()
        if not kind:
            return handed
        self.env["mail.activity"].flush_model()
        contacts = copy_columns(self.env.cr, SQL("""
            SELECT DISTINCT ON (c.idx) c.idx, COALESCE(a.user_id, -1), COALESCE(a.ecom_scoring_user_id, -1)
              FROM mail_activity a
              JOIN ecom_scoring_customers c ON c.partner_id = a.res_id
             WHERE a.res_model = 'res.partner' AND a.active AND a.activity_type_id = %(kind)s
               AND (a.ecom_scoring_company_id = %(company)s OR a.ecom_scoring_company_id IS NULL)
          ORDER BY c.idx, a.id
        """, kind=kind.id, company=company.id), [("customer", "int4"), ("holder", "int4"), ("given", "int4")])
        customer, holder = contacts["customer"], contacts["holder"]
        owner = manager[customer]
        holds = handed_over(owner, holder, contacts["given"], lookup(can_call, positions(users["id"], owner), False),
                            lookup(can_call, positions(users["id"], holder), False))
        handed[customer[holds]] = holder[holds]
        return handed
