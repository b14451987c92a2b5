from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    ecom_1c_id = fields.Char("1C id", index="btree_not_null", copy=False, readonly=True,
                             help="Ид of the product in 1C: the key of every exchange.")
    ecom_1c_catalog_id = fields.Char("1C catalog", index="btree_not_null", copy=False, readonly=True,
                                     help="The 1C catalog a full exchange archives missing products from.")
    ecom_1c_seen_at = fields.Datetime(
        "Last named by a 1C catalog", copy=False, readonly=True,
        help="When an exchange of its 1C catalog (whole or its changes) last named the product: 1C's deactivate "
             "archives those of a catalog unloaded whole that no exchange named since the unload began.")
    ecom_1c_image_checksum = fields.Char("1C image checksum", copy=False, readonly=True,
                                         help="SHA-1 of the image 1C sent last: the same image is not written twice.")
    ecom_1c_qty = fields.Float("1C stock", compute="_compute_ecom_1c_qty", digits="Product Unit of Measure",
                               help="Quantity 1C reported in its last offers exchange, all variants and "
                                    "warehouses together.")

    _sql_constraints = [
        ("ecom_1c_id_unique", "UNIQUE(ecom_1c_id)", "Two products cannot have the same 1C id."),
    ]

    @api.depends("product_variant_ids.ecom_1c_qty", "product_variant_ids.active")
    def _compute_ecom_1c_qty(self):
        quantities = dict(self.env["product.product"]._read_group(
            [("product_tmpl_id", "in", self.ids)], ["product_tmpl_id"], ["ecom_1c_qty:sum"]))
        for template in self:
            template.ecom_1c_qty = quantities.get(template, 0.0)
