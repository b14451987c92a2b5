import logging
from datetime import timedelta

from markupsafe import Markup, escape
from psycopg2.errors import UniqueViolation

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date
from odoo.tools import email_normalize as tools_email_normalize

from ..tools.intake import CLICK_ID_TYPES
from ..tools.phones import (
    normalize_phone_vals,
    phone_extension,
    phone_quality,
    phone_without_extension,
    with_other_phones,
)
from .res_partner import normalize_stored_phones
from .utm_campaign import UTM_FIELDS, channel_write, give_campaign_channels

_logger = logging.getLogger(__name__)

# a partner follows a record once: the key two jobs subscribing the same person to the same request meet on
FOLLOWER_UNIQUE = "mail_followers_mail_followers_res_partner_res_model_id_uniq"

PHONE_FIELDS = ("phone", "mobile")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # what an online store needs to know about a request
    ecom_product_id = fields.Many2one("product.product", "Product of interest", index="btree_not_null")
    # the delivery address starts from the customer's address; the manager changes it if need be
    ecom_delivery_street = fields.Char(
        "Delivery address", compute="_compute_ecom_delivery", store=True, readonly=False, precompute=True)
    ecom_delivery_city = fields.Char(
        "Delivery city", compute="_compute_ecom_delivery", store=True, readonly=False, precompute=True)
    ecom_delivery_zip = fields.Char(
        "Delivery zip", compute="_compute_ecom_delivery", store=True, readonly=False, precompute=True)
    ecom_delivery_date = fields.Datetime("Desired delivery time")
    ecom_name_manual = fields.Boolean(
        "Title typed by hand", copy=False,
        help="Set when someone types the title; otherwise a request with a product and a city is "
             "titled «product, date, city».")
    # refusals: one word for one thing (crm's «lost reason» is the request's refusal reason)
    # a reason of another company (a salesperson of two shops sees both lists, RPC sees any id) is refused
    lost_reason_id = fields.Many2one(string="Refusal reason", check_company=True)
    ecom_lost_stage_id = fields.Many2one(
        "crm.stage", "Lost at stage", readonly=True, copy=False, index="btree_not_null", tracking=True,
        help="The stage the request was in when it was lost.")
    ecom_refusal_phase = fields.Selection(
        [("early", "Before ordering"), ("late", "After ordering (payment, delivery)")],
        string="Refusal phase", compute="_compute_ecom_refusal_phase", store=True)
    # stage time limits
    ecom_overdue = fields.Boolean("Overdue in stage", readonly=True, copy=False, index=True)
    # intake
    ecom_repeat_customer = fields.Boolean(
        "Repeat customer", readonly=True, copy=False, help="The customer had already bought when the request came.")
    ecom_channel_from_campaign = fields.Boolean(
        "Channel from its campaign", readonly=True,
        help="The request named only its campaign: its channel and medium are the campaign's (its ad spend's, "
             "else a clear majority of the requests that named theirs), or «Campaign without a source» while "
             "not known. They follow its campaign when it is changed; a channel or medium picked ends it.")
    ecom_click_id = fields.Char("Click id", readonly=True, copy=False)
    ecom_click_id_type = fields.Selection(CLICK_ID_TYPES, "Click id type", readonly=True, copy=False)
    ecom_yandex_client_id = fields.Char(
        "Yandex Metrica ClientID", readonly=True, copy=False,
        help="The visitor's id in Yandex Metrica: the sale goes back to Metrica as an offline conversion.")
    ecom_google_client_id = fields.Char(
        "Google Analytics client id", readonly=True, copy=False,
        help="The visitor's id in Google Analytics (the _ga cookie).")
    ecom_quotation_todo = fields.Boolean(
        "Quotation to make", copy=False, index="btree_not_null",
        help="The request came with lines: a scheduled action makes its draft quotation.")
    ecom_intake_ids = fields.One2many("ecom.intake.request", "lead_id", "Incoming requests")
    # the customer's card, as the lead shows it (the current company's figures)
    ecom_customer_status = fields.Selection(related="partner_id.commercial_partner_id.ecom_customer_status")
    ecom_customer_order_count = fields.Integer(
        "Customer's orders", related="partner_id.commercial_partner_id.ecom_order_count")
    ecom_customer_revenue = fields.Float(
        "Customer's revenue", related="partner_id.commercial_partner_id.ecom_revenue")
    ecom_customer_last_order = fields.Date(
        "Customer's last order", related="partner_id.commercial_partner_id.ecom_last_order_date")
    ecom_customer_currency_id = fields.Many2one(related="partner_id.commercial_partner_id.ecom_currency_id")
    ecom_intake_count = fields.Integer("Number of incoming requests", compute="_compute_ecom_intake_count")

    def init(self):
        super().init()
        # the load of each salesperson (assignment by load) counts their open requests; the ORM
        # writes ``probability < 100`` as ``(probability < 100 OR probability IS NULL)``, which
        # the predicate must repeat for PostgreSQL to use the index
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_lead_ecom_open_by_user_idx ON crm_lead (user_id, date_open)
             WHERE active AND type = 'opportunity' AND (probability < 100 OR probability IS NULL)
        """)
        if "iap_enrich_done" in self._fields:
            # Odoo's lead enrichment job (crm_iap_enrich) runs after every creation of leads and
            # looks for the last hour's leads still to enrich: with requests coming in by the
            # thousand, a scan of all of them (70 ms on 64,000) at every batch. Leads still to
            # enrich are few (private customers' are marked at creation): a partial index makes
            # that search free. Its predicate is the ORM's own spelling of the job's domain.
            self.env.cr.execute("""
                CREATE INDEX IF NOT EXISTS crm_lead_ecom_to_enrich_idx ON crm_lead (create_date)
                 WHERE active AND (iap_enrich_done IS NULL OR NOT iap_enrich_done)
            """)

    # ------------------------------------------------------------------ computes
    @api.depends("partner_id")
    def _compute_ecom_delivery(self):
        for lead in self:
            partner = lead.partner_id
            if partner and not (lead.ecom_delivery_street or lead.ecom_delivery_city or lead.ecom_delivery_zip):
                # the customer's delivery address if it has one, else its own (read for all leads at once)
                address = partner.child_ids.filtered(lambda child: child.type == "delivery")[:1] or partner
                lead.ecom_delivery_street = address.street
                lead.ecom_delivery_city = address.city
                lead.ecom_delivery_zip = address.zip

    def _compute_ecom_intake_count(self):
        counts = dict(self.env["ecom.intake.request"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
        for lead in self:
            lead.ecom_intake_count = counts.get(lead, 0)

    def action_ecom_view_intake(self):
        self.ensure_one()
        return self.env["ecom.intake.request"]._ecom_action([("lead_id", "=", self.id)])

    @api.depends("ecom_lost_stage_id", "lost_reason_id", "active")
    def _compute_ecom_refusal_phase(self):
        for lead in self:
            if lead.active or not lead.lost_reason_id:
                lead.ecom_refusal_phase = False
            elif lead.lost_reason_id.ecom_after_order or lead.ecom_lost_stage_id.ecom_order_placed:
                lead.ecom_refusal_phase = "late"
            else:
                lead.ecom_refusal_phase = "early"

    def _get_partner_phone_update(self, force_void=True):
        """crm compares the request's phone with its customer's in E.164, which has no extension: an
        extension typed on the request, or changed on the customer, was neither carried over nor
        announced. One the request has, and its customer not, is a change, as another number is; a
        number without extension (a call from the switchboard) leaves the customer's.

        A new request of the intake whose customer was found by its phone (``ecom_found_by_phone``)
        changes nothing: the number is the customer's already, maybe their mobile or a contact's
        (crm wrote it over the customer's phone), and another extension is someone else's in the
        office, or another company's of the switchboard."""
        if self.partner_id.id in self.env.context.get("ecom_found_by_phone", ()):
            return False
        if super()._get_partner_phone_update(force_void=force_void):
            return True
        if not (self.partner_id.phone and self.phone) or self.phone == self.partner_id.phone:
            return False
        country = self.country_id or self.env.company._ecom_phone_country()
        extension = phone_extension(self.phone, country.code, country.phone_code)
        return bool(extension) and extension != phone_extension(self.partner_id.phone, country.code,
                                                                 country.phone_code)

    def _compute_phone(self):
        """crm's, and a request with its customer's number bare (the switchboard's, as a call gives it)
        takes the extension the customer's phone has now: «Call» on the request reaches the person, as
        the intake spells a new request's bare number (``_ecom_phone_spelled``). Not the other way: a
        bare number typed on the request leaves the customer's extension (``_get_partner_phone_update``)."""
        super()._compute_phone()
        for lead in self:
            own = lead.partner_id.phone
            if own and lead.phone and lead.phone != own and lead.phone == phone_without_extension(own):
                lead.phone = own

    def _compute_phone_state(self):
        # crm's own rule (the number read with the lead's country, if any), each number parsed once
        # per process: a request's phone is also parsed by the lead's and the customer's
        # sanitized numbers
        for lead in self:
            lead.phone_state = bool(lead.phone) and phone_quality(lead.phone, lead.country_id.code or None)

    @api.depends("ecom_product_id", "ecom_delivery_city", "city")
    def _compute_name(self):
        super()._compute_name()
        for lead in self:
            title = lead._ecom_conventional_title()
            if title and not lead.ecom_name_manual and title != lead.name:
                lead.name = title

    def _ecom_conventional_title(self):
        """«product, date, city»: how the store's managers title a request at a glance."""
        self.ensure_one()
        return self._ecom_format_title(self.ecom_product_id, self.ecom_delivery_city or self.city,
                                       self.create_date, self.company_id)

    @api.model
    def _ecom_title_from_vals(self, vals):
        product = self.env["product.product"].browse(vals.get("ecom_product_id") or [])
        # the date the request came: what create_date will hold
        company = self.env["res.company"].browse(vals.get("company_id")) if vals.get("company_id") else None
        return self._ecom_format_title(product, vals.get("ecom_delivery_city") or vals.get("city"),
                                       self.env.cr.now(), company)

    @api.model
    def _ecom_format_title(self, product, city, when=None, company=None):
        """«product, date, city», the date in the store's language (its company's), whoever writes it;
        ``product``: a product, or a product's name as a site sent it."""
        if not (product and city):
            return False
        company = company or self.env.company
        env = self.with_context(lang=company.partner_id.lang or self.env.lang).env
        day = fields.Date.context_today(self, when or self.env.cr.now())
        name = product if isinstance(product, str) else product.with_env(env).name
        return f"{name}, {format_date(env, day)}, {city}"

    # -------------------------------------------------------------- create/write
    @api.model_create_multi
    def create(self, vals_list):
        loads = {}  # per salesperson, across the whole list and its teams: each lead counts for the next
        by_load = []  # the positions of the requests assigned by load
        self.env["crm.team"].browse({vals["team_id"] for vals in vals_list
                                     if "user_id" not in vals and vals.get("team_id")})._ecom_lock_salespeople(loads)
        for index, vals in enumerate(vals_list):
            if "user_id" not in vals:
                assignment = self._ecom_assignment_vals(vals, loads)
                if assignment:
                    by_load.append(index)
                    vals.update(assignment)
            if vals.get("name"):
                vals.setdefault("ecom_name_manual", True)
            else:
                # the title is stored and required: compose it before the insert
                title = self._ecom_title_from_vals(vals)
                if title:
                    vals["name"] = title
            others = []
            normalize_phone_vals(self.env, vals, others=others)
            # a field of several numbers, the mobile given too: the others in the notes
            note = others and with_other_phones(self.env, vals.get("description"), others)
            if note:
                vals["description"] = note
            stage_id = vals.get("stage_id") or self.env.context.get("default_stage_id")
            if stage_id and self.env["crm.stage"].browse(stage_id).ecom_is_refusal:
                # created in a refusal stage (an import, RPC, a quick create in that column): lost
                vals.update(active=False, probability=0, automated_probability=0)
            if vals.get("active", True) is False:
                reason = vals.get("lost_reason_id") or self.env.context.get("ecom_lost_reason_id")
                if not reason:
                    raise UserError(_("A request can only be created lost (archived, or in a refusal stage) "
                                      "with a refusal reason."))
                vals["lost_reason_id"] = reason
                if not (stage_id and self.env["crm.stage"].browse(stage_id).ecom_is_refusal):
                    vals.setdefault("ecom_lost_stage_id", stage_id)
            if vals.get("lost_reason_id") \
                    and vals["lost_reason_id"] not in self.env.context.get("ecom_history_reasons", ()):
                self._ecom_check_reason_in_use(vals["lost_reason_id"])
        leads = super().create(vals_list)
        give_campaign_channels(leads)  # a request naming only its campaign counts in its channel
        leads._ecom_check_created_stages()
        leads._ecom_stage_changed(dict.fromkeys(leads.ids))
        if by_load:  # some went to a team that assigns by load: those nobody could take are reported
            self.browse([leads.ids[index] for index in by_load]).filtered(
                lambda lead: not lead.user_id)._ecom_tell_unassigned()
        return leads

    def write(self, vals):
        # its company is computed from its team, salesperson and customer
        vals, channel_after = channel_write(self, vals, ("company_id", "team_id", "user_id", "partner_id"))
        res = self._ecom_write_stages(vals)
        if channel_after:
            # a request left with only its campaign, or given another one or another company, counts in its
            # campaign's channel
            channel_after()
        return res

    def _ecom_write_stages(self, vals):
        if "stage_id" not in vals and "active" not in vals:
            return self._ecom_write(vals)
        before = {lead.id: (lead.stage_id.id, lead.active) for lead in self}
        res = self._ecom_write(vals)
        moved = self.filtered(lambda lead: (lead.stage_id.id, lead.active) != before[lead.id])
        if moved:
            moved._ecom_stage_changed({lead.id: before[lead.id] for lead in moved})
        return res

    def _ecom_stage_changed(self, previous):
        """Hook: ``self`` changed stage or was lost/restored; ``previous`` maps each lead's id to its
        ``(stage id, active)`` before, or to None for leads just created. Overridden to keep the stage
        history, notify the customer, tell the shop."""

    @api.onchange("phone", "country_id", "company_id")
    def _onchange_phone_validation(self):
        if not self._ecom_several_phones("phone"):  # split when saved, not read as one number here
            super()._onchange_phone_validation()

    @api.onchange("mobile", "country_id", "company_id")
    def _onchange_mobile_validation(self):
        if not self._ecom_several_phones("mobile"):
            super()._onchange_mobile_validation()

    def _ecom_write(self, vals):
        vals = dict(vals)
        if "name" in vals and not self.env.context.get("ecom_auto_title"):
            vals["ecom_name_manual"] = bool(vals["name"])
        if any(f in vals for f in PHONE_FIELDS):
            others = []
            normalize_phone_vals(self.env, vals, self, others=others)
            if others and "description" in vals:
                own = [vals.get(fname) for fname in PHONE_FIELDS]
                vals["description"] = with_other_phones(self.env, vals["description"], others, own) \
                    or vals["description"]
            for lead in self if others and "description" not in vals else ():  # the mobile taken: rare
                # not the numbers it keeps, nor those its notes have (the same form saved, an import run again)
                own = [vals[fname] if fname in vals else lead[fname] for fname in PHONE_FIELDS]
                note = with_other_phones(self.env, lead.description, others, own)
                if note:
                    lead.description = note
        stage = self.env["crm.stage"].browse(vals["stage_id"]) if vals.get("stage_id") else None
        if "stage_id" in vals or vals.get("active") is True:
            self._ecom_check_stage_move(stage, vals)
        if "stage_id" in vals:
            if any(lead.stage_id != stage for lead in self):
                vals["ecom_overdue"] = False
                self.filtered("ecom_overdue").activity_unlink(["ecom_crm.mail_activity_type_stage_overdue"])
        if stage and stage.ecom_is_refusal:
            vals.update(active=False, probability=0, automated_probability=0)
        given = vals.get("lost_reason_id") or (
            vals.get("active") is False and self.env.context.get("ecom_lost_reason_id"))
        given = given.id if isinstance(given, models.BaseModel) else given
        # the reason a request has may stay, and crm's merge brings a merged request's
        if given and any(lead.lost_reason_id.id != given for lead in self) \
                and given not in self.env.context.get("ecom_history_reasons", ()):
            self._ecom_check_reason_in_use(given)
        if "lost_reason_id" in vals and not (vals["lost_reason_id"] or self.env.context.get("ecom_lost_reason_id")):
            # the reason of a lost request stays: it goes only with the request's restoration
            staying_lost = self if vals.get("active") is False else \
                self.filtered(lambda lead: not lead.active) if "active" not in vals else self.browse()
            if staying_lost:
                raise UserError(_(
                    "A lost request keeps its refusal reason: pick another reason or restore the request "
                    "(%(names)s).", names=", ".join(staying_lost.mapped("display_name")[:5])))
        if vals.get("active") is False:
            return self._ecom_write_lost(vals)
        if vals.get("active") is True:
            return self._ecom_write_restored(vals)
        return super().write(vals)

    def _ecom_write_lost(self, vals):
        """Archive (lose) requests: only with a reason, recording the stage they were lost at."""
        losing = self.filtered("active")
        reason = vals.get("lost_reason_id") or self.env.context.get("ecom_lost_reason_id")
        if not reason and losing.filtered(lambda lead: not lead.lost_reason_id):
            names = ", ".join(losing.filtered(lambda lead: not lead.lost_reason_id).mapped("display_name")[:5])
            raise UserError(_(
                "A request can only be marked lost with a refusal reason. Use «Lost» and pick the reason "
                "(requests without one: %(names)s).", names=names))
        if reason:
            vals["lost_reason_id"] = reason
        for lost_stage, leads in losing.grouped("stage_id").items():
            super(CrmLead, leads).write({**vals, "ecom_lost_stage_id": lost_stage.id})
        if self - losing:
            super(CrmLead, self - losing).write(vals)
        return True

    def _ecom_write_restored(self, vals):
        """Restore lost requests to the stage they were lost at; their history stays in the chatter."""
        restoring = self.filtered(lambda lead: not lead.active)
        # a restored request starts its stage's clock again: it may be flagged overdue again
        again = {"ecom_lost_stage_id": False, "ecom_overdue": False, "date_last_stage_update": fields.Datetime.now()}
        if "lost_reason_id" not in vals:
            # as Odoo's «Restore» does (an import or RPC writes active): losing it again asks for a reason again
            again["lost_reason_id"] = False
        if "stage_id" in vals or not restoring:
            if restoring:
                super(CrmLead, restoring).write({**vals, **again})
            return super(CrmLead, self - restoring).write(vals) if self - restoring else True
        for lead in restoring:
            back = dict(again)
            if lead.stage_id.ecom_is_refusal:  # back where it was lost, else the team's first stage
                back["stage_id"] = (lead.ecom_lost_stage_id or self._ecom_first_stage(lead.team_id)).id
            super(CrmLead, lead).write({**vals, **back})
        if self - restoring:
            super(CrmLead, self - restoring).write(vals)
        return True

    # ------------------------------------------------------------ stage gating
    def _ecom_check_stage_move(self, stage, vals):
        """Refuse forward moves that skip a mandatory stage or enter a stage with empty required fields.

        Backward moves, moves into a refusal stage and moves of lost requests are free; restoring a
        lost request is a move from the stage it was lost at to the one it comes back to.  A sales
        manager may override through the «Force stage» action (context ``ecom_stage_override``);
        the override is logged in the chatter with its reason.
        """
        moves = {}
        for lead in self:
            if lead.active:
                old, new = lead.stage_id, stage
            elif vals.get("active") is True:
                old = lead.ecom_lost_stage_id or lead.stage_id
                new = stage or (old if lead.stage_id.ecom_is_refusal else lead.stage_id)
            else:
                continue
            if new and new != old:
                moves[lead] = (old, new)
        self._ecom_check_moves(moves, vals)

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        """crm's merge gives the kept request the refusal reason of a merged lost one when the kept one
        has no chance: a reason of the requests' history, taken archived or not."""
        merged = super(CrmLead, self.with_context(ecom_history_reasons=self.lost_reason_id.ids))._merge_opportunity(
            user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length)
        return merged.with_env(self.env)

    def _merge_get_fields_specific(self):
        """The kept request's channel is one merged request's whole (source, medium and campaign), as an
        order's or an incoming request's: the first one's that has a known channel (a source other than
        «Campaign without a source», or a medium), else the first one's that has any. crm's first value of
        each field apart made «Campaign without a source / social network / summer_sale» of a request
        waiting for its campaign's channel merged with one from VK: a channel nobody used."""
        unknown = self.env["utm.campaign"]._ecom_campaign_only_id()

        def channel(fname, leads):
            named = leads.filtered(lambda lead: lead.source_id or lead.medium_id or lead.campaign_id)
            known = named.filtered(lambda lead: lead.medium_id or (lead.source_id and lead.source_id.id != unknown))
            value = (known or named)[:1][fname]
            return value.id if isinstance(value, models.BaseModel) else bool(value)

        # and whether that channel is its campaign's (it then follows the kept request's campaign)
        return {**super()._merge_get_fields_specific(),
                **dict.fromkeys((*UTM_FIELDS, "ecom_channel_from_campaign"), channel)}

    def _merge_dependences(self, opportunities):
        """The calls and the incoming requests of the requests merged into this one are its own (their
        first response, the salespeople's report's calls with a request; the journal's link, its count on
        the request, and a replayed idempotency key's answer): deleted, the merged ones would leave them
        outside any request."""
        super()._merge_dependences(opportunities)
        for model in ("ecom.call", "ecom.intake.request"):
            self.env[model].sudo().search([("lead_id", "in", opportunities.ids)]).write({"lead_id": self.id})

    def copy(self, default=None):
        """«Duplicate» of a lost request: the copy is the request as it was, its refusal reason with it,
        archived or not; a reason ``default`` gives is a new pick, an active one."""
        reasons = [] if "lost_reason_id" in (default or {}) else self.lost_reason_id.ids
        return super(CrmLead, self.with_context(ecom_history_reasons=reasons)).copy(default).with_env(self.env)

    def _ecom_check_reason_in_use(self, reason):
        """A refusal reason given to a request must be one of the list (active): an archived reason is
        out of the Lost dialog, and the refusals report counts the reasons in use. Only a sales
        manager's import of another CRM's history takes the reasons it had."""
        if self.env.context.get("import_file") and self.env.user.has_group("sales_team.group_sale_manager"):
            return
        reason = self.env["crm.lost.reason"].browse(reason.id if isinstance(reason, models.BaseModel) else reason)
        if reason.exists() and not reason.sudo().active:
            raise UserError(_("The refusal reason «%(reason)s» is archived: pick one of the active reasons.",
                              reason=reason.sudo().name))

    def _ecom_check_created_stages(self):
        """A request created in a stage (an import, RPC, a quick create in a column) is checked as if it
        had moved there from the stage Odoo gives a new request of its team (the first unfolded one, as
        the intake's), which takes anything. A request created lost, as if it had moved to the stage it
        was lost at. A sales manager's import (Odoo's import screen) brings the history of another CRM
        as it was: won and lost deals in their stages; a salesperson's import is checked."""
        if self.env.context.get("import_file") and self.env.user.has_group("sales_team.group_sale_manager"):
            return
        firsts = {}
        moves = {}
        for lead in self:
            # a request created lost comes back, restored, to the stage it was lost at
            stage = lead.stage_id if lead.active else lead.ecom_lost_stage_id
            if not stage:
                continue
            if lead.team_id not in firsts:
                firsts[lead.team_id] = self.browse()._stage_find(team_id=lead.team_id.id, domain=[("fold", "=", False)])
            moves[lead] = (firsts[lead.team_id], stage)
        self._ecom_check_moves(moves, {})

    @api.model
    def _ecom_first_stage(self, team):
        return self.env["crm.stage"].search(
            [("ecom_is_refusal", "=", False), ("is_won", "=", False), ("team_id", "in", (False, team.id))],
            order="sequence, id", limit=1)

    def _ecom_check_moves(self, moves, vals):
        """``moves``: ``{lead: (stage it leaves, stage it enters)}``; ``vals`` are written with the move."""
        problems = {}
        mandatory_by_team = {}
        for lead, (old, stage) in moves.items():
            if stage.ecom_is_refusal or old == stage:
                continue
            if old and (stage.sequence, stage.id) < (old.sequence, old.id):
                continue  # backward
            # the team's pipeline the request goes to, when the same write changes it
            team = self.env["crm.team"].browse(vals["team_id"]) if "team_id" in vals else lead.team_id
            if team not in mandatory_by_team:
                mandatory_by_team[team] = self.env["crm.stage"].search(
                    [("ecom_mandatory", "=", True), ("team_id", "in", (False, team.id))])
            skipped = mandatory_by_team[team].filtered(
                lambda s, old=old, stage=stage: (s.sequence, s.id) < (stage.sequence, stage.id)
                and (not old or (old.sequence, old.id) < (s.sequence, s.id)))
            missing = [
                field for field in stage.sudo().ecom_required_field_ids
                if field.name in lead._fields and not (vals[field.name] if field.name in vals else lead[field.name])
            ]
            if skipped or missing:
                problems[lead] = (stage, skipped, missing)
        if not problems:
            return
        messages = {lead: self._ecom_stage_problem_text(lead, *problem) for lead, problem in problems.items()}
        if self.env.context.get("ecom_stage_override"):
            if not self.env.user.has_group("sales_team.group_sale_manager"):
                raise UserError(_("Only sales managers may override the stage rules."))
            reason = self.env.context.get("ecom_override_reason") or ""
            for lead, text in messages.items():
                lead.message_post(body=Markup("<p>%s</p><p>%s</p>%s") % (
                    _("Stage rules overridden by %(user)s.", user=self.env.user.name), text,
                    Markup("<p>%s</p>") % _("Reason: %(reason)s", reason=reason) if reason else ""))
            return
        raise UserError("\n".join(messages.values()))

    def _ecom_stage_problem_text(self, lead, stage, skipped, missing):
        parts = []
        if skipped:
            parts.append(_("the mandatory stage(s) %(stages)s cannot be skipped",
                           stages=", ".join(f"«{s.name}»" for s in skipped)))
        if missing:
            labels = [lead._fields[f.name]._description_string(self.env) for f in missing]
            parts.append(_("fill in %(fields)s first", fields=", ".join(labels)))
        return _("«%(lead)s» cannot move to «%(stage)s»: %(problems)s.",
                 lead=lead.display_name, stage=stage.name, problems="; ".join(parts))

    # ------------------------------------------------------------------ actions
    def action_set_lost(self, **additional_values):
        reason = additional_values.get("lost_reason_id")
        if not reason and self.filtered(lambda lead: not lead.lost_reason_id):
            raise UserError(_("Pick a refusal reason to mark a request as lost."))
        return super(CrmLead, self.with_context(ecom_lost_reason_id=reason)).action_set_lost(**additional_values)

    def action_ecom_force_stage(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Force stage"),
            "res_model": "ecom.crm.stage.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_ids": self.ids},
        }

    # ---------------------------------------------------------------- time limit
    @api.model
    def _ecom_stage_overdue(self):
        """The requests over their stage's time limit, not yet flagged."""
        now = fields.Datetime.now()
        self.flush_model(["stage_id", "date_last_stage_update", "active", "ecom_overdue"])
        self.env["crm.stage"].flush_model(["ecom_time_limit_hours", "is_won", "ecom_is_refusal"])
        self.env.cr.execute(SQL("""
            SELECT l.id
              FROM crm_lead l
              JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.active AND NOT coalesce(l.ecom_overdue, false)
               AND s.ecom_time_limit_hours > 0 AND NOT coalesce(s.is_won, false)
               AND NOT coalesce(s.ecom_is_refusal, false)
               AND l.date_last_stage_update + make_interval(hours => s.ecom_time_limit_hours) < %s
        """, now))
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _cron_ecom_stage_time_limits(self):
        """Flag requests that stayed too long in a stage and give their salesperson an activity; the
        requests flagged. One whose responsible another job made a follower meanwhile is left to the next
        run (see :meth:`_ecom_unless_followed_meanwhile`)."""
        flagged = self.browse()
        for lead in self._ecom_stage_overdue():
            if lead._ecom_unless_followed_meanwhile(lead._ecom_flag_overdue):
                flagged |= lead
        return flagged

    def _ecom_flag_overdue(self):
        self.ensure_one()
        super().write({"ecom_overdue": True})  # not ours: no stage rules to check
        responsible = self._ecom_responsible()
        if not responsible:
            return  # flagged all the same: the «Overdue in stage» filter shows it
        # written for the person who acts on it, in their language
        mine = self.with_context(lang=responsible.lang or self.env.lang)
        mine.activity_schedule(
            "ecom_crm.mail_activity_type_stage_overdue",
            user_id=responsible.id,
            summary=mine.env._("Over %(hours)s h in «%(stage)s»", hours=self.stage_id.ecom_time_limit_hours,
                               stage=mine.stage_id.name),
            note=escape(mine.env._("The request has waited longer than the stage's time limit: move it on or "
                                   "contact the customer.")))

    def _ecom_unless_followed_meanwhile(self, work):
        """``work()`` for this request in a savepoint of a job; False, the request left as it was (to the
        job's next run), when another transaction made the same person a follower of it meanwhile: an
        activity subscribes its user, and two jobs scheduling activities for the same person on the same
        request at once (the time limits' and the reminders', both due at a server's first start) met on
        the followers' unique key, which failed the whole job. This transaction cannot see that follower
        (REPEATABLE READ): a retry within it fails alike, the next run sees it."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                work()
        except UniqueViolation as error:
            if error.diag.constraint_name != FOLLOWER_UNIQUE:
                raise
            _logger.info("request %s: a follower added by another transaction meanwhile, left to the next run",
                         self.id)
            return False
        return True

    # ------------------------------------------------------------------- intake
    @api.model
    def _ecom_assignment_vals(self, vals, loads=None):
        """``user_id`` for a request created without one, when its team assigns by load; ``loads``:
        the salespeople's loads kept across the requests created together."""
        team = self.env["crm.team"].browse(vals.get("team_id")) if vals.get("team_id") else \
            self.env["crm.team"].browse()
        if not team.ecom_assign_by_load:
            return {}
        partner = self.env["res.partner"].browse(vals.get("partner_id") or [])
        return {"user_id": team._ecom_pick_salesperson(partner, loads).id or False}

    def _ecom_responsible(self):
        """Who acts on this request when nobody else would: its salesperson, else its team's
        leader, else a sales manager of its company; always an active internal user, or nobody."""
        self.ensure_one()
        return self._ecom_first_responsible((self.user_id, self.team_id.user_id), self.company_id)

    @api.model
    def _ecom_first_responsible(self, users, company=None):
        """The first of ``users`` who is an active internal user, else a sales manager of ``company``
        (the current one by default), or nobody."""
        for user in users:
            if user and user.active and not user.share:
                return user
        company = company or self.env.company
        managers = self.env.ref("sales_team.group_sale_manager").sudo().users.filtered(
            lambda user: user.active and not user.share and company in user.company_ids)
        return managers.sorted("id")[:1]

    def _ecom_tell_unassigned(self):
        """An activity for the team's leader (else a sales manager) on each request that assignment
        by load left without a salesperson because every available member is at their maximum.
        Created in one batch (Odoo subscribes each responsible once per batch, not once per request:
        a burst beyond the team's maxima costs 2 ms per request, not 15), without the "assigned to
        you" mail of each, the note in the responsible's language."""
        activity_type = self.env.ref("ecom_crm.mail_activity_type_unassigned")
        waiting = self.filtered(lambda lead: lead.active and not lead.user_id and not any(
            activity.activity_type_id == activity_type for activity in lead.activity_ids))
        if not waiting:
            return
        model_id = self.env["ir.model"]._get_id("crm.lead")
        today = fields.Date.context_today(self)
        notes, vals_list = {}, []
        for lead in waiting:
            responsible = lead._ecom_responsible()
            if not responsible:
                continue
            lang = responsible.lang or self.env.lang
            if (lang, lead.team_id) not in notes:
                team = lead.team_id.with_context(lang=lang)
                notes[lang, lead.team_id] = escape(team.env._(
                    "Every available member of «%(team)s» has reached their maximum of open requests: assign "
                    "this one by hand or raise a maximum.", team=team.name))
            vals_list.append({
                "activity_type_id": activity_type.id, "res_model_id": model_id, "res_id": lead.id,
                "user_id": responsible.id, "date_deadline": today, "automated": True,
                "summary": activity_type.summary, "note": notes[lang, lead.team_id],
            })
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)

    @api.model
    def _ecom_normalize_stored_phones(self, batch=5000, several_only=False):
        """Requests' phones typed before the addon, in the stored format (as the customers', see
        :func:`.res_partner.normalize_stored_phones`): a request shows and dials them as the
        customer's. Returns how many requests changed."""
        return normalize_stored_phones(self.with_context(active_test=False), batch, several_only)

    @api.model
    def _ecom_open_leads_in_window(self, partners, days=0, company=None):
        """``{partner: lead}``: each customer's latest open request created within the repeat window
        of its company (``days`` widens the search to the largest window concerned). ``company``:
        only its requests and those of no company (where no company rule limits the search: the
        mail gateway runs as the superuser)."""
        days = max(days, self.env.company.ecom_repeat_window_days)
        now = fields.Datetime.now()
        open_leads = {}
        domain = [("partner_id", "in", partners.ids), ("active", "=", True), ("type", "=", "opportunity"),
                  ("stage_id.is_won", "=", False), ("create_date", ">=", now - timedelta(days=days))]
        if company:
            domain.append(("company_id", "in", (company.id, False)))
        for lead in self.search(domain, order="create_date desc, id desc"):
            company = lead.company_id or self.env.company
            if lead.create_date >= now - timedelta(days=company.ecom_repeat_window_days):
                open_leads.setdefault(lead.partner_id, lead)
        return open_leads

    # -------------------------------------------------------------- mail alias
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Emails to the CRM alias go through the same customer matching and repeat window."""
        email = tools_email_normalize(msg_dict.get("email_from") or "")
        partner = self.env["res.partner"]._ecom_match_customer(email=email) if email else None
        if partner:
            # the shop the mail was sent to, when its alias's team belongs to one
            team = self.env["crm.team"].browse((custom_values or {}).get("team_id"))
            open_lead = self._ecom_open_leads_in_window(partner, company=team.company_id).get(partner)
            if open_lead:
                # the mail gateway posts the message on the record returned here
                self.env["ecom.intake.request"].create({
                    "channel": "email", "lead_id": open_lead.id, "partner_id": partner.id, "result": "updated",
                    "email": email, "message": msg_dict.get("subject"),
                    "repeat_customer": bool(partner.ecom_order_count)})
                return open_lead
            custom_values = dict(custom_values or {}, partner_id=partner.id)
        lead = super().message_new(msg_dict, custom_values=custom_values)
        partner = lead.partner_id.commercial_partner_id
        if lead.team_id.ecom_assign_by_load and not lead.user_id:
            lead.user_id = lead.team_id._ecom_pick_salesperson(partner)
        self.env["ecom.intake.request"].create({
            "channel": "email", "lead_id": lead.id, "partner_id": partner.id, "result": "created",
            "email": email, "message": msg_dict.get("subject"), "new_customer": False,
            "repeat_customer": bool(partner.ecom_order_count)})
        return lead


class CrmLeadNotification(models.Model):
    """Stage notifications to the customer; reminders of deadlines and meetings to the salesperson."""

    _inherit = "crm.lead"

    ecom_deadline_reminded = fields.Date(
        "Expected closing reminded", copy=False, readonly=True,
        help="The expected closing date the salesperson was last reminded of.")

    def _ecom_stage_changed(self, previous):
        res = super()._ecom_stage_changed(previous)
        self._ecom_notify_stage(previous)
        return res

    def _ecom_notify_stage(self, previous):
        """Send the stage's templates to the leads that just reached it, once per lead and stage."""
        leads = self.filtered(lambda lead: lead.active and lead.stage_id and (
            lead.stage_id.ecom_mail_template_id or lead.stage_id.ecom_sms_template_id) and (
            previous.get(lead.id) is None or previous[lead.id][0] != lead.stage_id.id))
        if not leads:
            return
        Log = self.env["ecom.notification.log"].sudo()
        done = {(log.lead_id.id, log.stage_id.id) for log in Log.search(
            [("lead_id", "in", leads.ids), ("stage_id", "in", leads.stage_id.ids)])}
        Log._ecom_queue([{
            "lead_id": lead.id, "stage_id": lead.stage_id.id, "partner_id": lead.partner_id.id,
            "company_id": lead.company_id.id, "mail_template_id": lead.stage_id.ecom_mail_template_id.id,
            "sms_template_id": lead.stage_id.ecom_sms_template_id.id,
        } for lead in leads if (lead.id, lead.stage_id.id) not in done])

    @api.model
    def _cron_ecom_manager_reminders(self):
        """Give salespeople an activity for what Odoo does not remind them of.

        - the expected closing date of an open opportunity within the company's reminder days
          (once per date: a new date is reminded again);
        - a meeting of the next day linked to an opportunity but without an activity (Odoo creates one
          only for meetings scheduled from the opportunity): a «Meeting» activity for its salesperson.
        """
        today = fields.Date.context_today(self)
        activity_todo = self.env.ref("ecom_crm.mail_activity_type_deadline_reminder")
        companies = self.env["res.company"].sudo().search([])
        for company in companies:
            horizon = today + timedelta(days=company.ecom_reminder_days)
            leads = self.sudo().search([
                ("company_id", "in", [company.id, False]), ("type", "=", "opportunity"),
                ("active", "=", True), ("stage_id.is_won", "=", False), ("user_id", "!=", False),
                ("date_deadline", "!=", False), ("date_deadline", "<=", horizon), ("date_deadline", ">=", today),
            ])
            leads = leads.filtered(lambda lead: lead.ecom_deadline_reminded != lead.date_deadline)
            for lead in leads:
                # in the salesperson's language and date format, not the job's
                user_env = self.with_context(lang=lead.user_id.lang or self.env.lang).env

                def remind(lead=lead, user_env=user_env):
                    lead.with_context(mail_activity_quick_update=True).activity_schedule(
                        activity_type_id=activity_todo.id, date_deadline=lead.date_deadline, user_id=lead.user_id.id,
                        summary=user_env._("Expected closing on %s", format_date(user_env, lead.date_deadline)))
                    lead.ecom_deadline_reminded = lead.date_deadline
                lead._ecom_unless_followed_meanwhile(remind)
        # meetings of the next 24 hours without an activity
        meeting_type = self.env.ref("mail.mail_activity_data_meeting", raise_if_not_found=False)
        if not meeting_type:
            return
        now = fields.Datetime.now()
        events = self.env["calendar.event"].sudo().search([
            ("opportunity_id", "!=", False), ("start", ">=", now), ("start", "<=", now + timedelta(days=1)),
            ("activity_ids", "=", False),
        ])
        for event in events:
            lead = event.opportunity_id
            if not lead.active or not lead.user_id:
                continue
            lead._ecom_unless_followed_meanwhile(
                lambda lead=lead, event=event: self.env["mail.activity"].sudo().with_context(
                    mail_activity_quick_update=True).create({
                        "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": lead.id,
                        "activity_type_id": meeting_type.id, "user_id": lead.user_id.id,
                        "summary": event.name, "calendar_event_id": event.id,
                        "date_deadline": event._get_activity_deadline_from_start(event.start, event.allday),
                    }))
