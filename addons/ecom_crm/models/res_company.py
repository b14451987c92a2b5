from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    ecom_max_lost_reasons = fields.Integer(
        "Maximum active refusal reasons", default=10,
        help="Managers pick faster from a short list.")

    # customer status thresholds
    ecom_vip_revenue = fields.Float("VIP from revenue", default=100_000)
    ecom_vip_orders = fields.Integer("VIP from orders", default=6)
    ecom_sleeping_days = fields.Integer("Sleeping after (days)", default=90)
    ecom_lost_days = fields.Integer("Lost after (days)", default=365)
    # intake
    ecom_repeat_window_days = fields.Integer(
        "Repeat request window (days)", default=3,
        help="A second request from the same customer within this window updates the open request.")
    # assignment by load
    ecom_load_weight_open = fields.Float("Weight of an open request", default=1.0)
    ecom_load_weight_overdue = fields.Float("Weight of an overdue activity", default=2.0)

    _sql_constraints = [
        ("ecom_max_lost_reasons_positive", "CHECK(ecom_max_lost_reasons > 0)",
         "The maximum number of refusal reasons must be positive."),
    ]

    @api.constrains("ecom_max_lost_reasons")
    def _check_ecom_max_lost_reasons(self):
        self.env["crm.lost.reason"]._ecom_check_limit(self)
