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
    state = fields.Selection(
        [("running", "In progress"), ("done", "Done"), ("failed", "Failed")], default="running", required=True)
    position = fields.Integer("Items done", help="Items imported so far: the next step goes on from there.")
    steps = fields.Integer("Steps", help="Time-boxed import steps this file took.")
    created_count = fields.Integer("Created")
    updated_count = fields.Integer("Updated")
    archived_count = fields.Integer("Archived")
    error = fields.Char("Reason", help="Why the file failed: what 1C was answered.")
