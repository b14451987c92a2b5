from odoo import fields, models


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    ecom_1c_tier = fields.Boolean(
        "1C price from a quantity", copy=False, readonly=True,
        help="A price 1C gives its price type from a quantity on («МинКоличество»): the next offers of the product "
             "from 1C replace it, or remove it when 1C no longer gives it.")
