from odoo import fields, models


class ProductAttribute(models.Model):
    _inherit = "product.attribute"

    ecom_1c_id = fields.Char(
        "1C id", index="btree_not_null", copy=False, readonly=True,
        help="Ид of the 1C property (a product attribute that makes no variants, or the attribute of the "
             "characteristic an exchange made by name that the property names since), or «characteristic:<name>» "
             "for a 1C characteristic (an attribute whose variants are made as 1C names them).")

    _sql_constraints = [
        ("ecom_1c_id_unique", "UNIQUE(ecom_1c_id)", "Two attributes cannot have the same 1C id."),
    ]
