"""18.0.1.2.4: a 1C session knows the file its last stored request appended to (``last_file``): 1C
sends a file's parts one after another, so a file another request came between is whole, and 1C
sending it again starts it anew (an image of exactly n × file_limit bytes was appended to). A
characteristic knows when a whole list of its catalog's offers last named it (``ecom_1c_listed_at``),
apart from when any exchange did (``ecom_1c_seen_at``, now also packages of changes, prices and
stock): 1C's deactivate archives the characteristics of the products a whole list named some of.

The columns are made here, empty and without a default (instant on a catalog of any size): a
session upgraded mid-exchange takes the next request of a file stored before for the file sent
again, as a new exchange would; the first deactivate after the upgrade archives the
characteristics of the products a whole list named since the upgrade only (fewer, never more)."""


def migrate(cr, version):
    if not version:
        return
    for table, column, kind in (("ecom_1c_session", "last_file", "varchar"),
                                ("product_product", "ecom_1c_listed_at", "timestamp")):
        cr.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}" {kind}')
