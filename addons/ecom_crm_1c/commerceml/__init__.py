"""CommerceML 2 in plain Python (no ORM), safe against hostile input.

- :mod:`.sniff`: what a file holds, read from its content, and whether it is whole;
- :mod:`.reader`: streaming readers of catalogs, offers packages and documents into plain dicts;
- :mod:`.mapper`: what those dicts mean in Odoo's values (units, VAT, kinds, products, orders);
- :mod:`.characteristics`: which variant each characteristic of a product makes;
- :mod:`.writer`: the site's orders as CommerceML documents;
- :mod:`.archives`, :mod:`.paths`: uploads unpacked and stored where they may go;
- :mod:`.protocol`: the protocol's version and timestamps;
- :mod:`.errors`: the refusals' reasons, translatable.
"""
from .archives import TEMPORARY_PREFIX, TEMPORARY_SUFFIX, UnsafeArchive, files_under, is_zip, remove_added, unpack
from .paths import UnsafePath, printable, safe_relative_path
from .reader import (
    read_catalog,
    read_catalog_id,
    read_documents,
    read_offer_codes,
    read_offer_ids,
    read_offers,
    read_product_codes,
    read_product_ids,
)
from .sniff import (
    DocumentInfo,
    UnsafeDocument,
    check_encoding,
    check_well_formed,
    is_whole,
    sniff,
    starts_with,
    upload_complete,
)
