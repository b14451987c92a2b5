import logging
import threading
import time
from contextlib import contextmanager
from datetime import time as day_start
from datetime import timedelta

import pytz
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.models import parse_read_group_spec
from odoo.osv import expression
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from .ecom_report_mixin import RAW_AGGREGATES, REFRESH_TABLE

_logger = logging.getLogger(__name__)

# the changed requests are looked for from half an hour before the previous run: a transaction
# running across a run commits dates older than its mark
OVERLAP = timedelta(minutes=30)
# the name of the refresh cron's mark (the funnel's, where the cron lives)
CRON_MARK = "ecom.report.funnel"
# the advisory lock of the refresh of the reports kept in tables (any constant unique to this use)
REFRESH_LOCK = 0x1EC0_4E9F
# how many times the scheduled refresh is run again in a new transaction after a concurrent change
REFRESH_RETRIES = 2
# date groupings made of whole days
DAY_GRANULARITIES = ("day", "week", "month", "quarter", "year")
# context key: read the report's daily pre-aggregate instead of its rows
ROLLUP = "ecom_report_rollup"
# the memory a percentile's sort may take
WORK_MEM = "64MB"


class EcomReportTable(models.AbstractModel):
    """A store report kept in a table: one row per request (and stage, ...), filled set-based by
    :meth:`_ecom_fill`, brought up to date by a scheduled action for the requests changed since its
    previous run (:meth:`_cron_ecom_refresh_reports`, which refreshes every model of the registry
    inheriting this one); reading it only reads, on a replica too.

    Its daily pre-aggregate (the «rollup», table ``<table>_day``), when ``_ecom_rollup_dims`` names
    its columns: one row per day (in the company's time zone) and value of those columns, with the
    sums of the measures (the fields aggregated by ``sum``), the sum and count of those averaged,
    and the values of the columns a percentile reads, as an array (the percentiles stay exact). A
    ``_read_group`` that only filters and groups by those columns and by whole days, and only asks
    for those measures, ratios and percentiles, reads the rollup (a few rows per day) instead of the
    rows (:meth:`_ecom_rollup_serves`); any other (a grouping by campaign, a filter on a request, a
    drill-down list) reads the rows. The record rules apply alike: their columns are the rollup's.
    The rollup is rebuilt for the days whose rows changed, in the same transaction as the rows.
    """

    _name = "ecom.report.table"
    _inherit = "ecom.report.mixin"
    _description = "Store report kept in a table"

    # the rollup's columns besides its day; empty: the report has no rollup
    _ecom_rollup_dims = ()
    # the report's columns indexed (besides its day's)
    _ecom_indexes = ("lead_id", "date")

    # ------------------------------------------------------------------ to define
    @api.model
    def _ecom_columns(self):
        """``[(column, SQL type)]`` of the table (its day and id are added)."""
        raise NotImplementedError

    @api.model
    def _ecom_fill(self, lead_ids=None, order_ids=None):
        """Insert the rows of ``lead_ids`` (and ``order_ids``; all when None), with their ``day``
        (:meth:`~.ecom_report_mixin._ecom_day_sql`), in the order of their dates. Returns their number."""
        raise NotImplementedError

    @api.model
    def _ecom_stale(self, lead_ids, order_ids):
        """The SQL condition of the rows an incremental refresh of ``lead_ids``/``order_ids`` rebuilds."""
        return SQL("lead_id = ANY(%s)", lead_ids)

    # ------------------------------------------------------------------ tables
    @api.model
    def _ecom_create_table(self, columns, table=None):
        """Create ``table`` (the report's) from ``columns`` (``[(name, SQL type)]``), or recreate it
        empty when its columns changed (a new version of the report): returns whether it was."""
        table = table or self._table
        cr = self.env.cr
        cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
        existing = {name for (name,) in cr.fetchall()}
        wanted = {"id"} | {name for name, _type in columns}
        if existing == wanted or (wanted < existing and self._ecom_columns_loaded_later(existing - wanted)):
            return False
        # the previous version's table, or view (refusals were one)
        cr.execute("SELECT relkind FROM pg_class WHERE relname = %s AND relnamespace = current_schema()::regnamespace",
                   [table])
        kind = (cr.fetchone() or [None])[0]
        if kind:
            cr.execute(SQL("DROP %s %s CASCADE", SQL({"v": "VIEW", "m": "MATERIALIZED VIEW"}.get(kind, "TABLE")),
                           SQL.identifier(table)))
        cr.execute(SQL("CREATE TABLE %s (id bigserial PRIMARY KEY, %s)", SQL.identifier(table),
                       SQL(", ").join(SQL("%s %s", SQL.identifier(name), SQL(sqltype)) for name, sqltype in columns)))
        return True

    def _ecom_columns_loaded_later(self, columns):
        """Whether each of ``columns`` is a field of this report declared by an installed addon that this
        registry has not loaded yet: an addon extending the report (ecom_crm_scoring's scoring measures)
        while ecom_crm is upgraded. Its own init comes later in the same update and finds the table whole;
        recreating it now, then again there, would rebuild every row twice at each upgrade."""
        self.env.cr.execute(SQL(
            """SELECT f.name, array_agg(d.module)
                 FROM ir_model_fields f
                 JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
                 JOIN ir_module_module m ON m.name = d.module AND m.state IN ('installed', 'to upgrade')
                WHERE f.model = %s AND f.name IN %s
             GROUP BY f.name""", self._name, tuple(columns)))
        declared = dict(self.env.cr.fetchall())
        loaded = self.env.registry._init_modules
        return all(set(declared.get(column) or ()) - loaded for column in columns)

    def _ecom_index(self, table, *columns):
        self.env.cr.execute(SQL("CREATE INDEX IF NOT EXISTS %s ON %s (%s)",
                                SQL.identifier(f"{table}_{'_'.join(columns)}_idx"), SQL.identifier(table),
                                SQL(", ").join(map(SQL.identifier, columns))))

    def init(self):
        if self._abstract:
            return
        created = self._ecom_create_table([*self._ecom_columns(), ("day", "timestamp")])
        if created:
            for column in (*self._ecom_indexes, "day"):
                self._ecom_index(self._table, column)
        rollup_created = False
        if self._ecom_rollup_dims:
            rollup_created = self._ecom_create_table(self._ecom_rollup_columns(), self._ecom_rollup_table())
            if rollup_created:
                self._ecom_index(self._ecom_rollup_table(), "date")
        if (created or rollup_created) and self._ecom_in_use():
            self._ecom_refresh()  # a new version of the report in a working database

    # ------------------------------------------------------------------ refresh
    @api.model
    def _ecom_refresh(self, lead_ids=None, order_ids=None):
        """Rebuild the rows of ``lead_ids`` and ``order_ids`` (all when ``lead_ids`` is None), then
        the rollup's days they are in. Rows are deleted, not truncated: the readers keep reading
        the previous rows until the rebuild commits."""
        self.env.flush_all()
        cr = self.env.cr
        table = SQL.identifier(self._table)
        if lead_ids is None:
            cr.execute(SQL("DELETE FROM %s", table))
            count = self._ecom_fill()
            days = None
        else:
            lead_ids, order_ids = list(lead_ids), list(order_ids or ())
            stale = self._ecom_stale(lead_ids, order_ids)
            day_of = SQL("SELECT DISTINCT day FROM %s WHERE %s", table, stale)
            cr.execute(day_of)
            days = {day for (day,) in cr.fetchall()}
            cr.execute(SQL("DELETE FROM %s WHERE %s", table, stale))
            count = self._ecom_fill(lead_ids, order_ids)
            cr.execute(day_of)
            days.update(day for (day,) in cr.fetchall())
        self._ecom_rollup_refresh(days)
        if lead_ids is None:
            # a table filled anew has no statistics yet (autovacuum comes later): the planner would
            # guess its size, and read a quarter of it through a sequential scan
            cr.execute(SQL("ANALYZE %s", table))
            if self._ecom_rollup_dims:
                cr.execute(SQL("ANALYZE %s", SQL.identifier(self._ecom_rollup_table())))
        self.invalidate_model()
        return count

    @api.model
    def _ecom_table_reports(self):
        """The reports kept in tables: every model inheriting this one."""
        return [self.env[name] for name in self._ecom_report_models("ecom.report.table")]

    @api.model
    def _cron_ecom_refresh_reports(self, full=False, wait=None):
        """Bring the store reports kept in tables up to date: a full rebuild the first time (or when
        asked), else the requests and orders changed since the previous run.

        One refresh at a time (:meth:`_ecom_take_refresh`): the scheduled one (``wait`` False, the
        default unless ``full``) leaves the reports to a refresh under way or just committed (the
        «Refresh now» button's, a full rebuild's) and returns False; the others (``wait``) wait for
        it, then Odoo runs them again if it committed meanwhile.

        Run by the scheduler (Odoo 18 gives its run a progress record; never in a caller's
        transaction or a test), a run that meets a request or order deleted since its snapshot
        ("could not serialize access due to concurrent delete"), or another such conflict, is
        rolled back and run again in a new transaction, which no longer sees the deleted one:
        Odoo does not run a failed job again before its next quarter (an HTTP request, «Refresh
        now», is run again by Odoo itself)."""
        scheduled = bool(self.env.context.get("ir_cron_progress_id")) and not getattr(
            threading.current_thread(), "testing", False)
        for attempt in range(REFRESH_RETRIES + 1):
            try:
                return self._ecom_refresh_reports_once(full, wait)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                if not scheduled or attempt == REFRESH_RETRIES:
                    raise
                self.env.cr.rollback()
                _logger.info("store reports: refreshed again in a new transaction after a concurrent change (%s)",
                             error.pgcode)
        return False  # not reached

    @api.model
    def _ecom_refresh_reports_once(self, full, wait):
        """One try of :meth:`_cron_ecom_refresh_reports`, in the current transaction."""
        if not self._ecom_take_refresh(full if wait is None else wait):
            _logger.info("store reports: another refresh is under way or has just ended; left to it")
            return False
        now = self.env.cr.now()
        mark = self.env[CRON_MARK]
        since = None if full else mark._ecom_refreshed_at()
        if since is not None:
            # a stage added, reordered or made a refusal stage changes every request's rows; a
            # company's time zone (its partner's) every day
            self.env.cr.execute("""
                SELECT 1 FROM crm_stage WHERE write_date >= %(since)s
                 UNION ALL
                SELECT 1 FROM res_company c JOIN res_partner p ON p.id = c.partner_id WHERE p.write_date >= %(since)s
                 LIMIT 1
            """, {"since": since})
            if self.env.cr.fetchone():
                since = None
        lead_ids = order_ids = None
        if since is not None:
            lead_ids = self._ecom_changed_leads(since - OVERLAP)
            self.env.cr.execute("SELECT id FROM sale_order WHERE write_date >= %s", [since - OVERLAP])
            order_ids = [order_id for (order_id,) in self.env.cr.fetchall()]
        for report in self._ecom_table_reports():
            started = time.perf_counter()
            count = report._ecom_refresh(lead_ids, order_ids)
            _logger.info("report %s: %d rows rebuilt in %.1f s", report._name, count, time.perf_counter() - started)
        mark._ecom_mark_refreshed(now)
        return True

    @api.model
    def _ecom_take_refresh(self, wait):
        """Take the refresh of the reports for this transaction: whether it did.

        Two refreshes at once (the job, the «Refresh now» button, a full rebuild) rebuild the same
        rows: the later one, whose snapshot predates the other's commit, cannot see the rows the
        other inserted and fails on those it deleted, or on the mark ("could not serialize
        access"), and Odoo does not run a job again. The lock makes the second wait for, or
        (``wait`` False) leave the work to, the first; one that committed after this transaction
        began is seen by the mark it wrote: then False, or, with ``wait``, the serialization failure
        for Odoo to run the request again in a new transaction."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK])
        if not cr.fetchone()[0]:
            if not wait:
                return False
            cr.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        self._ecom_create_refresh_table()
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("SELECT 1 FROM %s WHERE name = %s FOR NO KEY UPDATE", SQL.identifier(REFRESH_TABLE),
                               CRON_MARK), log_exceptions=False)
        except SerializationFailure:
            if wait:
                raise
            return False
        return True

    @api.model
    def _ecom_changed_leads(self, since):
        """Requests whose report rows may have changed since ``since``: the request written (a stage,
        a salesperson, a loss), its orders, an invoice or credit note of its orders (posted, cancelled:
        the revenue is net of refunds), a credit note of its customer (one typed in by hand gives back
        from the customer's orders), an order, invoice or credit note of a customer who has credit
        notes (what each of the customer's orders gives back of one typed in by hand moves), its
        chatter (a done activity, a message), its calls, or an activity of it planned, or falling due
        since (overdue activities change with the clock), or overdue at the previous run (it may be
        done or cancelled since)."""
        self.env.flush_all()
        self.env.cr.execute(SQL("""
            SELECT id FROM crm_lead WHERE write_date >= %(since)s
             UNION
            SELECT opportunity_id FROM sale_order WHERE opportunity_id IS NOT NULL AND write_date >= %(since)s
             UNION
            SELECT so.opportunity_id
              FROM account_move m
              JOIN account_move_line aml ON aml.move_id = m.id
              JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
              JOIN sale_order_line sol ON sol.id = rel.order_line_id
              JOIN sale_order so ON so.id = sol.order_id
             WHERE m.write_date >= %(since)s AND m.move_type IN ('out_invoice', 'out_refund')
               AND so.opportunity_id IS NOT NULL
             UNION
            -- a credit note typed in by hand gives back from its customer's orders, the latest first
            -- (see order_refunds): one written, or an order of a customer who has credit notes, or
            -- its invoice or credit note (what it can still give back), moves what the customer's
            -- other orders give back of it: the requests of all their orders of that company
            SELECT so.opportunity_id
              FROM (SELECT m.commercial_partner_id AS partner_id, m.company_id
                      FROM account_move m
                     WHERE m.write_date >= %(since)s AND m.move_type = 'out_refund'
                     UNION
                    SELECT c.partner_id, c.company_id
                      FROM (SELECT cp.commercial_partner_id AS partner_id, cso.company_id
                              FROM sale_order cso
                              JOIN res_partner cp ON cp.id = cso.partner_id
                             WHERE cso.write_date >= %(since)s
                             UNION
                            SELECT m.commercial_partner_id, m.company_id
                              FROM account_move m
                             WHERE m.write_date >= %(since)s AND m.move_type = 'out_invoice') c
                     WHERE EXISTS (SELECT 1 FROM res_partner hp
                                     JOIN account_move h ON h.partner_id = hp.id
                                    WHERE hp.commercial_partner_id = c.partner_id AND h.company_id = c.company_id
                                      AND h.move_type = 'out_refund' AND h.state = 'posted')) touched
              JOIN res_partner p ON p.commercial_partner_id = touched.partner_id
              JOIN sale_order so ON so.partner_id = p.id AND so.company_id = touched.company_id
             WHERE so.opportunity_id IS NOT NULL
             UNION
            SELECT res_id FROM mail_message WHERE model = 'crm.lead' AND date >= %(since)s
             UNION
            SELECT lead_id FROM ecom_call WHERE lead_id IS NOT NULL AND write_date >= %(since)s
             UNION
            SELECT res_id FROM mail_activity
             WHERE res_model = 'crm.lead'
               AND (write_date >= %(since)s OR date_deadline BETWEEN %(since)s::date - 1 AND %(today)s)
             UNION
            SELECT lead_id FROM ecom_report_manager WHERE overdue_activities > 0
        """, since=since, today=self.env.cr.now().date()))
        return [lead_id for (lead_id,) in self.env.cr.fetchall() if lead_id]

    # ------------------------------------------------------------------ rollup
    @api.model
    def _ecom_rollup_table(self):
        return f"{self._table}_day"

    @api.model
    def _ecom_rollup_measures(self):
        """``(sums, averages, percentile columns)``: the column names the rollup aggregates."""
        columns = dict(self._ecom_columns())
        sums = [name for name, field in self._fields.items()
                if name in columns and field.aggregator == "sum" and name not in self._ecom_rollup_dims]
        avgs = [name for name, field in self._fields.items() if name in columns and field.aggregator == "avg"]
        values = sorted({field.ecom_percentile[0] for field in self._fields.values()
                         if getattr(field, "ecom_percentile", None)})
        return sums, avgs, values

    @api.model
    def _ecom_rollup_columns(self):
        types = {name: sqltype.split()[0] for name, sqltype in self._ecom_columns()}
        sums, avgs, values = self._ecom_rollup_measures()
        # integer sums stay integers (a day's), so that the groups' sums are integers as the rows'
        return [("date", "timestamp"), *((name, types[name]) for name in self._ecom_rollup_dims),
                ("row_count", "integer"), *((name, types[name]) for name in sums),
                *((f"{name}__sum", "float8") for name in avgs), *((f"{name}__n", "bigint") for name in avgs),
                *((f"{name}__values", "float8[]") for name in values)]

    @api.model
    def _ecom_rollup_refresh(self, days=None):
        """Rebuild the rollup's rows of ``days`` (all when None) from the report's rows."""
        if not self._ecom_rollup_dims or (days is not None and not days):
            return
        cr = self.env.cr
        rollup = SQL.identifier(self._ecom_rollup_table())

        def of_days(column):  # the rows of no day (no date) are a day of their own
            if days is None:
                return SQL()
            return SQL("WHERE %s = ANY(%s) OR (%s AND %s IS NULL)", column, sorted(day for day in days if day),
                       None in days, column)

        where = of_days(SQL("r.day"))
        cr.execute(SQL("DELETE FROM %s %s", rollup, of_days(SQL("date"))))
        sums, avgs, values = self._ecom_rollup_measures()
        dims = [SQL.identifier("r", name) for name in self._ecom_rollup_dims]
        cr.execute(SQL("""
            INSERT INTO %(rollup)s (%(columns)s)
            SELECT r.day, %(dims)s, count(*), %(aggregates)s
              FROM %(table)s r %(where)s
          GROUP BY r.day, %(dims)s
          ORDER BY r.day
        """, rollup=rollup, table=SQL.identifier(self._table), where=where, dims=SQL(", ").join(dims),
            columns=SQL(", ").join(SQL.identifier(name) for name, _type in self._ecom_rollup_columns()),
            aggregates=SQL(", ").join([
                *(SQL("SUM(%s)", SQL.identifier("r", name)) for name in sums),
                *(SQL("SUM(%s)", SQL.identifier("r", name)) for name in avgs),
                *(SQL("COUNT(%s)", SQL.identifier("r", name)) for name in avgs),
                *(SQL("array_agg(%(v)s) FILTER (WHERE %(v)s IS NOT NULL)", v=SQL.identifier("r", name))
                  for name in values)])))

    @contextmanager
    def _ecom_rollup_forgetting(self, column, ids):
        """Around a deletion of requests, orders or calls (``column``: their column in the reports): their
        rows leave with them (``ON DELETE CASCADE``), their days of the rollups are rebuilt after."""
        days = {}
        if ids:
            for report in self._ecom_table_reports():
                if report._ecom_rollup_dims and column in dict(report._ecom_columns()):
                    self.env.cr.execute(SQL("SELECT DISTINCT day FROM %s WHERE %s = ANY(%s)",
                                            SQL.identifier(report._table), SQL.identifier(column), list(ids)))
                    days[report] = {day for (day,) in self.env.cr.fetchall()}
        yield
        for report, report_days in days.items():
            report._ecom_rollup_refresh(report_days)

    # ------------------------------------------------------------------ reading
    @property
    def _table_sql(self):
        if self.env.context.get(ROLLUP):
            return SQL.identifier(self._ecom_rollup_table())
        return super()._table_sql

    def _ecom_rollup_serves(self, domain, groupby, aggregates, having, order):
        """Whether this ``_read_group`` gives the same answer from the rollup: it filters (record
        rules included) and groups only by the rollup's columns and by whole days of its time zone,
        and asks only for the rollup's sums, averages, ratios of its sums and percentiles."""
        if not self._ecom_rollup_dims or having:
            return False
        dims = set(self._ecom_rollup_dims)
        sums, avgs, values = self._ecom_rollup_measures()
        by_day = False
        for spec in groupby:
            fname, _sep, granularity = spec.partition(":")
            if fname == "date" and granularity in DAY_GRANULARITIES:
                by_day = True
            elif fname not in dims or granularity:
                return False

        def answers(spec, ordering=False):
            if spec == "__count":
                return True
            fname, property_name, func = parse_read_group_spec(spec)
            field = self._fields.get(fname)
            if not field or property_name or not func:
                return False
            if func not in RAW_AGGREGATES and getattr(field, "ecom_ratio", None):
                return set(field.ecom_ratio[:2]) <= set(sums)
            if func not in RAW_AGGREGATES and getattr(field, "ecom_percentile", None):
                return not ordering and field.ecom_percentile[0] in values
            return (func == "sum" and fname in sums) or (func == "avg" and fname in avgs)

        if not all(map(answers, aggregates)):
            return False
        # an order by an aggregate (the others are groupings): one the rollup computes in its query
        for term in (order or "").split(","):
            term = term.strip().split(" ")[0]
            if term and (":" in term or term == "__count") and term not in groupby and not answers(term, True):
                return False
        # one time zone for every day the user may read
        if self.env.su:
            tzs, default = self._ecom_day_tzs()
            zones = {*tzs.values(), default}
        else:
            zones = {company.partner_id.tz or "UTC" for company in self.env.companies.sudo()}
            zones.add(self._ecom_default_tz())
        if len(zones) != 1:
            return False
        [tz] = zones
        if by_day and (self.env.context.get("tz") or "UTC") != tz:
            return False
        rules = [] if self.env.su else self.env["ir.rule"]._compute_domain(self._name, "read") or []
        return all(self._ecom_rollup_leaf(leaf, dims, tz)
                   for leaf in [*expression.normalize_domain(list(domain)), *expression.normalize_domain(rules)])

    @staticmethod
    def _ecom_rollup_leaf(leaf, dims, tz):
        if expression.is_operator(leaf) or not isinstance(leaf[0], str):
            return True  # '&', '|', '!', TRUE_LEAF, FALSE_LEAF
        fname, operator, value = leaf
        fname = fname.split(".")[0]
        if fname != "date":
            return fname in dims
        # a bound of whole days: from a midnight (>=, <), or up to the last second before one
        # (<=, >: the search view's date filters)
        if operator not in (">=", "<", "<=", ">"):
            return False
        try:
            moment = fields.Datetime.to_datetime(value)
        except (TypeError, ValueError):
            return False
        if not moment or moment.microsecond:
            return False
        local = pytz.utc.localize(moment).astimezone(pytz.timezone(tz))
        if operator in ("<=", ">"):
            local += timedelta(seconds=1)
        return local.time() == day_start(0)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        if self.env.context.get(ROLLUP) or not any(
                getattr(self._fields.get(parse_read_group_spec(spec)[0]), "ecom_percentile", None)
                for spec in aggregates if spec != "__count"):
            return self._ecom_read_group(domain, groupby, aggregates, having, offset, limit, order)
        # a percentile sorts the period's values (some 200,000 for a quarter of a big store): in
        # memory, not on disk with the default 4 MB (a setting of this transaction, a read-only one
        # too, given back after)
        self.env.cr.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [WORK_MEM])
        previous = self.env.cr.fetchone()[0]
        result = self._ecom_read_group(domain, groupby, aggregates, having, offset, limit, order)
        self.env.cr.execute("SELECT set_config('work_mem', %s, true)", [previous])
        return result

    def _ecom_read_group(self, domain, groupby, aggregates, having, offset, limit, order):
        if self.env.context.get(ROLLUP) or not self._ecom_rollup_serves(domain, groupby, aggregates, having, order):
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        rollup = self.with_context(**{ROLLUP: True})
        # a percentile unnests its column's arrays: one query per column, apart from the sums
        percentiles = {}
        for spec in aggregates:
            field = self._fields.get(parse_read_group_spec(spec)[0]) if spec != "__count" else None
            if getattr(field, "ecom_percentile", None):
                percentiles.setdefault(field.ecom_percentile[0], []).append(spec)
        others = [spec for spec in aggregates if not any(spec in specs for specs in percentiles.values())]
        rows = super(EcomReportTable, rollup)._read_group(domain, groupby, others, (), offset, limit, order) \
            if groupby or others else [()]
        n = len(groupby)
        found = {}
        for specs in percentiles.values():
            for row in super(EcomReportTable, rollup)._read_group(domain, groupby, specs):
                found.setdefault(row[:n], {}).update(zip(specs, row[n:], strict=True))
        result = []
        for row in rows:
            values = {**dict(zip(others, row[n:], strict=True)), **found.get(row[:n], {})}
            result.append((*(value.with_env(self.env) if isinstance(value, models.BaseModel) else value
                             for value in row[:n]),
                           *(values.get(spec, self._read_group_empty_value(spec)) for spec in aggregates)))
        return result

    def _read_group_select(self, aggregate_spec, query):
        if not self.env.context.get(ROLLUP):
            return super()._read_group_select(aggregate_spec, query)
        if aggregate_spec == "__count":
            return SQL("COALESCE(SUM(%s), 0)", SQL.identifier(self._table, "row_count"))
        fname, _property, func = parse_read_group_spec(aggregate_spec)
        field = self._fields[fname]
        if getattr(field, "ecom_percentile", None):
            column, fraction = field.ecom_percentile
            alias = f"{column}__value"
            query.add_join("JOIN", alias, SQL("unnest(%s)", SQL.identifier(self._table, f"{column}__values")),
                           SQL("TRUE"))
            return SQL("percentile_cont(%s) WITHIN GROUP (ORDER BY %s)", fraction, SQL.identifier(alias, alias))
        if func == "avg" and not getattr(field, "ecom_ratio", None):
            return SQL("SUM(%s) / NULLIF(SUM(%s), 0)", SQL.identifier(self._table, f"{fname}__sum"),
                       SQL.identifier(self._table, f"{fname}__n"))
        return super()._read_group_select(aggregate_spec, query)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def unlink(self):
        with self.env["ecom.report.table"]._ecom_rollup_forgetting("lead_id", self.ids):
            return super().unlink()


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def unlink(self):
        with self.env["ecom.report.table"]._ecom_rollup_forgetting("order_id", self.ids):
            return super().unlink()
