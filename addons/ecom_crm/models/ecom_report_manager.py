from odoo import api, fields, models
from odoo.tools import SQL

from .ecom_report_mixin import OptionalFloat, order_measures, revenue_untaxed_field
from .ecom_report_table import OVERLAP

# context key of an incremental refresh: the calls whose rows it rebuilds (all when absent)
CHANGED_CALLS = "ecom_report_manager_calls"


class EcomReportManager(models.Model):
    """The salespeople's work: one row per request (``kind`` «request») with its salesperson, how
    soon they first answered it, whether it sold and for how much, and its overdue activities.

    Calls are rows of their own (``kind`` «call»): one per call the salesperson made or answered
    (``ecom.call.user_id``), with a request or not (a call from a hidden number makes none, nor does an
    outgoing call to a customer with no open request), on the call's day; the requests' first
    response counts only the calls of each request. A call's channel (source, medium, campaign) is
    its request's, so that a channel's calls are those of its requests; a call of no request takes
    its telephony line's (the channel and medium of its ``ecom.intake.source``: a call-tracking
    number bought for an ad channel is that channel's), none when logged by hand
    (:meth:`_ecom_call_channel`). A call row opens its call, a number of calls the calls behind it
    (:meth:`ecom_calls_action`). An incremental refresh rebuilds the rows of the
    calls changed since the report's previous one (:meth:`_ecom_changed_calls`), not all of them.

    Other addons add rows of their own kinds and columns of their own (the scoring addon: contacts
    of its daily lists and their outcomes) through :meth:`_ecom_parts`: each part gives the values
    of the columns it knows, the others are empty, and the report groups them by salesperson,
    team and period like the requests.

    First response: the first of the request's activities marked done (a message of the chatter with
    an activity type), messages sent to the customer by a user (not internal notes) and calls
    answered or made, after the request came in. Kept in a table refreshed with the funnel's; its
    pivot and graph read its daily pre-aggregate (see ``ecom.report.table``).
    """

    _name = "ecom.report.manager"
    _inherit = "ecom.report.table"
    _description = "Salespeople's report"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "lead_id"
    _ecom_rollup_dims = ("kind", "user_id", "team_id", "company_id")
    _ecom_indexes = ("lead_id", "date", "user_id", "call_id")

    kind = fields.Selection([("request", "Request"), ("call", "Call")], "Row", readonly=True)
    lead_id = fields.Many2one("crm.lead", "Request", readonly=True)
    date = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    call_id = fields.Many2one("ecom.call", "Call", readonly=True)
    source_id = fields.Many2one(
        "utm.source", "Source", readonly=True,
        help="The request's channel; a call's is its request's, or, for a call of no request, its telephony "
             "line's (the «Channel» of its API source): none for a call logged by hand.")
    medium_id = fields.Many2one("utm.medium", "Medium", readonly=True,
                                help="The request's medium; a call's is its request's, or its telephony line's.")
    campaign_id = fields.Many2one("utm.campaign", "Campaign", readonly=True,
                                  help="The request's campaign; a call's is its request's (a line has none).")
    currency_id = fields.Many2one(related="company_id.currency_id")
    requests = fields.Integer("Requests handled", readonly=True)
    responded = fields.Integer("Answered", readonly=True)
    response_rate = fields.Float("Answered (%)", readonly=True, aggregator="ecom_ratio",
                                 ecom_ratio=("responded", "requests", 100))
    first_response_date = fields.Datetime("First response", readonly=True)
    response_hours = OptionalFloat(
        "Average first response (h)", readonly=True, aggregator="avg",
        help="Hours from the request's arrival to its salesperson's first response: the request's own on its row "
             "(empty while nobody answered it), the average of the requests answered in a group or a total (those "
             "not answered yet are left out: see «Answered (%)» and the «Not answered» filter).")
    median_response_hours = fields.Float("Median first response (h)", readonly=True, aggregator="ecom_percentile",
                                         ecom_percentile=("response_hours", 0.5))
    p90_response_hours = fields.Float("90th percentile of first response (h)", readonly=True,
                                      aggregator="ecom_percentile", ecom_percentile=("response_hours", 0.9))
    won = fields.Integer("Won", readonly=True)
    conversion = fields.Float("Conversion (%)", readonly=True, aggregator="ecom_ratio",
                              ecom_ratio=("won", "requests", 100))
    # a request's orders on the request's row and day: the channels' and sales reports count every order (from 1C
    # and the till too) on its own day, so their figures of a period differ from these by design
    orders = fields.Integer(
        "Orders", readonly=True,
        help="The request's confirmed orders (not those refused at delivery nor given back in full), on the "
             "request's date; the channels' and sales reports count every order, with a request or not, on its own "
             "date.")
    revenue = fields.Monetary(
        "Revenue incl. VAT", readonly=True, currency_field="currency_id",
        help="What the request's confirmed orders came to with VAT, less what their credit notes gave back, on the "
             "request's date; the channels' and sales reports count every order, with a request or not, on its own "
             "date.")
    revenue_untaxed = revenue_untaxed_field(
        help_text="What the request's confirmed orders came to without VAT (the accountant's figure), less the "
                  "untaxed part of what their credit notes gave back, on the request's date.")
    refunded = fields.Monetary("Refunds", readonly=True, currency_field="currency_id",
                               help="What the posted credit notes of the request's orders gave back, VAT included "
                                    "(already taken from the revenue).")
    avg_order = fields.Monetary("Average order", readonly=True, currency_field="currency_id",
                                aggregator="ecom_ratio", ecom_ratio=("revenue", "orders", 1),
                                help="Revenue incl. VAT / orders.")
    overdue_activities = fields.Integer("Overdue activities", readonly=True)
    calls = fields.Integer("Calls", readonly=True,
                           help="Calls the salesperson made or answered, with a request or not (a call from a hidden "
                                "number makes none), on the day of the call.")
    calls_without_request = fields.Integer(
        "Calls outside requests", readonly=True,
        help="Of the calls, those of no request: from a hidden number, or made to a customer with no open request.")

    _ecom_base_columns = [
        ("kind", "varchar"), ("lead_id", "integer REFERENCES crm_lead(id) ON DELETE CASCADE"),
        ("date", "timestamp"), ("user_id", "integer"),
        ("team_id", "integer"), ("company_id", "integer"), ("source_id", "integer"), ("medium_id", "integer"),
        ("campaign_id", "integer"), ("requests", "integer"), ("responded", "integer"),
        ("first_response_date", "timestamp"), ("response_hours", "float8"), ("won", "integer"), ("orders", "integer"),
        ("revenue", "numeric"), ("overdue_activities", "integer"), ("refunded", "numeric"),
        ("revenue_untaxed", "numeric"), ("calls", "integer"), ("calls_without_request", "integer"),
        ("call_id", "integer REFERENCES ecom_call(id) ON DELETE CASCADE"),
    ]

    @api.model
    def _ecom_columns(self):
        """``[(column, SQL type)]`` of the table: extend it (call super) with the fields you add (not
        the ratios and percentiles, which have no column)."""
        return list(self._ecom_base_columns)

    # ------------------------------------------------------------------ filling
    @api.model
    def _ecom_parts(self, lead_ids=None):
        """``{kind: (values, from)}``: the rows of each kind, as ``{column: SQL}`` (the columns left
        out are empty, the measures summed 0: a pivot's cell of a kind shows 0 of another kind's
        measure, not nothing) and the ``FROM ... WHERE ...`` they are selected from. The «request» part is
        limited to ``lead_ids`` (all when None), the «call» part to the calls changed (see
        :meth:`_ecom_refresh`); the other kinds are rebuilt whole at each refresh. Extend it (call
        super) to add a kind."""
        where = self._ecom_only(lead_ids)
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        today = self.env.cr.now().date()
        source = SQL("""
            crm_lead l
            LEFT JOIN crm_stage ls ON ls.id = l.stage_id
            LEFT JOIN (
                SELECT lead_id, min(date) AS date
                  FROM (SELECT m.res_id AS lead_id, m.date
                          FROM mail_message m JOIN crm_lead l ON l.id = m.res_id
                         WHERE m.model = 'crm.lead' AND m.date >= l.create_date %(m_only)s
                           AND (m.mail_activity_type_id IS NOT NULL
                                OR (m.message_type IN ('comment', 'email') AND m.subtype_id = %(comment)s
                                    AND m.author_id IN (SELECT partner_id FROM res_users WHERE NOT share)))
                         UNION ALL
                        SELECT c.lead_id, c.started_at
                          FROM ecom_call c JOIN crm_lead l ON l.id = c.lead_id
                         WHERE c.started_at >= l.create_date %(c_only)s
                           AND (c.direction = 'out' OR c.state IN ('answered', 'finished'))) answers
              GROUP BY lead_id
            ) resp ON resp.lead_id = l.id
            LEFT JOIN (
                SELECT so.opportunity_id AS lead_id,
                       -- an order given back in full is a returned order: no order, its revenue nothing
                       count(*) FILTER (WHERE NOT coalesce(rf.returned, false)) AS orders,
                       sum(%(revenue)s) AS amount, sum(%(revenue_untaxed)s) AS amount_untaxed,
                       sum(%(refunded)s) AS refunded
                  FROM sale_order so
                  LEFT JOIN (%(refunds)s) rf ON rf.order_id = so.id
                 WHERE so.state = 'sale' AND so.opportunity_id IS NOT NULL
                   AND so.ecom_status IS DISTINCT FROM 'returned' %(o_only)s
              GROUP BY so.opportunity_id
            ) o ON o.lead_id = l.id
            LEFT JOIN (
                SELECT res_id AS lead_id, count(*) AS overdue
                  FROM mail_activity
                 WHERE res_model = 'crm.lead' AND date_deadline < %(today)s %(a_only)s
              GROUP BY res_id
            ) a ON a.lead_id = l.id
            WHERE true %(l_only)s
        """, comment=comment, today=today, m_only=where("m.res_id"), c_only=where("c.lead_id"),
            o_only=where("so.opportunity_id"), a_only=where("res_id"), l_only=where("l.id"),
            **order_measures(where("so.opportunity_id")))
        won = SQL("(l.active AND coalesce(ls.is_won, false))")
        hours = SQL("extract(epoch FROM resp.date - l.create_date) / 3600.0")
        values = {
            "kind": SQL("'request'"), "lead_id": SQL("l.id"), "date": SQL("l.create_date"),
            "user_id": SQL("l.user_id"), "team_id": SQL("l.team_id"), "company_id": SQL("l.company_id"),
            "source_id": SQL("l.source_id"), "medium_id": SQL("l.medium_id"), "campaign_id": SQL("l.campaign_id"),
            "requests": SQL("1"), "responded": SQL("(resp.date IS NOT NULL)::int"),
            "first_response_date": SQL("resp.date"), "response_hours": hours, "won": SQL("%s::int", won),
            "orders": SQL("coalesce(o.orders, 0)"), "revenue": SQL("coalesce(o.amount, 0)"),
            "refunded": SQL("coalesce(o.refunded, 0)"), "revenue_untaxed": SQL("coalesce(o.amount_untaxed, 0)"),
            "overdue_activities": SQL("coalesce(a.overdue, 0)"),
        }
        # the calls, by who talked, whether they made a request or not (an incremental refresh: those
        # changed since the previous one, whatever their request)
        changed = None if lead_ids is None else self.env.context.get(CHANGED_CALLS)
        calls = {
            "kind": SQL("'call'"), "call_id": SQL("c.id"), "date": SQL("c.started_at"), "user_id": SQL("c.user_id"),
            "team_id": self._ecom_team_sql(SQL("c.user_id")), "company_id": SQL("c.company_id"), "calls": SQL("1"),
            "calls_without_request": SQL("(c.lead_id IS NULL)::int"), **self._ecom_call_channel(),
        }
        # talked: an outgoing call (made, picked up or not), an incoming one answered, as the first response
        # counts them; an incoming call missed counts for nobody, one logged by hand «not answered» too
        talked = SQL("%s WHERE c.user_id IS NOT NULL AND (c.direction = 'out' OR c.state IN ('answered', "
                     "'finished')) %s", self._ecom_call_channel_from(),
                     SQL() if changed is None else SQL("AND c.id = ANY(%s)", changed))
        return {"request": (values, source), "call": (calls, talked)}

    @api.model
    def _ecom_call_channel(self):
        """``{column: SQL}`` of a call's channel (``c``, its request ``cl`` and its telephony line
        ``cs``, joined by :meth:`_ecom_call_channel_from`): its request's source, medium and campaign,
        as the request's row has them (an empty one too: the call counts where its request does);
        of no request, its line's channel and medium."""
        return {
            "source_id": SQL("CASE WHEN c.lead_id IS NULL THEN cs.utm_source_id ELSE cl.source_id END"),
            "medium_id": SQL("CASE WHEN c.lead_id IS NULL THEN cs.utm_medium_id ELSE cl.medium_id END"),
            "campaign_id": SQL("cl.campaign_id"),
        }

    @api.model
    def _ecom_call_channel_from(self):
        """The ``FROM`` of the calls ``c`` with what :meth:`_ecom_call_channel` reads."""
        return SQL("ecom_call c LEFT JOIN crm_lead cl ON cl.id = c.lead_id "
                   "LEFT JOIN ecom_intake_source cs ON cs.id = c.source_id")

    @api.model
    def _ecom_team_sql(self, user):
        """The SQL of the sales team whose figures a row of ``user`` (the SQL of their id) counts in,
        when it has no request: their first active membership."""
        return SQL("(SELECT m.crm_team_id FROM crm_team_member m WHERE m.user_id = %s AND m.active "
                   "ORDER BY m.id LIMIT 1)", user)

    @api.model
    def _ecom_fill(self, lead_ids=None, order_ids=None):
        types = dict(self._ecom_columns())
        columns = list(types)
        summed = set(self._ecom_rollup_measures()[0])
        count = 0
        for values, source in self._ecom_parts(lead_ids).values():
            # in the order of the dates: a period's rows are neighbours on disk
            self.env.cr.execute(SQL(
                "INSERT INTO %s (%s, day) SELECT *, %s FROM (SELECT %s FROM %s) rows ORDER BY date",
                SQL.identifier(self._table), SQL(", ").join(map(SQL.identifier, columns)),
                self._ecom_day_sql(SQL("rows.date"), SQL("rows.company_id")),
                SQL(", ").join(SQL("%s AS %s", values.get(name) or SQL("%s::%s", 0 if name in summed else None,
                                                                        SQL(types[name].split()[0])),
                                   SQL.identifier(name))
                               for name in columns), source))
            count += self.env.cr.rowcount
        return count

    @api.model
    def _ecom_stale(self, lead_ids, order_ids):
        # the calls changed (all without the context's), the other kinds whole
        changed = self.env.context.get(CHANGED_CALLS)
        calls = SQL("kind = 'call'") if changed is None else SQL("call_id = ANY(%s)", changed)
        return SQL("kind NOT IN ('request', 'call') OR lead_id = ANY(%s) OR %s", lead_ids, calls)

    @api.model
    def _ecom_refresh(self, lead_ids=None, order_ids=None):
        """An incremental refresh (``lead_ids``) rebuilds the rows of the calls changed since this
        report's previous refresh, not every call's: a store's 100,000 calls of a year took a second
        to rebuild, each quarter of an hour, with the daily pre-aggregate of every day they were on."""
        now = self.env.cr.now()
        since = None if lead_ids is None else self._ecom_refreshed_at()
        changed = None if since is None else self._ecom_changed_calls(since - OVERLAP, lead_ids)
        count = super(EcomReportManager, self.with_context(**{CHANGED_CALLS: changed}))._ecom_refresh(
            lead_ids, order_ids)
        self._ecom_mark_refreshed(now)
        return count

    @api.model
    def _ecom_changed_calls(self, since, lead_ids=()):
        """The calls whose rows may have changed since ``since``: the call written (an event, who
        talked, its request, its company; a request deleted writes its calls, see ``crm.lead.unlink``),
        or whose salesperson's team is not their rows' any more (read from the daily pre-aggregate: a few
        rows per day; a membership switched off for the day, «available», changes nothing), or whose
        channel is not their row's any more: of a request of ``lead_ids`` (those changed: its channel
        edited) or of a telephony line written since (its channel changed). A call deleted takes its
        row along (``ON DELETE CASCADE``, see ``ecom.call.unlink``)."""
        self.env.flush_all()
        channel = self._ecom_call_channel()
        self.env.cr.execute(SQL("""
            SELECT id FROM ecom_call WHERE write_date >= %(since)s
             UNION
            SELECT id FROM ecom_call
             WHERE user_id IN (SELECT d.user_id FROM %(rollup)s d
                                WHERE d.kind = 'call' AND d.team_id IS DISTINCT FROM %(team)s)
             UNION
            SELECT c.id
              FROM %(calls)s
              JOIN %(table)s r ON r.call_id = c.id
             WHERE (c.lead_id = ANY(%(leads)s)
                    OR c.source_id IN (SELECT id FROM ecom_intake_source WHERE write_date >= %(since)s))
               AND (r.source_id, r.medium_id, r.campaign_id) IS DISTINCT FROM (%(source)s, %(medium)s, %(campaign)s)
        """, since=since, rollup=SQL.identifier(self._ecom_rollup_table()), team=self._ecom_team_sql(SQL("d.user_id")),
            calls=self._ecom_call_channel_from(), table=SQL.identifier(self._table), leads=list(lead_ids or ()),
            source=channel["source_id"], medium=channel["medium_id"], campaign=channel["campaign_id"]))
        return [call_id for (call_id,) in self.env.cr.fetchall()]

    def action_ecom_open_lead(self):
        """A row's «Open», and a click on a row: its call (a call's row), else its request; nothing for
        a row of neither (another addon's kind: the scoring's contacts), not a new request's form."""
        self.ensure_one()
        document = self.call_id or self.lead_id
        return document.get_formview_action() if document else False

    @api.model
    def ecom_calls_action(self, domain, measure="calls"):
        """The calls behind a number of the pivot (its group's ``domain``): the calls journal's list
        of the calls of the rows, those of no request for the measure ``calls_without_request``. The
        pivot's «Calls» and «Calls outside requests» open it instead of the report's rows."""
        domain = [*domain, ("kind", "=", "call"), ("call_id", "!=", False)]
        if measure == "calls_without_request":
            domain.append(("calls_without_request", ">", 0))
        # the calls said by a domain on their rows, not by their ids (a month of a big store's calls: thousands
        # of ids to the browser and back at each search); the list's search reads the rows under the user's
        # rules of the report, as the pivot did
        action = self.env["ir.actions.act_window"]._for_xml_id("ecom_crm.ecom_call_action")
        action.update(domain=[("ecom_report_manager_ids", "any", domain)], context={"create": False},
                      name=self.env._("Calls outside requests") if measure == "calls_without_request"
                      else self.env._("Calls"))
        return action


class EcomCall(models.Model):
    _inherit = "ecom.call"

    # the call's row of the salespeople's report (one, or none: a call nobody talked on), for a domain on
    # the report's rows (see EcomReportManager.ecom_calls_action)
    ecom_report_manager_ids = fields.One2many("ecom.report.manager", "call_id", "Salespeople's report rows",
                                              readonly=True)

    def unlink(self):
        """A call deleted leaves the salespeople's report with its row (``ON DELETE CASCADE``), and its
        day of the report's daily pre-aggregate is made again."""
        with self.env["ecom.report.table"]._ecom_rollup_forgetting("call_id", self.ids):
            return super().unlink()


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def unlink(self):
        """The calls of a request deleted are written as outside any request (the database would empty
        their request without a write): the salespeople's report then counts them among the calls
        outside requests at its next refresh (:meth:`EcomReportManager._ecom_changed_calls`)."""
        self.env["ecom.call"].sudo().search([("lead_id", "in", self.ids)]).write({"lead_id": False})
        return super().unlink()
