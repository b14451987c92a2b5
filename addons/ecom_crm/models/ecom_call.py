from datetime import timedelta

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.osv.expression import AND, OR
from odoo.tools import format_datetime

from ..tools.phones import caller_id_number, phone_without_extension

# how far a call has gone: an event never takes it back
CALL_STATE_RANK = {"ringing": 0, "answered": 1, "missed": 2, "finished": 2}
CALL_EVENT_STATE = {"incoming": "ringing", "answered": "answered", "missed": "missed", "finished": "finished"}


def call_state_after(state, event):
    """The state of a call in ``state`` once ``event`` arrives, whatever order the telephony sends them in.

    - an event never takes a call back (a ring or an answer after its end, an event sent again);
    - somebody answered: a «missed» is another extension's leg that only rang (a PBX reports each), before
      the call ends or after: the call stays answered, then finished;
    - a missed call answered after all (one phone of a group rang out first, another picked up) is answered;
    - a missed call's end («finished» after «missed», as some telephony reports every call's end) stays missed.
    """
    new = CALL_EVENT_STATE[event]
    if new == "missed" and state in ("answered", "finished"):
        return state
    if new == "answered" and state == "missed":
        return "answered"
    if new == "finished" and state == "missed":
        return "missed"
    return state if CALL_STATE_RANK[new] < CALL_STATE_RANK[state] else new


