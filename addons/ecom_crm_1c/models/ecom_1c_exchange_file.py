import os

from odoo import api, fields, models

from ..commerceml import UnsafeDocument, sniff


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
    catalog_id = fields.Char("1C catalog", help="The Ид of the catalog a catalog file holds, or whose products "
                                                 "an offers package offers (ИдКаталога).")
    full_catalog = fields.Boolean("Full catalog", help="The file holds its catalog, or the list of its offers, whole "
                                                       "(СодержитТолькоИзменения=false); not a package of prices "
                                                       "or stock alone.")
    state = fields.Selection(
        [("running", "In progress"), ("done", "Done"), ("failed", "Failed")], default="running", required=True)
    position = fields.Integer("Items done", help="Items imported so far: the next step goes on from there.")
    steps = fields.Integer("Steps", help="Time-boxed import steps this file took.")
    created_count = fields.Integer("Created")
    updated_count = fields.Integer("Updated")
    archived_count = fields.Integer("Archived")
    digest = fields.Char("SHA-256", help="The SHA-256 of the file's bytes its import checked and read: a failed "
                                         "import tried again goes on from where it stopped only for the very same "
                                         "bytes, and imports a file of other bytes whole.")
    error = fields.Char("Reason", help="Why the file failed: what 1C was answered, in the language of the log.")

    @api.model
    def _file_values(self, path):
        """What the log records of an uploaded file: its size, and its kind when it can be told."""
        values = {"size": os.path.getsize(path)}
        try:
            info = sniff(path)
            values.update(kind=info.kind, schema_version=info.schema_version)
        except UnsafeDocument:
            pass
        return values

    def _add_step(self, counts):
        """An import step of this file is over: how far it got and what it changed (an importer's
        ``counts``) add up on the file and on its exchange."""
        self.ensure_one()
        self.write({
            "position": counts["position"], "steps": self.steps + 1, "state": "done" if counts["done"] else "running",
            "created_count": self.created_count + counts["created"],
            "updated_count": self.updated_count + counts["updated"],
            "archived_count": self.archived_count + counts["archived"]})
        exchange = self.exchange_id
        exchange.write({"created_count": exchange.created_count + counts["created"],
                        "updated_count": exchange.updated_count + counts["updated"],
                        "archived_count": exchange.archived_count + counts["archived"]})
