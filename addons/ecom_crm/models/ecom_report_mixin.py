from odoo import api, fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

# the report tables' refresh marks: one row per report, outside ir.config_parameter (whose writes
# clear every worker's caches)
REFRESH_TABLE = "ecom_report_refresh"
# aggregate functions that do not aggregate a measure's value: a ratio or a percentile asked with
# them is left to the ORM
RAW_AGGREGATES = ("count", "count_distinct", "array_agg", "recordset")

# an order's revenue in its company's currency (the rate of the order), net of what its credit notes gave
# back (``rf``: the order's row of :func:`order_refunds`, LEFT JOINed on ``rf.order_id = so.id``)
ORDER_REVENUE = "(so.amount_total - COALESCE(rf.refunded, 0)) / COALESCE(NULLIF(so.currency_rate, 0), 1)"
# the same without VAT: the order's untaxed amount less the untaxed part of what its credit notes gave back
ORDER_REVENUE_UNTAXED = ("(so.amount_untaxed - COALESCE(rf.refunded_untaxed, 0))"
                         " / COALESCE(NULLIF(so.currency_rate, 0), 1)")
# what the order's credit notes gave back, in its company's currency at the order's rate
ORDER_REFUNDED = "COALESCE(rf.refunded, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1)"
# whether the order is a sale: not given back in full (a returned order: no order in the counts of
# orders, conversions and customers; its revenue nothing, what it gave back among the refunds)
ORDER_SOLD = "NOT COALESCE(rf.returned, false)"


UTM_COLUMNS = ("source_id", "medium_id", "campaign_id")


def order_channel(order="so", lead="l"):
    """``{"source": SQL, "medium": SQL, "campaign": SQL}`` of an order's channel (last touch; the names
    the reports' queries take them by): the order's UTM (``order``: its alias) as a whole when it has
    any of source, medium and campaign, else its request's (``lead``: the alias of the request LEFT
    JOINed on ``so.opportunity_id``), never one taken from each (an order with a source and no medium is
    not reported with its request's medium: a channel nobody used). One definition for every report of
    orders (channels, revenue by channel, refusals at delivery) and the demo store's ad spend."""
    own = SQL(" OR ").join(SQL("%s IS NOT NULL", SQL.identifier(order, name)) for name in UTM_COLUMNS)
    return {name.removesuffix("_id"): SQL("CASE WHEN %s THEN %s ELSE %s END", own, SQL.identifier(order, name),
                                          SQL.identifier(lead, name))
            for name in UTM_COLUMNS}


class OptionalFloat(fields.Float):
    """A float measure that may be unknown: its empty column (NULL) reads as nothing (``False``), not
    0.0 as Odoo's floats. A request nobody answered yet has no first response: its row of the
    salespeople's list shows none, and the list's average (the web client's, over the rows shown, which
    leaves the empty ones out) is the answered requests', as the pivot's (SQL's ``avg`` leaves NULL out)."""

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_cache(value, record, validate)

    def convert_to_record(self, value, record):
        return False if value is None else value

    def convert_to_export(self, value, record):
        return "" if value is False or value is None else value


def net_revenue_fields():
    """``(revenue, refunded, revenue_untaxed)``: the measures of a report of orders, the revenue net
    of the credit notes, what they gave back, and the revenue without VAT (one definition for the
    channel, attribution and sales reports, of ``ORDER_REVENUE`` and ``ORDER_REVENUE_UNTAXED``). The
    revenue is VAT included: what the customers pay, as the customer card,
    the funnel and the ad systems' spend (ROMI, ДРР) count it; the revenue without VAT is the
    accountant's (1C's) figure, net of the untaxed part of the same refunds."""
    return (
        fields.Monetary("Revenue incl. VAT", readonly=True, aggregator="sum",
                        help="What the confirmed orders came to with VAT, as the customers pay, less what their "
                             "credit notes gave back."),
        fields.Monetary("Refunds", readonly=True, aggregator="sum",
                        help="What the posted credit notes of the orders gave back, VAT included (already taken "
                             "from the revenue)."),
        revenue_untaxed_field(),
    )


def revenue_untaxed_field(string="Revenue excl. VAT", help_text=None):
    """The measure of the revenue without VAT (``string``, ``help_text``: a report's own wording of it)."""
    return fields.Monetary(
        string, readonly=True, aggregator="sum",
        help=help_text or "What the confirmed orders came to without VAT (the accountant's figure, as 1C counts it), "
                          "less the untaxed part of what their credit notes gave back.")