class EcomCall(models.Model):
    """A phone call reported by an IP-telephony / call-tracking webhook, attached to its request."""

    _name = "ecom.call"
    _description = "Phone call"
    _order = "started_at desc, id desc"
    _rec_name = "caller"

    source_id = fields.Many2one("ecom.intake.source", "Telephony", index=True, ondelete="set null")
    call_id = fields.Char("Call id", required=True, index=True)
    direction = fields.Selection([("in", "Incoming"), ("out", "Outgoing")], default="in", required=True)
    state = fields.Selection(
        [("ringing", "Ringing"), ("answered", "Answered"), ("missed", "Missed"), ("finished", "Finished")],
        default="ringing", required=True)
    # empty for a hidden number (see hidden_caller): the customer's number otherwise, whichever way the call went
    caller = fields.Char("Customer's number", help="The customer's number, whichever way the call went: who called "
                         "the store, or whom the store called.")
    hidden_caller = fields.Boolean(
        "Hidden number", readonly=True,
        help="The caller withheld their number: the call is logged, with whoever answered it, but nobody can be "
             "matched to it nor called back, so it makes no request.")
    called = fields.Char("Store's number", help="The store's line the customer called, or the store called them "
                         "from.")
    started_at = fields.Datetime(default=fields.Datetime.now)
    duration = fields.Integer("Duration (s)")
    recording_url = fields.Char("Recording")
    lead_id = fields.Many2one("crm.lead", "Request", index="btree_not_null", ondelete="set null")
    partner_id = fields.Many2one("res.partner", "Customer", index="btree_not_null", ondelete="set null")
    user_id = fields.Many2one(
        "res.users", "Salesperson", help="Who made the outgoing call or answered the incoming one: the telephony names "
        "them by their PBX extension (their preferences); a call logged by hand, whoever logged it.")
    # the call's first event made its request: the salesperson who talks takes it (see _ecom_hand_request)
    made_lead = fields.Boolean("Made its request", readonly=True)
    # whom the request had from the call (the load's pick, then who talked): a request whose salesperson is
    # somebody else since (a manager chose) is not taken from them
    lead_user_id = fields.Many2one("res.users", "Request's salesperson by the call", readonly=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    # the call's form links its customer and request only for a reader who may open them: a salesperson sees
    # a call they made to another's customer (the rules), whose name Odoo reads for them, not their card
    lead_readable = fields.Boolean("Request readable", compute="_compute_readable")
    partner_readable = fields.Boolean("Customer readable", compute="_compute_readable")

    _sql_constraints = [
        ("call_unique", "UNIQUE(source_id, call_id)", "A call is reported once per telephony source."),
    ]

    @api.depends("caller", "hidden_caller")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for call in self:
            call.display_name = call.caller or (self.env._("Hidden number") if call.hidden_caller else "")

    @api.depends("lead_id", "partner_id")
    @api.depends_context("uid", "allowed_company_ids")  # the companies' rules read the companies chosen
    def _compute_readable(self):
        leads = self.lead_id._filtered_access("read")
        partners = self.partner_id._filtered_access("read")
        for call in self:
            call.lead_readable = bool(call.lead_id) and call.lead_id in leads
            call.partner_readable = bool(call.partner_id) and call.partner_id in partners

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """The calls list shows the number as display_name («Hidden number» for a withheld one): sorting that
        column sorts by the number (the hidden ones together, after the numbers going up), not refused as a
        field not in the database."""
        if field_name == "display_name":
            field_name = "caller"
        return super()._order_field_to_sql(alias, field_name, direction, nulls, query)

    @api.model
    def _ecom_process_event(self, data, source, raw=None):
        """Apply one webhook event (validated ``data``); the first event of a call finds or
        creates the customer's request through the intake (``raw``: the provider's payload, kept in
        the journal), later ones update the call. An event that changes nothing (the provider
        sent it again) or comes after the call ended (answered after finished) changes nothing:
        no second note, no second call-back activity."""
        # the events of one call may arrive at the same instant: one creates the call, the others update it
        self.env["res.partner"]._ecom_lock_customer_keys([f"call:{source.id}:{data['call_id']}"])
        call = self.search([("source_id", "=", source.id), ("call_id", "=", data["call_id"])], limit=1)
        if not call and not data.get("hidden"):  # the customer's number, read once for the call: later events need none
            data = dict(data, caller=self._ecom_caller_number(data["caller"]))
        if not call and data.get("hidden"):
            call = self._ecom_create_hidden(data, source, raw)
        elif not call and data.get("direction") == "out":
            call = self._ecom_create_outgoing(data, source)
        elif not call:
            # «caller» is always the customer's number, «called» the store's line, whichever way it went
            # no line (the PBX sent none): no «to» and nothing after it
            message = _("Incoming call to %(called)s", called=data["called"]) if data.get("called") \
                else _("Incoming call")
            request = {"phone": data["caller"], "name": data.get("caller_name"), "message": message}
            if raw is not None:
                request["_raw"] = raw
            entry = self.env["ecom.intake.processor"]._process_one(request, source=source, channel="call")
            call = self.create({
                "source_id": source.id, "call_id": data["call_id"],
                "caller": self._ecom_caller(data["caller"], entry.partner_id),
                "called": data.get("called"), "direction": "in",
                "started_at": data.get("started_at") or fields.Datetime.now(), "lead_id": entry.lead_id.id,
                "partner_id": entry.partner_id.id, "company_id": source.company_id.id,
                "made_lead": entry.result == "created", "lead_user_id": entry.lead_id.user_id.id,
            })
        event = data["event"]
        before = call.state
        state = call_state_after(before, event)
        # a leg nobody picked up of a call somebody answered (a PBX reports each phone that rang): its
        # ringing time is not the call's duration, its extension not who talked
        other_leg = event == "missed" and state != "missed"
        vals = {} if other_leg else {key: data[key] for key in ("duration", "recording_url")
                                     if data.get(key) is not None and data[key] != call[key]}
        # who talked: whoever made an outgoing call, whoever answered an incoming one (not whose phone rang)
        if data.get("extension") and not other_leg and (
                call.direction == "out" or (event in ("answered", "finished") and state in ("answered", "finished"))):
            talker = self.env["res.users"]._ecom_by_pbx_extension(
                data["extension"], call.company_id or source.company_id or self.env.company)
            if talker and talker != call.user_id:
                vals["user_id"] = talker.id
        if state == call.state and not vals:
            return call  # the same event again
        vals["state"] = state
        ended = state in ("missed", "finished")
        call.write(vals)
        if vals.get("user_id"):
            call._ecom_hand_request()
        if ended:
            call._ecom_log()
        if state == "missed" and before not in ("missed", "finished"):
            call._ecom_ask_to_call()
        elif (state == "finished" and before != "finished") or (state == "answered" and before == "missed"):
            call._ecom_close_call_backs()  # the customer was reached (after a leg that was missed, too)
        return call

    def _ecom_hand_request(self):
        """The salesperson who talked (the call's ``user_id``) takes its request when the call made it
        and its salesperson is still whom the call gave it (the load's pick while it rang, or who talked
        before a transfer: they already spoke to the customer; a salesperson a manager chose meanwhile
        keeps it), or when it has nobody; an open request of the customer keeps its own salesperson.
        They follow it, without the "assigned to you" mail, the call backs the other had on it are
        theirs, and the «no salesperson available» activity is gone."""
        self.ensure_one()
        lead = self.lead_id
        if not lead or lead.user_id == self.user_id:
            return
        if lead.user_id and not (self.made_lead and lead.user_id == self.lead_user_id):
            return
        previous = lead.user_id
        lead.with_context(mail_auto_subscribe_no_notify=True).write({"user_id": self.user_id.id})
        self.lead_user_id = self.user_id
        if previous:  # the request the assignment gave them is not theirs any more, nor its call backs
            lead.message_unsubscribe(partner_ids=previous.partner_id.ids)
            call_backs = self._ecom_call_backs([lead]).filtered(lambda activity: activity.user_id == previous)
            call_backs.with_context(mail_activity_quick_update=True).write({"user_id": self.user_id.id})
        lead.activity_unlink(["ecom_crm.mail_activity_type_unassigned"])

    def _ecom_ask_to_call(self):
        """A call activity for whoever follows the call up: the request's salesperson, else who made
        or took the call (one logged by hand), else the request's team leader, else a sales manager;
        for an outgoing call outside any request, on the customer, for their salesperson, else who made
        the call, else the line's sales team leader, else a sales manager (somebody calls again)."""
        self.ensure_one()
        record = self.lead_id or self.partner_id
        lead = self.lead_id
        responsible = self.env["crm.lead"]._ecom_first_responsible(
            (lead.user_id, self.user_id, lead.team_id.user_id), lead.company_id) if lead else \
            self.env["crm.lead"]._ecom_first_responsible(
                (self.partner_id.user_id, self.user_id, self.source_id.team_id.user_id), self.company_id)
        if not record or not responsible:
            return
        # an open one already (the customer called three times, or was called twice): the same
        # activity, brought up to this call, not one more to do each time
        pending = self._ecom_call_backs(record)[:1]
        if pending and pending.user_id.active:
            responsible = pending.user_id
        # the activity shows in their list; no "assigned to you" mail from a webhook
        record = record.with_context(mail_activity_quick_update=True, lang=responsible.lang or self.env.lang)
        # an outgoing call «missed» is the salesperson's the customer did not pick up
        summary = record.env._("Call %(number)s again: not answered", number=self.caller) \
            if self.direction == "out" else record.env._("Call back %(number)s: missed call", number=self.caller)
        if pending:  # whom a new one would be for when its salesperson left (or it had nobody)
            pending.with_context(mail_activity_quick_update=True).write({
                "summary": summary, "user_id": responsible.id, **self._ecom_call_back_vals(),
                "date_deadline": min(pending.date_deadline, fields.Date.context_today(pending))})
            return
        record.activity_schedule("mail.mail_activity_data_call", user_id=responsible.id, summary=summary,
                                 **self._ecom_call_back_vals())

    def _ecom_call_back_vals(self):
        """The values of the activity returning this call: the call, and what the activity is found and done
        by kept on it (the customer, the company, the call's time), so that deleting the call changes
        nothing of it."""
        self.ensure_one()
        return {"ecom_call_id": self.id, "ecom_call_at": self.started_at or fields.Datetime.now(),
                "ecom_call_partner_id": self.partner_id.id, "ecom_call_company_id": self.company_id.id}

    def _ecom_call_backs(self, records, partner=None, until=None):
        """The open activities of ``records`` (requests, customers), and those returning the calls of
        ``partner`` wherever they are (another request of theirs), that ask to return a call of this
        call's company (a customer two shops know is called back by each); ``until``: a call begun
        by then."""
        self.ensure_one()
        records = [rec for rec in records if rec]
        where = [[("res_model", "=", rec._name), ("res_id", "in", rec.ids)] for rec in records]
        if partner:
            where.append([("ecom_call_partner_id", "=", partner.id)])
        if not where:
            return self.env["mail.activity"]
        # the call back's own fields, not its call's: a call deleted leaves them (see mail_activity.py)
        domain = AND([[("ecom_call_at", "!=", False)], OR(where)])
        if self.company_id:
            domain = AND([domain, [("ecom_call_company_id", "in", [self.company_id.id, False])]])
        if until:
            domain = AND([domain, [("ecom_call_at", "<=", until)]])
        return self.env["mail.activity"].sudo().search(domain, order="id")

    def _ecom_close_call_backs(self):
        """The customer was reached (a call that was answered, either way): the activities asking to
        return their calls until then, on its request, on the customer and on the customer's other
        requests, are done, the feedback in the language and time zone of whom each was for (a call
        logged later with its earlier time leaves those of the calls missed after it)."""
        for call in self:
            ended = (call.started_at or fields.Datetime.now()) + timedelta(seconds=call.duration or 0)
            reached = call._ecom_call_backs([call.lead_id, call.partner_id], call.partner_id, until=ended)
            for user, pending in reached.grouped("user_id").items():
                tz = user.tz or self.env.context.get("tz")
                pending = pending.with_context(mail_activity_quick_update=True, lang=user.lang or self.env.lang, tz=tz)
                # the time as their language writes it (an English one reads no «20.11.2026 14:30»)
                when = format_datetime(pending.env, call.started_at or fields.Datetime.now(), tz=tz, dt_format="short")
                pending.action_feedback(
                    feedback=pending.env._("Reached: the call of %(when)s was answered.", when=when))

    @api.model
    def _ecom_create_outgoing(self, data, source):
        """The first event of a salesperson's call: no request of the customer's (the store called,
        the customer asked for nothing: the funnel and the channels count what customers ask), but
        the call joins the customer's open request when there is one, and the customer known by
        the number; a number nobody has is kept in the calls only."""
        company = source.company_id or self.env.company
        partner = self.env["res.partner"].with_company(company)._ecom_match_customer(phone=data["caller"])
        lead = self.env["crm.lead"].with_company(company)._ecom_open_leads_in_window(partner).get(partner) \
            if partner else None
        return self.create({
            "source_id": source.id, "call_id": data["call_id"], "caller": self._ecom_caller(data["caller"], partner),
            "called": data.get("called"), "direction": "out",
            "started_at": data.get("started_at") or fields.Datetime.now(), "lead_id": lead.id if lead else False,
            "partner_id": partner.id, "company_id": company.id,
        })

    @api.model
    def _ecom_create_hidden(self, data, source, raw=None):
        """The first event of an incoming call from a hidden number: the call, with no customer and no request
        (no number to match, none to call back: a request without a phone nor an email is refused everywhere
        else too), journaled done as the store's other calls are; whoever answers it is set as for any call."""
        message = _("Incoming call from a hidden number to %(called)s", called=data["called"]) if data.get("called") \
            else _("Incoming call from a hidden number")
        request = {"message": message, "name": data.get("caller_name")}
        if raw is not None:
            request["_raw"] = raw
        Journal = self.env["ecom.intake.request"]
        Journal.create({**Journal._vals_from_data(request, source, "call"), "state": "done",
                        "data": Journal._stored_data({**request, "call_id": data["call_id"], "hidden": True})})
        return self.create({
            "source_id": source.id, "call_id": data["call_id"], "caller": False, "hidden_caller": True,
            "called": data.get("called"), "direction": "in",
            "started_at": data.get("started_at") or fields.Datetime.now(),
            "company_id": source.company_id.id,
        })

    @api.model
    def _ecom_caller_number(self, caller):
        """The caller id as stored, in the setting's country; international digits without their «+»
        (as telephony gives them) read as international when the country cannot read them."""
        country = self.env.company._ecom_phone_country()
        return caller_id_number(caller, country.code, country.phone_code)

    @api.model
    def _ecom_caller(self, caller, partner):
        """The number to call back: the caller's (as :meth:`_ecom_caller_number` stores it); the customer's
        own spelling of it when it is one of theirs, so that the extension kept with it comes along (a
        company's office)."""
        number = phone_without_extension(caller)
        return next((phone for phone in (partner.phone, partner.mobile)
                     if phone and phone_without_extension(phone) == number), caller)

    def _ecom_log(self, note=None):
        """The call as a note in its request's and customer's chatters (``note``: what was said, when a
        salesperson logs it by hand)."""
        for call in self:
            state = dict(self._fields["state"]._description_selection(self.env))[call.state]
            parts = [_("Outgoing call to %(number)s: %(state)s", number=call.display_name, state=state)
                     if call.direction == "out" else
                     _("Incoming call from %(number)s: %(state)s", number=call.display_name, state=state)]
            if call.duration:
                parts.append(_("duration %(minutes)s min %(seconds)s s", minutes=call.duration // 60,
                               seconds=call.duration % 60))
            body = escape(", ".join(parts))
            if call.recording_url:
                body += Markup(' <a href="%s" target="_blank" rel="noopener">%s</a>') % (
                    call.recording_url, _("recording"))
            if note and note.strip():  # as typed: its lines kept, any markup shown as text
                body += Markup("<br/>") + Markup("<br/>").join(note.strip().splitlines())
            for record in (call.lead_id, call.partner_id):
                if record:  # a note in the chatter, written by the telephony's API: nobody to notify
                    record._message_log(body=body)
