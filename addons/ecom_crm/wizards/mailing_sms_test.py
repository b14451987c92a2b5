from markupsafe import Markup

from odoo import models


class MailingSmsTest(models.TransientModel):
    """A mailing's test SMS goes through the company's gateway, as the mailing itself will: Odoo
    sends it to IAP directly, where a store using a Russian gateway has no account."""

    _inherit = "mailing.sms.test"

    def action_send_sms(self):
        self.ensure_one()
        mailing = self.mailing_id
        company = mailing._ecom_company() or self.env.company
        if company.ecom_sms_gateway in (False, "iap"):
            return super().action_send_sms()
        numbers = [number.strip() for number in (self.numbers or "").splitlines() if number.strip()]
        body = mailing.body_plaintext or ""
        record = self.env[mailing.mailing_model_real].search([], limit=1)
        if record:  # as Odoo does: a template's syntax error shows here
            body = self.env["mail.render.mixin"]._render_template(
                body, mailing.mailing_model_real, record.ids)[record.id]
        sms_sudo = self.env["sms.sms"].sudo().create(
            [{"body": body, "number": number, "ecom_company_id": company.id} for number in numbers])
        # a test that failed is told in the mailing's chatter below, not kept in the SMS queue (Odoo's
        # garbage collection deletes what is marked)
        sms_sudo._ecom_send_gateway(company, unlink_failed=True)
        # the gateway did not answer: a test is not sent later, by the queue, unasked
        sms_sudo.filtered(lambda sms: sms.state == "outgoing").write({"state": "canceled", "to_delete": True})
        failure_types = dict(sms_sudo._fields["failure_type"]._description_selection(self.env))
        lines = []
        for sms in sms_sudo:
            if sms.state == "pending":
                lines.append(self.env._("Test SMS successfully sent to %s", sms.number))
            else:
                lines.append(self.env._(
                    "Test SMS could not be sent to %(destination)s: %(state)s", destination=sms.number,
                    state=sms.ecom_failure_reason or failure_types.get(sms.failure_type)
                    or self.env._("the gateway did not answer")))
        if lines:
            mailing._message_log(body=Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % line for line in lines))
        return True
