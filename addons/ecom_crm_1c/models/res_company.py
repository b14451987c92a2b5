from odoo import api, fields, models
from odoo.exceptions import ValidationError

ADMINS = "base.group_system"


class ResCompany(models.Model):
    """A company's own 1C base: its exchange login, and how far its 1C took the company's orders."""

    _inherit = "res.company"

    ecom_1c_login = fields.Char(
        "1C exchange login of the company", copy=False, groups=ADMINS,
        help="The login of this company's own 1C base: its exchanges run in this company, and it gets this "
             "company's orders only, from a position of its own.")
    ecom_1c_password_hash = fields.Char(copy=False, groups=ADMINS)
    ecom_1c_orders_committed_until = fields.Char(
        "Orders acknowledged by its 1C until", copy=False, readonly=True, groups=ADMINS,
        help="The company's orders its 1C acknowledged (mode=success) up to this moment (database clock).")

    @api.constrains("ecom_1c_login")
    def _check_ecom_1c_login(self):
        """A login names one exchange: one company's, or Settings' exchange login of every company."""
        shared = self.env["ir.config_parameter"].sudo().get_param("ecom_crm_1c.login")
        for company in self.sudo().filtered("ecom_1c_login"):
            login = company.ecom_1c_login
            if login == shared or self.sudo().with_context(active_test=False).search_count(
                    [("ecom_1c_login", "=", login), ("id", "!=", company.id)]):
                raise ValidationError(self.env._(
                    "The 1C exchange login %s is another exchange's already: each 1C base logs in with a login of "
                    "its own", login))
