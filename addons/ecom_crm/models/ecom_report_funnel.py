from odoo import api, fields, models
from odoo.tools import SQL

from .ecom_report_mixin import OptionalFloat, order_measures


class EcomReportFunnel(models.Model):
    """The sales funnel: one row per request and pipeline stage it reached.

    A request reached a stage when it stayed in it or in a later one (a skipped stage counts as
    passed through), so the counts only go down along the pipeline. Each row says whether the
    request went further (``advanced``), dropped out there (``dropped``: lost in its furthest
    stage) and was won in the end; the request's first row carries the request itself
    (``requests``, ``sales``, its money). Times in stage are those of the stays that ended.

    Kept in a table (a view would reread the stage history of every request at each click):
    filled at installation, then brought up to date by a scheduled action for the requests that
    changed since its last run; its pivot and graph read its daily pre-aggregate by stage,
    salesperson, team and company (see ``ecom.report.table``), its lists the rows.
    """

    _name = "ecom.report.funnel"
    _inherit = "ecom.report.table"
    _description = "Funnel by stage"
    _auto = False
    _order = "date desc, lead_id, stage_sequence"
    _rec_name = "lead_id"
    _ecom_rollup_dims = ("stage_id", "user_id", "team_id", "company_id")
    _ecom_indexes = ("lead_id", "date", "stage_id", "user_id")

    lead_id = fields.Many2one("crm.lead", "Request", readonly=True)
    stage_id = fields.Many2one("crm.stage", "Stage", readonly=True)
    stage_sequence = fields.Integer("Stage order", readonly=True, aggregator=None)
    date = fields.Datetime("Request date", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    source_id = fields.Many2one("utm.source", "Source", readonly=True)
    medium_id = fields.Many2one("utm.medium", "Medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", "Campaign", readonly=True)
    product_id = fields.Many2one("product.product", "Product of interest", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    # counts
    requests = fields.Integer("Requests in", readonly=True,
                              help="Requests that came in (counted at their first stage).")
    reached = fields.Integer("Reached the stage", readonly=True)
    advanced = fields.Integer("Went further", readonly=True)
    dropped = fields.Integer("Dropped out here", readonly=True, help="Requests lost at this stage, their furthest.")
    won = fields.Integer("Won in the end", readonly=True)
    sales = fields.Integer("Sales", readonly=True, help="Requests won (counted at their first stage).")
    # ratios and percentiles (no columns: computed for each row and group, see ecom.report.mixin)
    conversion_next = fields.Float("Conversion to the next stage (%)", readonly=True, aggregator="ecom_ratio",
                                   ecom_ratio=("advanced", "reached", 100))
    drop_rate = fields.Float("Drop-out rate (%)", readonly=True, aggregator="ecom_ratio",
                             ecom_ratio=("dropped", "reached", 100))
    win_rate = fields.Float("Stage to sale (%)", readonly=True, aggregator="ecom_ratio",
                            ecom_ratio=("won", "reached", 100),
                            help="Share of the requests that reached the stage and were won.")
    sale_rate = fields.Float("Request to sale (%)", readonly=True, aggregator="ecom_ratio",
                             ecom_ratio=("sales", "requests", 100))
    # time in stage
    hours = OptionalFloat("Average hours in stage", readonly=True, aggregator="avg",
                          help="Hours the request spent in the stage (a stay that ended): the request's own on its "
                               "row, their average in a group or a total.")
    median_hours = fields.Float("Median hours in stage", readonly=True, aggregator="ecom_percentile",
                                ecom_percentile=("hours", 0.5))
    p90_hours = fields.Float("90th percentile of hours in stage", readonly=True, aggregator="ecom_percentile",
                             ecom_percentile=("hours", 0.9))
    # money
    expected_revenue = fields.Monetary("Expected revenue", readonly=True, currency_field="currency_id")
    amount_realised = fields.Monetary("Realised", readonly=True, currency_field="currency_id",
                                      help="Orders of the requests won, VAT included (their expected revenue "
                                           "when no order is linked), less what their credit notes gave back; "
                                           "parcels refused at delivery are not realised. On the request's date: "
                                           "the channels' and sales reports count every order on its own date.")
    amount_lost = fields.Monetary("Not realised", readonly=True, currency_field="currency_id",
                                  help="Expected revenue of the requests that dropped out.")

    @api.model
    def _ecom_columns(self):
        return [
            # a request deleted takes its rows with it
            ("lead_id", "integer REFERENCES crm_lead(id) ON DELETE CASCADE"), ("stage_id", "integer"),
            ("stage_sequence", "integer"), ("date", "timestamp"),
            ("user_id", "integer"), ("team_id", "integer"), ("company_id", "integer"), ("source_id", "integer"),
            ("medium_id", "integer"), ("campaign_id", "integer"), ("product_id", "integer"),
            ("requests", "integer"), ("reached", "integer"), ("advanced", "integer"), ("dropped", "integer"),
            ("won", "integer"), ("sales", "integer"), ("hours", "float8"), ("expected_revenue", "numeric"),
            ("amount_realised", "numeric"), ("amount_lost", "numeric"),
        ]

    # ------------------------------------------------------------------ filling
    @api.model
    def _ecom_fill(self, lead_ids=None, order_ids=None):
        """Insert the rows of ``lead_ids`` (all requests when None), set-based, in the order of the
        requests' dates: a period's rows are then neighbours on disk (the default views read a
        recent period)."""
        where = self._ecom_only(lead_ids)
        # the stays of a request in a stage are read through the history's index on the request: a
        # join with the batch's stays aggregated beforehand was planned as a nested loop rescanning
        # them all for each row (12 s for 800 requests)
        self.env.cr.execute(SQL("""
            WITH st AS (
                SELECT id, team_id, sequence, row_number() OVER (ORDER BY sequence, id) AS rk,
                       coalesce(is_won, false) AS is_won
                  FROM crm_stage WHERE NOT coalesce(ecom_is_refusal, false)
            ), top AS (
                SELECT h.lead_id, max(st.rk) AS rk
                  FROM ecom_lead_stage_history h JOIN st ON st.id = h.stage_id
                 WHERE true %(h_only)s
              GROUP BY h.lead_id
            ), o AS (
                -- the request's confirmed orders, those refused at delivery too: a request whose only
                -- parcel came back realised nothing (not its expected revenue, as one without orders)
                SELECT so.opportunity_id AS lead_id,
                       sum(CASE WHEN so.ecom_status IS DISTINCT FROM 'returned' THEN %(revenue)s ELSE 0 END)
                       AS amount
                  FROM sale_order so
                  LEFT JOIN (%(refunds)s) rf ON rf.order_id = so.id
                 WHERE so.state = 'sale' AND so.opportunity_id IS NOT NULL %(o_only)s
              GROUP BY so.opportunity_id
            ), r AS (
                SELECT l.id AS lead_id, st.id AS stage_id, st.sequence, st.rk, top.rk AS top,
                       min(st.rk) OVER (PARTITION BY l.id) AS first, l.create_date, l.user_id, l.team_id,
                       l.company_id, l.source_id, l.medium_id, l.campaign_id, l.ecom_product_id,
                       NOT l.active AS lost, l.active AND ls.is_won AS won, v.hours, v.closed,
                       coalesce(l.expected_revenue, 0) AS expected_revenue, o.amount
                  FROM crm_lead l
                  JOIN top ON top.lead_id = l.id
                  LEFT JOIN st ls ON ls.id = l.stage_id
                  JOIN st ON st.rk <= top.rk
                  LEFT JOIN LATERAL (
                        SELECT h.lead_id, sum(h.duration) AS hours, bool_and(h.date_out IS NOT NULL) AS closed
                          FROM ecom_lead_stage_history h
                         WHERE h.lead_id = l.id AND h.stage_id = st.id
                      GROUP BY h.lead_id) v ON true
                  LEFT JOIN o ON o.lead_id = l.id
                 WHERE (st.team_id IS NULL OR st.team_id = l.team_id OR v.lead_id IS NOT NULL) %(l_only)s
            )
            INSERT INTO ecom_report_funnel (lead_id, stage_id, stage_sequence, date, user_id, team_id, company_id,
                   source_id, medium_id, campaign_id, product_id, requests, reached, advanced, dropped, won,
                   sales, hours, expected_revenue, amount_realised, amount_lost, day)
            SELECT lead_id, stage_id, sequence, create_date, user_id, team_id, company_id, source_id, medium_id,
                   campaign_id, ecom_product_id, (rk = first)::int, 1, (rk < top)::int, (lost AND rk = top)::int,
                   won::int, (won AND rk = first)::int, CASE WHEN closed THEN hours END,
                   CASE WHEN rk = first THEN expected_revenue ELSE 0 END,
                   CASE WHEN rk = first AND won THEN coalesce(amount, expected_revenue) ELSE 0 END,
                   CASE WHEN lost AND rk = top THEN expected_revenue ELSE 0 END, %(day)s
              FROM r
          ORDER BY create_date, lead_id, rk
        """, h_only=where("h.lead_id"), o_only=where("so.opportunity_id"), l_only=where("l.id"),
            **order_measures(where("so.opportunity_id")),
            day=self._ecom_day_sql(SQL("create_date"), SQL("company_id"))))
        return self.env.cr.rowcount

    # ---------------------------------------------------------------- drill-down
    def action_ecom_open_lead(self):
        self.ensure_one()
        return self.lead_id.get_formview_action()
