import logging
import threading

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import MissingError

_logger = logging.getLogger(__name__)

CHANNEL_STATES = [
    ("pending", "To send"),
    ("queued", "Queued"),
    ("skipped", "Not sent"),
    ("error", "Error"),
]


class EcomNotificationLog(models.Model):
    """What a customer was sent when a request reached a stage or an order a status: once.

    One row per (request, stage) or (order, status): a request moved back and forth, or an order
    whose status comes back from 1C again, is not notified twice. The row is written when the
    request/order gets there (cheap, set-based); the rendering and posting of the messages is done by
    a scheduled action triggered at once, so neither a user's click nor a 1C import of a thousand
    statuses waits for it. Opt-outs (email and phone blacklists, «do not disturb») and archived
    customers are checked at sending; a skipped message is remembered too.
    """

    _name = "ecom.notification.log"
    _description = "Customer notification"
    _order = "id desc"
    _rec_name = "res_name"

    # auto_join: the salespeople's record rule reads the request's and the order's salesperson by a join;
    # its two subqueries joined by an OR are not hashed once the orders are many (PostgreSQL scans the
    # orders again for every row: seconds a page, a count that never ends). A salesperson's rows are of
    # documents they read anyway: a search through these joins bypasses no rule of theirs.
    lead_id = fields.Many2one("crm.lead", "Request", ondelete="cascade", index="btree_not_null", auto_join=True)
    stage_id = fields.Many2one("crm.stage", "Stage", ondelete="cascade")
    order_id = fields.Many2one("sale.order", "Order", ondelete="cascade", index="btree_not_null",
                               auto_join=True)
    status = fields.Selection(selection="_selection_status", string="Order status")
    res_name = fields.Char("Document", compute="_compute_res_name")
    partner_id = fields.Many2one("res.partner", "Customer", ondelete="set null")
    company_id = fields.Many2one("res.company", "Company")
    mail_state = fields.Selection(CHANNEL_STATES, "Email")
    mail_message_id = fields.Many2one("mail.message", "Email message", ondelete="set null")
    sms_state = fields.Selection(CHANNEL_STATES, "SMS")
    sms_message_id = fields.Many2one("mail.message", "SMS message", ondelete="set null")
    note = fields.Char("Note", help="Why a message was not sent.")
    mail_template_id = fields.Many2one("mail.template", "Email template", ondelete="set null")
    sms_template_id = fields.Many2one("sms.template", "SMS template", ondelete="set null")
    done = fields.Boolean("Processed", index=True, readonly=True)

    _sql_constraints = [
        ("lead_stage_uniq", "UNIQUE(lead_id, stage_id)", "A request is notified once per stage."),
        ("order_status_uniq", "UNIQUE(order_id, status)", "An order is notified once per status."),
    ]

    @api.model
    def _selection_status(self):
        # the labels in the reader's language: Odoo translates a selection given as a list by its
        # field, not one a method returns
        return self.env["sale.order"]._fields["ecom_status"]._description_selection(self.env)

    @api.depends("lead_id", "order_id")
    def _compute_res_name(self):
        for log in self:
            log.res_name = (log.lead_id or log.order_id).display_name

    # -- sending ------------------------------------------------------------------------------------
    @api.model
    def _ecom_queue(self, vals_list):
        """Remember what is to be sent (one row each) and wake the sending job up."""
        logs = self.sudo().create([dict(vals, mail_state="pending" if vals.get("mail_template_id") else False,
                                        sms_state="pending" if vals.get("sms_template_id") else False)
                                   for vals in vals_list])
        if logs:
            self.env.ref("ecom_crm.ir_cron_send_notifications").sudo()._trigger()
        return logs

    @api.model
    def _cron_ecom_send_notifications(self, limit=200):
        """Render and post the pending notifications; never raises (each row on its own)."""
        logs = self.sudo().search([("done", "=", False)], order="id", limit=limit)
        testing = getattr(threading.current_thread(), "testing", False)
        for log in logs:
            # a request, order or customer deleted since the list was read (its row goes with them):
            # that notification is skipped, the run goes on with the others
            try:
                with self.env.cr.savepoint():
                    if log.exists():
                        log._ecom_send()
                        self.env.flush_all()
            except (MissingError, pg_errors.SerializationFailure) as error:
                self.env.invalidate_all()
                _logger.info("notification %s skipped: its record was deleted meanwhile (%s)", log.id,
                             type(error).__name__)
            if not testing:
                self.env.cr.commit()
        if len(logs) == limit:
            self.env.ref("ecom_crm.ir_cron_send_notifications").sudo()._trigger()
        return logs

    def _ecom_send(self):
        """Queue this row's email and/or SMS for its customer (mail.mail, sms.sms)."""
        self.ensure_one()
        record = (self.lead_id or self.order_id).sudo()
        vals = {"done": True}
        if not record:
            self.write(dict(vals, mail_state=self.mail_state and "skipped", sms_state=self.sms_state and "skipped"))
            return
        partner = self.partner_id.sudo()
        notes = []
        dnd = partner and partner._ecom_do_not_disturb()
        if self.mail_template_id:
            vals["mail_state"], message, note = self._ecom_send_mail(record, partner, self.mail_template_id, dnd)
            vals["mail_message_id"] = message.id or False
            notes += [note] if note else []
        if self.sms_template_id:
            vals["sms_state"], message, note = self._ecom_send_sms(record, partner, self.sms_template_id, dnd)
            vals["sms_message_id"] = message.id or False
            notes += [note] if note else []
        vals["note"] = "; ".join(notes) or False
        self.write(vals)

    @api.model
    def _ecom_send_mail(self, record, partner, template, dnd):
        empty = self.env["mail.message"]
        if dnd:
            return "skipped", empty, self.env._("Email: the customer asked not to be disturbed")
        if partner and not partner.active:  # archived: a duplicate put away, a contact closed
            return "skipped", empty, self.env._("Email: the customer is archived")
        email = partner.email_normalized if partner else record.email_normalized
        if not email:
            return "skipped", empty, self.env._("Email: no email address")
        blacklisted = partner.is_blacklisted if partner else record.is_blacklisted
        if blacklisted:  # computed from mail.blacklist
            return "skipped", empty, self.env._("Email: the address is blacklisted")
        try:
            with self.env.cr.savepoint():
                # queued: the mail queue cron sends the mail.mail, the user does not wait
                message = record.with_context(mail_notify_force_send=False).message_post_with_source(
                    template, message_type="comment", subtype_xmlid="mail.mt_comment",
                    **({"partner_ids": partner.ids} if partner else {}))
        except Exception as exc:
            _logger.warning("Notification email of %s failed: %s", record, exc)
            return "error", empty, self.env._("Email: %s", exc)
        return "queued", message, None

    @api.model
    def _ecom_send_sms(self, record, partner, template, dnd):
        empty = self.env["mail.message"]
        if dnd:
            return "skipped", empty, self.env._("SMS: the customer asked not to be disturbed")
        if partner and not partner.active:
            return "skipped", empty, self.env._("SMS: the customer is archived")
        # a customer's SMS number (the mobile, else the phone, that takes SMS: as the audiences'),
        # not Odoo's sanitized number (the «Mobile» field first, a landline too); a request without
        # a customer, its own sanitized number
        number = partner.ecom_sms_number if partner else record.phone_sanitized
        if not number:
            return "skipped", empty, self.env._("SMS: no valid phone number")
        if partner.ecom_sms_blacklisted if partner else record.phone_sanitized_blacklisted:  # phone.blacklist
            return "skipped", empty, self.env._("SMS: the number is blacklisted")
        try:
            with self.env.cr.savepoint():
                kwargs = ({"partner_ids": partner.ids, "sms_pid_to_number": {partner.id: number}} if partner
                          else {"partner_ids": [], "sms_numbers": [number]})
                # queued: sent by the SMS queue's cron through the company's gateway
                message = record._message_sms_with_template(template=template, put_in_queue=True, **kwargs)
        except Exception as exc:
            _logger.warning("Notification SMS of %s failed: %s", record, exc)
            return "error", empty, self.env._("SMS: %s", exc)
        return "queued", message, None
