import logging

from odoo import api, fields, models
from odoo.tools import SQL

from .ecom_report_mixin import OptionalFloat

_logger = logging.getLogger(__name__)

# the lead's columns copied on each stay, for reports that need no join with the leads
LEAD_COLUMNS = ("user_id", "team_id", "company_id", "source_id", "medium_id", "campaign_id")


class EcomLeadStageHistory(models.Model):
    """One row per stay of a request in a stage: when it came in, when it left, how long it stayed.

    Written by SQL only, in sets: from now on by ``crm.lead._ecom_stage_changed`` (a stay is opened
    when a request enters a stage, closed when it leaves it or is lost), for the requests that
    existed before from the stage tracking Odoo keeps in the chatter (:meth:`_ecom_reconstruct`),
    and by the demo store's generator. A request has at most one open stay (``date_out`` empty):
    the one of its current stage while it is active. A lost request's last stay ends when it was
    lost; it enters no refusal stage here (the funnel reports where it dropped out)."""

    _name = "ecom.lead.stage.history"
    _description = "Request stage history"
    _order = "lead_id, date_in, id"
    _rec_name = "stage_id"

    lead_id = fields.Many2one("crm.lead", "Request", required=True, index=True, ondelete="cascade", readonly=True)
    stage_id = fields.Many2one("crm.stage", "Stage", required=True, index=True, ondelete="cascade", readonly=True)
    date_in = fields.Datetime("Entered", required=True, index=True, readonly=True)
    date_out = fields.Datetime("Left", readonly=True)
    duration = OptionalFloat("Hours in stage", readonly=True, aggregator="avg",
                             help="Empty while the request is still in the stage.")
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True, index="btree_not_null")
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    source_id = fields.Many2one("utm.source", "Source", readonly=True)
    medium_id = fields.Many2one("utm.medium", "Medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", "Campaign", readonly=True)

    def init(self):
        super().init()
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS ecom_lead_stage_history_open_uniq
                ON ecom_lead_stage_history (lead_id) WHERE date_out IS NULL
        """)

    # ------------------------------------------------------------------ recording
    @api.model
    def _ecom_record(self, lead_ids, when=None):
        """Bring the stays of ``lead_ids`` up to date with their stage and state, in two statements
        for the whole set: close the open stays that no longer hold (another stage, or lost), then
        open one for each active request in a stage that has none. Running it twice changes nothing."""
        if not lead_ids:
            return
        when = when or fields.Datetime.now()
        self.env["crm.lead"].flush_model(["stage_id", "active", *LEAD_COLUMNS])
        self.flush_model()
        ids = list(lead_ids)
        cr = self.env.cr
        cr.execute(SQL("""
            UPDATE ecom_lead_stage_history h
               SET date_out = %(when)s,
                   duration = extract(epoch FROM %(when)s - h.date_in) / 3600.0
              FROM crm_lead l
             WHERE h.lead_id = l.id AND l.id = ANY(%(ids)s) AND h.date_out IS NULL
               AND (NOT l.active OR l.stage_id IS DISTINCT FROM h.stage_id)
        """, when=when, ids=ids))
        cr.execute(SQL("""
            INSERT INTO ecom_lead_stage_history (lead_id, stage_id, date_in, %(columns)s,
                                                 create_uid, create_date, write_uid, write_date)
            SELECT l.id, l.stage_id, %(when)s, %(l_columns)s, %(uid)s, %(when)s, %(uid)s, %(when)s
              FROM crm_lead l
             WHERE l.id = ANY(%(ids)s) AND l.active AND l.stage_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM ecom_lead_stage_history h WHERE h.lead_id = l.id AND h.date_out IS NULL)
        """, when=when, ids=ids, uid=self.env.uid, columns=SQL(", ").join(map(SQL.identifier, LEAD_COLUMNS)),
            l_columns=SQL(", ").join(SQL.identifier("l", c) for c in LEAD_COLUMNS)))
        self.invalidate_model()

    # ------------------------------------------------------------- reconstruction
    @api.model
    def _ecom_reconstruct(self):
        """The stays of the requests that have none, rebuilt from the stage changes Odoo tracked in
        their chatter (``mail.tracking.value`` of ``crm.lead.stage_id``), in one statement.

        A request's first stay is in the stage its first tracked change left (its current stage if
        none), from its creation; each tracked change ends a stay and starts the next one. A stay in
        a refusal stage is not kept: entering it ended the previous one. The last stay of a lost
        request ends when it was closed (else last written). Requests that already have stays are
        left alone: running it again adds nothing. Returns the number of stays written."""
        self.env["crm.lead"].flush_model()
        self.env["mail.message"].flush_model()
        self.env["mail.tracking.value"].flush_model()
        self.flush_model()
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
        cr = self.env.cr
        cr.execute(SQL("""
            WITH todo AS (
                SELECT l.*
                  FROM crm_lead l
                 WHERE NOT EXISTS (SELECT 1 FROM ecom_lead_stage_history h WHERE h.lead_id = l.id)
            ), moves AS (
                SELECT m.res_id AS lead_id, greatest(m.date, t.create_date) AS date, m.id AS seq,
                       v.old_value_integer AS old_stage, v.new_value_integer AS new_stage
                  FROM mail_tracking_value v
                  JOIN mail_message m ON m.id = v.mail_message_id
                  JOIN todo t ON t.id = m.res_id
                 WHERE v.field_id = %(field)s AND m.model = 'crm.lead'
            ), firsts AS (
                SELECT DISTINCT ON (lead_id) lead_id, old_stage FROM moves ORDER BY lead_id, date, seq
            ), stays AS (
                SELECT t.id AS lead_id, coalesce(f.old_stage, t.stage_id) AS stage_id, t.create_date AS date_in,
                       0 AS seq
                  FROM todo t LEFT JOIN firsts f ON f.lead_id = t.id
                 UNION ALL
                SELECT lead_id, new_stage, date, seq FROM moves
            ), timed AS (
                SELECT s.*, lead(s.date_in) OVER (PARTITION BY s.lead_id ORDER BY s.date_in, s.seq) AS next_in,
                       row_number() OVER (PARTITION BY s.lead_id ORDER BY s.date_in DESC, s.seq DESC) = 1 AS last
                  FROM stays s
            )
            INSERT INTO ecom_lead_stage_history (lead_id, stage_id, date_in, date_out, duration, %(columns)s,
                                                 create_uid, create_date, write_uid, write_date)
            SELECT t.lead_id, t.stage_id, t.date_in, e.date_out,
                   extract(epoch FROM e.date_out - t.date_in) / 3600.0, %(l_columns)s,
                   %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
              FROM timed t
              JOIN todo l ON l.id = t.lead_id
              JOIN crm_stage s ON s.id = t.stage_id
             CROSS JOIN LATERAL (
                SELECT CASE WHEN NOT t.last THEN t.next_in
                            WHEN NOT l.active THEN greatest(t.date_in, coalesce(l.date_closed, l.write_date))
                            END AS date_out) e
             WHERE NOT coalesce(s.ecom_is_refusal, false)
        """, field=field.id, uid=self.env.uid, columns=SQL(", ").join(map(SQL.identifier, LEAD_COLUMNS)),
            l_columns=SQL(", ").join(SQL.identifier("l", c) for c in LEAD_COLUMNS)))
        count = cr.rowcount
        self.invalidate_model()
        _logger.info("ecom_crm: %d stage stays reconstructed from the stage tracking", count)
        return count


class CrmLead(models.Model):
    _inherit = "crm.lead"

    ecom_stage_history_ids = fields.One2many("ecom.lead.stage.history", "lead_id", "Stage history")

    def _ecom_stage_changed(self, previous):
        super()._ecom_stage_changed(previous)
        self.env["ecom.lead.stage.history"]._ecom_record(self.ids)