def order_measures(where=None):
    """``{name: SQL}`` of what the reports of orders read of an order ``so``: ``revenue``,
    ``revenue_untaxed``, ``refunded``, ``sold`` (the constants above) and ``refunds``, the subquery of
    :func:`order_refunds` (``where``: its condition on the orders) they read them from, to LEFT JOIN as
    ``rf`` on ``rf.order_id = so.id``: the named arguments of a report's ``SQL``."""
    return {"revenue": SQL(ORDER_REVENUE), "revenue_untaxed": SQL(ORDER_REVENUE_UNTAXED),
            "refunded": SQL(ORDER_REFUNDED), "sold": SQL(ORDER_SOLD), "refunds": order_refunds(where)}


def flush_order_refunds(env):
    """Write what the transaction holds of the documents :func:`order_refunds` reads (the invoices,
    the credit notes and their order lines) before a query made of it outside the reports' refresh."""
    for model in ("account.move", "account.move.line", "sale.order.line"):
        env[model].flush_model()


def credited_orders(condition=None):
    """The SQL of a subquery: the ids (``order_id``) of the orders a posted customer credit note
    takes something back from (its lines linked to theirs, down payments' apart). ``condition``:
    more conditions on ``csol``, the credited order line (``AND ...``). The few orders whose
    invoices the store's reports and the scoring read again to tell a return from a correction."""
    return SQL("""
        SELECT DISTINCT csol.order_id
          FROM account_move cm
          JOIN account_move_line caml ON caml.move_id = cm.id
          JOIN sale_order_line_invoice_rel crel ON crel.invoice_line_id = caml.id
          JOIN sale_order_line csol ON csol.id = crel.order_line_id
         WHERE cm.move_type = 'out_refund' AND cm.state = 'posted'
           AND NOT COALESCE(csol.is_downpayment, false) %s
    """, condition or SQL())


def credited_documents(credited, joins=None, where=None):
    """The SQL of a FROM clause: the product lines of the posted invoices and credit notes of the
    orders ``credited`` (a subquery of their ``order_id``: :func:`credited_orders`), each document's
    line for the first order line it names (a line linked to several never counts twice), the down
    payments' apart (a down payment is how an order is paid, not what it sold). Aliases: ``so`` the
    order, ``sol`` its line, ``aml`` the document's line, ``m`` the document. ``joins``: more joins;
    ``where``: more conditions (``AND ...``). What the store's reports (:func:`order_refunds`) and
    the scoring read of an order's documents to tell a return from a correction."""
    return SQL("""
          FROM (%(credited)s) credited
          JOIN sale_order so ON so.id = credited.order_id
          JOIN sale_order_line sol ON sol.order_id = so.id
          JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
          JOIN account_move_line aml ON aml.id = rel.invoice_line_id
          JOIN account_move m ON m.id = aml.move_id %(joins)s
         WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND aml.display_type = 'product'
           AND NOT COALESCE(sol.is_downpayment, false)
           AND NOT EXISTS (SELECT 1 FROM sale_order_line_invoice_rel rel1
                            WHERE rel1.invoice_line_id = rel.invoice_line_id
                              AND rel1.order_line_id < rel.order_line_id) %(where)s
    """, credited=credited, joins=joins or SQL(), where=where or SQL())


