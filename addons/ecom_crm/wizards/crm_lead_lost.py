from odoo import _, fields, models
from odoo.exceptions import UserError


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    lost_reason_id = fields.Many2one(string="Refusal reason", required=True)
    ecom_stage_id = fields.Many2one(
        "crm.stage", "Refusal stage", domain=[("ecom_is_refusal", "=", True)],
        help="Set when the request was dropped into a refusal stage: it goes there once lost.")

    def action_lost_reason_apply(self):
        self.ensure_one()
        if not self.lost_reason_id:
            raise UserError(_("Pick a refusal reason to mark a request as lost."))
        if self.ecom_stage_id and not self.ecom_stage_id.ecom_is_refusal:
            raise UserError(_("«%(stage)s» is not a refusal stage.", stage=self.ecom_stage_id.name))
        leads = self.lead_ids  # read now: once lost (archived) they drop out of the x2many
        res = super().action_lost_reason_apply()
        if self.ecom_stage_id:
            leads.write({"stage_id": self.ecom_stage_id.id})
        return res
