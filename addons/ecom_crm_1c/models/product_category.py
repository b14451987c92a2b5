from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    ecom_1c_id = fields.Char("1C group id", index="btree_not_null", copy=False, readonly=True)

    _sql_constraints = [
        ("ecom_1c_id_unique", "UNIQUE(ecom_1c_id)", "Two categories cannot have the same 1C group id."),
    ]