def order_refunds(where=None, orders=None):
    """The SQL of a subquery: per confirmed order that gave something back, ``refunded``, what was
    given back in the order's currency (VAT included); ``refunded_untaxed``, its part without VAT (the
    credited lines' untaxed amounts in the same proportion; of a credit note typed in by hand, the
    order's own share of VAT taken out); ``refunded_base`` and ``refunded_cost``, the untaxed amount
    and the cost (both in the order's currency; the cost is the order line's cost at the time of the
    sale, sale_margin's ``purchase_price``, times the quantity credited in the line's unit) of the
    credited lines that have a cost; ``returned``, whether the order gave back everything it was (a
    returned order, see below).

    An invoice's or credit note's line counts for the order of its sale line (the first one, when it
    is linked to several: never twice), in the order's currency (a document of another currency at
    its own rate to the company's, then the order's). Draft and cancelled documents do not count.
    What the credit notes gave back is what was credited beyond what was invoiced again: a credit
    note followed by a new invoice of the same order line (Odoo's «Full refund and new draft
    invoice», a correction, of a whole invoice or of a partial one) takes nothing from the order,
    however little of the order is invoiced yet, nor does the invoicing beyond the order (a
    correction made otherwise, a rate moved since the order); an order never gives back more than
    it was::

        reinvoiced = sum over the order's lines of min(line credited, line invoiced after its first credit note)
        refunded = min(ordered, max(0, credited - max(reinvoiced, invoiced - ordered)))

    (a line's invoice «after» its first credit note is one made after it). The credited lines' base
    and cost are taken in that proportion (``refunded / credited``).

    A credit note typed in by hand (posted, none of its lines linked to an order's line: a manual
    refund, a goodwill credit) gives back from its customer's confirmed orders (of its company, not
    refused at delivery) placed on or before its day, the latest first, each up to what its own
    credit notes left of it, as the scoring counts it (``credit_unlinked``): what no such order can
    take (a credit of something bought before the store's records) is left out. Its amount is in
    the company's currency at the credit note's rate, taken into the order's at the order's rate;
    it takes no goods back (nothing of the base nor of the cost). A posted reversal of it (Odoo's
    «Reverse» of the credit note: an invoice) takes its amount back; the lines typed beside those
    of an order's that come to nothing or less (a deduction on a return) give nothing back.

    The lines of down payments (theirs, and their deduction on the final invoice) do not count: a
    down payment is how the order is paid, not what it sold. A down payment given back (or corrected
    by a credit note and a new one, while the order is not invoiced in full) takes nothing from the
    order; the goods given back take their amount, whatever the final invoice deducted.
    ``where``: more conditions on ``so``, the order (``AND ...``). Only the orders with a posted credit
    note are aggregated (the few), not every invoiced one; ``orders``: a subquery of the only order ids
    to look at (a few customers' orders: their credit notes are found by their lines, not by a scan of
    every credit note). Either way the rows may hold other orders of the same customers (those a
    credit note typed in by hand may give back from): join them on the order."""
    rate = SQL("""CASE WHEN m.currency_id = so.currency_id THEN 1
                       ELSE COALESCE(NULLIF(so.currency_rate, 0), 1) / COALESCE(NULLIF(m.invoice_currency_rate, 0), 1)
                  END""")
    # the order line's cost per unit of the line at the time of the sale (sale_margin's, in the order's
    # currency), and the credited quantity in the line's unit (``au``, ``su``: the units of the
    # document's line and of the order's)
    cost = SQL("sol.purchase_price")
    credited_qty = SQL("aml.quantity * COALESCE(su.factor / NULLIF(au.factor, 0), 1)")
    # ``= ANY(ARRAY(...))`` below: a few ids looked up by their index (the planner cannot count the
    # rows of a subquery of a subquery, and took every order line or partner of the store instead)
    if orders is not None:
        # the orders given (a few customers'), and those of their customers the credit notes typed
        # by hand may give back from: their credit notes' lines found from their order lines
        scoped = SQL("""
            given AS MATERIALIZED (SELECT * FROM (%s) AS given (id)),
            customers AS MATERIALIZED (
                SELECT DISTINCT op.commercial_partner_id AS partner_id
                  FROM sale_order so
                  JOIN res_partner op ON op.id = so.partner_id
                 WHERE so.id = ANY(ARRAY(SELECT id FROM given))
            ),""", orders)
        linked_scope = SQL("AND csol.order_id = ANY(ARRAY(SELECT id FROM given "
                           "UNION SELECT order_id FROM hand_orders))")
    elif where:
        scoped = SQL("""
            customers AS MATERIALIZED (
                SELECT DISTINCT op.commercial_partner_id AS partner_id
                  FROM sale_order so
                  JOIN res_partner op ON op.id = so.partner_id
                 WHERE so.state = 'sale' %s
            ),""", where)
        linked_scope = None
    else:
        scoped, linked_scope = SQL(), None
    # the credit notes of those customers found by their partner (indexed; their commercial partner
    # is not), rather than each credit note of the store read and matched against them
    hand_scope = SQL("""AND am.partner_id = ANY(ARRAY(
        SELECT hp.id FROM res_partner hp WHERE hp.commercial_partner_id = ANY(ARRAY(SELECT partner_id FROM customers))))
    """) if orders is not None or where else SQL()
    scope = SQL("AND (TRUE %s OR so.id IN (SELECT order_id FROM hand_orders))", where) if where else SQL()
    return SQL("""
        WITH %(scoped)s hand AS (
            -- the credit notes typed in by hand, each its sum (company's currency) on its day, less
            -- what their posted reversals (an invoice «reversing» it) took back; those of nothing apart
            SELECT h.id, h.company_id, h.partner_id, h.day, SUM(h.amount) AS amount
              FROM (SELECT am.id, am.company_id, am.commercial_partner_id AS partner_id,
                           COALESCE(am.invoice_date, am.date) AS day,
                           aml.price_total / COALESCE(NULLIF(am.invoice_currency_rate, 0), 1) AS amount
                      FROM account_move am
                      JOIN account_move_line aml ON aml.move_id = am.id
                     WHERE am.move_type = 'out_refund' AND am.state = 'posted' AND aml.display_type = 'product'
                       AND am.commercial_partner_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM sale_order_line_invoice_rel hrel
                                        WHERE hrel.invoice_line_id = aml.id) %(hand_scope)s
                     UNION ALL
                    SELECT am.id, am.company_id, am.commercial_partner_id, COALESCE(am.invoice_date, am.date),
                           -aml.price_total / COALESCE(NULLIF(rm.invoice_currency_rate, 0), 1)
                      FROM account_move rm
                      JOIN account_move am ON am.id = rm.reversed_entry_id
                      JOIN account_move_line aml ON aml.move_id = rm.id
                     WHERE rm.reversed_entry_id IS NOT NULL AND rm.move_type = 'out_invoice' AND rm.state = 'posted'
                       AND am.move_type = 'out_refund' AND am.state = 'posted' AND aml.display_type = 'product'
                       AND am.commercial_partner_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM sale_order_line_invoice_rel hrel
                                        WHERE hrel.invoice_line_id = aml.id) %(hand_scope)s) h
          GROUP BY h.id, h.company_id, h.partner_id, h.day
            HAVING SUM(h.amount) > 0
        ), hand_orders AS (  -- the orders those may give back from
            SELECT so.id AS order_id, so.company_id, hp.commercial_partner_id AS partner_id, so.amount_total,
                   so.currency_rate,
                   (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date AS day
              FROM sale_order so
              JOIN res_partner hp ON hp.id = so.partner_id
              JOIN res_company hc ON hc.id = so.company_id
              LEFT JOIN res_partner cp ON cp.id = hc.partner_id
             WHERE so.state = 'sale' AND so.ecom_status IS DISTINCT FROM 'returned'
               AND (so.company_id, hp.commercial_partner_id) IN (SELECT company_id, partner_id FROM hand)
        ), docs AS (  -- the documents' lines of the credited orders, each for the first order line it names
            SELECT so.id AS order_id, so.amount_total AS ordered, sol.id AS line_id, m.id AS move_id, m.move_type,
                   aml.price_total * %(rate)s AS amount, aml.price_subtotal * %(rate)s AS untaxed,
                   CASE WHEN %(cost)s > 0 THEN aml.price_subtotal * %(rate)s ELSE 0 END AS base,
                   CASE WHEN %(cost)s > 0 THEN %(credited_qty)s * %(cost)s ELSE 0 END AS cost
            %(documents)s
        ), lines AS (  -- per order line: invoiced, credited, and invoiced again after its first credit note
            SELECT d.order_id, d.ordered, d.line_id,
                   COALESCE(SUM(d.amount) FILTER (WHERE d.move_type = 'out_invoice'), 0) AS invoiced,
                   COALESCE(SUM(d.amount) FILTER (WHERE d.move_type = 'out_refund'), 0) AS credited,
                   COALESCE(SUM(d.untaxed) FILTER (WHERE d.move_type = 'out_refund'), 0) AS credited_untaxed,
                   COALESCE(SUM(d.base) FILTER (WHERE d.move_type = 'out_refund'), 0) AS credited_base,
                   COALESCE(SUM(d.cost) FILTER (WHERE d.move_type = 'out_refund'), 0) AS credited_cost,
                   COALESCE(SUM(d.amount) FILTER (WHERE d.move_type = 'out_invoice'
                                                    AND d.move_id > d.first_credit), 0) AS reinvoiced
              FROM (SELECT docs.*, min(docs.move_id) FILTER (WHERE docs.move_type = 'out_refund')
                                       OVER (PARTITION BY docs.line_id) AS first_credit
                      FROM docs) d
          GROUP BY d.order_id, d.ordered, d.line_id
        ), linked AS (
            SELECT x.order_id, x.refunded,
                   COALESCE(x.refunded / NULLIF(x.credited, 0), 0) * x.credited_untaxed AS refunded_untaxed,
                   COALESCE(x.refunded / NULLIF(x.credited, 0), 0) * x.credited_base AS refunded_base,
                   COALESCE(x.refunded / NULLIF(x.credited, 0), 0) * x.credited_cost AS refunded_cost
              FROM (SELECT i.order_id, i.credited, i.credited_untaxed, i.credited_base, i.credited_cost,
                           LEAST(i.ordered, GREATEST(0, i.credited - GREATEST(i.reinvoiced, i.invoiced - i.ordered)))
                           AS refunded
                      FROM (SELECT order_id, max(ordered) AS ordered, SUM(invoiced) AS invoiced,
                                   SUM(credited) AS credited, SUM(credited_untaxed) AS credited_untaxed,
                                   SUM(credited_base) AS credited_base,
                                   SUM(credited_cost) AS credited_cost,
                                   SUM(LEAST(credited, reinvoiced)) AS reinvoiced
                              FROM lines
                          GROUP BY order_id) i
                     WHERE i.credited > 0) x
        ), events AS (
            -- the customers' orders (what their own credit notes left of them, company's currency) and
            -- their credit notes typed in by hand, by day (a day's orders before its credit notes)
            SELECT ho.company_id, ho.partner_id, ho.day, 0 AS kind, ho.order_id AS id, ho.order_id,
                   GREATEST(0, ho.amount_total - COALESCE(lk.refunded, 0))
                   / COALESCE(NULLIF(ho.currency_rate, 0), 1) AS capacity, 0 AS amount
              FROM hand_orders ho
              LEFT JOIN linked lk ON lk.order_id = ho.order_id
            UNION ALL
            SELECT h.company_id, h.partner_id, h.day, 1, h.id, NULL, 0, h.amount
              FROM hand h
        ), running AS (
            SELECT e.*,
                   SUM(e.amount) OVER w AS ra, SUM(e.capacity) OVER w AS rb
              FROM events e
            WINDOW w AS (PARTITION BY e.company_id, e.partner_id ORDER BY e.day, e.kind, e.id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ), taken AS (
            -- latest first: what reaches an order is the most the credit notes after it ever exceeded
            -- what the orders placed after it could still give back (taken in the order of days)
            SELECT r.order_id,
                   LEAST(r.capacity, GREATEST(0, r.later - r.ra + r.rb)) AS amount
              FROM (SELECT running.*,
                           max(CASE WHEN running.kind = 1 THEN running.ra - running.rb END)
                               OVER (PARTITION BY running.company_id, running.partner_id
                                     ORDER BY running.day, running.kind, running.id
                                     ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS later
                      FROM running) r
             WHERE r.kind = 0 AND r.later IS NOT NULL
        )
        SELECT so.id AS order_id,
               COALESCE(lk.refunded, 0) + COALESCE(t.amount, 0) * COALESCE(NULLIF(so.currency_rate, 0), 1)
               AS refunded,
               COALESCE(lk.refunded_untaxed, 0) + COALESCE(t.amount, 0) * COALESCE(NULLIF(so.currency_rate, 0), 1)
               * COALESCE(so.amount_untaxed / NULLIF(so.amount_total, 0), 1) AS refunded_untaxed,
               COALESCE(lk.refunded_base, 0) AS refunded_base, COALESCE(lk.refunded_cost, 0) AS refunded_cost,
               (so.amount_total > 0 AND COALESCE(lk.refunded, 0)
                + COALESCE(t.amount, 0) * COALESCE(NULLIF(so.currency_rate, 0), 1) >= so.amount_total - 0.005)
               AS returned
          FROM linked lk
          FULL JOIN (SELECT * FROM taken WHERE amount > 0) t ON t.order_id = lk.order_id
          JOIN sale_order so ON so.id = COALESCE(lk.order_id, t.order_id)
    """, rate=rate, cost=cost, credited_qty=credited_qty, scoped=scoped, hand_scope=hand_scope,
        documents=credited_documents(
            credited_orders(linked_scope), joins=SQL("LEFT JOIN uom_uom au ON au.id = aml.product_uom_id "
                                                     "LEFT JOIN uom_uom su ON su.id = sol.product_uom"),
            where=SQL("AND so.state = 'sale' %s", scope)))


