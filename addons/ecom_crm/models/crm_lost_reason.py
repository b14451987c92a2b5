from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmLostReason(models.Model):
    _inherit = "crm.lost.reason"
    _order = "sequence, id"

    sequence = fields.Integer(default=10, help="The order of the reasons in the refusal dialog.")
    company_id = fields.Many2one(
        "res.company", "Company", index=True,
        help="Leave empty to share the reason between all companies.")
    ecom_after_order = fields.Boolean(
        "After the order", help="The customer refused after ordering (at payment or delivery): "
                                "reported as a late refusal.")

    @api.constrains("active", "company_id")
    def _check_ecom_max_active(self):
        """Keep the list short enough to pick from: at most N active reasons per company.

        Not while installing: a database that already has more reasons still installs the
        addon, and its admins archive the extra ones when they next edit the list.
        """
        if self.env.context.get("install_mode"):
            return
        shared = self.filtered(lambda r: r.active and not r.company_id)
        companies = self.env["res.company"].sudo().search([]) if shared else self.filtered("active").company_id
        self._ecom_check_limit(companies)

    @api.model
    def _ecom_check_limit(self, companies):
        for company in companies.sudo():
            count = self.sudo().search_count(
                [("active", "=", True), ("company_id", "in", (False, company.id))])
            if count > company.ecom_max_lost_reasons:
                raise ValidationError(_(
                    "%(company)s may have at most %(max)s active refusal reasons (%(count)s now): "
                    "archive one first, or raise the limit in CRM settings.",
                    company=company.name, max=company.ecom_max_lost_reasons, count=count))
