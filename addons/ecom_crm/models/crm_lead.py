from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..tools.phones import normalize_phone_vals

PHONE_FIELDS = ("phone", "mobile")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # what an online store needs to know about a request
    ecom_product_id = fields.Many2one("product.product", "Product of interest", index="btree_not_null")
    ecom_delivery_street = fields.Char("Delivery address")
    ecom_delivery_city = fields.Char("Delivery city")
    ecom_delivery_zip = fields.Char("Delivery zip")
    ecom_delivery_date = fields.Datetime("Desired delivery time")
    ecom_name_manual = fields.Boolean(
        "Title typed by hand", copy=False,
        help="Set when someone types the title; otherwise a request with a product and a city is "
             "titled «product, date, city».")
    # refusals
    ecom_lost_stage_id = fields.Many2one(
        "crm.stage", "Lost at stage", readonly=True, copy=False, index="btree_not_null", tracking=True,
        help="The stage the request was in when it was lost.")
    ecom_refusal_phase = fields.Selection(
        [("early", "Before ordering"), ("late", "After ordering (payment, delivery)")],
        string="Refusal phase", compute="_compute_ecom_refusal_phase", store=True)
    # stage time limits
    ecom_overdue = fields.Boolean("Overdue in stage", readonly=True, copy=False, index=True)

    # ------------------------------------------------------------------ computes
    @api.depends("ecom_lost_stage_id", "lost_reason_id", "active")
    def _compute_ecom_refusal_phase(self):
        for lead in self:
            if lead.active or not lead.lost_reason_id:
                lead.ecom_refusal_phase = False
            elif lead.lost_reason_id.ecom_after_order or lead.ecom_lost_stage_id.ecom_order_placed:
                lead.ecom_refusal_phase = "late"
            else:
                lead.ecom_refusal_phase = "early"

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
                                       self.create_date)

    @api.model
    def _ecom_title_from_vals(self, vals):
        product = self.env["product.product"].browse(vals.get("ecom_product_id") or [])
        # the date the request came: what create_date will hold
        return self._ecom_format_title(product, vals.get("ecom_delivery_city") or vals.get("city"),
                                       self.env.cr.now())

    @api.model
    def _ecom_format_title(self, product, city, when=None):
        if not (product and city):
            return False
        day = fields.Date.context_today(self, when or self.env.cr.now())
        return f"{product.name}, {format_date(self.env, day, date_format='dd.MM.yyyy')}, {city}"

    # -------------------------------------------------------------- create/write
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name"):
                vals.setdefault("ecom_name_manual", True)
            else:
                # the title is stored and required: compose it before the insert
                title = self._ecom_title_from_vals(vals)
                if title:
                    vals["name"] = title
            normalize_phone_vals(self.env, vals)
            if vals.get("active", True) is False:
                reason = vals.get("lost_reason_id") or self.env.context.get("ecom_lost_reason_id")
                if not reason:
                    raise UserError(_("A request can only be created as lost with a refusal reason."))
                vals["lost_reason_id"] = reason
                vals.setdefault("ecom_lost_stage_id", vals.get("stage_id"))
        return super().create(vals_list)

    def write(self, vals):
        vals = dict(vals)
        if "name" in vals and not self.env.context.get("ecom_auto_title"):
            vals["ecom_name_manual"] = bool(vals["name"])
        if any(f in vals for f in PHONE_FIELDS):
            normalize_phone_vals(self.env, vals, self)
        stage = self.env["crm.stage"].browse(vals["stage_id"]) if vals.get("stage_id") else None
        if "stage_id" in vals:
            self._ecom_check_stage_move(stage, vals)
            if any(lead.stage_id != stage for lead in self):
                vals["ecom_overdue"] = False
                self.filtered("ecom_overdue").activity_unlink(["ecom_crm.mail_activity_type_stage_overdue"])
        if stage and stage.ecom_is_refusal:
            vals.update(active=False, probability=0, automated_probability=0)
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
        if "stage_id" in vals or not restoring:
            return super().write({**vals, "ecom_lost_stage_id": False} if restoring else vals)
        for lead in restoring:
            back = {"ecom_lost_stage_id": False}
            if lead.stage_id.ecom_is_refusal and lead.ecom_lost_stage_id:
                back["stage_id"] = lead.ecom_lost_stage_id.id
            super(CrmLead, lead).write({**vals, **back})
        if self - restoring:
            super(CrmLead, self - restoring).write(vals)
        return True

    # ------------------------------------------------------------ stage gating
    def _ecom_check_stage_move(self, stage, vals):
        """Refuse forward moves that skip a mandatory stage or enter a stage with empty required fields.

        Backward moves, moves into a refusal stage and moves of lost requests are free.  A sales
        manager may override through the «Force stage» action (context ``ecom_stage_override``);
        the override is logged in the chatter with its reason.
        """
        if not stage or stage.ecom_is_refusal:
            return
        problems = {}
        mandatory_by_team = {}
        for lead in self.filtered(lambda lead: lead.active and lead.stage_id != stage):
            old = lead.stage_id
            if old and (stage.sequence, stage.id) < (old.sequence, old.id):
                continue  # backward
            team = lead.team_id
            if team not in mandatory_by_team:
                mandatory_by_team[team] = self.env["crm.stage"].search(
                    [("ecom_mandatory", "=", True), ("team_id", "in", (False, team.id))])
            skipped = mandatory_by_team[team].filtered(
                lambda s, old=old: (s.sequence, s.id) < (stage.sequence, stage.id)
                and (not old or (old.sequence, old.id) < (s.sequence, s.id)))
            missing = [
                field for field in stage.sudo().ecom_required_field_ids
                if field.name in lead._fields and not (vals[field.name] if field.name in vals else lead[field.name])
            ]
            if skipped or missing:
                problems[lead] = (skipped, missing)
        if not problems:
            return
        messages = {lead: self._ecom_stage_problem_text(lead, stage, *problem) for lead, problem in problems.items()}
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
    def _cron_ecom_stage_time_limits(self):
        """Flag requests that stayed too long in a stage and give their salesperson an activity."""
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
        leads = self.browse(row[0] for row in self.env.cr.fetchall())
        if not leads:
            return leads
        super(CrmLead, leads).write({"ecom_overdue": True})
        for lead in leads:
            user = lead.user_id or lead.team_id.user_id
            lead.activity_schedule(
                "ecom_crm.mail_activity_type_stage_overdue",
                user_id=user.id or self.env.uid,
                summary=_("Over %(hours)s h in «%(stage)s»", hours=lead.stage_id.ecom_time_limit_hours,
                          stage=lead.stage_id.name),
                note=escape(_("The request has waited longer than the stage's time limit: move it on or "
                              "contact the customer.")))
        return leads
