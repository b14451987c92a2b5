from odoo import fields, models


class ProductAttributeValue(models.Model):
    _inherit = "product.attribute.value"

    ecom_1c_id = fields.Char("1C id", index="btree_not_null", copy=False, readonly=True,
                             help="ИдЗначения of a value of a 1C reference-list property.")
