from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.matching import DEFAULT_MODE

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

    # «article, then barcode»: a store connecting 1C has its catalog in Odoo already, and a first full catalog
    # would make a second product of each; a code that is empty, or that several products share (however its
    # case, spaces, look-alike letters or dashes differ), binds nothing (:mod:`..tools.matching`), so the default
    # binds only the sure ones
    ecom_1c_match_by = fields.Selection(
        [("none", "Nothing: 1C's products are new products"), ("article", "Article"), ("barcode", "Barcode"),
         ("article_barcode", "Article, then barcode")],
        string="Match the store's products not yet bound to 1C by", default=DEFAULT_MODE, required=True,
        help="A product (or characteristic) 1C names that Odoo does not know by its 1C id is bound to the store's "
             "own product (active, of this company or shared, without a 1C id) having its article («Артикул») or "
             "barcode («Штрихкод»), compared without the spaces around it and in either case (an article's Cyrillic "
             "letters that look Latin as those, any dash as a hyphen; a barcode of 8, 12, 13 or 14 digits as a "
             "GTIN of 14, zeros on the left: UPC-A «012345678905» is EAN-13 «0012345678905»); only when exactly one "
             "store product and one 1C product of the file have it. Otherwise a new product is made, and the "
             "exchange log says why.")

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
