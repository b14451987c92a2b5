from odoo import fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    ecom_1c_id = fields.Char("1C offer id", index="btree_not_null", copy=False, readonly=True,
                             help="Ид of the offer in 1C: the product's id, with «#characteristic» for a variant.")
    ecom_1c_qty = fields.Float("1C stock", readonly=True, digits="Product Unit of Measure",
                               help="Quantity 1C reported in its last offers exchange (all warehouses).")
    ecom_1c_price = fields.Float("1C sales price", readonly=True, digits="Product Price",
                                 help="Price of this variant in 1C's sales price type, from the last offers "
                                      "exchange that named it: the product sells at its variants' lowest one.")

    _sql_constraints = [
        ("ecom_1c_id_unique", "UNIQUE(ecom_1c_id)", "Two variants cannot have the same 1C offer id."),
    ]
