from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    ecom_max_lost_reasons = fields.Integer(
        "Maximum active refusal reasons", default=10,
        help="Managers pick faster from a short list.")

    _sql_constraints = [
        ("ecom_max_lost_reasons_positive", "CHECK(ecom_max_lost_reasons > 0)",
         "The maximum number of refusal reasons must be positive."),
    ]

    @api.constrains("ecom_max_lost_reasons")
    def _check_ecom_max_lost_reasons(self):
        self.env["crm.lost.reason"]._ecom_check_limit(self)
