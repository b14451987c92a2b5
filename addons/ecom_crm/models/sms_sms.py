import logging
import threading
from datetime import timedelta

from odoo import api, fields, models

from ..tools.phones import normalize_phone, phone_without_extension
from ..tools.sms_gateways import SendResult

_logger = logging.getLogger(__name__)

# how long the statuses of a sent SMS are asked for; later it is left as sent (pending)
STATUS_POLL_DAYS = 3


class SmsSms(models.Model):
    """Odoo's SMS queue, sent through the company's gateway when it is not Odoo IAP.

    ``_send`` is the one place every SMS goes through (mailings, templates, notifications, the
    queue's cron), so overriding it routes all of them. An SMS sent through a Russian provider is
    kept (not marked for deletion) until its final delivery status comes back, by the provider's
    callback or the polling cron; its notification (``sms.tracker``) follows its state.
    """

    _inherit = "sms.sms"

    failure_type = fields.Selection(selection_add=[
        ("sms_expired", "Expired"),
        ("sms_invalid_destination", "Invalid Destination"),
        ("sms_not_allowed", "Not Allowed"),
        ("sms_not_delivered", "Not Delivered"),
        ("sms_rejected", "Rejected"),
    ])
    ecom_company_id = fields.Many2one(
        "res.company", "Company", default=lambda self: self.env.company, index=True,
        help="Its SMS gateway sends the message.")
    ecom_gateway = fields.Selection(
        selection=lambda self: self.env["res.company"]._fields["ecom_sms_gateway"].selection,
        string="Gateway", readonly=True, copy=False)
    ecom_provider_ref = fields.Char("Provider's message id", readonly=True, copy=False, index="btree_not_null")
    ecom_failure_reason = fields.Char("Failure reason", readonly=True, copy=False)
    ecom_sent_date = fields.Datetime("Sent on", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        # the company of the record the SMS is posted on, when it has one (one query per model)
        messages = self.env["mail.message"].browse(
            [vals["mail_message_id"] for vals in vals_list
             if vals.get("mail_message_id") and "ecom_company_id" not in vals]).sudo()
        company_by_message = {}
        for model, model_messages in messages.grouped("model").items():
            if not model or model not in self.env or "company_id" not in self.env[model]._fields:
                continue
            records = self.env[model].sudo().browse(set(model_messages.mapped("res_id"))).exists()
            company_by_record = {record.id: record.company_id[:1].id for record in records}
            for message in model_messages:
                if company_by_record.get(message.res_id):
                    company_by_message[message.id] = company_by_record[message.res_id]
        # a mailing's SMS: the company of the audience it goes to (the queue's job and the marketer
        # sending it work in their own company, maybe another shop with its own account and sender)
        mailings = self.env["mailing.mailing"].sudo().browse(
            {vals["mailing_id"] for vals in vals_list if vals.get("mailing_id") and "ecom_company_id" not in vals})
        company_by_mailing = {mailing.id: mailing._ecom_company().id for mailing in mailings}
        for vals in vals_list:
            if vals.get("mail_message_id") in company_by_message:
                vals["ecom_company_id"] = company_by_message[vals["mail_message_id"]]
            elif company_by_mailing.get(vals.get("mailing_id")):
                vals["ecom_company_id"] = company_by_mailing[vals["mailing_id"]]
        return super().create(vals_list)

    def send(self, unlink_failed=False, unlink_sent=True, auto_commit=False, raise_exception=False):
        # Odoo commits after each batch of 500, sent to IAP in one request. A Russian gateway takes
        # one request per SMS: the queue's job (auto_commit) commits each, so that a worker killed at
        # its time limit halfway through a batch leaves no SMS sent but still queued, to be sent again.
        if auto_commit is True and not getattr(threading.current_thread(), "testing", False):
            self = self.with_context(ecom_sms_commit_each=True)
        return super().send(unlink_failed=unlink_failed, unlink_sent=unlink_sent, auto_commit=auto_commit,
                            raise_exception=raise_exception)

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        by_company = self.grouped(lambda sms: sms.ecom_company_id or self.env.company)
        for company, sms_batch in by_company.items():
            if company.ecom_sms_gateway in (False, "iap"):
                super(SmsSms, sms_batch)._send(
                    unlink_failed=unlink_failed, unlink_sent=unlink_sent, raise_exception=raise_exception)
            else:
                sms_batch._ecom_send_gateway(company, unlink_failed=unlink_failed)

    def _ecom_send_gateway(self, company, unlink_failed=False):
        """Send through the company's Russian gateway, one request per SMS; never raises. In the
        queue's job, each SMS's result is committed before the next request (see ``send``).

        A failure of the account (credentials, balance) fails the rest of the batch without asking the
        gateway again; a gateway that does not answer leaves the rest queued for the next run."""
        client = company._ecom_sms_client()
        country = company._ecom_phone_country()
        fatal = None
        sms_sudo = self.sudo().with_context(sms_skip_msg_notification=True)
        for sms in sms_sudo:
            if fatal and fatal.unreachable:
                break  # the gateway does not answer: the rest stays queued for the next run
            if fatal:
                result = fatal
            else:
                number, valid = normalize_phone(sms.number, country.code, country.phone_code)
                if not sms.number:
                    result = client.send("", sms.body or "")
                elif not valid:
                    result = SendResult(ok=False, failure_type="sms_number_format", reason=self.env._(
                        "The number %s is not a valid phone number.", sms.number))
                else:
                    try:
                        # to the number: an extension kept with it is for a voice call
                        result = client.send(phone_without_extension(number), sms.body or "")
                    except Exception as exc:
                        _logger.exception("SMS gateway %s failed", client.code)
                        result = SendResult(ok=False, failure_type="sms_server", reason=repr(exc))
                if result.fatal or result.unreachable:
                    fatal = result
            sms._ecom_apply_send_result(client.code, result, unlink_failed=unlink_failed)
            if self.env.context.get("ecom_sms_commit_each"):  # the queue's job only: see send()
                self.env.cr.commit()
        sms_sudo.mail_message_id._notify_message_notification_update()

    def _ecom_apply_send_result(self, gateway, result, unlink_failed=False):
        self.ensure_one()
        if result.ok:
            self.write({"state": "pending", "failure_type": False, "ecom_failure_reason": False,
                        "ecom_gateway": gateway, "ecom_provider_ref": result.provider_ref,
                        "ecom_sent_date": fields.Datetime.now()})
            self.sms_tracker_id._action_update_from_sms_state("pending")
        else:
            failure_type = result.failure_type or "unknown"
            reason = str(result.reason) if result.reason else False  # a lazy translation: the user's language
            self.write({"state": "error", "failure_type": failure_type, "ecom_failure_reason": reason,
                        "ecom_gateway": gateway, **({"to_delete": True} if unlink_failed else {})})
            self.sms_tracker_id._action_update_from_sms_state(
                "error", failure_type=failure_type, failure_reason=reason)

    @api.model
    def _ecom_apply_statuses(self, company, gateway, statuses):
        """Apply delivery statuses (tools.sms_gateways.StatusResult) reported for ``company``."""
        # an item PostgreSQL cannot read (a NUL character in its id or reason) names no SMS of ours:
        # skipped, so that the others are applied and the provider reads its answer and stops sending
        final = [status for status in statuses if status.state in ("sent", "error") and not any(
            "\x00" in value for value in (status.provider_ref, status.reason) if isinstance(value, str))]
        if not final:
            return self.browse()
        all_sms = self.sudo().search([
            ("ecom_gateway", "=", gateway), ("ecom_company_id", "=", company.id),
            ("ecom_provider_ref", "in", [status.provider_ref for status in final]),
        ])
        sms_by_ref = all_sms.grouped("ecom_provider_ref")
        done = self.browse()
        for status in final:
            sms = sms_by_ref.get(status.provider_ref, self.browse()).filtered(lambda s: s.state == "pending")
            if not sms:
                continue
            if status.state == "sent":
                sms.write({"state": "sent", "to_delete": True})
                sms.sms_tracker_id._action_update_from_sms_state("sent")
            else:
                failure_type = f"sms_{status.failure}" if status.failure else "unknown"
                if failure_type not in self.DELIVERY_ERRORS:
                    failure_type = "unknown"
                sms.write({"state": "error", "failure_type": failure_type,
                           "ecom_failure_reason": status.reason, "to_delete": True})
                notification_status = "bounce" if failure_type in self.BOUNCE_DELIVERY_ERRORS else "exception"
                sms.sms_tracker_id._update_sms_notifications(
                    notification_status, failure_type=failure_type, failure_reason=status.reason)
            done |= sms
        return done

    @api.model
    def _ecom_cron_poll_statuses(self):
        """Ask the Russian gateways the statuses of the SMS still on their way; never raises."""
        since = fields.Datetime.now() - timedelta(days=STATUS_POLL_DAYS)
        base = [("state", "=", "pending"), ("ecom_provider_ref", "!=", False), ("to_delete", "=", False)]
        # past the window: left as sent, cleaned like Odoo's own sent SMS
        self.sudo().search([*base, ("ecom_sent_date", "<", since)]).to_delete = True
        for company in self.env["res.company"].sudo().search([("ecom_sms_gateway", "!=", "iap")]):
            pending = self.sudo().search([
                *base, ("ecom_company_id", "=", company.id), ("ecom_gateway", "=", company.ecom_sms_gateway),
                ("ecom_sent_date", ">=", since)], order="id", limit=1000)
            if not pending:
                continue
            try:
                with self.env.cr.savepoint():
                    client = company._ecom_sms_client()
                    statuses = client.statuses([(sms.ecom_provider_ref, sms.number) for sms in pending])
                    self._ecom_apply_statuses(company, client.code, statuses)
            except Exception:
                _logger.exception("SMS statuses of company %s could not be updated", company.id)

