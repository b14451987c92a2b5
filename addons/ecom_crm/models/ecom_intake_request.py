import logging
import time
from datetime import datetime

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class EcomIntakeRequest(models.Model):
    """The journal of every incoming request, from every channel (API, calls, email), as it came."""

    _name = "ecom.intake.request"
    _description = "Incoming request"
    _order = "id desc"
    _rec_name = "id"

    state = fields.Selection(
        [("pending", "Waiting"), ("done", "Done"), ("failed", "Failed")], default="done", required=True,
        index=True, readonly=True, help="Requests from the API are answered at once and turned into leads in "
                                        "the background, in arrival order.")
    error = fields.Text(readonly=True)
    data = fields.Json("Validated request", readonly=True)
    channel = fields.Selection(
        [("api", "Site / API"), ("call", "Phone call"), ("email", "Email")], string="Received by", required=True,
        default="api", help="How the request reached us; its marketing channel is the UTM source.")
    source_id = fields.Many2one("ecom.intake.source", "API source", index=True, ondelete="set null")
    idempotency_key = fields.Char(index=True)
    lead_id = fields.Many2one("crm.lead", "Request", index="btree_not_null", ondelete="set null")
    partner_id = fields.Many2one("res.partner", "Customer", index="btree_not_null", ondelete="set null")
    result = fields.Selection(
        [("created", "New request"), ("updated", "Added to an open request")], readonly=True)
    repeat_customer = fields.Boolean("Repeat customer", readonly=True)
    new_customer = fields.Boolean("New customer", readonly=True)
    contact_name = fields.Char(readonly=True)
    phone = fields.Char(readonly=True)
    email = fields.Char(readonly=True)
    message = fields.Text(readonly=True)
    utm_source_id = fields.Many2one("utm.source", "Channel", readonly=True)
    utm_medium_id = fields.Many2one("utm.medium", "Medium", readonly=True)
    utm_campaign_id = fields.Many2one("utm.campaign", "Campaign", readonly=True)
    click_id = fields.Char("Click id", readonly=True)
    referrer = fields.Char(readonly=True)
    amount = fields.Float(readonly=True)
    payload = fields.Json(readonly=True, groups="sales_team.group_sale_manager")
    remote_addr = fields.Char("From address", readonly=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)

    _sql_constraints = [
        ("idempotency_unique", "UNIQUE(source_id, idempotency_key)",
         "A source cannot send the same idempotency key twice."),
    ]

    @api.model
    def _vals_from_data(self, data, source, channel, remote_addr=None):
        """Journal values that are known as soon as a request arrives."""
        click = next((data[key] for key in ("yclid", "gclid", "rb_clickid") if data.get(key)), False)
        return {
            "channel": channel, "source_id": source.id if source else False,
            "idempotency_key": data.get("idempotency_key"), "contact_name": data.get("name"),
            "phone": data.get("phone"), "email": data.get("email"), "message": data.get("message"),
            "click_id": click, "referrer": data.get("referrer"), "amount": data.get("amount", 0.0),
            "payload": data.get("_raw"), "remote_addr": remote_addr,
            "company_id": (source.company_id if source else self.env.company).id,
        }

    @api.model
    def _journal(self, data, source, channel="api", remote_addr=None):
        """A pending journal entry holding a validated request."""
        stored = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items() if k != "_raw"}
        return self.create({**self._vals_from_data(data, source, channel, remote_addr), "state": "pending",
                            "data": stored})

    @api.model
    def _enqueue(self, data, source, remote_addr=None):
        """Journal a validated API request for background processing and wake the processor."""
        entry = self._journal(data, source, "api", remote_addr)
        self._wake_processor()
        return entry

    @api.model
    def _wake_processor(self):
        """Trigger the processor unless a trigger is already waiting (one per burst, not per request)."""
        cron = self.env.ref("ecom_crm.ir_cron_process_intake").sudo()
        self.env.cr.execute("SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= now() at time zone 'utc' "
                            "LIMIT 1", [cron.id])
        if not self.env.cr.fetchone():
            cron._trigger()

    def _process(self):
        """Turn pending entries into leads, in arrival order, as one batch; if the batch fails,
        entry by entry, so that one bad request is recorded as failed and loses nothing else."""
        pending = self.filtered(lambda e: e.state == "pending").sorted("id")
        # created in the background: no "created" log line nor initial tracking message
        Lead = self.env["crm.lead"].with_context(mail_create_nolog=True, tracking_disable=True)
        try:
            with self.env.cr.savepoint():
                Lead._ecom_intake_batch(pending)
            return self
        except Exception:
            _logger.info("intake batch of %s failed, processing one by one", len(pending), exc_info=True)
        for entry in pending:
            try:
                with self.env.cr.savepoint():
                    Lead.with_company(entry.company_id)._ecom_intake_batch(entry)
            except Exception as error:  # kept on the entry for a person to see
                _logger.exception("intake request %s failed", entry.id)
                entry.write({"state": "failed", "error": f"{error.__class__.__name__}: {error}"})
        return self

    @api.model
    def _cron_process_pending(self, batch=200, budget=50.0, auto_commit=True):
        """Process the queue in batches, committing each, until empty or ``budget`` seconds passed.

        ``FOR UPDATE SKIP LOCKED`` lets several cron workers share the queue without doubles.
        """
        started = time.monotonic()
        processed = 0
        while time.monotonic() - started < budget:
            self.env.cr.execute("""
                SELECT id FROM ecom_intake_request WHERE state = 'pending'
                 ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
            """, [batch])
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            self.browse(ids)._process()
            processed += len(ids)
            if auto_commit:
                self.env.cr.commit()
        return processed

    def init(self):
        # the rate limit counts a source's requests of the last minute
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS ecom_intake_request_source_date_idx
                ON ecom_intake_request (source_id, create_date)
        """)
