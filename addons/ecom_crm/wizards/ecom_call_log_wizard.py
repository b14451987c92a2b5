import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.intake import MAX_CALL_SECONDS, caller_error, caller_number


class EcomCallLogWizard(models.TransientModel):
    """A call the salesperson made or took outside the telephony (their mobile, an office line
    without webhook): logged on the request like the telephony's, so that the customer's timeline,
    the salespeople's report and the scoring count it; not answered, it asks to call again."""

    _name = "ecom.call.log.wizard"
    _description = "Log a call"

    lead_id = fields.Many2one("crm.lead", "Request", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer",
                                 help="The request's customer: the call shows in their timeline.")
    direction = fields.Selection([("out", "I called the customer"), ("in", "The customer called")],
                                 "Call", default="out", required=True)
    answered = fields.Selection([("yes", "Talked"), ("no", "Not answered")], "Outcome", default="yes",
                                required=True)
    phone = fields.Char("Number", required=True)
    duration_minutes = fields.Integer("Duration (min)", help="How long you talked, in whole minutes.")
    note = fields.Text("What was said")
    called_at = fields.Datetime("When", help="When the call began; empty: a call that has just ended.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        lead = self.env["crm.lead"].browse(values.get("lead_id") or self.env.context.get("default_lead_id"))
        if lead.exists() and "phone" in fields_list and not values.get("phone"):
            values["phone"] = lead.phone or lead.mobile or lead.partner_id.phone or lead.partner_id.mobile
        return values

    def action_log(self):
        self.ensure_one()
        lead = self.lead_id
        # the calls are written by the telephony only: a salesperson logs on a request they may edit
        lead.check_access("write")
        # checked as the telephony's events are: the number is called again, the duration is summed
        number = caller_number(self.phone)
        if caller_error(number) or len(self.phone) > 64:
            raise UserError(self.env._("«%(phone)s» is not a phone number: type the number you called or that "
                                       "called you.", phone=self.phone))
        answered = self.answered == "yes"
        duration = self.duration_minutes * 60 if answered else 0  # not answered: hidden, not kept
        if duration < 0:
            raise UserError(self.env._("The duration of a call cannot be negative."))
        if duration > MAX_CALL_SECONDS:
            raise UserError(self.env._("The duration of a call cannot be over %(minutes)s minutes: type it in "
                                       "minutes.", minutes=MAX_CALL_SECONDS // 60))
        now = fields.Datetime.now()
        if self.called_at and self.called_at > now + timedelta(minutes=5):
            raise UserError(self.env._("A call is logged once it took place: its time cannot be in the future."))
        calls = self.env["ecom.call"].with_company(lead.company_id or self.env.company)
        call = self.env["ecom.call"].sudo().create({
            "call_id": f"manual-{uuid.uuid4()}", "direction": self.direction,
            "state": "finished" if answered else "missed",
            # read in the country of the request's shop, as its telephony's calls are, not the user's current one
            "caller": calls._ecom_caller(calls._ecom_caller_number(number), lead.partner_id),
            "started_at": self.called_at or now - timedelta(seconds=duration), "duration": duration,
            "lead_id": lead.id, "partner_id": lead.partner_id.id, "user_id": self.env.uid,
            "company_id": (lead.company_id or self.env.company).id,
        })
        call._ecom_log(note=self.note)  # written as the salesperson (sudo keeps the user)
        if not answered:
            call._ecom_ask_to_call()
        else:
            call._ecom_close_call_backs()
        return {"type": "ir.actions.act_window_close"}
