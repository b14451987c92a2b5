from odoo import api, fields, models
from odoo.tools import SQL


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
    ecom_1c_made = fields.Boolean(
        "Made by the 1C exchange", copy=False, readonly=True,
        help="The 1C exchange made this product (not the store): from 1C's schema 2.05 on, one the catalog made of a "
             "store's product of several variants gives way to it when the offers bind the store's variants by the "
             "articles or barcodes of its characteristics, as long as nothing uses it.")
    # no default: the column added by an upgrade starts empty (0), read as «not known» until the next catalog giving
    # the product's weight writes it (1C's «Вес» of 0 is a weight not filled in, never remembered)
    ecom_1c_weight = fields.Float(
        "1C weight", digits="Stock Weight", copy=False, readonly=True,
        help="The product's weight (in the database's unit of weight) as 1C's last catalog giving it had it: the "
             "variants weighing that much, or nothing, take 1C's next weight; a variant weighed otherwise in Odoo "
             "keeps its own. A new characteristic's variant takes it.")
    ecom_1c_qty = fields.Float("1C stock", compute="_compute_ecom_1c_qty", digits="Product Unit of Measure",
                               help="Quantity 1C reported in its last offers exchange, all variants and "
                                    "warehouses together; a variant 1C reports below zero counts as none.")

    _sql_constraints = [
        ("ecom_1c_id_unique", "UNIQUE(ecom_1c_id)", "Two products cannot have the same 1C id."),
    ]

    @api.depends("product_variant_ids.ecom_1c_qty", "product_variant_ids.active")
    def _compute_ecom_1c_qty(self):
        """The active variants' 1C stock together, each counting at least zero: 1C reports a
        characteristic it oversold below zero («-3»), which takes nothing from its sibling variants'
        stock. A product of one variant shows that one's own, below zero as 1C has it."""
        quantities = {}
        if self.ids:
            self.env["product.product"].flush_model(["ecom_1c_qty", "product_tmpl_id", "active"])
            self.env.cr.execute(SQL("""
                SELECT product_tmpl_id, count(*), sum(coalesce(ecom_1c_qty, 0)), sum(greatest(ecom_1c_qty, 0))
                  FROM product_product
                 WHERE active AND product_tmpl_id = ANY(%s)
              GROUP BY product_tmpl_id
            """, self.ids))
            quantities = {tmpl_id: own if count == 1 else positive
                          for tmpl_id, count, own, positive in self.env.cr.fetchall()}
        for template in self:
            template.ecom_1c_qty = quantities.get(template.id, 0.0)
