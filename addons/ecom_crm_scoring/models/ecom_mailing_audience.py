from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .ecom_customer_score import GROUPS, SEGMENTS


class EcomMailingAudience(models.Model):
    """The scoring's groups (growth, risk, watch) and RFM segments as mailing audiences."""

    _inherit = "ecom.mailing.audience"

    kind = fields.Selection(selection_add=[("score_group", "Scoring group"), ("rfm_segment", "RFM segment")],
                            ondelete={"score_group": "cascade", "rfm_segment": "cascade"})
    score_group = fields.Selection(GROUPS, "Scoring group")
    rfm_segment = fields.Selection(SEGMENTS, "RFM segment")

    @api.constrains("kind", "score_group", "rfm_segment")
    def _check_score_parameters(self):
        for audience in self:
            audience._ecom_check_parameters()

    def _ecom_check_parameters(self):
        super()._ecom_check_parameters()
        if self.kind == "score_group" and not self.score_group:
            raise UserError(_("Pick the scoring group of the audience «%s».", self.name))
        if self.kind == "rfm_segment" and not self.rfm_segment:
            raise UserError(_("Pick the RFM segment of the audience «%s».", self.name))

    def _ecom_score_domain(self, field, value):
        """Customers (the company and its contacts) whose score in the audience's company has this
        value, whichever company the mailing is sent from (scores are the sales team's: such
        audiences are for users who may read them)."""
        return [("commercial_partner_id.ecom_score_ids", "any", [
            ("company_id", "=", self.company_id.id), (field, "=", value)])]

    @api.depends("score_group", "rfm_segment")
    def _compute_domain(self):
        return super()._compute_domain()

    def _ecom_domain_score_group(self):
        return self._ecom_score_domain("group", self.score_group)

    def _ecom_domain_rfm_segment(self):
        return self._ecom_score_domain("segment", self.rfm_segment)
