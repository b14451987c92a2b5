"""CommerceML 2 reading and writing in plain Python (no ORM), safe against hostile input."""
from .archives import UnsafeArchive, is_zip, unpack
from .paths import UnsafePath, safe_relative_path
from .reader import read_catalog, read_documents, read_offers, read_product_ids
from .sniff import DocumentInfo, UnsafeDocument, check_encoding, check_well_formed, sniff
