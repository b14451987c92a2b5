from odoo import api, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

# the report tables' refresh marks: one row per report, outside ir.config_parameter (whose writes
# clear every worker's caches)
REFRESH_TABLE = "ecom_report_refresh"


class EcomReportMixin(models.AbstractModel):
    """What the store's reports share: aggregates a pivot cannot make from sums, and the refresh of
    the reports kept in tables.

    A measure whose ``aggregator`` is ``ecom_ratio`` is ``factor * sum(numerator) / sum(denominator)``
    of the group's rows (the field's ``ecom_ratio=(numerator, denominator, factor)``, factor 100 for a
    percentage); ``ecom_percentile`` is ``percentile_cont`` of another column (the field's
    ``ecom_percentile=(column, fraction)``).
    Both are computed by PostgreSQL for each group that ``_read_group`` asks for, pivot totals
    included, so that a ratio is never a sum or an average of ratios.
    """

    _name = "ecom.report.mixin"
    _description = "Store report"

    def _valid_field_parameter(self, field, name):
        return name in ("ecom_ratio", "ecom_percentile") or super()._valid_field_parameter(field, name)

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec != "__count":
            fname, _property, func = parse_read_group_spec(aggregate_spec)
            if func == "ecom_ratio":
                numerator, denominator, factor = self._fields[fname].ecom_ratio
                return SQL("%s * SUM(%s) / NULLIF(SUM(%s), 0)", float(factor),
                           self._field_to_sql(self._table, numerator, query),
                           self._field_to_sql(self._table, denominator, query))
            if func == "ecom_percentile":
                column, fraction = self._fields[fname].ecom_percentile
                return SQL("percentile_cont(%s) WITHIN GROUP (ORDER BY %s)", fraction,
                           self._field_to_sql(self._table, column, query))
        return super()._read_group_select(aggregate_spec, query)

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
    def _ecom_create_table(self, columns):
        """Create the report's table from ``columns`` (``[(name, SQL type)]``), or recreate it empty
        when its columns changed (a new version of the report): returns whether it must be filled."""
        cr = self.env.cr
        cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [self._table])
        existing = {name for (name,) in cr.fetchall()}
        wanted = {"id"} | {name for name, _type in columns}
        if existing == wanted:
            return False
        cr.execute(SQL("DROP VIEW IF EXISTS %s", SQL.identifier(self._table)) if not existing else
                   SQL("DROP TABLE IF EXISTS %s CASCADE", SQL.identifier(self._table)))
        cr.execute(SQL("CREATE TABLE %s (id bigserial PRIMARY KEY, %s)", SQL.identifier(self._table),
                       SQL(", ").join(SQL("%s %s", SQL.identifier(name), SQL(sqltype)) for name, sqltype in columns)))
        return True

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
