from odoo import fields, models


class Ecom1cPriceType(models.Model):
    """A 1C price type (ТипЦены) and where its prices go in Odoo."""

    _name = "ecom.1c.price.type"
    _description = "1C price type"
    _order = "name"

    name = fields.Char(required=True)
    ecom_1c_id = fields.Char("1C id", required=True, index=True)
    currency_name = fields.Char("1C currency")
    target = fields.Selection(
        [("list_price", "Sales price of the product"), ("pricelist", "A pricelist"), ("ignore", "Not imported")],
        default="pricelist", required=True)
    pricelist_id = fields.Many2one("product.pricelist", "Pricelist")

    _sql_constraints = [("ecom_1c_id_unique", "UNIQUE(ecom_1c_id)", "A 1C price type is mapped once.")]