class EcomReportMixin(models.AbstractModel):
    """What the store's reports share: the measures a pivot cannot add up, the refresh marks of
    the reports kept in tables, and the reports' day (:meth:`_ecom_day_sql`).

    A ratio is a field with ``aggregator="ecom_ratio"`` and ``ecom_ratio=(numerator, denominator,
    factor[, offset])``: ``factor * sum(numerator) / sum(denominator) + offset`` of the group's rows
    (factor 100 for a percentage; ROMI is ``("revenue", "spend", 100, -100)``). A percentile is a
    field with ``aggregator="ecom_percentile"`` and ``ecom_percentile=(column, fraction)``:
    ``percentile_cont`` of another column. Neither has a column of its own: a row's value is
    computed from its own columns (the ratio of its own numbers, the column of the percentile), a
    group's by PostgreSQL for each group that ``_read_group`` asks for, pivot totals included, and
    whatever aggregate function it asks for (a sum of ratios means nothing), so that a ratio is
    never a sum or an average of ratios.
    """

    _name = "ecom.report.mixin"
    _inherit = ["ecom.month.names"]
    _description = "Store report"

    def _valid_field_parameter(self, field, name):
        return name in ("ecom_ratio", "ecom_percentile") or super()._valid_field_parameter(field, name)

    # ------------------------------------------------------------ ratios, percentiles
    @api.model
    def _ecom_ratio_sql(self, fname, column):
        """The SQL of ratio field ``fname`` from ``column(name)``, the SQL of each of its terms (a
        row's column, or a group's sum)."""
        numerator, denominator, factor, *offset = self._fields[fname].ecom_ratio
        ratio = SQL("%s * %s / NULLIF(%s, 0)", float(factor), column(numerator), column(denominator))
        return SQL("(%s + %s)", ratio, float(offset[0])) if offset else ratio

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        field = self._fields.get(fname)
        if getattr(field, "ecom_ratio", None):
            return self._ecom_ratio_sql(fname, lambda name: self._field_to_sql(alias, name, query, flush))
        if getattr(field, "ecom_percentile", None):
            return self._field_to_sql(alias, field.ecom_percentile[0], query, flush)
        return super()._field_to_sql(alias, fname, query, flush)

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec != "__count":
            fname, _property, func = parse_read_group_spec(aggregate_spec)
            field = self._fields.get(fname)
            if func not in RAW_AGGREGATES and getattr(field, "ecom_ratio", None):
                return self._ecom_ratio_sql(
                    fname, lambda name: SQL("SUM(%s)", self._field_to_sql(self._table, name, query)))
            if func not in RAW_AGGREGATES and getattr(field, "ecom_percentile", None):
                column, fraction = field.ecom_percentile
                return SQL("percentile_cont(%s) WITHIN GROUP (ORDER BY %s)", fraction,
                           self._field_to_sql(self._table, column, query))
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------ groupings
    def _read_group_groupby(self, groupby_spec, query):
        """A grouping by a many2one groups by the record while it exists, the rows of a record
        deleted since with those of none. A report's row keeps the id of a channel, salesperson,
        team or stage deleted after it was computed (a table of the reports has no foreign key, a
        materialized view keeps it until its refresh), and a group's name read from a missing
        record would fail every pivot grouped by that column (MissingError)."""
        sql = super()._read_group_groupby(groupby_spec, query)
        fname = parse_read_group_spec(groupby_spec)[0]
        field = self._fields[fname]
        if field.type != "many2one" or not field.store:
            return sql
        alias = query.make_alias(self._table, f"{fname}__existing")
        query.add_join("LEFT JOIN", alias, self.env[field.comodel_name]._table,
                       SQL("%s = %s", SQL.identifier(alias, "id"), sql))
        return SQL.identifier(alias, "id")

    def _read_group_orderby(self, order, groupby_terms, query):
        """An order given on a many2one grouping orders by its grouped term (the record's id, see
        :meth:`_read_group_groupby`): Odoo's would order by the comodel's fields joined on the row's
        own column, outside the GROUP BY (with NULLS FIRST/LAST, a grouping error)."""
        if order:
            parts = []
            for part in order.split(","):
                term, *rest = part.split()
                field = self._fields.get(term)
                if term in groupby_terms and field and field.type == "many2one" and field.store:
                    words = " ".join(rest).upper()
                    parts.append(SQL("%s %s %s", groupby_terms[term],
                                     SQL("DESC") if words.startswith("DESC") else SQL("ASC"),
                                     SQL(words[words.index("NULLS"):]) if "NULLS" in words else SQL()))
                else:
                    parts.append(super()._read_group_orderby(part, groupby_terms, query))
            return SQL(", ").join(parts)
        return super()._read_group_orderby(order, groupby_terms, query)

    # ---------------------------------------------------------------- the reports
    @api.model
    def _ecom_report_models(self, base):
        """The models of the registry that inherit the abstract model ``base`` (the reports to
        refresh), in the order of their names."""
        parent = type(self.env[base])
        return sorted(name for name, cls in self.env.registry.items()
                      if name != base and not cls._abstract and issubclass(cls, parent))

    @api.model
    def _ecom_day_tzs(self):
        """``({company id: time zone}, the time zone of the rows without a company)``: a report's
        day is the day of its company (its partner's time zone; UTC when it has none)."""
        tzs = {company.id: company.partner_id.tz or "UTC" for company in self.env["res.company"].sudo().search([])}
        return tzs, self._ecom_default_tz()

    @api.model
    def _ecom_default_tz(self):
        """The time zone of the rows without a company: the main company's."""
        main = self.env.ref("base.main_company", raise_if_not_found=False)
        return (main.sudo().partner_id.tz or "UTC") if main else "UTC"

    @api.model
    def _ecom_day_sql(self, date, company):
        """The SQL of the moment ``date`` (UTC) truncated to the midnight that began its day in
        ``company``'s time zone (a UTC timestamp again)."""
        tzs, default = self._ecom_day_tzs()
        tz = SQL("CASE %s %s ELSE %s END", company,
                 SQL(" ").join(SQL("WHEN %s THEN %s", cid, tz) for cid, tz in tzs.items()), default) \
            if len(set(tzs.values()) | {default}) > 1 else SQL("%s", default)
        return SQL("(date_trunc('day', %(date)s AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s) AT TIME ZONE %(tz)s) "
                   "AT TIME ZONE 'UTC'", date=date, tz=tz)

    # ---------------------------------------------------------------- refresh marks
    @api.model
    def _ecom_create_refresh_table(self):
        self.env.cr.execute(SQL(
            "CREATE TABLE IF NOT EXISTS %s (name varchar PRIMARY KEY, refreshed_at timestamp NOT NULL)",
            SQL.identifier(REFRESH_TABLE)))

    @api.model
    def _ecom_refreshed_at(self):
        self._ecom_create_refresh_table()
        self.env.cr.execute(SQL("SELECT refreshed_at FROM %s WHERE name = %s", SQL.identifier(REFRESH_TABLE),
                                self._name))
        row = self.env.cr.fetchone()
        return row and row[0]

    @api.model
    def _ecom_mark_refreshed(self, when):
        self._ecom_create_refresh_table()
        self.env.cr.execute(SQL("""
            INSERT INTO %s (name, refreshed_at) VALUES (%s, %s)
            ON CONFLICT (name) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at
        """, SQL.identifier(REFRESH_TABLE), self._name, when))

    @api.model
    def _ecom_only(self, lead_ids):
        """``where(column)``: the SQL condition ``AND column = ANY(lead_ids)``, nothing when None."""
        def where(column):
            return SQL() if lead_ids is None else SQL("AND %s = ANY(%s)", SQL(column), list(lead_ids))
        return where

    @api.model
    def _ecom_in_use(self):
        """Whether the addon was installed before this registry load (an upgrade: a report table
        created anew is filled at once; at installation the post-init hook fills it)."""
        return bool(self.env["ir.module.module"].search_count(
            [("name", "=", "ecom_crm"), ("state", "in", ("installed", "to upgrade"))]))
