from odoo import _, fields, models
from odoo.exceptions import UserError


class EcomCrmStageOverride(models.TransientModel):
    """A sales manager moves requests past the stage rules, saying why; the chatter keeps it."""

    _name = "ecom.crm.stage.override"
    _description = "Force a request's stage"

    lead_ids = fields.Many2many("crm.lead", string="Requests", required=True)
    stage_id = fields.Many2one("crm.stage", "Stage", required=True)
    reason = fields.Text("Why", required=True)

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(_("Only sales managers may override the stage rules."))
        self.lead_ids.with_context(ecom_stage_override=True, ecom_override_reason=self.reason).write(
            {"stage_id": self.stage_id.id})
        return {"type": "ir.actions.act_window_close"}
