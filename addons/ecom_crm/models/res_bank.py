from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import ru_requisites


class ResBank(models.Model):
    _inherit = "res.bank"

    ecom_corr_account = fields.Char(
        "Correspondent account", size=20, help="Корреспондентский счёт: the bank's 20-digit account at the Bank "
                                               "of Russia, printed with its BIC on invoices and contracts.")

    @api.constrains("ecom_corr_account", "bic")
    def _check_ecom_corr_account(self):
        for bank in self.filtered("ecom_corr_account"):
            error = ru_requisites.account_error(bank.ecom_corr_account, bank.bic, correspondent=True)
            if error == "format":
                raise ValidationError(self.env._(
                    "The correspondent account of %(bank)s must have 20 digits.", bank=bank.name))
            if error == "key":  # a typo in the к/с or the БИК: payments would go nowhere
                raise ValidationError(self.env._(
                    "The correspondent account of %(bank)s does not match its BIC %(bik)s: the control key "
                    "differs. Check both for a typo.", bank=bank.name, bik=bank.bic))


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    @api.constrains("acc_number", "bank_id")
    def _check_ecom_account_key(self):
        """An account at a Russian bank (a 9-digit БИК) has 20 digits whose control key matches the БИК:
        a typo would print on a contract, and the customer's payment would bounce.  Accounts at banks
        with a SWIFT code (IBANs) or no bank are not checked."""
        for account in self.filtered(lambda a: ru_requisites.is_bik(a.bank_id.bic)):
            error = ru_requisites.account_error(account.acc_number, account.bank_id.bic)
            if error == "format":
                raise ValidationError(self.env._(
                    "The account %(account)s of %(partner)s must have 20 digits: it is at a Russian bank "
                    "(BIC %(bik)s).", account=account.acc_number, partner=account.partner_id.display_name,
                    bik=account.bank_id.bic))
            if error == "key":
                raise ValidationError(self.env._(
                    "The account %(account)s of %(partner)s does not match the BIC %(bik)s of %(bank)s: the "
                    "control key differs. Check the account and the BIC for a typo.",
                    account=account.acc_number, partner=account.partner_id.display_name,
                    bik=account.bank_id.bic, bank=account.bank_id.name))
