from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import ru_requisites


class ResBank(models.Model):
    _inherit = "res.bank"

    ecom_corr_account = fields.Char(
        "Correspondent account", size=20, help="Корреспондентский счёт: the bank's 20-digit account at the Bank "
                                               "of Russia, printed with its BIC on invoices and contracts.")

    @api.constrains("ecom_corr_account")
    def _check_ecom_corr_account(self):
        for bank in self.filtered("ecom_corr_account"):
            if ru_requisites.digits_error(bank.ecom_corr_account, 20):
                raise ValidationError(self.env._(
                    "The correspondent account of %(bank)s must have 20 digits.", bank=bank.name))
