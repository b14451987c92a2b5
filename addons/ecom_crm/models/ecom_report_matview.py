import hashlib
import logging
import time

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class EcomReportMatview(models.AbstractModel):
    """A report kept in a PostgreSQL materialized view: aggregated once by the cron (on the primary),
    read by the pivot, graph and list views in milliseconds, also on a read-only replica.

    A report declares ``_ecom_query()`` (the SELECT, grouped, of the columns that add up). Its
    ratios of sums (CPL = spend / requests, ROMI, ДРР, shares) are fields with an ``ecom_ratio``
    (see ``ecom.report.mixin``): computed from each group's sums for every grouping (pivot, graph,
    grouped list, read_group), and from a row's own columns for an ungrouped list.

    The view is recreated at an upgrade only when its SQL changed (its hash is the view's comment):
    an upgrade of a big database does not recompute unchanged reports."""

    _name = "ecom.report.matview"
    _inherit = "ecom.report.mixin"
    _description = "Aggregated report (materialized view)"

    # the columns of the view's unique index (REFRESH ... CONCURRENTLY needs one)
    _ecom_unique = ("id",)
    # more indexes: tuples of columns
    _ecom_indexes = ()

    def _ecom_query(self):
        raise NotImplementedError

    def _ecom_definition(self):
        return self._ecom_query()

    def init(self):
        if self._abstract:
            return
        cr = self.env.cr
        definition = self._ecom_definition()
        digest = hashlib.sha1(cr.mogrify(definition.code, definition.params)).hexdigest()
        cr.execute("""
            SELECT obj_description(c.oid, 'pg_class'), c.relkind FROM pg_class c
             WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace
        """, [self._table])
        row = cr.fetchone()
        if row and row[0] == digest and row[1] == "m":
            return
        _logger.info("report %s: (re)creating its materialized view", self._name)
        if row and row[1] == "v":
            cr.execute(SQL("DROP VIEW %s CASCADE", SQL.identifier(self._table)))
        elif row:
            cr.execute(SQL("DROP MATERIALIZED VIEW %s CASCADE", SQL.identifier(self._table)))
        cr.execute(SQL("CREATE MATERIALIZED VIEW %s AS (%s)", SQL.identifier(self._table), definition))
        cr.execute(SQL("COMMENT ON MATERIALIZED VIEW %s IS %s", SQL.identifier(self._table), digest))
        cr.execute(SQL("CREATE UNIQUE INDEX %s ON %s (%s)", SQL.identifier(f"{self._table}_uniq"),
                       SQL.identifier(self._table), SQL(", ").join(map(SQL.identifier, self._ecom_unique))))
        for columns in self._ecom_indexes:
            cr.execute(SQL("CREATE INDEX %s ON %s (%s)", SQL.identifier(f"{self._table}_{'_'.join(columns)}_idx"),
                           SQL.identifier(self._table), SQL(", ").join(map(SQL.identifier, columns))))

    @api.model
    def get_empty_list_help(self, help_message):
        """A salesperson of «own documents only» reads these reports' rows of their own (the reports'
        record rules): their empty screen tells them so, lest they take it for a store without figures.
        Whoever sees all documents (sales managers included) sees every row, and is not told."""
        user = self.env.user
        if (user.has_group("sales_team.group_sale_salesman")
                and not user.has_group("sales_team.group_sale_salesman_all_leads")):
            help_message = Markup("%s<p>%s</p>") % (Markup(help_message or ""), self.env._(
                "You see only your own documents, so here are only your own figures: of your requests, orders and "
                "customers. A sales manager, and a salesperson with access to all documents, see the whole store's "
                "figures."))
        return super().get_empty_list_help(help_message)

    @api.model
    def _ecom_refresh(self):
        """Recompute the report (the cron, the «Refresh» action, the tests). CONCURRENTLY: readers
        keep the previous figures meanwhile instead of waiting."""
        started = time.perf_counter()
        self.env.flush_all()
        # the aggregation of millions of rows hashes in memory rather than sorting on disk (this
        # transaction only)
        self.env.cr.execute("SET LOCAL work_mem = '256MB'")
        self.env.cr.execute(SQL("REFRESH MATERIALIZED VIEW CONCURRENTLY %s", SQL.identifier(self._table)))
        self.env.invalidate_all()
        _logger.info("report %s refreshed in %.1f s", self._name, time.perf_counter() - started)

    @api.model
    def _ecom_refresh_all(self):
        """Every report kept in a materialized view: the models inheriting this one (each depends
        on nothing but the data)."""
        for name in self._ecom_report_models("ecom.report.matview"):
            self.env[name]._ecom_refresh()

    @api.model
    def action_ecom_refresh(self):
        """«Refresh the reports now»: the reports kept in tables and those in materialized views. The
        sales managers' (its menu's): a salesperson calling it by RPC would run every report's refresh
        as the superuser."""
        if not (self.env.is_superuser() or self.env.user.has_group("sales_team.group_sale_manager")):
            raise AccessError(self.env._("Only sales managers refresh the reports at once; they are "
                                         "refreshed on schedule anyway."))
        self.env["ecom.report.table"].sudo()._cron_ecom_refresh_reports(wait=True)
        self.sudo()._ecom_refresh_all()
        return {"type": "ir.actions.client", "tag": "soft_reload"}
