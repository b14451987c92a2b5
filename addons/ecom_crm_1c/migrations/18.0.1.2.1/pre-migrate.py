"""18.0.1.2.1: 1C's mode=deactivate archives the products a full unload did not name, by when a
full catalog last named each product and characteristic (``ecom_1c_seen_at``), and which catalogs
the exchange's files held whole. The columns are made here, empty, without a default (instant on a
catalog of any size; the ORM would rewrite every row for nothing): a product no full exchange named
since the upgrade counts as not named, which is what the next full unload's deactivate asks."""


def migrate(cr, version):
    if not version:
        return
    for table, column, kind in (("product_template", "ecom_1c_seen_at", "timestamp"),
                                ("product_product", "ecom_1c_seen_at", "timestamp"),
                                ("ecom_1c_exchange", "protocol_version", "varchar"),
                                ("ecom_1c_exchange_file", "catalog_id", "varchar"),
                                ("ecom_1c_exchange_file", "full_catalog", "boolean")):
        cr.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}" {kind}')
