from odoo import fields, models


class Ecom1cExchangeFile(models.Model):
    """A file of an exchange: its name as 1C sent it, its size and the kind read from its content."""

    _name = "ecom.1c.exchange.file"
    _description = "1C exchange file"
    _order = "id"

    exchange_id = fields.Many2one("ecom.1c.exchange", required=True, ondelete="cascade", index=True)
    name = fields.Char("File name", required=True)
    size = fields.Integer("Size (bytes)")
    kind = fields.Selection(
        [("catalog", "Catalog"), ("offers", "Offers, prices, stock"), ("documents", "Orders"),
         ("empty", "Empty"), ("archive", "Zip archive"), ("image", "Image"), ("unknown", "Unknown")],
        default="unknown")
    schema_version = fields.Char("CommerceML version")
