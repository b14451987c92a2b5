from odoo import fields, models
from odoo.tools import SQL

from ..tools.matching import FOLD_FROM, FOLD_TO, SPACES


def normalizes_unicode(cr):
    """Whether the database can NFKC-normalize a text (``normalize()``: PostgreSQL 13 on, a UTF8 database), which
    :func:`article_sql` then does as :func:`..tools.matching.article_key`; elsewhere the store's articles are
    compared without it (a compatibility form in them, a full-width digit, binds nothing). Read from what the
    server told the connection when it opened: no query (a batch of the exchange makes the same ones as before)."""
    connection = cr.connection
    return connection.server_version >= 130000 and connection.info.parameter_status("server_encoding") == "UTF8"


def article_sql(expression, nfkc=True):
    """The SQL of an article ``expression`` as :func:`..tools.matching.article_key` compares it, whatever the
    database's LC_CTYPE (a database created with LC_CTYPE C folds no Cyrillic letter with ``lower()``, nor takes a
    no-break space for a space in a regular expression; a Turkish one folds «I» as «ı»): NFKC-normalized (unless
    not ``nfkc``: :func:`normalizes_unicode`), every space one space, runs of them one, none around, the letters
    and dashes folded by :data:`..tools.matching.FOLD_FROM` (one ``translate()`` with the spaces), A–Z by
    ``lower()`` of collation C. The index of :meth:`ProductProduct.init` is on this very expression."""
    if nfkc:
        expression = SQL("normalize(%s, NFKC)", expression)
    folded = SQL("translate(%s, %s, %s)", expression, SPACES + FOLD_FROM, " " * len(SPACES) + FOLD_TO)
    return SQL("lower(btrim(regexp_replace(%s, ' {2,}', ' ', 'g')) COLLATE \"C\")", folded)


def barcode_sql(expression):
    """The SQL of a barcode ``expression`` as :func:`..tools.matching.barcode_key` compares it: without any space
    (``translate()`` drops the characters it has no replacement for), a GTIN of 8, 12, 13 or 14 digits
    (:data:`..tools.matching.GTIN_LENGTHS`) left-padded with zeros to 14."""
    bare = SQL("translate(%s, %s, '')", expression, SPACES)
    return SQL("CASE WHEN %s ~ '^([0-9]{8}|[0-9]{12,14})$' THEN lpad(%s, 14, '0') ELSE %s END", bare, bare, bare)


class ProductProduct(models.Model):
    _inherit = "product.product"

    ecom_1c_id = fields.Char("1C offer id", index="btree_not_null", copy=False, readonly=True,
                             help="Ид of the offer in 1C: the product's id, with «#characteristic» for a variant.")
    ecom_1c_seen_at = fields.Datetime(
        "Last named by a 1C catalog", copy=False, readonly=True,
        help="When an exchange of its 1C catalog or offers (whole or its changes) last named this characteristic.")
    ecom_1c_listed_at = fields.Datetime(
        "Last listed by a whole 1C unload", copy=False, readonly=True,
        help="When a whole list of its 1C catalog's offers (or a whole catalog listing characteristics) last named "
             "this characteristic: 1C's deactivate archives the characteristics of the products such a list named "
             "some of since its unload began that no exchange named since then.")
    ecom_1c_variant_image_checksum = fields.Char(
        "1C characteristic image checksum", copy=False, readonly=True,
        help="SHA-1 of the picture of its characteristic 1C sent last: the same picture is not written twice.")
    ecom_1c_barcode_wanted = fields.Char(
        "1C barcode awaited", copy=False, readonly=True, index="btree_not_null",
        help="The barcode 1C gave this product while another product on sale held it: it takes it, the other one "
             "giving it up, once that one is archived (at the end of the exchange's file, or of 1C's deactivate).")
    ecom_1c_qty = fields.Float("1C stock", readonly=True, digits="Product Unit of Measure",
                               help="Quantity 1C reported in its last offers exchange (all warehouses).")
    ecom_1c_price = fields.Float("1C sales price", readonly=True, digits="Product Price",
                                 help="Price of this variant in 1C's sales price type, from the last offers "
                                      "exchange that named it: the product sells at its variants' lowest one.")

    _sql_constraints = [
        ("ecom_1c_id_unique", "UNIQUE(ecom_1c_id)", "Two variants cannot have the same 1C offer id."),
    ]

    def _filter_to_unlink(self, *args, **kwargs):
        """Odoo's variants to delete of a template whose lines changed, the rest archived: while the exchange adds
        characteristics to a product (context ``ecom_1c_keep_used``: the duplicate in use taking them), a variant
        any record refers to is archived, not deleted: a foreign key deleting with it (a packaging, a pricelist
        rule, a suggestion) or emptied (a lead's product) would lose what refers to it."""
        to_unlink = super()._filter_to_unlink(*args, **kwargs)
        if not self.env.context.get("ecom_1c_keep_used") or not to_unlink:
            return to_unlink
        return to_unlink - self.browse(self.env["ecom.1c.importer"]._used_variants(to_unlink.ids))

    def init(self):
        super().init()
        # a 1C product Odoo does not know by its 1C id is looked for by its article or barcode among all the
        # store's products, 500 at once (:meth:`..ecom_1c_importer.Ecom1cImporter._bind_store_products`): these
        # find them without computing every product's codes, a store of 100,000 products each batch
        # (some 3 s to build on 100,000 products: 2.7 s the article's, its ``translate()`` of some 450 characters,
        # 0.4 s the barcode's). An expression changed needs an index of another name: one of this name is kept as
        # it is, and no longer used (test_the_candidates_are_found_by_index tells); the old name is dropped below
        nfkc = normalizes_unicode(self.env.cr)
        article = "default_code_folded" if nfkc else "default_code_folded_plain"
        for name, expression in ((article, article_sql(SQL.identifier("default_code"), nfkc)),
                                 ("barcode_gtin", barcode_sql(SQL.identifier("barcode")))):
            self.env.cr.execute(SQL("CREATE INDEX IF NOT EXISTS %s ON product_product ((%s))",
                                    SQL.identifier(f"product_product_ecom_1c_{name}_index"), expression))
        # the indexes of the expressions the codes were compared by before (no look-alike, dash nor NFKC folded, a
        # barcode not as its GTIN), and the article's of the other kind of database (one restored from PostgreSQL
        # 12 into a later one): no query uses them, and every write of a product's code would still update them
        for name in ("default_code_key", "barcode_key", "default_code_folded_plain" if nfkc else "default_code_folded"):
            self.env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(f"product_product_ecom_1c_{name}_index")))

    def _ecom_available_quantities(self):
        """1C's stock (its last offers exchange) is a stock source: a product counts as available
        by the larger of 1C's quantity and Odoo inventory's, when installed."""
        quantities = super()._ecom_available_quantities()
        if not self.ids:
            return quantities
        self.flush_model(["ecom_1c_qty", "ecom_1c_id"])
        self.env.cr.execute(SQL(
            "SELECT id, ecom_1c_qty FROM product_product WHERE id = ANY(%s) AND ecom_1c_id IS NOT NULL",
            self.ids))
        for product_id, qty in self.env.cr.fetchall():
            quantities[product_id] = max(quantities.get(product_id, qty or 0.0), qty or 0.0)
        return quantities
