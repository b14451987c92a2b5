import json
import logging
import time
import uuid
from collections import defaultdict
from datetime import timedelta

import requests
from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import str2bool

from ..tools import webhook
from ..tools.webhook import ORDER_STATUS_EVENTS

_logger = logging.getLogger(__name__)

# at most this many seconds of sending per cron run (the rest goes at the next run)
SEND_BUDGET = 50
# delivered entries are kept this long in the log
KEEP_DONE_DAYS = 30


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _ref(record):
    return {"id": record.id, "name": record.display_name} if record else None


class EcomWebhookDelivery(models.Model):
    """One status update for a shop (an API source): queued in the transaction that changed the
    request or the order, sent by a scheduled action with retries, in order per record."""

    _name = "ecom.webhook.delivery"
    _description = "Status webhook delivery"
    _order = "id desc"

    source_id = fields.Many2one("ecom.intake.source", "API source", required=True, readonly=True,
                                ondelete="cascade", index=True)
    company_id = fields.Many2one(related="source_id.company_id", store=True)
    event = fields.Selection([
        ("request.stage", "Request: stage changed"), ("request.lost", "Request: lost"),
        ("order.confirmed", "Order confirmed"), ("order.paid", "Order paid"), ("order.shipped", "Order shipped"),
        ("order.delivered", "Order delivered"), ("order.returned", "Order refused at delivery"),
        ("order.cancelled", "Order cancelled"),
    ], required=True, readonly=True)
    # the record whose events go in order (a request or an order)
    res_model = fields.Char("Record model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Record id", model_field="res_model", required=True, readonly=True)
    lead_id = fields.Many2one("crm.lead", "Request", readonly=True, ondelete="set null", index="btree_not_null")
    order_id = fields.Many2one("sale.order", "Order", readonly=True, ondelete="set null", index="btree_not_null")
    uuid = fields.Char("Delivery id", required=True, readonly=True, copy=False,
                       default=lambda self: str(uuid.uuid4()),
                       help="Sent in the X-Ecom-Delivery header, the same for every attempt: the shop "
                            "ignores a delivery whose id it has already processed.")
    payload = fields.Json(readonly=True)
    payload_text = fields.Text("Payload (text)", compute="_compute_payload_text")
    state = fields.Selection(
        [("pending", "Waiting"), ("done", "Sent"), ("failed", "Failed")], default="pending",
        required=True, readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime("Next attempt", readonly=True, default=fields.Datetime.now)
    last_attempt = fields.Datetime("Last attempt", readonly=True)
    last_error = fields.Text("Last error", readonly=True)
    response_code = fields.Integer("Response code", readonly=True, help="0: no answer (network error, timeout).")

    def init(self):
        # the sender reads the waiting deliveries only
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS ecom_webhook_delivery_pending_idx
                ON ecom_webhook_delivery (id) WHERE state = 'pending'
        """)

    @api.depends("payload")
    def _compute_payload_text(self):
        for delivery in self:
            delivery.payload_text = json.dumps(delivery.payload, ensure_ascii=False, indent=2, sort_keys=True) \
                if delivery.payload else False

    @api.depends("event", "lead_id", "order_id")
    def _compute_display_name(self):
        events = dict(self._fields["event"]._description_selection(self.env))
        for delivery in self:
            record = delivery.order_id or delivery.lead_id
            delivery.display_name = " · ".join(
                part for part in (events.get(delivery.event), record.display_name) if part) or str(delivery.id)

    # ----------------------------------------------------------------- queueing
    @api.model
    def _api_sources_of_leads(self, lead_ids):
        """``{lead_id: {source_id: [(journal id, the shop's idempotency key), ...]}}``: the API sources
        each lead's requests came from (one query), oldest request first."""
        found = defaultdict(lambda: defaultdict(list))
        if not lead_ids:
            return found
        self.env["ecom.intake.request"].flush_model(["lead_id", "source_id", "channel", "idempotency_key"])
        self.env.cr.execute("""
            SELECT lead_id, source_id, id, idempotency_key FROM ecom_intake_request
             WHERE lead_id = ANY(%s) AND source_id IS NOT NULL AND channel = 'api'
             ORDER BY id
        """, [list(lead_ids)])
        for lead_id, source_id, entry_id, key in self.env.cr.fetchall():
            found[lead_id][source_id].append((entry_id, key))
        return found

    @api.model
    def _request_part(self, lead, entries):
        """What the shop knows a request by: its own ids (the idempotency keys it sent) and ours."""
        keys = [key for _entry_id, key in entries if key]
        return {"id": lead.id, "external_id": keys[0] if keys else None, "external_ids": keys,
                "intake_ids": [entry_id for entry_id, _key in entries]}

    @api.model
    def _queue(self, items):
        """Create deliveries from ``items``: ``(source, event, record, lead, build)`` where ``build``
        makes the payload (in the source's company language) for the sources that want ``event``."""
        vals_list = []
        for source, event, record, lead, build in items:
            if not source._webhook_wants(event):
                continue
            delivery_uuid = str(uuid.uuid4())
            payload = build(source.with_context(lang=source.company_id.partner_id.lang or "en_US"))
            payload.update(event=event, id=delivery_uuid, source_id=source.id)
            vals_list.append({
                "source_id": source.id, "event": event, "res_model": record._name, "res_id": record.id,
                "lead_id": lead.id, "order_id": record.id if record._name == "sale.order" else False,
                "uuid": delivery_uuid, "payload": payload,
            })
        if not vals_list:
            return self.browse()
        deliveries = self.sudo().create(vals_list)
        self._wake_sender()
        return deliveries

    @api.model
    def _enqueue_lead_events(self, leads, previous):
        """Deliveries for leads whose stage or active flag changed (``previous``: see
        ``crm.lead._ecom_stage_changed``); leads just created are not news for the shop."""
        changed = leads.filtered(lambda lead: previous.get(lead.id) is not None)
        sources_of = self._api_sources_of_leads(changed.ids)
        Source = self.env["ecom.intake.source"].sudo()
        Stage = self.env["crm.stage"].sudo()
        items = []
        now = fields.Datetime.now()
        for lead in changed.sudo().filtered(lambda lead: lead.id in sources_of):
            old_stage_id, old_active = previous[lead.id]
            event = "request.lost" if old_active and not lead.active else "request.stage"
            for source_id, entries in sources_of[lead.id].items():
                def build(source, lead=lead, entries=entries, old_stage_id=old_stage_id):
                    mine = lead.with_env(source.env)
                    return {
                        "occurred_at": _iso(now), "request": self._request_part(mine, entries),
                        "status": "lost" if not mine.active else ("won" if mine.stage_id.is_won else "open"),
                        "stage": _ref(mine.stage_id), "previous_stage": _ref(Stage.with_env(source.env).browse(
                            old_stage_id or [])),
                        "reason": _ref(mine.lost_reason_id) if not mine.active else None,
                    }
                items.append((Source.browse(source_id), event, lead, lead, build))
        return self._queue(items)

    @api.model
    def _enqueue_order_events(self, events):
        """Deliveries for ``ecom.order.status.event`` records (see ``sale.order._ecom_status_changed``),
        to the API sources of the orders' requests; orders of no such request are not the shop's."""
        events = events.sudo().filtered(lambda e: e.status in ORDER_STATUS_EVENTS and e.order_id.opportunity_id)
        sources_of = self._api_sources_of_leads(events.order_id.opportunity_id.ids)
        Source = self.env["ecom.intake.source"].sudo()
        items = []
        for status_event in events.sorted("id"):
            order = status_event.order_id
            lead = order.opportunity_id
            for source_id, entries in sources_of.get(lead.id, {}).items():
                def build(source, status_event=status_event, lead=lead, order=order, entries=entries):
                    mine = status_event.with_env(source.env)
                    return {
                        "occurred_at": _iso(status_event.date), "request": self._request_part(lead, entries),
                        "order": {"id": order.id, "name": order.name, "amount_total": order.amount_total,
                                  "currency": order.currency_id.name},
                        "status": status_event.status, "previous_status": status_event.previous_status or None,
                        "tracking_number": status_event.tracking_number or None, "reason": _ref(mine.reason_id),
                    }
                items.append((Source.browse(source_id), ORDER_STATUS_EVENTS[status_event.status], order, lead,
                              build))
        return self._queue(items)

    @api.model
    def _wake_sender(self):
        """Trigger the sender once for the deliveries of this transaction (the trigger is committed
        with them: a rolled back change sends nothing)."""
        cron = self.env.ref("ecom_crm.ir_cron_send_webhooks", raise_if_not_found=False)
        if cron:
            # any trigger due by now, this transaction's included (SQL's now() is its start)
            self.env.cr.execute("SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= %s LIMIT 1",
                                [cron.id, fields.Datetime.now()])
            if not self.env.cr.fetchone():
                cron.sudo()._trigger()

    # ------------------------------------------------------------------ sending
    @api.model
    def _due_ids(self, limit=None):
        """The deliveries that may be sent now: the oldest waiting one of each record, once due."""
        self.flush_model(["state", "next_attempt"])
        self.env.cr.execute("""
            SELECT id, source_id, res_model, res_id, next_attempt FROM ecom_webhook_delivery
             WHERE state = 'pending' ORDER BY id
        """)
        rows = [(delivery_id, (source_id, model, res_id), next_attempt)
                for delivery_id, source_id, model, res_id, next_attempt in self.env.cr.fetchall()]
        return webhook.due_in_order(rows, fields.Datetime.now(), limit)

    @api.model
    def _cron_send(self, budget=SEND_BUDGET, commit=True):
        """Send what is due, record by record in order, for at most ``budget`` seconds; ``commit``:
        after each delivery (a crash resends at most one; the shop deduplicates by delivery id).
        Returns the number of attempts made."""
        deadline = time.monotonic() + budget
        tried = set()  # one attempt per delivery and run, whatever the clock says
        while time.monotonic() < deadline:
            due = self.browse([delivery_id for delivery_id in self._due_ids(limit=100 + len(tried))
                               if delivery_id not in tried][:100])
            if not due:
                break
            for delivery in due:
                if time.monotonic() >= deadline:
                    break
                tried.add(delivery.id)
                if not delivery._claim():
                    continue  # another run has it, or it was sent or changed since it was listed
                claimed_attempts = delivery.attempts
                if commit:  # the claim is seen by every other run before the shop is called
                    self.env.cr.commit()
                # locked while the shop is called (till the commit after): «Retry now» meanwhile
                # leaves it to this run; pressed since the claim's commit, it is the next run's
                if delivery.state == "pending" and delivery._hold_claim(claimed_attempts):
                    delivery._send()
                if commit:
                    self.env.cr.commit()
        return len(tried)

    def _claim(self):
        """Take this delivery for one attempt, before the shop is called: the attempt is counted
        and the next one scheduled as if it failed. Committed before the call, the claim keeps
        another run (a manual «Run» beside the scheduled one) from sending it at the same time, and a
        run that dies during the call (a shop that never answers, a restart) leaves it waiting for
        its retry: it is neither sent again at once nor left holding its record's later updates
        forever. False when it is not to be sent now (taken, sent, rescheduled)."""
        self.ensure_one()
        self.flush_recordset()
        attempts = self.attempts
        now = fields.Datetime.now()
        if attempts >= webhook.MAX_ATTEMPTS:  # its last attempt was interrupted: no further one
            vals = {"state": "failed", "next_attempt": None}
        else:
            vals = {"attempts": attempts + 1, "last_attempt": now, "response_code": 0,
                    "next_attempt": now + webhook.retry_delay(attempts + 1),
                    "last_error": _("The attempt did not finish (the sender stopped while waiting for the shop).")}
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("""
                    SELECT id FROM ecom_webhook_delivery
                     WHERE id = %s AND state = 'pending' AND COALESCE(attempts, 0) = %s
                       AND (next_attempt IS NULL OR next_attempt <= %s)
                       FOR NO KEY UPDATE SKIP LOCKED
                """, [self.id, attempts, now], log_exceptions=False)
                claimed = bool(self.env.cr.fetchone())
        except pg_errors.SerializationFailure:  # changed by another run since this one's snapshot
            claimed = False
        if claimed:
            self.sudo().write(vals)
        else:
            self.invalidate_recordset()
        return claimed

    def _hold_claim(self, claimed_attempts):
        """Lock this delivery, just claimed (and committed) with its attempt number
        ``claimed_attempts``, for the time of the call: True when it is still as its claim left it
        (no «Retry now» in between, no other run has it)."""
        self.ensure_one()
        self.flush_recordset(["state", "attempts"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("""
                    SELECT id FROM ecom_webhook_delivery
                     WHERE id = %s AND state = 'pending' AND attempts = %s
                       FOR NO KEY UPDATE SKIP LOCKED
                """, [self.id, claimed_attempts], log_exceptions=False)
                held = bool(self.env.cr.fetchone())
        except pg_errors.SerializationFailure:
            held = False
        if not held:
            self.invalidate_recordset()
        return held

    def _send(self):
        """One attempt of a delivery just claimed (``_claim``): POST the payload, signed with the
        source's secret; success on 2xx, any other answer, a network error or a timeout schedules the
        next attempt (or fails the delivery)."""
        self.ensure_one()
        source = self.source_id.sudo()
        now = fields.Datetime.now()
        code, error = 0, None
        # «1», «True»: a shop on the server's own network; «0», «False» or nothing: public addresses only
        public_only = not str2bool(self.env["ir.config_parameter"].sudo().get_param(
            "ecom_crm.webhook_private_targets") or "0", False)
        refused = unresolved = None
        # the environment's proxies are never used (theirs would resolve the host past the refusal of
        # private addresses); an administrator may name one for a server without direct access
        proxy = (self.env["ir.config_parameter"].sudo().get_param(webhook.PROXY_PARAM) or "").strip() or None
        if not source.webhook_url or not source.webhook_secret:
            error = _("The API source has no webhook URL or secret.")
        elif proxy and not webhook.valid_proxy(proxy):
            error = _("The proxy of the status webhooks (system parameter %(param)s) is not an http:// or "
                      "https:// URL: %(proxy)s", param=webhook.PROXY_PARAM, proxy=proxy)
        else:
            body = webhook.encode_body(self.payload)
            sent_headers = webhook.headers(source.webhook_secret, time.time(), body, self.uuid, self.event)
            try:
                # public addresses only: the host's addresses are checked first, then the one connected
                # to (a DNS answer may change); the whole attempt, DNS lookups included, ends within
                # webhook.TIMEOUT seconds; of a failed answer only its beginning is read
                code, answer = webhook.post(source.webhook_url, body, sent_headers, public_only=public_only,
                                            proxy=proxy, seconds=webhook.TIMEOUT)
                if not webhook.is_success(code):
                    error = webhook.shorten(f"HTTP {code}: {answer}")
            except requests.RequestException as exc:
                refused = webhook.refused_address(exc)
                unresolved = webhook.unresolved_host(exc)
                error = webhook.shorten(f"{type(exc).__name__}: {exc}")
                if webhook.timed_out(exc) and not refused and not unresolved:
                    # what happened first, in the reader's words; urllib3's account after it
                    error = webhook.shorten(_(
                        "No answer within %(seconds)s seconds (from the shop or its proxy): tried again later. "
                        "%(detail)s", seconds=webhook.TIMEOUT, detail=error))
            except Exception as exc:
                # any other failure of the network stack (ssl, a library's own error) fails this
                # attempt only: the other deliveries due still go
                _logger.exception("webhook delivery %s: the attempt failed", self.id)
                # the detail composed outside the call: Odoo's export of terms (Babel) reads the arguments
                # of _() as literals, and an f-string there hid this file's later terms from the export
                detail = f"{type(exc).__name__}: {exc}"
                error = webhook.shorten(_("The attempt failed: %(error)s", error=detail))
        if refused:
            error = _("The webhook URL leads to %(address)s, an address of a private network: not called. An "
                      "administrator may allow such addresses (system parameter "
                      "ecom_crm.webhook_private_targets).", address=refused)
        elif unresolved:
            error = _("The address of %(host)s was not found within %(seconds)s seconds (the DNS server did not "
                      "answer): not called, tried again later.", host=unresolved, seconds=webhook.TIMEOUT)
        attempts = self.attempts  # counted by the claim
        vals = {"attempts": attempts, "last_attempt": now, "response_code": code}
        if error is None:
            vals.update(state="done", next_attempt=False, last_error=False)
        else:
            state, next_attempt = webhook.after_failure(attempts, now)
            vals.update(state=state, next_attempt=next_attempt or False, last_error=error)
            _logger.info("webhook delivery %s to source %s failed (attempt %s): %s", self.id, source.id,
                         attempts, error)
        self.sudo().write(vals)
        return error is None

    def action_retry(self):
        """«Retry now»: the delivery goes at the sender's next run, with a fresh retry schedule
        (still after any earlier waiting delivery of its record)."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(_("Only sales managers retry webhook deliveries."))
        todo = self.filtered(lambda delivery: delivery.state != "done")
        if not todo:
            raise UserError(_("These deliveries have already been delivered."))
        # claimed as the sender claims: a delivery the sender is calling the shop with right now is
        # locked by it and left to it (reset, a second run would send it at the same time)
        todo.flush_recordset(["state"])
        self.env.cr.execute("""
            SELECT id FROM ecom_webhook_delivery
             WHERE id = ANY(%s) AND state != 'done'
               FOR NO KEY UPDATE SKIP LOCKED
        """, [todo.ids])
        free = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not free:
            raise UserError(_("These deliveries are being sent right now: their result shows in a moment."))
        free.sudo().write({"state": "pending", "attempts": 0, "next_attempt": fields.Datetime.now()})
        self._wake_sender()
        busy = todo - free
        if busy:
            return {"type": "ir.actions.client", "tag": "display_notification", "params": {
                "type": "warning", "sticky": False,
                "message": _("%(count)s of the deliveries were being sent right now: left to the sender.",
                             count=len(busy)),
            }}
        return True

    @api.autovacuum
    def _gc_delivered(self):
        """Delivered entries older than KEEP_DONE_DAYS leave the log (failed ones stay)."""
        self.env.cr.execute("DELETE FROM ecom_webhook_delivery WHERE state = 'done' AND create_date < %s",
                            [fields.Datetime.now() - timedelta(days=KEEP_DONE_DAYS)])
